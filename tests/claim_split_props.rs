//! Claims pay what is owed: a time-and-task line over the week's plan or over its booking is
//! split, the planned, banked and booked part paid and only the excess disputed. For every claim,
//! line by line and to the penny, paid + disputed + not charged = claimed, and the fund and its
//! dispute holds move by exactly those amounts.

mod support;

use chrono::{Days, NaiveDate};
use isf_ledger::isf::*;
use isf_ledger::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::{budget, gbp, isf, whole_plan};

fn base() -> NaiveDate {
    support::d(2025, 3, 3) // a Monday
}

fn day(n: u32) -> NaiveDate {
    base().checked_add_days(Days::new(u64::from(n))).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A plan of £2,000 a week (so the fund never runs short) and an agreement for personal care at
/// £24.00 an hour (£26.50 at weekends), `planned` hours a week, banking up to 6 hours.
fn setup(planned: u32, fee: u32, policy: ClaimPolicy) -> (Ledger, PaymentPlan, ServiceAgreement) {
    let validity = Period::new(base(), day(140)).unwrap();
    let terms = BudgetTerms::new(Basis::Week, gbp("2000.00"));
    let plan = whole_plan(
        "c",
        budget("b", "p", validity, terms),
        "isf",
        isf(),
        PaymentSchedule::new(Frequency::FourWeekly, base()),
    );
    let agreement = ServiceAgreement::new("AG", &plan, "isf", validity)
        .unwrap()
        .service(
            Service::new(
                "PC",
                "personal care",
                Unit::Hour,
                BandRates::flat(gbp("24.00")).weekend(gbp("26.50")),
            )
            .planned_per_week(Decimal::from(planned)),
        )
        .fee(ManagementFee::Percent(Decimal::new(i64::from(fee), 1)))
        .banking(Banking {
            max_units: Decimal::from(6),
            expires_after_weeks: 4,
        })
        .policy(policy);
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    agreement.open_accounts(&mut ledger, &plan).unwrap();
    for k in 0..5 {
        let _ = run_payments(
            &mut ledger,
            &[&plan],
            &PaymentRun::new(format!("run-{k}"), day(k * 28)),
        );
    }
    (ledger, plan, agreement)
}

#[derive(Debug, Clone)]
enum Op {
    /// Lines: (day, quarter hours, wrong price, cancelled with notice).
    Claim(Vec<(u32, u32, bool, Option<u32>)>),
    /// Book (day, quarter hours), then claim (quarter hours) against it.
    Booked(u32, u32, u32),
    Bank(u32),
    Accept(usize),
    /// A line spread from (day) over (days) more days, near the agreement's end.
    Span(u32, u32, u32),
}

fn op() -> impl Strategy<Value = Op> {
    let line = (
        0u32..100,
        1u32..60,
        prop::bool::weighted(0.1),
        prop::option::weighted(0.15, 0u32..72),
    );
    prop_oneof![
        6 => prop::collection::vec(line, 1..6).prop_map(Op::Claim),
        2 => (3u32..100, 1u32..24, 1u32..40).prop_map(|(d, b, c)| Op::Booked(d, b, c)),
        1 => (0u32..14).prop_map(Op::Bank),
        1 => (0usize..8).prop_map(Op::Accept),
        1 => (128u32..140, 0u32..8, 1u32..60).prop_map(|(d, n, q)| Op::Span(d, n, q)),
    ]
}

fn policy() -> impl Strategy<Value = ClaimPolicy> {
    (0u8..3, any::<bool>()).prop_map(|(rate, outside)| ClaimPolicy {
        rate_differs: match rate {
            0 => OnRateDiffers::Dispute,
            _ => OnRateDiffers::PayAgreedRate,
        },
        outside_agreement: if outside {
            OnIssue::Dispute
        } else {
            OnIssue::Refuse
        },
        ..ClaimPolicy::default()
    })
}

/// What the claim's dispute holds hold, active ones only.
fn held_for(ledger: &Ledger, claim: &str) -> Money {
    let prefix = format!("dispute:AG:{claim}:");
    let mut total = gbp("0.00");
    for h in ledger.holds() {
        if h.status() == HoldStatus::Active && h.details().id.as_str().starts_with(&prefix) {
            total = total.checked_add(h.details().amount).unwrap();
        }
    }
    total
}

/// Checks one outcome line by line; returns what the claim took from the fund, fees included.
fn check_outcome(claim: &Claim, out: &ClaimOutcome) -> Result<Money, TestCaseError> {
    prop_assert_eq!(out.lines.len(), claim.lines.len());
    let mut took = gbp("0.00");
    for (i, split) in out.lines.iter().enumerate() {
        let n = i + 1;
        prop_assert_eq!(split.line, n);
        let sum = split
            .paid
            .checked_add(split.disputed)
            .unwrap()
            .checked_add(split.not_charged)
            .unwrap();
        prop_assert_eq!(sum, split.claimed, "line {}: {:?}", n, split);
        prop_assert!(!split.paid.is_negative() && !split.disputed.is_negative());
        prop_assert!(!split.not_charged.is_negative());
        if claim.lines[i].cancelled_with_notice_hours.is_none() {
            prop_assert!(split.not_charged.is_zero(), "line {}: {:?}", n, split);
        }
        let paid = out.paid.iter().find(|p| p.line == n);
        prop_assert_eq!(paid.map_or(gbp("0.00"), |p| p.amount), split.paid);
        if let Some(p) = paid {
            took = took
                .checked_add(p.amount)
                .unwrap()
                .checked_add(p.fee)
                .unwrap();
        }
        let disputed = out.disputed.iter().find(|d| d.line == n);
        prop_assert_eq!(disputed.map_or(gbp("0.00"), |d| d.amount), split.disputed);
    }
    Ok(took)
}

proptest! {
    #![proptest_config(support::config_with_cases("claim_split_props", 64))]

    /// For every claim, every line's paid + disputed + not charged is its cost, the fund loses
    /// exactly what was paid with its fees, and the dispute holds hold exactly what is disputed.
    #[test]
    fn every_line_splits_to_the_penny(
        planned in 4u32..16,
        fee in 0u32..80,
        policy in policy(),
        ops in prop::collection::vec(op(), 1..14),
    ) {
        let (mut ledger, plan, ag) = setup(planned, fee, policy);
        let mut disputed: Vec<(ClaimId, usize)> = Vec::new();
        for (k, op) in ops.iter().enumerate() {
            let before = plan.fund_balance(&ledger, "isf").unwrap();
            let claim = match op {
                Op::Claim(lines) => {
                    let mut claim = Claim::new(format!("C{k}"), day(102));
                    for &(d, q, wrong, cancel) in lines {
                        let agreed = ag.price("PC", day(d)).unwrap();
                        let price = if wrong { agreed.checked_add(gbp("0.37")).unwrap() } else { agreed };
                        let mut line = ClaimLine::new(day(d), "PC", Decimal::new(i64::from(q) * 25, 2), price);
                        if let Some(h) = cancel {
                            line = line.cancelled(h);
                        }
                        claim = claim.line(line);
                    }
                    Some(claim)
                }
                Op::Booked(d, b, c) => {
                    let booking = Booking::new(format!("B{k}"), day(*d), "PC", Decimal::new(i64::from(*b) * 25, 2), day(d - 3));
                    if ag.book(&mut ledger, &plan, &booking).is_err() {
                        continue;
                    }
                    let price = ag.price("PC", day(*d)).unwrap();
                    Some(Claim::new(format!("C{k}"), day(d + 1)).line(
                        ClaimLine::new(day(*d), "PC", Decimal::new(i64::from(*c) * 25, 2), price)
                            .booking(format!("B{k}")),
                    ))
                }
                Op::Span(d, n, q) => {
                    let price = ag.price("PC", day(*d)).unwrap();
                    Some(Claim::new(format!("C{k}"), day(139)).line(
                        ClaimLine::new(day(*d), "PC", Decimal::new(i64::from(*q) * 25, 2), price)
                            .until(day(d + n)),
                    ))
                }
                Op::Bank(w) => {
                    let _ = ag.bank_unused(&mut ledger, day(w * 7));
                    None
                }
                Op::Accept(i) => {
                    if !disputed.is_empty() {
                        let (c, n) = disputed.remove(i % disputed.len());
                        let held = held_for(&ledger, c.as_str());
                        let got = ag.accept_disputed(&mut ledger, &plan, &c, n, day(141));
                        prop_assert!(got.is_ok(), "accept {c}:{n}: {got:?}");
                        prop_assert!(held_for(&ledger, c.as_str()) < held || held.is_zero());
                    }
                    None
                }
            };
            let Some(claim) = claim else { continue };
            match ag.submit(&mut ledger, &plan, &claim) {
                Ok(out) => {
                    let took = check_outcome(&claim, &out)?;
                    let after = plan.fund_balance(&ledger, "isf").unwrap();
                    prop_assert_eq!(before.checked_sub(after).unwrap(), took);
                    prop_assert_eq!(held_for(&ledger, claim.id.as_str()), out.disputed_total().unwrap());
                    for d in out.disputed.iter().filter(|d| d.amount.is_positive()) {
                        disputed.push((claim.id.clone(), d.line));
                    }
                }
                Err(e) => {
                    // Only a duplicate or an unknown booking may refuse these claims.
                    prop_assert!(
                        matches!(e.kind(), ErrorKind::Refused | ErrorKind::NotFound),
                        "{e}"
                    );
                }
            }
        }
    }

    /// A line over its week's plan with nothing banked pays the planned hours and disputes only
    /// the rest.
    #[test]
    fn the_planned_part_is_paid(planned in 4u32..16, quarters in 1u32..100, before in 0u32..20) {
        let (mut ledger, plan, ag) = setup(planned, 50, ClaimPolicy::default());
        let price = gbp("24.00");
        let earlier = Decimal::new(i64::from(before) * 25, 2);
        if before > 0 {
            let first = Claim::new("first", day(8)).line(ClaimLine::new(day(1), "PC", earlier, price));
            let _ = ag.submit(&mut ledger, &plan, &first).unwrap();
        }
        let units = Decimal::new(i64::from(quarters) * 25, 2);
        let claim = Claim::new("second", day(9)).line(ClaimLine::new(day(2), "PC", units, price));
        let out = ag.submit(&mut ledger, &plan, &claim).unwrap();
        let room = Decimal::from(planned) - earlier.min(Decimal::from(planned));
        let payable = units.min(room);
        let split = out.lines[0];
        prop_assert_eq!(split.claimed, price.checked_mul(units).unwrap());
        prop_assert_eq!(split.paid, price.checked_mul(payable).unwrap());
        prop_assert_eq!(split.disputed, price.checked_mul(units - payable).unwrap());
        prop_assert_eq!(out.paid.is_empty(), payable.is_zero());
    }
}

#[test]
fn banked_hours_then_the_plan_are_paid_and_the_rest_disputed() {
    let (mut ledger, plan, ag) = setup(10, 0, ClaimPolicy::default());
    // Week 0: 7 of 10 hours delivered, 3 banked.
    let c0 = Claim::new("w0", day(6)).line(ClaimLine::new(day(1), "PC", dec("7"), gbp("24.00")));
    let _ = ag.submit(&mut ledger, &plan, &c0).unwrap();
    assert_eq!(
        ag.bank_unused(&mut ledger, day(0)).unwrap(),
        vec![("PC".to_string(), dec("3"))]
    );
    // Week 1: 15 hours claimed, 10 planned, 3 banked: 13 paid, 2 disputed.
    let c1 = Claim::new("w1", day(13)).line(ClaimLine::new(day(8), "PC", dec("15"), gbp("24.00")));
    let out = ag.submit(&mut ledger, &plan, &c1).unwrap();
    assert_eq!(out.paid[0].amount, gbp("312.00"));
    assert_eq!(out.paid[0].banked_units_used, dec("3"));
    assert_eq!(out.disputed[0].amount, gbp("48.00"));
    assert!(matches!(
        out.disputed[0].issues[..],
        [ClaimIssue::OverPlan { .. }]
    ));
    // Accepted, the two hours count as delivered: the week shows 15.
    let paid = ag
        .accept_disputed(&mut ledger, &plan, &"w1".into(), 1, day(20))
        .unwrap();
    assert_eq!(paid, gbp("48.00"));
    let week = Period::new(day(7), day(14)).unwrap();
    let units = ag.units_summary(&ledger, week).unwrap();
    assert_eq!(units.lines[0].delivered, dec("15"));
    // A credit note gives back both parts.
    let note = CreditNote {
        id: "N1".into(),
        date: day(21),
        lines: vec![("w1".into(), 1)],
        reason: "wrong person".into(),
    };
    assert_eq!(
        ag.credit_note(&mut ledger, &plan, &note).unwrap(),
        gbp("360.00")
    );
}

#[test]
fn a_line_over_its_booking_pays_the_booking_and_disputes_the_rest() {
    let (mut ledger, plan, ag) = setup(20, 0, ClaimPolicy::default());
    let booking = Booking::new("B1", day(2), "PC", dec("2"), day(0));
    ag.book(&mut ledger, &plan, &booking).unwrap();
    let claim = Claim::new("c", day(3))
        .line(ClaimLine::new(day(2), "PC", dec("3"), gbp("24.00")).booking("B1"));
    let out = ag.submit(&mut ledger, &plan, &claim).unwrap();
    assert_eq!(out.paid[0].amount, gbp("48.00"));
    assert_eq!(out.disputed[0].amount, gbp("24.00"));
    assert!(matches!(
        out.disputed[0].issues[..],
        [ClaimIssue::ExceedsBooking { .. }]
    ));
    // The booking is settled; only the dispute is held.
    assert_eq!(held_for(&ledger, "c"), gbp("24.00"));
    let attribution = plan.attribution(&ledger, "isf").unwrap();
    assert_eq!(
        attribution
            .balance
            .checked_sub(attribution.available)
            .unwrap(),
        gbp("24.00")
    );
}

#[test]
fn with_the_refuse_policy_an_over_plan_line_refuses_the_claim_and_changes_nothing() {
    let policy = ClaimPolicy {
        over_plan: OnIssue::Refuse,
        ..ClaimPolicy::default()
    };
    let (mut ledger, plan, ag) = setup(10, 0, policy);
    let before = ledger.clone();
    let claim = Claim::new("c", day(3)).line(ClaimLine::new(day(2), "PC", dec("12"), gbp("24.00")));
    let err = ag.submit(&mut ledger, &plan, &claim).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert_eq!(ledger, before);
}

#[test]
fn a_line_partly_outside_the_agreement_pays_the_days_inside() {
    // The agreement runs to day 139 (its end, day 140, is excluded). A line of 8 hours from
    // day 138 to day 141: 2 of its 4 days are inside, so 4 hours are paid and 4 disputed.
    let policy = ClaimPolicy {
        outside_agreement: OnIssue::Dispute,
        ..ClaimPolicy::default()
    };
    let (mut ledger, plan, ag) = setup(40, 0, policy);
    // Day 138 is a Saturday: the weekend rate, £26.50.
    let price = ag.price("PC", day(138)).unwrap();
    assert_eq!(price, gbp("26.50"));
    let line = ClaimLine::new(day(138), "PC", dec("8"), price).until(day(141));
    let out = ag
        .submit(
            &mut ledger,
            &plan,
            &Claim::new("c", day(139)).line(line.clone()),
        )
        .unwrap();
    assert_eq!(out.paid[0].amount, gbp("106.00"));
    assert_eq!(out.disputed[0].amount, gbp("106.00"));
    assert!(matches!(
        out.disputed[0].issues[..],
        [ClaimIssue::OutsideAgreement { .. }]
    ));
    // By default a date outside the agreement refuses the claim, and nothing changes.
    let (mut ledger, plan, ag) = setup(40, 0, ClaimPolicy::default());
    let before = ledger.clone();
    let err = ag
        .submit(&mut ledger, &plan, &Claim::new("c", day(139)).line(line))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert_eq!(ledger, before);
    // A span of more than 31 days is malformed.
    let long = ClaimLine::new(day(1), "PC", dec("8"), gbp("24.00")).until(day(40));
    let err = ag
        .submit(&mut ledger, &plan, &Claim::new("c", day(41)).line(long))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
