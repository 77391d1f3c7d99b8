//! Benchmarks of the book file: appends with an fsync per call and with group commit, opening
//! a large book by full replay and from a snapshot, and the hash chain's cost per record.
//!
//! ```text
//! cargo bench --bench book                        # everything
//! cargo bench --bench book -- append/             # only the appends
//! ISF_BENCH_ENTRIES=200000 cargo bench --bench book -- open/   # a smaller large book
//! ```
//!
//! * `append/fsync per call`: one call (one entry, one record) appended and flushed to disk
//!   ([`File::sync_data`](std::fs::File::sync_data)) before the next. The rate is the disk's
//!   flush rate: name the disk with the figure.
//! * `append/group commit of 100`: 100 calls, each its own record, written and flushed once
//!   ([`Book::batch`]). Elements are calls.
//! * `open/*`: opening a book of `ISF_BENCH_ENTRIES` entries (default 1,000,000: 1,000
//!   records, each a call posting a batch of 1,000 entries across 1,000 funds), by replaying
//!   every record ([`Book::open_full`]) or from a snapshot taken at its last record
//!   ([`Book::open`]), which still checks every record's place in the chain. The book is built
//!   once in a temporary directory, not timed.
//! * `chain/*`: SHA-256 over the previous hash and one record's canonical bytes (a typical
//!   one-payment record), alone.
//!
//! Under `cargo test --benches` every size is cut to 2,000 entries.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput};
use isf_ledger::book::{Book, GENESIS_PREV, chain_hash};
use isf_ledger::{AccountKind, BalanceRule, Currency, Money, NewAccount, NewEntry};

const FUNDS: usize = 1000;

fn at(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, 7, 9, 0, 0).unwrap() + chrono::Duration::seconds(s)
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 7).unwrap()
}

/// True under `cargo bench`, false under `cargo test --benches`.
fn benchmarking() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list")
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("isf-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new book with the council and `FUNDS` fund accounts.
fn new_book(path: &Path) -> Book {
    let mut book = Book::create(path, at(0), "bench").expect("a new book");
    book.record(at(1), "bench", |l| -> Result<(), isf_ledger::Error> {
        l.open_account(NewAccount::new(
            "council",
            AccountKind::Income,
            Currency::GBP,
        ))?;
        for f in 0..FUNDS {
            l.open_account(
                NewAccount::new(format!("isf:P{f:04}"), AccountKind::Fund, Currency::GBP)
                    .rule(BalanceRule::NonNegative),
            )?;
        }
        Ok(())
    })
    .expect("accounts open");
    book
}

fn payment(n: u64) -> NewEntry {
    let pence = Money::from_minor(i64::try_from(n % 50_000).unwrap_or(0) + 100, Currency::GBP);
    NewEntry::new(format!("pay-{n}"), day())
        .memo("four-weekly allocation")
        .transfer("council", format!("isf:P{:04}", n as usize % FUNDS), pence)
}

fn pay(book: &mut Book, n: u64) -> Result<(), isf_ledger::Error> {
    book.record(at(2), "bench", |l| -> Result<(), isf_ledger::Error> {
        let _receipt = l.post(payment(n))?;
        Ok(())
    })
}

fn appends(c: &mut Criterion) {
    let dir = TempDir::new("append");
    let mut book = new_book(&dir.0.join("a.book"));
    let mut n = 0u64;
    let mut g = c.benchmark_group("append");
    g.throughput(Throughput::Elements(1));
    g.bench_function("fsync per call", |b| {
        b.iter(|| {
            n += 1;
            pay(&mut book, n).expect("appended");
        })
    });
    g.throughput(Throughput::Elements(100));
    g.bench_function("group commit of 100", |b| {
        b.iter(|| {
            book.batch(|book| -> Result<(), isf_ledger::Error> {
                for _ in 0..100 {
                    n += 1;
                    pay(book, n)?;
                }
                Ok(())
            })
            .expect("appended")
        })
    });
    g.finish();
}

/// A book of `entries` entries: records of 1,000 entries each, then a snapshot.
fn large_book(dir: &Path, entries: u64) -> PathBuf {
    let path = dir.join("large.book");
    let mut book = new_book(&path);
    let per_record = 1000u64.min(entries.max(1));
    let mut n = 0u64;
    book.batch(|book| -> Result<(), isf_ledger::Error> {
        while n < entries {
            let first = n;
            n = (n + per_record).min(entries);
            book.record(at(3), "bench", |l| -> Result<(), isf_ledger::Error> {
                let _receipts = l.post_batch((first..n).map(payment).collect())?;
                Ok(())
            })?;
        }
        Ok(())
    })
    .expect("the large book is written");
    book.write_snapshot().expect("a snapshot");
    path
}

fn opens(c: &mut Criterion) {
    let entries: u64 = if benchmarking() {
        std::env::var("ISF_BENCH_ENTRIES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1_000_000)
    } else {
        2_000
    };
    let dir = TempDir::new("open");
    let path = large_book(&dir.0, entries);
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("open: a book of {entries} entries, {bytes} bytes");
    let mut g = c.benchmark_group("open");
    g.sample_size(10);
    g.throughput(Throughput::Elements(entries));
    g.bench_function(format!("full replay, {entries} entries"), |b| {
        b.iter(|| {
            let book = Book::open_full(&path).expect("opens");
            assert_eq!(book.report().from_snapshot, None);
            book
        })
    });
    g.bench_function(format!("from snapshot, {entries} entries"), |b| {
        b.iter(|| {
            let book = Book::open(&path).expect("opens");
            assert!(book.report().from_snapshot.is_some());
            book
        })
    });
    g.finish();
}

fn chain(c: &mut Criterion) {
    let dir = TempDir::new("chain");
    let path = dir.0.join("c.book");
    let mut book = new_book(&path);
    pay(&mut book, 1).expect("appended");
    drop(book);
    let text = std::fs::read_to_string(&path).expect("reads");
    let line = text.lines().last().expect("a record");
    let canonical = format!("{}}}", &line[..line.len() - (9 + 64 + 2)]);
    let mut g = c.benchmark_group("chain");
    g.throughput(Throughput::Bytes(canonical.len() as u64));
    g.bench_function(
        format!("sha256 of one record ({} bytes)", canonical.len()),
        |b| {
            b.iter_batched(
                || GENESIS_PREV,
                |prev| chain_hash(black_box(&prev), black_box(canonical.as_bytes())),
                BatchSize::SmallInput,
            )
        },
    );
    g.finish();
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    chain(&mut c);
    appends(&mut c);
    opens(&mut c);
    c.final_summary();
}
