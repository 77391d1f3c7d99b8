//! Payment schedules: when each period is paid, and the 53-Monday policy.

use std::fmt;

use chrono::NaiveDate;

use super::DeployError;
use crate::money::Money;
use crate::period::{FinancialYear, Frequency, Period, PeriodError, Schedule};

/// When a period is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Timing {
    /// On or after its first day (the usual way).
    #[default]
    InAdvance,
    /// On or after the day after its last day.
    InArrears,
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timing::InAdvance => "in_advance",
            Timing::InArrears => "in_arrears",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"in_advance"`, `"in_arrears"`.
impl std::str::FromStr for Timing {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<Timing, crate::error::ParseEnumError> {
        crate::error::parse_enum("timing", &[Timing::InAdvance, Timing::InArrears], s)
    }
}

/// What to do with the extra period of a financial year with 53 Mondays. See the
/// [crate docs](crate#payment-plans).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Week53Policy {
    /// Pay every period for its days (the default).
    #[default]
    PayEveryPeriod,
    /// Do not pay a week-based period that starts on or after the 365th day of its financial
    /// year.
    SkipExtraPeriod,
}

impl fmt::Display for Week53Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Week53Policy::PayEveryPeriod => "pay_every_period",
            Week53Policy::SkipExtraPeriod => "skip_extra_period",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"pay_every_period"`, `"skip_extra_period"`.
impl std::str::FromStr for Week53Policy {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<Week53Policy, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "week 53 policy",
            &[Week53Policy::PayEveryPeriod, Week53Policy::SkipExtraPeriod],
            s,
        )
    }
}

/// When payments are made: a frequency from an anchor date, in advance or in arrears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PaymentSchedule {
    /// How often.
    pub frequency: Frequency,
    /// The first day of one period (periods before it are not scheduled).
    pub anchor: NaiveDate,
    /// In advance or in arrears.
    pub timing: Timing,
    /// The 53-Monday policy.
    pub week53: Week53Policy,
}

impl PaymentSchedule {
    /// A schedule paid in advance, every period paid.
    pub fn new(frequency: Frequency, anchor: NaiveDate) -> PaymentSchedule {
        PaymentSchedule {
            frequency,
            anchor,
            timing: Timing::InAdvance,
            week53: Week53Policy::PayEveryPeriod,
        }
    }

    /// Pays in arrears.
    #[must_use]
    pub fn in_arrears(mut self) -> PaymentSchedule {
        self.timing = Timing::InArrears;
        self
    }

    /// Sets the 53-Monday policy.
    #[must_use]
    pub fn week53(mut self, policy: Week53Policy) -> PaymentSchedule {
        self.week53 = policy;
        self
    }

    fn is_week_based(&self) -> bool {
        matches!(
            self.frequency,
            Frequency::Weekly | Frequency::Fortnightly | Frequency::FourWeekly
        )
    }

    fn skips(&self, period: &Period) -> Result<bool, PeriodError> {
        if self.week53 != Week53Policy::SkipExtraPeriod || !self.is_week_based() {
            return Ok(false);
        }
        let fy = FinancialYear::containing(period.start())?;
        Ok((period.start() - fy.period().start()).num_days() >= 364)
    }

    /// The periods paid within `range`, clipped to it, in order.
    ///
    /// # Errors
    ///
    /// [`PeriodError`] for a range too far from the anchor or out of range.
    pub fn periods(&self, range: Period) -> Result<Vec<Period>, PeriodError> {
        let schedule = Schedule::new(self.anchor, self.frequency);
        let mut out = Vec::new();
        for p in schedule.periods_overlapping(range)? {
            if self.skips(&p)? {
                continue;
            }
            if let Some(clipped) = p.intersect(&range) {
                out.push(clipped);
            }
        }
        Ok(out)
    }

    pub(super) fn due_on(&self, period: &Period) -> NaiveDate {
        match self.timing {
            Timing::InAdvance => period.start(),
            Timing::InArrears => period.end(),
        }
    }

    /// Splits `total` across the periods paid within `range` exactly, in proportion to their
    /// days: full periods of a week-based schedule get identical amounts (to the penny, the
    /// earliest periods taking any leftover pennies), part periods pro-rata by days.
    ///
    /// # Errors
    ///
    /// [`DeployError`] if the total is not exact in minor units or the range is out of reach;
    /// [`DeployError::NoPeriodPaid`] if a non-zero total meets a range in which no period is
    /// paid (every period in it skipped by [`Week53Policy::SkipExtraPeriod`]).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::{Frequency, PaymentSchedule, Period};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // A 52-week year paid four-weekly: thirteen identical payments.
    /// let schedule = PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7));
    /// let year = Period::new(d(2025, 4, 7), d(2026, 4, 6))?;
    /// let payments = schedule.split(year, "15600.00 GBP".parse()?)?;
    /// assert_eq!(payments.len(), 13);
    /// assert!(payments.iter().all(|(_, m)| m.to_string() == "1200.00 GBP"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn split(
        &self,
        range: Period,
        total: Money,
    ) -> Result<Vec<(Period, Money)>, crate::error::Error> {
        let periods = self.periods(range)?;
        if periods.is_empty() {
            return if total.is_zero() {
                Ok(Vec::new())
            } else {
                Err(DeployError::NoPeriodPaid { range, total }.into())
            };
        }
        let parts = crate::period::allocate_by_days(total, &periods)?;
        Ok(periods.into_iter().zip(parts).collect())
    }
}
