//! `book_open`: any bytes as a book file (format version 2).
//!
//! * [`replay_book`] never panics, whatever it is given; nor does [`verify_chain`].
//! * A book that replays verifies, its chain holds with the same head and record count, its
//!   ledger's log round-trips, and cutting off a torn last line changes nothing else.
//! * A refused book names a line from 1, no later than the line [`verify_chain`] names.
//!
//! Random bytes almost never carry the right hashes, so each input is also tried *rechained*:
//! every line that ends in a `"hash"` field gets the hash the chain needs there, so the fuzzer
//! reaches the record parser and the ledger behind it.

use isf_ledger::book::{GENESIS_PREV, Hash, chain_hash, replay_book, verify_chain};

use super::{assert_round_trip, assert_verifies};

/// `,"hash":"` + 64 hex digits + `"}`.
const SUFFIX: usize = 9 + 64 + 2;

/// Runs the check on one input, as given and rechained.
pub fn check(data: &[u8]) {
    check_bytes(data);
    let rechained = rechain(data);
    if rechained != data {
        check_bytes(&rechained);
    }
}

fn check_bytes(data: &[u8]) {
    let replayed = replay_book(data);
    let chain = verify_chain(data);
    match replayed {
        Ok(r) => {
            assert_verifies(&r.ledger);
            let c = chain.expect("a book that replays has a chain that holds");
            assert_eq!(c.head, r.head, "verify_chain and replay agree on the head");
            assert_eq!(c.records, r.report.records);
            assert_eq!(c.last_seq, r.seq);
            assert_eq!(c.truncated_bytes, r.report.truncated_bytes);
            if r.report.truncated_bytes > 0 {
                let cut = &data[..data.len() - r.report.truncated_bytes as usize];
                let again = replay_book(cut).expect("a book without its torn line replays");
                assert!(
                    again.ledger == r.ledger,
                    "cutting the torn line changed the books"
                );
                assert_eq!(again.head, r.head);
                assert_eq!(again.report.truncated_bytes, 0);
            }
            assert_round_trip(&r.ledger);
        }
        Err(e) => {
            if let Some(line) = e.line() {
                assert!(line >= 1, "an error names a line from 1: {e}");
                if let Err(ce) = &chain {
                    let chain_line = ce.line().expect("a chain error names its line");
                    assert!(
                        line <= chain_line,
                        "replay fails at line {line}, after the chain's line {chain_line}"
                    );
                }
            }
        }
    }
}

/// The input with every line's hash made the one the chain needs there.
pub fn rechain(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut prev: Hash = GENESIS_PREV;
    let mut rest = data;
    while !rest.is_empty() {
        let (line, newline, tail) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], true, &rest[i + 1..]),
            None => (rest, false, &rest[rest.len()..]),
        };
        rest = tail;
        if line.len() > SUFFIX
            && line.ends_with(b"\"}")
            && line[line.len() - SUFFIX..].starts_with(b",\"hash\":\"")
        {
            let cut = line.len() - SUFFIX;
            let mut canonical = line[..cut].to_vec();
            canonical.push(b'}');
            let hash = chain_hash(&prev, &canonical);
            out.extend_from_slice(&line[..cut]);
            out.extend_from_slice(b",\"hash\":\"");
            out.extend_from_slice(hash.to_hex().as_bytes());
            out.extend_from_slice(b"\"}");
            prev = hash;
        } else {
            out.extend_from_slice(line);
        }
        if newline {
            out.push(b'\n');
        }
    }
    out
}
