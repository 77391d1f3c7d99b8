//! A council funds one person's individual service fund four-weekly for a quarter; the provider
//! draws down against a hold that is settled for less than was reserved; one drawdown keyed
//! twice is reversed. Prints the fund's statement lines and the trial balance.
//!
//! The books are kept in a file, a [`Book`]: every call below is one record, flushed to disk
//! before it returns and chained to the one before by its SHA-256. Read it back with
//! `cargo run --example read_book`.
//!
//! Run with `cargo run --example quickstart [PATH]` (default `target/quickstart.book`; an
//! existing file there is replaced).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use isf_ledger::book::Book;
use isf_ledger::{
    AccountId, AccountKind, BalanceRule, Currency, Frequency, Ledger, Money, NewAccount, NewEntry,
    NewHold, Period, Schedule,
};

type Result<T, E = isf_ledger::Error> = std::result::Result<T, E>;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/quickstart.book".to_string());
    if let Some(dir) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(dir)?;
    }
    // A fresh book each run: the old file and its snapshot go.
    for old in [
        std::path::PathBuf::from(&path),
        isf_ledger::book::snapshot_path(path.as_ref()),
    ] {
        if old.exists() {
            std::fs::remove_file(old)?;
        }
    }
    // The crate keeps no clock: each record's time is given. Here a made-up one, a minute apart.
    let mut clock = Utc.with_ymd_and_hms(2025, 4, 7, 9, 0, 0).unwrap();
    let mut tick = move || -> DateTime<Utc> {
        clock += Duration::minutes(1);
        clock
    };
    let mut book = Book::create(&path, tick(), "council:clerk")?;
    let gbp = Currency::GBP;

    // The council's money, the person's fund (never below zero), and the provider.
    let council = AccountId::from("council:bank");
    let fund = AccountId::from("isf:P0001");
    let provider = AccountId::from("provider:PR01");
    book.record(tick(), "council:clerk", |ledger| -> Result<()> {
        ledger.open_account(NewAccount::new(&council, AccountKind::Asset, gbp).owner("council"))?;
        ledger.open_account(
            NewAccount::new(&fund, AccountKind::Fund, gbp)
                .owner("person:P0001")
                .tag("isf")
                .rule(BalanceRule::NonNegative),
        )?;
        Ok(ledger
            .open_account(NewAccount::new(&provider, AccountKind::Expense, gbp).owner("PR01"))?)
    })?;

    // £412.50 a week, paid four-weekly in advance for the quarter from Monday 7 April 2025.
    let weekly: Money = "412.50 GBP".parse()?;
    let four_weeks = weekly.checked_mul(4.into())?;
    let start = date(2025, 4, 7);
    let quarter = Period::new(start, date(2025, 6, 30))?;
    let schedule = Schedule::new(start, Frequency::FourWeekly);
    let periods = schedule.periods_overlapping(quarter)?;
    let allocate = |ledger: &mut Ledger, n: usize, period: &Period| -> Result<()> {
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(
            NewEntry::new(format!("alloc-P0001-{:02}", n + 1), period.start())
                .memo(format!("four-weekly allocation {period}"))
                .transfer(&council, &fund, four_weeks),
        )?;
        Ok(())
    };
    book.record(tick(), "council:clerk", |l| allocate(l, 0, &periods[0]))?;

    // Week one: the provider reserves the planned 20 hours at £20.625 an hour (£412.50)...
    let week_one = date(2025, 4, 7);
    book.record(tick(), "provider:PR01", |ledger| -> Result<()> {
        Ok(ledger.place_hold(
            NewHold::new("plan-w1", &fund, &provider, weekly, week_one)
                .expires_on(date(2025, 5, 5))
                .memo("planned support, week of 7 April"),
        )?)
    })?;
    // ...and settles for the 18 hours delivered (£371.25); the rest is released.
    book.record(tick(), "provider:PR01", |ledger| -> Result<()> {
        // The receipt's sequence number is not needed here.
        let _ = ledger.settle_hold(
            "plan-w1",
            "claim-w1",
            "371.25 GBP".parse()?,
            date(2025, 4, 14),
        )?;
        Ok(())
    })?;

    // Two weekly invoices, one keyed twice by mistake and reversed.
    for (id, day) in [("inv-0002", 21), ("inv-0002-dup", 21), ("inv-0003", 28)] {
        book.record(tick(), "provider:PR01", |ledger| -> Result<()> {
            // The receipt's sequence number is not needed here.
            let _ = ledger.post(
                NewEntry::new(id, date(2025, 4, day))
                    .memo(format!("provider invoice {id}"))
                    .transfer(&fund, &provider, "396.00 GBP".parse()?),
            )?;
            Ok(())
        })?;
    }
    book.record(tick(), "provider:PR01", |ledger| -> Result<()> {
        // The receipt's sequence number is not needed here.
        let _ = ledger.reverse(
            "inv-0002-dup",
            "inv-0002-dup-rev",
            date(2025, 4, 29),
            "keyed twice",
        )?;
        Ok(())
    })?;

    // The rest of the quarter's allocations: one group commit, one flush to disk.
    book.batch(|book| -> Result<()> {
        for (n, period) in periods.iter().enumerate().skip(1) {
            book.record(tick(), "council:clerk", |l| allocate(l, n, period))?;
        }
        Ok(())
    })?;
    let ledger = book.ledger();

    println!("Statement for {fund}");
    println!(
        "{:>4}  {:<10}  {:<46}  {:>14}  {:>14}",
        "seq", "date", "memo", "amount", "balance"
    );
    for line in ledger.history(&fund)? {
        println!(
            "{:>4}  {:<10}  {:<46}  {:>14}  {:>14}",
            line.entry.seq().0,
            line.entry.date(),
            line.entry.memo(),
            line.amount.to_string(),
            line.balance.to_string()
        );
    }
    println!(
        "held {}, available {}",
        ledger.held(&fund)?,
        ledger.available(&fund)?
    );
    println!(
        "balance as at 30 April 2025: {}",
        ledger.balance_as_at(&fund, date(2025, 4, 30))?
    );
    println!();
    println!("Trial balance");
    print!("{}", ledger.trial_balance());
    let checked = ledger.verify()?;
    println!(
        "verified: {} accounts, {} entries, {} postings recomputed from the postings alone",
        checked.accounts, checked.entries, checked.postings
    );
    println!();
    println!("book: {path}");
    println!("records: {} (seq 0 is the header)", book.seq() + 1);
    println!("head: {}", book.head());
    println!("read it back: cargo run --example read_book -- {path}");
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date in the example")
}
