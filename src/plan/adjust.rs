//! Revisions and the adjustments that settle them for periods already paid.

use crate::chart::{self, meta};
use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{PaymentPlan, PeriodAmounts};
use crate::budget::{BudgetError, RevisionId};
use crate::ledger::{AccountId, EntryId, Ledger, NewEntry, Receipt};
use crate::money::Money;

impl PaymentPlan {
    /// Revises the budget (see [`PersonalBudget::revise`]); then [`PaymentPlan::adjustments`]
    /// gives the entries that settle the difference for periods already paid.
    ///
    /// # Errors
    ///
    /// [`BudgetError`](crate::BudgetError).
    ///
    /// [`PersonalBudget::revise`]: crate::PersonalBudget::revise
    pub fn revise(&mut self, revision: crate::budget::Revision) -> Result<(), crate::error::Error> {
        self.budget.revise(revision)?;
        Ok(())
    }

    /// The id of the adjustment entry a revision makes for the period starting on `start`.
    pub fn adjustment_id(&self, revision: &RevisionId, start: NaiveDate) -> EntryId {
        chart::adjustment_entry(self.budget.id(), revision, start)
    }

    /// What the ledger shows was paid into each (deployment, source) cell for the period starting
    /// on `start`: the payment and every adjustment so far.
    fn paid_cells(
        &self,
        ledger: &Ledger,
        amounts: &PeriodAmounts,
    ) -> Result<Vec<Vec<Money>>, crate::error::Error> {
        let start = amounts.period.start();
        let mut ids = vec![self.payment_id(start)];
        ids.extend(
            self.budget
                .revisions()
                .iter()
                .map(|r| self.adjustment_id(&r.id, start)),
        );
        let mut cell_of: BTreeMap<AccountId, (usize, usize)> = BTreeMap::new();
        for (row, d) in self.deployments.iter().enumerate() {
            for (col, source) in amounts.sources.iter().enumerate() {
                cell_of.insert(self.fund_account(&d.name, source), (row, col));
            }
        }
        let currency = self.budget.currency();
        let mut cells =
            vec![vec![Money::zero(currency); amounts.sources.len()]; self.deployments.len()];
        for id in ids {
            let Some(entry) = ledger.entry(&id) else {
                continue;
            };
            for (account, amount) in entry.postings() {
                if let Some(&(row, col)) = cell_of.get(account) {
                    cells[row][col] = cells[row][col].checked_add(amount)?;
                }
            }
        }
        Ok(cells)
    }

    /// The adjustment entries for `revision`: for every period already paid, exactly the
    /// difference between what the current terms give and what the ledger shows was paid (the
    /// payment and earlier adjustments), dated `date`. Periods not yet paid need none: they will
    /// be paid at the new terms. Adjustments already posted for this revision are not repeated.
    ///
    /// # Errors
    ///
    /// [`BudgetError::UnknownRevision`](crate::BudgetError::UnknownRevision) for an unknown
    /// revision; [`MoneyError::Overflow`](crate::MoneyError::Overflow) on overflow.
    pub fn adjustments(
        &self,
        ledger: &Ledger,
        revision: &RevisionId,
        date: NaiveDate,
    ) -> Result<Vec<NewEntry>, crate::error::Error> {
        let Some(rev) = self.budget.revisions().iter().find(|r| r.id == *revision) else {
            return Err(BudgetError::UnknownRevision {
                budget: self.budget.id().clone(),
                revision: revision.clone(),
            }
            .into());
        };
        let mut out = Vec::new();
        for amounts in self.amounts()? {
            let start = amounts.period.start();
            if !self.is_paid(ledger, start) {
                continue;
            }
            let id = self.adjustment_id(revision, start);
            if ledger.entry(&id).is_some() {
                continue;
            }
            let paid = self.paid_cells(ledger, &amounts)?;
            let mut diff = amounts.cells.clone();
            for (row, cells) in diff.iter_mut().enumerate() {
                for (col, cell) in cells.iter_mut().enumerate() {
                    *cell = cell.checked_sub(paid[row][col])?;
                }
            }
            let postings = self.postings_for(&amounts.sources, &diff)?;
            if postings.len() < 2 {
                continue;
            }
            out.push(
                Self::entry_with(
                    id,
                    date,
                    format!("adjustment for {}: {}", amounts.period, rev.reason),
                    postings,
                )
                .meta(meta::BUDGET, self.budget.id().as_str())
                .meta(meta::REVISION, revision.as_str())
                .meta(meta::PERIOD, amounts.period.to_string()),
            );
        }
        Ok(out)
    }

    /// Posts [`PaymentPlan::adjustments`] for `revision` as one batch, all or nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if the ledger refuses them (for example, recovering an
    /// overpayment from a fund that has since spent it); nothing is posted then.
    pub fn post_adjustments(
        &self,
        ledger: &mut Ledger,
        revision: &RevisionId,
        date: NaiveDate,
    ) -> Result<Vec<Receipt>, crate::error::Error> {
        ledger.atomically(|ledger| self.post_adjustments_once(ledger, revision, date))
    }

    fn post_adjustments_once(
        &self,
        ledger: &mut Ledger,
        revision: &RevisionId,
        date: NaiveDate,
    ) -> Result<Vec<Receipt>, crate::error::Error> {
        let entries = self.adjustments(ledger, revision, date)?;
        Ok(ledger.post_batch(entries)?)
    }
}
