//! Pairing statement lines with ledger lines: [`MatchOptions`] and [`reconcile`].

use std::cmp::Ordering;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::error::ReconcileError;
use super::lines::{LedgerLine, StatementLine};
use super::reconciliation::MatchOptions;
use super::reconciliation::{DuplicateReason, Match, Reconciliation, SuspectedDuplicate, Totals};
use crate::money::{Currency, Money};

fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

fn reference_key(reference: &str) -> String {
    reference.trim().to_lowercase()
}

/// Calls `pair` for each group of equal keys present on both sides; both sides are sorted by
/// key first.
fn for_each_group<K: Ord>(
    left: &[usize],
    left_key: impl Fn(usize) -> K,
    right: &[usize],
    right_key: impl Fn(usize) -> K,
    mut pair: impl FnMut(&[usize], &[usize]),
) {
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        let (a, b) = (left_key(left[i]), right_key(right[j]));
        match a.cmp(&b) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                let i_end = i + left[i..].partition_point(|&x| left_key(x) == a);
                let j_end = j + right[j..].partition_point(|&x| right_key(x) == b);
                pair(&left[i..i_end], &right[j..j_end]);
                i = i_end;
                j = j_end;
            }
        }
    }
}

/// Pairs statement lines with ledger lines as the module docs describe, and reports the
/// result.
///
/// # Errors
///
/// [`ReconcileError::CurrencyMismatch`] naming a line not in the options' currency, and
/// [`MoneyError`](crate::MoneyError) if a total overflows.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::reconcile::{reconcile, LedgerLine, MatchOptions, StatementLine};
/// use isf_ledger::{Currency, Seq};
///
/// let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
/// let statement = [
///     StatementLine::new(day(8), "ACME CARE", "-50.00 GBP".parse()?),
///     StatementLine::new(day(8), "ACME CARE", "-50.00 GBP".parse()?),
/// ];
/// let books = [LedgerLine::new("claim-3", Seq(1), day(7), "-50.00 GBP".parse()?)];
/// let report = reconcile(&statement, &books, &MatchOptions::new(Currency::GBP))?;
/// assert_eq!(report.matched.len(), 1);
/// assert_eq!(report.unmatched_statement.len(), 1);
/// // Both lines are identical, and the second could only have matched the taken entry.
/// assert_eq!(report.duplicates.len(), 3);
///
/// let euros = [LedgerLine::new("x", Seq(2), day(7), "-50.00 EUR".parse()?)];
/// let err = reconcile(&statement, &euros, &MatchOptions::new(Currency::GBP)).unwrap_err();
/// assert_eq!(err.to_string(), "ledger line 2025-04-07 -50.00 EUR entry x is in EUR, not GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reconcile(
    statement: &[StatementLine],
    ledger: &[LedgerLine],
    options: &MatchOptions,
) -> Result<Reconciliation, crate::error::Error> {
    check_currency(statement, ledger, options.currency())?;
    let sides = Sides::new(statement, ledger, options);
    let mut pairing = Pairing {
        s_match: vec![None; statement.len()],
        l_taken: vec![None; ledger.len()],
    };
    sides.pair_by_reference(&mut pairing);
    if !options.requires_reference() {
        sides.pair_by_amount(&mut pairing);
    }
    let by_content = sides.s_order.clone();
    let mut duplicates = sides.repeated(&by_content);
    sides.candidates_taken(&pairing, &by_content, &mut duplicates);
    duplicates.sort();
    sides.report(&pairing, &by_content, duplicates)
}

/// Refuses a line in a currency other than `currency`.
fn check_currency(
    statement: &[StatementLine],
    ledger: &[LedgerLine],
    currency: Currency,
) -> Result<(), ReconcileError> {
    for s in statement {
        if s.amount.currency() != currency {
            return Err(ReconcileError::CurrencyMismatch {
                what: format!("statement line {s}"),
                expected: currency,
                found: s.amount.currency(),
            });
        }
    }
    for l in ledger {
        if l.amount.currency() != currency {
            return Err(ReconcileError::CurrencyMismatch {
                what: format!("ledger line {l}"),
                expected: currency,
                found: l.amount.currency(),
            });
        }
    }
    Ok(())
}

/// Which ledger line each statement line was paired with (and whether by reference), and
/// which statement line took each ledger line.
struct Pairing {
    s_match: Vec<Option<(usize, bool)>>,
    l_taken: Vec<Option<usize>>,
}

/// Both sides, in one currency, with what pairing looks up: day numbers and reference keys.
/// Amounts are compared as decimals, since every line is in the options' currency.
struct Sides<'a> {
    statement: &'a [StatementLine],
    ledger: &'a [LedgerLine],
    options: &'a MatchOptions,
    window: i64,
    s_day: Vec<i64>,
    l_day: Vec<i64>,
    s_ref: Vec<Option<String>>,
    /// Statement lines in canonical order (by content), and each line's place in it.
    s_order: Vec<usize>,
    s_rank: Vec<u32>,
    /// Ledger lines in canonical order (date, entry, seq, …), and each line's place in it.
    l_order: Vec<usize>,
    l_rank: Vec<u32>,
    /// Each line's reference as a small number, equal numbers for equal references (the
    /// statement's `u32::MAX` when it has none).
    s_ref_id: Vec<u32>,
    l_ref_id: Vec<u32>,
    /// Each line's amount as its place among the distinct amounts of both sides: equal for
    /// equal amounts, ordered as the amounts are.
    s_amt: Vec<u32>,
    l_amt: Vec<u32>,
}

/// The amounts of both sides as ranks among the distinct amounts: statement lines first.
fn amount_ranks(statement: &[StatementLine], ledger: &[LedgerLine]) -> (Vec<u32>, Vec<u32>) {
    let n = statement.len();
    let mut all: Vec<(Decimal, usize)> = statement
        .iter()
        .map(|s| s.amount.amount())
        .chain(ledger.iter().map(|l| l.amount.amount()))
        .enumerate()
        .map(|(i, a)| (a, i))
        .collect();
    all.sort_unstable_by_key(|a| a.0);
    let mut ranks = vec![0u32; all.len()];
    let mut rank = 0u32;
    for k in 0..all.len() {
        if k > 0 && all[k].0 != all[k - 1].0 {
            rank += 1;
        }
        ranks[all[k].1] = rank;
    }
    let l_amt = ranks.split_off(n);
    (ranks, l_amt)
}

/// Indices sorted by `cmp`, and each index's place in that order.
fn order_and_rank(n: usize, cmp: impl Fn(usize, usize) -> Ordering) -> (Vec<usize>, Vec<u32>) {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| cmp(*a, *b));
    let mut rank = vec![0u32; n];
    for (place, &i) in order.iter().enumerate() {
        rank[i] = place as u32;
    }
    (order, rank)
}

impl<'a> Sides<'a> {
    fn new(
        statement: &'a [StatementLine],
        ledger: &'a [LedgerLine],
        options: &'a MatchOptions,
    ) -> Sides<'a> {
        let s_ref: Vec<Option<String>> = statement
            .iter()
            .map(|s| s.reference.as_deref().map(reference_key))
            .collect();
        let l_ref: Vec<String> = ledger.iter().map(|l| reference_key(&l.reference)).collect();
        let (l_ref_id, s_ref_id) = {
            let mut ids: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
            let mut l_ids = Vec::with_capacity(l_ref.len());
            for r in &l_ref {
                let next = ids.len() as u32;
                l_ids.push(*ids.entry(r.as_str()).or_insert(next));
            }
            let mut s_ids = Vec::with_capacity(s_ref.len());
            for r in &s_ref {
                let id = match r {
                    Some(r) => {
                        let next = ids.len() as u32;
                        *ids.entry(r.as_str()).or_insert(next)
                    }
                    None => u32::MAX,
                };
                s_ids.push(id);
            }
            (l_ids, s_ids)
        };
        let (s_amt, l_amt) = amount_ranks(statement, ledger);
        let (s_order, s_rank) =
            order_and_rank(statement.len(), |a, b| statement[a].cmp(&statement[b]));
        let (l_order, l_rank) = order_and_rank(ledger.len(), |a, b| ledger[a].cmp(&ledger[b]));
        Sides {
            statement,
            ledger,
            options,
            window: i64::from(options.window()),
            s_day: statement.iter().map(|s| day_number(s.date)).collect(),
            l_day: ledger.iter().map(|l| day_number(l.date)).collect(),
            s_ref,
            s_order,
            s_rank,
            l_order,
            l_rank,
            s_ref_id,
            l_ref_id,
            s_amt,
            l_amt,
        }
    }

    // The canonical orders: statement lines by content (date first), ledger lines by
    // (date, entry, seq, …); the groups below are stable sub-sequences of these. Sorting uses
    // small precomputed keys (amount, reference number, rank in the canonical order) rather than
    // comparing the lines themselves.

    /// Indices sorted by a key that ends in the canonical rank (so sorts need not be stable).
    fn sorted<K: Ord>(&self, mut idx: Vec<usize>, key: impl Fn(usize) -> K) -> Vec<usize> {
        let mut keyed: Vec<(K, usize)> = idx.iter().map(|&i| (key(i), i)).collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        idx.clear();
        idx.extend(keyed.into_iter().map(|(_, i)| i));
        idx
    }

    fn s_amount(&self, i: usize) -> u32 {
        self.s_amt[i]
    }

    fn l_amount(&self, i: usize) -> u32 {
        self.l_amt[i]
    }

    /// Within a group both sides are in date order; each statement line takes the earliest
    /// free ledger line no more than the window before it and no more than it after.
    fn greedy(&self, ss: &[usize], ls: &[usize], by_reference: bool, pairing: &mut Pairing) {
        let mut j = 0;
        for &s in ss {
            let d = self.s_day[s];
            while j < ls.len() && self.l_day[ls[j]] < d - self.window {
                j += 1;
            }
            if j < ls.len() && self.l_day[ls[j]] <= d + self.window {
                pairing.s_match[s] = Some((ls[j], by_reference));
                pairing.l_taken[ls[j]] = Some(s);
                j += 1;
            }
        }
    }

    /// Pass 1: by (amount, reference).
    fn pair_by_reference(&self, pairing: &mut Pairing) {
        let mut ss: Vec<usize> = (0..self.statement.len())
            .filter(|&i| self.s_ref[i].is_some())
            .collect();
        let s_key = |i: usize| (self.s_amount(i), self.s_ref_id[i]);
        ss = self.sorted(ss, |i| (s_key(i), self.s_rank[i]));
        let ls: Vec<usize> = (0..self.ledger.len()).collect();
        let l_key = |i: usize| (self.l_amount(i), self.l_ref_id[i]);
        let ls = self.sorted(ls, |i| (l_key(i), self.l_rank[i]));
        for_each_group(&ss, s_key, &ls, l_key, |sg, lg| {
            self.greedy(sg, lg, true, pairing);
        });
    }

    /// Pass 2: what is left, by amount alone.
    fn pair_by_amount(&self, pairing: &mut Pairing) {
        let mut ss: Vec<usize> = (0..self.statement.len())
            .filter(|&i| pairing.s_match[i].is_none())
            .collect();
        ss = self.sorted(ss, |i| (self.s_amount(i), self.s_rank[i]));
        let ls: Vec<usize> = (0..self.ledger.len())
            .filter(|&i| pairing.l_taken[i].is_none())
            .collect();
        let ls = self.sorted(ls, |i| (self.l_amount(i), self.l_rank[i]));
        for_each_group(
            &ss,
            |i| self.s_amount(i),
            &ls,
            |i| self.l_amount(i),
            |sg, lg| self.greedy(sg, lg, false, pairing),
        );
    }

    /// [`DuplicateReason::Repeated`]: every line of each group of identical statement lines.
    fn repeated(&self, by_content: &[usize]) -> Vec<SuspectedDuplicate> {
        let mut duplicates = Vec::new();
        let mut start = 0;
        while start < by_content.len() {
            let first = &self.statement[by_content[start]];
            let end = start
                + by_content[start..]
                    .partition_point(|&i| self.statement[i].repeat_cmp(first) == Ordering::Equal);
            if end - start >= 2 {
                for &i in &by_content[start..end] {
                    duplicates.push(SuspectedDuplicate {
                        line: self.statement[i].clone(),
                        reason: DuplicateReason::Repeated {
                            copies: end - start,
                        },
                    });
                }
            }
            start = end.max(start + 1);
        }
        duplicates
    }

    /// [`DuplicateReason::CandidateTaken`]: unmatched statement lines whose every candidate
    /// within the window was taken, naming the nearest.
    fn candidates_taken(
        &self,
        pairing: &Pairing,
        by_content: &[usize],
        duplicates: &mut Vec<SuspectedDuplicate>,
    ) {
        // Every ledger line by (amount, date, entry, …), with a running count of the free ones.
        let all_l: Vec<usize> = (0..self.ledger.len()).collect();
        let all_l = self.sorted(all_l, |i| (self.l_amount(i), self.l_rank[i]));
        let mut free_before = Vec::with_capacity(all_l.len() + 1);
        free_before.push(0usize);
        for &l in &all_l {
            let last = free_before.last().copied().unwrap_or(0);
            free_before.push(last + usize::from(pairing.l_taken[l].is_none()));
        }
        let l_day = &self.l_day;
        // The sort keys side by side, so the binary searches below read one array.
        let keys: Vec<(u32, i64)> = all_l.iter().map(|&i| (self.l_amt[i], l_day[i])).collect();
        for s in by_content
            .iter()
            .copied()
            .filter(|&s| pairing.s_match[s].is_none())
        {
            let amount = self.s_amount(s);
            let d = self.s_day[s];
            let lo = keys.partition_point(|k| *k < (amount, d - self.window));
            let hi = keys.partition_point(|k| *k <= (amount, d + self.window));
            if lo >= hi || free_before[hi] != free_before[lo] {
                continue;
            }
            // The nearest candidate: the first on or after the date, or the first of the last
            // date before it, whichever is nearer (earlier on a tie).
            let p = lo + all_l[lo..hi].partition_point(|&i| l_day[i] < d);
            let after = (p < hi).then(|| all_l[p]);
            let before = (p > lo).then(|| {
                let day_before = l_day[all_l[p - 1]];
                all_l[lo + all_l[lo..p].partition_point(|&i| l_day[i] < day_before)]
            });
            let nearest = match (before, after) {
                (Some(b), Some(a)) => {
                    if d - l_day[b] <= l_day[a] - d {
                        b
                    } else {
                        a
                    }
                }
                (Some(b), None) => b,
                (None, Some(a)) => a,
                (None, None) => continue,
            };
            if let Some(taker) = pairing.l_taken[nearest] {
                duplicates.push(SuspectedDuplicate {
                    line: self.statement[s].clone(),
                    reason: DuplicateReason::CandidateTaken {
                        entry: self.ledger[nearest].entry.clone(),
                        taken_by: Box::new(self.statement[taker].clone()),
                    },
                });
            }
        }
    }

    /// The report, in canonical order.
    fn report(
        &self,
        pairing: &Pairing,
        by_content: &[usize],
        duplicates: Vec<SuspectedDuplicate>,
    ) -> Result<Reconciliation, crate::error::Error> {
        let zero = Money::zero(self.options.currency());
        let mut totals = Totals {
            statement: zero,
            ledger: zero,
            matched: zero,
            unmatched_statement: zero,
            unmatched_ledger: zero,
        };
        let mut matched = Vec::new();
        let mut unmatched_statement = Vec::new();
        for &s in by_content {
            let line = &self.statement[s];
            totals.statement = totals.statement.checked_add(line.amount)?;
            match pairing.s_match[s] {
                Some((l, by_reference)) => {
                    totals.matched = totals.matched.checked_add(line.amount)?;
                    matched.push(Match {
                        statement: line.clone(),
                        ledger: self.ledger[l].clone(),
                        days: self.s_day[s] - self.l_day[l],
                        by_reference,
                    });
                }
                None => {
                    totals.unmatched_statement =
                        totals.unmatched_statement.checked_add(line.amount)?;
                    unmatched_statement.push(line.clone());
                }
            }
        }
        let mut unmatched_ledger = Vec::new();
        for &l in &self.l_order {
            let amount = self.ledger[l].amount;
            totals.ledger = totals.ledger.checked_add(amount)?;
            if pairing.l_taken[l].is_none() {
                totals.unmatched_ledger = totals.unmatched_ledger.checked_add(amount)?;
                unmatched_ledger.push(self.ledger[l].clone());
            }
        }
        Ok(Reconciliation {
            options: *self.options,
            matched,
            unmatched_statement,
            unmatched_ledger,
            duplicates,
            totals,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Seq;

    #[test]
    fn greedy_pairs_as_many_as_possible() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
        let m = |s: &str| s.parse::<Money>().unwrap();
        let statement = [
            StatementLine::new(day(5), "a", m("-10.00 GBP")),
            StatementLine::new(day(8), "b", m("-10.00 GBP")),
        ];
        let ledger = [
            LedgerLine::new("x", Seq(1), day(5), m("-10.00 GBP")),
            LedgerLine::new("y", Seq(2), day(2), m("-10.00 GBP")),
        ];
        let report = reconcile(&statement, &ledger, &MatchOptions::new(Currency::GBP)).unwrap();
        assert_eq!(report.matched.len(), 2);
        assert!(report.is_complete());
    }

    #[test]
    fn reference_is_preferred_and_can_be_required() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
        let m = |s: &str| s.parse::<Money>().unwrap();
        let statement = [StatementLine::new(day(5), "a", m("-10.00 GBP")).reference("INV 2")];
        let ledger = [
            LedgerLine::new("inv 1", Seq(1), day(5), m("-10.00 GBP")),
            LedgerLine::new("INV 2 ", Seq(2), day(7), m("-10.00 GBP")),
        ];
        let options = MatchOptions::new(Currency::GBP);
        let report = reconcile(&statement, &ledger, &options).unwrap();
        assert_eq!(report.matched[0].ledger.entry.as_str(), "INV 2 ");
        assert!(report.matched[0].by_reference);
        let statement = [StatementLine::new(day(5), "a", m("-10.00 GBP")).reference("INV 3")];
        let report = reconcile(&statement, &ledger, &options).unwrap();
        assert_eq!(report.matched.len(), 1);
        assert!(!report.matched[0].by_reference);
        let report = reconcile(&statement, &ledger, &options.require_reference(true)).unwrap();
        assert!(report.matched.is_empty());
        assert!(report.duplicates.is_empty());
    }
}
