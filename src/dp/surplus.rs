//! Surplus: what a fund holds beyond its liabilities and contingency.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{MonitorError, check_deployment, fund_balance_as_at, outstanding_liabilities};
use crate::budget::Basis;
use crate::ledger::Ledger;
use crate::money::{Money, Rounding};
use crate::plan::{PaymentPlan, Share};

/// How much contingency a fund may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SurplusPolicyData"))]
pub struct SurplusPolicy {
    pub(super) contingency_weeks: u32,
}

/// A [`SurplusPolicy`] as read from JSON, built through [`SurplusPolicy::weeks`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SurplusPolicyData {
    contingency_weeks: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<SurplusPolicyData> for SurplusPolicy {
    type Error = MonitorError;

    fn try_from(data: SurplusPolicyData) -> Result<SurplusPolicy, MonitorError> {
        SurplusPolicy::weeks(data.contingency_weeks)
    }
}

impl SurplusPolicy {
    /// A contingency of `weeks` weeks of the planned amount (councils use 4 to 8).
    ///
    /// # Errors
    ///
    /// [`MonitorError::InvalidContingency`] for more than 52 weeks.
    ///
    /// ```
    /// use isf_ledger::dp::SurplusPolicy;
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
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
/// [module docs](super) for how it is derived.
///
/// # Errors
///
/// [`DeployError`](crate::DeployError) for an unknown deployment; [`MoneyError`](crate::MoneyError) on overflow.
pub fn weekly_planned(
    plan: &PaymentPlan,
    deployment: &str,
    date: NaiveDate,
) -> Result<Money, crate::error::Error> {
    check_deployment(plan, deployment)?;
    let terms = plan.budget().terms_on(date);
    let currency = plan.budget().currency();
    let overflow = |what: &str| crate::error::Error::from(crate::money::overflow(what.to_string()));
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
/// [`DeployError`](crate::DeployError) for an unknown deployment, [`LedgerError`](crate::LedgerError) if accounts
/// are not open, [`MoneyError`](crate::MoneyError) on overflow.
pub fn surplus(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    date: NaiveDate,
    policy: SurplusPolicy,
) -> Result<Surplus, crate::error::Error> {
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
