//! The error of this module.

use rust_decimal::Decimal;

use crate::error::ErrorKind;
use crate::money::Money;
use crate::period::Period;

/// Errors from spend, monitoring, surplus and recovery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MonitorError {
    /// An amount that must be above zero is not.
    #[error("{what} must be above zero, got {amount}")]
    NotPositive {
        /// What the amount is for.
        what: &'static str,
        /// The amount at fault.
        amount: Money,
    },
    /// A spend names no payee.
    #[error("spend {id}: the payee must not be empty")]
    EmptyPayee {
        /// The spend's id.
        id: String,
    },
    /// No liability has this id in this fund.
    #[error("fund {fund}: no unpaid liability {liability:?}")]
    UnknownLiability {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// The id at fault.
        liability: String,
    },
    /// A payment is more than what is owed on a liability.
    #[error("liability {liability}: cannot pay {amount}, only {outstanding} is outstanding")]
    LiabilityOverpaid {
        /// The liability.
        liability: String,
        /// The payment asked for.
        amount: Money,
        /// What is owed.
        outstanding: Money,
    },
    /// A percentage outside 0 to 100.
    #[error("recovery percentage {percent} must be between 0 and 100")]
    InvalidPercent {
        /// The percentage at fault.
        percent: Decimal,
    },
    /// A contingency of more weeks than a year has.
    #[error("contingency of {weeks} weeks is more than 52")]
    InvalidContingency {
        /// The weeks at fault.
        weeks: u32,
    },
    /// A recovery asks for more than the fund's sources have available.
    #[error("fund {fund}: cannot recover {amount}, only {available} available")]
    InsufficientFunds {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// What was asked.
        amount: Money,
        /// What the sources have available.
        available: Money,
    },
    /// The plan's remaining council payments are too small to recover an amount from.
    #[error("fund {fund}: future council payments of {available} cannot cover {amount}")]
    NotEnoughFuturePayments {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// What is to be recovered.
        amount: Money,
        /// What the council still pays into the fund.
        available: Money,
    },
    /// A date calculation went outside the dates chrono can represent.
    #[error("date out of range: {what}")]
    DateOutOfRange {
        /// What was being computed.
        what: String,
    },
    /// A monitoring return did not tie out to the ledger (a bug: please report it).
    #[error(
        "fund {fund}: return for {period} does not tie out: {opening} + {money_in} - {money_out} is not {closing}"
    )]
    DoesNotTieOut {
        /// The fund.
        fund: String,
        /// The period.
        period: Period,
        /// Opening balance.
        opening: Money,
        /// Money in.
        money_in: Money,
        /// Money out.
        money_out: Money,
        /// The ledger's closing balance.
        closing: Money,
    },
    /// A recovery decision given to one direct payment's handle names another deployment.
    #[error("recovery decision {decision} is for deployment {found}, not {expected}")]
    OtherDeployment {
        /// The decision.
        decision: String,
        /// The handle's deployment.
        expected: String,
        /// The deployment the decision names.
        found: String,
    },
}

impl MonitorError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            MonitorError::NotPositive { .. }
            | MonitorError::EmptyPayee { .. }
            | MonitorError::LiabilityOverpaid { .. }
            | MonitorError::InvalidPercent { .. }
            | MonitorError::InvalidContingency { .. }
            | MonitorError::OtherDeployment { .. } => ErrorKind::InvalidInput,
            MonitorError::UnknownLiability { .. } => ErrorKind::NotFound,
            MonitorError::InsufficientFunds { .. }
            | MonitorError::NotEnoughFuturePayments { .. } => ErrorKind::InsufficientFunds,
            MonitorError::DateOutOfRange { .. } => ErrorKind::Overflow,
            MonitorError::DoesNotTieOut { .. } => ErrorKind::Corrupt,
        }
    }
}

crate::error::error_detail! {
    /// The detail, if this is a spend, monitoring, surplus or recovery error.
    "Monitor": monitor -> MonitorError
}
