//! Any bytes as JSON for any public type that can be deserialized (the first byte picks the
//! type): reading never panics, what reads round-trips, and a budget, plan or agreement that
//! reads is valid and can be used. The check is [`check::deserialize::check`].
#![cfg_attr(fuzzing, no_main)]

mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::deserialize::check(data));

/// Without `--cfg fuzzing` (a plain `cargo build` on stable) this is a program that runs the
/// check on the files named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    check::run_files(check::deserialize::check);
}
