//! The person's contributions: paid into net direct-payment funds, or invoiced.

use crate::chart::meta;
use chrono::NaiveDate;

use super::{DeployError, PaymentPlan, positive};
use crate::budget::Source;
use crate::ledger::{EntryId, Ledger, NewEntry};
use crate::money::Money;

impl PaymentPlan {
    /// The entry for a contribution the person pays into a net direct-payment fund.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`], [`DeployError::NotPositive`].
    pub fn contribution_receipt(
        &self,
        deployment: &str,
        id: impl Into<EntryId>,
        amount: Money,
        date: NaiveDate,
    ) -> Result<NewEntry, DeployError> {
        self.deployment_index(deployment)?;
        positive("a contribution", amount)?;
        Ok(NewEntry::new(id, date)
            .memo(format!("contribution from {}", self.budget.person()))
            .meta(meta::BUDGET, self.budget.id().as_str())
            .transfer(
                self.contributions_paid(),
                self.fund_account(deployment, &Source::Person),
                amount,
            ))
    }

    /// The entry for the person paying an invoiced (gross) contribution to the council.
    ///
    /// # Errors
    ///
    /// [`DeployError::NotPositive`].
    pub fn invoice_payment(
        &self,
        id: impl Into<EntryId>,
        amount: Money,
        date: NaiveDate,
    ) -> Result<NewEntry, DeployError> {
        positive("an invoice payment", amount)?;
        Ok(NewEntry::new(id, date)
            .memo(format!(
                "contribution invoice paid by {}",
                self.budget.person()
            ))
            .meta(meta::BUDGET, self.budget.id().as_str())
            .transfer(self.council_receivable(), self.council_bank(), amount))
    }

    /// Contributions as at `as_of`: what was expected into net direct-payment funds for periods
    /// due by then, what was received, the arrears, and what the person owes on invoices.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`](crate::MoneyError::Overflow) on overflow;
    /// [`LedgerError`](crate::LedgerError) if the plan's accounts are not open.
    pub fn contribution_status(
        &self,
        ledger: &Ledger,
        as_of: NaiveDate,
    ) -> Result<ContributionStatus, crate::error::Error> {
        let currency = self.budget.currency();
        let mut expected = Money::zero(currency);
        for amounts in self.amounts()? {
            if self.schedule.due_on(&amounts.period) > as_of {
                continue;
            }
            let Some(col) = amounts.sources.iter().position(|s| *s == Source::Person) else {
                continue;
            };
            for (row, d) in self.deployments.iter().enumerate() {
                if d.kind.is_net() {
                    expected = expected.checked_add(amounts.cells[row][col])?;
                }
            }
        }
        let received = ledger
            .balance_as_at(self.contributions_paid(), as_of)?
            .negate();
        let short = expected.checked_sub(received)?;
        let arrears = if short.is_positive() {
            short
        } else {
            Money::zero(currency)
        };
        Ok(ContributionStatus {
            expected,
            received,
            arrears,
            invoiced_outstanding: ledger.balance_as_at(self.council_receivable(), as_of)?,
        })
    }
}

/// Contributions as at a date. See [`PaymentPlan::contribution_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct ContributionStatus {
    /// Expected into net direct-payment funds for periods due by the date.
    pub expected: Money,
    /// Received from the person by the date.
    pub received: Money,
    /// Expected less received, when positive.
    pub arrears: Money,
    /// Invoiced (gross) contributions the person has not yet paid.
    pub invoiced_outstanding: Money,
}
