//! Posting entries, alone or in batches, and reversing them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::*;
use crate::money::Money;

impl Ledger {
    // ----- posting ----------------------------------------------------------------------------

    /// Posts a journal entry, all or nothing. Posting an entry whose id is already recorded with
    /// the same content returns the original receipt (with `already_posted` set) and changes
    /// nothing.
    ///
    /// # Errors
    ///
    /// Every check the ledger makes, each naming the value at fault: [`LedgerError::InvalidId`],
    /// [`LedgerError::PostingCount`], [`LedgerError::UnknownAccount`],
    /// [`LedgerError::AccountClosed`], [`LedgerError::CurrencyMismatch`],
    /// [`LedgerError::TooManyDecimals`], [`LedgerError::AmountOutOfRange`],
    /// [`LedgerError::Unbalanced`], [`LedgerError::LimitBreached`],
    /// [`LedgerError::PeriodClosed`], [`LedgerError::DuplicateEntry`],
    /// [`LedgerError::UnknownEntry`] (a correction of an unknown entry),
    /// [`LedgerError::CapacityExceeded`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::{AccountKind, Currency, Ledger, LedgerError, NewAccount, NewEntry};
    /// let mut ledger = Ledger::new();
    /// for id in ["a", "b"] {
    ///     ledger.open_account(NewAccount::new(id, AccountKind::Asset, Currency::GBP))?;
    /// }
    /// let day = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    /// let entry = NewEntry::new("e1", day).transfer("a", "b", "10.00 GBP".parse()?);
    /// let first = ledger.post(entry.clone())?;
    /// let retry = ledger.post(entry)?;
    /// assert_eq!(first.seq, retry.seq);
    /// assert!(retry.already_posted);
    ///
    /// let lopsided = NewEntry::new("e2", day)
    ///     .posting("a", "-10.00 GBP".parse()?)
    ///     .posting("b", "9.99 GBP".parse()?);
    /// assert!(matches!(ledger.post(lopsided), Err(LedgerError::Unbalanced { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post(&mut self, entry: NewEntry) -> Result<Receipt, LedgerError> {
        let mut pending = Pending::default();
        let checked = self.check_entry(&entry, EntryOrigin::Posted, &mut pending)?;
        if let Some(index) = checked.duplicate_of {
            return Ok(receipt(index, true));
        }
        self.check_text_capacity(&[&entry])?;
        let index = self.record(&entry, checked.postings, EntryOrigin::Posted);
        self.push_posts(index);
        Ok(receipt(index, false))
    }

    /// Posts several entries, all or nothing, in order. Entries already recorded with the same
    /// content are returned as such and not posted again.
    ///
    /// # Errors
    ///
    /// [`LedgerError::Batch`] with the position of the first refused entry and why,
    /// or [`LedgerError::DuplicateInBatch`] (inside it) if an id appears twice with different
    /// content. Nothing of the batch is posted.
    pub fn post_batch(&mut self, entries: Vec<NewEntry>) -> Result<Vec<Receipt>, LedgerError> {
        let mut pending = Pending::default();
        let mut checked = Vec::with_capacity(entries.len());
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let in_batch = |source: LedgerError| LedgerError::Batch {
                index,
                source: Box::new(source),
            };
            if let Some(&earlier) = seen.get(entry.id.as_str()) {
                if entries[earlier] == *entry {
                    checked.push(None);
                    continue;
                }
                return Err(in_batch(LedgerError::DuplicateInBatch {
                    entry: entry.id.clone(),
                }));
            }
            seen.insert(entry.id.as_str(), index);
            let c = self
                .check_entry(entry, EntryOrigin::Posted, &mut pending)
                .map_err(in_batch)?;
            checked.push(Some(c));
        }
        let refs: Vec<&NewEntry> = entries.iter().collect();
        self.check_text_capacity(&refs)?;
        let mut receipts = Vec::with_capacity(entries.len());
        let first = self.entries.len() as u32;
        for (entry, c) in entries.iter().zip(checked) {
            let r = match c {
                Some(Checked {
                    duplicate_of: Some(index),
                    ..
                }) => receipt(index, true),
                Some(c) => receipt(self.record(entry, c.postings, EntryOrigin::Posted), false),
                // A repeat of an entry earlier in this batch: same receipt as that one.
                None => {
                    let index = self.entry_index_of(entry.id.as_str()).unwrap_or(first);
                    receipt(index, true)
                }
            };
            receipts.push(r);
        }
        let count = self.entries.len() as u32 - first;
        if count > 0 {
            self.ops.push(OpRef::Batch { first, count });
        }
        Ok(receipts)
    }

    pub(super) fn push_posts(&mut self, index: u32) {
        let open = self.ops.len() > self.sealed_ops;
        if let Some(OpRef::Posts { first, count }) = self.ops.last_mut().filter(|_| open) {
            if *first + *count == index {
                *count += 1;
                return;
            }
        }
        self.ops.push(OpRef::Posts {
            first: index,
            count: 1,
        });
    }

    // ----- reversals --------------------------------------------------------------------------

    /// Reverses an entry: posts a new entry `reversal_id`, dated `date`, with every posting of
    /// the original negated, linked both ways. An entry is reversed at most once; asking again
    /// with the same reversal id and date returns the original receipt.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownEntry`], [`LedgerError::AlreadyReversed`],
    /// [`LedgerError::ReversalOfReversal`], [`LedgerError::PeriodClosed`] (date the reversal in
    /// the open period), [`LedgerError::LimitBreached`] (reversing money paid into a fund that
    /// has since been spent), [`LedgerError::AccountClosed`], [`LedgerError::DuplicateEntry`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::{AccountKind, Currency, Ledger, LedgerError, NewAccount, NewEntry};
    /// let mut ledger = Ledger::new();
    /// for id in ["a", "b"] {
    ///     ledger.open_account(NewAccount::new(id, AccountKind::Asset, Currency::GBP))?;
    /// }
    /// let day = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    /// ledger.post(NewEntry::new("e1", day).transfer("a", "b", "10.00 GBP".parse()?))?;
    /// ledger.reverse("e1", "e1-rev", day, "keyed twice")?;
    /// assert!(ledger.balance("b")?.is_zero());
    /// let again = ledger.reverse("e1", "e1-rev-2", day, "");
    /// assert!(matches!(again, Err(LedgerError::AlreadyReversed { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reverse(
        &mut self,
        entry: impl AsRef<str>,
        reversal_id: impl Into<EntryId>,
        date: NaiveDate,
        memo: impl Into<String>,
    ) -> Result<Receipt, LedgerError> {
        let entry = entry.as_ref();
        let reversal_id = reversal_id.into();
        let memo = memo.into();
        let original = self
            .entry_index_of(entry)
            .ok_or_else(|| LedgerError::UnknownEntry {
                entry: EntryId::from(entry),
            })?;
        let rec = self.entries[original as usize];
        if rec.origin == EntryOrigin::Reversal {
            return Err(LedgerError::ReversalOfReversal {
                entry: EntryId::from(entry),
            });
        }
        let reversal = self.reversal_entry(original, reversal_id, date, memo);
        if let Some(&existing) = self.links.reversed_by.get(&original) {
            let mut pending = Pending::default();
            let same = self.entry_id_of(existing) == reversal.id.as_str()
                && matches!(
                    self.check_entry(&reversal, EntryOrigin::Reversal, &mut pending),
                    Ok(Checked {
                        duplicate_of: Some(_),
                        ..
                    })
                );
            if same {
                return Ok(receipt(existing, true));
            }
            return Err(LedgerError::AlreadyReversed {
                entry: EntryId::from(entry),
                reversal: EntryId::from(self.entry_id_of(existing)),
            });
        }
        let mut pending = Pending::default();
        let checked = self.check_entry(&reversal, EntryOrigin::Reversal, &mut pending)?;
        if checked.duplicate_of.is_some() {
            return Err(LedgerError::DuplicateEntry {
                entry: reversal.id.clone(),
            });
        }
        self.check_text_capacity(&[&reversal])?;
        let index = self.record(&reversal, checked.postings, EntryOrigin::Reversal);
        self.links.reversed_by.insert(original, index);
        self.links.reverses.insert(index, original);
        self.ops.push(OpRef::Reverse { entry: index });
        Ok(receipt(index, false))
    }

    pub(super) fn reversal_entry(
        &self,
        original: u32,
        id: EntryId,
        date: NaiveDate,
        memo: String,
    ) -> NewEntry {
        let rec = &self.entries[original as usize];
        let postings = self
            .posting_recs(rec)
            .iter()
            .map(|p| {
                let state = &self.accounts[p.account as usize];
                Posting {
                    account: state.spec.id.clone(),
                    amount: Money::new(-p.amount, state.spec.currency),
                }
            })
            .collect();
        let mut entry = NewEntry::new(id, date).memo(memo);
        entry.postings = postings;
        entry
    }
}
