//! Six months of a direct payment that employs a personal assistant, then the council's review:
//! the monitoring return the person sends in (with one purchase the council does not allow,
//! flagged, and an agency invoice not yet paid), the surplus after four weeks' contingency, and
//! its recovery: the council's share returned to the council, the person's share refunded.
//!
//! Run with `cargo run --example direct_payment_monitoring`.

use chrono::{Days, NaiveDate};
use isf_ledger::monitor::*;
use isf_ledger::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gbp = |s: &str| -> Result<Money, MoneyError> { format!("{s} GBP").parse() };
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    let first = date(2025, 4, 7)?;

    // £350 a week; the person's assessed contribution is £60, paid into the account (net).
    let budget = PersonalBudget::new(
        "PB-0007",
        "P0007",
        Period::new(first, date(2026, 4, 6)?)?,
        BudgetTerms::new(Basis::Week, gbp("350.00")?).contribution(gbp("60.00")?),
    )?;
    let plan = PaymentPlan::new(
        "council-x",
        budget,
        vec![Deployment::whole(
            "dp",
            DeploymentKind::DirectPayment {
                basis: PaymentBasis::Net,
            },
        )],
        PaymentSchedule::new(Frequency::FourWeekly, first),
    )?;
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger)?;
    open_spend_accounts(&mut ledger, &plan, "dp")?;
    let policy = SpendPolicy::england();

    let mut run_date = first;
    for n in 0..7 {
        run_payments(
            &mut ledger,
            &[&plan],
            &PaymentRun::new("4-weekly", run_date),
        );
        ledger.post(plan.contribution_receipt(
            "dp",
            format!("dep-{n}"),
            gbp("240.00")?,
            run_date,
        )?)?;
        let payday = run_date + Days::new(14);
        for (category, payee, amount) in [
            (SpendCategory::PaWages, "Sam Jones", "800.00"),
            (SpendCategory::EmployerNi, "HMRC", "40.00"),
            (SpendCategory::Pension, "NEST", "24.00"),
            (SpendCategory::PayrollFees, "PayCo", "15.00"),
        ] {
            let id = format!("{}-{n}", category.key());
            let spend = Spend::new(id, payday, category, payee, gbp(amount)?);
            record_spend(&mut ledger, &plan, "dp", &spend, &policy)?;
        }
        run_date = run_date + Days::new(28);
    }
    let insurance = Spend::new(
        "ins-1",
        date(2025, 4, 10)?,
        SpendCategory::Insurance,
        "Employers Cover Ltd",
        gbp("120.00")?,
    );
    record_spend(&mut ledger, &plan, "dp", &insurance, &policy)?;
    let bet = Spend::new(
        "bet-1",
        date(2025, 5, 10)?,
        SpendCategory::Gambling,
        "Lucky Bets",
        gbp("25.00")?,
    );
    let recorded = record_spend(&mut ledger, &plan, "dp", &bet, &policy)?;
    println!("flagged: {}", recorded.flag.unwrap_or_default());
    let invoice = Spend::new(
        "inv-77",
        date(2025, 10, 1)?,
        SpendCategory::Agency,
        "Care Co",
        gbp("180.00")?,
    )
    .reference("INV-77");
    accrue_liability(&mut ledger, &plan, "dp", &invoice, &policy)?;

    // The review falls due six months after the first payment.
    let first_paid = first_payment_date(&ledger, &plan).ok_or("no payment yet")?;
    let review = next_review_due(first_paid, &[])?;
    println!("first review due {review}\n");
    let ret = monitoring_return(&ledger, &plan, "dp", Period::new(first, review)?)?;
    println!("{ret}");

    let found = surplus(&ledger, &plan, "dp", review, SurplusPolicy::weeks(4)?)?;
    println!(
        "balance {} - owed {} - contingency {} = surplus {}",
        found.balance, found.outstanding, found.contingency, found.surplus
    );
    let decision = RecoveryDecision::new("review-1", "dp", review, RecoveryAmount::Full);
    let recovery = post_recovery(&mut ledger, &plan, &decision)?;
    for part in &recovery.parts {
        println!(
            "  {} back to {} from the {} share",
            part.amount, part.to, part.source
        );
    }
    println!("fund now {}", plan.fund_balance(&ledger, "dp")?);
    ledger.verify()?;
    Ok(())
}
