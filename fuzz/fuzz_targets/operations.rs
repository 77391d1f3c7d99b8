//! Arbitrary sequences of ledger operations, with the invariants checked after every step. The
//! check is [`check::operations::check`].
#![cfg_attr(fuzzing, no_main)]

mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::operations::check(data));

/// Without `--cfg fuzzing` (a plain `cargo build` on stable) this is a program that runs the
/// check on the files named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    check::run_files(check::operations::check);
}
