//! The checked-in fuzz corpus, replayed through the fuzz targets' own checks.
//!
//! `fuzz/corpus/<target>/` holds the seeds each fuzz target starts from (`seed-*`), every input
//! that once crashed one (`seed-crash-*`), and a minimized corpus of earlier fuzzing runs (files
//! named by their SHA-1, merged back as README's "Fuzzing campaign" says). Every file there is
//! replayed. The checks are plain functions in
//! `fuzz/fuzz_targets/check/`, shared with the fuzz targets, so this is the same check
//! `cargo fuzz` runs, on stable and in `cargo test`.
//!
//! Crashes found by fuzzing, kept here as regression tests. What broke:
//! - `replay_log/seed-crash-positive-floor-below-limit`: a log that only opens an account with a
//!   positive `at_least` limit replays, and the ledger fails `verify` with `BelowLimit` (the new
//!   account's zero is below its floor). Fixed: the ledger now refuses a limit above zero
//!   (`LedgerError::InvalidRule`).
//! - `operations/seed-crash-negative-zero-amount`: a negative zero amount (here an `at_least`
//!   limit of -0.00; `NewEntry::transfer` of a zero amount makes a -0.00 posting too) is logged
//!   as `"-0.00"`, which replays as `"0.00"`, so the log is not the same bytes after one replay
//!   (the ledgers are `==`). Fixed: money displays a zero without its sign, and a zero limit is
//!   stored as plain zero.

#[path = "../fuzz/fuzz_targets/check/mod.rs"]
mod check;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

/// Every file in the target's corpus, in name order.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `check` on every file of the target's corpus and reports every one that panics.
fn replay_corpus(target: &str, check: fn(&[u8])) {
    let files = corpus(target);
    assert!(
        files.iter().any(|f| f
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("seed-"))),
        "no seed-* files in {}",
        corpus_dir(target).display()
    );
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("a corpus file reads");
        if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {target} inputs failed (messages above): {failed:#?}",
        failed.len(),
        files.len()
    );
}

#[test]
fn replay_log_corpus() {
    replay_corpus("replay_log", check::replay_log::check);
}

#[test]
fn operations_corpus() {
    replay_corpus("operations", check::operations::check);
}

#[test]
fn book_open_corpus() {
    replay_corpus("book_open", check::book_open::check);
}

#[test]
fn chain_corpus() {
    replay_corpus("chain", check::chain::check);
}

#[test]
fn claims_corpus() {
    replay_corpus("claims", check::claims::check);
}

#[test]
fn statement_csv_corpus() {
    replay_corpus("statement_csv", check::statement_csv::check);
}

#[test]
fn deserialize_corpus() {
    replay_corpus("deserialize", check::deserialize::check);
}

#[test]
fn crash_inputs_are_kept() {
    for (target, name) in [
        ("replay_log", "seed-crash-positive-floor-below-limit"),
        ("operations", "seed-crash-negative-zero-amount"),
    ] {
        assert!(
            corpus_dir(target).join(name).is_file(),
            "{target}/{name} is missing"
        );
    }
}

/// The crashes fuzzing found, checked strictly against what the fix promises.
mod fixed_crashes {
    use isf_ledger::Ledger;

    use super::corpus_dir;

    fn seed(target: &str, name: &str) -> Vec<u8> {
        std::fs::read(corpus_dir(target).join(name)).expect("the seed reads")
    }

    #[test]
    fn positive_floor_is_refused() {
        let data = seed("replay_log", "seed-crash-positive-floor-below-limit");
        let err = Ledger::replay(data.as_slice()).expect_err("a limit above zero is refused");
        assert!(
            matches!(
                err,
                isf_ledger::LogError::Rejected {
                    line: 1,
                    source: isf_ledger::LedgerError::InvalidRule { .. }
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn negative_zero_log_is_stable() {
        let data = seed("operations", "seed-crash-negative-zero-amount");
        let (ledger, _) = super::check::operations::run(&data);
        let mut first = Vec::new();
        ledger.write_log(&mut first).expect("the log writes");
        let replayed = Ledger::replay(first.as_slice()).expect("the log replays");
        let mut second = Vec::new();
        replayed.write_log(&mut second).expect("the log writes");
        assert_eq!(
            String::from_utf8_lossy(&first),
            String::from_utf8_lossy(&second)
        );
    }
}
