//! Statement import and reconciliation scenarios: a UK bank export, an ISF provider's
//! client-money account, and every way a header or a row can be refused.

mod support;

use chrono::NaiveDate;
use isf_ledger::reconcile::{
    DateFormat, DuplicateReason, MatchOptions, ReconcileError, RowError, StatementFormat,
    StatementLine, ledger_lines, reconcile,
};
use isf_ledger::{AccountKind, BalanceRule, Currency, Ledger, NewAccount, NewEntry, Period};
use support::{d, gbp};

/// A UK bank export, as Windows writes it (CRLF): paid in / paid out, day-first dates,
/// separators and a pound sign, quoted descriptions with commas, quotes and a line break, a bad
/// date and a three-decimal amount.
const UK_EXPORT: &str = "Date,Description,Paid in,Paid out,Balance\r\n\
01/04/2025,COUNCIL DP 0001,\"1,650.00\",,\"1,650.00\"\r\n\
07/04/2025,\"ACME CARE, INV 17\r\nweek 1\",,£412.50,\"1,237.50\"\r\n\
08/04/2025,\"CARD \"\"TAXI\"\"\",,12.50,\"1,225.00\"\r\n\
31/04/2025,NO SUCH DAY,,1.00,\r\n\
09/04/2025,CARD,,12.505,\r\n\
10/04/2025,REFUND,12.50,,\"1,237.50\"\r\n";

#[test]
fn uk_bank_export_imports_with_bad_rows_by_line() {
    let imported = StatementFormat::uk_bank(Currency::GBP)
        .import(UK_EXPORT.as_bytes())
        .unwrap();
    assert_eq!(imported.header_line, 1);
    assert_eq!(imported.rows, 6);
    let got: Vec<(Option<u64>, NaiveDate, &str, String)> = imported
        .lines
        .iter()
        .map(|l| (l.line, l.date, l.description.as_str(), l.amount.to_string()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                Some(2),
                d(2025, 4, 1),
                "COUNCIL DP 0001",
                "1650.00 GBP".into()
            ),
            (
                Some(3),
                d(2025, 4, 7),
                "ACME CARE, INV 17\r\nweek 1",
                "-412.50 GBP".into()
            ),
            (Some(5), d(2025, 4, 8), "CARD \"TAXI\"", "-12.50 GBP".into()),
            (Some(8), d(2025, 4, 10), "REFUND", "12.50 GBP".into()),
        ]
    );
    assert_eq!(imported.lines[1].balance, Some(gbp("1237.50")));
    let errors: Vec<String> = imported.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "line 6: date \"31/04/2025\" is not a date like %d/%m/%Y",
            "line 7: paid out \"12.505\" has more than 2 decimal places for GBP",
        ]
    );
    assert!(matches!(
        imported.errors[1],
        RowError::TooManyDecimals { line: 7, .. }
    ));
}

#[test]
fn paid_in_and_out_both_or_neither_are_refused() {
    let csv = "date,description,paid in,paid out\n\
               01/04/2025,both,1.00,2.00\n\
               02/04/2025,neither,,\n\
               03/04/2025,signed,,-3.00\n\
               04/04/2025,fine,,0.00\n";
    let imported = StatementFormat::uk_bank(Currency::GBP)
        .import(csv.as_bytes())
        .unwrap();
    let errors: Vec<String> = imported.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "line 2: both paid in \"1.00\" and paid out \"2.00\" are filled",
            "line 3: neither paid in nor paid out is filled",
            "line 4: paid out \"-3.00\" is not an amount: paid in and paid out are written without a sign",
        ]
    );
    assert_eq!(imported.lines[0].amount.to_string(), "0.00 GBP");
}

#[test]
fn header_problems_fail_the_import() {
    let format = StatementFormat::new(Currency::GBP);
    let err = |csv: &[u8]| format.import(csv).unwrap_err();
    assert!(matches!(err(b""), ReconcileError::EmptyStatement));
    assert_eq!(
        err(b"date,description\n2025-04-01,x\n").to_string(),
        "the header on line 1 has no \"amount\" column"
    );
    assert_eq!(
        err(b"date,description,amount,AMOUNT \n").to_string(),
        "the header on line 1 has more than one \"amount\" column"
    );
    assert_eq!(
        err(b"date,descr\xffiption,amount\n").to_string(),
        "cannot read the header on line 1: it is not valid UTF-8"
    );
    let clash = StatementFormat::new(Currency::GBP).reference_column("Description");
    assert!(matches!(
        clash.import(&b"date,description,amount\n"[..]).unwrap_err(),
        ReconcileError::InvalidFormat { column } if column == "description"
    ));
    // A byte-order mark, spaces and capitals in the header are fine; blank lines before it
    // move it down.
    let ok = format
        .import("\n\u{feff} Amount ,DATE, Description\n-1.00,2025-04-01,x\n".as_bytes())
        .unwrap();
    assert_eq!(ok.header_line, 2);
    assert_eq!(ok.lines[0].line, Some(3));
}

#[test]
fn row_problems_name_line_field_and_text() {
    let long = "x".repeat(isf_ledger::reconcile::MAX_FIELD_LEN + 1);
    let mut csv = b"date,description,amount,balance\n".to_vec();
    csv.extend_from_slice(b"2025-04-01,short row\n");
    csv.extend_from_slice(format!("2025-04-01,{long},1.00,\n").as_bytes());
    csv.extend_from_slice(b"2025-04-01,\xff,1.00,\n");
    csv.extend_from_slice(b"2025-04-01,x,1.00,1.2.3\n");
    csv.extend_from_slice(b"2025-04-01,x,\"1,00\",\n");
    csv.extend_from_slice(b"2025-04-01,x,1.00,2.00\n");
    let imported = StatementFormat::new(Currency::GBP)
        .import(csv.as_slice())
        .unwrap();
    let errors: Vec<String> = imported.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "line 2: expected 4 fields as in the header, found 2",
            "line 3: description is 1025 bytes long, more than 1024",
            "line 4: description is not valid UTF-8",
            "line 5: balance \"1.2.3\" is not an amount: it is not a decimal number",
            "line 6: amount \"1,00\" is not an amount: a thousands separator is out of place",
        ]
    );
    assert_eq!(imported.lines.len(), 1);
    assert_eq!(imported.lines[0].line, Some(7));
}

#[test]
fn custom_layout_semicolons_and_other_currency() {
    let format = StatementFormat::new(Currency::EUR)
        .delimiter(b';')
        .date_column("Buchungstag")
        .description_column("Verwendungszweck")
        .amount_column("Betrag")
        .date_format(DateFormat::Custom("%d.%m.%Y".into()));
    let imported = format
        .import("Buchungstag;Verwendungszweck;Betrag\n07.04.2025;Miete;-€1,200.00\n".as_bytes())
        .unwrap();
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    assert_eq!(imported.lines[0].amount.to_string(), "-1200.00 EUR");
    let refused = format
        .import("Buchungstag;Verwendungszweck;Betrag\n07.04.2025;Miete;-£1.00\n".as_bytes())
        .unwrap();
    assert_eq!(
        refused.errors[0].to_string(),
        "line 2: betrag \"-£1.00\" is not an amount: it has another currency's sign"
    );
}

/// A provider holds people's ISFs in one client-money bank account; the books record each
/// movement; the bank statement is reconciled against the ledger account that mirrors it.
#[test]
fn isf_provider_reconciles_its_client_money_account() {
    let mut ledger = Ledger::new();
    ledger
        .open_account(NewAccount::new(
            "council",
            AccountKind::Income,
            Currency::GBP,
        ))
        .unwrap();
    ledger
        .open_account(NewAccount::new(
            "provider:client-bank",
            AccountKind::Asset,
            Currency::GBP,
        ))
        .unwrap();
    ledger
        .open_account(
            NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP)
                .rule(BalanceRule::NonNegative),
        )
        .unwrap();
    ledger
        .open_account(NewAccount::new("care", AccountKind::Expense, Currency::GBP))
        .unwrap();
    let bank = "provider:client-bank";
    let post = |ledger: &mut Ledger, entry: NewEntry| {
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(entry).unwrap();
    };
    post(
        &mut ledger,
        NewEntry::new("alloc-P1-1", d(2025, 4, 1))
            .meta("reference", "ISF P1 APR")
            .transfer("council", bank, gbp("1650.00")),
    );
    post(
        &mut ledger,
        NewEntry::new("pay-1", d(2025, 4, 7)).transfer(bank, "care", gbp("412.50")),
    );
    post(
        &mut ledger,
        NewEntry::new("pay-2", d(2025, 4, 7)).transfer(bank, "care", gbp("99.00")),
    );
    // The receipt's sequence number is not needed here.
    let _ = ledger
        .reverse("pay-2", "pay-2-rev", d(2025, 4, 8), "paid twice")
        .unwrap();
    post(
        &mut ledger,
        NewEntry::new("pay-3", d(2025, 4, 28)).transfer(bank, "care", gbp("412.50")),
    );

    let statement = "date,description,amount,reference\n\
                     2025-04-02,BACS COUNCIL,1650.00,isf p1 apr\n\
                     2025-04-08,ACME CARE,-412.50,\n\
                     2025-04-08,ACME CARE,-412.50,\n\
                     2025-04-09,ACME CARE,-99.00,\n\
                     2025-04-10,ACME CARE REFUND,99.00,\n\
                     2025-04-30,INTEREST,0.12,\n";
    let imported = StatementFormat::new(Currency::GBP)
        .import(statement.as_bytes())
        .unwrap();
    assert!(imported.errors.is_empty());
    let april = Period::new(d(2025, 3, 29), d(2025, 5, 4)).unwrap();
    let books = ledger_lines(&ledger, &bank.into(), april).unwrap();
    assert_eq!(books.len(), 5, "the reversal pair is two ordinary lines");
    let report = reconcile(&imported.lines, &books, &MatchOptions::new(Currency::GBP)).unwrap();

    let pairs: Vec<(Option<u64>, &str, i64, bool)> = report
        .matched
        .iter()
        .map(|m| {
            (
                m.statement.line,
                m.ledger.entry.as_str(),
                m.days,
                m.by_reference,
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (Some(2), "alloc-P1-1", 1, true),
            (Some(3), "pay-1", 1, false),
            (Some(5), "pay-2", 2, false),
            (Some(6), "pay-2-rev", 2, false),
        ]
    );
    let unmatched: Vec<Option<u64>> = report.unmatched_statement.iter().map(|s| s.line).collect();
    assert_eq!(unmatched, [Some(4), Some(7)]);
    assert_eq!(report.unmatched_ledger.len(), 1);
    assert_eq!(report.unmatched_ledger[0].entry.as_str(), "pay-3");
    // Lines 3 and 4 are identical, and line 4 could only have matched pay-1, taken by line 3.
    let reasons: Vec<(Option<u64>, &DuplicateReason)> = report
        .duplicates
        .iter()
        .map(|d| (d.line.line, &d.reason))
        .collect();
    assert_eq!(reasons.len(), 3);
    assert!(matches!(
        reasons[..],
        [
            (Some(3), DuplicateReason::Repeated { copies: 2 }),
            (Some(4), DuplicateReason::Repeated { copies: 2 }),
            (Some(4), DuplicateReason::CandidateTaken { .. }),
        ]
    ));
    if let DuplicateReason::CandidateTaken { entry, taken_by } = reasons[2].1 {
        assert_eq!(entry.as_str(), "pay-1");
        assert_eq!(taken_by.line, Some(3));
    }
    let t = report.totals;
    assert_eq!(t.statement, gbp("825.12"));
    assert_eq!(t.ledger, gbp("825.00"));
    assert_eq!(t.matched, gbp("1237.50"));
    assert_eq!(t.unmatched_statement, gbp("-412.38"));
    assert_eq!(t.unmatched_ledger, gbp("-412.50"));

    let text = report.to_string();
    assert!(text.starts_with(
        "reconciliation in GBP, dates within 3 days, references preferred\nmatched: 4 (1237.50 GBP)\n"
    ));
    assert!(text.contains(
        "entry pay-1 was matched to 2025-04-08 -412.50 GBP \"ACME CARE\" (line 3) instead"
    ));
    assert!(text.ends_with("totals: statement 825.12 GBP, ledger 825.00 GBP, matched 1237.50 GBP"));

    // A tighter window and required references leave only the reference match.
    let strict = MatchOptions::new(Currency::GBP)
        .window_days(0)
        .require_reference(true);
    let report = reconcile(&imported.lines, &books, &strict).unwrap();
    assert_eq!(report.matched.len(), 0, "the reference match is a day out");
    let report = reconcile(&imported.lines, &books, &strict.window_days(1)).unwrap();
    assert_eq!(report.matched.len(), 1);

    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_string(&report).unwrap();
        let back: isf_ledger::reconcile::Reconciliation = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
    }
}

#[test]
fn currency_mismatch_is_refused() {
    let line = StatementLine::new(d(2025, 4, 1), "x", "1.00 EUR".parse().unwrap());
    let err = reconcile(&[line], &[], &MatchOptions::new(Currency::GBP)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "statement line 2025-04-01 1.00 EUR \"x\" is in EUR, not GBP"
    );
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<StatementFormat>();
    send_sync::<StatementLine>();
    send_sync::<isf_ledger::reconcile::LedgerLine>();
    send_sync::<isf_ledger::reconcile::Reconciliation>();
    send_sync::<isf_ledger::reconcile::Imported>();
    send_sync::<ReconcileError>();
    send_sync::<RowError>();
}

/// A UK export's "balance brought forward" row has a balance and no money in or out: it is
/// kept as the statement's opening balance, not refused; a row with neither is still an error.
#[test]
fn balance_brought_forward_is_a_balance_not_an_error() {
    let csv = "Date,Description,Paid in,Paid out,Balance\n\
               01/04/2025,BALANCE BROUGHT FORWARD,,,\"1,000.00\"\n\
               02/04/2025,COUNCIL PAYMENT,200.00,,\"1,200.00\"\n\
               03/04/2025,NOTHING AT ALL,,,\n";
    let imported = StatementFormat::uk_bank(Currency::GBP)
        .import(csv.as_bytes())
        .unwrap();
    assert_eq!(imported.rows, 3);
    assert_eq!(imported.lines.len(), 1);
    assert_eq!(imported.balances.len(), 1);
    let opening = &imported.balances[0];
    assert_eq!(
        (opening.line, opening.balance),
        (2, "1000.00 GBP".parse().unwrap())
    );
    assert_eq!(opening.description, "BALANCE BROUGHT FORWARD");
    assert_eq!(imported.errors.len(), 1);
    assert_eq!(imported.errors[0].line(), 4);
    assert!(
        imported.errors[0].to_string().contains("neither"),
        "{}",
        imported.errors[0]
    );
}
