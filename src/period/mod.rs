//! Dates and periods: [`Period`], [`Frequency`], [`Schedule`], [`FinancialYear`], and pro-rata
//! shares of money over days ([`pro_rata`], [`allocate_by_days`]).
//!
//! # Periods are half-open
//!
//! A [`Period`] is `[start, end)`: it contains its start and not its end, so consecutive periods
//! share a boundary date and never overlap, and a period's length is simply `end - start` in
//! days. [`Period::from_inclusive`] reads the "1 April 2024 – 31 March 2025" form found on
//! letters and support plans.
//!
//! # Schedules never drift
//!
//! [`Frequency::nth_start`] computes the n-th period start directly from the anchor date, never
//! by stepping from the previous start. A calendar-monthly schedule anchored on 31 January
//! therefore starts on 29 February (in a leap year), 31 March, 30 April, 31 May: a short month
//! clamps to its last day without pulling every later start back with it.
//!
//! # Pro-rata is exact and rounds once
//!
//! [`pro_rata`] takes `amount × days in the part / days in the whole` exactly and rounds once, with
//! an explicit [`Rounding`]. [`allocate_by_days`] splits an amount across periods in proportion to
//! their days, and the parts always sum exactly to the amount.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::money::{Money, MoneyError, Rounding};

/// The most periods (or period starts) that [`Schedule::periods_overlapping`] and
/// [`Schedule::starts_in`] return. A range needing more is refused with
/// [`PeriodError::TooManyPeriods`], so no input can make them run long or allocate without bound.
/// 100 000 weekly periods is over 1900 years.
pub const MAX_PERIODS: usize = 100_000;

/// Errors from periods, schedules, financial years and pro-rata calculations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeriodError {
    /// A period's start is not before its end, so it would contain no days.
    #[error("empty period: start {start} is not before end {end}")]
    EmptyPeriod {
        /// The start date given.
        start: NaiveDate,
        /// The end date given (exclusive).
        end: NaiveDate,
    },
    /// A date computation went outside the dates chrono can represent.
    #[error("date out of range: {what}")]
    DateOutOfRange {
        /// What was being computed, with its inputs.
        what: String,
    },
    /// A schedule query would return more than [`MAX_PERIODS`] periods.
    #[error("more than {limit} periods in {range}")]
    TooManyPeriods {
        /// The limit, [`MAX_PERIODS`].
        limit: usize,
        /// The range that was asked for.
        range: Period,
    },
    /// Text could not be read as a financial year (`"2024/25"`).
    #[error("invalid financial year {input:?}: {reason}")]
    InvalidFinancialYear {
        /// The start of the text at fault, at most 40 characters and `…`.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// Text could not be read as a period (`"2024-04-01..2025-04-01"`).
    #[error("cannot parse {input:?} as a period: {reason}")]
    Parse {
        /// The start of the text at fault, at most 40 characters and `…`.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
}

impl PeriodError {
    /// What kind of failure this is.
    pub fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            PeriodError::DateOutOfRange { .. } => K::Overflow,
            PeriodError::EmptyPeriod { .. }
            | PeriodError::TooManyPeriods { .. }
            | PeriodError::InvalidFinancialYear { .. }
            | PeriodError::Parse { .. } => K::InvalidInput,
        }
    }
}

pub(crate) fn out_of_range(what: String) -> PeriodError {
    PeriodError::DateOutOfRange { what }
}

/// A half-open run of days, `[start, end)`: it contains `start` and every day up to, but not
/// including, `end`. A period always contains at least one day.
///
/// Displays (and parses) as `2024-04-01..2025-04-01`. With the `serde` feature it serialises as
/// `{"start": "2024-04-01", "end": "2025-04-01"}`, and deserialising checks `start < end`.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::Period;
/// let year = Period::from_inclusive("2024-04-01".parse()?, "2025-03-31".parse()?)?;
/// assert_eq!(year.to_string(), "2024-04-01..2025-04-01");
/// assert_eq!(year.days(), 365);
/// assert!(year.contains("2025-03-31".parse()?));
/// assert!(!year.contains("2025-04-01".parse()?));
/// assert_eq!(year.last_day(), "2025-03-31".parse::<NaiveDate>()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PeriodFields"))]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
}

/// The unchecked shape of a serialised [`Period`]; [`TryFrom`] checks it.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodFields {
    start: NaiveDate,
    end: NaiveDate,
}

#[cfg(feature = "serde")]
impl TryFrom<PeriodFields> for Period {
    type Error = PeriodError;

    fn try_from(fields: PeriodFields) -> Result<Period, PeriodError> {
        Period::new(fields.start, fields.end)
    }
}

impl Period {
    /// The period `[start, end)`.
    ///
    /// # Errors
    ///
    /// [`PeriodError::EmptyPeriod`] naming both dates, if `start` is not before `end`.
    ///
    /// ```
    /// use isf_ledger::Period;
    /// let april = Period::new("2024-04-01".parse()?, "2024-05-01".parse()?)?;
    /// assert_eq!(april.days(), 30);
    /// let err = Period::new("2024-05-01".parse()?, "2024-04-01".parse()?).unwrap_err();
    /// assert_eq!(err.to_string(), "empty period: start 2024-05-01 is not before end 2024-04-01");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Period, PeriodError> {
        if start < end {
            Ok(Period { start, end })
        } else {
            Err(PeriodError::EmptyPeriod { start, end })
        }
    }

    /// The period from `first` to `last`, both included: "1 April 2024 – 31 March 2025".
    ///
    /// # Errors
    ///
    /// [`PeriodError::EmptyPeriod`] if `last` is before `first`, and
    /// [`PeriodError::DateOutOfRange`] if `last` is the last date chrono can represent.
    ///
    /// ```
    /// use isf_ledger::Period;
    /// let one_day = Period::from_inclusive("2024-04-01".parse()?, "2024-04-01".parse()?)?;
    /// assert_eq!(one_day.to_string(), "2024-04-01..2024-04-02");
    /// assert!(Period::from_inclusive("2024-04-02".parse()?, "2024-04-01".parse()?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_inclusive(first: NaiveDate, last: NaiveDate) -> Result<Period, PeriodError> {
        let end = last
            .succ_opt()
            .ok_or_else(|| out_of_range(format!("the day after {last}")))?;
        Period::new(first, end)
    }

    /// The first day of the period.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The day after the period (exclusive end).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The last day in the period: the day before [`Period::end`].
    pub fn last_day(&self) -> NaiveDate {
        // `start < end`, so the day before `end` exists; the fallback is never used.
        self.end.pred_opt().unwrap_or(self.start)
    }

    /// The number of days in the period, always at least 1.
    pub fn days(&self) -> i64 {
        self.end.signed_duration_since(self.start).num_days()
    }

    /// True if `date` is in the period: `start <= date < end`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// The days in both periods, or `None` if they share no day.
    ///
    /// ```
    /// use isf_ledger::Period;
    /// let a = Period::new("2024-04-01".parse()?, "2024-05-01".parse()?)?;
    /// let b = Period::new("2024-04-20".parse()?, "2024-06-01".parse()?)?;
    /// assert_eq!(a.intersect(&b).map(|p| p.to_string()).as_deref(), Some("2024-04-20..2024-05-01"));
    /// let c = Period::new("2024-05-01".parse()?, "2024-06-01".parse()?)?;
    /// assert_eq!(a.intersect(&c), None); // half-open: they only touch
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn intersect(&self, other: &Period) -> Option<Period> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(Period { start, end })
    }
}

/// `2024-04-01..2025-04-01`: start, two dots, exclusive end.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Reads what [`Display`](fmt::Display) writes: `2024-04-01..2025-04-01`.
impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Period, PeriodError> {
        let parse_err = |reason| PeriodError::Parse {
            input: crate::money::echo(s),
            reason,
        };
        let (start, end) = s
            .trim()
            .split_once("..")
            .ok_or_else(|| parse_err("expected START..END, such as 2024-04-01..2025-04-01"))?;
        let start: NaiveDate = start
            .parse()
            .map_err(|_| parse_err("the start is not a YYYY-MM-DD date"))?;
        let end: NaiveDate = end
            .parse()
            .map_err(|_| parse_err("the end is not a YYYY-MM-DD date"))?;
        Period::new(start, end)
    }
}

/// How often a [`Schedule`]'s periods start.
///
/// Displays (and serialises) in snake case: `weekly`, `four_weekly`, `calendar_monthly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Frequency {
    /// Every 7 days.
    Weekly,
    /// Every 14 days.
    Fortnightly,
    /// Every 28 days (13 periods in a little under a year).
    FourWeekly,
    /// The same day each calendar month, clamped to the month's last day.
    CalendarMonthly,
    /// Every three calendar months, clamped like [`Frequency::CalendarMonthly`].
    Quarterly,
    /// The same day each year; 29 February falls back to 28 February in other years.
    Annual,
}

enum Step {
    Days(u64),
    Months(u32),
}

impl Frequency {
    fn step(self) -> Step {
        match self {
            Frequency::Weekly => Step::Days(7),
            Frequency::Fortnightly => Step::Days(14),
            Frequency::FourWeekly => Step::Days(28),
            Frequency::CalendarMonthly => Step::Months(1),
            Frequency::Quarterly => Step::Months(3),
            Frequency::Annual => Step::Months(12),
        }
    }

    /// The start of period `n` (counting from 0) of a schedule anchored on `anchor`.
    ///
    /// It is computed directly from the anchor, never by stepping from the previous start, so
    /// month-end anchors do not drift: monthly from 31 January 2024 gives 29 February, 31 March,
    /// 30 April. Starts are strictly increasing in `n`.
    ///
    /// # Errors
    ///
    /// [`PeriodError::DateOutOfRange`] if the date is beyond what chrono can represent.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::Frequency;
    /// let anchor: NaiveDate = "2024-01-31".parse()?;
    /// let monthly = Frequency::CalendarMonthly;
    /// assert_eq!(monthly.nth_start(anchor, 1)?, "2024-02-29".parse::<NaiveDate>()?);
    /// assert_eq!(monthly.nth_start(anchor, 2)?, "2024-03-31".parse::<NaiveDate>()?);
    /// assert_eq!(monthly.nth_start(anchor, 3)?, "2024-04-30".parse::<NaiveDate>()?);
    /// assert_eq!(Frequency::Weekly.nth_start(anchor, 2)?, "2024-02-14".parse::<NaiveDate>()?);
    /// assert!(monthly.nth_start(NaiveDate::MAX, 1).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nth_start(self, anchor: NaiveDate, n: u32) -> Result<NaiveDate, PeriodError> {
        let date = match self.step() {
            Step::Days(days) => anchor.checked_add_days(Days::new(days * u64::from(n))),
            Step::Months(months) => months
                .checked_mul(n)
                .and_then(|total| anchor.checked_add_months(Months::new(total))),
        };
        date.ok_or_else(|| out_of_range(format!("start {n} of a {self} schedule from {anchor}")))
    }

    /// The nominal number of periods in a year (52, 26, 13, 12, 4, 1), for documentation and
    /// display. Not for arithmetic: a year holds 52 or 53 weekly period starts, and 13 or 14
    /// four-weekly ones.
    pub fn periods_per_year_nominal(self) -> u32 {
        match self {
            Frequency::Weekly => 52,
            Frequency::Fortnightly => 26,
            Frequency::FourWeekly => 13,
            Frequency::CalendarMonthly => 12,
            Frequency::Quarterly => 4,
            Frequency::Annual => 1,
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Frequency::Weekly => "weekly",
            Frequency::Fortnightly => "fortnightly",
            Frequency::FourWeekly => "four_weekly",
            Frequency::CalendarMonthly => "calendar_monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Annual => "annual",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"weekly"`, `"annual"`.
impl std::str::FromStr for Frequency {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<Frequency, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "frequency",
            &[
                Frequency::Weekly,
                Frequency::Fortnightly,
                Frequency::FourWeekly,
                Frequency::CalendarMonthly,
                Frequency::Quarterly,
                Frequency::Annual,
            ],
            s,
        )
    }
}

/// A run of back-to-back periods of one [`Frequency`], the first starting on the anchor date.
///
/// Period `n` is `[nth_start(n), nth_start(n + 1))`; the periods tile the time line from the
/// anchor onwards. Nothing before the anchor is part of the schedule.
///
/// ```
/// use isf_ledger::{Frequency, Period, Schedule};
/// let payments = Schedule::new("2024-01-31".parse()?, Frequency::CalendarMonthly);
/// assert_eq!(payments.period(1)?.to_string(), "2024-02-29..2024-03-31");
/// let spring: Period = "2024-03-01..2024-05-01".parse()?;
/// let periods = payments.periods_overlapping(spring)?;
/// let shown: Vec<String> = periods.iter().map(|p| p.to_string()).collect();
/// assert_eq!(shown, [
///     "2024-02-29..2024-03-31",
///     "2024-03-31..2024-04-30",
///     "2024-04-30..2024-05-31",
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Schedule {
    anchor: NaiveDate,
    frequency: Frequency,
}

impl Schedule {
    /// A schedule whose first period starts on `anchor`.
    pub fn new(anchor: NaiveDate, frequency: Frequency) -> Schedule {
        Schedule { anchor, frequency }
    }

    /// The start of the first period.
    pub fn anchor(&self) -> NaiveDate {
        self.anchor
    }

    /// How often periods start.
    pub fn frequency(&self) -> Frequency {
        self.frequency
    }

    /// Period `n`, counting from 0: `[nth_start(n), nth_start(n + 1))`.
    ///
    /// # Errors
    ///
    /// [`PeriodError::DateOutOfRange`] if either boundary is beyond what chrono can represent.
    ///
    /// ```
    /// use isf_ledger::{Frequency, Schedule};
    /// let weekly = Schedule::new("2024-04-01".parse()?, Frequency::Weekly);
    /// assert_eq!(weekly.period(0)?.to_string(), "2024-04-01..2024-04-08");
    /// assert!(weekly.period(u32::MAX).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn period(&self, n: u32) -> Result<Period, PeriodError> {
        let start = self.start(n)?;
        let next = n.checked_add(1).ok_or_else(|| {
            out_of_range(format!(
                "period {n} of a {} schedule from {}",
                self.frequency, self.anchor
            ))
        })?;
        let end = self.start(next)?;
        // Starts are strictly increasing, so this never fails; it is checked all the same.
        Period::new(start, end)
    }

    /// Every period of the schedule that shares at least one day with `range`, in order and
    /// not clipped to it. The first may start before `range`; periods before the anchor do not
    /// exist, so if `range` starts before the anchor the first period is period 0.
    ///
    /// # Errors
    ///
    /// [`PeriodError::TooManyPeriods`] if more than [`MAX_PERIODS`] periods overlap, and
    /// [`PeriodError::DateOutOfRange`] if an overlapping period ends beyond what chrono can
    /// represent.
    ///
    /// ```
    /// use isf_ledger::{Frequency, PeriodError, Schedule};
    /// let weekly = Schedule::new("2024-04-01".parse()?, Frequency::Weekly);
    /// let found = weekly.periods_overlapping("2024-04-10..2024-04-16".parse()?)?;
    /// assert_eq!(found.len(), 2);
    /// assert_eq!(found[0].to_string(), "2024-04-08..2024-04-15");
    /// // Thousands of years of weeks is refused, not computed.
    /// let err = weekly.periods_overlapping("2024-04-01..5000-01-01".parse()?).unwrap_err();
    /// assert!(matches!(err, PeriodError::TooManyPeriods { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn periods_overlapping(&self, range: Period) -> Result<Vec<Period>, PeriodError> {
        // The first period ending after the range starts: the smallest n whose next start is
        // after `range.start` (or beyond representable dates).
        let first = first_index(|n| match n.checked_add(1) {
            Some(next) => self.is_after(next, range.start),
            None => true,
        });
        let mut periods = Vec::new();
        for n in index_range(first) {
            // Every period from `first` on ends after the range starts, so it overlaps the range
            // exactly when it starts before the range ends.
            let Ok(start) = self.start(n) else {
                break; // beyond representable dates, so beyond the range
            };
            if start >= range.end {
                break;
            }
            if periods.len() >= MAX_PERIODS {
                return Err(PeriodError::TooManyPeriods {
                    limit: MAX_PERIODS,
                    range,
                });
            }
            periods.push(self.period(n)?);
        }
        Ok(periods)
    }

    /// The schedule's period starts that fall in `range`, in order.
    ///
    /// # Errors
    ///
    /// [`PeriodError::TooManyPeriods`] if there are more than [`MAX_PERIODS`].
    ///
    /// ```
    /// use isf_ledger::{Frequency, Schedule};
    /// let fortnightly = Schedule::new("2024-04-01".parse()?, Frequency::Fortnightly);
    /// let starts = fortnightly.starts_in("2024-04-01..2024-05-01".parse()?)?;
    /// let shown: Vec<String> = starts.iter().map(|d| d.to_string()).collect();
    /// assert_eq!(shown, ["2024-04-01", "2024-04-15", "2024-04-29"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn starts_in(&self, range: Period) -> Result<Vec<NaiveDate>, PeriodError> {
        // The smallest n whose start is on or after the range's start.
        let first = first_index(|n| match self.start(n) {
            Ok(start) => start >= range.start,
            Err(_) => true,
        });
        let mut starts = Vec::new();
        for n in index_range(first) {
            let Ok(start) = self.start(n) else {
                break; // beyond representable dates, so beyond the range
            };
            if start >= range.end {
                break;
            }
            if starts.len() >= MAX_PERIODS {
                return Err(PeriodError::TooManyPeriods {
                    limit: MAX_PERIODS,
                    range,
                });
            }
            starts.push(start);
        }
        Ok(starts)
    }

    fn start(&self, n: u32) -> Result<NaiveDate, PeriodError> {
        self.frequency.nth_start(self.anchor, n)
    }

    /// True if start `n` is after `date`; a start beyond representable dates is after every date.
    fn is_after(&self, n: u32, date: NaiveDate) -> bool {
        self.start(n).map_or(true, |start| start > date)
    }
}

/// The smallest `n` in `0..=u32::MAX` for which `pred` holds, or `u32::MAX + 1` if none does.
/// `pred` must be monotone (false for a prefix, true after): a binary search, so at most 33
/// evaluations whatever the distance between anchor and range.
fn first_index(pred: impl Fn(u32) -> bool) -> u64 {
    let (mut low, mut high) = (0u64, 1u64 << 32);
    while low < high {
        let mid = low + (high - low) / 2;
        if u32::try_from(mid).map_or(true, &pred) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

/// The indexes from `first` up to `u32::MAX` (none if `first` is past it).
fn index_range(first: u64) -> impl Iterator<Item = u32> {
    (first..=u64::from(u32::MAX)).map_while(|n| u32::try_from(n).ok())
}

/// `amount × days(part ∩ whole) / days(whole)`, computed exactly and rounded once to the minor
/// unit with `rounding`. A part that shares no day with the whole gives zero; the whole gives
/// the amount (rounded).
///
/// # Errors
///
/// [`MoneyError::Overflow`] if the product does not fit.
///
/// ```
/// use isf_ledger::{pro_rata, FinancialYear, Money, Period, Rounding};
/// let weekly: Money = "48.00 GBP".parse()?;
/// let week: Period = "2024-04-01..2024-04-08".parse()?;
/// let three_days: Period = "2024-04-05..2024-04-08".parse()?;
/// assert_eq!(pro_rata(weekly, three_days, week, Rounding::HalfUp)?.to_string(), "20.57 GBP");
///
/// let year = FinancialYear::starting(2024)?.period();
/// let april: Period = "2024-04-01..2024-05-01".parse()?;
/// let annual: Money = "1000.00 GBP".parse()?;
/// assert_eq!(pro_rata(annual, april, year, Rounding::HalfUp)?.to_string(), "82.19 GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pro_rata(
    amount: Money,
    part: Period,
    whole: Period,
    rounding: Rounding,
) -> Result<Money, MoneyError> {
    let overlap = part.intersect(&whole).map_or(0, |p| p.days());
    amount.checked_mul_ratio(overlap, whole.days(), rounding)
}

/// Splits an exact amount across `parts` in proportion to their days. The results sum exactly
/// to `amount` and each is within one minor unit of its exact share (the rule of
/// [`Money::allocate_by_weights`]). Parts may overlap or leave gaps: only their lengths count.
///
/// # Errors
///
/// [`MoneyError::InvalidAllocation`] if `parts` is empty,
/// [`MoneyError::TooManyDecimals`] if `amount` is not exact in minor units, or
/// [`MoneyError::Overflow`].
///
/// ```
/// use isf_ledger::{allocate_by_days, Money, Period};
/// let quarter: Money = "1000.00 GBP".parse()?;
/// let months: Vec<Period> = ["2024-04-01..2024-05-01", "2024-05-01..2024-06-01", "2024-06-01..2024-07-01"]
///     .iter()
///     .map(|s| s.parse())
///     .collect::<Result<_, _>>()?;
/// let split = allocate_by_days(quarter, &months)?;
/// let shown: Vec<String> = split.iter().map(|m| m.to_string()).collect();
/// assert_eq!(shown, ["329.67 GBP", "340.66 GBP", "329.67 GBP"]);
/// assert!(allocate_by_days(quarter, &[]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn allocate_by_days(amount: Money, parts: &[Period]) -> Result<Vec<Money>, MoneyError> {
    // Every period has at least one day, so the conversion cannot lose anything.
    let weights: Vec<u64> = parts.iter().map(|p| p.days().unsigned_abs()).collect();
    amount.allocate_by_weights(&weights)
}

/// The number of days in `period` that fall on `weekday`, by arithmetic rather than by
/// visiting each day.
///
/// ```
/// use chrono::Weekday;
/// use isf_ledger::{count_weekday, Period};
/// let april: Period = "2024-04-01..2024-05-01".parse()?;
/// assert_eq!(count_weekday(april, Weekday::Mon), 5);
/// assert_eq!(count_weekday(april, Weekday::Sun), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn count_weekday(period: Period, weekday: Weekday) -> i64 {
    let first = i64::from(period.start.weekday().num_days_from_monday());
    let wanted = i64::from(weekday.num_days_from_monday());
    // Days from the start to the first `weekday` on or after it (0 to 6).
    let offset = (wanted - first).rem_euclid(7);
    let days = period.days();
    if offset >= days {
        0
    } else {
        (days - offset - 1) / 7 + 1
    }
}

/// A UK financial year: 1 April to 31 March, written `2024/25`.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::FinancialYear;
/// let year: FinancialYear = "2024/25".parse()?;
/// assert_eq!(year.period().to_string(), "2024-04-01..2025-04-01");
/// assert_eq!(FinancialYear::containing("2025-03-31".parse()?)?, year);
/// assert_eq!(year.mondays(), 53);
/// assert_eq!(FinancialYear::starting(2025)?.first_monday(), "2025-04-07".parse::<NaiveDate>()?);
/// assert!("2024/26".parse::<FinancialYear>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FinancialYear {
    start_year: i32,
}

fn april_first(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 4, 1)
}

impl FinancialYear {
    /// The financial year starting on 1 April of `year`.
    ///
    /// # Errors
    ///
    /// [`PeriodError::DateOutOfRange`] if 1 April of `year` or of the year after is beyond what
    /// chrono can represent.
    ///
    /// ```
    /// use isf_ledger::FinancialYear;
    /// assert_eq!(FinancialYear::starting(2024)?.to_string(), "2024/25");
    /// assert!(FinancialYear::starting(i32::MAX).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn starting(year: i32) -> Result<FinancialYear, PeriodError> {
        let next = year.checked_add(1);
        match (april_first(year), next.and_then(april_first)) {
            (Some(_), Some(_)) => Ok(FinancialYear { start_year: year }),
            _ => Err(out_of_range(format!("financial year starting in {year}"))),
        }
    }

    /// The financial year that `date` falls in.
    ///
    /// # Errors
    ///
    /// [`PeriodError::DateOutOfRange`] if that year's start or end is beyond what chrono can
    /// represent (only near [`NaiveDate::MIN`] and [`NaiveDate::MAX`]).
    ///
    /// ```
    /// use isf_ledger::FinancialYear;
    /// assert_eq!(FinancialYear::containing("2025-03-31".parse()?)?.start_year(), 2024);
    /// assert_eq!(FinancialYear::containing("2025-04-01".parse()?)?.start_year(), 2025);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn containing(date: NaiveDate) -> Result<FinancialYear, PeriodError> {
        let year = date.year();
        if date.month() >= 4 {
            FinancialYear::starting(year)
        } else {
            let previous = year
                .checked_sub(1)
                .ok_or_else(|| out_of_range(format!("financial year containing {date}")))?;
            FinancialYear::starting(previous)
        }
    }

    /// The calendar year it starts in (2024 for 2024/25).
    pub fn start_year(&self) -> i32 {
        self.start_year
    }

    /// 1 April to the next 1 April (exclusive): 365 or 366 days.
    pub fn period(&self) -> Period {
        // `starting` checked both dates exist, so the fallbacks are never used.
        let start = april_first(self.start_year).unwrap_or(NaiveDate::MIN);
        let end = april_first(self.start_year.saturating_add(1)).unwrap_or(NaiveDate::MAX);
        Period { start, end }
    }

    /// The number of Mondays in the year: 53 in 2024/25 (1 April 2024 and 31 March 2025 are
    /// both Mondays), 52 in most years. Weekly payments made on Mondays come 53 times in such a
    /// year.
    pub fn mondays(&self) -> i64 {
        count_weekday(self.period(), Weekday::Mon)
    }

    /// The first Monday on or after 1 April, where councils often move rate changes to.
    pub fn first_monday(&self) -> NaiveDate {
        let start = self.period().start;
        // At most six days after 1 April, well inside the year; the fallback is never used.
        NaiveDate::from_weekday_of_month_opt(self.start_year, 4, Weekday::Mon, 1).unwrap_or(start)
    }
}

/// `2024/25`: the start year, a slash, the last two digits of the end year.
impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = (i64::from(self.start_year) + 1).rem_euclid(100);
        write!(f, "{}/{:02}", self.start_year, end)
    }
}

/// Reads `2024/25`. The two digits after the slash must be the year after the start year, so
/// `2024/26` is refused.
impl FromStr for FinancialYear {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<FinancialYear, PeriodError> {
        let invalid = |reason| PeriodError::InvalidFinancialYear {
            input: crate::money::echo(s),
            reason,
        };
        let (start, end) = s
            .trim()
            .split_once('/')
            .ok_or_else(|| invalid("expected YYYY/YY, such as 2024/25"))?;
        let start_year: i32 = start
            .parse()
            .map_err(|_| invalid("the start year is not a number"))?;
        if end.len() != 2 || !end.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("expected two digits after the slash"));
        }
        let end: i64 = end
            .parse()
            .map_err(|_| invalid("expected two digits after the slash"))?;
        if end != (i64::from(start_year) + 1).rem_euclid(100) {
            return Err(invalid("the second year must follow the first"));
        }
        FinancialYear::starting(start_year)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for FinancialYear {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for FinancialYear {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;

crate::error::error_detail! {
    /// The detail, if this is a period, schedule or financial-year error.
    "Period": period -> PeriodError
}
