//! Personal budgets. Documented in the crate docs, "Budgets"; the types are at the root.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

pub use crate::ids::{BudgetId, PayerId, PersonId, RevisionId};
use crate::money::{Currency, Money, MoneyError};
use crate::period::{FinancialYear, Period, PeriodError};

/// Errors from personal budgets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BudgetError {
    /// A budget line is in another currency than the budget.
    #[error("budget {budget}: {line} is {amount}, but the budget is in {currency}")]
    CurrencyMismatch {
        /// The budget.
        budget: BudgetId,
        /// Which line.
        line: String,
        /// The amount at fault.
        amount: Money,
        /// The budget's currency.
        currency: Currency,
    },
    /// A budget line is negative.
    #[error("budget {budget}: {line} may not be negative, got {amount}")]
    Negative {
        /// The budget.
        budget: BudgetId,
        /// Which line.
        line: String,
        /// The amount at fault.
        amount: Money,
    },
    /// Top-ups and other funding add up to more than the cost of meeting needs.
    #[error("budget {budget}: top-ups and other funding {funding} exceed the cost {cost}")]
    FundingExceedsCost {
        /// The budget.
        budget: BudgetId,
        /// Their total per basis.
        funding: Money,
        /// The cost per basis.
        cost: Money,
    },
    /// A revision takes effect outside the budget's validity.
    #[error("budget {budget}: revision {revision} takes effect on {effective}, outside {validity}")]
    OutsideValidity {
        /// The budget.
        budget: BudgetId,
        /// The revision.
        revision: RevisionId,
        /// Its effective date.
        effective: NaiveDate,
        /// The budget's validity.
        validity: Period,
    },
    /// A revision with this id already exists.
    #[error("budget {budget}: revision {revision} already exists")]
    DuplicateRevision {
        /// The budget.
        budget: BudgetId,
        /// The revision id at fault.
        revision: RevisionId,
    },
    /// A budget read from a file has no initial terms in force from the start of its validity,
    /// in its own currency.
    #[error(
        "budget {budget}: the first revision must be the initial terms, effective from the start of the validity, in the budget's currency"
    )]
    NoTerms {
        /// The budget at fault.
        budget: BudgetId,
    },
    /// No revision has this id.
    #[error("budget {budget}: unknown revision {revision}")]
    UnknownRevision {
        /// The budget.
        budget: BudgetId,
        /// The revision id at fault.
        revision: RevisionId,
    },
}

impl BudgetError {
    /// What kind of failure this is.
    pub fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            BudgetError::CurrencyMismatch { .. } => K::CurrencyMismatch,
            BudgetError::Negative { .. }
            | BudgetError::FundingExceedsCost { .. }
            | BudgetError::OutsideValidity { .. }
            | BudgetError::NoTerms { .. } => K::InvalidInput,
            BudgetError::DuplicateRevision { .. } => K::AlreadyExists,
            BudgetError::UnknownRevision { .. } => K::NotFound,
        }
    }
}

/// What a budget rate is stated per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Basis {
    /// Per week (7 days).
    Week,
    /// Per four weeks (28 days).
    FourWeeks,
    /// Per calendar month (by the days of each month).
    Month,
    /// Per financial year (by the days of each year, 365 or 366).
    Year,
}

impl Basis {
    /// The words for it in a sentence: `"week"`, `"four weeks"`, `"month"`, `"year"`. Its
    /// [`Display`](fmt::Display) form is the serde name (`"four_weeks"`).
    pub fn label(&self) -> &'static str {
        match self {
            Basis::Week => "week",
            Basis::FourWeeks => "four weeks",
            Basis::Month => "month",
            Basis::Year => "year",
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Basis::Week => "week",
            Basis::FourWeeks => "four_weeks",
            Basis::Month => "month",
            Basis::Year => "year",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"week"`, `"year"`.
impl std::str::FromStr for Basis {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<Basis, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "basis",
            &[Basis::Week, Basis::FourWeeks, Basis::Month, Basis::Year],
            s,
        )
    }
}

/// An exact rational amount in minor units: `num / den`. Kept exact until money is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fraction {
    pub(crate) num: i128,
    pub(crate) den: i128,
}

impl Fraction {
    pub(crate) const ZERO: Fraction = Fraction { num: 0, den: 1 };

    pub(crate) fn new(num: i128, den: i128) -> Fraction {
        let g = gcd(num.unsigned_abs(), den.unsigned_abs()).max(1) as i128;
        Fraction {
            num: num / g,
            den: den / g,
        }
    }

    pub(crate) fn checked_add(self, other: Fraction) -> Option<Fraction> {
        let g = gcd(self.den.unsigned_abs(), other.den.unsigned_abs()).max(1) as i128;
        let den = (self.den / g).checked_mul(other.den)?;
        let num = self
            .num
            .checked_mul(other.den / g)?
            .checked_add(other.num.checked_mul(self.den / g)?)?;
        Some(Fraction::new(num, den))
    }

    /// Rounds to whole minor units, half away from zero, as [`Money::round`] does with
    /// [`crate::Rounding::HalfUp`]: the exact quotient is formed as a decimal and rounded by
    /// `Money::round`, the crate's one rounding point. (A decimal quotient is exact at every
    /// tie, since a tie means `2·num` divides by `den`, so the rounding is exact too.)
    pub(crate) fn round(self, currency: Currency) -> Result<Money, MoneyError> {
        let num = Decimal::try_from_i128_with_scale(self.num, currency.minor_units())
            .map_err(|_| crate::money::overflow(format!("{} / {}", self.num, self.den)))?;
        let den = Decimal::try_from_i128_with_scale(self.den, 0)
            .map_err(|_| crate::money::overflow(format!("{} / {}", self.num, self.den)))?;
        let quotient = num
            .checked_div(den)
            .ok_or_else(|| crate::money::overflow(format!("{} / {}", self.num, self.den)))?;
        Ok(Money::new(quotient, currency).round(crate::money::Rounding::HalfUp))
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// An amount per [`Basis`]: £48.00 a week.
///
/// ```
/// use isf_ledger::{Basis, BudgetRate};
/// let weekly = BudgetRate::new("48.00 GBP".parse()?, Basis::Week);
/// assert_eq!(weekly.to_string(), "48.00 GBP per week");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BudgetRate {
    /// The amount per basis; exact in minor units.
    pub amount: Money,
    /// What it is per.
    pub per: Basis,
}

impl BudgetRate {
    /// A rate of `amount` per `per`.
    pub fn new(amount: Money, per: Basis) -> BudgetRate {
        BudgetRate { amount, per }
    }

    /// A weekly rate.
    pub fn weekly(amount: Money) -> BudgetRate {
        BudgetRate::new(amount, Basis::Week)
    }

    /// The exact amount, in minor units, over the days of `period`.
    pub(crate) fn exact_over(&self, period: Period) -> Result<Fraction, crate::error::Error> {
        let minor = self.amount.to_minor()?;
        let overflow = || MoneyError::Overflow {
            operation: format!("{self} over {period}"),
        };
        let over = |days: i64, den: i64| -> Result<Fraction, crate::error::Error> {
            Ok(Fraction::new(
                minor.checked_mul(i128::from(days)).ok_or_else(overflow)?,
                i128::from(den),
            ))
        };
        match self.per {
            Basis::Week => over(period.days(), 7),
            Basis::FourWeeks => over(period.days(), 28),
            Basis::Month => {
                let mut total = Fraction::ZERO;
                for month in split_months(period)? {
                    let part = over(month.days(), days_in_month(month.start())?)?;
                    total = total.checked_add(part).ok_or_else(overflow)?;
                }
                Ok(total)
            }
            Basis::Year => {
                let mut total = Fraction::ZERO;
                for year in split_years(period)? {
                    let fy = FinancialYear::containing(year.start())?;
                    let part = over(year.days(), fy.period().days())?;
                    total = total.checked_add(part).ok_or_else(overflow)?;
                }
                Ok(total)
            }
        }
    }
}

impl fmt::Display for BudgetRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} per {}", self.amount, self.per.label())
    }
}

fn first_of_month(date: NaiveDate) -> Result<NaiveDate, PeriodError> {
    date.with_day(1).ok_or_else(|| PeriodError::DateOutOfRange {
        what: format!("first of the month of {date}"),
    })
}

fn next_month(date: NaiveDate) -> Result<NaiveDate, PeriodError> {
    first_of_month(date)?
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| PeriodError::DateOutOfRange {
            what: format!("month after {date}"),
        })
}

fn days_in_month(date: NaiveDate) -> Result<i64, PeriodError> {
    Ok((next_month(date)? - first_of_month(date)?).num_days())
}

/// Splits a period at calendar-month boundaries.
fn split_months(period: Period) -> Result<Vec<Period>, PeriodError> {
    split_at(period, next_month)
}

/// Splits a period at financial-year boundaries (1 April).
fn split_years(period: Period) -> Result<Vec<Period>, PeriodError> {
    split_at(period, |d| {
        let fy = FinancialYear::containing(d)?;
        Ok(fy.period().end())
    })
}

fn split_at(
    period: Period,
    next_boundary: impl Fn(NaiveDate) -> Result<NaiveDate, PeriodError>,
) -> Result<Vec<Period>, PeriodError> {
    let mut parts = Vec::new();
    let mut start = period.start();
    while start < period.end() {
        let end = next_boundary(start)?.min(period.end());
        parts.push(Period::new(start, end)?);
        start = end;
    }
    Ok(parts)
}

/// Where money in a fund came from. Refunds and recoveries return money to its source, never
/// more than the source put in, net.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Source {
    /// The council's share.
    Council,
    /// The person's assessed contribution.
    Person,
    /// A third-party top-up, by payer.
    TopUp(PayerId),
    /// Other public funding (health, for example), by funder.
    Other(String),
}

impl Source {
    /// A short key used in account ids: `council`, `person`, `topup:ID`, `other:NAME`.
    pub fn key(&self) -> String {
        match self {
            Source::Council => "council".to_string(),
            Source::Person => "person".to_string(),
            Source::TopUp(payer) => format!("topup:{payer}"),
            Source::Other(name) => format!("other:{name}"),
        }
    }

    /// Reads a [`Source::key`] back.
    pub fn from_key(key: &str) -> Option<Source> {
        match key {
            "council" => Some(Source::Council),
            "person" => Some(Source::Person),
            other => match other.split_once(':') {
                Some(("topup", payer)) => Some(Source::TopUp(PayerId::from(payer))),
                Some(("other", funder)) => Some(Source::Other(funder.to_string())),
                _ => None,
            },
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Council => f.write_str("council"),
            Source::Person => f.write_str("person's contribution"),
            Source::TopUp(payer) => write!(f, "top-up from {payer}"),
            Source::Other(name) => write!(f, "{name} funding"),
        }
    }
}

/// Reads a [`Source::key`]: `"council"`, `"person"`, `"topup:ID"`, `"other:NAME"`. (The
/// [`Display`](fmt::Display) form is words for a report, `"person's contribution"`; the key
/// is the text form that reads back, and for `council` and `person` it is the serde name.)
impl std::str::FromStr for Source {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<Source, crate::error::ParseEnumError> {
        Source::from_key(s).ok_or_else(|| crate::error::ParseEnumError {
            what: "source",
            text: crate::money::echo(s),
        })
    }
}

/// A top-up paid by a third party.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct TopUp {
    /// Who pays it.
    pub payer: PayerId,
    /// How much, at the budget's basis.
    pub amount: Money,
}

/// Another public funding line (e.g. health).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct FundingLine {
    /// The funder's name.
    pub funder: String,
    /// How much, at the budget's basis.
    pub amount: Money,
}

/// A budget's figures from a date: everything is per `basis`.
///
/// ```
/// use isf_ledger::{Basis, BudgetTerms};
/// // Cambridgeshire's worked example: care costs £48 a week, the person's assessed
/// // contribution is £28, so the council pays £20.
/// let terms = BudgetTerms::new(Basis::Week, "48.00 GBP".parse()?).contribution("28.00 GBP".parse()?);
/// assert_eq!(terms.council_share()?.to_string(), "20.00 GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BudgetTerms {
    /// What every amount is per.
    pub basis: Basis,
    /// The cost to the council of meeting needs.
    pub cost: Money,
    /// The person's assessed contribution (capped at the cost less top-ups and other funding).
    pub contribution: Money,
    /// Third-party top-ups.
    pub top_ups: Vec<TopUp>,
    /// Other funding lines.
    pub other_funding: Vec<FundingLine>,
}

impl BudgetTerms {
    /// Terms with a cost and nothing else: the council pays it all.
    pub fn new(basis: Basis, cost: Money) -> BudgetTerms {
        BudgetTerms {
            basis,
            cost,
            contribution: Money::zero(cost.currency()),
            top_ups: Vec::new(),
            other_funding: Vec::new(),
        }
    }

    /// Sets the assessed contribution.
    #[must_use]
    pub fn contribution(mut self, amount: Money) -> BudgetTerms {
        self.contribution = amount;
        self
    }

    /// Adds a top-up.
    #[must_use]
    pub fn top_up(mut self, payer: impl Into<PayerId>, amount: Money) -> BudgetTerms {
        self.top_ups.push(TopUp {
            payer: payer.into(),
            amount,
        });
        self
    }

    /// Adds another funding line.
    #[must_use]
    pub fn other_funding(mut self, funder: impl Into<String>, amount: Money) -> BudgetTerms {
        self.other_funding.push(FundingLine {
            funder: funder.into(),
            amount,
        });
        self
    }

    /// The contribution actually charged: the assessed contribution, capped at the cost less
    /// top-ups and other funding.
    ///
    /// # Errors
    ///
    /// [`MoneyError`] on a currency mismatch or overflow.
    pub fn charged_contribution(&self) -> Result<Money, MoneyError> {
        let room = self.cost.checked_sub(self.funding_total()?)?;
        Ok(if self.contribution > room {
            room
        } else {
            self.contribution
        })
    }

    /// The council's share: cost − charged contribution − top-ups − other funding. Derived, never
    /// entered.
    ///
    /// # Errors
    ///
    /// [`MoneyError`] on a currency mismatch or overflow.
    pub fn council_share(&self) -> Result<Money, MoneyError> {
        self.cost
            .checked_sub(self.funding_total()?)?
            .checked_sub(self.charged_contribution()?)
    }

    fn funding_total(&self) -> Result<Money, MoneyError> {
        let mut total = Money::zero(self.cost.currency());
        for t in &self.top_ups {
            total = total.checked_add(t.amount)?;
        }
        for o in &self.other_funding {
            total = total.checked_add(o.amount)?;
        }
        Ok(total)
    }

    /// Every source with its rate under these terms, council first, then the person, top-ups
    /// and other funding in the order given.
    ///
    /// # Errors
    ///
    /// [`MoneyError`] on a currency mismatch or overflow.
    pub fn sources(&self) -> Result<Vec<(Source, BudgetRate)>, MoneyError> {
        let rate = |amount| BudgetRate::new(amount, self.basis);
        let mut out = vec![
            (Source::Council, rate(self.council_share()?)),
            (Source::Person, rate(self.charged_contribution()?)),
        ];
        out.extend(
            self.top_ups
                .iter()
                .map(|t| (Source::TopUp(t.payer.clone()), rate(t.amount))),
        );
        out.extend(
            self.other_funding
                .iter()
                .map(|o| (Source::Other(o.funder.clone()), rate(o.amount))),
        );
        Ok(out)
    }

    fn validate(&self, budget: &BudgetId, currency: Currency) -> Result<(), crate::error::Error> {
        let mut lines: Vec<(String, Money)> = vec![
            ("cost".to_string(), self.cost),
            ("contribution".to_string(), self.contribution),
        ];
        lines.extend(
            self.top_ups
                .iter()
                .map(|t| (format!("top-up from {}", t.payer), t.amount)),
        );
        lines.extend(
            self.other_funding
                .iter()
                .map(|o| (format!("{} funding", o.funder), o.amount)),
        );
        for (line, amount) in lines {
            if amount.currency() != currency {
                return Err(BudgetError::CurrencyMismatch {
                    budget: budget.clone(),
                    line,
                    amount,
                    currency,
                }
                .into());
            }
            amount.exact()?;
            if amount.is_negative() {
                return Err(BudgetError::Negative {
                    budget: budget.clone(),
                    line,
                    amount,
                }
                .into());
            }
        }
        let funding = self.funding_total()?;
        if funding > self.cost {
            return Err(BudgetError::FundingExceedsCost {
                budget: budget.clone(),
                funding,
                cost: self.cost,
            }
            .into());
        }
        Ok(())
    }
}

/// A change to a budget from an effective date: an uplift, a reassessed contribution, the outcome
/// of a review. It replaces the terms from that date on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Revision {
    /// The revision's id; adjustments it causes are linked to it.
    pub id: RevisionId,
    /// The first day the new terms apply.
    pub effective: NaiveDate,
    /// Why (shown on statements).
    pub reason: String,
    /// The terms from `effective` on.
    pub terms: BudgetTerms,
}

/// A person's personal budget: terms that change by dated revisions within a validity period.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::{Basis, BudgetTerms, PersonalBudget, Period, Revision};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let year = Period::from_inclusive(d(2025, 4, 1), d(2026, 3, 31))?;
/// let mut budget = PersonalBudget::new(
///     "PB-0001", "P0001", year,
///     BudgetTerms::new(Basis::Week, "300.00 GBP".parse()?),
/// )?;
/// budget.revise(Revision {
///     id: "uplift-2025".into(),
///     effective: d(2025, 6, 2),
///     reason: "review: two more hours a week".into(),
///     terms: BudgetTerms::new(Basis::Week, "340.00 GBP".parse()?),
/// })?;
/// assert_eq!(budget.terms_on(d(2025, 6, 1)).cost.to_string(), "300.00 GBP");
/// assert_eq!(budget.terms_on(d(2025, 6, 2)).cost.to_string(), "340.00 GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "BudgetData"))]
pub struct PersonalBudget {
    id: BudgetId,
    person: PersonId,
    currency: Currency,
    validity: Period,
    /// The initial terms (effective from the start of validity) and every revision, by
    /// effective date; revisions with the same date apply in the order given.
    revisions: Vec<Revision>,
}

/// A budget as read from JSON, before it is checked: [`PersonalBudget`] is built from it through
/// [`PersonalBudget::new`] and [`PersonalBudget::revise`], so a budget read from a file passes
/// the same checks as one built in code.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetData {
    id: BudgetId,
    person: PersonId,
    currency: Currency,
    validity: Period,
    revisions: Vec<Revision>,
}

#[cfg(feature = "serde")]
impl TryFrom<BudgetData> for PersonalBudget {
    type Error = crate::error::Error;

    fn try_from(data: BudgetData) -> Result<PersonalBudget, crate::error::Error> {
        let mut revisions = data.revisions.into_iter();
        let Some(initial) = revisions.next() else {
            return Err(BudgetError::NoTerms { budget: data.id }.into());
        };
        if initial.effective != data.validity.start()
            || initial.terms.cost.currency() != data.currency
        {
            return Err(BudgetError::NoTerms { budget: data.id }.into());
        }
        let mut budget = PersonalBudget::new(data.id, data.person, data.validity, initial.terms)?;
        budget.revisions[0].id = initial.id;
        budget.revisions[0].reason = initial.reason;
        for revision in revisions {
            budget.revise(revision)?;
        }
        Ok(budget)
    }
}

impl PersonalBudget {
    /// A budget valid for `validity` with its initial terms.
    ///
    /// # Errors
    ///
    /// [`BudgetError`] if a line is negative, in another currency, or top-ups and other funding
    /// exceed the cost; [`MoneyError::TooManyDecimals`] if a line is not exact in minor units.
    pub fn new(
        id: impl Into<BudgetId>,
        person: impl Into<PersonId>,
        validity: Period,
        terms: BudgetTerms,
    ) -> Result<PersonalBudget, crate::error::Error> {
        let id = id.into();
        let currency = terms.cost.currency();
        terms.validate(&id, currency)?;
        let initial = Revision {
            id: RevisionId::from("initial"),
            effective: validity.start(),
            reason: "initial assessment".to_string(),
            terms,
        };
        Ok(PersonalBudget {
            id,
            person: person.into(),
            currency,
            validity,
            revisions: vec![initial],
        })
    }

    /// Adds a revision. It may be backdated: [`crate::PaymentPlan::adjustments`] then pays or
    /// recovers exactly the difference for periods already paid.
    ///
    /// # Errors
    ///
    /// [`BudgetError::OutsideValidity`], [`BudgetError::DuplicateRevision`], or a problem with
    /// the terms.
    pub fn revise(&mut self, revision: Revision) -> Result<(), crate::error::Error> {
        revision.terms.validate(&self.id, self.currency)?;
        if !self.validity.contains(revision.effective) {
            return Err(BudgetError::OutsideValidity {
                budget: self.id.clone(),
                revision: revision.id,
                effective: revision.effective,
                validity: self.validity,
            }
            .into());
        }
        if self.revisions.iter().any(|r| r.id == revision.id) {
            return Err(BudgetError::DuplicateRevision {
                budget: self.id.clone(),
                revision: revision.id,
            }
            .into());
        }
        let at = self
            .revisions
            .partition_point(|r| r.effective <= revision.effective);
        self.revisions.insert(at, revision);
        Ok(())
    }

    /// The budget's id.
    pub fn id(&self) -> &BudgetId {
        &self.id
    }

    /// The person it is for.
    pub fn person(&self) -> &PersonId {
        &self.person
    }

    /// Its currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The days it is valid for.
    pub fn validity(&self) -> Period {
        self.validity
    }

    /// The initial terms and every revision, by effective date.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The terms in force on `date` (the initial terms before the validity starts).
    pub fn terms_on(&self, date: NaiveDate) -> &BudgetTerms {
        let n = self.revisions.partition_point(|r| r.effective <= date);
        &self.revisions[n.saturating_sub(1)].terms
    }

    /// Every source that any revision funds from.
    pub fn all_sources(&self) -> Vec<Source> {
        let mut out = Vec::new();
        for r in &self.revisions {
            if let Ok(sources) = r.terms.sources() {
                for (source, _) in sources {
                    if !out.contains(&source) {
                        out.push(source);
                    }
                }
            }
        }
        out
    }

    /// The exact amount each source owes over `period` (clipped to the validity), under the
    /// terms in force on each day.
    pub(crate) fn exact_by_source(
        &self,
        period: Period,
    ) -> Result<Vec<(Source, Fraction)>, crate::error::Error> {
        let mut out: Vec<(Source, Fraction)> = self
            .all_sources()
            .into_iter()
            .map(|s| (s, Fraction::ZERO))
            .collect();
        let Some(period) = period.intersect(&self.validity) else {
            return Ok(out);
        };
        for (i, r) in self.revisions.iter().enumerate() {
            let end = self
                .revisions
                .get(i + 1)
                .map_or(self.validity.end(), |next| next.effective);
            if end <= r.effective {
                continue;
            }
            let segment = Period::new(r.effective, end)?;
            let Some(days) = segment.intersect(&period) else {
                continue;
            };
            for (source, rate) in r.terms.sources()? {
                let part = rate.exact_over(days)?;
                if let Some(slot) = out.iter_mut().find(|(s, _)| *s == source) {
                    slot.1 = slot
                        .1
                        .checked_add(part)
                        .ok_or_else(|| MoneyError::Overflow {
                            operation: format!("{source} over {days}"),
                        })?;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn gbp(s: &str) -> Money {
        format!("{s} GBP").parse().unwrap()
    }

    #[test]
    fn cambridgeshire_net_direct_payment_shares() {
        let terms = BudgetTerms::new(Basis::Week, gbp("48.00")).contribution(gbp("28.00"));
        assert_eq!(terms.council_share().unwrap(), gbp("20.00"));
        assert_eq!(terms.charged_contribution().unwrap(), gbp("28.00"));
    }

    #[test]
    fn contribution_is_capped_at_the_cost() {
        let terms = BudgetTerms::new(Basis::Week, gbp("48.00"))
            .contribution(gbp("60.00"))
            .top_up("family", gbp("10.00"));
        assert_eq!(terms.charged_contribution().unwrap(), gbp("38.00"));
        assert_eq!(terms.council_share().unwrap(), gbp("0.00"));
    }

    #[test]
    fn bad_terms_are_refused_naming_the_line() {
        let year = Period::from_inclusive(d(2025, 4, 1), d(2026, 3, 31)).unwrap();
        let err = PersonalBudget::new(
            "b",
            "p",
            year,
            BudgetTerms::new(Basis::Week, gbp("10.00")).top_up("aunt", gbp("11.00")),
        )
        .unwrap_err();
        assert!(
            matches!(err.budget(), Some(BudgetError::FundingExceedsCost { .. })),
            "{err}"
        );
        let err = PersonalBudget::new(
            "b",
            "p",
            year,
            BudgetTerms::new(Basis::Week, gbp("10.00")).contribution(gbp("-1.00")),
        )
        .unwrap_err();
        assert!(err.to_string().contains("contribution"), "{err}");
        let err = PersonalBudget::new(
            "b",
            "p",
            year,
            BudgetTerms::new(Basis::Week, gbp("10.00")).contribution("1.00 EUR".parse().unwrap()),
        )
        .unwrap_err();
        assert!(matches!(
            err.budget(),
            Some(BudgetError::CurrencyMismatch { .. })
        ));
    }

    #[test]
    fn revisions_outside_validity_or_twice_are_refused() {
        let year = Period::from_inclusive(d(2025, 4, 1), d(2026, 3, 31)).unwrap();
        let terms = BudgetTerms::new(Basis::Week, gbp("10.00"));
        let mut b = PersonalBudget::new("b", "p", year, terms.clone()).unwrap();
        let rev = |id: &str, effective| Revision {
            id: id.into(),
            effective,
            reason: String::new(),
            terms: terms.clone(),
        };
        assert!(matches!(
            b.revise(rev("r1", d(2026, 4, 1)))
                .as_ref()
                .map_err(crate::error::Error::budget),
            Err(Some(BudgetError::OutsideValidity { .. }))
        ));
        b.revise(rev("r1", d(2025, 5, 1))).unwrap();
        assert!(matches!(
            b.revise(rev("r1", d(2025, 6, 1)))
                .as_ref()
                .map_err(crate::error::Error::budget),
            Err(Some(BudgetError::DuplicateRevision { .. }))
        ));
    }

    #[test]
    fn exact_amounts_by_basis() {
        let week = BudgetRate::weekly(gbp("48.00"));
        let p = Period::new(d(2025, 4, 7), d(2025, 5, 5)).unwrap();
        assert_eq!(week.exact_over(p).unwrap(), Fraction::new(4 * 4800, 1));
        let month = BudgetRate::new(gbp("310.00"), Basis::Month);
        // 10 days of May (31 days) + 5 days of June (30 days)
        let p = Period::new(d(2025, 5, 22), d(2025, 6, 6)).unwrap();
        let exact = month.exact_over(p).unwrap();
        assert_eq!(
            exact,
            Fraction::new(31000 * 10, 31)
                .checked_add(Fraction::new(31000 * 5, 30))
                .unwrap()
        );
        let year = BudgetRate::new(gbp("3650.00"), Basis::Year);
        let p = Period::new(d(2025, 4, 1), d(2025, 4, 11)).unwrap();
        assert_eq!(year.exact_over(p).unwrap(), Fraction::new(10000, 1));
    }

    #[test]
    fn fraction_rounds_half_up() {
        assert_eq!(
            Fraction::new(5, 2).round(Currency::GBP).unwrap(),
            gbp("0.03")
        );
        assert_eq!(
            Fraction::new(-5, 2).round(Currency::GBP).unwrap(),
            gbp("-0.03")
        );
        assert_eq!(
            Fraction::new(1, 3).round(Currency::GBP).unwrap(),
            gbp("0.00")
        );
    }
}

crate::error::error_detail! {
    /// The detail, if this is a personal budget error.
    "Budget": budget -> BudgetError
}
