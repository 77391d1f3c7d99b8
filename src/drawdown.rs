//! Individual service funds: service agreements, claims, settlement, disputes and banked hours.

use crate::ledger::LedgerError;

/// Errors from agreements, claims and drawdowns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawdownError {
    /// The ledger refused an operation.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}
