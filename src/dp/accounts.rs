//! The accounts spend is recorded in: per category, the payable, and the person's refunds.

use super::{SpendCategory, check_deployment};
use crate::chart::{self, Tag};
use crate::ledger::{AccountId, AccountKind, BalanceRule, Ledger, NewAccount};
use crate::plan::PaymentPlan;

/// The expense account for a deployment's spend in `category`:
/// `spend:{budget}:{deployment}:{category}`.
pub fn spend_account(plan: &PaymentPlan, deployment: &str, category: SpendCategory) -> AccountId {
    chart::spend_account(plan.budget().id(), deployment, category)
}

/// The liability account for a deployment's unpaid wages and invoices:
/// `spend:{budget}:{deployment}:payable`.
pub fn payable_account(plan: &PaymentPlan, deployment: &str) -> AccountId {
    chart::payable_account(plan.budget().id(), deployment)
}

/// The account money refunded to the person is paid to: `person:{person}:refunds`.
pub fn refund_account(plan: &PaymentPlan) -> AccountId {
    chart::refund_account(plan.budget().person())
}

/// Opens a deployment's spend accounts (one expense account per category), its payable, and
/// the person's refund account. Opening again changes nothing.
///
/// # Errors
///
/// [`DeployError`](crate::DeployError) for an unknown deployment; [`LedgerError`](crate::LedgerError) if an account
/// exists with other details.
pub fn open_spend_accounts(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
) -> Result<(), crate::error::Error> {
    ledger.atomically(|ledger| open_spend_accounts_once(ledger, plan, deployment))
}

fn open_spend_accounts_once(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
) -> Result<(), crate::error::Error> {
    check_deployment(plan, deployment)?;
    let currency = plan.budget().currency();
    let person = chart::person_owner(plan.budget().person());
    let tag = Tag::Budget.with(plan.budget().id());
    for category in SpendCategory::ALL {
        ledger.open_account(
            NewAccount::new(
                spend_account(plan, deployment, category),
                AccountKind::Expense,
                currency,
            )
            .owner(person.as_str())
            .tag(tag.as_str())
            .tag(Tag::Category.with(category.key())),
        )?;
    }
    ledger.open_account(
        NewAccount::new(
            payable_account(plan, deployment),
            AccountKind::Liability,
            currency,
        )
        .owner(person.as_str())
        .tag(tag.as_str())
        .rule(BalanceRule::Unlimited),
    )?;
    ledger.open_account(
        NewAccount::new(refund_account(plan), AccountKind::Equity, currency).owner(person),
    )?;
    Ok(())
}
