//! The auditor's exports checked by the real tools: `hledger check --strict` and
//! `hledger check ordereddates`, `ledger --strict bal`, and `bean-check`, with every balance
//! each tool reports equal to the crate's.
//!
//! The tools are found on `PATH`, or named by `HLEDGER`, `LEDGER` and `BEAN_CHECK`; Beancount's
//! balances are read with the Python next to `bean-check` (or `BEAN_PYTHON`). A missing tool is
//! skipped with a notice, unless `ISF_REQUIRE_TOOLS=1` is set (as CI does): then it is a
//! failure.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Days, NaiveDate};
use isf_ledger::isf::*;
use isf_ledger::report::*;
use isf_ledger::*;
use rust_decimal::Decimal;
use support::{budget, gbp, isf, whole_plan};

fn day(n: u64) -> NaiveDate {
    support::d(2025, 3, 3)
        .checked_add_days(Days::new(n))
        .unwrap()
}

/// A quarter of ISF books: payments, claims (one split into paid and disputed), banked hours
/// (an `HRS` commodity), a credit note (reversals), a hold, a closed period, and an account
/// whose id has a space and an accent.
fn scenario() -> Ledger {
    let validity = Period::new(day(0), day(365)).unwrap();
    let terms = BudgetTerms::new(Basis::Week, gbp("400.00")).contribution(gbp("40.00"));
    let plan = whole_plan(
        "ann",
        budget("ann", "p-ann", validity, terms),
        "isf",
        isf(),
        PaymentSchedule::new(Frequency::FourWeekly, day(0)),
    );
    let ag = ServiceAgreement::new("AG-A", &plan, "isf", validity)
        .unwrap()
        .service(
            Service::new(
                "PC",
                "personal care",
                Unit::Hour,
                BandRates::flat(gbp("24.00")),
            )
            .planned_per_week(Decimal::from(10)),
        )
        .supplier("cafe")
        .fee(ManagementFee::Percent(Decimal::from(5)))
        .banking(Banking {
            max_units: Decimal::from(6),
            expires_after_weeks: 8,
        });
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    ag.open_accounts(&mut ledger, &plan).unwrap();
    ledger
        .open_account(NewAccount::new(
            "supplier:Café Ltd",
            AccountKind::Expense,
            Currency::GBP,
        ))
        .unwrap();
    for k in 0..3 {
        let _ = run_payments(
            &mut ledger,
            &[&plan],
            &PaymentRun::new(format!("run-{k}"), day(28 * k)),
        );
    }
    let claim = Claim::new("C1", day(6))
        .line(ClaimLine::new(day(1), "PC", Decimal::from(7), gbp("24.00")))
        .line(ClaimLine::new(day(2), "PC", Decimal::from(2), gbp("24.00")).supplier("cafe"));
    let _ = ag.submit(&mut ledger, &plan, &claim).unwrap();
    ag.bank_unused(&mut ledger, day(0)).unwrap();
    let claim = Claim::new("C2", day(13)).line(ClaimLine::new(
        day(8),
        "PC",
        Decimal::from(16),
        gbp("24.00"),
    ));
    let _ = ag.submit(&mut ledger, &plan, &claim).unwrap();
    let note = CreditNote {
        id: "N1".into(),
        date: day(20),
        lines: vec![("C1".into(), 2)],
        reason: "not delivered".into(),
    };
    let _ = ag.credit_note(&mut ledger, &plan, &note).unwrap();
    // Recorded out of date order: a February-dated entry after March ones.
    let _ = ledger
        .post(
            NewEntry::new("late; odd (id)", day(0) - Days::new(3))
                .memo("  paid the café; late  ")
                .meta("payee", "Café Ltd")
                .transfer(plan.council_bank(), "supplier:Café Ltd", gbp("12.34")),
        )
        .unwrap();
    // Two period closes: every fund's balance is asserted at each.
    ledger.close_period(day(13)).unwrap();
    ledger.close_period(day(27)).unwrap();
    let booking = Booking::new("B1", day(40), "PC", Decimal::from(2), day(35));
    ag.book(&mut ledger, &plan, &booking).unwrap();
    ledger
}

fn require() -> bool {
    std::env::var("ISF_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// A tool by its env var or on `PATH`; `None` (with a notice) if missing and not required.
fn find(var: &str, name: &str) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(var) {
        return Some(PathBuf::from(path));
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            !require(),
            "{name} is not installed (set {var} or put it on PATH); ISF_REQUIRE_TOOLS=1 makes that a failure"
        );
        println!("{name} is not installed: skipped (set ISF_REQUIRE_TOOLS=1 to fail instead)");
    }
    found
}

fn run(tool: &Path, args: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("Warning") && !stderr.contains("Error"),
        "{} {args:?} failed: {stderr}",
        tool.display()
    );
    String::from_utf8(output.stdout).unwrap()
}

fn write(name: &str, format: JournalFormat, ledger: &Ledger) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "isf-export-tools-{}-{name}.{}",
        std::process::id(),
        format.extension()
    ));
    std::fs::write(&path, journal_string(ledger, format).unwrap()).unwrap();
    path
}

/// The crate's balance of every account, by journal name: `(amount, code)`, zero ones left out.
fn crate_balances(ledger: &Ledger) -> BTreeMap<String, (Decimal, String)> {
    let names: BTreeMap<AccountId, String> = journal_account_map(ledger).into_iter().collect();
    ledger
        .accounts()
        .filter(|a| !a.balance().is_zero())
        .map(|a| {
            (
                names[a.id()].clone(),
                (a.balance().amount(), a.currency().code().to_string()),
            )
        })
        .collect()
}

/// Compares a tool's `name<TAB>amount code` lines with the crate's balances.
fn compare(tool: &str, ledger: &Ledger, lines: &str) {
    let mut reported = BTreeMap::new();
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let (name, amount) = line.split_once('\t').unwrap();
        let amount = amount.trim().replace(',', "");
        if amount == "0" || amount.is_empty() {
            continue;
        }
        let (number, code) = amount.split_once(' ').unwrap();
        let number: Decimal = number.parse().unwrap();
        if !number.is_zero() {
            reported.insert(name.to_string(), (number.normalize(), code.to_string()));
        }
    }
    let ours: BTreeMap<String, (Decimal, String)> = crate_balances(ledger)
        .into_iter()
        .map(|(n, (a, c))| (n, (a.normalize(), c)))
        .collect();
    assert_eq!(reported, ours, "{tool}'s balances differ from the crate's");
}

#[test]
fn hledger_checks_strictly_and_in_date_order_and_agrees() {
    let Some(hledger) = find("HLEDGER", "hledger") else {
        return;
    };
    let ledger = scenario();
    let path = write("h", JournalFormat::Hledger, &ledger);
    let file = path.to_string_lossy().to_string();
    run(&hledger, &["-f", &file, "check", "--strict"]);
    run(&hledger, &["-f", &file, "check", "ordereddates"]);
    let csv = run(
        &hledger,
        &["-f", &file, "bal", "--flat", "--no-total", "-O", "csv"],
    );
    let lines: String = csv
        .lines()
        .skip(1)
        .map(|l| {
            let (name, amount) = l.split_once("\",\"").unwrap();
            format!(
                "{}\t{}\n",
                name.trim_start_matches('"'),
                amount.trim_end_matches('"')
            )
        })
        .collect();
    compare("hledger", &ledger, &lines);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn ledger_reads_strictly_and_agrees() {
    let Some(tool) = find("LEDGER", "ledger") else {
        return;
    };
    let ledger = scenario();
    let path = write("l", JournalFormat::Ledger, &ledger);
    let file = path.to_string_lossy().to_string();
    let out = run(
        &tool,
        &[
            "-f",
            &file,
            "--strict",
            "bal",
            "--flat",
            "--no-total",
            "--balance-format",
            "%(account)\t%(scrub(display_total))\n",
        ],
    );
    compare("ledger", &ledger, &out);
    std::fs::remove_file(&path).unwrap();
}

const BEAN_BALANCES: &str = r#"
import sys
from collections import defaultdict
from beancount import loader
entries, errors, _ = loader.load_file(sys.argv[1])
if errors:
    for e in errors:
        print(e, file=sys.stderr)
    sys.exit(1)
totals = defaultdict(lambda: defaultdict(int))
for e in entries:
    for p in getattr(e, "postings", None) or []:
        totals[p.account][p.units.currency] += p.units.number
for account in sorted(totals):
    for code, number in totals[account].items():
        print(f"{account}\t{number} {code}")
"#;

#[test]
fn bean_check_accepts_the_export_and_beancount_agrees() {
    let Some(bean_check) = find("BEAN_CHECK", "bean-check") else {
        return;
    };
    let ledger = scenario();
    let path = write("b", JournalFormat::Beancount, &ledger);
    let file = path.to_string_lossy().to_string();
    run(&bean_check, &[&file]);
    let python = std::env::var("BEAN_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| bean_check.with_file_name("python3"));
    if python.is_file() || std::env::var("BEAN_PYTHON").is_ok() {
        let out = run(&python, &["-c", BEAN_BALANCES, &file]);
        compare("beancount", &ledger, &out);
    } else {
        assert!(
            !require(),
            "no python next to bean-check to read Beancount's balances: set BEAN_PYTHON"
        );
        println!("no python next to bean-check: balances not compared");
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_export_is_in_date_order_with_assertions_payees_and_readable_names() {
    let ledger = scenario();
    let text = journal_string(&ledger, JournalFormat::Hledger).unwrap();
    // Readable names, no escapes.
    assert!(
        text.contains("account Expenses:Supplier:Cafe-Ltd\n"),
        "{text}"
    );
    assert!(!text.contains("-C3-A9"));
    // The February entry comes first though recorded last, its recorded order kept.
    let late = text.find("(late\\u{3b} odd \\u{28}id\\u{29})").unwrap();
    assert!(late < text.find("(pay:ann:2025-03-03)").unwrap(), "{text}");
    assert!(text[late..].contains("; isf_seq: "));
    // Payee and narration; not reconciled, so pending.
    assert!(text.contains("2025-02-28 ! (late"), "{text}");
    assert!(
        text.contains(") Café Ltd | \\u{20}\\u{20}paid the café"),
        "{text}"
    );
    // The counterparty of a payment into the fund is the fund's holder.
    assert!(
        text.contains("(pay:ann:2025-03-03) provider:acme | payment ann"),
        "{text}"
    );
    // A balance assertion for every fund at each close, the earlier one too.
    let first = text.find("2025-03-16 * (isf-close-2025-03-16)").unwrap();
    assert!(
        text[first..].contains("Assets:Fund:Ann:Isf:Council  0.00 GBP = "),
        "{text}"
    );
    let close = text.find("2025-03-30 * (isf-close-2025-03-30)").unwrap();
    assert!(
        text[close..].contains("Assets:Fund:Ann:Isf:Council  0.00 GBP = "),
        "{text}"
    );
    // Reconciled entries are cleared.
    let opts = JournalOptions::new().reconciled(["pay:ann:2025-03-03"]);
    let mut out = Vec::new();
    let _ = write_journal_with(&ledger, JournalFormat::Beancount, &opts, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("2025-03-03 * \"provider:acme\" \"payment ann"),
        "{text}"
    );
    assert!(
        text.contains("2025-03-31 balance Assets:Fund:Ann:Isf:Council"),
        "{text}"
    );
    let map = write_account_map(&ledger).unwrap();
    assert!(
        map.contains("supplier:Café Ltd,Expenses:Supplier:Cafe-Ltd,expense,GBP"),
        "{map}"
    );
}
