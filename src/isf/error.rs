//! The module's error.

use chrono::NaiveDate;

use super::{AgreementId, BookingId, ClaimId, ClaimIssue, CreditNoteId};
use crate::error::ErrorKind;
use crate::money::Money;

/// Errors from agreements, claims and drawdowns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawdownError {
    /// The deployment is not an individual service fund.
    #[error("deployment {deployment:?} is {kind}, not an individual service fund")]
    NotAnIsf {
        /// The deployment.
        deployment: String,
        /// What it is.
        kind: String,
    },
    /// The agreement itself is not valid.
    #[error("agreement {agreement}: {reason}")]
    InvalidAgreement {
        /// The agreement.
        agreement: AgreementId,
        /// Why.
        reason: String,
    },
    /// A code or id cannot be used to build ledger ids.
    #[error("{what} {value:?} is not a valid code: {reason}")]
    InvalidCode {
        /// What it names.
        what: &'static str,
        /// The value at fault.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// A claim line has a malformed value.
    #[error("claim {claim} line {line}: {reason}")]
    InvalidLine {
        /// The claim.
        claim: ClaimId,
        /// The line, from 1.
        line: usize,
        /// Why.
        reason: String,
    },
    /// The policy refuses a claim because of an issue on one of its lines.
    #[error("claim {claim} refused: line {line}: {issue}")]
    ClaimRefused {
        /// The claim.
        claim: ClaimId,
        /// The line, from 1.
        line: usize,
        /// The issue.
        issue: ClaimIssue,
    },
    /// A claim with this id was already submitted.
    #[error("claim {claim} was already submitted")]
    AlreadySubmitted {
        /// The claim.
        claim: ClaimId,
    },
    /// The fund cannot pay what the operation needs.
    #[error("fund {fund} has {available} available; {needed} is needed")]
    InsufficientFunds {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// What is needed.
        needed: Money,
        /// What is available.
        available: Money,
    },
    /// No active booking has this id.
    #[error("no active booking {booking}")]
    UnknownBooking {
        /// The booking.
        booking: BookingId,
    },
    /// A booking with this id exists with other details.
    #[error("booking {booking} already exists with other details")]
    DuplicateBooking {
        /// The booking.
        booking: BookingId,
    },
    /// No disputed line waits under this claim and line.
    #[error("claim {claim} line {line} is not a disputed line awaiting a decision")]
    NotDisputed {
        /// The claim.
        claim: ClaimId,
        /// The line, from 1.
        line: usize,
    },
    /// A credit note names a line that was not paid, or was already credited.
    #[error("credit note {note}: claim {claim} line {line} {reason}")]
    NotCreditable {
        /// The credit note.
        note: CreditNoteId,
        /// The claim.
        claim: ClaimId,
        /// The line, from 1.
        line: usize,
        /// Why.
        reason: &'static str,
    },
    /// The date is in a closed period.
    #[error("{date} is in the closed period (closed through {closed_through})")]
    PeriodClosed {
        /// The date at fault.
        date: NaiveDate,
        /// The last closed date.
        closed_through: NaiveDate,
    },
    /// Banking is not switched on in the agreement.
    #[error("agreement {agreement} does not bank unused units")]
    BankingOff {
        /// The agreement.
        agreement: AgreementId,
    },
    /// A week must start on a Monday.
    #[error("{date} is not a Monday")]
    NotAMonday {
        /// The date at fault.
        date: NaiveDate,
    },
}

impl DrawdownError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            DrawdownError::NotAnIsf { .. }
            | DrawdownError::InvalidAgreement { .. }
            | DrawdownError::InvalidCode { .. }
            | DrawdownError::InvalidLine { .. }
            | DrawdownError::NotAMonday { .. } => ErrorKind::InvalidInput,
            DrawdownError::ClaimRefused { .. } => ErrorKind::Refused,
            DrawdownError::AlreadySubmitted { .. } | DrawdownError::DuplicateBooking { .. } => {
                ErrorKind::AlreadyExists
            }
            DrawdownError::InsufficientFunds { .. } => ErrorKind::InsufficientFunds,
            DrawdownError::UnknownBooking { .. } => ErrorKind::NotFound,
            DrawdownError::NotDisputed { .. }
            | DrawdownError::NotCreditable { .. }
            | DrawdownError::BankingOff { .. } => ErrorKind::Conflict,
            DrawdownError::PeriodClosed { .. } => ErrorKind::PeriodClosed,
        }
    }
}

crate::error::error_detail! {
    /// The detail, if this is a ISF agreement, claim or drawdown error.
    "Drawdown": drawdown -> DrawdownError
}
