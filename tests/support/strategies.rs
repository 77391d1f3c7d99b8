//! Proptest strategies.
//!
//! A regression seed replays the values its strategy drew, so a strategy moved here must draw
//! exactly as the copy it replaces did.

use chrono::{Days, NaiveDate};
use isf_ledger::{AccountKind, Frequency};
use proptest::prelude::*;

/// One of the `days` days from `start` on.
pub fn days_from(start: NaiveDate, days: u64) -> impl Strategy<Value = NaiveDate> {
    (0..days).prop_map(move |n| start + Days::new(n))
}

/// Any payment frequency.
pub fn frequency() -> impl Strategy<Value = Frequency> {
    prop_oneof![
        Just(Frequency::Weekly),
        Just(Frequency::Fortnightly),
        Just(Frequency::FourWeekly),
        Just(Frequency::CalendarMonthly),
        Just(Frequency::Quarterly),
        Just(Frequency::Annual),
    ]
}

/// Any account kind.
pub fn account_kind() -> impl Strategy<Value = AccountKind> {
    prop_oneof![
        Just(AccountKind::Asset),
        Just(AccountKind::Liability),
        Just(AccountKind::Income),
        Just(AccountKind::Expense),
        Just(AccountKind::Equity),
        Just(AccountKind::Fund),
    ]
}

/// A magnitude from `magnitude`, made negative half the time.
pub fn signed(magnitude: impl Strategy<Value = i64>) -> impl Strategy<Value = i64> {
    (magnitude, any::<bool>()).prop_map(|(p, negative)| if negative { -p } else { p })
}

/// Ways a test spoils an entry on purpose, for the ledger to refuse. Each test applies them in
/// its own way (its `spoil`).
#[derive(Debug, Clone, Copy)]
pub enum Flaw {
    Unbalanced,
    /// The last posting off by a penny: in a two-currency entry, the second currency.
    UnbalancedLast,
    UnknownAccount,
    WrongCurrency,
    TooManyDecimals,
    OutOfRange,
    OnePosting,
    /// An id the ledger does not take.
    BadId,
}

/// Any flaw, equally likely.
pub fn flaw() -> impl Strategy<Value = Flaw> {
    prop_oneof![
        Just(Flaw::Unbalanced),
        Just(Flaw::UnbalancedLast),
        Just(Flaw::UnknownAccount),
        Just(Flaw::WrongCurrency),
        Just(Flaw::TooManyDecimals),
        Just(Flaw::OutOfRange),
        Just(Flaw::OnePosting),
        Just(Flaw::BadId),
    ]
}
