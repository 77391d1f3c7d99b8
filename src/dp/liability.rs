//! Wages and invoices owed but not yet paid: accruing them, paying them, listing them.

use crate::chart::{EntryKind, SpendDetails, SpendMeta, WithMeta, meta};
use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::spend::{Retry, RetryKey};
use super::{
    MonitorError, Recorded, Spend, SpendCategory, SpendPolicy, check_deployment, fund_name,
    payable_account, positive, spend_account,
};
use crate::ledger::{EntryId, Ledger, NewEntry};
use crate::money::Money;
use crate::plan::PaymentPlan;

/// Records a wage or invoice owed but not yet paid: the expense is debited and the payable
/// credited; the fund does not move. The spend's id becomes the liability's id.
///
/// # Errors
///
/// [`MonitorError::EmptyPayee`], [`MonitorError::NotPositive`], [`DeployError`](crate::DeployError) for an
/// unknown deployment, [`LedgerError`](crate::LedgerError) if the ledger refuses it.
pub fn accrue_liability(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    spend: &Spend,
    policy: &SpendPolicy,
) -> Result<Recorded, crate::error::Error> {
    ledger.atomically(|ledger| accrue_liability_once(ledger, plan, deployment, spend, policy))
}

fn accrue_liability_once(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    spend: &Spend,
    policy: &SpendPolicy,
) -> Result<Recorded, crate::error::Error> {
    check_deployment(plan, deployment)?;
    spend.validate()?;
    let entry = NewEntry::new(spend.id.clone(), spend.date).transfer(
        payable_account(plan, deployment),
        spend_account(plan, deployment, spend.category),
        spend.amount,
    );
    let mut entry = spend.tagged(entry, plan, deployment, EntryKind::LiabilityAccrual);
    let flag = policy
        .check(spend.category, &spend.payee)
        .map(str::to_string);
    if let Some(reason) = &flag {
        entry = entry.meta(meta::FLAG, reason.as_str());
    }
    let receipt = ledger.post(entry)?;
    Ok(Recorded { receipt, flag })
}

/// Pays `amount` of the liability `liability` (an entry id from [`accrue_liability`]) from the
/// fund: the payable is debited and the fund's sources credited by the spend order. The entry
/// carries the liability's category, payee and flag, and `liability` in its metadata.
///
/// # Errors
///
/// [`MonitorError::UnknownLiability`], [`MonitorError::LiabilityOverpaid`],
/// [`MonitorError::NotPositive`], [`DeployError`](crate::DeployError) for not enough in the fund,
/// [`LedgerError`](crate::LedgerError) if the ledger refuses it. Nothing is posted then. Paying again
/// with the same id, date, liability and amount changes nothing and returns a receipt marked
/// `already_posted`.
pub fn pay_liability(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    liability: &str,
    id: impl Into<EntryId>,
    amount: Money,
    date: NaiveDate,
) -> Result<Recorded, crate::error::Error> {
    ledger.atomically(|ledger| {
        pay_liability_once(ledger, plan, deployment, liability, id, amount, date)
    })
}

fn pay_liability_once(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    liability: &str,
    id: impl Into<EntryId>,
    amount: Money,
    date: NaiveDate,
) -> Result<Recorded, crate::error::Error> {
    check_deployment(plan, deployment)?;
    positive("a liability payment", amount)?;
    let id = id.into();
    let payable = payable_account(plan, deployment);
    let same = Retry {
        kind: EntryKind::LiabilityPayment,
        date,
        target: &payable,
        amount,
        key: RetryKey::Liability(liability),
    };
    if let Some(done) = same.already_recorded(ledger, &id)? {
        return Ok(done);
    }
    let unknown = || MonitorError::UnknownLiability {
        fund: fund_name(plan, deployment),
        liability: liability.to_string(),
    };
    let outstanding = liabilities(ledger, plan, deployment, None)?
        .into_iter()
        .find(|l| l.id == liability)
        .ok_or_else(unknown)?;
    let accrual = ledger.entry(liability).ok_or_else(unknown)?;
    if amount > outstanding.outstanding {
        return Err(MonitorError::LiabilityOverpaid {
            liability: liability.to_string(),
            amount,
            outstanding: outstanding.outstanding,
        }
        .into());
    }
    let owed = SpendDetails::from_meta(accrual.metadata());
    let entry = plan
        .spend_postings(ledger, deployment, amount)?
        .into_iter()
        .fold(NewEntry::new(id, date), |e, (a, m)| e.posting(a, m))
        .posting(payable_account(plan, deployment), amount)
        .memo(format!("paid: {}", accrual.memo()))
        .with_meta(
            SpendMeta {
                kind: EntryKind::LiabilityPayment,
                budget: plan.budget().id().clone(),
                deployment: deployment.to_string(),
                details: SpendDetails {
                    liability: Some(liability.to_string()),
                    ..owed
                },
            }
            .to_meta(),
        );
    let flag = SpendDetails::from_meta(&entry.metadata).flag;
    let receipt = ledger.post(entry)?;
    Ok(Recorded { receipt, flag })
}

/// A wage or invoice owed from a fund.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct Liability {
    /// Its id (the accrual's entry id).
    pub id: String,
    /// When it was recorded.
    pub date: NaiveDate,
    /// To whom.
    pub payee: String,
    /// What for (`None` if it was not recorded by this module).
    pub category: Option<SpendCategory>,
    /// The amount owed originally.
    pub amount: Money,
    /// Paid so far.
    pub paid: Money,
    /// Still owed.
    pub outstanding: Money,
}

/// The liabilities of a deployment still owed (in part or whole) as at `as_at` (every entry if
/// `None`), read from the payable account's postings, in the order they were recorded.
///
/// # Errors
///
/// [`DeployError`](crate::DeployError) for an unknown deployment, [`LedgerError`](crate::LedgerError) if the accounts
/// are not open, [`MoneyError`](crate::MoneyError) on overflow.
pub fn liabilities(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    as_at: Option<NaiveDate>,
) -> Result<Vec<Liability>, crate::error::Error> {
    check_deployment(plan, deployment)?;
    let currency = plan.budget().currency();
    let mut order: Vec<String> = Vec::new();
    let mut by_id: BTreeMap<String, Liability> = BTreeMap::new();
    for line in ledger.history(payable_account(plan, deployment))? {
        let entry = line.entry;
        if as_at.is_some_and(|d| entry.date() > d) {
            continue;
        }
        let meta = SpendDetails::from_meta(entry.metadata());
        let key = meta
            .liability
            .clone()
            .unwrap_or_else(|| entry.id().to_string());
        let l = by_id.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Liability {
                id: key,
                date: entry.date(),
                payee: meta.payee.clone().unwrap_or_default(),
                category: meta.category,
                amount: Money::zero(currency),
                paid: Money::zero(currency),
                outstanding: Money::zero(currency),
            }
        });
        // The payable is credited (negative) when owed, debited when paid.
        if line.amount.is_negative() {
            l.amount = l.amount.checked_add(line.amount.negate())?;
        } else {
            l.paid = l.paid.checked_add(line.amount)?;
        }
        l.outstanding = l.outstanding.checked_sub(line.amount)?;
    }
    Ok(order
        .into_iter()
        .filter_map(|k| by_id.remove(&k))
        .filter(|l| !l.outstanding.is_zero())
        .collect())
}

/// What a deployment owes in unpaid wages and invoices as at `date`: the payable's balance.
///
/// # Errors
///
/// [`DeployError`](crate::DeployError) for an unknown deployment, [`LedgerError`](crate::LedgerError) if the account
/// is not open.
pub fn outstanding_liabilities(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    date: NaiveDate,
) -> Result<Money, crate::error::Error> {
    check_deployment(plan, deployment)?;
    Ok(ledger
        .balance_as_at(payable_account(plan, deployment), date)?
        .negate())
}
