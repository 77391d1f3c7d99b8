//! Outcomes-based agreements: a fixed budget per period instead of priced units.
//!
//! An [`OutcomesAgreement`] frees an individual service fund from "time and task": the provider
//! is paid a fixed budget each period (weekly, four-weekly or calendar monthly) and flexes the
//! support with the person day to day. The crate keeps three things exact:
//!
//! * **Draws.** [`OutcomesAgreement::draw`] pays the provider the budget of the period holding
//!   a date, from the fund's sources by the plan's [`SpendOrder`](crate::plan::SpendOrder), in
//!   advance (dated the period's first day) or in arrears (its last day). A period partly
//!   outside the agreement is paid pro rata by days, rounded once. Drawing a period twice
//!   changes nothing.
//! * **Support given.** [`OutcomesAgreement::record_support`] records what was given (hours,
//!   shifts, visits, activities, outcomes noted) for review. It is never refused for varying
//!   from the plan: the hours are counted in the ledger in the `HRS` unit currency
//!   (`outcomes:{agreement}:given` against `outcomes:{agreement}:plan`), the rest is the
//!   entry's metadata. [`OutcomesAgreement::review`] compares the hours with the plan week by
//!   week and over the window, and flags (never refuses) any week, and the window, outside the
//!   agreed flexibility band (for example ±20%). Where the provider reports shifts, the review
//!   costs them at the agreement's shift rate, not by contact minutes.
//! * **Unspent money.** [`OutcomesAgreement::close_window`] keeps what the fund has left at the
//!   end of a window, up to the agreement's carry-forward cap, and returns the rest to the
//!   sources that put it in, pro rata to what each paid into the fund over the window (split
//!   exactly by [`Money::allocate_in_proportion`]: the parts sum to the whole, no part more than
//!   a penny from its exact share). A source is never returned more than it holds: if the
//!   shares by what came in would take more than a source has, the split is by what each holds.
//!
//! [`OutcomesStatement`] shows budget, drawn, support given against plan over the window,
//! carry-forward and returns.
//!
//! # Accounts and metadata
//!
//! | account | what |
//! |---|---|
//! | `provider:{p}:isf:{agreement}:OUTCOMES` | the draws (tagged `role:drawdown`, service `OUTCOMES`) |
//! | `outcomes:{agreement}:given` / `:plan` | hours of support given, in `HRS` |
//!
//! Entries: `outcomes:{agreement}:draw:{period start}`, `outcomes:{agreement}:support:{record}`,
//! `outcomes:{agreement}:return:{window end}`. A support record's metadata: `agreement`,
//! `delivered_on`, `hours`, and where given `shifts`, `visits`, `activities` (joined by `; `)
//! and one `outcome:{nnnn}` per outcome noted (`outcome:0001`, …).
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use isf_ledger::isf::outcomes::*;
//! use isf_ledger::*;
//! use rust_decimal::Decimal;
//!
//! let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
//! let gbp = |s: &str| Money::new(s.parse().unwrap(), Currency::GBP);
//! let budget = PersonalBudget::new(
//!     "b1", "p1",
//!     Period::new(day(7), NaiveDate::from_ymd_opt(2026, 4, 6).unwrap())?,
//!     BudgetTerms::new(Basis::Week, gbp("350.00")),
//! )?;
//! let isf = DeploymentKind::Isf { provider: ProviderId::from("acme") };
//! let plan = PaymentPlan::new("c1", budget, vec![Deployment::whole("isf", isf)],
//!     PaymentSchedule::new(Frequency::FourWeekly, day(7)))?;
//! let agreement = OutcomesAgreement::new(
//!     "o1", &plan, "isf", plan.budget().validity(), Frequency::Weekly, gbp("320.00"),
//! )?
//! .planned_hours_per_week(Decimal::from(12))
//! .band_percent(Decimal::from(20))
//! .carry_cap(gbp("100.00"));
//! let mut ledger = Ledger::new();
//! plan.open_accounts(&mut ledger)?;
//! agreement.open_accounts(&mut ledger, &plan)?;
//! let _ = run_payments(&mut ledger, &[&plan], &PaymentRun::new("run-1", day(7)));
//! assert_eq!(agreement.draw(&mut ledger, &plan, day(7))?, gbp("320.00"));
//! agreement.record_support(&mut ledger, &SupportGiven::new("s1", day(8), Decimal::from(15)))?;
//! let review = agreement.review(&ledger, Period::new(day(7), day(14))?)?;
//! assert!(review.weeks[0].flagged); // 15 hours is more than 20% over 12: flagged, not refused
//! // Drawing for a day outside the agreement is an error, and changes nothing.
//! let later = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
//! let before = ledger.clone();
//! assert!(agreement.draw(&mut ledger, &plan, later).is_err());
//! assert_eq!(ledger, before);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod review;

pub use review::{OutcomesReview, OutcomesStatement, WeekReview, WindowClose};

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{AgreementId, DrawdownError, unit_currency};
use crate::chart::{self, Tag};
use crate::ledger::{AccountId, AccountKind, BalanceRule, Ledger, NewAccount, NewEntry};
use crate::money::{Currency, Money, Rounding, Unit};
use crate::period::{Frequency, Period, Schedule};
use crate::plan::{DeploymentKind, PaymentPlan, ProviderId};

/// When the provider draws a period's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Draw {
    /// On the period's first day.
    #[default]
    InAdvance,
    /// On the period's last day.
    InArrears,
}

/// An outcomes-based ISF agreement: a fixed budget per period, planned hours, a flexibility
/// band, a carry-forward cap and an optional shift rate. See the [module docs](self). It is
/// built only by [`OutcomesAgreement::new`] and its builder methods, which check it (it has no
/// serde form, so nothing unchecked gets in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomesAgreement {
    id: AgreementId,
    provider: ProviderId,
    deployment: String,
    validity: Period,
    frequency: Frequency,
    budget: Money,
    draw: Draw,
    planned_hours_per_week: Decimal,
    band_percent: Decimal,
    carry_cap: Money,
    shift_rate: Option<Money>,
    rounding: Rounding,
}

/// Support given on a day, recorded for review.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SupportGiven {
    /// The record's id (unique within the agreement).
    pub id: String,
    /// The day the support was given.
    pub date: NaiveDate,
    /// Hours of support given: positive, at most two decimals.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub hours: Decimal,
    /// Staff shifts worked, where the provider reports them.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal_opt")
    )]
    pub shifts: Option<Decimal>,
    /// Visits made.
    pub visits: Option<u32>,
    /// Activities, in the provider's words.
    pub activities: Vec<String>,
    /// Outcomes noted, in the provider's words.
    pub outcomes: Vec<String>,
}

impl SupportGiven {
    /// `hours` of support given on `date`.
    pub fn new(id: impl Into<String>, date: NaiveDate, hours: Decimal) -> SupportGiven {
        SupportGiven {
            id: id.into(),
            date,
            hours,
            shifts: None,
            visits: None,
            activities: Vec::new(),
            outcomes: Vec::new(),
        }
    }
    /// The staff shifts worked.
    #[must_use]
    pub fn shifts(mut self, shifts: Decimal) -> SupportGiven {
        self.shifts = Some(shifts);
        self
    }
    /// The visits made.
    #[must_use]
    pub fn visits(mut self, visits: u32) -> SupportGiven {
        self.visits = Some(visits);
        self
    }
    /// An activity.
    #[must_use]
    pub fn activity(mut self, activity: impl Into<String>) -> SupportGiven {
        self.activities.push(activity.into());
        self
    }
    /// An outcome noted.
    #[must_use]
    pub fn outcome(mut self, outcome: impl Into<String>) -> SupportGiven {
        self.outcomes.push(outcome.into());
        self
    }
}

/// The most characters of a support record's texts together.
const MAX_TEXT: usize = 2000;

impl OutcomesAgreement {
    /// An agreement paying `budget` every `frequency` period (weekly, four-weekly or calendar
    /// monthly, counted from the start of `validity`) from `deployment`'s fund of `plan`. Drawn
    /// in advance, no planned hours, a ±20% band, no carry-forward, no shift rate, until the
    /// builder methods say otherwise.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotAnIsf`] if the deployment is not an ISF,
    /// [`DrawdownError::InvalidAgreement`] for another frequency, a budget not positive or in
    /// another currency, and [`DeployError`](crate::plan::DeployError) for an unknown deployment.
    pub fn new(
        id: impl Into<AgreementId>,
        plan: &PaymentPlan,
        deployment: &str,
        validity: Period,
        frequency: Frequency,
        budget: Money,
    ) -> Result<OutcomesAgreement, crate::error::Error> {
        let id = id.into();
        super::ids::check_code("agreement", id.as_str())?;
        let d = plan.deployment(deployment)?;
        let DeploymentKind::Isf { provider } = &d.kind else {
            return Err(DrawdownError::NotAnIsf {
                deployment: deployment.to_string(),
                kind: d.kind.to_string(),
            }
            .into());
        };
        let invalid = |reason: String| DrawdownError::InvalidAgreement {
            agreement: id.clone(),
            reason,
        };
        if !matches!(
            frequency,
            Frequency::Weekly | Frequency::FourWeekly | Frequency::CalendarMonthly
        ) {
            return Err(invalid(format!(
                "budget period {frequency} must be weekly, four-weekly or calendar monthly"
            ))
            .into());
        }
        if budget.currency() != plan.budget().currency() || !budget.is_positive() {
            return Err(invalid(format!(
                "budget {budget} must be positive, in {}",
                plan.budget().currency()
            ))
            .into());
        }
        Ok(OutcomesAgreement {
            provider: provider.clone(),
            deployment: deployment.to_string(),
            validity,
            frequency,
            budget,
            draw: Draw::InAdvance,
            planned_hours_per_week: Decimal::ZERO,
            band_percent: Decimal::from(20),
            carry_cap: Money::zero(budget.currency()),
            shift_rate: None,
            rounding: Rounding::default(),
            id,
        })
    }

    /// Draws in advance or in arrears.
    #[must_use]
    pub fn draw_timing(mut self, draw: Draw) -> OutcomesAgreement {
        self.draw = draw;
        self
    }
    /// The hours of support planned a week (what the band is measured against).
    #[must_use]
    pub fn planned_hours_per_week(mut self, hours: Decimal) -> OutcomesAgreement {
        self.planned_hours_per_week = hours.max(Decimal::ZERO);
        self
    }
    /// The flexibility band, in percent either side of the plan.
    #[must_use]
    pub fn band_percent(mut self, percent: Decimal) -> OutcomesAgreement {
        self.band_percent = percent.max(Decimal::ZERO);
        self
    }
    /// The most unspent money a window carries forward; the rest is returned.
    #[must_use]
    pub fn carry_cap(mut self, cap: Money) -> OutcomesAgreement {
        if cap.currency() == self.budget.currency() && !cap.is_negative() {
            self.carry_cap = cap;
        }
        self
    }
    /// The rate a staff shift is costed at, where the provider reports shifts.
    #[must_use]
    pub fn shift_rate(mut self, rate: Money) -> OutcomesAgreement {
        if rate.currency() == self.budget.currency() && rate.is_positive() {
            self.shift_rate = Some(rate);
        }
        self
    }
    /// The rounding of pro-rata draws and shift costs.
    #[must_use]
    pub fn rounding(mut self, rounding: Rounding) -> OutcomesAgreement {
        self.rounding = rounding;
        self
    }

    /// The agreement's id.
    pub fn id(&self) -> &AgreementId {
        &self.id
    }
    /// The budget per period.
    pub fn budget(&self) -> Money {
        self.budget
    }
    /// The carry-forward cap.
    pub fn cap(&self) -> Money {
        self.carry_cap
    }
    fn currency(&self) -> Currency {
        self.budget.currency()
    }

    /// The provider's account the draws are paid to.
    pub fn draw_account(&self) -> AccountId {
        chart::service_account(&self.provider, &self.id, "OUTCOMES", None)
    }
    /// The account counting the hours of support given.
    pub fn given_account(&self) -> AccountId {
        format!("outcomes:{}:given", self.id).into()
    }
    fn plan_hours_account(&self) -> AccountId {
        format!("outcomes:{}:plan", self.id).into()
    }
    fn entry_id(&self, what: &str, key: impl std::fmt::Display) -> String {
        format!("outcomes:{}:{what}:{key}", self.id)
    }

    /// Opens the agreement's accounts. Opening again changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account exists with other details.
    pub fn open_accounts(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
    ) -> Result<(), crate::error::Error> {
        let owner = chart::provider_owner(&self.provider);
        let hours = unit_currency(Unit::Hour);
        let accounts = [
            NewAccount::new(self.draw_account(), AccountKind::Income, self.currency())
                .owner(owner.as_str())
                .tag(chart::ROLE_DRAWDOWN)
                .tag(Tag::Agreement.with(&self.id))
                .tag(Tag::Budget.with(plan.budget().id()))
                .tag(Tag::Service.with("OUTCOMES"))
                .tag(Tag::Description.with("outcomes-based support")),
            NewAccount::new(self.given_account(), AccountKind::Asset, hours)
                .owner(owner.as_str())
                .tag(Tag::Agreement.with(&self.id))
                .rule(BalanceRule::NonNegative),
            NewAccount::new(self.plan_hours_account(), AccountKind::Equity, hours)
                .owner(owner.as_str()),
        ];
        ledger.atomically(|ledger| {
            for a in accounts {
                ledger.open_account(a)?;
            }
            Ok(())
        })
    }

    /// The budget periods sharing a day with `range`, clipped to the agreement.
    fn periods(&self, range: Period) -> Result<Vec<(Period, Period)>, crate::error::Error> {
        let schedule = Schedule::new(self.validity.start(), self.frequency);
        let Some(range) = range.intersect(&self.validity) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for p in schedule.periods_overlapping(range)? {
            if let Some(clipped) = p.intersect(&self.validity) {
                out.push((p, clipped));
            }
        }
        Ok(out)
    }

    /// A budget period's amount: the budget, pro rata by days where the agreement covers only
    /// part of it, rounded once.
    fn period_budget(&self, whole: Period, clipped: Period) -> Result<Money, crate::error::Error> {
        if whole == clipped {
            return Ok(self.budget);
        }
        let share = Decimal::from(clipped.days())
            .checked_div(Decimal::from(whole.days()))
            .ok_or_else(|| crate::money::overflow("pro-rata share".into()))?;
        Ok(self.budget.checked_mul(share)?.round(self.rounding))
    }

    /// The budget due for the periods drawn in `window` (by their draw dates).
    ///
    /// # Errors
    ///
    /// [`PeriodError`](crate::PeriodError), [`MoneyError`](crate::MoneyError).
    pub fn budget_in(&self, window: Period) -> Result<Money, crate::error::Error> {
        let mut total = Money::zero(self.currency());
        for (whole, clipped) in self.periods(window)? {
            if window.contains(self.draw_date(clipped)) {
                total = total.checked_add(self.period_budget(whole, clipped)?)?;
            }
        }
        Ok(total)
    }

    fn draw_date(&self, clipped: Period) -> NaiveDate {
        match self.draw {
            Draw::InAdvance => clipped.start(),
            Draw::InArrears => clipped.last_day(),
        }
    }

    /// Pays the provider the budget of the period holding `date`, on its draw date, from the
    /// fund by the plan's spend order. Returns the amount. Drawing the same period again
    /// changes nothing and returns the same amount.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidAgreement`] if `date` is outside the agreement,
    /// [`DrawdownError::InsufficientFunds`], [`DrawdownError::PeriodClosed`],
    /// [`LedgerError`](crate::LedgerError).
    pub fn draw(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        date: NaiveDate,
    ) -> Result<Money, crate::error::Error> {
        ledger.atomically(|ledger| self.draw_once(ledger, plan, date))
    }

    fn draw_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        date: NaiveDate,
    ) -> Result<Money, crate::error::Error> {
        let day = Period::new(date, date.succ_opt().unwrap_or(date))?;
        let Some((whole, clipped)) = self.periods(day)?.into_iter().next() else {
            return Err(DrawdownError::InvalidAgreement {
                agreement: self.id.clone(),
                reason: format!("{date} is outside the agreement ({})", self.validity),
            }
            .into());
        };
        let amount = self.period_budget(whole, clipped)?;
        let id = self.entry_id("draw", clipped.start());
        if let Some(e) = ledger.entry(&id) {
            let drawn = e.postings().filter(|(a, _)| *a == &self.draw_account());
            return Ok(drawn.map(|(_, m)| m).next().unwrap_or(amount));
        }
        let on = self.draw_date(clipped);
        check_open(ledger, on)?;
        let available = plan.attribution(ledger, &self.deployment)?.available;
        if available < amount {
            return Err(DrawdownError::InsufficientFunds {
                fund: chart::fund_name(plan.budget().id(), &self.deployment),
                needed: amount,
                available,
            }
            .into());
        }
        let entry = plan
            .spend(
                ledger,
                &self.deployment,
                id,
                self.draw_account(),
                amount,
                on,
            )?
            .memo(format!("outcomes budget for {clipped}"))
            .meta(chart::meta::AGREEMENT, self.id.as_str())
            .meta("period", clipped.to_string());
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(entry)?;
        Ok(amount)
    }

    /// Records support given, for review. It is never refused for varying from the plan; only
    /// a malformed record is an error. Recording the same record again changes nothing.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidAgreement`] naming the record if its hours are not positive or
    /// have more than two decimals, its shifts are negative, its date is outside the
    /// agreement, or its texts are longer than 2,000 characters; [`DrawdownError::PeriodClosed`],
    /// [`LedgerError`](crate::LedgerError).
    pub fn record_support(
        &self,
        ledger: &mut Ledger,
        record: &SupportGiven,
    ) -> Result<(), crate::error::Error> {
        super::ids::check_code("support record", &record.id)?;
        let bad = |reason: String| DrawdownError::InvalidAgreement {
            agreement: self.id.clone(),
            reason: format!(
                "support record {}: {reason}",
                crate::error::echo(&record.id)
            ),
        };
        let h = record.hours;
        if h <= Decimal::ZERO || h.normalize().scale() > 2 || h > Decimal::from(1000) {
            return Err(bad(format!(
                "hours {h} must be positive, at most 1000, with at most two decimals"
            ))
            .into());
        }
        if record
            .shifts
            .is_some_and(|s| s.is_sign_negative() || s > Decimal::from(1000))
        {
            return Err(bad("shifts must be 0 to 1000".into()).into());
        }
        if !self.validity.contains(record.date) {
            return Err(bad(format!("{} is outside the agreement", record.date)).into());
        }
        let texts: usize = record
            .activities
            .iter()
            .chain(&record.outcomes)
            .map(|t| t.chars().count())
            .sum();
        if texts > MAX_TEXT {
            return Err(bad(format!("its texts are over {MAX_TEXT} characters")).into());
        }
        check_open(ledger, record.date)?;
        let mut meta = BTreeMap::new();
        meta.insert(chart::meta::AGREEMENT.to_string(), self.id.to_string());
        meta.insert("delivered_on".to_string(), record.date.to_string());
        meta.insert("hours".to_string(), h.normalize().to_string());
        if let Some(s) = record.shifts {
            meta.insert("shifts".to_string(), s.normalize().to_string());
        }
        if let Some(v) = record.visits {
            meta.insert("visits".to_string(), v.to_string());
        }
        if !record.activities.is_empty() {
            meta.insert("activities".to_string(), record.activities.join("; "));
        }
        for (i, o) in record.outcomes.iter().enumerate() {
            meta.insert(format!("outcome:{:04}", i + 1), o.clone());
        }
        let mut entry = NewEntry::new(self.entry_id("support", &record.id), record.date)
            .memo(format!("support given: {} hours", h.normalize()))
            .transfer(
                self.plan_hours_account(),
                self.given_account(),
                Money::new(h, unit_currency(Unit::Hour)),
            );
        for (k, v) in meta {
            entry = entry.meta(k, v);
        }
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(entry)?;
        Ok(())
    }
}

fn check_open(ledger: &Ledger, date: NaiveDate) -> Result<(), DrawdownError> {
    match ledger.closed_through() {
        Some(closed) if date <= closed => Err(DrawdownError::PeriodClosed {
            date,
            closed_through: closed,
        }),
        _ => Ok(()),
    }
}
