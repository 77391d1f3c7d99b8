//! The checks behind the fuzz targets, as plain functions of the input bytes.
//!
//! Nothing here depends on libFuzzer, so the same code runs three ways: under `cargo fuzz`
//! (`fuzz_targets/*.rs`), as the stable binaries those files build without `--cfg fuzzing`
//! ([`run_files`]), and in `cargo test`, where `tests/fuzz_corpus.rs` includes this module with
//! `#[path]` and replays the checked-in corpus through it.

// Each fuzz binary uses only its own target's check, and the corpus test does not use
// `run_files`: what one includer leaves unused another uses.
#![allow(dead_code)]

pub mod book_open;
pub mod chain;
pub mod claims;
pub mod deserialize;
pub mod operations;
pub mod replay_log;
pub mod statement_csv;

use isf_ledger::Ledger;

/// Writes the ledger's log, replays it, and asserts the replay is `==` to the ledger and writes
/// the same bytes. Returns the log.
pub fn assert_round_trip(ledger: &Ledger) -> Vec<u8> {
    let mut log = Vec::new();
    ledger
        .write_log(&mut log)
        .expect("writing a log to a Vec cannot fail");
    let replayed = match Ledger::replay(log.as_slice()) {
        Ok(replayed) => replayed,
        Err(e) => panic!(
            "the ledger's own log does not replay: {e}\nlog:\n{}",
            String::from_utf8_lossy(&log)
        ),
    };
    assert!(
        replayed == *ledger,
        "replaying the log gives a different ledger\nlog:\n{}",
        String::from_utf8_lossy(&log)
    );
    let mut again = Vec::new();
    replayed
        .write_log(&mut again)
        .expect("writing a log to a Vec cannot fail");
    assert!(
        again == log,
        "the replayed ledger writes a different log\nfirst:\n{}\nsecond:\n{}",
        String::from_utf8_lossy(&log),
        String::from_utf8_lossy(&again)
    );
    log
}

/// Asserts that `verify` finds nothing wrong.
pub fn assert_verifies(ledger: &Ledger) {
    if let Err(e) = ledger.verify() {
        panic!("verify failed: {e}\n{:#?}", e.discrepancies);
    }
}

/// The stable stand-in for libFuzzer's `main` (jiff's `fuzz_targets/shim.rs` pattern): runs
/// `check` on every file named on the command line, or on every file in a directory named
/// there, so a crash input can be replayed with a plain `cargo run` on stable:
///
/// ```text
/// cargo run --manifest-path fuzz/Cargo.toml --bin replay_log -- fuzz/artifacts/replay_log/crash-*
/// ```
pub fn run_files(check: fn(&[u8])) {
    let mut files = Vec::new();
    for arg in std::env::args_os().skip(1) {
        let path = std::path::PathBuf::from(arg);
        if path.is_dir() {
            let mut inside: Vec<_> = std::fs::read_dir(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
                .map(|entry| entry.expect("a directory entry").path())
                .filter(|p| p.is_file())
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path);
        }
    }
    if files.is_empty() {
        eprintln!("usage: give the input files (or directories of them) to check");
        std::process::exit(2);
    }
    for path in &files {
        let data =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        eprintln!("{}", path.display());
        check(&data);
    }
    println!("checked {} inputs", files.len());
}
