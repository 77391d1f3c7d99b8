//! Worked examples of personal budgets, deployments and payment runs, as councils publish them.

mod support;

use isf_ledger::*;
use support::{budget, d, gbp, net_dp};

fn plan(
    id: &str,
    validity: Period,
    terms: BudgetTerms,
    deployments: Vec<Deployment>,
    schedule: PaymentSchedule,
) -> PaymentPlan {
    let budget = budget(id, &format!("person-{id}"), validity, terms);
    PaymentPlan::new("council", budget, deployments, schedule).unwrap()
}

fn paid_into_funds(report: &RunReport) -> Money {
    report
        .total()
        .unwrap()
        .into_iter()
        .next()
        .unwrap_or(gbp("0"))
}

/// Cambridgeshire's net direct payment: care costs £48 a week, the person's assessed
/// contribution is £28, so the council pays £20 a week and the person deposits £28.
#[test]
fn cambridgeshire_net_direct_payment() {
    let validity = Period::new(d(2025, 4, 7), d(2025, 5, 5)).unwrap();
    let p = plan(
        "cambs",
        validity,
        BudgetTerms::new(Basis::Week, gbp("48.00")).contribution(gbp("28.00")),
        vec![Deployment::whole("dp", net_dp())],
        PaymentSchedule::new(Frequency::Weekly, d(2025, 4, 7)),
    );
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    for (week, day) in [7, 14, 21, 28].into_iter().enumerate() {
        let report = run_payments(
            &mut ledger,
            &[&p],
            &PaymentRun::new("weekly", d(2025, 4, day)),
        );
        assert!(report.refused.is_empty(), "{:?}", report.refused);
        assert_eq!(report.posted.len(), 1);
        assert_eq!(paid_into_funds(&report), gbp("20.00"));
        if week < 3 {
            let deposit = p
                .contribution_receipt(
                    "dp",
                    format!("deposit-{week}"),
                    gbp("28.00"),
                    d(2025, 4, day),
                )
                .unwrap();
            // The receipt's sequence number is not needed here.
            let _ = ledger.post(deposit).unwrap();
        }
    }
    assert_eq!(ledger.balance(p.council_bank()).unwrap(), gbp("-80.00"));
    assert_eq!(p.fund_balance(&ledger, "dp").unwrap(), gbp("164.00"));
    let status = p.contribution_status(&ledger, d(2025, 5, 4)).unwrap();
    assert_eq!(status.expected, gbp("112.00"));
    assert_eq!(status.received, gbp("84.00"));
    assert_eq!(status.arrears, gbp("28.00"));
    let attribution = p.attribution(&ledger, "dp").unwrap();
    let by: Vec<Money> = attribution.by_source.iter().map(|s| s.balance).collect();
    assert_eq!(by, vec![gbp("80.00"), gbp("84.00")]);
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify().unwrap();
}

/// Hampshire pays direct payments four-weekly in advance: thirteen identical payments in a
/// 52-week year.
#[test]
fn hampshire_thirteen_identical_four_weekly_payments() {
    let validity = Period::new(d(2025, 4, 7), d(2026, 4, 6)).unwrap(); // 52 weeks
    let p = plan(
        "hants",
        validity,
        BudgetTerms::new(Basis::Week, gbp("263.17")),
        vec![Deployment::whole("dp", net_dp())],
        PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7)),
    );
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    let report = run_payments(&mut ledger, &[&p], &PaymentRun::new("year", d(2026, 3, 31)));
    assert_eq!(report.posted.len(), 13);
    assert!(report.posted.iter().all(|r| r.amount == gbp("1052.68")));
    assert_eq!(paid_into_funds(&report), gbp("13684.84")); // 52 × 263.17
    // The same split from a yearly total.
    let schedule = PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7));
    let split = schedule.split(validity, gbp("13684.84")).unwrap();
    assert!(split.iter().all(|(_, m)| *m == gbp("1052.68")));
}

/// A weekly budget paid four-weekly across 1 April 2024 – 31 March 2025, a year with 53 Mondays:
/// thirteen four-weekly periods cover 364 days and the year's last day, Monday 31 March 2025,
/// starts a fourteenth.
#[test]
fn weekly_budget_paid_four_weekly_in_a_53_monday_year() {
    let fy = FinancialYear::starting(2024).unwrap();
    assert_eq!(fy.mondays(), 53);
    let terms = BudgetTerms::new(Basis::Week, gbp("350.00"));
    let schedule = PaymentSchedule::new(Frequency::FourWeekly, d(2024, 4, 1));

    let every = plan(
        "fy24-every",
        fy.period(),
        terms.clone(),
        vec![Deployment::whole("dp", net_dp())],
        schedule,
    );
    let amounts = every.amounts().unwrap();
    assert_eq!(amounts.len(), 14);
    let totals: Vec<Money> = amounts
        .iter()
        .map(|a| a.deployment_total(0).unwrap())
        .collect();
    assert!(totals[..13].iter().all(|m| *m == gbp("1400.00")));
    assert_eq!(
        amounts[13].period,
        Period::new(d(2025, 3, 31), d(2025, 4, 1)).unwrap()
    );
    assert_eq!(totals[13], gbp("50.00")); // one day of £350 a week
    // 365 days of £50 a day.
    let mut ledger = Ledger::new();
    every.open_accounts(&mut ledger).unwrap();
    let report = run_payments(
        &mut ledger,
        &[&every],
        &PaymentRun::new("y", d(2025, 3, 31)),
    );
    assert_eq!(paid_into_funds(&report), gbp("18250.00"));

    let skip = plan(
        "fy24-skip",
        fy.period(),
        terms,
        vec![Deployment::whole("dp", net_dp())],
        schedule.week53(Week53Policy::SkipExtraPeriod),
    );
    let amounts = skip.amounts().unwrap();
    assert_eq!(amounts.len(), 13);
    let total = amounts
        .iter()
        .map(|a| a.deployment_total(0).unwrap())
        .try_fold(gbp("0"), |t, m| t.checked_add(m))
        .unwrap();
    assert_eq!(total, gbp("18200.00")); // exactly 52 weeks
}

#[test]
fn gross_direct_payment_invoices_the_contribution() {
    let validity = Period::new(d(2025, 4, 7), d(2025, 4, 21)).unwrap();
    let p = plan(
        "gross",
        validity,
        BudgetTerms::new(Basis::Week, gbp("48.00")).contribution(gbp("28.00")),
        vec![Deployment::whole(
            "dp",
            DeploymentKind::DirectPayment {
                basis: PaymentBasis::Gross,
            },
        )],
        PaymentSchedule::new(Frequency::Weekly, d(2025, 4, 7)),
    );
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    let report = run_payments(&mut ledger, &[&p], &PaymentRun::new("r", d(2025, 4, 14)));
    assert_eq!(paid_into_funds(&report), gbp("96.00"));
    assert_eq!(ledger.balance(p.council_bank()).unwrap(), gbp("-96.00"));
    let status = p.contribution_status(&ledger, d(2025, 4, 20)).unwrap();
    assert_eq!(status.invoiced_outstanding, gbp("56.00"));
    assert_eq!(status.expected, gbp("0.00"));
    // The receipt's sequence number is not needed here.
    let _ = ledger
        .post(
            p.invoice_payment("inv-paid-1", gbp("28.00"), d(2025, 4, 15))
                .unwrap(),
        )
        .unwrap();
    let status = p.contribution_status(&ledger, d(2025, 4, 20)).unwrap();
    assert_eq!(status.invoiced_outstanding, gbp("28.00"));
    assert_eq!(ledger.balance(p.council_bank()).unwrap(), gbp("-68.00"));
}

#[test]
fn mixed_package_splits_exactly_and_keeps_sources() {
    let validity = Period::new(d(2025, 4, 7), d(2025, 6, 2)).unwrap();
    let terms = BudgetTerms::new(Basis::Week, gbp("333.33"))
        .contribution(gbp("41.17"))
        .top_up("daughter", gbp("25.00"));
    let p = plan(
        "mix",
        validity,
        terms,
        vec![
            Deployment {
                name: "dp".into(),
                kind: net_dp(),
                share: Share::Percent(rust_decimal::Decimal::new(3333, 2)),
            },
            Deployment {
                name: "isf".into(),
                kind: DeploymentKind::Isf {
                    provider: "PR01".into(),
                },
                share: Share::FixedWeekly(gbp("120.00")),
            },
            Deployment {
                name: "council".into(),
                kind: DeploymentKind::CouncilManaged,
                share: Share::Remainder,
            },
        ],
        PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7)),
    );
    for a in p.amounts().unwrap() {
        // The three deployments share the whole period exactly.
        let total = (0..3)
            .map(|j| a.deployment_total(j).unwrap())
            .try_fold(gbp("0"), |t, m| t.checked_add(m))
            .unwrap();
        assert_eq!(total, gbp("1333.32"));
        assert_eq!(a.deployment_total(1).unwrap(), gbp("480.00"));
        assert_eq!(a.source_total(&Source::Person).unwrap(), gbp("164.68"));
        assert_eq!(
            a.source_total(&Source::TopUp("daughter".into())).unwrap(),
            gbp("100.00")
        );
    }
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    let report = run_payments(&mut ledger, &[&p], &PaymentRun::new("r", d(2025, 5, 5)));
    assert_eq!(report.posted.len(), 2);
    assert!(ledger.trial_balance().balances());
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify().unwrap();
    // The person's share of the net direct payment is expected from them, not paid by the run.
    let status = p.contribution_status(&ledger, d(2025, 5, 5)).unwrap();
    assert!(status.expected.is_positive());
    assert!(status.invoiced_outstanding.is_positive());
}

#[test]
fn rerunning_a_run_posts_nothing_twice() {
    let validity = Period::new(d(2025, 4, 7), d(2025, 6, 2)).unwrap();
    let p = plan(
        "rerun",
        validity,
        BudgetTerms::new(Basis::Week, gbp("100.00")),
        vec![Deployment::whole("dp", net_dp())],
        PaymentSchedule::new(Frequency::Weekly, d(2025, 4, 7)),
    );
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    let run = PaymentRun::new("r1", d(2025, 4, 21));
    assert_eq!(run_payments(&mut ledger, &[&p], &run).posted.len(), 3);
    let before = ledger.clone();
    let again = run_payments(&mut ledger, &[&p], &run);
    assert!(again.posted.is_empty() && again.refused.is_empty());
    assert_eq!(ledger, before);
}

#[test]
fn a_refused_plan_changes_nothing_and_the_rest_are_paid() {
    let validity = Period::new(d(2025, 4, 7), d(2025, 6, 2)).unwrap();
    let terms = BudgetTerms::new(Basis::Week, gbp("100.00"));
    let good = plan(
        "good",
        validity,
        terms.clone(),
        vec![Deployment::whole("dp", net_dp())],
        PaymentSchedule::new(Frequency::Weekly, d(2025, 4, 7)),
    );
    let unopened = plan(
        "unopened",
        validity,
        terms,
        vec![Deployment::whole("dp", net_dp())],
        PaymentSchedule::new(Frequency::Weekly, d(2025, 4, 7)),
    );
    let mut ledger = Ledger::new();
    good.open_accounts(&mut ledger).unwrap();
    let report = run_payments(
        &mut ledger,
        &[&unopened, &good],
        &PaymentRun::new("r", d(2025, 4, 14)),
    );
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].budget, "unopened");
    // The batch's refusal is its source: the account was never opened.
    let error = &report.refused[0].error;
    assert!(error.is_not_found(), "{error}");
    let cause = std::error::Error::source(error).map(ToString::to_string);
    assert!(
        cause
            .as_deref()
            .unwrap_or_default()
            .contains("unknown account"),
        "{error}: {cause:?}"
    );
    assert_eq!(report.posted.len(), 2);
    let mut only_good = Ledger::new();
    good.open_accounts(&mut only_good).unwrap();
    // Setup: the report is not inspected, the ledger is.
    let _ = run_payments(
        &mut only_good,
        &[&good],
        &PaymentRun::new("r", d(2025, 4, 14)),
    );
    assert_eq!(ledger, only_good);
}

/// A contribution reassessed in July, backdated to May: the council's share falls from May, so
/// the council recovers exactly the difference for the weeks already paid, and the person's
/// expected contributions rise by the same amount.
#[test]
fn backdated_contribution_reassessment_adjusts_exactly() {
    let validity = FinancialYear::starting(2025).unwrap().period();
    let mut p = plan(
        "reassess",
        validity,
        BudgetTerms::new(Basis::Week, gbp("210.00")).contribution(gbp("20.00")),
        vec![Deployment::whole("dp", net_dp())],
        PaymentSchedule::new(Frequency::Weekly, d(2025, 3, 31)),
    );
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    // Paid weekly to the end of June (the first period is the part week 1–6 April).
    let report = run_payments(&mut ledger, &[&p], &PaymentRun::new("q1", d(2025, 6, 30)));
    assert!(report.refused.is_empty());
    let paid_before = ledger.balance(p.council_bank()).unwrap();
    p.revise(Revision {
        id: "reassess-jul".into(),
        effective: d(2025, 5, 5),
        reason: "contribution reassessed".into(),
        terms: BudgetTerms::new(Basis::Week, gbp("210.00")).contribution(gbp("35.50")),
    })
    .unwrap();
    let receipts = p
        .post_adjustments(&mut ledger, &"reassess-jul".into(), d(2025, 7, 14))
        .unwrap();
    // Weeks from 5 May to the week of 30 June: 9 weeks × £15.50 back to the council.
    assert_eq!(receipts.len(), 9);
    let paid_after = ledger.balance(p.council_bank()).unwrap();
    assert_eq!(paid_after.checked_sub(paid_before).unwrap(), gbp("139.50"));
    // Asking again posts nothing.
    assert!(
        p.adjustments(&ledger, &"reassess-jul".into(), d(2025, 7, 14))
            .unwrap()
            .is_empty()
    );
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify().unwrap();
}

/// A budget the person and a top-up pay for entirely: the council's share is nothing, and the
/// others' rounding must never ask the council for a negative payment (found by the monitoring
/// property tests: £209.52 a week, £119.88 contribution, £89.64 top-up, paid monthly).
#[test]
fn a_council_share_of_nothing_is_never_negative() {
    let validity = Period::new(d(2025, 4, 1), d(2026, 4, 1)).unwrap();
    let gross = DeploymentKind::DirectPayment {
        basis: PaymentBasis::Gross,
    };
    let p = plan(
        "zero",
        validity,
        BudgetTerms::new(Basis::Week, gbp("209.52"))
            .contribution(gbp("119.88"))
            .top_up("family", gbp("89.64")),
        vec![Deployment::whole("dp", gross)],
        PaymentSchedule::new(Frequency::CalendarMonthly, d(2025, 4, 1)),
    );
    let amounts = p.amounts().unwrap();
    for period in &amounts {
        let council = period.source_total(&Source::Council).unwrap();
        assert!(
            !council.is_negative(),
            "{}: council {council}",
            period.period
        );
    }
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    for period in &amounts {
        let report = run_payments(
            &mut ledger,
            &[&p],
            &PaymentRun::new("m", period.period.start()),
        );
        assert!(report.refused.is_empty(), "{:?}", report.refused);
    }
    assert_eq!(
        ledger
            .balance(p.fund_account("dp", &Source::Council))
            .unwrap(),
        gbp("0.00")
    );
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify().unwrap();
}
