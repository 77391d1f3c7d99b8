//! How each cost grows with the size of the books: every case at three sizes, printed as a table
//! of nanoseconds per element with the growth from the smallest size to the largest (1.0 is
//! linear in the number of elements; 10.0 over a hundredfold is what O(n²) would not even reach).
//!
//! ```text
//! cargo bench --bench growth                          # 10k, 100k, 1M (a few minutes)
//! cargo bench --bench growth -- post                  # only the cases whose name has "post"
//! ISF_GROWTH_SIZES=10000,100000 cargo bench --bench growth
//! ISF_GROWTH_ONTO=8000000 cargo bench --bench growth -- onto   # by hand: 8M entries, ~3 GB
//! ```
//!
//! Cases (data from `benches/gen/`, shaped like `shared/bench/gen.py`'s: 1,000 funds, 50
//! providers, two postings an entry):
//!
//! * `post <order> <span>`: posting N prebuilt entries into an empty ledger, dated over one year
//!   or ten years, in date order (`forward`), newest first (`reverse`) or `shuffled`; and
//!   `post reverse distinct`, N entries each on its own day, newest first. Per entry.
//! * `verify`: [`Ledger::verify`] of the forward one-year ledger. Per entry.
//! * `post onto N`: posting 200,000 more entries onto a ledger already holding N (the largest
//!   size, or `ISF_GROWTH_ONTO`). Per entry, with entries per second.
//! * `expire`: N holds placed with expiry dates over a year, then expired a day at a time. Per
//!   hold. `expire one day of N`: expiring one day's holds out of N placed. Per hold expired.
//! * `match`: [`reconcile`] of N statement lines against about N ledger lines (sizes 1k, 10k and
//!   100k: a statement is not a million lines). Per line.
//!
//! Each figure is the best of a few runs (one at a million). Under `cargo test --benches` the
//! sizes are cut to 2,000 and 20,000 so the cases only have to run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use isf_ledger::reconcile::{LedgerLine, MatchOptions, StatementLine, reconcile};
use isf_ledger::{Currency, EntryId, Ledger, Money, NewEntry, NewHold, Seq};

#[path = "gen/mod.rs"]
#[allow(dead_code)]
mod data;

use data::{Book, Rng, Stream, fy_start};

/// True under `cargo bench`, false under `cargo test --benches`.
fn full_run() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list")
}

fn sizes(full: bool) -> Vec<usize> {
    if let Ok(list) = std::env::var("ISF_GROWTH_SIZES") {
        let parsed: Vec<usize> = list
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        if !parsed.is_empty() {
            return parsed;
        }
    }
    if full {
        vec![10_000, 100_000, 1_000_000]
    } else {
        vec![2_000, 20_000]
    }
}

/// The best of `runs` timings of `f`, each given fresh input from `setup` (not timed).
fn best<I, O>(runs: usize, mut setup: impl FnMut() -> I, mut f: impl FnMut(I) -> O) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let input = setup();
        let started = Instant::now();
        let out = f(input);
        let elapsed = started.elapsed();
        drop(black_box(out));
        best = best.min(elapsed);
    }
    best
}

fn runs_for(n: usize) -> usize {
    if n >= 1_000_000 { 1 } else { 3 }
}

/// One row of the table: a case's nanoseconds per element at each size.
struct Row {
    case: String,
    per_element: Vec<(usize, f64)>,
}

impl Row {
    fn print(&self) {
        let mut line = format!("{:<34}", self.case);
        for (n, ns) in &self.per_element {
            line.push_str(&format!(" {:>8} {:>9.1} ns", short(*n), ns));
        }
        if let (Some(first), Some(last)) = (self.per_element.first(), self.per_element.last()) {
            if self.per_element.len() > 1 && first.1 > 0.0 {
                line.push_str(&format!("   growth {:.2}x", last.1 / first.1));
            }
        }
        println!("{line}");
    }
}

fn short(n: usize) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n % 1_000 == 0 {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

fn ns_per(d: Duration, n: usize) -> f64 {
    d.as_nanos() as f64 / n.max(1) as f64
}

// ----- posting in any order ---------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Order {
    Forward,
    Reverse,
    Shuffled,
}

/// `n` two-posting entries from the generator, redated evenly over `days` days (entry k on day
/// k·days/n) and put in `order`.
fn entries(book: &Book, n: usize, days: u64, order: Order) -> Vec<NewEntry> {
    let mut out: Vec<NewEntry> = Stream::new(book, 2, 1).take(n).collect();
    for (k, e) in out.iter_mut().enumerate() {
        e.date = fy_start() + Days::new(k as u64 * days / n as u64);
    }
    match order {
        Order::Forward => {}
        Order::Reverse => out.reverse(),
        Order::Shuffled => {
            let mut rng = Rng(99);
            for i in (1..out.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                out.swap(i, j);
            }
            // Copies made in the new order, so that the entries' own memory is read in the
            // order they are posted, as it would be if they were read from a file: otherwise
            // the benchmark times cache misses on its input, not the ledger.
            out = out.to_vec();
        }
    }
    out
}

fn post_all(empty: &Ledger, entries: Vec<NewEntry>) -> Ledger {
    let mut ledger = empty.clone();
    for e in entries {
        let _ = ledger
            .post(e)
            .expect("the generator's entries are accepted");
    }
    ledger
}

fn post_cases(book: &Book, sizes: &[usize], wanted: &dyn Fn(&str) -> bool) {
    // Funds without the non-negative rule: in reverse order a drawdown comes before the money.
    let empty = book.open_with(None);
    let spans: [(&str, Option<u64>); 3] =
        [("1y", Some(365)), ("10y", Some(3650)), ("distinct", None)];
    for (span, days) in spans {
        for (order, name) in [
            (Order::Forward, "forward"),
            (Order::Reverse, "reverse"),
            (Order::Shuffled, "shuffled"),
        ] {
            if days.is_none() && order == Order::Shuffled {
                continue;
            }
            let case = format!("post {name} {span}");
            if !wanted(&case) {
                continue;
            }
            let mut row = Row {
                case,
                per_element: Vec::new(),
            };
            for &n in sizes {
                let days = days.unwrap_or(n as u64);
                let d = best(
                    runs_for(n),
                    || entries(book, n, days, order),
                    |es| post_all(&empty, es),
                );
                row.per_element.push((n, ns_per(d, n)));
            }
            row.print();
        }
    }
    if wanted("verify") {
        let mut row = Row {
            case: "verify".into(),
            per_element: Vec::new(),
        };
        for &n in sizes {
            let ledger = post_all(&empty, entries(book, n, 365, Order::Forward));
            let d = best(
                runs_for(n).max(2),
                || (),
                |()| ledger.verify().expect("verifies"),
            );
            row.per_element.push((n, ns_per(d, n)));
        }
        row.print();
    }
}

fn onto_case(book: &Book, n: usize) {
    let extra = 200_000;
    let mut stream = Stream::new(book, 2, (n as u64).div_ceil(365).max(1));
    let mut ledger = book.open();
    for e in stream.by_ref().take(n) {
        let _ = ledger.post(e).expect("accepted");
    }
    let more: Vec<NewEntry> = stream.take(extra).collect();
    let started = Instant::now();
    for e in more {
        let _ = ledger.post(e).expect("accepted");
    }
    let d = started.elapsed();
    println!(
        "{:<34} {:>8} {:>9.1} ns   {:.0} entries/s",
        format!("post onto {}", short(n)),
        short(extra),
        ns_per(d, extra),
        extra as f64 / d.as_secs_f64()
    );
}

// ----- holds ------------------------------------------------------------------------------------

/// A ledger with `n` holds of a penny from funds that hold enough, expiring on days spread over
/// a year.
fn holds_ledger(book: &Book, n: usize) -> Ledger {
    let mut ledger = book.open_with(None);
    let start = fy_start();
    for (i, fund) in book.funds.iter().enumerate() {
        let pay = NewEntry::new(format!("F{i}"), start).transfer(
            data::COUNCIL,
            fund.as_str(),
            Money::from_minor(1_000_000_000, Currency::GBP),
        );
        let _ = ledger.post(pay).expect("accepted");
    }
    let penny = Money::from_minor(1, Currency::GBP);
    for k in 0..n {
        let fund = &book.funds[k % book.funds.len()];
        let provider = &book.providers[k % book.providers.len()];
        let hold = NewHold::new(
            format!("H{k}"),
            fund.as_str(),
            provider.as_str(),
            penny,
            start,
        )
        .expires_on(start + Days::new(1 + (k as u64 * 365 / n as u64)));
        ledger.place_hold(hold).expect("placed");
    }
    ledger
}

fn hold_cases(book: &Book, sizes: &[usize], wanted: &dyn Fn(&str) -> bool) {
    if wanted("expire") {
        let mut row = Row {
            case: "expire (all, a day at a time)".into(),
            per_element: Vec::new(),
        };
        let mut one = Row {
            case: "expire one day of N".into(),
            per_element: Vec::new(),
        };
        for &n in sizes {
            let d = best(
                runs_for(n),
                || holds_ledger(book, n),
                |mut l| {
                    let mut expired = 0;
                    for day in 1..=366 {
                        expired += l.expire_holds(fy_start() + Days::new(day)).len();
                    }
                    assert_eq!(expired, n);
                    l
                },
            );
            row.per_element.push((n, ns_per(d, n)));
            let day_of = (n / 365).max(1);
            let d = best(
                runs_for(n),
                || holds_ledger(book, n),
                |mut l| {
                    let due = l.expire_holds(fy_start() + Days::new(1));
                    (l, due)
                },
            );
            one.per_element.push((n, ns_per(d, day_of)));
        }
        row.print();
        one.print();
    }
}

// ----- matching ---------------------------------------------------------------------------------

fn statement_and_books(n: usize) -> (Vec<StatementLine>, Vec<LedgerLine>) {
    let mut rng = Rng(0x5eed);
    let day = |d: u64| fy_start() + Days::new(d);
    let mut statement = Vec::with_capacity(n);
    let mut books = Vec::with_capacity(n);
    for i in 0..n {
        let amount = Money::from_minor(-((rng.below(300)) as i64 + 1) * 25, Currency::GBP);
        let date = day(rng.below(365));
        let reference = format!("REF{}", i % 1000);
        if i % 10 != 0 {
            let mut line = LedgerLine::new(
                EntryId::from(format!("e{i}")),
                Seq(i as u64 + 1),
                date,
                amount,
            );
            line.reference = reference.clone();
            books.push(line);
        }
        let on: NaiveDate = if i % 10 == 5 {
            day(rng.below(365))
        } else {
            date + Days::new(rng.below(3))
        };
        statement.push(StatementLine::new(on, "CARD PAYMENT", amount).reference(reference));
    }
    (statement, books)
}

fn match_cases(full: bool, wanted: &dyn Fn(&str) -> bool) {
    if !wanted("match") {
        return;
    }
    let sizes: &[usize] = if full {
        &[1_000, 10_000, 100_000]
    } else {
        &[1_000, 5_000]
    };
    let options = MatchOptions::new(Currency::GBP);
    let mut row = Row {
        case: "match".into(),
        per_element: Vec::new(),
    };
    for &n in sizes {
        let (statement, books) = statement_and_books(n);
        let runs = if n >= 100_000 { 3 } else { 10 };
        let d = best(
            runs,
            || (),
            |()| reconcile(&statement, &books, &options).expect("matches"),
        );
        row.per_element.push((n, ns_per(d, n)));
    }
    row.print();
}

fn main() {
    let full = full_run();
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = move |case: &str| filter.as_deref().is_none_or(|f| case.contains(f));
    let sizes = sizes(full);
    let book = Book::new(1_000, 50);
    println!(
        "growth: ns per element; {} CPUs available",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    post_cases(&book, &sizes, &wanted);
    if wanted("onto") {
        let onto = std::env::var("ISF_GROWTH_ONTO")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(*sizes.last().unwrap_or(&20_000));
        onto_case(&book, onto);
    }
    hold_cases(&book, &sizes, &wanted);
    match_cases(full, &wanted);
}
