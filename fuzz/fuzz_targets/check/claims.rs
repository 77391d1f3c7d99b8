//! `claims`: an ISF agreement and a sequence of drawdown operations, derived with `arbitrary`:
//! payment runs, claims with any lines (unknown services, odd codes, huge or over-precise units
//! and prices, dates outside the agreement), bookings, disputes accepted or credited, credit
//! notes, banking and expiry, fixed fees.
//!
//! After every step:
//! * a refused operation leaves the ledger `==` to a clone taken before it;
//! * no fund source account has a negative balance or available balance;
//! * banked units are never negative.
//!
//! At the end: [`Ledger::verify`] finds nothing wrong, a statement of each month ties to the
//! ledger, and the log replays to an `==` ledger.

use arbitrary::{Arbitrary, Unstructured};
use chrono::{Days, NaiveDate};
use isf_ledger::Fund;
use isf_ledger::isf::{
    BandRates, Banking, Booking, CancellationRule, Claim, ClaimLine, ClaimPolicy, CreditNote,
    ManagementFee, OnIssue, OnRateDiffers, Service, ServiceAgreement,
};
use isf_ledger::report::FundStatement;
use isf_ledger::{
    Basis, BudgetTerms, Currency, Deployment, DeploymentKind, Frequency, Ledger, Money,
    PaymentPlan, PaymentRun, PaymentSchedule, Period, PersonalBudget, Unit, run_payments,
};
use rust_decimal::Decimal;

use super::{assert_round_trip, assert_verifies};

/// At most this many operations are applied, however long the input.
pub const MAX_OPS: usize = 16;

/// Only this many bytes of an input are read; the rest is ignored. With [`MAX_OPS`] and at
/// most 8 lines a claim, this keeps the target above 2,000 runs a second.
pub const MAX_INPUT: usize = 1024;

const SERVICES: [&str; 5] = ["PC", "DC", "XX", "", "a b"];
const SUPPLIERS: [&str; 3] = ["sunrise", "nobody", "bad/id"];

const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2025, 3, 3) {
    Some(d) => d,
    None => panic!("2025-03-03 is a date"),
};

fn day(d: u16) -> NaiveDate {
    FIRST_DAY + Days::new(u64::from(d % 400))
}

/// Mostly sensible decimals, sometimes over-precise, zero, negative or huge.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Num {
    Quarter(u8),
    Pence(u32),
    Raw(i64, u8),
}

impl Num {
    fn decimal(self) -> Decimal {
        match self {
            Num::Quarter(q) => Decimal::new(i64::from(q) * 25, 2),
            Num::Pence(p) => Decimal::new(i64::from(p), 2),
            Num::Raw(n, scale) => Decimal::new(n, u32::from(scale % 29)),
        }
    }
    fn gbp(self) -> Money {
        Money::new(self.decimal(), Currency::GBP)
    }
}

#[derive(Debug, Arbitrary)]
struct Line {
    day: u16,
    service: u8,
    units: Num,
    /// None: the agreed price.
    price: Option<Num>,
    supplier: Option<u8>,
    booking: Option<u8>,
    cancelled: Option<u8>,
}

#[derive(Debug, Arbitrary)]
enum Op {
    Run(u8),
    Claim {
        day: u16,
        lines: Vec<Line>,
    },
    Book {
        id: u8,
        day: u16,
        service: u8,
        units: Num,
        supplier: Option<u8>,
    },
    ReleaseBooking(u8),
    Accept {
        claim: u8,
        line: u8,
        day: u16,
    },
    CreditDisputed {
        claim: u8,
        line: u8,
    },
    CreditNote {
        id: u8,
        day: u16,
        lines: Vec<(u8, u8)>,
    },
    Bank(u16),
    Expire(u16),
    ChargeFees(u16),
}

#[derive(Debug, Arbitrary)]
struct Input {
    weekly: u16,
    contribution: u16,
    fee: Option<Num>,
    fixed_fee: bool,
    banking: Option<(Num, u8)>,
    cancellation: (u8, Num),
    policy: [bool; 7],
    rate_policy: u8,
    ops: Vec<Op>,
}

fn on(refuse: bool) -> OnIssue {
    if refuse {
        OnIssue::Refuse
    } else {
        OnIssue::Dispute
    }
}

fn build(input: &Input) -> Option<(PaymentPlan, ServiceAgreement)> {
    let validity = Period::new(FIRST_DAY, day(364)).ok()?;
    let terms = BudgetTerms::new(
        Basis::Week,
        Money::from_minor(i64::from(input.weekly) * 10, Currency::GBP),
    )
    .contribution(Money::from_minor(
        i64::from(input.contribution) * 5,
        Currency::GBP,
    ));
    let budget = PersonalBudget::new("b", "p", validity, terms).ok()?;
    let isf = DeploymentKind::Isf {
        provider: "acme".into(),
    };
    let plan = PaymentPlan::new(
        "c",
        budget,
        vec![Deployment::whole("isf", isf)],
        PaymentSchedule::new(Frequency::FourWeekly, FIRST_DAY),
    )
    .ok()?;
    let gbp = |pence| Money::from_minor(pence, Currency::GBP);
    let mut agreement =
        ServiceAgreement::new("AG", &plan, "isf", Period::new(FIRST_DAY, day(200)).ok()?)
            .ok()?
            .service(
                Service::new(
                    "PC",
                    "personal care",
                    Unit::Hour,
                    BandRates::flat(gbp(2400)).weekend(gbp(2650)),
                )
                .rate_from(day(35), BandRates::flat(gbp(2510)))
                .planned_per_week(Decimal::from(10)),
            )
            .service(Service::new(
                "DC",
                "day centre",
                Unit::Visit,
                BandRates::flat(gbp(4500)),
            ))
            .supplier("sunrise")
            .bank_holiday(day(46))
            .cancellation(CancellationRule {
                notice_hours: u32::from(input.cancellation.0),
                charge_percent: input.cancellation.1.decimal(),
            })
            .policy(ClaimPolicy {
                unknown_service: on(input.policy[0]),
                unknown_supplier: on(input.policy[1]),
                outside_agreement: on(input.policy[2]),
                duplicate: on(input.policy[3]),
                over_plan: on(input.policy[4]),
                exceeds_booking: on(input.policy[5]),
                rate_differs: match input.rate_policy % 3 {
                    0 => OnRateDiffers::Refuse,
                    1 => OnRateDiffers::Dispute,
                    _ => OnRateDiffers::PayAgreedRate,
                },
            });
    if let Some(fee) = input.fee {
        agreement = agreement.fee(if input.fixed_fee {
            ManagementFee::FixedPerPeriod {
                amount: fee.gbp(),
                frequency: Frequency::FourWeekly,
            }
        } else {
            ManagementFee::Percent(fee.decimal())
        });
    }
    if let Some((max, weeks)) = input.banking {
        agreement = agreement.banking(Banking {
            max_units: max.decimal(),
            expires_after_weeks: u32::from(weeks),
        });
    }
    Some((plan, agreement))
}

fn claim_line(agreement: &ServiceAgreement, line: &Line) -> ClaimLine {
    let date = day(line.day);
    let service = SERVICES[usize::from(line.service) % SERVICES.len()];
    let price = match line.price {
        Some(p) => p.gbp(),
        None => agreement
            .price(service, date)
            .unwrap_or(Money::from_minor(2400, Currency::GBP)),
    };
    let mut l = ClaimLine::new(date, service, line.units.decimal(), price);
    if let Some(s) = line.supplier {
        l = l.supplier(SUPPLIERS[usize::from(s) % SUPPLIERS.len()]);
    }
    if let Some(b) = line.booking {
        l = l.booking(format!("B{}", b % 8));
    }
    if let Some(h) = line.cancelled {
        l = l.cancelled(u32::from(h));
    }
    l
}

fn apply(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    agreement: &ServiceAgreement,
    op: &Op,
    n: usize,
) -> bool {
    match op {
        Op::Run(k) => {
            let report = run_payments(
                ledger,
                &[plan],
                &PaymentRun::new("run", day(u16::from(*k % 14) * 28)),
            );
            report.refused.is_empty()
        }
        Op::Claim { day: d, lines } => {
            let mut claim = Claim::new(format!("C{}", n % 12), day(*d));
            for l in lines.iter().take(8) {
                claim = claim.line(claim_line(agreement, l));
            }
            agreement.submit(ledger, plan, &claim).is_ok()
        }
        Op::Book {
            id,
            day: d,
            service,
            units,
            supplier,
        } => {
            let date = day(*d);
            let mut booking = Booking::new(
                format!("B{}", id % 8),
                date,
                SERVICES[usize::from(*service) % SERVICES.len()],
                units.decimal(),
                date.checked_sub_days(Days::new(2)).unwrap_or(date),
            );
            if let Some(s) = supplier {
                booking = booking.supplier(SUPPLIERS[usize::from(*s) % SUPPLIERS.len()]);
            }
            agreement.book(ledger, plan, &booking).is_ok()
        }
        Op::ReleaseBooking(id) => agreement
            .release_booking(ledger, plan, &format!("B{}", id % 8).into())
            .is_ok(),
        Op::Accept {
            claim,
            line,
            day: d,
        } => agreement
            .accept_disputed(
                ledger,
                plan,
                &format!("C{}", claim % 12).into(),
                usize::from(*line % 14),
                day(*d),
            )
            .is_ok(),
        Op::CreditDisputed { claim, line } => agreement
            .credit_disputed(
                ledger,
                plan,
                &format!("C{}", claim % 12).into(),
                usize::from(*line % 14),
            )
            .is_ok(),
        Op::CreditNote { id, day: d, lines } => {
            let note = CreditNote {
                id: format!("N{}", id % 6).into(),
                date: day(*d),
                lines: lines
                    .iter()
                    .take(6)
                    .map(|(c, l)| (format!("C{}", c % 12).into(), usize::from(*l % 14)))
                    .collect(),
                reason: "fuzz".into(),
            };
            agreement.credit_note(ledger, plan, &note).is_ok()
        }
        Op::Bank(d) => agreement.bank_unused(ledger, day(*d)).is_ok(),
        Op::Expire(d) => agreement.expire_banked(ledger, day(*d)).is_ok(),
        Op::ChargeFees(d) => agreement.charge_fees(ledger, plan, day(*d)).is_ok(),
    }
}

fn assert_funds_whole(ledger: &Ledger, plan: &PaymentPlan, agreement: &ServiceAgreement, op: &Op) {
    let attribution = plan
        .attribution(ledger, "isf")
        .expect("the fund's accounts are open");
    for s in &attribution.by_source {
        assert!(
            !s.balance.is_negative() && !s.available.is_negative(),
            "after {op:?}: source {:?} below zero: {s:?}",
            s.source
        );
    }
    for service in ["PC", "DC"] {
        if let Ok(units) = ledger.balance(agreement.banked_account(service)) {
            assert!(
                !units.is_negative(),
                "after {op:?}: banked {service} {units}"
            );
        }
    }
}

/// The fuzz target's check.
pub fn check(data: &[u8]) {
    let data = &data[..data.len().min(MAX_INPUT)];
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let Some((plan, agreement)) = build(&input) else {
        return;
    };
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger)
        .expect("a new ledger opens the plan's accounts");
    if agreement.open_accounts(&mut ledger, &plan).is_err() {
        // An agreement the checks refuse (a fee over 100%, a negative bank limit): it must
        // refuse every claim too, and change nothing.
        let before = ledger.clone();
        let claim = Claim::new("C0", FIRST_DAY).line(ClaimLine::new(
            FIRST_DAY,
            "PC",
            Decimal::ONE,
            Money::from_minor(2400, Currency::GBP),
        ));
        assert!(agreement.submit(&mut ledger, &plan, &claim).is_err());
        assert!(ledger == before);
        return;
    }
    for (n, op) in input.ops.iter().take(MAX_OPS).enumerate() {
        let before = ledger.clone();
        if !apply(&mut ledger, &plan, &agreement, op, n) {
            assert!(
                ledger == before,
                "{op:?} was refused but changed the ledger"
            );
        }
        assert_funds_whole(&ledger, &plan, &agreement, op);
    }
    assert_verifies(&ledger);
    let fund = Fund::of(&plan, "isf").expect("the plan has the deployment");
    for month in 0..13u16 {
        let Ok(period) = Period::new(day(month * 30), day(month * 30 + 30)) else {
            continue;
        };
        let statement = FundStatement::build(&ledger, &fund, period).expect("a statement builds");
        if let Err(e) = statement.check(&ledger) {
            panic!("statement for {period} does not tie: {e}");
        }
    }
    assert_round_trip(&ledger);
}
