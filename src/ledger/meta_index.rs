//! An opt-in index of entries by the value of a metadata key: the layers above ask for the
//! entries carrying one value (or a range of values) of a key without reading every entry,
//! whatever the length of the history. The ledger knows nothing of what the keys mean.

use std::collections::BTreeMap;

use super::*;

/// Per indexed key, per value, the entries carrying it in recorded order (indices into
/// `entries`). Derived state: rebuilt by [`Ledger::index_metadata_key`], kept up to date when an
/// entry is recorded or a linked group undone, and checked by [`Ledger::verify`].
#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Default)]
pub(super) struct MetaIndex {
    keys: BTreeMap<String, BTreeMap<String, Vec<u32>>>,
}

impl MetaIndex {
    /// Adds entry `index` (the newest) under each indexed key it carries.
    pub(super) fn add(&mut self, index: u32, metadata: &BTreeMap<String, String>) {
        if metadata.is_empty() {
            return;
        }
        for (key, values) in &mut self.keys {
            let Some(value) = metadata.get(key) else {
                continue;
            };
            match values.get_mut(value) {
                Some(list) => list.push(index),
                None => {
                    values.insert(value.clone(), vec![index]);
                }
            }
        }
    }

    /// Takes entry `index` out again; it must be the newest entry under each of its values
    /// (undo removes entries newest first).
    pub(super) fn remove_newest(&mut self, index: u32, metadata: &BTreeMap<String, String>) {
        if metadata.is_empty() {
            return;
        }
        for (key, values) in &mut self.keys {
            let Some(value) = metadata.get(key) else {
                continue;
            };
            if let Some(list) = values.get_mut(value) {
                if list.last() == Some(&index) {
                    list.pop();
                }
                if list.is_empty() {
                    values.remove(value);
                }
            }
        }
    }
}

impl Ledger {
    /// Indexes the entries by the value of metadata `key`, from now on: then
    /// [`entries_with_metadata`](Ledger::entries_with_metadata) and
    /// [`entries_with_metadata_between`](Ledger::entries_with_metadata_between) for that key
    /// cost O(log n + k) for k entries found, instead of reading every entry. The first call
    /// for a key reads every entry once; later calls do nothing. The index changes no answer,
    /// only its cost, so it is not part of what makes two ledgers equal.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::*;
    /// let mut ledger = Ledger::new();
    /// for id in ["a", "b"] {
    ///     ledger.open_account(NewAccount::new(id, AccountKind::Asset, Currency::GBP))?;
    /// }
    /// let day = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    /// ledger.index_metadata_key("invoice");
    /// let pay = NewEntry::new("pay-1", day)
    ///     .transfer("a", "b", "10.00 GBP".parse()?)
    ///     .meta("invoice", "INV-7");
    /// ledger.post(pay)?;
    /// let found = ledger.entries_with_metadata("invoice", "INV-7");
    /// assert_eq!(found.iter().map(|e| e.id()).collect::<Vec<_>>(), ["pay-1"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn index_metadata_key(&mut self, key: impl AsRef<str>) {
        let key = key.as_ref();
        if self.meta_index.keys.contains_key(key) {
            return;
        }
        let mut values: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (i, rec) in self.entries.iter().enumerate() {
            if let Some(value) = self.metadata_of(rec).get(key) {
                match values.get_mut(value) {
                    Some(list) => list.push(i as u32),
                    None => {
                        values.insert(value.clone(), vec![i as u32]);
                    }
                }
            }
        }
        self.meta_index.keys.insert(key.to_string(), values);
    }

    /// Whether entries are indexed by metadata `key` ([`Ledger::index_metadata_key`]).
    pub fn is_metadata_key_indexed(&self, key: impl AsRef<str>) -> bool {
        self.meta_index.keys.contains_key(key.as_ref())
    }

    /// The entries whose metadata `key` has exactly `value`, in recorded order. O(log n + k)
    /// when `key` is indexed ([`Ledger::index_metadata_key`]), otherwise O(n).
    pub fn entries_with_metadata(
        &self,
        key: impl AsRef<str>,
        value: impl AsRef<str>,
    ) -> Vec<EntryView<'_>> {
        let (key, value) = (key.as_ref(), value.as_ref());
        match self.meta_index.keys.get(key) {
            Some(values) => values
                .get(value)
                .map(|list| list.iter().map(|&i| self.entry_view(i)).collect())
                .unwrap_or_default(),
            None => self.scan_metadata(key, |v| v == value),
        }
    }

    /// The entries whose metadata `key` has a value from `from` to `to` inclusive, compared as
    /// strings (ISO dates compare as dates), in recorded order; none when `from > to`.
    /// O(log n + k + k log k) when `key` is indexed ([`Ledger::index_metadata_key`]), otherwise
    /// O(n).
    pub fn entries_with_metadata_between(
        &self,
        key: impl AsRef<str>,
        from: impl AsRef<str>,
        to: impl AsRef<str>,
    ) -> Vec<EntryView<'_>> {
        let (key, from, to) = (key.as_ref(), from.as_ref(), to.as_ref());
        if from > to {
            return Vec::new();
        }
        match self.meta_index.keys.get(key) {
            Some(values) => {
                let mut found: Vec<u32> = values
                    .range::<str, _>((
                        std::ops::Bound::Included(from),
                        std::ops::Bound::Included(to),
                    ))
                    .flat_map(|(_, list)| list.iter().copied())
                    .collect();
                found.sort_unstable();
                found.into_iter().map(|i| self.entry_view(i)).collect()
            }
            None => self.scan_metadata(key, |v| from <= v && v <= to),
        }
    }

    /// Every entry whose value of `key` passes `keep`, in recorded order.
    fn scan_metadata(&self, key: &str, keep: impl Fn(&str) -> bool) -> Vec<EntryView<'_>> {
        (0..self.entries.len() as u32)
            .filter(|&i| {
                self.metadata_of(&self.entries[i as usize])
                    .get(key)
                    .is_some_and(|v| keep(v))
            })
            .map(|i| self.entry_view(i))
            .collect()
    }

    /// Takes the entries from `from` on out of the metadata index, newest first (undo).
    pub(super) fn unindex_metadata_from(&mut self, from: usize) {
        for i in (from..self.entries.len()).rev() {
            let meta = self.entries[i].meta;
            if let Some(m) = self.metadata.get(meta as usize) {
                self.meta_index.remove_newest(i as u32, m);
            }
        }
    }

    /// Checks the metadata index against a fresh read of every entry: each indexed key whose
    /// index differs is named once.
    pub(super) fn check_metadata_index(&self, found: &mut Vec<Discrepancy>) {
        for (key, values) in &self.meta_index.keys {
            let mut seen = 0usize;
            let mut ok = true;
            for (value, list) in values {
                seen += list.len();
                ok &= !list.is_empty()
                    && list.windows(2).all(|w| w[0] < w[1])
                    && list.iter().all(|&i| {
                        self.entries
                            .get(i as usize)
                            .and_then(|rec| self.metadata_of(rec).get(key))
                            == Some(value)
                    });
            }
            let carried = self
                .entries
                .iter()
                .filter(|rec| self.metadata_of(rec).contains_key(key))
                .count();
            if !ok || seen != carried {
                found.push(Discrepancy::MetadataIndex { key: key.clone() });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_names_a_key_whose_index_is_corrupt() {
        let mut ledger = Ledger::new();
        for id in ["a", "b"] {
            ledger
                .open_account(NewAccount::new(
                    id,
                    AccountKind::Asset,
                    crate::Currency::GBP,
                ))
                .unwrap();
        }
        ledger.index_metadata_key("k");
        let day = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        for (id, v) in [("e1", "x"), ("e2", "y")] {
            let entry = NewEntry::new(id, day)
                .transfer("a", "b", "1.00 GBP".parse().unwrap())
                .meta("k", v);
            let _ = ledger.post(entry).unwrap();
        }
        assert!(ledger.verify().is_ok());
        // An entry filed under the wrong value.
        let mut bad = ledger.clone();
        let values = bad.meta_index.keys.get_mut("k").unwrap();
        let x = values.remove("x").unwrap();
        values.get_mut("y").unwrap().splice(0..0, x);
        let err = bad.verify().unwrap_err();
        assert_eq!(
            err.discrepancies,
            vec![Discrepancy::MetadataIndex { key: "k".into() }]
        );
        // An entry missing from it.
        let mut bad = ledger.clone();
        bad.meta_index.keys.get_mut("k").unwrap().remove("y");
        assert!(bad.verify().is_err());
    }
}
