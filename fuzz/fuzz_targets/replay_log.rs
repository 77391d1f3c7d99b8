//! Any bytes as a JSON Lines log: replay never panics, and what it builds verifies and
//! round-trips. The check is [`check::replay_log::check`].
#![cfg_attr(fuzzing, no_main)]

mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::replay_log::check(data));

/// Without `--cfg fuzzing` (a plain `cargo build` on stable) this is a program that runs the
/// check on the files named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    check::run_files(check::replay_log::check);
}
