//! The direct-payment handle does what the free functions do, and refuses a recovery decision
//! for another deployment.

mod support;

use isf_ledger::dp::*;
use isf_ledger::*;
use support::{budget, d, gbp, net_dp};

fn plan() -> PaymentPlan {
    let b = budget(
        "PB1",
        "P1",
        Period::new(d(2025, 4, 7), d(2026, 4, 6)).unwrap(),
        BudgetTerms::new(Basis::Week, gbp("100.00")),
    );
    PaymentPlan::new(
        "cx",
        b,
        vec![
            Deployment {
                name: "dp".into(),
                kind: net_dp(),
                share: Share::Percent(50.into()),
            },
            Deployment {
                name: "dp2".into(),
                kind: net_dp(),
                share: Share::Remainder,
            },
        ],
        PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7)),
    )
    .unwrap()
}

#[test]
fn the_handle_and_the_free_functions_agree() {
    let plan = plan();
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    let dp = DirectPayment::new(&plan, "dp").unwrap();
    dp.open_accounts(&mut ledger).unwrap();
    // Setup: the report is not inspected, the ledger is.
    let _ = run_payments(&mut ledger, &[&plan], &PaymentRun::new("r", d(2025, 4, 7)));
    let spend = Spend::new(
        "s1",
        d(2025, 4, 9),
        SpendCategory::PaWages,
        "Sam",
        gbp("40.00"),
    );
    // The recorded ids are not needed here.
    let _ = dp
        .record_spend(&mut ledger, &spend, &SpendPolicy::england())
        .unwrap();
    let period = Period::new(d(2025, 4, 7), d(2025, 5, 5)).unwrap();
    assert_eq!(
        dp.monitoring_return(&ledger, period).unwrap(),
        monitoring_return(&ledger, &plan, "dp", period).unwrap()
    );
    assert_eq!(
        dp.balance(&ledger).unwrap(),
        plan.fund_balance(&ledger, "dp").unwrap()
    );
    assert_eq!(
        dp.spend_account(SpendCategory::PaWages),
        spend_account(&plan, "dp", SpendCategory::PaWages)
    );
}

#[test]
fn a_recovery_for_another_deployment_is_refused_and_changes_nothing() {
    let plan = plan();
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    // Setup: the report is not inspected, the ledger is.
    let _ = run_payments(&mut ledger, &[&plan], &PaymentRun::new("r", d(2025, 4, 7)));
    let dp = DirectPayment::new(&plan, "dp").unwrap();
    let before = ledger.clone();
    let decision = RecoveryDecision::new("rev", "dp2", d(2025, 5, 1), RecoveryAmount::Full);
    let err = dp.post_recovery(&mut ledger, &decision).unwrap_err();
    assert!(
        matches!(err.monitor(), Some(MonitorError::OtherDeployment { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("dp2"), "{err}");
    assert_eq!(ledger, before);
    assert!(DirectPayment::new(&plan, "dp3").is_err());
}
