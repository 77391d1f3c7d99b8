#![cfg(feature = "serde")]
//! Every public type read from JSON passes the same checks as its constructor: a budget read
//! from a file is built through `PersonalBudget::new` and `revise`, a plan through
//! `PaymentPlan::new`, an agreement through `ServiceAgreement::build`; unknown fields are
//! refused, and nothing read panics.

use std::fmt::Debug;

use chrono::NaiveDate;
use isf_ledger::dp::{
    RecoveryAmount, RecoveryDecision, RecoveryMethod, ReviewPolicy, Spend, SpendCategory,
    SpendPolicy, SurplusPolicy,
};
use isf_ledger::isf::{
    BandRates, Banking, CancellationRule, Claim, ClaimLine, ClaimPolicy, DrawdownError,
    ManagementFee, OnIssue, Service, ServiceAgreement,
};
use isf_ledger::{
    Basis, BudgetTerms, Currency, DeployError, Deployment, DeploymentKind, FinancialYear,
    Frequency, Ledger, Money, PaymentBasis, PaymentPlan, PaymentRun, PaymentSchedule, Period,
    PersonalBudget, Rate, Revision, RunRefusal, Schedule, Share, Source, SpendOrder, Unit,
    Week53Policy, run_payments,
};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

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

// ---------------------------------------------------------------------------------------------
// Every type: round trips, invariants, unknown fields.

fn gbp(s: &str) -> Money {
    format!("{s} GBP").parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn plan() -> PaymentPlan {
    PaymentPlan::new(
        "cambs",
        budget(),
        vec![
            Deployment {
                name: "isf".into(),
                kind: DeploymentKind::Isf {
                    provider: "care-co".into(),
                },
                share: Share::Percent(dec("60")),
            },
            Deployment {
                name: "dp".into(),
                kind: DeploymentKind::DirectPayment {
                    basis: PaymentBasis::Net,
                },
                share: Share::Remainder,
            },
        ],
        PaymentSchedule::new(Frequency::Weekly, d(2025, 3, 31))
            .week53(Week53Policy::SkipExtraPeriod),
    )
    .unwrap()
    .spend_order(SpendOrder::Priority(vec![Source::Person]))
}

fn personal_care() -> Service {
    Service::new(
        "PC",
        "personal care",
        Unit::Hour,
        BandRates::flat(gbp("20.00")).weekend(gbp("25.00")),
    )
    .planned_per_week(dec("10"))
    .rate_from(d(2025, 6, 2), BandRates::flat(gbp("21.00")))
}

fn agreement() -> ServiceAgreement {
    let p = plan();
    ServiceAgreement::new("AG-1", &p, "isf", p.budget().validity())
        .unwrap()
        .service(personal_care())
        .fee(ManagementFee::Percent(dec("5")))
        .supplier("sunrise")
        .banking(Banking {
            max_units: dec("10"),
            expires_after_weeks: 8,
        })
        .cancellation(CancellationRule {
            notice_hours: 48,
            charge_percent: dec("50"),
        })
        .bank_holiday(d(2025, 5, 5))
        .build()
        .unwrap()
}

/// Writes `value`, reads it back, and asserts it is equal.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{} {text} does not read back: {e}",
            std::any::type_name::<T>()
        )
    });
    assert_eq!(&back, value, "{text}");
}

/// Reads `value` as a `T`, expecting an error that mentions every one of `words`.
fn refused<T: DeserializeOwned + Debug>(value: Value, words: &[&str]) -> String {
    let err = match serde_json::from_value::<T>(value.clone()) {
        Ok(v) => panic!("{value} read as {v:?}"),
        Err(e) => e.to_string(),
    };
    for word in words {
        assert!(err.contains(word), "{err:?} does not mention {word:?}");
    }
    err
}

/// `value` with `field` set to `to` (`field` is a JSON pointer).
fn with(value: &impl Serialize, field: &str, to: Value) -> Value {
    let mut v = serde_json::to_value(value).unwrap();
    *v.pointer_mut(field).unwrap_or_else(|| panic!("no {field}")) = to;
    v
}

/// `value` with an extra field `field` in the object at `at` (a JSON pointer, "" for the top).
fn with_extra(value: &impl Serialize, at: &str, field: &str) -> Value {
    let mut v = serde_json::to_value(value).unwrap();
    v.pointer_mut(at)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {at:?}"))
        .insert(field.to_string(), json!(1));
    v
}

#[test]
fn every_public_type_round_trips() {
    let p = plan();
    let ag = agreement();
    round_trip(&budget());
    round_trip(&p);
    round_trip(&ag);
    round_trip(&personal_care());
    round_trip(&BandRates::flat(gbp("1.00")).bank_holiday(gbp("2.00")));
    round_trip(&ManagementFee::Percent(dec("2.5")));
    round_trip(&ManagementFee::FixedPerPeriod {
        amount: gbp("10.00"),
        frequency: Frequency::CalendarMonthly,
    });
    round_trip(&Banking {
        max_units: dec("4.5"),
        expires_after_weeks: 2,
    });
    round_trip(&CancellationRule::default());
    round_trip(&ClaimPolicy::default());
    round_trip(&p.deployments()[0]);
    round_trip(&Share::FixedWeekly(gbp("12.34")));
    round_trip(&Share::Remainder);
    round_trip(p.schedule());
    round_trip(&SpendOrder::ProRata);
    round_trip(&Schedule::new(d(2024, 1, 31), Frequency::CalendarMonthly));
    round_trip(&p.budget().validity());
    round_trip(&gbp("-1.50"));
    round_trip(&Currency::new("KWD", 3).unwrap());
    round_trip(&"2025/26".parse::<FinancialYear>().unwrap());
    round_trip(&Rate::new("19.875 GBP".parse().unwrap(), Unit::Hour));
    round_trip(&SpendPolicy::england().disallow_payee(" Acme Casino ", "gambling venue"));
    round_trip(&SurplusPolicy::weeks(8).unwrap());
    round_trip(&ReviewPolicy::default());
    round_trip(
        &RecoveryDecision::new(
            "R1",
            "dp",
            d(2025, 9, 1),
            RecoveryAmount::Percent(dec("50")),
        )
        .method(RecoveryMethod::ReduceFuturePayments)
        .policy(SurplusPolicy::weeks(6).unwrap()),
    );
    round_trip(&RecoveryAmount::Amount(gbp("100.00")));
    round_trip(&Spend::new(
        "S1",
        d(2025, 4, 7),
        SpendCategory::PaWages,
        "Sam",
        gbp("120.00"),
    ));
    round_trip(&PaymentRun::new("run-1", d(2025, 4, 7)));
    round_trip(
        &Claim::new("C1", d(2025, 4, 30))
            .line(ClaimLine::new(d(2025, 4, 7), "PC", dec("2"), gbp("20.00")).supplier("sunrise")),
    );
    round_trip(&Source::TopUp("aunt".into()));
}

#[test]
fn a_plan_round_trips_and_works_the_same_after() {
    let p = plan();
    let back: PaymentPlan = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    let run = PaymentRun::new("run-1", d(2025, 4, 14));
    let (mut a, mut b) = (Ledger::new(), Ledger::new());
    p.open_accounts(&mut a).unwrap();
    back.open_accounts(&mut b).unwrap();
    let ra = run_payments(&mut a, &[&p], &run);
    let rb = run_payments(&mut b, &[&back], &run);
    assert_eq!(ra.posted, rb.posted);
    assert!(ra.refused.is_empty() && rb.refused.is_empty());
    assert_eq!(ra.posted.len(), 2);
    assert!(a == b);
}

#[test]
fn a_plan_read_from_json_passes_payment_plan_new() {
    let p = plan();
    refused::<PaymentPlan>(
        with(&p, "/deployments", json!([])),
        &["PB-1", "at least one"],
    );
    let mut two = serde_json::to_value(&p).unwrap();
    two["deployments"][1]["name"] = json!("isf");
    refused::<PaymentPlan>(two, &["two deployments", "isf"]);
    refused::<PaymentPlan>(
        with(&p, "/deployments/0/share", json!({"percent": "160"})),
        &["over 100"],
    );
    refused::<PaymentPlan>(
        with(&p, "/schedule/anchor", json!("2025-04-08")),
        &["2025-04-08"],
    );
    refused::<PaymentPlan>(
        with(
            &p,
            "/deployments/0/share",
            json!({"fixed_weekly": "10.00 EUR"}),
        ),
        &["10.00 EUR"],
    );
    refused::<PaymentPlan>(with(&p, "/budget/revisions", json!([])), &["PB-1"]);
    refused::<PaymentPlan>(with_extra(&p, "", "owner"), &["owner"]);
    refused::<PaymentPlan>(with_extra(&p, "/schedule", "every"), &["every"]);
    refused::<PaymentPlan>(
        with_extra(&p, "/deployments/0/kind/isf", "holder"),
        &["holder"],
    );
}

#[test]
fn shares_and_deployments_read_alone_are_checked() {
    refused::<Share>(json!({"percent": "-1"}), &["-1"]);
    refused::<Share>(json!({"percent": "1.00001"}), &["1.00001", "4 decimals"]);
    refused::<Share>(json!({"fixed_weekly": "1.001 GBP"}), &["1.001 GBP"]);
    refused::<Share>(json!({"fixed_weekly": "-1.00 GBP"}), &["-1.00 GBP"]);
    refused::<Share>(json!("everything"), &["everything"]);
    let dep = &plan().deployments()[0].clone();
    refused::<Deployment>(with(dep, "/name", json!("a:b")), &["a:b"]);
    refused::<Deployment>(with(dep, "/name", json!("")), &["non-empty"]);
    refused::<Deployment>(with_extra(dep, "", "priority"), &["priority"]);
}

#[test]
fn an_agreement_read_from_json_passes_build() {
    let ag = agreement();
    let cases: Vec<(&str, Value, &[&str])> = vec![
        (
            "no services",
            with(&ag, "/services", json!([])),
            &["AG-1", "no services"],
        ),
        (
            "a service twice",
            {
                let mut v = serde_json::to_value(&ag).unwrap();
                let s = v["services"][0].clone();
                v["services"].as_array_mut().unwrap().push(s);
                v
            },
            &["AG-1", "PC", "twice"],
        ),
        (
            "prices in another currency",
            with(
                &ag,
                "/services/0/rates",
                json!({"weekday": "20.00 EUR", "weekend": "25.00 EUR"}),
            ),
            &["AG-1", "20.00 EUR"],
        ),
        (
            "a rate change in another currency",
            with(&ag, "/services/0/changes/0/1/weekday", json!("21.00 EUR")),
            &["AG-1", "21.00 EUR"],
        ),
        (
            "planned units below zero",
            with(&ag, "/services/0/planned_per_week", json!("-1")),
            &["AG-1", "planned units -1"],
        ),
        (
            "planned units too precise",
            with(&ag, "/services/0/planned_per_week", json!("1.234")),
            &["AG-1", "1.234"],
        ),
        (
            "a banking limit below zero",
            with(&ag, "/banking/max_units", json!("-2")),
            &["banking limit -2"],
        ),
        (
            "a cancellation charge over 100",
            with(&ag, "/cancellation/charge_percent", json!("101")),
            &["101%"],
        ),
        (
            "a fee over 100",
            with(&ag, "/fee", json!({"percent": "100.5"})),
            &["100.5%"],
        ),
        (
            "a fixed fee below zero",
            with(
                &ag,
                "/fee",
                json!({"fixed_per_period": {"amount": "-5.00 GBP", "frequency": "weekly"}}),
            ),
            &["-5.00 GBP"],
        ),
        (
            "a fixed fee in another currency",
            with(
                &ag,
                "/fee",
                json!({"fixed_per_period": {"amount": "5.00 EUR", "frequency": "weekly"}}),
            ),
            &["AG-1", "5.00 EUR"],
        ),
        (
            "a bad agreement code",
            with(&ag, "/id", json!("AG 1")),
            &["agreement", "AG 1"],
        ),
        (
            "a bad supplier code",
            with(&ag, "/suppliers", json!(["a/b"])),
            &["supplier", "a/b"],
        ),
        (
            "a bad service code",
            with(&ag, "/services/0/code", json!("")),
            &["service", "empty"],
        ),
        (
            "an unknown field",
            with_extra(&ag, "", "provder"),
            &["provder"],
        ),
        (
            "an unknown field in a service",
            with_extra(&ag, "/services/0", "hours"),
            &["hours"],
        ),
        (
            "an unknown field in the policy",
            with_extra(&ag, "/policy", "late_claims"),
            &["late_claims"],
        ),
    ];
    for (what, value, words) in cases {
        let err = refused::<ServiceAgreement>(value, words);
        assert!(!err.is_empty(), "{what}");
    }
}

#[test]
fn rates_out_of_date_order_are_refused_on_the_way_in() {
    let mut v = serde_json::to_value(personal_care()).unwrap();
    let change = v["changes"][0].clone();
    let mut earlier = change.clone();
    earlier[0] = json!("2025-05-01");
    v["changes"] = json!([change, earlier]);
    refused::<Service>(v.clone(), &["PC", "date order"]);
    let ag = with(&agreement(), "/services/0", v);
    refused::<ServiceAgreement>(ag, &["PC", "date order"]);
}

#[test]
fn agreement_parts_read_alone_are_checked() {
    let pc = personal_care();
    refused::<Service>(with(&pc, "/code", json!("P C")), &["P C"]);
    refused::<Service>(
        with(&pc, "/rates/weekday", json!("0.00 GBP")),
        &["0.00 GBP"],
    );
    refused::<Service>(
        with(&pc, "/changes/0/1/weekday", json!("21.00 EUR")),
        &["PC", "21.00 EUR"],
    );
    refused::<Service>(
        with(&pc, "/rates/weekend", json!("25.00 EUR")),
        &["PC", "25.00 EUR"],
    );
    refused::<BandRates>(json!({"weekday": "-1.00 GBP"}), &["-1.00 GBP"]);
    refused::<BandRates>(
        json!({"weekday": "1.00 GBP", "bank_holiday": "2.00 EUR"}),
        &["2.00 EUR"],
    );
    refused::<BandRates>(
        json!({"weekday": "1.00 GBP", "sunday": "2.00 GBP"}),
        &["sunday"],
    );
    refused::<Banking>(
        json!({"max_units": "1.001", "expires_after_weeks": 1}),
        &["1.001"],
    );
    refused::<CancellationRule>(json!({"notice_hours": 1, "charge_percent": "-1"}), &["-1%"]);
    refused::<ManagementFee>(json!({"percent": "1.23456"}), &["1.23456"]);
    refused::<ManagementFee>(
        json!({"fixed_per_period": {"amount": "0.00 GBP", "frequency": "weekly"}}),
        &["0.00 GBP"],
    );
    refused::<ManagementFee>(
        json!({"fixed_per_period": {"amount": "1.00 GBP", "frequency": "weekly", "day": 1}}),
        &["day"],
    );
    refused::<ClaimPolicy>(
        with_extra(&ClaimPolicy::default(), "", "unknown_services"),
        &["unknown_services"],
    );
    refused::<OnIssue>(json!("ignore"), &["ignore"]);
}

#[test]
fn a_read_agreement_is_checked_against_the_plan_it_is_used_with() {
    let p = plan();
    let ag = agreement();
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    let elsewhere: ServiceAgreement =
        serde_json::from_value(with(&ag, "/deployment", json!("nope"))).unwrap();
    let err = elsewhere.open_accounts(&mut ledger, &p).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    let other: ServiceAgreement =
        serde_json::from_value(with(&ag, "/provider", json!("other-co"))).unwrap();
    let err = other.open_accounts(&mut ledger, &p).unwrap_err();
    assert!(
        matches!(err.drawdown(), Some(DrawdownError::InvalidAgreement { .. }))
            && err.to_string().contains("other-co"),
        "{err}"
    );
    let dp: ServiceAgreement =
        serde_json::from_value(with(&ag, "/deployment", json!("dp"))).unwrap();
    let err = dp.open_accounts(&mut ledger, &p).unwrap_err();
    assert!(
        matches!(err.drawdown(), Some(DrawdownError::NotAnIsf { .. })),
        "{err}"
    );
    // Currency EUR with GBP prices is refused on the way in, naming the price.
    refused::<ServiceAgreement>(with(&ag, "/currency", json!("EUR")), &["AG-1", "EUR"]);
}

#[test]
fn build_checks_once_and_unbuilt_agreements_are_still_checked_on_use() {
    let p = plan();
    let unbuilt = ServiceAgreement::new("AG-2", &p, "isf", p.budget().validity()).unwrap();
    assert!(matches!(
        unbuilt.clone().build(),
        Err(DrawdownError::InvalidAgreement { .. })
    ));
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    assert!(unbuilt.open_accounts(&mut ledger, &p).is_err());
    let built = unbuilt.service(personal_care()).build().unwrap();
    built.open_accounts(&mut ledger, &p).unwrap();
    // A builder step after build is checked again on use.
    let changed = built.clone().fee(ManagementFee::Percent(dec("200")));
    assert!(changed.open_accounts(&mut ledger, &p).is_err());
    assert_eq!(built.clone().build().unwrap(), built);
}

#[test]
fn dp_policies_and_records_read_from_json_are_checked() {
    refused::<SurplusPolicy>(json!({"contingency_weeks": 60}), &["60 weeks"]);
    refused::<SurplusPolicy>(json!({"contingency_weeks": 4, "max": 1}), &["max"]);
    let read: SpendPolicy = serde_json::from_value(json!({
        "categories": {},
        "payees": {" Acme Casino ": "gambling venue"}
    }))
    .unwrap();
    assert_eq!(
        read.check(SpendCategory::Other, "acme casino"),
        Some("gambling venue")
    );
    refused::<SpendPolicy>(
        json!({"payees": {"Acme": "a", "ACME ": "b"}}),
        &["listed twice"],
    );
    refused::<SpendCategory>(json!("biscuits"), &["biscuits"]);
    refused::<ReviewPolicy>(
        json!({"first_within_months": 6, "then_every_months": 12, "last": 1}),
        &["last"],
    );
    let spend = Spend::new(
        "S1",
        d(2025, 4, 7),
        SpendCategory::Agency,
        "Acme",
        gbp("1.00"),
    );
    refused::<Spend>(with_extra(&spend, "", "vat"), &["vat"]);
    let decision = RecoveryDecision::new("R1", "dp", d(2025, 9, 1), RecoveryAmount::Full);
    refused::<RecoveryDecision>(
        with(&decision, "/policy", json!({"contingency_weeks": 53})),
        &["53 weeks"],
    );
    refused::<RecoveryDecision>(with_extra(&decision, "", "approved_by"), &["approved_by"]);
    refused::<PaymentRun>(
        json!({"id": "r", "date": "2025-04-07", "when": 1}),
        &["when"],
    );
}

#[test]
fn periods_money_and_rates_read_from_json_are_checked() {
    refused::<Period>(
        json!({"start": "2025-04-01", "end": "2025-04-01"}),
        &["2025-04-01"],
    );
    refused::<Period>(
        json!({"start": "2025-04-01", "end": "2025-05-01", "inclusive": true}),
        &["inclusive"],
    );
    refused::<Money>(json!("12.00"), &["12.00"]);
    refused::<Money>(json!("12.00 XX"), &["XX"]);
    refused::<Schedule>(
        json!({"anchor": "2025-04-01", "frequency": "weekly", "until": "2026-01-01"}),
        &["until"],
    );
    refused::<Rate>(
        json!({"price": "1.00 GBP", "unit": "hour", "vat": "0"}),
        &["vat"],
    );
    refused::<FinancialYear>(json!("2025/27"), &["2025/27"]);
}

#[test]
fn bad_text_is_echoed_only_in_part() {
    let long = "9".repeat(10_000);
    for err in [
        refused::<Money>(json!(long.clone()), &["9999"]),
        refused::<Currency>(json!(long.clone()), &["9999"]),
        refused::<FinancialYear>(json!(long.clone()), &["9999"]),
        refused::<ServiceAgreement>(with(&agreement(), "/id", json!(long.clone())), &["9999"]),
        refused::<Service>(
            with(&personal_care(), "/code", json!(long.clone())),
            &["9999"],
        ),
        refused::<Deployment>(
            with(&plan().deployments()[0], "/name", json!(format!(":{long}"))),
            &["9999"],
        ),
    ] {
        assert!(err.len() < 400, "{} characters: {err:.200}", err.len());
    }
}

#[test]
fn a_run_report_is_written_with_refusals_as_messages() {
    let p = plan();
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    // The week from 31 March is the 53rd of 2024/25, skipped by the plan: the first payment is
    // for the week from 7 April.
    let mut report = run_payments(&mut ledger, &[&p], &PaymentRun::new("r", d(2025, 4, 7)));
    report.refused.push(RunRefusal {
        budget: "PB-2".into(),
        error: DeployError::UnknownDeployment {
            budget: "PB-2".into(),
            name: "isf".into(),
        }
        .into(),
    });
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["posted"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(
        v["posted"][0]["entry"],
        json!(p.payment_id(d(2025, 4, 7)).to_string()),
        "{v}"
    );
    assert_eq!(v["refused"][0]["budget"], json!("PB-2"));
    let message = v["refused"][0]["error"].as_str().unwrap();
    assert!(message.contains("isf"), "{message}");
}

/// Units, hours and percentages are read in the same canonical grammar as amounts: no `_`,
/// no `+`, no `5.`, no `.5`, no exponent, no leading zero.
#[test]
fn units_and_percentages_are_canonical_decimals() {
    let line = ClaimLine::new(d(2025, 4, 7), "PC", Decimal::from(2), gbp("20.00"));
    for bad in ["1_0", "+2", "2.", ".5", "2e0", "02", " 2"] {
        let _ = refused::<ClaimLine>(with(&line, "/units", json!(bad)), &["not an amount"]);
        let _ = refused::<CancellationRule>(
            json!({"notice_hours": 1, "charge_percent": bad}),
            &["not an amount"],
        );
        let _ = refused::<Banking>(
            json!({"max_units": bad, "expires_after_weeks": 1}),
            &["not an amount"],
        );
        let _ = refused::<ManagementFee>(json!({ "percent": bad }), &["not an amount"]);
        let _ = refused::<Share>(json!({ "percent": bad }), &["not an amount"]);
        let _ = refused::<RecoveryAmount>(json!({ "percent": bad }), &["not an amount"]);
    }
    round_trip(&line);
    round_trip(&with_value::<ClaimLine>(&line, "/units", json!("2.5")));
}

fn with_value<T: DeserializeOwned>(value: &impl Serialize, field: &str, to: Value) -> T {
    serde_json::from_value(with(value, field, to)).unwrap()
}
