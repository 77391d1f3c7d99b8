//! Payments: the entries each period pays, and payment runs over many plans.

use crate::chart::{self, meta};
use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::PaymentPlan;
use crate::budget::Source;
use crate::ledger::{AccountId, EntryId, Ledger, NewEntry, Receipt};
use crate::money::{Currency, Money, MoneyError};

impl PaymentPlan {
    /// The id of the payment entry for the period starting on `start`.
    pub fn payment_id(&self, start: NaiveDate) -> EntryId {
        chart::payment_entry(self.budget.id(), start)
    }

    /// True if the plan pays this (deployment, source) cell with each run.
    fn run_pays(&self, row: usize, source: &Source) -> bool {
        !(*source == Source::Person && self.deployments[row].kind.is_net())
    }

    /// The postings that move `cells` into the funds, from their payers, with the invoice for
    /// contributions the council pays in. Zero cells are left out.
    pub(super) fn postings_for(
        &self,
        sources: &[Source],
        cells: &[Vec<Money>],
    ) -> Result<Vec<(AccountId, Money)>, crate::error::Error> {
        let currency = self.budget.currency();
        let mut credits: BTreeMap<AccountId, Money> = BTreeMap::new();
        let mut postings = Vec::new();
        let mut invoiced = Money::zero(currency);
        for (row, amounts) in cells.iter().enumerate() {
            for (source, amount) in sources.iter().zip(amounts) {
                if amount.is_zero() || !self.run_pays(row, source) {
                    continue;
                }
                postings.push((
                    self.fund_account(&self.deployments[row].name, source),
                    *amount,
                ));
                let payer = credits
                    .entry(self.payer_account(source))
                    .or_insert(Money::zero(currency));
                *payer = payer.checked_sub(*amount)?;
                if *source == Source::Person {
                    invoiced = invoiced.checked_add(*amount)?;
                }
            }
        }
        postings.extend(credits.into_iter().filter(|(_, m)| !m.is_zero()));
        if !invoiced.is_zero() {
            postings.push((self.council_receivable(), invoiced));
            postings.push((self.contribution_income(), invoiced.negate()));
        }
        Ok(postings)
    }

    pub(super) fn entry_with(
        id: EntryId,
        date: NaiveDate,
        memo: String,
        postings: Vec<(AccountId, Money)>,
    ) -> NewEntry {
        postings
            .into_iter()
            .fold(NewEntry::new(id, date).memo(memo), |e, (a, m)| {
                e.posting(a, m)
            })
    }

    /// The payment entries due by `run_date` and not yet in the ledger, dated `run_date`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`](crate::MoneyError::Overflow) on overflow,
    /// [`PeriodError`](crate::PeriodError) for a schedule out of range.
    pub fn due_payments(
        &self,
        ledger: &Ledger,
        run_date: NaiveDate,
    ) -> Result<Vec<NewEntry>, crate::error::Error> {
        let mut out = Vec::new();
        for amounts in self.amounts()? {
            if self.schedule.due_on(&amounts.period) > run_date {
                continue;
            }
            let id = self.payment_id(amounts.period.start());
            if ledger.entry(&id).is_some() {
                continue;
            }
            let postings = self.postings_for(&amounts.sources, &amounts.cells)?;
            if postings.len() < 2 {
                continue;
            }
            let entry = Self::entry_with(
                id,
                run_date,
                format!("payment {} for {}", self.budget.id(), amounts.period),
                postings,
            )
            .meta(meta::BUDGET, self.budget.id().as_str())
            .meta(meta::PERIOD, amounts.period.to_string());
            out.push(entry);
        }
        Ok(out)
    }

    /// True if the payment for the period starting on `start` is in the ledger.
    pub fn is_paid(&self, ledger: &Ledger, start: NaiveDate) -> bool {
        ledger.entry(self.payment_id(start)).is_some()
    }
}

/// A payment run: one date, many plans.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PaymentRun {
    /// The run's reference (recorded on every entry it posts).
    pub id: String,
    /// The payment date: every period due by it and not yet paid is paid, dated it.
    pub date: NaiveDate,
}

impl PaymentRun {
    /// A run on `date`.
    pub fn new(id: impl Into<String>, date: NaiveDate) -> PaymentRun {
        PaymentRun {
            id: id.into(),
            date,
        }
    }
}

/// One payment a run posted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RunPayment {
    /// The budget.
    pub budget: String,
    /// The entry.
    pub entry: EntryId,
    /// Its sequence number.
    pub receipt: Receipt,
    /// What the funds received in it.
    pub amount: Money,
}

/// A plan a run refused, and why; nothing of that plan was posted.
///
/// With the `serde` feature it is written (not read: an error is not data to load) with the
/// error as its message.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RunRefusal {
    /// The budget.
    pub budget: String,
    /// Why.
    #[cfg_attr(
        feature = "serde",
        serde(serialize_with = "crate::plan::run::as_message")
    )]
    pub error: crate::error::Error,
}

/// What a run did: what it posted and what it refused. See [`run_payments`].
///
/// With the `serde` feature it is written for reports, each refusal's error as its message;
/// it is not read back.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct RunReport {
    /// The payments posted.
    pub posted: Vec<RunPayment>,
    /// The plans refused, each with its reason.
    pub refused: Vec<RunRefusal>,
}

#[cfg(feature = "serde")]
fn as_message<S: serde::Serializer>(
    error: &crate::error::Error,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(error)
}

impl RunReport {
    /// The total paid into funds, per currency, in currency order.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a currency's total cannot be represented.
    pub fn total(&self) -> Result<Vec<Money>, MoneyError> {
        let mut totals: BTreeMap<Currency, Money> = BTreeMap::new();
        for p in &self.posted {
            let t = totals
                .entry(p.amount.currency())
                .or_insert(Money::zero(p.amount.currency()));
            *t = t.checked_add(p.amount)?;
        }
        Ok(totals.into_values().collect())
    }
}

/// Runs payments for many plans in one call. Each plan's due, unpaid periods are posted as one
/// batch, all or nothing: a plan is either paid in full or refused with its reason, never half
/// paid. Payment ids are fixed by budget and period, so running the same run again posts
/// nothing twice.
pub fn run_payments(ledger: &mut Ledger, plans: &[&PaymentPlan], run: &PaymentRun) -> RunReport {
    let mut report = RunReport::default();
    for plan in plans {
        let budget = plan.budget.id().to_string();
        let result = plan.due_payments(ledger, run.date).and_then(|entries| {
            let entries: Vec<NewEntry> = entries
                .into_iter()
                .map(|e| e.meta(meta::RUN, run.id.as_str()))
                .collect();
            // What each entry puts into the funds, worked out before anything is posted.
            let amounts = entries
                .iter()
                .map(|e| funds_received(plan, e))
                .collect::<Result<Vec<Money>, crate::error::Error>>()?;
            let receipts = ledger.post_batch(entries.clone())?;
            Ok((entries, amounts, receipts))
        });
        match result {
            Ok((entries, amounts, receipts)) => {
                for ((entry, amount), receipt) in entries.into_iter().zip(amounts).zip(receipts) {
                    report.posted.push(RunPayment {
                        budget: budget.clone(),
                        entry: entry.id,
                        receipt,
                        amount,
                    });
                }
            }
            Err(error) => report.refused.push(RunRefusal { budget, error }),
        }
    }
    report
}

fn funds_received(plan: &PaymentPlan, entry: &NewEntry) -> Result<Money, crate::error::Error> {
    let into_funds = entry
        .postings
        .iter()
        .filter(|p| chart::is_budget_fund_account(&p.account, plan.budget.id()))
        .map(|p| p.amount);
    Ok(Money::sum(plan.budget.currency(), into_funds)?)
}
