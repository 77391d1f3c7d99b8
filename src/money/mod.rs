//! Exact money: [`Currency`], [`Money`], [`Rounding`], allocation and [`Rate`].
//!
//! Every amount is a [`rust_decimal::Decimal`]; no float is ever involved. Arithmetic is checked:
//! an overflow is a [`MoneyError::Overflow`], never a panic or a wrap.
//!
//! # Rounding happens in one place
//!
//! A [`Money`] may carry more decimal places than its currency's minor unit while it is an
//! intermediate result (a rate times a quantity, a pro-rata share). It becomes postable only
//! through [`Money::round`], which takes an explicit [`Rounding`] strategy: half-up (the
//! default) or half-even (banker's rounding). The ledger refuses an amount with more decimals
//! than its currency allows, so nothing is ever rounded silently.
//!
//! # Allocation always sums to the whole
//!
//! [`Money::allocate`] and [`Money::allocate_by_weights`] split an exact amount into parts that
//! add up exactly to it. Each part is first its exact share rounded toward zero to the minor
//! unit; the minor units left over are then handed out one each to the parts with the largest
//! remainders, ties going to the earliest part. No part is more than one minor unit from its
//! exact share, and the same input always gives the same split. An allocation that cannot be
//! done exactly (an amount near [`Decimal::MAX`] times a large weight) is an error, never a
//! panic or a wrong split.
//!
//! # Amounts never compare across currencies
//!
//! [`Money`] has no total order: `1.00 GBP < 2.00 EUR` is `false`, and so is `>`. Compare with
//! [`Money::checked_cmp`], [`Money::checked_max`] and [`Money::checked_min`], which refuse two
//! currencies, or sort with [`Money::canonical_cmp`] (currency first).
//!
//! # Text for people and text for machines
//!
//! [`Display`](fmt::Display) and [`FromStr`] are the machine form, `1234.56 GBP`, used in logs
//! and files. For people, [`Money::display_uk`] writes `£1,234.56` and [`Money::parse_typed`]
//! reads what a person types (`£1,234.56`, `1234.56`, `-£5.00`) strictly.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

mod amount;
mod currency;
mod parse;
mod rate;
mod split;
#[cfg(test)]
mod tests;

pub use amount::{Money, Rounding};
pub(crate) use amount::{echo, is_exact, overflow};
pub use currency::{Currency, MAX_AMOUNT, MAX_MINOR_UNITS};
pub use parse::UkDisplay;
pub(crate) use parse::{AmountProblem, parse_amount};
#[cfg(feature = "serde")]
pub(crate) use parse::{deserialize_canonical_decimal, deserialize_canonical_decimal_opt};
pub use rate::{Rate, Unit};

/// Errors from money arithmetic, parsing and allocation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// The currency of the left-hand amount.
        left: Currency,
        /// The currency of the right-hand amount.
        right: Currency,
    },
    /// The result does not fit in a decimal.
    #[error("arithmetic overflow: {operation}")]
    Overflow {
        /// A description of the operation that overflowed, with its operands.
        operation: String,
    },
    /// The amount has more decimal places than the currency's minor unit allows.
    #[error("{amount} has more than {minor_units} decimal places for {currency}")]
    TooManyDecimals {
        /// The amount at fault.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
        /// The decimal places the currency allows.
        minor_units: u32,
    },
    /// A currency code is not three ASCII capital letters, or its minor units are out of range.
    #[error("invalid currency {code:?}: {reason}")]
    InvalidCurrency {
        /// The start of the code at fault, at most 40 characters and `…`.
        code: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// Text could not be read as money (`"1234.56 GBP"`).
    #[error("cannot parse {input:?} as money: {reason}")]
    Parse {
        /// The start of the text at fault, at most 40 characters and `…`.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// Text a person typed is not an amount of the currency ([`Money::parse_typed`]). The text
    /// is cut to its first 40 characters (then `…`), so a pasted page is never echoed whole.
    #[error("{text:?} is not an amount in {currency}: {reason}")]
    NotAnAmount {
        /// The start of the text at fault, at most 40 characters and `…`.
        text: String,
        /// The currency it was to be read in.
        currency: Currency,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An allocation was asked for with nothing to allocate to.
    #[error("cannot allocate {amount}: {reason}")]
    InvalidAllocation {
        /// The amount that was to be allocated.
        amount: Money,
        /// Why it was refused.
        reason: &'static str,
    },
}

impl MoneyError {
    /// What kind of failure this is.
    pub fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            MoneyError::CurrencyMismatch { .. } => K::CurrencyMismatch,
            MoneyError::Overflow { .. } => K::Overflow,
            MoneyError::TooManyDecimals { .. }
            | MoneyError::InvalidCurrency { .. }
            | MoneyError::Parse { .. }
            | MoneyError::NotAnAmount { .. }
            | MoneyError::InvalidAllocation { .. } => K::InvalidInput,
        }
    }
}

crate::error::error_detail! {
    /// The detail, if this is a money error (arithmetic, parsing, allocation).
    "Money": money -> MoneyError
}
