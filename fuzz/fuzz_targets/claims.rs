//! An ISF agreement and any sequence of claims, bookings, disputes, credit notes and banking:
//! nothing panics, a refused operation changes nothing, funds never go below zero, statements
//! tie out and the log replays. The check is [`check::claims::check`].
#![cfg_attr(fuzzing, no_main)]

mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::claims::check(data));

/// Without `--cfg fuzzing` (a plain `cargo build` on stable) this is a program that runs the
/// check on the files named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    check::run_files(check::claims::check);
}
