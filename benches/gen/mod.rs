//! The benchmarks' synthetic care-budget data, shaped like `shared/bench/gen.py`'s (and
//! `benches/gen/gen.py`'s, its copy in this repository): four-weekly council allocations and
//! client contributions into individual service funds (`Assets:ISF:P0001`), provider drawdowns
//! out of them (`Drawdown P0001 invoice INV0000001`), all in GBP pence, two postings each.
//!
//! Included by each benchmark with `#[path = "gen/mod.rs"] mod data;`.

use chrono::{Days, NaiveDate};
use isf_ledger::{AccountKind, BalanceRule, Currency, Ledger, Money, NewAccount, NewEntry};

pub const COUNCIL: &str = "Income:Council:Funding";
pub const CONTRIBUTIONS: &str = "Income:ClientContribution";

pub fn fy_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 1).expect("valid date")
}

/// SplitMix64: small, deterministic, good enough to pick people, days and amounts.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

/// The accounts: one council funding source, one contributions account, `people` funds and
/// `providers` provider expense accounts, named as gen.py names them.
#[derive(Clone)]
pub struct Book {
    pub funds: Vec<String>,
    pub people: Vec<String>,
    pub providers: Vec<String>,
}

impl Book {
    pub fn new(people: usize, providers: usize) -> Book {
        let pw = people.to_string().len().max(4);
        let kw = providers.to_string().len().max(2);
        let people: Vec<String> = (1..=people).map(|i| format!("P{i:0pw$}")).collect();
        Book {
            funds: people.iter().map(|p| format!("Assets:ISF:{p}")).collect(),
            people,
            providers: (1..=providers)
                .map(|j| format!("Expenses:Provider:PR{j:0kw$}"))
                .collect(),
        }
    }

    pub fn account_count(&self) -> usize {
        2 + self.funds.len() + self.providers.len()
    }

    pub fn open(&self) -> Ledger {
        self.open_with(Some(BalanceRule::NonNegative))
    }

    /// The accounts with funds under `rule` (`None`: no limit, so that entries may be posted
    /// in any date order without a fund going below zero on the way).
    pub fn open_with(&self, rule: Option<BalanceRule>) -> Ledger {
        let gbp = Currency::GBP;
        let mut ledger = Ledger::new();
        for id in [COUNCIL, CONTRIBUTIONS] {
            ledger
                .open_account(NewAccount::new(id, AccountKind::Income, gbp))
                .expect("open income account");
        }
        for id in &self.funds {
            let mut fund = NewAccount::new(id, AccountKind::Fund, gbp);
            if let Some(rule) = rule {
                fund = fund.rule(rule);
            }
            ledger.open_account(fund).expect("open fund");
        }
        for id in &self.providers {
            ledger
                .open_account(NewAccount::new(id, AccountKind::Expense, gbp))
                .expect("open provider account");
        }
        ledger
    }
}

/// An endless, deterministic stream of entries that the ledger accepts: every fund gets an
/// opening float first, then about 15% allocations, 5% contributions and 80% drawdowns (each
/// no more than the fund holds), `per_day` entries a day from 1 April 2025 (the last day
/// repeats after a year). With `legs == 5`, entries are instead payment runs (the council pays
/// four funds) alternating with split invoices (a fund pays four providers). With
/// `random_dates`, each entry is dated on a random day of the year: back-dated entries.
pub struct Stream<'a> {
    book: &'a Book,
    rng: Rng,
    k: u64,
    per_day: u64,
    legs: usize,
    random_dates: bool,
    /// Per fund: its four-weekly allocation and what it holds now, in pence.
    alloc: Vec<i64>,
    held: Vec<i64>,
}

impl<'a> Stream<'a> {
    pub fn new(book: &'a Book, legs: usize, per_day: u64) -> Stream<'a> {
        let mut rng = Rng(42);
        let alloc = (0..book.funds.len())
            .map(|_| rng.between(40_000, 600_000)) // £400 to £6,000, in pence
            .collect();
        Stream {
            book,
            rng,
            k: 0,
            per_day,
            legs,
            random_dates: false,
            alloc,
            held: vec![0; book.funds.len()],
        }
    }

    pub fn random_dates(mut self) -> Self {
        self.random_dates = true;
        self
    }

    fn gbp(pence: i64) -> Money {
        Money::from_minor(pence, Currency::GBP)
    }

    fn allocation(&mut self, id: String, i: usize, date: NaiveDate, period: u64) -> NewEntry {
        let amount = self.alloc[i];
        self.held[i] += amount;
        let memo = if self.k < self.book.funds.len() as u64 {
            format!("Opening float {}", self.book.people[i])
        } else {
            format!(
                "Budget allocation {} period {period:02}",
                self.book.people[i]
            )
        };
        NewEntry::new(id, date).memo(memo).transfer(
            COUNCIL,
            self.book.funds[i].as_str(),
            Self::gbp(amount),
        )
    }

    fn two_legs(&mut self, date: NaiveDate, period: u64) -> NewEntry {
        let k = self.k;
        let n = self.book.funds.len();
        if k < n as u64 {
            return self.allocation(format!("ALC{k:07}"), k as usize, date, period);
        }
        let i = self.rng.below(n as u64) as usize;
        let r = self.rng.below(100);
        if r < 15 || self.held[i] < 100 {
            return self.allocation(format!("ALC{k:07}"), i, date, period);
        }
        if r < 20 {
            let amount = self.alloc[i] / 10;
            self.held[i] += amount;
            let person = &self.book.people[i];
            return NewEntry::new(format!("CON{k:07}"), date)
                .memo(format!("Client contribution {person} period {period:02}"))
                .transfer(
                    CONTRIBUTIONS,
                    self.book.funds[i].as_str(),
                    Self::gbp(amount),
                );
        }
        let mean = (self.alloc[i] / 12).max(100);
        let amount = (mean * self.rng.between(50, 150) / 100).clamp(1, self.held[i]);
        self.held[i] -= amount;
        let provider = self.rng.below(self.book.providers.len() as u64) as usize;
        let invoice = format!("INV{k:07}");
        NewEntry::new(invoice.clone(), date)
            .memo(format!(
                "Drawdown {} invoice {invoice}",
                self.book.people[i]
            ))
            .transfer(
                self.book.funds[i].as_str(),
                self.book.providers[provider].as_str(),
                Self::gbp(amount),
            )
    }

    fn five_legs(&mut self, date: NaiveDate, period: u64) -> NewEntry {
        let k = self.k;
        let n = self.book.funds.len() as u64;
        let i = self.rng.below(n) as usize;
        if k % 2 == 1 && self.held[i] >= 800 {
            // A split invoice: one fund pays four providers.
            let first = self.rng.below(self.book.providers.len() as u64) as usize;
            let mut entry = NewEntry::new(format!("INV{k:07}"), date).memo(format!(
                "Drawdown {} split invoice INV{k:07}",
                self.book.people[i]
            ));
            let mut total = 0;
            for j in 0..4 {
                let part = self.rng.between(1, self.held[i] / 8);
                total += part;
                let provider = &self.book.providers[(first + j) % self.book.providers.len()];
                entry = entry.posting(provider.as_str(), Self::gbp(part));
            }
            self.held[i] -= total;
            return entry.posting(self.book.funds[i].as_str(), Self::gbp(-total));
        }
        // A payment run: the council pays four funds.
        let mut entry = NewEntry::new(format!("RUN{k:07}"), date).memo(format!(
            "Budget allocation run period {period:02} batch {k:07}"
        ));
        let mut total = 0;
        for _ in 0..4 {
            let f = self.rng.below(n) as usize;
            let amount = self.alloc[f];
            self.held[f] += amount;
            total += amount;
            entry = entry.posting(self.book.funds[f].as_str(), Self::gbp(amount));
        }
        entry.posting(COUNCIL, Self::gbp(-total))
    }
}

impl Iterator for Stream<'_> {
    type Item = NewEntry;

    fn next(&mut self) -> Option<NewEntry> {
        let day = if self.random_dates {
            self.rng.below(365)
        } else {
            (self.k / self.per_day).min(364)
        };
        let date = fy_start() + Days::new(day);
        let period = day / 28 + 1;
        let entry = if self.legs == 5 {
            self.five_legs(date, period)
        } else {
            self.two_legs(date, period)
        };
        self.k += 1;
        Some(entry)
    }
}
