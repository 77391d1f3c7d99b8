//! Every refusal of the drawdown module is a typed error that names the value at fault, and
//! changes nothing.

mod support;

use isf_ledger::isf::*;
use isf_ledger::*;
use rust_decimal::Decimal;
use support::dates::y2025::d;
use support::{budget, gbp, isf, whole_plan};

fn plan(kind: DeploymentKind) -> PaymentPlan {
    let validity = Period::new(d(4, 7), d(10, 6)).unwrap();
    let budget = budget(
        "b",
        "p",
        validity,
        BudgetTerms::new(Basis::Week, gbp("300.00")),
    );
    whole_plan(
        "c",
        budget,
        "isf",
        kind,
        PaymentSchedule::new(Frequency::FourWeekly, d(4, 7)),
    )
}

fn pc() -> Service {
    Service::new(
        "PC",
        "personal care",
        Unit::Hour,
        BandRates::flat(gbp("25.00")),
    )
    .planned_per_week(Decimal::from(10))
}

/// A funded plan and an open agreement.
fn funded() -> (Ledger, PaymentPlan, ServiceAgreement) {
    let p = plan(isf());
    let ag = ServiceAgreement::new("AG", &p, "isf", p.budget().validity())
        .unwrap()
        .service(pc());
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    ag.open_accounts(&mut ledger, &p).unwrap();
    // Setup: the report is not inspected, the ledger is.
    let _ = run_payments(&mut ledger, &[&p], &PaymentRun::new("r", d(4, 7)));
    (ledger, p, ag)
}

#[test]
fn a_direct_payment_is_not_an_isf() {
    let p = plan(DeploymentKind::DirectPayment {
        basis: PaymentBasis::Net,
    });
    let err = ServiceAgreement::new("AG", &p, "isf", p.budget().validity()).unwrap_err();
    assert!(matches!(
        err.drawdown(),
        Some(DrawdownError::NotAnIsf { .. })
    ));
    assert!(err.to_string().contains("direct payment"), "{err}");
    let err = ServiceAgreement::new("AG", &p, "nope", p.budget().validity()).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn codes_that_cannot_make_ids_are_refused() {
    let p = plan(isf());
    let err = ServiceAgreement::new("A G", &p, "isf", p.budget().validity()).unwrap_err();
    assert!(
        matches!(
            err.drawdown(),
            Some(DrawdownError::InvalidCode {
                what: "agreement",
                ..
            })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("\"A G\""), "{err}");
    let (mut ledger, p, ag) = funded();
    let before = ledger.clone();
    let claim = Claim::new("INV/1", d(4, 14)).line(ClaimLine::new(
        d(4, 8),
        "PC",
        Decimal::ONE,
        gbp("25.00"),
    ));
    let err = ag.submit(&mut ledger, &p, &claim).unwrap_err();
    assert!(err.to_string().contains("INV/1"), "{err}");
    assert_eq!(ledger, before);
}

#[test]
fn invalid_agreements_are_refused_when_opened() {
    let p = plan(isf());
    let mut ledger = Ledger::new();
    p.open_accounts(&mut ledger).unwrap();
    let cases = [
        (
            ServiceAgreement::new("AG", &p, "isf", p.budget().validity()).unwrap(),
            "no services",
        ),
        (
            ServiceAgreement::new("AG", &p, "isf", p.budget().validity())
                .unwrap()
                .service(pc())
                .service(pc()),
            "listed twice",
        ),
        (
            ServiceAgreement::new("AG", &p, "isf", p.budget().validity())
                .unwrap()
                .service(pc())
                .fee(ManagementFee::Percent(Decimal::from(101))),
            "101%",
        ),
        (
            ServiceAgreement::new("AG", &p, "isf", p.budget().validity())
                .unwrap()
                .service(Service::new(
                    "PC",
                    "care",
                    Unit::Hour,
                    BandRates::flat(gbp("-1.00")),
                )),
            "-1.00 GBP",
        ),
        (
            ServiceAgreement::new("AG", &p, "isf", p.budget().validity())
                .unwrap()
                .service(
                    pc().rate_from(d(6, 1), BandRates::flat(gbp("26.00")))
                        .rate_from(d(5, 1), BandRates::flat(gbp("27.00"))),
                ),
            "date order",
        ),
    ];
    for (ag, words) in cases {
        let before = ledger.clone();
        let err = ag.open_accounts(&mut ledger, &p).unwrap_err();
        assert!(
            matches!(err.drawdown(), Some(DrawdownError::InvalidAgreement { .. })),
            "{err}"
        );
        assert!(err.to_string().contains(words), "{err} should say {words}");
        assert_eq!(ledger, before);
    }
}

#[test]
fn more_than_the_fund_holds_is_refused_whole() {
    let (mut ledger, p, ag) = funded();
    let before = ledger.clone();
    let mut claim = Claim::new("big", d(5, 10));
    for day in [d(4, 8), d(4, 15), d(4, 22), d(4, 29), d(5, 6)] {
        claim = claim.line(ClaimLine::new(day, "PC", Decimal::from(10), gbp("25.00")));
    }
    let err = ag.submit(&mut ledger, &p, &claim).unwrap_err();
    assert!(
        matches!(err.drawdown(), Some(DrawdownError::InsufficientFunds { needed, available, .. })
            if *needed == gbp("1250.00") && *available == gbp("1200.00")),
        "{err}"
    );
    assert!(err.to_string().contains("1250.00 GBP"), "{err}");
    assert_eq!(ledger, before);
}

#[test]
fn bookings_are_found_by_id_or_refused() {
    let (mut ledger, p, ag) = funded();
    let b = Booking::new("B1", d(4, 9), "PC", Decimal::from(2), d(4, 8));
    assert_eq!(ag.book(&mut ledger, &p, &b).unwrap(), gbp("50.00"));
    // The same booking again changes nothing; other details under its id are refused.
    let before = ledger.clone();
    assert_eq!(ag.book(&mut ledger, &p, &b).unwrap(), gbp("50.00"));
    assert_eq!(ledger, before);
    let other = Booking::new("B1", d(4, 10), "PC", Decimal::from(2), d(4, 8));
    let err = ag.book(&mut ledger, &p, &other).unwrap_err();
    assert!(
        matches!(err.drawdown(), Some(DrawdownError::DuplicateBooking { .. }))
            && err.to_string().contains("B1"),
        "{err}"
    );
    let err = ag
        .release_booking(&mut ledger, &p, &"B9".into())
        .unwrap_err();
    assert!(
        matches!(err.drawdown(), Some(DrawdownError::UnknownBooking { .. }))
            && err.to_string().contains("B9"),
        "{err}"
    );
    let claim = Claim::new("C1", d(4, 14))
        .line(ClaimLine::new(d(4, 9), "PC", Decimal::from(2), gbp("25.00")).booking("B9"));
    let err = ag.submit(&mut ledger, &p, &claim).unwrap_err();
    assert!(err.to_string().contains("B9"), "{err}");
    assert_eq!(ledger, before);
    // A booking settles one line: a second line naming it is refused.
    let claim = Claim::new("C3", d(4, 14))
        .line(ClaimLine::new(d(4, 9), "PC", Decimal::ONE, gbp("25.00")).booking("B1"))
        .line(ClaimLine::new(d(4, 9), "PC", Decimal::from(2), gbp("25.00")).booking("B1"));
    let err = ag.submit(&mut ledger, &p, &claim).unwrap_err();
    assert!(
        matches!(
            err.drawdown(),
            Some(DrawdownError::InvalidLine { line: 2, .. })
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("booking B1 is named by an earlier line"),
        "{err}"
    );
    assert_eq!(ledger, before);
    // A line naming the booking must be for its service and supplier.
    let ag2 = ag.clone().supplier("sunrise");
    ag2.open_accounts(&mut ledger, &p).unwrap();
    let before = ledger.clone();
    let claim = Claim::new("C2", d(4, 14)).line(
        ClaimLine::new(d(4, 9), "PC", Decimal::from(2), gbp("25.00"))
            .supplier("sunrise")
            .booking("B1"),
    );
    let err = ag2.submit(&mut ledger, &p, &claim).unwrap_err();
    assert!(
        matches!(
            err.drawdown(),
            Some(DrawdownError::InvalidLine { line: 1, .. })
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("booking B1 is for another service"),
        "{err}"
    );
    assert_eq!(ledger, before);
    ag.release_booking(&mut ledger, &p, &"B1".into()).unwrap();
    assert!(matches!(
        ag.release_booking(&mut ledger, &p, &"B1".into())
            .as_ref()
            .map_err(isf_ledger::Error::drawdown),
        Err(Some(DrawdownError::UnknownBooking { .. }))
    ));
}

#[test]
fn closed_periods_and_banking_are_checked() {
    let (mut ledger, p, ag) = funded();
    ledger.close_period(d(4, 30)).unwrap();
    let before = ledger.clone();
    let claim = Claim::new("C1", d(4, 14)).line(ClaimLine::new(
        d(4, 9),
        "PC",
        Decimal::from(2),
        gbp("25.00"),
    ));
    let err = ag.submit(&mut ledger, &p, &claim).unwrap_err();
    assert!(
        matches!(err.drawdown(), Some(DrawdownError::PeriodClosed { .. }))
            && err.to_string().contains("2025-04-14"),
        "{err}"
    );
    let err = ag.bank_unused(&mut ledger, d(5, 5)).unwrap_err();
    assert!(
        matches!(err.drawdown(), Some(DrawdownError::BankingOff { .. }))
            && err.to_string().contains("AG"),
        "{err}"
    );
    assert!(matches!(
        ag.expire_banked(&mut ledger, d(5, 5))
            .as_ref()
            .map_err(isf_ledger::Error::drawdown),
        Err(Some(DrawdownError::BankingOff { .. }))
    ));
    let banking = ag.clone().banking(Banking {
        max_units: Decimal::from(5),
        expires_after_weeks: 4,
    });
    let err = banking.bank_unused(&mut ledger, d(5, 6)).unwrap_err();
    assert!(
        matches!(err.drawdown(), Some(DrawdownError::NotAMonday { .. }))
            && err.to_string().contains("2025-05-06"),
        "{err}"
    );
    assert_eq!(ledger, before);
    let err = ag
        .accept_disputed(&mut ledger, &p, &"C1".into(), 1, d(5, 5))
        .unwrap_err();
    assert!(err.to_string().contains("C1 line 1"), "{err}");
}
