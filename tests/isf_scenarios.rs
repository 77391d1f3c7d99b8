//! A provider holding individual service funds for three people over a quarter (March to May
//! 2025) that spans an April uplift: bookings, a disputed claim, a credit note, short-notice
//! cancellations, banked hours used later, statements, the client-money view and the council's
//! view, every figure worked by hand.

mod support;

use chrono::NaiveDate;
use isf_ledger::isf::*;
use isf_ledger::report::*;
use isf_ledger::*;
use rust_decimal::Decimal;
use support::dates::y2025::d;
use support::{budget, gbp, isf, whole_plan};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A year's ISF budget from Monday 3 March 2025, paid four-weekly in advance.
fn plan(id: &str, terms: BudgetTerms) -> PaymentPlan {
    let validity = Period::new(d(3, 3), support::d(2026, 3, 2)).unwrap();
    let budget = budget(id, &format!("person-{id}"), validity, terms);
    whole_plan(
        "shire",
        budget,
        "isf",
        isf(),
        PaymentSchedule::new(Frequency::FourWeekly, d(3, 3)),
    )
}

/// Personal care by the hour: £24 weekdays and £26 weekends, £25 and £27 from the uplift on
/// Monday 7 April.
fn personal_care(planned: &str) -> Service {
    Service::new(
        "PC",
        "personal care",
        Unit::Hour,
        BandRates::flat(gbp("24.00")).weekend(gbp("26.00")),
    )
    .rate_from(d(4, 7), BandRates::flat(gbp("25.00")).weekend(gbp("27.00")))
    .planned_per_week(dec(planned))
}

fn line(day: NaiveDate, hours: &str, price: &str) -> ClaimLine {
    ClaimLine::new(day, "PC", dec(hours), gbp(price))
}

struct Provider {
    ledger: Ledger,
    a: PaymentPlan,
    b: PaymentPlan,
    c: PaymentPlan,
    agreement_a: ServiceAgreement,
    agreement_b: ServiceAgreement,
    agreement_c: ServiceAgreement,
}

impl Provider {
    fn new() -> Provider {
        let mut a = plan("A", BudgetTerms::new(Basis::Week, gbp("400.00")));
        a.revise(Revision {
            id: "uplift".into(),
            effective: d(4, 7),
            reason: "April uplift".into(),
            terms: BudgetTerms::new(Basis::Week, gbp("420.00")),
        })
        .unwrap();
        let b = plan(
            "B",
            BudgetTerms::new(Basis::Week, gbp("300.00")).contribution(gbp("50.00")),
        );
        let c = plan("C", BudgetTerms::new(Basis::Week, gbp("250.00")));
        let validity = a.budget().validity();
        let agreement_a = ServiceAgreement::new("AG-A", &a, "isf", validity)
            .unwrap()
            .service(personal_care("10"))
            .fee(ManagementFee::Percent(dec("5")))
            .banking(Banking {
                max_units: dec("10"),
                expires_after_weeks: 8,
            });
        let agreement_b = ServiceAgreement::new("AG-B", &b, "isf", validity)
            .unwrap()
            .service(
                Service::new(
                    "DC",
                    "day centre",
                    Unit::Visit,
                    BandRates::flat(gbp("45.00")),
                )
                .planned_per_week(dec("3")),
            )
            .supplier("sunrise")
            .fee(ManagementFee::FixedPerPeriod {
                amount: gbp("20.00"),
                frequency: Frequency::FourWeekly,
            });
        let agreement_c = ServiceAgreement::new("AG-C", &c, "isf", validity)
            .unwrap()
            .service(personal_care("8"));
        let mut ledger = Ledger::new();
        for (p, ag) in [(&a, &agreement_a), (&b, &agreement_b), (&c, &agreement_c)] {
            p.open_accounts(&mut ledger).unwrap();
            ag.open_accounts(&mut ledger, p).unwrap();
        }
        Provider {
            ledger,
            a,
            b,
            c,
            agreement_a,
            agreement_b,
            agreement_c,
        }
    }

    fn run(&mut self, day: NaiveDate) {
        let report = run_payments(
            &mut self.ledger,
            &[&self.a, &self.b, &self.c],
            &PaymentRun::new("4-weekly", day),
        );
        assert!(report.refused.is_empty(), "{:?}", report.refused);
    }

    fn balance(&self, plan: &PaymentPlan) -> Money {
        plan.fund_balance(&self.ledger, "isf").unwrap()
    }

    fn statement(
        &self,
        plan: &PaymentPlan,
        agreement: &ServiceAgreement,
        period: Period,
    ) -> FundStatement {
        let fund = Fund::of(plan, "isf").unwrap();
        let statement = FundStatement::build(&self.ledger, &fund, period)
            .unwrap()
            .with_units(agreement.units_summary(&self.ledger, period).unwrap());
        statement.check(&self.ledger).unwrap();
        statement
    }
}

fn april() -> Period {
    Period::new(d(4, 1), d(5, 1)).unwrap()
}

/// Person A: hours delivered, three hours banked in March and two of them used after the
/// uplift, a claim at the old rate disputed and credited, then claimed again correctly.
fn person_a(p: &mut Provider) {
    let (ag, plan) = (&p.agreement_a, &p.a);
    // Week of 3 March: ten weekday hours at £24, 5% fee on each line.
    let claim = Claim::new("A-1", d(3, 10))
        .line(line(d(3, 3), "2", "24.00"))
        .line(line(d(3, 4), "2", "24.00"))
        .line(line(d(3, 5), "2", "24.00"))
        .line(line(d(3, 6), "2", "24.00"))
        .line(line(d(3, 7), "2", "24.00"));
    let out = ag.submit(&mut p.ledger, plan, &claim).unwrap();
    assert_eq!(out.paid_total().unwrap(), gbp("240.00"));
    assert_eq!(out.fees_total().unwrap(), gbp("12.00"));
    assert!(out.disputed.is_empty() && out.flagged.is_empty());

    // Week of 10 March: seven hours, four of them on Saturday at the weekend rate.
    let claim = Claim::new("A-2", d(3, 17))
        .line(line(d(3, 10), "3", "24.00"))
        .line(line(d(3, 15), "4", "26.00"));
    let out = ag.submit(&mut p.ledger, plan, &claim).unwrap();
    assert_eq!(out.paid_total().unwrap(), gbp("176.00"));
    assert_eq!(out.fees_total().unwrap(), gbp("8.80"));
    let banked = ag.bank_unused(&mut p.ledger, d(3, 10)).unwrap();
    assert_eq!(banked, vec![("PC".to_string(), dec("3"))]);
    // Banking the same week again changes nothing.
    let before = p.ledger.clone();
    assert_eq!(ag.bank_unused(&mut p.ledger, d(3, 10)).unwrap(), banked);
    assert_eq!(p.ledger, before);
    let bank = ag.banked(&p.ledger, "PC", d(3, 20)).unwrap();
    assert_eq!((bank.units, bank.value), (dec("3"), gbp("72.00")));
    assert_eq!(bank.lots[0].expires_on, d(5, 12));
}

fn person_a_april(p: &mut Provider) {
    let (ag, plan) = (&p.agreement_a, &p.a);
    // Week of 7 April, after the uplift: twelve hours, two over the plan of ten. Two banked
    // hours cover them, so nothing is disputed.
    let claim = Claim::new("A-3", d(4, 14))
        .line(line(d(4, 7), "4", "25.00"))
        .line(line(d(4, 9), "4", "25.00"))
        .line(line(d(4, 11), "4", "25.00"));
    let out = ag.submit(&mut p.ledger, plan, &claim).unwrap();
    assert_eq!(out.paid_total().unwrap(), gbp("300.00"));
    assert_eq!(out.fees_total().unwrap(), gbp("15.00"));
    assert_eq!(out.paid[2].banked_units_used, dec("2"));
    assert!(out.disputed.is_empty());
    assert_eq!(
        ag.banked(&p.ledger, "PC", d(4, 14)).unwrap().units,
        dec("1")
    );

    // A line at the old rate is disputed (the default policy); the other line is paid.
    let claim = Claim::new("A-4", d(4, 22))
        .line(line(d(4, 14), "2", "24.00"))
        .line(line(d(4, 15), "2", "25.00"));
    let out = ag.submit(&mut p.ledger, plan, &claim).unwrap();
    assert_eq!(out.paid_total().unwrap(), gbp("50.00"));
    assert_eq!(out.disputed.len(), 1);
    assert_eq!(out.disputed[0].amount, gbp("48.00"));
    assert!(matches!(
        out.disputed[0].issues[..],
        [ClaimIssue::RateDiffers { agreed, claimed, band: TimeBand::Weekday }]
            if agreed == gbp("25.00") && claimed == gbp("24.00")
    ));
    let attribution = plan.attribution(&p.ledger, "isf").unwrap();
    assert_eq!(
        attribution
            .balance
            .checked_sub(attribution.available)
            .unwrap(),
        gbp("48.00")
    );
    // Submitting the same claim again is refused and changes nothing.
    let before = p.ledger.clone();
    assert!(matches!(
        ag.submit(&mut p.ledger, plan, &claim)
            .as_ref()
            .map_err(isf_ledger::Error::drawdown),
        Err(Some(DrawdownError::AlreadySubmitted { .. }))
    ));
    assert_eq!(p.ledger, before);
    // Resubmitting the disputed line while it waits is a duplicate, which the policy refuses.
    let again = Claim::new("A-4b", d(4, 23)).line(line(d(4, 14), "2", "25.00"));
    assert!(matches!(
        ag.submit(&mut p.ledger, plan, &again)
            .as_ref()
            .map_err(isf_ledger::Error::drawdown),
        Err(Some(DrawdownError::ClaimRefused {
            issue: ClaimIssue::Duplicate { .. },
            ..
        }))
    ));
    assert_eq!(p.ledger, before);

    // The provider credits the disputed line and claims it again at the right rate.
    assert_eq!(
        ag.credit_disputed(&mut p.ledger, plan, &"A-4".into(), 1)
            .unwrap(),
        gbp("48.00")
    );
    let claim = Claim::new("A-5", d(4, 28)).line(line(d(4, 14), "2", "25.00"));
    let out = ag.submit(&mut p.ledger, plan, &claim).unwrap();
    assert_eq!(out.paid_total().unwrap(), gbp("50.00"));
}

/// Person B: a day centre run by a subcontracted supplier, a fixed fee every four weeks, a
/// gross contribution, and a credit note in April for a March visit that did not happen.
fn person_b(p: &mut Provider) {
    let (ag, plan) = (&p.agreement_b, &p.b);
    let mut claim = Claim::new("B-1", d(3, 31));
    for week in [3, 10, 17, 24] {
        for day in [week, week + 2, week + 4] {
            claim = claim
                .line(ClaimLine::new(d(3, day), "DC", dec("1"), gbp("45.00")).supplier("sunrise"));
        }
    }
    let out = ag.submit(&mut p.ledger, plan, &claim).unwrap();
    assert_eq!(out.paid_total().unwrap(), gbp("540.00"));
    assert_eq!(out.fees_total().unwrap(), gbp("0.00"));
}

fn person_b_april(p: &mut Provider) {
    let (ag, plan) = (&p.agreement_b, &p.b);
    // Wednesday 19 March (line 8) did not happen.
    let note = CreditNote {
        id: "CN-1".into(),
        date: d(4, 14),
        lines: vec![("B-1".into(), 8)],
        reason: "person was in hospital".into(),
    };
    assert_eq!(
        ag.credit_note(&mut p.ledger, plan, &note).unwrap(),
        gbp("45.00")
    );
    // Applying it again changes nothing; crediting the line again under another note is refused.
    let before = p.ledger.clone();
    assert_eq!(
        ag.credit_note(&mut p.ledger, plan, &note).unwrap(),
        gbp("45.00")
    );
    assert_eq!(p.ledger, before);
    let other = CreditNote {
        id: "CN-2".into(),
        ..note
    };
    assert!(matches!(
        ag.credit_note(&mut p.ledger, plan, &other)
            .as_ref()
            .map_err(isf_ledger::Error::drawdown),
        Err(Some(DrawdownError::NotCreditable { line: 8, .. }))
    ));
    assert_eq!(p.ledger, before);
}

/// Person C: bookings reserved ahead; one delivered short, one cancelled at short notice
/// (charged in full), one cancelled with two days' notice (not charged).
fn person_c_april(p: &mut Provider) {
    let (ag, plan) = (&p.agreement_c, &p.c);
    let bookings = [
        Booking::new("C-b1", d(4, 8), "PC", dec("2"), d(4, 1)),
        Booking::new("C-b2", d(4, 10), "PC", dec("2"), d(4, 1)),
        Booking::new("C-b3", d(4, 12), "PC", dec("2"), d(4, 1)),
    ];
    let reserved: Vec<Money> = bookings
        .iter()
        .map(|b| ag.book(&mut p.ledger, plan, b).unwrap())
        .collect();
    // Saturday's booking is at the weekend rate.
    assert_eq!(reserved, vec![gbp("50.00"), gbp("50.00"), gbp("54.00")]);
    let attribution = plan.attribution(&p.ledger, "isf").unwrap();
    assert_eq!(
        attribution
            .balance
            .checked_sub(attribution.available)
            .unwrap(),
        gbp("154.00")
    );
    let claim = Claim::new("C-1", d(4, 14))
        .line(line(d(4, 8), "1.5", "25.00").booking("C-b1"))
        .line(line(d(4, 10), "2", "25.00").booking("C-b2").cancelled(12))
        .line(line(d(4, 12), "2", "27.00").booking("C-b3").cancelled(48));
    let out = ag.submit(&mut p.ledger, plan, &claim).unwrap();
    assert_eq!(out.paid_total().unwrap(), gbp("87.50"));
    assert_eq!(out.not_charged, vec![3]);
    // Nothing is held any more: 12.50 of the first booking and all of the third were released.
    let attribution = plan.attribution(&p.ledger, "isf").unwrap();
    assert_eq!(attribution.balance, attribution.available);
    for b in ["C-b1", "C-b2", "C-b3"] {
        let hold = p.ledger.hold(format!("book:AG-C:{b}:council")).unwrap();
        assert_ne!(hold.status(), HoldStatus::Active);
    }
}

fn quarter() -> Provider {
    let mut p = Provider::new();
    p.run(d(3, 3));
    let (ag, plan) = (&p.agreement_b, &p.b);
    assert_eq!(ag.charge_fees(&mut p.ledger, plan, d(3, 3)).unwrap(), 1);
    person_a(&mut p);
    p.run(d(3, 31));
    let (ag, plan) = (&p.agreement_b, &p.b);
    assert_eq!(ag.charge_fees(&mut p.ledger, plan, d(3, 31)).unwrap(), 1);
    person_b(&mut p);
    person_a_april(&mut p);
    person_b_april(&mut p);
    person_c_april(&mut p);
    p.run(d(4, 28));
    let (ag, plan) = (&p.agreement_b, &p.b);
    assert_eq!(ag.charge_fees(&mut p.ledger, plan, d(4, 30)).unwrap(), 1);
    assert_eq!(ag.charge_fees(&mut p.ledger, plan, d(4, 30)).unwrap(), 0);
    p
}

#[test]
fn balances_after_april_are_worked_by_hand() {
    let p = quarter();
    // A: 1600 − 252 − 184.80 + 1660 (one week at 400, three at 420) − 315 − 52.50 − 52.50
    //    + 1680 (four weeks at 420).
    assert_eq!(p.balance(&p.a), gbp("4083.20"));
    // B: 1200 − 20 − 540 + 1200 − 20 + 45 + 1200 − 20.
    assert_eq!(p.balance(&p.b), gbp("3045.00"));
    // C: 1000 + 1000 − 37.50 − 50 + 1000.
    assert_eq!(p.balance(&p.c), gbp("2912.50"));
    // Only that the books verify matters here, not the counts.
    let _ = p.ledger.verify().unwrap();
}

#[test]
fn april_statement_for_person_a_ties_out() {
    let p = quarter();
    let s = p.statement(&p.a, &p.agreement_a, april());
    assert_eq!(s.opening, gbp("2823.20"));
    assert_eq!(s.receipts_total().unwrap(), gbp("1680.00"));
    assert_eq!(s.drawdowns.len(), 1);
    assert_eq!(s.drawdowns[0].service, "PC");
    assert_eq!(s.drawdowns[0].supplier, None);
    assert_eq!(s.drawdowns[0].amount, gbp("400.00"));
    assert_eq!(s.fees, gbp("20.00"));
    assert!(s.adjustments.is_empty() && s.other.is_empty() && s.holds.is_empty());
    assert_eq!(s.closing, gbp("4083.20"));
    let units = &s.units[0].lines[0];
    // 10 a week over 30 days; 12 + 2 + 2 hours delivered; 1 banked hour left.
    assert_eq!(units.planned, Some(dec("42.86")));
    assert_eq!(units.delivered, dec("16"));
    assert_eq!(units.banked, dec("1"));
    let text = s.to_string();
    println!("{text}");
    assert!(text.contains("Opening balance"), "{text}");
    assert!(text.contains("£4,083.20"), "{text}");
    assert!(
        text.contains("hours: planned 42.86, delivered 16, banked 1"),
        "{text}"
    );
}

#[test]
fn credit_note_for_march_is_an_adjustment_in_april() {
    let p = quarter();
    let s = p.statement(&p.b, &p.agreement_b, april());
    assert_eq!(s.opening, gbp("1820.00"));
    let receipts: Vec<(&str, Money)> = s
        .receipts
        .iter()
        .map(|r| (r.source.as_str(), r.amount))
        .collect();
    assert_eq!(
        receipts,
        vec![("council", gbp("1000.00")), ("person", gbp("200.00"))]
    );
    assert!(s.drawdowns.is_empty());
    assert_eq!(s.fees, gbp("20.00"));
    assert_eq!(s.adjustments.len(), 1);
    assert_eq!(s.adjustments[0].amount, gbp("45.00"));
    assert!(
        s.adjustments[0]
            .adjusts
            .starts_with("reverses line:AG-B:B-1:8")
    );
    assert_eq!(s.closing, gbp("3045.00"));
    // In March the supplier's visits show under the supplier.
    let march = Period::new(d(3, 1), d(4, 1)).unwrap();
    let m = p.statement(&p.b, &p.agreement_b, march);
    assert_eq!(m.drawdowns[0].supplier.as_deref(), Some("sunrise"));
    assert_eq!(m.drawdowns[0].amount, gbp("540.00"));
    // Units are read as the ledger knows them now: the credited visit is not delivered.
    assert_eq!(m.units[0].lines[0].delivered, dec("11"));
}

#[test]
fn person_c_statement_shows_short_notice_cancellation() {
    let p = quarter();
    let s = p.statement(&p.c, &p.agreement_c, april());
    assert_eq!(s.drawdowns[0].amount, gbp("87.50"));
    let units = &s.units[0].lines[0];
    assert_eq!(units.delivered, dec("1.5"));
    assert_eq!(units.cancelled_charged, dec("2"));
}

#[test]
fn client_money_is_the_sum_of_the_funds() {
    let p = quarter();
    let view = ProviderView::build(&p.ledger, &"acme".into(), Currency::GBP, d(4, 30))
        .unwrap()
        .with_bank_balance(gbp("10040.70"));
    view.check(&p.ledger).unwrap();
    assert_eq!(view.funds.len(), 3);
    assert_eq!(view.client_money, gbp("10040.70"));
    assert_eq!(view.difference().unwrap(), Some(gbp("0.00")));
    assert!(view.to_string().contains("reconciled"));
    let csv = view.to_csv().unwrap();
    assert!(csv.contains("total,10040.70,,GBP"), "{csv}");
}

#[test]
fn council_view_of_the_three_funds() {
    let p = quarter();
    let agreements = [
        (&p.a, &p.agreement_a),
        (&p.b, &p.agreement_b),
        (&p.c, &p.agreement_c),
    ];
    let view = CouncilView::build(
        &p.ledger,
        &[&p.a, &p.b, &p.c],
        &agreements,
        Currency::GBP,
        april(),
    )
    .unwrap();
    let totals = view.totals().unwrap();
    // A's banked hours at the end of April are support the fund still owes: not surplus.
    let banked = p
        .agreement_a
        .banked(&p.ledger, "PC", april().last_day())
        .unwrap()
        .value;
    assert_eq!(view.lines[0].banked, banked);
    assert_eq!(totals.banked, banked);
    // Paid in during April: 1680 + 1200 + 1000.
    assert_eq!(totals.paid_in, gbp("3880.00"));
    // Spent: A 400 + 20; B 20 (the credit note is an adjustment); C 87.50.
    assert_eq!(totals.spent, gbp("527.50"));
    assert_eq!(totals.committed, gbp("0.00"));
    assert_eq!(totals.balance, gbp("10040.70"));
    assert_eq!(totals.surplus, gbp("10040.70").checked_sub(banked).unwrap());
    assert!(view.to_string().contains("£10,040.70"), "{view}");
}

#[test]
fn banked_hours_expire_and_are_written_off() {
    let mut p = quarter();
    let ag = p.agreement_a.clone();
    assert!(
        ag.expire_banked(&mut p.ledger, d(5, 11))
            .unwrap()
            .is_empty()
    );
    let expired = ag.expire_banked(&mut p.ledger, d(5, 12)).unwrap();
    assert_eq!(expired, vec![("PC".to_string(), dec("1"))]);
    assert_eq!(
        ag.banked(&p.ledger, "PC", d(5, 12)).unwrap().units,
        dec("0")
    );
    assert_eq!(
        p.ledger.balance(ag.banked_account("PC")).unwrap().amount(),
        dec("0")
    );
    // Writing off again changes nothing.
    let before = p.ledger.clone();
    assert!(
        ag.expire_banked(&mut p.ledger, d(5, 13))
            .unwrap()
            .is_empty()
    );
    assert_eq!(p.ledger, before);
}

#[test]
fn over_plan_without_banked_hours_is_disputed_and_accepted_later() {
    let mut p = quarter();
    let (ag, plan) = (p.agreement_c.clone(), p.c.clone());
    // C's plan is 8 hours a week; 10 are claimed for the week of 5 May. The second line's
    // first 3 hours are within the plan and paid; only the 2 over it are disputed.
    let claim = Claim::new("C-2", d(5, 12))
        .line(line(d(5, 5), "5", "25.00"))
        .line(line(d(5, 6), "5", "25.00"));
    let out = ag.submit(&mut p.ledger, &plan, &claim).unwrap();
    assert_eq!(out.paid_total().unwrap(), gbp("200.00"));
    assert_eq!(out.disputed.len(), 1);
    assert_eq!(out.disputed[0].amount, gbp("50.00"));
    assert!(matches!(
        out.disputed[0].issues[..],
        [ClaimIssue::OverPlan { planned, claimed, .. }] if planned == dec("8") && claimed == dec("10")
    ));
    let paid = ag
        .accept_disputed(&mut p.ledger, &plan, &"C-2".into(), 2, d(5, 20))
        .unwrap();
    assert_eq!(paid, gbp("50.00"));
    assert_eq!(p.balance(&p.c), gbp("2662.50"));
    let may = Period::new(d(5, 1), d(6, 1)).unwrap();
    let s = p.statement(&plan, &ag, may);
    assert_eq!(s.drawdowns[0].amount, gbp("250.00"));
    assert_eq!(s.units[0].lines[0].delivered, dec("10"));
    // Accepting again is refused.
    assert!(matches!(
        ag.accept_disputed(&mut p.ledger, &plan, &"C-2".into(), 2, d(5, 21))
            .as_ref()
            .map_err(isf_ledger::Error::drawdown),
        Err(Some(DrawdownError::NotDisputed { .. }))
    ));
}

#[test]
fn refusals_name_the_line_and_change_nothing() {
    let mut p = quarter();
    let (ag, plan) = (p.agreement_a.clone(), p.a.clone());
    let before = p.ledger.clone();
    let cases = [
        (
            line(d(5, 5), "1", "25.00").supplier("nobody"),
            "unknown supplier",
        ),
        (
            ClaimLine::new(d(5, 5), "XX", dec("1"), gbp("25.00")),
            "unknown service",
        ),
        (line(support::d(2026, 3, 9), "1", "25.00"), "outside"),
    ];
    for (bad, words) in cases {
        let claim = Claim::new("bad", d(5, 12))
            .line(line(d(5, 6), "1", "25.00"))
            .line(bad);
        let err = ag.submit(&mut p.ledger, &plan, &claim).unwrap_err();
        assert!(
            matches!(
                err.drawdown(),
                Some(DrawdownError::ClaimRefused { line: 2, .. })
            ),
            "{err}"
        );
        assert!(err.to_string().contains(words), "{err}");
        assert_eq!(p.ledger, before);
    }
    let claim = Claim::new("bad", d(5, 12)).line(line(d(5, 6), "0", "25.00"));
    assert!(matches!(
        ag.submit(&mut p.ledger, &plan, &claim)
            .as_ref()
            .map_err(isf_ledger::Error::drawdown),
        Err(Some(DrawdownError::InvalidLine { line: 1, .. }))
    ));
    // More than the fund has: refused whole.
    let claim = Claim::new("big", d(5, 12)).line(line(d(5, 6), "1000", "25.00"));
    assert!(matches!(
        ag.submit(&mut p.ledger, &plan, &claim)
            .as_ref()
            .map_err(isf_ledger::Error::drawdown),
        Err(Some(
            DrawdownError::ClaimRefused { .. } | DrawdownError::InsufficientFunds { .. }
        ))
    ));
    assert_eq!(p.ledger, before);
}

#[test]
fn statements_as_csv() {
    let p = quarter();
    let s = p.statement(&p.b, &p.agreement_b, april());
    let csv = s.to_csv().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "fund,period,section,item,detail,amount,currency");
    assert!(
        lines.contains(&"B:isf,2025-04-01..2025-05-01,opening,,,1820.00,GBP"),
        "{csv}"
    );
    assert!(
        lines.contains(&"B:isf,2025-04-01..2025-05-01,closing,,,3045.00,GBP"),
        "{csv}"
    );
    assert!(
        csv.contains("adjustment,credit:AG-B:CN-1:line:AG-B:B-1:8"),
        "{csv}"
    );
}

#[test]
fn a_waiting_dispute_shows_on_the_statement_as_set_aside() {
    let mut p = Provider::new();
    p.run(d(3, 3));
    let (ag, plan) = (p.agreement_a.clone(), p.a.clone());
    let claim = Claim::new("A-9", d(3, 10)).line(line(d(3, 4), "2", "30.00"));
    let out = ag.submit(&mut p.ledger, &plan, &claim).unwrap();
    assert_eq!(out.disputed_total().unwrap(), gbp("60.00"));
    let march = Period::new(d(3, 1), d(4, 1)).unwrap();
    let s = p.statement(&plan, &ag, march);
    assert_eq!(s.holds_total().unwrap(), gbp("60.00"));
    assert!(s.drawdowns.is_empty());
    let text = s.to_string();
    assert!(
        text.contains("Set aside for support booked or in dispute"),
        "{text}"
    );
    assert!(
        text.contains("disputed claim A-9 line 1 (from the council)"),
        "{text}"
    );
    // The council sees it as committed, not surplus.
    let view = CouncilView::build(&p.ledger, &[&plan], &[], Currency::GBP, march).unwrap();
    assert_eq!(view.lines[0].committed, gbp("60.00"));
    assert_eq!(
        view.lines[0].surplus,
        view.lines[0].balance.checked_sub(gbp("60.00")).unwrap()
    );
}
