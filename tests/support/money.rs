//! Money in pounds.

use isf_ledger::{Currency, Money};

/// Pounds written as text: `gbp("12.50")`.
pub fn gbp(s: &str) -> Money {
    format!("{s} GBP").parse().unwrap()
}

/// Pounds from a whole number of pence: `gbp_minor(1250)` is £12.50.
pub fn gbp_minor(pence: i64) -> Money {
    Money::from_minor(pence, Currency::GBP)
}

/// An amount in its currency's minor units (pence).
pub fn minor(m: Money) -> i128 {
    m.to_minor().unwrap()
}

/// The exact sum of pound amounts; zero for none.
pub fn sum(amounts: impl IntoIterator<Item = Money>) -> Money {
    amounts
        .into_iter()
        .try_fold(Money::zero(Currency::GBP), Money::checked_add)
        .unwrap()
}
