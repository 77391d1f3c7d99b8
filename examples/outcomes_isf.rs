//! A Leeds-style outcomes-based ISF: a fixed weekly budget instead of priced visits.
//!
//! Maya's personal budget is £350 a week, paid by the council four-weekly in advance into an
//! individual service fund held by Northside Care. The agreement pays Northside a fixed £320 a
//! week, drawn in advance, for about 16 hours of support a week that the workers lengthen or
//! shorten with Maya day to day; staff are costed by the shift (£44 a shift), not by the minute.
//! Over four weeks one week runs well over the ±20% band and is flagged for the social worker's
//! review, not refused. At the end of the window the fund's unspent money is carried forward up
//! to the £50 cap and the rest goes back to the council.
//!
//! Run with `cargo run --example outcomes_isf`.

use chrono::NaiveDate;
use isf_ledger::isf::outcomes::{Draw, OutcomesAgreement, SupportGiven};
use isf_ledger::report::uk_money;
use isf_ledger::*;
use rust_decimal::Decimal;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn day(m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, m, d).ok_or_else(|| format!("no date 2025-{m}-{d}").into())
}

fn gbp(s: &str) -> Result<Money> {
    Ok(Money::new(s.parse()?, Currency::GBP))
}

fn main() -> Result<()> {
    let start = day(4, 7)?; // a Monday
    let validity = Period::new(start, day(10, 6)?)?;
    let budget = PersonalBudget::new(
        "MAYA",
        "maya",
        validity,
        BudgetTerms::new(Basis::Week, gbp("350.00")?),
    )?;
    let isf = DeploymentKind::Isf {
        provider: ProviderId::from("northside"),
    };
    let plan = PaymentPlan::new(
        "leeds",
        budget,
        vec![Deployment::whole("isf", isf)],
        PaymentSchedule::new(Frequency::FourWeekly, start),
    )?;
    let agreement = OutcomesAgreement::new(
        "MAYA-OUT",
        &plan,
        "isf",
        validity,
        Frequency::Weekly,
        gbp("320.00")?,
    )?
    .draw_timing(Draw::InAdvance)
    .planned_hours_per_week(Decimal::from(16))
    .band_percent(Decimal::from(20))
    .carry_cap(gbp("50.00")?)
    .shift_rate(gbp("44.00")?);

    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger)?;
    agreement.open_accounts(&mut ledger, &plan)?;
    let report = run_payments(&mut ledger, &[&plan], &PaymentRun::new("run-1", start));
    if let Some(refusal) = report.refused.first() {
        return Err(format!("payment refused: {}", refusal.error).into());
    }

    // Four weeks of support, flexed day to day. Hours per day, Monday to Sunday; week three
    // Maya was unwell and the team stayed longer most days.
    let weeks: [[&str; 7]; 4] = [
        ["2.5", "2", "3", "2", "2.5", "2", "1.5"],
        ["3", "1.5", "2", "2.5", "2", "2.5", "2"],
        ["3.5", "3", "3.5", "3", "3.5", "2.5", "2"],
        ["2", "2", "2.5", "2", "2", "2.5", "2"],
    ];
    let notes = [
        (0, 2, "walked to the corner shop with support"),
        (1, 4, "cooked lunch with prompting only"),
        (2, 0, "GP visit arranged; extra evening checks"),
        (3, 5, "went to the Saturday lunch club"),
    ];
    for (w, hours) in weeks.iter().enumerate() {
        let monday = start
            .checked_add_days(chrono::Days::new(7 * w as u64))
            .ok_or("date out of range")?;
        agreement.draw(&mut ledger, &plan, monday)?;
        for (d, h) in hours.iter().enumerate() {
            let date = monday
                .checked_add_days(chrono::Days::new(d as u64))
                .ok_or("date out of range")?;
            let hours: Decimal = h.parse()?;
            // One worker's shift a day, however long the visits run.
            let mut record = SupportGiven::new(format!("w{w}d{d}"), date, hours)
                .shifts(Decimal::ONE)
                .visits(2)
                .activity("personal care");
            if let Some((_, _, note)) = notes.iter().find(|(nw, nd, _)| *nw == w && *nd == d) {
                record = record.outcome(*note);
            }
            agreement.record_support(&mut ledger, &record)?;
        }
    }

    let window = Period::new(start, day(5, 5)?)?;
    let review = agreement.review(&ledger, window)?;
    for w in review.weeks.iter().filter(|w| w.flagged) {
        println!(
            "Flagged for review: the week from {} ({} hours given against {} planned)",
            w.week.start(),
            w.given,
            w.planned
        );
    }
    let close = agreement.close_window(&mut ledger, &plan, window)?;
    println!(
        "Unspent {}: {} carried forward (the cap), {} returned to the council",
        uk_money(close.unspent),
        uk_money(close.carried_forward),
        uk_money(close.returned_total()?)
    );
    println!();
    print!("{}", agreement.statement(&ledger, &plan, window)?);
    let _ = ledger.verify()?;
    println!();
    println!("Books verified: every entry balances and every balance is the sum of its postings.");
    Ok(())
}
