//! `operations`: a sequence of small operations, derived with `arbitrary`, applied to a ledger
//! through [`Ledger::apply`].
//!
//! Ids come from small pools so that operations collide: the same entry id posted twice, a
//! reversal id that is an entry id, a hold settled after it was released. Amounts are pence,
//! whole pounds, amounts with three decimals (exact only when they end in 0) and a few huge ones
//! around [`isf_ledger::MAX_AMOUNT`] and the decimal's limits.
//!
//! After every step:
//! * a refused operation, or one that only repeats what is already recorded, leaves the ledger
//!   `==` to a clone taken before it;
//! * an accepted post, batch, settlement or reversal moves each balance by exactly its postings
//!   and no other balance;
//! * every account with a floor of zero or below (every `NonNegative` one) has an available
//!   balance at or above it;
//! * the balances sum to zero in every currency.
//!
//! Every [`SWEEP_EVERY`] steps and after the last: [`Ledger::verify`] finds nothing wrong and
//! the trial balance balances (the full sweep, which reads every posting, so it is not run on
//! every step). At the end the log replays to an `==` ledger that writes the same log.
//!
//! Inputs are cut to [`MAX_INPUT`] bytes and at most [`MAX_OPS`] steps are applied: short
//! sequences on a small chart reach every refusal, and keep the target above 2,000 runs a
//! second.
//!
//! Then the same steps run again on a fresh ledger in linked groups of two to four
//! ([`Ledger::apply_linked`]): a group whose operations would all be accepted one by one is
//! accepted whole and leaves the same books and the same operations (flattened) as applying
//! them one by one; a group with a refused operation is refused at that position and leaves the
//! ledger `==` to before. The grouped ledger's log also replays to an `==` ledger.

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use chrono::{Days, NaiveDate};
use isf_ledger::{
    AccountId, AccountKind, Applied, BalanceRule, Currency, EntryId, Ledger, Money, NewAccount,
    NewEntry, NewHold, Operation, Posting,
};
use rust_decimal::Decimal;

use super::{assert_round_trip, assert_verifies};

/// At most this many operations are applied, however long the input.
pub const MAX_OPS: usize = 32;

/// Only this many bytes of an input are read; the rest is ignored.
pub const MAX_INPUT: usize = 1024;

/// The full invariant sweep ([`assert_invariants`]) runs after every this many steps, and
/// after the last; [`assert_step_invariants`] runs after every step.
pub const SWEEP_EVERY: usize = 8;

const ACCOUNTS: [&str; 6] = ["council", "fund:a", "fund:b", "provider", "bank", "fees"];
/// An empty id, an id with a control character, and an id never opened.
const BAD_ACCOUNTS: [&str; 3] = ["", "tab\tid", "nobody"];
const ENTRY_IDS: u8 = 20;
const HOLD_IDS: u8 = 6;
const MEMOS: [&str; 4] = ["", "weekly allocation", "care — ünïcode", "line\nbreak"];

const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2025, 4, 1) {
    Some(d) => d,
    None => panic!("2025-04-01 is a date"),
};

fn day(d: u8) -> NaiveDate {
    FIRST_DAY + Days::new(u64::from(d % 120))
}

fn entry_id(n: u8) -> EntryId {
    EntryId::from(format!("e{}", n % ENTRY_IDS))
}

/// Reversal and settlement ids: mostly their own, sometimes an entry id (a collision).
fn derived_id(prefix: char, n: u8) -> EntryId {
    if n >= 224 {
        entry_id(n)
    } else {
        EntryId::from(format!("{prefix}{}", n % 8))
    }
}

fn hold_id(n: u8) -> String {
    format!("h{}", n % HOLD_IDS)
}

/// An account from the pool; 8 values in 256 are bad ids.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct AccountRef(u8);

impl AccountRef {
    fn id(self) -> AccountId {
        let n = usize::from(self.0);
        if self.0 < 248 {
            AccountId::from(ACCOUNTS[n % ACCOUNTS.len()])
        } else {
            AccountId::from(BAD_ACCOUNTS[n % BAD_ACCOUNTS.len()])
        }
    }
}

/// The currency of an open account, else GBP.
fn currency_of(ledger: &Ledger, account: &AccountId) -> Currency {
    ledger
        .account(account)
        .map(|a| a.currency())
        .unwrap_or(Currency::GBP)
}

fn other(currency: Currency) -> Currency {
    if currency == Currency::GBP {
        Currency::EUR
    } else {
        Currency::GBP
    }
}

/// An amount.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Amount {
    /// Pence.
    Pence(i32),
    /// Whole pounds.
    Pounds(i16),
    /// Three decimals: exact in pence only when it ends in 0.
    Odd(i32),
    /// One of [`HUGE`].
    Huge(u8),
}

/// Amounts at the edges: `MAX_AMOUNT` and just past it, the decimal's limits, a tenth of a penny.
fn huge(n: u8) -> Decimal {
    let max_amount = Decimal::from(1_000_000_000_000_000_000i64);
    match n % 8 {
        0 => max_amount,
        1 => -max_amount,
        2 => max_amount + Decimal::new(1, 2),
        3 => max_amount - Decimal::new(1, 2),
        4 => Decimal::MAX,
        5 => Decimal::MIN,
        6 => Decimal::new(1, 3),
        _ => Decimal::ZERO,
    }
}

impl Amount {
    fn decimal(self) -> Decimal {
        match self {
            Amount::Pence(p) => Decimal::new(i64::from(p), 2),
            Amount::Pounds(p) => Decimal::from(p),
            Amount::Odd(p) => Decimal::new(i64::from(p), 3),
            Amount::Huge(n) => huge(n),
        }
    }
}

/// One journal entry: 2 to 4 postings, the last one balancing the others in its currency.
#[derive(Arbitrary, Debug, Clone)]
pub struct EntrySpec {
    id: u8,
    day: u8,
    first: (AccountRef, Amount),
    /// Only the first two are used.
    extra: Vec<(AccountRef, Amount)>,
    balance_to: AccountRef,
    /// 0..=239 balanced; 240..=251 off by a penny; 252..=255 the first posting in the wrong
    /// currency.
    skew: u8,
    /// The memo (low bits) and whether to add metadata (high bit).
    memo: u8,
    /// Below 32: corrects an entry from the pool.
    corrects: u8,
}

impl EntrySpec {
    fn build(&self, ledger: &Ledger) -> NewEntry {
        let mut entry = NewEntry::new(entry_id(self.id), day(self.day))
            .memo(MEMOS[usize::from(self.memo) % MEMOS.len()]);
        if self.memo >= 128 {
            entry = entry.meta("ref", format!("INV-{}", self.memo));
        }
        if self.corrects < 32 {
            entry = entry.corrects(entry_id(self.corrects));
        }
        let lines = std::iter::once(&self.first).chain(self.extra.iter().take(2));
        for (i, (account, amount)) in lines.enumerate() {
            let id = account.id();
            let mut currency = currency_of(ledger, &id);
            if i == 0 && self.skew >= 252 {
                currency = other(currency);
            }
            entry = entry.posting(id, Money::new(amount.decimal(), currency));
        }
        let to = self.balance_to.id();
        let currency = currency_of(ledger, &to);
        let mut total = Some(Decimal::ZERO);
        for p in entry
            .postings
            .iter()
            .filter(|p| p.amount.currency() == currency)
        {
            total = total.and_then(|t| t.checked_add(p.amount.amount()));
        }
        // On overflow the entry goes out unbalanced, and must be refused.
        let mut amount = total.map_or(Decimal::ONE, |t| -t);
        if (240..252).contains(&self.skew) {
            amount = amount.checked_add(Decimal::new(1, 2)).unwrap_or(amount);
        }
        entry.posting(to, Money::new(amount, currency))
    }
}

/// The currencies accounts are opened in.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Cur {
    /// Pounds.
    Gbp,
    /// Euros.
    Eur,
}

/// An account's kind.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Kind {
    /// [`AccountKind::Asset`].
    Asset,
    /// [`AccountKind::Liability`].
    Liability,
    /// [`AccountKind::Income`].
    Income,
    /// [`AccountKind::Expense`].
    Expense,
    /// [`AccountKind::Equity`].
    Equity,
    /// [`AccountKind::Fund`].
    Fund,
}

/// An account's balance rule.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Rule {
    /// [`BalanceRule::Unlimited`].
    Unlimited,
    /// [`BalanceRule::NonNegative`].
    NonNegative,
    /// [`BalanceRule::AtLeast`], made negative or zero (an overdraft).
    Overdraft(Amount),
    /// [`BalanceRule::AtLeast`] of any amount, a positive one included.
    AtLeast(Amount),
}

/// How much of a hold to settle.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum SettleAmount {
    /// All of it.
    Full,
    /// This percentage of it (modulo 101), rounded to pence.
    Percent(u8),
    /// This amount in the hold's currency.
    Exact(Amount),
}

/// One step.
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    /// Open an account from the pool.
    Open {
        /// Which.
        account: AccountRef,
        /// In what.
        currency: Cur,
        /// What kind.
        kind: Kind,
        /// Its rule.
        rule: Rule,
        /// Whether it has an owner.
        owner: bool,
    },
    /// Post one entry.
    Post(EntrySpec),
    /// Post up to four entries, all or nothing.
    Batch(Vec<EntrySpec>),
    /// Place a hold, in `from`'s currency.
    Hold {
        /// Its id.
        id: u8,
        /// The account it reserves on.
        from: AccountRef,
        /// Where the money goes when settled.
        to: AccountRef,
        /// How much.
        amount: Amount,
        /// When.
        day: u8,
        /// Expires this many days after `day` (0: refused).
        expires_after: Option<u8>,
        /// With a memo.
        memo: bool,
    },
    /// Settle a hold.
    Settle {
        /// Which.
        hold: u8,
        /// The settlement entry's id.
        entry: u8,
        /// How much.
        amount: SettleAmount,
        /// When.
        day: u8,
    },
    /// Release a hold.
    Release {
        /// Which.
        hold: u8,
        /// The day of the release, if dated.
        on: Option<u8>,
    },
    /// Expire the holds due on a day.
    Expire {
        /// The day.
        day: u8,
    },
    /// Reverse an entry.
    Reverse {
        /// The entry.
        entry: u8,
        /// The reversal's id.
        id: u8,
        /// Its date.
        day: u8,
        /// With a memo.
        memo: bool,
    },
    /// Close the books through a day.
    ClosePeriod {
        /// The day.
        day: u8,
    },
    /// Close an account.
    CloseAccount {
        /// Which.
        account: AccountRef,
    },
    /// Apply an earlier operation again, exactly as it was (a retry).
    Repeat {
        /// How far back (modulo the number of operations so far).
        back: u8,
    },
}

/// The whole input: whether to open a standard chart of accounts first, then the steps.
#[derive(Arbitrary, Debug, Clone)]
pub struct Input {
    /// Open [`chart`] first.
    pub chart: bool,
    /// The steps; at most [`MAX_OPS`] are used.
    pub ops: Vec<Op>,
}

/// A council paying into two funds (one in euros), a provider, a bank with a 50.00 overdraft,
/// and fees.
pub fn chart() -> Vec<NewAccount> {
    vec![
        NewAccount::new("council", AccountKind::Income, Currency::GBP),
        NewAccount::new("fund:a", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative),
        NewAccount::new("fund:b", AccountKind::Fund, Currency::EUR)
            .owner("person:b")
            .rule(BalanceRule::NonNegative),
        NewAccount::new("provider", AccountKind::Expense, Currency::GBP),
        NewAccount::new("bank", AccountKind::Asset, Currency::EUR)
            .rule(BalanceRule::AtLeast(Decimal::new(-5000, 2))),
        NewAccount::new("fees", AccountKind::Expense, Currency::GBP).tag("fees"),
    ]
}

impl Op {
    /// The operation this step asks for, given the ledger as it is (for currencies and hold
    /// amounts) and the operations asked for so far (for [`Op::Repeat`]).
    fn build(&self, ledger: &Ledger, history: &[Operation]) -> Option<Operation> {
        Some(match self {
            Op::Open {
                account,
                currency,
                kind,
                rule,
                owner,
            } => {
                let currency = match currency {
                    Cur::Gbp => Currency::GBP,
                    Cur::Eur => Currency::EUR,
                };
                let kind = match kind {
                    Kind::Asset => AccountKind::Asset,
                    Kind::Liability => AccountKind::Liability,
                    Kind::Income => AccountKind::Income,
                    Kind::Expense => AccountKind::Expense,
                    Kind::Equity => AccountKind::Equity,
                    Kind::Fund => AccountKind::Fund,
                };
                let rule = match rule {
                    Rule::Unlimited => BalanceRule::Unlimited,
                    Rule::NonNegative => BalanceRule::NonNegative,
                    Rule::Overdraft(a) => BalanceRule::AtLeast(-a.decimal().abs()),
                    Rule::AtLeast(a) => BalanceRule::AtLeast(a.decimal()),
                };
                let mut new = NewAccount::new(account.id(), kind, currency).rule(rule);
                if *owner {
                    new = new.owner("person:x");
                }
                Operation::OpenAccount(new)
            }
            Op::Post(spec) => Operation::Post(spec.build(ledger)),
            Op::Batch(specs) => Operation::Batch {
                entries: specs.iter().take(4).map(|s| s.build(ledger)).collect(),
            },
            Op::Hold {
                id,
                from,
                to,
                amount,
                day: d,
                expires_after,
                memo,
            } => {
                let from = from.id();
                let currency = currency_of(ledger, &from);
                let date = day(*d);
                let mut hold = NewHold::new(
                    hold_id(*id),
                    from,
                    to.id(),
                    Money::new(amount.decimal(), currency),
                    date,
                );
                if let Some(after) = expires_after {
                    hold = hold.expires_on(date + Days::new(u64::from(*after % 30)));
                }
                if *memo {
                    hold = hold.memo("hold for week");
                }
                Operation::Hold(hold)
            }
            Op::Settle {
                hold,
                entry,
                amount,
                day: d,
            } => {
                let hold = isf_ledger::HoldId::from(hold_id(*hold));
                let held = ledger
                    .hold(&hold)
                    .map(|h| h.details().amount)
                    .unwrap_or(Money::new(Decimal::ONE, Currency::GBP));
                let amount = match amount {
                    SettleAmount::Full => held,
                    SettleAmount::Percent(p) => {
                        let share = held
                            .amount()
                            .checked_mul(Decimal::from(p % 101))
                            .and_then(|x| x.checked_div(Decimal::from(100)))
                            .map_or(Decimal::ONE, |x| x.round_dp(2));
                        Money::new(share, held.currency())
                    }
                    SettleAmount::Exact(a) => Money::new(a.decimal(), held.currency()),
                };
                Operation::Settle {
                    hold,
                    entry: derived_id('s', *entry),
                    amount,
                    date: day(*d),
                    metadata: std::collections::BTreeMap::new(),
                }
            }
            Op::Release { hold, on } => Operation::Release {
                hold: hold_id(*hold).into(),
                on: on.map(day),
            },
            Op::Expire { day: d } => Operation::Expire { today: day(*d) },
            Op::Reverse {
                entry,
                id,
                day: d,
                memo,
            } => Operation::Reverse {
                entry: entry_id(*entry),
                id: derived_id('r', *id),
                date: day(*d),
                memo: if *memo { "keyed twice" } else { "" }.to_string(),
            },
            Op::ClosePeriod { day: d } => Operation::ClosePeriod { through: day(*d) },
            Op::CloseAccount { account } => Operation::CloseAccount { id: account.id() },
            Op::Repeat { back } => {
                let n = history.len();
                if n == 0 {
                    return None;
                }
                history[n - 1 - usize::from(*back) % n].clone()
            }
        })
    }
}

/// What one run did, for picking seeds and for the corpus test's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Operations applied.
    pub applied: usize,
    /// Of those, accepted.
    pub accepted: usize,
    /// Entries in the final ledger.
    pub entries: usize,
    /// Holds in the final ledger.
    pub holds: usize,
}

/// Runs the check on one input. Bytes that do not make an [`Input`] are skipped.
pub fn check(data: &[u8]) {
    run(data);
}

/// Runs the check on one input; returns the ledger it built and what it did.
pub fn run(data: &[u8]) -> (Ledger, Stats) {
    let data = &data[..data.len().min(MAX_INPUT)];
    match Input::arbitrary_take_rest(Unstructured::new(data)) {
        Ok(input) => run_input(&input),
        Err(_) => (Ledger::new(), Stats::default()),
    }
}

/// Runs the check on a decoded input; returns the ledger it built and what it did.
pub fn run_input(input: &Input) -> (Ledger, Stats) {
    let mut ledger = Ledger::new();
    let mut stats = Stats::default();
    if input.chart {
        for account in chart() {
            // What the operation returned is not needed here.
            let _ = ledger
                .apply(Operation::OpenAccount(account))
                .expect("the chart opens");
        }
        assert_invariants(&ledger);
    }
    let mut history: Vec<Operation> = Vec::new();
    for step in input.ops.iter().take(MAX_OPS) {
        let Some(op) = step.build(&ledger, &history) else {
            continue;
        };
        history.push(op.clone());
        stats.applied += 1;
        if apply_and_check(&mut ledger, op) {
            stats.accepted += 1;
        }
        assert_step_invariants(&ledger);
        if stats.applied % SWEEP_EVERY == 0 {
            assert_invariants(&ledger);
        }
    }
    assert_invariants(&ledger);
    assert_round_trip(&ledger);
    stats.entries = ledger.entry_count();
    stats.holds = ledger.holds().count();
    run_linked(input, 2 + stats.applied % 3);
    (ledger, stats)
}

/// The steps again, `size` at a time, each group applied as one linked operation.
fn run_linked(input: &Input, size: usize) {
    let mut ledger = Ledger::new();
    if input.chart {
        let open = chart().into_iter().map(Operation::OpenAccount).collect();
        ledger.apply_linked(open).expect("the chart opens");
    }
    let mut history: Vec<Operation> = Vec::new();
    for group in input
        .ops
        .iter()
        .take(MAX_OPS)
        .collect::<Vec<_>>()
        .chunks(size)
    {
        let mut ops = Vec::new();
        for step in group {
            if let Some(op) = step.build(&ledger, &history) {
                history.push(op.clone());
                ops.push(op);
            }
        }
        let full_sweep = history.len() / SWEEP_EVERY > (history.len() - ops.len()) / SWEEP_EVERY;
        apply_group_and_check(&mut ledger, ops);
        assert_step_invariants(&ledger);
        if full_sweep {
            assert_invariants(&ledger);
        }
    }
    assert_invariants(&ledger);
    assert_round_trip(&ledger);
}

/// Applies `ops` as one linked group and checks it against applying them one by one.
fn apply_group_and_check(ledger: &mut Ledger, ops: Vec<Operation>) {
    let mut one_by_one = ledger.clone();
    let refused_at = ops
        .iter()
        .position(|op| one_by_one.apply(op.clone()).is_err());
    let before = ledger.clone();
    match (ledger.apply_linked(ops.clone()), refused_at) {
        (Ok(_), None) => {
            assert_eq!(
                flat_log(ledger),
                flat_log(&one_by_one),
                "a linked group did not do what its operations do one by one: {ops:?}"
            );
            for account in one_by_one.accounts() {
                assert_eq!(
                    ledger.balance(account.id()).ok(),
                    Some(account.balance()),
                    "{}: {ops:?}",
                    account.id()
                );
            }
        }
        (Err(isf_ledger::LedgerError::Linked { index, .. }), Some(at)) => {
            assert_eq!(index, at, "refused at another position: {ops:?}");
            assert!(
                *ledger == before,
                "a refused linked group changed the ledger: {ops:?}"
            );
        }
        (result, at) => panic!("linked group {ops:?}: {result:?}, one by one refused at {at:?}"),
    }
}

/// The log's operations with every linked group opened up.
fn flat_log(ledger: &Ledger) -> Vec<Operation> {
    let mut out = Vec::new();
    for record in ledger.log() {
        match record.op {
            Operation::Linked { ops } => out.extend(ops),
            op => out.push(op),
        }
    }
    out
}

/// Applies one operation and checks what it did to the ledger. Returns whether it was accepted.
fn apply_and_check(ledger: &mut Ledger, op: Operation) -> bool {
    let before = ledger.clone();
    let result = ledger.apply(op.clone());
    let applied = match result {
        Err(e) => {
            assert!(
                *ledger == before,
                "a refused operation changed the ledger: {op:?}\nrefused with: {e}"
            );
            return false;
        }
        Ok(applied) => applied,
    };
    let unchanged = match &applied {
        Applied::Entries(receipts) => receipts.iter().all(|r| r.already_posted),
        Applied::Expired(ids) => ids.is_empty(),
        _ => false,
    };
    if unchanged {
        assert!(
            *ledger == before,
            "an operation that recorded nothing changed the ledger: {op:?} -> {applied:?}"
        );
    }
    if let Applied::Entries(receipts) = &applied {
        for r in receipts.iter().filter(|r| !r.already_posted) {
            assert!(
                r.seq > before.last_seq() && r.seq <= ledger.last_seq(),
                "a new entry's sequence number {} is not after {}: {op:?}",
                r.seq,
                before.last_seq()
            );
        }
        let moved = expected_moves(&before, &op, receipts);
        assert_moves(&before, ledger, &moved, &op);
    }
    true
}

/// The balance changes an accepted entry-posting operation should make, by account.
fn expected_moves(
    before: &Ledger,
    op: &Operation,
    receipts: &[isf_ledger::Receipt],
) -> BTreeMap<AccountId, Decimal> {
    let mut moved: BTreeMap<AccountId, Decimal> = BTreeMap::new();
    let mut add = |postings: &[Posting]| {
        for p in postings {
            let total = moved.entry(p.account.clone()).or_default();
            *total = total
                .checked_add(p.amount.amount())
                .expect("accepted postings do not overflow");
        }
    };
    // A single-entry operation posts its entry only if its receipt is new.
    let new = receipts.iter().any(|r| !r.already_posted);
    match op {
        Operation::Post(entry) if new => add(&entry.postings),
        Operation::Batch { entries } => {
            for (entry, r) in entries.iter().zip(receipts) {
                if !r.already_posted {
                    add(&entry.postings);
                }
            }
        }
        Operation::Settle { hold, amount, .. } if new => {
            let h = before.hold(hold).expect("a settled hold exists").details();
            add(&NewEntry::new("settle", h.date)
                .transfer(h.from.clone(), h.to.clone(), *amount)
                .postings);
        }
        Operation::Reverse { entry, .. } if new => {
            let original = before.entry(entry).expect("a reversed entry exists");
            let negated: Vec<Posting> = original
                .postings()
                .map(|(account, amount)| Posting {
                    account: account.clone(),
                    amount: amount.negate(),
                })
                .collect();
            add(&negated);
        }
        _ => {}
    }
    moved
}

fn assert_moves(
    before: &Ledger,
    after: &Ledger,
    moved: &BTreeMap<AccountId, Decimal>,
    op: &Operation,
) {
    for account in after.accounts() {
        let id = account.id();
        let old = before.balance(id).map_or(Decimal::ZERO, |m| m.amount());
        let new = account.balance().amount();
        let expected = moved.get(id).copied().unwrap_or(Decimal::ZERO);
        assert!(
            new.checked_sub(old) == Some(expected),
            "{id} moved from {old} to {new}, expected a change of {expected}: {op:?}"
        );
    }
}

/// All the invariants: [`assert_step_invariants`], [`Ledger::verify`] and the trial balance.
pub fn assert_invariants(ledger: &Ledger) {
    assert_verifies(ledger);
    assert_step_invariants(ledger);
    assert!(
        ledger.trial_balance().balances(),
        "the trial balance does not balance"
    );
}

/// The invariants checked after every step, from the accounts' running balances alone: no
/// available balance below its floor, and the balances sum to zero in every currency.
pub fn assert_step_invariants(ledger: &Ledger) {
    let mut totals: BTreeMap<Currency, Decimal> = BTreeMap::new();
    for account in ledger.accounts() {
        let available = account.available().amount();
        if let Some(floor) = account.details().rule.floor() {
            assert!(
                available >= floor,
                "{} has {available} available, below {floor}",
                account.id()
            );
        }
        let total = totals.entry(account.currency()).or_default();
        *total = total
            .checked_add(account.balance().amount())
            .expect("balances sum without overflow");
    }
    for (currency, total) in &totals {
        assert!(
            total.is_zero(),
            "balances in {currency} sum to {total}, not zero"
        );
    }
}
