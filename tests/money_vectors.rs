//! Table tests for the text people read and type: `Money::parse_typed` and
//! `Money::display_uk`, beside the machine form (`Display`, `FromStr`).

use isf_ledger::{Currency, Money, MoneyError};

/// Text, currency, and the machine form it reads as, or the reason it is refused.
const PARSE: &[(&str, Currency, Result<&str, &str>)] = &[
    ("£1,160.00", Currency::GBP, Ok("1160.00 GBP")),
    ("1,160.00", Currency::GBP, Ok("1160.00 GBP")),
    ("1160", Currency::GBP, Ok("1160.00 GBP")),
    ("  12.5 ", Currency::GBP, Ok("12.50 GBP")),
    ("+3", Currency::GBP, Ok("3.00 GBP")),
    ("-£5.00", Currency::GBP, Ok("-5.00 GBP")),
    ("£-5.00", Currency::GBP, Ok("-5.00 GBP")),
    ("-0", Currency::GBP, Ok("0.00 GBP")),
    ("£1,234,567.89", Currency::GBP, Ok("1234567.89 GBP")),
    ("€1,234.56", Currency::EUR, Ok("1234.56 EUR")),
    ("$7", Currency::AUD, Ok("7.00 AUD")),
    ("¥1,235", Currency::JPY, Ok("1235 JPY")),
    (
        "1000000000000000",
        Currency::GBP,
        Ok("1000000000000000.00 GBP"),
    ),
    ("", Currency::GBP, Err("it is empty")),
    ("   ", Currency::GBP, Err("it is empty")),
    (
        "1,16.00",
        Currency::GBP,
        Err("a thousands separator is out of place"),
    ),
    (
        "1234,5",
        Currency::GBP,
        Err("a thousands separator is out of place"),
    ),
    (
        ",123",
        Currency::GBP,
        Err("a thousands separator is out of place"),
    ),
    (
        "1,000,00",
        Currency::GBP,
        Err("a thousands separator is out of place"),
    ),
    (
        "12.500",
        Currency::GBP,
        Err("it has more decimal places than the currency's minor unit"),
    ),
    (
        "¥1.5",
        Currency::JPY,
        Err("it has more decimal places than the currency's minor unit"),
    ),
    ("1e3", Currency::GBP, Err("it is not a decimal number")),
    ("1E3", Currency::GBP, Err("it is not a decimal number")),
    ("1_000", Currency::GBP, Err("it is not a decimal number")),
    ("(12.00)", Currency::GBP, Err("it is not a decimal number")),
    ("--1", Currency::GBP, Err("it is not a decimal number")),
    ("-£-1", Currency::GBP, Err("it is not a decimal number")),
    ("12 GBP", Currency::GBP, Err("it is not a decimal number")),
    ("12-", Currency::GBP, Err("it is not a decimal number")),
    ("£ 12", Currency::GBP, Err("it is not a decimal number")),
    ("NaN", Currency::GBP, Err("it is not a decimal number")),
    (
        "€5.00",
        Currency::GBP,
        Err("it has another currency's sign"),
    ),
    (
        "£5.00",
        Currency::EUR,
        Err("it has another currency's sign"),
    ),
    (
        "£5.00",
        Currency::AUD,
        Err("it has another currency's sign"),
    ),
    (
        ".5",
        Currency::GBP,
        Err("it has no digits before the decimal point"),
    ),
    (
        "5.",
        Currency::GBP,
        Err("it has no digits after the decimal point"),
    ),
    ("1000000000000000.01", Currency::GBP, Err("it is too large")),
    (
        "79228162514264337593543950336",
        Currency::GBP,
        Err("it is too large"),
    ),
];

#[test]
fn parse_typed_table() {
    for (text, currency, want) in PARSE {
        let got = Money::parse_typed(text, *currency);
        match (want, got) {
            (Ok(machine), Ok(money)) => assert_eq!(money.to_string(), *machine, "{text:?}"),
            (
                Err(reason),
                Err(MoneyError::NotAnAmount {
                    reason: got,
                    currency: c,
                    text: t,
                }),
            ) => {
                assert_eq!(got, *reason, "{text:?}");
                assert_eq!(c, *currency);
                assert_eq!(t, *text);
            }
            (want, got) => panic!("{text:?} in {currency}: wanted {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn parse_typed_errors_echo_at_most_forty_characters() {
    let long = format!("£{}x", "9".repeat(500));
    let err = Money::parse_typed(&long, Currency::GBP).unwrap_err();
    let MoneyError::NotAnAmount { text, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(text.chars().count(), 41, "{text}");
    assert!(text.starts_with("£999") && text.ends_with('…'), "{text}");
    assert!(err.to_string().len() < 120, "{err}");
    // Multi-byte characters are cut on a character boundary.
    let err = Money::parse_typed(&"€".repeat(100), Currency::GBP).unwrap_err();
    assert!(
        err.to_string().contains(&format!("{}…", "€".repeat(40))),
        "{err}"
    );
}

/// Minor units, currency, the UK form and the machine form.
const DISPLAY: &[(i64, Currency, &str, &str)] = &[
    (123456, Currency::GBP, "£1,234.56", "1234.56 GBP"),
    (-123456, Currency::GBP, "-£1,234.56", "-1234.56 GBP"),
    (0, Currency::GBP, "£0.00", "0.00 GBP"),
    (5, Currency::GBP, "£0.05", "0.05 GBP"),
    (-5, Currency::GBP, "-£0.05", "-0.05 GBP"),
    (99999, Currency::GBP, "£999.99", "999.99 GBP"),
    (100000, Currency::GBP, "£1,000.00", "1000.00 GBP"),
    (
        123456789012,
        Currency::GBP,
        "£1,234,567,890.12",
        "1234567890.12 GBP",
    ),
    (123456, Currency::EUR, "€1,234.56", "1234.56 EUR"),
    (123456, Currency::USD, "$1,234.56", "1234.56 USD"),
    (1234567, Currency::JPY, "¥1,234,567", "1234567 JPY"),
    (123456, Currency::AUD, "1,234.56 AUD", "1234.56 AUD"),
    (-123456, Currency::CHF, "-1,234.56 CHF", "-1234.56 CHF"),
];

#[test]
fn display_uk_table() {
    for (minor, currency, uk, machine) in DISPLAY {
        let money = Money::from_minor(*minor, *currency);
        assert_eq!(money.display_uk().to_string(), *uk);
        assert_eq!(money.to_string(), *machine);
        // The machine form reads back; the UK form does where the currency has a sign.
        assert_eq!(machine.parse::<Money>().unwrap(), money);
        if uk.starts_with(['£', '€', '$', '¥', '-']) && !uk.ends_with(currency.code()) {
            assert_eq!(Money::parse_typed(uk, *currency).unwrap(), money, "{uk}");
        }
    }
}

#[test]
fn display_uk_keeps_extra_decimals_and_unknown_codes() {
    let third: Money = "0.125 GBP".parse().unwrap();
    assert_eq!(third.display_uk().to_string(), "£0.125");
    let kwd: Money = "-1234.500 KWD:3".parse().unwrap();
    assert_eq!(kwd.display_uk().to_string(), "-1,234.500 KWD");
    let negated_zero = Money::from_minor(0, Currency::GBP).negate();
    assert_eq!(negated_zero.display_uk().to_string(), "£0.00");
    let m = Money::from_minor(-500, Currency::GBP);
    assert_eq!(format!("[{:<8}]", m.display_uk()), "[-£5.00  ]");
    assert_eq!(format!("[{:^9}]", m.display_uk()), "[ -£5.00  ]");
    assert_eq!(format!("[{:*>8}]", m.display_uk()), "[**-£5.00]");
    assert_eq!(format!("[{:3}]", m.display_uk()), "[-£5.00]");
}

#[test]
// The point is that every operator is false across currencies.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
fn no_order_across_currencies() {
    let gbp = Money::from_minor(100, Currency::GBP);
    let eur = Money::from_minor(200, Currency::EUR);
    assert!(!(gbp < eur) && !(gbp > eur) && !(gbp <= eur) && !(gbp >= eur));
    assert_eq!(gbp.partial_cmp(&eur), None);
    let err = gbp.checked_cmp(eur).unwrap_err();
    assert_eq!(
        err,
        MoneyError::CurrencyMismatch {
            left: Currency::GBP,
            right: Currency::EUR
        }
    );
    assert!(gbp.checked_max(eur).is_err() && gbp.checked_min(eur).is_err());
    let more = Money::from_minor(101, Currency::GBP);
    assert!(gbp < more);
    assert_eq!(gbp.checked_max(more).unwrap(), more);
    assert_eq!(gbp.checked_min(more).unwrap(), gbp);
    // Equal amounts at different scales are equal and compare equal.
    let same: Money = "1.0 GBP".parse().unwrap();
    assert_eq!(gbp.checked_cmp(same).unwrap(), std::cmp::Ordering::Equal);
}
