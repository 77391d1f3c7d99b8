//! Block contracts turned into individual service funds.
//!
//! A council that pays a provider one block sum for a group of people can turn it into one
//! individual service fund per person, as Choice Support did with 85 people. A
//! [`BlockContract`] splits the contract's value per period into N funds by weights (hours of
//! support, assessed need points, or equal shares), exactly, by the crate's split rule
//! ([`Money::allocate_by_weights`]: largest remainder, the spare pennies to the largest
//! remainders and then to the earliest people, so the parts always sum to the whole and no part
//! is more than a penny from its exact share). Part of the value may be kept back unallocated
//! (for example while a person's plan is agreed): it is paid into its own account,
//! `block:{contract}:unallocated`, never lost.
//!
//! [`BlockContract::convert`] gives each person a [`PersonalBudget`] of their share per period,
//! a [`PaymentPlan`] with the whole budget as an ISF held by the provider, and an
//! [`OutcomesAgreement`] for the same fixed budget. [`BlockContract::reconcile`] shows, for a
//! period, what was paid into each fund and the unallocated account, and that they sum to the
//! contract.
//!
//! ```
//! use chrono::{Datelike, NaiveDate};
//! use isf_ledger::isf::block::*;
//! use isf_ledger::*;
//!
//! let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
//! let gbp = |s: &str| Money::new(s.parse().unwrap(), Currency::GBP);
//! let contract = BlockContract::new(
//!     "blk", "leeds", "acme", gbp("1000.00"), Frequency::FourWeekly,
//!     Period::new(day(7), NaiveDate::from_ymd_opt(2026, 4, 6).unwrap())?,
//! )?
//! .person("ann", 3)
//! .person("bob", 3)
//! .person("cal", 3);
//! let people = contract.convert()?;
//! let shares: Vec<String> = people.iter().map(|p| p.share.to_string()).collect();
//! // £1,000 in three equal weights: the spare penny goes to the first person.
//! assert_eq!(shares, ["333.34 GBP", "333.33 GBP", "333.33 GBP"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::DrawdownError;
use super::outcomes::OutcomesAgreement;
use crate::budget::{Basis, BudgetTerms, PersonalBudget};
use crate::chart;
use crate::ledger::{AccountId, AccountKind, Ledger, NewAccount, NewEntry};
use crate::money::Money;
use crate::period::{Frequency, Period, Schedule};
use crate::plan::{Deployment, DeploymentKind, PaymentPlan, PaymentSchedule, ProviderId};

/// A block contract: a value per period for a group of people, to be split into ISFs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockContract {
    id: String,
    council: String,
    provider: ProviderId,
    value: Money,
    frequency: Frequency,
    validity: Period,
    retained: Money,
    people: Vec<(String, u64)>,
}

/// One person's part of a converted block contract.
#[derive(Debug, Clone)]
pub struct BlockPerson {
    /// The person.
    pub person: String,
    /// Their share of the contract per period.
    pub share: Money,
    /// Their payment plan: the share as a personal budget, all of it an ISF held by the
    /// provider (deployment `isf`), paid at the contract's frequency.
    pub plan: PaymentPlan,
    /// Their agreement: the share as a fixed budget per period.
    pub agreement: OutcomesAgreement,
}

/// A period of a block contract reconciled: what each fund and the unallocated account
/// received, against the contract's value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct BlockReconciliation {
    /// The period.
    pub period: Period,
    /// The contract's value for it.
    pub contract: Money,
    /// Paid into each person's fund in the period, by fund name.
    pub funds: Vec<(String, Money)>,
    /// Paid into the unallocated account in the period.
    pub unallocated: Money,
    /// Funds + unallocated − contract: zero when they tie.
    pub difference: Money,
}

impl BlockContract {
    /// A contract `id` between `council` and `provider` worth `value` every `frequency` period
    /// (weekly, four-weekly or calendar monthly) over `validity`.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidAgreement`] if the value is not positive, the frequency is
    /// another, or a monthly contract does not start on the first of a month;
    /// [`DrawdownError::InvalidCode`] for a bad id.
    pub fn new(
        id: impl Into<String>,
        council: impl Into<String>,
        provider: impl Into<ProviderId>,
        value: Money,
        frequency: Frequency,
        validity: Period,
    ) -> Result<BlockContract, DrawdownError> {
        let id = id.into();
        super::ids::check_code("block contract", &id)?;
        let invalid = |reason: String| DrawdownError::InvalidAgreement {
            agreement: id.as_str().into(),
            reason,
        };
        if !value.is_positive() {
            return Err(invalid(format!("contract value {value} must be positive")));
        }
        if !matches!(
            frequency,
            Frequency::Weekly | Frequency::FourWeekly | Frequency::CalendarMonthly
        ) {
            return Err(invalid(format!(
                "contract period {frequency} must be weekly, four-weekly or calendar monthly"
            )));
        }
        if frequency == Frequency::CalendarMonthly && validity.start().day() != 1 {
            // A monthly budget is paid by the days of each calendar month: a contract month
            // that straddles two calendar months would not be paid its share exactly.
            return Err(invalid(format!(
                "a monthly contract starts on the first of a month, not {}",
                validity.start()
            )));
        }
        Ok(BlockContract {
            council: council.into(),
            provider: provider.into(),
            retained: Money::zero(value.currency()),
            value,
            frequency,
            validity,
            people: Vec::new(),
            id,
        })
    }

    /// A contract worth `annual` a year, paid every `frequency` period over `validity`: the
    /// year's value divided by a fixed count of periods, 52 weeks, 13 four-week periods or 12
    /// calendar months (the count councils' block schedules use), so £520,000.00 a year is
    /// £10,000.00 a week. The division must come out in whole minor units: money is never
    /// rounded away here. A value that does not divide is refused with the per-period value it
    /// would need, and such a contract is given per period with [`BlockContract::new`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::isf::block::BlockContract;
    /// use isf_ledger::{Currency, Frequency, Money, Period};
    ///
    /// let gbp = |s: &str| Money::new(s.parse().unwrap(), Currency::GBP);
    /// let year = Period::from_inclusive(
    ///     NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
    ///     NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    /// )?;
    /// let monthly = BlockContract::annual(
    ///     "blk", "leeds", "acme", gbp("600000.00"), Frequency::CalendarMonthly, year,
    /// )?;
    /// assert_eq!(monthly.value().to_string(), "50000.00 GBP");
    /// // £600,000 over 13 four-week periods is £46,153.846…: refused, not rounded.
    /// assert!(BlockContract::annual(
    ///     "blk", "leeds", "acme", gbp("600000.00"), Frequency::FourWeekly, year,
    /// ).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`BlockContract::new`]; [`DrawdownError::InvalidAgreement`] if the year's value does
    /// not divide into whole minor units per period.
    pub fn annual(
        id: impl Into<String>,
        council: impl Into<String>,
        provider: impl Into<ProviderId>,
        annual: Money,
        frequency: Frequency,
        validity: Period,
    ) -> Result<BlockContract, DrawdownError> {
        let id = id.into();
        let periods = match frequency {
            Frequency::Weekly => 52u32,
            Frequency::FourWeekly => 13,
            Frequency::CalendarMonthly => 12,
            // `new` refuses the frequency, with its reason.
            _ => return BlockContract::new(id, council, provider, annual, frequency, validity),
        };
        let per_period = annual.amount() / Decimal::from(periods);
        if !crate::money::is_exact(per_period, annual.currency()) {
            return Err(DrawdownError::InvalidAgreement {
                reason: format!(
                    "{annual} a year is not a whole number of minor units each of its {periods} \
                     {frequency} periods ({} each): give the contract per period",
                    per_period.round_dp(annual.currency().minor_units() + 3)
                ),
                agreement: id.as_str().into(),
            });
        }
        let value = Money::new(
            per_period.round_dp(annual.currency().minor_units()),
            annual.currency(),
        );
        BlockContract::new(id, council, provider, value, frequency, validity)
    }

    /// The contract's value per period.
    pub fn value(&self) -> Money {
        self.value
    }

    /// Adds a person with a weight: hours of support (in minutes or hundredths, as long as all
    /// use the same), assessed need points, or 1 each for equal shares.
    #[must_use]
    pub fn person(mut self, person: impl Into<String>, weight: u64) -> BlockContract {
        self.people.push((person.into(), weight));
        self
    }

    /// Keeps `amount` of each period's value back, unallocated, in its own account.
    #[must_use]
    pub fn retain(mut self, amount: Money) -> BlockContract {
        self.retained = amount;
        self
    }

    /// The account holding the unallocated remainder.
    pub fn unallocated_account(&self) -> AccountId {
        format!("block:{}:unallocated", self.id).into()
    }

    fn basis(&self) -> Basis {
        match self.frequency {
            Frequency::Weekly => Basis::Week,
            Frequency::CalendarMonthly => Basis::Month,
            _ => Basis::FourWeeks,
        }
    }

    /// Each person's share of the value per period (after what is retained), in order, by
    /// weight; the shares sum exactly to the value less the retained amount.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidAgreement`] with no people, all weights zero, or a retained
    /// amount not below the value; [`MoneyError`](crate::MoneyError).
    pub fn shares(&self) -> Result<Vec<Money>, crate::Error> {
        let invalid = |reason: String| DrawdownError::InvalidAgreement {
            agreement: self.id.as_str().into(),
            reason,
        };
        if self.people.is_empty() || self.people.iter().all(|(_, w)| *w == 0) {
            return Err(invalid("a block contract needs people with weights".into()).into());
        }
        if self.retained.currency() != self.value.currency()
            || self.retained.is_negative()
            || self.retained >= self.value
        {
            return Err(invalid(format!(
                "retained {} must be at least zero and below the value {}",
                self.retained, self.value
            ))
            .into());
        }
        let weights: Vec<u64> = self.people.iter().map(|(_, w)| *w).collect();
        Ok(self
            .value
            .checked_sub(self.retained)?
            .allocate_by_weights(&weights)?)
    }

    /// Converts the contract: one budget, plan and agreement per person with a share above
    /// zero (a person whose share rounds to nothing is refused rather than left without a fund).
    ///
    /// # Errors
    ///
    /// As [`BlockContract::shares`], and the budget's, plan's and agreement's own checks.
    pub fn convert(&self) -> Result<Vec<BlockPerson>, crate::Error> {
        let mut out = Vec::new();
        for ((person, _), share) in self.people.iter().zip(self.shares()?) {
            let id = format!("{}-{person}", self.id);
            let budget = PersonalBudget::new(
                id.as_str(),
                person.as_str(),
                self.validity,
                BudgetTerms::new(self.basis(), share),
            )?;
            let isf = DeploymentKind::Isf {
                provider: self.provider.clone(),
            };
            let plan = PaymentPlan::new(
                self.council.as_str(),
                budget,
                vec![Deployment::whole("isf", isf)],
                PaymentSchedule::new(self.frequency, self.validity.start()),
            )?;
            let agreement = OutcomesAgreement::new(
                format!("{id}-isf"),
                &plan,
                "isf",
                self.validity,
                self.frequency,
                share,
            )?;
            out.push(BlockPerson {
                person: person.clone(),
                share,
                plan,
                agreement,
            });
        }
        Ok(out)
    }

    /// Opens every person's accounts and the unallocated account.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account exists with other details.
    pub fn open_accounts(
        &self,
        ledger: &mut Ledger,
        people: &[BlockPerson],
    ) -> Result<(), crate::Error> {
        ledger.atomically(|ledger| {
            for p in people {
                p.plan.open_accounts(ledger)?;
                p.agreement.open_accounts(ledger, &p.plan)?;
            }
            let council = chart::council_owner(&self.council.as_str().into());
            ledger.open_account(
                NewAccount::new(
                    self.council_bank(),
                    AccountKind::Asset,
                    self.value.currency(),
                )
                .owner(council.as_str()),
            )?;
            ledger.open_account(
                NewAccount::new(
                    self.unallocated_account(),
                    AccountKind::Liability,
                    self.value.currency(),
                )
                .owner(council.as_str())
                .tag(chart::Tag::Description.with("block contract, not yet allocated")),
            )?;
            Ok(())
        })
    }

    fn council_bank(&self) -> AccountId {
        chart::council_bank(&self.council.as_str().into())
    }

    /// Pays the retained part of the period starting `start` into the unallocated account, from
    /// the council's bank. Paying the same period again changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError).
    pub fn pay_unallocated(
        &self,
        ledger: &mut Ledger,
        start: NaiveDate,
    ) -> Result<(), crate::Error> {
        if self.retained.is_positive() {
            let entry = NewEntry::new(format!("block:{}:unallocated:{start}", self.id), start)
                .memo(format!("block contract {}: not yet allocated", self.id))
                .transfer(
                    self.council_bank(),
                    self.unallocated_account(),
                    self.retained,
                );
            // The receipt's sequence number is not needed here.
            let _ = ledger.post(entry)?;
        }
        Ok(())
    }

    /// The contract's periods sharing a day with `range`.
    ///
    /// # Errors
    ///
    /// [`PeriodError`](crate::PeriodError).
    pub fn periods(&self, range: Period) -> Result<Vec<Period>, crate::Error> {
        Ok(Schedule::new(self.validity.start(), self.frequency).periods_overlapping(range)?)
    }

    /// What each person's fund and the unallocated account received in `period`, against the
    /// contract's value for it.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account is not open,
    /// [`MoneyError`](crate::MoneyError).
    pub fn reconcile(
        &self,
        ledger: &Ledger,
        people: &[BlockPerson],
        period: Period,
    ) -> Result<BlockReconciliation, crate::Error> {
        let zero = Money::zero(self.value.currency());
        let received = |account: &AccountId| -> Result<Money, crate::Error> {
            let mut total = zero;
            for line in ledger.history(account)? {
                if period.contains(line.entry.date()) && line.amount.is_positive() {
                    total = total.checked_add(line.amount)?;
                }
            }
            Ok(total)
        };
        let mut funds = Vec::new();
        let mut sum = zero;
        for p in people {
            let fund = p.plan.fund("isf")?;
            let mut got = zero;
            for (_, account) in fund.sources() {
                got = got.checked_add(received(account)?)?;
            }
            sum = sum.checked_add(got)?;
            funds.push((fund.name(), got));
        }
        let unallocated = received(&self.unallocated_account())?;
        let difference = sum.checked_add(unallocated)?.checked_sub(self.value)?;
        Ok(BlockReconciliation {
            period,
            contract: self.value,
            funds,
            unallocated,
            difference,
        })
    }
}
