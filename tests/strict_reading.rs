#![cfg(feature = "serde")]
//! Strict reading: every record, entry, posting, hold and amount read from a log refuses what
//! it does not know, amounts have one canonical grammar, dates one range, ids no hidden
//! characters, text documented size limits; a byte-order mark is accepted; a repeated release
//! is a repeat like any other; and no error repeats more than a short prefix of the bad value.

use chrono::NaiveDate;
use isf_ledger::reconcile::StatementFormat;
use isf_ledger::{
    AccountKind, BalanceRule, Currency, Ledger, LedgerError, LogError, MAX_LINE_LEN, MAX_MEMO_LEN,
    MAX_METADATA_ENTRIES, MAX_METADATA_KEY_LEN, MAX_METADATA_VALUE_LEN, MAX_TAGS, MAX_YEAR,
    MIN_YEAR, Money, NewAccount, NewEntry, NewHold, date_in_range,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn gbp(text: &str) -> Money {
    format!("{text} GBP").parse().unwrap()
}

/// A ledger with a council, a fund (never below zero) holding 100.00 and a provider.
fn ledger() -> Ledger {
    let mut l = Ledger::new();
    l.open_account(NewAccount::new(
        "council",
        AccountKind::Income,
        Currency::GBP,
    ))
    .unwrap();
    l.open_account(
        NewAccount::new("fund", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative),
    )
    .unwrap();
    l.open_account(NewAccount::new(
        "provider",
        AccountKind::Expense,
        Currency::GBP,
    ))
    .unwrap();
    let _ = l
        .post(NewEntry::new("in", day(2025, 4, 1)).transfer("council", "fund", gbp("100.00")))
        .unwrap();
    l
}

fn log_of(l: &Ledger) -> String {
    let mut out = Vec::new();
    l.write_log(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The log of `ledger()` then one more line.
fn with_line(line: &Value) -> String {
    format!("{}{}\n", log_of(&ledger()), line)
}

fn replay_err(text: &str) -> LogError {
    Ledger::replay(text.as_bytes()).expect_err("the log must be refused")
}

fn hold_line() -> Value {
    json!({"v": 1, "hold": {
        "id": "week-1", "from": "fund", "to": "provider", "amount": "80.00 GBP",
        "date": "2025-04-07", "expires_on": "2025-04-14"
    }})
}

fn post_line() -> Value {
    json!({"v": 1, "post": {
        "id": "pay-1", "date": "2025-04-07", "memo": "care",
        "metadata": {"claim": "C1"},
        "postings": [
            {"account": "fund", "amount": "-10.00 GBP"},
            {"account": "provider", "amount": "10.00 GBP"}
        ]
    }})
}

/// Sets `value` at a JSON pointer's parent, under `key`.
fn set(mut line: Value, parent: &str, key: &str, value: Value) -> Value {
    line.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {parent}"))
        .insert(key.to_string(), value);
    line
}

/// A JSON error on the last line that names `field`.
fn assert_json_error_naming(text: &str, field: &str) {
    let lines = text.lines().count() as u64;
    match replay_err(text) {
        LogError::Json { line, message, .. } => {
            assert_eq!(line, lines, "{message}");
            assert!(message.contains(field), "{message:?} should name {field:?}");
        }
        other => panic!("expected a JSON error naming {field}, got {other:?}"),
    }
}

#[test]
fn the_good_lines_replay() {
    let text = format!("{}{}\n", with_line(&hold_line()), post_line());
    let l = Ledger::replay(text.as_bytes()).unwrap();
    assert_eq!(l.available("fund").unwrap(), gbp("10.00"));
}

#[test]
fn a_misspelled_hold_field_is_an_error_naming_line_and_field() {
    // The issue's example: "expires" for "expires_on" was dropped and the hold never expired.
    let mut hold = hold_line();
    let body = hold.pointer_mut("/hold").unwrap().as_object_mut().unwrap();
    let date = body.remove("expires_on").unwrap();
    body.insert("expires".into(), date);
    assert_json_error_naming(&with_line(&hold), "expires");
}

#[test]
fn an_unknown_field_anywhere_in_a_record_is_an_error() {
    let cases = [
        (set(post_line(), "/post", "memmo", json!("x")), "memmo"),
        (
            set(post_line(), "/post/postings/0", "acount", json!("fund")),
            "acount",
        ),
        (set(hold_line(), "/hold", "note", json!("x")), "note"),
        (set(post_line(), "", "signature", json!("x")), "signature"),
        (
            json!({"v": 1, "open_account": {"id": "b", "kind": "asset", "currency": "GBP", "colour": "red"}}),
            "colour",
        ),
        (
            json!({"v": 1, "open_account": {"id": "b", "kind": "asset", "currency": "GBP", "rule": {"at_least": "-1.00", "soft": true}}}),
            "soft",
        ),
        (json!({"v": 1, "release": {"hold": "h", "why": "x"}}), "why"),
        (
            json!({"v": 1, "expire": {"today": "2025-04-07", "tomorrow": 1}}),
            "tomorrow",
        ),
        (
            json!({"v": 1, "close_period": {"through": "2025-04-07", "force": true}}),
            "force",
        ),
        (
            json!({"v": 1, "close_account": {"id": "fund", "now": true}}),
            "now",
        ),
        (
            json!({"v": 1, "settle": {"hold": "h", "entry": "e", "amount": "1.00 GBP", "date": "2025-04-07", "fee": "1"}}),
            "fee",
        ),
        (
            json!({"v": 1, "reverse": {"entry": "in", "id": "r", "date": "2025-04-07", "reason": "x"}}),
            "reason",
        ),
        (
            json!({"v": 1, "batch": {"entries": [], "atomic": true}}),
            "atomic",
        ),
        (
            json!({"v": 1, "linked": {"ops": [], "label": "x"}}),
            "label",
        ),
        (
            json!({"v": 1, "linked": {"ops": [{"relase": {"hold": "h"}}]}}),
            "relase",
        ),
        (json!({"v": 1, "pots": {}}), "pots"),
    ];
    for (line, field) in cases {
        assert_json_error_naming(&with_line(&line), field);
    }
}

#[test]
fn amounts_in_a_log_are_canonical() {
    for bad in ["1_000.00", "+1.00", "1.", ".5", "1e2", "01.00"] {
        let line = json!({"v": 1, "open_account": {"id": "b", "kind": "asset", "currency": "GBP", "rule": {"at_least": bad}}});
        assert_json_error_naming(&with_line(&line), "not an amount");
    }
    for bad in [
        "1_000.00 GBP",
        "5. GBP",
        "-.5 GBP",
        ".5 GBP",
        "1e3 GBP",
        "1E3 GBP",
        "+5.00 GBP",
        "007.00 GBP",
        "-00.50 GBP",
        " 5.00 GBP",
        "5.00 GBP ",
        "5.00  GBP",
        "5.00\tGBP",
        "1,000.00 GBP",
        "--5.00 GBP",
        "5.00 GBP:+2",
        "5.00 GBP:02",
        "£5.00 GBP",
        "NaN GBP",
        "5.00",
    ] {
        assert!(bad.parse::<Money>().is_err(), "{bad:?} parsed");
        let line = set(post_line(), "/post/postings/0", "amount", json!(bad));
        let text = with_line(&line);
        match replay_err(&text) {
            LogError::Json { line, .. } => assert_eq!(line, 5, "{bad:?}"),
            other => panic!("{bad:?}: expected a JSON error, got {other:?}"),
        }
    }
    for good in [
        "0.00 GBP",
        "-0.50 GBP",
        "12 GBP",
        "100.10 GBP",
        "0 GBP",
        "5.00 KWD:3",
    ] {
        assert!(good.parse::<Money>().is_ok(), "{good:?} refused");
    }
}

#[test]
fn an_amount_error_echoes_only_a_short_prefix() {
    let long = format!("{} GBP", "9".repeat(10_000));
    let err = long.parse::<Money>().unwrap_err().to_string();
    assert!(err.len() < 200, "{err}");
    let line = set(post_line(), "/post/postings/0", "amount", json!(long));
    let err = replay_err(&with_line(&line)).to_string();
    assert!(err.len() < 300, "{err}");
}

#[test]
fn dates_outside_the_range_are_refused_at_the_door() {
    assert_eq!((MIN_YEAR, MAX_YEAR), (1900, 2199));
    let mut l = ledger();
    for date in [
        day(1899, 12, 31),
        day(2200, 1, 1),
        day(0, 1, 1),
        day(-40, 6, 1),
    ] {
        assert!(!date_in_range(date));
        let before = l.clone();
        let err = l
            .post(NewEntry::new("e", date).transfer("fund", "provider", gbp("1.00")))
            .unwrap_err();
        assert!(matches!(err, LedgerError::DateOutOfRange { what: "entry", date: d } if d == date));
        let err = l
            .place_hold(NewHold::new("h", "fund", "provider", gbp("1.00"), date))
            .unwrap_err();
        assert!(matches!(
            err,
            LedgerError::DateOutOfRange { what: "hold", .. }
        ));
        let err = l
            .place_hold(
                NewHold::new("h", "fund", "provider", gbp("1.00"), day(2025, 4, 2))
                    .expires_on(date),
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                LedgerError::DateOutOfRange {
                    what: "hold expiry",
                    ..
                }
            ) || matches!(err, LedgerError::InvalidHold { .. }),
            "{err:?}"
        );
        assert!(l.close_period(date).is_err());
        assert!(l.reverse("in", "r", date, "").is_err());
        assert!(l.expire_holds(date).is_empty());
        assert_eq!(l, before);
    }
    // Both ends are in.
    let _ = l
        .post(NewEntry::new("first", day(1900, 1, 1)).transfer("fund", "provider", gbp("1.00")))
        .unwrap();
    let _ = l
        .post(NewEntry::new("last", day(2199, 12, 31)).transfer("fund", "provider", gbp("1.00")))
        .unwrap();

    // In a log, the line is named.
    let line = set(post_line(), "/post", "date", json!("1899-12-31"));
    let err = replay_err(&with_line(&line));
    assert_eq!(err.line(), 5);
    assert!(matches!(
        err,
        LogError::Rejected {
            source: LedgerError::DateOutOfRange { .. },
            ..
        }
    ));
    let expire = json!({"v": 1, "expire": {"today": "2200-01-01"}});
    assert_eq!(replay_err(&with_line(&expire)).line(), 5);

    // In a statement, such a date is not a date.
    let csv = "date,description,amount\n1899-12-31,x,1.00\n2025-04-01,y,2.00\n";
    let imported = StatementFormat::new(Currency::GBP)
        .import(csv.as_bytes())
        .unwrap();
    assert_eq!(imported.lines.len(), 1);
    assert_eq!(imported.errors.len(), 1);
    assert!(imported.errors[0].to_string().starts_with("line 2"));
}

#[test]
fn a_byte_order_mark_is_accepted_at_the_start_of_a_log_and_a_statement() {
    let l = ledger();
    let text = format!("\u{FEFF}{}", log_of(&l));
    assert_eq!(Ledger::replay(text.as_bytes()).unwrap(), l);
    // Only at the start: elsewhere it is not JSON.
    let text = format!("{}\u{FEFF}{}\n", log_of(&l), post_line());
    assert_eq!(replay_err(&text).line(), 5);

    let csv = "\u{FEFF}date,description,amount\n2025-04-01,y,2.00\n";
    let imported = StatementFormat::new(Currency::GBP)
        .import(csv.as_bytes())
        .unwrap();
    assert_eq!(imported.lines.len(), 1);
    assert!(imported.errors.is_empty());
}

#[test]
fn a_repeated_release_is_a_repeat_like_any_other_operation() {
    let release = json!({"v": 1, "release": {"hold": "week-1"}});
    let once = format!("{}{}\n", with_line(&hold_line()), release);
    let twice = format!("{once}{release}\n");
    let a = Ledger::replay(once.as_bytes()).unwrap();
    let b = Ledger::replay(twice.as_bytes()).unwrap();
    assert_eq!(a, b);
    // The repeat leaves no second record.
    assert_eq!(log_of(&b), log_of(&a));
    // As a repeated hold line and a repeated post line do.
    let repeats = format!("{twice}{}\n{}\n{}\n", hold_line(), post_line(), post_line());
    let c = Ledger::replay(repeats.as_bytes()).unwrap();
    assert_eq!(c.log().count(), a.log().count() + 1);
    // A release after a settlement is still refused.
    let settle = json!({"v": 1, "settle": {"hold": "week-1", "entry": "s", "amount": "1.00 GBP", "date": "2025-04-08"}});
    let text = format!("{}{}\n{}\n", with_line(&hold_line()), settle, release);
    assert!(matches!(
        replay_err(&text),
        LogError::Rejected {
            line: 7,
            source: LedgerError::HoldSettled { .. }
        }
    ));
}

#[test]
fn ids_refuse_invisible_and_bidirectional_characters() {
    let mut l = ledger();
    for hidden in [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}',
        '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        '\u{FEFF}', '\u{00AD}', '\u{2060}', '\u{0007}', '\u{0085}',
    ] {
        let id = format!("fund{hidden}{}", "x".repeat(100));
        let err = l
            .open_account(NewAccount::new(
                id.as_str(),
                AccountKind::Asset,
                Currency::GBP,
            ))
            .unwrap_err();
        match &err {
            LedgerError::InvalidId {
                what: "account",
                id: echoed,
                ..
            } => {
                assert!(echoed.starts_with("fund"), "{echoed:?}");
                assert!(echoed.chars().count() <= 41, "{echoed:?}");
            }
            other => panic!("{hidden:?}: {other:?}"),
        }
        let err = l
            .post(NewEntry::new(id.as_str(), day(2025, 4, 2)).transfer(
                "fund",
                "provider",
                gbp("1.00"),
            ))
            .unwrap_err();
        assert!(
            matches!(err, LedgerError::InvalidId { what: "entry", .. }),
            "{err:?}"
        );
        // In a log too.
        let line = set(post_line(), "/post", "id", json!(id));
        let err = replay_err(&with_line(&line));
        assert!(matches!(
            err,
            LogError::Rejected {
                line: 5,
                source: LedgerError::InvalidId { .. }
            }
        ));
    }
    // Letters of any script are fine.
    l.open_account(NewAccount::new(
        "fonds:Zoë-ĳ-日本",
        AccountKind::Asset,
        Currency::GBP,
    ))
    .unwrap();
}

#[test]
fn text_sizes_have_documented_limits() {
    let mut l = ledger();
    let before = l.clone();
    let entry = || NewEntry::new("e", day(2025, 4, 2)).transfer("fund", "provider", gbp("1.00"));
    let too_large = |err: LedgerError, expect: &str| match err {
        LedgerError::TooLarge { what, value, .. } => {
            assert!(what.starts_with(expect), "{what}");
            assert!(value.chars().count() <= 41, "{value}");
        }
        other => panic!("expected TooLarge {expect}, got {other:?}"),
    };
    let memo = "m".repeat(MAX_MEMO_LEN + 1);
    too_large(l.post(entry().memo(memo.as_str())).unwrap_err(), "memo");
    too_large(
        l.place_hold(
            NewHold::new("h", "fund", "provider", gbp("1.00"), day(2025, 4, 2)).memo(memo.as_str()),
        )
        .unwrap_err(),
        "memo",
    );
    let key = "k".repeat(MAX_METADATA_KEY_LEN + 1);
    too_large(l.post(entry().meta(key, "v")).unwrap_err(), "metadata key");
    let value = "v".repeat(MAX_METADATA_VALUE_LEN + 1);
    too_large(
        l.post(entry().meta("k", value)).unwrap_err(),
        "metadata value",
    );
    let mut many = entry();
    for i in 0..=MAX_METADATA_ENTRIES {
        many = many.meta(format!("k{i}"), "v");
    }
    too_large(l.post(many).unwrap_err(), "metadata (pairs)");
    let mut account = NewAccount::new("b", AccountKind::Asset, Currency::GBP);
    account.tags = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
    too_large(l.open_account(account).unwrap_err(), "account tags");
    assert_eq!(l, before);

    // Exactly at the limits is fine.
    let mut full = NewEntry::new("full", day(2025, 4, 2))
        .memo("m".repeat(MAX_MEMO_LEN))
        .transfer("fund", "provider", gbp("1.00"));
    for i in 0..MAX_METADATA_ENTRIES - 1 {
        full = full.meta(format!("k{i}"), "v");
    }
    full = full.meta(
        "k".repeat(MAX_METADATA_KEY_LEN),
        "v".repeat(MAX_METADATA_VALUE_LEN),
    );
    let _ = l.post(full).unwrap();
    let text = log_of(&l);
    assert_eq!(Ledger::replay(text.as_bytes()).unwrap(), l);
}

#[test]
fn a_line_longer_than_the_limit_is_refused_without_reading_it_whole() {
    use std::io::{BufReader, Read};
    let head = log_of(&ledger());
    let endless = std::io::repeat(b' ').take(MAX_LINE_LEN as u64 + 10);
    let reader = BufReader::new(head.as_bytes().chain(endless));
    let err = Ledger::replay(reader).unwrap_err();
    assert!(matches!(err, LogError::LineTooLong { line: 5 }), "{err:?}");
    assert!(err.to_string().len() < 100);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text either reads as money that writes back as the same value, or is refused; never
    /// a panic. What reads is canonical: digits, at most one '.', an optional leading '-'.
    #[test]
    fn any_text_reads_as_canonical_money_or_is_refused(text in "[-+0-9._eE ,]{0,12}(GBP|EUR|KWD:3|XYZ)?") {
        if let Ok(m) = text.parse::<Money>() {
            let (amount, _) = text.split_once(' ').unwrap();
            let unsigned = amount.strip_prefix('-').unwrap_or(amount);
            prop_assert!(unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
            prop_assert!(!unsigned.starts_with('.') && !unsigned.ends_with('.'));
            prop_assert!(!(unsigned.len() > 1 && unsigned.starts_with('0') && !unsigned.starts_with("0.")));
            let back: Money = m.to_string().parse().unwrap();
            prop_assert_eq!(back, m);
        }
    }

    /// Every written amount reads back to itself.
    #[test]
    fn written_amounts_read_back(minor in any::<i64>(), scale in 0u32..=8) {
        let m = Money::new(rust_decimal::Decimal::new(minor, scale), Currency::GBP);
        let back: Money = m.to_string().parse().unwrap();
        prop_assert_eq!(back, m);
    }

    /// Any arbitrary text as an id or memo is accepted or refused with a typed error; never a
    /// panic, and an accepted id replays from the log.
    #[test]
    fn any_id_is_accepted_or_refused(id in "\\PC{0,6}[\u{0}-\u{3000}]{0,3}", memo in ".{0,8}") {
        let mut l = ledger();
        let entry = NewEntry::new(id.as_str(), day(2025, 4, 2))
            .memo(memo.as_str())
            .transfer("fund", "provider", gbp("1.00"));
        match l.post(entry) {
            Ok(_) => {
                let text = log_of(&l);
                prop_assert_eq!(Ledger::replay(text.as_bytes()).unwrap(), l);
            }
            Err(LedgerError::InvalidId { id: echoed, .. }) => {
                prop_assert!(echoed.chars().count() <= 41);
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    /// Any date is in the range and accepted, or outside it and refused; the log of what was
    /// accepted replays.
    #[test]
    fn any_date_is_in_range_or_refused(days in -1_000_000i64..1_000_000) {
        let date = day(2000, 1, 1) + chrono::Duration::days(days);
        let mut l = ledger();
        let result = l.post(NewEntry::new("e", date).transfer("fund", "provider", gbp("1.00")));
        if date_in_range(date) {
            prop_assert!(result.is_ok(), "{:?}", result);
            prop_assert_eq!(Ledger::replay(log_of(&l).as_bytes()).unwrap(), l);
        } else {
            let refused = matches!(result, Err(LedgerError::DateOutOfRange { .. }));
            prop_assert!(refused);
        }
    }

    /// A log line of arbitrary bytes is read or refused naming its line; never a panic.
    #[test]
    fn any_line_is_read_or_refused_by_line(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut text = log_of(&ledger()).into_bytes();
        text.extend_from_slice(&bytes);
        if let Err(err) = Ledger::replay(text.as_slice()) {
            prop_assert!(err.line() >= 5);
        }
    }
}
