//! Planned and delivered units over a period, and the unit "currencies" units are counted in.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use super::{AgreementId, ServiceAgreement};
use crate::ledger::Ledger;
use crate::money::{Currency, Unit};
use crate::period::Period;

/// Planned and delivered units of one service over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct UnitsLine {
    /// The service.
    pub service: String,
    /// Its unit.
    pub unit: Unit,
    /// Units planned over the period (weekly plan × days / 7, to two decimals).
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal_opt")
    )]
    pub planned: Option<Decimal>,
    /// Units delivered on days in the period and paid (credited lines excluded).
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub delivered: Decimal,
    /// Units of cancellations charged.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub cancelled_charged: Decimal,
    /// Units banked at the period's end.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub banked: Decimal,
}

/// One agreement's planned and delivered units over a period, for a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct UnitsSummary {
    /// The agreement.
    pub agreement: AgreementId,
    /// The period.
    pub period: Period,
    /// One line per service, in the agreement's order.
    pub lines: Vec<UnitsLine>,
}

impl ServiceAgreement {
    /// Delivered and charged-cancellation units of a service on days in `range`, from the
    /// ledger (credited lines excluded, each line counted once).
    pub(super) fn units_in(
        &self,
        ledger: &Ledger,
        service: &str,
        range: Period,
    ) -> Result<(Decimal, Decimal), crate::error::Error> {
        let lines = self.claimed_lines(ledger, service)?;
        let mut delivered = Decimal::ZERO;
        let mut cancelled = Decimal::ZERO;
        for l in lines.iter().filter(|l| range.contains(l.delivered_on)) {
            let total = if l.cancellation {
                &mut cancelled
            } else {
                &mut delivered
            };
            *total = total
                .checked_add(l.units)
                .ok_or_else(|| crate::money::overflow("units".into()))?;
        }
        Ok((delivered, cancelled))
    }

    /// Planned and delivered units of every service over `period`, read from the ledger.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if the accounts are not open, [`MoneyError`](crate::MoneyError).
    pub fn units_summary(
        &self,
        ledger: &Ledger,
        period: Period,
    ) -> Result<UnitsSummary, crate::error::Error> {
        let days = period.intersect(&self.validity).map_or(0, |p| p.days());
        let mut lines = Vec::new();
        for service in &self.services {
            let planned = service.planned_per_week.and_then(|p| {
                p.checked_mul(Decimal::from(days))
                    .and_then(|x| x.checked_div(Decimal::from(7)))
                    .map(|x| x.round_dp(2))
            });
            let (delivered, cancelled_charged) = self.units_in(ledger, &service.code, period)?;
            let banked = if self.banking.is_some() {
                self.banked(ledger, &service.code, period.last_day())?.units
            } else {
                Decimal::ZERO
            };
            lines.push(UnitsLine {
                service: service.code.clone(),
                unit: service.unit,
                planned,
                delivered,
                cancelled_charged,
                banked,
            });
        }
        Ok(UnitsSummary {
            agreement: self.id.clone(),
            period,
            lines,
        })
    }
}

/// The Monday of a date's week.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    let back = u64::from(date.weekday().num_days_from_monday());
    date.checked_sub_days(Days::new(back)).unwrap_or(date)
}

/// The unit "currency" banked units are counted in.
pub fn unit_currency(unit: Unit) -> Currency {
    let code = match unit {
        Unit::Hour => "HRS",
        Unit::Visit => "VIS",
        Unit::Day => "DAY",
        Unit::Week => "WKS",
        Unit::Item => "ITM",
    };
    Currency::new(code, 2).unwrap_or(Currency::GBP)
}
