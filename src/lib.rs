//! isf-ledger (crate docs are written in full below).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod money;

pub use money::{Currency, MAX_MINOR_UNITS, Money, MoneyError, Rate, Rounding, Unit};
