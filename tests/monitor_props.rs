//! Property tests for direct-payment spend, monitoring returns, surplus and recovery.
//!
//! The main test is model-based: a random plan (sources, gross or net, spend order) and a random
//! sequence of operations (payment runs, deposits, spend allowed and not, spend over the
//! balance, unpaid invoices and their payment, recoveries of every kind) is applied to a ledger
//! and to a plain reference model of sums; after every step the ledger must agree with the
//! model and the invariants must hold.

mod support;

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use isf_ledger::dp::*;
use isf_ledger::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::{budget, d, gbp_minor, minor, whole_plan};

fn start() -> NaiveDate {
    d(2025, 4, 7)
}

#[derive(Debug, Clone)]
struct PlanSpec {
    cost: i64,
    contribution: i64,
    top_up: i64,
    net: bool,
    frequency: Frequency,
    order: u8,
}

fn plan_spec() -> impl Strategy<Value = PlanSpec> {
    (
        1_000i64..60_000,
        0i64..30_000,
        prop_oneof![Just(0i64), 100i64..10_000],
        any::<bool>(),
        prop_oneof![
            Just(Frequency::Weekly),
            Just(Frequency::FourWeekly),
            Just(Frequency::CalendarMonthly)
        ],
        0u8..3,
    )
        .prop_map(
            |(cost, contribution, top_up, net, frequency, order)| PlanSpec {
                cost,
                // The person and a top-up may pay the whole cost between them, leaving the
                // council nothing (which once made a period's council payment -0.01).
                contribution: contribution.min(cost),
                top_up: top_up.min(cost - contribution.min(cost)),
                net,
                frequency,
                order,
            },
        )
}

fn build(spec: &PlanSpec) -> PaymentPlan {
    let mut terms = BudgetTerms::new(Basis::Week, gbp_minor(spec.cost))
        .contribution(gbp_minor(spec.contribution));
    if spec.top_up > 0 {
        terms = terms.top_up("family", gbp_minor(spec.top_up));
    }
    let budget = budget(
        "B",
        "P",
        Period::new(start(), start() + Days::new(182)).unwrap(),
        terms,
    );
    let basis = if spec.net {
        PaymentBasis::Net
    } else {
        PaymentBasis::Gross
    };
    let order = match spec.order {
        0 => SpendOrder::ProRata,
        1 => SpendOrder::Priority(vec![Source::Person]),
        _ => SpendOrder::Priority(vec![Source::Council]),
    };
    whole_plan(
        "C",
        budget,
        "dp",
        DeploymentKind::DirectPayment { basis },
        PaymentSchedule::new(spec.frequency, start()),
    )
    .spend_order(order)
}

#[derive(Debug, Clone)]
enum Op {
    Run,
    Deposit(i64),
    /// A share (per mille) of what is available, in a category, to a payee.
    Spend(u16, usize, bool),
    /// More than is available, by this many pence.
    Overspend(i64),
    Accrue(i64, usize),
    /// Pay a share (per mille) of the first outstanding liability.
    PayLiability(u16),
    Recover(u8, i64, u32, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Run),
        1 => (1i64..50_000).prop_map(Op::Deposit),
        4 => (1u16..=1000, 0usize..SpendCategory::ALL.len(), any::<bool>())
            .prop_map(|(s, c, p)| Op::Spend(s, c, p)),
        1 => (1i64..100_000).prop_map(Op::Overspend),
        1 => (1i64..50_000, 0usize..SpendCategory::ALL.len()).prop_map(|(a, c)| Op::Accrue(a, c)),
        1 => (1u16..=1000).prop_map(Op::PayLiability),
        2 => (0u8..3, 0i64..200_000, 0u32..=8, any::<bool>())
            .prop_map(|(k, a, w, r)| Op::Recover(k, a, w, r)),
    ]
}

/// The reference model: plain sums, in pence.
#[derive(Debug, Default)]
struct Model {
    paid_in: i128,
    spent: i128,
    returned: i128,
    owed: i128,
    flagged: BTreeSet<String>,
    spend_ids: BTreeSet<String>,
}

impl Model {
    fn balance(&self) -> i128 {
        self.paid_in - self.spent - self.returned
    }
}

fn policy() -> SpendPolicy {
    SpendPolicy::england().disallow_payee("Casino Royale", "a casino")
}

fn sources(ledger: &Ledger, plan: &PaymentPlan) -> Vec<SourceBalance> {
    plan.attribution(ledger, "dp").unwrap().by_source
}

fn check_invariants(
    ledger: &Ledger,
    plan: &PaymentPlan,
    model: &Model,
) -> Result<(), TestCaseError> {
    let attribution = plan.attribution(ledger, "dp").unwrap();
    prop_assert_eq!(minor(attribution.balance), model.balance());
    for s in &attribution.by_source {
        prop_assert!(
            !s.balance.is_negative(),
            "{} is negative: {}",
            s.source,
            s.balance
        );
    }
    let owed = outstanding_liabilities(ledger, plan, "dp", NaiveDate::MAX).unwrap();
    prop_assert_eq!(minor(owed), model.owed);
    let listed = liabilities(ledger, plan, "dp", None).unwrap();
    let listed_total: i128 = listed.iter().map(|l| minor(l.outstanding)).sum();
    prop_assert_eq!(listed_total, model.owed);
    prop_assert!(ledger.trial_balance().balances());
    Ok(())
}

fn run_ops(spec: &PlanSpec, ops: &[(u8, Op)]) -> Result<(), TestCaseError> {
    let plan = build(spec);
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    open_spend_accounts(&mut ledger, &plan, "dp").unwrap();
    let mut model = Model::default();
    let mut today = start();
    let mut schedules: Vec<ReductionSchedule> = Vec::new();
    for (n, (step, op)) in ops.iter().enumerate() {
        today = today + Days::new(u64::from(*step));
        match op {
            Op::Run => {
                let report = run_payments(&mut ledger, &[&plan], &PaymentRun::new("r", today));
                prop_assert!(report.refused.is_empty(), "{:?}", report.refused);
                model.paid_in += report
                    .total()
                    .unwrap()
                    .iter()
                    .map(|m| minor(*m))
                    .sum::<i128>();
                for schedule in &schedules {
                    let left_before = minor(schedule.remaining(&ledger, &plan).unwrap());
                    let entries = schedule.due_entries(&ledger, &plan).unwrap();
                    ledger.post_batch(entries).unwrap();
                    let left_after = minor(schedule.remaining(&ledger, &plan).unwrap());
                    prop_assert!(left_after >= 0 && left_after <= left_before);
                    model.returned += left_before - left_after;
                }
            }
            Op::Deposit(p) => {
                if spec.net {
                    let e = plan
                        .contribution_receipt("dp", format!("dep-{n}"), gbp_minor(*p), today)
                        .unwrap();
                    // The receipt's sequence number is not needed here.
                    let _ = ledger.post(e).unwrap();
                    model.paid_in += i128::from(*p);
                }
            }
            Op::Spend(share, category, casino) => {
                let available = minor(plan.attribution(&ledger, "dp").unwrap().available);
                let amount = available * i128::from(*share) / 1000;
                if amount == 0 {
                    continue;
                }
                let category = SpendCategory::ALL[*category];
                let payee = if *casino { "Casino Royale" } else { "Sam" };
                let id = format!("spend-{n}");
                let s = Spend::new(
                    id.as_str(),
                    today,
                    category,
                    payee,
                    gbp_minor(amount as i64),
                );
                let recorded = record_spend(&mut ledger, &plan, "dp", &s, &policy()).unwrap();
                prop_assert_eq!(
                    recorded.flag.is_some(),
                    policy().check(category, payee).is_some()
                );
                if recorded.flag.is_some() {
                    model.flagged.insert(id.clone());
                }
                model.spend_ids.insert(id);
                model.spent += amount;
            }
            Op::Overspend(extra) => {
                let available = minor(plan.attribution(&ledger, "dp").unwrap().available);
                let before = ledger.clone();
                let s = Spend::new(
                    format!("over-{n}"),
                    today,
                    SpendCategory::Gambling,
                    "Casino Royale",
                    gbp_minor((available + i128::from(*extra)) as i64),
                );
                prop_assert!(record_spend(&mut ledger, &plan, "dp", &s, &policy()).is_err());
                prop_assert!(ledger == before, "a refused spend changed the ledger");
            }
            Op::Accrue(p, category) => {
                let category = SpendCategory::ALL[*category];
                let id = format!("owe-{n}");
                let s = Spend::new(id.as_str(), today, category, "Agency", gbp_minor(*p));
                let r = accrue_liability(&mut ledger, &plan, "dp", &s, &policy()).unwrap();
                if r.flag.is_some() {
                    model.flagged.insert(id);
                }
                model.owed += i128::from(*p);
            }
            Op::PayLiability(share) => {
                let Some(first) = liabilities(&ledger, &plan, "dp", None)
                    .unwrap()
                    .into_iter()
                    .next()
                else {
                    continue;
                };
                let available = minor(plan.attribution(&ledger, "dp").unwrap().available);
                let amount = (minor(first.outstanding) * i128::from(*share) / 1000).min(available);
                if amount == 0 {
                    continue;
                }
                let id = format!("pay-{n}");
                let r = pay_liability(
                    &mut ledger,
                    &plan,
                    "dp",
                    &first.id,
                    id.as_str(),
                    gbp_minor(amount as i64),
                    today,
                )
                .unwrap();
                if r.flag.is_some() {
                    model.flagged.insert(id.clone());
                }
                model.spend_ids.insert(id);
                model.spent += amount;
                model.owed -= amount;
            }
            Op::Recover(kind, amount, weeks, reduce) => {
                let how = match kind {
                    0 => RecoveryAmount::Full,
                    1 => RecoveryAmount::Amount(gbp_minor(*amount)),
                    _ => RecoveryAmount::Percent(Decimal::from(*amount % 101)),
                };
                let mut decision = RecoveryDecision::new(format!("rec-{n}"), "dp", today, how)
                    .policy(SurplusPolicy::weeks(*weeks).unwrap());
                if *reduce {
                    decision = decision.method(RecoveryMethod::ReduceFuturePayments);
                }
                let before = sources(&ledger, &plan);
                let snapshot = ledger.clone();
                let found = surplus(&ledger, &plan, "dp", today, decision.policy).unwrap();
                match post_recovery(&mut ledger, &plan, &decision) {
                    Ok(recovery) => {
                        prop_assert!(recovery.amount <= found.surplus);
                        prop_assert!(recovery.amount <= recovery.requested);
                        let parts_total: i128 =
                            recovery.parts.iter().map(|p| minor(p.amount)).sum();
                        if let Some(schedule) = recovery.reductions {
                            let council =
                                before.iter().find(|s| s.source == Source::Council).unwrap();
                            prop_assert!(schedule.amount <= council.available);
                            let planned: i128 =
                                schedule.planned.iter().map(|(_, m)| minor(*m)).sum();
                            prop_assert_eq!(planned, minor(schedule.amount));
                            schedules.push(schedule);
                        } else {
                            prop_assert_eq!(parts_total, minor(recovery.amount));
                            // Never more from a source than it put in, net: at most what it had.
                            for part in &recovery.parts {
                                let had = before.iter().find(|s| s.source == part.source).unwrap();
                                prop_assert!(
                                    part.amount <= had.available,
                                    "{:?} > {:?}",
                                    part,
                                    had
                                );
                                prop_assert!(part.amount.is_positive());
                            }
                            model.returned += parts_total;
                        }
                    }
                    Err(e)
                        if matches!(
                            e.monitor(),
                            Some(MonitorError::NotEnoughFuturePayments { .. })
                        ) =>
                    {
                        prop_assert!(*reduce);
                        prop_assert!(ledger == snapshot);
                    }
                    Err(e) => return Err(TestCaseError::fail(format!("recovery refused: {e}"))),
                }
            }
        }
        check_invariants(&ledger, &plan, &model)?;
    }
    // The whole history's return ties out to the model and lists every flagged spend.
    let whole = Period::new(start(), today + Days::new(1)).unwrap();
    let ret = monitoring_return(&ledger, &plan, "dp", whole).unwrap();
    prop_assert!(ret.ties_out());
    prop_assert_eq!(minor(ret.opening), 0);
    prop_assert_eq!(minor(ret.closing), model.balance());
    prop_assert_eq!(minor(ret.total_in), model.paid_in);
    prop_assert_eq!(minor(ret.total_out), model.spent + model.returned);
    let spent: i128 = ret.spend.iter().map(|l| minor(l.amount)).sum();
    prop_assert_eq!(spent, model.spent);
    let flagged: BTreeSet<String> = ret.flags.iter().map(|f| f.entry.clone()).collect();
    prop_assert_eq!(&flagged, &model.flagged);
    for id in &model.flagged {
        let entry = ledger.entry(id.as_str());
        prop_assert!(entry.is_some_and(|e| e.metadata().contains_key("flag")));
    }
    for id in &model.spend_ids {
        prop_assert!(ledger.entry(id.as_str()).is_some());
    }
    // Per source, over the whole history: what was returned to it is at most what it put in
    // less what was spent from it (its net contribution).
    for source in plan.budget().all_sources() {
        let (mut put_in, mut spent, mut returned) = (0i128, 0i128, 0i128);
        for line in ledger.history(plan.fund_account("dp", &source)).unwrap() {
            let amount = minor(line.amount);
            match line.entry.metadata().get("monitor").map(String::as_str) {
                Some("recovery") | Some("reduction") => returned -= amount,
                Some(_) => spent -= amount,
                None => put_in += amount,
            }
        }
        prop_assert!(
            returned <= put_in - spent,
            "{} got back {} of {} in less {} spent",
            source,
            returned,
            put_in,
            spent
        );
    }
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify().unwrap();
    Ok(())
}

proptest! {
    #![proptest_config(support::config("monitor_props"))]

    /// Random plans and operation sequences: the ledger agrees with the reference model after
    /// every step; no source account goes negative; every recovery takes from each source at
    /// most what it had (what it put in, net), never more than the surplus, and sums exactly;
    /// a refused spend changes nothing; flagged spend is in the books and in the return.
    #[test]
    fn ledger_agrees_with_the_model(
        spec in plan_spec(),
        ops in prop::collection::vec((0u8..12, op()), 1..40),
    ) {
        run_ops(&spec, &ops)?;
    }

    /// Surplus is never negative and equals max(0, balance − liabilities − contingency), with
    /// the contingency weeks × the weekly cost (one deployment, stated per week).
    #[test]
    fn surplus_is_balance_less_liabilities_and_contingency(
        spec in plan_spec(),
        runs in 1u64..120,
        spent_share in 0u16..=1000,
        owed in 0i64..200_000,
        weeks in 0u32..=52,
    ) {
        let plan = build(&spec);
        let mut ledger = Ledger::new();
        plan.open_accounts(&mut ledger).unwrap();
        open_spend_accounts(&mut ledger, &plan, "dp").unwrap();
        let today = start() + Days::new(runs);
        // Setup: the report is not inspected, the ledger is.
        let _ = run_payments(&mut ledger, &[&plan], &PaymentRun::new("r", today));
        let available = minor(plan.attribution(&ledger, "dp").unwrap().available);
        let spend = available * i128::from(spent_share) / 1000;
        if spend > 0 {
            let s = Spend::new("s", today, SpendCategory::Equipment, "Shop", gbp_minor(spend as i64));
            // The recorded ids are not needed here.
            let _ = record_spend(&mut ledger, &plan, "dp", &s, &policy()).unwrap();
        }
        if owed > 0 {
            let s = Spend::new("o", today, SpendCategory::Agency, "Agency", gbp_minor(owed));
            // The recorded ids are not needed here.
            let _ = accrue_liability(&mut ledger, &plan, "dp", &s, &policy()).unwrap();
        }
        let found = surplus(&ledger, &plan, "dp", today, SurplusPolicy::weeks(weeks).unwrap()).unwrap();
        let contingency = i128::from(spec.cost) * i128::from(weeks);
        let expected = (available - spend - i128::from(owed) - contingency).max(0);
        prop_assert!(!found.surplus.is_negative());
        prop_assert_eq!(minor(found.contingency), contingency);
        prop_assert_eq!(minor(found.surplus), expected);
        prop_assert_eq!(minor(found.balance), available - spend);
        prop_assert_eq!(minor(found.outstanding), i128::from(owed));
    }

    /// A monitoring return for any period of a random history ties out to the ledger: opening is
    /// the fund's balance the day before, closing its balance on the last day, and
    /// closing = opening + in − out.
    #[test]
    fn returns_tie_out_for_any_period(
        spec in plan_spec(),
        ops in prop::collection::vec((0u8..12, op()), 1..25),
        from in 0u64..200,
        len in 1u64..200,
    ) {
        // A random history of payments, spend and recoveries, then a random period.
        let plan = build(&spec);
        let mut ledger = Ledger::new();
        plan.open_accounts(&mut ledger).unwrap();
        open_spend_accounts(&mut ledger, &plan, "dp").unwrap();
        let mut today = start();
        for (n, (step, op)) in ops.iter().enumerate() {
            today = today + Days::new(u64::from(*step));
            match op {
                Op::Run => {
                    // Setup: the report is not inspected, the ledger is.
                    let _ = run_payments(&mut ledger, &[&plan], &PaymentRun::new("r", today));
                }
                Op::Spend(share, category, _) => {
                    let available = minor(plan.attribution(&ledger, "dp").unwrap().available);
                    let amount = available * i128::from(*share) / 1000;
                    if amount > 0 {
                        let s = Spend::new(format!("s{n}"), today, SpendCategory::ALL[*category], "X", gbp_minor(amount as i64));
                        // The recorded ids are not needed here.
                        let _ = record_spend(&mut ledger, &plan, "dp", &s, &policy()).unwrap();
                    }
                }
                Op::Recover(_, _, weeks, _) => {
                    let decision = RecoveryDecision::new(format!("r{n}"), "dp", today, RecoveryAmount::Full)
                        .policy(SurplusPolicy::weeks(*weeks).unwrap());
                    // The recovery's parts are not inspected here.
                    let _ = post_recovery(&mut ledger, &plan, &decision).unwrap();
                }
                _ => {}
            }
        }
        let period = Period::new(start() + Days::new(from), start() + Days::new(from + len)).unwrap();
        let ret = monitoring_return(&ledger, &plan, "dp", period).unwrap();
        prop_assert!(ret.ties_out());
        let fund_as_at = |date: NaiveDate| -> i128 {
            plan.budget().all_sources().iter()
                .map(|s| minor(ledger.balance_as_at(plan.fund_account("dp", s), date).unwrap()))
                .sum()
        };
        prop_assert_eq!(minor(ret.closing), fund_as_at(period.last_day()));
        prop_assert_eq!(minor(ret.opening), fund_as_at(period.start().pred_opt().unwrap()));
        let ins: i128 = ret.money_in.iter().map(|l| minor(l.amount)).sum();
        prop_assert_eq!(ins, minor(ret.total_in));
        let outs: i128 = ret.spend.iter().map(|l| minor(l.amount)).sum::<i128>()
            + ret.returned.iter().map(|l| minor(l.amount)).sum::<i128>();
        prop_assert_eq!(outs, minor(ret.total_out));
    }

    /// Review due dates: never before the date they count from, never more than the policy's
    /// months after it, and never a panic, however far the dates are.
    #[test]
    fn review_due_dates_are_within_the_policy(
        first in -200_000i64..3_000_000,
        held in prop::collection::vec(-200_000i64..3_000_000, 0..4),
        first_months in 0u32..24,
        every in 0u32..36,
    ) {
        let base = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        let at = |n: i64| base.checked_add_signed(chrono::Duration::days(n)).unwrap_or(base);
        let first = at(first);
        let held: Vec<NaiveDate> = held.into_iter().map(at).collect();
        let policy = ReviewPolicy { first_within_months: first_months, then_every_months: every };
        let from = held.iter().max().copied().unwrap_or(first);
        let months = if held.is_empty() { first_months } else { every };
        match policy.next_due(first, &held) {
            Ok(due) => {
                prop_assert!(due >= from);
                prop_assert!(due <= from + Days::new(31 * u64::from(months)));
                prop_assert_eq!(policy.is_overdue(first, &held, due).unwrap(), false);
                if let Some(next) = due.succ_opt() {
                    prop_assert!(policy.is_overdue(first, &held, next).unwrap());
                }
            }
            Err(e) => {
                let out_of_range = matches!(e, MonitorError::DateOutOfRange { .. });
                prop_assert!(out_of_range, "unexpected error {}", e);
            }
        }
    }
}
