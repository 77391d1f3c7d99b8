//! A block contract for 12 people turned into 12 individual service funds.
//!
//! Riverside Support holds a £30,000 four-weekly block contract from the council for twelve
//! people in supported living. The council and Riverside turn it into one individual service
//! fund per person, each weighted by the hours of support in the person's plan; £500 a period is
//! kept back, unallocated, while two people's plans are reviewed. The shares are exact (the
//! pennies go by the crate's largest-remainder rule), each fund opens with its own agreement,
//! the first period reconciles to the contract, and each person gets a first statement.
//!
//! Run with `cargo run --example block_contract`.

use chrono::NaiveDate;
use isf_ledger::isf::block::BlockContract;
use isf_ledger::report::{FundStatement, uk_money};
use isf_ledger::*;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let start = NaiveDate::from_ymd_opt(2025, 4, 7).ok_or("bad date")?;
    let end = NaiveDate::from_ymd_opt(2026, 4, 6).ok_or("bad date")?;
    let gbp = |s: &str| -> Result<Money> { Ok(Money::new(s.parse()?, Currency::GBP)) };
    // Weekly hours in each person's support plan, as quarter hours (the weights): Aisha's 90 is
    // 22.5 hours a week.
    let people: [(&str, u64); 12] = [
        ("aisha", 90),
        ("ben", 56),
        ("chloe", 120),
        ("dev", 69),
        ("ella", 48),
        ("farid", 100),
        ("grace", 79),
        ("harry", 32),
        ("isla", 84),
        ("jamal", 66),
        ("kate", 108),
        ("liam", 44),
    ];
    let mut contract = BlockContract::new(
        "RIVERSIDE-BLOCK",
        "northshire",
        "riverside",
        gbp("30000.00")?,
        Frequency::FourWeekly,
        Period::new(start, end)?,
    )?
    .retain(gbp("500.00")?);
    for (person, quarter_hours) in people {
        contract = contract.person(person, quarter_hours);
    }
    let funds = contract.convert()?;
    let mut ledger = Ledger::new();
    contract.open_accounts(&mut ledger, &funds)?;

    // The first period: the council pays every fund and the unallocated account.
    let plans: Vec<&PaymentPlan> = funds.iter().map(|f| &f.plan).collect();
    let report = run_payments(&mut ledger, &plans, &PaymentRun::new("block-1", start));
    if let Some(refusal) = report.refused.first() {
        return Err(format!("payment refused: {}", refusal.error).into());
    }
    contract.pay_unallocated(&mut ledger, start)?;
    // Each provider draws its first four weeks' budget, in advance.
    for f in &funds {
        f.agreement.draw(&mut ledger, &f.plan, start)?;
    }

    let first = contract
        .periods(Period::new(start, start.succ_opt().ok_or("bad date")?)?)?
        .first()
        .copied()
        .ok_or("no first period")?;
    let rec = contract.reconcile(&ledger, &funds, first)?;
    println!(
        "Block contract RIVERSIDE-BLOCK, {first}: {}",
        uk_money(rec.contract)
    );
    for (fund, got) in &rec.funds {
        println!("  {fund:<32} {:>12}", uk_money(*got));
    }
    println!(
        "  {:<32} {:>12}",
        "not yet allocated",
        uk_money(rec.unallocated)
    );
    println!(
        "  the funds and the unallocated account sum to the contract: difference {}",
        uk_money(rec.difference)
    );
    if !rec.difference.is_zero() {
        return Err("the block does not reconcile".into());
    }

    for f in &funds {
        let fund = f.plan.fund("isf")?;
        let statement = FundStatement::build(&ledger, &fund, first)?;
        statement.check(&ledger)?;
        println!();
        println!("{} ({} a period by weight):", f.person, uk_money(f.share));
        print!("{statement}");
    }
    Ok(())
}
