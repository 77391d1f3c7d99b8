//! The book's state: opening from a snapshot gives the same books as a full replay
//! (property-tested over random calls); definitions come back typed after a reopen; a
//! version-1 log upgrades to a book with the same ledger.

#![cfg(feature = "book")]

mod support;

use std::fs;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use isf_ledger::book::{Book, BookError, definition_of, upgrade_v1, verify_chain};
use isf_ledger::dp::SurplusPolicy;
use isf_ledger::{
    AccountKind, BalanceRule, Basis, BudgetTerms, Currency, Definition, Deployment, Frequency,
    Ledger, NewAccount, NewEntry, NewHold, PaymentPlan, PaymentRun, PaymentSchedule, Period,
    PersonalBudget, run_payments,
};
use proptest::prelude::*;
use support::money::gbp;
use support::plans::{budget, net_dp};

fn at(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, 7, 9, 0, 0).unwrap() + chrono::Duration::seconds(s)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("isf-props-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[derive(Debug, Clone)]
enum Call {
    Pay {
        from: usize,
        to: usize,
        pence: i64,
        day: u32,
    },
    Hold {
        pence: i64,
    },
    Settle {
        hold: usize,
        pence: i64,
    },
    Reverse {
        entry: usize,
    },
    Policy {
        weeks: u32,
    },
    Snapshot,
}

fn call() -> impl Strategy<Value = Call> {
    prop_oneof![
        4 => (0..3usize, 0..3usize, 1..50_000i64, 1..28u32)
            .prop_map(|(from, to, pence, day)| Call::Pay { from, to, pence, day }),
        1 => (1..20_000i64).prop_map(|pence| Call::Hold { pence }),
        1 => (0..5usize, 1..20_000i64).prop_map(|(hold, pence)| Call::Settle { hold, pence }),
        1 => (0..10usize).prop_map(|entry| Call::Reverse { entry }),
        1 => (0..12u32).prop_map(|weeks| Call::Policy { weeks }),
        1 => Just(Call::Snapshot),
    ]
}

const ACCOUNTS: [&str; 3] = ["council", "isf:P1", "provider"];

/// Makes each call on the book; refusals are expected and change nothing.
fn run(book: &mut Book, calls: &[Call]) {
    let mut t = 10;
    let mut holds = 0;
    for c in calls {
        t += 1;
        let seq = book.seq();
        let result: Result<(), isf_ledger::Error> = match c {
            Call::Pay {
                from,
                to,
                pence,
                day,
            } => book.record(at(t), "clerk", |l| {
                let e = NewEntry::new(format!("e{seq}"), d(2025, 4, *day)).transfer(
                    ACCOUNTS[*from],
                    ACCOUNTS[*to],
                    support::money::gbp_minor(*pence),
                );
                l.post(e).map(|_| ()).map_err(Into::into)
            }),
            Call::Hold { pence } => {
                holds += 1;
                book.record(at(t), "clerk", |l| {
                    let h = NewHold::new(
                        format!("h{}", holds - 1),
                        "isf:P1",
                        "provider",
                        support::money::gbp_minor(*pence),
                        d(2025, 4, 7),
                    );
                    l.place_hold(h).map_err(Into::into)
                })
            }
            Call::Settle { hold, pence } => book.record(at(t), "clerk", |l| {
                l.settle_hold(
                    format!("h{hold}"),
                    format!("s{seq}"),
                    support::money::gbp_minor(*pence),
                    d(2025, 4, 20),
                )
                .map(|_| ())
                .map_err(Into::into)
            }),
            Call::Reverse { entry } => {
                let target = book
                    .ledger()
                    .entries()
                    .nth(*entry)
                    .map(|e| e.id().to_string());
                match target {
                    Some(id) => book.record(at(t), "clerk", |l| {
                        l.reverse(&id, format!("r{seq}"), d(2025, 4, 27), "wrong")
                            .map(|_| ())
                            .map_err(Into::into)
                    }),
                    None => Ok(()),
                }
            }
            Call::Policy { weeks } => match SurplusPolicy::weeks(*weeks) {
                Ok(p) => book.define(at(t), "clerk", "surplus", &p),
                Err(_) => Ok(()),
            },
            Call::Snapshot => book.write_snapshot().map_err(Into::into),
        };
        if result.is_err() {
            assert_eq!(book.seq(), seq, "a refused call made a record");
        }
    }
}

fn setup(book: &mut Book) {
    book.record(at(1), "setup", |l| -> Result<_, isf_ledger::Error> {
        l.open_account(NewAccount::new(
            "council",
            AccountKind::Income,
            Currency::GBP,
        ))?;
        l.open_account(
            NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP)
                .rule(BalanceRule::NonNegative),
        )?;
        l.open_account(NewAccount::new(
            "provider",
            AccountKind::Expense,
            Currency::GBP,
        ))?;
        Ok(())
    })
    .unwrap();
}

proptest! {
    #![proptest_config(support::config::config_with_cases("book_snapshot", 32))]

    /// Opening from a snapshot (taken anywhere, any number of times) gives exactly the books a
    /// full replay gives, and the same head.
    #[test]
    fn open_from_snapshot_equals_full_replay(
        before in prop::collection::vec(call(), 0..25),
        after in prop::collection::vec(call(), 0..25),
    ) {
        let dir = temp_dir("snap");
        let path = dir.join("p.book");
        let mut book = Book::create(&path, at(0), "setup").unwrap();
        setup(&mut book);
        run(&mut book, &before);
        book.write_snapshot().unwrap();
        let snap_seq = book.seq();
        run(&mut book, &after);
        let (ledger, head) = (book.ledger().clone(), book.head());
        let policy: Option<SurplusPolicy> = book.get("surplus");
        drop(book);

        let from_snapshot = Book::open(&path).unwrap();
        prop_assert!(from_snapshot.report().from_snapshot.is_some());
        prop_assert!(from_snapshot.report().from_snapshot.unwrap() >= snap_seq);
        let snapshot_ledger = from_snapshot.ledger().clone();
        drop(from_snapshot);
        let full = Book::open_full(&path).unwrap();
        prop_assert_eq!(&snapshot_ledger, &ledger);
        prop_assert_eq!(full.report().from_snapshot, None);
        prop_assert_eq!(full.ledger(), &ledger);
        prop_assert_eq!(full.head(), head);
        prop_assert_eq!(full.get::<SurplusPolicy>("surplus"), policy);
        drop(full);
        let snapped = Book::open_read_only(&path).unwrap();
        prop_assert_eq!(snapped.ledger(), &ledger);
        let _ = fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_snapshot_of_another_book_is_not_used() {
    let dir = temp_dir("foreign");
    let a = dir.join("a.book");
    let b = dir.join("b.book");
    let mut book_a = Book::create(&a, at(0), "setup").unwrap();
    setup(&mut book_a);
    book_a.write_snapshot().unwrap();
    let mut book_b = Book::create(&b, at(0), "other").unwrap();
    setup(&mut book_b);
    drop((book_a, book_b));
    fs::copy(
        isf_ledger::book::snapshot_path(&a),
        isf_ledger::book::snapshot_path(&b),
    )
    .unwrap();
    let reopened = Book::open(&b).unwrap();
    assert_eq!(reopened.report().from_snapshot, None);
    // A damaged snapshot is not used either.
    drop(reopened);
    fs::write(isf_ledger::book::snapshot_path(&a), b"{\"v\":2}\n").unwrap();
    assert_eq!(Book::open(&a).unwrap().report().from_snapshot, None);
    let _ = fs::remove_dir_all(&dir);
}

fn plan() -> PaymentPlan {
    let validity = Period::new(d(2025, 4, 7), d(2025, 5, 5)).unwrap();
    let b = budget(
        "B1",
        "P1",
        validity,
        BudgetTerms::new(Basis::Week, gbp("48.00")).contribution(gbp("28.00")),
    );
    PaymentPlan::new(
        "cambs",
        b,
        vec![Deployment::whole("dp", net_dp())],
        PaymentSchedule::new(Frequency::Weekly, d(2025, 4, 7)),
    )
    .unwrap()
}

#[test]
fn definitions_come_back_typed_and_a_plan_is_one_record_with_its_accounts() {
    let dir = temp_dir("defs");
    let path = dir.join("d.book");
    let mut book = Book::create(&path, at(0), "setup").unwrap();
    let p = plan();
    // The plan's definition and its accounts: one call, one record.
    book.record(at(1), "clerk", |l| -> Result<_, isf_ledger::Error> {
        p.open_accounts(l)?;
        l.define(definition_of("plan-1", &p)?)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(book.seq(), 1);
    // A budget and a revision of it.
    let b1: PersonalBudget = p.budget().clone();
    book.define(at(2), "clerk", "B1", &b1).unwrap();
    let validity = Period::new(d(2025, 4, 7), d(2025, 6, 2)).unwrap();
    let b2 = budget(
        "B1",
        "P1",
        validity,
        BudgetTerms::new(Basis::Week, gbp("60.00")),
    );
    book.define(at(3), "clerk", "B1", &b2).unwrap();
    // A payment run through the book: one record.
    let report = book
        .record(at(4), "clerk", |l| -> Result<_, BookError> {
            Ok(run_payments(
                l,
                &[&p],
                &PaymentRun::new("w1", d(2025, 4, 7)),
            ))
        })
        .unwrap();
    assert!(report.refused.is_empty());
    assert_eq!(book.seq(), 4);
    let ledger = book.ledger().clone();
    drop(book);

    let book = Book::open(&path).unwrap();
    assert_eq!(book.ledger(), &ledger);
    assert_eq!(book.get::<PaymentPlan>("plan-1"), Some(p.clone()));
    assert_eq!(book.get::<PersonalBudget>("B1"), Some(b2.clone()));
    assert_eq!(book.revisions::<PersonalBudget>("B1"), vec![b1, b2]);
    assert_eq!(book.keys::<PaymentPlan>(), vec!["plan-1".to_string()]);
    // The plan read back runs the next week with no side file.
    let plan_back: PaymentPlan = book.get("plan-1").unwrap();
    let mut book = book;
    let report = book
        .record(at(5), "clerk", |l| -> Result<_, BookError> {
            Ok(run_payments(
                l,
                &[&plan_back],
                &PaymentRun::new("w2", d(2025, 4, 14)),
            ))
        })
        .unwrap();
    assert_eq!(report.posted.len(), 1);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_definition_that_does_not_read_back_as_its_kind_is_refused_and_not_written() {
    let dir = temp_dir("baddef");
    let path = dir.join("b.book");
    let mut book = Book::create(&path, at(0), "setup").unwrap();
    let before = fs::read(&path).unwrap();
    for (kind, body) in [
        ("budget", r#"{"x":1}"#),
        ("surplus_policy", r#"{"contingency_weeks":-1}"#),
        ("no_such_kind", r#"{}"#),
    ] {
        let err = book
            .record(at(1), "clerk", |l| -> Result<_, isf_ledger::Error> {
                l.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))?;
                Ok(l.define(Definition::new(kind, "k", body))?)
            })
            .unwrap_err();
        assert!(
            matches!(err.book(), Some(BookError::Definition { .. })),
            "{err:?}"
        );
        assert!(book.ledger().account("bank").is_err());
    }
    // Not canonical JSON: the ledger refuses it.
    let err = book
        .record(at(1), "clerk", |l| {
            l.define(Definition::new("budget", "k", "{ }"))
                .map_err(isf_ledger::Error::from)
        })
        .unwrap_err();
    assert!(err.is_invalid_input());
    assert_eq!(fs::read(&path).unwrap(), before);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_version_1_log_upgrades_to_a_book_with_the_same_ledger() {
    let mut ledger = Ledger::new();
    ledger
        .open_account(NewAccount::new(
            "council",
            AccountKind::Income,
            Currency::GBP,
        ))
        .unwrap();
    ledger
        .open_account(
            NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP)
                .rule(BalanceRule::NonNegative),
        )
        .unwrap();
    for i in 0..3 {
        let _receipt = ledger
            .post(NewEntry::new(format!("p{i}"), d(2025, 4, 7)).transfer(
                "council",
                "isf:P1",
                gbp("10.00"),
            ))
            .unwrap();
    }
    let _receipt = ledger
        .reverse("p1", "p1-rev", d(2025, 4, 8), "keyed twice")
        .unwrap();
    let mut v1 = Vec::new();
    ledger.write_log(&mut v1).unwrap();

    let dir = temp_dir("upgrade");
    let path = dir.join("u.book");
    let file = fs::File::create(&path).unwrap();
    let report = upgrade_v1(&v1[..], file, at(0), "upgrade").unwrap();
    let chain = verify_chain(fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(chain.head, report.head);
    let book = Book::open(&path).unwrap();
    assert_eq!(book.ledger(), &ledger);
    assert_eq!(book.seq(), report.last_seq);
    // A v1 log that does not replay is refused at its line.
    let bad = b"{\"v\":1,\"close_account\":{\"id\":\"ghost\"}}\n";
    let err = upgrade_v1(&bad[..], Vec::new(), at(0), "upgrade").unwrap_err();
    assert!(
        matches!(err, BookError::Rejected { line: 1, .. }),
        "{err:?}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_forged_snapshot_is_not_trusted() {
    use sha2::{Digest, Sha256};
    let dir = temp_dir("forged");
    let path = dir.join("a.book");
    let mut book = Book::create(&path, at(0), "setup").unwrap();
    setup(&mut book);
    // The receipt is not needed: the balance is what the snapshot forges.
    let _ = book
        .record(at(2), "council", |l| -> Result<_, isf_ledger::Error> {
            Ok(l.post(NewEntry::new("pay-1", d(2025, 4, 7)).transfer(
                "council",
                "isf:P1",
                gbp("100.00"),
            ))?)
        })
        .unwrap();
    let honest = book.ledger().clone();
    book.write_snapshot().unwrap();
    drop(book);
    // Someone edits a fund's balance in the snapshot and fixes up its checksum.
    let snap = isf_ledger::book::snapshot_path(&path);
    let text = fs::read_to_string(&snap).unwrap();
    let (header, state) = text.split_once('\n').unwrap();
    let mut state: serde_json::Value = serde_json::from_str(state.trim_end()).unwrap();
    let accounts = state["accounts"].as_array_mut().unwrap();
    let forged = accounts
        .iter_mut()
        .find(|a| a["balance"].as_str().is_some_and(|b| b != "0"))
        .expect("an account with money");
    forged["balance"] = serde_json::Value::String("1000000".into());
    let state = serde_json::to_vec(&state).unwrap();
    let sum: String = Sha256::digest(&state)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut header: serde_json::Value = serde_json::from_str(header).unwrap();
    header["state_sha256"] = serde_json::Value::String(sum);
    let mut forged_file = serde_json::to_vec(&header).unwrap();
    forged_file.push(b'\n');
    forged_file.extend_from_slice(&state);
    forged_file.push(b'\n');
    fs::write(&snap, forged_file).unwrap();
    // The auditor's view never reads a snapshot; the writer's checks it with verify() first.
    let auditor = Book::open_read_only(&path).unwrap();
    assert_eq!(auditor.report().from_snapshot, None);
    assert_eq!(auditor.ledger(), &honest);
    drop(auditor);
    let writer = Book::open(&path).unwrap();
    assert_eq!(writer.report().from_snapshot, None);
    assert_eq!(writer.ledger(), &honest);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_reconciliation_kept_in_the_book_marks_its_entries_cleared_in_the_export() {
    use isf_ledger::book::BankReconciliation;
    use isf_ledger::reconcile::{MatchOptions, StatementFormat, ledger_lines, reconcile};
    use isf_ledger::report::{JournalFormat, JournalOptions, write_journal_with};
    let dir = temp_dir("reconciled");
    let path = dir.join("r.book");
    let mut book = Book::create(&path, at(0), "setup").unwrap();
    setup(&mut book);
    for (id, day, pence) in [("in-1", 1, "100.00"), ("in-2", 20, "50.00")] {
        let _ = book
            .record(at(2), "council", |l| -> Result<_, isf_ledger::Error> {
                Ok(l.post(NewEntry::new(id, d(2025, 4, day)).transfer(
                    "council",
                    "isf:P1",
                    gbp(pence),
                ))?)
            })
            .unwrap();
    }
    // The bank statement shows only the first payment: one line matched.
    let statement = "date,description,amount,reference\n2025-04-01,COUNCIL,100.00,\n";
    let imported = StatementFormat::new(Currency::GBP)
        .import(statement.as_bytes())
        .unwrap();
    let april = Period::new(d(2025, 4, 1), d(2025, 5, 1)).unwrap();
    let books = ledger_lines(book.ledger(), &"isf:P1".into(), april).unwrap();
    let report = reconcile(&imported.lines, &books, &MatchOptions::new(Currency::GBP)).unwrap();
    assert_eq!(report.matched.len(), 1);
    let kept = BankReconciliation {
        account: "isf:P1".into(),
        reconciled_to: d(2025, 4, 30),
        closing_balance: gbp("100.00"),
        matched: report.matched,
    };
    book.record(at(3), "finance", |l| -> Result<_, isf_ledger::Error> {
        l.define(definition_of("isf:P1:2025-04", &kept)?)?;
        Ok(())
    })
    .unwrap();
    drop(book);

    let book = Book::open_read_only(&path).unwrap();
    let cleared = book.reconciled_entries();
    assert_eq!(
        cleared.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        ["in-1"]
    );
    let options = JournalOptions::new().reconciled(cleared);
    let mut out = Vec::new();
    let _ = write_journal_with(book.ledger(), JournalFormat::Hledger, &options, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("2025-04-01 * (in-1)"), "{text}");
    assert!(text.contains("2025-04-20 ! (in-2)"), "{text}");
    let _ = fs::remove_dir_all(&dir);
}
