//! The crate's one public error, [`Error`], and the flat [`ErrorKind`] a caller acts on.
//!
//! Each area keeps its own detail enum, naming the value at fault ([`MoneyError`],
//! [`LedgerError`], [`DrawdownError`], …). No detail holds another area's detail: a function
//! that can fail for several areas' reasons returns [`Error`], and `?` converts each detail into
//! it, so a [`LedgerError`] reaches a caller by one route only, [`Error::ledger`].
//!
//! Messages never repeat their cause: a detail that has a cause (a [`std::io::Error`], or the
//! ledger's refusal inside a batch) returns it from [`source`](std::error::Error::source) and
//! leaves it out of its own message, so a report that walks the chain prints each cause once.

use std::fmt;
use std::sync::Arc;

/// What kind of failure an [`Error`] is: the part a caller acts on. The detail beneath it
/// ([`Error::ledger`], [`Error::drawdown`], …) names the value at fault.
///
/// New kinds may be added, so a `match` needs a `_` arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A value given is malformed or out of its allowed range: a bad id, too many decimal
    /// places, an amount or date that cannot be read, an amount that must be above zero, a
    /// policy or agreement that does not make sense, an unbalanced entry.
    InvalidInput,
    /// Nothing has this id: an unknown account, entry, hold, booking, revision, deployment,
    /// liability, disputed line or fund.
    NotFound,
    /// Something with this id already exists with other content (an account, entry, hold,
    /// booking, revision), or a claim with this id was already submitted.
    AlreadyExists,
    /// The thing exists but its state forbids the operation: already reversed, settled,
    /// released or expired, an account closed or not empty, a line not disputed or not
    /// creditable, banking switched off.
    Conflict,
    /// An account or fund cannot pay: a balance limit would be breached, a fund has less
    /// available than needed, a hold holds less than asked for.
    InsufficientFunds,
    /// The date falls in a period whose books are closed.
    PeriodClosed,
    /// Amounts, accounts or lines in different currencies were combined.
    CurrencyMismatch,
    /// A result does not fit: arithmetic overflow, a date beyond what can be represented, the
    /// ledger's capacity.
    Overflow,
    /// A policy refused the operation: a claim refused because of an issue on one of its lines.
    Refused,
    /// A format cannot carry the value, or this crate cannot read it: a log format version it
    /// does not know, a journal date or commodity the tool cannot read.
    Unsupported,
    /// The books or a file do not agree with themselves: verification found a discrepancy, a
    /// log line is malformed or was refused on replay, a report does not tie to the ledger.
    Corrupt,
    /// Reading or writing failed; the [`std::io::Error`] is the error's
    /// [`source`](std::error::Error::source).
    Io,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::NotFound => "not found",
            ErrorKind::AlreadyExists => "already exists",
            ErrorKind::Conflict => "conflict",
            ErrorKind::InsufficientFunds => "insufficient funds",
            ErrorKind::PeriodClosed => "period closed",
            ErrorKind::CurrencyMismatch => "currency mismatch",
            ErrorKind::Overflow => "overflow",
            ErrorKind::Refused => "refused",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Corrupt => "corrupt",
            ErrorKind::Io => "i/o error",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form: `"invalid input"`, `"not found"`, ….
impl std::str::FromStr for ErrorKind {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<ErrorKind, ParseEnumError> {
        use ErrorKind as K;
        const ALL: [ErrorKind; 12] = [
            K::InvalidInput,
            K::NotFound,
            K::AlreadyExists,
            K::Conflict,
            K::InsufficientFunds,
            K::PeriodClosed,
            K::CurrencyMismatch,
            K::Overflow,
            K::Refused,
            K::Unsupported,
            K::Corrupt,
            K::Io,
        ];
        parse_enum("error kind", &ALL, s)
    }
}

/// Any error from this crate: one [`ErrorKind`] to act on, and one area's detail beneath it.
///
/// [`Error::kind`] and the `is_*` predicates say what happened; the accessors
/// ([`Error::ledger`], [`Error::money`], [`Error::drawdown`], …) give the detail, which names
/// the value at fault. Exactly one accessor returns `Some`. The message is the detail's message,
/// and [`source`](std::error::Error::source) is the detail's source.
///
/// A function returning `Error` lists in its `# Errors` section the details it can fail with;
/// each reaches the caller inside an `Error`, by exactly one accessor.
///
/// It is one pointer wide, so a `Result<T, Error>` stays small, and cheap to clone (the
/// detail is shared, as in `jiff`).
#[derive(Clone)]
pub struct Error(Arc<Inner>);

/// What an [`Error`] holds: its kind, the name of the area its detail comes from (for
/// `Debug`), and the detail. The detail types live in their own areas, which sit above this
/// module: each area hands its detail in with [`error_detail!`], so this module imports none
/// of them.
struct Inner {
    kind: ErrorKind,
    area: &'static str,
    detail: Box<dyn std::error::Error + Send + Sync + 'static>,
}

impl Error {
    /// Wraps an area's detail. Used by [`error_detail!`].
    pub(crate) fn from_detail<E>(kind: ErrorKind, area: &'static str, detail: E) -> Error
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Error(Arc::new(Inner {
            kind,
            area,
            detail: Box::new(detail),
        }))
    }

    /// The detail, if it is an `E`.
    pub(crate) fn detail<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.detail.downcast_ref::<E>()
    }
}

/// Declares an area's detail type to the crate error: `From<Detail> for Error` (with the
/// detail's own `kind()`) and an accessor on [`Error`] that returns the detail. Each area calls
/// it beside its detail type, so the dependency runs from the area down to this module.
macro_rules! error_detail {
    ($(#[$attr:meta])* $area:literal: $name:ident -> $ty:ty) => {
        impl $crate::error::Error {
            $(#[$attr])*
            pub fn $name(&self) -> Option<&$ty> {
                self.detail::<$ty>()
            }
        }

        impl From<$ty> for $crate::error::Error {
            fn from(e: $ty) -> $crate::error::Error {
                $crate::error::Error::from_detail(e.kind(), $area, e)
            }
        }
    };
}
pub(crate) use error_detail;

impl Error {
    /// What kind of failure this is.
    ///
    /// ```
    /// use isf_ledger::{AccountKind, Currency, ErrorKind, Ledger, LedgerError, NewAccount};
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))?;
    ///
    /// // A ledger method returns its own detail; `?` or `into` makes it an `isf_ledger::Error`.
    /// let err: isf_ledger::Error = ledger.balance("ghost").unwrap_err().into();
    /// assert_eq!(err.kind(), ErrorKind::NotFound);
    /// assert!(err.is_not_found());
    /// assert!(matches!(err.ledger(), Some(LedgerError::UnknownAccount { .. })));
    /// assert_eq!(err.to_string(), "unknown account ghost");
    /// # Ok::<(), isf_ledger::Error>(())
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Whether a value given is malformed or out of range ([`ErrorKind::InvalidInput`]).
    pub fn is_invalid_input(&self) -> bool {
        self.kind() == ErrorKind::InvalidInput
    }

    /// Whether nothing has the id given ([`ErrorKind::NotFound`]).
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// Whether the id is taken by other content ([`ErrorKind::AlreadyExists`]).
    pub fn is_already_exists(&self) -> bool {
        self.kind() == ErrorKind::AlreadyExists
    }

    /// Whether the thing's state forbids the operation ([`ErrorKind::Conflict`]).
    pub fn is_conflict(&self) -> bool {
        self.kind() == ErrorKind::Conflict
    }

    /// Whether an account or fund cannot pay ([`ErrorKind::InsufficientFunds`]).
    pub fn is_insufficient_funds(&self) -> bool {
        self.kind() == ErrorKind::InsufficientFunds
    }

    /// Whether the date is in a closed period ([`ErrorKind::PeriodClosed`]).
    pub fn is_period_closed(&self) -> bool {
        self.kind() == ErrorKind::PeriodClosed
    }

    /// Whether currencies were mixed ([`ErrorKind::CurrencyMismatch`]).
    pub fn is_currency_mismatch(&self) -> bool {
        self.kind() == ErrorKind::CurrencyMismatch
    }

    /// Whether a result does not fit ([`ErrorKind::Overflow`]).
    pub fn is_overflow(&self) -> bool {
        self.kind() == ErrorKind::Overflow
    }

    /// Whether a policy refused the operation ([`ErrorKind::Refused`]).
    pub fn is_refused(&self) -> bool {
        self.kind() == ErrorKind::Refused
    }

    /// Whether the books or a file do not agree with themselves ([`ErrorKind::Corrupt`]).
    pub fn is_corrupt(&self) -> bool {
        self.kind() == ErrorKind::Corrupt
    }

    /// Whether reading or writing failed ([`ErrorKind::Io`]).
    pub fn is_io(&self) -> bool {
        self.kind() == ErrorKind::Io
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({:?})", self.0.area, self.0.detail)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.detail, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.detail.source()
    }
}

/// Text that is not one of an enum's names: what [`FromStr`](std::str::FromStr) returns for
/// [`Frequency`](crate::Frequency), [`AccountKind`](crate::AccountKind), [`Unit`](crate::Unit)
/// and the crate's other enums with a text form. Its kind is [`ErrorKind::InvalidInput`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a {what}")]
pub struct ParseEnumError {
    /// What was being read: `"frequency"`, `"account kind"`, ….
    pub what: &'static str,
    /// The start of the text at fault, at most 40 characters and `…`.
    pub text: String,
}

/// Reads `text` as the one of `all` whose [`Display`](fmt::Display) form it is.
pub(crate) fn parse_enum<T: Copy + fmt::Display>(
    what: &'static str,
    all: &[T],
    text: &str,
) -> Result<T, ParseEnumError> {
    all.iter()
        .copied()
        .find(|x| x.to_string() == text)
        .ok_or_else(|| ParseEnumError {
            what,
            text: echo(text),
        })
}

/// The most characters of a bad value an error repeats.
pub(crate) const ECHO_CHARS: usize = 40;

/// The first [`ECHO_CHARS`] characters of `text`, and `…` if there were more.
pub(crate) fn echo(text: &str) -> String {
    let mut chars = text.chars();
    let mut head: String = chars.by_ref().take(ECHO_CHARS).collect();
    if chars.next().is_some() {
        head.push('…');
    }
    head
}

impl ParseEnumError {
    /// What kind of failure this is: always [`ErrorKind::InvalidInput`].
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidInput
    }
}

error_detail! {
    /// The detail, if text was not one of an enum's names ([`ParseEnumError`]).
    "Parse": parse -> ParseEnumError
}
