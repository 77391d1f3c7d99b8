//! The error of this module.

use chrono::NaiveDate;

use crate::error::ErrorKind;
use crate::money::Money;
use crate::period::Period;

/// Errors from deployments, schedules, runs and contributions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeployError {
    /// The deployment shares do not describe the whole budget.
    #[error("plan {budget}: invalid shares: {reason}")]
    InvalidShares {
        /// The budget.
        budget: String,
        /// Why.
        reason: String,
    },
    /// The schedule starts after the budget does, so its first days would never be paid.
    #[error("plan {budget}: schedule anchor {anchor} is after the budget starts on {start}")]
    AnchorAfterStart {
        /// The budget.
        budget: String,
        /// The schedule's anchor.
        anchor: NaiveDate,
        /// The budget's first day.
        start: NaiveDate,
    },
    /// A total was to be split over a range in which the schedule pays no period.
    #[error("no period is paid in {range}, so {total} cannot be split over it")]
    NoPeriodPaid {
        /// The range.
        range: Period,
        /// The total.
        total: Money,
    },
    /// No deployment has this name.
    #[error("plan {budget}: unknown deployment {name:?}")]
    UnknownDeployment {
        /// The budget.
        budget: String,
        /// The name at fault.
        name: String,
    },
    /// Fixed amounts exceed the budget for a period.
    #[error(
        "plan {budget}: fixed deployments need {fixed} in {period} but the budget gives {total}"
    )]
    FixedExceedsBudget {
        /// The budget.
        budget: String,
        /// The period.
        period: Period,
        /// The fixed amounts.
        fixed: Money,
        /// The budget for the period.
        total: Money,
    },
    /// A fund has less available than asked to spend.
    #[error("fund {fund}: cannot spend {amount}, only {available} available")]
    InsufficientFunds {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// What was asked.
        amount: Money,
        /// What it has available.
        available: Money,
    },
    /// An amount that must be above zero is not.
    #[error("{what} must be above zero, got {amount}")]
    NotPositive {
        /// What the amount is for.
        what: &'static str,
        /// The amount at fault.
        amount: Money,
    },
}

impl DeployError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            DeployError::InvalidShares { .. }
            | DeployError::AnchorAfterStart { .. }
            | DeployError::NoPeriodPaid { .. }
            | DeployError::FixedExceedsBudget { .. }
            | DeployError::NotPositive { .. } => ErrorKind::InvalidInput,
            DeployError::UnknownDeployment { .. } => ErrorKind::NotFound,
            DeployError::InsufficientFunds { .. } => ErrorKind::InsufficientFunds,
        }
    }
}

crate::error::error_detail! {
    /// The detail, if this is a deployment, schedule, run or fund error.
    "Deploy": deploy -> DeployError
}
