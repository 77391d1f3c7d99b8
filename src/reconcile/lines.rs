//! The two sides to reconcile: [`StatementLine`]s from the bank and [`LedgerLine`]s from the
//! books ([`ledger_lines`], [`ledger_lines_of`]).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use crate::ledger::{AccountId, EntryId, Ledger, Seq};
use crate::money::Money;
use crate::period::Period;

/// One line of a bank or card statement.
///
/// Ordered by date, amount, description, reference, balance, then line: the canonical order
/// reconciliation sorts by. Amounts order as [`Money::canonical_cmp`] does (currency first),
/// which within one statement is their order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct StatementLine {
    /// The transaction date.
    pub date: NaiveDate,
    /// Signed: money in positive, money out negative.
    pub amount: Money,
    /// The bank's description (trimmed).
    pub description: String,
    /// The payment reference, if the statement has one.
    pub reference: Option<String>,
    /// The balance the bank printed after the line, if any (not checked).
    pub balance: Option<Money>,
    /// The file's line where the row starts, if it was imported.
    pub line: Option<u64>,
}

impl StatementLine {
    /// A line with no reference, balance or file line.
    pub fn new(date: NaiveDate, description: impl Into<String>, amount: Money) -> StatementLine {
        StatementLine {
            date,
            amount,
            description: description.into(),
            reference: None,
            balance: None,
            line: None,
        }
    }

    /// Sets the reference (trimmed; an empty one is none).
    #[must_use]
    pub fn reference(mut self, reference: impl Into<String>) -> StatementLine {
        let reference = reference.into();
        let trimmed = reference.trim();
        self.reference = (!trimmed.is_empty()).then(|| trimmed.to_string());
        self
    }

    /// Sets the printed balance.
    #[must_use]
    pub fn balance(mut self, balance: Money) -> StatementLine {
        self.balance = Some(balance);
        self
    }

    /// True if the two lines are the same but for their file line.
    pub fn same_content(&self, other: &StatementLine) -> bool {
        self.content_cmp(other) == Ordering::Equal
    }

    fn content_cmp(&self, other: &StatementLine) -> Ordering {
        self.repeat_cmp(other)
            .then_with(|| option_cmp(self.balance, other.balance))
    }

    /// The key of [`DuplicateReason::Repeated`]: date, amount, description, reference.
    ///
    /// [`DuplicateReason::Repeated`]: super::DuplicateReason::Repeated
    pub(super) fn repeat_cmp(&self, other: &StatementLine) -> Ordering {
        self.date
            .cmp(&other.date)
            .then_with(|| self.amount.canonical_cmp(&other.amount))
            .then_with(|| self.description.cmp(&other.description))
            .then_with(|| self.reference.cmp(&other.reference))
    }
}

impl fmt::Display for StatementLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {:?}", self.date, self.amount, self.description)?;
        if let Some(reference) = &self.reference {
            write!(f, " ref {reference:?}")?;
        }
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

impl Ord for StatementLine {
    fn cmp(&self, other: &StatementLine) -> Ordering {
        self.content_cmp(other)
            .then_with(|| self.line.cmp(&other.line))
    }
}

impl PartialOrd for StatementLine {
    fn partial_cmp(&self, other: &StatementLine) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// [`Money::canonical_cmp`] for optional amounts, none first.
fn option_cmp(a: Option<Money>, b: Option<Money>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.canonical_cmp(&b),
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

/// The ledger side of one account: one line per entry that posts to it.
///
/// Ordered by date, entry id, sequence number, then the rest (amounts as
/// [`Money::canonical_cmp`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LedgerLine {
    /// The entry's effective date.
    pub date: NaiveDate,
    /// The entry's id.
    pub entry: EntryId,
    /// The entry's sequence number.
    pub seq: Seq,
    /// The entry's net posting to the account, debit positive.
    pub amount: Money,
    /// The entry's `reference` metadata, or else its id.
    pub reference: String,
    /// The entry's memo.
    pub memo: String,
}

impl LedgerLine {
    /// A ledger line for an entry from elsewhere: its reference is its id, its memo empty.
    pub fn new(entry: impl Into<EntryId>, seq: Seq, date: NaiveDate, amount: Money) -> LedgerLine {
        let entry = entry.into();
        LedgerLine {
            date,
            reference: entry.as_str().to_string(),
            entry,
            seq,
            amount,
            memo: String::new(),
        }
    }
}

impl fmt::Display for LedgerLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} entry {}", self.date, self.amount, self.entry)?;
        if self.reference != self.entry.as_str() {
            write!(f, " ref {:?}", self.reference)?;
        }
        if !self.memo.is_empty() {
            write!(f, " {:?}", self.memo)?;
        }
        Ok(())
    }
}

impl Ord for LedgerLine {
    fn cmp(&self, other: &LedgerLine) -> Ordering {
        self.date
            .cmp(&other.date)
            .then_with(|| self.entry.cmp(&other.entry))
            .then_with(|| self.seq.cmp(&other.seq))
            .then_with(|| self.amount.canonical_cmp(&other.amount))
            .then_with(|| self.reference.cmp(&other.reference))
            .then_with(|| self.memo.cmp(&other.memo))
    }
}

impl PartialOrd for LedgerLine {
    fn partial_cmp(&self, other: &LedgerLine) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The ledger side of `account` for the entries dated in `period`, in date order: one line
/// per entry, its amount the entry's net posting to the account, its reference the entry's
/// `reference` metadata if present, else its id. Reversals and the entries they reverse are
/// ordinary lines.
///
/// Widen the period by the date window on each side to let entries just outside the
/// statement's dates match lines inside it.
///
/// # Errors
///
/// [`LedgerError::UnknownAccount`](crate::LedgerError::UnknownAccount), and
/// [`MoneyError`](crate::MoneyError) if an entry's postings to the account overflow.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::reconcile::ledger_lines;
/// use isf_ledger::{AccountKind, Currency, Ledger, NewAccount, NewEntry, Period};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(NewAccount::new("council", AccountKind::Income, Currency::GBP))?;
/// ledger.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))?;
/// let day = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
/// ledger.post(NewEntry::new("a-1", day).meta("reference", "DP0001").transfer("council", "bank", "100.00 GBP".parse()?))?;
/// let lines = ledger_lines(&ledger, &"bank".into(), Period::from_inclusive(day, day)?)?;
/// assert_eq!(lines[0].reference, "DP0001");
/// assert_eq!(lines[0].amount.to_string(), "100.00 GBP");
/// assert!(ledger_lines(&ledger, &"nope".into(), Period::from_inclusive(day, day)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ledger_lines(
    ledger: &Ledger,
    account: &AccountId,
    period: Period,
) -> Result<Vec<LedgerLine>, crate::error::Error> {
    ledger_lines_of(ledger, std::slice::from_ref(account), period)
}

/// The ledger side of a group of accounts that one bank account mirrors, such as a fund's
/// per-source accounts ([`Fund::accounts`](crate::Fund::accounts)): as
/// [`ledger_lines`], with each entry's postings to all the accounts added together, so a
/// payment split over the sources is one line, as the bank shows it. An entry that only moves
/// money between the accounts nets to nothing and is left out.
///
/// # Errors
///
/// As [`ledger_lines`].
pub fn ledger_lines_of(
    ledger: &Ledger,
    accounts: &[AccountId],
    period: Period,
) -> Result<Vec<LedgerLine>, crate::error::Error> {
    let mut by_seq: BTreeMap<Seq, LedgerLine> = BTreeMap::new();
    let mut history = Vec::new();
    for account in accounts {
        history.extend(ledger.history(account)?);
    }
    for line in history {
        let entry = line.entry;
        if !period.contains(entry.date()) {
            continue;
        }
        if let Some(existing) = by_seq.get_mut(&entry.seq()) {
            existing.amount = existing.amount.checked_add(line.amount)?;
            continue;
        }
        let reference = entry
            .metadata()
            .get(crate::chart::meta::REFERENCE)
            .cloned()
            .unwrap_or_else(|| entry.id().to_string());
        by_seq.insert(
            entry.seq(),
            LedgerLine {
                date: entry.date(),
                entry: EntryId::from(entry.id()),
                seq: entry.seq(),
                amount: line.amount,
                reference,
                memo: entry.memo().to_string(),
            },
        );
    }
    let mut lines: Vec<LedgerLine> = by_seq
        .into_values()
        .filter(|l| !l.amount.is_zero())
        .collect();
    lines.sort();
    Ok(lines)
}
