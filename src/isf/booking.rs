//! Bookings: planned support reserved on the fund until a claim line settles it.

use crate::chart;
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::claim::check_units;
use super::ids::check_code;
use super::{BookingId, ClaimId, ClaimIssue, DrawdownError, ServiceAgreement, SupplierId};
use crate::ledger::{Ledger, NewHold};
use crate::money::Money;
use crate::plan::PaymentPlan;

/// A booking of planned support, reserved on the fund until a claim line settles it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Booking {
    /// The booking's id.
    pub id: BookingId,
    /// The day the support is planned for.
    pub date: NaiveDate,
    /// The service.
    pub service: String,
    /// Units planned.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub units: Decimal,
    /// The subcontracted supplier who will deliver it, if any.
    pub supplier: Option<SupplierId>,
    /// The day the booking is made (the holds' date).
    pub booked_on: NaiveDate,
}

impl Booking {
    /// A booking of `units` of `service` on `date`, made on `booked_on`.
    pub fn new(
        id: impl Into<BookingId>,
        date: NaiveDate,
        service: impl Into<String>,
        units: Decimal,
        booked_on: NaiveDate,
    ) -> Booking {
        Booking {
            id: id.into(),
            date,
            service: service.into(),
            units,
            supplier: None,
            booked_on,
        }
    }

    /// Names the subcontracted supplier.
    #[must_use]
    pub fn supplier(mut self, supplier: impl Into<SupplierId>) -> Booking {
        self.supplier = Some(supplier.into());
        self
    }
}

impl ServiceAgreement {
    /// Reserves a booking's cost on the fund (a hold per source, split by the plan's spend
    /// order), lapsing the agreement's grace days after the booking's date. Booking again
    /// with the same details changes nothing. Returns the amount reserved.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidLine`] (units), [`DrawdownError::DuplicateBooking`],
    /// [`DrawdownError::InsufficientFunds`], [`DrawdownError::ClaimRefused`] if the service or
    /// supplier is unknown or the date is outside the agreement, [`LedgerError`](crate::LedgerError).
    pub fn book(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        booking: &Booking,
    ) -> Result<Money, crate::error::Error> {
        ledger.atomically(|ledger| self.book_once(ledger, plan, booking))
    }

    fn book_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        booking: &Booking,
    ) -> Result<Money, crate::error::Error> {
        check_code("booking", booking.id.as_str())?;
        let as_claim = ClaimId::from(format!("booking {}", booking.id));
        check_units(&as_claim, 1, booking.units)?;
        let refuse = |issue| DrawdownError::ClaimRefused {
            claim: as_claim.clone(),
            line: 1,
            issue,
        };
        let service = self.find_service(&booking.service).ok_or_else(|| {
            refuse(ClaimIssue::UnknownService {
                service: booking.service.clone(),
            })
        })?;
        if let Some(s) = &booking.supplier {
            if !self.suppliers.contains(s) {
                return Err(refuse(ClaimIssue::UnknownSupplier {
                    supplier: s.clone(),
                })
                .into());
            }
        }
        if !self.validity.contains(booking.date) {
            return Err(refuse(ClaimIssue::OutsideAgreement {
                date: booking.date,
                validity: self.validity,
            })
            .into());
        }
        let price = service
            .rates_on(booking.date)
            .price(self.band(booking.date));
        let amount = price.checked_mul(booking.units)?.round(self.rounding);
        let memo = format!(
            "booking {}: {} {} {}",
            booking.id,
            booking.date,
            booking.service,
            booking.units.normalize()
        );
        let existing: Vec<_> = plan
            .budget()
            .all_sources()
            .iter()
            .filter_map(|s| ledger.hold(chart::booking_hold(&self.id, &booking.id, s)))
            .map(|h| h.details().clone())
            .collect();
        if !existing.is_empty() {
            let same = existing
                .iter()
                .all(|h| h.memo == memo && h.date == booking.booked_on);
            return if same {
                Money::sum(self.currency, existing.iter().map(|h| h.amount))
                    .map_err(crate::error::Error::from)
            } else {
                Err(DrawdownError::DuplicateBooking {
                    booking: booking.id.clone(),
                }
                .into())
            };
        }
        self.check_open(ledger, booking.booked_on)?;
        let to = self.service_account(&booking.service, booking.supplier.as_ref());
        let expires = booking
            .date
            .checked_add_days(Days::new(u64::from(self.booking_grace_days) + 1))
            .ok_or(crate::period::out_of_range("a date".into()))?;
        self.place_split_holds(ledger, plan, amount, booking.booked_on, |s| {
            NewHold::new(
                chart::booking_hold(&self.id, &booking.id, s),
                "",
                to.clone(),
                amount,
                booking.booked_on,
            )
            .expires_on(expires)
            .memo(memo.clone())
        })?;
        Ok(amount)
    }

    /// Releases a booking nobody will claim.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::UnknownBooking`].
    pub fn release_booking(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        booking: &BookingId,
    ) -> Result<(), crate::error::Error> {
        ledger.atomically(|ledger| self.release_booking_once(ledger, plan, booking))
    }

    fn release_booking_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        booking: &BookingId,
    ) -> Result<(), crate::error::Error> {
        let holds = self.active_holds(ledger, plan, |s| chart::booking_hold(&self.id, booking, s));
        if holds.is_empty() {
            return Err(DrawdownError::UnknownBooking {
                booking: booking.clone(),
            }
            .into());
        }
        for (_, id, _) in holds {
            ledger.release_hold(&id)?;
        }
        Ok(())
    }
}
