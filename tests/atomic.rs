//! A domain call is one atomic operation: when a step fails half-way, the ledger and its log
//! are exactly as before, and a successful call is one `linked` record in the log.

mod support;

use isf_ledger::isf::*;
use isf_ledger::*;
use rust_decimal::Decimal;
use support::dates::y2025::d;
use support::{budget, gbp, isf, whole_plan};

fn service(code: &str) -> Service {
    Service::new(code, code, Unit::Hour, BandRates::flat(gbp("25.00")))
        .planned_per_week(Decimal::from(10))
}

/// A funded ISF with two services, personal care (`PC`) and sitting (`SIT`).
fn funded() -> (Ledger, PaymentPlan, ServiceAgreement) {
    let validity = Period::new(d(4, 7), d(10, 6)).unwrap();
    let b = budget(
        "b",
        "p",
        validity,
        BudgetTerms::new(Basis::Week, gbp("300.00")),
    );
    let p = whole_plan(
        "c",
        b,
        "isf",
        isf(),
        PaymentSchedule::new(Frequency::FourWeekly, d(4, 7)),
    );
    let ag = ServiceAgreement::new("AG", &p, "isf", p.budget().validity())
        .unwrap()
        .service(service("PC"))
        .service(service("SIT"));
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    ag.open_accounts(&mut ledger, &p).unwrap();
    // Setup: the report is not inspected, the ledger is.
    let _ = run_payments(&mut ledger, &[&p], &PaymentRun::new("r", d(4, 7)));
    (ledger, p, ag)
}

fn log_of(ledger: &Ledger) -> String {
    let mut out = Vec::new();
    ledger.write_log(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn claim() -> Claim {
    Claim::new("C1", d(4, 14))
        .line(ClaimLine::new(d(4, 8), "PC", Decimal::from(2), gbp("25.00")).booking("B1"))
        .line(ClaimLine::new(
            d(4, 9),
            "SIT",
            Decimal::from(1),
            gbp("25.00"),
        ))
}

/// The claim's first step (settling the booking) succeeds; its second (paying the unbooked
/// line) is refused by the ledger because the sitting account was closed. Before claims were
/// atomic, the booking stayed settled and "the same call again" had to finish the rest.
#[test]
fn a_claim_interrupted_half_way_leaves_the_ledger_and_its_log_as_before() {
    let (mut ledger, p, ag) = funded();
    ag.book(
        &mut ledger,
        &p,
        &Booking::new("B1", d(4, 8), "PC", Decimal::from(2), d(4, 1)),
    )
    .unwrap();
    ledger
        .close_account(ag.service_account("SIT", None))
        .unwrap();
    let before = ledger.clone();
    let log_before = log_of(&ledger);

    let err = ag.submit(&mut ledger, &p, &claim()).unwrap_err();
    let mut chain = err.to_string();
    let mut cause = std::error::Error::source(&err);
    while let Some(c) = cause {
        chain.push_str(": ");
        chain.push_str(&c.to_string());
        cause = c.source();
    }
    assert!(chain.contains("SIT"), "{chain}");
    assert!(
        matches!(
            err.ledger(),
            Some(LedgerError::Batch { source, .. })
                if matches!(**source, LedgerError::AccountClosed { .. })
        ),
        "{err:?}"
    );

    assert_eq!(ledger, before);
    assert_eq!(log_of(&ledger), log_before);
    for hold in ledger.holds() {
        assert_eq!(hold.status(), HoldStatus::Active, "{hold:?}");
    }
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify().unwrap();
}

#[test]
fn a_claim_is_one_linked_record_in_the_log_and_replays() {
    let (mut ledger, p, ag) = funded();
    ag.book(
        &mut ledger,
        &p,
        &Booking::new("B1", d(4, 8), "PC", Decimal::from(2), d(4, 1)),
    )
    .unwrap();
    let lines_before = log_of(&ledger).lines().count();
    let outcome = ag.submit(&mut ledger, &p, &claim()).unwrap();
    assert_eq!(outcome.paid.len(), 2);
    let log = log_of(&ledger);
    let new: Vec<&str> = log.lines().skip(lines_before).collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert!(new[0].starts_with("{\"v\":1,\"linked\":"), "{}", new[0]);
    let replayed = Ledger::replay(log.as_bytes()).unwrap();
    assert_eq!(replayed, ledger);
}
