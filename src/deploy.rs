//! Deployment of a personal budget into funds, payment schedules and runs, contributions, and
//! adjustments for backdated revisions.
//!
//! A [`PaymentPlan`] ties a [`PersonalBudget`] to how it is deployed ([`Deployment`]s: direct
//! payment gross or net, council-managed account, ISF held by a provider, third-party managed
//! account, or any mix, by percentages or fixed amounts) and to a [`PaymentSchedule`]. It turns
//! intent into [`NewEntry`] values; the [`Ledger`] checks and records them. It never writes a
//! balance itself, and every figure it reports is read back from the ledger.
//!
//! # Funds and source attribution
//!
//! Each deployment's fund is a group of ledger accounts, one per source of its money, each
//! never below zero: `fund:{budget}:{deployment}:council`, `…:person`, `…:topup:{payer}`,
//! `…:other:{funder}`. The fund's balance is their sum, and how much of it came from whom is
//! simply each account's balance: attribution is derived from the postings like every other
//! balance, and a refund or recovery to a source can never take more than that source put in,
//! net, because its account would go below zero. Spending takes from the sources by a
//! [`SpendOrder`]: pro-rata to what each has available by default.
//!
//! # What each period pays
//!
//! For each schedule period the budget's exact amount per source is computed over the period's
//! days (see [`crate::budget`]); payments are the *rounded running total* minus the rounded
//! running total before the period, per source, from the first period of the plan. So payments
//! for full periods of a whole number of weeks are identical, every part period is pro-rata by
//! days, and however many periods there are, the payments to date never differ from the exact
//! amount to date by more than half a penny. The council's share is what is left of the rounded
//! cost once the other sources are paid, so the sources sum to the rounded cost. Two exceptions
//! keep the council from paying what it does not owe: its running total never goes down (no
//! period pays it a negative amount when its share is under a penny a period), and while its
//! share is nothing it pays nothing. In those cases the sources may sum to a penny off the
//! rounded cost, each still within half a penny of its own exact share.
//!
//! Each source's amount is then split across the deployments exactly (fixed amounts first, then
//! percentages, the remainder last), and each deployment's amount across sources pro-rata, with
//! [`Money::allocate_by_weights`]: every row and column of the split sums to the whole.
//!
//! # Who pays what into a fund
//!
//! * Council share: from `council:{council}:bank`.
//! * Person's contribution, net direct payment: the person pays it in
//!   ([`PaymentPlan::contribution_receipt`]); the plan tracks what was expected and received.
//! * Person's contribution, everything else (gross direct payment, council-managed, ISF,
//!   third-party managed): the council pays it in with its own share and invoices the person in
//!   the same entry (`council:{council}:receivable:{person}`, credited to
//!   `council:{council}:contribution-income`). It is attributed to the person in the fund,
//!   because the person pays for it.
//! * Top-ups and other funding: from `payer:{payer}` and `funder:{name}`, paid with each run.
//!
//! # 53-Monday years
//!
//! A financial year such as 2024/25 has 53 Mondays, so a weekly, fortnightly or four-weekly
//! schedule starts a period on the year's 365th day. [`Week53Policy::PayEveryPeriod`] (the
//! default) pays that period like any other, for its days: the year has one more payment, and no
//! day is ever paid twice or not at all. [`Week53Policy::SkipExtraPeriod`] does not pay a period
//! that starts on or after the 365th day of its financial year: the year has exactly 52 weeks of
//! payments, and the days of the skipped period are left unpaid.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::budget::{BudgetError, Fraction, PersonId, PersonalBudget, RevisionId, Source};
use crate::ledger::types::id_type;
use crate::ledger::{
    AccountId, AccountKind, BalanceRule, EntryId, Ledger, LedgerError, NewAccount, NewEntry,
    Receipt,
};
use crate::money::{Currency, Money, MoneyError};
use crate::period::{FinancialYear, Frequency, Period, PeriodError, Schedule};

id_type!(
    /// A council.
    CouncilId
);
id_type!(
    /// A care provider.
    ProviderId
);
id_type!(
    /// A third-party managed-account service.
    ManagerId
);

/// Errors from deployments, schedules, runs and contributions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeployError {
    /// The deployment shares do not describe the whole budget.
    #[error("plan {budget}: invalid shares: {reason}")]
    InvalidShares {
        /// The budget.
        budget: String,
        /// Why.
        reason: String,
    },
    /// The schedule starts after the budget does, so its first days would never be paid.
    #[error("plan {budget}: schedule anchor {anchor} is after the budget starts on {start}")]
    AnchorAfterStart {
        /// The budget.
        budget: String,
        /// The schedule's anchor.
        anchor: NaiveDate,
        /// The budget's first day.
        start: NaiveDate,
    },
    /// A total was to be split over a range in which the schedule pays no period.
    #[error("no period is paid in {range}, so {total} cannot be split over it")]
    NoPeriodPaid {
        /// The range.
        range: Period,
        /// The total.
        total: Money,
    },
    /// No deployment has this name.
    #[error("plan {budget}: unknown deployment {name:?}")]
    UnknownDeployment {
        /// The budget.
        budget: String,
        /// The name at fault.
        name: String,
    },
    /// Fixed amounts exceed the budget for a period.
    #[error(
        "plan {budget}: fixed deployments need {fixed} in {period} but the budget gives {total}"
    )]
    FixedExceedsBudget {
        /// The budget.
        budget: String,
        /// The period.
        period: Period,
        /// The fixed amounts.
        fixed: Money,
        /// The budget for the period.
        total: Money,
    },
    /// A fund has less available than asked to spend.
    #[error("fund {fund}: cannot spend {amount}, only {available} available")]
    InsufficientFunds {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// What was asked.
        amount: Money,
        /// What it has available.
        available: Money,
    },
    /// An amount that must be above zero is not.
    #[error("{what} must be above zero, got {amount}")]
    NotPositive {
        /// What the amount is for.
        what: &'static str,
        /// The amount at fault.
        amount: Money,
    },
    /// A budget problem.
    #[error(transparent)]
    Budget(#[from] BudgetError),
    /// The ledger refused an entry.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// A date calculation failed.
    #[error(transparent)]
    Period(#[from] PeriodError),
}

/// Gross or net direct payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PaymentBasis {
    /// The council pays the whole budget and invoices the contribution.
    Gross,
    /// The council pays its share; the person pays their contribution into the fund.
    Net,
}

/// How (part of) a budget reaches care.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DeploymentKind {
    /// Money paid to the person (or their nominee).
    DirectPayment {
        /// Gross or net.
        basis: PaymentBasis,
    },
    /// An account the council manages, for services it commissions.
    CouncilManaged,
    /// An individual service fund held by a provider.
    Isf {
        /// The provider holding it.
        provider: ProviderId,
    },
    /// A third-party managed account.
    ThirdPartyManaged {
        /// The manager.
        manager: ManagerId,
    },
}

impl DeploymentKind {
    fn is_net(&self) -> bool {
        matches!(
            self,
            DeploymentKind::DirectPayment {
                basis: PaymentBasis::Net
            }
        )
    }

    pub(crate) fn owner(&self, person: &PersonId, council: &CouncilId) -> String {
        match self {
            DeploymentKind::DirectPayment { .. } => format!("person:{person}"),
            DeploymentKind::CouncilManaged => format!("council:{council}"),
            DeploymentKind::Isf { provider } => format!("provider:{provider}"),
            DeploymentKind::ThirdPartyManaged { manager } => format!("manager:{manager}"),
        }
    }
}

impl fmt::Display for DeploymentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeploymentKind::DirectPayment { basis } => match basis {
                PaymentBasis::Gross => f.write_str("direct payment (gross)"),
                PaymentBasis::Net => f.write_str("direct payment (net)"),
            },
            DeploymentKind::CouncilManaged => f.write_str("council-managed account"),
            DeploymentKind::Isf { provider } => write!(f, "ISF held by {provider}"),
            DeploymentKind::ThirdPartyManaged { manager } => {
                write!(f, "third-party managed account ({manager})")
            }
        }
    }
}

/// How much of the budget a deployment gets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Share {
    /// A percentage of the whole budget (up to four decimal places).
    Percent(Decimal),
    /// A fixed amount per week (the budget's other deployments share the rest).
    FixedWeekly(Money),
    /// Whatever the others leave.
    Remainder,
}

/// One deployment of a budget: a named fund, how it is held, and its share.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Deployment {
    /// A short name, unique in the plan, used in account ids (`dp`, `isf`, `managed`).
    pub name: String,
    /// How it is held.
    pub kind: DeploymentKind,
    /// Its share of the budget.
    pub share: Share,
}

impl Deployment {
    /// A deployment of the whole budget.
    pub fn whole(name: impl Into<String>, kind: DeploymentKind) -> Deployment {
        Deployment {
            name: name.into(),
            kind,
            share: Share::Percent(Decimal::ONE_HUNDRED),
        }
    }
}

/// In which order a fund's sources are spent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SpendOrder {
    /// In proportion to what each source has available (the default): every source's share of
    /// the fund stays the same.
    #[default]
    ProRata,
    /// The listed sources first, in order, each until it is empty; then the rest pro-rata.
    Priority(Vec<Source>),
}

/// When a period is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Timing {
    /// On or after its first day (the usual way).
    #[default]
    InAdvance,
    /// On or after the day after its last day.
    InArrears,
}

/// What to do with the extra period of a financial year with 53 Mondays. See the
/// [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Week53Policy {
    /// Pay every period for its days (the default).
    #[default]
    PayEveryPeriod,
    /// Do not pay a week-based period that starts on or after the 365th day of its financial
    /// year.
    SkipExtraPeriod,
}

/// When payments are made: a frequency from an anchor date, in advance or in arrears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PaymentSchedule {
    /// How often.
    pub frequency: Frequency,
    /// The first day of one period (periods before it are not scheduled).
    pub anchor: NaiveDate,
    /// In advance or in arrears.
    pub timing: Timing,
    /// The 53-Monday policy.
    pub week53: Week53Policy,
}

impl PaymentSchedule {
    /// A schedule paid in advance, every period paid.
    pub fn new(frequency: Frequency, anchor: NaiveDate) -> PaymentSchedule {
        PaymentSchedule {
            frequency,
            anchor,
            timing: Timing::InAdvance,
            week53: Week53Policy::PayEveryPeriod,
        }
    }

    /// Pays in arrears.
    #[must_use]
    pub fn in_arrears(mut self) -> PaymentSchedule {
        self.timing = Timing::InArrears;
        self
    }

    /// Sets the 53-Monday policy.
    #[must_use]
    pub fn week53(mut self, policy: Week53Policy) -> PaymentSchedule {
        self.week53 = policy;
        self
    }

    fn is_week_based(&self) -> bool {
        matches!(
            self.frequency,
            Frequency::Weekly | Frequency::Fortnightly | Frequency::FourWeekly
        )
    }

    fn skips(&self, period: &Period) -> Result<bool, PeriodError> {
        if self.week53 != Week53Policy::SkipExtraPeriod || !self.is_week_based() {
            return Ok(false);
        }
        let fy = FinancialYear::containing(period.start())?;
        Ok((period.start() - fy.period().start()).num_days() >= 364)
    }

    /// The periods paid within `range`, clipped to it, in order.
    ///
    /// # Errors
    ///
    /// [`PeriodError`] for a range too far from the anchor or out of range.
    pub fn periods(&self, range: Period) -> Result<Vec<Period>, PeriodError> {
        let schedule = Schedule::new(self.anchor, self.frequency);
        let mut out = Vec::new();
        for p in schedule.periods_overlapping(range)? {
            if self.skips(&p)? {
                continue;
            }
            if let Some(clipped) = p.intersect(&range) {
                out.push(clipped);
            }
        }
        Ok(out)
    }

    fn due_on(&self, period: &Period) -> NaiveDate {
        match self.timing {
            Timing::InAdvance => period.start(),
            Timing::InArrears => period.end(),
        }
    }

    /// Splits `total` across the periods paid within `range` exactly, in proportion to their
    /// days: full periods of a week-based schedule get identical amounts (to the penny, the
    /// earliest periods taking any leftover pennies), part periods pro-rata by days.
    ///
    /// # Errors
    ///
    /// [`DeployError`] if the total is not exact in minor units or the range is out of reach;
    /// [`DeployError::NoPeriodPaid`] if a non-zero total meets a range in which no period is
    /// paid (every period in it skipped by [`Week53Policy::SkipExtraPeriod`]).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::{Frequency, PaymentSchedule, Period};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // A 52-week year paid four-weekly: thirteen identical payments.
    /// let schedule = PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7));
    /// let year = Period::new(d(2025, 4, 7), d(2026, 4, 6))?;
    /// let payments = schedule.split(year, "15600.00 GBP".parse()?)?;
    /// assert_eq!(payments.len(), 13);
    /// assert!(payments.iter().all(|(_, m)| m.to_string() == "1200.00 GBP"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn split(&self, range: Period, total: Money) -> Result<Vec<(Period, Money)>, DeployError> {
        let periods = self.periods(range)?;
        if periods.is_empty() {
            return if total.is_zero() {
                Ok(Vec::new())
            } else {
                Err(DeployError::NoPeriodPaid { range, total })
            };
        }
        let parts = crate::period::allocate_by_days(total, &periods)?;
        Ok(periods.into_iter().zip(parts).collect())
    }
}

/// The amounts of one period: for each deployment, for each source, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodAmounts {
    /// The period (clipped to the budget's validity).
    pub period: Period,
    /// The sources, in the order of the columns.
    pub sources: Vec<Source>,
    /// One row per deployment (in plan order), one amount per source.
    pub cells: Vec<Vec<Money>>,
}

impl PeriodAmounts {
    /// The total for a source across deployments.
    pub fn source_total(&self, source: &Source) -> Option<Money> {
        let col = self.sources.iter().position(|s| s == source)?;
        let currency = self.cells.first()?.first()?.currency();
        let mut total = Money::zero(currency);
        for row in &self.cells {
            total = total.checked_add(*row.get(col)?).ok()?;
        }
        Some(total)
    }

    /// The total for a deployment across sources.
    pub fn deployment_total(&self, row: usize) -> Option<Money> {
        let cells = self.cells.get(row)?;
        let mut total = Money::zero(cells.first()?.currency());
        for m in cells {
            total = total.checked_add(*m).ok()?;
        }
        Some(total)
    }
}

/// A budget, how it is deployed, and when it is paid: everything a council needs to fund a
/// person's accounts and run payments.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::*;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let year = Period::from_inclusive(d(2025, 4, 7), d(2026, 4, 5))?;
/// let budget = PersonalBudget::new(
///     "PB1", "P1", year,
///     BudgetTerms::new(Basis::Week, "48.00 GBP".parse()?).contribution("28.00 GBP".parse()?),
/// )?;
/// let plan = PaymentPlan::new(
///     "cambs", budget,
///     vec![Deployment::whole("dp", DeploymentKind::DirectPayment { basis: PaymentBasis::Net })],
///     PaymentSchedule::new(Frequency::Weekly, d(2025, 4, 7)),
/// )?;
/// let mut ledger = Ledger::new();
/// plan.open_accounts(&mut ledger)?;
/// let run = PaymentRun::new("run-1", d(2025, 4, 7));
/// let report = run_payments(&mut ledger, &[&plan], &run);
/// assert!(report.refused.is_empty());
/// // The council pays its £20; the person deposits their £28.
/// ledger.post(plan.contribution_receipt("dp", "P1-dep-1", "28.00 GBP".parse()?, d(2025, 4, 7))?)?;
/// assert_eq!(plan.fund_balance(&ledger, "dp")?.to_string(), "48.00 GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPlan {
    council: CouncilId,
    budget: PersonalBudget,
    deployments: Vec<Deployment>,
    schedule: PaymentSchedule,
    spend_order: SpendOrder,
}

impl PaymentPlan {
    /// A plan: the council that pays, the budget, its deployments and its schedule.
    ///
    /// # Errors
    ///
    /// [`DeployError::InvalidShares`] if the deployments are empty, share a name, have
    /// percentages that are negative, have more than four decimals or sum past 100, have no
    /// remainder where fixed amounts or percentages under 100 need one, or have two remainders;
    /// [`DeployError::AnchorAfterStart`] if the schedule starts after the budget.
    pub fn new(
        council: impl Into<CouncilId>,
        budget: PersonalBudget,
        deployments: Vec<Deployment>,
        schedule: PaymentSchedule,
    ) -> Result<PaymentPlan, DeployError> {
        let plan = PaymentPlan {
            council: council.into(),
            budget,
            deployments,
            schedule,
            spend_order: SpendOrder::default(),
        };
        plan.check_shares()?;
        if plan.schedule.anchor > plan.budget.validity().start() {
            return Err(DeployError::AnchorAfterStart {
                budget: plan.budget.id().to_string(),
                anchor: plan.schedule.anchor,
                start: plan.budget.validity().start(),
            });
        }
        Ok(plan)
    }

    /// Sets the order in which funds' sources are spent.
    #[must_use]
    pub fn spend_order(mut self, order: SpendOrder) -> PaymentPlan {
        self.spend_order = order;
        self
    }

    fn invalid(&self, reason: impl Into<String>) -> DeployError {
        DeployError::InvalidShares {
            budget: self.budget.id().to_string(),
            reason: reason.into(),
        }
    }

    fn check_shares(&self) -> Result<(), DeployError> {
        if self.deployments.is_empty() {
            return Err(self.invalid("a plan needs at least one deployment"));
        }
        let mut percent = Decimal::ZERO;
        let mut remainders = 0;
        let mut fixed = false;
        for (i, d) in self.deployments.iter().enumerate() {
            if d.name.is_empty() || d.name.contains(':') || d.name.chars().any(char::is_control) {
                return Err(self.invalid(format!(
                    "deployment name {:?} must be non-empty, without ':' or control characters",
                    d.name
                )));
            }
            if self.deployments[..i].iter().any(|e| e.name == d.name) {
                return Err(self.invalid(format!("two deployments are named {:?}", d.name)));
            }
            match &d.share {
                Share::Percent(p) => {
                    if p.is_sign_negative() || p.normalize().scale() > 4 {
                        return Err(self.invalid(format!(
                            "{}: percentage {p} must be positive with at most 4 decimals",
                            d.name
                        )));
                    }
                    percent = percent
                        .checked_add(*p)
                        .ok_or_else(|| self.invalid("percentages overflow"))?;
                }
                Share::FixedWeekly(m) => {
                    if m.currency() != self.budget.currency() || !m.is_exact() || m.is_negative() {
                        return Err(self.invalid(format!(
                            "{}: fixed amount {m} must be a positive exact {} amount",
                            d.name,
                            self.budget.currency()
                        )));
                    }
                    fixed = true;
                }
                Share::Remainder => remainders += 1,
            }
        }
        if percent > Decimal::ONE_HUNDRED {
            return Err(self.invalid(format!("percentages sum to {percent}, over 100")));
        }
        if remainders > 1 {
            return Err(self.invalid("at most one deployment may take the remainder"));
        }
        if remainders == 0 && (fixed || percent != Decimal::ONE_HUNDRED) {
            return Err(self.invalid(format!(
                "percentages sum to {percent} and nothing takes the remainder"
            )));
        }
        Ok(())
    }

    /// The budget.
    pub fn budget(&self) -> &PersonalBudget {
        &self.budget
    }

    /// Revises the budget (see [`PersonalBudget::revise`]); then [`PaymentPlan::adjustments`]
    /// gives the entries that settle the difference for periods already paid.
    ///
    /// # Errors
    ///
    /// [`DeployError::Budget`].
    pub fn revise(&mut self, revision: crate::budget::Revision) -> Result<(), DeployError> {
        self.budget.revise(revision)?;
        Ok(())
    }

    /// The deployments.
    pub fn deployments(&self) -> &[Deployment] {
        &self.deployments
    }

    /// The schedule.
    pub fn schedule(&self) -> &PaymentSchedule {
        &self.schedule
    }

    /// The council.
    pub fn council(&self) -> &CouncilId {
        &self.council
    }

    // ----- account names ---------------------------------------------------------------------

    /// The council's bank account, which pays council shares and receives recoveries.
    pub fn council_bank(&self) -> AccountId {
        format!("council:{}:bank", self.council).into()
    }

    /// What the person owes the council for invoiced (gross) contributions.
    pub fn council_receivable(&self) -> AccountId {
        format!(
            "council:{}:receivable:{}",
            self.council,
            self.budget.person()
        )
        .into()
    }

    /// The council's income from invoiced contributions.
    pub fn contribution_income(&self) -> AccountId {
        format!("council:{}:contribution-income", self.council).into()
    }

    /// Contributions the person has paid into net direct-payment funds (credit balance).
    pub fn contributions_paid(&self) -> AccountId {
        format!("budget:{}:contributions-paid", self.budget.id()).into()
    }

    /// The account a source's money comes from when the plan pays it in.
    pub fn payer_account(&self, source: &Source) -> AccountId {
        match source {
            Source::Council | Source::Person => self.council_bank(),
            Source::TopUp(payer) => format!("payer:{payer}").into(),
            Source::Other(funder) => format!("funder:{funder}").into(),
        }
    }

    /// The account holding `source`'s money in deployment `name`'s fund.
    pub fn fund_account(&self, name: &str, source: &Source) -> AccountId {
        format!("fund:{}:{}:{}", self.budget.id(), name, source.key()).into()
    }

    fn deployment_index(&self, name: &str) -> Result<usize, DeployError> {
        self.deployments
            .iter()
            .position(|d| d.name == name)
            .ok_or_else(|| DeployError::UnknownDeployment {
                budget: self.budget.id().to_string(),
                name: name.to_string(),
            })
    }

    /// Opens every account the plan uses: council, payers, and each deployment's fund accounts
    /// (one per source, never below zero). Opening again changes nothing.
    ///
    /// # Errors
    ///
    /// [`DeployError::Ledger`] if an account exists with other details.
    pub fn open_accounts(&self, ledger: &mut Ledger) -> Result<(), DeployError> {
        let currency = self.budget.currency();
        let council = format!("council:{}", self.council);
        let person = format!("person:{}", self.budget.person());
        let open = |ledger: &mut Ledger, id: AccountId, kind, owner: &str| {
            ledger.open_account(NewAccount::new(id, kind, currency).owner(owner))
        };
        open(ledger, self.council_bank(), AccountKind::Asset, &council)?;
        open(
            ledger,
            self.council_receivable(),
            AccountKind::Asset,
            &council,
        )?;
        open(
            ledger,
            self.contribution_income(),
            AccountKind::Income,
            &council,
        )?;
        open(
            ledger,
            self.contributions_paid(),
            AccountKind::Equity,
            &person,
        )?;
        for source in self.budget.all_sources() {
            if let Source::TopUp(payer) = &source {
                open(
                    ledger,
                    self.payer_account(&source),
                    AccountKind::Equity,
                    payer.as_str(),
                )?;
            }
            if let Source::Other(funder) = &source {
                open(
                    ledger,
                    self.payer_account(&source),
                    AccountKind::Income,
                    funder,
                )?;
            }
        }
        for d in &self.deployments {
            let owner = d.kind.owner(self.budget.person(), &self.council);
            for source in self.budget.all_sources() {
                ledger.open_account(
                    NewAccount::new(
                        self.fund_account(&d.name, &source),
                        AccountKind::Fund,
                        currency,
                    )
                    .owner(owner.as_str())
                    .tag(format!("budget:{}", self.budget.id()))
                    .tag(format!("deployment:{}", d.name))
                    .tag(format!("source:{}", source.key()))
                    .rule(BalanceRule::NonNegative),
                )?;
            }
        }
        Ok(())
    }

    // ----- amounts ------------------------------------------------------------------------------

    /// The periods the plan pays, clipped to the budget's validity, in order.
    ///
    /// # Errors
    ///
    /// [`DeployError::Period`].
    pub fn periods(&self) -> Result<Vec<Period>, DeployError> {
        Ok(self.schedule.periods(self.budget.validity())?)
    }

    /// What each deployment gets from each source for every period, under the budget's current
    /// terms. See the [module docs](self) for how.
    ///
    /// # Errors
    ///
    /// [`DeployError`] on overflow or if fixed amounts exceed the budget.
    pub fn amounts(&self) -> Result<Vec<PeriodAmounts>, DeployError> {
        let currency = self.budget.currency();
        let sources = self.budget.all_sources();
        let mut running: Vec<Fraction> = vec![Fraction::ZERO; sources.len()];
        let mut running_cost = Fraction::ZERO;
        let mut paid_before: Vec<Money> = vec![Money::zero(currency); sources.len()];
        let mut fixed_running: Vec<Fraction> = vec![Fraction::ZERO; self.deployments.len()];
        let mut fixed_before: Vec<Money> = vec![Money::zero(currency); self.deployments.len()];
        let mut out = Vec::new();
        let overflow = |what: &str| DeployError::Budget(BudgetError::Overflow(what.to_string()));
        for period in self.periods()? {
            let exact = self.budget.exact_by_source(period)?;
            // Running totals per source, rounded; the council takes what is left of the cost.
            let mut now = Vec::with_capacity(sources.len());
            for (i, (_, f)) in exact.iter().enumerate() {
                running[i] = running[i]
                    .checked_add(*f)
                    .ok_or_else(|| overflow("running total"))?;
                running_cost = running_cost
                    .checked_add(*f)
                    .ok_or_else(|| overflow("running cost"))?;
                now.push(running[i].round(currency)?);
            }
            let cost_now = running_cost.round(currency)?;
            if let Some(council) = sources.iter().position(|s| *s == Source::Council) {
                let mut others = Money::zero(currency);
                for (i, m) in now.iter().enumerate() {
                    if i != council {
                        others = others.checked_add(*m)?;
                    }
                }
                // What is left of the cost, never less than the council was already paid, and
                // nothing while its share is nothing: otherwise, when its share is under a
                // penny a period (or nothing), the others' rounding could ask it for a negative
                // payment or a penny it does not owe.
                now[council] = if running[council] == Fraction::ZERO {
                    Money::zero(currency)
                } else {
                    cost_now
                        .checked_sub(others)?
                        .checked_max(paid_before[council])?
                };
            }
            let mut this_period = Vec::with_capacity(sources.len());
            for (i, m) in now.iter().enumerate() {
                this_period.push(m.checked_sub(paid_before[i])?);
            }
            paid_before = now;
            // Fixed deployments' amounts for the period, by the same running-total rule.
            let mut fixed_now = Vec::with_capacity(self.deployments.len());
            for (j, d) in self.deployments.iter().enumerate() {
                if let Share::FixedWeekly(m) = &d.share {
                    let f = crate::budget::BudgetRate::weekly(*m).exact_over(period)?;
                    fixed_running[j] = fixed_running[j]
                        .checked_add(f)
                        .ok_or_else(|| overflow("fixed running total"))?;
                    let rounded = fixed_running[j].round(currency)?;
                    fixed_now.push(rounded.checked_sub(fixed_before[j])?);
                    fixed_before[j] = rounded;
                } else {
                    fixed_now.push(Money::zero(currency));
                }
            }
            let cells = self.split_period(period, &this_period, &fixed_now)?;
            out.push(PeriodAmounts {
                period,
                sources: sources.clone(),
                cells,
            });
        }
        Ok(out)
    }

    /// Splits a period's source amounts across deployments: every row and column sums exactly.
    fn split_period(
        &self,
        period: Period,
        by_source: &[Money],
        fixed: &[Money],
    ) -> Result<Vec<Vec<Money>>, DeployError> {
        let currency = self.budget.currency();
        let mut total = Money::zero(currency);
        for m in by_source {
            total = total.checked_add(*m)?;
        }
        // What each deployment gets in total.
        let n = self.deployments.len();
        let mut targets = vec![Money::zero(currency); n];
        let mut weights = Vec::with_capacity(n + 1);
        let mut percent_total: u64 = 0;
        for d in &self.deployments {
            let w = match &d.share {
                Share::Percent(p) => percent_weight(*p),
                _ => 0,
            };
            percent_total += w;
            weights.push(w);
        }
        weights.push(1_000_000u64.saturating_sub(percent_total));
        let negative = total.is_negative();
        let by_percent = if total.is_zero() {
            vec![Money::zero(currency); n + 1]
        } else {
            total.allocate_by_weights(&weights)?
        };
        let mut rest = by_percent[n];
        let mut fixed_total = Money::zero(currency);
        for (j, d) in self.deployments.iter().enumerate() {
            match d.share {
                Share::Percent(_) => targets[j] = by_percent[j],
                Share::FixedWeekly(_) => {
                    let amount = if negative {
                        fixed[j].negate()
                    } else {
                        fixed[j]
                    };
                    targets[j] = amount;
                    fixed_total = fixed_total.checked_add(amount)?;
                }
                Share::Remainder => {}
            }
        }
        rest = rest.checked_sub(fixed_total)?;
        if (rest.is_negative() && !negative) || (rest.is_positive() && negative) {
            return Err(DeployError::FixedExceedsBudget {
                budget: self.budget.id().to_string(),
                period,
                fixed: fixed_total,
                total,
            });
        }
        if let Some(j) = self
            .deployments
            .iter()
            .position(|d| d.share == Share::Remainder)
        {
            targets[j] = rest;
        }
        // Each deployment's total across sources, pro-rata to what each source has left.
        let mut left: Vec<Money> = by_source.to_vec();
        let mut cells = vec![vec![Money::zero(currency); by_source.len()]; n];
        for j in 0..n {
            let row = if j + 1 == n {
                left.clone()
            } else {
                let signs_agree =
                    left.iter().all(|m| !m.is_negative()) || left.iter().all(|m| !m.is_positive());
                let weights = left
                    .iter()
                    .map(|m| Ok(m.negate().checked_max(*m)?.minor_weight()?))
                    .collect::<Result<Vec<u64>, DeployError>>()?;
                if targets[j].is_zero() || weights.iter().all(|w| *w == 0) || !signs_agree {
                    vec![Money::zero(currency); by_source.len()]
                } else {
                    targets[j].allocate_by_weights(&weights)?
                }
            };
            for (s, m) in row.iter().enumerate() {
                left[s] = left[s].checked_sub(*m)?;
            }
            cells[j] = row;
        }
        Ok(cells)
    }

    // ----- payments ------------------------------------------------------------------------------

    /// The id of the payment entry for the period starting on `start`.
    pub fn payment_id(&self, start: NaiveDate) -> EntryId {
        format!("pay:{}:{start}", self.budget.id()).into()
    }

    /// The id of the adjustment entry a revision makes for the period starting on `start`.
    pub fn adjustment_id(&self, revision: &RevisionId, start: NaiveDate) -> EntryId {
        format!("adj:{}:{revision}:{start}", self.budget.id()).into()
    }

    /// True if the plan pays this (deployment, source) cell with each run.
    fn run_pays(&self, row: usize, source: &Source) -> bool {
        !(*source == Source::Person && self.deployments[row].kind.is_net())
    }

    /// The postings that move `cells` into the funds, from their payers, with the invoice for
    /// contributions the council pays in. Zero cells are left out.
    fn postings_for(
        &self,
        sources: &[Source],
        cells: &[Vec<Money>],
    ) -> Result<Vec<(AccountId, Money)>, DeployError> {
        let currency = self.budget.currency();
        let mut credits: BTreeMap<AccountId, Money> = BTreeMap::new();
        let mut postings = Vec::new();
        let mut invoiced = Money::zero(currency);
        for (row, amounts) in cells.iter().enumerate() {
            for (source, amount) in sources.iter().zip(amounts) {
                if amount.is_zero() || !self.run_pays(row, source) {
                    continue;
                }
                postings.push((
                    self.fund_account(&self.deployments[row].name, source),
                    *amount,
                ));
                let payer = credits
                    .entry(self.payer_account(source))
                    .or_insert(Money::zero(currency));
                *payer = payer.checked_sub(*amount)?;
                if *source == Source::Person {
                    invoiced = invoiced.checked_add(*amount)?;
                }
            }
        }
        postings.extend(credits.into_iter().filter(|(_, m)| !m.is_zero()));
        if !invoiced.is_zero() {
            postings.push((self.council_receivable(), invoiced));
            postings.push((self.contribution_income(), invoiced.negate()));
        }
        Ok(postings)
    }

    fn entry_with(
        id: EntryId,
        date: NaiveDate,
        memo: String,
        postings: Vec<(AccountId, Money)>,
    ) -> NewEntry {
        postings
            .into_iter()
            .fold(NewEntry::new(id, date).memo(memo), |e, (a, m)| {
                e.posting(a, m)
            })
    }

    /// The payment entries due by `run_date` and not yet in the ledger, dated `run_date`.
    ///
    /// # Errors
    ///
    /// [`DeployError`] on overflow or a schedule out of range.
    pub fn due_payments(
        &self,
        ledger: &Ledger,
        run_date: NaiveDate,
    ) -> Result<Vec<NewEntry>, DeployError> {
        let mut out = Vec::new();
        for amounts in self.amounts()? {
            if self.schedule.due_on(&amounts.period) > run_date {
                continue;
            }
            let id = self.payment_id(amounts.period.start());
            if ledger.entry(&id).is_some() {
                continue;
            }
            let postings = self.postings_for(&amounts.sources, &amounts.cells)?;
            if postings.len() < 2 {
                continue;
            }
            let entry = Self::entry_with(
                id,
                run_date,
                format!("payment {} for {}", self.budget.id(), amounts.period),
                postings,
            )
            .meta("budget", self.budget.id().as_str())
            .meta("period", amounts.period.to_string());
            out.push(entry);
        }
        Ok(out)
    }

    /// What the ledger shows was paid into each (deployment, source) cell for the period starting
    /// on `start`: the payment and every adjustment so far.
    fn paid_cells(
        &self,
        ledger: &Ledger,
        amounts: &PeriodAmounts,
    ) -> Result<Vec<Vec<Money>>, DeployError> {
        let start = amounts.period.start();
        let mut ids = vec![self.payment_id(start)];
        ids.extend(
            self.budget
                .revisions()
                .iter()
                .map(|r| self.adjustment_id(&r.id, start)),
        );
        let mut cell_of: BTreeMap<AccountId, (usize, usize)> = BTreeMap::new();
        for (row, d) in self.deployments.iter().enumerate() {
            for (col, source) in amounts.sources.iter().enumerate() {
                cell_of.insert(self.fund_account(&d.name, source), (row, col));
            }
        }
        let currency = self.budget.currency();
        let mut cells =
            vec![vec![Money::zero(currency); amounts.sources.len()]; self.deployments.len()];
        for id in ids {
            let Some(entry) = ledger.entry(&id) else {
                continue;
            };
            for (account, amount) in entry.postings() {
                if let Some(&(row, col)) = cell_of.get(account) {
                    cells[row][col] = cells[row][col].checked_add(amount)?;
                }
            }
        }
        Ok(cells)
    }

    /// True if the payment for the period starting on `start` is in the ledger.
    pub fn is_paid(&self, ledger: &Ledger, start: NaiveDate) -> bool {
        ledger.entry(&self.payment_id(start)).is_some()
    }

    /// The adjustment entries for `revision`: for every period already paid, exactly the
    /// difference between what the current terms give and what the ledger shows was paid (the
    /// payment and earlier adjustments), dated `date`. Periods not yet paid need none: they will
    /// be paid at the new terms. Adjustments already posted for this revision are not repeated.
    ///
    /// # Errors
    ///
    /// [`DeployError::Budget`] for an unknown revision; overflow.
    pub fn adjustments(
        &self,
        ledger: &Ledger,
        revision: &RevisionId,
        date: NaiveDate,
    ) -> Result<Vec<NewEntry>, DeployError> {
        let Some(rev) = self.budget.revisions().iter().find(|r| r.id == *revision) else {
            return Err(BudgetError::UnknownRevision {
                budget: self.budget.id().clone(),
                revision: revision.clone(),
            }
            .into());
        };
        let mut out = Vec::new();
        for amounts in self.amounts()? {
            let start = amounts.period.start();
            if !self.is_paid(ledger, start) {
                continue;
            }
            let id = self.adjustment_id(revision, start);
            if ledger.entry(&id).is_some() {
                continue;
            }
            let paid = self.paid_cells(ledger, &amounts)?;
            let mut diff = amounts.cells.clone();
            for (row, cells) in diff.iter_mut().enumerate() {
                for (col, cell) in cells.iter_mut().enumerate() {
                    *cell = cell.checked_sub(paid[row][col])?;
                }
            }
            let postings = self.postings_for(&amounts.sources, &diff)?;
            if postings.len() < 2 {
                continue;
            }
            out.push(
                Self::entry_with(
                    id,
                    date,
                    format!("adjustment for {}: {}", amounts.period, rev.reason),
                    postings,
                )
                .meta("budget", self.budget.id().as_str())
                .meta("revision", revision.as_str())
                .meta("period", amounts.period.to_string()),
            );
        }
        Ok(out)
    }

    /// Posts [`PaymentPlan::adjustments`] for `revision` as one batch, all or nothing.
    ///
    /// # Errors
    ///
    /// [`DeployError::Ledger`] if the ledger refuses them (for example, recovering an
    /// overpayment from a fund that has since spent it); nothing is posted then.
    pub fn post_adjustments(
        &self,
        ledger: &mut Ledger,
        revision: &RevisionId,
        date: NaiveDate,
    ) -> Result<Vec<Receipt>, DeployError> {
        let entries = self.adjustments(ledger, revision, date)?;
        Ok(ledger.post_batch(entries)?)
    }

    // ----- contributions --------------------------------------------------------------------

    /// The entry for a contribution the person pays into a net direct-payment fund.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`], [`DeployError::NotPositive`].
    pub fn contribution_receipt(
        &self,
        deployment: &str,
        id: impl Into<EntryId>,
        amount: Money,
        date: NaiveDate,
    ) -> Result<NewEntry, DeployError> {
        self.deployment_index(deployment)?;
        positive("a contribution", amount)?;
        Ok(NewEntry::new(id, date)
            .memo(format!("contribution from {}", self.budget.person()))
            .meta("budget", self.budget.id().as_str())
            .transfer(
                self.contributions_paid(),
                self.fund_account(deployment, &Source::Person),
                amount,
            ))
    }

    /// The entry for the person paying an invoiced (gross) contribution to the council.
    ///
    /// # Errors
    ///
    /// [`DeployError::NotPositive`].
    pub fn invoice_payment(
        &self,
        id: impl Into<EntryId>,
        amount: Money,
        date: NaiveDate,
    ) -> Result<NewEntry, DeployError> {
        positive("an invoice payment", amount)?;
        Ok(NewEntry::new(id, date)
            .memo(format!(
                "contribution invoice paid by {}",
                self.budget.person()
            ))
            .meta("budget", self.budget.id().as_str())
            .transfer(self.council_receivable(), self.council_bank(), amount))
    }

    /// Contributions as at `as_of`: what was expected into net direct-payment funds for periods
    /// due by then, what was received, the arrears, and what the person owes on invoices.
    ///
    /// # Errors
    ///
    /// [`DeployError`] on overflow; [`DeployError::Ledger`] if the plan's accounts are not open.
    pub fn contribution_status(
        &self,
        ledger: &Ledger,
        as_of: NaiveDate,
    ) -> Result<ContributionStatus, DeployError> {
        let currency = self.budget.currency();
        let mut expected = Money::zero(currency);
        for amounts in self.amounts()? {
            if self.schedule.due_on(&amounts.period) > as_of {
                continue;
            }
            let Some(col) = amounts.sources.iter().position(|s| *s == Source::Person) else {
                continue;
            };
            for (row, d) in self.deployments.iter().enumerate() {
                if d.kind.is_net() {
                    expected = expected.checked_add(amounts.cells[row][col])?;
                }
            }
        }
        let received = ledger
            .balance_as_at(&self.contributions_paid(), as_of)?
            .negate();
        let short = expected.checked_sub(received)?;
        let arrears = if short.is_positive() {
            short
        } else {
            Money::zero(currency)
        };
        Ok(ContributionStatus {
            expected,
            received,
            arrears,
            invoiced_outstanding: ledger.balance_as_at(&self.council_receivable(), as_of)?,
        })
    }

    // ----- funds ---------------------------------------------------------------------------------

    /// A deployment's fund balance: the sum of its source accounts.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`], [`DeployError::Ledger`] if accounts are not open.
    pub fn fund_balance(&self, ledger: &Ledger, deployment: &str) -> Result<Money, DeployError> {
        Ok(self.attribution(ledger, deployment)?.balance)
    }

    /// How much of a deployment's fund came from each source, read from the ledger. The parts
    /// sum to the fund balance.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`], [`DeployError::Ledger`] if accounts are not open.
    pub fn attribution(
        &self,
        ledger: &Ledger,
        deployment: &str,
    ) -> Result<Attribution, DeployError> {
        self.deployment_index(deployment)?;
        let currency = self.budget.currency();
        let mut balance = Money::zero(currency);
        let mut available = Money::zero(currency);
        let mut by_source = Vec::new();
        for source in self.budget.all_sources() {
            let account = ledger.account(&self.fund_account(deployment, &source))?;
            balance = balance.checked_add(account.balance())?;
            available = available.checked_add(account.available())?;
            by_source.push(SourceBalance {
                source,
                balance: account.balance(),
                available: account.available(),
            });
        }
        Ok(Attribution {
            deployment: deployment.to_string(),
            balance,
            available,
            by_source,
        })
    }

    /// The postings that spend `amount` from a deployment's fund, split over its sources by the
    /// plan's [`SpendOrder`]. The caller adds the other side (a provider, an expense) and posts.
    ///
    /// # Errors
    ///
    /// [`DeployError::InsufficientFunds`], [`DeployError::NotPositive`],
    /// [`DeployError::UnknownDeployment`].
    pub fn spend_postings(
        &self,
        ledger: &Ledger,
        deployment: &str,
        amount: Money,
    ) -> Result<Vec<(AccountId, Money)>, DeployError> {
        positive("spending", amount)?;
        let attribution = self.attribution(ledger, deployment)?;
        if attribution.available < amount {
            return Err(DeployError::InsufficientFunds {
                fund: format!("{}:{deployment}", self.budget.id()),
                amount,
                available: attribution.available,
            });
        }
        let take = split_spend(&attribution.by_source, amount, &self.spend_order)?;
        Ok(attribution
            .by_source
            .iter()
            .zip(take)
            .filter(|(_, m)| !m.is_zero())
            .map(|(s, m)| (self.fund_account(deployment, &s.source), m.negate()))
            .collect())
    }

    /// An entry spending `amount` from a deployment's fund to `to`.
    ///
    /// # Errors
    ///
    /// As [`PaymentPlan::spend_postings`].
    pub fn spend(
        &self,
        ledger: &Ledger,
        deployment: &str,
        id: impl Into<EntryId>,
        to: impl Into<AccountId>,
        amount: Money,
        date: NaiveDate,
    ) -> Result<NewEntry, DeployError> {
        let postings = self.spend_postings(ledger, deployment, amount)?;
        Ok(postings
            .into_iter()
            .fold(NewEntry::new(id, date), |e, (a, m)| e.posting(a, m))
            .posting(to, amount)
            .meta("budget", self.budget.id().as_str()))
    }
}

fn positive(what: &'static str, amount: Money) -> Result<(), DeployError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(DeployError::NotPositive { what, amount })
    }
}

/// A percentage with up to four decimals (checked by [`PaymentPlan::new`]) as an integer weight
/// out of 1,000,000.
fn percent_weight(p: Decimal) -> u64 {
    p.checked_mul(Decimal::from(10_000))
        .and_then(|scaled| u64::try_from(scaled.trunc()).ok())
        .unwrap_or(0)
}

/// Splits a spend over sources: priority sources first, then pro-rata to what is available.
fn split_spend(
    sources: &[SourceBalance],
    amount: Money,
    order: &SpendOrder,
) -> Result<Vec<Money>, DeployError> {
    let currency = amount.currency();
    let mut take = vec![Money::zero(currency); sources.len()];
    let mut left = amount;
    if let SpendOrder::Priority(first) = order {
        for wanted in first {
            if let Some(i) = sources.iter().position(|s| s.source == *wanted) {
                let can = sources[i]
                    .available
                    .checked_min(left)?
                    .checked_max(Money::zero(currency))?;
                take[i] = can;
                left = left.checked_sub(can)?;
            }
        }
    }
    if left.is_positive() {
        let weights = sources
            .iter()
            .zip(&take)
            .map(|(s, t)| Ok(s.available.checked_sub(*t)?.minor_weight()?))
            .collect::<Result<Vec<u64>, DeployError>>()?;
        let shares = left.allocate_by_weights(&weights)?;
        for (t, s) in take.iter_mut().zip(shares) {
            *t = t.checked_add(s)?;
        }
    }
    Ok(take)
}

/// Contributions as at a date. See [`PaymentPlan::contribution_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContributionStatus {
    /// Expected into net direct-payment funds for periods due by the date.
    pub expected: Money,
    /// Received from the person by the date.
    pub received: Money,
    /// Expected less received, when positive.
    pub arrears: Money,
    /// Invoiced (gross) contributions the person has not yet paid.
    pub invoiced_outstanding: Money,
}

/// One source's part of a fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceBalance {
    /// The source.
    pub source: Source,
    /// Its posted balance in the fund.
    pub balance: Money,
    /// Its balance less holds.
    pub available: Money,
}

/// A fund's balance by source. See [`PaymentPlan::attribution`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The deployment.
    pub deployment: String,
    /// The fund's balance.
    pub balance: Money,
    /// The fund's balance less holds.
    pub available: Money,
    /// Each source's part; they sum to `balance`.
    pub by_source: Vec<SourceBalance>,
}

/// A payment run: one date, many plans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRun {
    /// The run's reference (recorded on every entry it posts).
    pub id: String,
    /// The payment date: every period due by it and not yet paid is paid, dated it.
    pub date: NaiveDate,
}

impl PaymentRun {
    /// A run on `date`.
    pub fn new(id: impl Into<String>, date: NaiveDate) -> PaymentRun {
        PaymentRun {
            id: id.into(),
            date,
        }
    }
}

/// One payment a run posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPayment {
    /// The budget.
    pub budget: String,
    /// The entry.
    pub entry: EntryId,
    /// Its sequence number.
    pub receipt: Receipt,
    /// What the funds received in it.
    pub amount: Money,
}

/// A plan a run refused, and why; nothing of that plan was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRefusal {
    /// The budget.
    pub budget: String,
    /// Why.
    pub error: DeployError,
}

/// What a run did: what it posted and what it refused. See [`run_payments`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunReport {
    /// The payments posted.
    pub posted: Vec<RunPayment>,
    /// The plans refused, each with its reason.
    pub refused: Vec<RunRefusal>,
}

impl RunReport {
    /// The total paid into funds, per currency, in currency order.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a currency's total cannot be represented.
    pub fn total(&self) -> Result<Vec<Money>, MoneyError> {
        let mut totals: BTreeMap<Currency, Money> = BTreeMap::new();
        for p in &self.posted {
            let t = totals
                .entry(p.amount.currency())
                .or_insert(Money::zero(p.amount.currency()));
            *t = t.checked_add(p.amount)?;
        }
        Ok(totals.into_values().collect())
    }
}

/// Runs payments for many plans in one call. Each plan's due, unpaid periods are posted as one
/// batch, all or nothing: a plan is either paid in full or refused with its reason, never half
/// paid. Payment ids are fixed by budget and period, so running the same run again posts
/// nothing twice.
pub fn run_payments(ledger: &mut Ledger, plans: &[&PaymentPlan], run: &PaymentRun) -> RunReport {
    let mut report = RunReport::default();
    for plan in plans {
        let budget = plan.budget.id().to_string();
        let result = plan.due_payments(ledger, run.date).and_then(|entries| {
            let entries: Vec<NewEntry> = entries
                .into_iter()
                .map(|e| e.meta("run", run.id.as_str()))
                .collect();
            // What each entry puts into the funds, worked out before anything is posted.
            let amounts = entries
                .iter()
                .map(|e| funds_received(plan, e))
                .collect::<Result<Vec<Money>, DeployError>>()?;
            let receipts = ledger.post_batch(entries.clone())?;
            Ok((entries, amounts, receipts))
        });
        match result {
            Ok((entries, amounts, receipts)) => {
                for ((entry, amount), receipt) in entries.into_iter().zip(amounts).zip(receipts) {
                    report.posted.push(RunPayment {
                        budget: budget.clone(),
                        entry: entry.id,
                        receipt,
                        amount,
                    });
                }
            }
            Err(error) => report.refused.push(RunRefusal { budget, error }),
        }
    }
    report
}

fn funds_received(plan: &PaymentPlan, entry: &NewEntry) -> Result<Money, DeployError> {
    let prefix = format!("fund:{}:", plan.budget.id());
    let into_funds = entry
        .postings
        .iter()
        .filter(|p| p.account.as_str().starts_with(&prefix))
        .map(|p| p.amount);
    Ok(Money::sum(plan.budget.currency(), into_funds)?)
}
