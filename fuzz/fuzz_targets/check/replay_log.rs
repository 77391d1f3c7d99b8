//! `replay_log`: any bytes as a JSON Lines log.
//!
//! * [`Ledger::replay`] never panics, whatever it is given.
//! * A ledger it returns verifies, and writing its log and replaying that gives an `==` ledger
//!   that writes the same bytes.
//! * When the log is refused part way, [`Ledger::import_jsonl`] keeps the lines before the bad
//!   one: that partial ledger must verify and round-trip too.

use isf_ledger::Ledger;

use super::{assert_round_trip, assert_verifies};

/// Runs the check on one input.
pub fn check(data: &[u8]) {
    match Ledger::replay(data) {
        Ok(ledger) => {
            assert_verifies(&ledger);
            assert_round_trip(&ledger);
        }
        Err(e) => {
            assert!(e.line() >= 1, "an error names a line from 1: {e}");
            let mut partial = Ledger::new();
            let again = partial
                .import_jsonl(data)
                .expect_err("import fails where replay failed");
            assert_eq!(again.line(), e.line(), "import and replay fail on one line");
            assert_verifies(&partial);
            assert_round_trip(&partial);
        }
    }
}
