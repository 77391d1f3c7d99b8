//! What each period pays, per deployment and source, by rounded running totals.

use rust_decimal::Decimal;

use super::{DeployError, PaymentPlan, Share};
use crate::budget::{Fraction, Source};
use crate::money::Money;
use crate::period::Period;

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

impl PaymentPlan {
    /// The periods the plan pays, clipped to the budget's validity, in order.
    ///
    /// # Errors
    ///
    /// [`PeriodError`](crate::PeriodError).
    pub fn periods(&self) -> Result<Vec<Period>, crate::error::Error> {
        Ok(self.schedule.periods(self.budget.validity())?)
    }

    /// What each deployment gets from each source for every period, under the budget's current
    /// terms. See the [crate docs](crate#payment-plans) for how.
    ///
    /// # Errors
    ///
    /// [`DeployError::FixedExceedsBudget`] if fixed amounts exceed the budget,
    /// [`MoneyError::Overflow`](crate::MoneyError::Overflow) on overflow.
    pub fn amounts(&self) -> Result<Vec<PeriodAmounts>, crate::error::Error> {
        let currency = self.budget.currency();
        let sources = self.budget.all_sources();
        let mut running: Vec<Fraction> = vec![Fraction::ZERO; sources.len()];
        let mut running_cost = Fraction::ZERO;
        let mut paid_before: Vec<Money> = vec![Money::zero(currency); sources.len()];
        let mut fixed_running: Vec<Fraction> = vec![Fraction::ZERO; self.deployments.len()];
        let mut fixed_before: Vec<Money> = vec![Money::zero(currency); self.deployments.len()];
        let mut out = Vec::new();
        let overflow = |what: &str| {
            crate::error::Error::from(crate::money::MoneyError::Overflow {
                operation: what.to_string(),
            })
        };
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
    ) -> Result<Vec<Vec<Money>>, crate::error::Error> {
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
            }
            .into());
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
                    .map(|m| m.negate().checked_max(*m)?.minor_weight())
                    .collect::<Result<Vec<u64>, crate::money::MoneyError>>()?;
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
}

/// A percentage with up to four decimals (checked by [`PaymentPlan::new`]) as an integer weight
/// out of 1,000,000.
fn percent_weight(p: Decimal) -> u64 {
    p.checked_mul(Decimal::from(10_000))
        .and_then(|scaled| u64::try_from(scaled.trunc()).ok())
        .unwrap_or(0)
}
