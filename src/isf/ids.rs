//! The module's ids live in `crate::ids`, with their rule; this is the rule as the module's
//! error.

use super::DrawdownError;
use crate::ids::code_problem;
pub use crate::ids::{AgreementId, BookingId, ClaimId, CreditNoteId, MAX_CODE_LEN, SupplierId};
use crate::money::echo;

/// Codes and ids the module builds ledger ids from: 1 to [`MAX_CODE_LEN`] ASCII letters,
/// digits, `-`, `_` or `.` (see `crate::ids::code_problem`).
pub(super) fn check_code(what: &'static str, value: &str) -> Result<(), DrawdownError> {
    match code_problem(value) {
        None => Ok(()),
        Some(reason) => Err(DrawdownError::InvalidCode {
            what,
            value: value.to_string(),
            reason,
        }),
    }
}

/// [`check_code`], echoing at most the start of a bad value.
pub(super) fn check_code_echo(what: &'static str, value: &str) -> Result<(), DrawdownError> {
    check_code(what, value).map_err(|e| match e {
        DrawdownError::InvalidCode {
            what,
            value,
            reason,
        } => DrawdownError::InvalidCode {
            what,
            value: echo(&value),
            reason,
        },
        other => other,
    })
}
