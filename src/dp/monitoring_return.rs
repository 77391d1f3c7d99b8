//! The monitoring return: a fund's money in, spend, money returned and flags for a period.

use crate::chart::{self, EntryKind, SpendDetails};
use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use super::{
    Liability, MonitorError, SpendCategory, check_deployment, fund_accounts, fund_balance_as_at,
    fund_name, liabilities, outstanding_liabilities, payable_account,
};
use crate::budget::Source;
use crate::ledger::{AccountId, EntryView, Ledger};
use crate::money::Money;
use crate::period::Period;
use crate::plan::PaymentPlan;

/// An amount for a source.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SourceLine {
    /// The source.
    pub source: Source,
    /// The amount.
    pub amount: Money,
}

/// An amount for a category.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CategoryLine {
    /// The category (`None` for spend not recorded by this module).
    pub category: Option<SpendCategory>,
    /// The amount spent.
    pub amount: Money,
}

/// A spend the council's policy does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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

/// A deployment's monitoring return for a period. See the [module docs](super).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
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

fn day_before(date: NaiveDate) -> Option<NaiveDate> {
    date.pred_opt()
}

fn kind_of(entry: &EntryView<'_>) -> Option<EntryKind> {
    chart::monitor_kind(entry.metadata())
}

/// The monitoring return of a deployment for `period`, read from the ledger.
///
/// # Errors
///
/// [`DeployError`](crate::DeployError) for an unknown deployment, [`LedgerError`](crate::LedgerError) if accounts
/// are not open, [`MoneyError`](crate::MoneyError) on overflow, [`MonitorError::DoesNotTieOut`] if the
/// figures do not tie out (a bug).
pub fn monitoring_return(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    period: Period,
) -> Result<MonitoringReturn, crate::error::Error> {
    check_deployment(plan, deployment)?;
    let opening = fund_balance_as_at(ledger, plan, deployment, day_before(period.start()))?;
    let closing = fund_balance_as_at(ledger, plan, deployment, Some(period.last_day()))?;
    let Flows {
        money_in,
        total_in,
        spend,
        returned,
        total_out,
    } = flows(ledger, plan, deployment, period)?;
    let flags = flagged_spend(ledger, plan, deployment, period)?;
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
        }
        .into());
    }
    Ok(ret)
}

/// A fund's money in, spend and money returned over a period, read from its source accounts.
struct Flows {
    money_in: Vec<SourceLine>,
    total_in: Money,
    spend: BTreeMap<Option<SpendCategory>, Money>,
    returned: Vec<SourceLine>,
    total_out: Money,
}

/// Sorts every posting to the fund's source accounts dated in `period` into money in, spend by
/// category, or money returned to its source.
fn flows(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    period: Period,
) -> Result<Flows, crate::error::Error> {
    let currency = plan.budget().currency();
    let zero = Money::zero(currency);
    let plan_money =
        |entry: &EntryView<'_>| chart::is_plan_money_entry(entry.id(), plan.budget().id());
    let mut money_in = Vec::new();
    let mut returned = Vec::new();
    let mut spend: BTreeMap<Option<SpendCategory>, Money> = BTreeMap::new();
    let (mut total_in, mut total_out) = (zero, zero);
    for (source, account) in fund_accounts(plan, deployment)? {
        let (mut came_in, mut went_back) = (zero, zero);
        for line in ledger.history(&account)? {
            let entry = line.entry;
            if !period.contains(entry.date()) {
                continue;
            }
            match kind_of(&entry) {
                Some(EntryKind::Spend) | Some(EntryKind::LiabilityPayment) => {
                    let category = SpendDetails::from_meta(entry.metadata()).category;
                    let s = spend.entry(category).or_insert(zero);
                    *s = s.checked_sub(line.amount)?;
                    total_out = total_out.checked_sub(line.amount)?;
                }
                Some(EntryKind::Recovery) | Some(EntryKind::Reduction) => {
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
    Ok(Flows {
        money_in,
        total_in,
        spend,
        returned,
        total_out,
    })
}

/// Every flagged entry of this fund dated in `period`, spent or owed, in date order.
fn flagged_spend(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    period: Period,
) -> Result<Vec<FlaggedSpend>, crate::error::Error> {
    let zero = Money::zero(plan.budget().currency());
    let mut flags = Vec::new();
    let mut flagged_seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut candidates: Vec<EntryView<'_>> = Vec::new();
    let funds: Vec<AccountId> = fund_accounts(plan, deployment)?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    let payable = payable_account(plan, deployment);
    for account in funds.iter().chain(std::iter::once(&payable)) {
        for line in ledger.history(account)? {
            let entry = line.entry;
            if period.contains(entry.date())
                && SpendDetails::from_meta(entry.metadata()).flag.is_some()
                && flagged_seen.insert(entry.id().to_string())
            {
                candidates.push(entry);
            }
        }
    }
    candidates.sort_by_key(|e| (e.date(), e.seq()));
    for entry in candidates {
        let meta = SpendDetails::from_meta(entry.metadata());
        let owed = kind_of(&entry) == Some(EntryKind::LiabilityAccrual);
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
            payee: meta.payee.unwrap_or_default(),
            category: meta.category,
            reason: meta.flag.unwrap_or_default(),
            owed,
        });
    }
    Ok(flags)
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
