//! A provider's month end for three individual service funds.
//!
//! Brightwell Care holds ISFs for Ann, Ben and Cal. The council pays each fund four-weekly;
//! Brightwell draws down for the support it delivers against each person's service agreement.
//! April 2025 has an uplift (new rates from Monday 7 April), a claim line at the old rate that
//! is disputed and then corrected, a credit note for a March visit that did not happen, a
//! cancellation at short notice, and hours banked in March used in April.
//!
//! At the month end the finance officer charges the fixed fees, banks the unused hours, prints
//! each person's statement, and checks the client money against the bank.
//!
//! Run with `cargo run --example isf_provider_month_end`.

use chrono::NaiveDate;
use isf_ledger::Fund;
use isf_ledger::isf::*;
use isf_ledger::report::{CouncilView, FundStatement, ProviderView};
use isf_ledger::*;
use rust_decimal::Decimal;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn date(m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, m, d).ok_or_else(|| format!("no such date 2025-{m}-{d}").into())
}

fn gbp(s: &str) -> Result<Money> {
    Ok(format!("{s} GBP").parse()?)
}

fn units(s: &str) -> Result<Decimal> {
    Ok(s.parse()?)
}

/// A year's ISF from Monday 3 March 2025, paid four-weekly in advance.
fn isf_plan(id: &str, weekly: &str, contribution: &str) -> Result<PaymentPlan> {
    let start = date(3, 3)?;
    let validity = Period::new(start, NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?)?;
    let terms = BudgetTerms::new(Basis::Week, gbp(weekly)?).contribution(gbp(contribution)?);
    let budget = PersonalBudget::new(id, id.to_lowercase(), validity, terms)?;
    let isf = DeploymentKind::Isf {
        provider: "brightwell".into(),
    };
    Ok(PaymentPlan::new(
        "northshire",
        budget,
        vec![Deployment::whole("isf", isf)],
        PaymentSchedule::new(Frequency::FourWeekly, start),
    )?)
}

/// Personal care by the hour, £24 on weekdays and £26 at weekends, uplifted to £25 and £27
/// from Monday 7 April.
fn personal_care(hours_a_week: &str) -> Result<Service> {
    Ok(Service::new(
        "PC",
        "personal care",
        Unit::Hour,
        BandRates::flat(gbp("24.00")?).weekend(gbp("26.00")?),
    )
    .rate_from(
        date(4, 7)?,
        BandRates::flat(gbp("25.00")?).weekend(gbp("27.00")?),
    )
    .planned_per_week(units(hours_a_week)?))
}

fn care(day: NaiveDate, hours: &str, price: &str) -> Result<ClaimLine> {
    Ok(ClaimLine::new(day, "PC", units(hours)?, gbp(price)?))
}

fn main() -> Result<()> {
    let ann = isf_plan("ANN", "420.00", "0.00")?;
    let ben = isf_plan("BEN", "300.00", "50.00")?;
    let cal = isf_plan("CAL", "250.00", "0.00")?;
    let validity = ann.budget().validity();
    let ann_ag = ServiceAgreement::new("ANN-2025", &ann, "isf", validity)?
        .service(personal_care("10")?)
        .fee(ManagementFee::Percent(units("5")?))
        .banking(Banking {
            max_units: units("10")?,
            expires_after_weeks: 8,
        });
    let ben_ag = ServiceAgreement::new("BEN-2025", &ben, "isf", validity)?
        .service(
            Service::new(
                "DC",
                "day centre",
                Unit::Visit,
                BandRates::flat(gbp("45.00")?),
            )
            .planned_per_week(units("3")?),
        )
        .supplier("sunrise-day-centre")
        .fee(ManagementFee::FixedPerPeriod {
            amount: gbp("20.00")?,
            frequency: Frequency::FourWeekly,
        });
    let cal_ag =
        ServiceAgreement::new("CAL-2025", &cal, "isf", validity)?.service(personal_care("8")?);

    let mut ledger = Ledger::new();
    for (plan, agreement) in [(&ann, &ann_ag), (&ben, &ben_ag), (&cal, &cal_ag)] {
        plan.open_accounts(&mut ledger)?;
        agreement.open_accounts(&mut ledger, plan)?;
    }
    let plans = [&ann, &ben, &cal];
    let agreements = [(&ann, &ann_ag), (&ben, &ben_ag), (&cal, &cal_ag)];
    let run = |ledger: &mut Ledger, day: NaiveDate| -> Result<()> {
        let report = run_payments(ledger, &plans, &PaymentRun::new("4-weekly", day));
        match report.refused.first() {
            Some(refusal) => Err(format!("payment refused: {}", refusal.error).into()),
            None => Ok(()),
        }
    };

    // ----- March ---------------------------------------------------------------------------
    run(&mut ledger, date(3, 3)?)?;
    // Ann: seven of her ten planned hours in the week of 10 March; three are banked.
    let claim = Claim::new("INV-0311", date(3, 17)?)
        .line(care(date(3, 10)?, "3", "24.00")?)
        .line(care(date(3, 15)?, "4", "26.00")?);
    // The outcome is not inspected here, the ledger is.
    let _ = ann_ag.submit(&mut ledger, &ann, &claim)?;
    ann_ag.bank_unused(&mut ledger, date(3, 10)?)?;
    // Ben: twelve day-centre visits by the subcontractor.
    let mut claim = Claim::new("INV-0331", date(3, 31)?);
    for week in [3, 10, 17, 24] {
        for day in [week, week + 2, week + 4] {
            claim = claim.line(
                ClaimLine::new(date(3, day)?, "DC", units("1")?, gbp("45.00")?)
                    .supplier("sunrise-day-centre"),
            );
        }
    }
    // The outcome is not inspected here, the ledger is.
    let _ = ben_ag.submit(&mut ledger, &ben, &claim)?;
    run(&mut ledger, date(3, 31)?)?;

    // ----- April ---------------------------------------------------------------------------
    // Ann: twelve hours in the week of the uplift, two over plan, covered by banked hours.
    let claim = Claim::new("INV-0414", date(4, 14)?)
        .line(care(date(4, 7)?, "4", "25.00")?)
        .line(care(date(4, 9)?, "4", "25.00")?)
        .line(care(date(4, 11)?, "4", "25.00")?);
    let outcome = ann_ag.submit(&mut ledger, &ann, &claim)?;
    let banked_used: Decimal = outcome.paid.iter().map(|p| p.banked_units_used).sum();
    println!("Ann's claim INV-0414 used {banked_used} banked hours.");
    // A line still at the old rate is disputed; the office credits it and claims it again.
    let claim = Claim::new("INV-0422", date(4, 22)?).line(care(date(4, 14)?, "2", "24.00")?);
    let outcome = ann_ag.submit(&mut ledger, &ann, &claim)?;
    for line in &outcome.disputed {
        println!(
            "Ann's claim INV-0422 line {} is disputed ({}): {} set aside.",
            line.line,
            line.issues
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            line.amount
        );
    }
    ann_ag.credit_disputed(&mut ledger, &ann, &"INV-0422".into(), 1)?;
    let claim = Claim::new("INV-0428", date(4, 28)?).line(care(date(4, 14)?, "2", "25.00")?);
    // The outcome is not inspected here, the ledger is.
    let _ = ann_ag.submit(&mut ledger, &ann, &claim)?;
    // Ben was in hospital on Wednesday 19 March: the day centre's visit is credited.
    let note = CreditNote {
        id: "CN-0414".into(),
        date: date(4, 14)?,
        lines: vec![("INV-0331".into(), 8)],
        reason: "Ben was in hospital".into(),
    };
    let credited = ben_ag.credit_note(&mut ledger, &ben, &note)?;
    println!("Credit note CN-0414 gives {credited} back to Ben's fund.");
    // Ben's April visits, in the weeks of 7 and 14 April.
    let mut claim = Claim::new("INV-0425", date(4, 25)?);
    for week in [7, 14] {
        for day in [week, week + 2, week + 4] {
            claim = claim.line(
                ClaimLine::new(date(4, day)?, "DC", units("1")?, gbp("45.00")?)
                    .supplier("sunrise-day-centre"),
            );
        }
    }
    // The outcome is not inspected here, the ledger is.
    let _ = ben_ag.submit(&mut ledger, &ben, &claim)?;
    // Cal: three visits booked ahead; one delivered short, one cancelled the evening before
    // (charged in full), one cancelled two days ahead (not charged).
    for (id, day) in [("CAL-B1", 8), ("CAL-B2", 10), ("CAL-B3", 12)] {
        let booking = Booking::new(id, date(4, day)?, "PC", units("2")?, date(4, 1)?);
        cal_ag.book(&mut ledger, &cal, &booking)?;
    }
    let claim = Claim::new("INV-C0414", date(4, 14)?)
        .line(care(date(4, 8)?, "1.5", "25.00")?.booking("CAL-B1"))
        .line(
            care(date(4, 10)?, "2", "25.00")?
                .booking("CAL-B2")
                .cancelled(12),
        )
        .line(
            care(date(4, 12)?, "2", "27.00")?
                .booking("CAL-B3")
                .cancelled(48),
        );
    let outcome = cal_ag.submit(&mut ledger, &cal, &claim)?;
    println!(
        "Cal's claim INV-C0414: {} paid; lines {:?} cancelled with notice, not charged.",
        outcome.paid_total()?,
        outcome.not_charged
    );
    run(&mut ledger, date(4, 28)?)?;

    // ----- Month end -----------------------------------------------------------------------
    let april = Period::new(date(4, 1)?, date(5, 1)?)?;
    ben_ag.charge_fees(&mut ledger, &ben, april.last_day())?;
    // Ann had two of her ten hours in the week of 14 April: eight are banked.
    ann_ag.bank_unused(&mut ledger, date(4, 14)?)?;
    for (plan, agreement) in [(&ann, &ann_ag), (&ben, &ben_ag), (&cal, &cal_ag)] {
        let fund = Fund::of(plan, "isf")?;
        let statement = FundStatement::build(&ledger, &fund, april)?
            .with_units(agreement.units_summary(&ledger, april)?);
        statement.check(&ledger)?;
        println!();
        println!("{statement}");
        if plan.budget().id().as_str() == "BEN" {
            println!("The same statement as CSV, for the council's spreadsheet:");
            print!("{}", statement.to_csv()?);
        }
    }

    // The client-money bank account on 30 April, from the bank statement: the bank paid
    // £3.12 interest that day, which is not yet shared out between the funds.
    let interest = gbp("3.12")?;
    let client_money = ProviderView::build(
        &ledger,
        &"brightwell".into(),
        Currency::GBP,
        april.last_day(),
    )?
    .client_money;
    let bank = client_money.checked_add(interest)?;
    let view = ProviderView::build(
        &ledger,
        &"brightwell".into(),
        Currency::GBP,
        april.last_day(),
    )?
    .with_bank_balance(bank);
    view.check(&ledger)?;
    println!();
    print!("{view}");
    if view.difference()? == Some(interest) {
        println!("  The difference is the bank's interest of {interest}, to be shared out.");
    }
    println!();

    // The agreements value each fund's banked hours, which are not surplus.
    let council = CouncilView::build(&ledger, &plans, &agreements, Currency::GBP, april)?;
    println!("{council}");
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify()?;
    println!("Books verified: every entry balances and every balance is the sum of its postings.");
    Ok(())
}
