//! A model-based test of the ledger: random sequences of operations are applied both to the
//! ledger and to a plain reference model (balances and held amounts in whole pence in a
//! `HashMap`, the entries, the holds' states, the closed-through date), which decides on its own
//! whether each operation must be accepted and, if not, which refusals would be right.
//!
//! After every step the test checks that the ledger agreed with the model (accepted what the
//! model accepted, with the same receipts; refused what it refused, for one of the model's
//! reasons, and changed nothing), that every balance and held amount equals the model's, that
//! balances sum to zero per currency, that `verify` finds nothing, and that no limited account is
//! below its limit. At the end the balances as at every entry date and as known after every
//! entry must equal the model's entries folded by date and by sequence, and the written log must
//! replay to an equal ledger that writes the same bytes.
//!
//! The sequences mix GBP and EUR accounts of every kind and rule (no limit, non-negative, an
//! overdraft of £50), entries of 2–4 postings (sometimes with a pair in the other currency) of
//! which about one in four is wrong in some way (unbalanced in either currency, an unknown
//! account, the wrong currency, half a penny, beyond the largest amount, one posting, a bad id), retries with the same and different content, batches with a
//! bad entry or a repeated id, holds with and without expiry, settlements for part, all or more
//! than was held (and again), releases, expiries (also on the very day a hold lapses), spending
//! or holding exactly what a fund has left above its limit (and a penny either side), reversals
//! (and second reversals), period closes and account closes.
//!
//! 1,000 sequences by default; set `PROPTEST_CASES` to run more (or fewer).

mod support;

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use isf_ledger::{
    AccountId, AccountKind, Applied, BalanceRule, Currency, EntryId, EntryOrigin, HoldId,
    HoldStatus, Ledger, LedgerError, Money, NewAccount, NewEntry, NewHold, Operation, Receipt, Seq,
};
use proptest::collection::vec;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::{Flaw, account_kind, days_from, flaw, signed};

// ----- the reference model -------------------------------------------------------------------

/// `MAX_MINOR_UNITS_PER_POSTING`: the most pence (or cents) one posting may carry.
const MAX_PENCE: i128 = 100_000_000_000_000_000;

/// An amount in whole minor units, or `None` if it has a fraction of one.
fn minor(m: Money) -> Option<i128> {
    let d = m.amount();
    let (mantissa, scale) = (d.mantissa(), d.scale());
    let units = m.currency().minor_units();
    if scale <= units {
        Some(mantissa * 10i128.pow(units - scale))
    } else {
        let div = 10i128.pow(scale - units);
        (mantissa % div == 0).then(|| mantissa / div)
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 256 && !id.chars().any(char::is_control)
}

#[derive(Debug, Clone)]
struct MAccount {
    spec: NewAccount,
    closed: bool,
    balance: i128,
    held: i128,
}

impl MAccount {
    fn floor(&self) -> Option<i128> {
        self.spec
            .rule
            .floor()
            .map(|f| minor(Money::new(f, self.spec.currency)).expect("limits are exact"))
    }
}

#[derive(Debug, Clone)]
struct MEntry {
    entry: NewEntry,
    origin: EntryOrigin,
    reversed_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MStatus {
    Active,
    Settled(u64),
    Released,
    Expired,
}

#[derive(Debug, Clone)]
struct MHold {
    spec: NewHold,
    status: MStatus,
}

#[derive(Debug, Clone, Default)]
struct Model {
    accounts: HashMap<String, MAccount>,
    /// Entries in recorded order: the sequence number is the position plus one.
    entries: Vec<MEntry>,
    entry_index: HashMap<String, usize>,
    /// Holds in the order placed.
    holds: Vec<MHold>,
    hold_index: HashMap<String, usize>,
    closed_through: Option<NaiveDate>,
}

/// Why the model refuses an operation: the names of the `LedgerError` variants that would be
/// right (any one of them), and for a batch the position of the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
    /// The position of the refused operation in a linked group.
    linked_index: Option<usize>,
    batch_index: Option<usize>,
    kinds: Vec<&'static str>,
}

fn refuse(kinds: Vec<&'static str>) -> Refusal {
    assert!(!kinds.is_empty());
    Refusal {
        linked_index: None,
        batch_index: None,
        kinds,
    }
}

/// What an accepted operation returns.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    Done,
    Receipts(Vec<Receipt>),
    Expired(Vec<HoldId>),
    Linked(Vec<Out>),
}

/// The model's verdict on one entry.
enum Verdict {
    /// Already recorded with the same content, at this position.
    Same(usize),
    /// New: the balance of each account it touches afterwards.
    New(Vec<(String, i128)>),
    Refused(Vec<&'static str>),
}

fn receipt(index: usize, already_posted: bool) -> Receipt {
    Receipt {
        seq: Seq(index as u64 + 1),
        already_posted,
    }
}

impl Model {
    /// Judges an entry against the recorded state, with `pending` balances left by earlier
    /// entries of the same batch.
    fn judge(&self, e: &NewEntry, origin: EntryOrigin, pending: &HashMap<String, i128>) -> Verdict {
        let mut why = Vec::new();
        if !valid_id(e.id.as_str()) {
            why.push("InvalidId");
        }
        if !(2..=4096).contains(&e.postings.len()) {
            why.push("PostingCount");
        }
        let mut closed = false;
        let mut amounts = Vec::new();
        for p in &e.postings {
            match self.accounts.get(p.account.as_str()) {
                None => why.push("UnknownAccount"),
                Some(a) => {
                    closed |= a.closed;
                    if a.spec.currency != p.amount.currency() {
                        why.push("CurrencyMismatch");
                    }
                }
            }
            match minor(p.amount) {
                None => why.push("TooManyDecimals"),
                Some(v) if v.abs() > MAX_PENCE => why.push("AmountOutOfRange"),
                Some(v) => amounts.push((p.account.as_str(), p.amount.currency(), v)),
            }
        }
        if let Some(&i) = self.entry_index.get(e.id.as_str()) {
            let recorded = &self.entries[i];
            if why.is_empty() && recorded.origin == origin && recorded.entry == *e {
                return Verdict::Same(i);
            }
            why.push("DuplicateEntry");
            return Verdict::Refused(why);
        }
        if closed {
            why.push("AccountClosed");
        }
        if amounts.len() == e.postings.len() {
            let mut sums: HashMap<Currency, i128> = HashMap::new();
            for (_, c, v) in &amounts {
                *sums.entry(*c).or_default() += v;
            }
            if sums.values().any(|s| *s != 0) {
                why.push("Unbalanced");
            }
        }
        if self.closed_through.is_some_and(|c| e.date <= c) {
            why.push("PeriodClosed");
        }
        if let Some(target) = &e.corrects {
            if !self.entry_index.contains_key(target.as_str()) {
                why.push("UnknownEntry");
            }
        }
        if !why.is_empty() {
            return Verdict::Refused(why);
        }
        let mut after: Vec<(String, i128)> = Vec::new();
        for (account, _, v) in amounts {
            match after.iter_mut().find(|(a, _)| a == account) {
                Some((_, b)) => *b += v,
                None => {
                    let start = pending
                        .get(account)
                        .copied()
                        .unwrap_or(self.accounts[account].balance);
                    after.push((account.to_string(), start + v));
                }
            }
        }
        for (account, balance) in &after {
            let a = &self.accounts[account];
            if a.floor().is_some_and(|f| balance - a.held < f) {
                return Verdict::Refused(vec!["LimitBreached"]);
            }
        }
        Verdict::New(after)
    }

    fn record(&mut self, e: NewEntry, origin: EntryOrigin) -> usize {
        for p in &e.postings {
            self.accounts.get_mut(p.account.as_str()).unwrap().balance += minor(p.amount).unwrap();
        }
        let index = self.entries.len();
        self.entry_index.insert(e.id.as_str().to_string(), index);
        self.entries.push(MEntry {
            entry: e,
            origin,
            reversed_by: None,
        });
        index
    }

    fn open(&mut self, spec: &NewAccount) -> Result<Out, Refusal> {
        if !valid_id(spec.id.as_str()) {
            return Err(refuse(vec!["InvalidId"]));
        }
        if let Some(a) = self.accounts.get(spec.id.as_str()) {
            return if a.spec == *spec {
                Ok(Out::Done)
            } else {
                Err(refuse(vec!["AccountExists"]))
            };
        }
        if let BalanceRule::AtLeast(limit) = spec.rule {
            match minor(Money::new(limit, spec.currency)) {
                None => return Err(refuse(vec!["TooManyDecimals"])),
                Some(v) if v.abs() > MAX_PENCE => return Err(refuse(vec!["AmountOutOfRange"])),
                Some(v) if v > 0 => return Err(refuse(vec!["InvalidRule"])),
                Some(_) => {}
            }
        }
        self.accounts.insert(
            spec.id.as_str().to_string(),
            MAccount {
                spec: spec.clone(),
                closed: false,
                balance: 0,
                held: 0,
            },
        );
        Ok(Out::Done)
    }

    fn close(&mut self, id: &AccountId) -> Result<Out, Refusal> {
        let Some(a) = self.accounts.get_mut(id.as_str()) else {
            return Err(refuse(vec!["UnknownAccount"]));
        };
        if a.closed {
            return Ok(Out::Done);
        }
        if a.balance != 0 || a.held != 0 {
            return Err(refuse(vec!["AccountNotEmpty"]));
        }
        a.closed = true;
        Ok(Out::Done)
    }

    fn post_batch(&mut self, entries: &[NewEntry], batch: bool) -> Result<Out, Refusal> {
        enum Plan {
            New,
            Same(usize),
            Repeat(usize),
        }
        let mut pending: HashMap<String, i128> = HashMap::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut plan = Vec::new();
        let at = |k: usize, kinds: Vec<&'static str>| Refusal {
            linked_index: None,
            batch_index: batch.then_some(k),
            kinds,
        };
        for (k, e) in entries.iter().enumerate() {
            if let Some(&j) = seen.get(e.id.as_str()) {
                if entries[j] == *e {
                    plan.push(Plan::Repeat(j));
                    continue;
                }
                return Err(at(k, vec!["DuplicateInBatch"]));
            }
            seen.insert(e.id.as_str(), k);
            match self.judge(e, EntryOrigin::Posted, &pending) {
                Verdict::Refused(why) => return Err(at(k, why)),
                Verdict::Same(i) => plan.push(Plan::Same(i)),
                Verdict::New(after) => {
                    pending.extend(after);
                    plan.push(Plan::New);
                }
            }
        }
        let mut receipts: Vec<Receipt> = Vec::new();
        for (e, p) in entries.iter().zip(plan) {
            let r = match p {
                Plan::New => receipt(self.record(e.clone(), EntryOrigin::Posted), false),
                Plan::Same(i) => receipt(i, true),
                Plan::Repeat(j) => Receipt {
                    seq: receipts[j].seq,
                    already_posted: true,
                },
            };
            receipts.push(r);
        }
        Ok(Out::Receipts(receipts))
    }

    fn place_hold(&mut self, h: &NewHold) -> Result<Out, Refusal> {
        if !valid_id(h.id.as_str()) {
            return Err(refuse(vec!["InvalidId"]));
        }
        if let Some(&i) = self.hold_index.get(h.id.as_str()) {
            return if self.holds[i].spec == *h {
                Ok(Out::Done)
            } else {
                Err(refuse(vec!["DuplicateHold"]))
            };
        }
        let mut why = Vec::new();
        for id in [&h.from, &h.to] {
            match self.accounts.get(id.as_str()) {
                None => why.push("UnknownAccount"),
                Some(a) => {
                    if a.closed {
                        why.push("AccountClosed");
                    }
                    if a.spec.currency != h.amount.currency() {
                        why.push("CurrencyMismatch");
                    }
                }
            }
        }
        let amount = minor(h.amount);
        match amount {
            None => why.push("TooManyDecimals"),
            Some(v) if v.abs() > MAX_PENCE => why.push("AmountOutOfRange"),
            Some(_) => {}
        }
        if h.amount.amount() <= Decimal::ZERO {
            why.push("NotPositive");
        }
        if h.from == h.to || h.expires_on.is_some_and(|e| e <= h.date) {
            why.push("InvalidHold");
        }
        if self.closed_through.is_some_and(|c| h.date <= c) {
            why.push("PeriodClosed");
        }
        if !why.is_empty() {
            return Err(refuse(why));
        }
        let amount = amount.unwrap();
        let from = self.accounts.get_mut(h.from.as_str()).unwrap();
        if from
            .floor()
            .is_some_and(|f| from.balance - from.held - amount < f)
        {
            return Err(refuse(vec!["LimitBreached"]));
        }
        from.held += amount;
        self.hold_index
            .insert(h.id.as_str().to_string(), self.holds.len());
        self.holds.push(MHold {
            spec: h.clone(),
            status: MStatus::Active,
        });
        Ok(Out::Done)
    }

    fn status_refusal(status: MStatus) -> Option<&'static str> {
        match status {
            MStatus::Active => None,
            MStatus::Settled(_) => Some("HoldSettled"),
            MStatus::Released => Some("HoldReleased"),
            MStatus::Expired => Some("HoldExpired"),
        }
    }

    fn settle(
        &mut self,
        hold: &HoldId,
        id: &EntryId,
        amount: Money,
        date: NaiveDate,
    ) -> Result<Out, Refusal> {
        let Some(&i) = self.hold_index.get(hold.as_str()) else {
            return Err(refuse(vec!["UnknownHold"]));
        };
        let h = self.holds[i].clone();
        // The settlement moves the money from the hold's `from` to its `to`.
        let entry = NewEntry::new(id.clone(), date)
            .memo(h.spec.memo.clone())
            .transfer(h.spec.from.clone(), h.spec.to.clone(), amount);
        if let MStatus::Settled(seq) = h.status {
            if let Verdict::Same(j) = self.judge(&entry, EntryOrigin::Settlement, &HashMap::new()) {
                if j as u64 + 1 == seq {
                    return Ok(Out::Receipts(vec![receipt(j, true)]));
                }
            }
        }
        if let Some(why) = Self::status_refusal(h.status) {
            return Err(refuse(vec![why]));
        }
        let mut why = Vec::new();
        if h.spec.expires_on.is_some_and(|e| date >= e) {
            why.push("HoldExpired");
        }
        if date < h.spec.date {
            why.push("InvalidHold");
        }
        if amount.currency() != h.spec.amount.currency() {
            why.push("CurrencyMismatch");
        }
        if amount.amount() <= Decimal::ZERO {
            why.push("NotPositive");
        }
        if amount.amount() > h.spec.amount.amount() {
            why.push("SettleExceedsHold");
        }
        if !valid_id(id.as_str()) {
            why.push("InvalidId");
        }
        if self.entry_index.contains_key(id.as_str()) {
            why.push("DuplicateEntry");
        }
        if self.closed_through.is_some_and(|c| date <= c) {
            why.push("PeriodClosed");
        }
        if [&h.spec.from, &h.spec.to]
            .iter()
            .any(|a| self.accounts[a.as_str()].closed)
        {
            why.push("AccountClosed");
        }
        match minor(amount) {
            None => why.push("TooManyDecimals"),
            Some(v) if v.abs() > MAX_PENCE => why.push("AmountOutOfRange"),
            Some(_) => {}
        }
        if !why.is_empty() {
            return Err(refuse(why));
        }
        // Settling frees the hold in the same step, so no limit can be breached: the fund
        // gives up at most what it had reserved.
        let index = self.record(entry, EntryOrigin::Settlement);
        self.accounts.get_mut(h.spec.from.as_str()).unwrap().held -= minor(h.spec.amount).unwrap();
        self.holds[i].status = MStatus::Settled(index as u64 + 1);
        Ok(Out::Receipts(vec![receipt(index, false)]))
    }

    fn release(&mut self, hold: &HoldId) -> Result<Out, Refusal> {
        let Some(&i) = self.hold_index.get(hold.as_str()) else {
            return Err(refuse(vec!["UnknownHold"]));
        };
        if self.holds[i].status == MStatus::Released {
            return Ok(Out::Done);
        }
        if let Some(why) = Self::status_refusal(self.holds[i].status) {
            return Err(refuse(vec![why]));
        }
        self.end_hold(i, MStatus::Released);
        Ok(Out::Done)
    }

    fn end_hold(&mut self, i: usize, status: MStatus) {
        let h = &mut self.holds[i];
        h.status = status;
        self.accounts.get_mut(h.spec.from.as_str()).unwrap().held -= minor(h.spec.amount).unwrap();
    }

    fn expire(&mut self, today: NaiveDate) -> Result<Out, Refusal> {
        let mut expired = Vec::new();
        for i in 0..self.holds.len() {
            let h = &self.holds[i];
            if h.status == MStatus::Active && h.spec.expires_on.is_some_and(|e| e <= today) {
                expired.push(h.spec.id.clone());
                self.end_hold(i, MStatus::Expired);
            }
        }
        Ok(Out::Expired(expired))
    }

    fn reverse(
        &mut self,
        target: &EntryId,
        id: &EntryId,
        date: NaiveDate,
        memo: &str,
    ) -> Result<Out, Refusal> {
        let Some(&t) = self.entry_index.get(target.as_str()) else {
            return Err(refuse(vec!["UnknownEntry"]));
        };
        let original = self.entries[t].clone();
        if original.origin == EntryOrigin::Reversal {
            return Err(refuse(vec!["ReversalOfReversal"]));
        }
        let mut reversal = NewEntry::new(id.clone(), date).memo(memo);
        for p in &original.entry.postings {
            reversal = reversal.posting(p.account.clone(), p.amount.negate());
        }
        let verdict = self.judge(&reversal, EntryOrigin::Reversal, &HashMap::new());
        if let Some(by) = &original.reversed_by {
            return match verdict {
                Verdict::Same(j) if by == id.as_str() => Ok(Out::Receipts(vec![receipt(j, true)])),
                _ => Err(refuse(vec!["AlreadyReversed"])),
            };
        }
        match verdict {
            Verdict::Refused(why) => Err(refuse(why)),
            Verdict::Same(_) => Err(refuse(vec!["DuplicateEntry"])),
            Verdict::New(_) => {
                let index = self.record(reversal, EntryOrigin::Reversal);
                self.entries[t].reversed_by = Some(id.as_str().to_string());
                Ok(Out::Receipts(vec![receipt(index, false)]))
            }
        }
    }

    fn close_period(&mut self, through: NaiveDate) -> Result<Out, Refusal> {
        match self.closed_through {
            Some(c) if c > through => Err(refuse(vec!["AlreadyClosed"])),
            _ => {
                self.closed_through = Some(through);
                Ok(Out::Done)
            }
        }
    }

    fn apply(&mut self, act: &Act) -> Result<Out, Refusal> {
        match act {
            Act::Open(spec) => self.open(spec),
            Act::Close(id) => self.close(id),
            Act::Post(e) => self.post_batch(std::slice::from_ref(e), false),
            Act::Batch(es) => self.post_batch(es, true),
            Act::Hold(h) => self.place_hold(h),
            Act::Settle {
                hold,
                entry,
                amount,
                date,
            } => self.settle(hold, entry, *amount, *date),
            Act::Release(h) => self.release(h),
            Act::Expire(today) => self.expire(*today),
            Act::Reverse {
                entry,
                id,
                date,
                memo,
            } => self.reverse(entry, id, *date, memo),
            Act::ClosePeriod(d) => self.close_period(*d),
            Act::Linked(acts) => self.linked(acts),
        }
    }

    /// A linked group: every act on a copy of the model, kept only if all are accepted.
    fn linked(&mut self, acts: &[Act]) -> Result<Out, Refusal> {
        let mut scratch = self.clone();
        let mut outs = Vec::with_capacity(acts.len());
        for (index, act) in acts.iter().enumerate() {
            match scratch.apply(act) {
                Ok(out) => outs.push(out),
                Err(mut why) => {
                    why.linked_index = Some(index);
                    return Err(why);
                }
            }
        }
        if !acts.is_empty() {
            *self = scratch;
        }
        Ok(Out::Linked(outs))
    }
}

// ----- operations ----------------------------------------------------------------------------

/// A concrete operation, applied to the ledger and the model alike.
#[derive(Debug, Clone)]
enum Act {
    Open(NewAccount),
    Close(AccountId),
    Post(NewEntry),
    Batch(Vec<NewEntry>),
    Hold(NewHold),
    Settle {
        hold: HoldId,
        entry: EntryId,
        amount: Money,
        date: NaiveDate,
    },
    Release(HoldId),
    Expire(NaiveDate),
    Reverse {
        entry: EntryId,
        id: EntryId,
        date: NaiveDate,
        memo: String,
    },
    ClosePeriod(NaiveDate),
    Linked(Vec<Act>),
}

/// The ledger operation an act is.
fn operation(act: &Act) -> Operation {
    match act.clone() {
        Act::Open(spec) => Operation::OpenAccount(spec),
        Act::Close(id) => Operation::CloseAccount { id },
        Act::Post(e) => Operation::Post(e),
        Act::Batch(entries) => Operation::Batch { entries },
        Act::Hold(h) => Operation::Hold(h),
        Act::Settle {
            hold,
            entry,
            amount,
            date,
        } => Operation::Settle {
            hold,
            entry,
            amount,
            date,
            metadata: Default::default(),
        },
        Act::Release(hold) => Operation::Release { hold, on: None },
        Act::Expire(today) => Operation::Expire { today },
        Act::Reverse {
            entry,
            id,
            date,
            memo,
        } => Operation::Reverse {
            entry,
            id,
            date,
            memo,
        },
        Act::ClosePeriod(through) => Operation::ClosePeriod { through },
        Act::Linked(acts) => Operation::Linked {
            ops: acts.iter().map(operation).collect(),
        },
    }
}

fn out_of(applied: Applied) -> Out {
    match applied {
        Applied::Entries(receipts) => Out::Receipts(receipts),
        Applied::Expired(holds) => Out::Expired(holds),
        Applied::Linked(group) => Out::Linked(group.into_iter().map(out_of).collect()),
        _ => Out::Done,
    }
}

fn exec(l: &mut Ledger, act: &Act) -> Result<Out, LedgerError> {
    Ok(match act {
        Act::Open(spec) => l.open_account(spec.clone()).map(|()| Out::Done)?,
        Act::Close(id) => l.close_account(id).map(|()| Out::Done)?,
        Act::Post(e) => Out::Receipts(vec![l.post(e.clone())?]),
        Act::Batch(es) => Out::Receipts(l.post_batch(es.clone())?),
        Act::Hold(h) => l.place_hold(h.clone()).map(|()| Out::Done)?,
        Act::Settle {
            hold,
            entry,
            amount,
            date,
        } => Out::Receipts(vec![l.settle_hold(hold, entry.clone(), *amount, *date)?]),
        Act::Release(h) => l.release_hold(h).map(|()| Out::Done)?,
        Act::Expire(today) => Out::Expired(l.expire_holds(*today)),
        Act::Reverse {
            entry,
            id,
            date,
            memo,
        } => Out::Receipts(vec![l.reverse(entry, id.clone(), *date, memo.as_str())?]),
        Act::ClosePeriod(d) => l.close_period(*d).map(|()| Out::Done)?,
        Act::Linked(acts) => Out::Linked(
            l.apply_linked(acts.iter().map(operation).collect())?
                .into_iter()
                .map(out_of)
                .collect(),
        ),
    })
}

/// The name of a refusal's variant, as the model names it.
fn kind(e: &LedgerError) -> &'static str {
    match e {
        LedgerError::UnknownAccount { .. } => "UnknownAccount",
        LedgerError::AccountClosed { .. } => "AccountClosed",
        LedgerError::AccountExists { .. } => "AccountExists",
        LedgerError::AccountNotEmpty { .. } => "AccountNotEmpty",
        LedgerError::InvalidId { .. } => "InvalidId",
        LedgerError::CurrencyMismatch { .. } => "CurrencyMismatch",
        LedgerError::Unbalanced { .. } => "Unbalanced",
        LedgerError::PostingCount { .. } => "PostingCount",
        LedgerError::TooManyDecimals { .. } => "TooManyDecimals",
        LedgerError::AmountOutOfRange { .. } => "AmountOutOfRange",
        LedgerError::NotPositive { .. } => "NotPositive",
        LedgerError::LimitBreached { .. } => "LimitBreached",
        LedgerError::DuplicateEntry { .. } => "DuplicateEntry",
        LedgerError::DuplicateInBatch { .. } => "DuplicateInBatch",
        LedgerError::PeriodClosed { .. } => "PeriodClosed",
        LedgerError::AlreadyClosed { .. } => "AlreadyClosed",
        LedgerError::UnknownEntry { .. } => "UnknownEntry",
        LedgerError::AlreadyReversed { .. } => "AlreadyReversed",
        LedgerError::ReversalOfReversal { .. } => "ReversalOfReversal",
        LedgerError::UnknownHold { .. } => "UnknownHold",
        LedgerError::DuplicateHold { .. } => "DuplicateHold",
        LedgerError::HoldSettled { .. } => "HoldSettled",
        LedgerError::HoldReleased { .. } => "HoldReleased",
        LedgerError::HoldExpired { .. } => "HoldExpired",
        LedgerError::SettleExceedsHold { .. } => "SettleExceedsHold",
        LedgerError::InvalidHold { .. } => "InvalidHold",
        LedgerError::InvalidRule { .. } => "InvalidRule",
        LedgerError::Overflow { .. } => "Overflow",
        LedgerError::CapacityExceeded { .. } => "CapacityExceeded",
        LedgerError::Batch { .. } => "Batch",
        _ => "unknown variant",
    }
}

// ----- generated operations ------------------------------------------------------------------

/// Account names and the currency each is normally opened in. `gbp:late` is never opened at
/// the start; `ghost` never at all.
const NAMES: [(&str, Currency); 10] = [
    ("gbp:council", Currency::GBP),
    ("gbp:bank", Currency::GBP),
    ("gbp:fund-1", Currency::GBP),
    ("gbp:fund-2", Currency::GBP),
    ("gbp:provider", Currency::GBP),
    ("eur:council", Currency::EUR),
    ("eur:fund", Currency::EUR),
    ("eur:provider", Currency::EUR),
    ("gbp:late", Currency::GBP),
    ("ghost", Currency::GBP),
];
/// The GBP accounts entries draw on, weighted: `gbp:late` (rarely open) comes up one time in 16.
const GBP_NAMES: [&str; 16] = [
    "gbp:council",
    "gbp:bank",
    "gbp:fund-1",
    "gbp:fund-2",
    "gbp:provider",
    "gbp:council",
    "gbp:bank",
    "gbp:fund-1",
    "gbp:fund-2",
    "gbp:provider",
    "gbp:council",
    "gbp:bank",
    "gbp:fund-1",
    "gbp:fund-2",
    "gbp:provider",
    "gbp:late",
];
const EUR_NAMES: [&str; 3] = ["eur:council", "eur:fund", "eur:provider"];
const FUND_NAMES: [&str; 3] = ["gbp:fund-1", "gbp:fund-2", "eur:fund"];

const FIRST_DAY: NaiveDate = support::d(2024, 1, 1);

fn date() -> impl Strategy<Value = NaiveDate> {
    days_from(FIRST_DAY, 1096)
}

fn gbp_or_eur() -> impl Strategy<Value = Currency> {
    prop_oneof![3 => Just(Currency::GBP), 1 => Just(Currency::EUR)]
}

fn other(c: Currency) -> Currency {
    if c == Currency::GBP {
        Currency::EUR
    } else {
        Currency::GBP
    }
}

fn group(c: Currency) -> &'static [&'static str] {
    if c == Currency::GBP {
        &GBP_NAMES
    } else {
        &EUR_NAMES
    }
}

fn good_rule() -> impl Strategy<Value = BalanceRule> {
    prop_oneof![
        3 => Just(BalanceRule::Unlimited),
        3 => Just(BalanceRule::NonNegative),
        2 => Just(BalanceRule::AtLeast(Decimal::new(-5000, 2))),
    ]
}

fn rule() -> impl Strategy<Value = BalanceRule> {
    prop_oneof![
        8 => good_rule(),
        // Not exact in pence: refused.
        1 => Just(BalanceRule::AtLeast(Decimal::new(-50005, 3))),
    ]
}

/// Opening an account: usually in its own currency, sometimes not, rarely with a bad id.
fn open() -> impl Strategy<Value = NewAccount> {
    (
        0usize..NAMES.len(),
        account_kind(),
        rule(),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(n, kind, rule, flip, bad_id, owner)| {
            let (name, currency) = NAMES[n];
            let currency = if flip { other(currency) } else { currency };
            let id = if bad_id { "" } else { name };
            let a = NewAccount::new(id, kind, currency).rule(rule);
            if owner { a.owner("person:P1") } else { a }
        })
}

fn entry_id() -> impl Strategy<Value = String> {
    (0u8..20).prop_map(|n| format!("E{n}"))
}

fn hold_id() -> impl Strategy<Value = String> {
    (0u8..10).prop_map(|n| format!("H{n}"))
}

fn signed_pence() -> impl Strategy<Value = i64> {
    signed(1i64..=50_000)
}

/// An entry of 2–4 postings in one currency that balance, sometimes with a balanced pair in the
/// other currency after them, then perhaps spoiled by a flaw.
fn entry() -> impl Strategy<Value = NewEntry> {
    (
        entry_id(),
        date(),
        gbp_or_eur(),
        vec((any::<prop::sample::Index>(), signed_pence()), 1..=3),
        any::<prop::sample::Index>(),
        prop::option::weighted(0.25, flaw()),
        (0u8..8, entry_id()),
        prop::option::weighted(
            0.15,
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                1i64..=50_000,
            ),
        ),
    )
        .prop_map(|(id, date, c, legs, last, flaw, (extra, target), pair)| {
            let names = group(c);
            let mut e = NewEntry::new(id, date);
            match extra {
                0 => e = e.memo("week 1"),
                1 => e = e.meta("invoice", "INV-7"),
                2 => e = e.corrects(target),
                _ => {}
            }
            let mut sum = 0;
            for (a, p) in legs {
                e = e.posting(*a.get(names), Money::from_minor(p, c));
                sum += p;
            }
            e = e.posting(*last.get(names), Money::from_minor(-sum, c));
            if let Some((from, to, p)) = pair {
                let (c, names) = (other(c), group(other(c)));
                e = e.transfer(*from.get(names), *to.get(names), Money::from_minor(p, c));
            }
            match flaw {
                Some(f) => spoil(e, f),
                None => e,
            }
        })
}

fn spoil(mut e: NewEntry, flaw: Flaw) -> NewEntry {
    let first = &mut e.postings[0];
    let c = first.amount.currency();
    match flaw {
        Flaw::Unbalanced => first.amount = Money::new(first.amount.amount() + Decimal::ONE, c),
        Flaw::UnbalancedLast => {
            let last = e.postings.last_mut().unwrap();
            let c = last.amount.currency();
            last.amount = Money::new(last.amount.amount() - Decimal::new(1, 2), c);
        }
        Flaw::UnknownAccount => first.account = "ghost".into(),
        Flaw::WrongCurrency => first.amount = Money::new(first.amount.amount(), other(c)),
        Flaw::TooManyDecimals => {
            first.amount = Money::new(first.amount.amount() + Decimal::new(5, 3), c)
        }
        Flaw::OutOfRange => {
            let huge = Money::new(Decimal::from(10i64.pow(18)) + Decimal::new(1, 2), c);
            let (a, b) = (first.account.clone(), e.postings[1].account.clone());
            e = e.transfer(a, b, huge);
        }
        Flaw::OnePosting => e.postings.truncate(1),
        Flaw::BadId => e.id = "bad\u{7}id".into(),
    }
    e
}

/// Changes an entry's content, keeping it balanced when it was.
fn alter(mut e: NewEntry, how: u8) -> NewEntry {
    match how % 4 {
        0 => e.date = e.date + Days::new(1),
        1 => e.memo.push_str(" (amended)"),
        2 => e = e.meta("amended", "yes"),
        _ => {
            if e.postings.len() >= 2 {
                let c = e.postings[0].amount.currency();
                let one = Money::from_minor(1, c);
                e.postings[0].amount = Money::new(e.postings[0].amount.amount() + one.amount(), c);
                let c1 = e.postings[1].amount.currency();
                e.postings[1].amount = Money::new(e.postings[1].amount.amount() - one.amount(), c1);
            } else {
                e.memo.push('!');
            }
        }
    }
    e
}

/// A hold: mostly from a fund to the provider in its currency, sometimes wrong in some way.
fn hold() -> impl Strategy<Value = NewHold> {
    (
        hold_id(),
        any::<prop::sample::Index>(),
        0usize..NAMES.len(),
        1i64..=60_000,
        date(),
        prop_oneof![
            4 => Just(None),
            4 => (1u64..60).prop_map(Some),
            // Expires on or before the day it is placed: refused.
            1 => Just(Some(0)),
        ],
        0u8..12,
    )
        .prop_map(|(id, from, to, p, date, expiry, twist)| {
            let from = *from.get(&FUND_NAMES);
            let c = if from.starts_with("eur:") {
                Currency::EUR
            } else {
                Currency::GBP
            };
            let to = match twist {
                0 => NAMES[to].0,
                1 => from,
                _ if c == Currency::EUR => "eur:provider",
                _ => "gbp:provider",
            };
            let amount = match twist {
                2 => Money::from_minor(0, c),
                3 => Money::new(Decimal::new(p * 10 + 5, 3), c),
                4 => Money::from_minor(p, other(c)),
                _ => Money::from_minor(p, c),
            };
            let mut h = NewHold::new(id, from, to, amount, date);
            if twist == 5 {
                h = h.memo("planned support");
            }
            if let Some(days) = expiry {
                h = h.expires_on(date + Days::new(days));
            }
            h
        })
}

/// An entry or hold to act on: one the model holds (the n-th, modulo how many), or a name.
#[derive(Debug, Clone)]
enum Pick {
    Existing(usize),
    Named(String),
}

fn pick(names: impl Strategy<Value = String>) -> impl Strategy<Value = Pick> {
    prop_oneof![4 => any::<usize>().prop_map(Pick::Existing), 1 => names.prop_map(Pick::Named)]
}

/// An id for a settlement or a reversal: from the entry pool (so it may clash) or fresh.
#[derive(Debug, Clone)]
enum NewId {
    Pool(String),
    Fresh,
}

fn new_id() -> impl Strategy<Value = NewId> {
    prop_oneof![1 => entry_id().prop_map(NewId::Pool), 3 => Just(NewId::Fresh)]
}

/// A date relative to what is acted on (so it is usually valid), or any date.
#[derive(Debug, Clone)]
enum When {
    After(u64),
    On(NaiveDate),
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![3 => (0u64..40).prop_map(When::After), 1 => date().prop_map(When::On)]
}

impl When {
    fn from(&self, start: NaiveDate) -> NaiveDate {
        match self {
            When::After(days) => start + Days::new(*days),
            When::On(d) => *d,
        }
    }
}

#[derive(Debug, Clone)]
enum SettleAmount {
    /// This many thousandths of the hold, at least a penny.
    Part(u16),
    Full,
    Over(i64),
    Zero,
    TooManyDecimals,
    WrongCurrency,
}

fn settle_amount() -> impl Strategy<Value = SettleAmount> {
    prop_oneof![
        4 => (1u16..1000).prop_map(SettleAmount::Part),
        3 => Just(SettleAmount::Full),
        2 => (1i64..5_000).prop_map(SettleAmount::Over),
        1 => Just(SettleAmount::Zero),
        1 => Just(SettleAmount::TooManyDecimals),
        1 => Just(SettleAmount::WrongCurrency),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Open(NewAccount),
    Post(NewEntry),
    /// Posts again the k-th entry tried so far, as it was or changed.
    Repost {
        k: usize,
        alter: Option<u8>,
    },
    /// A batch, perhaps with one of its entries again (the same, or changed) and an entry tried
    /// earlier.
    Batch {
        entries: Vec<NewEntry>,
        again: Option<(prop::sample::Index, Option<u8>)>,
        earlier: Option<usize>,
    },
    Hold(NewHold),
    /// Places again the k-th hold tried so far, as it was or for a penny more.
    RepeatHold {
        k: usize,
        more: bool,
    },
    Settle {
        hold: Pick,
        id: NewId,
        amount: SettleAmount,
        date: When,
    },
    Release(Pick),
    Expire(NaiveDate),
    Reverse {
        target: Pick,
        id: NewId,
        date: When,
        memo: bool,
    },
    /// The last reversal again: the same request, or another id.
    ReverseAgain {
        same: bool,
    },
    /// The last settlement again: the same request, or another id.
    SettleAgain {
        same: bool,
    },
    ClosePeriod(NaiveDate),
    CloseAccount(usize),
    /// Spends (or holds) exactly what a fund may still spend, a penny less or a penny more.
    Drain {
        fund: prop::sample::Index,
        penny: i8,
        hold: bool,
        date: NaiveDate,
    },
    /// Expires holds on a hold's expiry date, the day before or the day after.
    ExpireAt {
        hold: Pick,
        day: i8,
    },
    /// Two to four operations applied as one linked group, all or nothing.
    Linked(Vec<Op>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => single_op(),
        2 => vec(single_op(), 2..=4).prop_map(Op::Linked),
    ]
}

fn single_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => entry().prop_map(Op::Post),
        3 => (any::<usize>(), prop::option::of(any::<u8>()))
            .prop_map(|(k, alter)| Op::Repost { k, alter }),
        3 => (
            vec(entry(), 0..=4),
            prop::option::weighted(0.3, (any::<prop::sample::Index>(), prop::option::of(any::<u8>()))),
            prop::option::weighted(0.2, any::<usize>()),
        )
            .prop_map(|(entries, again, earlier)| Op::Batch { entries, again, earlier }),
        8 => hold().prop_map(Op::Hold),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(k, more)| Op::RepeatHold { k, more }),
        6 => (pick(hold_id()), new_id(), settle_amount(), when())
            .prop_map(|(hold, id, amount, date)| Op::Settle { hold, id, amount, date }),
        2 => pick(hold_id()).prop_map(Op::Release),
        1 => date().prop_map(Op::Expire),
        4 => (pick(entry_id()), new_id(), when(), any::<bool>())
            .prop_map(|(target, id, date, memo)| Op::Reverse { target, id, date, memo }),
        1 => any::<bool>().prop_map(|same| Op::ReverseAgain { same }),
        1 => any::<bool>().prop_map(|same| Op::SettleAgain { same }),
        // Period closes fall in the first year or so, so that later dates stay open.
        1 => (0u64..450).prop_map(|d| Op::ClosePeriod(FIRST_DAY + Days::new(d))),
        1 => (0usize..NAMES.len()).prop_map(Op::CloseAccount),
        1 => open().prop_map(Op::Open),
        2 => (any::<prop::sample::Index>(), -1i8..=1, any::<bool>(), date())
            .prop_map(|(fund, penny, hold, date)| Op::Drain { fund, penny, hold, date }),
        1 => (pick(hold_id()), -1i8..=1).prop_map(|(hold, day)| Op::ExpireAt { hold, day }),
    ]
}

/// Opens every account but `gbp:late` (the councils without a limit, the rest with a random
/// kind and rule) and pays £1,000/€1,000 into the funds and the bank.
fn prelude() -> impl Strategy<Value = Vec<Op>> {
    vec((account_kind(), good_rule()), 6).prop_map(|specs| {
        let mut ops = vec![
            Op::Open(NewAccount::new(
                "gbp:council",
                AccountKind::Income,
                Currency::GBP,
            )),
            Op::Open(NewAccount::new(
                "eur:council",
                AccountKind::Income,
                Currency::EUR,
            )),
        ];
        let others = [
            "gbp:bank",
            "gbp:fund-1",
            "gbp:fund-2",
            "gbp:provider",
            "eur:fund",
            "eur:provider",
        ];
        for (name, (kind, rule)) in others.iter().zip(specs) {
            let c = if name.starts_with("eur:") {
                Currency::EUR
            } else {
                Currency::GBP
            };
            ops.push(Op::Open(NewAccount::new(*name, kind, c).rule(rule)));
        }
        for (i, name) in ["gbp:fund-1", "gbp:fund-2", "gbp:bank", "eur:fund"]
            .iter()
            .enumerate()
        {
            let (council, c) = if name.starts_with("eur:") {
                ("eur:council", Currency::EUR)
            } else {
                ("gbp:council", Currency::GBP)
            };
            ops.push(Op::Post(
                NewEntry::new(format!("fund-in-{i}"), FIRST_DAY).transfer(
                    council,
                    *name,
                    Money::from_minor(100_000, c),
                ),
            ));
        }
        ops
    })
}

fn sequence() -> impl Strategy<Value = Vec<Op>> {
    (prelude(), vec(op(), 1..60)).prop_map(|(mut ops, more)| {
        ops.extend(more);
        ops
    })
}

/// What the runner remembers to make retries and follow-ups.
#[derive(Debug, Default)]
struct Memory {
    entries: Vec<NewEntry>,
    holds: Vec<NewHold>,
    last_reverse: Option<(EntryId, EntryId, NaiveDate, String)>,
    last_settle: Option<Act>,
    fresh: u32,
}

impl Memory {
    fn fresh(&mut self, prefix: &str) -> EntryId {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh).into()
    }

    fn id(&mut self, id: &NewId, prefix: &str) -> EntryId {
        match id {
            NewId::Pool(s) => s.as_str().into(),
            NewId::Fresh => self.fresh(prefix),
        }
    }
}

/// Turns a generated operation into a concrete one, using the model to find what to act on.
fn resolve(op: &Op, m: &Model, mem: &mut Memory) -> Option<Act> {
    Some(match op {
        // Each act of a group is resolved against the model as the acts before it left it.
        Op::Linked(ops) => {
            let mut scratch = m.clone();
            let mut acts = Vec::with_capacity(ops.len());
            for op in ops {
                if let Some(act) = resolve(op, &scratch, mem) {
                    let _ = scratch.apply(&act);
                    acts.push(act);
                }
            }
            Act::Linked(acts)
        }
        Op::Open(spec) => Act::Open(spec.clone()),
        Op::Post(e) => {
            mem.entries.push(e.clone());
            Act::Post(e.clone())
        }
        Op::Repost { k, alter: how } => {
            if mem.entries.is_empty() {
                return None;
            }
            let e = mem.entries[k % mem.entries.len()].clone();
            Act::Post(match how {
                Some(how) => alter(e, *how),
                None => e,
            })
        }
        Op::Batch {
            entries,
            again,
            earlier,
        } => {
            let mut es = entries.clone();
            if let (Some((i, how)), false) = (again, es.is_empty()) {
                let e = i.get(&es).clone();
                es.push(match how {
                    Some(how) => alter(e, *how),
                    None => e,
                });
            }
            if let (Some(k), false) = (earlier, mem.entries.is_empty()) {
                es.push(mem.entries[k % mem.entries.len()].clone());
            }
            mem.entries.extend(entries.iter().cloned());
            Act::Batch(es)
        }
        Op::Hold(h) => {
            mem.holds.push(h.clone());
            Act::Hold(h.clone())
        }
        Op::RepeatHold { k, more } => {
            if mem.holds.is_empty() {
                return None;
            }
            let mut h = mem.holds[k % mem.holds.len()].clone();
            if *more {
                let c = h.amount.currency();
                h.amount = Money::new(h.amount.amount() + Decimal::new(1, 2), c);
            }
            Act::Hold(h)
        }
        Op::Settle {
            hold,
            id,
            amount,
            date,
        } => {
            let h = match hold {
                Pick::Existing(n) if !m.holds.is_empty() => {
                    Some(m.holds[n % m.holds.len()].spec.clone())
                }
                Pick::Named(name) => m
                    .hold_index
                    .get(name.as_str())
                    .map(|i| m.holds[*i].spec.clone()),
                Pick::Existing(_) => None,
            };
            let (hold_id, held, start) = match &h {
                Some(h) => (h.id.clone(), h.amount, h.date),
                None => (
                    HoldId::from("H-none"),
                    Money::from_minor(100, Currency::GBP),
                    FIRST_DAY,
                ),
            };
            let c = held.currency();
            let held_minor = minor(held).unwrap_or(1).max(1);
            let amount = match amount {
                SettleAmount::Part(k) => {
                    Money::from_minor((held_minor * i128::from(*k) / 1000).max(1) as i64, c)
                }
                SettleAmount::Full => held,
                SettleAmount::Over(p) => Money::from_minor(held_minor as i64 + p, c),
                SettleAmount::Zero => Money::zero(c),
                SettleAmount::TooManyDecimals => Money::new(Decimal::new(1, 3), c),
                SettleAmount::WrongCurrency => Money::new(held.amount(), other(c)),
            };
            let act = Act::Settle {
                hold: hold_id,
                entry: mem.id(id, "S"),
                amount,
                date: date.from(start),
            };
            mem.last_settle = Some(act.clone());
            act
        }
        Op::SettleAgain { same } => {
            let mut act = mem.last_settle.clone()?;
            if !*same {
                if let Act::Settle { entry, .. } = &mut act {
                    *entry = mem.fresh("S");
                }
            }
            act
        }
        Op::Release(hold) => Act::Release(match hold {
            Pick::Existing(n) if !m.holds.is_empty() => m.holds[n % m.holds.len()].spec.id.clone(),
            Pick::Existing(_) => "H-none".into(),
            Pick::Named(name) => name.as_str().into(),
        }),
        Op::Expire(d) => Act::Expire(*d),
        Op::Reverse {
            target,
            id,
            date,
            memo,
        } => {
            let (entry, start) = match target {
                Pick::Existing(n) if !m.entries.is_empty() => {
                    let e = &m.entries[n % m.entries.len()].entry;
                    (e.id.clone(), e.date)
                }
                Pick::Existing(_) => ("E-none".into(), FIRST_DAY),
                Pick::Named(name) => (
                    name.as_str().into(),
                    m.entry_index
                        .get(name.as_str())
                        .map_or(FIRST_DAY, |i| m.entries[*i].entry.date),
                ),
            };
            let act = (
                entry,
                mem.id(id, "R"),
                date.from(start),
                if *memo { "keyed twice" } else { "" }.to_string(),
            );
            mem.last_reverse = Some(act.clone());
            Act::Reverse {
                entry: act.0,
                id: act.1,
                date: act.2,
                memo: act.3,
            }
        }
        Op::ReverseAgain { same } => {
            let (entry, id, date, memo) = mem.last_reverse.clone()?;
            let id = if *same { id } else { mem.fresh("R") };
            Act::Reverse {
                entry,
                id,
                date,
                memo,
            }
        }
        Op::ClosePeriod(d) => Act::ClosePeriod(*d),
        Op::CloseAccount(n) => Act::Close(NAMES[*n].0.into()),
        Op::Drain {
            fund,
            penny,
            hold,
            date,
        } => {
            let name = *fund.get(&FUND_NAMES);
            let a = m.accounts.get(name)?;
            let c = a.spec.currency;
            let to = if c == Currency::EUR {
                "eur:provider"
            } else {
                "gbp:provider"
            };
            let room = a.balance - a.held - a.floor().unwrap_or(0) + i128::from(*penny);
            let amount = Money::from_minor(room as i64, c);
            mem.fresh += 1;
            if *hold {
                Act::Hold(NewHold::new(
                    format!("D{}", mem.fresh),
                    name,
                    to,
                    amount,
                    *date,
                ))
            } else {
                Act::Post(
                    NewEntry::new(format!("D{}", mem.fresh), *date).transfer(name, to, amount),
                )
            }
        }
        Op::ExpireAt { hold, day } => {
            let h = match hold {
                Pick::Existing(n) if !m.holds.is_empty() => &m.holds[n % m.holds.len()],
                Pick::Named(name) => &m.holds[*m.hold_index.get(name.as_str())?],
                Pick::Existing(_) => return None,
            };
            let on = h.spec.expires_on.unwrap_or(h.spec.date);
            Act::Expire(match day {
                -1 => on.pred_opt().unwrap(),
                0 => on,
                _ => on.succ_opt().unwrap(),
            })
        }
    })
}

// ----- the test ------------------------------------------------------------------------------

fn money_pence(m: Money) -> i128 {
    minor(m).expect("ledger balances are exact")
}

/// The ledger agrees with the model, and the invariants hold.
fn check_state(l: &Ledger, m: &Model, step: usize) -> Result<(), TestCaseError> {
    prop_assert_eq!(l.accounts().count(), m.accounts.len(), "step {}", step);
    let mut totals: HashMap<Currency, i128> = HashMap::new();
    for a in l.accounts() {
        let ma = &m.accounts[a.id().as_str()];
        let balance = money_pence(a.balance());
        let held = money_pence(a.held());
        prop_assert_eq!(balance, ma.balance, "step {}: balance of {}", step, a.id());
        prop_assert_eq!(held, ma.held, "step {}: held on {}", step, a.id());
        prop_assert_eq!(a.is_closed(), ma.closed, "step {}: {} closed", step, a.id());
        prop_assert_eq!(money_pence(a.available()), balance - held);
        if let Some(floor) = ma.floor() {
            prop_assert!(
                balance - held >= floor,
                "step {}: {} available {} below {}",
                step,
                a.id(),
                balance - held,
                floor
            );
        }
        *totals.entry(a.currency()).or_default() += balance;
    }
    prop_assert!(
        totals.values().all(|t| *t == 0),
        "step {}: totals {:?}",
        step,
        totals
    );
    prop_assert!(l.trial_balance().balances(), "step {}", step);
    if let Err(e) = l.verify() {
        prop_assert!(false, "step {}: {}", step, e);
    }
    prop_assert_eq!(l.entry_count(), m.entries.len(), "step {}", step);
    for (i, me) in m.entries.iter().enumerate() {
        let e = l.entry_at(Seq(i as u64 + 1)).unwrap();
        prop_assert_eq!(e.id(), me.entry.id.as_str(), "step {}", step);
        prop_assert_eq!(e.origin(), me.origin);
        prop_assert_eq!(
            e.reversed_by().map(|r| r.id().to_string()),
            me.reversed_by.clone()
        );
    }
    prop_assert_eq!(l.holds().count(), m.holds.len(), "step {}", step);
    for h in &m.holds {
        let status = l.hold(&h.spec.id).unwrap().status();
        let expected = match h.status {
            MStatus::Active => HoldStatus::Active,
            MStatus::Settled(seq) => HoldStatus::Settled { seq: Seq(seq) },
            MStatus::Released => HoldStatus::Released,
            MStatus::Expired => HoldStatus::Expired,
        };
        prop_assert_eq!(status, expected, "step {}: hold {}", step, h.spec.id);
    }
    prop_assert_eq!(l.closed_through(), m.closed_through, "step {}", step);
    Ok(())
}

/// Balances as at each entry's date (and the day before), and as known after each entry, equal
/// the model's entries folded by date and by sequence.
fn check_dates(l: &Ledger, m: &Model) -> Result<(), TestCaseError> {
    let mut days: Vec<NaiveDate> = m.entries.iter().map(|e| e.entry.date).collect();
    days.sort();
    days.dedup();
    for (name, a) in &m.accounts {
        let id = AccountId::from(name.as_str());
        let fold = |keep: &dyn Fn(usize, &NewEntry) -> bool| -> i128 {
            m.entries
                .iter()
                .enumerate()
                .filter(|(i, e)| keep(*i, &e.entry))
                .flat_map(|(_, e)| &e.entry.postings)
                .filter(|p| p.account == id)
                .map(|p| minor(p.amount).unwrap())
                .sum()
        };
        for d in days.iter().flat_map(|d| [d.pred_opt().unwrap(), *d]) {
            let as_at = money_pence(l.balance_as_at(&id, d).unwrap());
            prop_assert_eq!(as_at, fold(&|_, e| e.date <= d), "{} as at {}", name, d);
        }
        for n in 0..=m.entries.len() {
            let known = money_pence(l.balance_known_after(&id, Seq(n as u64)).unwrap());
            prop_assert_eq!(known, fold(&|i, _| i < n), "{} after #{}", name, n);
        }
        prop_assert_eq!(fold(&|_, _| true), a.balance, "{}", name);
    }
    Ok(())
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut l = Ledger::new();
    let mut m = Model::default();
    let mut mem = Memory::default();
    for (step, op) in ops.iter().enumerate() {
        let Some(act) = resolve(op, &m, &mut mem) else {
            continue;
        };
        let before = l.clone();
        let got = exec(&mut l, &act);
        let want = m.apply(&act);
        match (got, want) {
            (Ok(got), Ok(want)) => {
                prop_assert_eq!(got, want, "step {}: {:?}", step, act);
            }
            (Err(err), Err(why)) => {
                let (linked_index, err_in_group) = match &err {
                    LedgerError::Linked { index, source } => (Some(*index), &**source),
                    other => (None, other),
                };
                prop_assert_eq!(linked_index, why.linked_index, "step {}: {:?}", step, err);
                let (index, inner) = match err_in_group {
                    LedgerError::Batch { index, source } => (Some(*index), &**source),
                    other => (None, other),
                };
                prop_assert_eq!(
                    index,
                    why.batch_index,
                    "step {}: {:?} refused with {:?}, model says {:?}",
                    step,
                    act,
                    err,
                    why
                );
                prop_assert!(
                    why.kinds.contains(&kind(inner)),
                    "step {}: {:?} refused with {:?}, model says {:?}",
                    step,
                    act,
                    err,
                    why
                );
                prop_assert_eq!(
                    &l,
                    &before,
                    "step {}: refused {:?} changed the ledger",
                    step,
                    act
                );
            }
            (Ok(got), Err(why)) => {
                prop_assert!(
                    false,
                    "step {}: ledger accepted {:?} ({:?}); model refuses: {:?}",
                    step,
                    act,
                    got,
                    why
                );
            }
            (Err(err), Ok(want)) => {
                prop_assert!(
                    false,
                    "step {}: ledger refused {:?} with {:?}; model accepts ({:?})",
                    step,
                    act,
                    err,
                    want
                );
            }
        }
        check_state(&l, &m, step)?;
    }
    check_dates(&l, &m)?;
    let mut log = Vec::new();
    l.write_log(&mut log).unwrap();
    let replayed = Ledger::replay(log.as_slice());
    prop_assert!(replayed.is_ok(), "replay: {:?}", replayed.err());
    let replayed = replayed.unwrap();
    prop_assert_eq!(&replayed, &l);
    let mut again = Vec::new();
    replayed.write_log(&mut again).unwrap();
    prop_assert_eq!(again, log);
    Ok(())
}

proptest! {
    // 1,000 cases unless `PROPTEST_CASES` says otherwise.
    #![proptest_config(support::config_with_cases("model", 1000))]

    #[test]
    fn ledger_agrees_with_the_model(ops in sequence()) {
        run(&ops)?;
    }
}

/// The model itself: a short scripted story whose every answer is known.
#[test]
fn the_model_knows_a_simple_story() {
    let day = FIRST_DAY;
    let ops = vec![
        Op::Open(NewAccount::new(
            "gbp:council",
            AccountKind::Income,
            Currency::GBP,
        )),
        Op::Open(
            NewAccount::new("gbp:fund-1", AccountKind::Fund, Currency::GBP)
                .rule(BalanceRule::NonNegative),
        ),
        Op::Open(NewAccount::new(
            "gbp:provider",
            AccountKind::Expense,
            Currency::GBP,
        )),
        Op::Post(NewEntry::new("E0", day).transfer(
            "gbp:council",
            "gbp:fund-1",
            Money::from_minor(10_000, Currency::GBP),
        )),
        Op::Hold(NewHold::new(
            "H0",
            "gbp:fund-1",
            "gbp:provider",
            Money::from_minor(8_000, Currency::GBP),
            day,
        )),
        // Over what the fund has left once the hold is counted: refused.
        Op::Post(NewEntry::new("E1", day).transfer(
            "gbp:fund-1",
            "gbp:provider",
            Money::from_minor(2_001, Currency::GBP),
        )),
        Op::Settle {
            hold: Pick::Named("H0".into()),
            id: NewId::Fresh,
            amount: SettleAmount::Part(500),
            date: When::After(1),
        },
        Op::Reverse {
            target: Pick::Named("E0".into()),
            id: NewId::Fresh,
            date: When::After(2),
            memo: true,
        },
        Op::ReverseAgain { same: true },
        Op::ReverseAgain { same: false },
    ];
    let mut m = Model::default();
    let mut mem = Memory::default();
    let mut results = Vec::new();
    for op in &ops {
        let act = resolve(op, &m, &mut mem).unwrap();
        results.push(m.apply(&act).map_err(|r| r.kinds));
    }
    assert!(results[..5].iter().all(Result::is_ok), "{results:?}");
    assert_eq!(results[5], Err(vec!["LimitBreached"]));
    assert_eq!(results[6], Ok(Out::Receipts(vec![receipt(1, false)])));
    assert_eq!(m.accounts["gbp:fund-1"].balance, 6_000);
    assert_eq!(m.accounts["gbp:fund-1"].held, 0);
    // Reversing the payment in would take the fund to -40.00: refused.
    assert_eq!(results[7], Err(vec!["LimitBreached"]));
    run(&ops).unwrap();
}
