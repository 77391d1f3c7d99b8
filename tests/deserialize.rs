#![cfg(feature = "serde")]
//! Every public type read from JSON passes the same checks as its constructor: a budget read
//! from a file is built through `PersonalBudget::new` and `revise`, unknown fields are refused,
//! and nothing read panics.

use chrono::NaiveDate;
use isf_ledger::{Basis, BudgetTerms, Period, PersonalBudget, Revision};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn budget() -> PersonalBudget {
    let year = Period::from_inclusive(d(2025, 4, 1), d(2026, 3, 31)).unwrap();
    let mut b = PersonalBudget::new(
        "PB-1",
        "P1",
        year,
        BudgetTerms::new(Basis::Week, "300.00 GBP".parse().unwrap())
            .contribution("28.00 GBP".parse().unwrap()),
    )
    .unwrap();
    b.revise(Revision {
        id: "uplift".into(),
        effective: d(2025, 6, 2),
        reason: "review".into(),
        terms: BudgetTerms::new(Basis::Week, "340.00 GBP".parse().unwrap()),
    })
    .unwrap();
    b
}

#[test]
fn a_budget_round_trips_through_json() {
    let b = budget();
    let text = serde_json::to_string(&b).unwrap();
    let back: PersonalBudget = serde_json::from_str(&text).unwrap();
    assert_eq!(back, b);
}

#[test]
fn a_budget_without_revisions_is_an_error_not_a_panic() {
    let mut v = serde_json::to_value(budget()).unwrap();
    v["revisions"] = serde_json::json!([]);
    let err = serde_json::from_value::<PersonalBudget>(v).unwrap_err();
    assert!(err.to_string().contains("PB-1"), "{err}");
}

#[test]
fn a_negative_cost_read_from_json_is_refused() {
    let mut v = serde_json::to_value(budget()).unwrap();
    v["revisions"][0]["terms"]["cost"] = serde_json::json!("-300.00 GBP");
    let err = serde_json::from_value::<PersonalBudget>(v).unwrap_err();
    assert!(err.to_string().contains("-300.00 GBP"), "{err}");
}

#[test]
fn a_revision_outside_the_validity_read_from_json_is_refused() {
    let mut v = serde_json::to_value(budget()).unwrap();
    v["revisions"][1]["effective"] = serde_json::json!("2027-01-01");
    let err = serde_json::from_value::<PersonalBudget>(v).unwrap_err();
    assert!(err.to_string().contains("uplift"), "{err}");
}

#[test]
fn unknown_fields_in_a_budget_are_refused() {
    let mut v = serde_json::to_value(budget()).unwrap();
    v["revisions"][0]["terms"]["contributon"] = serde_json::json!("1.00 GBP");
    let err = serde_json::from_value::<PersonalBudget>(v).unwrap_err();
    assert!(err.to_string().contains("contributon"), "{err}");
    let mut v = serde_json::to_value(budget()).unwrap();
    v["owner"] = serde_json::json!("x");
    let err = serde_json::from_value::<PersonalBudget>(v).unwrap_err();
    assert!(err.to_string().contains("owner"), "{err}");
}

#[test]
fn a_misspelled_field_in_a_log_record_is_an_error_naming_it() {
    use isf_ledger::{Ledger, LogError};
    let log = concat!(
        "{\"v\":1,\"open_account\":{\"id\":\"fund\",\"kind\":\"fund\",\"currency\":\"GBP\"}}\n",
        "{\"v\":1,\"open_account\":{\"id\":\"provider\",\"kind\":\"expense\",\"currency\":\"GBP\"}}\n",
        "{\"v\":1,\"hold\":{\"id\":\"h\",\"from\":\"fund\",\"to\":\"provider\",\"amount\":\"1.00 GBP\",\"date\":\"2025-04-07\",\"expires\":\"2025-05-05\"}}\n",
    );
    let err = Ledger::replay(log.as_bytes()).unwrap_err();
    assert_eq!(err.line(), 3);
    assert!(matches!(err, LogError::Json { .. }));
    assert!(err.to_string().contains("expires"), "{err}");
}

#[test]
fn a_linked_group_in_the_log_replays_as_one_record() {
    use isf_ledger::Ledger;
    let log = concat!(
        "{\"v\":1,\"open_account\":{\"id\":\"a\",\"kind\":\"asset\",\"currency\":\"GBP\",\"rule\":\"unlimited\"}}\n",
        "{\"v\":1,\"open_account\":{\"id\":\"b\",\"kind\":\"asset\",\"currency\":\"GBP\",\"rule\":\"unlimited\"}}\n",
        "{\"v\":1,\"linked\":{\"ops\":[{\"post\":{\"id\":\"e1\",\"date\":\"2025-04-07\",\"postings\":[{\"account\":\"a\",\"amount\":\"-1.00 GBP\"},{\"account\":\"b\",\"amount\":\"1.00 GBP\"}]}},{\"hold\":{\"id\":\"h\",\"from\":\"b\",\"to\":\"a\",\"amount\":\"1.00 GBP\",\"date\":\"2025-04-07\"}}]}}\n",
    );
    let ledger = Ledger::replay(log.as_bytes()).unwrap();
    let mut out = Vec::new();
    ledger.write_log(&mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), log);
    let nested = "{\"v\":1,\"linked\":{\"ops\":[{\"linked\":{\"ops\":[]}}]}}\n";
    assert!(Ledger::replay(nested.as_bytes()).is_err());
}
