//! One test per error variant: each situation is built through the public API, the variant is
//! matched, and its message is checked to start in lowercase and to name the value at fault
//! (Rust API guidelines C-GOOD-ERR).
//!
//! Two `LedgerError` variants cannot be reached through the API in a test, and are not faked:
//!
//! * `Overflow`: every amount the ledger takes is at most `MAX_AMOUNT` (10^15), and a ledger
//!   holds at most `u32::MAX` postings and holds, so no balance or held total can exceed
//!   about 4.3 × 10^27, below a decimal's range (7.9 × 10^28). Reaching it would need more
//!   postings than the ledger can hold.
//! * `CapacityExceeded`: it needs `u32::MAX` entries, postings, holds or accounts, or more than
//!   4 GiB of id and memo text, which a test cannot allocate.
//!
//! For those two, only the message format is checked, on a value built by hand.

mod support;

use std::io::{self, BufRead, BufReader, Read};

use chrono::NaiveDate;
use isf_ledger::{
    AccountKind, BalanceRule, Currency, Ledger, LedgerError, LogError, MAX_AMOUNT, MAX_POSTINGS,
    Money, MoneyError, NewAccount, NewEntry, NewHold,
};
use rust_decimal::Decimal;
use support::gbp;

/// A day in April 2025.
fn day(d: u32) -> NaiveDate {
    support::d(2025, 4, d)
}

/// A ledger with `council` (income), `fund` (a non-negative fund holding 100.00), `provider`
/// (expense) in GBP and `euro` (asset) in EUR.
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
    l.open_account(NewAccount::new("euro", AccountKind::Asset, Currency::EUR))
        .unwrap();
    // The receipt's sequence number is not needed here.
    let _ = l
        .post(NewEntry::new("fund-in", day(1)).transfer("council", "fund", gbp("100.00")))
        .unwrap();
    l
}

/// Each message of the error's [`source`](std::error::Error::source) chain starts with
/// something other than a capital letter, has no trailing period and does not repeat its cause's
/// message; and the chain, read as a whole, names every value in `names`.
#[track_caller]
fn check_message(err: &(dyn std::error::Error + 'static), names: &[&str]) {
    let mut chain = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let msg = e.to_string();
        let first = msg.chars().next().expect("an error message is not empty");
        assert!(!first.is_uppercase(), "message starts in uppercase: {msg}");
        assert!(!msg.ends_with('.'), "message ends with a period: {msg}");
        chain.push(msg);
        next = e.source();
    }
    for pair in chain.windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "message {:?} repeats its cause {:?}",
            pair[0],
            pair[1]
        );
    }
    let report = chain.join(": ");
    for name in names {
        assert!(
            report.contains(name),
            "message {report:?} does not name {name:?}"
        );
    }
}

/// Runs an operation that must fail, checks it changed nothing, and returns the error.
#[track_caller]
fn refused<T: std::fmt::Debug>(
    l: &mut Ledger,
    op: impl FnOnce(&mut Ledger) -> Result<T, LedgerError>,
) -> LedgerError {
    let before = l.clone();
    let err = op(l).expect_err("the operation should be refused");
    assert_eq!(*l, before, "a refused operation changed the ledger");
    err
}

// ----- LedgerError ---------------------------------------------------------------------------

#[test]
fn unknown_account() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("e", day(2)).transfer("council", "ghost", gbp("1.00")))
    });
    assert!(matches!(&err, LedgerError::UnknownAccount { account } if account.as_str() == "ghost"));
    check_message(&err, &["ghost"]);
    assert!(matches!(
        l.balance("nobody"),
        Err(LedgerError::UnknownAccount { .. })
    ));
    assert!(matches!(
        l.close_account("nobody"),
        Err(LedgerError::UnknownAccount { .. })
    ));
}

#[test]
fn account_closed() {
    let mut l = ledger();
    l.open_account(NewAccount::new("spare", AccountKind::Asset, Currency::GBP))
        .unwrap();
    l.close_account("spare").unwrap();
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("e", day(2)).transfer("council", "spare", gbp("1.00")))
    });
    assert!(matches!(&err, LedgerError::AccountClosed { account } if account.as_str() == "spare"));
    check_message(&err, &["spare"]);
    let err = refused(&mut l, |l| {
        l.place_hold(NewHold::new("h", "fund", "spare", gbp("1.00"), day(2)))
    });
    assert!(matches!(err, LedgerError::AccountClosed { .. }));
}

#[test]
fn account_exists() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.open_account(NewAccount::new("fund", AccountKind::Fund, Currency::EUR))
    });
    assert!(matches!(&err, LedgerError::AccountExists { account } if account.as_str() == "fund"));
    check_message(&err, &["fund"]);
    // The same details again are not an error.
    l.open_account(
        NewAccount::new("fund", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative),
    )
    .unwrap();
}

#[test]
fn account_not_empty() {
    let mut l = ledger();
    let err = refused(&mut l, |l| l.close_account("fund"));
    assert!(matches!(
        &err,
        LedgerError::AccountNotEmpty { account, balance, held }
            if account.as_str() == "fund" && *balance == gbp("100.00") && held.is_zero()
    ));
    check_message(&err, &["fund", "100.00 GBP"]);

    // Zero balance but money held is not empty either.
    l.open_account(NewAccount::new("pot", AccountKind::Asset, Currency::GBP))
        .unwrap();
    // The receipt's sequence number is not needed here.
    let _ = l
        .post(NewEntry::new("pot-in", day(2)).transfer("council", "pot", gbp("5.00")))
        .unwrap();
    l.place_hold(NewHold::new("h", "pot", "provider", gbp("5.00"), day(2)))
        .unwrap();
    // The receipt's sequence number is not needed here.
    let _ = l
        .post(NewEntry::new("pot-out", day(2)).transfer("pot", "council", gbp("5.00")))
        .unwrap();
    let err = refused(&mut l, |l| l.close_account("pot"));
    assert!(matches!(
        &err,
        LedgerError::AccountNotEmpty { balance, held, .. }
            if balance.is_zero() && *held == gbp("5.00")
    ));
    check_message(&err, &["pot", "5.00 GBP"]);
}

#[test]
fn invalid_id() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.open_account(NewAccount::new("", AccountKind::Asset, Currency::GBP))
    });
    assert!(matches!(&err, LedgerError::InvalidId { what: "account", id, .. } if id.is_empty()));
    check_message(&err, &["account", "\"\""]);

    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("bad\nid", day(2)).transfer("council", "fund", gbp("1.00")))
    });
    assert!(matches!(&err, LedgerError::InvalidId { what: "entry", id, .. } if id == "bad\nid"));
    check_message(&err, &["entry", "\"bad\\nid\""]);

    let long = "h".repeat(isf_ledger::MAX_ID_LEN + 1);
    let err = refused(&mut l, |l| {
        l.place_hold(NewHold::new(
            long.as_str(),
            "fund",
            "provider",
            gbp("1.00"),
            day(2),
        ))
    });
    // The error names the id by a short prefix, never the whole of a long one.
    assert!(
        matches!(&err, LedgerError::InvalidId { what: "hold", id, .. } if *id == format!("{}…", &long[..40]))
    );
    check_message(&err, &["hold", &long[..40]]);
    assert!(!err.to_string().contains(&long[..41]));

    // An id of exactly the longest length is fine.
    let longest = "a".repeat(isf_ledger::MAX_ID_LEN);
    l.open_account(NewAccount::new(
        longest.as_str(),
        AccountKind::Asset,
        Currency::GBP,
    ))
    .unwrap();
}

#[test]
fn currency_mismatch() {
    let mut l = ledger();
    let eur: Money = "1.00 EUR".parse().unwrap();
    let err = refused(&mut l, |l| {
        l.post(
            NewEntry::new("e", day(2))
                .posting("euro", eur.negate())
                .posting("fund", eur),
        )
    });
    assert!(matches!(
        &err,
        LedgerError::CurrencyMismatch { account, expected: Currency::GBP, amount }
            if account.as_str() == "fund" && *amount == eur
    ));
    check_message(&err, &["fund", "GBP", "1.00 EUR"]);
    let err = refused(&mut l, |l| {
        l.place_hold(NewHold::new("h", "fund", "euro", gbp("1.00"), day(2)))
    });
    assert!(
        matches!(&err, LedgerError::CurrencyMismatch { account, .. } if account.as_str() == "euro")
    );
}

#[test]
fn unbalanced() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.post(
            NewEntry::new("lopsided", day(2))
                .posting("council", gbp("-10.00"))
                .posting("provider", gbp("9.99")),
        )
    });
    assert!(matches!(
        &err,
        LedgerError::Unbalanced { entry, currency: Currency::GBP, total }
            if entry.as_str() == "lopsided" && *total == Decimal::new(-1, 2)
    ));
    check_message(&err, &["lopsided", "GBP", "-0.01"]);
}

#[test]
fn posting_count() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("single", day(2)).posting("fund", gbp("0.00")))
    });
    assert!(matches!(
        &err,
        LedgerError::PostingCount { entry, count: 1 } if entry.as_str() == "single"
    ));
    check_message(&err, &["single", "1 postings"]);

    let mut big = NewEntry::new("huge", day(2));
    for _ in 0..=MAX_POSTINGS / 2 {
        big = big.transfer("council", "provider", gbp("0.01"));
    }
    let count = big.postings.len();
    assert!(count > MAX_POSTINGS);
    let err = refused(&mut l, |l| l.post(big));
    assert!(matches!(&err, LedgerError::PostingCount { count: c, .. } if *c == count));
    check_message(&err, &["huge", &count.to_string()]);
}

#[test]
fn too_many_decimals() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("e", day(2)).transfer("council", "provider", gbp("1.234")))
    });
    assert!(matches!(
        &err,
        LedgerError::TooManyDecimals { amount, currency: Currency::GBP, minor_units: 2 }
            if amount.amount().abs() == Decimal::new(1234, 3)
    ));
    check_message(&err, &["1.234", "GBP", "2"]);

    // A limit must be exact too.
    let err = refused(&mut l, |l| {
        l.open_account(
            NewAccount::new("odd", AccountKind::Fund, Currency::GBP)
                .rule(BalanceRule::AtLeast(Decimal::new(-5001, 3))),
        )
    });
    assert!(matches!(err, LedgerError::TooManyDecimals { .. }));
    check_message(&err, &["-5.001"]);
}

#[test]
fn amount_out_of_range() {
    let mut l = ledger();
    let too_big = Money::new(MAX_AMOUNT + Decimal::new(1, 2), Currency::GBP);
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("e", day(2)).transfer("council", "provider", too_big))
    });
    assert!(matches!(
        &err,
        LedgerError::AmountOutOfRange { amount } if amount.amount().abs() == too_big.amount()
    ));
    check_message(&err, &["1000000000000000.01"]);

    // With more than two decimal places the limit is 10^17 minor units: 10^9 with eight.
    let c8 = Currency::new("XBT", 8).unwrap();
    l.open_account(NewAccount::new("x", AccountKind::Asset, c8))
        .unwrap();
    l.open_account(NewAccount::new("y", AccountKind::Asset, c8))
        .unwrap();
    let most = Money::new(Decimal::from(1_000_000_000i64), c8);
    let over = Money::new(most.amount() + Decimal::new(1, 8), c8);
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("e8", day(2)).transfer("x", "y", over))
    });
    check_message(&err, &["1000000000.00000001 XBT:8"]);
    // The receipt's sequence number is not needed here.
    let _ = l
        .post(NewEntry::new("e8", day(2)).transfer("x", "y", most))
        .unwrap();

    // MAX_AMOUNT itself is accepted.
    // The receipt's sequence number is not needed here.
    let _ = l
        .post(NewEntry::new("max", day(2)).transfer(
            "council",
            "provider",
            Money::new(MAX_AMOUNT, Currency::GBP),
        ))
        .unwrap();
    // Only that the books verify matters here, not the counts.
    let _ = l.verify().unwrap();
}

#[test]
fn not_positive() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.place_hold(NewHold::new("h", "fund", "provider", gbp("0.00"), day(2)))
    });
    assert!(matches!(
        &err,
        LedgerError::NotPositive { what: "a hold", amount } if amount.is_zero()
    ));
    check_message(&err, &["a hold", "0.00 GBP"]);

    l.place_hold(NewHold::new("h", "fund", "provider", gbp("10.00"), day(2)))
        .unwrap();
    let err = refused(&mut l, |l| l.settle_hold("h", "s", gbp("-1.00"), day(3)));
    assert!(matches!(
        &err,
        LedgerError::NotPositive {
            what: "a settlement",
            ..
        }
    ));
    check_message(&err, &["a settlement", "-1.00 GBP"]);
}

#[test]
fn limit_breached() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("e", day(2)).transfer("fund", "provider", gbp("100.01")))
    });
    assert!(matches!(
        &err,
        LedgerError::LimitBreached { account, available, change, limit }
            if account.as_str() == "fund"
                && *available == gbp("100.00")
                && *change == gbp("-100.01")
                && limit.is_zero()
    ));
    check_message(&err, &["fund", "100.00 GBP", "-100.01 GBP", "0.00 GBP"]);

    // A hold counts against the limit.
    l.place_hold(NewHold::new("h", "fund", "provider", gbp("60.00"), day(2)))
        .unwrap();
    let err = refused(&mut l, |l| {
        l.place_hold(NewHold::new("h2", "fund", "provider", gbp("40.01"), day(2)))
    });
    assert!(matches!(err, LedgerError::LimitBreached { .. }));
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("e", day(2)).transfer("fund", "provider", gbp("40.01")))
    });
    assert!(matches!(err, LedgerError::LimitBreached { .. }));

    // An agreed overdraft is a negative limit.
    l.open_account(
        NewAccount::new("od", AccountKind::Fund, Currency::GBP)
            .rule(BalanceRule::AtLeast(Decimal::new(-5000, 2))),
    )
    .unwrap();
    // The receipt's sequence number is not needed here.
    let _ = l
        .post(NewEntry::new("od-1", day(2)).transfer("od", "provider", gbp("50.00")))
        .unwrap();
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("od-2", day(2)).transfer("od", "provider", gbp("0.01")))
    });
    check_message(&err, &["od", "-50.00 GBP"]);
}

#[test]
fn duplicate_entry() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("fund-in", day(1)).transfer("council", "fund", gbp("100.01")))
    });
    assert!(matches!(&err, LedgerError::DuplicateEntry { entry } if entry.as_str() == "fund-in"));
    check_message(&err, &["fund-in"]);
}

#[test]
fn duplicate_in_batch_and_batch() {
    let mut l = ledger();
    let a = NewEntry::new("twice", day(2)).transfer("council", "provider", gbp("1.00"));
    let b = NewEntry::new("twice", day(2)).transfer("council", "provider", gbp("2.00"));
    let ok = NewEntry::new("fine", day(2)).transfer("council", "provider", gbp("3.00"));
    let err = refused(&mut l, |l| l.post_batch(vec![ok, a, b]));
    let LedgerError::Batch { index, source } = &err else {
        panic!("expected a batch error, got {err:?}");
    };
    assert_eq!(*index, 2);
    assert!(
        matches!(&**source, LedgerError::DuplicateInBatch { entry } if entry.as_str() == "twice")
    );
    check_message(&**source, &["twice"]);
    check_message(&err, &["2", "twice"]);
    assert!(std::error::Error::source(&err).is_some());

    // The batch error names the entry that failed and why.
    let bad = NewEntry::new("bad", day(2)).transfer("council", "ghost", gbp("1.00"));
    let err = refused(&mut l, |l| l.post_batch(vec![bad]));
    assert!(matches!(
        &err,
        LedgerError::Batch { index: 0, source } if matches!(**source, LedgerError::UnknownAccount { .. })
    ));
    check_message(&err, &["0", "ghost"]);
}

#[test]
fn period_closed() {
    let mut l = ledger();
    l.close_period(day(10)).unwrap();
    let err = refused(&mut l, |l| {
        l.post(NewEntry::new("late", day(10)).transfer("council", "provider", gbp("1.00")))
    });
    assert!(matches!(
        &err,
        LedgerError::PeriodClosed { date, closed_through } if *date == day(10) && *closed_through == day(10)
    ));
    check_message(&err, &["2025-04-10"]);
    let err = refused(&mut l, |l| {
        l.place_hold(NewHold::new("h", "fund", "provider", gbp("1.00"), day(9)))
    });
    assert!(matches!(err, LedgerError::PeriodClosed { .. }));
    check_message(&err, &["2025-04-09", "2025-04-10"]);
    let err = refused(&mut l, |l| l.reverse("fund-in", "r", day(3), ""));
    assert!(matches!(err, LedgerError::PeriodClosed { .. }));
    // The day after is open.
    // The receipt's sequence number is not needed here.
    let _ = l
        .post(NewEntry::new("late", day(11)).transfer("council", "provider", gbp("1.00")))
        .unwrap();
}

#[test]
fn already_closed() {
    let mut l = ledger();
    l.close_period(day(10)).unwrap();
    let err = refused(&mut l, |l| l.close_period(day(9)));
    assert!(matches!(
        &err,
        LedgerError::AlreadyClosed { through, closed_through }
            if *through == day(9) && *closed_through == day(10)
    ));
    check_message(&err, &["2025-04-09", "2025-04-10"]);
}

#[test]
fn unknown_entry() {
    let mut l = ledger();
    let err = refused(&mut l, |l| l.reverse("nothing", "r", day(3), ""));
    assert!(matches!(&err, LedgerError::UnknownEntry { entry } if entry.as_str() == "nothing"));
    check_message(&err, &["nothing"]);
    let err = refused(&mut l, |l| {
        l.post(
            NewEntry::new("fix", day(3))
                .transfer("council", "provider", gbp("1.00"))
                .corrects("nowhere"),
        )
    });
    assert!(matches!(&err, LedgerError::UnknownEntry { entry } if entry.as_str() == "nowhere"));
}

#[test]
fn already_reversed() {
    let mut l = ledger();
    // The receipt's sequence number is not needed here.
    let _ = l.reverse("fund-in", "undo-1", day(3), "").unwrap();
    let err = refused(&mut l, |l| l.reverse("fund-in", "undo-2", day(3), ""));
    assert!(matches!(
        &err,
        LedgerError::AlreadyReversed { entry, reversal }
            if entry.as_str() == "fund-in" && reversal.as_str() == "undo-1"
    ));
    check_message(&err, &["fund-in", "undo-1"]);
}

#[test]
fn reversal_of_reversal() {
    let mut l = ledger();
    // The receipt's sequence number is not needed here.
    let _ = l.reverse("fund-in", "undo", day(3), "").unwrap();
    let err = refused(&mut l, |l| l.reverse("undo", "redo", day(3), ""));
    assert!(matches!(&err, LedgerError::ReversalOfReversal { entry } if entry.as_str() == "undo"));
    check_message(&err, &["undo"]);
}

#[test]
fn unknown_hold() {
    let mut l = ledger();
    let err = refused(&mut l, |l| l.release_hold("nope"));
    assert!(matches!(&err, LedgerError::UnknownHold { hold } if hold.as_str() == "nope"));
    check_message(&err, &["nope"]);
    let err = refused(&mut l, |l| l.settle_hold("nope", "s", gbp("1.00"), day(2)));
    assert!(matches!(err, LedgerError::UnknownHold { .. }));
}

#[test]
fn duplicate_hold() {
    let mut l = ledger();
    let hold = NewHold::new("h", "fund", "provider", gbp("10.00"), day(2));
    l.place_hold(hold.clone()).unwrap();
    l.place_hold(hold).unwrap();
    let err = refused(&mut l, |l| {
        l.place_hold(NewHold::new("h", "fund", "provider", gbp("11.00"), day(2)))
    });
    assert!(matches!(&err, LedgerError::DuplicateHold { hold } if hold.as_str() == "h"));
    check_message(&err, &["hold h"]);
}

#[test]
fn hold_settled() {
    let mut l = ledger();
    l.place_hold(NewHold::new("h", "fund", "provider", gbp("10.00"), day(2)))
        .unwrap();
    // The receipt's sequence number is not needed here.
    let _ = l.settle_hold("h", "paid", gbp("10.00"), day(3)).unwrap();
    let err = refused(&mut l, |l| {
        l.settle_hold("h", "paid-again", gbp("10.00"), day(3))
    });
    assert!(matches!(&err, LedgerError::HoldSettled { hold } if hold.as_str() == "h"));
    check_message(&err, &["hold h"]);
    let err = refused(&mut l, |l| l.release_hold("h"));
    assert!(matches!(err, LedgerError::HoldSettled { .. }));
}

#[test]
fn hold_released() {
    let mut l = ledger();
    l.place_hold(NewHold::new("h", "fund", "provider", gbp("10.00"), day(2)))
        .unwrap();
    l.release_hold("h").unwrap();
    // Releasing again is a repeat, like placing the same hold again: nothing changes.
    let before = l.clone();
    l.release_hold("h").unwrap();
    assert_eq!(l, before);
    let err = refused(&mut l, |l| l.settle_hold("h", "s", gbp("1.00"), day(3)));
    assert!(matches!(&err, LedgerError::HoldReleased { hold } if hold.as_str() == "h"));
    check_message(&err, &["hold h"]);
    let err = refused(&mut l, |l| l.settle_hold("h", "s", gbp("1.00"), day(3)));
    assert!(matches!(err, LedgerError::HoldReleased { .. }));
}

#[test]
fn hold_expired() {
    let mut l = ledger();
    l.place_hold(NewHold::new("h", "fund", "provider", gbp("10.00"), day(2)).expires_on(day(5)))
        .unwrap();
    // Settling on or after the expiry date is refused even before expire_holds runs.
    let err = refused(&mut l, |l| l.settle_hold("h", "s", gbp("1.00"), day(5)));
    assert!(matches!(
        &err,
        LedgerError::HoldExpired { hold, expired_on } if hold.as_str() == "h" && *expired_on == day(5)
    ));
    check_message(&err, &["hold h", "2025-04-05"]);
    assert_eq!(l.expire_holds(day(5)), vec!["h".into()]);
    let err = refused(&mut l, |l| l.release_hold("h"));
    assert!(matches!(err, LedgerError::HoldExpired { .. }));
    check_message(&err, &["hold h", "2025-04-05"]);
}

#[test]
fn settle_exceeds_hold() {
    let mut l = ledger();
    l.place_hold(NewHold::new("h", "fund", "provider", gbp("10.00"), day(2)))
        .unwrap();
    let err = refused(&mut l, |l| l.settle_hold("h", "s", gbp("10.01"), day(3)));
    assert!(matches!(
        &err,
        LedgerError::SettleExceedsHold { hold, held, requested }
            if hold.as_str() == "h" && *held == gbp("10.00") && *requested == gbp("10.01")
    ));
    check_message(&err, &["hold h", "10.00 GBP", "10.01 GBP"]);
}

#[test]
fn invalid_hold() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.place_hold(NewHold::new("self", "fund", "fund", gbp("1.00"), day(2)))
    });
    assert!(matches!(&err, LedgerError::InvalidHold { hold, .. } if hold.as_str() == "self"));
    check_message(&err, &["hold self"]);
    let err = refused(&mut l, |l| {
        l.place_hold(
            NewHold::new("backwards", "fund", "provider", gbp("1.00"), day(2)).expires_on(day(2)),
        )
    });
    assert!(matches!(&err, LedgerError::InvalidHold { hold, .. } if hold.as_str() == "backwards"));
    check_message(&err, &["hold backwards", "expire"]);
}

/// Not reachable through the API (see the module docs); only the message format is checked.
#[test]
fn overflow_message() {
    let err = LedgerError::Overflow {
        operation: "balance of fund plus 1.00".into(),
    };
    check_message(&err, &["balance of fund plus 1.00"]);
}

/// Not reachable through the API in a test (see the module docs); only the message format is
/// checked.
#[test]
fn capacity_exceeded_message() {
    let err = LedgerError::CapacityExceeded { what: "entries" };
    check_message(&err, &["entries"]);
}

// ----- MoneyError ----------------------------------------------------------------------------

#[test]
fn money_currency_mismatch() {
    let eur: Money = "1.00 EUR".parse().unwrap();
    let err = gbp("1.00").checked_add(eur).unwrap_err();
    assert!(matches!(
        err,
        MoneyError::CurrencyMismatch {
            left: Currency::GBP,
            right: Currency::EUR
        }
    ));
    check_message(&err, &["GBP", "EUR"]);
}

#[test]
fn money_overflow() {
    let max = Money::new(Decimal::MAX, Currency::GBP);
    let err = max.checked_add(gbp("1.00")).unwrap_err();
    assert!(matches!(err, MoneyError::Overflow { .. }));
    check_message(&err, &["79228162514264337593543950335"]);
    let err = max.checked_mul(Decimal::TWO).unwrap_err();
    assert!(matches!(err, MoneyError::Overflow { .. }));
}

#[test]
fn money_too_many_decimals() {
    let err = gbp("3.333").exact().unwrap_err();
    assert!(matches!(
        err,
        MoneyError::TooManyDecimals { currency: Currency::GBP, minor_units: 2, amount }
            if amount == Decimal::new(3333, 3)
    ));
    check_message(&err, &["3.333", "GBP", "2"]);
    assert!(matches!(
        gbp("3.333").allocate(2),
        Err(MoneyError::TooManyDecimals { .. })
    ));
}

#[test]
fn money_invalid_currency() {
    let err = Currency::new("gbp", 2).unwrap_err();
    assert!(matches!(&err, MoneyError::InvalidCurrency { code, .. } if code == "gbp"));
    check_message(&err, &["\"gbp\""]);
    let err = Currency::new("KWD", 9).unwrap_err();
    check_message(&err, &["\"KWD\""]);
    let err = "XYZ".parse::<Currency>().unwrap_err();
    assert!(matches!(err, MoneyError::InvalidCurrency { .. }));
    check_message(&err, &["\"XYZ\""]);
}

#[test]
fn money_parse() {
    let err = "twelve GBP".parse::<Money>().unwrap_err();
    assert!(matches!(&err, MoneyError::Parse { input, .. } if input == "twelve GBP"));
    check_message(&err, &["\"twelve GBP\""]);
    let err = "12.50".parse::<Money>().unwrap_err();
    check_message(&err, &["\"12.50\""]);
}

#[test]
fn money_invalid_allocation() {
    let err = gbp("10.00").allocate(0).unwrap_err();
    assert!(
        matches!(&err, MoneyError::InvalidAllocation { amount, .. } if *amount == gbp("10.00"))
    );
    check_message(&err, &["10.00 GBP"]);
    let err = gbp("10.00").allocate_by_weights(&[0, 0]).unwrap_err();
    assert!(matches!(err, MoneyError::InvalidAllocation { .. }));
    let err = gbp("10.00").allocate_by_weights(&[]).unwrap_err();
    assert!(matches!(err, MoneyError::InvalidAllocation { .. }));
}

// ----- LogError ------------------------------------------------------------------------------

const OPEN_BANK: &str = r#"{"v":1,"open_account":{"id":"bank","kind":"asset","currency":"GBP"}}"#;

#[test]
fn log_json_names_line_and_column() {
    let text = format!("{OPEN_BANK}\n\n{{\"v\":1,\"post\":{{\"id\":}}\n");
    let err = Ledger::replay(text.as_bytes()).unwrap_err();
    let LogError::Json {
        line,
        column,
        message,
    } = &err
    else {
        panic!("expected a JSON error, got {err:?}");
    };
    // Blank lines count: the bad record is on line 3.
    assert_eq!(*line, 3);
    assert_eq!(err.line(), 3);
    assert_eq!(*column, 21, "{message}");
    check_message(&err, &["line 3", "column 21"]);
    // The message names the log's line, not serde_json's "line 1" of the one record it parsed.
    assert!(!err.to_string().contains("line 1"), "{err}");

    // The column counts from the start of the line, indentation included.
    let text = format!("{OPEN_BANK}\n   {{\"v\":1,\"post\":{{\"id\":}}\n");
    let err = Ledger::replay(text.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            LogError::Json {
                line: 2,
                column: 24,
                ..
            }
        ),
        "{err:?}"
    );

    let err = Ledger::replay("{\"v\":1,\"teleport\":{}}\n".as_bytes()).unwrap_err();
    assert!(matches!(err, LogError::Json { line: 1, .. }));
    check_message(&err, &["line 1", "teleport"]);
}

#[test]
fn log_version() {
    let text = format!("{OPEN_BANK}\n{}\n", OPEN_BANK.replace("\"v\":1", "\"v\":2"));
    let err = Ledger::replay(text.as_bytes()).unwrap_err();
    assert!(matches!(err, LogError::Version { line: 2, found: 2 }));
    check_message(&err, &["line 2", "version 2"]);
}

#[test]
fn log_rejected() {
    let post = r#"{"v":1,"post":{"id":"e1","date":"2025-04-01","postings":[{"account":"bank","amount":"-1.00 GBP"},{"account":"ghost","amount":"1.00 GBP"}]}}"#;
    let text = format!("{OPEN_BANK}\n{post}\n");
    let err = Ledger::replay(text.as_bytes()).unwrap_err();
    assert!(matches!(
        &err,
        LogError::Rejected { line: 2, source: LedgerError::UnknownAccount { account } }
            if account.as_str() == "ghost"
    ));
    check_message(&err, &["line 2", "ghost"]);
    assert!(std::error::Error::source(&err).is_some());

    // The lines before the bad one stay applied in an import.
    let mut l = Ledger::new();
    let err = l.import_jsonl(text.as_bytes()).unwrap_err();
    assert_eq!(err.line(), 2);
    assert!(l.account("bank").is_ok());
}

/// Yields its text, then fails.
struct FailingReader {
    text: &'static [u8],
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.text.is_empty() {
            return Err(io::Error::other("disk on fire"));
        }
        let n = self.text.len().min(buf.len());
        buf[..n].copy_from_slice(&self.text[..n]);
        self.text = &self.text[n..];
        Ok(n)
    }
}

#[test]
fn log_io() {
    let text: &'static str =
        "{\"v\":1,\"open_account\":{\"id\":\"bank\",\"kind\":\"asset\",\"currency\":\"GBP\"}}\n";
    let reader: Box<dyn BufRead> = Box::new(BufReader::new(FailingReader {
        text: text.as_bytes(),
    }));
    let err = Ledger::replay(reader).unwrap_err();
    let LogError::Io { line, source } = &err else {
        panic!("expected an I/O error, got {err:?}");
    };
    assert_eq!(*line, 2);
    assert_eq!(source.to_string(), "disk on fire");
    // The reader's error is the source, kept as an io::Error, and not repeated in the message.
    check_message(&err, &["line 2", "disk on fire"]);
    assert_eq!(err.to_string(), "line 2: cannot read");
    let source = std::error::Error::source(&err).expect("the reader's error");
    assert_eq!(
        source
            .downcast_ref::<io::Error>()
            .expect("an io::Error")
            .kind(),
        io::ErrorKind::Other
    );
    let err = isf_ledger::Error::from(err);
    assert!(err.is_io());
    assert!(std::error::Error::source(&err).unwrap().is::<io::Error>());
}

#[test]
fn invalid_rule() {
    let mut l = ledger();
    let err = refused(&mut l, |l| {
        l.open_account(
            NewAccount::new("floor", AccountKind::Asset, Currency::GBP)
                .rule(BalanceRule::AtLeast(Decimal::new(100, 2))),
        )
    });
    assert!(matches!(err, LedgerError::InvalidRule { .. }));
    check_message(&err, &["floor", "1.00 GBP"]);
}

#[test]
fn settling_before_the_hold_was_placed_is_refused() {
    let mut l = ledger();
    l.place_hold(NewHold::new(
        "h",
        "fund",
        "provider",
        Money::from_minor(500, Currency::GBP),
        day(5),
    ))
    .unwrap();
    let err = refused(&mut l, |l| {
        l.settle_hold("h", "s", Money::from_minor(500, Currency::GBP), day(4))
            .map(|_| ())
    });
    assert!(matches!(err, LedgerError::InvalidHold { .. }));
    check_message(&err, &["h"]);
}

// ----- the crate error: kinds, accessors, source chains ---------------------------------------

mod crate_error {
    use std::error::Error as _;
    use std::io;

    use chrono::NaiveDate;
    use isf_ledger::dp::MonitorError;
    use isf_ledger::isf::{ClaimIssue, DrawdownError};
    use isf_ledger::reconcile::ReconcileError;
    use isf_ledger::report::{JournalError, JournalFormat, ReportError};
    use isf_ledger::{
        BudgetError, Currency, DeployError, Error, ErrorKind, LedgerError, LogError, MoneyError,
        Period, PeriodError, VerifyError,
    };
    use rust_decimal::Decimal;

    use super::support::gbp;

    fn day() -> NaiveDate {
        super::day(1)
    }

    fn period() -> Period {
        "2025-04-01..2025-05-01".parse().unwrap()
    }

    fn disk() -> io::Error {
        io::Error::new(io::ErrorKind::StorageFull, "disk full")
    }

    /// One value of every variant of every area's detail, with the kind it must have. A new
    /// variant that is not added here is still caught: each area's `kind` is an exhaustive
    /// `match` inside the crate, and the counts below say how many variants each area has.
    fn table() -> Vec<(Error, ErrorKind)> {
        use ErrorKind as K;
        let m = gbp("1.00");
        let s = || "x".to_string();
        let unknown = LedgerError::UnknownAccount {
            account: "ghost".into(),
        };
        let money: Vec<(MoneyError, K)> = vec![
            (
                MoneyError::CurrencyMismatch {
                    left: Currency::GBP,
                    right: Currency::EUR,
                },
                K::CurrencyMismatch,
            ),
            (MoneyError::Overflow { operation: s() }, K::Overflow),
            (
                MoneyError::TooManyDecimals {
                    amount: Decimal::new(1001, 3),
                    currency: Currency::GBP,
                    minor_units: 2,
                },
                K::InvalidInput,
            ),
            (
                MoneyError::InvalidCurrency {
                    code: s(),
                    reason: "r",
                },
                K::InvalidInput,
            ),
            (
                MoneyError::Parse {
                    input: s(),
                    reason: "r",
                },
                K::InvalidInput,
            ),
            (
                MoneyError::NotAnAmount {
                    text: s(),
                    currency: Currency::GBP,
                    reason: "r",
                },
                K::InvalidInput,
            ),
            (
                MoneyError::InvalidAllocation {
                    amount: m,
                    reason: "r",
                },
                K::InvalidInput,
            ),
        ];
        let periods: Vec<(PeriodError, K)> = vec![
            (
                PeriodError::EmptyPeriod {
                    start: day(),
                    end: day(),
                },
                K::InvalidInput,
            ),
            (PeriodError::DateOutOfRange { what: s() }, K::Overflow),
            (
                PeriodError::TooManyPeriods {
                    limit: 1,
                    range: period(),
                },
                K::InvalidInput,
            ),
            (
                PeriodError::InvalidFinancialYear {
                    input: s(),
                    reason: "r",
                },
                K::InvalidInput,
            ),
            (
                PeriodError::Parse {
                    input: s(),
                    reason: "r",
                },
                K::InvalidInput,
            ),
        ];
        let ledger: Vec<(LedgerError, K)> = vec![
            (unknown.clone(), K::NotFound),
            (
                LedgerError::AccountClosed {
                    account: "a".into(),
                },
                K::Conflict,
            ),
            (
                LedgerError::AccountExists {
                    account: "a".into(),
                },
                K::AlreadyExists,
            ),
            (
                LedgerError::AccountNotEmpty {
                    account: "a".into(),
                    balance: m,
                    held: m,
                },
                K::Conflict,
            ),
            (
                LedgerError::InvalidRule {
                    account: "a".into(),
                    limit: m,
                },
                K::InvalidInput,
            ),
            (
                LedgerError::InvalidId {
                    what: "entry",
                    id: s(),
                    reason: "r",
                },
                K::InvalidInput,
            ),
            (
                LedgerError::CurrencyMismatch {
                    account: "a".into(),
                    expected: Currency::EUR,
                    amount: m,
                },
                K::CurrencyMismatch,
            ),
            (
                LedgerError::Unbalanced {
                    entry: "e".into(),
                    currency: Currency::GBP,
                    total: Decimal::ONE,
                },
                K::InvalidInput,
            ),
            (
                LedgerError::PostingCount {
                    entry: "e".into(),
                    count: 1,
                },
                K::InvalidInput,
            ),
            (
                LedgerError::TooManyDecimals {
                    amount: m,
                    currency: Currency::GBP,
                    minor_units: 2,
                },
                K::InvalidInput,
            ),
            (LedgerError::AmountOutOfRange { amount: m }, K::InvalidInput),
            (
                LedgerError::NotPositive {
                    what: "w",
                    amount: m,
                },
                K::InvalidInput,
            ),
            (
                LedgerError::LimitBreached {
                    account: "a".into(),
                    available: m,
                    change: m,
                    limit: m,
                },
                K::InsufficientFunds,
            ),
            (
                LedgerError::DuplicateEntry { entry: "e".into() },
                K::AlreadyExists,
            ),
            (
                LedgerError::DuplicateInBatch { entry: "e".into() },
                K::AlreadyExists,
            ),
            (
                LedgerError::PeriodClosed {
                    date: day(),
                    closed_through: day(),
                },
                K::PeriodClosed,
            ),
            (
                LedgerError::AlreadyClosed {
                    through: day(),
                    closed_through: day(),
                },
                K::PeriodClosed,
            ),
            (LedgerError::UnknownEntry { entry: "e".into() }, K::NotFound),
            (
                LedgerError::AlreadyReversed {
                    entry: "e".into(),
                    reversal: "r".into(),
                },
                K::Conflict,
            ),
            (
                LedgerError::ReversalOfReversal { entry: "e".into() },
                K::Conflict,
            ),
            (LedgerError::UnknownHold { hold: "h".into() }, K::NotFound),
            (
                LedgerError::DuplicateHold { hold: "h".into() },
                K::AlreadyExists,
            ),
            (LedgerError::HoldSettled { hold: "h".into() }, K::Conflict),
            (LedgerError::HoldReleased { hold: "h".into() }, K::Conflict),
            (
                LedgerError::HoldExpired {
                    hold: "h".into(),
                    expired_on: day(),
                },
                K::Conflict,
            ),
            (
                LedgerError::SettleExceedsHold {
                    hold: "h".into(),
                    held: m,
                    requested: m,
                },
                K::InsufficientFunds,
            ),
            (
                LedgerError::InvalidHold {
                    hold: "h".into(),
                    reason: "r",
                },
                K::InvalidInput,
            ),
            (LedgerError::Overflow { operation: s() }, K::Overflow),
            (LedgerError::CapacityExceeded { what: "w" }, K::Overflow),
            // A batch or linked group has the kind of the refusal inside it.
            (
                LedgerError::Batch {
                    index: 0,
                    source: Box::new(unknown.clone()),
                },
                K::NotFound,
            ),
            (
                LedgerError::Linked {
                    index: 0,
                    source: Box::new(LedgerError::HoldSettled { hold: "h".into() }),
                },
                K::Conflict,
            ),
            (LedgerError::NestedLinked, K::InvalidInput),
        ];
        let budget: Vec<(BudgetError, K)> = vec![
            (
                BudgetError::CurrencyMismatch {
                    budget: "b".into(),
                    line: s(),
                    amount: m,
                    currency: Currency::EUR,
                },
                K::CurrencyMismatch,
            ),
            (
                BudgetError::Negative {
                    budget: "b".into(),
                    line: s(),
                    amount: m,
                },
                K::InvalidInput,
            ),
            (
                BudgetError::FundingExceedsCost {
                    budget: "b".into(),
                    funding: m,
                    cost: m,
                },
                K::InvalidInput,
            ),
            (
                BudgetError::OutsideValidity {
                    budget: "b".into(),
                    revision: "r".into(),
                    effective: day(),
                    validity: period(),
                },
                K::InvalidInput,
            ),
            (
                BudgetError::DuplicateRevision {
                    budget: "b".into(),
                    revision: "r".into(),
                },
                K::AlreadyExists,
            ),
            (BudgetError::NoTerms { budget: "b".into() }, K::InvalidInput),
            (
                BudgetError::UnknownRevision {
                    budget: "b".into(),
                    revision: "r".into(),
                },
                K::NotFound,
            ),
        ];
        let deploy: Vec<(DeployError, K)> = vec![
            (
                DeployError::InvalidShares {
                    budget: s(),
                    reason: s(),
                },
                K::InvalidInput,
            ),
            (
                DeployError::AnchorAfterStart {
                    budget: s(),
                    anchor: day(),
                    start: day(),
                },
                K::InvalidInput,
            ),
            (
                DeployError::NoPeriodPaid {
                    range: period(),
                    total: m,
                },
                K::InvalidInput,
            ),
            (
                DeployError::UnknownDeployment {
                    budget: s(),
                    name: s(),
                },
                K::NotFound,
            ),
            (
                DeployError::FixedExceedsBudget {
                    budget: s(),
                    period: period(),
                    fixed: m,
                    total: m,
                },
                K::InvalidInput,
            ),
            (
                DeployError::InsufficientFunds {
                    fund: s(),
                    amount: m,
                    available: m,
                },
                K::InsufficientFunds,
            ),
            (
                DeployError::NotPositive {
                    what: "w",
                    amount: m,
                },
                K::InvalidInput,
            ),
        ];
        let drawdown: Vec<(DrawdownError, K)> = vec![
            (
                DrawdownError::NotAnIsf {
                    deployment: s(),
                    kind: s(),
                },
                K::InvalidInput,
            ),
            (
                DrawdownError::InvalidAgreement {
                    agreement: "a".into(),
                    reason: s(),
                },
                K::InvalidInput,
            ),
            (
                DrawdownError::InvalidCode {
                    what: "w",
                    value: s(),
                    reason: "r",
                },
                K::InvalidInput,
            ),
            (
                DrawdownError::InvalidLine {
                    claim: "c".into(),
                    line: 1,
                    reason: s(),
                },
                K::InvalidInput,
            ),
            (
                DrawdownError::ClaimRefused {
                    claim: "c".into(),
                    line: 1,
                    issue: ClaimIssue::Duplicate { of: s() },
                },
                K::Refused,
            ),
            (
                DrawdownError::AlreadySubmitted { claim: "c".into() },
                K::AlreadyExists,
            ),
            (
                DrawdownError::InsufficientFunds {
                    fund: s(),
                    needed: m,
                    available: m,
                },
                K::InsufficientFunds,
            ),
            (
                DrawdownError::UnknownBooking {
                    booking: "b".into(),
                },
                K::NotFound,
            ),
            (
                DrawdownError::DuplicateBooking {
                    booking: "b".into(),
                },
                K::AlreadyExists,
            ),
            (
                DrawdownError::NotDisputed {
                    claim: "c".into(),
                    line: 1,
                },
                K::Conflict,
            ),
            (
                DrawdownError::NotCreditable {
                    note: "n".into(),
                    claim: "c".into(),
                    line: 1,
                    reason: "r",
                },
                K::Conflict,
            ),
            (
                DrawdownError::PeriodClosed {
                    date: day(),
                    closed_through: day(),
                },
                K::PeriodClosed,
            ),
            (
                DrawdownError::BankingOff {
                    agreement: "a".into(),
                },
                K::Conflict,
            ),
            (DrawdownError::NotAMonday { date: day() }, K::InvalidInput),
        ];
        let monitor: Vec<(MonitorError, K)> = vec![
            (
                MonitorError::NotPositive {
                    what: "w",
                    amount: m,
                },
                K::InvalidInput,
            ),
            (MonitorError::EmptyPayee { id: s() }, K::InvalidInput),
            (
                MonitorError::UnknownLiability {
                    fund: s(),
                    liability: s(),
                },
                K::NotFound,
            ),
            (
                MonitorError::LiabilityOverpaid {
                    liability: s(),
                    amount: m,
                    outstanding: m,
                },
                K::InvalidInput,
            ),
            (
                MonitorError::InvalidPercent {
                    percent: Decimal::ONE_HUNDRED,
                },
                K::InvalidInput,
            ),
            (
                MonitorError::InvalidContingency { weeks: 53 },
                K::InvalidInput,
            ),
            (
                MonitorError::OtherDeployment {
                    decision: s(),
                    expected: s(),
                    found: s(),
                },
                K::InvalidInput,
            ),
            (
                MonitorError::InsufficientFunds {
                    fund: s(),
                    amount: m,
                    available: m,
                },
                K::InsufficientFunds,
            ),
            (
                MonitorError::NotEnoughFuturePayments {
                    fund: s(),
                    amount: m,
                    available: m,
                },
                K::InsufficientFunds,
            ),
            (MonitorError::DateOutOfRange { what: s() }, K::Overflow),
            (
                MonitorError::DoesNotTieOut {
                    fund: s(),
                    period: period(),
                    opening: m,
                    money_in: m,
                    money_out: m,
                    closing: m,
                },
                K::Corrupt,
            ),
        ];
        let reconcile: Vec<(ReconcileError, K)> = vec![
            (ReconcileError::EmptyStatement, K::InvalidInput),
            (ReconcileError::Read { source: disk() }, K::Io),
            (
                ReconcileError::Header {
                    line: 1,
                    reason: s(),
                },
                K::InvalidInput,
            ),
            (
                ReconcileError::MissingColumn {
                    line: 1,
                    column: s(),
                },
                K::InvalidInput,
            ),
            (
                ReconcileError::DuplicateColumn {
                    line: 1,
                    column: s(),
                },
                K::InvalidInput,
            ),
            (
                ReconcileError::InvalidFormat { column: s() },
                K::InvalidInput,
            ),
            (
                ReconcileError::CurrencyMismatch {
                    what: s(),
                    expected: Currency::GBP,
                    found: Currency::EUR,
                },
                K::CurrencyMismatch,
            ),
            (ReconcileError::Write { source: disk() }, K::Io),
            (
                ReconcileError::DatePattern { pattern: s() },
                K::InvalidInput,
            ),
        ];
        let report: Vec<(ReportError, K)> = vec![
            (
                ReportError::UnknownFund {
                    budget: s(),
                    deployment: s(),
                },
                K::NotFound,
            ),
            (
                ReportError::DoesNotTie {
                    report: s(),
                    what: "w",
                    reported: m,
                    ledger: m,
                },
                K::Corrupt,
            ),
            (ReportError::Csv { source: disk() }, K::Io),
        ];
        let journal: Vec<(JournalError, K)> = vec![
            (
                JournalError::Io {
                    format: JournalFormat::Hledger,
                    source: disk(),
                },
                K::Io,
            ),
            (
                JournalError::DateOutOfRange {
                    format: JournalFormat::Hledger,
                    entry: s(),
                    date: day(),
                },
                K::Unsupported,
            ),
            (
                JournalError::CommodityClash {
                    format: JournalFormat::Beancount,
                    code: "HRS".into(),
                    first: Currency::new("HRS", 0).unwrap(),
                    second: Currency::new("HRS", 2).unwrap(),
                },
                K::Unsupported,
            ),
        ];
        let log: Vec<(LogError, K)> = vec![
            (
                LogError::Io {
                    line: 1,
                    source: disk(),
                },
                K::Io,
            ),
            (
                LogError::Json {
                    line: 1,
                    column: 1,
                    message: s(),
                },
                K::Corrupt,
            ),
            (LogError::Version { line: 1, found: 2 }, K::Unsupported),
            (
                LogError::Rejected {
                    line: 1,
                    source: unknown,
                },
                K::Corrupt,
            ),
        ];
        let verify = VerifyError {
            discrepancies: Vec::new(),
        };

        // The area's own `kind` and the crate error's agree.
        fn all<E: Into<Error>>(
            rows: Vec<(E, ErrorKind)>,
            kind: fn(&E) -> ErrorKind,
        ) -> Vec<(Error, ErrorKind)> {
            rows.into_iter()
                .map(|(e, k)| {
                    assert_eq!(kind(&e), k);
                    (e.into(), k)
                })
                .collect()
        }
        let counts = [
            (money.len(), 7),
            (periods.len(), 5),
            (ledger.len(), 32),
            (budget.len(), 7),
            (deploy.len(), 7),
            (drawdown.len(), 14),
            (monitor.len(), 11),
            (reconcile.len(), 9),
            (report.len(), 3),
            (journal.len(), 3),
            (log.len(), 4),
        ];
        for (have, want) in counts {
            assert_eq!(have, want, "a variant is missing from the table");
        }
        let mut out = Vec::new();
        out.extend(all(money, MoneyError::kind));
        out.extend(all(periods, PeriodError::kind));
        out.extend(all(ledger, LedgerError::kind));
        out.extend(all(budget, BudgetError::kind));
        out.extend(all(deploy, DeployError::kind));
        out.extend(all(drawdown, DrawdownError::kind));
        out.extend(all(monitor, MonitorError::kind));
        out.extend(all(reconcile, ReconcileError::kind));
        out.extend(all(report, ReportError::kind));
        out.extend(all(journal, JournalError::kind));
        out.extend(all(log, LogError::kind));
        out.extend(all(vec![(verify, K::Corrupt)], VerifyError::kind));
        out
    }

    /// How many of the accessors give a detail.
    fn details(e: &Error) -> usize {
        [
            e.money().is_some(),
            e.period().is_some(),
            e.ledger().is_some(),
            e.verify().is_some(),
            e.log().is_some(),
            e.budget().is_some(),
            e.deploy().is_some(),
            e.drawdown().is_some(),
            e.monitor().is_some(),
            e.reconcile().is_some(),
            e.report().is_some(),
            e.journal().is_some(),
        ]
        .into_iter()
        .filter(|x| *x)
        .count()
    }

    #[test]
    fn every_area_error_maps_to_a_kind() {
        for (err, kind) in table() {
            assert_eq!(err.kind(), kind, "{err:?}");
            assert_eq!(details(&err), 1, "{err:?} has one detail, by one route");
            let predicates = [
                (err.is_invalid_input(), ErrorKind::InvalidInput),
                (err.is_not_found(), ErrorKind::NotFound),
                (err.is_already_exists(), ErrorKind::AlreadyExists),
                (err.is_conflict(), ErrorKind::Conflict),
                (err.is_insufficient_funds(), ErrorKind::InsufficientFunds),
                (err.is_period_closed(), ErrorKind::PeriodClosed),
                (err.is_currency_mismatch(), ErrorKind::CurrencyMismatch),
                (err.is_overflow(), ErrorKind::Overflow),
                (err.is_refused(), ErrorKind::Refused),
                (err.is_corrupt(), ErrorKind::Corrupt),
                (err.is_io(), ErrorKind::Io),
            ];
            for (yes, k) in predicates {
                assert_eq!(yes, kind == k, "{err:?}: predicate for {k}");
            }
            assert!(!kind.to_string().is_empty());
        }
    }

    /// Walks the source chain: no message contains its cause's message, every I/O cause is
    /// still an `io::Error`, and the crate error's message is its detail's.
    #[test]
    fn source_chains_never_print_a_cause_twice() {
        let ghost = LedgerError::UnknownAccount {
            account: "ghost".into(),
        };
        let nested: Vec<Error> = vec![
            LedgerError::Batch {
                index: 3,
                source: Box::new(LedgerError::Linked {
                    index: 1,
                    source: Box::new(ghost.clone()),
                }),
            }
            .into(),
            LogError::Rejected {
                line: 7,
                source: LedgerError::Batch {
                    index: 0,
                    source: Box::new(ghost),
                },
            }
            .into(),
            LogError::Io {
                line: 2,
                source: disk(),
            }
            .into(),
            JournalError::Io {
                format: JournalFormat::Ledger,
                source: disk(),
            }
            .into(),
            ReconcileError::Read { source: disk() }.into(),
            ReportError::Csv { source: disk() }.into(),
        ];
        for err in nested.iter().chain(table().iter().map(|(e, _)| e)) {
            let mut chain: Vec<String> = vec![err.to_string()];
            let mut next = err.source();
            while let Some(e) = next {
                chain.push(e.to_string());
                if err.is_io() && e.source().is_none() {
                    assert!(e.is::<io::Error>(), "{err:?}: the cause is an io::Error");
                }
                next = e.source();
            }
            for pair in chain.windows(2) {
                assert!(
                    !pair[0].contains(&pair[1]),
                    "{:?} repeats its cause {:?}",
                    pair[0],
                    pair[1]
                );
            }
        }
        // Nested refusals: each level is one link of the chain, the innermost names the value.
        let chain = |e: &Error| {
            let mut out = vec![e.to_string()];
            let mut next = e.source();
            while let Some(s) = next {
                out.push(s.to_string());
                next = s.source();
            }
            out
        };
        assert_eq!(
            chain(&nested[0]),
            [
                "batch refused at entry 3",
                "operation 1 of a linked group was refused",
                "unknown account ghost"
            ]
        );
        assert_eq!(
            chain(&nested[1]),
            [
                "line 7: the ledger refused the operation",
                "batch refused at entry 0",
                "unknown account ghost"
            ]
        );
        assert_eq!(chain(&nested[2]), ["line 2: cannot read", "disk full"]);
        assert_eq!(nested[1].kind(), ErrorKind::Corrupt);
        assert!(matches!(
            nested[1].log(),
            Some(LogError::Rejected { line: 7, .. })
        ));
        assert_eq!(
            nested[1].ledger(),
            None,
            "a log refusal is reached by log() only"
        );
    }

    #[test]
    fn the_crate_error_is_one_pointer_wide() {
        assert_eq!(size_of::<Error>(), size_of::<usize>());
        assert_eq!(size_of::<Result<(), Error>>(), size_of::<usize>());
    }

    #[test]
    fn question_mark_converts_each_area_and_clones_share_the_detail() {
        fn refuse() -> Result<(), Error> {
            Err(DrawdownError::NotAMonday {
                date: NaiveDate::from_ymd_opt(2025, 5, 6).unwrap(),
            })?;
            Ok(())
        }
        let err = refuse().unwrap_err();
        assert!(matches!(
            err.drawdown(),
            Some(DrawdownError::NotAMonday { .. })
        ));
        assert_eq!(err.to_string(), "2025-05-06 is not a Monday");
        let copy = err.clone();
        assert_eq!(copy.to_string(), err.to_string());
        // Debug names the area, then the detail.
        assert_eq!(
            format!("{err:?}"),
            format!("Drawdown({:?})", err.drawdown().unwrap())
        );
    }
}
