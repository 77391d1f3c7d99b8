//! Claims, their lines, and what a claim did.

use crate::chart::EntryKind;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BookingId, ClaimId, ClaimIssue, DrawdownError, SupplierId};
use crate::money::{Currency, Money, MoneyError};

/// The most lines a claim may have.
pub const MAX_CLAIM_LINES: usize = 1000;

/// A line of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ClaimLine {
    /// The day the support was delivered (or was to be, for a cancellation).
    pub date: NaiveDate,
    /// The service code.
    pub service: String,
    /// Units delivered (or cancelled); positive, at most two decimals.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub units: Decimal,
    /// The price per unit claimed.
    pub price: Money,
    /// The subcontracted supplier who delivered it, if any.
    pub supplier: Option<SupplierId>,
    /// The booking it delivers, if any.
    pub booking: Option<BookingId>,
    /// For a cancellation: the hours of notice the person gave.
    pub cancelled_with_notice_hours: Option<u32>,
    /// For support spread over several days: the last day (inclusive), at most 31 days after
    /// `date`, the units spread evenly over the days. Days outside the agreement are split off
    /// the line (see the [module docs](super#claims-and-the-policy-for-what-fails)).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub until: Option<NaiveDate>,
}

impl ClaimLine {
    /// A line for `units` of `service` delivered on `date` at `price` per unit.
    pub fn new(date: NaiveDate, service: impl Into<String>, units: Decimal, price: Money) -> Self {
        ClaimLine {
            date,
            service: service.into(),
            units,
            price,
            supplier: None,
            booking: None,
            cancelled_with_notice_hours: None,
            until: None,
        }
    }

    /// Spreads the line's units over the days from its date to `last` (inclusive).
    #[must_use]
    pub fn until(mut self, last: NaiveDate) -> Self {
        self.until = Some(last);
        self
    }

    /// Names the subcontracted supplier.
    #[must_use]
    pub fn supplier(mut self, supplier: impl Into<SupplierId>) -> Self {
        self.supplier = Some(supplier.into());
        self
    }

    /// Names the booking this line delivers.
    #[must_use]
    pub fn booking(mut self, booking: impl Into<BookingId>) -> Self {
        self.booking = Some(booking.into());
        self
    }

    /// Makes this a cancellation, with `hours` of notice.
    #[must_use]
    pub fn cancelled(mut self, hours: u32) -> Self {
        self.cancelled_with_notice_hours = Some(hours);
        self
    }

    pub(super) fn kind(&self) -> EntryKind {
        if self.cancelled_with_notice_hours.is_some() {
            EntryKind::Cancellation
        } else {
            EntryKind::Delivered
        }
    }

    /// The line's identity for duplicate checks.
    pub(super) fn key(&self) -> String {
        crate::chart::claim_line_key(
            self.date,
            &self.service,
            self.supplier.as_ref(),
            self.units,
            self.kind(),
        )
    }
}

/// A provider's claim: lines of support delivered, received on a date (the drawdowns' date).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Claim {
    /// The claim's id (the provider's invoice number).
    pub id: ClaimId,
    /// The day it is processed: the date of its drawdowns.
    pub date: NaiveDate,
    /// Its lines.
    pub lines: Vec<ClaimLine>,
}

impl Claim {
    /// An empty claim.
    pub fn new(id: impl Into<ClaimId>, date: NaiveDate) -> Claim {
        Claim {
            id: id.into(),
            date,
            lines: Vec::new(),
        }
    }

    /// Adds a line.
    #[must_use]
    pub fn line(mut self, line: ClaimLine) -> Claim {
        self.lines.push(line);
        self
    }
}

/// A line paid by a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PaidLine {
    /// The line, from 1.
    pub line: usize,
    /// What it cost the fund (before the fee).
    pub amount: Money,
    /// The management fee on it.
    pub fee: Money,
    /// Banked units it used.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub banked_units_used: Decimal,
}

/// A line held in dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DisputedLine {
    /// The line, from 1.
    pub line: usize,
    /// What is held for it.
    pub amount: Money,
    /// Why.
    pub issues: Vec<ClaimIssue>,
}

/// How one line's claimed cost was split: what was paid, what is held in dispute, and what
/// was not charged. `paid + disputed + not_charged == claimed`, to the penny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LineSplit {
    /// The line, from 1.
    pub line: usize,
    /// The line's cost: units × the price it is assessed at (the price claimed, or the agreed
    /// price when the policy pays the agreed rate), rounded once.
    pub claimed: Money,
    /// Paid now, before the fee: the planned, banked and booked part.
    pub paid: Money,
    /// Held in dispute: the whole line, or only the part over the plan or the booking.
    pub disputed: Money,
    /// Not charged: a cancellation with enough notice, or the part of a short-notice
    /// cancellation the rule does not charge.
    pub not_charged: Money,
}

/// What a claim did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct ClaimOutcome {
    /// The claim.
    pub claim: ClaimId,
    /// The fund's currency.
    pub currency: Currency,
    /// Lines paid.
    pub paid: Vec<PaidLine>,
    /// Lines held in dispute.
    pub disputed: Vec<DisputedLine>,
    /// Lines paid with an issue the policy allowed (at the agreed rate), and the issue.
    pub flagged: Vec<(usize, ClaimIssue)>,
    /// Cancellations with enough notice: not charged (their bookings released).
    pub not_charged: Vec<usize>,
    /// Every line's split of its cost into paid, disputed and not charged, in line order.
    #[cfg_attr(feature = "serde", serde(default))]
    pub lines: Vec<LineSplit>,
}

impl ClaimOutcome {
    /// The total of the paid lines, before fees.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn paid_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.currency, self.paid.iter().map(|p| p.amount))
    }
    /// The total of the fees on the paid lines.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn fees_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.currency, self.paid.iter().map(|p| p.fee))
    }
    /// The total held in dispute.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn disputed_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.currency, self.disputed.iter().map(|p| p.amount))
    }
}

pub(super) fn check_units(
    claim: &ClaimId,
    line: usize,
    units: Decimal,
) -> Result<(), DrawdownError> {
    if units <= Decimal::ZERO || units.normalize().scale() > 2 || units > Decimal::from(1_000_000) {
        return Err(DrawdownError::InvalidLine {
            claim: claim.clone(),
            line,
            reason: format!(
                "units {units} must be positive, at most 1000000, with at most two decimals"
            ),
        });
    }
    Ok(())
}
