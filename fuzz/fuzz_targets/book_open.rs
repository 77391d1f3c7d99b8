//! Any bytes as a book file: reading never panics, and what it reads verifies, agrees with
//! the chain and round-trips. The check is [`check::book_open::check`].
#![cfg_attr(fuzzing, no_main)]

mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::book_open::check(data));

/// Without `--cfg fuzzing` (a plain `cargo build` on stable) this is a program that runs the
/// check on the files named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    check::run_files(check::book_open::check);
}
