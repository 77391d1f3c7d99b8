//! [`DirectPayment`]: one person's direct payment, the handle every direct-payment call goes
//! through instead of passing `(ledger, plan, deployment)` to each free function.

use chrono::NaiveDate;

use super::{
    Liability, MonitorError, MonitoringReturn, Recorded, Recovery, RecoveryDecision, Spend,
    SpendCategory, SpendPolicy, Surplus, SurplusPolicy, check_deployment,
};
use crate::budget::Source;
use crate::ledger::{AccountId, EntryId, Ledger};
use crate::money::Money;
use crate::period::Period;
use crate::plan::{Attribution, PaymentPlan};

/// A direct payment: a plan and the name of one of its deployments, checked once.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::*;
/// use isf_ledger::dp::*;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let gbp = |s: &str| format!("{s} GBP").parse::<Money>();
/// let budget = PersonalBudget::new(
///     "PB1", "P1", Period::new(d(2025, 4, 7), d(2026, 4, 6))?,
///     BudgetTerms::new(Basis::Week, gbp("100.00")?),
/// )?;
/// let plan = PaymentPlan::new(
///     "cx", budget,
///     vec![Deployment::whole("dp", DeploymentKind::DirectPayment { basis: PaymentBasis::Gross })],
///     PaymentSchedule::new(Frequency::FourWeekly, d(2025, 4, 7)),
/// )?;
/// let mut ledger = Ledger::new();
/// plan.open_accounts(&mut ledger)?;
/// let dp = DirectPayment::new(&plan, "dp")?;
/// dp.open_accounts(&mut ledger)?;
/// run_payments(&mut ledger, &[&plan], &PaymentRun::new("run", d(2025, 4, 7)));
///
/// let wages = Spend::new("w1", d(2025, 4, 11), SpendCategory::PaWages, "Sam", gbp("150.00")?);
/// dp.record_spend(&mut ledger, &wages, &SpendPolicy::england())?;
/// assert_eq!(dp.balance(&ledger)?, gbp("250.00")?);
///
/// // A name the plan does not have is refused once, here, not on every call.
/// assert!(DirectPayment::new(&plan, "nope").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DirectPayment<'p> {
    plan: &'p PaymentPlan,
    deployment: &'p str,
}

impl<'p> DirectPayment<'p> {
    /// The direct payment `deployment` of `plan`.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`](crate::DeployError::UnknownDeployment) if the plan has
    /// no deployment of that name.
    pub fn new(plan: &'p PaymentPlan, deployment: &'p str) -> Result<Self, crate::error::Error> {
        check_deployment(plan, deployment)?;
        Ok(DirectPayment { plan, deployment })
    }

    /// The plan.
    pub fn plan(&self) -> &'p PaymentPlan {
        self.plan
    }

    /// The deployment's name.
    pub fn deployment(&self) -> &'p str {
        self.deployment
    }

    /// Opens the spend and payable accounts ([`super::open_spend_accounts`]).
    ///
    /// # Errors
    ///
    /// As [`super::open_spend_accounts`].
    pub fn open_accounts(&self, ledger: &mut Ledger) -> Result<(), crate::error::Error> {
        super::open_spend_accounts(ledger, self.plan, self.deployment)
    }

    /// The fund's balance, all sources together.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`](crate::LedgerError::UnknownAccount) if the fund's accounts
    /// are not open.
    pub fn balance(&self, ledger: &Ledger) -> Result<Money, crate::error::Error> {
        self.plan.fund_balance(ledger, self.deployment)
    }

    /// What each source has in the fund ([`PaymentPlan::attribution`]).
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`](crate::LedgerError::UnknownAccount) if the fund's accounts
    /// are not open.
    pub fn attribution(&self, ledger: &Ledger) -> Result<Attribution, crate::error::Error> {
        self.plan.attribution(ledger, self.deployment)
    }

    /// Records money spent from the fund ([`super::record_spend`]).
    ///
    /// # Errors
    ///
    /// As [`super::record_spend`].
    pub fn record_spend(
        &self,
        ledger: &mut Ledger,
        spend: &Spend,
        policy: &SpendPolicy,
    ) -> Result<Recorded, crate::error::Error> {
        super::record_spend(ledger, self.plan, self.deployment, spend, policy)
    }

    /// Records money owed, not yet paid ([`super::accrue_liability`]).
    ///
    /// # Errors
    ///
    /// As [`super::accrue_liability`].
    pub fn accrue_liability(
        &self,
        ledger: &mut Ledger,
        spend: &Spend,
        policy: &SpendPolicy,
    ) -> Result<Recorded, crate::error::Error> {
        super::accrue_liability(ledger, self.plan, self.deployment, spend, policy)
    }

    /// Pays (all or part of) a liability ([`super::pay_liability`]).
    ///
    /// # Errors
    ///
    /// As [`super::pay_liability`].
    pub fn pay_liability(
        &self,
        ledger: &mut Ledger,
        liability: &str,
        id: impl Into<EntryId>,
        amount: Money,
        date: NaiveDate,
    ) -> Result<Recorded, crate::error::Error> {
        super::pay_liability(
            ledger,
            self.plan,
            self.deployment,
            liability,
            id,
            amount,
            date,
        )
    }

    /// Every liability, as at a date or now ([`super::liabilities`]).
    ///
    /// # Errors
    ///
    /// As [`super::liabilities`].
    pub fn liabilities(
        &self,
        ledger: &Ledger,
        as_at: Option<NaiveDate>,
    ) -> Result<Vec<Liability>, crate::error::Error> {
        super::liabilities(ledger, self.plan, self.deployment, as_at)
    }

    /// What is owed and unpaid at the end of `date` ([`super::outstanding_liabilities`]).
    ///
    /// # Errors
    ///
    /// As [`super::outstanding_liabilities`].
    pub fn outstanding_liabilities(
        &self,
        ledger: &Ledger,
        date: NaiveDate,
    ) -> Result<Money, crate::error::Error> {
        super::outstanding_liabilities(ledger, self.plan, self.deployment, date)
    }

    /// The monitoring return for a period ([`super::monitoring_return`]).
    ///
    /// # Errors
    ///
    /// As [`super::monitoring_return`].
    pub fn monitoring_return(
        &self,
        ledger: &Ledger,
        period: Period,
    ) -> Result<MonitoringReturn, crate::error::Error> {
        super::monitoring_return(ledger, self.plan, self.deployment, period)
    }

    /// The surplus at a date, after liabilities and contingency ([`super::surplus`]).
    ///
    /// # Errors
    ///
    /// As [`super::surplus`].
    pub fn surplus(
        &self,
        ledger: &Ledger,
        date: NaiveDate,
        policy: SurplusPolicy,
    ) -> Result<Surplus, crate::error::Error> {
        super::surplus(ledger, self.plan, self.deployment, date, policy)
    }

    /// What a recovery decision would do, without doing it ([`super::plan_recovery`]).
    ///
    /// # Errors
    ///
    /// As [`super::plan_recovery`], and [`MonitorError::OtherDeployment`] if the decision names
    /// another deployment.
    pub fn plan_recovery(
        &self,
        ledger: &Ledger,
        decision: &RecoveryDecision,
    ) -> Result<Recovery, crate::error::Error> {
        self.check_decision(decision)?;
        super::plan_recovery(ledger, self.plan, decision)
    }

    /// Carries out a recovery decision ([`super::post_recovery`]).
    ///
    /// # Errors
    ///
    /// As [`super::post_recovery`], and [`MonitorError::OtherDeployment`] if the decision names
    /// another deployment.
    pub fn post_recovery(
        &self,
        ledger: &mut Ledger,
        decision: &RecoveryDecision,
    ) -> Result<Recovery, crate::error::Error> {
        self.check_decision(decision)?;
        super::post_recovery(ledger, self.plan, decision)
    }

    /// The account a category of spend is posted to.
    pub fn spend_account(&self, category: SpendCategory) -> AccountId {
        super::spend_account(self.plan, self.deployment, category)
    }

    /// The account liabilities are owed from.
    pub fn payable_account(&self) -> AccountId {
        super::payable_account(self.plan, self.deployment)
    }

    /// The fund's account for one source.
    pub fn fund_account(&self, source: &Source) -> AccountId {
        self.plan.fund_account(self.deployment, source)
    }

    fn check_decision(&self, decision: &RecoveryDecision) -> Result<(), crate::error::Error> {
        if decision.deployment == self.deployment {
            Ok(())
        } else {
            Err(MonitorError::OtherDeployment {
                decision: decision.id.clone(),
                expected: self.deployment.to_string(),
                found: decision.deployment.clone(),
            }
            .into())
        }
    }
}
