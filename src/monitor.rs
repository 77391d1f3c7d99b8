//! Direct-payment spend by category, monitoring reviews and returns, surplus and recovery.

use crate::ledger::LedgerError;

/// Errors from spend, monitoring, surplus and recovery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MonitorError {
    /// The ledger refused an operation.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}
