//! A valid book with one change: the chain names exactly the first line changed. The check is
//! [`check::chain::check`].
#![cfg_attr(fuzzing, no_main)]

mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::chain::check(data));

/// Without `--cfg fuzzing` (a plain `cargo build` on stable) this is a program that runs the
/// check on the files named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    check::run_files(check::chain::check);
}
