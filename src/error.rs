//! The crate's one error type, gathering the error of each area.

use crate::ledger::LedgerError;
use crate::money::MoneyError;
use crate::period::PeriodError;

/// Any error from this crate. Each area has its own error type, with the value at fault; this
/// gathers them so that a caller can use `?` across areas.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Money arithmetic, parsing or allocation.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Periods, schedules and financial years.
    #[error(transparent)]
    Period(#[from] PeriodError),
    /// The ledger refused an operation.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A personal budget problem.
    #[error(transparent)]
    Budget(#[from] crate::budget::BudgetError),
    /// A deployment, schedule or run problem.
    #[error(transparent)]
    Deploy(#[from] crate::deploy::DeployError),
    /// An ISF agreement, claim or drawdown problem.
    #[error(transparent)]
    Drawdown(#[from] crate::drawdown::DrawdownError),
    /// A spend, monitoring, surplus or recovery problem.
    #[error(transparent)]
    Monitor(#[from] crate::monitor::MonitorError),
    /// A statement import or reconciliation problem.
    #[error(transparent)]
    Reconcile(#[from] crate::reconcile::ReconcileError),
    /// A report could not be built, or does not tie to the ledger.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// A plain-text journal (hledger, ledger, Beancount) could not be written.
    #[error(transparent)]
    Journal(#[from] crate::report::JournalError),
    /// Verification found a discrepancy.
    #[error(transparent)]
    Verify(#[from] crate::ledger::VerifyError),
    /// A log or import file could not be read.
    #[cfg(feature = "serde")]
    #[error(transparent)]
    Log(#[from] crate::ledger::LogError),
}
