//! Taking money from the fund: splitting it over the sources by the plan's spend order, as
//! holds or as entries.

use crate::chart::meta;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{DrawdownError, ServiceAgreement};
use crate::budget::Source;
use crate::ledger::{AccountId, EntryId, HoldId, HoldStatus, Ledger, NewEntry, NewHold};
use crate::money::Money;
use crate::plan::{DeployError, PaymentPlan};

impl ServiceAgreement {
    /// The active holds of a booking or dispute, by source, in the plan's source order.
    pub(super) fn active_holds(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        id: impl Fn(&Source) -> HoldId,
    ) -> Vec<(Source, HoldId, Money)> {
        plan.budget()
            .all_sources()
            .into_iter()
            .filter_map(|source| {
                let hold_id = id(&source);
                let hold = ledger.hold(&hold_id)?;
                (hold.status() == HoldStatus::Active)
                    .then(|| (source, hold_id, hold.details().amount))
            })
            .collect()
    }

    /// Places `amount` as holds on the fund's sources (split by the spend order), after
    /// checking the fund can take it.
    pub(super) fn place_split_holds(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        amount: Money,
        date: NaiveDate,
        hold: impl Fn(&Source) -> NewHold,
    ) -> Result<(), crate::error::Error> {
        let split = self.split(ledger, plan, amount)?;
        for (source, part) in split {
            let mut h = hold(&source);
            h.from = plan.fund_account(&self.deployment, &source);
            h.amount = part;
            h.date = date;
            ledger.place_hold(h)?;
        }
        Ok(())
    }

    /// Splits `amount` over the fund's sources by the plan's spend order.
    fn split(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        amount: Money,
    ) -> Result<Vec<(Source, Money)>, crate::error::Error> {
        let postings = plan
            .spend_postings(ledger, &self.deployment, amount)
            .map_err(|e| match e.deploy() {
                Some(DeployError::InsufficientFunds {
                    amount, available, ..
                }) => DrawdownError::InsufficientFunds {
                    fund: self.fund_name(plan),
                    needed: *amount,
                    available: *available,
                }
                .into(),
                _ => e,
            })?;
        let sources = plan.budget().all_sources();
        Ok(postings
            .into_iter()
            .filter_map(|(account, m)| {
                sources
                    .iter()
                    .find(|s| plan.fund_account(&self.deployment, s) == account)
                    .map(|s| (s.clone(), m.negate()))
            })
            .collect())
    }

    /// Entries paying each row from the fund: the total is split over the sources by the
    /// plan's spend order once, then over the rows in order, so every row and every source sums
    /// exactly and no source gives more than it has.
    pub(super) fn spread(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        date: NaiveDate,
        rows: Vec<(EntryId, AccountId, Money, BTreeMap<String, String>)>,
    ) -> Result<Vec<NewEntry>, crate::error::Error> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let total = Money::sum(self.currency, rows.iter().map(|r| r.2))?;
        let mut left: Vec<(Source, Money)> = self.split(ledger, plan, total)?;
        let mut entries = Vec::with_capacity(rows.len());
        for (id, to, amount, meta) in rows {
            let mut entry = NewEntry::new(id, date).posting(to, amount);
            entry.metadata = meta;
            let mut need = amount;
            for (source, have) in &mut left {
                if need.is_zero() {
                    break;
                }
                let take = (*have).checked_min(need)?;
                if take.is_positive() {
                    entry =
                        entry.posting(plan.fund_account(&self.deployment, source), take.negate());
                    *have = have.checked_sub(take)?;
                    need = need.checked_sub(take)?;
                }
            }
            let memo = format!(
                "{} {}",
                entry.metadata.get(meta::KIND).map_or("", String::as_str),
                entry.metadata.get(meta::LINE).map_or("", String::as_str)
            );
            entries.push(entry.memo(memo));
        }
        Ok(entries)
    }
}
