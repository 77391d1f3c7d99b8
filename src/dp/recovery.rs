//! Recovering surplus: how much, from which sources, and the entries that do it.

use std::fmt;

use crate::chart::{self, EntryKind, RecoveryMeta, WithMeta};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::reduction::reduction_schedule;
use super::{
    MonitorError, ReductionSchedule, Surplus, SurplusPolicy, fund_name, refund_account, surplus,
};
use crate::budget::Source;
use crate::ledger::{AccountId, EntryId, EntryView, Ledger, NewEntry};
use crate::money::{Money, MoneyError, Rounding};
use crate::plan::PaymentPlan;

/// How much of a surplus to recover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RecoveryAmount {
    /// All of it.
    Full,
    /// A stated amount, capped at the surplus.
    Amount(Money),
    /// A percentage (0 to 100) of it, rounded half up.
    Percent(
        #[cfg_attr(
            feature = "serde",
            serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
        )]
        Decimal,
    ),
}

/// How a surplus is recovered. See the [module docs](super).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RecoveryMethod {
    /// Paid back now, to each source pro-rata to what it has available.
    #[default]
    Immediate,
    /// The council's next payments are reduced (council money only).
    ReduceFuturePayments,
}

impl fmt::Display for RecoveryMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecoveryMethod::Immediate => "immediate",
            RecoveryMethod::ReduceFuturePayments => "reduce_future_payments",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"immediate"`, `"reduce_future_payments"`.
impl std::str::FromStr for RecoveryMethod {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<RecoveryMethod, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "recovery method",
            &[
                RecoveryMethod::Immediate,
                RecoveryMethod::ReduceFuturePayments,
            ],
            s,
        )
    }
}

/// A council's decision to recover surplus from a deployment's fund.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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

/// What a recovery decision recovers and the entries that do it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
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
    chart::recovery_entry(plan.budget().id(), deployment, decision)
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
) -> Result<Vec<RecoveryPart>, crate::error::Error> {
    let attribution = plan.attribution(ledger, deployment)?;
    if attribution.available < amount {
        return Err(MonitorError::InsufficientFunds {
            fund: fund_name(plan, deployment),
            amount,
            available: attribution.available,
        }
        .into());
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

fn requested(surplus: Money, amount: RecoveryAmount) -> Result<Money, crate::error::Error> {
    Ok(match amount {
        RecoveryAmount::Full => surplus,
        RecoveryAmount::Amount(m) => {
            if m.is_negative() {
                return Err(MonitorError::NotPositive {
                    what: "a recovery",
                    amount: m,
                }
                .into());
            }
            m.exact()?;
            if m.currency() != surplus.currency() {
                return Err(MoneyError::CurrencyMismatch {
                    left: surplus.currency(),
                    right: m.currency(),
                }
                .into());
            }
            m.checked_min(surplus)?
        }
        RecoveryAmount::Percent(p) => {
            if p.is_sign_negative() || p > Decimal::ONE_HUNDRED {
                return Err(MonitorError::InvalidPercent { percent: p }.into());
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
/// [`DeployError`](crate::DeployError) for an unknown deployment, [`LedgerError`](crate::LedgerError) if accounts are
/// not open.
pub fn plan_recovery(
    ledger: &Ledger,
    plan: &PaymentPlan,
    decision: &RecoveryDecision,
) -> Result<Recovery, crate::error::Error> {
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
                    .with_meta(
                        RecoveryMeta {
                            kind: EntryKind::Recovery,
                            budget: plan.budget().id().clone(),
                            deployment: dep.to_string(),
                            decision: decision.id.to_string(),
                            period: None,
                        }
                        .to_meta(),
                    );
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
            let council = ledger.available(plan.fund_account(dep, &Source::Council))?;
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
) -> Result<Recovery, crate::error::Error> {
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

/// Works out a recovery ([`plan_recovery`]) and posts its entries as one batch, all or nothing.
/// Posting the same decision again changes nothing.
///
/// # Errors
///
/// As [`plan_recovery`], and [`LedgerError`](crate::LedgerError) if the ledger refuses the entries.
pub fn post_recovery(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    decision: &RecoveryDecision,
) -> Result<Recovery, crate::error::Error> {
    ledger.atomically(|ledger| post_recovery_once(ledger, plan, decision))
}

fn post_recovery_once(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    decision: &RecoveryDecision,
) -> Result<Recovery, crate::error::Error> {
    let recovery = plan_recovery(ledger, plan, decision)?;
    ledger.post_batch(recovery.entries.clone())?;
    Ok(recovery)
}
