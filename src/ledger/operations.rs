//! The operations the ledger accepts, as values: the door that replay, import and linked groups
//! go through. A linked group applies several operations all or nothing and is recorded as one
//! (TigerBeetle's linked events are the model): the domain reads the ledger, decides in plain
//! code, then applies one group, so a refused or interrupted call changes nothing.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::money::Money;

/// One operation, as the log records it and as [`Ledger::apply`] takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// [`Ledger::open_account`].
    OpenAccount(NewAccount),
    /// [`Ledger::close_account`].
    CloseAccount {
        /// The account.
        id: AccountId,
    },
    /// [`Ledger::post`].
    Post(NewEntry),
    /// [`Ledger::post_batch`].
    Batch {
        /// The entries, posted all or nothing.
        entries: Vec<NewEntry>,
    },
    /// [`Ledger::place_hold`].
    Hold(NewHold),
    /// [`Ledger::settle_hold`].
    Settle {
        /// The hold.
        hold: HoldId,
        /// The settlement entry's id.
        entry: EntryId,
        /// How much is settled.
        amount: Money,
        /// The settlement's date.
        date: NaiveDate,
        /// The settlement entry's metadata ([`Ledger::settle_hold_with`]); absent when empty.
        metadata: BTreeMap<String, String>,
    },
    /// [`Ledger::release_hold`], or with a date [`Ledger::release_hold_on`].
    Release {
        /// The hold.
        hold: HoldId,
        /// The day of the release, if the caller gave one.
        on: Option<NaiveDate>,
    },
    /// [`Ledger::expire_holds`].
    Expire {
        /// The day holds were expired as of.
        today: NaiveDate,
    },
    /// [`Ledger::reverse`].
    Reverse {
        /// The entry reversed.
        entry: EntryId,
        /// The reversal entry's id.
        id: EntryId,
        /// The reversal's date.
        date: NaiveDate,
        /// The reversal's memo.
        #[doc = ""]
        memo: String,
    },
    /// [`Ledger::close_period`].
    ClosePeriod {
        /// The last closed date.
        through: NaiveDate,
    },
    /// [`Ledger::define`]: an opaque definition for the layers above the ledger.
    Define(Definition),
    /// [`Ledger::apply_linked`]: operations applied all or nothing, recorded as one.
    Linked {
        /// The operations, in order. None of them is itself linked.
        ops: Vec<Operation>,
    },
}

/// What [`Ledger::apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub enum Applied {
    /// An operation that posts no entry.
    Done,
    /// The receipts of the entries it posted (or found already posted).
    Entries(Vec<Receipt>),
    /// The holds it expired.
    Expired(Vec<HoldId>),
    /// What each operation of a linked group did, in order.
    Linked(Vec<Applied>),
}

impl Ledger {
    /// Applies one operation: the door that replay and import go through. Each operation does
    /// exactly what its method does.
    ///
    /// # Errors
    ///
    /// Whatever the operation's method returns.
    pub fn apply(&mut self, op: Operation) -> Result<Applied, LedgerError> {
        Ok(match op {
            Operation::OpenAccount(a) => {
                self.open_account(a)?;
                Applied::Done
            }
            Operation::CloseAccount { id } => {
                self.close_account(&id)?;
                Applied::Done
            }
            Operation::Post(e) => Applied::Entries(vec![self.post(e)?]),
            Operation::Batch { entries } => Applied::Entries(self.post_batch(entries)?),
            Operation::Hold(h) => {
                self.place_hold(h)?;
                Applied::Done
            }
            Operation::Settle {
                hold,
                entry,
                amount,
                date,
                metadata,
            } => Applied::Entries(vec![
                self.settle_hold_with(&hold, entry, amount, date, metadata)?,
            ]),
            Operation::Release { hold, on } => {
                self.release(hold.as_ref(), on)?;
                Applied::Done
            }
            Operation::Expire { today } => {
                check_date("expiry", today)?;
                Applied::Expired(self.expire_holds(today))
            }
            Operation::Reverse {
                entry,
                id,
                date,
                memo,
            } => Applied::Entries(vec![self.reverse(&entry, id, date, memo)?]),
            Operation::ClosePeriod { through } => {
                self.close_period(through)?;
                Applied::Done
            }
            Operation::Define(d) => {
                self.define(d)?;
                Applied::Done
            }
            Operation::Linked { ops } => Applied::Linked(self.apply_linked(ops)?),
        })
    }

    /// Applies `ops` in order, all or nothing, and records them as one operation: the log holds
    /// one `linked` record for the group. If any operation is refused, every earlier one of the
    /// group is undone and the ledger is exactly as it was. An empty group changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError::Linked`] with the position (from 0) of the first refused operation and
    /// why; [`LedgerError::NestedLinked`] inside it for a linked operation within the list.
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
    /// let before = ledger.clone();
    ///
    /// // The hold is fine, the payment would overdraw the fund: neither happens.
    /// let group = vec![
    ///     Operation::Hold(NewHold::new("week-1", "fund", "provider", "80.00 GBP".parse()?, day)),
    ///     Operation::Post(NewEntry::new("pay", day).transfer("fund", "provider", "30.00 GBP".parse()?)),
    /// ];
    /// let err = ledger.apply_linked(group).unwrap_err();
    /// assert!(matches!(err, LedgerError::Linked { index: 1, .. }));
    /// assert_eq!(ledger, before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_linked(&mut self, ops: Vec<Operation>) -> Result<Vec<Applied>, LedgerError> {
        self.atomically(|ledger| {
            let mut done = Vec::with_capacity(ops.len());
            for (index, op) in ops.into_iter().enumerate() {
                let result = if matches!(op, Operation::Linked { .. }) {
                    Err(LedgerError::NestedLinked)
                } else {
                    ledger.apply(op)
                };
                match result {
                    Ok(applied) => done.push(applied),
                    Err(source) => {
                        return Err(LedgerError::Linked {
                            index,
                            source: Box::new(source),
                        });
                    }
                }
            }
            Ok(done)
        })
    }

    /// Runs `f` on the ledger as one linked group: if `f` returns an error, everything it did
    /// is undone and the ledger is exactly as it was; if it succeeds, everything it did is one
    /// `linked` record in the log. This is how a domain call (a claim, a credit note, a payment
    /// to one person in a run) stays all or nothing: its reads see its own writes, and nothing
    /// of it survives a refusal half-way. Groups nest: an inner group that fails is undone
    /// alone, and an inner group that succeeds becomes part of the outer one.
    ///
    /// # Errors
    ///
    /// Whatever `f` returns.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::*;
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(NewAccount::new("council", AccountKind::Income, Currency::GBP))?;
    /// ledger.open_account(NewAccount::new("fund", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative))?;
    /// let day = NaiveDate::from_ymd_opt(2025, 4, 7).unwrap();
    /// let before = ledger.clone();
    /// // Parsing fails with a `MoneyError`, posting with a `LedgerError`: `?` makes either an
    /// // `isf_ledger::Error`.
    /// let result = ledger.atomically(|l| -> Result<_, isf_ledger::Error> {
    ///     l.post(NewEntry::new("in", day).transfer("council", "fund", "100.00 GBP".parse()?))?;
    ///     Ok(l.post(NewEntry::new("out", day).transfer("fund", "council", "100.01 GBP".parse()?))?)
    /// });
    /// let err = result.unwrap_err();
    /// assert!(err.is_insufficient_funds());
    /// assert!(matches!(err.ledger(), Some(LedgerError::LimitBreached { .. })));
    /// assert_eq!(ledger, before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn atomically<T, E>(
        &mut self,
        f: impl FnOnce(&mut Ledger) -> Result<T, E>,
    ) -> Result<T, E> {
        let outermost = self.savepoints.is_empty();
        let header = self.ops.len();
        let savepoint = self.savepoint_now();
        self.savepoints.push(savepoint);
        if outermost {
            self.ops.push(OpRef::Linked { count: 0 });
        }
        let result = f(self);
        let Some(savepoint) = self.savepoints.pop() else {
            return result;
        };
        match result {
            Err(e) => {
                self.rollback(savepoint);
                Err(e)
            }
            Ok(value) => {
                if outermost {
                    self.seal_group(header);
                }
                Ok(value)
            }
        }
    }

    /// Ends the outermost group whose header is at `header`: an empty group leaves no record.
    fn seal_group(&mut self, header: usize) {
        let count = self.ops.len() - header - 1;
        if count == 0 {
            self.ops.truncate(header);
        } else {
            self.ops[header] = OpRef::Linked {
                count: count as u32,
            };
            self.sealed_ops = self.ops.len();
        }
    }

    fn savepoint_now(&self) -> Savepoint {
        Savepoint {
            accounts: self.accounts.len(),
            entries: self.entries.len(),
            postings: self.postings.len(),
            text: self.text.len(),
            metadata: self.metadata.len(),
            holds: self.holds.len(),
            definitions: self.definitions.len(),
            ops: self.ops.len(),
            sealed_ops: self.sealed_ops,
            closed_through: self.closed_through,
            touched: Vec::new(),
            touched_set: HashSet::new(),
            hold_statuses: Vec::new(),
        }
    }

    /// Remembers an existing account's state before a linked group first changes it.
    pub(super) fn touch_account(&mut self, index: u32) {
        for sp in &mut self.savepoints {
            if index as usize >= sp.accounts || !sp.touched_set.insert(index) {
                continue;
            }
            let s = &self.accounts[index as usize];
            sp.touched.push(AccountMark {
                index,
                closed: s.closed,
                balance: s.balance,
                held: s.held,
                lines: s.lines.len(),
                marks: s.marks.len(),
                holds: s.holds.len(),
                daily: s.daily.mark(),
            });
        }
    }

    /// Remembers an existing hold's status before a linked group changes it.
    pub(super) fn touch_hold(&mut self, index: u32) {
        for sp in &mut self.savepoints {
            if (index as usize) < sp.holds {
                sp.hold_statuses
                    .push((index, self.holds[index as usize].status));
            }
        }
    }

    /// Undoes everything done since `sp` was taken.
    fn rollback(&mut self, sp: Savepoint) {
        self.unindex_metadata_from(sp.entries);
        for index in sp.entries..self.entries.len() {
            let index = index as u32;
            let id = self.entry_id_of(index).to_owned();
            self.unindex_entry(&id, index);
            self.links.corrects.remove(&index);
            self.links.settles.remove(&index);
            if let Some(original) = self.links.reverses.remove(&index) {
                self.links.reversed_by.remove(&original);
            }
        }
        self.entries.truncate(sp.entries);
        self.postings.truncate(sp.postings);
        self.text.truncate(sp.text);
        self.metadata.truncate(sp.metadata);
        for hold in &self.holds[sp.holds..] {
            self.hold_index.remove(&hold.spec.id);
        }
        self.holds.truncate(sp.holds);
        for (index, status) in sp.hold_statuses.into_iter().rev() {
            let hold = &mut self.holds[index as usize];
            hold.status = status;
            if status != HoldStatus::Released {
                hold.released_on = None;
            }
            // An expiry undone: the hold goes back into the index it was taken out of.
            if let (HoldStatus::Active, Some(date)) = (status, hold.spec.expires_on) {
                self.expiring.insert(date, index);
            }
        }
        for account in &self.accounts[sp.accounts..] {
            self.account_index.remove(&account.spec.id);
        }
        self.accounts.truncate(sp.accounts);
        for mark in sp.touched {
            let s = &mut self.accounts[mark.index as usize];
            s.closed = mark.closed;
            s.balance = mark.balance;
            s.held = mark.held;
            s.lines.truncate(mark.lines);
            s.marks.truncate(mark.marks);
            s.holds.truncate(mark.holds);
            s.daily.restore(mark.daily);
        }
        self.closed_through = sp.closed_through;
        self.definitions.truncate(sp.definitions);
        self.ops.truncate(sp.ops);
        self.sealed_ops = sp.sealed_ops;
    }
}

/// What a linked group needs to undo itself: the lengths of the append-only arrays when it
/// began, and the state of each existing account and hold before the group first changed it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Savepoint {
    accounts: usize,
    entries: usize,
    postings: usize,
    text: usize,
    metadata: usize,
    holds: usize,
    definitions: usize,
    ops: usize,
    sealed_ops: usize,
    closed_through: Option<NaiveDate>,
    touched: Vec<AccountMark>,
    touched_set: HashSet<u32>,
    hold_statuses: Vec<(u32, HoldStatus)>,
}

#[derive(Debug, Clone, PartialEq)]
struct AccountMark {
    index: u32,
    closed: bool,
    balance: Decimal,
    held: Decimal,
    lines: usize,
    marks: usize,
    holds: usize,
    daily: super::daily::DailyMark,
}
