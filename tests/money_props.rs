//! Property tests for `to_minor` and every allocation, over the whole `Decimal` range: amounts
//! from `Decimal::from_parts` with arbitrary parts (up to `Decimal::MAX`, scale 0 to 28, either
//! sign) and weights from zero to `u64::MAX`.
//!
//! Each must either fail with an error or give parts that sum exactly to the whole, each within
//! one minor unit of its exact share; none may panic. Set the depth with `PROPTEST_CASES`.

use chrono::{Days, NaiveDate};
use isf_ledger::{Currency, Money, MoneyError, Period, allocate_by_days};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![
        Just(Currency::GBP),
        Just(Currency::JPY),
        (0..=isf_ledger::MAX_MINOR_UNITS)
            .prop_map(|minor| Currency::new("XTS", minor).expect("XTS is a valid code")),
    ]
}

/// Any decimal at all: every mantissa, sign and scale.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        any::<bool>(),
        0..=28u32,
    )
        .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale))
}

/// Amounts in `currency`: any decimal, or one exact in minor units (most of the full range
/// is not, and the exact ones are where splitting happens), or a small one.
fn amount(currency: Currency) -> impl Strategy<Value = Money> {
    let minor = currency.minor_units();
    prop_oneof![
        any_decimal(),
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0..=minor
        )
            .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
        (-1_000_000i64..1_000_000).prop_map(move |m| Decimal::new(m, minor)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
    ]
    .prop_map(move |d| Money::new(d, currency))
}

fn weights() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(
        prop_oneof![0..10u64, any::<u64>(), Just(u64::MAX), Just(0)],
        0..8,
    )
}

/// Checks a split of `whole` by `weights`: an error, or parts summing exactly to it, each
/// its exact share rounded down or up by one minor unit.
fn check_split(whole: Money, weights: &[u64], result: Result<Vec<Money>, MoneyError>) {
    let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    let minor = whole.to_minor();
    let parts = match result {
        Ok(parts) => parts,
        Err(MoneyError::TooManyDecimals { .. }) => {
            assert!(!whole.is_exact(), "{whole:?} is exact");
            return;
        }
        Err(MoneyError::InvalidAllocation { .. }) => {
            assert_eq!(total, 0, "{whole:?} by {weights:?}");
            return;
        }
        Err(MoneyError::Overflow { .. }) => {
            // Only when the amount has no minor-unit form or a share's numerator overflows.
            if let Ok(minor) = minor {
                let abs = minor.unsigned_abs();
                assert!(
                    weights
                        .iter()
                        .any(|w| abs.checked_mul(u128::from(*w)).is_none()),
                    "needless overflow splitting {whole:?} by {weights:?}"
                );
            }
            return;
        }
        Err(other) => panic!("unexpected error {other:?} splitting {whole:?}"),
    };
    let minor = minor.expect("a split amount has minor units");
    assert_eq!(parts.len(), weights.len());
    let sum = Money::sum(whole.currency(), parts.iter().copied()).expect("parts add up");
    assert_eq!(
        sum.amount(),
        whole.amount(),
        "{whole:?} by {weights:?}: {parts:?}"
    );
    assert_ne!(total, 0);
    for (part, weight) in parts.iter().zip(weights) {
        assert_eq!(part.currency(), whole.currency());
        let part_minor = part.to_minor().expect("a part is exact");
        assert!(
            part_minor == 0 || (part_minor < 0) == (minor < 0),
            "{part:?} of {whole:?}"
        );
        let scaled = minor
            .unsigned_abs()
            .checked_mul(u128::from(*weight))
            .expect("a successful split computed this");
        let (floor, rest) = (scaled / total, scaled % total);
        let got = part_minor.unsigned_abs();
        assert!(
            got == floor || (rest != 0 && got == floor + 1),
            "{part:?} is not within a minor unit of {whole:?} × {weight}/{total}"
        );
    }
}

proptest! {
    #[test]
    fn to_minor_is_exact_or_an_error(currency in currency(), raw in any_decimal()) {
        let money = Money::new(raw, currency);
        match money.to_minor() {
            Ok(minor) => {
                let back = Decimal::try_from_i128_with_scale(minor, currency.minor_units())
                    .expect("minor units fit a decimal");
                prop_assert_eq!(back, raw);
            }
            Err(MoneyError::TooManyDecimals { .. }) => prop_assert!(!money.is_exact()),
            Err(MoneyError::Overflow { .. }) => prop_assert!(money.is_exact()),
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn allocate_by_weights_sums_or_errs(
        (whole, weights) in currency().prop_flat_map(|c| (amount(c), weights())),
    ) {
        check_split(whole, &weights, whole.allocate_by_weights(&weights));
    }

    #[test]
    fn allocate_sums_or_errs(
        (whole, parts) in currency().prop_flat_map(|c| (amount(c), 0..40usize)),
    ) {
        let result = whole.allocate(parts);
        if parts == 0 {
            prop_assert!(result.is_err());
        } else {
            check_split(whole, &vec![1; parts], result);
        }
    }

    #[test]
    fn allocate_in_proportion_sums_or_errs(
        (whole, to) in currency()
            .prop_flat_map(|c| (amount(c), prop::collection::vec(amount(c), 0..6))),
    ) {
        let result = whole.allocate_in_proportion(&to);
        let weights: Option<Vec<u64>> = to
            .iter()
            .map(|m| {
                let minor = m.to_minor().ok()?;
                u64::try_from(minor.max(0)).ok()
            })
            .collect();
        match weights {
            Some(weights) => check_split(whole, &weights, result),
            // A weight with no minor-unit form, or over u64: the split must be refused.
            None => prop_assert!(result.is_err()),
        }
    }

    #[test]
    fn allocate_by_days_sums_or_errs(
        (whole, lengths) in currency()
            .prop_flat_map(|c| (amount(c), prop::collection::vec(1..400u64, 0..6))),
    ) {
        let start = NaiveDate::from_ymd_opt(2024, 4, 1).expect("a date");
        let periods: Vec<Period> = lengths
            .iter()
            .map(|days| Period::new(start, start + Days::new(*days)).expect("a period"))
            .collect();
        match allocate_by_days(whole, &periods) {
            Ok(parts) => check_split(whole, &lengths, Ok(parts)),
            Err(_) => {
                // The same split by weights must fail too.
                prop_assert!(whole.allocate_by_weights(&lengths).is_err());
            }
        }
    }
}
