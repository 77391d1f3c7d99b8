//! Services, their dated prices by time band, and the agreement's fee, banking and
//! cancellation terms.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

#[cfg(doc)]
use super::ServiceAgreement;
use crate::money::{Money, Unit};
use crate::period::Frequency;

/// The price band of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TimeBand {
    /// Monday to Friday.
    Weekday,
    /// Saturday and Sunday.
    Weekend,
    /// A bank holiday listed in the agreement.
    BankHoliday,
}

impl fmt::Display for TimeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeBand::Weekday => "weekday",
            TimeBand::Weekend => "weekend",
            TimeBand::BankHoliday => "bank holiday",
        })
    }
}

/// Prices per unit by time band. A band without a price of its own uses the weekend price (bank
/// holidays) or the weekday price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BandRates {
    /// Monday to Friday.
    pub weekday: Money,
    /// Saturday and Sunday, if different.
    pub weekend: Option<Money>,
    /// Bank holidays, if different.
    pub bank_holiday: Option<Money>,
}

impl BandRates {
    /// One price for every day.
    pub fn flat(price: Money) -> BandRates {
        BandRates {
            weekday: price,
            weekend: None,
            bank_holiday: None,
        }
    }

    /// Sets the weekend price.
    #[must_use]
    pub fn weekend(mut self, price: Money) -> BandRates {
        self.weekend = Some(price);
        self
    }

    /// Sets the bank holiday price.
    #[must_use]
    pub fn bank_holiday(mut self, price: Money) -> BandRates {
        self.bank_holiday = Some(price);
        self
    }

    /// The price in a band.
    pub fn price(&self, band: TimeBand) -> Money {
        match band {
            TimeBand::Weekday => self.weekday,
            TimeBand::Weekend => self.weekend.unwrap_or(self.weekday),
            TimeBand::BankHoliday => self.bank_holiday.or(self.weekend).unwrap_or(self.weekday),
        }
    }

    pub(super) fn prices(&self) -> [Money; 3] {
        [
            self.price(TimeBand::Weekday),
            self.price(TimeBand::Weekend),
            self.price(TimeBand::BankHoliday),
        ]
    }
}

/// A service in an agreement: what it is, its unit, its dated prices and how much is planned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Service {
    pub(super) code: String,
    pub(super) description: String,
    pub(super) unit: Unit,
    pub(super) planned_per_week: Option<Decimal>,
    /// Prices from the agreement's start.
    pub(super) rates: BandRates,
    /// Later prices, each from its date, in date order.
    pub(super) changes: Vec<(NaiveDate, BandRates)>,
}

impl Service {
    /// A service with its prices from the agreement's start and no weekly plan.
    pub fn new(
        code: impl Into<String>,
        description: impl Into<String>,
        unit: Unit,
        rates: BandRates,
    ) -> Service {
        Service {
            code: code.into(),
            description: description.into(),
            unit,
            planned_per_week: None,
            rates,
            changes: Vec::new(),
        }
    }

    /// Plans `units` a week (Monday to Sunday): claims over it use banked units or are an
    /// over-plan issue.
    #[must_use]
    pub fn planned_per_week(mut self, units: Decimal) -> Service {
        self.planned_per_week = Some(units);
        self
    }

    /// New prices from `date` on (an April uplift).
    #[must_use]
    pub fn rate_from(mut self, date: NaiveDate, rates: BandRates) -> Service {
        self.changes.push((date, rates));
        self
    }

    /// The service's code.
    pub fn code(&self) -> &str {
        &self.code
    }
    /// What the service is.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The unit it is priced in.
    pub fn unit(&self) -> Unit {
        self.unit
    }
    /// Units planned a week, if planned.
    pub fn planned(&self) -> Option<Decimal> {
        self.planned_per_week
    }

    /// The prices that apply on `date`.
    pub fn rates_on(&self, date: NaiveDate) -> &BandRates {
        let mut current = &self.rates;
        for (from, rates) in &self.changes {
            if *from <= date {
                current = rates;
            }
        }
        current
    }
}

/// The provider's management fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ManagementFee {
    /// A percentage of each claim line's cost (up to 100, at most four decimals).
    Percent(Decimal),
    /// A fixed amount for each period of a schedule anchored at the agreement's start,
    /// charged with [`ServiceAgreement::charge_fees`].
    FixedPerPeriod {
        /// The amount per period.
        amount: Money,
        /// How often.
        frequency: Frequency,
    },
}

/// Banking of unused planned units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Banking {
    /// The most units of one service that may be banked at once.
    pub max_units: Decimal,
    /// Banked units expire this many weeks after the week they were banked for ends.
    pub expires_after_weeks: u32,
}

/// What a cancellation costs: with less than `notice_hours` notice, `charge_percent` of the
/// cancelled support's cost; otherwise nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CancellationRule {
    /// Less notice than this is short notice.
    pub notice_hours: u32,
    /// The percentage of the cost charged at short notice (0 to 100).
    pub charge_percent: Decimal,
}

impl Default for CancellationRule {
    /// Less than 24 hours' notice is charged in full.
    fn default() -> Self {
        CancellationRule {
            notice_hours: 24,
            charge_percent: Decimal::ONE_HUNDRED,
        }
    }
}
