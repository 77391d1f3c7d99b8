//! Fixed management fees, charged per period.

use crate::chart::{self, EntryKind};
use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use super::{ManagementFee, ServiceAgreement};
use crate::ledger::Ledger;
use crate::period::{Period, Schedule};
use crate::plan::PaymentPlan;

impl ServiceAgreement {
    /// Charges the fixed management fee for every period of its schedule (anchored at the
    /// agreement's start) that starts on or before `through` and within the agreement, not
    /// charged before, each dated on its period's start. Returns how many were charged.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InsufficientFunds`](crate::isf::DrawdownError::InsufficientFunds), [`LedgerError`](crate::LedgerError). Nothing is charged
    /// when the fund cannot pay them all.
    pub fn charge_fees(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        through: NaiveDate,
    ) -> Result<usize, crate::error::Error> {
        ledger.atomically(|ledger| self.charge_fees_once(ledger, plan, through))
    }

    fn charge_fees_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        through: NaiveDate,
    ) -> Result<usize, crate::error::Error> {
        let Some(ManagementFee::FixedPerPeriod { amount, frequency }) = self.fee else {
            return Ok(0);
        };
        self.check(plan)?;
        let Some(last) = through.checked_add_days(Days::new(1)) else {
            return Ok(0);
        };
        let range = match Period::new(self.validity.start(), last.min(self.validity.end())) {
            Ok(range) => range,
            Err(_) => return Ok(0),
        };
        let schedule = Schedule::new(self.validity.start(), frequency);
        let mut rows = Vec::new();
        for start in schedule.starts_in(range)? {
            let id = chart::period_fee_entry(&self.id, start);
            if ledger.entry(&id).is_some() {
                continue;
            }
            let mut meta = BTreeMap::new();
            meta.insert(chart::meta::AGREEMENT.to_string(), self.id.to_string());
            meta.insert(chart::meta::KIND.to_string(), EntryKind::Fee.to_string());
            meta.insert(chart::meta::PERIOD_START.to_string(), start.to_string());
            rows.push((id, self.fee_account(), amount, meta));
        }
        let count = rows.len();
        // Each fee is dated on its period's start: split per row on that date.
        let mut batch = self.spread(ledger, plan, self.validity.start(), rows)?;
        for entry in &mut batch {
            if let Some(start) = entry
                .metadata
                .get(chart::meta::PERIOD_START)
                .and_then(|s| s.parse().ok())
            {
                entry.date = start;
            }
        }
        if !batch.is_empty() {
            ledger.post_batch(batch)?;
        }
        Ok(count)
    }
}
