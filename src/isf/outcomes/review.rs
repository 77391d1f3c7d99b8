//! Reviewing an outcomes window, closing it (carry-forward and returns), and its statement.

use std::fmt;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::OutcomesAgreement;
use crate::budget::Source;
use crate::chart;
use crate::ledger::{Ledger, NewEntry};
use crate::money::Money;
use crate::period::Period;
use crate::plan::PaymentPlan;

/// One week of a review: hours planned and given, and whether they are outside the band.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct WeekReview {
    /// The week (seven days from the window's start, the last one possibly shorter).
    pub week: Period,
    /// Hours planned: the weekly plan, pro rata for a short week, to two decimals.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub planned: Decimal,
    /// Hours given.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub given: Decimal,
    /// Shifts reported.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub shifts: Decimal,
    /// Outside the flexibility band: for the social worker's review, not refused.
    pub flagged: bool,
}

/// Support given against plan over a window, for review.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct OutcomesReview {
    /// The window.
    pub window: Period,
    /// Week by week.
    pub weeks: Vec<WeekReview>,
    /// Hours planned over the window.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub planned: Decimal,
    /// Hours given over the window.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub given: Decimal,
    /// The window as a whole is outside the band.
    pub flagged: bool,
    /// Shifts reported over the window.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub shifts: Decimal,
    /// Shifts × the shift rate, rounded once; `None` without a shift rate.
    pub staffing_cost: Option<Money>,
    /// Outcomes noted, with the day, in recorded order.
    pub outcomes: Vec<(NaiveDate, String)>,
}

/// What closing a window did with the fund's unspent money.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct WindowClose {
    /// What the fund had available at the window's end.
    pub unspent: Money,
    /// Kept in the fund for the next window: at most the cap.
    pub carried_forward: Money,
    /// Returned, by source key; the parts sum to `unspent − carried_forward`.
    pub returned: Vec<(String, Money)>,
}

impl WindowClose {
    /// The total returned.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`](crate::MoneyError::Overflow).
    pub fn returned_total(&self) -> Result<Money, crate::money::MoneyError> {
        Money::sum(
            self.carried_forward.currency(),
            self.returned.iter().map(|r| r.1),
        )
    }
}

/// An outcomes window's statement: budget, drawn, support given against plan, carry-forward
/// and returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct OutcomesStatement {
    /// The agreement.
    pub agreement: String,
    /// The budget due in the window (by draw dates).
    pub budget: Money,
    /// Drawn in the window.
    pub drawn: Money,
    /// Support given against plan.
    pub review: OutcomesReview,
    /// The fund's balance at the window's end.
    pub closing: Money,
    /// Carried forward and returned at the window's end, if the window was closed with money
    /// to return (read from the return entry's metadata).
    pub close: Option<WindowClose>,
}

fn sum(a: Decimal, b: Decimal) -> Result<Decimal, crate::error::Error> {
    a.checked_add(b)
        .ok_or_else(|| crate::money::overflow("hours".into()).into())
}

/// Whether `given` is outside `planned` ± `percent`%. A band too wide to compute flags nothing.
fn outside(planned: Decimal, given: Decimal, percent: Decimal) -> bool {
    let Some(margin) = planned
        .checked_mul(percent)
        .and_then(|m| m.checked_div(Decimal::ONE_HUNDRED))
    else {
        return false;
    };
    let low = planned.checked_sub(margin);
    let high = planned.checked_add(margin);
    low.is_some_and(|l| given < l) || high.is_some_and(|h| given > h)
}

impl OutcomesAgreement {
    /// Support given against plan over `window`, week by week (seven-day weeks from the
    /// window's start), with the weeks and the window outside the flexibility band flagged.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if the accounts are not open,
    /// [`MoneyError`](crate::MoneyError) on overflow.
    pub fn review(&self, ledger: &Ledger, window: Period) -> Result<OutcomesReview, crate::Error> {
        let mut weeks = Vec::new();
        let mut start = window.start();
        while start < window.end() {
            let end = start.checked_add_days(Days::new(7)).unwrap_or(window.end());
            let week = Period::new(start, end.min(window.end()))?;
            let planned = self
                .planned_hours_per_week
                .checked_mul(Decimal::from(week.days()))
                .and_then(|h| h.checked_div(Decimal::from(7)))
                .ok_or_else(|| crate::money::overflow("planned hours".into()))?
                .round_dp(2);
            weeks.push(WeekReview {
                week,
                planned,
                given: Decimal::ZERO,
                shifts: Decimal::ZERO,
                flagged: false,
            });
            start = week.end();
        }
        let mut outcomes = Vec::new();
        for line in ledger.history(self.given_account())? {
            let meta = line.entry.metadata();
            let on = meta
                .get("delivered_on")
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .unwrap_or(line.entry.date());
            let Some(w) = weeks.iter_mut().find(|w| w.week.contains(on)) else {
                continue;
            };
            w.given = sum(w.given, line.amount.amount())?;
            if let Some(s) = meta.get("shifts").and_then(|s| s.parse().ok()) {
                w.shifts = sum(w.shifts, s)?;
            }
            let noted = meta.iter().filter(|(k, _)| k.starts_with("outcome:"));
            outcomes.extend(noted.map(|(_, t)| (on, t.clone())));
        }
        let (mut planned, mut given, mut shifts) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for w in &mut weeks {
            w.flagged = outside(w.planned, w.given, self.band_percent);
            w.given = w.given.normalize();
            w.shifts = w.shifts.normalize();
            planned = sum(planned, w.planned)?;
            given = sum(given, w.given)?;
            shifts = sum(shifts, w.shifts)?;
        }
        let staffing_cost = match self.shift_rate {
            Some(rate) => Some(rate.checked_mul(shifts)?.round(self.rounding)),
            None => None,
        };
        Ok(OutcomesReview {
            window,
            weeks,
            planned: planned.normalize(),
            given: given.normalize(),
            flagged: outside(planned, given, self.band_percent),
            shifts: shifts.normalize(),
            staffing_cost,
            outcomes,
        })
    }

    fn return_id(&self, window: Period) -> String {
        self.entry_id("return", window.last_day())
    }

    /// Closes `window`: of what the fund has available now (call it once the window's draws
    /// are made, before the next window's), keeps up to the cap and returns the rest to the
    /// sources, pro rata to what each paid into the fund during the window
    /// (or to what each holds, if that would take more than a source has). The return is one
    /// entry dated the window's last day, to each source's payer account.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) (a window closed already is refused and changes
    /// nothing), [`DrawdownError::PeriodClosed`](super::super::DrawdownError::PeriodClosed),
    /// [`MoneyError`](crate::MoneyError).
    pub fn close_window(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        window: Period,
    ) -> Result<WindowClose, crate::Error> {
        ledger.atomically(|ledger| self.close_window_once(ledger, plan, window))
    }

    fn close_window_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        window: Period,
    ) -> Result<WindowClose, crate::Error> {
        let on = window.last_day();
        super::check_open(ledger, on)?;
        let attribution = plan.attribution(ledger, &self.deployment)?;
        let unspent = attribution.available;
        let carried_forward = unspent.checked_min(self.carry_cap)?;
        let to_return = unspent.checked_sub(carried_forward)?;
        let mut returned = Vec::new();
        if to_return.is_positive() {
            let available: Vec<Money> = attribution.by_source.iter().map(|s| s.available).collect();
            let mut put_in = Vec::new();
            for s in &attribution.by_source {
                put_in.push(self.paid_in(ledger, plan, &s.source, window)?);
            }
            let mut shares = if put_in.iter().any(|m| m.is_positive()) {
                to_return.allocate_in_proportion(&put_in)?
            } else {
                to_return.allocate_in_proportion(&available)?
            };
            if shares.iter().zip(&available).any(|(s, a)| s > a) {
                shares = to_return.allocate_in_proportion(&available)?;
            }
            let mut entry = NewEntry::new(self.return_id(window), on)
                .memo(format!(
                    "unspent outcomes budget returned, {} carried forward",
                    carried_forward
                ))
                .meta(chart::meta::AGREEMENT, self.id.as_str())
                .meta("unspent", unspent.amount_text())
                .meta("carried_forward", carried_forward.amount_text());
            for (s, share) in attribution.by_source.iter().zip(shares) {
                if share.is_positive() {
                    entry = entry.transfer(
                        plan.fund_account(&self.deployment, &s.source),
                        plan.payer_account(&s.source),
                        share,
                    );
                    returned.push((s.source.key(), share));
                }
            }
            // The receipt's sequence number is not needed here.
            let _ = ledger.post(entry)?;
        }
        Ok(WindowClose {
            unspent,
            carried_forward,
            returned,
        })
    }

    /// What `source` paid into the fund on days in `window`.
    fn paid_in(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        source: &Source,
        window: Period,
    ) -> Result<Money, crate::Error> {
        let mut total = Money::zero(self.currency());
        for line in ledger.history(plan.fund_account(&self.deployment, source))? {
            if window.contains(line.entry.date()) && line.amount.is_positive() {
                total = total.checked_add(line.amount)?;
            }
        }
        Ok(total)
    }

    /// The window's statement, read from the ledger.
    ///
    /// # Errors
    ///
    /// As [`OutcomesAgreement::review`], and [`PeriodError`](crate::PeriodError).
    pub fn statement(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        window: Period,
    ) -> Result<OutcomesStatement, crate::Error> {
        let mut drawn = Money::zero(self.currency());
        for line in ledger.history(self.draw_account())? {
            if window.contains(line.entry.date()) {
                drawn = drawn.checked_add(line.amount)?;
            }
        }
        let fund = plan.fund(&self.deployment)?;
        let closing = fund.balance_as_at(ledger, window.last_day())?;
        let close = ledger.entry(self.return_id(window)).map(|e| {
            let returned = e
                .postings()
                .filter_map(|(a, m)| fund.source_of(a).map(|s| (s.to_string(), m.negate())))
                .collect();
            let read = |key: &str| {
                e.metadata()
                    .get(key)
                    .and_then(|v| v.parse().ok())
                    .map_or(closing, |v| Money::new(v, closing.currency()))
            };
            WindowClose {
                unspent: read("unspent"),
                carried_forward: read("carried_forward"),
                returned,
            }
        });
        Ok(OutcomesStatement {
            agreement: self.id.to_string(),
            budget: self.budget_in(window)?,
            drawn,
            review: self.review(ledger, window)?,
            closing,
            close,
        })
    }
}

impl fmt::Display for OutcomesStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.review;
        writeln!(
            f,
            "Outcomes statement for {}, {} to {}",
            self.agreement,
            r.window.start().format("%-d %B %Y"),
            r.window.last_day().format("%-d %B %Y")
        )?;
        let line = |f: &mut fmt::Formatter<'_>, label: &str, m: Money| {
            writeln!(f, "  {label:<44} {:>14}", m.display_uk())
        };
        line(f, "Budget for the window", self.budget)?;
        line(f, "Drawn by the provider", self.drawn)?;
        writeln!(f, "  Support given against plan (hours)")?;
        for w in &r.weeks {
            writeln!(
                f,
                "    week from {}: planned {:>6}, given {:>6}{}",
                w.week.start().format("%-d %b"),
                w.planned,
                w.given,
                if w.flagged {
                    "  FLAGGED for review: outside the band"
                } else {
                    ""
                }
            )?;
        }
        writeln!(
            f,
            "    window: planned {}, given {}{}",
            r.planned,
            r.given,
            if r.flagged {
                "  FLAGGED for review"
            } else {
                " (within the band)"
            }
        )?;
        if let Some(cost) = r.staffing_cost {
            writeln!(
                f,
                "    {} shifts, staffing cost {}",
                r.shifts,
                cost.display_uk()
            )?;
        }
        for (on, o) in &r.outcomes {
            writeln!(f, "    outcome noted {on}: {o}")?;
        }
        if let Some(c) = &self.close {
            line(f, "Unspent at the window's end", c.unspent)?;
            for (source, m) in &c.returned {
                line(f, &format!("  returned to {source}"), *m)?;
            }
            line(f, "Carried forward", c.carried_forward)?;
        } else {
            line(f, "Fund balance at the window's end", self.closing)?;
        }
        Ok(())
    }
}
