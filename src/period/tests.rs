//! Unit tests of `period`.

use super::*;
use crate::money::Currency;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn period(s: &str) -> Period {
    s.parse().unwrap()
}

fn gbp(s: &str) -> Money {
    s.parse::<Money>().unwrap()
}

#[test]
fn empty_period_is_refused_naming_both_dates() {
    let err = Period::new(date("2024-04-01"), date("2024-04-01")).unwrap_err();
    assert_eq!(
        err,
        PeriodError::EmptyPeriod {
            start: date("2024-04-01"),
            end: date("2024-04-01")
        }
    );
    assert!(err.to_string().contains("2024-04-01"), "{err}");
    assert!(Period::new(date("2024-04-02"), date("2024-04-01")).is_err());
    assert!(matches!(
        Period::from_inclusive(date("2024-04-02"), date("2024-04-01")),
        Err(PeriodError::EmptyPeriod { .. })
    ));
}

#[test]
fn period_accessors() {
    let year = Period::from_inclusive(date("2024-04-01"), date("2025-03-31")).unwrap();
    assert_eq!(year.start(), date("2024-04-01"));
    assert_eq!(year.end(), date("2025-04-01"));
    assert_eq!(year.last_day(), date("2025-03-31"));
    assert_eq!(year.days(), 365);
    assert!(year.contains(date("2024-04-01")));
    assert!(!year.contains(date("2024-03-31")));
    assert!(!year.contains(date("2025-04-01")));
    let leap = period("2024-01-01..2025-01-01");
    assert_eq!(leap.days(), 366);
    assert_eq!(
        year.intersect(&leap),
        Some(period("2024-04-01..2025-01-01"))
    );
    assert_eq!(leap.intersect(&period("2025-01-01..2025-02-01")), None);
    let whole = Period::new(NaiveDate::MIN, NaiveDate::MAX).unwrap();
    assert!(whole.days() > 0);
    assert_eq!(whole.last_day(), NaiveDate::MAX.pred_opt().unwrap());
}

#[test]
fn period_text_round_trips_and_errors_name_the_input() {
    let p = period("2024-04-01..2025-04-01");
    assert_eq!(p.to_string(), "2024-04-01..2025-04-01");
    assert_eq!(p.to_string().parse::<Period>().unwrap(), p);
    for bad in [
        "2024-04-01",
        "2024-04-01..",
        "x..2025-04-01",
        "2024-04-01..2025-13-01",
    ] {
        let err = bad.parse::<Period>().unwrap_err();
        assert!(matches!(err, PeriodError::Parse { .. }), "{bad}: {err}");
        assert!(err.to_string().contains(bad), "{err}");
    }
    assert!(matches!(
        "2025-04-01..2024-04-01".parse::<Period>(),
        Err(PeriodError::EmptyPeriod { .. })
    ));
}

#[test]
fn from_inclusive_at_the_end_of_time_is_out_of_range() {
    let err = Period::from_inclusive(date("2024-01-01"), NaiveDate::MAX).unwrap_err();
    assert!(matches!(err, PeriodError::DateOutOfRange { .. }), "{err}");
    assert!(err.to_string().starts_with("date out of range: "), "{err}");
}

#[test]
fn month_end_anchor_does_not_drift() {
    let anchor = date("2024-01-31");
    let starts: Vec<NaiveDate> = (0..13)
        .map(|n| Frequency::CalendarMonthly.nth_start(anchor, n).unwrap())
        .collect();
    let expected = [
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
        "2024-04-30",
        "2024-05-31",
        "2024-06-30",
        "2024-07-31",
        "2024-08-31",
        "2024-09-30",
        "2024-10-31",
        "2024-11-30",
        "2024-12-31",
        "2025-01-31",
    ];
    assert_eq!(starts, expected.map(date));
    assert_eq!(
        Frequency::CalendarMonthly.nth_start(anchor, 13).unwrap(),
        date("2025-02-28")
    );
    assert_eq!(
        Frequency::Quarterly
            .nth_start(date("2023-11-30"), 1)
            .unwrap(),
        date("2024-02-29")
    );
    assert_eq!(
        Frequency::Annual.nth_start(date("2024-02-29"), 1).unwrap(),
        date("2025-02-28")
    );
    assert_eq!(
        Frequency::Annual.nth_start(date("2024-02-29"), 4).unwrap(),
        date("2028-02-29")
    );
    assert_eq!(
        Frequency::FourWeekly.nth_start(anchor, 1).unwrap(),
        date("2024-02-28")
    );
    assert_eq!(
        Frequency::Fortnightly.nth_start(anchor, 1).unwrap(),
        date("2024-02-14")
    );
}

#[test]
fn nth_start_overflow_is_a_typed_error() {
    for frequency in [
        Frequency::Weekly,
        Frequency::Fortnightly,
        Frequency::FourWeekly,
        Frequency::CalendarMonthly,
        Frequency::Quarterly,
        Frequency::Annual,
    ] {
        assert_eq!(
            frequency.nth_start(NaiveDate::MAX, 0).unwrap(),
            NaiveDate::MAX
        );
        let err = frequency.nth_start(NaiveDate::MAX, 1).unwrap_err();
        assert!(matches!(err, PeriodError::DateOutOfRange { .. }), "{err}");
        assert!(err.to_string().contains(&frequency.to_string()), "{err}");
        assert!(frequency.nth_start(NaiveDate::MIN, u32::MAX).is_err());
        let schedule = Schedule::new(NaiveDate::MIN, frequency);
        assert!(schedule.period(u32::MAX).is_err());
        assert!(Schedule::new(NaiveDate::MAX, frequency).period(0).is_err());
    }
    assert_eq!(Frequency::Weekly.periods_per_year_nominal(), 52);
    assert_eq!(Frequency::FourWeekly.periods_per_year_nominal(), 13);
    assert_eq!(Frequency::Annual.periods_per_year_nominal(), 1);
}

#[test]
fn periods_overlapping_examples() {
    let weekly = Schedule::new(date("2024-04-01"), Frequency::Weekly);
    assert_eq!(weekly.anchor(), date("2024-04-01"));
    assert_eq!(weekly.frequency(), Frequency::Weekly);
    // Entirely before the anchor: nothing.
    assert!(
        weekly
            .periods_overlapping(period("2024-01-01..2024-04-01"))
            .unwrap()
            .is_empty()
    );
    // Straddling the anchor: starts at period 0.
    let found = weekly
        .periods_overlapping(period("2024-03-01..2024-04-02"))
        .unwrap();
    assert_eq!(found, vec![period("2024-04-01..2024-04-08")]);
    // A range inside one period.
    let found = weekly
        .periods_overlapping(period("2024-04-10..2024-04-11"))
        .unwrap();
    assert_eq!(found, vec![period("2024-04-08..2024-04-15")]);
    // Ending exactly on a boundary does not pull in the next period.
    let found = weekly
        .periods_overlapping(period("2024-04-08..2024-04-22"))
        .unwrap();
    assert_eq!(
        found,
        vec![
            period("2024-04-08..2024-04-15"),
            period("2024-04-15..2024-04-22")
        ]
    );
    // Far from the anchor: found by search, not by walking.
    let found = weekly
        .periods_overlapping(period("9999-01-01..9999-01-02"))
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].contains(date("9999-01-01")));
}

#[test]
fn starts_in_examples() {
    let monthly = Schedule::new(date("2024-01-31"), Frequency::CalendarMonthly);
    let starts = monthly.starts_in(period("2024-02-01..2024-05-01")).unwrap();
    assert_eq!(
        starts,
        vec![date("2024-02-29"), date("2024-03-31"), date("2024-04-30")]
    );
    assert!(
        monthly
            .starts_in(period("2023-01-01..2024-01-31"))
            .unwrap()
            .is_empty()
    );
    let range = Period::new(date("2024-01-01"), NaiveDate::MAX).unwrap();
    let err = Schedule::new(date("2024-01-01"), Frequency::Annual)
        .starts_in(range)
        .unwrap_err();
    assert!(matches!(err, PeriodError::TooManyPeriods { .. }));
    let far = NaiveDate::from_ymd_opt(200_000, 1, 1).unwrap();
    let near_the_end = Schedule::new(far, Frequency::Annual);
    let range = Period::new(far, NaiveDate::MAX).unwrap();
    let starts = near_the_end.starts_in(range).unwrap();
    assert_eq!(
        starts.len(),
        usize::try_from(NaiveDate::MAX.year() - 200_000 + 1).unwrap()
    );
    assert_eq!(
        starts.last().map(Datelike::year),
        Some(NaiveDate::MAX.year())
    );
}

#[test]
fn too_many_periods_is_refused_quickly() {
    let weekly = Schedule::new(date("1000-01-01"), Frequency::Weekly);
    let range = period("1000-01-01..4000-01-01");
    let err = weekly.periods_overlapping(range).unwrap_err();
    assert_eq!(
        err,
        PeriodError::TooManyPeriods {
            limit: MAX_PERIODS,
            range
        }
    );
    assert_eq!(
        err.to_string(),
        "more than 100000 periods in 1000-01-01..4000-01-01"
    );
    assert!(weekly.starts_in(range).is_err());
    // Exactly the limit is allowed.
    let range = Period::new(
        date("1000-01-01"),
        Frequency::Weekly
            .nth_start(date("1000-01-01"), MAX_PERIODS as u32)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        weekly.periods_overlapping(range).unwrap().len(),
        MAX_PERIODS
    );
    assert_eq!(weekly.starts_in(range).unwrap().len(), MAX_PERIODS);
}

#[test]
fn periods_reaching_the_end_of_time_are_out_of_range() {
    let anchor = NaiveDate::from_ymd_opt(262_000, 6, 1).unwrap();
    let annual = Schedule::new(anchor, Frequency::Annual);
    let range = Period::new(anchor, NaiveDate::MAX).unwrap();
    // The last overlapping period would end after NaiveDate::MAX.
    let err = annual.periods_overlapping(range).unwrap_err();
    assert!(matches!(err, PeriodError::DateOutOfRange { .. }), "{err}");
    // Its starts are all representable, so they can still be listed.
    assert_eq!(annual.starts_in(range).unwrap().len(), 143);
    let last_week = Schedule::new(NaiveDate::MAX.pred_opt().unwrap(), Frequency::Weekly);
    let range = Period::new(NaiveDate::MIN, NaiveDate::MAX).unwrap();
    assert!(last_week.periods_overlapping(range).is_err());
    assert_eq!(last_week.starts_in(range).unwrap().len(), 1);
}

#[test]
fn pro_rata_examples() {
    let week = period("2024-04-01..2024-04-08");
    let weekly = gbp("48.00 GBP");
    assert_eq!(
        pro_rata(
            weekly,
            period("2024-04-05..2024-04-08"),
            week,
            Rounding::HalfUp
        )
        .unwrap(),
        gbp("20.57 GBP")
    );
    assert_eq!(
        pro_rata(weekly, week, week, Rounding::HalfUp).unwrap(),
        weekly
    );
    // A part larger than the whole is clipped to it.
    assert_eq!(
        pro_rata(
            weekly,
            period("2024-01-01..2025-01-01"),
            week,
            Rounding::HalfUp
        )
        .unwrap(),
        weekly
    );
    let none = pro_rata(
        weekly,
        period("2024-04-08..2024-04-09"),
        week,
        Rounding::HalfUp,
    )
    .unwrap();
    assert!(none.is_zero());
    assert_eq!(none.currency(), Currency::GBP);
    // Half a penny: the rounding is the caller's choice.
    let two_days = period("2024-04-01..2024-04-03");
    let one_day = period("2024-04-01..2024-04-02");
    let penny = gbp("0.01 GBP");
    assert_eq!(
        pro_rata(penny, one_day, two_days, Rounding::HalfUp).unwrap(),
        gbp("0.01 GBP")
    );
    assert_eq!(
        pro_rata(penny, one_day, two_days, Rounding::HalfEven).unwrap(),
        gbp("0.00 GBP")
    );
}

#[test]
fn pro_rata_overflow_is_a_money_error() {
    let huge = Money::new(rust_decimal::Decimal::MAX, Currency::GBP);
    let whole = period("2024-01-01..2025-01-01");
    let err = pro_rata(
        huge,
        period("2024-01-01..2024-03-01"),
        whole,
        Rounding::HalfUp,
    )
    .unwrap_err();
    assert!(matches!(err, MoneyError::Overflow { .. }), "{err}");
}

#[test]
fn allocate_by_days_sums_exactly() {
    let months = [
        period("2024-04-01..2024-05-01"),
        period("2024-05-01..2024-06-01"),
        period("2024-06-01..2024-07-01"),
    ];
    let split = allocate_by_days(gbp("1000.00 GBP"), &months).unwrap();
    assert_eq!(
        split,
        vec![gbp("329.67 GBP"), gbp("340.66 GBP"), gbp("329.67 GBP")]
    );
    let split = allocate_by_days(gbp("-0.02 GBP"), &months).unwrap();
    let total = split
        .iter()
        .try_fold(Money::zero(Currency::GBP), |acc, m| acc.checked_add(*m))
        .unwrap();
    assert_eq!(total, gbp("-0.02 GBP"));
}

#[test]
fn allocate_by_days_errors_are_money_errors() {
    let err = allocate_by_days(gbp("1.00 GBP"), &[]).unwrap_err();
    assert!(matches!(err, MoneyError::InvalidAllocation { .. }), "{err}");
    let err = allocate_by_days(gbp("1.001 GBP"), &[period("2024-04-01..2024-04-02")]).unwrap_err();
    assert!(matches!(err, MoneyError::TooManyDecimals { .. }), "{err}");
    // The money error's own message comes through unchanged.
    assert_eq!(
        err.to_string(),
        MoneyError::TooManyDecimals {
            amount: gbp("1.001 GBP").amount(),
            currency: Currency::GBP,
            minor_units: 2
        }
        .to_string()
    );
}

#[test]
fn count_weekday_examples() {
    let april = period("2024-04-01..2024-05-01"); // starts on a Monday
    assert_eq!(count_weekday(april, Weekday::Mon), 5);
    assert_eq!(count_weekday(april, Weekday::Tue), 5);
    assert_eq!(count_weekday(april, Weekday::Wed), 4);
    assert_eq!(count_weekday(april, Weekday::Sun), 4);
    let one_day = period("2024-04-01..2024-04-02");
    assert_eq!(count_weekday(one_day, Weekday::Mon), 1);
    assert_eq!(count_weekday(one_day, Weekday::Tue), 0);
    let whole = Period::new(NaiveDate::MIN, NaiveDate::MAX).unwrap();
    let total: i64 = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .map(|w| count_weekday(whole, w))
    .sum();
    assert_eq!(total, whole.days());
}

#[test]
fn financial_year_mondays() {
    let y2024 = FinancialYear::starting(2024).unwrap();
    assert_eq!(date("2024-04-01").weekday(), Weekday::Mon);
    assert_eq!(date("2025-03-31").weekday(), Weekday::Mon);
    assert_eq!(y2024.mondays(), 53);
    assert_eq!(y2024.first_monday(), date("2024-04-01"));
    let y2025 = FinancialYear::starting(2025).unwrap();
    assert_eq!(y2025.mondays(), 52);
    assert_eq!(y2025.first_monday(), date("2025-04-07"));
    assert_eq!(y2025.period().days(), 365);
    assert_eq!(FinancialYear::starting(2023).unwrap().period().days(), 366);
}

#[test]
fn financial_year_containing() {
    assert_eq!(
        FinancialYear::containing(date("2024-04-01"))
            .unwrap()
            .start_year(),
        2024
    );
    assert_eq!(
        FinancialYear::containing(date("2024-03-31"))
            .unwrap()
            .start_year(),
        2023
    );
    assert_eq!(
        FinancialYear::containing(date("2024-12-31"))
            .unwrap()
            .start_year(),
        2024
    );
    assert!(matches!(
        FinancialYear::containing(NaiveDate::MIN),
        Err(PeriodError::DateOutOfRange { .. })
    ));
    assert!(matches!(
        FinancialYear::containing(NaiveDate::MAX),
        Err(PeriodError::DateOutOfRange { .. })
    ));
    let err = FinancialYear::starting(i32::MIN).unwrap_err();
    assert!(err.to_string().contains(&i32::MIN.to_string()), "{err}");
}

#[test]
fn financial_year_text() {
    let y = FinancialYear::starting(2024).unwrap();
    assert_eq!(y.to_string(), "2024/25");
    assert_eq!("2024/25".parse::<FinancialYear>().unwrap(), y);
    assert_eq!(" 2024/25 ".parse::<FinancialYear>().unwrap(), y);
    let y1999 = FinancialYear::starting(1999).unwrap();
    assert_eq!(y1999.to_string(), "1999/00");
    assert_eq!("1999/00".parse::<FinancialYear>().unwrap(), y1999);
    for bad in [
        "2024/26",
        "2024",
        "2024/2025",
        "abcd/25",
        "2024/5",
        "2024/+5",
        "2024/x5",
    ] {
        let err = bad.parse::<FinancialYear>().unwrap_err();
        assert!(
            matches!(err, PeriodError::InvalidFinancialYear { .. }),
            "{bad}: {err}"
        );
        assert!(err.to_string().contains(bad), "{err}");
    }
    assert!(matches!(
        format!("{}/48", i32::MAX).parse::<FinancialYear>(),
        Err(PeriodError::DateOutOfRange { .. })
    ));
    assert!(y < FinancialYear::starting(2025).unwrap());
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trips_and_validates() {
    let p = period("2024-04-01..2025-04-01");
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(json, r#"{"start":"2024-04-01","end":"2025-04-01"}"#);
    assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), p);
    let err =
        serde_json::from_str::<Period>(r#"{"start":"2025-04-01","end":"2025-04-01"}"#).unwrap_err();
    assert!(err.to_string().contains("empty period"), "{err}");

    let json = serde_json::to_string(&Frequency::CalendarMonthly).unwrap();
    assert_eq!(json, r#""calendar_monthly""#);
    assert_eq!(
        serde_json::from_str::<Frequency>(r#""four_weekly""#).unwrap(),
        Frequency::FourWeekly
    );

    let schedule = Schedule::new(date("2024-01-31"), Frequency::Weekly);
    let json = serde_json::to_string(&schedule).unwrap();
    assert_eq!(json, r#"{"anchor":"2024-01-31","frequency":"weekly"}"#);
    assert_eq!(serde_json::from_str::<Schedule>(&json).unwrap(), schedule);

    let y = FinancialYear::starting(2024).unwrap();
    assert_eq!(serde_json::to_string(&y).unwrap(), r#""2024/25""#);
    assert_eq!(
        serde_json::from_str::<FinancialYear>(r#""2024/25""#).unwrap(),
        y
    );
    assert!(serde_json::from_str::<FinancialYear>(r#""2024/26""#).is_err());
}

#[test]
fn errors_are_send_sync_and_types_are_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<PeriodError>();
    assert_send_sync::<Period>();
    assert_send_sync::<Schedule>();
    assert_send_sync::<FinancialYear>();
    assert_send_sync::<Frequency>();
}
