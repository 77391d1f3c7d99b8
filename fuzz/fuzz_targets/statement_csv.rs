//! Any bytes as a bank statement CSV: import never panics, every row is a line or an error
//! named by its line, and matching the lines against a small ledger is one to one. The check
//! is [`check::statement_csv::check`].
#![cfg_attr(fuzzing, no_main)]

mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::statement_csv::check(data));

/// Without `--cfg fuzzing` (a plain `cargo build` on stable) this is a program that runs the
/// check on the files named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    check::run_files(check::statement_csv::check);
}
