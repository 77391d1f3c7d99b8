//! Property tests for budgets, deployments, schedules and runs.

mod support;

use chrono::{Days, NaiveDate};
use isf_ledger::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::{budget, d, days_from, frequency, gbp_minor, net_dp, sum, whole_plan};

fn basis() -> impl Strategy<Value = Basis> {
    prop_oneof![
        Just(Basis::Week),
        Just(Basis::FourWeeks),
        Just(Basis::Month),
        Just(Basis::Year),
    ]
}

fn schedule() -> impl Strategy<Value = PaymentSchedule> {
    (
        frequency(),
        days_from(d(2023, 1, 1), 800),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(f, anchor, arrears, skip)| {
            let mut s = PaymentSchedule::new(f, anchor);
            if arrears {
                s = s.in_arrears();
            }
            if skip {
                s = s.week53(Week53Policy::SkipExtraPeriod);
            }
            s
        })
}

/// A validity period starting on or after the anchor (periods before it are not scheduled).
fn validity_after(anchor: NaiveDate) -> impl Strategy<Value = Period> {
    (0u64..200, 1u64..500).prop_map(move |(offset, len)| {
        let start = anchor + Days::new(offset);
        Period::new(start, start + Days::new(len)).unwrap()
    })
}

proptest! {
    #![proptest_config(support::config("deploy_props"))]

    /// A schedule's split of a stated amount sums to it exactly, for any frequency and range,
    /// and every payment is within a penny of its exact share by days.
    #[test]
    fn schedule_split_sums_exactly(
        (s, range) in schedule().prop_flat_map(|s| (Just(s), validity_after(s.anchor))),
        pence in 0i64..10_000_000,
    ) {
        let total = gbp_minor(pence);
        if s.periods(range).unwrap().is_empty() {
            // Every period in the range is skipped as a 53rd-week period: nothing to pay into.
            prop_assert_eq!(s.split(range, total).is_err(), pence != 0);
            return Ok(());
        }
        let split = s.split(range, total).unwrap();
        prop_assert_eq!(sum(split.iter().map(|(_, m)| *m)), total);
        let days: i64 = split.iter().map(|(p, _)| p.days()).sum();
        for (p, m) in &split {
            let exact = Decimal::from(pence) * Decimal::from(p.days()) / Decimal::from(days);
            let got = Decimal::from(m.to_minor().unwrap() as i64);
            prop_assert!((got - exact).abs() < Decimal::ONE, "{} vs {}", got, exact);
        }
    }

    /// Paying a weekly rate: the payments for all the periods sum to the exact amount for all
    /// their days, rounded once; and each source's column and each deployment's row sum exactly.
    #[test]
    fn payments_sum_to_the_exact_amount_for_the_days(
        (s, validity) in schedule().prop_flat_map(|s| (Just(s), validity_after(s.anchor))),
        cost in 1i64..200_000,
        contribution in 0i64..200_000,
        dp_percent in 0u32..=100,
    ) {
        let terms = BudgetTerms::new(Basis::Week, gbp_minor(cost)).contribution(gbp_minor(contribution));
        let budget = budget("b", "p", validity, terms);
        let plan = PaymentPlan::new(
            "c",
            budget,
            vec![
                Deployment { name: "dp".into(), kind: net_dp(), share: Share::Percent(dp_percent.into()) },
                Deployment { name: "cm".into(), kind: DeploymentKind::CouncilManaged, share: Share::Remainder },
            ],
            s,
        ).unwrap();
        let amounts = plan.amounts().unwrap();
        let days: i64 = amounts.iter().map(|a| a.period.days()).sum();
        let total = sum(amounts.iter().flat_map(|a| a.cells.iter().flatten().copied()));
        let exact = Money::new(Decimal::from(cost) * Decimal::from(days) / Decimal::from(7), Currency::GBP);
        let expected = Money::new(exact.amount() / Decimal::ONE_HUNDRED, Currency::GBP).round(Rounding::HalfUp);
        prop_assert_eq!(total, expected);
        let person = sum(amounts.iter().map(|a| a.source_total(&Source::Person).unwrap()));
        let charged = contribution.min(cost);
        let exact_person = Decimal::from(charged) * Decimal::from(days) / Decimal::from(7) / Decimal::ONE_HUNDRED;
        prop_assert_eq!(person, Money::new(exact_person, Currency::GBP).round(Rounding::HalfUp));
        for a in &amounts {
            for cell in a.cells.iter().flatten() {
                prop_assert!(!cell.is_negative(), "negative cell in {:?}", a);
            }
        }
    }

    /// A backdated revision's adjustments net exactly to the new minus the old amounts of the
    /// periods already paid, source by source, and after them every paid period holds exactly
    /// what the new terms give.
    #[test]
    fn backdated_adjustments_net_to_new_minus_old(
        freq in prop_oneof![Just(Frequency::Weekly), Just(Frequency::FourWeekly), Just(Frequency::CalendarMonthly)],
        old_cost in 1000i64..100_000,
        old_contribution in 0i64..50_000,
        new_cost in 1000i64..100_000,
        new_contribution in 0i64..50_000,
        new_basis in basis(),
        revise_after in 1u64..300,
        paid_through in 1u64..365,
    ) {
        let anchor = NaiveDate::from_ymd_opt(2025, 4, 7).unwrap();
        let validity = Period::new(anchor, anchor + Days::new(365)).unwrap();
        let old_terms = BudgetTerms::new(Basis::Week, gbp_minor(old_cost)).contribution(gbp_minor(old_contribution));
        let budget = budget("b", "p", validity, old_terms);
        let gross = DeploymentKind::DirectPayment { basis: PaymentBasis::Gross };
        let mut plan = whole_plan("c", budget, "dp", gross, PaymentSchedule::new(freq, anchor));
        let mut ledger = Ledger::new();
        plan.open_accounts(&mut ledger).unwrap();
        let paid_until = anchor + Days::new(paid_through);
        let report = run_payments(&mut ledger, &[&plan], &PaymentRun::new("r", paid_until));
        prop_assert!(report.refused.is_empty());
        let old_amounts = plan.amounts().unwrap();
        plan.revise(Revision {
            id: "rev".into(),
            effective: anchor + Days::new(revise_after),
            reason: "review".into(),
            terms: BudgetTerms::new(new_basis, gbp_minor(new_cost)).contribution(gbp_minor(new_contribution)),
        }).unwrap();
        let new_amounts = plan.amounts().unwrap();
        let adjustments = plan.adjustments(&ledger, &"rev".into(), paid_until).unwrap();
        let fund = |s: &Source| plan.fund_account("dp", s);
        for source in [Source::Council, Source::Person] {
            let adjusted = sum(adjustments.iter().flat_map(|e| {
                e.postings.iter().filter(|p| p.account == fund(&source)).map(|p| p.amount)
            }));
            let mut difference = gbp_minor(0);
            for (old, new) in old_amounts.iter().zip(&new_amounts) {
                prop_assert_eq!(old.period, new.period);
                if plan.is_paid(&ledger, old.period.start()) {
                    difference = difference
                        .checked_add(new.source_total(&source).unwrap()).unwrap()
                        .checked_sub(old.source_total(&source).unwrap()).unwrap();
                }
            }
            prop_assert_eq!(adjusted, difference, "source {}", source);
        }
        // Adjustments that would overdraw the fund are refused whole; otherwise posted.
        let before = ledger.clone();
        match ledger.post_batch(adjustments) {
            Ok(_) => {
                for new in &new_amounts {
                    if plan.is_paid(&ledger, new.period.start()) {
                        prop_assert!(plan.adjustments(&ledger, &"rev".into(), paid_until).unwrap().is_empty());
                    }
                }
            }
            Err(_) => prop_assert_eq!(&ledger, &before),
        }
        prop_assert!(ledger.verify().is_ok());
    }

    /// After any sequence of runs, contributions and spending, every fund's source parts sum to
    /// its balance, none is negative, and they equal a plain model of what went in and out.
    #[test]
    fn attribution_sums_to_the_fund_balance(
        ops in prop::collection::vec((0u8..3, 1i64..40_000, 0u64..120), 1..30),
        priority in any::<bool>(),
    ) {
        let anchor = NaiveDate::from_ymd_opt(2025, 4, 7).unwrap();
        let validity = Period::new(anchor, anchor + Days::new(140)).unwrap();
        let terms = BudgetTerms::new(Basis::Week, gbp_minor(30_000))
            .contribution(gbp_minor(7_500))
            .top_up("aunt", gbp_minor(1_234));
        let budget = budget("b", "p", validity, terms);
        let mut plan = whole_plan("c", budget, "dp", net_dp(), PaymentSchedule::new(Frequency::Weekly, anchor));
        if priority {
            plan = plan.spend_order(SpendOrder::Priority(vec![Source::Person]));
        }
        let mut ledger = Ledger::new();
        plan.open_accounts(&mut ledger).unwrap();
        ledger.open_account(NewAccount::new("provider", AccountKind::Expense, Currency::GBP)).unwrap();
        let mut model_in = 0i64;
        let mut model_out = 0i64;
        for (i, (kind, pence, day)) in ops.into_iter().enumerate() {
            let date = anchor + Days::new(day);
            match kind {
                0 => {
                    let report = run_payments(&mut ledger, &[&plan], &PaymentRun::new("r", date));
                    prop_assert!(report.refused.is_empty());
                    model_in += report.posted.iter().map(|p| p.amount.to_minor().unwrap() as i64).sum::<i64>();
                }
                1 => {
                    let e = plan.contribution_receipt("dp", format!("c{i}"), gbp_minor(pence), date).unwrap();
                    // The receipt's sequence number is not needed here.
                    let _ = ledger.post(e).unwrap();
                    model_in += pence;
                }
                _ => match plan.spend(&ledger, "dp", format!("s{i}"), "provider", gbp_minor(pence), date) {
                    Ok(e) => {
                        // The receipt's sequence number is not needed here.
                        let _ = ledger.post(e).unwrap();
                        model_out += pence;
                    }
                    Err(e) if matches!(e.deploy(), Some(DeployError::InsufficientFunds { .. })) => {}
                    Err(e) => prop_assert!(false, "unexpected {}", e),
                },
            }
            let a = plan.attribution(&ledger, "dp").unwrap();
            prop_assert_eq!(sum(a.by_source.iter().map(|s| s.balance)), a.balance);
            prop_assert!(a.by_source.iter().all(|s| !s.balance.is_negative()));
            prop_assert_eq!(a.balance, gbp_minor(model_in - model_out));
            prop_assert!(ledger.trial_balance().balances());
        }
        prop_assert!(ledger.verify().is_ok());
    }

    /// Every run balances, and a run whose plans are all refused changes nothing.
    #[test]
    fn runs_balance_and_refused_runs_change_nothing(
        (s, validity) in schedule().prop_flat_map(|s| (Just(s), validity_after(s.anchor))),
        cost in 1i64..100_000,
        run_after in 0u64..400,
    ) {
        let budget = budget("b", "p", validity, BudgetTerms::new(Basis::Week, gbp_minor(cost)));
        let plan = whole_plan("c", budget, "dp", net_dp(), s);
        let run = PaymentRun::new("r", validity.start() + Days::new(run_after));
        // Not opened: refused, nothing changes.
        let mut empty = Ledger::new();
        let report = run_payments(&mut empty, &[&plan], &run);
        prop_assert_eq!(&empty, &Ledger::new());
        prop_assert!(report.posted.is_empty());
        // Opened: every payment balances.
        let mut ledger = Ledger::new();
        plan.open_accounts(&mut ledger).unwrap();
        let report = run_payments(&mut ledger, &[&plan], &run);
        prop_assert!(report.refused.is_empty());
        prop_assert!(ledger.trial_balance().balances());
        prop_assert!(ledger.verify().is_ok());
        let paid = sum(report.posted.iter().map(|p| p.amount));
        prop_assert_eq!(ledger.balance(plan.council_bank()).unwrap(), paid.negate());
    }
}

/// Found by proptest: a range holding only a skipped 53rd-week period has nothing to split over.
#[test]
fn split_over_only_a_skipped_period_is_refused() {
    let s = PaymentSchedule::new(Frequency::Fortnightly, d(2024, 3, 16))
        .in_arrears()
        .week53(Week53Policy::SkipExtraPeriod);
    let range = Period::new(d(2024, 3, 30), d(2024, 3, 31)).unwrap();
    let err = s.split(range, gbp_minor(9_881_812)).unwrap_err();
    assert!(
        matches!(err.deploy(), Some(DeployError::NoPeriodPaid { .. })),
        "{err}"
    );
}
