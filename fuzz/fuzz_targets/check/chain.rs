//! `chain`: a valid book, then one change to its bytes: a byte flipped, a line dropped,
//! swapped, duplicated, or new lines inserted, all chosen by the input.
//!
//! * The untouched book verifies, with the head [`upgrade_v1`] returned.
//! * A changed book never verifies with the same records: [`verify_chain`] names exactly the
//!   first line that differs from the original, or, if the change only shortened the book
//!   (lines dropped from the end, or a torn last line), it verifies the records left.

use chrono::{TimeZone, Utc};
use isf_ledger::book::{upgrade_v1, verify_chain};

/// A small version-1 log: two accounts and `posts` payments.
fn v1_log(posts: u8) -> Vec<u8> {
    let mut log = String::new();
    log.push_str("{\"v\":1,\"open_account\":{\"id\":\"council\",\"kind\":\"income\",\"currency\":\"GBP\",\"rule\":\"unlimited\"}}\n");
    log.push_str("{\"v\":1,\"open_account\":{\"id\":\"isf:P1\",\"kind\":\"fund\",\"currency\":\"GBP\",\"rule\":\"non_negative\"}}\n");
    for i in 0..posts {
        log.push_str(&format!(
            "{{\"v\":1,\"post\":{{\"id\":\"p{i}\",\"date\":\"2025-04-07\",\"postings\":[{{\"account\":\"council\",\"amount\":\"-1.{i:02} GBP\"}},{{\"account\":\"isf:P1\",\"amount\":\"1.{i:02} GBP\"}}]}}}}\n"
        ));
    }
    log.into_bytes()
}

fn split_lines(data: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    if data.ends_with(b"\n") {
        lines.pop();
    }
    lines
}

/// Runs the check on one input.
pub fn check(data: &[u8]) {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let at = Utc.with_ymd_and_hms(2025, 4, 7, 9, 0, 0).unwrap();
    let mut book = Vec::new();
    let made = upgrade_v1(&v1_log(byte(0) % 6)[..], &mut book, at, "fuzz")
        .expect("the generated log upgrades");
    let clean = verify_chain(&book[..]).expect("an untouched book verifies");
    assert_eq!(clean.head, made.head);
    assert_eq!(clean.records, made.records);

    let lines = split_lines(&book);
    let n = lines.len();
    let pick = |i: usize| usize::from(byte(i)) % n;
    let mutated: Vec<u8> = match byte(1) % 5 {
        0 => {
            let mut m = book.clone();
            let pos = (usize::from(byte(2)) << 8 | usize::from(byte(3))) % m.len();
            m[pos] ^= byte(4).max(1);
            m
        }
        1 => join(
            lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != pick(2))
                .map(|(_, l)| *l),
        ),
        2 => {
            let mut ls = lines.clone();
            let a = pick(2);
            ls.swap(a, (a + 1) % n);
            join(ls)
        }
        3 => {
            let mut ls = lines.clone();
            let a = pick(2);
            ls.insert(a, lines[a]);
            join(ls)
        }
        _ => {
            let mut ls = lines.clone();
            let extra = data.get(3..).unwrap_or(&[]);
            ls.insert(pick(2).min(n), extra);
            join(ls)
        }
    };
    expect_named(&book, &mutated);
}

fn join<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

/// `verify_chain` on `mutated` names the first line that differs from `original`, or verifies
/// what is left when the change only shortened it.
fn expect_named(original: &[u8], mutated: &[u8]) {
    let result = verify_chain(mutated);
    if mutated == original {
        let r = result.expect("the untouched book verifies");
        assert_eq!(r.head, verify_chain(original).expect("verifies").head);
        return;
    }
    let o = split_lines(original);
    let m = split_lines(mutated);
    let first = o.iter().zip(&m).take_while(|(a, b)| a == b).count();
    let torn_last = first + 1 == m.len() && !mutated.ends_with(b"\n");
    if first == m.len() || torn_last {
        // Only shorter: the records left verify.
        let r = result.unwrap_or_else(|e| panic!("a shortened book fails: {e}"));
        assert_eq!(r.records as usize, first);
        assert_eq!(
            r.truncated_bytes,
            if torn_last { m[first].len() as u64 } else { 0 }
        );
        return;
    }
    match result {
        Ok(r) => panic!(
            "a changed book verifies: {} records, first change at line {}",
            r.records,
            first + 1
        ),
        Err(e) => assert_eq!(
            e.line(),
            Some(first as u64 + 1),
            "the error names another line: {e}"
        ),
    }
}
