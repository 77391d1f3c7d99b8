//! A year of a personal budget deployed as a mixed package: a net direct payment (the person
//! employs a personal assistant) and council-managed services. The council's April uplift takes
//! effect on the first Monday of April; in July the person's contribution is reassessed,
//! backdated to May. Prints the payment schedule, the adjustments, and the closing balance of
//! each fund by source.
//!
//! Run with `cargo run --example direct_payment_year`.

use chrono::NaiveDate;
use isf_ledger::*;
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gbp = |s: &str| -> Result<Money, MoneyError> { format!("{s} GBP").parse() };
    let fy = FinancialYear::starting(2025)?;
    let uplift_day = fy.first_monday();

    // Last year's figures run until the uplift: £420 a week, the person contributes £45.
    let mut budget = PersonalBudget::new(
        "PB-2025-0042",
        "P0042",
        fy.period(),
        BudgetTerms::new(Basis::Week, gbp("420.00")?).contribution(gbp("45.00")?),
    )?;
    budget.revise(Revision {
        id: "uplift-2025".into(),
        effective: uplift_day,
        reason: "April uplift".into(),
        terms: BudgetTerms::new(Basis::Week, gbp("436.80")?).contribution(gbp("45.00")?),
    })?;

    // 70% as a net direct payment, the rest as services the council arranges. Paid four-weekly
    // in advance from Monday 31 March, so the first period is the part period 1-27 April.
    let schedule = PaymentSchedule::new(Frequency::FourWeekly, date(2025, 3, 31)?);
    let mut plan = PaymentPlan::new(
        "council-x",
        budget,
        vec![
            Deployment {
                name: "dp".into(),
                kind: DeploymentKind::DirectPayment {
                    basis: PaymentBasis::Net,
                },
                share: Share::Percent(Decimal::from(70)),
            },
            Deployment {
                name: "managed".into(),
                kind: DeploymentKind::CouncilManaged,
                share: Share::Remainder,
            },
        ],
        schedule,
    )?;
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger)?;
    ledger.open_account(NewAccount::new(
        "pa-wages",
        AccountKind::Expense,
        Currency::GBP,
    ))?;
    ledger.open_account(NewAccount::new(
        "care-agency",
        AccountKind::Expense,
        Currency::GBP,
    ))?;

    // The year to mid-July: payment runs, the person's deposits, wages and agency invoices.
    let mut deposit = 0;
    let pay_period = |ledger: &mut Ledger, plan: &PaymentPlan, run_date: NaiveDate| {
        let report = run_payments(ledger, &[plan], &PaymentRun::new("4-weekly", run_date));
        for refusal in &report.refused {
            println!("refused: {} ({})", refusal.budget, refusal.error);
        }
        report
    };
    let first_half = periods_before(&plan, date(2025, 7, 14)?)?;
    for period in &first_half {
        // Setup: the report is not inspected, the ledger is.
        let _ = pay_period(&mut ledger, &plan, period.start());
        deposit += 1;
        spend_period(&mut ledger, &plan, *period, deposit)?;
    }

    // 14 July: the contribution is reassessed at £61.25 a week from 5 May.
    plan.revise(Revision {
        id: "reassessment-2025-07".into(),
        effective: date(2025, 5, 5)?,
        reason: "financial reassessment".into(),
        terms: BudgetTerms::new(Basis::Week, gbp("436.80")?).contribution(gbp("61.25")?),
    })?;
    let adjustments = plan.post_adjustments(
        &mut ledger,
        &"reassessment-2025-07".into(),
        date(2025, 7, 14)?,
    )?;

    // The rest of the year at the new figures.
    for period in plan.periods()?.iter().skip(first_half.len()) {
        // Setup: the report is not inspected, the ledger is.
        let _ = pay_period(&mut ledger, &plan, period.start());
        deposit += 1;
        spend_period(&mut ledger, &plan, *period, deposit)?;
    }

    println!("Payment schedule for {} ({})", plan.budget().id(), fy);
    println!(
        "{:<24}  {:>13}  {:>13}  {:>13}  {:>13}",
        "period", "direct pay.", "managed", "council", "person"
    );
    for a in plan.amounts()? {
        println!(
            "{:<24}  {:>13}  {:>13}  {:>13}  {:>13}",
            a.period.to_string(),
            a.deployment_total(0)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            a.deployment_total(1)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            a.source_total(&Source::Council)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            a.source_total(&Source::Person)
                .map(|m| m.to_string())
                .unwrap_or_default(),
        );
    }

    println!();
    println!(
        "Adjustments for the reassessment (posted {})",
        date(2025, 7, 14)?
    );
    for receipt in &adjustments {
        if let Some(entry) = ledger.entry_at(receipt.seq) {
            let council: Money = entry
                .postings()
                .filter(|(account, _)| **account == plan.council_bank())
                .map(|(_, m)| m)
                .try_fold(Money::zero(Currency::GBP), |t, m| t.checked_add(m))?;
            println!("  {:<60} council {:>11}", entry.memo(), council.to_string());
        }
    }

    let status = plan.contribution_status(&ledger, fy.period().last_day())?;
    println!();
    println!(
        "Contributions: expected {}, received {}, arrears {}; invoiced and unpaid {}",
        status.expected, status.received, status.arrears, status.invoiced_outstanding
    );

    println!();
    println!("Closing balances on {}", fy.period().last_day());
    for deployment in ["dp", "managed"] {
        let a = plan.attribution(&ledger, deployment)?;
        println!("  fund {deployment:<8} {:>12}", a.balance.to_string());
        for s in &a.by_source {
            println!(
                "    from {:<24} {:>12}",
                s.source.to_string(),
                s.balance.to_string()
            );
        }
    }
    let checked = ledger.verify()?;
    println!();
    println!(
        "trial balance sums to zero: {}; verified {} entries",
        ledger.trial_balance().balances(),
        checked.entries
    );
    Ok(())
}

/// The person deposits their contribution for the period, pays the PA's wages from the direct
/// payment, and the council pays the agency from the managed account.
fn spend_period(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    period: Period,
    n: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let day = period.start();
    let amounts = plan.amounts()?;
    let expected = amounts
        .iter()
        .find(|a| a.period == period)
        .and_then(|a| a.cells.first().and_then(|row| row.get(1)).copied())
        .unwrap_or(Money::zero(Currency::GBP));
    if expected.is_positive() {
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(plan.contribution_receipt(
            "dp",
            format!("deposit-{n:02}"),
            expected,
            day,
        )?)?;
    }
    let wages = plan
        .fund_balance(ledger, "dp")?
        .checked_mul(Decimal::new(6, 1))?;
    let wages = wages.round(Rounding::HalfUp);
    if wages.is_positive() {
        let entry = plan
            .spend(
                ledger,
                "dp",
                format!("pa-wages-{n:02}"),
                "pa-wages",
                wages,
                day,
            )?
            .memo("personal assistant wages");
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(entry)?;
    }
    // The agency invoices what was delivered, which leaves a little in hand.
    let invoice = plan
        .fund_balance(ledger, "managed")?
        .checked_mul(Decimal::new(6, 1))?
        .round(Rounding::HalfUp);
    if invoice.is_positive() {
        let entry = plan
            .spend(
                ledger,
                "managed",
                format!("agency-{n:02}"),
                "care-agency",
                invoice,
                day,
            )?
            .memo("agency invoice");
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(entry)?;
    }
    Ok(())
}

fn periods_before(plan: &PaymentPlan, day: NaiveDate) -> Result<Vec<Period>, isf_ledger::Error> {
    Ok(plan
        .periods()?
        .into_iter()
        .filter(|p| p.start() < day)
        .collect())
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("no such date {y}-{m}-{d}"))
}
