//! [`Ledger::verify`]: recompute everything from the postings and report any mismatch.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::store::AccountState;
use super::{AccountId, EntryId, HoldStatus, Ledger};
use crate::money::{Currency, Money};

/// One thing [`Ledger::verify`] found wrong. A ledger built through its public API never has
/// any; this exists so that an auditor (or a fuzzer) can be shown that.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Discrepancy {
    /// An entry's postings do not sum to zero in a currency.
    EntryUnbalanced {
        /// The entry.
        entry: EntryId,
        /// What they sum to.
        total: Money,
    },
    /// A maintained balance differs from the fold of the account's postings.
    Balance {
        /// The account.
        account: AccountId,
        /// The balance the ledger keeps.
        maintained: Money,
        /// The fold of the postings.
        recomputed: Money,
    },
    /// An account's held amount differs from the sum of its active holds.
    Held {
        /// The account.
        account: AccountId,
        /// The held amount the ledger keeps.
        maintained: Money,
        /// The sum of its active holds.
        recomputed: Money,
    },
    /// An account's running balance after an entry differs from the fold up to it.
    History {
        /// The account.
        account: AccountId,
        /// The entry.
        entry: EntryId,
    },
    /// An account's balance at the end of a day differs from the fold of postings dated up to it.
    AsAt {
        /// The account.
        account: AccountId,
        /// The day.
        date: NaiveDate,
    },
    /// An account's available balance is below its limit.
    BelowLimit {
        /// The account.
        account: AccountId,
        /// Its available balance.
        available: Money,
    },
    /// An entry cannot be found by its id.
    Index {
        /// The entry.
        entry: EntryId,
    },
    /// The index of entries by a metadata key's value ([`Ledger::index_metadata_key`]) differs
    /// from the entries.
    MetadataIndex {
        /// The key.
        key: String,
    },
    /// The sum of all balances in a currency is not zero.
    Total {
        /// What they sum to.
        total: Money,
    },
}

impl fmt::Display for Discrepancy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Discrepancy::EntryUnbalanced { entry, total } => {
                write!(f, "entry {entry} sums to {total}")
            }
            Discrepancy::Balance {
                account,
                maintained,
                recomputed,
            } => write!(
                f,
                "{account}: balance {maintained}, postings sum to {recomputed}"
            ),
            Discrepancy::Held {
                account,
                maintained,
                recomputed,
            } => write!(
                f,
                "{account}: held {maintained}, active holds sum to {recomputed}"
            ),
            Discrepancy::History { account, entry } => {
                write!(f, "{account}: running balance after {entry} is wrong")
            }
            Discrepancy::AsAt { account, date } => {
                write!(f, "{account}: balance as at {date} is wrong")
            }
            Discrepancy::BelowLimit { account, available } => {
                write!(f, "{account}: available {available} is below its limit")
            }
            Discrepancy::Index { entry } => write!(f, "entry {entry} is missing from the index"),
            Discrepancy::MetadataIndex { key } => {
                write!(
                    f,
                    "the index by metadata key {} differs from the entries",
                    crate::error::echo(key)
                )
            }
            Discrepancy::Total { total } => write!(f, "all balances sum to {total}"),
        }
    }
}

/// What [`Ledger::verify`] checked, when it found nothing wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Verified {
    /// Accounts checked.
    pub accounts: usize,
    /// Entries checked.
    pub entries: usize,
    /// Postings folded.
    pub postings: usize,
}

/// What [`Ledger::verify`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ledger failed verification: {} discrepancies, first: {}", .discrepancies.len(), .discrepancies.first().map(ToString::to_string).unwrap_or_default())]
pub struct VerifyError {
    /// Every discrepancy found.
    pub discrepancies: Vec<Discrepancy>,
}

impl Ledger {
    /// Recomputes every balance, running balance, daily balance and held amount from the postings
    /// and holds alone, checks every entry balances, every entry is found by its id and every
    /// limit holds, and reports any mismatch. O(postings): one pass over the entries in order,
    /// one over the entry-id index, and one over each account's lines in order.
    ///
    /// # Errors
    ///
    /// [`VerifyError`] listing every [`Discrepancy`].
    ///
    /// ```
    /// use isf_ledger::Ledger;
    /// let ledger = Ledger::new();
    /// assert_eq!(ledger.verify()?.entries, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self) -> Result<Verified, VerifyError> {
        let mut found = Vec::new();
        let by_entries = self.check_entries(&mut found);
        self.check_index(&mut found);
        self.check_metadata_index(&mut found);
        let held = self.recompute_held();
        let mut totals: BTreeMap<Currency, Decimal> = BTreeMap::new();
        let mut scratch = Vec::new();
        for (a, state) in self.accounts.iter().enumerate() {
            add_to(
                totals.entry(state.spec.currency).or_default(),
                state.balance,
            );
            let from_entries = (by_entries.balances[a], by_entries.counts[a]);
            self.check_account(a, &by_entries.dates, from_entries, &mut scratch, &mut found);
            check_held_and_limit(state, held[a], &mut found);
        }
        for (currency, total) in totals {
            if !total.is_zero() {
                found.push(Discrepancy::Total {
                    total: Money::new(total, currency),
                });
            }
        }
        if found.is_empty() {
            Ok(Verified {
                accounts: self.accounts.len(),
                entries: self.entries.len(),
                postings: self.postings.len(),
            })
        } else {
            Err(VerifyError {
                discrepancies: found,
            })
        }
    }

    /// Walks the entries in order: checks each balances per currency, notes each posting's date,
    /// and folds the postings into balances and counts by account.
    fn check_entries(&self, found: &mut Vec<Discrepancy>) -> ByEntries {
        let currency: Vec<Currency> = self.accounts.iter().map(|s| s.spec.currency).collect();
        let mut r = ByEntries {
            balances: vec![Decimal::ZERO; currency.len()],
            counts: vec![0; currency.len()],
            dates: Vec::with_capacity(self.postings.len()),
        };
        for rec in &self.entries {
            let postings = self.posting_recs(rec);
            let first = postings.first().map(|p| currency[p.account as usize]);
            let mut total = Decimal::ZERO;
            let mut mixed = false;
            for p in postings {
                let a = p.account as usize;
                mixed |= Some(currency[a]) != first;
                total = super::bounded_add(total, p.amount);
                add_to(&mut r.balances[a], p.amount);
                r.counts[a] += 1;
            }
            // Postings are recorded contiguously in entry order.
            r.dates
                .resize(rec.first_posting as usize + postings.len(), rec.date);
            if mixed {
                let mut sums: BTreeMap<Currency, Decimal> = BTreeMap::new();
                for p in postings {
                    add_to(
                        sums.entry(currency[p.account as usize]).or_default(),
                        p.amount,
                    );
                }
                for (currency, total) in sums {
                    if !total.is_zero() {
                        found.push(Discrepancy::EntryUnbalanced {
                            entry: EntryId::from(self.text_of(rec.id)),
                            total: Money::new(total, currency),
                        });
                    }
                }
            } else if let (Some(currency), false) = (first, total.is_zero()) {
                found.push(Discrepancy::EntryUnbalanced {
                    entry: EntryId::from(self.text_of(rec.id)),
                    total: Money::new(total, currency),
                });
            }
        }
        r
    }

    /// The entry-id index in one pass over the entries in order: each entry must be found by its
    /// id (in its hash slot, or in the collisions when the slot holds another id), and the index
    /// must hold no more ids than there are entries, so no slot points anywhere else.
    fn check_index(&self, found: &mut Vec<Discrepancy>) {
        let index = &self.entry_index;
        for (i, rec) in self.entries.iter().enumerate() {
            let i = i as u32;
            let id = self.text_of(rec.id);
            let ok = match index.by_hash.get(&super::store::id_hash(id)) {
                Some(&slot) if slot == i => true,
                Some(&slot) => {
                    let other = self.entries.get(slot as usize).map(|r| self.text_of(r.id));
                    other.is_some_and(|o| o != id) && index.collisions.get(id) == Some(&i)
                }
                None => false,
            };
            if !ok {
                found.push(Discrepancy::Index {
                    entry: EntryId::from(id),
                });
            }
        }
        let indexed = index.by_hash.len() + index.collisions.len();
        if indexed != self.entries.len() {
            // Some slot points at an entry another slot also reaches: name the first such.
            let mut seen = vec![false; self.entries.len()];
            let slots = index.by_hash.values().chain(index.collisions.values());
            for &slot in slots {
                match seen.get_mut(slot as usize) {
                    Some(s) if !*s => *s = true,
                    _ => {
                        let entry = self
                            .entries
                            .get(slot as usize)
                            .map_or("", |r| self.text_of(r.id));
                        found.push(Discrepancy::Index {
                            entry: EntryId::from(entry),
                        });
                        break;
                    }
                }
            }
        }
    }

    /// Walks account `a`'s lines in order: each must be a posting to `a`, after the line before;
    /// their fold must match every mark, the maintained balance and the fold by entries; and
    /// their end-of-day totals the maintained daily balances. `scratch` is reused between
    /// accounts.
    fn check_account(
        &self,
        a: usize,
        dates: &[NaiveDate],
        (from_entries, count): (Decimal, usize),
        scratch: &mut Vec<(NaiveDate, Decimal)>,
        found: &mut Vec<Discrepancy>,
    ) {
        let state = &self.accounts[a];
        let currency = state.spec.currency;
        let money = |d| Money::new(d, currency);
        let mut balance = Decimal::ZERO;
        let mut previous: Option<u32> = None;
        let mut bad_line: Option<u32> = None;
        scratch.clear();
        for (k, line) in state.lines.iter().enumerate() {
            let p = line.posting;
            let rec = self
                .postings
                .get(p as usize)
                .filter(|r| r.account as usize == a);
            let Some(rec) = rec.filter(|_| previous.is_none_or(|q| q < p)) else {
                bad_line.get_or_insert(p);
                continue;
            };
            previous = Some(p);
            add_to(&mut balance, rec.amount);
            if (k + 1) % super::MARK == 0 && state.marks.get(k / super::MARK) != Some(&balance) {
                bad_line.get_or_insert(p);
            }
            let date = dates.get(p as usize).copied().unwrap_or_default();
            scratch.push((date, rec.amount));
        }
        if state.marks.len() != state.lines.len() / super::MARK {
            bad_line.get_or_insert(previous.unwrap_or(0));
        }
        if let Some(p) = bad_line {
            let p = p.min(self.postings.len().saturating_sub(1) as u32);
            let entry = if self.entries.is_empty() {
                EntryId::from("")
            } else {
                EntryId::from(self.entry_id_of(self.entry_of_posting(p)))
            };
            found.push(Discrepancy::History {
                account: state.spec.id.clone(),
                entry,
            });
        }
        if state.balance != from_entries || balance != from_entries || state.lines.len() != count {
            found.push(Discrepancy::Balance {
                account: state.spec.id.clone(),
                maintained: money(state.balance),
                recomputed: money(from_entries),
            });
        }
        // Stable and linear when the lines are already in date order, as they mostly are.
        scratch.sort_by_key(|m| m.0);
        super::daily::fold_sorted(scratch);
        if let Some(date) = first_wrong_day(scratch, &state.daily.days_cow()) {
            found.push(Discrepancy::AsAt {
                account: state.spec.id.clone(),
                date,
            });
        }
    }

    /// Each account's held amount, from the active holds alone.
    fn recompute_held(&self) -> Vec<Decimal> {
        let mut held = vec![Decimal::ZERO; self.accounts.len()];
        for hold in &self.holds {
            if hold.status == HoldStatus::Active {
                add_to(&mut held[hold.from as usize], hold.spec.amount.amount());
            }
        }
        held
    }
}

/// What the entries alone say, by account index.
struct ByEntries {
    /// Each account's balance.
    balances: Vec<Decimal>,
    /// How many postings each account has.
    counts: Vec<usize>,
    /// Each posting's effective date.
    dates: Vec<NaiveDate>,
}

/// Compares an account's maintained held amount with its active holds, and checks its limit.
fn check_held_and_limit(state: &AccountState, held: Decimal, found: &mut Vec<Discrepancy>) {
    let currency = state.spec.currency;
    let money = |d| Money::new(d, currency);
    if state.held != held {
        found.push(Discrepancy::Held {
            account: state.spec.id.clone(),
            maintained: money(state.held),
            recomputed: money(held),
        });
    }
    if let Some(floor) = state.spec.rule.floor() {
        let available = state.balance - state.held;
        if available < floor {
            found.push(Discrepancy::BelowLimit {
                account: state.spec.id.clone(),
                available: money(available),
            });
        }
    }
}

/// The first day whose recomputed end-of-day balance differs from the maintained one; the
/// last day if only the lengths differ; `None` if they agree.
fn first_wrong_day(
    days: &[(NaiveDate, Decimal)],
    daily: &[(NaiveDate, Decimal)],
) -> Option<NaiveDate> {
    if days == daily {
        return None;
    }
    let date = days
        .iter()
        .zip(daily)
        .find(|(x, y)| x != y)
        .map(|(x, _)| x.0)
        .or_else(|| days.last().or(daily.last()).map(|d| d.0))
        .unwrap_or_default();
    Some(date)
}

fn add_to(total: &mut Decimal, amount: Decimal) {
    *total = super::bounded_add(*total, amount);
}

crate::error::error_detail! {
    /// The detail, if this is a discrepancy [`Ledger::verify`](crate::Ledger::verify) found.
    "Verify": verify -> VerifyError
}

impl VerifyError {
    /// What kind of failure this is: always [`ErrorKind::Corrupt`](crate::ErrorKind::Corrupt).
    pub fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::Corrupt
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::Discrepancy;
    use crate::ledger::{AccountKind, BalanceRule, Ledger, NewAccount, NewEntry, NewHold};
    use crate::money::{Currency, Money};

    fn day(n: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 4, 1).unwrap() + chrono::Days::new(n)
    }

    /// A ledger with forward and back-dated entries (some merged into the daily run, some still
    /// late), marks, and a hold.
    fn books() -> Ledger {
        let mut l = Ledger::new();
        l.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))
            .unwrap();
        l.open_account(
            NewAccount::new("fund", AccountKind::Fund, Currency::GBP)
                .rule(BalanceRule::NonNegative),
        )
        .unwrap();
        let pound = Money::from_minor(100, Currency::GBP);
        for i in 0..60u64 {
            let date = day(if i % 3 == 0 { 60 - i } else { i });
            let entry = NewEntry::new(format!("e{i}"), date).transfer("bank", "fund", pound);
            let _ = l.post(entry).unwrap();
        }
        l.place_hold(NewHold::new("h1", "fund", "bank", pound, day(90)))
            .unwrap();
        l
    }

    /// Corrupts a copy of the books with `plant` and checks verify reports `expected`.
    fn finds(plant: impl Fn(&mut Ledger), expected: impl Fn(&Discrepancy) -> bool) {
        let mut l = books();
        plant(&mut l);
        let err = l.verify().expect_err("the planted corruption is found");
        assert!(
            err.discrepancies.iter().any(expected),
            "{:?}",
            err.discrepancies
        );
    }

    #[test]
    fn the_books_verify_before_anything_is_planted() {
        let v = books().verify().unwrap();
        assert_eq!((v.accounts, v.entries, v.postings), (2, 60, 120));
    }

    #[test]
    fn every_planted_corruption_is_found() {
        let one = Decimal::ONE;
        finds(
            |l| l.postings[7].amount += one,
            |d| matches!(d, Discrepancy::EntryUnbalanced { .. }),
        );
        finds(
            |l| l.accounts[0].balance += one,
            |d| matches!(d, Discrepancy::Balance { .. }),
        );
        finds(
            |l| l.accounts[0].balance += one,
            |d| matches!(d, Discrepancy::Total { .. }),
        );
        finds(
            |l| l.accounts[1].held -= one,
            |d| matches!(d, Discrepancy::Held { .. }),
        );
        finds(
            |l| l.accounts[1].marks[2] += one,
            |d| matches!(d, Discrepancy::History { .. }),
        );
        finds(
            |l| l.accounts[1].lines.swap(3, 4),
            |d| matches!(d, Discrepancy::History { .. }),
        );
        finds(
            |l| {
                l.accounts[1].lines.pop();
            },
            |d| matches!(d, Discrepancy::Balance { .. }),
        );
        finds(
            |l| l.accounts[1].daily.corrupt_last(one),
            |d| matches!(d, Discrepancy::AsAt { .. }),
        );
        finds(
            |l| l.entries[5].date = day(200),
            |d| matches!(d, Discrepancy::AsAt { .. }),
        );
        finds(
            |l| {
                let hash = super::super::store::id_hash("e9");
                l.entry_index.by_hash.remove(&hash);
            },
            |d| matches!(d, Discrepancy::Index { entry } if entry.as_str() == "e9"),
        );
        finds(
            |l| {
                let hash = super::super::store::id_hash("e9");
                l.entry_index.by_hash.insert(hash, 10);
            },
            |d| matches!(d, Discrepancy::Index { entry } if entry.as_str() == "e9"),
        );
        finds(
            |l| l.accounts[1].balance -= Decimal::from(1000),
            |d| matches!(d, Discrepancy::BelowLimit { .. }),
        );
    }
}
