//! How the ledger holds its data: compact records, an interned text buffer, the entry-id
//! index, and the per-account running balances.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

pub use crate::money::MAX_AMOUNT;

/// The most minor units one posting may carry: 10^17.
pub const MAX_MINOR_UNITS_PER_POSTING: i128 = 100_000_000_000_000_000;

/// [`MAX_MINOR_UNITS_PER_POSTING`] as a decimal at each scale from 0 to 8, built at compile time
/// so the check at the ledger's door costs one comparison.
pub(super) const MINOR_LIMIT_AT_SCALE: [Decimal; 9] = {
    let mut table = [Decimal::ZERO; 9];
    let mut scale = 0;
    while scale < 9 {
        table[scale] = Decimal::from_parts(0x5D8A_0000, 0x0163_4578, 0, false, scale as u32);
        scale += 1;
    }
    table
};

/// The most postings one entry may have.
pub const MAX_POSTINGS: usize = 4096;

/// The double-entry ledger. See the crate docs for its invariants and the format of its
/// log.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::{AccountKind, BalanceRule, Currency, Ledger, LedgerError, Money, NewAccount, NewEntry};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(NewAccount::new("council", AccountKind::Income, Currency::GBP))?;
/// ledger.open_account(
///     NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative),
/// )?;
/// let day = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
/// let pay = NewEntry::new("pay-1", day).transfer("council", "isf:P1", "500.00 GBP".parse()?);
/// ledger.post(pay)?;
/// assert_eq!(ledger.balance("isf:P1")?.to_string(), "500.00 GBP");
///
/// // A fund never goes below zero: this is refused and changes nothing.
/// let overdraw = NewEntry::new("pay-2", day).transfer("isf:P1", "council", "500.01 GBP".parse()?);
/// assert!(matches!(ledger.post(overdraw), Err(LedgerError::LimitBreached { .. })));
/// assert_eq!(ledger.balance("isf:P1")?.to_string(), "500.00 GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub(super) accounts: Vec<AccountState>,
    pub(super) account_index: HashMap<AccountId, u32>,
    pub(super) entries: Vec<EntryRec>,
    pub(super) postings: Vec<PostingRec>,
    pub(super) text: String,
    pub(super) metadata: Vec<BTreeMap<String, String>>,
    pub(super) entry_index: EntryIndex,
    pub(super) links: Links,
    pub(super) holds: Vec<HoldState>,
    pub(super) hold_index: HashMap<HoldId, u32>,
    /// Holds with an expiry date, by that date: what [`Ledger::expire_holds`] reads.
    pub(super) expiring: Expiring,
    pub(super) closed_through: Option<NaiveDate>,
    /// Definitions recorded for the layers above ([`Operation::Define`]).
    pub(super) definitions: Vec<Definition>,
    pub(super) ops: Vec<OpRef>,
    /// Operations before this index belong to a finished linked group: single posts never
    /// join them.
    pub(super) sealed_ops: usize,
    /// While linked groups are applied, outermost first: what is needed to undo each.
    #[cfg_attr(feature = "book", serde(skip))]
    pub(super) savepoints: Vec<super::operations::Savepoint>,
    /// Entries by the values of the metadata keys asked for ([`Ledger::index_metadata_key`]).
    #[cfg_attr(feature = "book", serde(default))]
    pub(super) meta_index: super::meta_index::MetaIndex,
}

#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq)]
pub(super) struct AccountState {
    pub(super) spec: NewAccount,
    pub(super) closed: bool,
    pub(super) balance: Decimal,
    pub(super) held: Decimal,
    /// One line per posting, in recorded order: the posting's index in `postings`.
    pub(super) lines: Vec<Line>,
    /// The balance after every `MARK`th line: `marks[k]` is the balance after line
    /// `MARK * (k + 1)`.
    pub(super) marks: Vec<Decimal>,
    /// The balance at the end of each day with postings, whatever order they arrived in.
    pub(super) daily: super::daily::Daily,
    /// The holds placed on this account, in the order they were placed: indices into `holds`.
    pub(super) holds: Vec<u32>,
}

#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Line {
    pub(super) posting: u32,
}

/// One running balance is kept per `MARK` lines of an account.
pub(super) const MARK: usize = 8;

#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TextRef {
    pub(super) start: u32,
    pub(super) len: u32,
}

#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct EntryRec {
    pub(super) id: TextRef,
    pub(super) memo: TextRef,
    pub(super) date: NaiveDate,
    pub(super) first_posting: u32,
    pub(super) posting_count: u16,
    pub(super) origin: EntryOrigin,
    /// Index into `metadata`, or `NO_META`.
    pub(super) meta: u32,
}

pub(super) const NO_META: u32 = u32::MAX;

#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PostingRec {
    pub(super) account: u32,
    pub(super) amount: Decimal,
}

#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Links {
    pub(super) reversed_by: HashMap<u32, u32>,
    pub(super) reverses: HashMap<u32, u32>,
    pub(super) corrects: HashMap<u32, u32>,
    pub(super) settles: HashMap<u32, u32>,
}

#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HoldState {
    pub(super) spec: NewHold,
    pub(super) from: u32,
    pub(super) to: u32,
    pub(super) status: HoldStatus,
    /// The day a release said it happened ([`Ledger::release_hold_on`]), while released.
    #[cfg_attr(feature = "book", serde(default))]
    pub(super) released_on: Option<NaiveDate>,
}

/// Hold indices by expiry date. Holds that ended otherwise stay until their date comes (and are
/// skipped then), so that settling or releasing a hold costs nothing here; each index is removed
/// once, so expiring costs O(log n) per hold due, amortized.
#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Default)]
pub(super) struct Expiring {
    pub(super) by_date: BTreeMap<NaiveDate, Vec<u32>>,
}

impl Expiring {
    pub(super) fn insert(&mut self, date: NaiveDate, hold: u32) {
        self.by_date.entry(date).or_default().push(hold);
    }

    /// The indices of the active holds due on or before `today`, in the order they were placed,
    /// taken out of the index.
    pub(super) fn take_due(&mut self, today: NaiveDate, holds: &[HoldState]) -> Vec<u32> {
        let later = match today.succ_opt() {
            Some(next) => self.by_date.split_off(&next),
            None => BTreeMap::new(),
        };
        let due = std::mem::replace(&mut self.by_date, later);
        let mut out: Vec<u32> = due
            .into_values()
            .flatten()
            .filter(|&i| holds.get(i as usize).is_some_and(|h| h.is_due(today)))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The live part: active holds under their own expiry date.
    fn live(&self, holds: &[HoldState]) -> Vec<(NaiveDate, u32)> {
        let mut out: Vec<(NaiveDate, u32)> = self
            .by_date
            .iter()
            .flat_map(|(d, v)| v.iter().map(move |i| (*d, *i)))
            .filter(|&(d, i)| {
                holds
                    .get(i as usize)
                    .is_some_and(|h| h.status == HoldStatus::Active && h.spec.expires_on == Some(d))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl HoldState {
    pub(super) fn is_due(&self, today: NaiveDate) -> bool {
        self.status == HoldStatus::Active && self.spec.expires_on.is_some_and(|e| e <= today)
    }
}

/// What the log records, in order. Runs of single posts share one record.
#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum OpRef {
    OpenAccount(u32),
    CloseAccount(u32),
    Posts {
        first: u32,
        count: u32,
    },
    Batch {
        first: u32,
        count: u32,
    },
    PlaceHold(u32),
    Settle {
        hold: u32,
        entry: u32,
    },
    Release(u32),
    Expire(NaiveDate),
    Reverse {
        entry: u32,
    },
    ClosePeriod(NaiveDate),
    Define(u32),
    /// The next `count` operations form one linked group.
    Linked {
        count: u32,
    },
}

/// Entry ids by a 32-bit hash of the id, pointing into `entries`; a second map holds the ids
/// whose hash another id already has (about a hundred in a million). Storing hashes rather than
/// copies of the ids keeps a slot at 8 bytes.
#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct EntryIndex {
    pub(super) by_hash: HashMap<u32, u32, BuildHasherDefault<PassThrough>>,
    pub(super) collisions: HashMap<Box<str>, u32>,
}

/// A hasher for keys that are already well-mixed hashes: it only spreads a 32-bit key over 64
/// bits, so that the table's tag bits (the top ones) and bucket bits (the low ones) both vary.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// FNV-1a with a final avalanche (from SplitMix64), folded to 32 bits.
pub(super) fn id_hash(id: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h ^ (h >> 32)) as u32
}

/// Balances that a pending operation would leave, by account index. Small operations search a
/// short vector; large batches use a map.
#[derive(Debug, Default)]
pub(super) struct Pending {
    pub(super) balances: Vec<(u32, Decimal)>,
    pub(super) index: HashMap<u32, usize>,
}

impl Pending {
    pub(super) fn get(&self, account: u32) -> Option<Decimal> {
        self.position(account).map(|i| self.balances[i].1)
    }

    pub(super) fn position(&self, account: u32) -> Option<usize> {
        if self.index.is_empty() {
            self.balances.iter().position(|(a, _)| *a == account)
        } else {
            self.index.get(&account).copied()
        }
    }

    pub(super) fn set(&mut self, account: u32, balance: Decimal) {
        match self.position(account) {
            Some(i) => self.balances[i].1 = balance,
            None => {
                self.balances.push((account, balance));
                let n = self.balances.len();
                if n == 16 {
                    self.index = self
                        .balances
                        .iter()
                        .enumerate()
                        .map(|(i, (a, _))| (*a, i))
                        .collect();
                } else if n > 16 {
                    self.index.insert(account, n - 1);
                }
            }
        }
    }
}

/// An entry checked against the ledger, ready to record.
#[derive(Debug)]
pub(super) struct Checked {
    pub(super) postings: Vec<PostingRec>,
    pub(super) duplicate_of: Option<u32>,
}

impl PartialEq for Ledger {
    /// Two ledgers are equal when they hold the same accounts, entries, holds and log; the
    /// indexes derived from them (hold expiry, late daily postings) are compared by what they
    /// answer, not by how they are laid out. The metadata index changes no answer, only its
    /// cost, so it is not compared.
    fn eq(&self, other: &Ledger) -> bool {
        self.accounts == other.accounts
            && self.account_index == other.account_index
            && self.entries == other.entries
            && self.postings == other.postings
            && self.text == other.text
            && self.metadata == other.metadata
            && self.entry_index == other.entry_index
            && self.links == other.links
            && self.holds == other.holds
            && self.hold_index == other.hold_index
            && self.expiring.live(&self.holds) == other.expiring.live(&other.holds)
            && self.closed_through == other.closed_through
            && self.definitions == other.definitions
            && self.ops == other.ops
            && self.sealed_ops == other.sealed_ops
            && self.savepoints == other.savepoints
    }
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Records a checked entry. Infallible: everything was checked before.
    pub(super) fn record(
        &mut self,
        entry: &NewEntry,
        postings: Vec<PostingRec>,
        origin: EntryOrigin,
    ) -> u32 {
        let index = self.entries.len() as u32;
        let id = self.push_text(entry.id.as_str());
        let memo = self.push_text(&entry.memo);
        let meta = if entry.metadata.is_empty() {
            NO_META
        } else {
            self.metadata.push(entry.metadata.clone());
            (self.metadata.len() - 1) as u32
        };
        let first_posting = self.postings.len() as u32;
        for (i, p) in postings.iter().enumerate() {
            self.apply_posting(p, first_posting + i as u32, entry.date);
        }
        grow(&mut self.postings, postings.len());
        self.postings.extend_from_slice(&postings);
        grow(&mut self.entries, 1);
        self.entries.push(EntryRec {
            id,
            memo,
            date: entry.date,
            first_posting,
            posting_count: postings.len() as u16,
            origin,
            meta,
        });
        if let Some(target) = &entry.corrects {
            if let Some(target) = self.entry_index_of(target.as_str()) {
                self.links.corrects.insert(index, target);
            }
        }
        self.index_entry(entry.id.as_str(), index);
        self.meta_index.add(index, &entry.metadata);
        index
    }

    pub(super) fn apply_posting(&mut self, p: &PostingRec, posting: u32, date: NaiveDate) {
        self.touch_account(p.account);
        let state = &mut self.accounts[p.account as usize];
        state.balance = bounded_add(state.balance, p.amount);
        grow(&mut state.lines, 1);
        state.lines.push(Line { posting });
        if state.lines.len() % MARK == 0 {
            state.marks.push(state.balance);
        }
        state.daily.add(date, p.amount, self.savepoints.is_empty());
    }

    pub(super) fn push_text(&mut self, s: &str) -> TextRef {
        let start = self.text.len() as u32;
        if self.text.len() + s.len() > self.text.capacity() {
            self.text
                .reserve_exact((self.text.capacity() / 4).max(s.len()).max(64));
        }
        self.text.push_str(s);
        TextRef {
            start,
            len: s.len() as u32,
        }
    }

    pub(super) fn text_of(&self, r: TextRef) -> &str {
        let start = r.start as usize;
        self.text.get(start..start + r.len as usize).unwrap_or("")
    }

    pub(super) fn metadata_of(&self, rec: &EntryRec) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.metadata.get(rec.meta as usize).unwrap_or(&EMPTY)
    }

    pub(super) fn posting_recs(&self, rec: &EntryRec) -> &[PostingRec] {
        let start = rec.first_posting as usize;
        &self.postings[start..start + rec.posting_count as usize]
    }

    pub(super) fn entry_id_of(&self, index: u32) -> &str {
        self.text_of(self.entries[index as usize].id)
    }

    pub(super) fn entry_index_of(&self, id: &str) -> Option<u32> {
        let index = *self.entry_index.by_hash.get(&id_hash(id))?;
        if self.entry_id_of(index) == id {
            Some(index)
        } else {
            self.entry_index.collisions.get(id).copied()
        }
    }

    pub(super) fn index_entry(&mut self, id: &str, index: u32) {
        let hash = id_hash(id);
        match self.entry_index.by_hash.entry(hash) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.entry_index.collisions.insert(id.into(), index);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
    }

    /// Removes entry `index`, whose id is `id`, from the index: the undo of [`Ledger::index_entry`].
    pub(super) fn unindex_entry(&mut self, id: &str, index: u32) {
        let hash = id_hash(id);
        if self.entry_index.by_hash.get(&hash) == Some(&index) {
            self.entry_index.by_hash.remove(&hash);
        } else {
            self.entry_index.collisions.remove(id);
        }
    }
}

pub(super) fn receipt(index: u32, already_posted: bool) -> Receipt {
    Receipt {
        seq: Seq(u64::from(index) + 1),
        already_posted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};

    #[test]
    fn amount_limits_are_the_powers_of_ten_they_claim() {
        assert_eq!(MAX_AMOUNT, Decimal::from(10i64.pow(15)));
        for (scale, limit) in MINOR_LIMIT_AT_SCALE.iter().enumerate() {
            assert_eq!(
                *limit,
                Decimal::from_i128_with_scale(MAX_MINOR_UNITS_PER_POSTING, scale as u32)
            );
        }
    }

    /// Two ids with the same 32-bit hash are both found: the second lives in the collision map.
    #[test]
    fn ids_whose_hashes_collide_are_both_indexed() {
        let mut seen: HashMap<u32, String> = HashMap::new();
        let (first, second) = (0u64..)
            .find_map(|n| {
                let id = format!("e{n}");
                seen.insert(id_hash(&id), id.clone())
                    .map(|earlier| (earlier, id))
            })
            .expect("a 32-bit hash collides within a few hundred thousand ids");
        let mut ledger = Ledger::new();
        for a in ["a", "b"] {
            ledger
                .open_account(NewAccount::new(a, AccountKind::Asset, Currency::GBP))
                .unwrap();
        }
        let day = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        let one = Money::from_minor(100, Currency::GBP);
        for id in [&first, &second] {
            let entry = NewEntry::new(id.as_str(), day).transfer("a", "b", one);
            assert!(!ledger.post(entry).unwrap().already_posted);
        }
        assert_eq!(ledger.entry_index.collisions.len(), 1);
        assert_eq!(
            ledger.entry(EntryId::from(first.as_str())).unwrap().seq(),
            Seq(1)
        );
        assert_eq!(
            ledger.entry(EntryId::from(second.as_str())).unwrap().seq(),
            Seq(2)
        );
        let retry = NewEntry::new(second.as_str(), day).transfer("a", "b", one);
        assert!(ledger.post(retry).unwrap().already_posted);
        // Only that the books verify matters here, not the counts.
        let _ = ledger.verify().unwrap();
    }
}
