//! Block contracts turned into ISFs: the shares sum exactly to the contract (less what is
//! retained), no share is more than a penny from its exact weighted part, and each period's
//! payments into the funds and the unallocated account reconcile to the contract.

mod support;

use chrono::{Days, NaiveDate};
use isf_ledger::isf::block::*;
use isf_ledger::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn start() -> NaiveDate {
    support::d(2025, 4, 7)
}

fn pence(p: i64) -> Money {
    Money::new(Decimal::new(p, 2), Currency::GBP)
}

proptest! {
    #![proptest_config(support::config_with_cases("outcomes_block", 48))]

    #[test]
    fn shares_sum_to_the_whole_and_each_period_reconciles(
        value in 100_000i64..5_000_000,
        retained_pct in 0i64..20,
        weights in prop::collection::vec(0u64..500, 1..16),
        freq in 0u8..3,
    ) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let frequency = [Frequency::Weekly, Frequency::FourWeekly, Frequency::CalendarMonthly][freq as usize];
        let retained = pence(value * retained_pct / 100);
        let first = if frequency == Frequency::CalendarMonthly { support::d(2025, 4, 1) } else { start() };
        let validity = Period::new(first, first + Days::new(364)).unwrap();
        let mut contract = BlockContract::new("blk", "council", "prov", pence(value), frequency, validity)
            .unwrap()
            .retain(retained);
        for (i, w) in weights.iter().enumerate() {
            contract = contract.person(format!("p{i}"), *w);
        }
        let shares = contract.shares().unwrap();
        let allocated = pence(value).checked_sub(retained).unwrap();
        let total = Money::sum(Currency::GBP, shares.iter().copied()).unwrap();
        prop_assert_eq!(total, allocated);
        // No share more than a penny from its exact weighted part.
        let weight_sum: u64 = weights.iter().sum();
        for (share, w) in shares.iter().zip(&weights) {
            let exact = allocated.amount() * Decimal::from(*w) / Decimal::from(weight_sum);
            prop_assert!((share.amount() - exact).abs() < Decimal::new(1, 2), "{} vs {}", share, exact);
        }
        // People with a zero weight get nothing, so a fund of nothing cannot be opened: only
        // convert when every weight is positive.
        if weights.iter().all(|w| *w > 0) && shares.iter().all(|s| s.is_positive()) {
            let people = contract.convert().unwrap();
            let mut ledger = Ledger::new();
            contract.open_accounts(&mut ledger, &people).unwrap();
            let plans: Vec<&PaymentPlan> = people.iter().map(|p| &p.plan).collect();
            let periods = contract.periods(Period::new(first, first + Days::new(60)).unwrap()).unwrap();
            for period in &periods[..2] {
                let report = run_payments(&mut ledger, &plans, &PaymentRun::new(format!("r{}", period.start()), period.start()));
                prop_assert!(report.refused.is_empty());
                contract.pay_unallocated(&mut ledger, period.start()).unwrap();
                let rec = contract.reconcile(&ledger, &people, *period).unwrap();
                prop_assert!(rec.difference.is_zero(), "{:?}", rec);
                prop_assert_eq!(rec.unallocated, retained);
                prop_assert_eq!(rec.funds.len(), people.len());
            }
        }
    }
}

#[test]
fn no_people_or_all_retained_is_an_error() {
    let validity = Period::new(start(), start() + Days::new(364)).unwrap();
    let c = BlockContract::new(
        "blk",
        "council",
        "prov",
        pence(100_000),
        Frequency::Weekly,
        validity,
    )
    .unwrap();
    assert_eq!(c.shares().unwrap_err().kind(), ErrorKind::InvalidInput);
    let c = c.person("a", 1).retain(pence(100_000));
    assert!(c.shares().unwrap_err().to_string().contains("retained"));
    let quarterly = BlockContract::new(
        "blk",
        "council",
        "prov",
        pence(100),
        Frequency::Quarterly,
        validity,
    );
    assert!(quarterly.is_err());
}

proptest! {
    #![proptest_config(support::config_with_cases("outcomes_block_annual", 256))]

    /// A year's value becomes a per-period value only when it divides exactly: the periods of a
    /// year (52 weeks, 13 four-week periods, 12 months) then sum to the year to the penny, and
    /// nothing is rounded away.
    #[test]
    fn an_annual_value_is_split_exactly_or_refused(
        annual in 1i64..100_000_000_000,
        freq in 0u8..3,
    ) {
        let (frequency, periods) = match freq {
            0 => (Frequency::Weekly, 52),
            1 => (Frequency::FourWeekly, 13),
            _ => (Frequency::CalendarMonthly, 12),
        };
        let validity = Period::new(support::d(2025, 4, 1), support::d(2026, 4, 1)).unwrap();
        match BlockContract::annual("blk", "c", "p", pence(annual), frequency, validity) {
            Ok(contract) => {
                prop_assert_eq!(annual % periods, 0);
                prop_assert_eq!(contract.value(), pence(annual / periods));
            }
            Err(e) => {
                prop_assert_ne!(annual % periods, 0);
                prop_assert!(e.to_string().contains("give the contract per period"), "{}", e);
            }
        }
    }
}
