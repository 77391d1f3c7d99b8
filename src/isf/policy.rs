//! The policy for claim lines that fail a check, and the issues a check finds.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BookingId, SupplierId, TimeBand};
use crate::money::Money;
use crate::period::Period;

/// What to do with a claim line that has an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OnIssue {
    /// Refuse the whole claim.
    Refuse,
    /// Hold the line's cost and wait for a decision.
    Dispute,
}

impl fmt::Display for OnIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OnIssue::Refuse => "refuse",
            OnIssue::Dispute => "dispute",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"refuse"`, `"dispute"`.
impl std::str::FromStr for OnIssue {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<OnIssue, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "claim issue policy",
            &[OnIssue::Refuse, OnIssue::Dispute],
            s,
        )
    }
}

/// What to do with a claim line whose price differs from the agreed rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OnRateDiffers {
    /// Refuse the whole claim.
    Refuse,
    /// Hold the line's cost at the claimed price and wait for a decision.
    Dispute,
    /// Pay the line at the agreed price and report it as flagged.
    PayAgreedRate,
}

impl fmt::Display for OnRateDiffers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OnRateDiffers::Refuse => "refuse",
            OnRateDiffers::Dispute => "dispute",
            OnRateDiffers::PayAgreedRate => "pay_agreed_rate",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"refuse"`, `"pay_agreed_rate"`.
impl std::str::FromStr for OnRateDiffers {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<OnRateDiffers, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "rate policy",
            &[
                OnRateDiffers::Refuse,
                OnRateDiffers::Dispute,
                OnRateDiffers::PayAgreedRate,
            ],
            s,
        )
    }
}

/// The agreement's policy for claim lines that fail a check. See the module docs for defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ClaimPolicy {
    /// A service the agreement does not have.
    pub unknown_service: OnIssue,
    /// A supplier the agreement does not list.
    pub unknown_supplier: OnIssue,
    /// A date outside the agreement.
    pub outside_agreement: OnIssue,
    /// A price that differs from the agreed rate.
    pub rate_differs: OnRateDiffers,
    /// A line claimed before (same date, service, supplier, units and kind).
    pub duplicate: OnIssue,
    /// Units over the weekly plan that banked units do not cover.
    pub over_plan: OnIssue,
    /// A line costing more than its booking reserved.
    pub exceeds_booking: OnIssue,
}

impl Default for ClaimPolicy {
    fn default() -> Self {
        ClaimPolicy {
            unknown_service: OnIssue::Refuse,
            unknown_supplier: OnIssue::Refuse,
            outside_agreement: OnIssue::Refuse,
            rate_differs: OnRateDiffers::Dispute,
            duplicate: OnIssue::Refuse,
            over_plan: OnIssue::Dispute,
            exceeds_booking: OnIssue::Dispute,
        }
    }
}

/// Why a claim line failed a check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ClaimIssue {
    /// The agreement has no such service.
    UnknownService {
        /// The code claimed.
        service: String,
    },
    /// The agreement lists no such supplier.
    UnknownSupplier {
        /// The supplier claimed.
        supplier: SupplierId,
    },
    /// The date is outside the agreement.
    OutsideAgreement {
        /// The date claimed.
        date: NaiveDate,
        /// The agreement's validity.
        validity: Period,
    },
    /// The price differs from the agreed rate for the day's band.
    RateDiffers {
        /// The agreed price.
        agreed: Money,
        /// The price claimed.
        claimed: Money,
        /// The day's band.
        band: TimeBand,
    },
    /// The same line was claimed before.
    Duplicate {
        /// Where: `{claim}:{line}`.
        of: String,
    },
    /// Units over the week's plan that banked units do not cover.
    OverPlan {
        /// The week's Monday.
        week: NaiveDate,
        /// Units planned for the week.
        #[cfg_attr(
            feature = "serde",
            serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
        )]
        planned: Decimal,
        /// Units delivered in the week with this line.
        #[cfg_attr(
            feature = "serde",
            serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
        )]
        claimed: Decimal,
    },
    /// The line costs more than its booking reserved.
    ExceedsBooking {
        /// The booking.
        booking: BookingId,
        /// What it reserved.
        reserved: Money,
        /// What the line costs.
        cost: Money,
    },
}

impl fmt::Display for ClaimIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimIssue::UnknownService { service } => write!(f, "unknown service {service:?}"),
            ClaimIssue::UnknownSupplier { supplier } => write!(f, "unknown supplier {supplier}"),
            ClaimIssue::OutsideAgreement { date, validity } => {
                write!(f, "{date} is outside the agreement ({validity})")
            }
            ClaimIssue::RateDiffers {
                agreed,
                claimed,
                band,
            } => write!(
                f,
                "price {claimed} differs from the agreed {} rate {agreed}",
                band.label()
            ),
            ClaimIssue::Duplicate { of } => write!(f, "duplicate of claim line {of}"),
            ClaimIssue::OverPlan {
                week,
                planned,
                claimed,
            } => write!(
                f,
                "{claimed} units in the week of {week} are over the {planned} planned"
            ),
            ClaimIssue::ExceedsBooking {
                booking,
                reserved,
                cost,
            } => write!(
                f,
                "cost {cost} exceeds the {reserved} booking {booking} reserved"
            ),
        }
    }
}
