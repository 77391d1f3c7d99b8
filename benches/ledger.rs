//! Benchmarks of the ledger's hot paths on synthetic care-budget data shaped like
//! `shared/bench/gen.py`'s: four-weekly council allocations and client contributions into
//! individual service funds (`Assets:ISF:P0001`, never below zero), provider drawdowns out of
//! them (`Drawdown P0001 invoice INV0000001`), all in GBP pence.
//!
//! ```text
//! cargo bench --bench ledger                 # everything (about 2.5 minutes)
//! cargo bench --bench ledger -- post/        # only the posting benchmarks
//! ISF_BENCH_ENTRIES=200000 cargo bench ...   # a smaller large ledger
//! ```
//!
//! * `post/*, 10k accounts`: posting prebuilt entries into a fresh ledger of 10,000 accounts
//!   (each sample starts from empty; building the entries and dropping the ledger are not
//!   timed), with dates in order or at random (back-dated). Elements are entries.
//! * `post/2 postings, onto 1000000 entries`: posting on into the large ledger below, which
//!   grows by what criterion asks for (a few million entries). Run last.
//! * `lookup/*`: balance queries on a ledger of 1,000,000 entries (1,000 funds, 50 providers).
//! * `import/*`: `Ledger::replay` of the same ledger's JSON Lines log, held in memory, and the
//!   JSON parsing alone for comparison. Elements are entries.
//! * Resident bytes per entry are printed before the benchmarks (`resident:` lines), counted by
//!   the global allocator below: criterion measures time, not bytes.
//!
//! Under `cargo test --benches` (criterion's test mode) every size is cut to 20,000 entries.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use criterion::{Criterion, Throughput};
use isf_ledger::{AccountId, Ledger, NewEntry, Seq};

// ----- counting allocator -----------------------------------------------------------------------

/// The system allocator, counting the bytes it hands out and takes back while [`COUNTING`] is
/// set. When it is not set the cost is one relaxed load per call, so the timed benchmarks run
/// with counting off.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn count(delta: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        let now = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the counting touches only atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, that is by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is checked by the caller.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Live bytes and peak live bytes allocated while `f` ran, and its result.
fn measure_heap<T>(f: impl FnOnce() -> T) -> (T, isize, isize) {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::SeqCst);
    let out = f();
    COUNTING.store(false, Ordering::SeqCst);
    (
        out,
        LIVE.load(Ordering::Relaxed),
        PEAK.load(Ordering::Relaxed),
    )
}

// ----- synthetic care-budget data ---------------------------------------------------------------
#[path = "gen/mod.rs"]
#[allow(dead_code)]
mod data;

use data::{Book, Rng, Stream, fy_start};

// ----- sizes ------------------------------------------------------------------------------------

/// True under `cargo bench` (cargo passes `--bench`), false under `cargo test --benches`, where
/// criterion runs each benchmark once and the sizes are cut down.
fn full_run() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list")
}

fn large_size(full: bool) -> usize {
    let default = if full { 1_000_000 } else { 20_000 };
    std::env::var("ISF_BENCH_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

// ----- (a), (b), (f): posting -------------------------------------------------------------------

/// Times posting `iters` entries of `stream` into a clone of `empty`; building the entries
/// and dropping the ledger are not timed.
fn time_posting(empty: &Ledger, entries: Vec<NewEntry>) -> Duration {
    let mut ledger = empty.clone();
    let started = Instant::now();
    for entry in entries {
        // The receipt's sequence number is not needed here.
        let _ = black_box(
            ledger
                .post(entry)
                .expect("the stream's entries are accepted"),
        );
    }
    let elapsed = started.elapsed();
    drop(black_box(ledger));
    elapsed
}

fn bench_post(c: &mut Criterion) {
    // 9,948 funds + 50 providers + 2 income accounts = 10,000 accounts.
    let book = Book::new(9_948, 50);
    assert_eq!(book.account_count(), 10_000);
    let empty = book.open();
    let per_day = 2_740;

    let mut group = c.benchmark_group("post");
    group.throughput(Throughput::Elements(1));
    group.bench_function("2 postings, 10k accounts", |b| {
        b.iter_custom(|iters| {
            let entries = Stream::new(&book, 2, per_day)
                .take(iters as usize)
                .collect();
            time_posting(&empty, entries)
        })
    });
    group.bench_function("5 postings, 10k accounts", |b| {
        b.iter_custom(|iters| {
            let entries = Stream::new(&book, 5, per_day)
                .take(iters as usize)
                .collect();
            time_posting(&empty, entries)
        })
    });
    // Back-dated entries: each also updates the account's daily totals after its date.
    group.bench_function("2 postings, 10k accounts, random dates", |b| {
        b.iter_custom(|iters| {
            let entries = Stream::new(&book, 2, per_day)
                .random_dates()
                .take(iters as usize)
                .collect();
            time_posting(&empty, entries)
        })
    });
    // The cost of building the entries the benchmarks above post, for comparison.
    group.bench_function("build 2-posting NewEntry only", |b| {
        b.iter_custom(|iters| {
            let mut stream = Stream::new(&book, 2, per_day);
            let started = Instant::now();
            for _ in 0..iters {
                black_box(stream.next());
            }
            started.elapsed()
        })
    });
    group.finish();
}

/// Posting more entries into the large ledger: each sample carries on where the last stopped,
/// so the ledger grows from its starting size by the few million entries criterion asks for.
fn bench_post_large(c: &mut Criterion, ledger: &mut Ledger, stream: &mut Stream<'_>) {
    let name = format!(
        "2 postings, onto {} entries, {} accounts",
        ledger.entry_count(),
        ledger.accounts().count()
    );
    let mut group = c.benchmark_group("post");
    group.throughput(Throughput::Elements(1));
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let entries: Vec<NewEntry> = stream.by_ref().take(iters as usize).collect();
            let started = Instant::now();
            for entry in entries {
                // The receipt's sequence number is not needed here.
                let _ = black_box(
                    ledger
                        .post(entry)
                        .expect("the stream's entries are accepted"),
                );
            }
            started.elapsed()
        })
    });
    group.finish();
}

// ----- (e): resident bytes per entry ------------------------------------------------------------

/// The gen.py-shaped large ledger: `n` two-posting entries of `stream` posted into `book`'s
/// accounts. Prints the heap it holds per entry.
fn build_large(book: &Book, stream: &mut Stream<'_>, n: usize) -> Ledger {
    let started = Instant::now();
    let (ledger, live, peak) = measure_heap(|| {
        let mut ledger = book.open();
        for entry in stream.by_ref().take(n) {
            // The receipt's sequence number is not needed here.
            let _ = ledger
                .post(entry)
                .expect("the stream's entries are accepted");
        }
        ledger
    });
    let took = started.elapsed();
    let per_entry = live as f64 / n as f64;
    println!(
        "resident: built a ledger of {n} entries ({} postings, {} accounts) in {:.2} s",
        2 * n,
        book.account_count(),
        took.as_secs_f64()
    );
    println!(
        "resident: live heap {:.1} MB = {per_entry:.1} bytes/entry (peak {:.1} MB while building); target <= 200 bytes/entry: {}",
        live as f64 / 1e6,
        peak as f64 / 1e6,
        if per_entry <= 200.0 { "met" } else { "MISSED" }
    );
    ledger
}

/// Prints the heap a ledger replayed from `log` holds, and the peak while replaying.
#[cfg(feature = "serde")]
fn resident_after_import(log: &[u8], entries: usize) {
    let (ledger, live, peak) =
        measure_heap(|| Ledger::replay(log).expect("the ledger's own log replays"));
    assert_eq!(ledger.entry_count(), entries);
    println!(
        "resident: replayed from {:.1} MB of JSON Lines: live heap {:.1} MB = {:.1} bytes/entry (peak {:.1} MB while importing)",
        log.len() as f64 / 1e6,
        live as f64 / 1e6,
        live as f64 / entries as f64,
        peak as f64 / 1e6
    );
}

// ----- (c): lookups -----------------------------------------------------------------------------

fn bench_lookup(c: &mut Criterion, book: &Book, ledger: &Ledger) {
    let ids: Vec<AccountId> = book.funds.iter().map(AccountId::from).collect();
    let mut rng = Rng(7);
    let dates: Vec<NaiveDate> = (0..4096)
        .map(|_| fy_start() + Days::new(rng.below(365)))
        .collect();
    let last = ledger.last_seq().0.max(1);
    let seqs: Vec<Seq> = (0..4096).map(|_| Seq(1 + rng.below(last))).collect();
    let name = |what: &str| format!("{what}, {} entries", ledger.entry_count());

    let mut group = c.benchmark_group("lookup");
    group.throughput(Throughput::Elements(1));
    group.bench_function(name("balance"), |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % ids.len();
            black_box(ledger.balance(&ids[i]).expect("open account"))
        })
    });
    group.bench_function(name("balance_as_at"), |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % ids.len();
            let date = dates[i % dates.len()];
            black_box(ledger.balance_as_at(&ids[i], date).expect("open account"))
        })
    });
    group.bench_function(name("balance_known_after"), |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % ids.len();
            let seq = seqs[i % seqs.len()];
            black_box(
                ledger
                    .balance_known_after(&ids[i], seq)
                    .expect("open account"),
            )
        })
    });
    group.finish();
}

// ----- (d): import ------------------------------------------------------------------------------

#[cfg(feature = "serde")]
fn bench_import(c: &mut Criterion, log: &[u8], entries: usize) {
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.sampling_mode(criterion::SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(entries as u64));
    group.bench_function(format!("replay jsonl, {entries} entries"), |b| {
        b.iter_with_large_drop(|| Ledger::replay(log).expect("the ledger's own log replays"))
    });
    // The JSON parsing alone, record by record, as import_jsonl does it.
    group.bench_function(format!("parse jsonl only, {entries} entries"), |b| {
        b.iter(|| {
            let mut records = 0usize;
            for line in log.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                let record: isf_ledger::LogRecord =
                    serde_json::from_slice(line).expect("valid record");
                black_box(&record);
                records += 1;
            }
            records
        })
    });
    group.finish();
}

fn main() {
    let full = full_run();
    let mut c = Criterion::default().configure_from_args();
    let n = large_size(full);
    // The large ledger is shaped like gen.py's: 1,000 funds, 50 providers.
    let book = Book::new(1_000, 50);
    let mut stream = Stream::new(&book, 2, (n as u64).div_ceil(365).max(1));
    let mut large = build_large(&book, &mut stream, n);
    #[cfg(feature = "serde")]
    let log = {
        let mut log = Vec::new();
        large.write_log(&mut log).expect("write to memory");
        resident_after_import(&log, n);
        log
    };

    bench_post(&mut c);
    bench_lookup(&mut c, &book, &large);
    #[cfg(feature = "serde")]
    bench_import(&mut c, &log, n);
    // Last, because it grows the large ledger.
    bench_post_large(&mut c, &mut large, &mut stream);
    c.final_summary();
}
