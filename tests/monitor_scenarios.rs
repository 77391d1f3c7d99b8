//! Worked examples of direct-payment monitoring: a person employing a personal assistant, one
//! purchase the council does not allow, an unpaid invoice, the 6-month review, surplus with 4
//! and 8 weeks of contingency, and each way of recovering it.
//!
//! The figures: £350 a week, the person contributes £60 (net direct payment), paid four-weekly
//! in advance from Monday 7 April 2025, so each period the council pays £1,160 and the person
//! deposits £240. Each period the PA costs £800 wages, £40 employer's NI, £24 pension and a £15
//! payroll fee (£879); insurance is £120 once; a £25 bet is flagged. The council's money is
//! spent first. After seven periods (to 19 October) the fund has had £9,800 in (council
//! £8,120, person £1,680) and paid £6,298 out, leaving £3,502: council £1,822, person £1,680.
//! An agency invoice of £180 is owed.

mod support;

use chrono::NaiveDate;
use isf_ledger::dp::*;
use isf_ledger::*;
use rust_decimal::Decimal;
use support::{budget, d, gbp, net_dp, whole_plan};

const RUNS: [(u32, u32); 7] = [(4, 7), (5, 5), (6, 2), (6, 30), (7, 28), (8, 25), (9, 22)];

fn plan() -> PaymentPlan {
    let budget = budget(
        "PB7",
        "P7",
        Period::new(d(2025, 4, 7), d(2026, 4, 6)).unwrap(),
        BudgetTerms::new(Basis::Week, gbp("350.00")).contribution(gbp("60.00")),
    );
    whole_plan(
        "cx",
        budget,
        "dp",
        net_dp(),
        PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7)),
    )
    .spend_order(SpendOrder::Priority(vec![Source::Council]))
}

fn pay_run(ledger: &mut Ledger, plan: &PaymentPlan, date: NaiveDate) {
    let report = run_payments(ledger, &[plan], &PaymentRun::new("4w", date));
    assert!(report.refused.is_empty(), "{:?}", report.refused);
}

fn spend(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    id: String,
    date: NaiveDate,
    category: SpendCategory,
    payee: &str,
    amount: &str,
) -> Recorded {
    let s = Spend::new(id, date, category, payee, gbp(amount));
    record_spend(ledger, plan, "dp", &s, &SpendPolicy::england()).unwrap()
}

/// Six months of a direct payment employing a PA, as described in the file's docs.
fn six_months() -> (PaymentPlan, Ledger) {
    let plan = plan();
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    open_spend_accounts(&mut ledger, &plan, "dp").unwrap();
    for (n, (m, day)) in RUNS.into_iter().enumerate() {
        let date = d(2025, m, day);
        pay_run(&mut ledger, &plan, date);
        let deposit = plan
            .contribution_receipt("dp", format!("dep-{n}"), gbp("240.00"), date)
            .unwrap();
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(deposit).unwrap();
        let payday = date + chrono::Days::new(14);
        for (category, payee, amount) in [
            (SpendCategory::PaWages, "Sam Jones", "800.00"),
            (SpendCategory::EmployerNi, "HMRC", "40.00"),
            (SpendCategory::Pension, "NEST", "24.00"),
            (SpendCategory::PayrollFees, "PayCo", "15.00"),
        ] {
            let r = spend(
                &mut ledger,
                &plan,
                format!("{}-{n}", category.key()),
                payday,
                category,
                payee,
                amount,
            );
            assert_eq!(r.flag, None);
        }
    }
    // The recorded ids are not needed here.
    let _ = spend(
        &mut ledger,
        &plan,
        "ins-1".into(),
        d(2025, 4, 10),
        SpendCategory::Insurance,
        "Employers Cover Ltd",
        "120.00",
    );
    let bet = spend(
        &mut ledger,
        &plan,
        "bet-1".into(),
        d(2025, 5, 10),
        SpendCategory::Gambling,
        "Lucky Bets",
        "25.00",
    );
    assert!(bet.flag.is_some());
    let invoice = Spend::new(
        "inv-agency-77",
        d(2025, 10, 1),
        SpendCategory::Agency,
        "Care Co",
        gbp("180.00"),
    )
    .reference("INV-77");
    // The recorded ids are not needed here.
    let _ = accrue_liability(&mut ledger, &plan, "dp", &invoice, &SpendPolicy::england()).unwrap();
    (plan, ledger)
}

fn review_period() -> Period {
    Period::new(d(2025, 4, 7), d(2025, 10, 7)).unwrap()
}

#[test]
fn six_month_review_is_due_six_months_after_the_first_payment() {
    let (plan, ledger) = six_months();
    let first = first_payment_date(&ledger, &plan).unwrap();
    assert_eq!(first, d(2025, 4, 7));
    assert_eq!(next_review_due(first, &[]).unwrap(), d(2025, 10, 7));
    let policy = ReviewPolicy::default();
    assert!(!policy.is_overdue(first, &[], d(2025, 10, 7)).unwrap());
    assert!(policy.is_overdue(first, &[], d(2025, 10, 8)).unwrap());
    // Held on 1 October: the next is due a year later, at most.
    assert_eq!(
        policy.next_due(first, &[d(2025, 10, 1)]).unwrap(),
        d(2026, 10, 1)
    );
    // A council that reviews after 3 months, then every 6.
    let tighter = ReviewPolicy {
        first_within_months: 3,
        then_every_months: 6,
    };
    assert_eq!(tighter.next_due(first, &[]).unwrap(), d(2025, 7, 7));
    // End of month clamps: 31 August + 6 months is 28 February (29 in a leap year).
    assert_eq!(
        policy.next_due(d(2025, 8, 31), &[]).unwrap(),
        d(2026, 2, 28)
    );
    assert_eq!(
        policy.next_due(d(2027, 8, 31), &[]).unwrap(),
        d(2028, 2, 29)
    );
    // Out of chrono's range is an error, not a panic.
    assert!(matches!(
        policy.next_due(NaiveDate::MAX, &[]),
        Err(MonitorError::DateOutOfRange { .. })
    ));
}

#[test]
fn monitoring_return_at_six_months_shows_every_figure_from_the_ledger() {
    let (plan, ledger) = six_months();
    let ret = monitoring_return(&ledger, &plan, "dp", review_period()).unwrap();
    assert_eq!(ret.opening, gbp("0.00"));
    let by_source: Vec<(Source, Money)> = ret
        .money_in
        .iter()
        .map(|l| (l.source.clone(), l.amount))
        .collect();
    assert_eq!(
        by_source,
        vec![
            (Source::Council, gbp("8120.00")),
            (Source::Person, gbp("1680.00"))
        ]
    );
    assert_eq!(ret.total_in, gbp("9800.00"));
    let spend: Vec<(Option<SpendCategory>, Money)> =
        ret.spend.iter().map(|l| (l.category, l.amount)).collect();
    assert_eq!(
        spend,
        vec![
            (Some(SpendCategory::PaWages), gbp("5600.00")),
            (Some(SpendCategory::EmployerNi), gbp("280.00")),
            (Some(SpendCategory::Pension), gbp("168.00")),
            (Some(SpendCategory::Insurance), gbp("120.00")),
            (Some(SpendCategory::PayrollFees), gbp("105.00")),
            (Some(SpendCategory::Gambling), gbp("25.00")),
        ]
    );
    assert!(ret.returned.is_empty());
    assert_eq!(ret.total_out, gbp("6298.00"));
    assert_eq!(ret.closing, gbp("3502.00"));
    assert!(ret.ties_out());
    assert_eq!(ret.closing, plan.fund_balance(&ledger, "dp").unwrap());
    // The council's money was spent first.
    let attribution = plan.attribution(&ledger, "dp").unwrap();
    let parts: Vec<Money> = attribution.by_source.iter().map(|s| s.balance).collect();
    assert_eq!(parts, vec![gbp("1822.00"), gbp("1680.00")]);

    assert_eq!(ret.flags.len(), 1);
    let flag = &ret.flags[0];
    assert_eq!(flag.entry, "bet-1");
    assert_eq!(flag.date, d(2025, 5, 10));
    assert_eq!(flag.amount, gbp("25.00"));
    assert_eq!(flag.payee, "Lucky Bets");
    assert_eq!(flag.category, Some(SpendCategory::Gambling));
    assert!(flag.reason.contains("gambling"));
    assert!(!flag.owed);
    // The bet is in the books, with its flag.
    let bet = ledger.entry("bet-1").unwrap();
    assert_eq!(bet.metadata()["category"], "gambling");
    assert_eq!(bet.metadata()["flag"], flag.reason);

    assert_eq!(ret.outstanding, gbp("180.00"));
    assert_eq!(ret.liabilities.len(), 1);
    assert_eq!(ret.liabilities[0].id, "inv-agency-77");
    assert_eq!(ret.liabilities[0].payee, "Care Co");
    assert_eq!(ret.liabilities[0].outstanding, gbp("180.00"));

    let text = ret.to_string();
    assert!(text.contains("Monitoring return for P7"), "{text}");
    assert!(text.contains("personal assistant wages"), "{text}");
    assert!(text.contains("5600.00 GBP"), "{text}");
    assert!(text.contains("Lucky Bets"), "{text}");
    assert!(text.contains("Money at the end"), "{text}");
    assert!(text.contains("3502.00 GBP"), "{text}");
    assert!(text.contains("Care Co"), "{text}");

    // A return for the second half-quarter only: opening is the balance the day before.
    let later = Period::new(d(2025, 7, 1), d(2025, 10, 7)).unwrap();
    let part = monitoring_return(&ledger, &plan, "dp", later).unwrap();
    assert!(part.ties_out());
    assert_eq!(part.closing, gbp("3502.00"));
    assert!(part.flags.is_empty());
}

#[cfg(feature = "serde")]
#[test]
fn monitoring_return_round_trips_through_json() {
    let (plan, ledger) = six_months();
    let ret = monitoring_return(&ledger, &plan, "dp", review_period()).unwrap();
    let json = serde_json::to_string(&ret).unwrap();
    assert!(json.contains("\"gambling\""), "{json}");
    assert!(json.contains("\"3502.00 GBP\""), "{json}");
    let back: MonitoringReturn = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ret);
}

#[test]
fn paying_the_invoice_later_clears_the_liability() {
    let (plan, mut ledger) = six_months();
    let over = pay_liability(
        &mut ledger,
        &plan,
        "dp",
        "inv-agency-77",
        "pay-77",
        gbp("180.01"),
        d(2025, 10, 10),
    );
    assert!(matches!(
        over.as_ref().map_err(isf_ledger::Error::monitor),
        Err(Some(MonitorError::LiabilityOverpaid { .. }))
    ));
    let unknown = pay_liability(
        &mut ledger,
        &plan,
        "dp",
        "inv-nope",
        "pay-x",
        gbp("1.00"),
        d(2025, 10, 10),
    );
    assert!(matches!(
        unknown.as_ref().map_err(isf_ledger::Error::monitor),
        Err(Some(MonitorError::UnknownLiability { .. }))
    ));
    // The recorded ids are not needed here.
    let _ = pay_liability(
        &mut ledger,
        &plan,
        "dp",
        "inv-agency-77",
        "pay-77a",
        gbp("100.00"),
        d(2025, 10, 10),
    )
    .unwrap();
    assert_eq!(
        outstanding_liabilities(&ledger, &plan, "dp", d(2025, 10, 10)).unwrap(),
        gbp("80.00")
    );
    // The recorded ids are not needed here.
    let _ = pay_liability(
        &mut ledger,
        &plan,
        "dp",
        "inv-agency-77",
        "pay-77b",
        gbp("80.00"),
        d(2025, 10, 12),
    )
    .unwrap();
    assert!(liabilities(&ledger, &plan, "dp", None).unwrap().is_empty());
    let period = Period::new(d(2025, 10, 7), d(2025, 10, 19)).unwrap();
    let ret = monitoring_return(&ledger, &plan, "dp", period).unwrap();
    assert_eq!(ret.opening, gbp("3502.00"));
    assert_eq!(ret.spend.len(), 1);
    assert_eq!(ret.spend[0].category, Some(SpendCategory::Agency));
    assert_eq!(ret.spend[0].amount, gbp("180.00"));
    assert_eq!(ret.closing, gbp("3322.00"));
    assert_eq!(ret.outstanding, gbp("0.00"));
    // The expense was counted once, when it was owed.
    let agency = spend_account(&plan, "dp", SpendCategory::Agency);
    assert_eq!(ledger.balance(&agency).unwrap(), gbp("180.00"));
}

#[test]
fn surplus_with_four_and_eight_weeks_contingency() {
    let (plan, ledger) = six_months();
    let date = d(2025, 10, 7);
    let four = surplus(&ledger, &plan, "dp", date, SurplusPolicy::weeks(4).unwrap()).unwrap();
    assert_eq!(four.balance, gbp("3502.00"));
    assert_eq!(four.outstanding, gbp("180.00"));
    assert_eq!(four.weekly_planned, gbp("350.00"));
    assert_eq!(four.contingency, gbp("1400.00"));
    assert_eq!(four.surplus, gbp("1922.00"));
    let eight = surplus(&ledger, &plan, "dp", date, SurplusPolicy::weeks(8).unwrap()).unwrap();
    assert_eq!(eight.contingency, gbp("2800.00"));
    assert_eq!(eight.surplus, gbp("522.00"));
    // Twelve weeks' contingency leaves no surplus, never a negative one.
    let twelve = surplus(
        &ledger,
        &plan,
        "dp",
        date,
        SurplusPolicy::weeks(12).unwrap(),
    )
    .unwrap();
    assert_eq!(twelve.surplus, gbp("0.00"));
    assert!(matches!(
        SurplusPolicy::weeks(53),
        Err(MonitorError::InvalidContingency { weeks: 53 })
    ));
}

#[test]
fn weekly_planned_amount_follows_the_basis_and_the_share() {
    let budget = budget(
        "PBm",
        "Pm",
        Period::new(d(2025, 4, 1), d(2026, 4, 1)).unwrap(),
        BudgetTerms::new(Basis::Month, gbp("1300.00")),
    );
    let plan = PaymentPlan::new(
        "cx",
        budget,
        vec![
            Deployment {
                name: "dp".into(),
                kind: DeploymentKind::DirectPayment {
                    basis: PaymentBasis::Gross,
                },
                share: Share::Percent(Decimal::from(70)),
            },
            Deployment {
                name: "cm".into(),
                kind: DeploymentKind::CouncilManaged,
                share: Share::Remainder,
            },
        ],
        PaymentSchedule::new(Frequency::CalendarMonthly, d(2025, 4, 1)),
    )
    .unwrap();
    // £1,300 a month is £300 a week (× 12 ÷ 52); 70% is £210, the remainder £90.
    assert_eq!(
        weekly_planned(&plan, "dp", d(2025, 6, 1)).unwrap(),
        gbp("210")
    );
    assert_eq!(
        weekly_planned(&plan, "cm", d(2025, 6, 1)).unwrap(),
        gbp("90")
    );
    assert!(weekly_planned(&plan, "nope", d(2025, 6, 1)).is_err());
}

#[test]
fn full_recovery_returns_council_money_and_refunds_the_person_pro_rata() {
    let (plan, mut ledger) = six_months();
    let decision = RecoveryDecision::new("review-1", "dp", d(2025, 10, 7), RecoveryAmount::Full);
    let recovery = post_recovery(&mut ledger, &plan, &decision).unwrap();
    assert_eq!(recovery.amount, gbp("1922.00"));
    // Pro-rata to £1,822 council and £1,680 person available: the odd penny to the council,
    // whose exact share (999.968…) has the larger remainder.
    let parts: Vec<(Source, Money)> = recovery
        .parts
        .iter()
        .map(|p| (p.source.clone(), p.amount))
        .collect();
    assert_eq!(
        parts,
        vec![
            (Source::Council, gbp("999.97")),
            (Source::Person, gbp("922.03"))
        ]
    );
    assert_eq!(
        ledger.balance(plan.council_bank()).unwrap(),
        gbp("-7120.03")
    );
    assert_eq!(
        ledger.balance(refund_account(&plan)).unwrap(),
        gbp("922.03")
    );
    assert_eq!(plan.fund_balance(&ledger, "dp").unwrap(), gbp("1580.00"));
    // Afterwards there is no surplus; the return shows the money returned.
    let after = surplus(&ledger, &plan, "dp", d(2025, 10, 7), decision.policy).unwrap();
    assert_eq!(after.surplus, gbp("0.00"));
    let period = Period::new(d(2025, 4, 7), d(2025, 10, 8)).unwrap();
    let ret = monitoring_return(&ledger, &plan, "dp", period).unwrap();
    let returned: Vec<Money> = ret.returned.iter().map(|l| l.amount).collect();
    assert_eq!(returned, vec![gbp("999.97"), gbp("922.03")]);
    assert_eq!(ret.closing, gbp("1580.00"));
    // Posting the decision again changes nothing, and gives back what was posted.
    let before = ledger.clone();
    let again = post_recovery(&mut ledger, &plan, &decision).unwrap();
    assert_eq!(ledger, before);
    assert_eq!(again.amount, gbp("1922.00"));
    assert_eq!(again.parts, recovery.parts);
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify().unwrap();
}

#[test]
fn partial_recovery_by_percentage_and_by_amount() {
    let (plan, ledger) = six_months();
    let eight = SurplusPolicy::weeks(8).unwrap();
    // Half of the 8-week surplus of £522.
    let mut half_ledger = ledger.clone();
    let half = RecoveryDecision::new(
        "half",
        "dp",
        d(2025, 10, 7),
        RecoveryAmount::Percent(Decimal::from(50)),
    )
    .policy(eight);
    let r = post_recovery(&mut half_ledger, &plan, &half).unwrap();
    assert_eq!(r.amount, gbp("261.00"));
    let parts: Vec<Money> = r.parts.iter().map(|p| p.amount).collect();
    assert_eq!(parts, vec![gbp("135.79"), gbp("125.21")]);
    assert_eq!(
        plan.fund_balance(&half_ledger, "dp").unwrap(),
        gbp("3241.00")
    );
    // A stated £100.
    let mut hundred_ledger = ledger.clone();
    let hundred = RecoveryDecision::new(
        "hundred",
        "dp",
        d(2025, 10, 7),
        RecoveryAmount::Amount(gbp("100.00")),
    )
    .policy(eight);
    let r = post_recovery(&mut hundred_ledger, &plan, &hundred).unwrap();
    let parts: Vec<Money> = r.parts.iter().map(|p| p.amount).collect();
    assert_eq!(parts, vec![gbp("52.03"), gbp("47.97")]);
    // Never more than the surplus: £1,000 asked, £522 recovered.
    let mut capped_ledger = ledger.clone();
    let capped = RecoveryDecision::new(
        "capped",
        "dp",
        d(2025, 10, 7),
        RecoveryAmount::Amount(gbp("1000.00")),
    )
    .policy(eight);
    let r = post_recovery(&mut capped_ledger, &plan, &capped).unwrap();
    assert_eq!(r.amount, gbp("522.00"));
    // Bad percentages are refused and change nothing.
    let mut bad_ledger = ledger.clone();
    let bad = RecoveryDecision::new(
        "bad",
        "dp",
        d(2025, 10, 7),
        RecoveryAmount::Percent(Decimal::from(101)),
    );
    assert!(matches!(
        post_recovery(&mut bad_ledger, &plan, &bad)
            .as_ref()
            .map_err(isf_ledger::Error::monitor),
        Err(Some(MonitorError::InvalidPercent { .. }))
    ));
    assert_eq!(bad_ledger, ledger);
}

#[test]
fn recovery_by_reducing_future_payments() {
    let (plan, mut ledger) = six_months();
    let decision = RecoveryDecision::new("reduce", "dp", d(2025, 10, 7), RecoveryAmount::Full)
        .method(RecoveryMethod::ReduceFuturePayments);
    let recovery = post_recovery(&mut ledger, &plan, &decision).unwrap();
    // The surplus is £1,922 but only the council's £1,822 is the council's to withhold.
    assert_eq!(recovery.requested, gbp("1922.00"));
    assert_eq!(recovery.amount, gbp("1822.00"));
    assert!(recovery.entries.is_empty());
    let schedule = recovery.reductions.unwrap();
    assert_eq!(
        schedule.planned,
        vec![
            (d(2025, 10, 20), gbp("1160.00")),
            (d(2025, 11, 17), gbp("662.00"))
        ]
    );
    // Nothing is due until the next payment is made.
    assert!(schedule.due_entries(&ledger, &plan).unwrap().is_empty());
    pay_run(&mut ledger, &plan, d(2025, 10, 20));
    let receipts = schedule.post_due(&mut ledger, &plan).unwrap();
    assert_eq!(receipts.len(), 1);
    let first = ledger
        .entry(reduction_id(&plan, "dp", "reduce", d(2025, 10, 20)))
        .unwrap();
    assert_eq!(first.date(), d(2025, 10, 20));
    assert_eq!(schedule.remaining(&ledger, &plan).unwrap(), gbp("662.00"));
    // Posting again does nothing.
    let before = ledger.clone();
    assert!(schedule.post_due(&mut ledger, &plan).unwrap().is_empty());
    assert_eq!(ledger, before);
    pay_run(&mut ledger, &plan, d(2025, 11, 17));
    schedule.post_due(&mut ledger, &plan).unwrap();
    assert_eq!(schedule.recovered(&ledger, &plan).unwrap(), gbp("1822.00"));
    assert_eq!(schedule.remaining(&ledger, &plan).unwrap(), gbp("0.00"));
    pay_run(&mut ledger, &plan, d(2025, 12, 15));
    assert!(schedule.due_entries(&ledger, &plan).unwrap().is_empty());
    // Ten council payments of £1,160, less the £1,822 recovered.
    assert_eq!(
        ledger.balance(plan.council_bank()).unwrap(),
        gbp("-9778.00")
    );
    // The person's money was not touched.
    let attribution = plan.attribution(&ledger, "dp").unwrap();
    assert_eq!(attribution.by_source[1].balance, gbp("1680.00"));
    assert_eq!(attribution.by_source[0].balance, gbp("3480.00"));
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify().unwrap();
}

#[test]
fn reduction_beyond_future_payments_is_refused() {
    let budget = budget(
        "PBs",
        "Ps",
        Period::new(d(2025, 4, 7), d(2025, 6, 2)).unwrap(),
        BudgetTerms::new(Basis::Week, gbp("100.00")),
    );
    let plan = whole_plan(
        "cx",
        budget,
        "dp",
        DeploymentKind::DirectPayment {
            basis: PaymentBasis::Gross,
        },
        PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7)),
    );
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    open_spend_accounts(&mut ledger, &plan, "dp").unwrap();
    pay_run(&mut ledger, &plan, d(2025, 4, 7));
    // £400 in, no contingency: £400 surplus, but the plan's last period started before the
    // decision, so no future payment is left to reduce.
    let decision = RecoveryDecision::new("r", "dp", d(2025, 5, 6), RecoveryAmount::Full)
        .method(RecoveryMethod::ReduceFuturePayments)
        .policy(SurplusPolicy::weeks(0).unwrap());
    let before = ledger.clone();
    assert!(matches!(
        post_recovery(&mut ledger, &plan, &decision)
            .as_ref()
            .map_err(isf_ledger::Error::monitor),
        Err(Some(MonitorError::NotEnoughFuturePayments { .. }))
    ));
    assert_eq!(ledger, before);
}

#[test]
fn refused_spend_changes_nothing() {
    let (plan, mut ledger) = six_months();
    let before = ledger.clone();
    let policy = SpendPolicy::england();
    let too_much = Spend::new(
        "big",
        d(2025, 10, 1),
        SpendCategory::Equipment,
        "Shop",
        gbp("3502.01"),
    );
    assert!(matches!(
        record_spend(&mut ledger, &plan, "dp", &too_much, &policy)
            .as_ref()
            .map_err(isf_ledger::Error::deploy),
        Err(Some(DeployError::InsufficientFunds { .. }))
    ));
    let no_payee = Spend::new("np", d(2025, 10, 1), SpendCategory::Other, " ", gbp("1.00"));
    assert!(matches!(
        record_spend(&mut ledger, &plan, "dp", &no_payee, &policy)
            .as_ref()
            .map_err(isf_ledger::Error::monitor),
        Err(Some(MonitorError::EmptyPayee { .. }))
    ));
    let zero = Spend::new("z", d(2025, 10, 1), SpendCategory::Other, "X", gbp("0.00"));
    assert!(matches!(
        record_spend(&mut ledger, &plan, "dp", &zero, &policy)
            .as_ref()
            .map_err(isf_ledger::Error::monitor),
        Err(Some(MonitorError::NotPositive { .. }))
    ));
    let other_fund = Spend::new("o", d(2025, 10, 1), SpendCategory::Other, "X", gbp("1.00"));
    assert!(record_spend(&mut ledger, &plan, "isf", &other_fund, &policy).is_err());
    assert_eq!(ledger, before);
}

#[test]
fn payee_rules_flag_spend_to_a_named_payee() {
    let (plan, mut ledger) = six_months();
    let policy =
        SpendPolicy::allow_all().disallow_payee("County Council", "the council's own service");
    let s = Spend::new(
        "day-centre",
        d(2025, 10, 2),
        SpendCategory::Respite,
        "county council ",
        gbp("60.00"),
    );
    let r = record_spend(&mut ledger, &plan, "dp", &s, &policy).unwrap();
    assert_eq!(r.flag.as_deref(), Some("the council's own service"));
    let ret = monitoring_return(&ledger, &plan, "dp", review_period()).unwrap();
    assert!(
        ret.flags
            .iter()
            .any(|f| f.entry == "day-centre" && f.amount == gbp("60.00"))
    );
}

#[test]
fn recording_the_same_spend_or_payment_again_changes_nothing() {
    let (plan, mut ledger) = six_months();
    let policy = SpendPolicy::england();
    let kit = Spend::new(
        "hoist",
        d(2025, 10, 2),
        SpendCategory::Equipment,
        "Mobility Ltd",
        gbp("1800.00"),
    );
    let first = record_spend(&mut ledger, &plan, "dp", &kit, &policy).unwrap();
    assert!(!first.receipt.already_posted);
    // The hoist took £1,800 of the council's £1,822; the wages take its last £22 and £8 of the
    // person's, so the hoist worked out again would come from the person. The retry is still
    // recognised as the same spend.
    let more = Spend::new(
        "w-x",
        d(2025, 10, 3),
        SpendCategory::PaWages,
        "Sam",
        gbp("30.00"),
    );
    // The recorded ids are not needed here.
    let _ = record_spend(&mut ledger, &plan, "dp", &more, &policy).unwrap();
    let before = ledger.clone();
    let again = record_spend(&mut ledger, &plan, "dp", &kit, &policy).unwrap();
    assert!(again.receipt.already_posted);
    assert_eq!(again.receipt.seq, first.receipt.seq);
    assert_eq!(ledger, before);
    // The same id for something else is refused.
    let other = Spend::new(
        "hoist",
        d(2025, 10, 2),
        SpendCategory::Equipment,
        "Mobility Ltd",
        gbp("1801.00"),
    );
    assert!(matches!(
        record_spend(&mut ledger, &plan, "dp", &other, &policy)
            .as_ref()
            .map_err(isf_ledger::Error::ledger),
        Err(Some(LedgerError::DuplicateEntry { .. }))
    ));
    // A liability payment, retried.
    let pay = |ledger: &mut Ledger| {
        pay_liability(
            ledger,
            &plan,
            "dp",
            "inv-agency-77",
            "pay-77",
            gbp("180.00"),
            d(2025, 10, 4),
        )
    };
    assert!(!pay(&mut ledger).unwrap().receipt.already_posted);
    let before = ledger.clone();
    assert!(pay(&mut ledger).unwrap().receipt.already_posted);
    assert_eq!(ledger, before);
    // An accrual retried is the ledger's own idempotency.
    let invoice = Spend::new(
        "inv-agency-77",
        d(2025, 10, 1),
        SpendCategory::Agency,
        "Care Co",
        gbp("180.00"),
    )
    .reference("INV-77");
    assert!(
        accrue_liability(&mut ledger, &plan, "dp", &invoice, &policy)
            .unwrap()
            .receipt
            .already_posted
    );
    assert_eq!(ledger, before);
}

#[test]
fn spend_posted_without_this_module_shows_as_uncategorised_spend() {
    let (plan, mut ledger) = six_months();
    ledger
        .open_account(NewAccount::new("shop", AccountKind::Expense, Currency::GBP))
        .unwrap();
    let plain = plan
        .spend(
            &ledger,
            "dp",
            "plain-1",
            "shop",
            gbp("12.34"),
            d(2025, 10, 3),
        )
        .unwrap();
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(plain).unwrap();
    let ret = monitoring_return(&ledger, &plan, "dp", review_period()).unwrap();
    assert_eq!(ret.total_in, gbp("9800.00"));
    assert!(
        ret.spend
            .iter()
            .any(|l| l.category.is_none() && l.amount == gbp("12.34"))
    );
    assert_eq!(ret.closing, gbp("3489.66"));
    assert!(ret.to_string().contains("spending without a category"));
}

/// The module's public types can cross threads (compile-time check).
#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<MonitorError>();
    check::<SpendCategory>();
    check::<SpendPolicy>();
    check::<Spend>();
    check::<Recorded>();
    check::<Liability>();
    check::<ReviewPolicy>();
    check::<MonitoringReturn>();
    check::<SurplusPolicy>();
    check::<Surplus>();
    check::<RecoveryDecision>();
    check::<Recovery>();
    check::<ReductionSchedule>();
}
