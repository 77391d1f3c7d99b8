//! Property tests for statement import and reconciliation: matching is one to one, every pair
//! is valid, nothing is lost, totals add up, the result does not depend on input order, lines
//! made from the books all match, and CSV import round-trips and reports bad rows by line.

mod support;

use chrono::{Days, NaiveDate};
use isf_ledger::reconcile::{
    DuplicateReason, LedgerLine, MatchOptions, Reconciliation, StatementFormat, StatementLine,
    SuspectedDuplicate, reconcile,
};
use isf_ledger::{Currency, Money, Seq};
use proptest::prelude::*;
use support::{gbp_minor, sum};

fn day(n: u64) -> NaiveDate {
    support::d(2025, 1, 1) + Days::new(n)
}

/// Amounts from a small set (so that groups collide) or anywhere in a range.
fn amount() -> impl Strategy<Value = Money> {
    prop_oneof![
        (-4i64..4).prop_map(|n| gbp_minor(n * 1000)),
        (-200_000i64..200_000).prop_map(gbp_minor),
    ]
}

fn reference() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        Just("INV 1".to_string()),
        Just("inv 1".to_string()),
        Just("INV 2".to_string()),
        Just("e3".to_string()),
    ])
}

fn statement_line() -> impl Strategy<Value = StatementLine> {
    (0u64..40, amount(), "[ab]{0,2}", reference()).prop_map(|(d, amount, desc, reference)| {
        let line = StatementLine::new(day(d), desc, amount);
        match reference {
            Some(r) => line.reference(r),
            None => line,
        }
    })
}

fn statement() -> impl Strategy<Value = Vec<StatementLine>> {
    prop::collection::vec(statement_line(), 0..30).prop_map(|lines| {
        // File lines as if imported, so that shuffling changes them.
        lines
            .into_iter()
            .enumerate()
            .map(|(i, mut l)| {
                l.line = Some(i as u64 + 2);
                l
            })
            .collect()
    })
}

fn ledger() -> impl Strategy<Value = Vec<LedgerLine>> {
    prop::collection::vec((0u64..40, amount(), reference()), 0..30).prop_map(|lines| {
        lines
            .into_iter()
            .enumerate()
            .map(|(i, (d, amount, reference))| {
                let mut line = LedgerLine::new(format!("e{i}"), Seq(i as u64 + 1), day(d), amount);
                if let Some(r) = reference {
                    line.reference = r;
                }
                line
            })
            .collect()
    })
}

fn options() -> impl Strategy<Value = MatchOptions> {
    (0u32..6, any::<bool>()).prop_map(|(window, required)| {
        MatchOptions::new(Currency::GBP)
            .window_days(window)
            .require_reference(required)
    })
}

fn without_line(mut line: StatementLine) -> StatementLine {
    line.line = None;
    line
}

/// The report with file lines removed, everything sorted: what must not depend on order.
#[allow(clippy::type_complexity)]
fn canonical(
    report: &Reconciliation,
) -> (
    Vec<(StatementLine, String, i64, bool)>,
    Vec<StatementLine>,
    Vec<LedgerLine>,
    Vec<SuspectedDuplicate>,
) {
    let mut matched: Vec<_> = report
        .matched
        .iter()
        .map(|m| {
            (
                without_line(m.statement.clone()),
                m.ledger.entry.to_string(),
                m.days,
                m.by_reference,
            )
        })
        .collect();
    matched.sort();
    let mut unmatched: Vec<_> = report
        .unmatched_statement
        .iter()
        .cloned()
        .map(without_line)
        .collect();
    unmatched.sort();
    let mut ledger = report.unmatched_ledger.clone();
    ledger.sort();
    let mut duplicates: Vec<_> = report
        .duplicates
        .iter()
        .cloned()
        .map(|mut d| {
            d.line.line = None;
            if let DuplicateReason::CandidateTaken { taken_by, .. } = &mut d.reason {
                taken_by.line = None;
            }
            d
        })
        .collect();
    duplicates.sort();
    (matched, unmatched, ledger, duplicates)
}

mod matching {
    use super::*;

    proptest! {
        #![proptest_config(support::config("reconcile_props"))]

        /// No statement line and no entry is used twice; every pair has equal amounts, dates
        /// within the window (and equal references when required); every input line is
        /// matched or unmatched exactly once; the totals add up.
        #[test]
        fn one_to_one_valid_and_conserving(
            statement in statement(),
            ledger in ledger(),
            options in options(),
        ) {
            let report = reconcile(&statement, &ledger, &options).unwrap();
            let window = i64::from(options.window());
            for m in &report.matched {
                prop_assert_eq!(m.statement.amount, m.ledger.amount);
                prop_assert_eq!(m.days, (m.statement.date - m.ledger.date).num_days());
                prop_assert!(m.days.abs() <= window, "{:?}", m);
                let same_ref = m.statement.reference.as_deref().map(|r| r.trim().to_lowercase())
                    == Some(m.ledger.reference.trim().to_lowercase());
                prop_assert_eq!(m.by_reference, same_ref && m.by_reference);
                if options.requires_reference() {
                    prop_assert!(same_ref, "{:?}", m);
                }
                if m.by_reference {
                    prop_assert!(same_ref);
                }
            }
            // Statement side: matched ∪ unmatched is the input, as a multiset (file lines
            // are unique here, so each line is used at most once).
            let mut seen: Vec<StatementLine> = report
                .matched
                .iter()
                .map(|m| m.statement.clone())
                .chain(report.unmatched_statement.iter().cloned())
                .collect();
            seen.sort();
            let mut input = statement.clone();
            input.sort();
            prop_assert_eq!(seen, input);
            // Ledger side: entry ids are unique, so the same for ids.
            let mut ids: Vec<String> = report
                .matched
                .iter()
                .map(|m| m.ledger.entry.to_string())
                .chain(report.unmatched_ledger.iter().map(|l| l.entry.to_string()))
                .collect();
            ids.sort();
            let mut input_ids: Vec<String> = ledger.iter().map(|l| l.entry.to_string()).collect();
            input_ids.sort();
            prop_assert_eq!(ids, input_ids);

            let t = report.totals;
            prop_assert_eq!(t.statement, sum(statement.iter().map(|s| s.amount)));
            prop_assert_eq!(t.ledger, sum(ledger.iter().map(|l| l.amount)));
            prop_assert_eq!(t.matched, sum(report.matched.iter().map(|m| m.ledger.amount)));
            prop_assert_eq!(t.statement, t.matched.checked_add(t.unmatched_statement).unwrap());
            prop_assert_eq!(t.ledger, t.matched.checked_add(t.unmatched_ledger).unwrap());
            prop_assert_eq!(
                t.unmatched_ledger,
                sum(report.unmatched_ledger.iter().map(|l| l.amount))
            );
            // The books' movements, less what the bank has not had, plus what only the bank
            // has, are the bank's movements.
            prop_assert_eq!(report.expected_bank_balance(t.ledger).unwrap(), t.statement);
        }

        /// Without a required reference, no unmatched statement line could still be paired
        /// with an unmatched ledger line (the matching is maximal), and every suspected
        /// duplicate is what its reason says.
        #[test]
        fn maximal_and_duplicates_are_explained(
            statement in statement(),
            ledger in ledger(),
            window in 0u32..6,
        ) {
            let options = MatchOptions::new(Currency::GBP).window_days(window);
            let report = reconcile(&statement, &ledger, &options).unwrap();
            for s in &report.unmatched_statement {
                for l in &report.unmatched_ledger {
                    prop_assert!(
                        s.amount != l.amount || (s.date - l.date).num_days().abs() > i64::from(window),
                        "{} and {} could be paired", s, l
                    );
                }
            }
            for d in &report.duplicates {
                match &d.reason {
                    DuplicateReason::Repeated { copies } => {
                        let n = statement
                            .iter()
                            .filter(|s| s.date == d.line.date && s.amount == d.line.amount
                                && s.description == d.line.description
                                && s.reference == d.line.reference)
                            .count();
                        prop_assert_eq!(*copies, n);
                        prop_assert!(n >= 2);
                    }
                    DuplicateReason::CandidateTaken { entry, taken_by } => {
                        prop_assert!(report.unmatched_statement.contains(&d.line));
                        let m = report.matched.iter().find(|m| &m.ledger.entry == entry).unwrap();
                        prop_assert_eq!(&m.statement, &**taken_by);
                        prop_assert_eq!(m.ledger.amount, d.line.amount);
                    }
                    _ => {}
                }
            }
        }

        /// Shuffling both inputs changes nothing but which of several identical lines is named.
        #[test]
        fn deterministic_under_reordering(
            (statement, shuffled_statement) in statement()
                .prop_flat_map(|s| (Just(s.clone()), Just(s).prop_shuffle())),
            (ledger, shuffled_ledger) in ledger()
                .prop_flat_map(|l| (Just(l.clone()), Just(l).prop_shuffle())),
            options in options(),
        ) {
            let a = reconcile(&statement, &ledger, &options).unwrap();
            let b = reconcile(&shuffled_statement, &shuffled_ledger, &options).unwrap();
            prop_assert_eq!(canonical(&a), canonical(&b));
            prop_assert_eq!(a.totals, b.totals);
            // With file lines removed from the input, the reports are identical.
            let strip = |v: &[StatementLine]| v.iter().cloned().map(without_line).collect::<Vec<_>>();
            let c = reconcile(&strip(&statement), &ledger, &options).unwrap();
            let d = reconcile(&strip(&shuffled_statement), &shuffled_ledger, &options).unwrap();
            prop_assert_eq!(c, d);
        }

        /// Statement lines made from the books, dates moved within the window, amounts
        /// unique: everything matches, and nothing is suspected.
        #[test]
        fn lines_made_from_the_books_all_match(
            amounts in prop::collection::btree_set(-200_000i64..200_000, 0..30),
            seed in prop::collection::vec((0u64..40, -5i64..=5, any::<bool>()), 30),
            window in 0u32..6,
        ) {
            let w = i64::from(window);
            let mut ledger = Vec::new();
            let mut statement = Vec::new();
            for (i, (pence, (d, shift, with_ref))) in amounts.iter().zip(seed).enumerate() {
                let date = day(d + 10);
                let l = LedgerLine::new(format!("e{i}"), Seq(i as u64 + 1), date, gbp_minor(*pence));
                let shift = shift.clamp(-w, w);
                let s_date = date.checked_add_signed(chrono::Duration::days(shift)).unwrap();
                let s = StatementLine::new(s_date, "payment", gbp_minor(*pence));
                statement.push(if with_ref { s.reference(l.entry.to_string()) } else { s });
                ledger.push(l);
            }
            let report = reconcile(&statement, &ledger, &MatchOptions::new(Currency::GBP).window_days(window)).unwrap();
            prop_assert!(report.is_complete(), "{}", report);
            prop_assert_eq!(report.matched.len(), ledger.len());
            prop_assert!(report.duplicates.is_empty());
        }
    }
}

mod import {
    use super::*;

    /// Text that CSV must quote: commas, quotes, newlines, a currency sign; trimmed, as
    /// import trims.
    fn text() -> impl Strategy<Value = String> {
        "[A-Za-z0-9 ,\"\n£.-]{0,12}".prop_map(|s| s.trim().to_string())
    }

    fn line() -> impl Strategy<Value = StatementLine> {
        (
            0u64..20_000,
            -1_000_000_000i64..1_000_000_000,
            text(),
            proptest::option::of(text()),
            proptest::option::of(-1_000_000_000i64..1_000_000_000),
        )
            .prop_map(|(d, pence, desc, reference, balance)| {
                let mut line = StatementLine::new(
                    NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Days::new(d),
                    desc,
                    gbp_minor(pence),
                );
                if let Some(r) = reference {
                    line = line.reference(r);
                }
                if let Some(b) = balance {
                    line = line.balance(gbp_minor(b));
                }
                line
            })
    }

    fn format() -> impl Strategy<Value = StatementFormat> {
        prop_oneof![
            Just(StatementFormat::new(Currency::GBP)),
            Just(StatementFormat::uk_bank(Currency::GBP)),
            Just(
                StatementFormat::new(Currency::GBP)
                    .delimiter(b';')
                    .date_column("Posted")
                    .reference_column("Ref")
            ),
        ]
    }

    /// A good row as text (one physical line) for the default format.
    fn good_row(l: &StatementLine) -> String {
        format!("{},{},{},,", l.date, l.description, l.amount.amount())
    }

    fn bad_row() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("2025-02-30,bad date,1.00,,"),
            Just("2025-01-01,three places,1.001,,"),
            Just("2025-01-01,too few,1.00"),
            Just("2025-01-01,too,many,1.00,,"),
            Just("2025-01-01,not a number,1.0.0,,"),
            Just("2025-01-01,bad balance,1.00,,12,34"),
            Just("2025-01-01,bad separator,\"12,34.00\",,"),
            Just("01/01/2025,uk date,1.00,,"),
            Just(",empty date,1.00,,"),
            Just("2025-01-01,empty amount,,,"),
        ]
    }

    proptest! {
        #![proptest_config(support::config("reconcile_props"))]

        /// Lines written as CSV import as the same lines, in order, each with the physical
        /// line it starts on (quoted newlines make rows span lines).
        #[test]
        fn written_lines_import_as_the_same(
            lines in prop::collection::vec(line(), 0..20),
            format in format(),
        ) {
            let mut csv = Vec::new();
            format.write_csv(&lines, &mut csv).unwrap();
            let imported = format.import(csv.as_slice()).unwrap();
            prop_assert!(imported.errors.is_empty(), "{:?}\n{}", imported.errors, String::from_utf8_lossy(&csv));
            prop_assert_eq!(imported.rows, lines.len());
            let mut expected_line = 2u64;
            for (got, want) in imported.lines.iter().zip(&lines) {
                prop_assert_eq!(got.line, Some(expected_line));
                prop_assert_eq!(&without_line(got.clone()), want);
                let newlines = want.description.matches('\n').count()
                    + want.reference.as_deref().unwrap_or("").matches('\n').count();
                expected_line += 1 + newlines as u64;
            }
        }

        /// Malformed rows among good ones: exactly those rows are reported, by line, and
        /// every good row is imported.
        #[test]
        fn malformed_rows_are_reported_by_line(
            good in prop::collection::vec(
                (0u64..400, -100_000i64..100_000, "[a-z ]{0,8}").prop_map(|(d, p, desc)| {
                    StatementLine::new(day(d), desc.trim(), gbp_minor(p))
                }),
                0..20,
            ),
            bad in prop::collection::vec((bad_row(), any::<prop::sample::Index>()), 0..8),
        ) {
            // Rows: good ones in order, bad ones inserted at chosen places.
            let mut rows: Vec<Result<String, &str>> = good.iter().map(|l| Ok(good_row(l))).collect();
            for (row, at) in &bad {
                let at = at.index(rows.len() + 1);
                rows.insert(at, Err(row));
            }
            let mut text = String::from("Date,Description,Amount,Reference,Balance\n");
            let mut bad_lines = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                match row {
                    Ok(row) => text.push_str(row),
                    Err(row) => {
                        text.push_str(row);
                        bad_lines.push(i as u64 + 2);
                    }
                }
                text.push('\n');
            }
            let imported = StatementFormat::new(Currency::GBP).import(text.as_bytes()).unwrap();
            let error_lines: Vec<u64> = imported.errors.iter().map(|e| e.line()).collect();
            prop_assert_eq!(error_lines, bad_lines, "{:?}\n{}", imported.errors, text);
            let got: Vec<StatementLine> = imported.lines.into_iter().map(without_line).collect();
            prop_assert_eq!(got, good);
            prop_assert_eq!(imported.rows, rows.len());
        }
    }
}
