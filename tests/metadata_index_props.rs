//! Property test for the ledger's index of entries by a metadata key's value: whatever the
//! sequence of posts, reversals and linked groups (some undone, some indexing a key part way
//! through), and whenever the key was indexed, every answer of
//! `entries_with_metadata` and `entries_with_metadata_between` equals a full read of the
//! entries, `verify()` passes, and the ledger equals one never indexed.

use chrono::NaiveDate;
use isf_ledger::{AccountKind, Currency, Ledger, LedgerError, NewAccount, NewEntry};
use proptest::collection::vec;
use proptest::prelude::*;

const KEYS: [&str; 2] = ["k", "d"];
const VALUES: [&str; 6] = [
    "2025-01-06",
    "2025-01-07",
    "2025-01-12",
    "2025-01-13",
    "a",
    "b",
];

#[derive(Debug, Clone)]
struct Post {
    /// Value index per key, or none.
    k: Option<usize>,
    d: Option<usize>,
    /// Posts to an unknown account: refused.
    spoiled: bool,
}

#[derive(Debug, Clone)]
enum Step {
    Post(Post),
    /// Reverses the n-th entry posted so far, if any.
    Reverse(usize),
    /// A linked group of posts; `index_at` indexes key "k" before that post of the group; the
    /// group is undone when one of its posts is spoiled.
    Group {
        posts: Vec<Post>,
        index_at: Option<usize>,
    },
    /// Indexes a key from now on.
    Index(usize),
}

fn post() -> impl Strategy<Value = Post> {
    (
        proptest::option::of(0..VALUES.len()),
        proptest::option::of(0..VALUES.len()),
        proptest::bool::weighted(0.15),
    )
        .prop_map(|(k, d, spoiled)| Post { k, d, spoiled })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => post().prop_map(Step::Post),
        1 => (0usize..40).prop_map(Step::Reverse),
        2 => (vec(post(), 1..5), proptest::option::of(0usize..5))
            .prop_map(|(posts, index_at)| Step::Group { posts, index_at }),
        1 => (0..KEYS.len()).prop_map(Step::Index),
    ]
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 7).expect("a date")
}

fn base() -> Ledger {
    let mut l = Ledger::new();
    for id in ["bank", "provider"] {
        l.open_account(NewAccount::new(id, AccountKind::Asset, Currency::GBP))
            .expect("opens");
    }
    l
}

fn entry(n: &mut usize, p: &Post) -> NewEntry {
    *n += 1;
    let to = if p.spoiled { "nowhere" } else { "provider" };
    let mut e = NewEntry::new(format!("e{n}"), day()).transfer(
        "bank",
        to,
        "1.00 GBP".parse().expect("an amount"),
    );
    if let Some(v) = p.k {
        e = e.meta("k", VALUES[v]);
    }
    if let Some(v) = p.d {
        e = e.meta("d", VALUES[v]);
    }
    e
}

/// Applies the steps; `indexing` says whether `Index` and `index_at` steps are obeyed.
fn run(steps: &[Step], indexing: bool) -> Ledger {
    let mut l = base();
    let mut n = 0;
    let mut posted: Vec<String> = Vec::new();
    for step in steps {
        match step {
            Step::Post(p) => {
                let e = entry(&mut n, p);
                let id = e.id.to_string();
                if l.post(e).is_ok() {
                    posted.push(id);
                }
            }
            Step::Reverse(i) => {
                if let Some(id) = posted.get(*i) {
                    n += 1;
                    let _ = l.reverse(id, format!("r{n}"), day(), "undo");
                }
            }
            Step::Group { posts, index_at } => {
                let mut ids = Vec::new();
                let result = l.atomically(|l| -> Result<(), LedgerError> {
                    for (i, p) in posts.iter().enumerate() {
                        if indexing && *index_at == Some(i) {
                            l.index_metadata_key("k");
                        }
                        let e = entry(&mut n, p);
                        ids.push(e.id.to_string());
                        let _ = l.post(e)?;
                    }
                    Ok(())
                });
                if result.is_ok() {
                    posted.extend(ids);
                }
            }
            Step::Index(k) => {
                if indexing {
                    l.index_metadata_key(KEYS[*k]);
                }
            }
        }
    }
    l
}

fn ids(found: Vec<isf_ledger::EntryView<'_>>) -> Vec<String> {
    found.iter().map(|e| e.id().to_string()).collect()
}

proptest! {
    #[test]
    fn indexed_answers_equal_a_full_read(steps in vec(step(), 0..30), late in proptest::bool::ANY) {
        let mut indexed = run(&steps, true);
        if late {
            // Indexing after the fact gives the same index as indexing along the way.
            for key in KEYS {
                indexed.index_metadata_key(key);
            }
        }
        let plain = run(&steps, false);
        prop_assert!(indexed.verify().is_ok(), "{:?}", indexed.verify());
        prop_assert!(plain.verify().is_ok());
        prop_assert!(indexed == plain);
        for key in KEYS {
            prop_assert!(!plain.is_metadata_key_indexed(key));
            for value in VALUES {
                prop_assert_eq!(
                    ids(indexed.entries_with_metadata(key, value)),
                    ids(plain.entries_with_metadata(key, value))
                );
                // The full read, spelled out.
                let expected: Vec<String> = plain
                    .entries()
                    .filter(|e| e.metadata().get(key).map(String::as_str) == Some(value))
                    .map(|e| e.id().to_string())
                    .collect();
                prop_assert_eq!(ids(plain.entries_with_metadata(key, value)), expected);
            }
            for from in VALUES {
                for to in VALUES {
                    prop_assert_eq!(
                        ids(indexed.entries_with_metadata_between(key, from, to)),
                        ids(plain.entries_with_metadata_between(key, from, to))
                    );
                }
            }
        }
    }
}
