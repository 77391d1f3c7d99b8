//! Property tests for the ledger's invariants (DESIGN.md, "Invariants" 1–9 and 11), one module
//! per invariant.
//!
//! Every ledger starts with the same eight accounts (five GBP, three EUR; three of them funds, two
//! that may not go below zero and one with a £50 overdraft), usually with £/€1,000 paid into the
//! funds, and is driven by short random sequences of operations: entries of 2–6 postings (some
//! in two currencies), batches, holds, settlements, releases, expiries, reversals, account
//! closures and period closes. Amounts are whole pence up to £1,000 and dates fall in
//! 2024–2026; some entries are spoiled on purpose (unbalanced, unknown account, wrong currency, a
//! tenth of a penny, too large, one posting, empty id) so that refusals are exercised too. Set
//! the depth with `PROPTEST_CASES`.

mod support;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use isf_ledger::{
    AccountId, AccountKind, BalanceRule, Currency, EntryOrigin, HoldStatus, Ledger, LedgerError,
    Money, NewAccount, NewEntry, NewHold, Receipt, Seq,
};
use proptest::collection::vec;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::{Flaw, days_from, flaw, signed};

// ----- the accounts --------------------------------------------------------------------------

const GBP_ACCOUNTS: [&str; 5] = [
    "gbp:bank",
    "gbp:council",
    "gbp:fund-a",
    "gbp:fund-b",
    "gbp:provider",
];
const EUR_ACCOUNTS: [&str; 3] = ["eur:bank", "eur:fund", "eur:provider"];
/// Accounts with a floor: the two GBP funds and the EUR fund.
const FUNDS: [&str; 3] = ["gbp:fund-a", "gbp:fund-b", "eur:fund"];

fn all_accounts() -> impl Iterator<Item = &'static str> {
    GBP_ACCOUNTS.iter().chain(EUR_ACCOUNTS.iter()).copied()
}

fn base() -> Ledger {
    let overdraft = BalanceRule::AtLeast(Decimal::new(-5000, 2));
    let specs = [
        NewAccount::new("gbp:bank", AccountKind::Asset, Currency::GBP),
        NewAccount::new("gbp:council", AccountKind::Income, Currency::GBP).owner("council"),
        NewAccount::new("gbp:fund-a", AccountKind::Fund, Currency::GBP)
            .owner("person:P1")
            .tag("isf")
            .rule(BalanceRule::NonNegative),
        NewAccount::new("gbp:fund-b", AccountKind::Fund, Currency::GBP).rule(overdraft),
        NewAccount::new("gbp:provider", AccountKind::Expense, Currency::GBP),
        NewAccount::new("eur:bank", AccountKind::Asset, Currency::EUR),
        NewAccount::new("eur:fund", AccountKind::Fund, Currency::EUR)
            .rule(BalanceRule::NonNegative),
        NewAccount::new("eur:provider", AccountKind::Expense, Currency::EUR),
    ];
    let mut l = Ledger::new();
    for spec in specs {
        l.open_account(spec).unwrap();
    }
    l
}

/// [`base`] with £/€1,000 paid into each fund and the bank, so that holds and spending have
/// something to draw on.
fn funded() -> Ledger {
    let mut l = base();
    let day = FIRST_DAY;
    let seed = NewEntry::new("seed", day)
        .transfer("gbp:council", "gbp:fund-a", money(100_000, Currency::GBP))
        .transfer("gbp:council", "gbp:fund-b", money(100_000, Currency::GBP))
        .transfer("gbp:council", "gbp:bank", money(100_000, Currency::GBP))
        .transfer("eur:bank", "eur:fund", money(100_000, Currency::EUR));
    // The receipt's sequence number is not needed here.
    let _ = l.post(seed).unwrap();
    l
}

fn currency_of(account: &str) -> Currency {
    if account.starts_with("eur:") {
        Currency::EUR
    } else {
        Currency::GBP
    }
}

fn money(pence: i64, currency: Currency) -> Money {
    Money::from_minor(pence, currency)
}

fn pence_of(m: Money) -> i128 {
    m.to_minor()
        .expect("ledger amounts are exact in minor units")
}

fn id(s: &str) -> AccountId {
    AccountId::from(s)
}

fn log_bytes(l: &Ledger) -> Vec<u8> {
    let mut out = Vec::new();
    l.write_log(&mut out).unwrap();
    out
}

// ----- strategies ----------------------------------------------------------------------------

const FIRST_DAY: NaiveDate = support::d(2024, 1, 1);
/// 2024-01-01 to 2026-12-31.
const SPAN_DAYS: u64 = 1096;

fn date() -> impl Strategy<Value = NaiveDate> {
    days_from(FIRST_DAY, SPAN_DAYS)
}

/// Up to £1,000, in pence.
fn pence() -> impl Strategy<Value = i64> {
    1i64..=100_000
}

fn signed_pence() -> impl Strategy<Value = i64> {
    signed(pence())
}

/// Entry ids from a small pool, so ids repeat: retries, clashes and reversals of real entries.
fn entry_id() -> impl Strategy<Value = String> {
    (0u8..16).prop_map(|n| format!("e{n}"))
}

fn hold_id() -> impl Strategy<Value = String> {
    (0u8..5).prop_map(|n| format!("h{n}"))
}

fn account() -> impl Strategy<Value = &'static str> {
    (0usize..8).prop_map(|i| all_accounts().nth(i).unwrap())
}

/// A balanced entry: 1–3 random legs in one currency and a leg that balances them, sometimes
/// with a balanced pair in the other currency as well, a memo or metadata.
fn entry_with(id: impl Strategy<Value = String>) -> impl Strategy<Value = NewEntry> {
    (
        id,
        date(),
        any::<bool>(),
        vec((0usize..5, signed_pence()), 1..=3),
        0usize..5,
        prop::option::weighted(0.2, (0usize..5, 0usize..5, pence())),
        0u8..4,
    )
        .prop_map(|(id, date, eur, legs, last, other, extra)| {
            let (group, other_group): (&[&str], &[&str]) = if eur {
                (&EUR_ACCOUNTS, &GBP_ACCOUNTS)
            } else {
                (&GBP_ACCOUNTS, &EUR_ACCOUNTS)
            };
            let mut e = NewEntry::new(id, date);
            match extra {
                1 => e = e.memo("care week"),
                2 => e = e.meta("invoice", "INV-1"),
                _ => {}
            }
            let mut sum = 0;
            for (a, p) in legs {
                let name = group[a % group.len()];
                e = e.posting(name, money(p, currency_of(name)));
                sum += p;
            }
            let name = group[last % group.len()];
            e = e.posting(name, money(-sum, currency_of(name)));
            if let Some((from, to, p)) = other {
                let (from, to) = (
                    other_group[from % other_group.len()],
                    other_group[to % other_group.len()],
                );
                e = e.transfer(from, to, money(p, currency_of(from)));
            }
            e
        })
}

fn entry() -> impl Strategy<Value = NewEntry> {
    entry_with(entry_id())
}

fn spoil(mut e: NewEntry, flaw: Flaw) -> NewEntry {
    let first = &mut e.postings[0];
    let currency = first.amount.currency();
    match flaw {
        Flaw::Unbalanced => {
            first.amount = first
                .amount
                .checked_add(Money::from_minor(1, currency))
                .unwrap()
        }
        Flaw::UnbalancedLast => {
            let last = e.postings.last_mut().unwrap();
            let c = last.amount.currency();
            last.amount = last.amount.checked_sub(Money::from_minor(1, c)).unwrap();
        }
        Flaw::UnknownAccount => first.account = "ghost".into(),
        Flaw::WrongCurrency => {
            let other = if currency == Currency::GBP {
                Currency::EUR
            } else {
                Currency::GBP
            };
            first.amount = Money::new(first.amount.amount(), other);
        }
        Flaw::TooManyDecimals => {
            first.amount = Money::new(first.amount.amount() + Decimal::new(1, 3), currency)
        }
        Flaw::OutOfRange => {
            let huge = Money::new(Decimal::from(10i64.pow(18)) + Decimal::ONE, currency);
            // The first two postings are in the same currency.
            let (a, b) = (e.postings[0].account.clone(), e.postings[1].account.clone());
            e = e.transfer(a, b, huge);
        }
        Flaw::OnePosting => e.postings.truncate(1),
        Flaw::BadId => e.id = "".into(),
    }
    e
}

fn flawed_entry() -> impl Strategy<Value = NewEntry> {
    (entry(), flaw()).prop_map(|(e, f)| spoil(e, f))
}

fn hold() -> impl Strategy<Value = NewHold> {
    (
        hold_id(),
        0usize..3,
        account(),
        1i64..=30_000,
        date(),
        prop::option::of(1u64..=90),
    )
        .prop_map(|(id, from, to, p, date, expiry)| {
            let from = FUNDS[from];
            // Mostly to the provider of the fund's currency; sometimes anywhere.
            let to = if p % 4 == 0 {
                to
            } else if from.starts_with("eur:") {
                "eur:provider"
            } else {
                "gbp:provider"
            };
            let mut h = NewHold::new(id, from, to, money(p, currency_of(from)), date);
            if let Some(days) = expiry {
                h = h.expires_on(date + Days::new(days));
            }
            h
        })
}

/// An entry or hold to act on: one already in the ledger (the n-th, modulo how many there are),
/// or an id from the pool, which may name nothing.
#[derive(Debug, Clone)]
enum Pick {
    Existing(usize),
    Named(String),
}

fn pick(ids: impl Strategy<Value = String>) -> impl Strategy<Value = Pick> {
    prop_oneof![3 => any::<usize>().prop_map(Pick::Existing), 1 => ids.prop_map(Pick::Named)]
}

impl Pick {
    fn entry(&self, l: &Ledger) -> String {
        match self {
            Pick::Existing(n) if l.entry_count() > 0 => {
                let e = l.entry_at(Seq((*n % l.entry_count()) as u64 + 1)).unwrap();
                e.id().to_string()
            }
            Pick::Existing(_) => "nothing".to_string(),
            Pick::Named(id) => id.clone(),
        }
    }

    fn hold(&self, l: &Ledger) -> String {
        let count = l.holds().count();
        match self {
            Pick::Existing(n) if count > 0 => {
                l.holds().nth(*n % count).unwrap().details().id.to_string()
            }
            Pick::Existing(_) => "nothing".to_string(),
            Pick::Named(id) => id.clone(),
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Post(NewEntry),
    Batch(Vec<NewEntry>),
    Hold(NewHold),
    Settle {
        hold: Pick,
        entry: String,
        pence: i64,
        date: NaiveDate,
    },
    Release(Pick),
    Expire(NaiveDate),
    Reverse {
        target: Pick,
        id: String,
        date: NaiveDate,
    },
    CloseAccount(&'static str),
    ClosePeriod(NaiveDate),
}

impl Op {
    /// The dates an operation would record something on.
    fn dates(&self) -> Vec<NaiveDate> {
        match self {
            Op::Post(e) => vec![e.date],
            Op::Batch(es) => es.iter().map(|e| e.date).collect(),
            Op::Hold(h) => vec![h.date],
            Op::Settle { date, .. } | Op::Reverse { date, .. } => vec![*date],
            Op::Release(_) | Op::Expire(_) | Op::CloseAccount(_) | Op::ClosePeriod(_) => vec![],
        }
    }
}

/// Operations that move money; `flawed` mixes in entries that must be refused.
fn op(flawed: bool) -> BoxedStrategy<Op> {
    let post = if flawed {
        prop_oneof![3 => entry(), 2 => flawed_entry()].boxed()
    } else {
        entry().boxed()
    };
    let batch_entry = post.clone();
    prop_oneof![
        8 => post.prop_map(Op::Post),
        2 => vec(batch_entry, 0..=4).prop_map(Op::Batch),
        3 => hold().prop_map(Op::Hold),
        3 => (pick(hold_id()), entry_id(), 1i64..=35_000, date())
            .prop_map(|(hold, entry, pence, date)| Op::Settle { hold, entry, pence, date }),
        1 => pick(hold_id()).prop_map(Op::Release),
        1 => date().prop_map(Op::Expire),
        2 => (pick(entry_id()), entry_id(), date())
            .prop_map(|(target, id, date)| Op::Reverse { target, id, date }),
        1 => account().prop_map(Op::CloseAccount),
    ]
    .boxed()
}

/// Like [`op`], with an occasional period close.
fn op_or_close(flawed: bool) -> BoxedStrategy<Op> {
    prop_oneof![20 => op(flawed), 1 => date().prop_map(Op::ClosePeriod)].boxed()
}

fn ops(flawed: bool) -> impl Strategy<Value = Vec<Op>> {
    vec(op_or_close(flawed), 1..40)
}

/// Applies an operation; returns the receipts of any entries it posted or found.
fn apply(l: &mut Ledger, op: &Op) -> Result<Vec<Receipt>, LedgerError> {
    match op {
        Op::Post(e) => l.post(e.clone()).map(|r| vec![r]),
        Op::Batch(es) => l.post_batch(es.clone()),
        Op::Hold(h) => l.place_hold(h.clone()).map(|()| vec![]),
        Op::Settle {
            hold,
            entry,
            pence,
            date,
        } => {
            let hold = hold.hold(l);
            let currency = l
                .hold(hold.as_str())
                .map_or(Currency::GBP, |h| h.details().amount.currency());
            l.settle_hold(
                hold.as_str(),
                entry.as_str(),
                money(*pence, currency),
                *date,
            )
            .map(|r| vec![r])
        }
        Op::Release(h) => l.release_hold(h.hold(l)).map(|()| vec![]),
        Op::Expire(today) => {
            l.expire_holds(*today);
            Ok(vec![])
        }
        Op::Reverse { target, id, date } => l
            .reverse(target.entry(l), id.as_str(), *date, "reversed")
            .map(|r| vec![r]),
        Op::CloseAccount(a) => l.close_account(id(a)).map(|()| vec![]),
        Op::ClosePeriod(d) => l.close_period(*d).map(|()| vec![]),
    }
}

fn build(ops: &[Op]) -> Ledger {
    let mut l = funded();
    for op in ops {
        let _ = apply(&mut l, op);
    }
    l
}

/// Every account's posted balance, by id.
fn balances(l: &Ledger) -> BTreeMap<String, Money> {
    l.accounts()
        .map(|a| (a.id().as_str().to_string(), a.balance()))
        .collect()
}

// ----- 1. every entry balances; all balances sum to zero per currency -----------------------

mod conservation {
    use super::*;

    /// Regression: in a currency with eight decimal places, the sum of 800 postings of 10^18
    /// and one of 0.00000001 needs more digits than a decimal has, and `rust_decimal` rounded it
    /// instead of failing, so an entry that did not balance by 0.00000001 was accepted and the
    /// balances no longer summed to zero. Such amounts are now refused at the door.
    #[test]
    fn sums_stay_exact_in_a_currency_with_eight_decimals() {
        let c8 = Currency::new("XBT", 8).unwrap();
        let mut l = Ledger::new();
        for a in ["a", "b", "c"] {
            l.open_account(NewAccount::new(a, AccountKind::Asset, c8))
                .unwrap();
        }
        let day = FIRST_DAY;
        let tiny = Money::new(Decimal::new(1, 8), c8);
        let lopsided = |big: Money| {
            let mut e = NewEntry::new("e", day);
            for _ in 0..800 {
                e = e.posting("a", big);
            }
            e = e.posting("c", tiny);
            for _ in 0..800 {
                e = e.posting("b", big.negate());
            }
            e
        };
        let before = l.clone();
        let huge = Money::new(isf_ledger::MAX_AMOUNT, c8);
        assert!(l.post(lopsided(huge)).is_err());
        assert_eq!(l, before);

        // The largest amount such a currency takes, many times over, still sums exactly.
        let most = Money::new(Decimal::from(10i64.pow(9)), c8);
        assert!(matches!(
            l.post(lopsided(most)),
            Err(LedgerError::Unbalanced { .. })
        ));
        assert!(matches!(
            l.post(NewEntry::new("over", day).transfer("a", "b", most.checked_add(tiny).unwrap())),
            Err(LedgerError::AmountOutOfRange { .. })
        ));
        let mut fine = lopsided(most);
        fine = fine.posting("a", tiny.negate());
        // The receipt's sequence number is not needed here.
        let _ = l.post(fine).unwrap();
        assert!(l.trial_balance().balances());
        assert_eq!(l.balance(id("c")).unwrap(), tiny);
        // Only that the books verify matters here, not the counts.
        let _ = l.verify().unwrap();
    }

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn entries_balance_and_balances_sum_to_zero(ops in ops(true)) {
            let l = build(&ops);
            // Every accepted entry balances in each currency.
            for e in l.entries() {
                let mut sums: BTreeMap<Currency, i128> = BTreeMap::new();
                for (_, amount) in e.postings() {
                    *sums.entry(amount.currency()).or_default() += pence_of(amount);
                }
                for (currency, sum) in sums {
                    prop_assert_eq!(sum, 0, "entry {} does not balance in {}", e.id(), currency);
                }
            }
            // So the balances sum to zero per currency, counted by hand and by the trial balance.
            let mut totals: BTreeMap<Currency, i128> = BTreeMap::new();
            for a in l.accounts() {
                *totals.entry(a.currency()).or_default() += pence_of(a.balance());
            }
            prop_assert!(totals.values().all(|t| *t == 0), "totals {:?}", totals);
            let tb = l.trial_balance();
            prop_assert!(tb.balances(), "{}", tb);
            prop_assert_eq!(tb.totals.len(), 2);
            prop_assert!(l.verify().is_ok(), "{:?}", l.verify());
        }

        #[test]
        fn an_unbalanced_entry_is_refused(
            e in entry(),
            cents in signed_pence(),
            at in any::<prop::sample::Index>(),
        ) {
            let mut l = base();
            let mut e = e;
            let p = at.get_mut(&mut e.postings);
            p.amount = p.amount.checked_add(Money::from_minor(cents, p.amount.currency())).unwrap();
            let before = l.clone();
            let refused = matches!(l.post(e), Err(LedgerError::Unbalanced { .. }));
            prop_assert!(refused);
            prop_assert_eq!(l, before);
        }
    }
}

// ----- 2. maintained balances equal the fold of the postings ---------------------------------

mod balances_fold {
    use super::*;

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn every_balance_is_the_fold_of_its_postings(ops in ops(false), probe in date()) {
            let l = build(&ops);
            let entries: Vec<_> = l.entries().collect();
            for name in all_accounts() {
                let account = id(name);
                // Maintained balance == fold of the account's history, line by line.
                let mut running = 0i128;
                for line in l.history(&account).unwrap() {
                    running += pence_of(line.amount);
                    prop_assert_eq!(pence_of(line.balance), running);
                }
                prop_assert_eq!(pence_of(l.balance(&account).unwrap()), running);

                // It is also the fold of every entry's postings to the account.
                let fold = |keep: &dyn Fn(&isf_ledger::EntryView<'_>) -> bool| -> i128 {
                    entries
                        .iter()
                        .filter(|e| keep(e))
                        .flat_map(|e| e.postings())
                        .filter(|(a, _)| **a == account)
                        .map(|(_, m)| pence_of(m))
                        .sum()
                };
                prop_assert_eq!(fold(&|_| true), running);

                // As at a date: the postings dated on or before it, whenever recorded.
                let mut days: Vec<NaiveDate> = entries.iter().map(|e| e.date()).collect();
                days.push(probe);
                days.push(FIRST_DAY - Days::new(1));
                for d in days.iter().flat_map(|d| [*d, d.pred_opt().unwrap()]) {
                    let as_at = pence_of(l.balance_as_at(&account, d).unwrap());
                    prop_assert_eq!(as_at, fold(&|e| e.date() <= d), "{} as at {}", name, d);
                }

                // As known after entry N: the postings of entries 1..=N, whatever their dates.
                for n in 0..=l.last_seq().0 + 1 {
                    let known = pence_of(l.balance_known_after(&account, Seq(n)).unwrap());
                    prop_assert_eq!(known, fold(&|e| e.seq().0 <= n), "{} after #{}", name, n);
                }
            }
        }
    }
}

// ----- 3. no limited account's available balance goes below its limit -----------------------

mod limits {
    use super::*;

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn available_never_goes_below_the_limit(ops in ops(true)) {
            let mut l = funded();
            for op in &ops {
                let _ = apply(&mut l, op);
                for a in l.accounts() {
                    // Held is recomputed from the active holds, not taken from the ledger.
                    let held: i128 = l
                        .holds()
                        .filter(|h| h.status() == HoldStatus::Active && h.details().from == *a.id())
                        .map(|h| pence_of(h.details().amount))
                        .sum();
                    prop_assert_eq!(pence_of(a.held()), held);
                    let available = pence_of(a.balance()) - held;
                    prop_assert_eq!(pence_of(a.available()), available);
                    if let Some(floor) = a.details().rule.floor() {
                        let floor = pence_of(Money::new(floor, a.currency()));
                        prop_assert!(
                            available >= floor,
                            "{} available {} below {} after {:?}", a.id(), available, floor, op
                        );
                    }
                }
            }
        }

        /// Spending or holding from a fund succeeds exactly while it stays at or above its
        /// limit (zero, or −£50 with the overdraft), to the penny.
        #[test]
        fn draining_a_fund_stops_at_its_limit(
            overdraft in any::<bool>(),
            fund_in in pence(),
            draws in vec((pence(), any::<bool>(), 0u8..4), 1..20),
        ) {
            let (fund, floor) = if overdraft { ("gbp:fund-b", -5_000) } else { ("gbp:fund-a", 0) };
            let mut l = base();
            let day = FIRST_DAY;
            // The receipt's sequence number is not needed here.
            let _ = l.post(NewEntry::new("in", day).transfer("gbp:council", fund, money(fund_in, Currency::GBP))).unwrap();
            let mut available = i128::from(fund_in);
            for (i, (p, as_hold, exact)) in draws.into_iter().enumerate() {
                // Sometimes exactly what is left above the limit, or a penny more.
                let room = (available - floor) as i64;
                let p = match exact {
                    0 if room > 0 => room,
                    1 => room + 1,
                    _ => p,
                };
                let amount = money(p, Currency::GBP);
                let result = if as_hold {
                    l.place_hold(NewHold::new(format!("h{i}"), fund, "gbp:provider", amount, day))
                } else {
                    l.post(NewEntry::new(format!("out{i}"), day).transfer(fund, "gbp:provider", amount)).map(|_| ())
                };
                if available - i128::from(p) >= floor {
                    prop_assert!(result.is_ok(), "{:?}", result);
                    available -= i128::from(p);
                } else {
                    let breached = matches!(result, Err(LedgerError::LimitBreached { .. }));
                    prop_assert!(breached, "{:?}", result);
                }
                prop_assert_eq!(pence_of(l.available(id(fund)).unwrap()), available);
            }
        }
    }
}

// ----- 4. a refused operation changes nothing, byte for byte ---------------------------------

mod refusal_changes_nothing {
    use super::*;

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn refused_operations_leave_ledger_and_log_alone(ops in vec(op_or_close(true), 1..40)) {
            let mut l = funded();
            for op in &ops {
                let before = l.clone();
                let before_log = log_bytes(&l);
                if apply(&mut l, op).is_err() {
                    prop_assert_eq!(&l, &before, "refused {:?} changed the ledger", op);
                    prop_assert_eq!(log_bytes(&l), before_log, "refused {:?} changed the log", op);
                }
            }
        }

        #[test]
        fn a_batch_with_one_bad_entry_posts_nothing(
            setup in vec(op(false), 0..20),
            good in vec(entry_with((0u32..1000).prop_map(|n| format!("b{n}"))), 0..4),
            bad in flawed_entry(),
            at in any::<prop::sample::Index>(),
        ) {
            let mut l = build(&setup);
            let mut batch = good;
            let index = at.index(batch.len() + 1);
            batch.insert(index, bad);
            let before = l.clone();
            let before_log = log_bytes(&l);
            match l.post_batch(batch) {
                Err(LedgerError::Batch { index: i, .. }) => prop_assert!(i <= index),
                other => prop_assert!(false, "expected a batch error, got {:?}", other),
            }
            prop_assert_eq!(&l, &before);
            prop_assert_eq!(log_bytes(&l), before_log);
        }
    }
}

// ----- 5. idempotency: same id and content, same result; other content, an error ------------

mod idempotency {
    use super::*;

    /// Changes an entry's content in one of several ways, keeping it balanced.
    fn alter(mut e: NewEntry, how: u8) -> NewEntry {
        match how % 4 {
            0 => e.date = e.date.succ_opt().unwrap(),
            1 => e.memo.push_str(" (amended)"),
            2 => e = e.meta("changed", "yes"),
            _ => {
                let a = e.postings[0].account.clone();
                let b = e.postings[1].account.clone();
                let c = e.postings[0].amount.currency();
                // Only if both legs share a currency does the extra pair still balance.
                if e.postings[1].amount.currency() == c {
                    e = e.transfer(a, b, Money::from_minor(1, c));
                } else {
                    e.memo.push('!');
                }
            }
        }
        e
    }

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn same_id_same_content_is_a_no_op(
            setup in vec(op(false), 0..20),
            e in entry_with(Just("fresh".to_string())),
            between in vec(op_or_close(false), 0..10),
            how in any::<u8>(),
        ) {
            let mut l = build(&setup);
            let Ok(first) = l.post(e.clone()) else {
                // Refused (a fund would go below zero): nothing to retry.
                return Ok(());
            };
            prop_assert!(!first.already_posted);
            let after_first = l.clone();
            let retry = l.post(e.clone()).unwrap();
            prop_assert_eq!(retry, Receipt { seq: first.seq, already_posted: true });
            prop_assert_eq!(&l, &after_first);
            // In a batch too, alone or repeated.
            let receipts = l.post_batch(vec![e.clone(), e.clone()]).unwrap();
            prop_assert!(receipts.iter().all(|r| *r == retry));
            prop_assert_eq!(&l, &after_first);

            // Other operations in between do not change the answer.
            for op in &between {
                let _ = apply(&mut l, op);
            }
            let later = l.clone();
            prop_assert_eq!(l.post(e.clone()), Ok(retry));
            prop_assert_eq!(&l, &later);

            // Different content under the same id is refused, alone or in a batch.
            let other = alter(e.clone(), how);
            prop_assert_ne!(&other, &e);
            let refused = matches!(
                l.post(other.clone()),
                Err(LedgerError::DuplicateEntry { entry }) if entry.as_str() == "fresh"
            );
            prop_assert!(refused);
            let refused = matches!(
                l.post_batch(vec![other]),
                Err(LedgerError::Batch { index: 0, source })
                    if matches!(*source, LedgerError::DuplicateEntry { .. })
            );
            prop_assert!(refused);
            prop_assert_eq!(&l, &later);
        }

        /// A retry must get its original receipt even when an account it posted to has since
        /// been emptied and closed, or its period closed: nothing would change, so nothing
        /// is refused.
        #[test]
        fn a_retry_after_accounts_close_is_still_a_no_op(
            e in entry_with(Just("fresh".to_string())),
            close_period in any::<bool>(),
        ) {
            let mut l = base();
            let Ok(first) = l.post(e.clone()) else {
                return Ok(());
            };
            let mut undo = e.clone();
            undo.id = "undo".into();
            for p in &mut undo.postings {
                p.amount = p.amount.negate();
            }
            // Undoing it takes every balance back to zero, which every limit allows.
            // The receipt's sequence number is not needed here.
            let _ = l.post(undo).unwrap();
            for a in all_accounts() {
                l.close_account(id(a)).unwrap();
            }
            if close_period {
                l.close_period(e.date).unwrap();
            }
            let before = l.clone();
            prop_assert_eq!(l.post(e.clone()), Ok(Receipt { seq: first.seq, already_posted: true }));
            prop_assert_eq!(l.post_batch(vec![e]), Ok(vec![Receipt { seq: first.seq, already_posted: true }]));
            prop_assert_eq!(l, before);
        }

        #[test]
        fn same_hold_twice_is_a_no_op(setup in vec(op(false), 0..20), h in hold(), extra in pence()) {
            let mut l = build(&setup);
            let mut h = h;
            h.id = "fresh-hold".into();
            if l.place_hold(h.clone()).is_err() {
                return Ok(());
            }
            let after = l.clone();
            prop_assert_eq!(l.place_hold(h.clone()), Ok(()));
            prop_assert_eq!(&l, &after);
            let mut other = h.clone();
            other.amount = other.amount.checked_add(Money::from_minor(extra, other.amount.currency())).unwrap();
            let refused = matches!(l.place_hold(other), Err(LedgerError::DuplicateHold { .. }));
            prop_assert!(refused);
            prop_assert_eq!(&l, &after);
        }
    }
}

// ----- 6. a reversal restores every balance; an entry is reversed at most once --------------

mod reversal {
    use super::*;

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn reversing_restores_balances_once(
            setup in vec(op(false), 0..25),
            e in entry_with(Just("target".to_string())),
            between in vec(op(false), 0..10),
            when in date(),
        ) {
            let mut l = build(&setup);
            let before_post = balances(&l);
            if l.post(e.clone()).is_err() {
                return Ok(());
            }
            // Straight away: the reversal takes every balance back to before the entry.
            let mut now = l.clone();
            let undone = now.reverse("target", "undo-now", when, "");
            prop_assert!(undone.is_ok(), "{:?}", undone);
            prop_assert_eq!(balances(&now), before_post);

            // After other operations: every account changes by minus what the entry did to it.
            for op in &between {
                let _ = apply(&mut l, op);
            }
            let before = balances(&l);
            let effect: BTreeMap<String, i128> = e.postings.iter().fold(BTreeMap::new(), |mut m, p| {
                *m.entry(p.account.as_str().to_string()).or_default() += pence_of(p.amount);
                m
            });
            let snapshot = l.clone();
            match l.reverse("target", "undo", when, "reversed") {
                Ok(r) => {
                    prop_assert!(!r.already_posted);
                    for (name, was) in &before {
                        let expected = pence_of(*was) - effect.get(name).copied().unwrap_or(0);
                        prop_assert_eq!(pence_of(balances(&l)[name]), expected, "{}", name);
                    }
                    let rev = l.entry_at(r.seq).unwrap();
                    prop_assert_eq!(rev.origin(), EntryOrigin::Reversal);
                    prop_assert_eq!(rev.reverses().map(|o| o.id()), Some("target"));
                    prop_assert_eq!(
                        l.entry("target").unwrap().reversed_by().map(|r| r.seq()),
                        Some(r.seq)
                    );
                    // The same request again returns the same receipt and changes nothing.
                    let after = l.clone();
                    let again = l.reverse("target", "undo", when, "reversed").unwrap();
                    prop_assert_eq!(again, Receipt { seq: r.seq, already_posted: true });
                    prop_assert_eq!(&l, &after);
                    // A second reversal is refused, and so is reversing the reversal.
                    let twice = matches!(
                        l.reverse("target", "undo-2", when, ""),
                        Err(LedgerError::AlreadyReversed { reversal, .. }) if reversal.as_str() == "undo"
                    );
                    prop_assert!(twice);
                    let of_reversal = matches!(
                        l.reverse("undo", "undo-3", when, ""),
                        Err(LedgerError::ReversalOfReversal { .. })
                    );
                    prop_assert!(of_reversal);
                    prop_assert_eq!(&l, &after);
                }
                Err(err) => {
                    // Money the entry paid in has been spent, an account it touched is closed,
                    // or one of the operations in between reversed it already.
                    let allowed = match &err {
                        LedgerError::LimitBreached { .. } | LedgerError::AccountClosed { .. } => true,
                        LedgerError::AlreadyReversed { reversal, .. } => {
                            l.entry("target").unwrap().reversed_by().map(|r| r.id())
                                == Some(reversal.as_str())
                        }
                        _ => false,
                    };
                    prop_assert!(allowed, "{:?}", err);
                    prop_assert_eq!(&l, &snapshot);
                }
            }
            prop_assert!(l.verify().is_ok());
        }
    }
}

// ----- 7. holds: settled or released once, never beyond what was held ------------------------

mod holds {
    use super::*;

    #[derive(Debug, Clone)]
    enum End {
        Settle { pence: i64 },
        Release,
    }

    fn end() -> impl Strategy<Value = End> {
        prop_oneof![
            3 => (1i64..=40_000).prop_map(|pence| End::Settle { pence }),
            1 => Just(End::Release),
        ]
    }

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn holds_end_once_and_give_back_what_they_held(
            fund_in in 1i64..=100_000,
            holds in vec((1i64..=30_000, end()), 1..8),
            order in any::<u64>(),
        ) {
            let fund = id("gbp:fund-a");
            let provider = id("gbp:provider");
            let day = FIRST_DAY;
            let mut l = base();
            // The receipt's sequence number is not needed here.
            let _ = l.post(NewEntry::new("in", day).transfer("gbp:council", "gbp:fund-a", money(fund_in, Currency::GBP))).unwrap();

            // Place them; those the fund cannot cover are refused.
            let mut placed = Vec::new();
            for (i, (p, end)) in holds.iter().enumerate() {
                let available = pence_of(l.available(&fund).unwrap());
                let held = pence_of(l.held(&fund).unwrap());
                let h = NewHold::new(format!("h{i}"), "gbp:fund-a", "gbp:provider", money(*p, Currency::GBP), day);
                match l.place_hold(h) {
                    Ok(()) => {
                        prop_assert!(i128::from(*p) <= available);
                        prop_assert_eq!(pence_of(l.held(&fund).unwrap()), held + i128::from(*p));
                        placed.push((i, *p, end.clone()));
                    }
                    Err(LedgerError::LimitBreached { .. }) => prop_assert!(i128::from(*p) > available),
                    Err(e) => prop_assert!(false, "{:?}", e),
                }
            }

            // End them in a shuffled order.
            let n = placed.len().max(1) as u64;
            placed.rotate_left((order % n) as usize);
            for (i, held_amount, end) in placed {
                let hold = format!("h{i}");
                let held = pence_of(l.held(&fund).unwrap());
                let balance = pence_of(l.balance(&fund).unwrap());
                let paid = pence_of(l.balance(&provider).unwrap());
                let entry = format!("s{i}");
                match end {
                    End::Settle { pence } if pence > held_amount => {
                        let before = l.clone();
                        let over = matches!(
                            l.settle_hold(&hold, entry.as_str(), money(pence, Currency::GBP), day),
                            Err(LedgerError::SettleExceedsHold { .. })
                        );
                        prop_assert!(over);
                        prop_assert_eq!(&l, &before);
                        // Then release it instead.
                        l.release_hold(&hold).unwrap();
                        prop_assert_eq!(pence_of(l.balance(&fund).unwrap()), balance);
                    }
                    End::Settle { pence } => {
                        let amount = money(pence, Currency::GBP);
                        let r = l.settle_hold(&hold, entry.as_str(), amount, day).unwrap();
                        prop_assert_eq!(pence_of(l.balance(&fund).unwrap()), balance - i128::from(pence));
                        prop_assert_eq!(pence_of(l.balance(&provider).unwrap()), paid + i128::from(pence));
                        prop_assert_eq!(l.hold(&hold).unwrap().status(), HoldStatus::Settled { seq: r.seq });
                        prop_assert_eq!(l.entry_at(r.seq).unwrap().origin(), EntryOrigin::Settlement);
                        // The same settlement again is a no-op with the original receipt.
                        let after = l.clone();
                        let again = l.settle_hold(&hold, entry.as_str(), amount, day).unwrap();
                        prop_assert_eq!(again, Receipt { seq: r.seq, already_posted: true });
                        // Any other settlement, or a release, is refused.
                        let twice = matches!(
                            l.settle_hold(&hold, format!("{entry}-again").as_str(), amount, day),
                            Err(LedgerError::HoldSettled { .. })
                        );
                        prop_assert!(twice);
                        let release = matches!(l.release_hold(&hold), Err(LedgerError::HoldSettled { .. }));
                        prop_assert!(release);
                        prop_assert_eq!(&l, &after);
                    }
                    End::Release => {
                        l.release_hold(&hold).unwrap();
                        prop_assert_eq!(pence_of(l.balance(&fund).unwrap()), balance);
                        prop_assert_eq!(l.hold(&hold).unwrap().status(), HoldStatus::Released);
                        let after = l.clone();
                        // Releasing again is a repeat and changes nothing, like placing it again.
                        prop_assert!(l.release_hold(&hold).is_ok());
                        prop_assert_eq!(&l, &after);
                        let settle = matches!(
                            l.settle_hold(&hold, entry.as_str(), money(1, Currency::GBP), day),
                            Err(LedgerError::HoldReleased { .. })
                        );
                        prop_assert!(settle);
                        prop_assert_eq!(&l, &after);
                    }
                }
                // Whatever the ending, the held amount drops by exactly what the hold held.
                prop_assert_eq!(pence_of(l.held(&fund).unwrap()), held - i128::from(held_amount));
                prop_assert!(l.verify().is_ok());
            }
            prop_assert!(l.held(&fund).unwrap().is_zero());
        }

        #[test]
        fn expired_holds_give_back_and_cannot_be_settled(
            p in 1i64..=10_000,
            days in 1u64..30,
            today in 0u64..60,
        ) {
            let day = FIRST_DAY;
            let mut l = base();
            // The receipt's sequence number is not needed here.
            let _ = l.post(NewEntry::new("in", day).transfer("gbp:council", "gbp:fund-a", money(10_000, Currency::GBP))).unwrap();
            let h = NewHold::new("h", "gbp:fund-a", "gbp:provider", money(p, Currency::GBP), day)
                .expires_on(day + Days::new(days));
            l.place_hold(h).unwrap();
            let expired = l.expire_holds(day + Days::new(today));
            let hold: isf_ledger::HoldId = "h".into();
            if today >= days {
                prop_assert_eq!(expired, vec![hold.clone()]);
                prop_assert!(l.held(id("gbp:fund-a")).unwrap().is_zero());
                let before = l.clone();
                let refused = matches!(
                    l.settle_hold(&hold, "s", money(1, Currency::GBP), day),
                    Err(LedgerError::HoldExpired { .. })
                );
                prop_assert!(refused);
                prop_assert_eq!(&l, &before);
                // Expiring again changes nothing.
                prop_assert!(l.expire_holds(day + Days::new(today)).is_empty());
                prop_assert_eq!(&l, &before);
            } else {
                prop_assert!(expired.is_empty());
                prop_assert_eq!(pence_of(l.held(id("gbp:fund-a")).unwrap()), i128::from(p));
            }
        }
    }
}

// ----- 8. replaying the log gives an identical ledger ----------------------------------------

mod replay {
    use super::*;

    /// Regression: a zero posting negated (a zero transfer's credit leg, or the reversal of a
    /// zero posting) was written as "-0.00 GBP", read back as "0.00 GBP", and so the replayed
    /// ledger wrote a different log.
    #[test]
    fn a_negated_zero_round_trips_byte_for_byte() {
        let mut l = base();
        let zero = Money::zero(Currency::GBP);
        // The receipt's sequence number is not needed here.
        let _ = l
            .post(NewEntry::new("nothing", FIRST_DAY).transfer("gbp:bank", "gbp:provider", zero))
            .unwrap();
        // The receipt's sequence number is not needed here.
        let _ = l.reverse("nothing", "undo", FIRST_DAY, "").unwrap();
        let bytes = log_bytes(&l);
        assert!(!String::from_utf8_lossy(&bytes).contains("-0.00"));
        let replayed = Ledger::replay(bytes.as_slice()).unwrap();
        assert_eq!(replayed, l);
        assert_eq!(log_bytes(&replayed), bytes);
    }

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn replay_gives_an_identical_ledger_and_log(ops in ops(true)) {
            let l = build(&ops);
            let bytes = log_bytes(&l);
            let replayed = Ledger::replay(bytes.as_slice()).unwrap();
            prop_assert_eq!(&replayed, &l);
            prop_assert_eq!(log_bytes(&replayed), bytes);

            // Each record survives serialising and parsing, and applying the records one by one
            // is the same as replaying the text.
            let mut applied = Ledger::new();
            for record in l.log() {
                let text = serde_json::to_string(&record).unwrap();
                let parsed: isf_ledger::LogRecord = serde_json::from_str(&text).unwrap();
                prop_assert_eq!(&parsed, &record);
                // What the operation returned is not needed here.
                let _ = applied.apply(parsed.op).unwrap();
            }
            prop_assert_eq!(&applied, &l);

        }
    }
}

// ----- 9. allocation sums exactly, each part within one minor unit of its share --------------

mod allocation {
    use super::*;

    fn currency() -> impl Strategy<Value = Currency> {
        prop_oneof![Just(Currency::GBP), Just(Currency::JPY)]
    }

    /// Checks `parts` against the exact shares `minor × w / W`, in integers: the parts sum to
    /// the whole and `|part × W − minor × w| ≤ W` (at most one minor unit off).
    fn check(minor: i64, weights: &[u64], parts: &[Money]) -> Result<(), TestCaseError> {
        prop_assert_eq!(parts.len(), weights.len());
        let total: i128 = weights.iter().map(|w| i128::from(*w)).sum();
        let mut sum = 0i128;
        for (part, w) in parts.iter().zip(weights) {
            let p = pence_of(*part);
            sum += p;
            let off = (p * total - i128::from(minor) * i128::from(*w)).abs();
            prop_assert!(
                off <= total,
                "part {} is more than one unit from {} × {}/{}",
                p,
                minor,
                w,
                total
            );
        }
        prop_assert_eq!(sum, i128::from(minor));
        Ok(())
    }

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn allocate_sums_exactly(minor in -1_000_000_000i64..=1_000_000_000, n in 1usize..=60, c in currency()) {
            let whole = Money::from_minor(minor, c);
            let parts = whole.allocate(n).unwrap();
            check(minor, &vec![1; n], &parts)?;
            prop_assert!(parts.iter().all(|p| p.currency() == c && p.is_exact()));
            // Parts differ by at most one unit, the larger ones first.
            let max = parts.iter().map(|p| pence_of(*p).abs()).max().unwrap();
            let min = parts.iter().map(|p| pence_of(*p).abs()).min().unwrap();
            prop_assert!(max - min <= 1);
        }

        #[test]
        fn allocate_by_weights_sums_exactly(
            minor in -1_000_000_000i64..=1_000_000_000,
            weights in vec(0u64..=1_000, 1..12),
            c in currency(),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let whole = Money::from_minor(minor, c);
            let parts = whole.allocate_by_weights(&weights).unwrap();
            check(minor, &weights, &parts)?;
            // A zero weight gets nothing; the split is deterministic and symmetric in sign.
            for (p, w) in parts.iter().zip(&weights) {
                if *w == 0 {
                    prop_assert!(p.is_zero());
                }
            }
            prop_assert_eq!(whole.allocate_by_weights(&weights).unwrap(), parts.clone());
            let negated: Vec<Money> = whole.negate().allocate_by_weights(&weights).unwrap();
            prop_assert_eq!(negated, parts.iter().map(|p| p.negate()).collect::<Vec<_>>());
        }

        #[test]
        fn huge_weights_still_sum_exactly(
            minor in -1_000_000_000i64..=1_000_000_000,
            weights in vec(0u64..=u64::MAX, 1..6),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let parts = Money::from_minor(minor, Currency::GBP).allocate_by_weights(&weights).unwrap();
            check(minor, &weights, &parts)?;
        }
    }
}

// ----- 11. a closed period is never restated -------------------------------------------------

mod closed_periods {
    use super::*;

    proptest! {
        #![proptest_config(support::config("ledger_props"))]

        #[test]
        fn nothing_dated_in_a_closed_period_is_accepted(
            setup in vec(op(false), 0..30),
            through in date(),
            later in vec(op(true), 1..30),
            earlier in date(),
        ) {
            let mut l = build(&setup);
            l.close_period(through).unwrap();
            let as_at: Vec<Money> = all_accounts()
                .map(|a| l.balance_as_at(id(a), through).unwrap())
                .collect();
            let refused = matches!(
                l.close_period(through.min(earlier).pred_opt().unwrap()),
                Err(LedgerError::AlreadyClosed { .. })
            );
            prop_assert!(refused);
            for op in &later {
                let before = l.clone();
                let dates = op.dates();
                let result = apply(&mut l, op);
                match (&result, op) {
                    // A retry of something already recorded is not a restatement.
                    (Ok(receipts), Op::Post(_) | Op::Batch(_) | Op::Settle { .. } | Op::Reverse { .. }) => {
                        for (r, d) in receipts.iter().zip(&dates) {
                            prop_assert!(*d > through || r.already_posted, "{:?} accepted", op);
                        }
                    }
                    (Ok(_), Op::Hold(h)) if h.date <= through => {
                        prop_assert_eq!(&l, &before, "{:?} accepted", op);
                    }
                    _ => {}
                }
                for (a, was) in all_accounts().zip(&as_at) {
                    prop_assert_eq!(l.balance_as_at(id(a), through).unwrap(), *was, "{} restated by {:?}", a, op);
                }
                for d in dates {
                    if d <= through && result.is_err() {
                        prop_assert_eq!(&l, &before);
                    }
                }
            }
            prop_assert_eq!(l.closed_through(), Some(through));
        }
    }
}
