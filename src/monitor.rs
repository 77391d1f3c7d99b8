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
//! use isf_ledger::monitor::*;
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

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use crate::budget::{Basis, Source};
use crate::deploy::{DeployError, PaymentPlan, Share};
use crate::ledger::{
    AccountId, AccountKind, BalanceRule, EntryId, EntryView, Ledger, LedgerError, NewAccount,
    NewEntry, Receipt,
};
use crate::money::{Money, MoneyError, Rounding};
use crate::period::Period;

/// Errors from spend, monitoring, surplus and recovery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MonitorError {
    /// The ledger refused an operation.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The plan refused an operation (unknown deployment, not enough in the fund, …).
    #[error(transparent)]
    Deploy(#[from] DeployError),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// An amount that must be above zero is not.
    #[error("{what} must be above zero, got {amount}")]
    NotPositive {
        /// What the amount is for.
        what: &'static str,
        /// The amount at fault.
        amount: Money,
    },
    /// A spend names no payee.
    #[error("spend {id}: the payee must not be empty")]
    EmptyPayee {
        /// The spend's id.
        id: String,
    },
    /// A text key is not a spend category.
    #[error("unknown spend category {key:?}")]
    UnknownCategory {
        /// The key at fault.
        key: String,
    },
    /// No liability has this id in this fund.
    #[error("fund {fund}: no unpaid liability {liability:?}")]
    UnknownLiability {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// The id at fault.
        liability: String,
    },
    /// A payment is more than what is owed on a liability.
    #[error("liability {liability}: cannot pay {amount}, only {outstanding} is outstanding")]
    LiabilityOverpaid {
        /// The liability.
        liability: String,
        /// The payment asked for.
        amount: Money,
        /// What is owed.
        outstanding: Money,
    },
    /// A percentage outside 0 to 100.
    #[error("recovery percentage {percent} must be between 0 and 100")]
    InvalidPercent {
        /// The percentage at fault.
        percent: Decimal,
    },
    /// A contingency of more weeks than a year has.
    #[error("contingency of {weeks} weeks is more than 52")]
    InvalidContingency {
        /// The weeks at fault.
        weeks: u32,
    },
    /// A recovery asks for more than the fund's sources have available.
    #[error("fund {fund}: cannot recover {amount}, only {available} available")]
    InsufficientFunds {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// What was asked.
        amount: Money,
        /// What the sources have available.
        available: Money,
    },
    /// The plan's remaining council payments are too small to recover an amount from.
    #[error("fund {fund}: future council payments of {available} cannot cover {amount}")]
    NotEnoughFuturePayments {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// What is to be recovered.
        amount: Money,
        /// What the council still pays into the fund.
        available: Money,
    },
    /// A date calculation went outside the dates chrono can represent.
    #[error("date out of range: {what}")]
    DateOutOfRange {
        /// What was being computed.
        what: String,
    },
    /// A monitoring return did not tie out to the ledger (a bug: please report it).
    #[error(
        "fund {fund}: return for {period} does not tie out: {opening} + {money_in} - {money_out} is not {closing}"
    )]
    DoesNotTieOut {
        /// The fund.
        fund: String,
        /// The period.
        period: Period,
        /// Opening balance.
        opening: Money,
        /// Money in.
        money_in: Money,
        /// Money out.
        money_out: Money,
        /// The ledger's closing balance.
        closing: Money,
    },
}

// ----- metadata keys ----------------------------------------------------------------------------

const META_KIND: &str = "monitor";
const KIND_SPEND: &str = "spend";
const KIND_ACCRUE: &str = "accrue";
const KIND_PAY: &str = "pay-liability";
const KIND_RECOVER: &str = "recovery";
const KIND_REDUCE: &str = "reduction";

fn fund_name(plan: &PaymentPlan, deployment: &str) -> String {
    format!("{}:{deployment}", plan.budget().id())
}

fn check_deployment(plan: &PaymentPlan, deployment: &str) -> Result<(), MonitorError> {
    if plan.deployments().iter().any(|d| d.name == deployment) {
        Ok(())
    } else {
        Err(DeployError::UnknownDeployment {
            budget: plan.budget().id().to_string(),
            name: deployment.to_string(),
        }
        .into())
    }
}

fn positive(what: &'static str, amount: Money) -> Result<(), MonitorError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(MonitorError::NotPositive { what, amount })
    }
}

fn day_before(date: NaiveDate) -> Option<NaiveDate> {
    date.pred_opt()
}

// ----- categories and policy --------------------------------------------------------------------

/// What direct-payment money was spent on. Each has a stable key ([`SpendCategory::key`]) used
/// in account ids, metadata and serialised forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum SpendCategory {
    /// Personal assistant wages (`pa-wages`).
    PaWages,
    /// Employer's National Insurance (`employer-ni`).
    EmployerNi,
    /// Employer's pension contributions (`pension`).
    Pension,
    /// Payments to HMRC (PAYE) (`hmrc`).
    Hmrc,
    /// A care agency (`agency`).
    Agency,
    /// Equipment (`equipment`).
    Equipment,
    /// Respite care (`respite`).
    Respite,
    /// Employer's liability and other insurance (`insurance`).
    Insurance,
    /// A payroll service's fees (`payroll-fees`).
    PayrollFees,
    /// Long-term residential care (`residential-care`); not allowed by [`SpendPolicy::england`].
    ResidentialCare,
    /// The council's own services (`council-services`); not allowed by
    /// [`SpendPolicy::england`].
    CouncilServices,
    /// Gambling (`gambling`); not allowed by [`SpendPolicy::england`].
    Gambling,
    /// Anything else (`other`).
    Other,
}

impl SpendCategory {
    /// Every category, in display order.
    pub const ALL: [SpendCategory; 13] = [
        SpendCategory::PaWages,
        SpendCategory::EmployerNi,
        SpendCategory::Pension,
        SpendCategory::Hmrc,
        SpendCategory::Agency,
        SpendCategory::Equipment,
        SpendCategory::Respite,
        SpendCategory::Insurance,
        SpendCategory::PayrollFees,
        SpendCategory::ResidentialCare,
        SpendCategory::CouncilServices,
        SpendCategory::Gambling,
        SpendCategory::Other,
    ];

    /// The stable key: `pa-wages`, `employer-ni`, `pension`, `hmrc`, `agency`, `equipment`,
    /// `respite`, `insurance`, `payroll-fees`, `residential-care`, `council-services`,
    /// `gambling`, `other`.
    pub fn key(&self) -> &'static str {
        match self {
            SpendCategory::PaWages => "pa-wages",
            SpendCategory::EmployerNi => "employer-ni",
            SpendCategory::Pension => "pension",
            SpendCategory::Hmrc => "hmrc",
            SpendCategory::Agency => "agency",
            SpendCategory::Equipment => "equipment",
            SpendCategory::Respite => "respite",
            SpendCategory::Insurance => "insurance",
            SpendCategory::PayrollFees => "payroll-fees",
            SpendCategory::ResidentialCare => "residential-care",
            SpendCategory::CouncilServices => "council-services",
            SpendCategory::Gambling => "gambling",
            SpendCategory::Other => "other",
        }
    }

    /// A plain-words label: "personal assistant wages".
    pub fn label(&self) -> &'static str {
        match self {
            SpendCategory::PaWages => "personal assistant wages",
            SpendCategory::EmployerNi => "employer's National Insurance",
            SpendCategory::Pension => "pension",
            SpendCategory::Hmrc => "payments to HMRC",
            SpendCategory::Agency => "care agency",
            SpendCategory::Equipment => "equipment",
            SpendCategory::Respite => "respite",
            SpendCategory::Insurance => "insurance",
            SpendCategory::PayrollFees => "payroll fees",
            SpendCategory::ResidentialCare => "long-term residential care",
            SpendCategory::CouncilServices => "the council's own services",
            SpendCategory::Gambling => "gambling",
            SpendCategory::Other => "other",
        }
    }
}

/// Writes the key.
impl fmt::Display for SpendCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Reads a key.
///
/// ```
/// use isf_ledger::monitor::SpendCategory;
/// assert_eq!("payroll-fees".parse::<SpendCategory>()?, SpendCategory::PayrollFees);
/// assert!("biscuits".parse::<SpendCategory>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl FromStr for SpendCategory {
    type Err = MonitorError;

    fn from_str(s: &str) -> Result<SpendCategory, MonitorError> {
        SpendCategory::ALL
            .into_iter()
            .find(|c| c.key() == s)
            .ok_or_else(|| MonitorError::UnknownCategory { key: s.to_string() })
    }
}

/// Which spend a council does not allow, and why. Disallowed spend is flagged, never refused
/// or dropped (see the [module docs](self)).
///
/// ```
/// use isf_ledger::monitor::{SpendCategory, SpendPolicy};
/// let policy = SpendPolicy::england().disallow_payee("Acme Casino", "gambling venue");
/// assert!(policy.check(SpendCategory::Gambling, "anyone").is_some());
/// assert_eq!(policy.check(SpendCategory::Other, " acme casino "), Some("gambling venue"));
/// assert_eq!(policy.check(SpendCategory::PaWages, "Sam"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpendPolicy {
    /// Disallowed categories, each with its reason.
    pub categories: BTreeMap<SpendCategory, String>,
    /// Disallowed payees (compared ignoring case and surrounding spaces), each with its reason.
    pub payees: BTreeMap<String, String>,
}

impl SpendPolicy {
    /// A policy that allows everything.
    pub fn allow_all() -> SpendPolicy {
        SpendPolicy {
            categories: BTreeMap::new(),
            payees: BTreeMap::new(),
        }
    }

    /// The statutory guidance's examples: long-term residential care, the council's own
    /// services, and gambling are not allowed.
    pub fn england() -> SpendPolicy {
        SpendPolicy::allow_all()
            .disallow_category(
                SpendCategory::ResidentialCare,
                "direct payments may not pay for long-term residential care",
            )
            .disallow_category(
                SpendCategory::CouncilServices,
                "direct payments may not buy the council's own services",
            )
            .disallow_category(
                SpendCategory::Gambling,
                "direct payments may not be used for gambling",
            )
    }

    /// Disallows a category.
    #[must_use]
    pub fn disallow_category(
        mut self,
        category: SpendCategory,
        reason: impl Into<String>,
    ) -> SpendPolicy {
        self.categories.insert(category, reason.into());
        self
    }

    /// Disallows a payee.
    #[must_use]
    pub fn disallow_payee(mut self, payee: &str, reason: impl Into<String>) -> SpendPolicy {
        self.payees
            .insert(payee.trim().to_lowercase(), reason.into());
        self
    }

    /// Why spend in `category` to `payee` is not allowed, or `None` if it is. A category rule
    /// is reported before a payee rule.
    pub fn check(&self, category: SpendCategory, payee: &str) -> Option<&str> {
        if let Some(reason) = self.categories.get(&category) {
            return Some(reason);
        }
        self.payees
            .get(&payee.trim().to_lowercase())
            .map(String::as_str)
    }
}

/// The England policy.
impl Default for SpendPolicy {
    fn default() -> SpendPolicy {
        SpendPolicy::england()
    }
}

// ----- spend -------------------------------------------------------------------------------------

/// Money spent (or owed) from a fund: what for, to whom, how much, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    /// The entry id (its idempotency key).
    pub id: EntryId,
    /// The date it counts for.
    pub date: NaiveDate,
    /// What for.
    pub category: SpendCategory,
    /// To whom.
    pub payee: String,
    /// How much; above zero.
    pub amount: Money,
    /// An invoice number, payslip or receipt reference.
    pub reference: Option<String>,
    /// A description (defaults to the category and payee).
    pub memo: Option<String>,
}

impl Spend {
    /// A spend with no reference or memo.
    pub fn new(
        id: impl Into<EntryId>,
        date: NaiveDate,
        category: SpendCategory,
        payee: impl Into<String>,
        amount: Money,
    ) -> Spend {
        Spend {
            id: id.into(),
            date,
            category,
            payee: payee.into(),
            amount,
            reference: None,
            memo: None,
        }
    }

    /// Sets the reference.
    #[must_use]
    pub fn reference(mut self, reference: impl Into<String>) -> Spend {
        self.reference = Some(reference.into());
        self
    }

    /// Sets the memo.
    #[must_use]
    pub fn memo(mut self, memo: impl Into<String>) -> Spend {
        self.memo = Some(memo.into());
        self
    }

    fn validate(&self) -> Result<(), MonitorError> {
        if self.payee.trim().is_empty() {
            return Err(MonitorError::EmptyPayee {
                id: self.id.to_string(),
            });
        }
        positive("spending", self.amount)
    }

    fn tagged(
        &self,
        entry: NewEntry,
        plan: &PaymentPlan,
        deployment: &str,
        kind: &str,
    ) -> NewEntry {
        let memo = self
            .memo
            .clone()
            .unwrap_or_else(|| format!("{}: {}", self.category.label(), self.payee));
        let mut entry = entry
            .memo(memo)
            .meta(META_KIND, kind)
            .meta("budget", plan.budget().id().as_str())
            .meta("deployment", deployment)
            .meta("category", self.category.key())
            .meta("payee", self.payee.as_str());
        if let Some(reference) = &self.reference {
            entry = entry.meta("reference", reference.as_str());
        }
        entry
    }
}

/// What [`record_spend`], [`accrue_liability`] or [`pay_liability`] posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The ledger's receipt.
    pub receipt: Receipt,
    /// Why the spend is not allowed, if it is flagged.
    pub flag: Option<String>,
}

/// The expense account for a deployment's spend in `category`:
/// `spend:{budget}:{deployment}:{category}`.
pub fn spend_account(plan: &PaymentPlan, deployment: &str, category: SpendCategory) -> AccountId {
    format!(
        "spend:{}:{deployment}:{}",
        plan.budget().id(),
        category.key()
    )
    .into()
}

/// The liability account for a deployment's unpaid wages and invoices:
/// `spend:{budget}:{deployment}:payable`.
pub fn payable_account(plan: &PaymentPlan, deployment: &str) -> AccountId {
    format!("spend:{}:{deployment}:payable", plan.budget().id()).into()
}

/// The account money refunded to the person is paid to: `person:{person}:refunds`.
pub fn refund_account(plan: &PaymentPlan) -> AccountId {
    format!("person:{}:refunds", plan.budget().person()).into()
}

/// Opens a deployment's spend accounts (one expense account per category), its payable, and
/// the person's refund account. Opening again changes nothing.
///
/// # Errors
///
/// [`MonitorError::Deploy`] for an unknown deployment; [`MonitorError::Ledger`] if an account
/// exists with other details.
pub fn open_spend_accounts(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
) -> Result<(), MonitorError> {
    check_deployment(plan, deployment)?;
    let currency = plan.budget().currency();
    let person = format!("person:{}", plan.budget().person());
    let tag = format!("budget:{}", plan.budget().id());
    for category in SpendCategory::ALL {
        ledger.open_account(
            NewAccount::new(
                spend_account(plan, deployment, category),
                AccountKind::Expense,
                currency,
            )
            .owner(person.as_str())
            .tag(tag.as_str())
            .tag(format!("category:{}", category.key())),
        )?;
    }
    ledger.open_account(
        NewAccount::new(
            payable_account(plan, deployment),
            AccountKind::Liability,
            currency,
        )
        .owner(person.as_str())
        .tag(tag.as_str())
        .rule(BalanceRule::Unlimited),
    )?;
    ledger.open_account(
        NewAccount::new(refund_account(plan), AccountKind::Equity, currency).owner(person),
    )?;
    Ok(())
}

/// The entry for money spent from a deployment's fund, taken from its sources by the plan's
/// spend order, flagged if `policy` does not allow it.
///
/// # Errors
///
/// [`MonitorError::EmptyPayee`], [`MonitorError::NotPositive`]; [`MonitorError::Deploy`] for
/// an unknown deployment or not enough available in the fund.
pub fn spend_entry(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    spend: &Spend,
    policy: &SpendPolicy,
) -> Result<NewEntry, MonitorError> {
    spend.validate()?;
    let entry = plan.spend(
        ledger,
        deployment,
        spend.id.clone(),
        spend_account(plan, deployment, spend.category),
        spend.amount,
        spend.date,
    )?;
    let mut entry = spend.tagged(entry, plan, deployment, KIND_SPEND);
    if let Some(reason) = policy.check(spend.category, &spend.payee) {
        entry = entry.meta("flag", reason);
    }
    Ok(entry)
}

/// What identifies a retry of a spend or a liability payment already posted. The fund side
/// of such an entry depends on the balances when it was made, so a retry is recognised by its
/// kind, date, amount to the expense (or payable) and payee (or liability), not by recomputing
/// it.
struct Retry<'a> {
    kind: &'static str,
    date: NaiveDate,
    target: &'a AccountId,
    amount: Money,
    key: (&'static str, &'a str),
}

impl Retry<'_> {
    fn already_recorded(
        &self,
        ledger: &Ledger,
        id: &EntryId,
    ) -> Result<Option<Recorded>, MonitorError> {
        let Some(entry) = ledger.entry(id) else {
            return Ok(None);
        };
        let meta = entry.metadata();
        let same = meta.get(META_KIND).map(String::as_str) == Some(self.kind)
            && entry.date() == self.date
            && entry
                .postings()
                .any(|(a, m)| a == self.target && m == self.amount)
            && meta.get(self.key.0).map(String::as_str) == Some(self.key.1);
        if !same {
            return Err(LedgerError::DuplicateEntry { entry: id.clone() }.into());
        }
        Ok(Some(Recorded {
            receipt: Receipt {
                seq: entry.seq(),
                already_posted: true,
            },
            flag: meta.get("flag").cloned(),
        }))
    }
}

/// Posts [`spend_entry`]. A refused spend changes nothing. Recording the same spend again (same
/// id, date, category, payee and amount) changes nothing and returns a receipt marked
/// `already_posted`, even if the fund's balances have changed since.
///
/// # Errors
///
/// As [`spend_entry`], and [`MonitorError::Ledger`] if the ledger refuses it
/// ([`LedgerError::DuplicateEntry`] for the same id with other details).
pub fn record_spend(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    spend: &Spend,
    policy: &SpendPolicy,
) -> Result<Recorded, MonitorError> {
    spend.validate()?;
    let target = spend_account(plan, deployment, spend.category);
    let same = Retry {
        kind: KIND_SPEND,
        date: spend.date,
        target: &target,
        amount: spend.amount,
        key: ("payee", spend.payee.as_str()),
    };
    if let Some(done) = same.already_recorded(ledger, &spend.id)? {
        return Ok(done);
    }
    let entry = spend_entry(ledger, plan, deployment, spend, policy)?;
    let flag = entry.metadata.get("flag").cloned();
    let receipt = ledger.post(entry)?;
    Ok(Recorded { receipt, flag })
}

/// Records a wage or invoice owed but not yet paid: the expense is debited and the payable
/// credited; the fund does not move. The spend's id becomes the liability's id.
///
/// # Errors
///
/// [`MonitorError::EmptyPayee`], [`MonitorError::NotPositive`], [`MonitorError::Deploy`] for an
/// unknown deployment, [`MonitorError::Ledger`] if the ledger refuses it.
pub fn accrue_liability(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    spend: &Spend,
    policy: &SpendPolicy,
) -> Result<Recorded, MonitorError> {
    check_deployment(plan, deployment)?;
    spend.validate()?;
    let entry = NewEntry::new(spend.id.clone(), spend.date).transfer(
        payable_account(plan, deployment),
        spend_account(plan, deployment, spend.category),
        spend.amount,
    );
    let mut entry = spend.tagged(entry, plan, deployment, KIND_ACCRUE);
    let flag = policy
        .check(spend.category, &spend.payee)
        .map(str::to_string);
    if let Some(reason) = &flag {
        entry = entry.meta("flag", reason.as_str());
    }
    let receipt = ledger.post(entry)?;
    Ok(Recorded { receipt, flag })
}

/// Pays `amount` of the liability `liability` (an entry id from [`accrue_liability`]) from the
/// fund: the payable is debited and the fund's sources credited by the spend order. The entry
/// carries the liability's category, payee and flag, and `liability` in its metadata.
///
/// # Errors
///
/// [`MonitorError::UnknownLiability`], [`MonitorError::LiabilityOverpaid`],
/// [`MonitorError::NotPositive`], [`MonitorError::Deploy`] for not enough in the fund,
/// [`MonitorError::Ledger`] if the ledger refuses it. Nothing is posted then. Paying again
/// with the same id, date, liability and amount changes nothing and returns a receipt marked
/// `already_posted`.
pub fn pay_liability(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    liability: &str,
    id: impl Into<EntryId>,
    amount: Money,
    date: NaiveDate,
) -> Result<Recorded, MonitorError> {
    check_deployment(plan, deployment)?;
    positive("a liability payment", amount)?;
    let id = id.into();
    let payable = payable_account(plan, deployment);
    let same = Retry {
        kind: KIND_PAY,
        date,
        target: &payable,
        amount,
        key: ("liability", liability),
    };
    if let Some(done) = same.already_recorded(ledger, &id)? {
        return Ok(done);
    }
    let unknown = || MonitorError::UnknownLiability {
        fund: fund_name(plan, deployment),
        liability: liability.to_string(),
    };
    let outstanding = liabilities(ledger, plan, deployment, None)?
        .into_iter()
        .find(|l| l.id == liability)
        .ok_or_else(unknown)?;
    let accrual = ledger.entry(&liability.into()).ok_or_else(unknown)?;
    if amount > outstanding.outstanding {
        return Err(MonitorError::LiabilityOverpaid {
            liability: liability.to_string(),
            amount,
            outstanding: outstanding.outstanding,
        });
    }
    let meta = accrual.metadata().clone();
    let mut entry = plan
        .spend_postings(ledger, deployment, amount)?
        .into_iter()
        .fold(NewEntry::new(id, date), |e, (a, m)| e.posting(a, m))
        .posting(payable_account(plan, deployment), amount)
        .memo(format!("paid: {}", accrual.memo()))
        .meta(META_KIND, KIND_PAY)
        .meta("budget", plan.budget().id().as_str())
        .meta("deployment", deployment)
        .meta("liability", liability);
    for key in ["category", "payee", "reference", "flag"] {
        if let Some(value) = meta.get(key) {
            entry = entry.meta(key, value.as_str());
        }
    }
    let flag = entry.metadata.get("flag").cloned();
    let receipt = ledger.post(entry)?;
    Ok(Recorded { receipt, flag })
}

/// A wage or invoice owed from a fund.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Liability {
    /// Its id (the accrual's entry id).
    pub id: String,
    /// When it was recorded.
    pub date: NaiveDate,
    /// To whom.
    pub payee: String,
    /// What for (`None` if it was not recorded by this module).
    pub category: Option<SpendCategory>,
    /// The amount owed originally.
    pub amount: Money,
    /// Paid so far.
    pub paid: Money,
    /// Still owed.
    pub outstanding: Money,
}

/// The liabilities of a deployment still owed (in part or whole) as at `as_at` (every entry if
/// `None`), read from the payable account's postings, in the order they were recorded.
///
/// # Errors
///
/// [`MonitorError::Deploy`] for an unknown deployment, [`MonitorError::Ledger`] if the accounts
/// are not open, [`MonitorError::Money`] on overflow.
pub fn liabilities(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    as_at: Option<NaiveDate>,
) -> Result<Vec<Liability>, MonitorError> {
    check_deployment(plan, deployment)?;
    let currency = plan.budget().currency();
    let mut order: Vec<String> = Vec::new();
    let mut by_id: BTreeMap<String, Liability> = BTreeMap::new();
    for line in ledger.history(&payable_account(plan, deployment))? {
        let entry = line.entry;
        if as_at.is_some_and(|d| entry.date() > d) {
            continue;
        }
        let meta = entry.metadata();
        let key = meta
            .get("liability")
            .cloned()
            .unwrap_or_else(|| entry.id().to_string());
        let l = by_id.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Liability {
                id: key,
                date: entry.date(),
                payee: meta.get("payee").cloned().unwrap_or_default(),
                category: meta.get("category").and_then(|c| c.parse().ok()),
                amount: Money::zero(currency),
                paid: Money::zero(currency),
                outstanding: Money::zero(currency),
            }
        });
        // The payable is credited (negative) when owed, debited when paid.
        if line.amount.is_negative() {
            l.amount = l.amount.checked_add(line.amount.negate())?;
        } else {
            l.paid = l.paid.checked_add(line.amount)?;
        }
        l.outstanding = l.outstanding.checked_sub(line.amount)?;
    }
    Ok(order
        .into_iter()
        .filter_map(|k| by_id.remove(&k))
        .filter(|l| !l.outstanding.is_zero())
        .collect())
}

/// What a deployment owes in unpaid wages and invoices as at `date`: the payable's balance.
///
/// # Errors
///
/// [`MonitorError::Deploy`] for an unknown deployment, [`MonitorError::Ledger`] if the account
/// is not open.
pub fn outstanding_liabilities(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    date: NaiveDate,
) -> Result<Money, MonitorError> {
    check_deployment(plan, deployment)?;
    Ok(ledger
        .balance_as_at(&payable_account(plan, deployment), date)?
        .negate())
}

// ----- reviews ----------------------------------------------------------------------------------

/// When monitoring reviews fall due.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::monitor::ReviewPolicy;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let policy = ReviewPolicy::default();
/// assert_eq!(policy.next_due(d(2025, 8, 31), &[])?, d(2026, 2, 28));
/// assert_eq!(policy.next_due(d(2025, 8, 31), &[d(2026, 2, 10)])?, d(2027, 2, 10));
/// assert!(policy.is_overdue(d(2025, 8, 31), &[], d(2026, 3, 1))?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReviewPolicy {
    /// The first review is due this many months after the first payment (default 6).
    pub first_within_months: u32,
    /// Each later review is due this many months after the previous one held (default 12).
    pub then_every_months: u32,
}

impl Default for ReviewPolicy {
    fn default() -> ReviewPolicy {
        ReviewPolicy {
            first_within_months: 6,
            then_every_months: 12,
        }
    }
}

impl ReviewPolicy {
    /// The date the next review is due, given the first payment's date and the dates of the
    /// reviews held (in any order; the latest counts).
    ///
    /// # Errors
    ///
    /// [`MonitorError::DateOutOfRange`] if the due date is past what chrono can represent.
    pub fn next_due(
        &self,
        first_payment: NaiveDate,
        reviews_held: &[NaiveDate],
    ) -> Result<NaiveDate, MonitorError> {
        let (from, months) = match reviews_held.iter().max() {
            None => (first_payment, self.first_within_months),
            Some(last) => (*last, self.then_every_months),
        };
        from.checked_add_months(Months::new(months))
            .ok_or_else(|| MonitorError::DateOutOfRange {
                what: format!("{months} months after {from}"),
            })
    }

    /// True if the next review's due date is before `today`.
    ///
    /// # Errors
    ///
    /// As [`ReviewPolicy::next_due`].
    pub fn is_overdue(
        &self,
        first_payment: NaiveDate,
        reviews_held: &[NaiveDate],
        today: NaiveDate,
    ) -> Result<bool, MonitorError> {
        Ok(self.next_due(first_payment, reviews_held)? < today)
    }
}

/// The next review's due date under the default [`ReviewPolicy`].
///
/// # Errors
///
/// As [`ReviewPolicy::next_due`].
pub fn next_review_due(
    first_payment: NaiveDate,
    reviews_held: &[NaiveDate],
) -> Result<NaiveDate, MonitorError> {
    ReviewPolicy::default().next_due(first_payment, reviews_held)
}

/// The date of the plan's first payment in the ledger, if any has been made.
pub fn first_payment_date(ledger: &Ledger, plan: &PaymentPlan) -> Option<NaiveDate> {
    let periods = plan.periods().ok()?;
    periods
        .iter()
        .filter_map(|p| ledger.entry(&plan.payment_id(p.start())))
        .map(|e| e.date())
        .min()
}

// ----- monitoring return ------------------------------------------------------------------------

/// An amount for a source.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SourceLine {
    /// The source.
    pub source: Source,
    /// The amount.
    pub amount: Money,
}

/// An amount for a category.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CategoryLine {
    /// The category (`None` for spend not recorded by this module).
    pub category: Option<SpendCategory>,
    /// The amount spent.
    pub amount: Money,
}

/// A spend the council's policy does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FlaggedSpend {
    /// The entry.
    pub entry: String,
    /// Its date.
    pub date: NaiveDate,
    /// The amount.
    pub amount: Money,
    /// To whom.
    pub payee: String,
    /// What for.
    pub category: Option<SpendCategory>,
    /// Why it is not allowed.
    pub reason: String,
    /// True if this records it as owed (not yet paid from the fund).
    pub owed: bool,
}

/// A deployment's monitoring return for a period. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MonitoringReturn {
    /// The budget.
    pub budget: String,
    /// The person.
    pub person: String,
    /// The deployment.
    pub deployment: String,
    /// The period, `[start, end)`.
    pub period: Period,
    /// The fund's balance at the end of the day before the period.
    pub opening: Money,
    /// Money in by source (payments, contributions and the plan's adjustments, net), every
    /// source listed.
    pub money_in: Vec<SourceLine>,
    /// Total money in.
    pub total_in: Money,
    /// Money spent by category (non-zero only), in category order.
    pub spend: Vec<CategoryLine>,
    /// Money returned by source (recoveries and refunds; non-zero only).
    pub returned: Vec<SourceLine>,
    /// Total money out: spend and money returned.
    pub total_out: Money,
    /// The fund's balance at the end of the period's last day.
    pub closing: Money,
    /// Spend and liabilities in the period that the council's policy does not allow.
    pub flags: Vec<FlaggedSpend>,
    /// Wages and invoices owed at the end of the period.
    pub liabilities: Vec<Liability>,
    /// Their total: the payable's balance.
    pub outstanding: Money,
}

impl MonitoringReturn {
    /// True if closing = opening + in − out.
    pub fn ties_out(&self) -> bool {
        self.opening
            .checked_add(self.total_in)
            .and_then(|m| m.checked_sub(self.total_out))
            .is_ok_and(|m| m == self.closing)
    }
}

fn fund_accounts(plan: &PaymentPlan, deployment: &str) -> Vec<(Source, AccountId)> {
    plan.budget()
        .all_sources()
        .into_iter()
        .map(|s| {
            let a = plan.fund_account(deployment, &s);
            (s, a)
        })
        .collect()
}

fn fund_balance_as_at(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    date: Option<NaiveDate>,
) -> Result<Money, MonitorError> {
    let mut total = Money::zero(plan.budget().currency());
    if let Some(date) = date {
        for (_, account) in fund_accounts(plan, deployment) {
            total = total.checked_add(ledger.balance_as_at(&account, date)?)?;
        }
    }
    Ok(total)
}

fn kind_of<'a>(entry: &EntryView<'a>) -> Option<&'a str> {
    entry.metadata().get(META_KIND).map(String::as_str)
}

/// The monitoring return of a deployment for `period`, read from the ledger.
///
/// # Errors
///
/// [`MonitorError::Deploy`] for an unknown deployment, [`MonitorError::Ledger`] if accounts
/// are not open, [`MonitorError::Money`] on overflow, [`MonitorError::DoesNotTieOut`] if the
/// figures do not tie out (a bug).
pub fn monitoring_return(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    period: Period,
) -> Result<MonitoringReturn, MonitorError> {
    check_deployment(plan, deployment)?;
    let currency = plan.budget().currency();
    let zero = Money::zero(currency);
    let payment_prefix = format!("pay:{}:", plan.budget().id());
    let adjustment_prefix = format!("adj:{}:", plan.budget().id());
    let plan_money = |entry: &EntryView<'_>| {
        entry.id().starts_with(&payment_prefix) || entry.id().starts_with(&adjustment_prefix)
    };
    let opening = fund_balance_as_at(ledger, plan, deployment, day_before(period.start()))?;
    let closing = fund_balance_as_at(ledger, plan, deployment, Some(period.last_day()))?;
    let mut money_in = Vec::new();
    let mut returned = Vec::new();
    let mut spend: BTreeMap<Option<SpendCategory>, Money> = BTreeMap::new();
    let mut flags = Vec::new();
    let mut flagged_seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let (mut total_in, mut total_out) = (zero, zero);
    for (source, account) in fund_accounts(plan, deployment) {
        let (mut came_in, mut went_back) = (zero, zero);
        for line in ledger.history(&account)? {
            let entry = line.entry;
            if !period.contains(entry.date()) {
                continue;
            }
            match kind_of(&entry) {
                Some(KIND_SPEND) | Some(KIND_PAY) => {
                    let category = entry
                        .metadata()
                        .get("category")
                        .and_then(|c| c.parse().ok());
                    let s = spend.entry(category).or_insert(zero);
                    *s = s.checked_sub(line.amount)?;
                    total_out = total_out.checked_sub(line.amount)?;
                }
                Some(KIND_RECOVER) | Some(KIND_REDUCE) => {
                    went_back = went_back.checked_sub(line.amount)?;
                    total_out = total_out.checked_sub(line.amount)?;
                }
                // Money taken out by other means (PaymentPlan::spend, a settled hold): spend
                // without a category, never hidden in "money in".
                _ if line.amount.is_negative() && !plan_money(&entry) => {
                    let s = spend.entry(None).or_insert(zero);
                    *s = s.checked_sub(line.amount)?;
                    total_out = total_out.checked_sub(line.amount)?;
                }
                _ => {
                    came_in = came_in.checked_add(line.amount)?;
                    total_in = total_in.checked_add(line.amount)?;
                }
            }
        }
        money_in.push(SourceLine {
            source: source.clone(),
            amount: came_in,
        });
        if !went_back.is_zero() {
            returned.push(SourceLine {
                source,
                amount: went_back,
            });
        }
    }
    // Flags: every flagged entry of this fund dated in the period, spent or owed.
    let mut candidates: Vec<EntryView<'_>> = Vec::new();
    let funds: Vec<AccountId> = fund_accounts(plan, deployment)
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    let payable = payable_account(plan, deployment);
    for account in funds.iter().chain(std::iter::once(&payable)) {
        for line in ledger.history(account)? {
            let entry = line.entry;
            if period.contains(entry.date())
                && entry.metadata().contains_key("flag")
                && flagged_seen.insert(entry.id().to_string())
            {
                candidates.push(entry);
            }
        }
    }
    candidates.sort_by_key(|e| (e.date(), e.seq()));
    for entry in candidates {
        let meta = entry.metadata();
        let owed = kind_of(&entry) == Some(KIND_ACCRUE);
        let mut amount = zero;
        for (account, m) in entry.postings() {
            let counts = if owed {
                *account == payable
            } else {
                funds.contains(account)
            };
            if counts {
                amount = amount.checked_sub(m)?;
            }
        }
        flags.push(FlaggedSpend {
            entry: entry.id().to_string(),
            date: entry.date(),
            amount,
            payee: meta.get("payee").cloned().unwrap_or_default(),
            category: meta.get("category").and_then(|c| c.parse().ok()),
            reason: meta.get("flag").cloned().unwrap_or_default(),
            owed,
        });
    }
    let liabilities = liabilities(ledger, plan, deployment, Some(period.last_day()))?;
    let outstanding = outstanding_liabilities(ledger, plan, deployment, period.last_day())?;
    let ret = MonitoringReturn {
        budget: plan.budget().id().to_string(),
        person: plan.budget().person().to_string(),
        deployment: deployment.to_string(),
        period,
        opening,
        money_in,
        total_in,
        spend: spend
            .into_iter()
            .filter(|(_, m)| !m.is_zero())
            .map(|(category, amount)| CategoryLine { category, amount })
            .collect(),
        returned,
        total_out,
        closing,
        flags,
        liabilities,
        outstanding,
    };
    if !ret.ties_out() {
        return Err(MonitorError::DoesNotTieOut {
            fund: fund_name(plan, deployment),
            period,
            opening,
            money_in: total_in,
            money_out: total_out,
            closing,
        });
    }
    Ok(ret)
}

/// A plain-text return a direct-payment holder can read.
impl fmt::Display for MonitoringReturn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const W: usize = 44;
        writeln!(
            f,
            "Monitoring return for {} (budget {}, fund {:?})",
            self.person, self.budget, self.deployment
        )?;
        writeln!(
            f,
            "From {} to {} (both days included)",
            self.period.start(),
            self.period.last_day()
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<W$}{:>16}",
            "Money at the start",
            self.opening.to_string()
        )?;
        writeln!(f, "Money in")?;
        for line in &self.money_in {
            let label = format!("  from {}", line.source);
            writeln!(f, "{label:<W$}{:>16}", line.amount.to_string())?;
        }
        writeln!(f, "{:<W$}{:>16}", "  total in", self.total_in.to_string())?;
        writeln!(f, "Money out")?;
        for line in &self.spend {
            let label = format!(
                "  {}",
                line.category
                    .map_or("spending without a category", |c| c.label())
            );
            writeln!(f, "{label:<W$}{:>16}", line.amount.to_string())?;
        }
        for line in &self.returned {
            let label = format!("  returned to {}", line.source);
            writeln!(f, "{label:<W$}{:>16}", line.amount.to_string())?;
        }
        writeln!(f, "{:<W$}{:>16}", "  total out", self.total_out.to_string())?;
        writeln!(
            f,
            "{:<W$}{:>16}",
            "Money at the end",
            self.closing.to_string()
        )?;
        writeln!(f)?;
        if self.flags.is_empty() {
            writeln!(f, "Nothing was spent on things the council does not allow.")?;
        } else {
            writeln!(f, "Spending the council does not allow (please explain):")?;
            for flag in &self.flags {
                writeln!(
                    f,
                    "  {}  {}  {} to {}{}: {}",
                    flag.date,
                    flag.amount,
                    flag.category.map_or("other", |c| c.label()),
                    flag.payee,
                    if flag.owed { " (owed)" } else { "" },
                    flag.reason
                )?;
            }
        }
        if self.liabilities.is_empty() {
            writeln!(f, "No wages or invoices are waiting to be paid.")?;
        } else {
            writeln!(f, "Wages and invoices still to pay:")?;
            for l in &self.liabilities {
                let label = format!(
                    "  {} {} ({})",
                    l.date,
                    l.payee,
                    l.category.map_or("other", |c| c.label())
                );
                writeln!(f, "{label:<W$}{:>16}", l.outstanding.to_string())?;
            }
            writeln!(
                f,
                "{:<W$}{:>16}",
                "  total owed",
                self.outstanding.to_string()
            )?;
        }
        Ok(())
    }
}

// ----- surplus ----------------------------------------------------------------------------------

/// How much contingency a fund may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SurplusPolicy {
    contingency_weeks: u32,
}

impl SurplusPolicy {
    /// A contingency of `weeks` weeks of the planned amount (councils use 4 to 8).
    ///
    /// # Errors
    ///
    /// [`MonitorError::InvalidContingency`] for more than 52 weeks.
    ///
    /// ```
    /// use isf_ledger::monitor::SurplusPolicy;
    /// assert_eq!(SurplusPolicy::weeks(8)?.contingency_weeks(), 8);
    /// let err = SurplusPolicy::weeks(60).unwrap_err();
    /// assert_eq!(err.to_string(), "contingency of 60 weeks is more than 52");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn weeks(weeks: u32) -> Result<SurplusPolicy, MonitorError> {
        if weeks > 52 {
            return Err(MonitorError::InvalidContingency { weeks });
        }
        Ok(SurplusPolicy {
            contingency_weeks: weeks,
        })
    }

    /// The weeks of contingency.
    pub fn contingency_weeks(&self) -> u32 {
        self.contingency_weeks
    }
}

/// Four weeks.
impl Default for SurplusPolicy {
    fn default() -> SurplusPolicy {
        SurplusPolicy {
            contingency_weeks: 4,
        }
    }
}

/// A fund's surplus as at a date, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Surplus {
    /// The date.
    pub as_at: NaiveDate,
    /// The fund's balance.
    pub balance: Money,
    /// Wages and invoices owed.
    pub outstanding: Money,
    /// The deployment's weekly planned amount (exact, possibly more precise than pennies).
    pub weekly_planned: Money,
    /// The contingency kept: weeks × weekly planned, rounded half up.
    pub contingency: Money,
    /// balance − outstanding − contingency, or zero if that is negative.
    pub surplus: Money,
}

/// The deployment's planned amount per week on `date`, exact (not rounded). See the
/// [module docs](self) for how it is derived.
///
/// # Errors
///
/// [`MonitorError::Deploy`] for an unknown deployment; [`MonitorError::Money`] on overflow.
pub fn weekly_planned(
    plan: &PaymentPlan,
    deployment: &str,
    date: NaiveDate,
) -> Result<Money, MonitorError> {
    check_deployment(plan, deployment)?;
    let terms = plan.budget().terms_on(date);
    let currency = plan.budget().currency();
    let overflow = |what: &str| MonitorError::Money(crate::money::overflow(what.to_string()));
    let cost = terms.cost.amount();
    let weekly = match terms.basis {
        Basis::Week => Some(cost),
        Basis::FourWeeks => cost.checked_div(Decimal::from(4)),
        Basis::Month => cost
            .checked_mul(Decimal::from(12))
            .and_then(|c| c.checked_div(Decimal::from(52))),
        Basis::Year => cost.checked_div(Decimal::from(52)),
    }
    .ok_or_else(|| overflow("weekly cost"))?;
    let percent_of = |p: Decimal| {
        weekly
            .checked_mul(p)
            .and_then(|m| m.checked_div(Decimal::ONE_HUNDRED))
            .ok_or_else(|| overflow("weekly share"))
    };
    let mut others = Decimal::ZERO;
    let mut mine = None;
    for d in plan.deployments() {
        let part = match &d.share {
            Share::Percent(p) => Some(percent_of(*p)?),
            Share::FixedWeekly(m) => Some(m.amount()),
            _ => None,
        };
        if d.name == deployment {
            mine = part;
        }
        if let Some(part) = part {
            others = others
                .checked_add(part)
                .ok_or_else(|| overflow("weekly shares"))?;
        }
    }
    let amount = match mine {
        Some(m) => m,
        // The remainder: what the others leave, never below zero.
        None => weekly
            .checked_sub(others)
            .ok_or_else(|| overflow("weekly remainder"))?
            .max(Decimal::ZERO),
    };
    Ok(Money::new(amount, currency))
}

/// A deployment's surplus as at `date`: balance − outstanding liabilities − contingency, never
/// below zero, all read from the ledger as at that date.
///
/// # Errors
///
/// [`MonitorError::Deploy`] for an unknown deployment, [`MonitorError::Ledger`] if accounts
/// are not open, [`MonitorError::Money`] on overflow.
pub fn surplus(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    date: NaiveDate,
    policy: SurplusPolicy,
) -> Result<Surplus, MonitorError> {
    let weekly = weekly_planned(plan, deployment, date)?;
    let contingency = weekly
        .checked_mul(Decimal::from(policy.contingency_weeks))?
        .round(Rounding::HalfUp);
    let balance = fund_balance_as_at(ledger, plan, deployment, Some(date))?;
    let outstanding = outstanding_liabilities(ledger, plan, deployment, date)?;
    let left = balance.checked_sub(outstanding)?.checked_sub(contingency)?;
    Ok(Surplus {
        as_at: date,
        balance,
        outstanding,
        weekly_planned: weekly,
        contingency,
        surplus: left.checked_max(Money::zero(plan.budget().currency()))?,
    })
}

// ----- recovery ---------------------------------------------------------------------------------

/// How much of a surplus to recover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RecoveryAmount {
    /// All of it.
    Full,
    /// A stated amount, capped at the surplus.
    Amount(Money),
    /// A percentage (0 to 100) of it, rounded half up.
    Percent(Decimal),
}

/// How a surplus is recovered. See the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RecoveryMethod {
    /// Paid back now, to each source pro-rata to what it has available.
    #[default]
    Immediate,
    /// The council's next payments are reduced (council money only).
    ReduceFuturePayments,
}

/// A council's decision to recover surplus from a deployment's fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryDecision {
    /// The decision's reference; entry ids are made from it.
    pub id: String,
    /// The deployment.
    pub deployment: String,
    /// The date of the decision (the surplus is found as at it; immediate recovery is dated
    /// it).
    pub date: NaiveDate,
    /// How much.
    pub amount: RecoveryAmount,
    /// How.
    pub method: RecoveryMethod,
    /// The contingency the fund keeps.
    pub policy: SurplusPolicy,
}

impl RecoveryDecision {
    /// An immediate recovery with the default four weeks' contingency.
    pub fn new(
        id: impl Into<String>,
        deployment: impl Into<String>,
        date: NaiveDate,
        amount: RecoveryAmount,
    ) -> RecoveryDecision {
        RecoveryDecision {
            id: id.into(),
            deployment: deployment.into(),
            date,
            amount,
            method: RecoveryMethod::Immediate,
            policy: SurplusPolicy::default(),
        }
    }

    /// Sets the method.
    #[must_use]
    pub fn method(mut self, method: RecoveryMethod) -> RecoveryDecision {
        self.method = method;
        self
    }

    /// Sets the contingency.
    #[must_use]
    pub fn policy(mut self, policy: SurplusPolicy) -> RecoveryDecision {
        self.policy = policy;
        self
    }
}

/// One source's part of a recovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryPart {
    /// The source.
    pub source: Source,
    /// Its fund account.
    pub from: AccountId,
    /// Where its money goes back to.
    pub to: AccountId,
    /// How much.
    pub amount: Money,
}

/// Future payment reductions that recover council money. Keep it with the decision; after
/// each payment run, post [`ReductionSchedule::due_entries`].
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::*;
/// use isf_ledger::monitor::*;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let budget = PersonalBudget::new(
///     "PB1", "P1", Period::new(d(2025, 4, 7), d(2025, 7, 28))?,
///     BudgetTerms::new(Basis::Week, "100.00 GBP".parse()?),
/// )?;
/// let plan = PaymentPlan::new(
///     "cx", budget,
///     vec![Deployment::whole("dp", DeploymentKind::DirectPayment { basis: PaymentBasis::Gross })],
///     PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7)),
/// )?;
/// let mut ledger = Ledger::new();
/// plan.open_accounts(&mut ledger)?;
/// open_spend_accounts(&mut ledger, &plan, "dp")?;
/// for day in [d(2025, 4, 7), d(2025, 5, 5)] {
///     run_payments(&mut ledger, &[&plan], &PaymentRun::new("run", day));
/// }
/// // £800 in, nothing spent: keeping 2 weeks (£200), the surplus is £600.
/// let decision = RecoveryDecision::new("r1", "dp", d(2025, 5, 6), RecoveryAmount::Full)
///     .method(RecoveryMethod::ReduceFuturePayments)
///     .policy(SurplusPolicy::weeks(2)?);
/// let schedule = post_recovery(&mut ledger, &plan, &decision)?
///     .reductions
///     .ok_or("a reduction gives a schedule")?;
/// let money = |s: &str| s.parse::<Money>();
/// assert_eq!(schedule.planned, vec![(d(2025, 6, 2), money("400.00 GBP")?), (d(2025, 6, 30), money("200.00 GBP")?)]);
/// // The June payment is made, then reduced by £400.
/// run_payments(&mut ledger, &[&plan], &PaymentRun::new("run", d(2025, 6, 2)));
/// schedule.post_due(&mut ledger, &plan)?;
/// assert_eq!(schedule.remaining(&ledger, &plan)?, money("200.00 GBP")?);
/// assert_eq!(plan.fund_balance(&ledger, "dp")?, money("800.00 GBP")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReductionSchedule {
    /// The decision.
    pub decision: String,
    /// The deployment.
    pub deployment: String,
    /// Periods starting on or after this date are reduced.
    pub from: NaiveDate,
    /// The total to recover.
    pub amount: Money,
    /// The planned reductions by period start, from the plan's amounts at the decision; they
    /// sum to `amount`.
    pub planned: Vec<(NaiveDate, Money)>,
}

/// What a recovery decision recovers and the entries that do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The decision.
    pub decision: String,
    /// The surplus as at the decision date.
    pub surplus: Surplus,
    /// What the decision asked for, capped at the surplus.
    pub requested: Money,
    /// What is recovered (for reductions, capped at the council's money too).
    pub amount: Money,
    /// The split by source (immediate recovery only).
    pub parts: Vec<RecoveryPart>,
    /// The entries to post now (none for a reduction until payments are made).
    pub entries: Vec<NewEntry>,
    /// The reductions to make, for [`RecoveryMethod::ReduceFuturePayments`].
    pub reductions: Option<ReductionSchedule>,
}

/// The id of a decision's immediate recovery entry.
pub fn recovery_id(plan: &PaymentPlan, deployment: &str, decision: &str) -> EntryId {
    format!("recover:{}:{deployment}:{decision}", plan.budget().id()).into()
}

/// The id of a decision's reduction of the payment for the period starting on `start`.
pub fn reduction_id(
    plan: &PaymentPlan,
    deployment: &str,
    decision: &str,
    start: NaiveDate,
) -> EntryId {
    format!(
        "reduce:{}:{deployment}:{decision}:{start}",
        plan.budget().id()
    )
    .into()
}

/// Where money from `source` goes when it is returned.
pub fn return_account(plan: &PaymentPlan, source: &Source) -> AccountId {
    match source {
        Source::Person => refund_account(plan),
        other => plan.payer_account(other),
    }
}

/// Splits `amount` over sources pro-rata to what each has available; each part is at most that
/// source's available balance and the parts sum exactly to `amount`.
///
/// # Errors
///
/// [`MonitorError::InsufficientFunds`] if the sources have less available than `amount`.
pub fn split_recovery(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    amount: Money,
) -> Result<Vec<RecoveryPart>, MonitorError> {
    let attribution = plan.attribution(ledger, deployment)?;
    if attribution.available < amount {
        return Err(MonitorError::InsufficientFunds {
            fund: fund_name(plan, deployment),
            amount,
            available: attribution.available,
        });
    }
    if amount.is_zero() {
        return Ok(Vec::new());
    }
    let available: Vec<Money> = attribution.by_source.iter().map(|s| s.available).collect();
    let shares = amount.allocate_in_proportion(&available)?;
    Ok(attribution
        .by_source
        .into_iter()
        .zip(shares)
        .filter(|(_, m)| !m.is_zero())
        .map(|(s, m)| RecoveryPart {
            from: plan.fund_account(deployment, &s.source),
            to: return_account(plan, &s.source),
            source: s.source,
            amount: m,
        })
        .collect())
}

fn requested(surplus: Money, amount: RecoveryAmount) -> Result<Money, MonitorError> {
    Ok(match amount {
        RecoveryAmount::Full => surplus,
        RecoveryAmount::Amount(m) => {
            if m.is_negative() {
                return Err(MonitorError::NotPositive {
                    what: "a recovery",
                    amount: m,
                });
            }
            m.exact()?;
            if m.currency() != surplus.currency() {
                return Err(MonitorError::Money(MoneyError::CurrencyMismatch {
                    left: surplus.currency(),
                    right: m.currency(),
                }));
            }
            m.checked_min(surplus)?
        }
        RecoveryAmount::Percent(p) => {
            if p.is_sign_negative() || p > Decimal::ONE_HUNDRED {
                return Err(MonitorError::InvalidPercent { percent: p });
            }
            surplus
                .checked_mul(p)?
                .checked_mul(Decimal::new(1, 2))?
                .round(Rounding::HalfUp)
                .checked_min(surplus)?
        }
    })
}

/// Works out a recovery decision: the surplus, the amount, and the entries (or the reduction
/// schedule). A decision already posted (its immediate entry is in the ledger) gives back what
/// was posted.
///
/// # Errors
///
/// [`MonitorError::InvalidPercent`], [`MonitorError::NotPositive`] for a negative amount,
/// [`MonitorError::InsufficientFunds`], [`MonitorError::NotEnoughFuturePayments`],
/// [`MonitorError::Deploy`] for an unknown deployment, [`MonitorError::Ledger`] if accounts are
/// not open.
pub fn plan_recovery(
    ledger: &Ledger,
    plan: &PaymentPlan,
    decision: &RecoveryDecision,
) -> Result<Recovery, MonitorError> {
    let dep = decision.deployment.as_str();
    let found = surplus(ledger, plan, dep, decision.date, decision.policy)?;
    let id = recovery_id(plan, dep, &decision.id);
    if let Some(posted) = ledger.entry(&id) {
        return recorded_recovery(plan, dep, decision, found, posted);
    }
    let want = requested(found.surplus, decision.amount)?;
    match decision.method {
        RecoveryMethod::Immediate => {
            let parts = split_recovery(ledger, plan, dep, want)?;
            let mut entries = Vec::new();
            if !parts.is_empty() {
                let mut entry = NewEntry::new(id, decision.date)
                    .memo(format!(
                        "surplus recovered under {} ({} weeks' contingency kept)",
                        decision.id, decision.policy.contingency_weeks
                    ))
                    .meta(META_KIND, KIND_RECOVER)
                    .meta("budget", plan.budget().id().as_str())
                    .meta("deployment", dep)
                    .meta("decision", decision.id.as_str());
                for p in &parts {
                    entry = entry.transfer(p.from.clone(), p.to.clone(), p.amount);
                }
                entries.push(entry);
            }
            Ok(Recovery {
                decision: decision.id.clone(),
                surplus: found,
                requested: want,
                amount: want,
                parts,
                entries,
                reductions: None,
            })
        }
        RecoveryMethod::ReduceFuturePayments => {
            let council = ledger.available(&plan.fund_account(dep, &Source::Council))?;
            let amount = want.checked_min(council.checked_max(Money::zero(want.currency()))?)?;
            let schedule = reduction_schedule(plan, dep, decision, amount)?;
            Ok(Recovery {
                decision: decision.id.clone(),
                surplus: found,
                requested: want,
                amount,
                parts: Vec::new(),
                entries: Vec::new(),
                reductions: Some(schedule),
            })
        }
    }
}

fn recorded_recovery(
    plan: &PaymentPlan,
    deployment: &str,
    decision: &RecoveryDecision,
    found: Surplus,
    posted: EntryView<'_>,
) -> Result<Recovery, MonitorError> {
    let currency = plan.budget().currency();
    let mut parts = Vec::new();
    let mut amount = Money::zero(currency);
    for source in plan.budget().all_sources() {
        let from = plan.fund_account(deployment, &source);
        let out_of_source = posted
            .postings()
            .filter(|(a, _)| **a == from)
            .map(|(_, m)| m);
        let taken = Money::sum(currency, out_of_source)?.negate();
        if taken.is_zero() {
            continue;
        }
        amount = amount.checked_add(taken)?;
        parts.push(RecoveryPart {
            to: return_account(plan, &source),
            from,
            source,
            amount: taken,
        });
    }
    Ok(Recovery {
        decision: decision.id.clone(),
        surplus: found,
        requested: amount,
        amount,
        parts,
        entries: vec![posted.to_new_entry()],
        reductions: None,
    })
}

fn council_cell(
    plan: &PaymentPlan,
    deployment: &str,
    amounts: &crate::deploy::PeriodAmounts,
) -> Option<Money> {
    let row = plan
        .deployments()
        .iter()
        .position(|d| d.name == deployment)?;
    let col = amounts.sources.iter().position(|s| *s == Source::Council)?;
    amounts.cells.get(row)?.get(col).copied()
}

fn reduction_schedule(
    plan: &PaymentPlan,
    deployment: &str,
    decision: &RecoveryDecision,
    amount: Money,
) -> Result<ReductionSchedule, MonitorError> {
    let mut left = amount;
    let mut planned = Vec::new();
    let mut available = Money::zero(amount.currency());
    for amounts in plan.amounts()? {
        let start = amounts.period.start();
        if start < decision.date {
            continue;
        }
        let cell = council_cell(plan, deployment, &amounts)
            .unwrap_or(Money::zero(amount.currency()))
            .checked_max(Money::zero(amount.currency()))?;
        available = available.checked_add(cell)?;
        let take = cell.checked_min(left)?;
        if take.is_positive() {
            planned.push((start, take));
            left = left.checked_sub(take)?;
        }
    }
    if left.is_positive() {
        return Err(MonitorError::NotEnoughFuturePayments {
            fund: fund_name(plan, deployment),
            amount,
            available,
        });
    }
    Ok(ReductionSchedule {
        decision: decision.id.clone(),
        deployment: deployment.to_string(),
        from: decision.date,
        amount,
        planned,
    })
}

impl ReductionSchedule {
    /// What has been recovered so far: the reduction entries in the ledger.
    ///
    /// # Errors
    ///
    /// [`MonitorError::Deploy`] if the plan's periods cannot be listed, [`MonitorError::Money`]
    /// on overflow.
    pub fn recovered(&self, ledger: &Ledger, plan: &PaymentPlan) -> Result<Money, MonitorError> {
        let council = plan.fund_account(&self.deployment, &Source::Council);
        let mut total = Money::zero(self.amount.currency());
        for period in plan.periods()? {
            let id = reduction_id(plan, &self.deployment, &self.decision, period.start());
            if let Some(entry) = ledger.entry(&id) {
                for (account, m) in entry.postings() {
                    if *account == council {
                        total = total.checked_sub(m)?;
                    }
                }
            }
        }
        Ok(total)
    }

    /// What is left to recover.
    ///
    /// # Errors
    ///
    /// As [`ReductionSchedule::recovered`].
    pub fn remaining(&self, ledger: &Ledger, plan: &PaymentPlan) -> Result<Money, MonitorError> {
        Ok(self.amount.checked_sub(self.recovered(ledger, plan)?)?)
    }

    /// The reduction entries now due: for each period starting on or after
    /// [`ReductionSchedule::from`] whose payment is in the ledger and not yet reduced, in order,
    /// min(what the payment put in the council's fund account, what is left, what that
    /// account has available), moved back to the council bank, dated on the payment's date.
    /// Empty when nothing is due.
    ///
    /// # Errors
    ///
    /// As [`ReductionSchedule::recovered`]; [`MonitorError::Ledger`] if accounts are not open.
    pub fn due_entries(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
    ) -> Result<Vec<NewEntry>, MonitorError> {
        let zero = Money::zero(self.amount.currency());
        let council = plan.fund_account(&self.deployment, &Source::Council);
        let mut left = self.remaining(ledger, plan)?;
        let mut available = ledger.available(&council)?;
        let mut out = Vec::new();
        for period in plan.periods()? {
            if !left.is_positive() {
                break;
            }
            let start = period.start();
            if start < self.from {
                continue;
            }
            let id = reduction_id(plan, &self.deployment, &self.decision, start);
            if ledger.entry(&id).is_some() {
                continue;
            }
            let Some(payment) = ledger.entry(&plan.payment_id(start)) else {
                continue;
            };
            let paid_in = payment
                .postings()
                .filter(|(a, _)| **a == council)
                .try_fold(zero, |t, (_, m)| t.checked_add(m))?;
            let take = paid_in.checked_min(left)?.checked_min(available)?;
            if !take.is_positive() {
                continue;
            }
            left = left.checked_sub(take)?;
            available = available.checked_sub(take)?;
            out.push(
                NewEntry::new(id, payment.date())
                    .memo(format!(
                        "payment for {period} reduced under {} to recover surplus",
                        self.decision
                    ))
                    .meta(META_KIND, KIND_REDUCE)
                    .meta("budget", plan.budget().id().as_str())
                    .meta("deployment", self.deployment.as_str())
                    .meta("decision", self.decision.as_str())
                    .meta("period", period.to_string())
                    .transfer(council.clone(), plan.council_bank(), take),
            );
        }
        Ok(out)
    }

    /// Posts [`ReductionSchedule::due_entries`] as one batch, all or nothing.
    ///
    /// # Errors
    ///
    /// As [`ReductionSchedule::due_entries`]; [`MonitorError::Ledger`] if the ledger refuses
    /// them (nothing is posted then).
    pub fn post_due(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
    ) -> Result<Vec<Receipt>, MonitorError> {
        let entries = self.due_entries(ledger, plan)?;
        Ok(ledger.post_batch(entries)?)
    }
}

/// Works out a recovery ([`plan_recovery`]) and posts its entries as one batch, all or nothing.
/// Posting the same decision again changes nothing.
///
/// # Errors
///
/// As [`plan_recovery`], and [`MonitorError::Ledger`] if the ledger refuses the entries.
pub fn post_recovery(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    decision: &RecoveryDecision,
) -> Result<Recovery, MonitorError> {
    let recovery = plan_recovery(ledger, plan, decision)?;
    ledger.post_batch(recovery.entries.clone())?;
    Ok(recovery)
}
