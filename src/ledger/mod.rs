//! The double-entry ledger: accounts, journal entries, holds, reversals, closed periods,
//! balances, verification, and the operation log.
//!
//! The ledger knows nothing of care. Everything the domain modules do reaches it as
//! [`NewAccount`], [`NewEntry`] and [`NewHold`] values; reports read it back.
//!
//! # How it keeps its promises
//!
//! * Every operation is checked in full before anything is written, so a refused operation
//!   changes nothing.
//! * Balances are maintained from the postings as they are recorded, and [`Ledger::verify`]
//!   recomputes all of them from the postings alone.
//! * No posting may carry more than [`MAX_AMOUNT`] (nor 10^17 minor units) and no ledger more
//!   than `u32::MAX` postings, so every running sum stays exact: balances never overflow or round.
//!
//! # Cost
//!
//! Posting an entry appends to a few vectors: O(postings). The current balance is a field:
//! O(1). The balance as at a date is a binary search over the account's distinct effective
//! dates, and as known after a sequence number a binary search over its postings: O(log n).
//! Posting with an effective date earlier than the account's latest one (a back-dated entry)
//! also updates the account's later daily totals: O(days after it).

mod error;
#[cfg(feature = "serde")]
pub(crate) mod log;
pub(crate) mod types;
mod verify;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::{Currency, Money, is_exact};

pub use error::LedgerError;
#[cfg(feature = "serde")]
pub use log::{Applied, ImportSummary, LOG_VERSION, LogError, LogRecord, Operation};
pub use types::{
    AccountId, AccountKind, BalanceRule, EntryId, EntryOrigin, HoldId, HoldStatus, MAX_ID_LEN,
    NewAccount, NewEntry, NewHold, Posting, Receipt, Seq,
};
pub use verify::{Discrepancy, Verified, VerifyError};

use types::id_problem;

/// The largest absolute amount one posting may carry: 10^15 (a thousand million million pounds)
/// in any currency, and no more than 10^17 minor units (so 10^9 in a currency with eight decimal
/// places).
///
/// The limits keep every sum in the ledger exact. A decimal holds 28 to 29 significant digits,
/// and beyond them `rust_decimal` rounds an addition rather than failing it. With at most 10^17
/// minor units a posting and at most `u32::MAX` postings, no running sum exceeds about 4.3 × 10^26
/// minor units, well inside that.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

/// The most minor units one posting may carry: 10^17.
pub const MAX_MINOR_UNITS_PER_POSTING: i128 = 100_000_000_000_000_000;

/// [`MAX_MINOR_UNITS_PER_POSTING`] as a decimal at each scale from 0 to 8, built at compile time
/// so the check at the ledger's door costs one comparison.
const MINOR_LIMIT_AT_SCALE: [Decimal; 9] = {
    let mut table = [Decimal::ZERO; 9];
    let mut scale = 0;
    while scale < 9 {
        table[scale] = Decimal::from_parts(0x5D8A_0000, 0x0163_4578, 0, false, scale as u32);
        scale += 1;
    }
    table
};

/// The most postings one entry may have.
pub const MAX_POSTINGS: usize = 4096;

/// The double-entry ledger. See the crate docs for its invariants and the format of its
/// log.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::{AccountKind, BalanceRule, Currency, Ledger, LedgerError, Money, NewAccount, NewEntry};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(NewAccount::new("council", AccountKind::Income, Currency::GBP))?;
/// ledger.open_account(
///     NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative),
/// )?;
/// let day = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
/// let pay = NewEntry::new("pay-1", day).transfer("council", "isf:P1", "500.00 GBP".parse()?);
/// ledger.post(pay)?;
/// assert_eq!(ledger.balance(&"isf:P1".into())?.to_string(), "500.00 GBP");
///
/// // A fund never goes below zero: this is refused and changes nothing.
/// let overdraw = NewEntry::new("pay-2", day).transfer("isf:P1", "council", "500.01 GBP".parse()?);
/// assert!(matches!(ledger.post(overdraw), Err(LedgerError::LimitBreached { .. })));
/// assert_eq!(ledger.balance(&"isf:P1".into())?.to_string(), "500.00 GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    accounts: Vec<AccountState>,
    account_index: HashMap<AccountId, u32>,
    entries: Vec<EntryRec>,
    postings: Vec<PostingRec>,
    text: String,
    metadata: Vec<BTreeMap<String, String>>,
    entry_index: EntryIndex,
    links: Links,
    holds: Vec<HoldState>,
    hold_index: HashMap<HoldId, u32>,
    closed_through: Option<NaiveDate>,
    ops: Vec<OpRef>,
}

#[derive(Debug, Clone, PartialEq)]
struct AccountState {
    spec: NewAccount,
    closed: bool,
    balance: Decimal,
    held: Decimal,
    /// One line per posting, in recorded order: the posting's index in `postings`.
    lines: Vec<Line>,
    /// The balance after every `MARK`th line: `marks[k]` is the balance after line
    /// `MARK * (k + 1)`.
    marks: Vec<Decimal>,
    /// One line per distinct effective date, in date order: the balance at the end of that day.
    daily: Vec<(NaiveDate, Decimal)>,
    /// The holds placed on this account, in the order they were placed: indices into `holds`.
    holds: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Line {
    posting: u32,
}

/// One running balance is kept per `MARK` lines of an account.
const MARK: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextRef {
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct EntryRec {
    id: TextRef,
    memo: TextRef,
    date: NaiveDate,
    first_posting: u32,
    posting_count: u16,
    origin: EntryOrigin,
    /// Index into `metadata`, or `NO_META`.
    meta: u32,
}

const NO_META: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq)]
struct PostingRec {
    account: u32,
    amount: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Links {
    reversed_by: HashMap<u32, u32>,
    reverses: HashMap<u32, u32>,
    corrects: HashMap<u32, u32>,
    settles: HashMap<u32, u32>,
}

#[derive(Debug, Clone, PartialEq)]
struct HoldState {
    spec: NewHold,
    from: u32,
    to: u32,
    status: HoldStatus,
}

/// What the log records, in order. Runs of single posts share one record.
#[derive(Debug, Clone, Copy, PartialEq)]
enum OpRef {
    OpenAccount(u32),
    CloseAccount(u32),
    Posts { first: u32, count: u32 },
    Batch { first: u32, count: u32 },
    PlaceHold(u32),
    Settle { hold: u32, entry: u32 },
    Release(u32),
    Expire(NaiveDate),
    Reverse { entry: u32 },
    ClosePeriod(NaiveDate),
}

/// Entry ids by a 32-bit hash of the id, pointing into `entries`; a second map holds the ids
/// whose hash another id already has (about a hundred in a million). Storing hashes rather than
/// copies of the ids keeps a slot at 8 bytes.
#[derive(Debug, Clone, Default, PartialEq)]
struct EntryIndex {
    by_hash: HashMap<u32, u32, BuildHasherDefault<PassThrough>>,
    collisions: HashMap<Box<str>, u32>,
}

/// A hasher for keys that are already well-mixed hashes: it only spreads a 32-bit key over 64
/// bits, so that the table's tag bits (the top ones) and bucket bits (the low ones) both vary.
#[derive(Debug, Default, Clone, Copy)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// FNV-1a with a final avalanche (from SplitMix64), folded to 32 bits.
fn id_hash(id: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h ^ (h >> 32)) as u32
}

/// Balances that a pending operation would leave, by account index. Small operations search a
/// short vector; large batches use a map.
#[derive(Debug, Default)]
struct Pending {
    balances: Vec<(u32, Decimal)>,
    index: HashMap<u32, usize>,
}

impl Pending {
    fn get(&self, account: u32) -> Option<Decimal> {
        self.position(account).map(|i| self.balances[i].1)
    }

    fn position(&self, account: u32) -> Option<usize> {
        if self.index.is_empty() {
            self.balances.iter().position(|(a, _)| *a == account)
        } else {
            self.index.get(&account).copied()
        }
    }

    fn set(&mut self, account: u32, balance: Decimal) {
        match self.position(account) {
            Some(i) => self.balances[i].1 = balance,
            None => {
                self.balances.push((account, balance));
                let n = self.balances.len();
                if n == 16 {
                    self.index = self
                        .balances
                        .iter()
                        .enumerate()
                        .map(|(i, (a, _))| (*a, i))
                        .collect();
                } else if n > 16 {
                    self.index.insert(account, n - 1);
                }
            }
        }
    }
}

/// An entry checked against the ledger, ready to record.
#[derive(Debug)]
struct Checked {
    postings: Vec<PostingRec>,
    duplicate_of: Option<u32>,
}

/// Adds two amounts whose sum is known to fit, exactly: every running sum in the ledger is bounded
/// by the sum of the absolute values of all postings, at most `u32::MAX` ×
/// [`MAX_MINOR_UNITS_PER_POSTING`] ≈ 4.3 × 10^26 minor units, inside a decimal's 28 exact digits.
/// [`Ledger::verify`] rechecks every such sum.
fn bounded_add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(a)
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Ledger {
        Ledger::default()
    }

    // ----- accounts -------------------------------------------------------------------------

    /// Opens an account. Opening the same account again with the same details changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError::InvalidId`] for a bad id, [`LedgerError::AccountExists`] if the id is
    /// taken by an account with other details, [`LedgerError::TooManyDecimals`] if an
    /// [`BalanceRule::AtLeast`] limit is not exact in the currency.
    ///
    /// ```
    /// use isf_ledger::{AccountKind, Currency, Ledger, LedgerError, NewAccount};
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))?;
    /// let clash = NewAccount::new("bank", AccountKind::Asset, Currency::EUR);
    /// assert!(matches!(ledger.open_account(clash), Err(LedgerError::AccountExists { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_account(&mut self, account: NewAccount) -> Result<(), LedgerError> {
        check_id("account", account.id.as_str())?;
        if let Some(&index) = self.account_index.get(&account.id) {
            return if self.accounts[index as usize].spec == account {
                Ok(())
            } else {
                Err(LedgerError::AccountExists {
                    account: account.id,
                })
            };
        }
        let mut account = account;
        if let BalanceRule::AtLeast(limit) = &mut account.rule {
            check_amount(Money::new(*limit, account.currency))?;
            if limit.is_sign_positive() && !limit.is_zero() {
                return Err(LedgerError::InvalidRule {
                    account: account.id,
                    limit: Money::new(*limit, account.currency),
                });
            }
            // A negative zero is zero: store it as the log will read it back.
            limit.set_sign_positive(limit.is_sign_positive() || limit.is_zero());
        }
        let index = u32::try_from(self.accounts.len())
            .map_err(|_| LedgerError::CapacityExceeded { what: "accounts" })?;
        self.account_index.insert(account.id.clone(), index);
        self.accounts.push(AccountState {
            spec: account,
            closed: false,
            balance: Decimal::ZERO,
            held: Decimal::ZERO,
            lines: Vec::new(),
            marks: Vec::new(),
            daily: Vec::new(),
            holds: Vec::new(),
        });
        self.ops.push(OpRef::OpenAccount(index));
        Ok(())
    }

    /// Closes an account whose balance and holds are zero. A closed account refuses postings and
    /// holds; its history stays. Closing a closed account changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`], [`LedgerError::AccountNotEmpty`].
    pub fn close_account(&mut self, id: &AccountId) -> Result<(), LedgerError> {
        let index = self.account_index_of(id)?;
        let state = &self.accounts[index as usize];
        if state.closed {
            return Ok(());
        }
        if !state.balance.is_zero() || !state.held.is_zero() {
            let currency = state.spec.currency;
            return Err(LedgerError::AccountNotEmpty {
                account: id.clone(),
                balance: Money::new(state.balance, currency),
                held: Money::new(state.held, currency),
            });
        }
        self.accounts[index as usize].closed = true;
        self.ops.push(OpRef::CloseAccount(index));
        Ok(())
    }

    fn account_index_of(&self, id: &AccountId) -> Result<u32, LedgerError> {
        self.account_index
            .get(id)
            .copied()
            .ok_or_else(|| LedgerError::UnknownAccount {
                account: id.clone(),
            })
    }

    fn open_account_index(&self, id: &AccountId) -> Result<u32, LedgerError> {
        let index = self.account_index_of(id)?;
        if self.accounts[index as usize].closed {
            return Err(LedgerError::AccountClosed {
                account: id.clone(),
            });
        }
        Ok(index)
    }

    // ----- posting ----------------------------------------------------------------------------

    /// Posts a journal entry, all or nothing. Posting an entry whose id is already recorded with
    /// the same content returns the original receipt (with `already_posted` set) and changes
    /// nothing.
    ///
    /// # Errors
    ///
    /// Every check the ledger makes, each naming the value at fault: [`LedgerError::InvalidId`],
    /// [`LedgerError::PostingCount`], [`LedgerError::UnknownAccount`],
    /// [`LedgerError::AccountClosed`], [`LedgerError::CurrencyMismatch`],
    /// [`LedgerError::TooManyDecimals`], [`LedgerError::AmountOutOfRange`],
    /// [`LedgerError::Unbalanced`], [`LedgerError::LimitBreached`],
    /// [`LedgerError::PeriodClosed`], [`LedgerError::DuplicateEntry`],
    /// [`LedgerError::UnknownEntry`] (a correction of an unknown entry),
    /// [`LedgerError::CapacityExceeded`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::{AccountKind, Currency, Ledger, LedgerError, NewAccount, NewEntry};
    /// let mut ledger = Ledger::new();
    /// for id in ["a", "b"] {
    ///     ledger.open_account(NewAccount::new(id, AccountKind::Asset, Currency::GBP))?;
    /// }
    /// let day = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    /// let entry = NewEntry::new("e1", day).transfer("a", "b", "10.00 GBP".parse()?);
    /// let first = ledger.post(entry.clone())?;
    /// let retry = ledger.post(entry)?;
    /// assert_eq!(first.seq, retry.seq);
    /// assert!(retry.already_posted);
    ///
    /// let lopsided = NewEntry::new("e2", day)
    ///     .posting("a", "-10.00 GBP".parse()?)
    ///     .posting("b", "9.99 GBP".parse()?);
    /// assert!(matches!(ledger.post(lopsided), Err(LedgerError::Unbalanced { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post(&mut self, entry: NewEntry) -> Result<Receipt, LedgerError> {
        let mut pending = Pending::default();
        let checked = self.check_entry(&entry, EntryOrigin::Posted, &mut pending)?;
        if let Some(index) = checked.duplicate_of {
            return Ok(receipt(index, true));
        }
        self.check_text_capacity(&[&entry])?;
        let index = self.record(&entry, checked.postings, EntryOrigin::Posted);
        self.push_posts(index);
        Ok(receipt(index, false))
    }

    /// Posts several entries, all or nothing, in order. Entries already recorded with the same
    /// content are returned as such and not posted again.
    ///
    /// # Errors
    ///
    /// [`LedgerError::Batch`] with the position of the first refused entry and why,
    /// or [`LedgerError::DuplicateInBatch`] (inside it) if an id appears twice with different
    /// content. Nothing of the batch is posted.
    pub fn post_batch(&mut self, entries: Vec<NewEntry>) -> Result<Vec<Receipt>, LedgerError> {
        let mut pending = Pending::default();
        let mut checked = Vec::with_capacity(entries.len());
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let in_batch = |source: LedgerError| LedgerError::Batch {
                index,
                source: Box::new(source),
            };
            if let Some(&earlier) = seen.get(entry.id.as_str()) {
                if entries[earlier] == *entry {
                    checked.push(None);
                    continue;
                }
                return Err(in_batch(LedgerError::DuplicateInBatch {
                    entry: entry.id.clone(),
                }));
            }
            seen.insert(entry.id.as_str(), index);
            let c = self
                .check_entry(entry, EntryOrigin::Posted, &mut pending)
                .map_err(in_batch)?;
            checked.push(Some(c));
        }
        let refs: Vec<&NewEntry> = entries.iter().collect();
        self.check_text_capacity(&refs)?;
        let mut receipts = Vec::with_capacity(entries.len());
        let first = self.entries.len() as u32;
        for (entry, c) in entries.iter().zip(checked) {
            let r = match c {
                Some(Checked {
                    duplicate_of: Some(index),
                    ..
                }) => receipt(index, true),
                Some(c) => receipt(self.record(entry, c.postings, EntryOrigin::Posted), false),
                // A repeat of an entry earlier in this batch: same receipt as that one.
                None => {
                    let index = self.entry_index_of(entry.id.as_str()).unwrap_or(first);
                    receipt(index, true)
                }
            };
            receipts.push(r);
        }
        let count = self.entries.len() as u32 - first;
        if count > 0 {
            self.ops.push(OpRef::Batch { first, count });
        }
        Ok(receipts)
    }

    fn push_posts(&mut self, index: u32) {
        if let Some(OpRef::Posts { first, count }) = self.ops.last_mut() {
            if *first + *count == index {
                *count += 1;
                return;
            }
        }
        self.ops.push(OpRef::Posts {
            first: index,
            count: 1,
        });
    }

    /// Checks an entry fully, against the ledger and the balances `pending` from earlier entries
    /// of the same operation, and records in `pending` the balances it would leave.
    fn check_entry(
        &self,
        entry: &NewEntry,
        origin: EntryOrigin,
        pending: &mut Pending,
    ) -> Result<Checked, LedgerError> {
        check_id("entry", entry.id.as_str())?;
        let count = entry.postings.len();
        if !(2..=MAX_POSTINGS).contains(&count) {
            return Err(LedgerError::PostingCount {
                entry: entry.id.clone(),
                count,
            });
        }
        let mut postings = Vec::with_capacity(count);
        for p in &entry.postings {
            // A closed account is refused below, after the idempotency check: a retry of an
            // entry recorded before the account closed returns its original receipt.
            let account = self.account_index_of(&p.account)?;
            let currency = self.accounts[account as usize].spec.currency;
            if p.amount.currency() != currency {
                return Err(LedgerError::CurrencyMismatch {
                    account: p.account.clone(),
                    expected: currency,
                    amount: p.amount,
                });
            }
            check_amount(p.amount)?;
            postings.push(PostingRec {
                account,
                amount: p.amount.amount(),
            });
        }
        if let Some(index) = self.entry_index_of(entry.id.as_str()) {
            return if self.same_content(index, entry, &postings, origin) {
                Ok(Checked {
                    postings,
                    duplicate_of: Some(index),
                })
            } else {
                Err(LedgerError::DuplicateEntry {
                    entry: entry.id.clone(),
                })
            };
        }
        for (p, rec) in entry.postings.iter().zip(&postings) {
            if self.accounts[rec.account as usize].closed {
                return Err(LedgerError::AccountClosed {
                    account: p.account.clone(),
                });
            }
        }
        check_balanced(entry, &entry.postings)?;
        self.check_open_date(entry.date)?;
        if let Some(target) = &entry.corrects {
            self.entry_index_of(target.as_str())
                .ok_or_else(|| LedgerError::UnknownEntry {
                    entry: target.clone(),
                })?;
        }
        if self.postings.len() + count > u32::MAX as usize
            || self.entries.len() >= u32::MAX as usize - 1
        {
            return Err(LedgerError::CapacityExceeded { what: "entries" });
        }
        for p in &postings {
            self.apply_pending(pending, p.account, p.amount)?;
        }
        self.check_limits(pending, &postings, Decimal::ZERO, None)?;
        Ok(Checked {
            postings,
            duplicate_of: None,
        })
    }

    /// Adds `amount` to the pending balance of `account`.
    fn apply_pending(
        &self,
        pending: &mut Pending,
        account: u32,
        amount: Decimal,
    ) -> Result<(), LedgerError> {
        let state = &self.accounts[account as usize];
        let before = pending.get(account).unwrap_or(state.balance);
        let after = before
            .checked_add(amount)
            .ok_or_else(|| LedgerError::Overflow {
                operation: format!("balance of {} plus {}", state.spec.id, amount),
            })?;
        pending.set(account, after);
        Ok(())
    }

    /// Checks the balance rule of every account in `postings` against its pending balance.
    /// `released` is held money freed on `released_on` by the same operation (a settlement).
    fn check_limits(
        &self,
        pending: &Pending,
        postings: &[PostingRec],
        released: Decimal,
        released_on: Option<u32>,
    ) -> Result<(), LedgerError> {
        for p in postings {
            let state = &self.accounts[p.account as usize];
            let Some(floor) = state.spec.rule.floor() else {
                continue;
            };
            let mut held = state.held;
            if released_on == Some(p.account) {
                held -= released;
            }
            let after = pending.get(p.account).unwrap_or(state.balance);
            let available_after = after - held;
            let available_before = state.balance - state.held;
            if available_after < floor && available_after < available_before {
                let currency = state.spec.currency;
                return Err(LedgerError::LimitBreached {
                    account: state.spec.id.clone(),
                    available: Money::new(available_before, currency),
                    change: Money::new(available_after - available_before, currency),
                    limit: Money::new(floor, currency),
                });
            }
        }
        Ok(())
    }

    fn check_open_date(&self, date: NaiveDate) -> Result<(), LedgerError> {
        match self.closed_through {
            Some(closed_through) if date <= closed_through => Err(LedgerError::PeriodClosed {
                date,
                closed_through,
            }),
            _ => Ok(()),
        }
    }

    fn check_text_capacity(&self, entries: &[&NewEntry]) -> Result<(), LedgerError> {
        let extra: usize = entries
            .iter()
            .map(|e| e.id.as_str().len() + e.memo.len())
            .sum();
        if self.text.len().saturating_add(extra) > u32::MAX as usize {
            return Err(LedgerError::CapacityExceeded {
                what: "text of ids and memos",
            });
        }
        Ok(())
    }

    fn same_content(
        &self,
        index: u32,
        entry: &NewEntry,
        postings: &[PostingRec],
        origin: EntryOrigin,
    ) -> bool {
        let rec = &self.entries[index as usize];
        rec.origin == origin
            && rec.date == entry.date
            && self.text_of(rec.memo) == entry.memo
            && self.metadata_of(rec) == &entry.metadata
            && self.posting_recs(rec) == postings
            && self
                .links
                .corrects
                .get(&index)
                .map(|i| self.entry_id_of(*i))
                == entry.corrects.as_ref().map(EntryId::as_str)
    }

    /// Records a checked entry. Infallible: everything was checked before.
    fn record(&mut self, entry: &NewEntry, postings: Vec<PostingRec>, origin: EntryOrigin) -> u32 {
        let index = self.entries.len() as u32;
        let id = self.push_text(entry.id.as_str());
        let memo = self.push_text(&entry.memo);
        let meta = if entry.metadata.is_empty() {
            NO_META
        } else {
            self.metadata.push(entry.metadata.clone());
            (self.metadata.len() - 1) as u32
        };
        let first_posting = self.postings.len() as u32;
        for (i, p) in postings.iter().enumerate() {
            self.apply_posting(p, first_posting + i as u32, entry.date);
        }
        grow(&mut self.postings, postings.len());
        self.postings.extend_from_slice(&postings);
        grow(&mut self.entries, 1);
        self.entries.push(EntryRec {
            id,
            memo,
            date: entry.date,
            first_posting,
            posting_count: postings.len() as u16,
            origin,
            meta,
        });
        if let Some(target) = &entry.corrects {
            if let Some(target) = self.entry_index_of(target.as_str()) {
                self.links.corrects.insert(index, target);
            }
        }
        self.index_entry(entry.id.as_str(), index);
        index
    }

    fn apply_posting(&mut self, p: &PostingRec, posting: u32, date: NaiveDate) {
        let state = &mut self.accounts[p.account as usize];
        state.balance = bounded_add(state.balance, p.amount);
        grow(&mut state.lines, 1);
        state.lines.push(Line { posting });
        if state.lines.len() % MARK == 0 {
            state.marks.push(state.balance);
        }
        add_daily(&mut state.daily, date, p.amount);
    }

    fn push_text(&mut self, s: &str) -> TextRef {
        let start = self.text.len() as u32;
        if self.text.len() + s.len() > self.text.capacity() {
            self.text
                .reserve_exact((self.text.capacity() / 4).max(s.len()).max(64));
        }
        self.text.push_str(s);
        TextRef {
            start,
            len: s.len() as u32,
        }
    }

    fn text_of(&self, r: TextRef) -> &str {
        let start = r.start as usize;
        self.text.get(start..start + r.len as usize).unwrap_or("")
    }

    fn metadata_of(&self, rec: &EntryRec) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.metadata.get(rec.meta as usize).unwrap_or(&EMPTY)
    }

    fn posting_recs(&self, rec: &EntryRec) -> &[PostingRec] {
        let start = rec.first_posting as usize;
        &self.postings[start..start + rec.posting_count as usize]
    }

    fn entry_id_of(&self, index: u32) -> &str {
        self.text_of(self.entries[index as usize].id)
    }

    fn entry_index_of(&self, id: &str) -> Option<u32> {
        let index = *self.entry_index.by_hash.get(&id_hash(id))?;
        if self.entry_id_of(index) == id {
            Some(index)
        } else {
            self.entry_index.collisions.get(id).copied()
        }
    }

    fn index_entry(&mut self, id: &str, index: u32) {
        let hash = id_hash(id);
        match self.entry_index.by_hash.entry(hash) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.entry_index.collisions.insert(id.into(), index);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
    }

    // ----- reversals --------------------------------------------------------------------------

    /// Reverses an entry: posts a new entry `reversal_id`, dated `date`, with every posting of
    /// the original negated, linked both ways. An entry is reversed at most once; asking again
    /// with the same reversal id and date returns the original receipt.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownEntry`], [`LedgerError::AlreadyReversed`],
    /// [`LedgerError::ReversalOfReversal`], [`LedgerError::PeriodClosed`] (date the reversal in
    /// the open period), [`LedgerError::LimitBreached`] (reversing money paid into a fund that
    /// has since been spent), [`LedgerError::AccountClosed`], [`LedgerError::DuplicateEntry`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::{AccountKind, Currency, Ledger, LedgerError, NewAccount, NewEntry};
    /// let mut ledger = Ledger::new();
    /// for id in ["a", "b"] {
    ///     ledger.open_account(NewAccount::new(id, AccountKind::Asset, Currency::GBP))?;
    /// }
    /// let day = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    /// ledger.post(NewEntry::new("e1", day).transfer("a", "b", "10.00 GBP".parse()?))?;
    /// ledger.reverse(&"e1".into(), "e1-rev", day, "keyed twice")?;
    /// assert!(ledger.balance(&"b".into())?.is_zero());
    /// let again = ledger.reverse(&"e1".into(), "e1-rev-2", day, "");
    /// assert!(matches!(again, Err(LedgerError::AlreadyReversed { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reverse(
        &mut self,
        entry: &EntryId,
        reversal_id: impl Into<EntryId>,
        date: NaiveDate,
        memo: impl Into<String>,
    ) -> Result<Receipt, LedgerError> {
        let reversal_id = reversal_id.into();
        let memo = memo.into();
        let original =
            self.entry_index_of(entry.as_str())
                .ok_or_else(|| LedgerError::UnknownEntry {
                    entry: entry.clone(),
                })?;
        let rec = self.entries[original as usize];
        if rec.origin == EntryOrigin::Reversal {
            return Err(LedgerError::ReversalOfReversal {
                entry: entry.clone(),
            });
        }
        let reversal = self.reversal_entry(original, reversal_id, date, memo);
        if let Some(&existing) = self.links.reversed_by.get(&original) {
            let mut pending = Pending::default();
            let same = self.entry_id_of(existing) == reversal.id.as_str()
                && matches!(
                    self.check_entry(&reversal, EntryOrigin::Reversal, &mut pending),
                    Ok(Checked {
                        duplicate_of: Some(_),
                        ..
                    })
                );
            if same {
                return Ok(receipt(existing, true));
            }
            return Err(LedgerError::AlreadyReversed {
                entry: entry.clone(),
                reversal: EntryId::from(self.entry_id_of(existing)),
            });
        }
        let mut pending = Pending::default();
        let checked = self.check_entry(&reversal, EntryOrigin::Reversal, &mut pending)?;
        if checked.duplicate_of.is_some() {
            return Err(LedgerError::DuplicateEntry {
                entry: reversal.id.clone(),
            });
        }
        self.check_text_capacity(&[&reversal])?;
        let index = self.record(&reversal, checked.postings, EntryOrigin::Reversal);
        self.links.reversed_by.insert(original, index);
        self.links.reverses.insert(index, original);
        self.ops.push(OpRef::Reverse { entry: index });
        Ok(receipt(index, false))
    }

    fn reversal_entry(
        &self,
        original: u32,
        id: EntryId,
        date: NaiveDate,
        memo: String,
    ) -> NewEntry {
        let rec = &self.entries[original as usize];
        let postings = self
            .posting_recs(rec)
            .iter()
            .map(|p| {
                let state = &self.accounts[p.account as usize];
                Posting {
                    account: state.spec.id.clone(),
                    amount: Money::new(-p.amount, state.spec.currency),
                }
            })
            .collect();
        let mut entry = NewEntry::new(id, date).memo(memo);
        entry.postings = postings;
        entry
    }

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
    /// assert_eq!(ledger.available(&"fund".into())?.to_string(), "20.00 GBP");
    /// ledger.settle_hold(&"week-1".into(), "week-1-paid", "72.50 GBP".parse()?, day)?;
    /// assert_eq!(ledger.balance(&"fund".into())?.to_string(), "27.50 GBP");
    /// assert_eq!(ledger.available(&"fund".into())?.to_string(), "27.50 GBP");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn place_hold(&mut self, hold: NewHold) -> Result<(), LedgerError> {
        check_id("hold", hold.id.as_str())?;
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
        self.accounts[from as usize].held = held;
        self.accounts[from as usize].holds.push(index);
        self.hold_index.insert(hold.id.clone(), index);
        self.holds.push(HoldState {
            spec: hold,
            from,
            to,
            status: HoldStatus::Active,
        });
        self.ops.push(OpRef::PlaceHold(index));
        Ok(())
    }

    fn hold_index_of(&self, id: &HoldId) -> Result<u32, LedgerError> {
        self.hold_index
            .get(id)
            .copied()
            .ok_or_else(|| LedgerError::UnknownHold { hold: id.clone() })
    }

    /// Refuses an operation on a hold that is no longer active.
    fn check_active(&self, index: u32) -> Result<(), LedgerError> {
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
        hold: &HoldId,
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
        hold: &HoldId,
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
                    hold: hold.clone(),
                    expired_on: expires_on,
                });
            }
        }
        if date < state.spec.date {
            return Err(invalid_hold(
                hold,
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
                hold: hold.clone(),
                held,
                requested: amount,
            });
        }
        let from = state.from;
        let mut pending = Pending::default();
        let checked = self.check_settlement(&entry, &mut pending, held.amount(), from)?;
        self.check_text_capacity(&[&entry])?;
        let entry_index = self.record(&entry, checked.postings, EntryOrigin::Settlement);
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
    fn check_settlement(
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

    fn settlement_entry(&self, hold: u32, id: EntryId, amount: Money, date: NaiveDate) -> NewEntry {
        let state = &self.holds[hold as usize];
        NewEntry::new(id, date)
            .memo(state.spec.memo.clone())
            .transfer(state.spec.from.clone(), state.spec.to.clone(), amount)
    }

    /// Releases a hold without settling it: its whole amount is available again.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownHold`], [`LedgerError::HoldSettled`],
    /// [`LedgerError::HoldReleased`], [`LedgerError::HoldExpired`].
    pub fn release_hold(&mut self, hold: &HoldId) -> Result<(), LedgerError> {
        let index = self.hold_index_of(hold)?;
        self.check_active(index)?;
        self.end_hold(index, HoldStatus::Released);
        self.ops.push(OpRef::Release(index));
        Ok(())
    }

    fn end_hold(&mut self, index: u32, status: HoldStatus) {
        let hold = &mut self.holds[index as usize];
        hold.status = status;
        let amount = hold.spec.amount.amount();
        let account = &mut self.accounts[hold.from as usize];
        account.held -= amount;
    }

    /// Expires every active hold whose expiry date is on or before `today`, and returns their
    /// ids in the order they were placed. Expiring when nothing is due changes nothing.
    pub fn expire_holds(&mut self, today: NaiveDate) -> Vec<HoldId> {
        let due: Vec<u32> = self
            .holds
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                h.status == HoldStatus::Active && h.spec.expires_on.is_some_and(|e| e <= today)
            })
            .map(|(i, _)| i as u32)
            .collect();
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

    // ----- periods ----------------------------------------------------------------------------

    /// Closes the books through `through` (inclusive): entries, holds, settlements and reversals
    /// dated on or before it are refused from now on. Corrections post in the open period with
    /// [`NewEntry::corrects`] naming what they correct. Closing through the same date again
    /// changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError::AlreadyClosed`] if the books are closed through a later date.
    pub fn close_period(&mut self, through: NaiveDate) -> Result<(), LedgerError> {
        match self.closed_through {
            Some(closed) if closed == through => return Ok(()),
            Some(closed_through) if closed_through > through => {
                return Err(LedgerError::AlreadyClosed {
                    through,
                    closed_through,
                });
            }
            _ => {}
        }
        self.closed_through = Some(through);
        self.ops.push(OpRef::ClosePeriod(through));
        Ok(())
    }

    /// The last closed date, if any period is closed.
    pub fn closed_through(&self) -> Option<NaiveDate> {
        self.closed_through
    }

    // ----- balances and queries ---------------------------------------------------------------

    /// The balance after the first `n` lines of an account: a mark plus at most `MARK - 1`
    /// postings.
    fn running_after(&self, s: &AccountState, n: usize) -> Decimal {
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
    fn entry_of_posting(&self, posting: u32) -> u32 {
        (self.entries.partition_point(|e| e.first_posting <= posting) - 1) as u32
    }

    fn state(&self, id: &AccountId) -> Result<&AccountState, LedgerError> {
        Ok(&self.accounts[self.account_index_of(id)? as usize])
    }

    /// The posted balance of an account, debit positive. O(1).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn balance(&self, id: &AccountId) -> Result<Money, LedgerError> {
        let s = self.state(id)?;
        Ok(Money::new(s.balance, s.spec.currency))
    }

    /// The amount reserved on an account by active holds. O(1).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn held(&self, id: &AccountId) -> Result<Money, LedgerError> {
        let s = self.state(id)?;
        Ok(Money::new(s.held, s.spec.currency))
    }

    /// Posted minus held: what the account may still spend. O(1).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn available(&self, id: &AccountId) -> Result<Money, LedgerError> {
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
    pub fn balance_as_at(&self, id: &AccountId, date: NaiveDate) -> Result<Money, LedgerError> {
        let s = self.state(id)?;
        let n = s.daily.partition_point(|(d, _)| *d <= date);
        let amount = if n == 0 {
            Decimal::ZERO
        } else {
            s.daily[n - 1].1
        };
        Ok(Money::new(amount, s.spec.currency))
    }

    /// The balance as the ledger knew it just after recording entry `seq`: entries recorded
    /// later do not count, whatever their dates. O(log n).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`].
    pub fn balance_known_after(&self, id: &AccountId, seq: Seq) -> Result<Money, LedgerError> {
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
    pub fn history(&self, id: &AccountId) -> Result<Vec<HistoryLine<'_>>, LedgerError> {
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
    pub fn account(&self, id: &AccountId) -> Result<AccountView<'_>, LedgerError> {
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
    pub fn entry(&self, id: &EntryId) -> Option<EntryView<'_>> {
        self.entry_index_of(id.as_str()).map(|i| self.entry_view(i))
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

    fn entry_view(&self, index: u32) -> EntryView<'_> {
        EntryView {
            ledger: self,
            index,
        }
    }

    /// A hold by id.
    pub fn hold(&self, id: &HoldId) -> Option<HoldView<'_>> {
        let index = self.hold_index.get(id)?;
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
    pub fn holds_on<'a>(
        &'a self,
        account: &AccountId,
    ) -> Result<impl Iterator<Item = HoldView<'a>> + use<'a>, LedgerError> {
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

/// Makes room for `extra` more elements, growing by a quarter rather than doubling: the big
/// append-only arrays then hold at most 25% spare capacity rather than up to 100%.
fn grow<T>(v: &mut Vec<T>, extra: usize) {
    if v.len() + extra > v.capacity() {
        v.reserve_exact((v.capacity() / 4).max(extra).max(4));
    }
}

fn receipt(index: u32, already_posted: bool) -> Receipt {
    Receipt {
        seq: Seq(u64::from(index) + 1),
        already_posted,
    }
}

fn invalid_hold(hold: &HoldId, reason: &'static str) -> LedgerError {
    LedgerError::InvalidHold {
        hold: hold.clone(),
        reason,
    }
}

fn check_id(what: &'static str, id: &str) -> Result<(), LedgerError> {
    match id_problem(id) {
        None => Ok(()),
        Some(reason) => Err(LedgerError::InvalidId {
            what,
            id: id.to_string(),
            reason,
        }),
    }
}

/// The ledger's door for amounts: exact in minor units and within [`MAX_AMOUNT`] and
/// [`MAX_MINOR_UNITS_PER_POSTING`].
fn check_amount(amount: Money) -> Result<(), LedgerError> {
    if !is_exact(amount.amount(), amount.currency()) {
        return Err(LedgerError::TooManyDecimals {
            amount,
            currency: amount.currency(),
            minor_units: amount.currency().minor_units(),
        });
    }
    let minor_limit = MINOR_LIMIT_AT_SCALE
        .get(amount.currency().minor_units() as usize)
        .copied()
        .unwrap_or(Decimal::ZERO);
    let abs = amount.amount().abs();
    if abs > MAX_AMOUNT || abs > minor_limit {
        return Err(LedgerError::AmountOutOfRange { amount });
    }
    Ok(())
}

fn check_balanced(entry: &NewEntry, postings: &[Posting]) -> Result<(), LedgerError> {
    let mut sums: Vec<(Currency, Decimal)> = Vec::with_capacity(1);
    for p in postings {
        let currency = p.amount.currency();
        match sums.iter_mut().find(|(c, _)| *c == currency) {
            // Amounts are within MAX_AMOUNT and at most MAX_POSTINGS of them: no overflow.
            Some((_, sum)) => *sum = bounded_add(*sum, p.amount.amount()),
            None => sums.push((currency, p.amount.amount())),
        }
    }
    match sums.into_iter().find(|(_, sum)| !sum.is_zero()) {
        None => Ok(()),
        Some((currency, total)) => Err(LedgerError::Unbalanced {
            entry: entry.id.clone(),
            currency,
            total,
        }),
    }
}

/// Adds `delta` to the balance at the end of `date` and every later day.
fn add_daily(daily: &mut Vec<(NaiveDate, Decimal)>, date: NaiveDate, delta: Decimal) {
    match daily.last_mut() {
        None => {
            daily.push((date, delta));
            return;
        }
        Some((last, total)) if *last == date => {
            *total = bounded_add(*total, delta);
            return;
        }
        Some((last, total)) if *last < date => {
            let next = bounded_add(*total, delta);
            daily.push((date, next));
            return;
        }
        Some(_) => {}
    }
    let at = daily.partition_point(|(d, _)| *d < date);
    if daily.get(at).is_none_or(|(d, _)| *d != date) {
        let before = if at == 0 {
            Decimal::ZERO
        } else {
            daily[at - 1].1
        };
        daily.insert(at, (date, before));
    }
    for (_, total) in &mut daily[at..] {
        *total = bounded_add(*total, delta);
    }
}

/// A read-only view of an account: its details and balances.
#[derive(Debug, Clone, Copy)]
pub struct AccountView<'a> {
    state: &'a AccountState,
}

impl<'a> AccountView<'a> {
    /// The account's id.
    pub fn id(&self) -> &'a AccountId {
        &self.state.spec.id
    }
    /// What it was opened with: kind, currency, owner, tags and rule.
    pub fn details(&self) -> &'a NewAccount {
        &self.state.spec
    }
    /// Its kind.
    pub fn kind(&self) -> AccountKind {
        self.state.spec.kind
    }
    /// Its currency.
    pub fn currency(&self) -> Currency {
        self.state.spec.currency
    }
    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.state.closed
    }
    /// The posted balance.
    pub fn balance(&self) -> Money {
        Money::new(self.state.balance, self.state.spec.currency)
    }
    /// Reserved by active holds.
    pub fn held(&self) -> Money {
        Money::new(self.state.held, self.state.spec.currency)
    }
    /// Posted minus held.
    pub fn available(&self) -> Money {
        Money::new(
            self.state.balance - self.state.held,
            self.state.spec.currency,
        )
    }
}

/// A read-only view of a recorded entry.
#[derive(Clone, Copy)]
pub struct EntryView<'a> {
    ledger: &'a Ledger,
    index: u32,
}

impl fmt::Debug for EntryView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryView")
            .field("seq", &self.seq())
            .field("id", &self.id())
            .field("date", &self.date())
            .field("memo", &self.memo())
            .finish()
    }
}

impl<'a> EntryView<'a> {
    fn rec(&self) -> &'a EntryRec {
        &self.ledger.entries[self.index as usize]
    }
    /// Its recorded sequence number.
    pub fn seq(&self) -> Seq {
        Seq(u64::from(self.index) + 1)
    }
    /// Its id.
    pub fn id(&self) -> &'a str {
        self.ledger.text_of(self.rec().id)
    }
    /// Its effective date.
    pub fn date(&self) -> NaiveDate {
        self.rec().date
    }
    /// Its memo.
    pub fn memo(&self) -> &'a str {
        self.ledger.text_of(self.rec().memo)
    }
    /// Its metadata.
    pub fn metadata(&self) -> &'a BTreeMap<String, String> {
        self.ledger.metadata_of(self.rec())
    }
    /// How it came to be.
    pub fn origin(&self) -> EntryOrigin {
        self.rec().origin
    }
    /// Its postings: account and signed amount, debit positive.
    pub fn postings(&self) -> impl Iterator<Item = (&'a AccountId, Money)> + 'a {
        let ledger = self.ledger;
        ledger.posting_recs(self.rec()).iter().map(move |p| {
            let s = &ledger.accounts[p.account as usize];
            (&s.spec.id, Money::new(p.amount, s.spec.currency))
        })
    }
    /// The entry that reversed this one.
    pub fn reversed_by(&self) -> Option<EntryView<'a>> {
        self.link(&self.ledger.links.reversed_by)
    }
    /// The entry this one reverses.
    pub fn reverses(&self) -> Option<EntryView<'a>> {
        self.link(&self.ledger.links.reverses)
    }
    /// The entry this one corrects.
    pub fn corrects(&self) -> Option<EntryView<'a>> {
        self.link(&self.ledger.links.corrects)
    }
    /// The hold this entry settled.
    pub fn settles(&self) -> Option<&'a HoldId> {
        let hold = self.ledger.links.settles.get(&self.index)?;
        Some(&self.ledger.holds[*hold as usize].spec.id)
    }
    fn link(&self, map: &HashMap<u32, u32>) -> Option<EntryView<'a>> {
        map.get(&self.index).map(|i| self.ledger.entry_view(*i))
    }
    /// The entry as a [`NewEntry`], as it would be posted again.
    pub fn to_new_entry(&self) -> NewEntry {
        let mut entry = NewEntry::new(self.id(), self.date()).memo(self.memo());
        entry.metadata = self.metadata().clone();
        entry.postings = self
            .postings()
            .map(|(account, amount)| Posting {
                account: account.clone(),
                amount,
            })
            .collect();
        entry.corrects = self.corrects().map(|e| EntryId::from(e.id()));
        entry
    }
}

/// A read-only view of a hold.
#[derive(Clone, Copy)]
pub struct HoldView<'a> {
    ledger: &'a Ledger,
    state: &'a HoldState,
}

impl fmt::Debug for HoldView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HoldView")
            .field("spec", &self.state.spec)
            .field("status", &self.state.status)
            .finish()
    }
}

impl<'a> HoldView<'a> {
    /// What it was placed with.
    pub fn details(&self) -> &'a NewHold {
        &self.state.spec
    }
    /// Its state.
    pub fn status(&self) -> HoldStatus {
        self.state.status
    }
    /// The settlement entry, if settled.
    pub fn settlement(&self) -> Option<EntryView<'a>> {
        match self.state.status {
            HoldStatus::Settled { seq } => self.ledger.entry_at(seq),
            _ => None,
        }
    }
}

/// One line of an account's history.
#[derive(Debug, Clone, Copy)]
pub struct HistoryLine<'a> {
    /// The entry.
    pub entry: EntryView<'a>,
    /// What it did to this account (debit positive).
    pub amount: Money,
    /// The account's balance after it, in recorded order.
    pub balance: Money,
}

/// Every account's balance and the total per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TrialBalance {
    /// One line per account, in opening order.
    pub lines: Vec<TrialBalanceLine>,
    /// The sum of all balances per currency; zero in every currency for a ledger that balances.
    pub totals: Vec<Money>,
}

/// One line of a [`TrialBalance`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TrialBalanceLine {
    /// The account.
    pub account: AccountId,
    /// Its kind.
    pub kind: AccountKind,
    /// Its balance, debit positive.
    pub balance: Money,
}

impl TrialBalance {
    /// True if every currency's total is zero.
    pub fn balances(&self) -> bool {
        self.totals.iter().all(Money::is_zero)
    }
}

/// Debit and credit columns, then the totals.
impl fmt::Display for TrialBalance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .lines
            .iter()
            .map(|l| l.account.as_str().chars().count())
            .max()
            .unwrap_or(7)
            .max(7);
        writeln!(
            f,
            "{:<width$}  {:>18}  {:>18}",
            "account", "debit", "credit"
        )?;
        for line in &self.lines {
            let (debit, credit) = if line.balance.is_negative() {
                (String::new(), line.balance.negate().to_string())
            } else {
                (line.balance.to_string(), String::new())
            };
            writeln!(
                f,
                "{:<width$}  {debit:>18}  {credit:>18}",
                line.account.as_str()
            )?;
        }
        for total in &self.totals {
            writeln!(f, "{:<width$}  {:>18}", "total", total.to_string())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_limits_are_the_powers_of_ten_they_claim() {
        assert_eq!(MAX_AMOUNT, Decimal::from(10i64.pow(15)));
        for (scale, limit) in MINOR_LIMIT_AT_SCALE.iter().enumerate() {
            assert_eq!(
                *limit,
                Decimal::from_i128_with_scale(MAX_MINOR_UNITS_PER_POSTING, scale as u32)
            );
        }
    }

    /// Two ids with the same 32-bit hash are both found: the second lives in the collision map.
    #[test]
    fn ids_whose_hashes_collide_are_both_indexed() {
        let mut seen: HashMap<u32, String> = HashMap::new();
        let (first, second) = (0u64..)
            .find_map(|n| {
                let id = format!("e{n}");
                seen.insert(id_hash(&id), id.clone())
                    .map(|earlier| (earlier, id))
            })
            .expect("a 32-bit hash collides within a few hundred thousand ids");
        let mut ledger = Ledger::new();
        for a in ["a", "b"] {
            ledger
                .open_account(NewAccount::new(a, AccountKind::Asset, Currency::GBP))
                .unwrap();
        }
        let day = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        let one = Money::from_minor(100, Currency::GBP);
        for id in [&first, &second] {
            let entry = NewEntry::new(id.as_str(), day).transfer("a", "b", one);
            assert!(!ledger.post(entry).unwrap().already_posted);
        }
        assert_eq!(ledger.entry_index.collisions.len(), 1);
        assert_eq!(
            ledger.entry(&EntryId::from(first.as_str())).unwrap().seq(),
            Seq(1)
        );
        assert_eq!(
            ledger.entry(&EntryId::from(second.as_str())).unwrap().seq(),
            Seq(2)
        );
        let retry = NewEntry::new(second.as_str(), day).transfer("a", "b", one);
        assert!(ledger.post(retry).unwrap().already_posted);
        ledger.verify().unwrap();
    }
}
