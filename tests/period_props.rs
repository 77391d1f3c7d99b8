//! Property tests for periods, schedules, weekday counts and pro-rata shares.
//!
//! Dates are drawn between 1990 and 2100 and amounts are whole pence, so every case is one the
//! ledger could meet. Set the depth with `PROPTEST_CASES`.

mod support;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use isf_ledger::{
    Currency, Frequency, Period, Rounding, Schedule, allocate_by_days, count_weekday, pro_rata,
};
use proptest::prelude::*;
use support::{days_from, frequency, gbp_minor, minor};

const FIRST_DAY: NaiveDate = support::d(1990, 1, 1);
/// Days from 1990-01-01 to 2100-01-01.
const SPAN_DAYS: u64 = 40_177;

fn date() -> impl Strategy<Value = NaiveDate> {
    days_from(FIRST_DAY, SPAN_DAYS)
}

fn period_up_to(max_days: u64) -> impl Strategy<Value = Period> {
    (date(), 1..=max_days)
        .prop_map(|(start, days)| Period::new(start, start + Days::new(days)).unwrap())
}

fn weekday() -> impl Strategy<Value = Weekday> {
    (0u8..7).prop_map(|n| Weekday::try_from(n).unwrap())
}

fn rounding() -> impl Strategy<Value = Rounding> {
    prop_oneof![Just(Rounding::HalfUp), Just(Rounding::HalfEven)]
}

/// Up to ± ten million pounds, in pence.
fn pence() -> impl Strategy<Value = i64> {
    -1_000_000_000i64..=1_000_000_000
}

mod allocation {
    use super::*;

    proptest! {
        #![proptest_config(support::config("period_props"))]

        #[test]
        fn allocate_by_days_sums_exactly_and_each_part_is_near_its_share(
            amount in pence(),
            parts in prop::collection::vec(period_up_to(800), 1..10),
        ) {
            let split = allocate_by_days(gbp_minor(amount), &parts).unwrap();
            prop_assert_eq!(split.len(), parts.len());
            let total: i128 = split.iter().map(|m| minor(*m)).sum();
            prop_assert_eq!(total, i128::from(amount));
            let total_days: i128 = parts.iter().map(|p| i128::from(p.days())).sum();
            for (part, share) in parts.iter().zip(&split) {
                prop_assert_eq!(share.currency(), Currency::GBP);
                // |share - amount × days / total_days| < 1 penny, kept in integers.
                let exact_times_total = i128::from(amount) * i128::from(part.days());
                let error = (minor(*share) * total_days - exact_times_total).abs();
                prop_assert!(error < total_days, "{share} for {part} of {parts:?}");
            }
        }
    }
}

mod tiling {
    use super::*;

    proptest! {
        #![proptest_config(support::config("period_props"))]

        #[test]
        fn overlapping_periods_tile_the_range(
            anchor in date(),
            frequency in frequency(),
            range in period_up_to(3_000),
        ) {
            let schedule = Schedule::new(anchor, frequency);
            let periods = schedule.periods_overlapping(range).unwrap();
            for pair in periods.windows(2) {
                prop_assert_eq!(pair[0].end(), pair[1].start());
            }
            for p in &periods {
                prop_assert!(p.start() < p.end());
                prop_assert!(p.days() >= 1);
                prop_assert!(p.intersect(&range).is_some(), "{p} does not overlap {range}");
                prop_assert!(p.start() >= anchor);
            }
            if range.end() <= anchor {
                prop_assert!(periods.is_empty());
            } else {
                let first = periods.first().unwrap();
                let last = periods.last().unwrap();
                prop_assert!(
                    first.contains(range.start()) || first.start() >= range.start(),
                    "{first} vs {range}"
                );
                // Nothing between the range start (or the anchor) and the first period is missed.
                prop_assert!(first.start() <= range.start().max(anchor));
                if range.start() < anchor {
                    prop_assert_eq!(first.start(), anchor);
                }
                prop_assert!(last.end() >= range.end());
            }
        }

        #[test]
        fn starts_in_are_the_period_starts_inside_the_range(
            anchor in date(),
            frequency in frequency(),
            range in period_up_to(3_000),
        ) {
            let schedule = Schedule::new(anchor, frequency);
            let from_periods: Vec<NaiveDate> = schedule
                .periods_overlapping(range)
                .unwrap()
                .iter()
                .map(Period::start)
                .filter(|d| range.contains(*d))
                .collect();
            prop_assert_eq!(schedule.starts_in(range).unwrap(), from_periods);
        }

        #[test]
        fn period_n_is_consecutive_starts(
            anchor in date(),
            frequency in frequency(),
            n in 0u32..500,
        ) {
            let schedule = Schedule::new(anchor, frequency);
            let p = schedule.period(n).unwrap();
            prop_assert_eq!(p.start(), frequency.nth_start(anchor, n).unwrap());
            prop_assert_eq!(p.end(), frequency.nth_start(anchor, n + 1).unwrap());
            prop_assert_eq!(schedule.period(n + 1).unwrap().start(), p.end());
        }
    }
}

mod weekdays {
    use super::*;

    proptest! {
        #![proptest_config(support::config("period_props"))]

        #[test]
        fn count_weekday_matches_a_day_by_day_count(
            period in period_up_to(800),
            weekday in weekday(),
        ) {
            let naive = period
                .start()
                .iter_days()
                .take_while(|d| *d < period.end())
                .filter(|d| d.weekday() == weekday)
                .count();
            prop_assert_eq!(count_weekday(period, weekday), i64::try_from(naive).unwrap());
        }
    }
}

mod pro_rata_shares {
    use super::*;

    proptest! {
        #![proptest_config(support::config("period_props"))]

        #[test]
        fn the_whole_is_the_whole(
            amount in pence(),
            whole in period_up_to(800),
            rounding in rounding(),
        ) {
            prop_assert_eq!(pro_rata(gbp_minor(amount), whole, whole, rounding).unwrap(), gbp_minor(amount));
        }

        #[test]
        fn complementary_halves_sum_to_within_a_penny(
            amount in pence(),
            whole in period_up_to(800),
            split_at in any::<prop::sample::Index>(),
            rounding in rounding(),
        ) {
            prop_assume!(whole.days() >= 2);
            let days = u64::try_from(whole.days()).unwrap();
            let cut = whole.start() + Days::new(1 + split_at.index(usize::try_from(days - 1).unwrap()) as u64);
            let first = Period::new(whole.start(), cut).unwrap();
            let second = Period::new(cut, whole.end()).unwrap();
            let a = minor(pro_rata(gbp_minor(amount), first, whole, rounding).unwrap());
            let b = minor(pro_rata(gbp_minor(amount), second, whole, rounding).unwrap());
            prop_assert!((a + b - i128::from(amount)).abs() <= 1, "{a} + {b} vs {amount}");
        }

        #[test]
        fn a_part_outside_the_whole_is_zero(
            amount in pence(),
            whole in period_up_to(800),
            gap in 0u64..100,
            length in 1u64..100,
            rounding in rounding(),
        ) {
            let start = whole.end() + Days::new(gap);
            let part = Period::new(start, start + Days::new(length)).unwrap();
            prop_assert!(pro_rata(gbp_minor(amount), part, whole, rounding).unwrap().is_zero());
        }
    }
}

mod nth_start {
    use super::*;

    proptest! {
        #![proptest_config(support::config("period_props"))]

        #[test]
        fn is_strictly_increasing(
            anchor in date(),
            frequency in frequency(),
            n in 0u32..2_000,
        ) {
            let this = frequency.nth_start(anchor, n).unwrap();
            let next = frequency.nth_start(anchor, n + 1).unwrap();
            prop_assert!(this < next, "{frequency} from {anchor}: start {n} {this}, next {next}");
        }

        #[test]
        fn monthly_starts_keep_the_anchor_day_or_the_month_end(
            anchor in date(),
            n in 0u32..1_200,
        ) {
            let start = Frequency::CalendarMonthly.nth_start(anchor, n).unwrap();
            let months = anchor.year() * 12 + anchor.month0() as i32 + n as i32;
            prop_assert_eq!(start.year() * 12 + start.month0() as i32, months);
            let month_end = start
                .with_day(1)
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                .and_then(|d| d.pred_opt())
                .unwrap();
            prop_assert_eq!(start.day(), anchor.day().min(month_end.day()));
        }
    }
}
