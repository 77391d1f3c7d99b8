//! Unit tests of the money module.

use super::*;

fn gbp(s: &str) -> Money {
    Money::new(Decimal::from_str_exact(s).unwrap(), Currency::GBP)
}

#[test]
fn parse_and_display_round_trip() {
    let m: Money = "1234.56 GBP".parse().unwrap();
    assert_eq!(m.to_string(), "1234.56 GBP");
    assert_eq!("5 GBP".parse::<Money>().unwrap().to_string(), "5.00 GBP");
    assert_eq!("7 JPY".parse::<Money>().unwrap().to_string(), "7 JPY");
    assert!("12.5".parse::<Money>().is_err());
    assert!("abc GBP".parse::<Money>().is_err());
    assert!("1.00 XXX".parse::<Money>().is_err());
    assert_eq!(
        "1.000 KWD:3".parse::<Money>().unwrap().to_string(),
        "1.000 KWD:3"
    );
}

#[test]
fn currency_errors_name_the_code() {
    let err = Currency::new("GB", 2).unwrap_err();
    assert!(err.to_string().contains("\"GB\""), "{err}");
    assert!(Currency::new("GBP", 9).is_err());
    assert!("GBP:x".parse::<Currency>().is_err());
}

#[test]
fn checked_arithmetic_reports_overflow_and_mismatch() {
    let max = Money::new(Decimal::MAX, Currency::GBP);
    assert!(matches!(
        max.checked_add(gbp("1")),
        Err(MoneyError::Overflow { .. })
    ));
    assert!(matches!(
        max.negate().checked_sub(gbp("1")),
        Err(MoneyError::Overflow { .. })
    ));
    assert!(matches!(
        max.checked_mul(Decimal::TWO),
        Err(MoneyError::Overflow { .. })
    ));
    let eur = Money::from_minor(1, Currency::EUR);
    assert!(matches!(
        gbp("1").checked_add(eur),
        Err(MoneyError::CurrencyMismatch { .. })
    ));
    assert!(matches!(
        gbp("1").checked_sub(eur),
        Err(MoneyError::CurrencyMismatch { .. })
    ));
}

#[test]
fn rounding_strategies() {
    assert_eq!(gbp("-0.125").round(Rounding::HalfUp), gbp("-0.13"));
    assert_eq!(gbp("0.135").round(Rounding::HalfEven), gbp("0.14"));
    assert_eq!(gbp("0.125").round(Rounding::HalfEven), gbp("0.12"));
}

#[test]
fn exactness() {
    assert!(gbp("1.230").is_exact());
    assert!(!gbp("1.231").is_exact());
    assert!(matches!(
        gbp("1.231").exact(),
        Err(MoneyError::TooManyDecimals { .. })
    ));
    assert_eq!(gbp("1.2").to_minor().unwrap(), 120);
}

#[test]
fn allocation_examples() {
    let parts = gbp("-100.00").allocate(3).unwrap();
    assert_eq!(parts, vec![gbp("-33.34"), gbp("-33.33"), gbp("-33.33")]);
    let parts = gbp("0.05").allocate_by_weights(&[1, 1, 2]).unwrap();
    assert_eq!(parts, vec![gbp("0.01"), gbp("0.01"), gbp("0.03")]);
    assert!(gbp("1").allocate_by_weights(&[0, 0]).is_err());
    assert!(gbp("1.001").allocate(2).is_err());
    assert!(gbp("1").checked_mul_ratio(1, 0, Rounding::HalfUp).is_err());
}

#[test]
fn ratio_rounds_once() {
    let weekly = gbp("48.00");
    assert_eq!(
        weekly.checked_mul_ratio(3, 7, Rounding::HalfUp).unwrap(),
        gbp("20.57")
    );
}

fn typed(text: &str) -> Result<Decimal, &'static str> {
    parse_amount(text, Currency::GBP, true).map_err(|p| match p {
        AmountProblem::Bad(reason) => reason,
        AmountProblem::TooManyDecimals => "too many decimals",
    })
}

#[test]
fn amounts_read_exactly() {
    for (text, want) in [
        ("12.5", "12.50"),
        ("-12.50", "-12.50"),
        ("+3", "3.00"),
        ("£1,234.56", "1234.56"),
        ("-£1,234.56", "-1234.56"),
        ("£-1,234,567.00", "-1234567.00"),
        ("  0.00 ", "0.00"),
        ("-0", "0.00"),
        ("1000000000000000", "1000000000000000.00"),
    ] {
        assert_eq!(
            typed(text).map(|d| d.to_string()),
            Ok(want.to_string()),
            "{text}"
        );
    }
    for (text, why) in [
        ("", "it is empty"),
        ("12.500", "too many decimals"),
        ("12,34.56", "a thousands separator is out of place"),
        ("1234,5", "a thousands separator is out of place"),
        (",123", "a thousands separator is out of place"),
        ("$12", "it has another currency's sign"),
        (".5", "it has no digits before the decimal point"),
        ("5.", "it has no digits after the decimal point"),
        ("1e3", "it is not a decimal number"),
        ("(12.00)", "it is not a decimal number"),
        ("--1", "it is not a decimal number"),
        ("12 GBP", "it is not a decimal number"),
        ("1000000000000000.01", "it is too large"),
        ("99999999999999999999999999999999", "it is too large"),
    ] {
        assert_eq!(typed(text), Err(why), "{text}");
    }
    assert!(parse_amount("-1", Currency::GBP, false).is_err());
}
