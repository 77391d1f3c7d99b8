//! Direct-payment spend by category, monitoring reviews and returns, surplus and recovery.
//!
//! Everything here turns a direct-payment holder's or a council's intent into [`NewEntry`]
//! values and reads figures back from the [`Ledger`]; nothing is computed from the caller's own
//! totals.
//!
//! # Spend
//!
//! A [`Spend`] is money out of a deployment's fund for a [`SpendCategory`] to a payee. It is
//! taken from the fund's sources by the plan's [`SpendOrder`](crate::SpendOrder) (see
//! [`PaymentPlan::spend_postings`]) and debited to an expense account per budget, deployment
//! and category, `spend:{budget}:{deployment}:{category}` (opened by [`open_spend_accounts`]).
//! Each entry carries the metadata `monitor` (`spend`), `budget`, `deployment`, `category`,
//! `payee`, and `reference` when given.
//!
//! A [`SpendPolicy`] names categories and payees the council does not allow, each with a
//! reason. Disallowed spend is **flagged, not refused**: the money has already left the
//! person's bank, so the books must show it. The entry is posted with a `flag` metadata value
//! holding the reason, and every [`MonitoringReturn`] lists it in its
//! [`flags`](MonitoringReturn::flags). [`SpendPolicy::england`] (the default) disallows the
//! examples in the Care and Support Statutory Guidance, modelled as categories of their own:
//! [`SpendCategory::ResidentialCare`] (long-term residential care),
//! [`SpendCategory::CouncilServices`] (the council's own services) and
//! [`SpendCategory::Gambling`]. Payee rules match the payee's name ignoring case and
//! surrounding spaces.
//!
//! # Wages and invoices not yet paid
//!
//! [`accrue_liability`] records a wage or invoice owed but not yet paid: the expense account is
//! debited and `spend:{budget}:{deployment}:payable` credited; the fund does not move. Its entry
//! id is the liability's reference. [`pay_liability`] pays it (all or part) later: the payable
//! is debited and the fund credited, through the same spend postings. Outstanding liabilities
//! are the payable's balance, and [`liabilities`] lists them one by one from the ledger.
//!
//! # Reviews
//!
//! A [`ReviewPolicy`] sets when reviews fall due: by default the first within 6 months of the
//! first payment, then at most 12 months after the previous review held. Month arithmetic
//! clamps to the end of a shorter month (31 August + 6 months is 28 or 29 February).
//!
//! # The monitoring return
//!
//! [`monitoring_return`] reads one deployment's fund for a half-open [`Period`]: the opening
//! balance (as at the day before it starts), money in by source (payments, contributions and
//! the plan's adjustments, net: a backdated reduction shows as less money in), spend by
//! category (cash paid out of the fund, including liabilities paid; money taken out by any
//! other entry, such as [`PaymentPlan::spend`], shows as spend without a category), money
//! returned by source (recoveries and refunds), the closing balance (as at its
//! last day), the flagged spend, and the liabilities outstanding at its last day. It ties out:
//! closing = opening + in − out, equal to the ledger's fund balance; it is refused with
//! [`MonitorError::DoesNotTieOut`] otherwise (which would be a bug).
//!
//! # Surplus
//!
//! Surplus = fund balance − outstanding liabilities − contingency, never below zero, all as at
//! a date. The contingency is a [`SurplusPolicy`]'s number of weeks (councils use 4 to 8) of
//! the deployment's weekly planned amount on that date ([`weekly_planned`]): the terms in force
//! that day, the cost per week (per week as stated; four weeks ÷ 4; a month × 12 ÷ 52; a year
//! ÷ 52), times the deployment's share (its percentage; its fixed weekly amount; for the
//! remainder, what the others leave). It is rounded once, half up, after multiplying by the
//! weeks.
//!
//! # Recovery
//!
//! A [`RecoveryDecision`] recovers all of the surplus, a stated amount, or a percentage of it
//! (never more than the surplus), in one of two ways:
//!
//! * [`RecoveryMethod::Immediate`]: one entry, `recover:{budget}:{deployment}:{decision}`,
//!   returns the amount to the sources **pro-rata to what each has available**
//!   ([`Money::allocate_by_weights`], largest remainder, so each part is at most that source's
//!   available balance and the parts sum exactly to the amount). Council money goes to the
//!   council bank ([`PaymentPlan::council_bank`]); the person's money is refunded to
//!   `person:{person}:refunds` (an equity account for money paid back to the person, so
//!   [`PaymentPlan::contributions_paid`] keeps showing what they paid in and no arrears appear);
//!   a top-up to its payer and other funding to its funder ([`PaymentPlan::payer_account`]).
//!   For a gross direct payment the person's share was paid in by the council and invoiced to
//!   the person; it is still their money, so it is refunded to them, and settling the refund
//!   against an unpaid invoice is the council's own step.
//! * [`RecoveryMethod::ReduceFuturePayments`]: the surplus stays in the fund and the council's
//!   next payments are reduced. This recovers **council money only** (the person's money is
//!   not the council's to withhold), so the amount is capped at the council source's available
//!   balance. The decision becomes a [`ReductionSchedule`], which the caller keeps; after each
//!   payment run, [`ReductionSchedule::due_entries`] gives, for every period starting on or
//!   after the decision date whose payment is in the ledger, an entry dated on that payment's
//!   date, `reduce:{budget}:{deployment}:{decision}:{period start}`, moving
//!   min(what that payment put in the council account, what is left to recover, what the
//!   council account has available) back to the council bank. The reductions sum exactly to the
//!   amount and never take the fund below zero (each is capped by what the council's fund
//!   account has available when it is made; a later payment picks up any shortfall). If two
//!   decisions reduce the same payment, each takes its own part. The decision is refused
//!   ([`MonitorError::NotEnoughFuturePayments`]) if the plan's remaining council payments
//!   cannot cover it.
//!
//! Entry ids are fixed by the decision, so posting again changes nothing; recovering again
//! under a decision already posted returns what was posted.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use isf_ledger::*;
//! use isf_ledger::dp::*;
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let gbp = |s: &str| format!("{s} GBP").parse::<Money>();
//!
//! // £100 a week as a direct payment, paid four-weekly; the council pays it all.
//! let budget = PersonalBudget::new(
//!     "PB1", "P1", Period::new(d(2025, 4, 7), d(2026, 4, 6))?,
//!     BudgetTerms::new(Basis::Week, gbp("100.00")?),
//! )?;
//! let plan = PaymentPlan::new(
//!     "cx", budget,
//!     vec![Deployment::whole("dp", DeploymentKind::DirectPayment { basis: PaymentBasis::Gross })],
//!     PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7)),
//! )?;
//! let mut ledger = Ledger::new();
//! plan.open_accounts(&mut ledger)?;
//! open_spend_accounts(&mut ledger, &plan, "dp")?;
//! for start in [d(2025, 4, 7), d(2025, 5, 5)] {
//!     run_payments(&mut ledger, &[&plan], &PaymentRun::new("run", start));
//! }
//!
//! // Wages, and a bet the council does not allow: posted, and flagged.
//! let policy = SpendPolicy::england();
//! let wages = Spend::new("w1", d(2025, 4, 11), SpendCategory::PaWages, "Sam", gbp("150.00")?);
//! record_spend(&mut ledger, &plan, "dp", &wages, &policy)?;
//! let bet = Spend::new("b1", d(2025, 4, 12), SpendCategory::Gambling, "Bookie", gbp("20.00")?);
//! let recorded = record_spend(&mut ledger, &plan, "dp", &bet, &policy)?;
//! assert!(recorded.flag.is_some());
//!
//! let period = Period::new(d(2025, 4, 7), d(2025, 6, 2))?;
//! let ret = monitoring_return(&ledger, &plan, "dp", period)?;
//! assert_eq!(ret.closing, gbp("630.00")?); // 800 in, 170 out
//! assert_eq!(ret.flags.len(), 1);
//!
//! // Four weeks' contingency (£400) may be kept; the rest is surplus, recovered in full.
//! let decision = RecoveryDecision::new("rev1", "dp", d(2025, 6, 1), RecoveryAmount::Full);
//! let recovery = post_recovery(&mut ledger, &plan, &decision)?;
//! assert_eq!(recovery.amount, gbp("230.00")?);
//! assert_eq!(plan.fund_balance(&ledger, "dp")?, gbp("400.00")?);
//! // Asking again changes nothing.
//! post_recovery(&mut ledger, &plan, &decision)?;
//! assert_eq!(plan.fund_balance(&ledger, "dp")?, gbp("400.00")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`NewEntry`]: crate::NewEntry
//! [`Period`]: crate::Period

mod accounts;
mod error;
mod handle;
mod liability;
mod monitoring_return;
mod recovery;
mod reduction;
mod review;
mod spend;
mod surplus;

pub use self::handle::DirectPayment;
pub use self::{
    accounts::{open_spend_accounts, payable_account, refund_account, spend_account},
    error::MonitorError,
    liability::{Liability, accrue_liability, liabilities, outstanding_liabilities, pay_liability},
    monitoring_return::{
        CategoryLine, FlaggedSpend, MonitoringReturn, SourceLine, monitoring_return,
    },
    recovery::{
        Recovery, RecoveryAmount, RecoveryDecision, RecoveryMethod, RecoveryPart, plan_recovery,
        post_recovery, recovery_id, return_account, split_recovery,
    },
    reduction::{ReductionSchedule, reduction_id},
    review::{ReviewPolicy, first_payment_date, next_review_due},
    spend::{Recorded, Spend, SpendPolicy, record_spend, spend_entry},
    surplus::{Surplus, SurplusPolicy, surplus, weekly_planned},
};
pub use crate::category::SpendCategory;

use chrono::NaiveDate;

use crate::budget::Source;
use crate::ledger::{AccountId, Ledger};
use crate::money::Money;
use crate::plan::{DeployError, PaymentPlan};

// ----- helpers shared by this module's files -----------------------------------------------------

fn fund_name(plan: &PaymentPlan, deployment: &str) -> String {
    crate::chart::fund_name(plan.budget().id(), deployment)
}

fn check_deployment(plan: &PaymentPlan, deployment: &str) -> Result<(), DeployError> {
    plan.deployment(deployment).map(|_| ())
}

fn positive(what: &'static str, amount: Money) -> Result<(), MonitorError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(MonitorError::NotPositive { what, amount })
    }
}

/// The fund's accounts by source, read through the plan's [`Fund`](crate::Fund).
fn fund_accounts(
    plan: &PaymentPlan,
    deployment: &str,
) -> Result<Vec<(Source, AccountId)>, crate::error::Error> {
    Ok(plan
        .fund(deployment)?
        .sources()
        .map(|(source, account)| (source, account.clone()))
        .collect())
}

/// The fund's balance at the end of `date`; nothing before the first day (`None`).
fn fund_balance_as_at(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    date: Option<NaiveDate>,
) -> Result<Money, crate::error::Error> {
    match date {
        Some(date) => plan.fund(deployment)?.balance_as_at(ledger, date),
        None => Ok(Money::zero(plan.budget().currency())),
    }
}
