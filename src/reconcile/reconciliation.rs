//! What [`reconcile`](super::reconcile) found: [`Reconciliation`], its pairs, suspected
//! duplicates and totals, and the bank balance they explain.

use std::fmt;

use super::lines::{LedgerLine, StatementLine};
use crate::ledger::EntryId;
use crate::money::{Currency, Money};

/// A statement line paired with a ledger line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Match {
    /// The statement line.
    pub statement: StatementLine,
    /// The ledger line.
    pub ledger: LedgerLine,
    /// The statement's date minus the ledger's, in days.
    pub days: i64,
    /// True if paired by reference (the first pass).
    pub by_reference: bool,
}

/// Why a statement line is a suspected duplicate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DuplicateReason {
    /// Identical in date, amount, description and reference to other lines of the statement;
    /// `copies` lines (this one included) are.
    Repeated {
        /// How many identical lines there are, at least 2.
        copies: usize,
    },
    /// Unmatched, though a ledger line of its amount lies within the window: every such line
    /// was paired with another statement line.
    CandidateTaken {
        /// The nearest such ledger entry.
        entry: EntryId,
        /// The statement line it was paired with.
        taken_by: Box<StatementLine>,
    },
}

/// A statement line that looks like a duplicate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SuspectedDuplicate {
    /// The line.
    pub line: StatementLine,
    /// Why it is suspected.
    pub reason: DuplicateReason,
}

/// The totals of a reconciliation: `statement = matched + unmatched_statement` and
/// `ledger = matched + unmatched_ledger`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Totals {
    /// Every statement line.
    pub statement: Money,
    /// Every ledger line.
    pub ledger: Money,
    /// The matched pairs (each pair counted once; both sides are equal).
    pub matched: Money,
    /// The unmatched statement lines.
    pub unmatched_statement: Money,
    /// The unmatched ledger lines.
    pub unmatched_ledger: Money,
}

/// What [`reconcile`](super::reconcile) found. Every list is in canonical order (by date, then content), so the
/// same inputs in any order give the same report but for the file lines of identical lines.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct Reconciliation {
    /// The options used.
    pub options: MatchOptions,
    /// Statement lines paired with ledger lines, one to one.
    pub matched: Vec<Match>,
    /// Statement lines left over.
    pub unmatched_statement: Vec<StatementLine>,
    /// Ledger lines left over.
    pub unmatched_ledger: Vec<LedgerLine>,
    /// Statement lines that look like duplicates (a line may be listed for both reasons).
    pub duplicates: Vec<SuspectedDuplicate>,
    /// The totals.
    pub totals: Totals,
}

impl Reconciliation {
    /// True if every line on both sides was matched.
    pub fn is_complete(&self) -> bool {
        self.unmatched_statement.is_empty() && self.unmatched_ledger.is_empty()
    }

    /// The balance the bank should show at the end of the statement, given the books' balance
    /// on the same day: the books, less what they have that has not reached the bank (unmatched
    /// ledger lines), plus what the bank has that the books do not (unmatched statement lines).
    /// When it equals the bank's own closing balance, the unmatched lines explain every
    /// difference.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`](crate::MoneyError::Overflow) on overflow,
    /// [`MoneyError::CurrencyMismatch`](crate::MoneyError::CurrencyMismatch) for a currency
    /// other than the reconciliation's.
    pub fn expected_bank_balance(&self, books: Money) -> Result<Money, crate::money::MoneyError> {
        books
            .checked_sub(self.totals.unmatched_ledger)?
            .checked_add(self.totals.unmatched_statement)
    }
}

impl fmt::Display for Reconciliation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.options;
        writeln!(
            f,
            "reconciliation in {}, dates within {} days, references {}",
            o.currency(),
            o.window(),
            if o.requires_reference() {
                "required"
            } else {
                "preferred"
            }
        )?;
        writeln!(
            f,
            "matched: {} ({})",
            self.matched.len(),
            self.totals.matched
        )?;
        for m in &self.matched {
            writeln!(
                f,
                "  {} <-> {}, {:+} days{}",
                m.statement,
                m.ledger,
                m.days,
                if m.by_reference { ", by reference" } else { "" }
            )?;
        }
        writeln!(
            f,
            "unmatched statement lines: {} ({})",
            self.unmatched_statement.len(),
            self.totals.unmatched_statement
        )?;
        for s in &self.unmatched_statement {
            writeln!(f, "  {s}")?;
        }
        writeln!(
            f,
            "unmatched ledger lines: {} ({})",
            self.unmatched_ledger.len(),
            self.totals.unmatched_ledger
        )?;
        for l in &self.unmatched_ledger {
            writeln!(f, "  {l}")?;
        }
        writeln!(f, "suspected duplicates: {}", self.duplicates.len())?;
        for d in &self.duplicates {
            match &d.reason {
                DuplicateReason::Repeated { copies } => {
                    writeln!(f, "  {}: one of {copies} identical lines", d.line)?;
                }
                DuplicateReason::CandidateTaken { entry, taken_by } => {
                    writeln!(
                        f,
                        "  {}: entry {entry} was matched to {taken_by} instead",
                        d.line
                    )?;
                }
            }
        }
        write!(
            f,
            "totals: statement {}, ledger {}, matched {}",
            self.totals.statement, self.totals.ledger, self.totals.matched
        )
    }
}

/// The default date window: a statement line and a ledger line may be paired when their
/// dates are at most this many days apart.
pub const DEFAULT_WINDOW_DAYS: u32 = 3;

/// How [`reconcile`](super::reconcile) pairs lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct MatchOptions {
    currency: Currency,
    window_days: u32,
    require_reference: bool,
}

impl MatchOptions {
    /// Lines in `currency`, a window of [`DEFAULT_WINDOW_DAYS`], references preferred but not
    /// required.
    pub fn new(currency: Currency) -> MatchOptions {
        MatchOptions {
            currency,
            window_days: DEFAULT_WINDOW_DAYS,
            require_reference: false,
        }
    }

    /// Sets the date window: lines at most this many days apart may be paired.
    #[must_use]
    pub fn window_days(mut self, days: u32) -> MatchOptions {
        self.window_days = days;
        self
    }

    /// Pairs only lines whose references are equal (trimmed, ignoring case).
    #[must_use]
    pub fn require_reference(mut self, required: bool) -> MatchOptions {
        self.require_reference = required;
        self
    }

    /// The currency of every line.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The date window in days.
    pub fn window(&self) -> u32 {
        self.window_days
    }

    /// Whether references must be equal.
    pub fn requires_reference(&self) -> bool {
        self.require_reference
    }
}
