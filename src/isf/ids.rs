//! The module's ids, and the ledger ids (entries and holds) an agreement builds from them.

use super::{DrawdownError, ServiceAgreement};
use crate::budget::Source;
use crate::ledger::types::id_type;
use crate::ledger::{EntryId, HoldId};

id_type!(
    /// A service agreement between a provider and a person, for one ISF.
    AgreementId
);
id_type!(
    /// A subcontracted supplier.
    SupplierId
);
id_type!(
    /// A provider's claim (invoice) against an ISF.
    ClaimId
);
id_type!(
    /// A booking of planned support.
    BookingId
);
id_type!(
    /// A provider's credit note.
    CreditNoteId
);

/// The longest code or id the module builds account, entry and hold ids from.
pub const MAX_CODE_LEN: usize = 48;

impl ServiceAgreement {
    pub(super) fn booking_hold(&self, booking: &BookingId, source: &Source) -> HoldId {
        format!("book:{}:{booking}:{}", self.id, source.key()).into()
    }

    pub(super) fn dispute_hold(&self, claim: &ClaimId, line: usize, source: &Source) -> HoldId {
        format!("dispute:{}:{claim}:{line}:{}", self.id, source.key()).into()
    }

    pub(super) fn line_entry(&self, claim: &ClaimId, line: usize) -> EntryId {
        format!("line:{}:{claim}:{line}", self.id).into()
    }

    pub(super) fn line_source_entry(
        &self,
        claim: &ClaimId,
        line: usize,
        source: &Source,
    ) -> EntryId {
        format!("line:{}:{claim}:{line}:{}", self.id, source.key()).into()
    }

    pub(super) fn fee_entry(&self, claim: &ClaimId, line: usize) -> EntryId {
        format!("fee:{}:{claim}:{line}", self.id).into()
    }

    pub(super) fn bank_use_entry(&self, claim: &ClaimId, line: usize) -> EntryId {
        format!("bank-use:{}:{claim}:{line}", self.id).into()
    }

    pub(super) fn reversal_id(&self, note: &CreditNoteId, entry: &str) -> EntryId {
        format!("credit:{}:{note}:{entry}", self.id).into()
    }
}

/// Codes and ids the module builds ledger ids from: 1 to [`MAX_CODE_LEN`] ASCII letters,
/// digits, `-`, `_` or `.`.
pub(super) fn check_code(what: &'static str, value: &str) -> Result<(), DrawdownError> {
    let reason = if value.is_empty() {
        Some("it is empty")
    } else if value.len() > MAX_CODE_LEN {
        Some("it is longer than 48 bytes")
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        Some("only ASCII letters, digits, '-', '_' and '.' are allowed")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(DrawdownError::InvalidCode {
            what,
            value: value.to_string(),
            reason,
        }),
    }
}
