//! Bank and prepaid-card statement lines, imported from CSV and matched to ledger entries.
//!
//! A fund's bank account, a prepaid card, or an ISF provider's client-money bank account each
//! has a statement; the ledger has the entries that should be on it. This module reads the
//! statement ([`StatementFormat::import`]), takes the ledger side of one account
//! ([`ledger_lines`]), and pairs them one to one ([`reconcile`]), reporting what matched, what
//! did not, and what looks like a duplicate ([`Reconciliation`]). It only reads the ledger.
//!
//! # The CSV format
//!
//! UTF-8 text, comma separated (another delimiter with [`StatementFormat::delimiter`]), quoted
//! as RFC 4180 (a quoted field may hold commas, quotes written twice, and newlines). The
//! **first row is a header**; header names are matched after trimming spaces and ignoring case,
//! and a leading byte-order mark is ignored. Columns may come in any order and other columns
//! are ignored. With [`StatementFormat::new`] the columns are:
//!
//! | column | required | what it holds |
//! |---|---|---|
//! | `date` | yes | the transaction date, `2025-04-07` ([`DateFormat::Iso`], the default) or `07/04/2025` ([`DateFormat::Uk`], day first) |
//! | `description` | yes | free text (may be empty) |
//! | `amount` | yes | signed: money **in** positive, money **out** negative |
//! | `reference` | no | the payment reference; an empty cell means none |
//! | `balance` | no | the running balance the bank printed, signed; kept, not checked |
//!
//! UK banks usually export two amount columns instead of one signed one:
//! [`StatementFormat::uk_bank`] (or [`StatementFormat::paid_in_out_columns`]) reads
//! `paid in` and `paid out` (both unsigned; exactly one of the two must be filled on each row)
//! with day-first dates. Every column name can be changed with the builder.
//!
//! A row with no money in or out but a balance (a bank's "balance brought forward") is not a
//! transaction and not an error: it is kept in [`Imported::balances`]. A row with neither an
//! amount nor a balance is an error.
//!
//! Amounts are read exactly, as decimals, never floats:
//!
//! * spaces around the value are ignored; a `-` or `+` sign may come first;
//! * the currency's own sign may come before the digits (`£` for GBP, `€` for EUR, `$` for USD,
//!   AUD, NZD and CAD, `¥` for JPY), before or after the minus sign: `-£1,234.56`,
//!   `£-1,234.56`; another currency's sign is refused;
//! * commas are thousands separators and are accepted only where they belong: `1,234,567.89`
//!   is read, `12,34.56` and `1234,5` are refused;
//! * at most the currency's minor-unit decimal places may be written (two for GBP: `12.500` is
//!   refused, not rounded), with at least one digit before the point;
//! * nothing else: no exponent, no brackets for negatives, no trailing sign or currency code;
//!   at most [`MAX_AMOUNT`] in size;
//! * `paid in` and `paid out` cells are written without a sign.
//!
//! Each field (of the columns read) may be at most [`MAX_FIELD_LEN`] bytes. Every row must have
//! as many fields as the header.
//!
//! An example, as a UK bank exports it:
//!
//! ```text
//! Date,Description,Paid in,Paid out,Balance
//! 01/04/2025,COUNCIL DP 0001,"1,650.00",,"1,650.00"
//! 07/04/2025,"ACME CARE, INV 17",,412.50,"1,237.50"
//! ```
//!
//! # Bad rows
//!
//! Import never fails as a whole for a bad row: each malformed row becomes a [`RowError`]
//! naming its line (the file's physical line, from 1, where the row starts: a line ends at
//! `\n`, `\r\n` or a lone `\r`, and a quoted line break makes a row span lines) and what is
//! wrong with which text, and every good row is still imported. Only a header that cannot be
//! read, or that lacks a required column, fails the import ([`ReconcileError`]).
//!
//! # Matching
//!
//! [`ledger_lines`] gives one [`LedgerLine`] per entry that posts to the account in a period:
//! its amount is the entry's net posting to that account (debit positive, so money into an
//! asset or fund account is positive, as on the statement), its reference the entry's
//! `reference` metadata if present, else its id. Reversed entries and their reversals are
//! ordinary lines: a payment keyed twice and reversed in the books is one line out and one in,
//! and matches the statement only if the bank also shows both. [`reconcile`] does not care
//! which account the lines came from: a person's fund, a prepaid card, or a provider's
//! client-money bank account against its ledger account.
//!
//! A statement line and a ledger line may be paired when their amounts are equal and their
//! dates are at most [`MatchOptions::window_days`] apart (default 3). Pairing is one to one and
//! goes in two passes:
//!
//! 1. **By reference**: lines whose references are equal (trimmed, ignoring case) are paired
//!    first, within each (amount, reference) group.
//! 2. **By amount and date** (unless [`MatchOptions::require_reference`]): what is left is
//!    paired within each amount group, whatever the references say.
//!
//! In each group both sides are sorted by date (statement lines then by their whole content,
//! ledger lines by entry id and sequence number), and each statement line in turn takes the
//! earliest-dated ledger line still free that is no more than the window before it and no
//! more than the window after it. With one window for all lines this pairs as many lines as
//! any rule could in that group. Sorting does all the work, so reconciling takes
//! O(n log n) time, and the result does not depend on the order of either input: only lines
//! identical in every field can trade places.
//!
//! **Suspected duplicates** are reported without changing the pairing
//! ([`DuplicateReason`]):
//!
//! * [`DuplicateReason::Repeated`]: a statement line identical in date, amount, description
//!   and reference to at least one other line of the statement (the balance is left out of the
//!   comparison, so a charge taken twice with two running balances is caught). Every line of
//!   such a group is reported, with the group's size.
//! * [`DuplicateReason::CandidateTaken`]: a statement line left unmatched although a ledger
//!   line of its amount lies within the window, because every such ledger line was paired
//!   with another statement line. The nearest one (earlier on a tie, then lowest entry id) is
//!   named, with the statement line that took it.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use isf_ledger::reconcile::{ledger_lines, reconcile, MatchOptions, StatementFormat};
//! use isf_ledger::{AccountKind, Currency, Ledger, NewAccount, NewEntry, Period};
//!
//! // The books: a council pays a fund's bank account; the fund pays a provider.
//! let mut ledger = Ledger::new();
//! ledger.open_account(NewAccount::new("council", AccountKind::Income, Currency::GBP))?;
//! ledger.open_account(NewAccount::new("bank:P1", AccountKind::Asset, Currency::GBP))?;
//! ledger.open_account(NewAccount::new("care", AccountKind::Expense, Currency::GBP))?;
//! let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
//! ledger.post(NewEntry::new("alloc-1", day(1)).transfer("council", "bank:P1", "1650.00 GBP".parse()?))?;
//! ledger.post(
//!     NewEntry::new("claim-17", day(5))
//!         .meta("reference", "INV 17")
//!         .transfer("bank:P1", "care", "412.50 GBP".parse()?),
//! )?;
//!
//! // The bank's export.
//! let csv = "Date,Description,Paid in,Paid out,Reference\n\
//!            01/04/2025,COUNCIL DP 0001,\"1,650.00\",,\n\
//!            07/04/2025,\"ACME CARE, INV 17\",,412.50,inv 17\n\
//!            08/04/2025,CARD PAYMENT,,12.999,\n\
//!            09/04/2025,BANK FEE,,5.00,\n";
//! let imported = StatementFormat::uk_bank(Currency::GBP).import(csv.as_bytes())?;
//! assert_eq!(imported.lines.len(), 3);
//! assert_eq!(imported.errors.len(), 1);
//! assert_eq!(
//!     imported.errors[0].to_string(),
//!     "line 4: paid out \"12.999\" has more than 2 decimal places for GBP"
//! );
//!
//! let april = Period::new(day(1), NaiveDate::from_ymd_opt(2025, 5, 1).unwrap())?;
//! let books = ledger_lines(&ledger, &"bank:P1".into(), april)?;
//! let report = reconcile(&imported.lines, &books, &MatchOptions::new(Currency::GBP))?;
//!
//! assert_eq!(report.matched.len(), 2);
//! assert!(report.matched.iter().any(|m| m.by_reference && m.days == 2));
//! assert_eq!(report.unmatched_statement[0].description, "BANK FEE");
//! assert!(report.unmatched_ledger.is_empty());
//! assert_eq!(report.totals.statement.to_string(), "1232.50 GBP");
//! assert_eq!(report.totals.unmatched_statement.to_string(), "-5.00 GBP");
//! println!("{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Write};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::ledger::{AccountId, EntryId, Ledger, LedgerError, MAX_AMOUNT, Seq};
use crate::money::{Currency, Money, MoneyError};
use crate::period::Period;

/// The longest field, in bytes, that import reads from a column it uses.
pub const MAX_FIELD_LEN: usize = 1024;

/// The default date window: a statement line and a ledger line may be paired when their
/// dates are at most this many days apart.
pub const DEFAULT_WINDOW_DAYS: u32 = 3;

/// Errors from statement import and reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReconcileError {
    /// The ledger refused an operation.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Money arithmetic failed (a total overflowed).
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The statement has no header row (it is empty).
    #[error("the statement is empty: a header row is required")]
    EmptyStatement,
    /// The statement could not be read.
    #[error("cannot read the statement: {reason}")]
    Read {
        /// Why.
        reason: String,
    },
    /// The header row could not be read.
    #[error("cannot read the header on line {line}: {reason}")]
    Header {
        /// The header's line.
        line: u64,
        /// Why it could not be read.
        reason: String,
    },
    /// A required column is not in the header.
    #[error("the header on line {line} has no {column:?} column")]
    MissingColumn {
        /// The header's line.
        line: u64,
        /// The column looked for.
        column: String,
    },
    /// A column the format uses appears more than once in the header.
    #[error("the header on line {line} has more than one {column:?} column")]
    DuplicateColumn {
        /// The header's line.
        line: u64,
        /// The column at fault.
        column: String,
    },
    /// The format names one column for two purposes.
    #[error("the statement format uses the column {column:?} twice")]
    InvalidFormat {
        /// The column at fault.
        column: String,
    },
    /// A line's currency is not the reconciliation's.
    #[error("{what} is in {found}, not {expected}")]
    CurrencyMismatch {
        /// The line at fault.
        what: String,
        /// The reconciliation's currency.
        expected: Currency,
        /// The line's currency.
        found: Currency,
    },
    /// A statement could not be written.
    #[error("cannot write the statement: {reason}")]
    Write {
        /// Why.
        reason: String,
    },
}

/// A malformed statement row: the file's line where it starts and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum RowError {
    /// The row does not have as many fields as the header.
    #[error("line {line}: expected {expected} fields as in the header, found {found}")]
    FieldCount {
        /// The row's line.
        line: u64,
        /// The header's field count.
        expected: usize,
        /// The row's field count.
        found: usize,
    },
    /// A field is longer than [`MAX_FIELD_LEN`].
    #[error("line {line}: {column} is {len} bytes long, more than {MAX_FIELD_LEN}")]
    FieldTooLong {
        /// The row's line.
        line: u64,
        /// The column.
        column: String,
        /// The field's length in bytes.
        len: usize,
    },
    /// A field is not UTF-8.
    #[error("line {line}: {column} is not valid UTF-8")]
    NotUtf8 {
        /// The row's line.
        line: u64,
        /// The column.
        column: String,
    },
    /// The date cannot be read in the format's date format.
    #[error("line {line}: {column} {text:?} is not a date like {format}")]
    BadDate {
        /// The row's line.
        line: u64,
        /// The column.
        column: String,
        /// The text at fault.
        text: String,
        /// The expected format (a chrono pattern).
        format: String,
    },
    /// An amount cannot be read.
    #[error("line {line}: {column} {text:?} is not an amount: {reason}")]
    BadAmount {
        /// The row's line.
        line: u64,
        /// The column.
        column: String,
        /// The text at fault.
        text: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An amount has more decimal places than its currency allows.
    #[error(
        "line {line}: {column} {text:?} has more than {minor_units} decimal places for {currency}"
    )]
    TooManyDecimals {
        /// The row's line.
        line: u64,
        /// The column.
        column: String,
        /// The text at fault.
        text: String,
        /// The currency.
        currency: Currency,
        /// The decimal places it allows.
        minor_units: u32,
    },
    /// Both `paid in` and `paid out` are filled.
    #[error(
        "line {line}: both {paid_in_column} {paid_in:?} and {paid_out_column} {paid_out:?} are filled"
    )]
    BothPaidInAndOut {
        /// The row's line.
        line: u64,
        /// The paid-in column.
        paid_in_column: String,
        /// The paid-in text.
        paid_in: String,
        /// The paid-out column.
        paid_out_column: String,
        /// The paid-out text.
        paid_out: String,
    },
    /// Neither `paid in` nor `paid out` is filled.
    #[error("line {line}: neither {paid_in_column} nor {paid_out_column} is filled")]
    NeitherPaidInNorOut {
        /// The row's line.
        line: u64,
        /// The paid-in column.
        paid_in_column: String,
        /// The paid-out column.
        paid_out_column: String,
    },
    /// The CSV reader could not read the row; import stops here.
    #[error("line {line}: cannot read the row: {reason}")]
    Unreadable {
        /// The row's line.
        line: u64,
        /// Why.
        reason: String,
    },
}

impl RowError {
    /// The file's line where the row starts, from 1.
    pub fn line(&self) -> u64 {
        match self {
            RowError::FieldCount { line, .. }
            | RowError::FieldTooLong { line, .. }
            | RowError::NotUtf8 { line, .. }
            | RowError::BadDate { line, .. }
            | RowError::BadAmount { line, .. }
            | RowError::TooManyDecimals { line, .. }
            | RowError::BothPaidInAndOut { line, .. }
            | RowError::NeitherPaidInNorOut { line, .. }
            | RowError::Unreadable { line, .. } => *line,
        }
    }
}

/// How dates are written in a statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DateFormat {
    /// `2025-04-07` (`%Y-%m-%d`).
    #[default]
    Iso,
    /// `07/04/2025`, day first, as UK banks write it (`%d/%m/%Y`).
    Uk,
    /// Any chrono `strftime` pattern.
    Custom(String),
}

impl DateFormat {
    /// The chrono pattern.
    pub fn pattern(&self) -> &str {
        match self {
            DateFormat::Iso => "%Y-%m-%d",
            DateFormat::Uk => "%d/%m/%Y",
            DateFormat::Custom(pattern) => pattern,
        }
    }

    /// Reads a date, or `None` if the text is not one in this format.
    pub fn parse(&self, text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text.trim(), self.pattern()).ok()
    }

    /// Writes a date, or `None` if the pattern is not a valid one.
    pub fn format(&self, date: NaiveDate) -> Option<String> {
        use std::fmt::Write as _;
        let mut out = String::new();
        write!(out, "{}", date.format(self.pattern())).ok()?;
        Some(out)
    }
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.pattern())
    }
}

/// Where a statement's amounts are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AmountColumns {
    /// One signed column: money in positive, money out negative.
    Signed(String),
    /// Two unsigned columns, exactly one of them filled on each row.
    PaidInOut {
        /// Money in.
        paid_in: String,
        /// Money out.
        paid_out: String,
    },
}

/// How a statement CSV is laid out: column names, date format, currency (a builder).
///
/// ```
/// use isf_ledger::Currency;
/// use isf_ledger::reconcile::{DateFormat, StatementFormat};
///
/// let format = StatementFormat::new(Currency::GBP)
///     .date_column("Transaction Date")
///     .date_format(DateFormat::Uk)
///     .amount_column("Value");
/// let imported = format.import("transaction date,value,description\n07/04/2025,-12.50,Taxi\n".as_bytes())?;
/// assert_eq!(imported.lines[0].amount.to_string(), "-12.50 GBP");
///
/// // A header without a required column fails the whole import.
/// let err = format.import("date,value,description\n".as_bytes()).unwrap_err();
/// assert_eq!(err.to_string(), "the header on line 1 has no \"transaction date\" column");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StatementFormat {
    currency: Currency,
    date: String,
    description: String,
    amount: AmountColumns,
    reference: String,
    balance: String,
    date_format: DateFormat,
    delimiter: u8,
}

/// Header names are compared trimmed and in lower case.
fn column_key(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

impl StatementFormat {
    /// The default layout: `date` (ISO), `description`, signed `amount`, optional `reference`
    /// and `balance`, comma separated, in `currency`.
    pub fn new(currency: Currency) -> StatementFormat {
        StatementFormat {
            currency,
            date: "date".into(),
            description: "description".into(),
            amount: AmountColumns::Signed("amount".into()),
            reference: "reference".into(),
            balance: "balance".into(),
            date_format: DateFormat::Iso,
            delimiter: b',',
        }
    }

    /// A UK bank's export: `date` (day first, `07/04/2025`), `description`, `paid in`,
    /// `paid out`, optional `reference` and `balance`.
    pub fn uk_bank(currency: Currency) -> StatementFormat {
        StatementFormat::new(currency)
            .date_format(DateFormat::Uk)
            .paid_in_out_columns("paid in", "paid out")
    }

    /// The currency of every amount.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Where the amounts are.
    pub fn amount_columns(&self) -> &AmountColumns {
        &self.amount
    }

    /// The date format.
    pub fn dates(&self) -> &DateFormat {
        &self.date_format
    }

    /// Names the date column.
    #[must_use]
    pub fn date_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.date = column_key(&name.into());
        self
    }

    /// Names the description column.
    #[must_use]
    pub fn description_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.description = column_key(&name.into());
        self
    }

    /// Reads amounts from one signed column (money in positive).
    #[must_use]
    pub fn amount_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.amount = AmountColumns::Signed(column_key(&name.into()));
        self
    }

    /// Reads amounts from two unsigned columns, money in and money out.
    #[must_use]
    pub fn paid_in_out_columns(
        mut self,
        paid_in: impl Into<String>,
        paid_out: impl Into<String>,
    ) -> StatementFormat {
        self.amount = AmountColumns::PaidInOut {
            paid_in: column_key(&paid_in.into()),
            paid_out: column_key(&paid_out.into()),
        };
        self
    }

    /// Names the optional reference column.
    #[must_use]
    pub fn reference_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.reference = column_key(&name.into());
        self
    }

    /// Names the optional balance column.
    #[must_use]
    pub fn balance_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.balance = column_key(&name.into());
        self
    }

    /// Sets the date format.
    #[must_use]
    pub fn date_format(mut self, format: DateFormat) -> StatementFormat {
        self.date_format = format;
        self
    }

    /// Sets the field delimiter (`b','` by default; `b';'` and `b'\t'` are common).
    #[must_use]
    pub fn delimiter(mut self, delimiter: u8) -> StatementFormat {
        self.delimiter = delimiter;
        self
    }

    fn used_columns(&self) -> Vec<&str> {
        let mut cols = vec![self.date.as_str(), self.description.as_str()];
        match &self.amount {
            AmountColumns::Signed(amount) => cols.push(amount),
            AmountColumns::PaidInOut { paid_in, paid_out } => {
                cols.push(paid_in);
                cols.push(paid_out);
            }
        }
        cols.push(&self.reference);
        cols.push(&self.balance);
        cols
    }

    fn check_names(&self) -> Result<(), ReconcileError> {
        let mut cols = self.used_columns();
        cols.sort_unstable();
        for pair in cols.windows(2) {
            if pair[0] == pair[1] {
                return Err(ReconcileError::InvalidFormat {
                    column: pair[0].to_string(),
                });
            }
        }
        Ok(())
    }

    /// Reads a statement. Malformed rows are reported in [`Imported::errors`], each with its
    /// line; every good row is in [`Imported::lines`], in file order.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::Read`] if the reader fails, [`ReconcileError::EmptyStatement`],
    /// [`ReconcileError::Header`] (not UTF-8),
    /// [`ReconcileError::MissingColumn`] or [`ReconcileError::DuplicateColumn`] naming the
    /// column, and [`ReconcileError::InvalidFormat`] if the format names one column twice.
    ///
    /// ```
    /// use isf_ledger::Currency;
    /// use isf_ledger::reconcile::StatementFormat;
    ///
    /// let csv = "date,description,amount\n2025-04-07,Taxi,-12.50\n2025-04-31,Bus,-2.00\n";
    /// let imported = StatementFormat::new(Currency::GBP).import(csv.as_bytes())?;
    /// assert_eq!(imported.lines.len(), 1);
    /// assert_eq!(
    ///     imported.errors[0].to_string(),
    ///     "line 3: date \"2025-04-31\" is not a date like %Y-%m-%d"
    /// );
    /// assert!(StatementFormat::new(Currency::GBP).import("".as_bytes()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import<R: Read>(&self, mut reader: R) -> Result<Imported, ReconcileError> {
        self.check_names()?;
        let mut data = Vec::new();
        reader
            .read_to_end(&mut data)
            .map_err(|e| ReconcileError::Read {
                reason: e.to_string(),
            })?;
        let data = data.as_slice();
        // csv's own line count misses the line break of `\r\n` (the usual one in bank
        // exports) and of a lone `\r`, so lines are counted here from the byte offsets.
        let mut lines = LineCounter {
            data,
            at: 0,
            line: 1,
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(data);
        let mut record = csv::ByteRecord::new();
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Err(ReconcileError::EmptyStatement),
            Err(e) => {
                return Err(ReconcileError::Header {
                    line: 1,
                    reason: e.to_string(),
                });
            }
        }
        let mut line_of = |position: Option<&csv::Position>| {
            lines.line_at(position.map_or(u64::MAX, csv::Position::byte))
        };
        let header_line = line_of(record.position());
        let mut names = Vec::with_capacity(record.len());
        for field in record.iter() {
            let name = std::str::from_utf8(field).map_err(|_| ReconcileError::Header {
                line: header_line,
                reason: "it is not valid UTF-8".into(),
            })?;
            names.push(column_key(name));
        }
        let find = |column: &str, required: bool| -> Result<Option<usize>, ReconcileError> {
            let mut found = names.iter().enumerate().filter(|(_, n)| *n == column);
            let first = found.next().map(|(i, _)| i);
            if found.next().is_some() {
                return Err(ReconcileError::DuplicateColumn {
                    line: header_line,
                    column: column.to_string(),
                });
            }
            if first.is_none() && required {
                return Err(ReconcileError::MissingColumn {
                    line: header_line,
                    column: column.to_string(),
                });
            }
            Ok(first)
        };
        let required = |column: &str| -> Result<usize, ReconcileError> {
            find(column, true)?.ok_or_else(|| ReconcileError::MissingColumn {
                line: header_line,
                column: column.to_string(),
            })
        };
        let columns = Columns {
            date: required(&self.date)?,
            description: required(&self.description)?,
            amount: match &self.amount {
                AmountColumns::Signed(name) => AmountAt::Signed(required(name)?),
                AmountColumns::PaidInOut { paid_in, paid_out } => {
                    AmountAt::PaidInOut(required(paid_in)?, required(paid_out)?)
                }
            },
            reference: find(&self.reference, false)?,
            balance: find(&self.balance, false)?,
            count: names.len(),
        };

        let mut imported = Imported {
            header_line,
            rows: 0,
            lines: Vec::new(),
            errors: Vec::new(),
            balances: Vec::new(),
        };
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    imported.rows += 1;
                    let line = line_of(record.position());
                    match self.row(&columns, &record, line) {
                        Ok(Row::Line(statement_line)) => imported.lines.push(statement_line),
                        Ok(Row::Balance(balance)) => imported.balances.push(balance),
                        Err(e) => imported.errors.push(e),
                    }
                }
                Err(e) => {
                    // Only an I/O error reaches here (the reader is flexible and reads bytes);
                    // the reader cannot be trusted to move on, so import stops.
                    imported.rows += 1;
                    imported.errors.push(RowError::Unreadable {
                        line: line_of(e.position()),
                        reason: e.to_string(),
                    });
                    break;
                }
            }
        }
        Ok(imported)
    }

    fn row(&self, columns: &Columns, record: &csv::ByteRecord, line: u64) -> Result<Row, RowError> {
        if record.len() != columns.count {
            return Err(RowError::FieldCount {
                line,
                expected: columns.count,
                found: record.len(),
            });
        }
        let field = |index: usize, column: &str| -> Result<&str, RowError> {
            let bytes = record.get(index).unwrap_or_default();
            if bytes.len() > MAX_FIELD_LEN {
                return Err(RowError::FieldTooLong {
                    line,
                    column: column.to_string(),
                    len: bytes.len(),
                });
            }
            std::str::from_utf8(bytes)
                .map(str::trim)
                .map_err(|_| RowError::NotUtf8 {
                    line,
                    column: column.to_string(),
                })
        };
        let amount_err = |column: &str, text: &str, problem: AmountProblem| match problem {
            AmountProblem::TooManyDecimals => RowError::TooManyDecimals {
                line,
                column: column.to_string(),
                text: text.to_string(),
                currency: self.currency,
                minor_units: self.currency.minor_units(),
            },
            AmountProblem::Bad(reason) => RowError::BadAmount {
                line,
                column: column.to_string(),
                text: text.to_string(),
                reason,
            },
        };

        let date_text = field(columns.date, &self.date)?;
        let date = self
            .date_format
            .parse(date_text)
            .ok_or_else(|| RowError::BadDate {
                line,
                column: self.date.clone(),
                text: date_text.to_string(),
                format: self.date_format.pattern().to_string(),
            })?;
        let description = field(columns.description, &self.description)?.to_string();
        // An amount, or why not; and whether its field(s) were simply empty.
        let (amount, amount_empty): (Result<Decimal, RowError>, bool) =
            match (&columns.amount, &self.amount) {
                (AmountAt::Signed(i), AmountColumns::Signed(name)) => {
                    let text = field(*i, name)?;
                    (
                        parse_amount(text, self.currency, true)
                            .map_err(|p| amount_err(name, text, p)),
                        text.is_empty(),
                    )
                }
                (AmountAt::PaidInOut(i, o), AmountColumns::PaidInOut { paid_in, paid_out }) => {
                    let in_text = field(*i, paid_in)?;
                    let out_text = field(*o, paid_out)?;
                    match (in_text.is_empty(), out_text.is_empty()) {
                        (false, true) => (
                            parse_amount(in_text, self.currency, false)
                                .map_err(|p| amount_err(paid_in, in_text, p)),
                            false,
                        ),
                        (true, false) => (
                            parse_amount(out_text, self.currency, false)
                                .map(|m| -m)
                                .map_err(|p| amount_err(paid_out, out_text, p)),
                            false,
                        ),
                        (false, false) => {
                            return Err(RowError::BothPaidInAndOut {
                                line,
                                paid_in_column: paid_in.clone(),
                                paid_in: in_text.to_string(),
                                paid_out_column: paid_out.clone(),
                                paid_out: out_text.to_string(),
                            });
                        }
                        (true, true) => (
                            Err(RowError::NeitherPaidInNorOut {
                                line,
                                paid_in_column: paid_in.clone(),
                                paid_out_column: paid_out.clone(),
                            }),
                            true,
                        ),
                    }
                }
                // `columns` is built from `self.amount`, so the kinds always agree.
                _ => {
                    return Err(RowError::Unreadable {
                        line,
                        reason: "the amount columns do not match the format".to_string(),
                    });
                }
            };
        if let (Err(e), false) = (&amount, amount_empty) {
            return Err(e.clone());
        }
        let reference = match columns.reference {
            Some(i) => Some(field(i, &self.reference)?).filter(|r| !r.is_empty()),
            None => None,
        };
        let balance = match columns.balance {
            Some(i) => {
                let text = field(i, &self.balance)?;
                if text.is_empty() {
                    None
                } else {
                    Some(
                        parse_amount(text, self.currency, true)
                            .map_err(|p| amount_err(&self.balance, text, p))?,
                    )
                }
            }
            None => None,
        };
        let amount = match (amount, balance) {
            (Ok(amount), _) => amount,
            // No money in or out, but a balance: the bank's "balance brought forward" line.
            (Err(_), Some(balance)) => {
                return Ok(Row::Balance(BalanceRow {
                    line,
                    date,
                    description,
                    balance: Money::new(zero_unsigned(balance), self.currency),
                }));
            }
            (Err(e), None) => return Err(e),
        };
        Ok(Row::Line(StatementLine {
            date,
            amount: Money::new(zero_unsigned(amount), self.currency),
            description,
            reference: reference.map(str::to_string),
            balance: balance.map(|b| Money::new(zero_unsigned(b), self.currency)),
            line: Some(line),
        }))
    }

    /// Writes statement lines as CSV in this format, header first: what [`import`] reads back
    /// as the same lines (descriptions and references are trimmed on import, so write them
    /// trimmed). Amounts are written plainly (`-1234.50`, no currency sign or separators).
    ///
    /// # Errors
    ///
    /// [`ReconcileError::CurrencyMismatch`] for a line in another currency,
    /// [`ReconcileError::Write`] if the writer fails or a custom date pattern cannot write,
    /// and [`ReconcileError::InvalidFormat`] if the format names one column twice.
    ///
    /// [`import`]: StatementFormat::import
    pub fn write_csv<W: Write>(
        &self,
        lines: &[StatementLine],
        writer: W,
    ) -> Result<(), ReconcileError> {
        self.check_names()?;
        let write_err = |e: csv::Error| ReconcileError::Write {
            reason: e.to_string(),
        };
        let mut csv = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .from_writer(writer);
        let mut header = vec![self.date.as_str(), self.description.as_str()];
        match &self.amount {
            AmountColumns::Signed(name) => header.push(name),
            AmountColumns::PaidInOut { paid_in, paid_out } => {
                header.push(paid_in);
                header.push(paid_out);
            }
        }
        header.push(&self.reference);
        header.push(&self.balance);
        csv.write_record(&header).map_err(write_err)?;
        for line in lines {
            for money in std::iter::once(&line.amount).chain(&line.balance) {
                if money.currency() != self.currency {
                    return Err(ReconcileError::CurrencyMismatch {
                        what: format!("statement line {line}"),
                        expected: self.currency,
                        found: money.currency(),
                    });
                }
            }
            let date = self
                .date_format
                .format(line.date)
                .ok_or_else(|| ReconcileError::Write {
                    reason: format!("the date pattern {:?} cannot write dates", self.date_format),
                })?;
            let plain = |m: &Money| m.amount_text();
            let mut row = vec![date, line.description.clone()];
            match &self.amount {
                AmountColumns::Signed(_) => row.push(plain(&line.amount)),
                AmountColumns::PaidInOut { .. } => {
                    if line.amount.is_negative() {
                        row.push(String::new());
                        row.push(plain(&line.amount.negate()));
                    } else {
                        row.push(plain(&line.amount));
                        row.push(String::new());
                    }
                }
            }
            row.push(line.reference.clone().unwrap_or_default());
            row.push(line.balance.as_ref().map(plain).unwrap_or_default());
            csv.write_record(&row).map_err(write_err)?;
        }
        csv.flush().map_err(|e| ReconcileError::Write {
            reason: e.to_string(),
        })?;
        Ok(())
    }
}

/// Counts physical lines up to byte offsets that only move forward. A line ends at `\n`,
/// `\r\n` or a lone `\r`.
struct LineCounter<'a> {
    data: &'a [u8],
    at: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line of the record that starts at `byte` (csv may place a record's start on the
    /// line break before it, so line breaks there are skipped).
    fn line_at(&mut self, byte: u64) -> u64 {
        let len = self.data.len();
        let mut start = usize::try_from(byte).unwrap_or(len).min(len);
        while start < len && matches!(self.data[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.at {
            self.line = self.line.saturating_add(line_breaks(
                &self.data[self.at..start],
                self.data.get(start),
            ));
            self.at = start;
        }
        self.line
    }
}

/// The line breaks in `bytes` (`\n`, `\r\n`, a lone `\r`); `next` is the byte after them.
fn line_breaks(bytes: &[u8], next: Option<&u8>) -> u64 {
    let mut breaks = 0u64;
    for (i, b) in bytes.iter().enumerate() {
        let following = bytes
            .get(i + 1)
            .or(if i + 1 == bytes.len() { next } else { None });
        if *b == b'\n' || (*b == b'\r' && following != Some(&b'\n')) {
            breaks += 1;
        }
    }
    breaks
}

struct Columns {
    date: usize,
    description: usize,
    amount: AmountAt,
    reference: Option<usize>,
    balance: Option<usize>,
    count: usize,
}

enum AmountAt {
    Signed(usize),
    PaidInOut(usize, usize),
}

enum AmountProblem {
    Bad(&'static str),
    TooManyDecimals,
}

/// A zero without its sign, so `-0.00` reads and writes as `0.00`.
fn zero_unsigned(mut amount: Decimal) -> Decimal {
    if amount.is_zero() {
        amount.set_sign_positive(true);
    }
    amount
}

fn currency_sign(currency: Currency) -> Option<char> {
    match currency.code() {
        "GBP" => Some('£'),
        "EUR" => Some('€'),
        "USD" | "AUD" | "NZD" | "CAD" => Some('$'),
        "JPY" => Some('¥'),
        _ => None,
    }
}

/// Reads an amount as the module docs describe; `signed` allows a sign.
fn parse_amount(text: &str, currency: Currency, signed: bool) -> Result<Decimal, AmountProblem> {
    let bad = AmountProblem::Bad;
    let mut s = text.trim();
    if s.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut negative = None;
    let mut take_sign = |s: &mut &str| {
        if negative.is_none() {
            if let Some(rest) = s.strip_prefix('-') {
                negative = Some(true);
                *s = rest;
            } else if let Some(rest) = s.strip_prefix('+') {
                negative = Some(false);
                *s = rest;
            }
        }
    };
    take_sign(&mut s);
    let own = currency_sign(currency);
    if let Some(first) = s.chars().next() {
        if Some(first) == own {
            s = &s[first.len_utf8()..];
            take_sign(&mut s);
        } else if matches!(first, '£' | '€' | '$' | '¥') {
            return Err(bad("it has another currency's sign"));
        }
    }
    if negative.is_some() && !signed {
        return Err(bad("paid in and paid out are written without a sign"));
    }
    let (whole, fraction) = match s.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (s, None),
    };
    if whole.is_empty() {
        return Err(bad("it has no digits before the decimal point"));
    }
    let mut digits = String::with_capacity(s.len());
    if whole.contains(',') {
        for (i, group) in whole.split(',').enumerate() {
            let ok = group.bytes().all(|b| b.is_ascii_digit())
                && if i == 0 {
                    (1..=3).contains(&group.len())
                } else {
                    group.len() == 3
                };
            if !ok {
                return Err(bad("a thousands separator is out of place"));
            }
            digits.push_str(group);
        }
    } else if whole.bytes().all(|b| b.is_ascii_digit()) {
        digits.push_str(whole);
    } else {
        return Err(bad("it is not a decimal number"));
    }
    let significant = digits.trim_start_matches('0').len();
    if let Some(fraction) = fraction {
        if fraction.is_empty() {
            return Err(bad("it has no digits after the decimal point"));
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("it is not a decimal number"));
        }
        if fraction.len() > currency.minor_units() as usize {
            return Err(AmountProblem::TooManyDecimals);
        }
        digits.push('.');
        digits.push_str(fraction);
    }
    // MAX_AMOUNT has 16 digits before the point.
    if significant > 16 {
        return Err(bad("it is too large"));
    }
    let mut amount =
        Decimal::from_str_exact(&digits).map_err(|_| bad("it is not a decimal number"))?;
    if amount > MAX_AMOUNT {
        return Err(bad("it is too large"));
    }
    if amount.scale() < currency.minor_units() {
        amount.rescale(currency.minor_units());
    }
    if negative == Some(true) {
        amount.set_sign_negative(true);
    }
    Ok(zero_unsigned(amount))
}

/// What [`StatementFormat::import`] read: the good lines, the bad rows, and counts to check
/// them by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The header's line (1 unless blank lines come first).
    pub header_line: u64,
    /// How many rows followed the header: `lines.len() + errors.len() + balances.len()`.
    pub rows: usize,
    /// The rows read, in file order.
    pub lines: Vec<StatementLine>,
    /// The rows refused, in file order, each naming its line.
    pub errors: Vec<RowError>,
    /// Rows with a balance but no money in or out (a bank's "balance brought forward"), in
    /// file order. They are not transactions, so they are not reconciled; the first gives the
    /// statement's opening balance.
    pub balances: Vec<BalanceRow>,
}

/// A statement row with a balance and no money in or out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BalanceRow {
    /// The physical line it starts on.
    pub line: u64,
    /// Its date.
    pub date: NaiveDate,
    /// The bank's description (trimmed).
    pub description: String,
    /// The balance.
    pub balance: Money,
}

/// What one row of a statement is.
enum Row {
    Line(StatementLine),
    Balance(BalanceRow),
}

/// One line of a bank or card statement.
///
/// Ordered by date, amount, description, reference, balance, then line: the canonical order
/// reconciliation sorts by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
        (
            self.date,
            self.amount,
            &self.description,
            &self.reference,
            self.balance,
        )
            .cmp(&(
                other.date,
                other.amount,
                &other.description,
                &other.reference,
                other.balance,
            ))
    }

    /// The key of [`DuplicateReason::Repeated`]: date, amount, description, reference.
    fn repeat_cmp(&self, other: &StatementLine) -> Ordering {
        (self.date, self.amount, &self.description, &self.reference).cmp(&(
            other.date,
            other.amount,
            &other.description,
            &other.reference,
        ))
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

/// The ledger side of one account: one line per entry that posts to it.
///
/// Ordered by date, entry id, sequence number, then the rest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
/// [`LedgerError::UnknownAccount`] (as [`ReconcileError::Ledger`]), and
/// [`ReconcileError::Money`] if an entry's postings to the account overflow.
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
) -> Result<Vec<LedgerLine>, ReconcileError> {
    ledger_lines_of(ledger, std::slice::from_ref(account), period)
}

/// The ledger side of a group of accounts that one bank account mirrors, such as a fund's
/// per-source accounts ([`report::Fund::accounts`](crate::report::Fund)): as
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
) -> Result<Vec<LedgerLine>, ReconcileError> {
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
            .get("reference")
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

/// How [`reconcile`] pairs lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// A statement line paired with a ledger line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// What [`reconcile`] found. Every list is in canonical order (by date, then content), so the
/// same inputs in any order give the same report but for the file lines of identical lines.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// [`ReconcileError::Money`] on overflow or a currency other than the reconciliation's.
    pub fn expected_bank_balance(&self, books: Money) -> Result<Money, ReconcileError> {
        Ok(books
            .checked_sub(self.totals.unmatched_ledger)?
            .checked_add(self.totals.unmatched_statement)?)
    }
}

impl fmt::Display for Reconciliation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.options;
        writeln!(
            f,
            "reconciliation in {}, dates within {} days, references {}",
            o.currency,
            o.window_days,
            if o.require_reference {
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

fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

fn reference_key(reference: &str) -> String {
    reference.trim().to_lowercase()
}

/// Calls `pair` for each group of equal keys present on both sides; both sides are sorted by
/// key first.
fn for_each_group<K: Ord>(
    left: &[usize],
    left_key: impl Fn(usize) -> K,
    right: &[usize],
    right_key: impl Fn(usize) -> K,
    mut pair: impl FnMut(&[usize], &[usize]),
) {
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        let (a, b) = (left_key(left[i]), right_key(right[j]));
        match a.cmp(&b) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                let i_end = i + left[i..].partition_point(|&x| left_key(x) == a);
                let j_end = j + right[j..].partition_point(|&x| right_key(x) == b);
                pair(&left[i..i_end], &right[j..j_end]);
                i = i_end;
                j = j_end;
            }
        }
    }
}

/// Pairs statement lines with ledger lines as the module docs describe, and reports the
/// result.
///
/// # Errors
///
/// [`ReconcileError::CurrencyMismatch`] naming a line not in the options' currency, and
/// [`ReconcileError::Money`] if a total overflows.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::reconcile::{reconcile, LedgerLine, MatchOptions, StatementLine};
/// use isf_ledger::{Currency, Seq};
///
/// let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
/// let statement = [
///     StatementLine::new(day(8), "ACME CARE", "-50.00 GBP".parse()?),
///     StatementLine::new(day(8), "ACME CARE", "-50.00 GBP".parse()?),
/// ];
/// let books = [LedgerLine::new("claim-3", Seq(1), day(7), "-50.00 GBP".parse()?)];
/// let report = reconcile(&statement, &books, &MatchOptions::new(Currency::GBP))?;
/// assert_eq!(report.matched.len(), 1);
/// assert_eq!(report.unmatched_statement.len(), 1);
/// // Both lines are identical, and the second could only have matched the taken entry.
/// assert_eq!(report.duplicates.len(), 3);
///
/// let euros = [LedgerLine::new("x", Seq(2), day(7), "-50.00 EUR".parse()?)];
/// let err = reconcile(&statement, &euros, &MatchOptions::new(Currency::GBP)).unwrap_err();
/// assert_eq!(err.to_string(), "ledger line 2025-04-07 -50.00 EUR entry x is in EUR, not GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reconcile(
    statement: &[StatementLine],
    ledger: &[LedgerLine],
    options: &MatchOptions,
) -> Result<Reconciliation, ReconcileError> {
    let currency = options.currency;
    for s in statement {
        if s.amount.currency() != currency {
            return Err(ReconcileError::CurrencyMismatch {
                what: format!("statement line {s}"),
                expected: currency,
                found: s.amount.currency(),
            });
        }
    }
    for l in ledger {
        if l.amount.currency() != currency {
            return Err(ReconcileError::CurrencyMismatch {
                what: format!("ledger line {l}"),
                expected: currency,
                found: l.amount.currency(),
            });
        }
    }
    let window = i64::from(options.window_days);
    let s_day: Vec<i64> = statement.iter().map(|s| day_number(s.date)).collect();
    let l_day: Vec<i64> = ledger.iter().map(|l| day_number(l.date)).collect();
    let s_ref: Vec<Option<String>> = statement
        .iter()
        .map(|s| s.reference.as_deref().map(reference_key))
        .collect();
    let l_ref: Vec<String> = ledger.iter().map(|l| reference_key(&l.reference)).collect();
    // The canonical orders: statement lines by content (date first), ledger lines by
    // (date, entry, seq, …); the groups below are stable sub-sequences of these.
    let s_cmp = |a: &usize, b: &usize| statement[*a].cmp(&statement[*b]);
    let l_cmp = |a: &usize, b: &usize| ledger[*a].cmp(&ledger[*b]);

    let mut s_match: Vec<Option<(usize, bool)>> = vec![None; statement.len()];
    let mut l_taken: Vec<Option<usize>> = vec![None; ledger.len()];

    // Within a group both sides are in date order; each statement line takes the earliest
    // free ledger line no more than the window before it and no more than it after.
    let greedy = |ss: &[usize],
                  ls: &[usize],
                  by_reference: bool,
                  s_match: &mut Vec<Option<(usize, bool)>>,
                  l_taken: &mut Vec<Option<usize>>| {
        let mut j = 0;
        for &s in ss {
            let d = s_day[s];
            while j < ls.len() && l_day[ls[j]] < d - window {
                j += 1;
            }
            if j < ls.len() && l_day[ls[j]] <= d + window {
                s_match[s] = Some((ls[j], by_reference));
                l_taken[ls[j]] = Some(s);
                j += 1;
            }
        }
    };

    // Pass 1: by (amount, reference).
    let mut ss: Vec<usize> = (0..statement.len())
        .filter(|&i| s_ref[i].is_some())
        .collect();
    let s_key1 = |i: usize| (statement[i].amount, s_ref[i].as_deref().unwrap_or_default());
    ss.sort_by(|a, b| s_key1(*a).cmp(&s_key1(*b)).then_with(|| s_cmp(a, b)));
    let mut ls: Vec<usize> = (0..ledger.len()).collect();
    let l_key1 = |i: usize| (ledger[i].amount, l_ref[i].as_str());
    ls.sort_by(|a, b| l_key1(*a).cmp(&l_key1(*b)).then_with(|| l_cmp(a, b)));
    for_each_group(&ss, s_key1, &ls, l_key1, |sg, lg| {
        greedy(sg, lg, true, &mut s_match, &mut l_taken);
    });

    // Pass 2: by amount alone.
    if !options.require_reference {
        let mut ss: Vec<usize> = (0..statement.len())
            .filter(|&i| s_match[i].is_none())
            .collect();
        ss.sort_by(|a, b| {
            statement[*a]
                .amount
                .cmp(&statement[*b].amount)
                .then_with(|| s_cmp(a, b))
        });
        let mut ls: Vec<usize> = (0..ledger.len())
            .filter(|&i| l_taken[i].is_none())
            .collect();
        ls.sort_by(|a, b| {
            ledger[*a]
                .amount
                .cmp(&ledger[*b].amount)
                .then_with(|| l_cmp(a, b))
        });
        for_each_group(
            &ss,
            |i| statement[i].amount,
            &ls,
            |i| ledger[i].amount,
            |sg, lg| greedy(sg, lg, false, &mut s_match, &mut l_taken),
        );
    }

    // Suspected duplicates.
    let mut duplicates = Vec::new();
    let mut by_content: Vec<usize> = (0..statement.len()).collect();
    by_content.sort_by(|a, b| s_cmp(a, b));
    let mut start = 0;
    while start < by_content.len() {
        let first = &statement[by_content[start]];
        let end = start
            + by_content[start..]
                .partition_point(|&i| statement[i].repeat_cmp(first) == Ordering::Equal);
        if end - start >= 2 {
            for &i in &by_content[start..end] {
                duplicates.push(SuspectedDuplicate {
                    line: statement[i].clone(),
                    reason: DuplicateReason::Repeated {
                        copies: end - start,
                    },
                });
            }
        }
        start = end.max(start + 1);
    }
    // Every ledger line by (amount, date, entry, …), with a running count of the free ones.
    let mut all_l: Vec<usize> = (0..ledger.len()).collect();
    all_l.sort_by(|a, b| {
        ledger[*a]
            .amount
            .cmp(&ledger[*b].amount)
            .then_with(|| l_cmp(a, b))
    });
    let mut free_before = Vec::with_capacity(all_l.len() + 1);
    free_before.push(0usize);
    for &l in &all_l {
        let last = free_before.last().copied().unwrap_or(0);
        free_before.push(last + usize::from(l_taken[l].is_none()));
    }
    for s in by_content.iter().copied().filter(|&s| s_match[s].is_none()) {
        let amount = statement[s].amount;
        let d = s_day[s];
        let key = |i: usize| (ledger[i].amount, l_day[i]);
        let lo = all_l.partition_point(|&i| key(i) < (amount, d - window));
        let hi = all_l.partition_point(|&i| key(i) <= (amount, d + window));
        if lo >= hi || free_before[hi] != free_before[lo] {
            continue;
        }
        // The nearest candidate: the first on or after the date, or the first of the last
        // date before it, whichever is nearer (earlier on a tie).
        let p = lo + all_l[lo..hi].partition_point(|&i| l_day[i] < d);
        let after = (p < hi).then(|| all_l[p]);
        let before = (p > lo).then(|| {
            let day_before = l_day[all_l[p - 1]];
            all_l[lo + all_l[lo..p].partition_point(|&i| l_day[i] < day_before)]
        });
        let nearest = match (before, after) {
            (Some(b), Some(a)) => {
                if d - l_day[b] <= l_day[a] - d {
                    b
                } else {
                    a
                }
            }
            (Some(b), None) => b,
            (None, Some(a)) => a,
            (None, None) => continue,
        };
        if let Some(taker) = l_taken[nearest] {
            duplicates.push(SuspectedDuplicate {
                line: statement[s].clone(),
                reason: DuplicateReason::CandidateTaken {
                    entry: ledger[nearest].entry.clone(),
                    taken_by: Box::new(statement[taker].clone()),
                },
            });
        }
    }
    duplicates.sort();

    // The report, in canonical order.
    let zero = Money::zero(currency);
    let mut totals = Totals {
        statement: zero,
        ledger: zero,
        matched: zero,
        unmatched_statement: zero,
        unmatched_ledger: zero,
    };
    let mut matched = Vec::new();
    let mut unmatched_statement = Vec::new();
    for &s in &by_content {
        let line = &statement[s];
        totals.statement = totals.statement.checked_add(line.amount)?;
        match s_match[s] {
            Some((l, by_reference)) => {
                totals.matched = totals.matched.checked_add(line.amount)?;
                matched.push(Match {
                    statement: line.clone(),
                    ledger: ledger[l].clone(),
                    days: s_day[s] - l_day[l],
                    by_reference,
                });
            }
            None => {
                totals.unmatched_statement = totals.unmatched_statement.checked_add(line.amount)?;
                unmatched_statement.push(line.clone());
            }
        }
    }
    let mut unmatched_ledger = Vec::new();
    let mut by_date: Vec<usize> = (0..ledger.len()).collect();
    by_date.sort_by(l_cmp);
    for &l in &by_date {
        totals.ledger = totals.ledger.checked_add(ledger[l].amount)?;
        if l_taken[l].is_none() {
            totals.unmatched_ledger = totals.unmatched_ledger.checked_add(ledger[l].amount)?;
            unmatched_ledger.push(ledger[l].clone());
        }
    }
    Ok(Reconciliation {
        options: *options,
        matched,
        unmatched_statement,
        unmatched_ledger,
        duplicates,
        totals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp(text: &str) -> Result<Decimal, &'static str> {
        parse_amount(text, Currency::GBP, true).map_err(|p| match p {
            AmountProblem::Bad(reason) => reason,
            AmountProblem::TooManyDecimals => "too many decimals",
        })
    }

    #[test]
    fn amounts_read_exactly() {
        for (text, want) in [
            ("12.5", "12.50"),
            ("-12.50", "-12.50"),
            ("+3", "3.00"),
            ("£1,234.56", "1234.56"),
            ("-£1,234.56", "-1234.56"),
            ("£-1,234,567.00", "-1234567.00"),
            ("  0.00 ", "0.00"),
            ("-0", "0.00"),
            ("1000000000000000", "1000000000000000.00"),
        ] {
            assert_eq!(
                gbp(text).map(|d| d.to_string()),
                Ok(want.to_string()),
                "{text}"
            );
        }
        for (text, why) in [
            ("", "it is empty"),
            ("12.500", "too many decimals"),
            ("12,34.56", "a thousands separator is out of place"),
            ("1234,5", "a thousands separator is out of place"),
            (",123", "a thousands separator is out of place"),
            ("$12", "it has another currency's sign"),
            (".5", "it has no digits before the decimal point"),
            ("5.", "it has no digits after the decimal point"),
            ("1e3", "it is not a decimal number"),
            ("(12.00)", "it is not a decimal number"),
            ("--1", "it is not a decimal number"),
            ("12 GBP", "it is not a decimal number"),
            ("1000000000000000.01", "it is too large"),
            ("99999999999999999999999999999999", "it is too large"),
        ] {
            assert_eq!(gbp(text), Err(why), "{text}");
        }
        assert!(parse_amount("-1", Currency::GBP, false).is_err());
    }

    #[test]
    fn greedy_pairs_as_many_as_possible() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
        let m = |s: &str| s.parse::<Money>().unwrap();
        let statement = [
            StatementLine::new(day(5), "a", m("-10.00 GBP")),
            StatementLine::new(day(8), "b", m("-10.00 GBP")),
        ];
        let ledger = [
            LedgerLine::new("x", Seq(1), day(5), m("-10.00 GBP")),
            LedgerLine::new("y", Seq(2), day(2), m("-10.00 GBP")),
        ];
        let report = reconcile(&statement, &ledger, &MatchOptions::new(Currency::GBP)).unwrap();
        assert_eq!(report.matched.len(), 2);
        assert!(report.is_complete());
    }

    #[test]
    fn reference_is_preferred_and_can_be_required() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
        let m = |s: &str| s.parse::<Money>().unwrap();
        let statement = [StatementLine::new(day(5), "a", m("-10.00 GBP")).reference("INV 2")];
        let ledger = [
            LedgerLine::new("inv 1", Seq(1), day(5), m("-10.00 GBP")),
            LedgerLine::new("INV 2 ", Seq(2), day(7), m("-10.00 GBP")),
        ];
        let options = MatchOptions::new(Currency::GBP);
        let report = reconcile(&statement, &ledger, &options).unwrap();
        assert_eq!(report.matched[0].ledger.entry.as_str(), "INV 2 ");
        assert!(report.matched[0].by_reference);
        let statement = [StatementLine::new(day(5), "a", m("-10.00 GBP")).reference("INV 3")];
        let report = reconcile(&statement, &ledger, &options).unwrap();
        assert_eq!(report.matched.len(), 1);
        assert!(!report.matched[0].by_reference);
        let report = reconcile(&statement, &ledger, &options.require_reference(true)).unwrap();
        assert!(report.matched.is_empty());
        assert!(report.duplicates.is_empty());
    }
}
