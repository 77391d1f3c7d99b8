//! Property and model-based tests of ISF drawdowns and statements: random sequences of payment
//! runs, claims (good and bad), bookings, disputes, credit notes and banking, checked after
//! every step against a simple model of the fund and against the ledger's own invariants.

mod support;

use chrono::{Days, NaiveDate};
use isf_ledger::isf::*;
use isf_ledger::report::*;
use isf_ledger::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::{budget, gbp, isf, whole_plan};

fn base() -> NaiveDate {
    support::d(2025, 3, 3)
}

fn day(n: u32) -> NaiveDate {
    base().checked_add_days(Days::new(u64::from(n))).unwrap()
}

#[derive(Debug, Clone)]
struct LineSpec {
    day: u32,
    quarters: u32,
    wrong_price: bool,
    unknown_service: bool,
    supplier: u8,
    cancel: Option<u32>,
}

#[derive(Debug, Clone)]
enum Op {
    Run(u32),
    Claim(Vec<LineSpec>),
    Book {
        day: u32,
        quarters: u32,
    },
    ClaimBooking {
        booking: usize,
        quarters: u32,
        cancel: Option<u32>,
    },
    Accept(usize),
    CreditDisputed(usize),
    CreditNote(usize),
    Bank(u32),
    Expire(u32),
}

fn line_spec() -> impl Strategy<Value = LineSpec> {
    (
        0u32..120,
        1u32..48,
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.05),
        0u8..6,
        prop::option::weighted(0.2, 0u32..72),
    )
        .prop_map(
            |(day, quarters, wrong_price, unknown_service, supplier, cancel)| LineSpec {
                day,
                quarters,
                wrong_price,
                unknown_service,
                supplier,
                cancel,
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0u32..5).prop_map(Op::Run),
        5 => prop::collection::vec(line_spec(), 1..5).prop_map(Op::Claim),
        2 => (3u32..120, 1u32..24).prop_map(|(day, quarters)| Op::Book { day, quarters }),
        2 => (0usize..8, 1u32..32, prop::option::weighted(0.3, 0u32..72))
            .prop_map(|(booking, quarters, cancel)| Op::ClaimBooking { booking, quarters, cancel }),
        1 => (0usize..8).prop_map(Op::Accept),
        1 => (0usize..8).prop_map(Op::CreditDisputed),
        1 => (0usize..16).prop_map(Op::CreditNote),
        1 => (0u32..17).prop_map(Op::Bank),
        1 => (0u32..150).prop_map(Op::Expire),
    ]
}

fn on_issue(refuse: bool) -> OnIssue {
    if refuse {
        OnIssue::Refuse
    } else {
        OnIssue::Dispute
    }
}

fn policy() -> impl Strategy<Value = ClaimPolicy> {
    (any::<[bool; 6]>(), 0u8..3).prop_map(|(r, rate)| ClaimPolicy {
        unknown_service: on_issue(r[0]),
        unknown_supplier: on_issue(r[1]),
        outside_agreement: on_issue(r[2]),
        rate_differs: match rate {
            0 => OnRateDiffers::Refuse,
            1 => OnRateDiffers::Dispute,
            _ => OnRateDiffers::PayAgreedRate,
        },
        duplicate: on_issue(r[3]),
        over_plan: on_issue(r[4]),
        exceeds_booking: on_issue(r[5]),
    })
}

struct World {
    ledger: Ledger,
    plan: PaymentPlan,
    agreement: ServiceAgreement,
    fee_percent: Decimal,
    /// The model: what the fund should hold.
    balance: Money,
    /// Paid lines (claim, line) and what each took from the fund, fee included.
    paid: Vec<((ClaimId, usize), Money)>,
    credited: Vec<(ClaimId, usize)>,
    disputed: Vec<(ClaimId, usize)>,
    bookings: Vec<Booking>,
    claims: usize,
}

fn world(
    weekly: u32,
    contribution: u32,
    fee: u32,
    fixed_first: bool,
    policy: ClaimPolicy,
) -> World {
    let validity = Period::new(base(), day(140)).unwrap();
    let terms = BudgetTerms::new(
        Basis::Week,
        Money::new(Decimal::from(weekly), Currency::GBP),
    )
    .contribution(Money::new(Decimal::from(contribution), Currency::GBP));
    let budget = budget("b", "p", validity, terms);
    let order = if fixed_first {
        SpendOrder::Priority(vec![Source::Person])
    } else {
        SpendOrder::ProRata
    };
    let plan = whole_plan(
        "c",
        budget,
        "isf",
        isf(),
        PaymentSchedule::new(Frequency::FourWeekly, base()),
    )
    .spend_order(order);
    let fee_percent = Decimal::new(i64::from(fee), 1);
    let agreement =
        ServiceAgreement::new("AG", &plan, "isf", Period::new(base(), day(112)).unwrap())
            .unwrap()
            .service(
                Service::new(
                    "PC",
                    "personal care",
                    Unit::Hour,
                    BandRates::flat(gbp("24.00")).weekend(gbp("26.50")),
                )
                .rate_from(day(35), BandRates::flat(gbp("25.10")).weekend(gbp("27.35")))
                .planned_per_week(Decimal::from(12)),
            )
            .supplier("sunrise")
            .fee(ManagementFee::Percent(fee_percent))
            .banking(Banking {
                max_units: Decimal::from(6),
                expires_after_weeks: 4,
            })
            .bank_holiday(day(46))
            .policy(policy);
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).unwrap();
    agreement.open_accounts(&mut ledger, &plan).unwrap();
    World {
        ledger,
        plan,
        agreement,
        fee_percent,
        balance: gbp("0.00"),
        paid: Vec::new(),
        credited: Vec::new(),
        disputed: Vec::new(),
        bookings: Vec::new(),
        claims: 0,
    }
}

/// The `i`th item, wrapping round, so that indices drawn before the list grew still pick one.
fn pick<T>(items: &[T], i: usize) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        items.get(i % items.len())
    }
}

fn units(quarters: u32) -> Decimal {
    Decimal::new(i64::from(quarters) * 25, 2)
}

fn fee_on(w: &World, amount: Money) -> Money {
    amount
        .checked_mul(w.fee_percent)
        .unwrap()
        .checked_mul(Decimal::new(1, 2))
        .unwrap()
        .round(Rounding::HalfUp)
}

impl World {
    fn claim_line(&self, spec: &LineSpec) -> ClaimLine {
        let date = day(spec.day);
        let service = if spec.unknown_service { "XX" } else { "PC" };
        let agreed = self.agreement.price("PC", date).unwrap();
        let price = if spec.wrong_price {
            agreed.checked_add(gbp("0.50")).unwrap()
        } else {
            agreed
        };
        let mut line = ClaimLine::new(date, service, units(spec.quarters), price);
        line = match spec.supplier {
            0 => line.supplier("sunrise"),
            1 => line.supplier("nobody"),
            _ => line,
        };
        if let Some(h) = spec.cancel {
            line = line.cancelled(h);
        }
        line
    }

    /// Applies the outcome of a claim to the model.
    fn record(&mut self, outcome: &ClaimOutcome) {
        for p in &outcome.paid {
            let took = p.amount.checked_add(p.fee).unwrap();
            self.balance = self.balance.checked_sub(took).unwrap();
            if p.amount.is_positive() {
                self.paid.push(((outcome.claim.clone(), p.line), took));
            }
            // The fee is the line's cost times the percentage, rounded once.
            assert_eq!(p.fee, fee_on(self, p.amount));
        }
        for dl in &outcome.disputed {
            if dl.amount.is_positive() {
                self.disputed.push((outcome.claim.clone(), dl.line));
            }
        }
    }

    fn step(&mut self, op: &Op) -> Result<(), String> {
        let before = self.ledger.clone();
        let result: Result<(), isf_ledger::Error> = match op {
            Op::Run(k) => {
                let report = run_payments(
                    &mut self.ledger,
                    &[&self.plan],
                    &PaymentRun::new("run", day(k * 28)),
                );
                for m in report.total().unwrap() {
                    self.balance = self.balance.checked_add(m).unwrap();
                }
                Ok(())
            }
            Op::Claim(specs) => {
                self.claims += 1;
                let last = specs.iter().map(|s| s.day).max().unwrap_or(0);
                let mut claim = Claim::new(format!("C{}", self.claims), day(last + 3));
                for s in specs {
                    claim = claim.line(self.claim_line(s));
                }
                self.agreement
                    .submit(&mut self.ledger, &self.plan, &claim)
                    .map(|o| self.record(&o))
            }
            Op::Book { day: d, quarters } => {
                let id = format!("B{}", self.bookings.len());
                let booking = Booking::new(id, day(*d), "PC", units(*quarters), day(d - 3));
                let r = self.agreement.book(&mut self.ledger, &self.plan, &booking);
                if r.is_ok() {
                    self.bookings.push(booking);
                }
                r.map(|_| ())
            }
            Op::ClaimBooking {
                booking,
                quarters,
                cancel,
            } => match pick(&self.bookings, *booking).cloned() {
                None => Ok(()),
                Some(b) => {
                    self.claims += 1;
                    let date = b.date;
                    let price = self.agreement.price("PC", date).unwrap();
                    let mut line =
                        ClaimLine::new(date, "PC", units(*quarters), price).booking(b.id.clone());
                    if let Some(h) = cancel {
                        line = line.cancelled(*h);
                    }
                    let claim = Claim::new(
                        format!("C{}", self.claims),
                        date.checked_add_days(Days::new(2)).unwrap(),
                    )
                    .line(line);
                    self.agreement
                        .submit(&mut self.ledger, &self.plan, &claim)
                        .map(|o| self.record(&o))
                }
            },
            Op::Accept(i) => match pick(&self.disputed, *i).cloned() {
                None => Ok(()),
                Some((claim, line)) => self
                    .agreement
                    .accept_disputed(&mut self.ledger, &self.plan, &claim, line, day(125))
                    .map(|amount| {
                        let took = amount.checked_add(fee_on(self, amount)).unwrap();
                        self.balance = self.balance.checked_sub(took).unwrap();
                        // A line split into a paid and a disputed part: a credit note gives
                        // back both once the disputed part is accepted.
                        let key = (claim.clone(), line);
                        match self.paid.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, t)) => *t = t.checked_add(took).unwrap(),
                            None => self.paid.push((key, took)),
                        }
                        self.disputed.retain(|d| *d != (claim.clone(), line));
                    }),
            },
            Op::CreditDisputed(i) => match pick(&self.disputed, *i).cloned() {
                None => Ok(()),
                Some((claim, line)) => self
                    .agreement
                    .credit_disputed(&mut self.ledger, &self.plan, &claim, line)
                    .map(|_| {
                        self.disputed.retain(|d| *d != (claim.clone(), line));
                    }),
            },
            Op::CreditNote(i) => match pick(&self.paid, *i).cloned() {
                None => Ok(()),
                Some(((claim, line), took)) => {
                    let note = CreditNote {
                        id: format!("N{i}").into(),
                        date: day(126),
                        lines: vec![(claim.clone(), line)],
                        reason: "not delivered".into(),
                    };
                    let r = self
                        .agreement
                        .credit_note(&mut self.ledger, &self.plan, &note);
                    match &r {
                        Ok(total) if !self.credited.contains(&(claim.clone(), line)) => {
                            assert_eq!(
                                *total, took,
                                "a credit note gives back exactly what the line took"
                            );
                            self.balance = self.balance.checked_add(took).unwrap();
                            self.credited.push((claim, line));
                        }
                        _ => {}
                    }
                    r.map(|_| ())
                }
            },
            Op::Bank(week) => self
                .agreement
                .bank_unused(&mut self.ledger, day(week * 7))
                .map(|_| ()),
            Op::Expire(d) => self
                .agreement
                .expire_banked(&mut self.ledger, day(*d))
                .map(|_| ()),
        };
        if let Err(e) = &result {
            if self.ledger != before {
                return Err(format!("{op:?} was refused ({e}) but changed the ledger"));
            }
        }
        self.check()
            .map_err(|e| format!("after {op:?} ({result:?}): {e}"))
    }

    fn check(&self) -> Result<(), String> {
        // The fund is never below zero, holds included.
        let attribution = self.plan.attribution(&self.ledger, "isf").unwrap();
        for s in &attribution.by_source {
            if s.balance.is_negative() || s.available.is_negative() {
                return Err(format!("source {:?} below zero: {:?}", s.source, s));
            }
        }
        // The fund holds what the model says.
        if attribution.balance != self.balance {
            return Err(format!(
                "fund {} but the model says {}",
                attribution.balance, self.balance
            ));
        }
        // No hold was settled for more than it held.
        for hold in self.ledger.holds() {
            if let Some(settlement) = hold.settlement() {
                let to = &hold.details().to;
                let paid: Money = settlement
                    .postings()
                    .filter(|(a, _)| *a == to)
                    .map(|(_, m)| m)
                    .next()
                    .unwrap();
                if paid > hold.details().amount {
                    return Err(format!("hold {} settled for {paid}", hold.details().id));
                }
            }
        }
        // Each account's holds are exactly the holds placed on it, in order.
        for s in &attribution.by_source {
            let account = self.plan.fund_account("isf", &s.source);
            let on: Vec<String> = self
                .ledger
                .holds_on(&account)
                .unwrap()
                .map(|h| h.details().id.to_string())
                .collect();
            let all: Vec<String> = self
                .ledger
                .holds()
                .filter(|h| h.details().from == account)
                .map(|h| h.details().id.to_string())
                .collect();
            if on != all {
                return Err(format!("holds_on({account}) gives {on:?}, not {all:?}"));
            }
        }
        // Banked units never go below zero.
        let banked = self
            .ledger
            .balance(self.agreement.banked_account("PC"))
            .unwrap();
        if banked.is_negative() {
            return Err(format!("banked units {banked}"));
        }
        // The lots (banked, less uses and write-offs) add up to what the ledger holds.
        let lots = self
            .agreement
            .banked(&self.ledger, "PC", NaiveDate::MIN)
            .unwrap();
        if lots.units != banked.amount() {
            return Err(format!(
                "banked lots hold {} but the ledger {banked}",
                lots.units
            ));
        }
        Ok(())
    }
}

fn month_periods() -> Vec<Period> {
    (0..5)
        .map(|m| {
            let start = NaiveDate::from_ymd_opt(2025, 3 + m, 1).unwrap();
            Period::new(start, NaiveDate::from_ymd_opt(2025, 4 + m, 1).unwrap()).unwrap()
        })
        .collect()
}

proptest! {
    // 128 cases unless `PROPTEST_CASES` says otherwise.
    #![proptest_config(support::config_with_cases("isf_props", 128))]

    /// Random histories against the model: the fund never goes below zero whatever claims
    /// arrive, a refused operation changes nothing, no hold is settled for more than it holds,
    /// credit notes give back exactly what their lines took, and the fund is what the model says.
    #[test]
    fn drawdowns_agree_with_the_model(
        weekly in 150u32..600,
        contribution in 0u32..100,
        fee in 0u32..100,
        fixed_first in any::<bool>(),
        policy in policy(),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let mut w = world(weekly, contribution, fee, fixed_first, policy);
        for op in std::iter::once(&Op::Run(0)).chain(&ops) {
            if let Err(e) = w.step(op) {
                prop_assert!(false, "{}", e);
            }
        }
        prop_assert!(w.ledger.verify().is_ok());
    }

    /// Every statement ties out: closing = opening + receipts − drawdowns − fees (+ other
    /// movements and adjustments) = the ledger's balance; each month's closing is the next
    /// month's opening; and the months add up to the whole.
    #[test]
    fn statements_tie_out_for_random_histories(
        weekly in 150u32..600,
        contribution in 0u32..100,
        fee in 0u32..100,
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let mut w = world(weekly, contribution, fee, false, ClaimPolicy::default());
        for op in std::iter::once(&Op::Run(0)).chain(&ops) {
            let _ = w.step(op);
        }
        let fund = Fund::of(&w.plan, "isf").unwrap();
        let months = month_periods();
        let mut statements = Vec::new();
        for period in &months {
            let s = FundStatement::build(&w.ledger, &fund, *period).unwrap();
            prop_assert!(s.check(&w.ledger).is_ok(), "{:?}", s.check(&w.ledger));
            prop_assert_eq!(s.computed_closing().unwrap(), s.closing);
            prop_assert_eq!(
                s.closing,
                fund.balance_as_at(&w.ledger, period.last_day()).unwrap()
            );
            statements.push(s);
        }
        for pair in statements.windows(2) {
            prop_assert_eq!(pair[0].closing, pair[1].opening);
        }
        let whole = Period::new(months[0].start(), months[4].end()).unwrap();
        let all = FundStatement::build(&w.ledger, &fund, whole).unwrap();
        prop_assert!(all.check(&w.ledger).is_ok());
        let add = |f: fn(&FundStatement) -> Money| {
            statements.iter().fold(gbp("0"), |t, s| t.checked_add(f(s)).unwrap())
        };
        let movements = |s: &FundStatement| {
            s.receipts_total().unwrap()
                .checked_sub(s.drawdowns_total().unwrap()).unwrap()
                .checked_sub(s.fees).unwrap()
                .checked_add(s.other_total().unwrap()).unwrap()
                .checked_add(s.adjustments_total().unwrap()).unwrap()
        };
        prop_assert_eq!(add(movements), movements(&all));
        prop_assert_eq!(add(|s| s.receipts_total().unwrap()), all.receipts_total().unwrap());
        // The provider's client money is this fund (it holds no other).
        let view = ProviderView::build(&w.ledger, &"acme".into(), Currency::GBP, whole.last_day()).unwrap();
        prop_assert!(view.check(&w.ledger).is_ok());
        prop_assert_eq!(view.client_money, all.closing);
        // Planned and delivered units are never negative.
        let units = w.agreement.units_summary(&w.ledger, whole).unwrap();
        prop_assert!(units.lines.iter().all(|l| !l.delivered.is_sign_negative()));
    }
}
