//! Bank and prepaid-card statement lines, imported from CSV and matched to ledger entries.

use crate::ledger::LedgerError;

/// Errors from statement import and reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReconcileError {
    /// The ledger refused an operation.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}
