//! Payment plans. Documented in the crate docs, "Payment plans"; the types are at the root.

mod accounts;
mod adjust;
mod amounts;
mod contribution;
mod deployment;
mod error;
mod fund;
mod payment_plan;
mod run;
mod schedule;

pub use self::{
    amounts::PeriodAmounts,
    contribution::ContributionStatus,
    deployment::{
        CouncilId, Deployment, DeploymentKind, ManagerId, PaymentBasis, ProviderId, Share,
    },
    error::DeployError,
    fund::{Attribution, Fund, SourceBalance, SpendOrder},
    payment_plan::PaymentPlan,
    run::{PaymentRun, RunPayment, RunRefusal, RunReport, run_payments},
    schedule::{PaymentSchedule, Timing, Week53Policy},
};

use crate::money::Money;

fn positive(what: &'static str, amount: Money) -> Result<(), DeployError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(DeployError::NotPositive { what, amount })
    }
}
