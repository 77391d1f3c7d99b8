//! The book's file: golden vectors pinning the canonical encoding and the chain, and tampering
//! (altered, dropped, duplicated, swapped, inserted lines) named at the exact line.

#![cfg(feature = "book")]

use std::fs;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use isf_ledger::book::{Book, BookError, GENESIS_PREV, Hash, chain_hash, verify_chain};
use isf_ledger::{AccountKind, BalanceRule, Currency, NewAccount, NewEntry};

fn at(s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, 7, 9, 0, s).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 7).unwrap()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("isf-book-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A book with a header, two accounts and `n` payments: 2 + n records after the header.
fn sample(dir: &TempDir, n: u32) -> PathBuf {
    let path = dir.path("t.book");
    let mut book = Book::create(&path, at(0), "setup").unwrap();
    book.record(at(1), "alice", |l| -> Result<_, isf_ledger::Error> {
        l.open_account(NewAccount::new(
            "council",
            AccountKind::Income,
            Currency::GBP,
        ))?;
        Ok(l.open_account(
            NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP)
                .rule(BalanceRule::NonNegative),
        )?)
    })
    .unwrap();
    for i in 0..n {
        book.record(at(2 + i), "alice", |l| -> Result<_, isf_ledger::Error> {
            let _receipt = l.post(NewEntry::new(format!("pay-{i}"), day()).transfer(
                "council",
                "isf:P1",
                "1650.00 GBP".parse()?,
            ))?;
            Ok(())
        })
        .unwrap();
    }
    path
}

// SHA-256 values below were computed independently of this crate (Python's hashlib):
// hashlib.sha256(bytes(32) + canonical).hexdigest().
const HEADER_CANONICAL: &str = r#"{"v":2,"seq":0,"at":"2025-04-07T09:00:00Z","actor":"setup","header":{"format":"isf-ledger book"}}"#;
const HEADER_HASH: &str = "1efd5174563f7876ebd3a28d72c46c7e8100bb8351e2bd595a4b250e6411d1a7";

#[test]
fn golden_header_and_chain_hash() {
    assert_eq!(
        chain_hash(&GENESIS_PREV, b"").to_hex(),
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
    );
    assert_eq!(
        chain_hash(&GENESIS_PREV, HEADER_CANONICAL.as_bytes()).to_hex(),
        HEADER_HASH
    );
    let dir = TempDir::new("golden");
    let path = dir.path("g.book");
    let book = Book::create(&path, at(0), "setup").unwrap();
    assert_eq!(book.head().to_hex(), HEADER_HASH);
    let text = fs::read_to_string(&path).unwrap();
    let expected = format!(
        "{},\"hash\":\"{HEADER_HASH}\"}}\n",
        &HEADER_CANONICAL[..HEADER_CANONICAL.len() - 1]
    );
    assert_eq!(text, expected);
}

const RECORD_LINE: &str = r#"{"v":2,"seq":1,"at":"2025-04-07T09:00:01Z","actor":"alice","op":{"linked":{"ops":[{"open_account":{"id":"bank","kind":"asset","currency":"GBP","rule":"unlimited"}}]}},"hash":"d96f2118a741798e319a49942bcda6852f2cdd9bfdad07ec6c8fcebf322fc761"}"#;

#[test]
fn golden_first_record() {
    let dir = TempDir::new("golden-rec");
    let path = dir.path("g.book");
    let mut book = Book::create(&path, at(0), "setup").unwrap();
    book.record(at(1), "alice", |l| {
        l.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))
            .map_err(isf_ledger::Error::from)
    })
    .unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let second = text.lines().nth(1).unwrap();
    assert_eq!(second, RECORD_LINE);
    // The record's hash chains over the header's hash and the canonical bytes.
    let cut = second.len() - (9 + 64 + 2);
    let canonical = format!("{}}}", &second[..cut]);
    let header = Hash::from_hex(HEADER_HASH).unwrap();
    assert_eq!(chain_hash(&header, canonical.as_bytes()), book.head());
}

fn lines(path: &PathBuf) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &PathBuf, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    fs::write(path, text).unwrap();
}

fn chain_error(path: &PathBuf) -> BookError {
    verify_chain(fs::File::open(path).unwrap()).unwrap_err()
}

#[test]
fn untouched_book_verifies_and_reopens() {
    let dir = TempDir::new("clean");
    let path = sample(&dir, 5);
    let head = Book::open(&path).unwrap().head();
    let report = verify_chain(fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(report.records, 7);
    assert_eq!(report.last_seq, 6);
    assert_eq!(report.head, head);
}

#[test]
fn an_altered_amount_is_named_at_its_line() {
    let dir = TempDir::new("alter");
    let path = sample(&dir, 5);
    let mut ls = lines(&path);
    ls[4] = ls[4].replace("1650.00 GBP", "16500.00 GBP");
    write_lines(&path, &ls);
    let err = chain_error(&path);
    assert!(
        matches!(err, BookError::Hash { line: 5, seq: 4 }),
        "{err:?}"
    );
    assert_eq!(Book::open(&path).unwrap_err().line(), Some(5));
    assert_eq!(Book::open_read_only(&path).unwrap_err().line(), Some(5));
}

#[test]
fn a_dropped_line_is_named() {
    let dir = TempDir::new("drop");
    let path = sample(&dir, 5);
    let mut ls = lines(&path);
    ls.remove(3);
    write_lines(&path, &ls);
    let err = chain_error(&path);
    assert!(
        matches!(
            err,
            BookError::Sequence {
                line: 4,
                expected: 3,
                found: 4
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_duplicated_line_is_named() {
    let dir = TempDir::new("dup");
    let path = sample(&dir, 5);
    let mut ls = lines(&path);
    let copy = ls[3].clone();
    ls.insert(4, copy);
    write_lines(&path, &ls);
    let err = chain_error(&path);
    assert!(
        matches!(
            err,
            BookError::Sequence {
                line: 5,
                expected: 4,
                found: 3
            }
        ),
        "{err:?}"
    );
}

#[test]
fn swapped_lines_are_named() {
    let dir = TempDir::new("swap");
    let path = sample(&dir, 5);
    let mut ls = lines(&path);
    ls.swap(3, 4);
    write_lines(&path, &ls);
    let err = chain_error(&path);
    assert!(
        matches!(
            err,
            BookError::Sequence {
                line: 4,
                expected: 3,
                found: 4
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_line_renumbered_to_fit_is_named_by_its_hash() {
    let dir = TempDir::new("renumber");
    let path = sample(&dir, 5);
    let mut ls = lines(&path);
    // Drop line 4 and renumber the rest: the seqs fit, the chain does not.
    ls.remove(3);
    for (i, l) in ls.iter_mut().enumerate().skip(3) {
        *l = l.replacen(&format!("\"seq\":{}", i + 1), &format!("\"seq\":{i}"), 1);
    }
    write_lines(&path, &ls);
    let err = chain_error(&path);
    assert!(
        matches!(err, BookError::Hash { line: 4, seq: 3 }),
        "{err:?}"
    );
}

#[test]
fn a_second_writer_fails_at_once() {
    let dir = TempDir::new("lock");
    let path = sample(&dir, 1);
    let first = Book::open(&path).unwrap();
    let err = Book::open(&path).unwrap_err();
    assert!(matches!(err, BookError::Locked), "{err:?}");
    assert_eq!(err.to_string(), "the book is locked by another writer");
    // An auditor may read while the writer holds the lock.
    let reader = Book::open_read_only(&path).unwrap();
    assert_eq!(reader.head(), first.head());
    drop(first);
    assert!(Book::open(&path).is_ok());
}

#[test]
fn a_read_only_book_refuses_calls_and_never_changes_the_file() {
    let dir = TempDir::new("ro");
    let path = sample(&dir, 2);
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"v\":2,\"seq\":5,\"at\":");
    fs::write(&path, &bytes).unwrap();
    let mut book = Book::open_read_only(&path).unwrap();
    assert_eq!(book.report().truncated_bytes, 20);
    let err = book
        .record(at(9), "bob", |l| {
            l.open_account(NewAccount::new("x", AccountKind::Asset, Currency::GBP))
                .map_err(isf_ledger::Error::from)
        })
        .unwrap_err();
    assert!(matches!(err.book(), Some(BookError::ReadOnly)));
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn damage_before_the_last_line_is_never_repaired() {
    let dir = TempDir::new("damage");
    let path = sample(&dir, 3);
    let mut ls = lines(&path);
    let half = ls[2].len() / 2;
    ls[2].truncate(half);
    write_lines(&path, &ls);
    let err = Book::open(&path).unwrap_err();
    assert_eq!(err.line(), Some(3), "{err:?}");
}

#[test]
fn a_refused_call_writes_nothing() {
    let dir = TempDir::new("refused");
    let path = sample(&dir, 1);
    let mut book = Book::open(&path).unwrap();
    let before = fs::read(&path).unwrap();
    let ledger_before = book.ledger().clone();
    let err = book
        .record(at(9), "alice", |l| -> Result<_, isf_ledger::Error> {
            let _ok = l.post(NewEntry::new("ok", day()).transfer(
                "council",
                "isf:P1",
                "1.00 GBP".parse()?,
            ))?;
            Ok(l.post(NewEntry::new("over", day()).transfer(
                "isf:P1",
                "council",
                "5000.00 GBP".parse()?,
            ))?)
        })
        .unwrap_err();
    assert!(err.is_insufficient_funds());
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(book.ledger(), &ledger_before);
}

#[test]
fn a_byte_order_mark_before_the_header_is_accepted() {
    let dir = TempDir::new("bom");
    let path = sample(&dir, 2);
    let head = Book::open_read_only(&path).unwrap().head();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&fs::read(&path).unwrap());
    fs::write(&path, &bytes).unwrap();
    assert_eq!(verify_chain(&bytes[..]).unwrap().head, head);
    let mut book = Book::open(&path).unwrap();
    assert_eq!(book.head(), head);
    // And the book goes on from there.
    book.record(at(30), "alice", |l| {
        l.open_account(NewAccount::new("x", AccountKind::Asset, Currency::GBP))
            .map_err(isf_ledger::Error::from)
    })
    .unwrap();
    drop(book);
    assert_eq!(Book::open(&path).unwrap().seq(), 4);
    // A mark anywhere else is damage.
    let mut lines = lines(&path);
    lines[2].insert(0, '\u{FEFF}');
    write_lines(&path, &lines);
    assert_eq!(chain_error(&path).line(), Some(3));
}

/// A call whose record would be longer than a reader accepts is refused before anything is
/// written: the file stays readable, the book refuses further calls until it is reopened, and
/// the reopened book holds everything up to the call before.
#[test]
fn a_record_too_long_to_read_back_is_never_written() {
    let dir = TempDir::new("too-long");
    let path = sample(&dir, 1);
    let before = fs::read(&path).unwrap();
    let mut book = Book::open(&path).unwrap();
    let head = book.head();
    // 1,100 entries with 64 metadata values of 1,000 bytes each: about 70 MB in one record.
    let value = "x".repeat(1000);
    let err = book
        .record(at(20), "alice", |l| -> Result<_, isf_ledger::Error> {
            for i in 0..1100 {
                let mut entry = NewEntry::new(format!("big-{i}"), day()).transfer(
                    "council",
                    "isf:P1",
                    "0.01 GBP".parse()?,
                );
                for k in 0..64 {
                    entry = entry.meta(format!("k{k}"), value.clone());
                }
                let _receipt = l.post(entry)?;
            }
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("over the"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
    let next = book.record(at(21), "alice", |l| -> Result<_, isf_ledger::Error> {
        Ok(l.open_account(NewAccount::new("y", AccountKind::Asset, Currency::GBP))?)
    });
    let next = next.unwrap_err();
    assert!(next.to_string().contains("earlier write"), "{next}");
    drop(book);
    let reopened = Book::open(&path).unwrap();
    assert_eq!(reopened.head(), head);
    assert!(reopened.ledger().entry("big-0").is_none());
    let chain = verify_chain(fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(chain.head, head);
}
