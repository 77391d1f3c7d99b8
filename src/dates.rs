//! The one range of dates the crate accepts from outside: years [`MIN_YEAR`] to [`MAX_YEAR`].
//!
//! Care budgets run for a few years either side of today, so the range is ample; it keeps a
//! year-0 or year-262000 date, a typing slip or a hostile file, out of the books, where it could
//! later block an export (most formats write four-digit years) or overflow date arithmetic.
//!
//! Every date read from outside passes [`date_in_range`] at the door: the ledger refuses an
//! entry, hold, settlement, reversal, expiry or period close dated outside it
//! ([`LedgerError::DateOutOfRange`](crate::LedgerError::DateOutOfRange)), which also covers
//! every line of a replayed log, and a statement CSV date outside it is not a date.

use chrono::{Datelike, NaiveDate};

/// The earliest year a date read from outside may have.
pub const MIN_YEAR: i32 = 1900;

/// The latest year a date read from outside may have (inclusive).
pub const MAX_YEAR: i32 = 2199;

/// True if `date` is within years [`MIN_YEAR`] to [`MAX_YEAR`] inclusive.
///
/// ```
/// use isf_ledger::{chrono::NaiveDate, date_in_range};
/// assert!(date_in_range(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()));
/// assert!(date_in_range(NaiveDate::from_ymd_opt(2199, 12, 31).unwrap()));
/// assert!(!date_in_range(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()));
/// assert!(!date_in_range(NaiveDate::from_ymd_opt(0, 1, 1).unwrap()));
/// ```
pub fn date_in_range(date: NaiveDate) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&date.year())
}
