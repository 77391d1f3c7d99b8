//! What can go wrong: [`ReconcileError`] fails an import or a reconciliation, [`RowError`]
//! refuses one statement row.

use std::io;

use crate::error::ErrorKind;
use crate::money::Currency;

/// The longest field, in bytes, that import reads from a column it uses; a longer one is
/// refused ([`RowError::FieldTooLong`]) naming its length, never echoed whole.
pub const MAX_FIELD_LEN: usize = 1024;

/// Errors from statement import and reconciliation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReconcileError {
    /// The statement has no header row (it is empty).
    #[error("the statement is empty: a header row is required")]
    EmptyStatement,
    /// The statement could not be read.
    #[error("cannot read the statement")]
    Read {
        /// The reader's error.
        source: io::Error,
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
    #[error("cannot write the statement")]
    Write {
        /// The writer's error.
        source: io::Error,
    },
    /// The format's date pattern cannot write dates.
    #[error("the date pattern {pattern:?} cannot write dates")]
    DatePattern {
        /// The pattern at fault (a chrono pattern).
        pattern: String,
    },
}

impl ReconcileError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ReconcileError::EmptyStatement
            | ReconcileError::Header { .. }
            | ReconcileError::MissingColumn { .. }
            | ReconcileError::DuplicateColumn { .. }
            | ReconcileError::InvalidFormat { .. }
            | ReconcileError::DatePattern { .. } => ErrorKind::InvalidInput,
            ReconcileError::CurrencyMismatch { .. } => ErrorKind::CurrencyMismatch,
            ReconcileError::Read { .. } | ReconcileError::Write { .. } => ErrorKind::Io,
        }
    }
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

crate::error::error_detail! {
    /// The detail, if this is a statement import or reconciliation error.
    "Reconcile": reconcile -> ReconcileError
}
