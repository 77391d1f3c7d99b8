//! When monitoring reviews fall due.

use chrono::{Months, NaiveDate};

use super::MonitorError;
use crate::ledger::Ledger;
use crate::plan::PaymentPlan;

/// When monitoring reviews fall due.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::dp::ReviewPolicy;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let policy = ReviewPolicy::default();
/// assert_eq!(policy.next_due(d(2025, 8, 31), &[])?, d(2026, 2, 28));
/// assert_eq!(policy.next_due(d(2025, 8, 31), &[d(2026, 2, 10)])?, d(2027, 2, 10));
/// assert!(policy.is_overdue(d(2025, 8, 31), &[], d(2026, 3, 1))?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ReviewPolicy {
    /// The first review is due this many months after the first payment (default 6).
    pub first_within_months: u32,
    /// Each later review is due this many months after the previous one held (default 12).
    pub then_every_months: u32,
}

impl Default for ReviewPolicy {
    fn default() -> ReviewPolicy {
        ReviewPolicy {
            first_within_months: 6,
            then_every_months: 12,
        }
    }
}

impl ReviewPolicy {
    /// The date the next review is due, given the first payment's date and the dates of the
    /// reviews held (in any order; the latest counts).
    ///
    /// # Errors
    ///
    /// [`MonitorError::DateOutOfRange`] if the due date is past what chrono can represent.
    pub fn next_due(
        &self,
        first_payment: NaiveDate,
        reviews_held: &[NaiveDate],
    ) -> Result<NaiveDate, MonitorError> {
        let (from, months) = match reviews_held.iter().max() {
            None => (first_payment, self.first_within_months),
            Some(last) => (*last, self.then_every_months),
        };
        from.checked_add_months(Months::new(months))
            .ok_or_else(|| MonitorError::DateOutOfRange {
                what: format!("{months} months after {from}"),
            })
    }

    /// True if the next review's due date is before `today`.
    ///
    /// # Errors
    ///
    /// As [`ReviewPolicy::next_due`].
    pub fn is_overdue(
        &self,
        first_payment: NaiveDate,
        reviews_held: &[NaiveDate],
        today: NaiveDate,
    ) -> Result<bool, MonitorError> {
        Ok(self.next_due(first_payment, reviews_held)? < today)
    }
}

/// The next review's due date under the default [`ReviewPolicy`].
///
/// # Errors
///
/// As [`ReviewPolicy::next_due`].
pub fn next_review_due(
    first_payment: NaiveDate,
    reviews_held: &[NaiveDate],
) -> Result<NaiveDate, MonitorError> {
    ReviewPolicy::default().next_due(first_payment, reviews_held)
}

/// The date of the plan's first payment in the ledger, if any has been made.
pub fn first_payment_date(ledger: &Ledger, plan: &PaymentPlan) -> Option<NaiveDate> {
    let periods = plan.periods().ok()?;
    periods
        .iter()
        .filter_map(|p| ledger.entry(plan.payment_id(p.start())))
        .map(|e| e.date())
        .min()
}
