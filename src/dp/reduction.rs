//! Recovering council money by reducing future payments.

use crate::chart::{self, EntryKind, RecoveryMeta, WithMeta};
use chrono::NaiveDate;

use super::{MonitorError, RecoveryDecision, fund_name};
use crate::budget::Source;
use crate::ledger::{EntryId, Ledger, NewEntry, Receipt};
use crate::money::Money;
use crate::plan::{PaymentPlan, PeriodAmounts};

/// Future payment reductions that recover council money. Keep it with the decision; after
/// each payment run, post [`ReductionSchedule::due_entries`].
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::*;
/// use isf_ledger::dp::*;
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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

/// The id of a decision's reduction of the payment for the period starting on `start`.
pub fn reduction_id(
    plan: &PaymentPlan,
    deployment: &str,
    decision: &str,
    start: NaiveDate,
) -> EntryId {
    chart::reduction_entry(plan.budget().id(), deployment, decision, start)
}

fn council_cell(plan: &PaymentPlan, deployment: &str, amounts: &PeriodAmounts) -> Option<Money> {
    let row = plan
        .deployments()
        .iter()
        .position(|d| d.name == deployment)?;
    let col = amounts.sources.iter().position(|s| *s == Source::Council)?;
    amounts.cells.get(row)?.get(col).copied()
}

pub(super) fn reduction_schedule(
    plan: &PaymentPlan,
    deployment: &str,
    decision: &RecoveryDecision,
    amount: Money,
) -> Result<ReductionSchedule, crate::error::Error> {
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
        }
        .into());
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
    /// [`DeployError`](crate::DeployError) if the plan's periods cannot be listed, [`MoneyError`](crate::MoneyError)
    /// on overflow.
    pub fn recovered(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
    ) -> Result<Money, crate::error::Error> {
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
    pub fn remaining(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
    ) -> Result<Money, crate::error::Error> {
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
    /// As [`ReductionSchedule::recovered`]; [`LedgerError`](crate::LedgerError) if accounts are not open.
    pub fn due_entries(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
    ) -> Result<Vec<NewEntry>, crate::error::Error> {
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
            let Some(payment) = ledger.entry(plan.payment_id(start)) else {
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
                    .with_meta(
                        RecoveryMeta {
                            kind: EntryKind::Reduction,
                            budget: plan.budget().id().clone(),
                            deployment: self.deployment.clone(),
                            decision: self.decision.clone(),
                            period: Some(period),
                        }
                        .to_meta(),
                    )
                    .transfer(council.clone(), plan.council_bank(), take),
            );
        }
        Ok(out)
    }

    /// Posts [`ReductionSchedule::due_entries`] as one batch, all or nothing.
    ///
    /// # Errors
    ///
    /// As [`ReductionSchedule::due_entries`]; [`LedgerError`](crate::LedgerError) if the ledger refuses
    /// them (nothing is posted then).
    pub fn post_due(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
    ) -> Result<Vec<Receipt>, crate::error::Error> {
        ledger.atomically(|ledger| self.post_due_once(ledger, plan))
    }

    fn post_due_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
    ) -> Result<Vec<Receipt>, crate::error::Error> {
        let entries = self.due_entries(ledger, plan)?;
        Ok(ledger.post_batch(entries)?)
    }
}
