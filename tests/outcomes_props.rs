//! Outcomes-based agreements, checked against a model: draws take exactly the period's budget,
//! support records are never refused for varying from the plan, the band flags exactly the
//! weeks outside it, and closing a window carries forward at most the cap and returns the rest
//! to the sources exactly, never more than a source holds.

mod support;

use chrono::{Days, NaiveDate};
use isf_ledger::isf::outcomes::*;
use isf_ledger::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::{budget, gbp, isf, whole_plan};

fn start() -> NaiveDate {
    support::d(2025, 4, 7)
}

fn day(n: u64) -> NaiveDate {
    start().checked_add_days(Days::new(n)).unwrap()
}

fn pence(p: i64) -> Money {
    Money::new(Decimal::new(p, 2), Currency::GBP)
}

struct Setup {
    ledger: Ledger,
    plan: PaymentPlan,
    agreement: OutcomesAgreement,
}

fn setup(
    weekly: i64,
    contribution: i64,
    budget_pence: i64,
    freq: u8,
    cap: i64,
    arrears: bool,
) -> Setup {
    let validity = Period::new(start(), day(364)).unwrap();
    let terms = BudgetTerms::new(Basis::Week, pence(weekly)).contribution(pence(contribution));
    let plan = whole_plan(
        "b",
        budget("b", "p", validity, terms),
        "isf",
        isf(),
        PaymentSchedule::new(Frequency::Weekly, start()),
    );
    let frequency = match freq {
        0 => Frequency::Weekly,
        1 => Frequency::FourWeekly,
        _ => Frequency::CalendarMonthly,
    };
    let agreement =
        OutcomesAgreement::new("O", &plan, "isf", validity, frequency, pence(budget_pence))
            .unwrap()
            .draw_timing(if arrears {
                Draw::InArrears
            } else {
                Draw::InAdvance
            })
            .planned_hours_per_week(Decimal::from(15))
            .band_percent(Decimal::from(20))
            .carry_cap(pence(cap))
            .shift_rate(gbp("80.00"));
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    agreement.open_accounts(&mut ledger, &plan).unwrap();
    Setup {
        ledger,
        plan,
        agreement,
    }
}

proptest! {
    #![proptest_config(support::config_with_cases("outcomes_props", 64))]

    #[test]
    fn draws_support_and_closing_agree_with_the_model(
        weekly in 10_000i64..60_000,
        contribution in 0i64..5_000,
        budget_share in 50i64..100,
        freq in 0u8..3,
        cap in 0i64..20_000,
        arrears in any::<bool>(),
        hours in prop::collection::vec((0u64..28, 1i64..1200, 0u8..3), 0..40),
    ) {
        let budget_pence = weekly * budget_share / 100;
        let mut s = setup(weekly, contribution, budget_pence, freq, cap, arrears);
        let window = Period::new(day(0), day(28)).unwrap();
        for w in 0..4 {
            let _ = run_payments(&mut s.ledger, &[&s.plan], &PaymentRun::new(format!("r{w}"), day(7 * w)));
        }
        // Draw every budget period of the window: each draw takes exactly its amount.
        let mut drawn = pence(0);
        let mut d = 0;
        while d < 28 {
            let before = s.plan.fund_balance(&s.ledger, "isf").unwrap();
            match s.agreement.draw(&mut s.ledger, &s.plan, day(d)) {
                Ok(amount) => {
                    let after = s.plan.fund_balance(&s.ledger, "isf").unwrap();
                    if after != before {
                        prop_assert_eq!(before.checked_sub(after).unwrap(), amount);
                        drawn = drawn.checked_add(amount).unwrap();
                    }
                    // Drawing again changes nothing.
                    let again = s.ledger.clone();
                    prop_assert_eq!(s.agreement.draw(&mut s.ledger, &s.plan, day(d)).unwrap(), amount);
                    prop_assert_eq!(&s.ledger, &again);
                }
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::InsufficientFunds);
                    prop_assert_eq!(s.plan.fund_balance(&s.ledger, "isf").unwrap(), before);
                }
            }
            d += 1;
        }
        // Support records: never refused, however far from the plan.
        let mut model = [Decimal::ZERO; 4];
        for (i, (d, quarter_hours, shifts)) in hours.iter().enumerate() {
            let h = Decimal::new(*quarter_hours * 25, 2);
            let rec = SupportGiven::new(format!("s{i}"), day(*d), h).shifts(Decimal::from(*shifts));
            prop_assert!(s.agreement.record_support(&mut s.ledger, &rec).is_ok());
            model[(*d / 7) as usize] += h;
        }
        let review = s.agreement.review(&s.ledger, window).unwrap();
        prop_assert_eq!(review.weeks.len(), 4);
        for (w, given) in review.weeks.iter().zip(model) {
            prop_assert_eq!(w.given, given.normalize());
            let outside = given < Decimal::from(12) || given > Decimal::from(18);
            prop_assert_eq!(w.flagged, outside, "{:?}", w);
        }
        let total: Decimal = model.iter().sum();
        prop_assert_eq!(review.flagged, total < Decimal::from(48) || total > Decimal::from(72));
        // Closing: carried ≤ cap, carried + returned = unspent, no source below zero.
        let statement_before = s.agreement.statement(&s.ledger, &s.plan, window).unwrap();
        // Drawn in the window: the draws dated in it (in arrears, a period's draw may fall after).
        let in_window = s.ledger.balance_as_at(s.agreement.draw_account(), window.last_day()).unwrap();
        prop_assert_eq!(statement_before.drawn, in_window);
        prop_assert!(in_window <= drawn);
        let unspent = s.plan.attribution(&s.ledger, "isf").unwrap().available;
        let close = s.agreement.close_window(&mut s.ledger, &s.plan, window).unwrap();
        prop_assert_eq!(close.unspent, unspent);
        prop_assert!(close.carried_forward <= pence(cap));
        prop_assert_eq!(close.carried_forward.checked_add(close.returned_total().unwrap()).unwrap(), unspent);
        prop_assert_eq!(close.carried_forward, unspent.checked_min(pence(cap)).unwrap());
        let after = s.plan.attribution(&s.ledger, "isf").unwrap();
        prop_assert_eq!(after.available, close.carried_forward);
        for src in &after.by_source {
            prop_assert!(!src.balance.is_negative());
        }
        let st = s.agreement.statement(&s.ledger, &s.plan, window).unwrap();
        match st.close {
            Some(c) => {
                prop_assert_eq!(c, close);
            }
            None => prop_assert!(close.returned.is_empty()),
        }
    }
}

#[test]
fn a_budget_in_another_currency_or_a_quarterly_period_is_refused() {
    let s = setup(35_000, 0, 30_000, 0, 0, false);
    let validity = Period::new(start(), day(364)).unwrap();
    let euro = Money::new(Decimal::from(300), Currency::EUR);
    let err =
        OutcomesAgreement::new("X", &s.plan, "isf", validity, Frequency::Weekly, euro).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = OutcomesAgreement::new(
        "X",
        &s.plan,
        "isf",
        validity,
        Frequency::Quarterly,
        gbp("300.00"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("quarterly"), "{err}");
}

#[test]
fn a_malformed_support_record_is_an_error_naming_it_and_changes_nothing() {
    let mut s = setup(35_000, 0, 30_000, 0, 0, false);
    let before = s.ledger.clone();
    let bad = SupportGiven::new("rec-1", day(1), Decimal::new(1, 3));
    let err = s.agreement.record_support(&mut s.ledger, &bad).unwrap_err();
    assert!(err.to_string().contains("rec-1"), "{err}");
    assert_eq!(s.ledger, before);
}

#[test]
fn monthly_periods_run_from_the_agreements_first_day() {
    // Monthly budget of £1,000 from 7 April: the first period is 7 April to 6 May, whole.
    let mut s = setup(35_000, 0, 100_000, 2, 0, false);
    let _ = run_payments(&mut s.ledger, &[&s.plan], &PaymentRun::new("r", day(0)));
    let _ = run_payments(&mut s.ledger, &[&s.plan], &PaymentRun::new("r2", day(7)));
    let _ = run_payments(&mut s.ledger, &[&s.plan], &PaymentRun::new("r3", day(14)));
    assert_eq!(
        s.agreement.draw(&mut s.ledger, &s.plan, day(3)).unwrap(),
        gbp("1000.00")
    );
}
