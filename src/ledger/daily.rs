//! One account's balances as at each day, whatever order its postings arrive in.
//!
//! Postings dated on or after the account's latest day extend a sorted run of end-of-day running
//! totals: O(1). A back-dated posting (dated before that day) is appended to a short unsorted
//! list of late postings: O(1). When the late list outgrows an eighth of the run, the next posting
//! merges it into the run: O(days + k log k) for k late postings, so O(log n) per posting
//! amortized. A query binary-searches the run and the late list, which is sorted with running
//! totals on the first query after it changed: O(log n).
//!
//! Memory per distinct day is what it was with running totals alone (a date and a decimal); the
//! late list never holds more than an eighth of that again (plus a few), and its sorted copy only
//! after a query.

use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::sums::{bounded_add, grow};

/// Late postings are merged once there are more than this many plus an eighth of the run's days.
const LATE_SLACK: usize = 16;

/// One account's end-of-day balances. See the module docs.
#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Default)]
pub(super) struct Daily {
    /// Distinct dates in order, each with the running total of the run's postings to the end of
    /// that day.
    run: Vec<(NaiveDate, Decimal)>,
    /// Postings dated before the run's last day when they arrived, in arrival order.
    late: Vec<(NaiveDate, Decimal)>,
    /// `late` sorted by date with running totals per distinct date, built on the first query
    /// after `late` changed. Not kept in a snapshot: it is rebuilt on demand.
    #[cfg_attr(feature = "book", serde(skip))]
    sorted_late: OnceLock<Vec<(NaiveDate, Decimal)>>,
}

/// What undoing a linked group needs to put a [`Daily`] back: lengths and the run's last total.
/// Valid because no merge happens while a linked group is open.
#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct DailyMark {
    run: usize,
    last: Option<(NaiveDate, Decimal)>,
    late: usize,
}

impl PartialEq for Daily {
    /// Two accounts' daily balances are equal when they give the same balance on every day,
    /// however their postings were split between the run and the late list.
    fn eq(&self, other: &Daily) -> bool {
        if self.late.is_empty() && other.late.is_empty() {
            self.run == other.run
        } else {
            self.days() == other.days()
        }
    }
}

impl Daily {
    /// Adds `delta` to the balance at the end of `date` and every later day. `may_merge` is
    /// false while a linked group is open (so that it can be undone from a [`DailyMark`]).
    pub(super) fn add(&mut self, date: NaiveDate, delta: Decimal, may_merge: bool) {
        match self.run.last_mut() {
            None => self.run.push((date, delta)),
            Some((last, total)) if *last == date => *total = bounded_add(*total, delta),
            Some((last, total)) if *last < date => {
                let next = bounded_add(*total, delta);
                grow(&mut self.run, 1);
                self.run.push((date, next));
            }
            Some(_) => {
                self.late.push((date, delta));
                self.sorted_late = OnceLock::new();
                if may_merge && self.late.len() > LATE_SLACK + self.run.len() / 8 {
                    self.merge();
                }
            }
        }
    }

    /// Folds the late postings into the run.
    fn merge(&mut self) {
        let mut days = self.days();
        days.shrink_to_fit();
        self.run = days;
        self.late = Vec::new();
        self.sorted_late = OnceLock::new();
    }

    /// The balance at the end of `date`. O(log n).
    pub(super) fn as_at(&self, date: NaiveDate) -> Decimal {
        let base = total_through(&self.run, date);
        if self.late.is_empty() {
            return base;
        }
        let sorted = self.sorted_late.get_or_init(|| running(&self.late));
        bounded_add(base, total_through(sorted, date))
    }

    /// Every distinct day with the balance at its end, in date order.
    pub(super) fn days(&self) -> Vec<(NaiveDate, Decimal)> {
        if self.late.is_empty() {
            return self.run.clone();
        }
        let late = running(&self.late);
        let mut out = Vec::with_capacity(self.run.len() + late.len());
        let (mut i, mut j) = (0, 0);
        let (mut run_total, mut late_total) = (Decimal::ZERO, Decimal::ZERO);
        while i < self.run.len() || j < late.len() {
            let date = match (self.run.get(i), late.get(j)) {
                (Some(r), Some(l)) => r.0.min(l.0),
                (Some(r), None) => r.0,
                (None, Some(l)) => l.0,
                (None, None) => break,
            };
            if let Some(r) = self.run.get(i).filter(|r| r.0 == date) {
                run_total = r.1;
                i += 1;
            }
            if let Some(l) = late.get(j).filter(|l| l.0 == date) {
                late_total = l.1;
                j += 1;
            }
            out.push((date, bounded_add(run_total, late_total)));
        }
        out
    }

    /// [`Daily::days`], borrowed when nothing is late.
    pub(super) fn days_cow(&self) -> std::borrow::Cow<'_, [(NaiveDate, Decimal)]> {
        if self.late.is_empty() {
            std::borrow::Cow::Borrowed(&self.run)
        } else {
            std::borrow::Cow::Owned(self.days())
        }
    }

    /// The number of distinct days in the run plus late postings: what the structure holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.run.len() + self.late.len()
    }

    pub(super) fn mark(&self) -> DailyMark {
        DailyMark {
            run: self.run.len(),
            last: self.run.last().copied(),
            late: self.late.len(),
        }
    }

    pub(super) fn restore(&mut self, mark: DailyMark) {
        self.run.truncate(mark.run);
        if let (Some(last), Some(slot)) = (mark.last, self.run.last_mut()) {
            *slot = last;
        }
        if self.late.len() != mark.late {
            self.late.truncate(mark.late);
            self.sorted_late = OnceLock::new();
        }
    }

    /// Changes the total at the end of the run's last day: for tests that plant corruption.
    #[cfg(test)]
    pub(super) fn corrupt_last(&mut self, delta: Decimal) {
        if let Some(last) = self.run.last_mut() {
            last.1 = bounded_add(last.1, delta);
        }
    }
}

/// The total at the end of `date` in a list of running totals by date.
fn total_through(days: &[(NaiveDate, Decimal)], date: NaiveDate) -> Decimal {
    let n = days.partition_point(|(d, _)| *d <= date);
    if n == 0 { Decimal::ZERO } else { days[n - 1].1 }
}

/// Movements in any order as running totals per distinct date, in date order.
pub(super) fn running(moves: &[(NaiveDate, Decimal)]) -> Vec<(NaiveDate, Decimal)> {
    let mut sorted = moves.to_vec();
    // Stable, and linear on input that is already in order.
    sorted.sort_by_key(|m| m.0);
    fold_sorted(&mut sorted);
    sorted
}

/// Turns movements sorted by date into running totals per distinct date, in place.
pub(super) fn fold_sorted(sorted: &mut Vec<(NaiveDate, Decimal)>) {
    let mut out = 0;
    let mut total = Decimal::ZERO;
    for i in 0..sorted.len() {
        let (date, amount) = sorted[i];
        total = bounded_add(total, amount);
        if out > 0 && sorted[out - 1].0 == date {
            sorted[out - 1].1 = total;
        } else {
            sorted[out] = (date, total);
            out += 1;
        }
    }
    sorted.truncate(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(u64::from(n))
    }

    /// Whatever the order and whether merges happen, every day's balance is the fold of the
    /// postings dated up to it.
    #[test]
    fn any_order_gives_the_fold() {
        let moves: Vec<(u32, i64)> = (0..500u32)
            .map(|i| ((i * 7919) % 97, i64::from(i % 13) - 6))
            .collect();
        for may_merge in [true, false] {
            let mut daily = Daily::default();
            for &(d, amount) in &moves {
                daily.add(day(d), Decimal::from(amount), may_merge);
            }
            for d in 0..100 {
                let want: i64 = moves.iter().filter(|m| m.0 <= d).map(|m| m.1).sum();
                assert_eq!(daily.as_at(day(d)), Decimal::from(want), "day {d}");
            }
            let days = daily.days();
            assert_eq!(days.len(), 97);
            assert!(days.windows(2).all(|w| w[0].0 < w[1].0));
            if may_merge {
                assert!(daily.late.len() <= LATE_SLACK + daily.run.len() / 8);
            }
        }
    }

    #[test]
    fn restore_undoes_adds_made_after_the_mark() {
        let mut daily = Daily::default();
        for d in [5, 3, 9, 9] {
            daily.add(day(d), Decimal::ONE, true);
        }
        let before = daily.clone();
        let mark = daily.mark();
        for d in [9, 1, 12, 4] {
            daily.add(day(d), Decimal::TWO, false);
        }
        assert_ne!(daily, before);
        daily.restore(mark);
        assert_eq!(daily.days(), before.days());
        assert_eq!(daily.len(), before.len());
    }
}
