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

impl TimeBand {
    /// The words for it in a sentence and in a claim line's metadata: `"weekday"`,
    /// `"weekend"`, `"bank holiday"`. Its [`Display`](fmt::Display) form is the serde name
    /// (`"bank_holiday"`).
    pub fn label(&self) -> &'static str {
        match self {
            TimeBand::Weekday => "weekday",
            TimeBand::Weekend => "weekend",
            TimeBand::BankHoliday => "bank holiday",
        }
    }
}

impl fmt::Display for TimeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeBand::Weekday => "weekday",
            TimeBand::Weekend => "weekend",
            TimeBand::BankHoliday => "bank_holiday",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"weekday"`, `"bank_holiday"`.
impl std::str::FromStr for TimeBand {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<TimeBand, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "time band",
            &[TimeBand::Weekday, TimeBand::Weekend, TimeBand::BankHoliday],
            s,
        )
    }
}

/// Prices per unit by time band. A band without a price of its own uses the weekend price (bank
/// holidays) or the weekday price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "BandRatesData"))]
pub struct BandRates {
    /// Monday to Friday.
    pub weekday: Money,
    /// Saturday and Sunday, if different.
    pub weekend: Option<Money>,
    /// Bank holidays, if different.
    pub bank_holiday: Option<Money>,
}

/// [`BandRates`] as read from JSON: every price must be positive, all in one currency.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BandRatesData {
    weekday: Money,
    #[serde(default)]
    weekend: Option<Money>,
    #[serde(default)]
    bank_holiday: Option<Money>,
}

#[cfg(feature = "serde")]
impl TryFrom<BandRatesData> for BandRates {
    type Error = String;

    fn try_from(data: BandRatesData) -> Result<BandRates, String> {
        let rates = data.unchecked();
        rates.check(rates.weekday.currency())?;
        Ok(rates)
    }
}

#[cfg(feature = "serde")]
impl BandRatesData {
    /// The rates, for a caller that checks them with more context.
    fn unchecked(self) -> BandRates {
        BandRates {
            weekday: self.weekday,
            weekend: self.weekend,
            bank_holiday: self.bank_holiday,
        }
    }
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

    /// Every price is positive and in `currency`.
    pub(super) fn check(&self, currency: crate::money::Currency) -> Result<(), String> {
        for price in self.prices() {
            if price.currency() != currency || !price.is_positive() {
                return Err(format!("price {price} must be positive, in {currency}"));
            }
        }
        Ok(())
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
#[cfg_attr(feature = "serde", serde(try_from = "ServiceData"))]
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

/// A [`Service`] as read from JSON, checked as [`ServiceAgreement::build`] checks it: a valid
/// code, planned units zero or more with at most two decimals, rate changes in date order, and
/// every price positive in the currency of the first weekday price.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ServiceData {
    code: String,
    description: String,
    unit: Unit,
    #[serde(default)]
    #[serde(deserialize_with = "crate::money::deserialize_canonical_decimal_opt")]
    planned_per_week: Option<Decimal>,
    rates: BandRatesData,
    #[serde(default)]
    changes: Vec<(NaiveDate, BandRatesData)>,
}

#[cfg(feature = "serde")]
impl ServiceData {
    /// The service, for [`ServiceAgreement::build`] to check with the agreement's context.
    pub(super) fn unchecked(self) -> Service {
        Service {
            code: self.code,
            description: self.description,
            unit: self.unit,
            planned_per_week: self.planned_per_week,
            rates: self.rates.unchecked(),
            changes: self
                .changes
                .into_iter()
                .map(|(date, rates)| (date, rates.unchecked()))
                .collect(),
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<ServiceData> for Service {
    type Error = String;

    fn try_from(data: ServiceData) -> Result<Service, String> {
        super::ids::check_code_echo("service", &data.code).map_err(|e| e.to_string())?;
        let service = data.unchecked();
        service.check_terms(service.rates.weekday.currency())?;
        Ok(service)
    }
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

    /// The service's own terms, its code apart: planned units zero or more with at most two
    /// decimals, rate changes in date order, every price positive and in `currency`.
    pub(super) fn check_terms(&self, currency: crate::money::Currency) -> Result<(), String> {
        if let Some(p) = self.planned_per_week {
            if p.is_sign_negative() || p.scale() > 2 {
                return Err(format!(
                    "service {}: planned units {p} must be zero or more, with at most two decimals",
                    self.code
                ));
            }
        }
        if self.changes.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(format!(
                "service {}: rate changes must be in date order",
                self.code
            ));
        }
        let all_rates = std::iter::once(&self.rates).chain(self.changes.iter().map(|c| &c.1));
        for rates in all_rates {
            rates
                .check(currency)
                .map_err(|reason| format!("service {}: {reason}", self.code))?;
        }
        Ok(())
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
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "serde", serde(try_from = "ManagementFeeData"))]
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

/// A [`ManagementFee`] as read from JSON: a percentage from 0 to 100 with at most four
/// decimals, or a positive fixed amount.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum ManagementFeeData {
    Percent(#[serde(deserialize_with = "crate::money::deserialize_canonical_decimal")] Decimal),
    FixedPerPeriod { amount: Money, frequency: Frequency },
}

#[cfg(feature = "serde")]
impl TryFrom<ManagementFeeData> for ManagementFee {
    type Error = String;

    fn try_from(data: ManagementFeeData) -> Result<ManagementFee, String> {
        let fee = data.unchecked();
        let currency = match fee {
            ManagementFee::FixedPerPeriod { amount, .. } => amount.currency(),
            ManagementFee::Percent(_) => crate::money::Currency::GBP,
        };
        fee.check(currency)?;
        Ok(fee)
    }
}

#[cfg(feature = "serde")]
impl ManagementFeeData {
    /// The fee, for [`ServiceAgreement::build`] to check with the agreement's context.
    pub(super) fn unchecked(self) -> ManagementFee {
        match self {
            ManagementFeeData::Percent(p) => ManagementFee::Percent(p),
            ManagementFeeData::FixedPerPeriod { amount, frequency } => {
                ManagementFee::FixedPerPeriod { amount, frequency }
            }
        }
    }
}

impl ManagementFee {
    /// A percentage is 0 to 100 with at most four decimals; a fixed amount is positive, in
    /// `currency`.
    pub(super) fn check(&self, currency: crate::money::Currency) -> Result<(), String> {
        match *self {
            ManagementFee::Percent(p)
                if p.is_sign_negative() || p > Decimal::ONE_HUNDRED || p.scale() > 4 =>
            {
                Err(format!(
                    "fee {p}% is not 0 to 100 with at most four decimals"
                ))
            }
            ManagementFee::FixedPerPeriod { amount, .. }
                if amount.currency() != currency || !amount.is_positive() =>
            {
                Err(format!(
                    "fixed fee {amount} must be positive, in {currency}"
                ))
            }
            _ => Ok(()),
        }
    }
}

/// Banking of unused planned units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "BankingData"))]
pub struct Banking {
    /// The most units of one service that may be banked at once.
    pub max_units: Decimal,
    /// Banked units expire this many weeks after the week they were banked for ends.
    pub expires_after_weeks: u32,
}

/// [`Banking`] as read from JSON: the limit is zero or more with at most two decimals.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BankingData {
    #[serde(deserialize_with = "crate::money::deserialize_canonical_decimal")]
    max_units: Decimal,
    expires_after_weeks: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<BankingData> for Banking {
    type Error = String;

    fn try_from(data: BankingData) -> Result<Banking, String> {
        let banking = data.unchecked();
        banking.check()?;
        Ok(banking)
    }
}

#[cfg(feature = "serde")]
impl BankingData {
    /// The terms, for [`ServiceAgreement::build`] to check with the agreement's context.
    pub(super) fn unchecked(self) -> Banking {
        Banking {
            max_units: self.max_units,
            expires_after_weeks: self.expires_after_weeks,
        }
    }
}

impl Banking {
    /// The limit is zero or more with at most two decimals.
    pub(super) fn check(&self) -> Result<(), String> {
        if self.max_units.is_sign_negative() || self.max_units.scale() > 2 {
            return Err(format!("banking limit {} is not valid", self.max_units));
        }
        Ok(())
    }
}

/// What a cancellation costs: with less than `notice_hours` notice, `charge_percent` of the
/// cancelled support's cost; otherwise nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "CancellationData"))]
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

/// A [`CancellationRule`] as read from JSON: the charge is 0 to 100 percent.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CancellationData {
    notice_hours: u32,
    #[serde(deserialize_with = "crate::money::deserialize_canonical_decimal")]
    charge_percent: Decimal,
}

#[cfg(feature = "serde")]
impl TryFrom<CancellationData> for CancellationRule {
    type Error = String;

    fn try_from(data: CancellationData) -> Result<CancellationRule, String> {
        let rule = data.unchecked();
        rule.check()?;
        Ok(rule)
    }
}

#[cfg(feature = "serde")]
impl CancellationData {
    /// The rule, for [`ServiceAgreement::build`] to check with the agreement's context.
    pub(super) fn unchecked(self) -> CancellationRule {
        CancellationRule {
            notice_hours: self.notice_hours,
            charge_percent: self.charge_percent,
        }
    }
}

impl CancellationRule {
    /// The charge is 0 to 100 percent.
    pub(super) fn check(&self) -> Result<(), String> {
        let c = self.charge_percent;
        if c.is_sign_negative() || c > Decimal::ONE_HUNDRED {
            return Err(format!("cancellation charge {c}% is not 0 to 100"));
        }
        Ok(())
    }
}
