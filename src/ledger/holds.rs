//! Two-phase holds: place, settle all or part, release, expire.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::money::Money;

impl Ledger {
    // ----- holds ------------------------------------------------------------------------------

    /// Places a hold: reserves `amount` on `from`, lowering its available balance, until it is
    /// settled, released or expires. Placing the same hold again changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError::InvalidId`], [`LedgerError::DuplicateHold`],
    /// [`LedgerError::UnknownAccount`], [`LedgerError::AccountClosed`],
    /// [`LedgerError::CurrencyMismatch`], [`LedgerError::NotPositive`],
    /// [`LedgerError::TooManyDecimals`], [`LedgerError::InvalidHold`],
    /// [`LedgerError::PeriodClosed`], [`LedgerError::LimitBreached`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::*;
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(NewAccount::new("council", AccountKind::Income, Currency::GBP))?;
    /// ledger.open_account(NewAccount::new("fund", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative))?;
    /// ledger.open_account(NewAccount::new("provider", AccountKind::Expense, Currency::GBP))?;
    /// let day = NaiveDate::from_ymd_opt(2025, 4, 7).unwrap();
    /// ledger.post(NewEntry::new("in", day).transfer("council", "fund", "100.00 GBP".parse()?))?;
    /// ledger.place_hold(NewHold::new("week-1", "fund", "provider", "80.00 GBP".parse()?, day))?;
    /// assert_eq!(ledger.available("fund")?.to_string(), "20.00 GBP");
    /// ledger.settle_hold("week-1", "week-1-paid", "72.50 GBP".parse()?, day)?;
    /// assert_eq!(ledger.balance("fund")?.to_string(), "27.50 GBP");
    /// assert_eq!(ledger.available("fund")?.to_string(), "27.50 GBP");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn place_hold(&mut self, hold: NewHold) -> Result<(), LedgerError> {
        check_id("hold", hold.id.as_str())?;
        check_date("hold", hold.date)?;
        if let Some(expires_on) = hold.expires_on {
            check_date("hold expiry", expires_on)?;
        }
        check_memo(&hold.memo)?;
        if let Some(&index) = self.hold_index.get(&hold.id) {
            return if self.holds[index as usize].spec == hold {
                Ok(())
            } else {
                Err(LedgerError::DuplicateHold { hold: hold.id })
            };
        }
        let from = self.open_account_index(&hold.from)?;
        let to = self.open_account_index(&hold.to)?;
        for (index, id) in [(from, &hold.from), (to, &hold.to)] {
            let currency = self.accounts[index as usize].spec.currency;
            if hold.amount.currency() != currency {
                return Err(LedgerError::CurrencyMismatch {
                    account: id.clone(),
                    expected: currency,
                    amount: hold.amount,
                });
            }
        }
        check_amount(hold.amount)?;
        if !hold.amount.is_positive() {
            return Err(LedgerError::NotPositive {
                what: "a hold",
                amount: hold.amount,
            });
        }
        if from == to {
            return Err(invalid_hold(
                &hold.id,
                "it must move money between two accounts",
            ));
        }
        if hold.expires_on.is_some_and(|e| e <= hold.date) {
            return Err(invalid_hold(
                &hold.id,
                "it must expire after the day it is placed",
            ));
        }
        self.check_open_date(hold.date)?;
        let state = &self.accounts[from as usize];
        let held = state
            .held
            .checked_add(hold.amount.amount())
            .ok_or_else(|| LedgerError::Overflow {
                operation: format!("holds on {}", state.spec.id),
            })?;
        if let Some(floor) = state.spec.rule.floor() {
            let available = state.balance - state.held;
            if state.balance - held < floor {
                return Err(LedgerError::LimitBreached {
                    account: state.spec.id.clone(),
                    available: Money::new(available, state.spec.currency),
                    change: hold.amount.negate(),
                    limit: Money::new(floor, state.spec.currency),
                });
            }
        }
        if self.holds.len() >= u32::MAX as usize {
            return Err(LedgerError::CapacityExceeded { what: "holds" });
        }
        let index = self.holds.len() as u32;
        self.touch_account(from);
        self.accounts[from as usize].held = held;
        self.accounts[from as usize].holds.push(index);
        self.hold_index.insert(hold.id.clone(), index);
        if let Some(date) = hold.expires_on {
            self.expiring.insert(date, index);
        }
        self.holds.push(HoldState {
            spec: hold,
            from,
            to,
            status: HoldStatus::Active,
            released_on: None,
        });
        self.ops.push(OpRef::PlaceHold(index));
        Ok(())
    }

    pub(super) fn hold_index_of(&self, id: impl AsRef<str>) -> Result<u32, LedgerError> {
        let id = id.as_ref();
        self.hold_index
            .get(id)
            .copied()
            .ok_or_else(|| LedgerError::UnknownHold {
                hold: HoldId::from(id),
            })
    }

    /// Refuses an operation on a hold that is no longer active.
    pub(super) fn check_active(&self, index: u32) -> Result<(), LedgerError> {
        let hold = &self.holds[index as usize];
        let id = hold.spec.id.clone();
        match hold.status {
            HoldStatus::Active => Ok(()),
            HoldStatus::Settled { .. } => Err(LedgerError::HoldSettled { hold: id }),
            HoldStatus::Released => Err(LedgerError::HoldReleased { hold: id }),
            HoldStatus::Expired => Err(LedgerError::HoldExpired {
                hold: id,
                expired_on: hold.spec.expires_on.unwrap_or(hold.spec.date),
            }),
        }
    }

    /// Settles a hold for `amount` (all or part of it) with an entry `entry_id` dated `date`
    /// that moves the money from the hold's `from` account to its `to` account; whatever is not
    /// settled is released. A hold is settled at most once: asking again with the same entry id
    /// and amount returns the original receipt.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownHold`], [`LedgerError::HoldSettled`],
    /// [`LedgerError::HoldReleased`], [`LedgerError::HoldExpired`] (also when `date` is on or
    /// after the expiry date), [`LedgerError::SettleExceedsHold`],
    /// [`LedgerError::NotPositive`], [`LedgerError::TooManyDecimals`],
    /// [`LedgerError::CurrencyMismatch`], [`LedgerError::PeriodClosed`],
    /// [`LedgerError::AccountClosed`], [`LedgerError::DuplicateEntry`].
    pub fn settle_hold(
        &mut self,
        hold: impl AsRef<str>,
        entry_id: impl Into<EntryId>,
        amount: Money,
        date: NaiveDate,
    ) -> Result<Receipt, LedgerError> {
        self.settle_hold_with(hold, entry_id, amount, date, BTreeMap::new())
    }

    /// [`Ledger::settle_hold`], with `metadata` on the settlement entry (what was delivered,
    /// against which claim), so that reports can read it like any other entry's.
    ///
    /// # Errors
    ///
    /// As [`Ledger::settle_hold`].
    pub fn settle_hold_with(
        &mut self,
        hold: impl AsRef<str>,
        entry_id: impl Into<EntryId>,
        amount: Money,
        date: NaiveDate,
        metadata: BTreeMap<String, String>,
    ) -> Result<Receipt, LedgerError> {
        let index = self.hold_index_of(hold)?;
        let mut entry = self.settlement_entry(index, entry_id.into(), amount, date);
        entry.metadata = metadata;
        let state = &self.holds[index as usize];
        if let HoldStatus::Settled { seq } = state.status {
            let existing = (seq.0 - 1) as u32;
            let mut pending = Pending::default();
            if matches!(
                self.check_entry(&entry, EntryOrigin::Settlement, &mut pending),
                Ok(Checked { duplicate_of: Some(i), .. }) if i == existing
            ) {
                return Ok(receipt(existing, true));
            }
        }
        self.check_active(index)?;
        let state = &self.holds[index as usize];
        if let Some(expires_on) = state.spec.expires_on {
            if date >= expires_on {
                return Err(LedgerError::HoldExpired {
                    hold: state.spec.id.clone(),
                    expired_on: expires_on,
                });
            }
        }
        if date < state.spec.date {
            return Err(invalid_hold(
                &state.spec.id,
                "it cannot be settled before the day it was placed",
            ));
        }
        let held = state.spec.amount;
        if amount.currency() != held.currency() {
            return Err(LedgerError::CurrencyMismatch {
                account: state.spec.from.clone(),
                expected: held.currency(),
                amount,
            });
        }
        if !amount.is_positive() {
            return Err(LedgerError::NotPositive {
                what: "a settlement",
                amount,
            });
        }
        if amount.amount() > held.amount() {
            return Err(LedgerError::SettleExceedsHold {
                hold: state.spec.id.clone(),
                held,
                requested: amount,
            });
        }
        let from = state.from;
        let mut pending = Pending::default();
        let checked = self.check_settlement(&entry, &mut pending, held.amount(), from)?;
        self.check_text_capacity(&[&entry])?;
        let entry_index = self.record(&entry, checked.postings, EntryOrigin::Settlement);
        self.touch_account(from);
        self.touch_hold(index);
        let account = &mut self.accounts[from as usize];
        account.held -= held.amount();
        let seq = Seq(u64::from(entry_index) + 1);
        self.holds[index as usize].status = HoldStatus::Settled { seq };
        self.links.settles.insert(entry_index, index);
        self.ops.push(OpRef::Settle {
            hold: index,
            entry: entry_index,
        });
        Ok(receipt(entry_index, false))
    }

    /// Checks a settlement entry: like any entry, except that the hold's reservation is freed
    /// in the same step, so the fund may spend what was held for it.
    pub(super) fn check_settlement(
        &self,
        entry: &NewEntry,
        pending: &mut Pending,
        released: Decimal,
        from: u32,
    ) -> Result<Checked, LedgerError> {
        // Check the ids, accounts, amounts and balance as for any entry, but the limits with the
        // hold's amount released.
        check_id("entry", entry.id.as_str())?;
        if self.entry_index_of(entry.id.as_str()).is_some() {
            return Err(LedgerError::DuplicateEntry {
                entry: entry.id.clone(),
            });
        }
        self.check_open_date(entry.date)?;
        let mut postings = Vec::with_capacity(2);
        for p in &entry.postings {
            let account = self.open_account_index(&p.account)?;
            postings.push(PostingRec {
                account,
                amount: p.amount.amount(),
            });
            check_amount(p.amount)?;
            self.apply_pending(pending, account, p.amount.amount())?;
        }
        if self.postings.len() + 2 > u32::MAX as usize
            || self.entries.len() >= u32::MAX as usize - 1
        {
            return Err(LedgerError::CapacityExceeded { what: "entries" });
        }
        self.check_limits(pending, &postings, released, Some(from))?;
        Ok(Checked {
            postings,
            duplicate_of: None,
        })
    }

    pub(super) fn settlement_entry(
        &self,
        hold: u32,
        id: EntryId,
        amount: Money,
        date: NaiveDate,
    ) -> NewEntry {
        let state = &self.holds[hold as usize];
        NewEntry::new(id, date)
            .memo(state.spec.memo.clone())
            .transfer(state.spec.from.clone(), state.spec.to.clone(), amount)
    }

    /// Releases a hold without settling it: its whole amount is available again. Releasing a
    /// released hold again changes nothing and is not logged again, as placing the same hold
    /// again or posting the same entry again.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownHold`], [`LedgerError::HoldSettled`], [`LedgerError::HoldExpired`].
    pub fn release_hold(&mut self, hold: impl AsRef<str>) -> Result<(), LedgerError> {
        self.release(hold.as_ref(), None)
    }

    /// Releases a hold as [`release_hold`](Ledger::release_hold) does, dated `on`: a statement
    /// of the period the hold was placed in then shows it as it stood at the period's end, and
    /// when it was released ([`HoldView::released_on`]). The date is what the caller says; it
    /// may not be before the day the hold was placed, nor in a closed period.
    ///
    /// # Errors
    ///
    /// As [`release_hold`](Ledger::release_hold); [`LedgerError::InvalidHold`] for a date before
    /// the hold was placed, [`LedgerError::PeriodClosed`] for a date in a closed period,
    /// [`LedgerError::DateOutOfRange`].
    pub fn release_hold_on(
        &mut self,
        hold: impl AsRef<str>,
        on: NaiveDate,
    ) -> Result<(), LedgerError> {
        self.release(hold.as_ref(), Some(on))
    }

    pub(super) fn release(&mut self, hold: &str, on: Option<NaiveDate>) -> Result<(), LedgerError> {
        let index = self.hold_index_of(hold)?;
        // Like placing a hold or posting an entry again, releasing again changes nothing.
        if self.holds[index as usize].status == HoldStatus::Released {
            return Ok(());
        }
        self.check_active(index)?;
        if let Some(on) = on {
            self.check_release_date(index, on)?;
        }
        self.end_hold(index, HoldStatus::Released);
        self.holds[index as usize].released_on = on;
        self.ops.push(OpRef::Release(index));
        Ok(())
    }

    pub(super) fn end_hold(&mut self, index: u32, status: HoldStatus) {
        self.touch_hold(index);
        self.touch_account(self.holds[index as usize].from);
        let hold = &mut self.holds[index as usize];
        hold.status = status;
        let amount = hold.spec.amount.amount();
        let account = &mut self.accounts[hold.from as usize];
        account.held -= amount;
    }

    /// Expires every active hold whose expiry date is on or before `today`, and returns their
    /// ids in the order they were placed. Expiring when nothing is due changes nothing.
    ///
    /// Reads an index of holds by expiry date: O(k log k) for the k holds due (and those settled
    /// or released whose date has come), however many holds were ever placed.
    pub fn expire_holds(&mut self, today: NaiveDate) -> Vec<HoldId> {
        // Outside the crate's date range nothing expires (and nothing is logged); a log's
        // expire line with such a date is refused.
        if check_date("expiry", today).is_err() {
            return Vec::new();
        }
        let due = self.expiring.take_due(today, &self.holds);
        for &index in &due {
            self.end_hold(index, HoldStatus::Expired);
        }
        if !due.is_empty() {
            self.ops.push(OpRef::Expire(today));
        }
        due.into_iter()
            .map(|i| self.holds[i as usize].spec.id.clone())
            .collect()
    }
}

impl Ledger {
    /// A release date must be in range, not before the hold was placed, and in an open period.
    fn check_release_date(&self, index: u32, on: NaiveDate) -> Result<(), LedgerError> {
        check_date("release", on)?;
        let spec = &self.holds[index as usize].spec;
        if on < spec.date {
            return Err(invalid_hold(
                &spec.id,
                "released before the day it was placed",
            ));
        }
        self.check_open_date(on)
    }
}

pub(super) fn invalid_hold(hold: &HoldId, reason: &'static str) -> LedgerError {
    LedgerError::InvalidHold {
        hold: hold.clone(),
        reason,
    }
}
