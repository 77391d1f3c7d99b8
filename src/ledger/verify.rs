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
    /// and holds alone, checks every entry balances and every limit holds, and reports any
    /// mismatch. O(postings).
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
        let recomputed = self.recompute_from_entries(&mut found);
        let held = self.recompute_held();
        let mut totals: BTreeMap<Currency, Decimal> = BTreeMap::new();
        for (a, state) in self.accounts.iter().enumerate() {
            add_to(
                totals.entry(state.spec.currency).or_default(),
                state.balance,
            );
            check_account(state, &recomputed, a, held[a], &mut found);
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

    /// Walks every entry's postings once: checks the entry is indexed and balances, and each
    /// posting is the next line of its account's history, and folds the postings into
    /// balances, line counts and daily movements.
    fn recompute_from_entries(&self, found: &mut Vec<Discrepancy>) -> Recomputed {
        let n = self.accounts.len();
        let mut r = Recomputed {
            balances: vec![Decimal::ZERO; n],
            line_pos: vec![0usize; n],
            dated: vec![BTreeMap::new(); n],
        };
        for (index, rec) in self.entries.iter().enumerate() {
            let id = EntryId::from(self.text_of(rec.id));
            if self.entry_index_of(id.as_str()) != Some(index as u32) {
                found.push(Discrepancy::Index { entry: id.clone() });
            }
            let mut sums: BTreeMap<Currency, Decimal> = BTreeMap::new();
            for (i, p) in self.posting_recs(rec).iter().enumerate() {
                let posting = rec.first_posting + i as u32;
                let a = p.account as usize;
                let currency = self.accounts[a].spec.currency;
                add_to(sums.entry(currency).or_default(), p.amount);
                add_to(&mut r.balances[a], p.amount);
                add_to(r.dated[a].entry(rec.date).or_default(), p.amount);
                let state = &self.accounts[a];
                let line = state.lines.get(r.line_pos[a]);
                let mark_ok = (r.line_pos[a] + 1) % super::MARK != 0
                    || state.marks.get(r.line_pos[a] / super::MARK) == Some(&r.balances[a]);
                if !mark_ok || line.is_none_or(|l| l.posting != posting) {
                    found.push(Discrepancy::History {
                        account: state.spec.id.clone(),
                        entry: id.clone(),
                    });
                }
                r.line_pos[a] += 1;
            }
            for (currency, total) in sums {
                if !total.is_zero() {
                    found.push(Discrepancy::EntryUnbalanced {
                        entry: id.clone(),
                        total: Money::new(total, currency),
                    });
                }
            }
        }
        r
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

/// What the postings alone say, account by account (by account index).
struct Recomputed {
    /// Each account's balance.
    balances: Vec<Decimal>,
    /// How many history lines each account should have.
    line_pos: Vec<usize>,
    /// Each account's net movement on each day.
    dated: Vec<BTreeMap<NaiveDate, Decimal>>,
}

/// Compares account `a`'s maintained balance, held amount and daily balances with what was
/// recomputed, and checks its limit.
fn check_account(
    state: &AccountState,
    r: &Recomputed,
    a: usize,
    held: Decimal,
    found: &mut Vec<Discrepancy>,
) {
    let currency = state.spec.currency;
    let money = |d| Money::new(d, currency);
    if state.balance != r.balances[a] || state.lines.len() != r.line_pos[a] {
        found.push(Discrepancy::Balance {
            account: state.spec.id.clone(),
            maintained: money(state.balance),
            recomputed: money(r.balances[a]),
        });
    }
    if state.held != held {
        found.push(Discrepancy::Held {
            account: state.spec.id.clone(),
            maintained: money(state.held),
            recomputed: money(held),
        });
    }
    if let Some(date) = first_wrong_day(&r.dated[a], &state.daily) {
        found.push(Discrepancy::AsAt {
            account: state.spec.id.clone(),
            date,
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

/// The first day whose end-of-day balance, run up from `dated`, differs from `daily`; the
/// last day if only the lengths differ; `None` if they agree.
fn first_wrong_day(
    dated: &BTreeMap<NaiveDate, Decimal>,
    daily: &[(NaiveDate, Decimal)],
) -> Option<NaiveDate> {
    let mut running = Decimal::ZERO;
    let days: Vec<(NaiveDate, Decimal)> = dated
        .iter()
        .map(|(d, amount)| {
            add_to(&mut running, *amount);
            (*d, running)
        })
        .collect();
    if days == daily {
        return None;
    }
    let date = days
        .iter()
        .zip(daily)
        .find(|(x, y)| x != y)
        .map(|(x, _)| x.0)
        .or_else(|| days.last().map(|d| d.0))
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
