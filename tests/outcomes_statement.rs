//! The provider's and the council's views of ISF money, exact: the statement CSV has one column
//! schema for every row (read back by a strict CSV reader), holds are shown as they stood at the
//! period's end (a hold settled later is dated), money is written `£1,234.56`, and the council's
//! surplus is net of the value of banked units.

mod support;

use chrono::{Days, NaiveDate};
use isf_ledger::isf::*;
use isf_ledger::report::*;
use isf_ledger::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::{budget, gbp, isf, whole_plan};

fn day(n: u64) -> NaiveDate {
    support::d(2025, 4, 7)
        .checked_add_days(Days::new(n))
        .unwrap() // a Monday
}

struct Books {
    ledger: Ledger,
    plan: PaymentPlan,
    agreement: ServiceAgreement,
}

/// Four weeks of a £400 weekly ISF: 10 hours a week planned, 7 delivered in week one (3
/// banked), a booking on the last day of the month settled in May.
fn books() -> Books {
    let validity = Period::new(day(0), day(364)).unwrap();
    let plan = whole_plan(
        "b",
        budget(
            "b",
            "p",
            validity,
            BudgetTerms::new(Basis::Week, gbp("400.00")),
        ),
        "isf",
        isf(),
        PaymentSchedule::new(Frequency::FourWeekly, day(0)),
    );
    let agreement = ServiceAgreement::new("AG", &plan, "isf", validity)
        .unwrap()
        .service(
            Service::new(
                "PC",
                "personal care",
                Unit::Hour,
                BandRates::flat(gbp("24.00")),
            )
            .planned_per_week(Decimal::from(10)),
        )
        .banking(Banking {
            max_units: Decimal::from(6),
            expires_after_weeks: 8,
        });
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    agreement.open_accounts(&mut ledger, &plan).unwrap();
    let _ = run_payments(&mut ledger, &[&plan], &PaymentRun::new("r1", day(0)));
    let claim =
        Claim::new("c1", day(6)).line(ClaimLine::new(day(1), "PC", Decimal::from(7), gbp("24.00")));
    let _ = agreement.submit(&mut ledger, &plan, &claim).unwrap();
    agreement.bank_unused(&mut ledger, day(0)).unwrap();
    // Booked on 30 April for 2 May; delivered and claimed on 3 May.
    let booking = Booking::new("bk", day(25), "PC", Decimal::from(2), day(23));
    agreement.book(&mut ledger, &plan, &booking).unwrap();
    let claim = Claim::new("c2", day(26))
        .line(ClaimLine::new(day(25), "PC", Decimal::from(2), gbp("24.00")).booking("bk"));
    let _ = agreement.submit(&mut ledger, &plan, &claim).unwrap();
    Books {
        ledger,
        plan,
        agreement,
    }
}

fn april() -> Period {
    Period::new(support::d(2025, 4, 1), support::d(2025, 5, 1)).unwrap()
}

fn statement(b: &Books, period: Period) -> FundStatement {
    let fund = Fund::of(&b.plan, "isf").unwrap();
    let s = FundStatement::build(&b.ledger, &fund, period)
        .unwrap()
        .with_units(b.agreement.units_summary(&b.ledger, period).unwrap());
    s.check(&b.ledger).unwrap();
    s
}

#[test]
fn every_csv_row_has_the_headers_columns_under_a_strict_reader() {
    let b = books();
    let csv_text = statement(&b, april()).to_csv().unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "fund", "period", "section", "item", "detail", "amount", "currency"
        ]
    );
    let mut units = Vec::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{e}\n{csv_text}"));
        assert_eq!(record.len(), 7);
        rows += 1;
        if &record[2] == "units" {
            units.push((
                record[4].to_string(),
                record[5].to_string(),
                record[6].to_string(),
            ));
        }
    }
    assert!(rows > 5, "{csv_text}");
    assert_eq!(
        units,
        [
            ("planned".into(), "34.29".into(), "hours".into()),
            ("delivered".into(), "7".into(), "hours".into()),
            ("cancelled_charged".into(), "0".into(), "hours".into()),
            ("banked".into(), "3".into(), "hours".into()),
        ]
    );
}

#[test]
fn a_hold_settled_after_the_period_is_shown_as_it_stood_and_dated() {
    let b = books();
    let s = statement(&b, april());
    assert_eq!(s.holds.len(), 1, "{s}");
    assert_eq!(s.holds[0].amount, gbp("48.00"));
    assert_eq!(
        s.holds[0].later,
        Some(HoldLater::Settled {
            on: support::d(2025, 5, 3)
        })
    );
    let text = s.to_string();
    assert!(text.contains("settled 2025-05-03"), "{text}");
    assert!(
        s.to_csv().unwrap().contains("; settled 2025-05-03"),
        "{}",
        s.to_csv().unwrap()
    );
    // In May it was settled: no hold stands at May's end.
    let may = Period::new(support::d(2025, 5, 1), support::d(2025, 6, 1)).unwrap();
    assert!(statement(&b, may).holds.is_empty());
}

#[test]
fn statements_write_money_the_uk_way() {
    let b = books();
    let text = statement(&b, april()).to_string();
    // £1,600 paid in, £168 drawn in April.
    assert!(text.contains("£1,600.00"), "{text}");
    assert!(text.contains("£1,432.00"), "{text}");
    assert!(!text.contains("GBP"), "{text}");
}

#[test]
fn the_council_surplus_is_net_of_banked_units() {
    let b = books();
    let view = CouncilView::build(
        &b.ledger,
        &[&b.plan],
        &[(&b.plan, &b.agreement)],
        Currency::GBP,
        april(),
    )
    .unwrap();
    let line = &view.lines[0];
    // 3 banked hours at £24.00; the booking is committed.
    assert_eq!(line.banked, gbp("72.00"));
    assert_eq!(line.committed, gbp("0.00"));
    assert_eq!(
        line.surplus,
        line.balance.checked_sub(gbp("72.00")).unwrap()
    );
    let csv_text = view.to_csv().unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(csv_text.as_bytes());
    assert!(reader.headers().unwrap().iter().any(|h| h == "banked"));
    assert!(reader.records().all(|r| r.is_ok()));
    // Without the agreement nothing is banked: the old, too-high surplus.
    let blind = CouncilView::build(&b.ledger, &[&b.plan], &[], Currency::GBP, april()).unwrap();
    assert_eq!(blind.lines[0].surplus, line.balance);
}

proptest! {
    /// UK money reads back: drop the `£` and the commas and it is the amount; the commas
    /// group the whole pounds in threes.
    #[test]
    fn uk_money_reads_back(pence in -10_000_000_000_000i64..10_000_000_000_000) {
        let m = Money::new(Decimal::new(pence, 2), Currency::GBP);
        let text = uk_money(m);
        let plain: String = text.chars().filter(|c| *c != '£' && *c != ',').collect();
        prop_assert_eq!(plain.parse::<Decimal>().unwrap(), m.amount());
        prop_assert_eq!(text.starts_with('-'), pence < 0);
        let whole = text.trim_start_matches('-').trim_start_matches('£');
        let whole = whole.split('.').next().unwrap();
        for (i, group) in whole.split(',').enumerate() {
            let ok = if i == 0 { (1..=3).contains(&group.len()) } else { group.len() == 3 };
            prop_assert!(ok, "{}", text);
        }
    }
}

#[test]
fn a_hold_released_after_the_period_is_shown_as_it_stood_and_dated() {
    let mut b = books();
    let fund = Fund::of(&b.plan, "isf").unwrap();
    let account = fund.accounts[0].1.clone();
    let hold = |id: &str, on| NewHold::new(id, account.clone(), "equity:held", gbp("10.00"), on);
    b.ledger
        .open_account(NewAccount::new(
            "equity:held",
            AccountKind::Equity,
            Currency::GBP,
        ))
        .unwrap();
    // One released in May (after April's end), one released in April, one released undated.
    for id in ["late", "early", "undated"] {
        b.ledger
            .place_hold(hold(id, support::d(2025, 4, 20)))
            .unwrap();
    }
    b.ledger
        .release_hold_on("late", support::d(2025, 5, 4))
        .unwrap();
    b.ledger
        .release_hold_on("early", support::d(2025, 4, 28))
        .unwrap();
    b.ledger.release_hold("undated").unwrap();
    let s = statement(&b, april());
    let released: Vec<_> = s
        .holds
        .iter()
        .filter(|h| ["late", "early", "undated"].contains(&h.hold.as_str()))
        .collect();
    assert_eq!(released.len(), 1, "{s}");
    assert_eq!(released[0].hold, "late");
    assert_eq!(
        released[0].later,
        Some(HoldLater::Released {
            on: support::d(2025, 5, 4)
        })
    );
    assert!(s.to_string().contains("released 2025-05-04"), "{s}");
    // A release may not be dated before the hold was placed.
    b.ledger
        .place_hold(hold("x", support::d(2025, 5, 10)))
        .unwrap();
    assert!(
        b.ledger
            .release_hold_on("x", support::d(2025, 5, 9))
            .is_err()
    );
    // The dated release survives the log.
    let mut log = Vec::new();
    b.ledger.write_log(&mut log).unwrap();
    let replayed = Ledger::replay(&log[..]).unwrap();
    assert_eq!(
        replayed.hold("late").unwrap().released_on(),
        Some(support::d(2025, 5, 4))
    );
}
