//! `statement_csv`: any bytes as a statement CSV, read in the default layout (ISO dates, one
//! signed `amount` column) and in a UK bank's (day-first dates, `paid in` / `paid out`).
//!
//! * [`StatementFormat::import`] never panics, whatever it is given; it fails whole only for
//!   the header.
//! * Every row after the header is either a line or an error, and each names a distinct
//!   physical line after the header's and within the file, in file order.
//! * Every imported amount is exact in GBP and within the ledger's limit.
//! * The imported lines, written back as CSV and imported again, are the same lines.
//! * Matched against a small fixed ledger (references preferred, then required), the pairing
//!   is one to one, every pair has equal amounts and dates within the window, every line is
//!   matched or unmatched exactly once, and the totals tie.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use isf_ledger::reconcile::{
    LedgerLine, MatchOptions, ReconcileError, StatementFormat, StatementLine, ledger_lines,
    reconcile,
};
use isf_ledger::{AccountKind, Currency, Ledger, MAX_AMOUNT, Money, NewAccount, NewEntry, Period};

/// Only this many bytes of an input are read; the rest is ignored. A statement of a few dozen
/// rows reaches every row error and every matching rule.
pub const MAX_INPUT: usize = 2048;

thread_local! {
    /// The fixed books' bank lines, built once: they are the same for every input.
    static BOOK_LINES: Vec<LedgerLine> = ledger_lines(
        &books(),
        &"bank".into(),
        Period::new(date(2000, 1, 1), date(2100, 1, 1)).unwrap(),
    )
    .expect("the fixed ledger's account exists");
}

/// Runs the check on one input.
pub fn check(data: &[u8]) {
    let data = &data[..data.len().min(MAX_INPUT)];
    BOOK_LINES.with(|lines| check_against(data, lines));
}

fn check_against(data: &[u8], lines: &[LedgerLine]) {
    for format in [
        StatementFormat::new(Currency::GBP),
        StatementFormat::uk_bank(Currency::GBP),
    ] {
        match format.import(data) {
            Ok(imported) => {
                check_import(data, &format, &imported);
                for options in [
                    MatchOptions::new(Currency::GBP),
                    MatchOptions::new(Currency::GBP)
                        .window_days(0)
                        .require_reference(true),
                ] {
                    check_matching(&imported.lines, lines, &options);
                }
            }
            Err(
                ReconcileError::EmptyStatement
                | ReconcileError::Header { .. }
                | ReconcileError::Read { .. }
                | ReconcileError::MissingColumn { .. }
                | ReconcileError::DuplicateColumn { .. },
            ) => {}
            Err(e) => panic!("import failed whole for something other than its header: {e}"),
        }
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn gbp(text: &str) -> Money {
    format!("{text} GBP").parse().expect("valid money")
}

/// A bank account with receipts, payments, and a reversed payment.
pub fn books() -> Ledger {
    let mut ledger = Ledger::new();
    for (id, kind) in [
        ("council", AccountKind::Income),
        ("bank", AccountKind::Asset),
        ("care", AccountKind::Expense),
    ] {
        ledger
            .open_account(NewAccount::new(id, kind, Currency::GBP))
            .expect("opens");
    }
    let entries = [
        NewEntry::new("alloc-1", date(2025, 4, 1))
            .meta("reference", "DP0001")
            .transfer("council", "bank", gbp("1650.00")),
        NewEntry::new("claim-17", date(2025, 4, 7))
            .meta("reference", "INV 17")
            .transfer("bank", "care", gbp("412.50")),
        NewEntry::new("card-1", date(2025, 4, 8)).transfer("bank", "care", gbp("12.50")),
        NewEntry::new("claim-18", date(2025, 4, 14))
            .meta("reference", "INV 18")
            .transfer("bank", "care", gbp("412.50")),
        NewEntry::new("fee", date(2025, 4, 30)).transfer("bank", "care", gbp("5.00")),
    ];
    for entry in entries {
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(entry).expect("posts");
    }
    // The receipt's sequence number is not needed here.
    let _ = ledger
        .reverse("card-1", "card-1-rev", date(2025, 4, 9), "keyed twice")
        .expect("reverses");
    ledger
}

fn check_import(data: &[u8], format: &StatementFormat, imported: &isf_ledger::reconcile::Imported) {
    assert_eq!(
        imported.rows,
        imported.lines.len() + imported.errors.len() + imported.balances.len(),
        "every row is a line, an error or a balance"
    );
    // A line ends at `\n`, `\r\n` or a lone `\r`.
    let breaks = data
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && data.get(i + 1) != Some(&b'\n')))
        .count();
    let physical_lines = breaks as u64 + 1;
    assert!(imported.header_line >= 1 && imported.header_line <= physical_lines);
    let mut seen = BTreeSet::new();
    let mut check_line = |line: u64| {
        assert!(
            line > imported.header_line && line <= physical_lines,
            "line {line} is outside {}..={physical_lines}",
            imported.header_line + 1
        );
        assert!(seen.insert(line), "line {line} is named twice");
    };
    let mut previous = 0;
    for line in &imported.lines {
        let n = line.line.expect("an imported line has its file line");
        assert!(n > previous, "lines are in file order");
        previous = n;
        check_line(n);
        assert_eq!(line.amount.currency(), Currency::GBP);
        assert!(line.amount.is_exact(), "{line}");
        assert!(line.amount.amount().abs() <= MAX_AMOUNT, "{line}");
        if let Some(balance) = line.balance {
            assert!(balance.is_exact(), "{line}");
        }
    }
    for balance in &imported.balances {
        check_line(balance.line);
        assert!(balance.balance.is_exact(), "{balance:?}");
    }
    let mut previous = 0;
    for error in &imported.errors {
        assert!(error.line() >= previous, "errors are in file order");
        previous = error.line();
        check_line(error.line());
        assert!(
            error
                .to_string()
                .starts_with(&format!("line {}: ", error.line()))
        );
    }
    // Written back and imported again: the same lines.
    let mut csv = Vec::new();
    format
        .write_csv(&imported.lines, &mut csv)
        .expect("imported lines write");
    let again = format.import(csv.as_slice()).expect("written lines import");
    assert!(
        again.errors.is_empty(),
        "written lines import without errors: {:?}\n{}",
        again.errors,
        String::from_utf8_lossy(&csv)
    );
    let strip = |lines: &[StatementLine]| -> Vec<StatementLine> {
        lines
            .iter()
            .cloned()
            .map(|mut l| {
                l.line = None;
                l
            })
            .collect()
    };
    assert_eq!(strip(&again.lines), strip(&imported.lines));
}

fn check_matching(statement: &[StatementLine], ledger: &[LedgerLine], options: &MatchOptions) {
    let report = reconcile(statement, ledger, options).expect("one currency, small totals");
    let mut statement_used = BTreeSet::new();
    let mut entries_used = BTreeSet::new();
    for m in &report.matched {
        assert!(
            statement_used.insert(m.statement.line),
            "statement line {} matched twice",
            m.statement
        );
        assert!(
            entries_used.insert(m.ledger.entry.clone()),
            "entry {} matched twice",
            m.ledger.entry
        );
        assert_eq!(m.statement.amount, m.ledger.amount);
        assert!(m.days.abs() <= i64::from(options.window()));
    }
    for s in &report.unmatched_statement {
        assert!(
            statement_used.insert(s.line),
            "{s} both matched and unmatched"
        );
    }
    for l in &report.unmatched_ledger {
        assert!(
            entries_used.insert(l.entry.clone()),
            "{l} both matched and unmatched"
        );
    }
    assert_eq!(statement_used.len(), statement.len());
    assert_eq!(entries_used.len(), ledger.len());
    let t = report.totals;
    assert_eq!(
        t.statement,
        t.matched.checked_add(t.unmatched_statement).unwrap()
    );
    assert_eq!(t.ledger, t.matched.checked_add(t.unmatched_ledger).unwrap());
    let _ = report.to_string();
}
