//! The payment plan: a budget, its deployments and its schedule, checked together.

use rust_decimal::Decimal;

use super::{CouncilId, DeployError, Deployment, PaymentSchedule, Share, SpendOrder};
use crate::budget::PersonalBudget;
use crate::money::echo;

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
///
/// With the `serde` feature a plan is written as its council, budget, deployments, schedule and
/// spend order, and read back through [`PaymentPlan::new`], so a plan read from a file passes
/// the same checks as one built in code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PlanData"))]
pub struct PaymentPlan {
    pub(super) council: CouncilId,
    pub(super) budget: PersonalBudget,
    pub(super) deployments: Vec<Deployment>,
    pub(super) schedule: PaymentSchedule,
    pub(super) spend_order: SpendOrder,
}

/// A plan as read from JSON, before it is checked: [`PaymentPlan`] is built from it through
/// [`PaymentPlan::new`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanData {
    council: CouncilId,
    budget: PersonalBudget,
    deployments: Vec<Deployment>,
    schedule: PaymentSchedule,
    #[serde(default)]
    spend_order: SpendOrder,
}

#[cfg(feature = "serde")]
impl TryFrom<PlanData> for PaymentPlan {
    type Error = DeployError;

    fn try_from(data: PlanData) -> Result<PaymentPlan, DeployError> {
        Ok(
            PaymentPlan::new(data.council, data.budget, data.deployments, data.schedule)?
                .spend_order(data.spend_order),
        )
    }
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
            if !super::deployment::valid_name(&d.name) {
                return Err(self.invalid(format!(
                    "deployment name {:?} must be non-empty, without ':' or control characters",
                    echo(&d.name)
                )));
            }
            if self.deployments[..i].iter().any(|e| e.name == d.name) {
                return Err(self.invalid(format!("two deployments are named {:?}", echo(&d.name))));
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

    pub(super) fn deployment_index(&self, name: &str) -> Result<usize, DeployError> {
        self.deployments
            .iter()
            .position(|d| d.name == name)
            .ok_or_else(|| DeployError::UnknownDeployment {
                budget: self.budget.id().to_string(),
                name: crate::error::echo(name),
            })
    }

    /// The deployment called `name`.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`], naming (the start of) `name`.
    pub fn deployment(&self, name: &str) -> Result<&Deployment, DeployError> {
        Ok(&self.deployments[self.deployment_index(name)?])
    }
}
