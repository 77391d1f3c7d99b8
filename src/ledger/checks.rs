//! The checks an entry passes before anything is written.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::money::{Currency, Money, is_exact};

impl Ledger {
    /// Checks an entry fully, against the ledger and the balances `pending` from earlier entries
    /// of the same operation, and records in `pending` the balances it would leave.
    pub(super) fn check_entry(
        &self,
        entry: &NewEntry,
        origin: EntryOrigin,
        pending: &mut Pending,
    ) -> Result<Checked, LedgerError> {
        check_id("entry", entry.id.as_str())?;
        check_date("entry", entry.date)?;
        check_memo(&entry.memo)?;
        check_metadata(&entry.metadata)?;
        let count = entry.postings.len();
        if !(2..=MAX_POSTINGS).contains(&count) {
            return Err(LedgerError::PostingCount {
                entry: entry.id.clone(),
                count,
            });
        }
        let mut postings = Vec::with_capacity(count);
        for p in &entry.postings {
            // A closed account is refused below, after the idempotency check: a retry of an
            // entry recorded before the account closed returns its original receipt.
            let account = self.account_index_of(&p.account)?;
            let currency = self.accounts[account as usize].spec.currency;
            if p.amount.currency() != currency {
                return Err(LedgerError::CurrencyMismatch {
                    account: p.account.clone(),
                    expected: currency,
                    amount: p.amount,
                });
            }
            check_amount(p.amount)?;
            postings.push(PostingRec {
                account,
                amount: p.amount.amount(),
            });
        }
        if let Some(index) = self.entry_index_of(entry.id.as_str()) {
            return if self.same_content(index, entry, &postings, origin) {
                Ok(Checked {
                    postings,
                    duplicate_of: Some(index),
                })
            } else {
                Err(LedgerError::DuplicateEntry {
                    entry: entry.id.clone(),
                })
            };
        }
        for (p, rec) in entry.postings.iter().zip(&postings) {
            if self.accounts[rec.account as usize].closed {
                return Err(LedgerError::AccountClosed {
                    account: p.account.clone(),
                });
            }
        }
        check_balanced(entry, &entry.postings)?;
        self.check_open_date(entry.date)?;
        if let Some(target) = &entry.corrects {
            self.entry_index_of(target.as_str())
                .ok_or_else(|| LedgerError::UnknownEntry {
                    entry: target.clone(),
                })?;
        }
        if self.postings.len() + count > u32::MAX as usize
            || self.entries.len() >= u32::MAX as usize - 1
        {
            return Err(LedgerError::CapacityExceeded { what: "entries" });
        }
        for p in &postings {
            self.apply_pending(pending, p.account, p.amount)?;
        }
        self.check_limits(pending, &postings, Decimal::ZERO, None)?;
        Ok(Checked {
            postings,
            duplicate_of: None,
        })
    }

    /// Adds `amount` to the pending balance of `account`.
    pub(super) fn apply_pending(
        &self,
        pending: &mut Pending,
        account: u32,
        amount: Decimal,
    ) -> Result<(), LedgerError> {
        let state = &self.accounts[account as usize];
        let before = pending.get(account).unwrap_or(state.balance);
        let after = before
            .checked_add(amount)
            .ok_or_else(|| LedgerError::Overflow {
                operation: format!("balance of {} plus {}", state.spec.id, amount),
            })?;
        pending.set(account, after);
        Ok(())
    }

    /// Checks the balance rule of every account in `postings` against its pending balance.
    /// `released` is held money freed on `released_on` by the same operation (a settlement).
    pub(super) fn check_limits(
        &self,
        pending: &Pending,
        postings: &[PostingRec],
        released: Decimal,
        released_on: Option<u32>,
    ) -> Result<(), LedgerError> {
        for p in postings {
            let state = &self.accounts[p.account as usize];
            let Some(floor) = state.spec.rule.floor() else {
                continue;
            };
            let mut held = state.held;
            if released_on == Some(p.account) {
                held -= released;
            }
            let after = pending.get(p.account).unwrap_or(state.balance);
            let available_after = after - held;
            let available_before = state.balance - state.held;
            if available_after < floor && available_after < available_before {
                let currency = state.spec.currency;
                return Err(LedgerError::LimitBreached {
                    account: state.spec.id.clone(),
                    available: Money::new(available_before, currency),
                    change: Money::new(available_after - available_before, currency),
                    limit: Money::new(floor, currency),
                });
            }
        }
        Ok(())
    }

    pub(super) fn check_open_date(&self, date: NaiveDate) -> Result<(), LedgerError> {
        match self.closed_through {
            Some(closed_through) if date <= closed_through => Err(LedgerError::PeriodClosed {
                date,
                closed_through,
            }),
            _ => Ok(()),
        }
    }

    pub(super) fn check_text_capacity(&self, entries: &[&NewEntry]) -> Result<(), LedgerError> {
        let extra: usize = entries
            .iter()
            .map(|e| e.id.as_str().len() + e.memo.len())
            .sum();
        if self.text.len().saturating_add(extra) > u32::MAX as usize {
            return Err(LedgerError::CapacityExceeded {
                what: "text of ids and memos",
            });
        }
        Ok(())
    }

    pub(super) fn same_content(
        &self,
        index: u32,
        entry: &NewEntry,
        postings: &[PostingRec],
        origin: EntryOrigin,
    ) -> bool {
        let rec = &self.entries[index as usize];
        rec.origin == origin
            && rec.date == entry.date
            && self.text_of(rec.memo) == entry.memo
            && self.metadata_of(rec) == &entry.metadata
            && self.posting_recs(rec) == postings
            && self
                .links
                .corrects
                .get(&index)
                .map(|i| self.entry_id_of(*i))
                == entry.corrects.as_ref().map(EntryId::as_str)
    }
}

pub(super) fn check_id(what: &'static str, id: &str) -> Result<(), LedgerError> {
    match id_problem(id) {
        None => Ok(()),
        Some(reason) => Err(LedgerError::InvalidId {
            what,
            // A short prefix: the id may be long or hold characters that hide text.
            id: crate::error::echo(id),
            reason,
        }),
    }
}

/// The ledger's door for amounts: exact in minor units and within [`MAX_AMOUNT`] and
/// [`MAX_MINOR_UNITS_PER_POSTING`].
pub(super) fn check_amount(amount: Money) -> Result<(), LedgerError> {
    if !is_exact(amount.amount(), amount.currency()) {
        return Err(LedgerError::TooManyDecimals {
            amount,
            currency: amount.currency(),
            minor_units: amount.currency().minor_units(),
        });
    }
    let minor_limit = MINOR_LIMIT_AT_SCALE
        .get(amount.currency().minor_units() as usize)
        .copied()
        .unwrap_or(Decimal::ZERO);
    let abs = amount.amount().abs();
    if abs > MAX_AMOUNT || abs > minor_limit {
        return Err(LedgerError::AmountOutOfRange { amount });
    }
    Ok(())
}

pub(super) fn check_balanced(entry: &NewEntry, postings: &[Posting]) -> Result<(), LedgerError> {
    let mut sums: Vec<(Currency, Decimal)> = Vec::with_capacity(1);
    for p in postings {
        let currency = p.amount.currency();
        match sums.iter_mut().find(|(c, _)| *c == currency) {
            // Amounts are within MAX_AMOUNT and at most MAX_POSTINGS of them: no overflow.
            Some((_, sum)) => *sum = bounded_add(*sum, p.amount.amount()),
            None => sums.push((currency, p.amount.amount())),
        }
    }
    match sums.into_iter().find(|(_, sum)| !sum.is_zero()) {
        None => Ok(()),
        Some((currency, total)) => Err(LedgerError::Unbalanced {
            entry: entry.id.clone(),
            currency,
            total,
        }),
    }
}
