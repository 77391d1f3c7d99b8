//! Benchmarks of the domain's read and write paths: statement reconciliation, ISF claims and
//! fund statements.
//!
//! ```text
//! cargo bench --bench domain                  # everything (about a minute)
//! cargo bench --bench domain -- reconcile/    # only matching and import
//! ```
//!
//! * `reconcile/match/N`: [`reconcile`] of N statement lines against N ledger lines (amounts
//!   drawn from a few hundred values so groups are large, dates within the window, one line in
//!   ten without a partner). Elements are statement lines; the time per line should grow only
//!   as log N.
//! * `reconcile/import/N`: reading N rows of a UK bank CSV export. Elements are rows.
//! * `isf/claim`: one 8-line claim submitted to a fund with a year of weekly claims behind it
//!   (each sample submits to a fresh clone, grown as a ledger in use is by submitting the claim
//!   once and undoing it; neither cloning nor dropping the clone is timed).
//! * `isf/claim after 1 week|1 year|5 years`: the same, with a week, a year and five years of
//!   weekly claims behind it: the growth of a claim's cost with the fund's history.
//! * `report/statement`: a month's statement of that fund, with planned and delivered units.
//! * `report/provider_view`: the client-money view of a provider holding 200 funds.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{BatchSize, Criterion, Throughput};
use isf_ledger::Fund;
use isf_ledger::isf::{BandRates, Claim, ClaimLine, ManagementFee, Service, ServiceAgreement};
use isf_ledger::reconcile::{LedgerLine, MatchOptions, StatementFormat, StatementLine, reconcile};
use isf_ledger::report::{FundStatement, ProviderView};
use isf_ledger::{
    Basis, BudgetTerms, Currency, Deployment, DeploymentKind, EntryId, Frequency, Ledger, Money,
    PaymentPlan, PaymentRun, PaymentSchedule, Period, PersonalBudget, Seq, Unit, run_payments,
};
use rust_decimal::Decimal;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 7).expect("a date")
}

fn day(n: u64) -> NaiveDate {
    start().checked_add_days(Days::new(n)).expect("a date")
}

/// A small deterministic generator (xorshift), so every run times the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn statement_and_books(n: usize) -> (Vec<StatementLine>, Vec<LedgerLine>) {
    let mut rng = Rng(0x5eed);
    let mut statement = Vec::with_capacity(n);
    let mut books = Vec::with_capacity(n);
    for i in 0..n {
        let amount = Money::from_minor(-((rng.next() % 300) as i64 + 1) * 25, Currency::GBP);
        let date = day(rng.next() % 365);
        let shifted = day((rng.next() % 365).min(364));
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
        let on_statement = if i % 10 == 5 {
            shifted
        } else {
            date.checked_add_days(Days::new(rng.next() % 3))
                .unwrap_or(date)
        };
        statement
            .push(StatementLine::new(on_statement, "CARD PAYMENT", amount).reference(reference));
    }
    (statement, books)
}

fn bench_reconcile(c: &mut Criterion) {
    let mut group = c.benchmark_group("reconcile");
    for n in [1_000usize, 10_000, 100_000] {
        let (statement, books) = statement_and_books(n);
        let options = MatchOptions::new(Currency::GBP);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("match/{n}"), |b| {
            b.iter(|| {
                reconcile(black_box(&statement), black_box(&books), &options).expect("matches")
            })
        });
    }
    let n = 100_000;
    let mut csv = String::from("Date,Description,Paid in,Paid out,Balance\n");
    for i in 0..n {
        let d = day(i as u64 % 365);
        csv.push_str(&format!(
            "{},\"CARD PAYMENT {i}, LONDON\",,\"{}.{:02}\",\n",
            d.format("%d/%m/%Y"),
            i % 2000,
            i % 100
        ));
    }
    let format = StatementFormat::uk_bank(Currency::GBP);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(format!("import/{n}"), |b| {
        b.iter(|| format.import(black_box(csv.as_bytes())).expect("imports"))
    });
    group.finish();
}

fn isf_plan(id: &str) -> PaymentPlan {
    isf_plan_for(id, 365)
}

/// A plan valid for `days` days from the start.
fn isf_plan_for(id: &str, days: u64) -> PaymentPlan {
    let validity = Period::new(start(), day(days - 1)).expect("a period");
    let terms = BudgetTerms::new(Basis::Week, Money::from_minor(60_000, Currency::GBP));
    let budget = PersonalBudget::new(id, format!("p-{id}"), validity, terms).expect("a budget");
    let isf = DeploymentKind::Isf {
        provider: "acme".into(),
    };
    PaymentPlan::new(
        "c",
        budget,
        vec![Deployment::whole("isf", isf)],
        PaymentSchedule::new(Frequency::FourWeekly, start()),
    )
    .expect("a plan")
}

fn agreement(plan: &PaymentPlan) -> ServiceAgreement {
    let gbp = |p| Money::from_minor(p, Currency::GBP);
    ServiceAgreement::new("AG", plan, "isf", plan.budget().validity())
        .expect("an ISF")
        .service(
            Service::new(
                "PC",
                "personal care",
                Unit::Hour,
                BandRates::flat(gbp(2400)).weekend(gbp(2650)),
            )
            .planned_per_week(Decimal::from(20)),
        )
        .fee(ManagementFee::Percent(Decimal::from(5)))
}

/// A week's claim: eight two-hour visits.
fn week_claim(plan: &PaymentPlan, ag: &ServiceAgreement, week: u64, id: &str) -> Claim {
    let mut claim = Claim::new(id, day(week * 7 + 7));
    for v in 0..8u64 {
        let date = day(week * 7 + v % 7);
        let price = ag.price("PC", date).expect("a service");
        claim = claim.line(ClaimLine::new(
            date,
            "PC",
            Decimal::new(2 + (v as i64 % 2), 0),
            price,
        ));
    }
    let _ = plan;
    claim
}

/// A fund with a year of four-weekly payments and weekly claims.
fn year_of_claims() -> (Ledger, PaymentPlan, ServiceAgreement) {
    weeks_of_claims(51)
}

/// A fund with `weeks` weeks of four-weekly payments and weekly claims.
fn weeks_of_claims(weeks: u64) -> (Ledger, PaymentPlan, ServiceAgreement) {
    let plan = isf_plan_for("b", ((weeks + 2) * 7).max(365));
    let ag = agreement(&plan);
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).expect("opens");
    ag.open_accounts(&mut ledger, &plan).expect("opens");
    for week in 0..weeks {
        if week % 4 == 0 {
            // Setup: the report is not inspected, the ledger is.
            let _ = run_payments(
                &mut ledger,
                &[&plan],
                &PaymentRun::new("run", day(week * 7)),
            );
        }
        let claim = week_claim(&plan, &ag, week, &format!("W{week}"));
        // The outcome is not inspected here, the ledger is.
        let _ = ag
            .submit(&mut ledger, &plan, &claim)
            .expect("a claim within the fund");
    }
    (ledger, plan, ag)
}

/// A clone of `ledger` with room to grow, as a ledger in use has: a clone's arrays are exactly
/// full, so the first entry recorded onto it would copy every array (entries, postings, text,
/// each touched account's lines), a cost that grows with the history and that a ledger in use
/// pays only once in a while. The claim is submitted once and undone, which leaves the arrays
/// grown and the ledger as it was.
fn with_room(ledger: &Ledger, plan: &PaymentPlan, ag: &ServiceAgreement, claim: &Claim) -> Ledger {
    let mut l = ledger.clone();
    let undone = l.atomically(|l| -> Result<(), Option<isf_ledger::Error>> {
        let _paid = ag.submit(l, plan, claim).map_err(Some)?;
        Err(None)
    });
    assert!(
        matches!(undone, Err(None)),
        "the claim is paid, then undone"
    );
    l
}

fn bench_isf(c: &mut Criterion) {
    let (ledger, plan, ag) = year_of_claims();
    let claim = week_claim(&plan, &ag, 51, "W51");
    let mut group = c.benchmark_group("isf");
    group.throughput(Throughput::Elements(claim.lines.len() as u64));
    group.bench_function("claim", |b| {
        b.iter_batched(
            || with_room(&ledger, &plan, &ag, &claim),
            // The ledger is returned so that dropping it happens outside the timing.
            |mut l| {
                let outcome = ag.submit(&mut l, &plan, black_box(&claim)).expect("paid");
                (l, outcome)
            },
            BatchSize::LargeInput,
        )
    });
    // The same claim after a week, a year and five years of weekly claims: a claim's cost
    // should not grow with the fund's history.
    for (name, weeks) in [("1 week", 1u64), ("1 year", 51), ("5 years", 260)] {
        let (ledger, plan, ag) = weeks_of_claims(weeks);
        let claim = week_claim(&plan, &ag, weeks, "NEXT");
        group.bench_function(format!("claim after {name}"), |b| {
            b.iter_batched(
                || with_room(&ledger, &plan, &ag, &claim),
                |mut l| {
                    let outcome = ag.submit(&mut l, &plan, black_box(&claim)).expect("paid");
                    (l, outcome)
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();

    let mut group = c.benchmark_group("report");
    let fund = Fund::of(&plan, "isf").expect("a fund");
    let month = Period::new(day(56), day(84)).expect("a period");
    group.bench_function("statement", |b| {
        b.iter(|| {
            FundStatement::build(black_box(&ledger), &fund, month)
                .expect("builds")
                .with_units(ag.units_summary(&ledger, month).expect("units"))
        })
    });
    let mut provider = Ledger::new();
    let plans: Vec<PaymentPlan> = (0..200).map(|i| isf_plan(&format!("b{i}"))).collect();
    for p in &plans {
        p.open_accounts(&mut provider).expect("opens");
    }
    let refs: Vec<&PaymentPlan> = plans.iter().collect();
    // Setup: the report is not inspected, the ledger is.
    let _ = run_payments(&mut provider, &refs, &PaymentRun::new("run", start()));
    group.bench_function("provider_view", |b| {
        b.iter(|| {
            ProviderView::build(black_box(&provider), &"acme".into(), Currency::GBP, day(30))
                .expect("builds")
        })
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_reconcile(&mut c);
    bench_isf(&mut c);
    c.final_summary();
}
