//! Balances as at a date do not depend on the order entries arrive in: posting the same entries
//! in any order (and through linked groups that fail and undo themselves) gives, on every day,
//! the fold of the postings dated up to it, and `verify` agrees.

use chrono::{Days, NaiveDate};
use isf_ledger::{AccountKind, Currency, Ledger, Money, NewAccount, NewEntry, Operation};
use proptest::collection::vec;
use proptest::prelude::*;

const ACCOUNTS: [&str; 3] = ["a", "b", "c"];

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 1).unwrap() + Days::new(n)
}

fn open() -> Ledger {
    let mut l = Ledger::new();
    for a in ACCOUNTS {
        l.open_account(NewAccount::new(a, AccountKind::Asset, Currency::GBP))
            .unwrap();
    }
    l
}

/// (from, to, pence, day)
fn entry(i: usize, (from, to, pence, d): (usize, usize, i64, u64)) -> NewEntry {
    let to = if to == from { (from + 1) % 3 } else { to };
    NewEntry::new(format!("e{i}"), day(d)).transfer(
        ACCOUNTS[from],
        ACCOUNTS[to],
        Money::from_minor(pence, Currency::GBP),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn as_at_balances_do_not_depend_on_arrival_order(
        moves in vec((0usize..3, 0usize..3, 1i64..10_000, 0u64..60), 1..300),
        order in vec(any::<u32>(), 300),
        failed_groups in vec((0usize..300, 0u64..60), 0..5),
    ) {
        let entries: Vec<NewEntry> = moves.iter().enumerate().map(|(i, m)| entry(i, *m)).collect();
        // An arbitrary arrival order: sort positions by a random key.
        let mut arrival: Vec<usize> = (0..entries.len()).collect();
        arrival.sort_by_key(|&i| (order[i], i));
        let mut l = open();
        for (k, &i) in arrival.iter().enumerate() {
            for &(at, d) in &failed_groups {
                if at == k {
                    // A back-dated post and a refused one in one group: the group undoes itself.
                    let ok = NewEntry::new(format!("g{k}"), day(d))
                        .transfer("a", "b", Money::from_minor(7, Currency::GBP));
                    let refused = NewEntry::new(format!("g{k}-x"), day(d))
                        .transfer("a", "nowhere", Money::from_minor(7, Currency::GBP));
                    let before: Vec<Money> = ACCOUNTS
                        .iter()
                        .map(|a| l.balance_as_at(a, day(d)).unwrap())
                        .collect();
                    let group = Operation::Linked {
                        ops: vec![Operation::Post(ok), Operation::Post(refused)],
                    };
                    let refused_group = l.apply(group).is_err();
                    prop_assert!(refused_group);
                    let after: Vec<Money> = ACCOUNTS
                        .iter()
                        .map(|a| l.balance_as_at(a, day(d)).unwrap())
                        .collect();
                    prop_assert_eq!(before, after);
                }
            }
            let _ = l.post(entries[i].clone()).unwrap();
        }
        let _ = l.verify().unwrap();
        for (a, name) in ACCOUNTS.iter().enumerate() {
            for d in 0..61u64 {
                let mut want = 0i64;
                for &(from, to, pence, at) in &moves {
                    let to = if to == from { (from + 1) % 3 } else { to };
                    if at <= d {
                        if from == a {
                            want -= pence;
                        }
                        if to == a {
                            want += pence;
                        }
                    }
                }
                prop_assert_eq!(
                    l.balance_as_at(name, day(d)).unwrap(),
                    Money::from_minor(want, Currency::GBP),
                    "{} on day {}", name, d
                );
            }
        }
    }
}
