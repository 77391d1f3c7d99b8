//! Balances (now, as at a date, as known after an entry), history, and the trial balance.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::money::{Currency, Money};

impl Ledger {
    // ----- balances and queries ---------------------------------------------------------------

    /// The balance after the first `n` lines of an account: a mark plus at most `MARK - 1`
    /// postings.
    pub(super) fn running_after(&self, s: &AccountState, n: usize) -> Decimal {
        let k = n / MARK;
        let mut amount = if k == 0 {
            Decimal::ZERO
        } else {
            s.marks[k - 1]
        };
        for l in &s.lines[k * MARK..n] {
            amount = bounded_add(amount, self.postings[l.posting as usize].amount);
        }
        amount
    }

    /// The entry a posting belongs to. O(log n).
    pub(super) fn entry_of_posting(&self, posting: u32) -> u32 {
        (self.entries.partition_point(|e| e.first_posting <= posting) - 1) as u32
    }

    pub(super) fn state(&self, id: impl AsRef<str>) -> Result<&AccountState, LedgerError> {
        Ok(&self.accounts[self.account_index_of(id)? as usize])
    }

    /// The posted balance of an account, debit positive. O(1).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn balance(&self, id: impl AsRef<str>) -> Result<Money, LedgerError> {
        let s = self.state(id)?;
        Ok(Money::new(s.balance, s.spec.currency))
    }

    /// The amount reserved on an account by active holds. O(1).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn held(&self, id: impl AsRef<str>) -> Result<Money, LedgerError> {
        let s = self.state(id)?;
        Ok(Money::new(s.held, s.spec.currency))
    }

    /// Posted minus held: what the account may still spend. O(1).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn available(&self, id: impl AsRef<str>) -> Result<Money, LedgerError> {
        let s = self.state(id)?;
        Ok(Money::new(s.balance - s.held, s.spec.currency))
    }

    /// The balance counting every entry with an effective date on or before `date`, whenever it
    /// was recorded. O(log n).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::*;
    /// let mut ledger = Ledger::new();
    /// for id in ["a", "b"] {
    ///     ledger.open_account(NewAccount::new(id, AccountKind::Asset, Currency::GBP))?;
    /// }
    /// let may = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    /// let april = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    /// ledger.post(NewEntry::new("may", may).transfer("a", "b", "10.00 GBP".parse()?))?;
    /// ledger.post(NewEntry::new("april", april).transfer("a", "b", "5.00 GBP".parse()?))?;
    /// let b = AccountId::from("b");
    /// assert_eq!(ledger.balance_as_at(&b, april)?.to_string(), "5.00 GBP");
    /// assert_eq!(ledger.balance_known_after(&b, Seq(1))?.to_string(), "10.00 GBP");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn balance_as_at(
        &self,
        id: impl AsRef<str>,
        date: NaiveDate,
    ) -> Result<Money, LedgerError> {
        let s = self.state(id)?;
        Ok(Money::new(s.daily.as_at(date), s.spec.currency))
    }

    /// The balance as the ledger knew it just after recording entry `seq`: entries recorded
    /// later do not count, whatever their dates. O(log n).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn balance_known_after(&self, id: impl AsRef<str>, seq: Seq) -> Result<Money, LedgerError> {
        let s = self.state(id)?;
        // Postings of entries recorded after `seq` start at that entry's first posting.
        let bound = match self.entries.get(seq.0 as usize) {
            Some(rec) => rec.first_posting,
            None => self.postings.len() as u32,
        };
        let n = s.lines.partition_point(|l| l.posting < bound);
        Ok(Money::new(self.running_after(s, n), s.spec.currency))
    }

    /// One account's postings in recorded order, each with the balance after it.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn history(&self, id: impl AsRef<str>) -> Result<Vec<HistoryLine<'_>>, LedgerError> {
        let index = self.account_index_of(id)?;
        let s = &self.accounts[index as usize];
        let mut previous = Decimal::ZERO;
        let mut out = Vec::with_capacity(s.lines.len());
        for line in &s.lines {
            let entry = self.entry_view(self.entry_of_posting(line.posting));
            let amount = self.postings[line.posting as usize].amount;
            let running = bounded_add(previous, amount);
            out.push(HistoryLine {
                amount: Money::new(amount, s.spec.currency),
                balance: Money::new(running, s.spec.currency),
                entry,
            });
            previous = running;
        }
        Ok(out)
    }

    /// An account's details and balances.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn account(&self, id: impl AsRef<str>) -> Result<AccountView<'_>, LedgerError> {
        self.state(id).map(|state| AccountView { state })
    }

    /// Every account, in the order they were opened.
    pub fn accounts(&self) -> impl Iterator<Item = AccountView<'_>> + '_ {
        self.accounts.iter().map(|state| AccountView { state })
    }

    /// The number of entries recorded.
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// The sequence number of the last entry recorded (`Seq(0)` if none).
    pub fn last_seq(&self) -> Seq {
        Seq(self.entries.len() as u64)
    }

    /// An entry by id.
    pub fn entry(&self, id: impl AsRef<str>) -> Option<EntryView<'_>> {
        self.entry_index_of(id.as_ref()).map(|i| self.entry_view(i))
    }

    /// An entry by sequence number.
    pub fn entry_at(&self, seq: Seq) -> Option<EntryView<'_>> {
        let index = seq.0.checked_sub(1)?;
        if index < self.entries.len() as u64 {
            Some(self.entry_view(index as u32))
        } else {
            None
        }
    }

    /// Every entry in recorded order.
    pub fn entries(&self) -> impl Iterator<Item = EntryView<'_>> + '_ {
        (0..self.entries.len() as u32).map(|i| self.entry_view(i))
    }

    pub(super) fn entry_view(&self, index: u32) -> EntryView<'_> {
        EntryView {
            ledger: self,
            index,
        }
    }

    /// A hold by id.
    pub fn hold(&self, id: impl AsRef<str>) -> Option<HoldView<'_>> {
        let index = self.hold_index.get(id.as_ref())?;
        Some(HoldView {
            ledger: self,
            state: &self.holds[*index as usize],
        })
    }

    /// Every hold, in the order they were placed.
    pub fn holds(&self) -> impl Iterator<Item = HoldView<'_>> + '_ {
        self.holds.iter().map(|state| HoldView {
            ledger: self,
            state,
        })
    }

    /// The holds placed on one account (money reserved on it), in the order they were placed,
    /// whatever their state: a fund's statement reads these rather than every hold.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn holds_on<'a, A: AsRef<str>>(
        &'a self,
        account: A,
    ) -> Result<impl Iterator<Item = HoldView<'a>> + use<'a, A>, LedgerError> {
        let index = self.account_index_of(account)?;
        Ok(self.accounts[index as usize]
            .holds
            .iter()
            .map(move |&h| HoldView {
                ledger: self,
                state: &self.holds[h as usize],
            }))
    }

    /// Every account's balance, and the total per currency (zero in a ledger that balances).
    pub fn trial_balance(&self) -> TrialBalance {
        let mut totals: BTreeMap<Currency, Decimal> = BTreeMap::new();
        let lines = self
            .accounts
            .iter()
            .map(|s| {
                let total = totals.entry(s.spec.currency).or_default();
                *total = bounded_add(*total, s.balance);
                TrialBalanceLine {
                    account: s.spec.id.clone(),
                    kind: s.spec.kind,
                    balance: Money::new(s.balance, s.spec.currency),
                }
            })
            .collect();
        TrialBalance {
            lines,
            totals: totals.into_iter().map(|(c, d)| Money::new(d, c)).collect(),
        }
    }
}
