//! Individual service funds: service agreements, claims, settlement, disputes and banked hours.
//!
//! An individual service fund (ISF) is a [`Deployment`](crate::deploy::Deployment) of kind
//! [`DeploymentKind::Isf`]: a provider holds the person's money apart from its own and draws it
//! down for the support it delivers, against a [`ServiceAgreement`]. This module turns what the
//! provider and the person agreed, and what the provider claims, into ledger entries and holds;
//! the ledger checks and records them, and every figure is read back from it.
//!
//! # Accounts
//!
//! * The fund is the plan's group of per-source accounts (`fund:{budget}:{deployment}:{source}`,
//!   never below zero); every drawdown takes from the sources by the plan's
//!   [`SpendOrder`](crate::deploy::SpendOrder).
//! * What the provider earns: `provider:{p}:isf:{agreement}:{service}` for support it delivers
//!   itself and `provider:{p}:isf:{agreement}:{service}:{supplier}` for support a subcontracted
//!   supplier delivers; the management fee goes to `provider:{p}:isf:{agreement}:fee`. They are
//!   tagged (`role:drawdown` or `role:fee`, `agreement:`, `service:`, `supplier:`), which is how
//!   [`crate::report`] groups drawdowns by service and supplier.
//! * Banked units are counted in the ledger too, in a unit "currency" (`HRS` for hours, `VIS`
//!   visits, `DAY`, `WKS`, `ITM`; two decimals): `isf:{agreement}:banked:{service}` holds what is
//!   banked (never below zero) against `isf:{agreement}:banked-from:{service}`.
//!
//! # Claims and the policy for what fails
//!
//! A [`Claim`] is a list of [`ClaimLine`]s: date delivered, service, units, price per unit,
//! supplier, and optionally the [`Booking`] it delivers or the notice given for a cancellation.
//! Each line is checked against the agreement; what fails is a [`ClaimIssue`], and the
//! agreement's [`ClaimPolicy`] says what happens to it:
//!
//! | issue | default | choices |
//! |---|---|---|
//! | unknown service | refuse | refuse, dispute |
//! | unknown supplier | refuse | refuse, dispute |
//! | date outside the agreement | refuse | refuse, dispute |
//! | price differs from the agreed rate | dispute | refuse, dispute, pay the agreed rate (flagged) |
//! | duplicate of a line already claimed | refuse | refuse, dispute |
//! | units over the weekly plan (after banked units) | dispute | refuse, dispute |
//! | more than the booking reserved | dispute | refuse, dispute |
//!
//! *Refuse* refuses the whole claim: nothing changes, and the error names the line and the issue.
//! *Dispute* reserves the line's cost on the fund (a hold per source) and pays nothing until
//! [`ServiceAgreement::accept_disputed`] pays it or [`ServiceAgreement::credit_disputed`] drops
//! it. *Pay the agreed rate* pays the line at the agreement's price and reports the issue in
//! [`ClaimOutcome::flagged`]. Nothing is accepted silently. A line with a malformed value (units
//! not positive or with more than two decimals, a price in another currency) is an error.
//!
//! # Prices and time bands
//!
//! A [`Service`] has dated [`BandRates`] (an April uplift is a new rate from its date). The band
//! of a day is [`TimeBand::BankHoliday`] if the agreement lists it, [`TimeBand::Weekend`] on
//! Saturday and Sunday, and [`TimeBand::Weekday`] otherwise; a band without its own price uses
//! the weekend price (bank holidays) or the weekday price. A line costs units × price, rounded
//! once to the penny with the agreement's [`Rounding`]; a percentage management fee is the
//! line's cost × percent, rounded once, drawn in its own entry beside the line.
//!
//! # Bookings, cancellations and disputes
//!
//! Planned support can be reserved with [`ServiceAgreement::book`]: its cost is held on the fund
//! (one hold per source, split by the spend order) until a claim line names it. The line settles
//! the holds for what was delivered (split over them in proportion to what each holds, so no
//! hold is settled for more than it holds) and the rest is released. A booking nobody claims
//! expires after the agreement's grace period, or is released with
//! [`ServiceAgreement::release_booking`]. A cancellation line is charged by the agreement's
//! [`CancellationRule`]: with less notice than the rule's, the stated percentage of its cost;
//! otherwise nothing, and its booking is released.
//!
//! A credit note ([`ServiceAgreement::credit_note`]) reverses exactly the lines it names: each
//! line's entries and its fee, with reversals linked to them, so every balance they touched is
//! restored.
//!
//! # Banked units
//!
//! With [`Banking`] on, [`ServiceAgreement::bank_unused`] banks a week's planned units that were
//! not delivered, up to the agreement's limit; a claim whose units go over a week's plan uses
//! banked units first (oldest first), and only what the bank cannot cover is an over-plan issue.
//! Banked units expire after the agreement's number of weeks
//! ([`ServiceAgreement::expire_banked`] writes the unused rest off). The money is not moved:
//! banked units are support the fund still holds money for, valued at the price they were banked
//! at ([`ServiceAgreement::banked`]).
//!
//! # Atomicity
//!
//! Everything a claim, acceptance or credit note would do is checked before anything changes:
//! the agreement, the policy, the dates, the holds, and that the fund can pay it all. A refused
//! claim changes nothing. The ledger's holds are per account, so settling a booking or a dispute
//! is one ledger operation per source; after the checks none of them can fail short of the
//! ledger running out of capacity, and then the same call again finishes the rest (every step
//! has a fixed id, and repeating a step is idempotent).
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use isf_ledger::drawdown::*;
//! use isf_ledger::*;
//! use rust_decimal::Decimal;
//!
//! let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
//! let gbp = |s: &str| Money::new(s.parse().unwrap(), Currency::GBP);
//! let budget = PersonalBudget::new(
//!     "b1", "p1",
//!     Period::new(day(7), NaiveDate::from_ymd_opt(2026, 4, 6).unwrap())?,
//!     BudgetTerms::new(Basis::Week, gbp("400.00")),
//! )?;
//! let isf = DeploymentKind::Isf { provider: ProviderId::from("acme") };
//! let plan = PaymentPlan::new(
//!     "c1", budget,
//!     vec![Deployment::whole("isf", isf)],
//!     PaymentSchedule::new(Frequency::FourWeekly, day(7)),
//! )?;
//! let agreement = ServiceAgreement::new("a1", &plan, "isf", plan.budget().validity())?
//!     .service(Service::new("PC", "personal care", Unit::Hour, BandRates::flat(gbp("24.00")))
//!         .planned_per_week(Decimal::from(10)))
//!     .fee(ManagementFee::Percent(Decimal::from(5)));
//! let mut ledger = Ledger::new();
//! plan.open_accounts(&mut ledger)?;
//! agreement.open_accounts(&mut ledger, &plan)?;
//! // The council pays the first four weeks into the fund: £1,600.00.
//! run_payments(&mut ledger, &[&plan], &PaymentRun::new("run-1", day(7)));
//!
//! let claim = Claim::new("inv-1", day(14))
//!     .line(ClaimLine::new(day(8), "PC", Decimal::from(2), gbp("24.00")));
//! let outcome = agreement.submit(&mut ledger, &plan, &claim)?;
//! assert_eq!(outcome.paid_total()?, gbp("48.00"));
//! assert_eq!(outcome.fees_total()?, gbp("2.40"));
//! assert_eq!(plan.fund_balance(&ledger, "isf")?, gbp("1549.60"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::Decimal;

use crate::budget::Source;
use crate::deploy::{DeployError, DeploymentKind, PaymentPlan, ProviderId};
use crate::ledger::types::id_type;
use crate::ledger::{
    AccountId, AccountKind, BalanceRule, EntryId, HoldId, HoldStatus, Ledger, LedgerError,
    NewAccount, NewEntry, NewHold,
};
use crate::money::{Currency, Money, MoneyError, Rounding, Unit};
use crate::period::{Frequency, Period, PeriodError, Schedule};

id_type!(
    /// A service agreement between a provider and a person, for one ISF.
    AgreementId
);
id_type!(
    /// A subcontracted supplier.
    SupplierId
);
id_type!(
    /// A provider's claim (invoice) against an ISF.
    ClaimId
);
id_type!(
    /// A booking of planned support.
    BookingId
);
id_type!(
    /// A provider's credit note.
    CreditNoteId
);

/// The longest code or id the module builds account, entry and hold ids from.
pub const MAX_CODE_LEN: usize = 48;
/// The most lines a claim may have.
pub const MAX_CLAIM_LINES: usize = 1000;

/// Errors from agreements, claims and drawdowns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawdownError {
    /// The ledger refused an operation.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The plan refused an operation.
    #[error(transparent)]
    Deploy(#[from] DeployError),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// A period or schedule problem.
    #[error(transparent)]
    Period(#[from] PeriodError),
    /// The deployment is not an individual service fund.
    #[error("deployment {deployment:?} is {kind}, not an individual service fund")]
    NotAnIsf {
        /// The deployment.
        deployment: String,
        /// What it is.
        kind: String,
    },
    /// The agreement itself is not valid.
    #[error("agreement {agreement}: {reason}")]
    InvalidAgreement {
        /// The agreement.
        agreement: AgreementId,
        /// Why.
        reason: String,
    },
    /// A code or id cannot be used to build ledger ids.
    #[error("{what} {value:?} is not a valid code: {reason}")]
    InvalidCode {
        /// What it names.
        what: &'static str,
        /// The value at fault.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// A claim line has a malformed value.
    #[error("claim {claim} line {line}: {reason}")]
    InvalidLine {
        /// The claim.
        claim: ClaimId,
        /// The line, from 1.
        line: usize,
        /// Why.
        reason: String,
    },
    /// The policy refuses a claim because of an issue on one of its lines.
    #[error("claim {claim} refused: line {line}: {issue}")]
    ClaimRefused {
        /// The claim.
        claim: ClaimId,
        /// The line, from 1.
        line: usize,
        /// The issue.
        issue: ClaimIssue,
    },
    /// A claim with this id was already submitted.
    #[error("claim {claim} was already submitted")]
    AlreadySubmitted {
        /// The claim.
        claim: ClaimId,
    },
    /// The fund cannot pay what the operation needs.
    #[error("fund {fund} has {available} available; {needed} is needed")]
    InsufficientFunds {
        /// The fund (`{budget}:{deployment}`).
        fund: String,
        /// What is needed.
        needed: Money,
        /// What is available.
        available: Money,
    },
    /// No active booking has this id.
    #[error("no active booking {booking}")]
    UnknownBooking {
        /// The booking.
        booking: BookingId,
    },
    /// A booking with this id exists with other details.
    #[error("booking {booking} already exists with other details")]
    DuplicateBooking {
        /// The booking.
        booking: BookingId,
    },
    /// No disputed line waits under this claim and line.
    #[error("claim {claim} line {line} is not a disputed line awaiting a decision")]
    NotDisputed {
        /// The claim.
        claim: ClaimId,
        /// The line, from 1.
        line: usize,
    },
    /// A credit note names a line that was not paid, or was already credited.
    #[error("credit note {note}: claim {claim} line {line} {reason}")]
    NotCreditable {
        /// The credit note.
        note: CreditNoteId,
        /// The claim.
        claim: ClaimId,
        /// The line, from 1.
        line: usize,
        /// Why.
        reason: &'static str,
    },
    /// The date is in a closed period.
    #[error("{date} is in the closed period (closed through {closed_through})")]
    PeriodClosed {
        /// The date at fault.
        date: NaiveDate,
        /// The last closed date.
        closed_through: NaiveDate,
    },
    /// Banking is not switched on in the agreement.
    #[error("agreement {agreement} does not bank unused units")]
    BankingOff {
        /// The agreement.
        agreement: AgreementId,
    },
    /// A week must start on a Monday.
    #[error("{date} is not a Monday")]
    NotAMonday {
        /// The date at fault.
        date: NaiveDate,
    },
}

// ----- prices ----------------------------------------------------------------------------------

/// The price band of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TimeBand {
    /// Monday to Friday.
    Weekday,
    /// Saturday and Sunday.
    Weekend,
    /// A bank holiday listed in the agreement.
    BankHoliday,
}

impl fmt::Display for TimeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeBand::Weekday => "weekday",
            TimeBand::Weekend => "weekend",
            TimeBand::BankHoliday => "bank holiday",
        })
    }
}

/// Prices per unit by time band. A band without a price of its own uses the weekend price (bank
/// holidays) or the weekday price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BandRates {
    /// Monday to Friday.
    pub weekday: Money,
    /// Saturday and Sunday, if different.
    pub weekend: Option<Money>,
    /// Bank holidays, if different.
    pub bank_holiday: Option<Money>,
}

impl BandRates {
    /// One price for every day.
    pub fn flat(price: Money) -> BandRates {
        BandRates {
            weekday: price,
            weekend: None,
            bank_holiday: None,
        }
    }

    /// Sets the weekend price.
    #[must_use]
    pub fn weekend(mut self, price: Money) -> BandRates {
        self.weekend = Some(price);
        self
    }

    /// Sets the bank holiday price.
    #[must_use]
    pub fn bank_holiday(mut self, price: Money) -> BandRates {
        self.bank_holiday = Some(price);
        self
    }

    /// The price in a band.
    pub fn price(&self, band: TimeBand) -> Money {
        match band {
            TimeBand::Weekday => self.weekday,
            TimeBand::Weekend => self.weekend.unwrap_or(self.weekday),
            TimeBand::BankHoliday => self.bank_holiday.or(self.weekend).unwrap_or(self.weekday),
        }
    }

    fn prices(&self) -> [Money; 3] {
        [
            self.price(TimeBand::Weekday),
            self.price(TimeBand::Weekend),
            self.price(TimeBand::BankHoliday),
        ]
    }
}

/// A service in an agreement: what it is, its unit, its dated prices and how much is planned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Service {
    code: String,
    description: String,
    unit: Unit,
    planned_per_week: Option<Decimal>,
    /// Prices from the agreement's start.
    rates: BandRates,
    /// Later prices, each from its date, in date order.
    changes: Vec<(NaiveDate, BandRates)>,
}

impl Service {
    /// A service with its prices from the agreement's start and no weekly plan.
    pub fn new(
        code: impl Into<String>,
        description: impl Into<String>,
        unit: Unit,
        rates: BandRates,
    ) -> Service {
        Service {
            code: code.into(),
            description: description.into(),
            unit,
            planned_per_week: None,
            rates,
            changes: Vec::new(),
        }
    }

    /// Plans `units` a week (Monday to Sunday): claims over it use banked units or are an
    /// over-plan issue.
    #[must_use]
    pub fn planned_per_week(mut self, units: Decimal) -> Service {
        self.planned_per_week = Some(units);
        self
    }

    /// New prices from `date` on (an April uplift).
    #[must_use]
    pub fn rate_from(mut self, date: NaiveDate, rates: BandRates) -> Service {
        self.changes.push((date, rates));
        self
    }

    /// The service's code.
    pub fn code(&self) -> &str {
        &self.code
    }
    /// What the service is.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The unit it is priced in.
    pub fn unit(&self) -> Unit {
        self.unit
    }
    /// Units planned a week, if planned.
    pub fn planned(&self) -> Option<Decimal> {
        self.planned_per_week
    }

    /// The prices that apply on `date`.
    pub fn rates_on(&self, date: NaiveDate) -> &BandRates {
        let mut current = &self.rates;
        for (from, rates) in &self.changes {
            if *from <= date {
                current = rates;
            }
        }
        current
    }
}

/// The provider's management fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ManagementFee {
    /// A percentage of each claim line's cost (up to 100, at most four decimals).
    Percent(Decimal),
    /// A fixed amount for each period of a schedule anchored at the agreement's start,
    /// charged with [`ServiceAgreement::charge_fees`].
    FixedPerPeriod {
        /// The amount per period.
        amount: Money,
        /// How often.
        frequency: Frequency,
    },
}

/// Banking of unused planned units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Banking {
    /// The most units of one service that may be banked at once.
    pub max_units: Decimal,
    /// Banked units expire this many weeks after the week they were banked for ends.
    pub expires_after_weeks: u32,
}

/// What a cancellation costs: with less than `notice_hours` notice, `charge_percent` of the
/// cancelled support's cost; otherwise nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CancellationRule {
    /// Less notice than this is short notice.
    pub notice_hours: u32,
    /// The percentage of the cost charged at short notice (0 to 100).
    pub charge_percent: Decimal,
}

impl Default for CancellationRule {
    /// Less than 24 hours' notice is charged in full.
    fn default() -> Self {
        CancellationRule {
            notice_hours: 24,
            charge_percent: Decimal::ONE_HUNDRED,
        }
    }
}

/// What to do with a claim line that has an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OnIssue {
    /// Refuse the whole claim.
    Refuse,
    /// Hold the line's cost and wait for a decision.
    Dispute,
}

/// What to do with a claim line whose price differs from the agreed rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OnRateDiffers {
    /// Refuse the whole claim.
    Refuse,
    /// Hold the line's cost at the claimed price and wait for a decision.
    Dispute,
    /// Pay the line at the agreed price and report it as flagged.
    PayAgreedRate,
}

/// The agreement's policy for claim lines that fail a check. See the module docs for defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClaimPolicy {
    /// A service the agreement does not have.
    pub unknown_service: OnIssue,
    /// A supplier the agreement does not list.
    pub unknown_supplier: OnIssue,
    /// A date outside the agreement.
    pub outside_agreement: OnIssue,
    /// A price that differs from the agreed rate.
    pub rate_differs: OnRateDiffers,
    /// A line claimed before (same date, service, supplier, units and kind).
    pub duplicate: OnIssue,
    /// Units over the weekly plan that banked units do not cover.
    pub over_plan: OnIssue,
    /// A line costing more than its booking reserved.
    pub exceeds_booking: OnIssue,
}

impl Default for ClaimPolicy {
    fn default() -> Self {
        ClaimPolicy {
            unknown_service: OnIssue::Refuse,
            unknown_supplier: OnIssue::Refuse,
            outside_agreement: OnIssue::Refuse,
            rate_differs: OnRateDiffers::Dispute,
            duplicate: OnIssue::Refuse,
            over_plan: OnIssue::Dispute,
            exceeds_booking: OnIssue::Dispute,
        }
    }
}

/// Why a claim line failed a check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ClaimIssue {
    /// The agreement has no such service.
    UnknownService {
        /// The code claimed.
        service: String,
    },
    /// The agreement lists no such supplier.
    UnknownSupplier {
        /// The supplier claimed.
        supplier: SupplierId,
    },
    /// The date is outside the agreement.
    OutsideAgreement {
        /// The date claimed.
        date: NaiveDate,
        /// The agreement's validity.
        validity: Period,
    },
    /// The price differs from the agreed rate for the day's band.
    RateDiffers {
        /// The agreed price.
        agreed: Money,
        /// The price claimed.
        claimed: Money,
        /// The day's band.
        band: TimeBand,
    },
    /// The same line was claimed before.
    Duplicate {
        /// Where: `{claim}:{line}`.
        of: String,
    },
    /// Units over the week's plan that banked units do not cover.
    OverPlan {
        /// The week's Monday.
        week: NaiveDate,
        /// Units planned for the week.
        planned: Decimal,
        /// Units delivered in the week with this line.
        claimed: Decimal,
    },
    /// The line costs more than its booking reserved.
    ExceedsBooking {
        /// The booking.
        booking: BookingId,
        /// What it reserved.
        reserved: Money,
        /// What the line costs.
        cost: Money,
    },
}

impl fmt::Display for ClaimIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimIssue::UnknownService { service } => write!(f, "unknown service {service:?}"),
            ClaimIssue::UnknownSupplier { supplier } => write!(f, "unknown supplier {supplier}"),
            ClaimIssue::OutsideAgreement { date, validity } => {
                write!(f, "{date} is outside the agreement ({validity})")
            }
            ClaimIssue::RateDiffers {
                agreed,
                claimed,
                band,
            } => write!(
                f,
                "price {claimed} differs from the agreed {band} rate {agreed}"
            ),
            ClaimIssue::Duplicate { of } => write!(f, "duplicate of claim line {of}"),
            ClaimIssue::OverPlan {
                week,
                planned,
                claimed,
            } => write!(
                f,
                "{claimed} units in the week of {week} are over the {planned} planned"
            ),
            ClaimIssue::ExceedsBooking {
                booking,
                reserved,
                cost,
            } => write!(
                f,
                "cost {cost} exceeds the {reserved} booking {booking} reserved"
            ),
        }
    }
}

// ----- the agreement ---------------------------------------------------------------------------

/// A service agreement: who provides what to whom, at what price, from which fund.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ServiceAgreement {
    id: AgreementId,
    provider: ProviderId,
    deployment: String,
    currency: Currency,
    validity: Period,
    services: Vec<Service>,
    fee: Option<ManagementFee>,
    suppliers: BTreeSet<SupplierId>,
    banking: Option<Banking>,
    cancellation: CancellationRule,
    policy: ClaimPolicy,
    bank_holidays: BTreeSet<NaiveDate>,
    rounding: Rounding,
    booking_grace_days: u32,
}

/// A booking of planned support, reserved on the fund until a claim line settles it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Booking {
    /// The booking's id.
    pub id: BookingId,
    /// The day the support is planned for.
    pub date: NaiveDate,
    /// The service.
    pub service: String,
    /// Units planned.
    pub units: Decimal,
    /// The subcontracted supplier who will deliver it, if any.
    pub supplier: Option<SupplierId>,
    /// The day the booking is made (the holds' date).
    pub booked_on: NaiveDate,
}

impl Booking {
    /// A booking of `units` of `service` on `date`, made on `booked_on`.
    pub fn new(
        id: impl Into<BookingId>,
        date: NaiveDate,
        service: impl Into<String>,
        units: Decimal,
        booked_on: NaiveDate,
    ) -> Booking {
        Booking {
            id: id.into(),
            date,
            service: service.into(),
            units,
            supplier: None,
            booked_on,
        }
    }

    /// Names the subcontracted supplier.
    #[must_use]
    pub fn supplier(mut self, supplier: impl Into<SupplierId>) -> Booking {
        self.supplier = Some(supplier.into());
        self
    }
}

/// A line of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClaimLine {
    /// The day the support was delivered (or was to be, for a cancellation).
    pub date: NaiveDate,
    /// The service code.
    pub service: String,
    /// Units delivered (or cancelled); positive, at most two decimals.
    pub units: Decimal,
    /// The price per unit claimed.
    pub price: Money,
    /// The subcontracted supplier who delivered it, if any.
    pub supplier: Option<SupplierId>,
    /// The booking it delivers, if any.
    pub booking: Option<BookingId>,
    /// For a cancellation: the hours of notice the person gave.
    pub cancelled_with_notice_hours: Option<u32>,
}

impl ClaimLine {
    /// A line for `units` of `service` delivered on `date` at `price` per unit.
    pub fn new(date: NaiveDate, service: impl Into<String>, units: Decimal, price: Money) -> Self {
        ClaimLine {
            date,
            service: service.into(),
            units,
            price,
            supplier: None,
            booking: None,
            cancelled_with_notice_hours: None,
        }
    }

    /// Names the subcontracted supplier.
    #[must_use]
    pub fn supplier(mut self, supplier: impl Into<SupplierId>) -> Self {
        self.supplier = Some(supplier.into());
        self
    }

    /// Names the booking this line delivers.
    #[must_use]
    pub fn booking(mut self, booking: impl Into<BookingId>) -> Self {
        self.booking = Some(booking.into());
        self
    }

    /// Makes this a cancellation, with `hours` of notice.
    #[must_use]
    pub fn cancelled(mut self, hours: u32) -> Self {
        self.cancelled_with_notice_hours = Some(hours);
        self
    }

    fn kind(&self) -> &'static str {
        if self.cancelled_with_notice_hours.is_some() {
            "cancellation"
        } else {
            "delivered"
        }
    }

    /// The line's identity for duplicate checks.
    fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.date,
            self.service,
            self.supplier.as_ref().map_or("-", |s| s.as_str()),
            self.units.normalize(),
            self.kind()
        )
    }
}

/// A provider's claim: lines of support delivered, received on a date (the drawdowns' date).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Claim {
    /// The claim's id (the provider's invoice number).
    pub id: ClaimId,
    /// The day it is processed: the date of its drawdowns.
    pub date: NaiveDate,
    /// Its lines.
    pub lines: Vec<ClaimLine>,
}

impl Claim {
    /// An empty claim.
    pub fn new(id: impl Into<ClaimId>, date: NaiveDate) -> Claim {
        Claim {
            id: id.into(),
            date,
            lines: Vec::new(),
        }
    }

    /// Adds a line.
    #[must_use]
    pub fn line(mut self, line: ClaimLine) -> Claim {
        self.lines.push(line);
        self
    }
}

/// A line paid by a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PaidLine {
    /// The line, from 1.
    pub line: usize,
    /// What it cost the fund (before the fee).
    pub amount: Money,
    /// The management fee on it.
    pub fee: Money,
    /// Banked units it used.
    pub banked_units_used: Decimal,
}

/// A line held in dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DisputedLine {
    /// The line, from 1.
    pub line: usize,
    /// What is held for it.
    pub amount: Money,
    /// Why.
    pub issues: Vec<ClaimIssue>,
}

/// What a claim did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClaimOutcome {
    /// The claim.
    pub claim: ClaimId,
    /// The fund's currency.
    pub currency: Currency,
    /// Lines paid.
    pub paid: Vec<PaidLine>,
    /// Lines held in dispute.
    pub disputed: Vec<DisputedLine>,
    /// Lines paid with an issue the policy allowed (at the agreed rate), and the issue.
    pub flagged: Vec<(usize, ClaimIssue)>,
    /// Cancellations with enough notice: not charged (their bookings released).
    pub not_charged: Vec<usize>,
}

impl ClaimOutcome {
    /// The total of the paid lines, before fees.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn paid_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.currency, self.paid.iter().map(|p| p.amount))
    }
    /// The total of the fees on the paid lines.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn fees_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.currency, self.paid.iter().map(|p| p.fee))
    }
    /// The total held in dispute.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn disputed_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.currency, self.disputed.iter().map(|p| p.amount))
    }
}

/// A credit note: the lines of earlier claims it credits in full.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditNote {
    /// The credit note's id.
    pub id: CreditNoteId,
    /// The day it is processed.
    pub date: NaiveDate,
    /// The lines it credits: claim and line number (from 1).
    pub lines: Vec<(ClaimId, usize)>,
    /// Why.
    pub reason: String,
}

/// Units banked for one service, as lots that expire.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BankedLot {
    /// The week the units were banked for (its Monday).
    pub week: NaiveDate,
    /// Units still banked from it.
    pub units: Decimal,
    /// The price per unit they were banked at.
    pub price: Money,
    /// The first day they can no longer be used.
    pub expires_on: NaiveDate,
}

/// The banked units of one service as at a date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BankedUnits {
    /// The service.
    pub service: String,
    /// Units banked and not expired.
    pub units: Decimal,
    /// Their value at the prices they were banked at, rounded once.
    pub value: Money,
    /// The lots, oldest first.
    pub lots: Vec<BankedLot>,
}

/// Planned and delivered units of one service over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnitsLine {
    /// The service.
    pub service: String,
    /// Its unit.
    pub unit: Unit,
    /// Units planned over the period (weekly plan × days / 7, to two decimals).
    pub planned: Option<Decimal>,
    /// Units delivered on days in the period and paid (credited lines excluded).
    pub delivered: Decimal,
    /// Units of cancellations charged.
    pub cancelled_charged: Decimal,
    /// Units banked at the period's end.
    pub banked: Decimal,
}

/// One agreement's planned and delivered units over a period, for a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnitsSummary {
    /// The agreement.
    pub agreement: AgreementId,
    /// The period.
    pub period: Period,
    /// One line per service, in the agreement's order.
    pub lines: Vec<UnitsLine>,
}

/// One check to run before a claim changes anything.
struct LinePlan {
    issues: Vec<ClaimIssue>,
    action: LineAction,
    amount: Money,
    fee: Money,
    banked_used: Decimal,
    /// The line's price after the policy (the agreed price when paying the agreed rate).
    price: Money,
    band: TimeBand,
    to: AccountId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineAction {
    Pay,
    Dispute,
    NotCharged,
}

impl ServiceAgreement {
    /// An agreement for deployment `deployment` of `plan`, which must be an ISF, valid over
    /// `validity`, with no services yet, no fee, the default [`ClaimPolicy`] and
    /// [`CancellationRule`], half-up rounding and bookings that lapse 28 days after their date.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotAnIsf`], [`DrawdownError::InvalidCode`],
    /// [`DeployError::UnknownDeployment`] (as [`DrawdownError::Deploy`]).
    pub fn new(
        id: impl Into<AgreementId>,
        plan: &PaymentPlan,
        deployment: &str,
        validity: Period,
    ) -> Result<ServiceAgreement, DrawdownError> {
        let id = id.into();
        check_code("agreement", id.as_str())?;
        let found = plan
            .deployments()
            .iter()
            .find(|d| d.name == deployment)
            .ok_or_else(|| DeployError::UnknownDeployment {
                budget: plan.budget().id().to_string(),
                name: deployment.to_string(),
            })?;
        let DeploymentKind::Isf { provider } = &found.kind else {
            return Err(DrawdownError::NotAnIsf {
                deployment: deployment.to_string(),
                kind: found.kind.to_string(),
            });
        };
        Ok(ServiceAgreement {
            id,
            provider: provider.clone(),
            deployment: deployment.to_string(),
            currency: plan.budget().currency(),
            validity,
            services: Vec::new(),
            fee: None,
            suppliers: BTreeSet::new(),
            banking: None,
            cancellation: CancellationRule::default(),
            policy: ClaimPolicy::default(),
            bank_holidays: BTreeSet::new(),
            rounding: Rounding::default(),
            booking_grace_days: 28,
        })
    }

    /// Adds a service.
    #[must_use]
    pub fn service(mut self, service: Service) -> ServiceAgreement {
        self.services.push(service);
        self
    }
    /// Sets the management fee.
    #[must_use]
    pub fn fee(mut self, fee: ManagementFee) -> ServiceAgreement {
        self.fee = Some(fee);
        self
    }
    /// Lists a subcontracted supplier.
    #[must_use]
    pub fn supplier(mut self, supplier: impl Into<SupplierId>) -> ServiceAgreement {
        self.suppliers.insert(supplier.into());
        self
    }
    /// Switches banking of unused planned units on.
    #[must_use]
    pub fn banking(mut self, banking: Banking) -> ServiceAgreement {
        self.banking = Some(banking);
        self
    }
    /// Sets the cancellation rule.
    #[must_use]
    pub fn cancellation(mut self, rule: CancellationRule) -> ServiceAgreement {
        self.cancellation = rule;
        self
    }
    /// Sets the claim policy.
    #[must_use]
    pub fn policy(mut self, policy: ClaimPolicy) -> ServiceAgreement {
        self.policy = policy;
        self
    }
    /// Lists a bank holiday (priced in the bank holiday band).
    #[must_use]
    pub fn bank_holiday(mut self, date: NaiveDate) -> ServiceAgreement {
        self.bank_holidays.insert(date);
        self
    }
    /// Sets the rounding of line costs and fees.
    #[must_use]
    pub fn rounding(mut self, rounding: Rounding) -> ServiceAgreement {
        self.rounding = rounding;
        self
    }
    /// Sets how many days after its date an unclaimed booking lapses.
    #[must_use]
    pub fn booking_grace_days(mut self, days: u32) -> ServiceAgreement {
        self.booking_grace_days = days;
        self
    }

    /// The agreement's id.
    pub fn id(&self) -> &AgreementId {
        &self.id
    }
    /// The provider.
    pub fn provider(&self) -> &ProviderId {
        &self.provider
    }
    /// The deployment whose fund it draws on.
    pub fn deployment(&self) -> &str {
        &self.deployment
    }
    /// When it is valid.
    pub fn validity(&self) -> Period {
        self.validity
    }
    /// Its services.
    pub fn services(&self) -> &[Service] {
        &self.services
    }
    /// The claim policy.
    pub fn claim_policy(&self) -> &ClaimPolicy {
        &self.policy
    }

    /// The band of a day.
    pub fn band(&self, date: NaiveDate) -> TimeBand {
        if self.bank_holidays.contains(&date) {
            TimeBand::BankHoliday
        } else if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            TimeBand::Weekend
        } else {
            TimeBand::Weekday
        }
    }

    /// The agreed price per unit of a service on a day, if it has the service.
    pub fn price(&self, service: &str, date: NaiveDate) -> Option<Money> {
        self.find_service(service)
            .map(|s| s.rates_on(date).price(self.band(date)))
    }

    fn find_service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }

    // ----- accounts ----------------------------------------------------------------------------

    /// The account a service's drawdowns go to: the provider's own, or a supplier's.
    pub fn service_account(&self, service: &str, supplier: Option<&SupplierId>) -> AccountId {
        match supplier {
            None => format!("provider:{}:isf:{}:{service}", self.provider, self.id).into(),
            Some(s) => format!("provider:{}:isf:{}:{service}:{s}", self.provider, self.id).into(),
        }
    }

    /// The account disputed lines for a service or supplier the agreement does not list are
    /// held for, and paid to if accepted.
    pub fn unlisted_account(&self) -> AccountId {
        format!("provider:{}:isf:{}:unlisted", self.provider, self.id).into()
    }

    /// The account management fees go to.
    pub fn fee_account(&self) -> AccountId {
        format!("provider:{}:isf:{}:fee", self.provider, self.id).into()
    }

    /// The account holding a service's banked units.
    pub fn banked_account(&self, service: &str) -> AccountId {
        format!("isf:{}:banked:{service}", self.id).into()
    }

    fn banked_from_account(&self, service: &str) -> AccountId {
        format!("isf:{}:banked-from:{service}", self.id).into()
    }

    /// Checks the agreement and opens its accounts (opening again changes nothing).
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidAgreement`], [`DrawdownError::InvalidCode`],
    /// [`DrawdownError::Ledger`].
    pub fn open_accounts(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
    ) -> Result<(), DrawdownError> {
        self.check(plan)?;
        let owner = format!("provider:{}", self.provider);
        let budget = format!("budget:{}", plan.budget().id());
        let suppliers: Vec<Option<&SupplierId>> = std::iter::once(None)
            .chain(self.suppliers.iter().map(Some))
            .collect();
        let mut accounts = Vec::new();
        for service in &self.services {
            for supplier in &suppliers {
                let mut account = NewAccount::new(
                    self.service_account(&service.code, *supplier),
                    AccountKind::Income,
                    self.currency,
                )
                .owner(owner.as_str())
                .tag("role:drawdown")
                .tag(format!("agreement:{}", self.id))
                .tag(budget.as_str())
                .tag(format!("service:{}", service.code))
                .tag(format!("description:{}", service.description));
                if let Some(s) = supplier {
                    account = account.tag(format!("supplier:{s}"));
                }
                accounts.push(account);
            }
            if self.banking.is_some() {
                let units = unit_currency(service.unit);
                accounts.push(
                    NewAccount::new(
                        self.banked_account(&service.code),
                        AccountKind::Asset,
                        units,
                    )
                    .owner(owner.as_str())
                    .tag("role:banked")
                    .tag(format!("agreement:{}", self.id))
                    .rule(BalanceRule::NonNegative),
                );
                accounts.push(
                    NewAccount::new(
                        self.banked_from_account(&service.code),
                        AccountKind::Equity,
                        units,
                    )
                    .owner(owner.as_str()),
                );
            }
        }
        accounts.push(
            NewAccount::new(self.unlisted_account(), AccountKind::Income, self.currency)
                .owner(owner.as_str())
                .tag("role:drawdown")
                .tag(format!("agreement:{}", self.id))
                .tag(budget.as_str())
                .tag("service:unlisted"),
        );
        accounts.push(
            NewAccount::new(self.fee_account(), AccountKind::Income, self.currency)
                .owner(owner.as_str())
                .tag("role:fee")
                .tag(format!("agreement:{}", self.id))
                .tag(budget.as_str()),
        );
        for account in accounts {
            ledger.open_account(account)?;
        }
        Ok(())
    }

    fn invalid(&self, reason: impl Into<String>) -> DrawdownError {
        DrawdownError::InvalidAgreement {
            agreement: self.id.clone(),
            reason: reason.into(),
        }
    }

    /// Checks the agreement against the plan it draws on.
    fn check(&self, plan: &PaymentPlan) -> Result<(), DrawdownError> {
        if plan.budget().currency() != self.currency {
            return Err(self.invalid(format!(
                "the plan's currency is {}, the agreement's {}",
                plan.budget().currency(),
                self.currency
            )));
        }
        if self.services.is_empty() {
            return Err(self.invalid("it has no services"));
        }
        let mut codes = BTreeSet::new();
        for service in &self.services {
            check_code("service", &service.code)?;
            if !codes.insert(service.code.as_str()) {
                return Err(self.invalid(format!("service {} is listed twice", service.code)));
            }
            if let Some(p) = service.planned_per_week {
                if p.is_sign_negative() || p.scale() > 2 {
                    return Err(self.invalid(format!(
                        "service {}: planned units {p} must be zero or more, with at most two decimals",
                        service.code
                    )));
                }
            }
            if service.changes.windows(2).any(|w| w[0].0 >= w[1].0) {
                return Err(self.invalid(format!(
                    "service {}: rate changes must be in date order",
                    service.code
                )));
            }
            let all_rates =
                std::iter::once(&service.rates).chain(service.changes.iter().map(|c| &c.1));
            for rates in all_rates {
                for price in rates.prices() {
                    if price.currency() != self.currency || !price.is_positive() {
                        return Err(self.invalid(format!(
                            "service {}: price {price} must be positive, in {}",
                            service.code, self.currency
                        )));
                    }
                }
            }
        }
        for s in &self.suppliers {
            check_code("supplier", s.as_str())?;
        }
        if let Some(b) = self.banking {
            if b.max_units.is_sign_negative() || b.max_units.scale() > 2 {
                return Err(self.invalid(format!("banking limit {} is not valid", b.max_units)));
            }
        }
        let c = self.cancellation.charge_percent;
        if c.is_sign_negative() || c > Decimal::ONE_HUNDRED {
            return Err(self.invalid(format!("cancellation charge {c}% is not 0 to 100")));
        }
        match self.fee {
            Some(ManagementFee::Percent(p))
                if p.is_sign_negative() || p > Decimal::ONE_HUNDRED || p.scale() > 4 =>
            {
                Err(self.invalid(format!(
                    "fee {p}% is not 0 to 100 with at most four decimals"
                )))
            }
            Some(ManagementFee::FixedPerPeriod { amount, .. })
                if amount.currency() != self.currency || !amount.is_positive() =>
            {
                Err(self.invalid(format!(
                    "fixed fee {amount} must be positive, in {}",
                    self.currency
                )))
            }
            _ => Ok(()),
        }
    }

    fn fund_name(&self, plan: &PaymentPlan) -> String {
        format!("{}:{}", plan.budget().id(), self.deployment)
    }

    // ----- bookings ----------------------------------------------------------------------------

    fn booking_hold(&self, booking: &BookingId, source: &Source) -> HoldId {
        format!("book:{}:{booking}:{}", self.id, source.key()).into()
    }

    fn dispute_hold(&self, claim: &ClaimId, line: usize, source: &Source) -> HoldId {
        format!("dispute:{}:{claim}:{line}:{}", self.id, source.key()).into()
    }

    /// The active holds of a booking or dispute, by source, in the plan's source order.
    fn active_holds(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        id: impl Fn(&Source) -> HoldId,
    ) -> Vec<(Source, HoldId, Money)> {
        plan.budget()
            .all_sources()
            .into_iter()
            .filter_map(|source| {
                let hold_id = id(&source);
                let hold = ledger.hold(&hold_id)?;
                (hold.status() == HoldStatus::Active)
                    .then(|| (source, hold_id, hold.details().amount))
            })
            .collect()
    }

    /// Reserves a booking's cost on the fund (a hold per source, split by the plan's spend
    /// order), lapsing the agreement's grace days after the booking's date. Booking again
    /// with the same details changes nothing. Returns the amount reserved.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidLine`] (units), [`DrawdownError::DuplicateBooking`],
    /// [`DrawdownError::InsufficientFunds`], [`DrawdownError::ClaimRefused`] if the service or
    /// supplier is unknown or the date is outside the agreement, [`DrawdownError::Ledger`].
    pub fn book(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        booking: &Booking,
    ) -> Result<Money, DrawdownError> {
        check_code("booking", booking.id.as_str())?;
        let as_claim = ClaimId::from(format!("booking {}", booking.id));
        check_units(&as_claim, 1, booking.units)?;
        let refuse = |issue| DrawdownError::ClaimRefused {
            claim: as_claim.clone(),
            line: 1,
            issue,
        };
        let service = self.find_service(&booking.service).ok_or_else(|| {
            refuse(ClaimIssue::UnknownService {
                service: booking.service.clone(),
            })
        })?;
        if let Some(s) = &booking.supplier {
            if !self.suppliers.contains(s) {
                return Err(refuse(ClaimIssue::UnknownSupplier {
                    supplier: s.clone(),
                }));
            }
        }
        if !self.validity.contains(booking.date) {
            return Err(refuse(ClaimIssue::OutsideAgreement {
                date: booking.date,
                validity: self.validity,
            }));
        }
        let price = service
            .rates_on(booking.date)
            .price(self.band(booking.date));
        let amount = price.checked_mul(booking.units)?.round(self.rounding);
        let memo = format!(
            "booking {}: {} {} {}",
            booking.id,
            booking.date,
            booking.service,
            booking.units.normalize()
        );
        let existing: Vec<_> = plan
            .budget()
            .all_sources()
            .iter()
            .filter_map(|s| ledger.hold(&self.booking_hold(&booking.id, s)))
            .map(|h| h.details().clone())
            .collect();
        if !existing.is_empty() {
            let same = existing
                .iter()
                .all(|h| h.memo == memo && h.date == booking.booked_on);
            return if same {
                Money::sum(self.currency, existing.iter().map(|h| h.amount))
                    .map_err(DrawdownError::from)
            } else {
                Err(DrawdownError::DuplicateBooking {
                    booking: booking.id.clone(),
                })
            };
        }
        self.check_open(ledger, booking.booked_on)?;
        let to = self.service_account(&booking.service, booking.supplier.as_ref());
        let expires = booking
            .date
            .checked_add_days(Days::new(u64::from(self.booking_grace_days) + 1))
            .ok_or(crate::period::out_of_range("a date".into()))?;
        self.place_split_holds(ledger, plan, amount, booking.booked_on, |s| {
            NewHold::new(
                self.booking_hold(&booking.id, s),
                "",
                to.clone(),
                amount,
                booking.booked_on,
            )
            .expires_on(expires)
            .memo(memo.clone())
        })?;
        Ok(amount)
    }

    /// Releases a booking nobody will claim.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::UnknownBooking`].
    pub fn release_booking(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        booking: &BookingId,
    ) -> Result<(), DrawdownError> {
        let holds = self.active_holds(ledger, plan, |s| self.booking_hold(booking, s));
        if holds.is_empty() {
            return Err(DrawdownError::UnknownBooking {
                booking: booking.clone(),
            });
        }
        for (_, id, _) in holds {
            ledger.release_hold(&id)?;
        }
        Ok(())
    }

    /// Places `amount` as holds on the fund's sources (split by the spend order), after
    /// checking the fund can take it.
    fn place_split_holds(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        amount: Money,
        date: NaiveDate,
        hold: impl Fn(&Source) -> NewHold,
    ) -> Result<(), DrawdownError> {
        let split = self.split(ledger, plan, amount)?;
        for (source, part) in split {
            let mut h = hold(&source);
            h.from = plan.fund_account(&self.deployment, &source);
            h.amount = part;
            h.date = date;
            ledger.place_hold(h)?;
        }
        Ok(())
    }

    /// Splits `amount` over the fund's sources by the plan's spend order.
    fn split(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        amount: Money,
    ) -> Result<Vec<(Source, Money)>, DrawdownError> {
        let postings = plan
            .spend_postings(ledger, &self.deployment, amount)
            .map_err(|e| match e {
                DeployError::InsufficientFunds {
                    amount, available, ..
                } => DrawdownError::InsufficientFunds {
                    fund: self.fund_name(plan),
                    needed: amount,
                    available,
                },
                other => other.into(),
            })?;
        let sources = plan.budget().all_sources();
        Ok(postings
            .into_iter()
            .filter_map(|(account, m)| {
                sources
                    .iter()
                    .find(|s| plan.fund_account(&self.deployment, s) == account)
                    .map(|s| (s.clone(), m.negate()))
            })
            .collect())
    }

    fn check_open(&self, ledger: &Ledger, date: NaiveDate) -> Result<(), DrawdownError> {
        match ledger.closed_through() {
            Some(closed) if date <= closed => Err(DrawdownError::PeriodClosed {
                date,
                closed_through: closed,
            }),
            _ => Ok(()),
        }
    }

    // ----- claims ------------------------------------------------------------------------------

    fn line_entry(&self, claim: &ClaimId, line: usize) -> EntryId {
        format!("line:{}:{claim}:{line}", self.id).into()
    }

    fn line_source_entry(&self, claim: &ClaimId, line: usize, source: &Source) -> EntryId {
        format!("line:{}:{claim}:{line}:{}", self.id, source.key()).into()
    }

    fn fee_entry(&self, claim: &ClaimId, line: usize) -> EntryId {
        format!("fee:{}:{claim}:{line}", self.id).into()
    }

    fn bank_use_entry(&self, claim: &ClaimId, line: usize) -> EntryId {
        format!("bank-use:{}:{claim}:{line}", self.id).into()
    }

    /// Entries a paid line posted: its single entry, or one per source when it settled holds.
    fn line_entries<'l>(
        &self,
        ledger: &'l Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
    ) -> Vec<crate::ledger::EntryView<'l>> {
        let mut out: Vec<_> = ledger
            .entry(&self.line_entry(claim, line))
            .into_iter()
            .collect();
        for s in plan.budget().all_sources() {
            out.extend(ledger.entry(&self.line_source_entry(claim, line, &s)));
        }
        out
    }

    fn was_submitted(&self, ledger: &Ledger, plan: &PaymentPlan, claim: &Claim) -> bool {
        (1..=claim.lines.len()).any(|n| {
            !self.line_entries(ledger, plan, &claim.id, n).is_empty()
                || ledger.entry(&self.fee_entry(&claim.id, n)).is_some()
                || plan
                    .budget()
                    .all_sources()
                    .iter()
                    .any(|s| ledger.hold(&self.dispute_hold(&claim.id, n, s)).is_some())
        })
    }

    /// Submits a claim: checks every line against the agreement and the policy, then pays,
    /// disputes or declines each line. A refused claim changes nothing.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::ClaimRefused`], [`DrawdownError::InvalidLine`],
    /// [`DrawdownError::AlreadySubmitted`], [`DrawdownError::InsufficientFunds`],
    /// [`DrawdownError::UnknownBooking`], [`DrawdownError::PeriodClosed`],
    /// [`DrawdownError::InvalidCode`], [`DrawdownError::Ledger`].
    pub fn submit(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
    ) -> Result<ClaimOutcome, DrawdownError> {
        check_code("claim", claim.id.as_str())?;
        self.check(plan)?;
        if claim.lines.is_empty() || claim.lines.len() > MAX_CLAIM_LINES {
            return Err(DrawdownError::InvalidLine {
                claim: claim.id.clone(),
                line: 0,
                reason: format!(
                    "a claim has 1 to {MAX_CLAIM_LINES} lines, not {}",
                    claim.lines.len()
                ),
            });
        }
        if self.was_submitted(ledger, plan, claim) {
            return Err(DrawdownError::AlreadySubmitted {
                claim: claim.id.clone(),
            });
        }
        self.check_open(ledger, claim.date)?;
        let plans = self.plan_lines(ledger, plan, claim)?;
        self.check_can_pay(ledger, plan, claim, &plans)?;
        self.carry_out(ledger, plan, claim, &plans)
    }

    /// Checks every line and decides what happens to it; changes nothing.
    fn plan_lines(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
    ) -> Result<Vec<LinePlan>, DrawdownError> {
        // Each service's paid lines, read once for the duplicate and weekly-plan checks.
        let mut claimed = BTreeMap::new();
        for service in &self.services {
            claimed.insert(
                service.code.clone(),
                self.claimed_lines(ledger, &service.code)?,
            );
        }
        let mut seen = self.claimed_keys(&claimed, ledger, plan)?;
        let mut weekly = WeekTotals::default();
        let mut bank_left: BTreeMap<String, (Vec<BankedLot>, Decimal)> = BTreeMap::new();
        let mut plans = Vec::with_capacity(claim.lines.len());
        for (i, line) in claim.lines.iter().enumerate() {
            let n = i + 1;
            check_units(&claim.id, n, line.units)?;
            if line.price.currency() != self.currency || !line.price.is_positive() {
                return Err(DrawdownError::InvalidLine {
                    claim: claim.id.clone(),
                    line: n,
                    reason: format!(
                        "price {} must be positive, in {}",
                        line.price, self.currency
                    ),
                });
            }
            check_code("service", &line.service)?;
            if let Some(s) = &line.supplier {
                check_code("supplier", s.as_str())?;
            }
            let band = self.band(line.date);
            let mut issues = Vec::new();
            let mut price = line.price;
            let mut pay_agreed = false;
            let service = self.find_service(&line.service);
            if service.is_none() {
                issues.push(ClaimIssue::UnknownService {
                    service: line.service.clone(),
                });
            }
            if let Some(s) = &line.supplier {
                if !self.suppliers.contains(s) {
                    issues.push(ClaimIssue::UnknownSupplier {
                        supplier: s.clone(),
                    });
                }
            }
            if !self.validity.contains(line.date) {
                issues.push(ClaimIssue::OutsideAgreement {
                    date: line.date,
                    validity: self.validity,
                });
            }
            if let Some(service) = service {
                let agreed = service.rates_on(line.date).price(band);
                if agreed != line.price {
                    issues.push(ClaimIssue::RateDiffers {
                        agreed,
                        claimed: line.price,
                        band,
                    });
                    if self.policy.rate_differs == OnRateDiffers::PayAgreedRate {
                        price = agreed;
                        pay_agreed = true;
                    }
                }
            }
            let key = line.key();
            if let Some(of) = seen.get(&key) {
                issues.push(ClaimIssue::Duplicate { of: of.clone() });
            } else {
                seen.insert(key, format!("{}:{n}", claim.id));
            }
            let cost = price.checked_mul(line.units)?.round(self.rounding);
            let mut amount = cost;
            let mut action = LineAction::Pay;
            if let Some(notice) = line.cancelled_with_notice_hours {
                if notice >= self.cancellation.notice_hours {
                    amount = Money::zero(self.currency);
                    action = LineAction::NotCharged;
                } else {
                    amount = cost
                        .checked_mul(self.cancellation.charge_percent)?
                        .checked_mul(Decimal::new(1, 2))?
                        .round(self.rounding);
                    if amount.is_zero() {
                        action = LineAction::NotCharged;
                    }
                }
            }
            if let Some(booking) = &line.booking {
                let holds = self.active_holds(ledger, plan, |s| self.booking_hold(booking, s));
                if holds.is_empty() {
                    return Err(DrawdownError::UnknownBooking {
                        booking: booking.clone(),
                    });
                }
                let target = self.service_account(&line.service, line.supplier.as_ref());
                let booked_for = holds
                    .first()
                    .and_then(|h| ledger.hold(&h.1))
                    .map(|h| h.details().to.clone());
                if booked_for.as_ref() != Some(&target) {
                    return Err(DrawdownError::InvalidLine {
                        claim: claim.id.clone(),
                        line: n,
                        reason: format!(
                            "booking {booking} is for another service or supplier ({})",
                            booked_for.map_or_else(String::new, |a| a.to_string())
                        ),
                    });
                }
                let reserved = Money::sum(self.currency, holds.iter().map(|h| h.2))?;
                if amount > reserved {
                    issues.push(ClaimIssue::ExceedsBooking {
                        booking: booking.clone(),
                        reserved,
                        cost: amount,
                    });
                }
            }
            let decided = self.decide(&claim.id, n, &issues, pay_agreed)?;
            if decided == LineAction::Dispute {
                action = LineAction::Dispute;
            }
            let mut banked_used = Decimal::ZERO;
            if action == LineAction::Pay && line.cancelled_with_notice_hours.is_none() {
                if let Some(service) = service {
                    let over = weekly.add(&claimed, service, line)?;
                    if over > Decimal::ZERO {
                        let lots = match bank_left.get_mut(&service.code) {
                            Some(lots) => lots,
                            None => {
                                // Every lot: each line takes only from those open on its day.
                                let lots = self.lots(ledger, &service.code)?;
                                let units = match self.banking {
                                    Some(_) => ledger
                                        .balance(&self.banked_account(&service.code))?
                                        .amount(),
                                    None => Decimal::ZERO,
                                };
                                bank_left
                                    .entry(service.code.clone())
                                    .or_insert((lots, units))
                            }
                        };
                        // Banked units are used only when they cover the whole excess: on a
                        // copy of the lots, committed if they do. Never more than the ledger
                        // holds, so the use entry cannot be refused after bookings settle.
                        let (lots, units_left) = lots;
                        let mut trial = lots.clone();
                        let took = take_from_lots(&mut trial, over.min(*units_left), line.date);
                        if took == over {
                            *lots = trial;
                            *units_left -= took;
                            banked_used = took;
                        } else {
                            let week = monday_of(line.date);
                            let issue = ClaimIssue::OverPlan {
                                week,
                                planned: service.planned_per_week.unwrap_or_default(),
                                claimed: weekly.get(&service.code, week),
                            };
                            match self.policy.over_plan {
                                OnIssue::Refuse => {
                                    return Err(DrawdownError::ClaimRefused {
                                        claim: claim.id.clone(),
                                        line: n,
                                        issue,
                                    });
                                }
                                _ => {
                                    weekly.remove(&service.code, line);
                                    issues.push(issue);
                                    action = LineAction::Dispute;
                                }
                            }
                        }
                    }
                }
            }
            let fee = match (self.fee, action) {
                (Some(ManagementFee::Percent(p)), LineAction::Pay) => amount
                    .checked_mul(p)?
                    .checked_mul(Decimal::new(1, 2))?
                    .round(self.rounding),
                _ => Money::zero(self.currency),
            };
            let to = match service {
                Some(_)
                    if line
                        .supplier
                        .as_ref()
                        .is_none_or(|s| self.suppliers.contains(s)) =>
                {
                    self.service_account(&line.service, line.supplier.as_ref())
                }
                _ => self.unlisted_account(),
            };
            plans.push(LinePlan {
                issues,
                action,
                amount,
                fee,
                banked_used,
                price,
                band,
                to,
            });
        }
        Ok(plans)
    }

    /// What the policy does with a line's issues: refuse (an error), dispute, or pay.
    fn decide(
        &self,
        claim: &ClaimId,
        line: usize,
        issues: &[ClaimIssue],
        paying_agreed: bool,
    ) -> Result<LineAction, DrawdownError> {
        let mut action = LineAction::Pay;
        for issue in issues {
            let on = match issue {
                ClaimIssue::UnknownService { .. } => self.policy.unknown_service,
                ClaimIssue::UnknownSupplier { .. } => self.policy.unknown_supplier,
                ClaimIssue::OutsideAgreement { .. } => self.policy.outside_agreement,
                ClaimIssue::Duplicate { .. } => self.policy.duplicate,
                ClaimIssue::OverPlan { .. } => self.policy.over_plan,
                ClaimIssue::ExceedsBooking { .. } => self.policy.exceeds_booking,
                ClaimIssue::RateDiffers { .. } => match self.policy.rate_differs {
                    OnRateDiffers::Refuse => OnIssue::Refuse,
                    OnRateDiffers::Dispute => OnIssue::Dispute,
                    OnRateDiffers::PayAgreedRate if paying_agreed => continue,
                    OnRateDiffers::PayAgreedRate => OnIssue::Dispute,
                },
            };
            match on {
                OnIssue::Refuse => {
                    return Err(DrawdownError::ClaimRefused {
                        claim: claim.clone(),
                        line,
                        issue: issue.clone(),
                    });
                }
                OnIssue::Dispute => action = LineAction::Dispute,
            }
        }
        Ok(action)
    }

    /// Checks the fund can pay everything the claim would take, once its bookings are settled
    /// and their rest released.
    fn check_can_pay(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        plans: &[LinePlan],
    ) -> Result<(), DrawdownError> {
        let mut needed = Money::zero(self.currency);
        let mut freed = Money::zero(self.currency);
        let mut bookings_used = BTreeSet::new();
        for (i, (line, p)) in claim.lines.iter().zip(plans).enumerate() {
            let booking = line
                .booking
                .as_ref()
                .filter(|_| p.action != LineAction::Dispute);
            if let Some(b) = booking {
                if !bookings_used.insert(b.clone()) {
                    return Err(DrawdownError::InvalidLine {
                        claim: claim.id.clone(),
                        line: i + 1,
                        reason: format!("booking {b} is named by an earlier line of the claim"),
                    });
                }
                let holds = self.active_holds(ledger, plan, |s| self.booking_hold(b, s));
                for (_, id, held) in &holds {
                    if let Some(h) = ledger.hold(id) {
                        let d = h.details();
                        if claim.date < d.date || d.expires_on.is_some_and(|e| claim.date >= e) {
                            return Err(DrawdownError::UnknownBooking { booking: b.clone() });
                        }
                    }
                    freed = freed.checked_add(*held)?;
                }
                if p.action == LineAction::Pay {
                    freed = freed.checked_sub(p.amount)?;
                }
            } else if matches!(p.action, LineAction::Pay | LineAction::Dispute) {
                needed = needed.checked_add(p.amount)?;
            }
            needed = needed.checked_add(p.fee)?;
        }
        let available = plan
            .attribution(ledger, &self.deployment)?
            .available
            .checked_add(freed)?;
        if needed > available {
            return Err(DrawdownError::InsufficientFunds {
                fund: self.fund_name(plan),
                needed,
                available,
            });
        }
        Ok(())
    }

    fn line_meta(&self, claim: &Claim, n: usize, p: &LinePlan) -> BTreeMap<String, String> {
        let line = &claim.lines[n - 1];
        let mut meta = BTreeMap::new();
        meta.insert("agreement".to_string(), self.id.to_string());
        meta.insert("claim".to_string(), claim.id.to_string());
        meta.insert("line".to_string(), format!("{}:{n}", claim.id));
        meta.insert("kind".to_string(), line.kind().to_string());
        meta.insert("service".to_string(), line.service.clone());
        meta.insert("delivered_on".to_string(), line.date.to_string());
        meta.insert("units".to_string(), line.units.normalize().to_string());
        meta.insert("price".to_string(), p.price.to_string());
        meta.insert("band".to_string(), p.band.to_string());
        meta.insert("key".to_string(), line.key());
        if let Some(s) = &line.supplier {
            meta.insert("supplier".to_string(), s.to_string());
        }
        if p.price != line.price {
            meta.insert("claimed_price".to_string(), line.price.to_string());
        }
        if let Some(b) = &line.booking {
            meta.insert("booking".to_string(), b.to_string());
        }
        meta
    }

    /// Does what the plan decided. Everything that could fail was checked first.
    fn carry_out(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        plans: &[LinePlan],
    ) -> Result<ClaimOutcome, DrawdownError> {
        let mut outcome = ClaimOutcome {
            claim: claim.id.clone(),
            currency: self.currency,
            paid: Vec::new(),
            disputed: Vec::new(),
            flagged: Vec::new(),
            not_charged: Vec::new(),
        };
        // 1. Bookings: settle what was delivered, release the rest.
        for (i, (line, p)) in claim.lines.iter().zip(plans).enumerate() {
            let n = i + 1;
            let Some(booking) = line
                .booking
                .as_ref()
                .filter(|_| p.action != LineAction::Dispute)
            else {
                continue;
            };
            let holds = self.active_holds(ledger, plan, |s| self.booking_hold(booking, s));
            let amount = if p.action == LineAction::Pay {
                p.amount
            } else {
                Money::zero(self.currency)
            };
            let held: Vec<Money> = holds.iter().map(|h| h.2).collect();
            let parts = amount.allocate_in_proportion(&held)?;
            let meta = self.line_meta(claim, n, p);
            for ((source, hold, _), part) in holds.iter().zip(parts) {
                if part.is_positive() {
                    ledger.settle_hold_with(
                        hold,
                        self.line_source_entry(&claim.id, n, source),
                        part,
                        claim.date,
                        meta.clone(),
                    )?;
                } else {
                    ledger.release_hold(hold)?;
                }
            }
        }
        // 2. Lines not booked, fees and banked units, in one batch.
        let payable: Vec<(usize, &LinePlan)> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| (i + 1, p))
            .filter(|(n, p)| p.action == LineAction::Pay && claim.lines[n - 1].booking.is_none())
            .collect();
        let mut rows: Vec<(EntryId, AccountId, Money, BTreeMap<String, String>)> = Vec::new();
        for (n, p) in &payable {
            rows.push((
                self.line_entry(&claim.id, *n),
                p.to.clone(),
                p.amount,
                self.line_meta(claim, *n, p),
            ));
        }
        for (i, p) in plans.iter().enumerate() {
            if p.fee.is_positive() {
                let n = i + 1;
                let mut meta = self.line_meta(claim, n, p);
                meta.insert("kind".to_string(), "fee".to_string());
                rows.push((
                    self.fee_entry(&claim.id, n),
                    self.fee_account(),
                    p.fee,
                    meta,
                ));
            }
        }
        let mut batch = self.spread(ledger, plan, claim.date, rows)?;
        for (i, p) in plans.iter().enumerate() {
            if p.banked_used > Decimal::ZERO {
                let n = i + 1;
                let line = &claim.lines[n - 1];
                let units = unit_currency(
                    self.find_service(&line.service)
                        .map_or(Unit::Hour, |s| s.unit),
                );
                batch.push(
                    NewEntry::new(self.bank_use_entry(&claim.id, n), claim.date)
                        .memo(format!("banked units used by claim {} line {n}", claim.id))
                        .meta("agreement", self.id.as_str())
                        .meta("kind", "bank-use")
                        .meta("line", format!("{}:{n}", claim.id))
                        .meta("week", monday_of(line.date).to_string())
                        .meta("used_on", line.date.to_string())
                        .transfer(
                            self.banked_account(&line.service),
                            self.banked_from_account(&line.service),
                            Money::new(p.banked_used, units),
                        ),
                );
            }
        }
        if !batch.is_empty() {
            ledger.post_batch(batch)?;
        }
        // 3. Disputed lines: hold their cost.
        for (i, (line, p)) in claim.lines.iter().zip(plans).enumerate() {
            let n = i + 1;
            match p.action {
                LineAction::Dispute => {
                    let to = p.to.clone();
                    let memo = format!("disputed claim {} line {n}: {}", claim.id, line.key());
                    if p.amount.is_positive() {
                        self.place_split_holds(ledger, plan, p.amount, claim.date, |s| {
                            NewHold::new(
                                self.dispute_hold(&claim.id, n, s),
                                "",
                                to.clone(),
                                p.amount,
                                claim.date,
                            )
                            .memo(memo.clone())
                        })?;
                    }
                    outcome.disputed.push(DisputedLine {
                        line: n,
                        amount: p.amount,
                        issues: p.issues.clone(),
                    });
                }
                LineAction::Pay => {
                    outcome.paid.push(PaidLine {
                        line: n,
                        amount: p.amount,
                        fee: p.fee,
                        banked_units_used: p.banked_used,
                    });
                    for issue in &p.issues {
                        outcome.flagged.push((n, issue.clone()));
                    }
                }
                LineAction::NotCharged => outcome.not_charged.push(n),
            }
        }
        Ok(outcome)
    }

    /// Entries paying each row from the fund: the total is split over the sources by the
    /// plan's spend order once, then over the rows in order, so every row and every source sums
    /// exactly and no source gives more than it has.
    fn spread(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        date: NaiveDate,
        rows: Vec<(EntryId, AccountId, Money, BTreeMap<String, String>)>,
    ) -> Result<Vec<NewEntry>, DrawdownError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let total = Money::sum(self.currency, rows.iter().map(|r| r.2))?;
        let mut left: Vec<(Source, Money)> = self.split(ledger, plan, total)?;
        let mut entries = Vec::with_capacity(rows.len());
        for (id, to, amount, meta) in rows {
            let mut entry = NewEntry::new(id, date).posting(to, amount);
            entry.metadata = meta;
            let mut need = amount;
            for (source, have) in &mut left {
                if need.is_zero() {
                    break;
                }
                let take = (*have).checked_min(need)?;
                if take.is_positive() {
                    entry =
                        entry.posting(plan.fund_account(&self.deployment, source), take.negate());
                    *have = have.checked_sub(take)?;
                    need = need.checked_sub(take)?;
                }
            }
            let memo = format!(
                "{} {}",
                entry.metadata.get("kind").map_or("", String::as_str),
                entry.metadata.get("line").map_or("", String::as_str)
            );
            entries.push(entry.memo(memo));
        }
        Ok(entries)
    }

    /// Every line already claimed and not credited, by key, for duplicate checks.
    fn claimed_keys(
        &self,
        claimed: &BTreeMap<String, Vec<ClaimedLine<'_>>>,
        ledger: &Ledger,
        plan: &PaymentPlan,
    ) -> Result<BTreeMap<String, String>, DrawdownError> {
        let mut keys = BTreeMap::new();
        for l in claimed.values().flatten() {
            if let Some(k) = l.key {
                keys.insert(k.clone(), l.line.to_string());
            }
        }
        let fund_holds = plan
            .budget()
            .all_sources()
            .into_iter()
            .map(|source| ledger.holds_on(&plan.fund_account(&self.deployment, &source)))
            .collect::<Result<Vec<_>, LedgerError>>()?;
        for hold in fund_holds.into_iter().flatten() {
            let d = hold.details();
            if hold.status() == HoldStatus::Active
                && d.id.as_str().starts_with(&format!("dispute:{}:", self.id))
            {
                if let Some((line, key)) = d
                    .memo
                    .strip_prefix("disputed claim ")
                    .and_then(|r| r.split_once(": "))
                {
                    keys.insert(key.to_string(), line.replace(" line ", ":"));
                }
            }
        }
        Ok(keys)
    }

    // ----- disputes and credit notes ------------------------------------------------------------

    /// Pays a disputed line in full (at the price it was held at) with its fee, on `date`.
    /// Returns what was paid, before the fee.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotDisputed`], [`DrawdownError::InsufficientFunds`] (for the fee),
    /// [`DrawdownError::PeriodClosed`], [`DrawdownError::Ledger`].
    pub fn accept_disputed(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
        date: NaiveDate,
    ) -> Result<Money, DrawdownError> {
        let holds = self.active_holds(ledger, plan, |s| self.dispute_hold(claim, line, s));
        let Some(first) = holds.first().and_then(|h| ledger.hold(&h.1)) else {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            });
        };
        let details = first.details().clone();
        self.check_open(ledger, date)?;
        if date < details.date || details.expires_on.is_some_and(|e| date >= e) {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            });
        }
        let amount = Money::sum(self.currency, holds.iter().map(|h| h.2))?;
        let mut meta = BTreeMap::new();
        meta.insert("agreement".to_string(), self.id.to_string());
        meta.insert("claim".to_string(), claim.to_string());
        meta.insert("line".to_string(), format!("{claim}:{line}"));
        meta.insert("accepted_on".to_string(), date.to_string());
        if let Some(key) = details.memo.split_once(": ").map(|(_, k)| k) {
            let parts: Vec<&str> = key.split('|').collect();
            if let [delivered_on, service, supplier, units, kind] = parts[..] {
                meta.insert("delivered_on".to_string(), delivered_on.to_string());
                meta.insert("service".to_string(), service.to_string());
                if supplier != "-" {
                    meta.insert("supplier".to_string(), supplier.to_string());
                }
                meta.insert("units".to_string(), units.to_string());
                meta.insert("kind".to_string(), kind.to_string());
            }
            meta.insert("key".to_string(), key.to_string());
        }
        let fee = match self.fee {
            Some(ManagementFee::Percent(p)) => amount
                .checked_mul(p)?
                .checked_mul(Decimal::new(1, 2))?
                .round(self.rounding),
            _ => Money::zero(self.currency),
        };
        if fee.is_positive() {
            let mut fee_meta = meta.clone();
            fee_meta.insert("kind".to_string(), "fee".to_string());
            let batch = self.spread(
                ledger,
                plan,
                date,
                vec![(
                    self.fee_entry(claim, line),
                    self.fee_account(),
                    fee,
                    fee_meta,
                )],
            )?;
            ledger.post_batch(batch)?;
        }
        for (source, hold, held) in holds {
            ledger.settle_hold_with(
                &hold,
                self.line_source_entry(claim, line, &source),
                held,
                date,
                meta.clone(),
            )?;
        }
        Ok(amount)
    }

    /// Drops a disputed line: its holds are released and nothing is paid.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotDisputed`].
    pub fn credit_disputed(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
    ) -> Result<Money, DrawdownError> {
        let holds = self.active_holds(ledger, plan, |s| self.dispute_hold(claim, line, s));
        if holds.is_empty() {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            });
        }
        let amount = Money::sum(self.currency, holds.iter().map(|h| h.2))?;
        for (_, hold, _) in holds {
            ledger.release_hold(&hold)?;
        }
        Ok(amount)
    }

    /// Applies a credit note: reverses every entry of each named line and its fee, on the
    /// note's date, linked to what they reverse. Returns the total credited to the fund.
    /// Applying the same note again changes nothing and returns the same total.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotCreditable`] if a line was never paid or another note credited it,
    /// [`DrawdownError::PeriodClosed`], [`DrawdownError::InvalidCode`], [`DrawdownError::Ledger`].
    pub fn credit_note(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        note: &CreditNote,
    ) -> Result<Money, DrawdownError> {
        check_code("credit note", note.id.as_str())?;
        self.check_open(ledger, note.date)?;
        let mut to_reverse: Vec<EntryId> = Vec::new();
        let mut total = Money::zero(self.currency);
        for (claim, line) in &note.lines {
            let mut entries = self.line_entries(ledger, plan, claim, *line);
            if entries.is_empty() {
                return Err(DrawdownError::NotCreditable {
                    note: note.id.clone(),
                    claim: claim.clone(),
                    line: *line,
                    reason: "was not paid",
                });
            }
            entries.extend(ledger.entry(&self.fee_entry(claim, *line)));
            for e in entries {
                let reversal = self.reversal_id(&note.id, e.id());
                match e.reversed_by() {
                    Some(r) if r.id() == reversal.as_str() => {}
                    Some(_) => {
                        return Err(DrawdownError::NotCreditable {
                            note: note.id.clone(),
                            claim: claim.clone(),
                            line: *line,
                            reason: "was already credited",
                        });
                    }
                    None => {}
                }
                let back = e
                    .postings()
                    .filter(|(a, _)| a.as_str().starts_with("fund:"))
                    .try_fold(Money::zero(self.currency), |t, (_, m)| t.checked_sub(m))?;
                total = total.checked_add(back)?;
                if to_reverse.iter().any(|id| id.as_str() == e.id()) {
                    continue;
                }
                if e.reversed_by().is_none() {
                    to_reverse.push(EntryId::from(e.id()));
                }
            }
        }
        for id in to_reverse {
            let reversal = self.reversal_id(&note.id, id.as_str());
            ledger.reverse(
                &id,
                reversal,
                note.date,
                format!("credit note {}: {}", note.id, note.reason),
            )?;
        }
        Ok(total)
    }

    fn reversal_id(&self, note: &CreditNoteId, entry: &str) -> EntryId {
        format!("credit:{}:{note}:{entry}", self.id).into()
    }

    // ----- fees --------------------------------------------------------------------------------

    /// Charges the fixed management fee for every period of its schedule (anchored at the
    /// agreement's start) that starts on or before `through` and within the agreement, not
    /// charged before, each dated on its period's start. Returns how many were charged.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InsufficientFunds`], [`DrawdownError::Ledger`]. Nothing is charged
    /// when the fund cannot pay them all.
    pub fn charge_fees(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        through: NaiveDate,
    ) -> Result<usize, DrawdownError> {
        let Some(ManagementFee::FixedPerPeriod { amount, frequency }) = self.fee else {
            return Ok(0);
        };
        self.check(plan)?;
        let Some(last) = through.checked_add_days(Days::new(1)) else {
            return Ok(0);
        };
        let range = match Period::new(self.validity.start(), last.min(self.validity.end())) {
            Ok(range) => range,
            Err(_) => return Ok(0),
        };
        let schedule = Schedule::new(self.validity.start(), frequency);
        let mut rows = Vec::new();
        for start in schedule.starts_in(range)? {
            let id = EntryId::from(format!("fee:{}:{start}", self.id));
            if ledger.entry(&id).is_some() {
                continue;
            }
            let mut meta = BTreeMap::new();
            meta.insert("agreement".to_string(), self.id.to_string());
            meta.insert("kind".to_string(), "fee".to_string());
            meta.insert("period_start".to_string(), start.to_string());
            rows.push((id, self.fee_account(), amount, meta));
        }
        let count = rows.len();
        // Each fee is dated on its period's start: split per row on that date.
        let mut batch = self.spread(ledger, plan, self.validity.start(), rows)?;
        for entry in &mut batch {
            if let Some(start) = entry
                .metadata
                .get("period_start")
                .and_then(|s| s.parse().ok())
            {
                entry.date = start;
            }
        }
        if !batch.is_empty() {
            ledger.post_batch(batch)?;
        }
        Ok(count)
    }

    // ----- banked units ------------------------------------------------------------------------

    /// Banks the unused planned units of the week starting `week` (a Monday) for every planned
    /// service, up to the banking limit, dated the week's Sunday. Returns the units banked per
    /// service. Banking the same week again changes nothing.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::BankingOff`], [`DrawdownError::NotAMonday`],
    /// [`DrawdownError::Ledger`].
    pub fn bank_unused(
        &self,
        ledger: &mut Ledger,
        week: NaiveDate,
    ) -> Result<Vec<(String, Decimal)>, DrawdownError> {
        let Some(banking) = self.banking else {
            return Err(DrawdownError::BankingOff {
                agreement: self.id.clone(),
            });
        };
        if week.weekday() != Weekday::Mon {
            return Err(DrawdownError::NotAMonday { date: week });
        }
        let sunday = week
            .checked_add_days(Days::new(6))
            .ok_or(crate::period::out_of_range("a date".into()))?;
        let next = week
            .checked_add_days(Days::new(7))
            .ok_or(crate::period::out_of_range("a date".into()))?;
        let expires = next
            .checked_add_days(Days::new(7 * u64::from(banking.expires_after_weeks)))
            .ok_or(crate::period::out_of_range("a date".into()))?;
        let range = Period::new(week, next)?;
        let mut out = Vec::new();
        let mut batch = Vec::new();
        for service in &self.services {
            let Some(planned) = service.planned_per_week else {
                continue;
            };
            let id = EntryId::from(format!("bank:{}:{}:{week}", self.id, service.code));
            if let Some(e) = ledger.entry(&id) {
                let units = e
                    .postings()
                    .find(|(a, _)| **a == self.banked_account(&service.code))
                    .map_or(Decimal::ZERO, |(_, m)| m.amount());
                out.push((service.code.clone(), units));
                continue;
            }
            let Some(in_validity) = range.intersect(&self.validity) else {
                continue;
            };
            let planned = planned
                .checked_mul(Decimal::from(in_validity.days()))
                .and_then(|x| x.checked_div(Decimal::from(7)))
                .map(|x| x.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero))
                .ok_or_else(|| {
                    crate::money::overflow(format!("planned units of {}", service.code))
                })?;
            let delivered = self.units_in(ledger, &service.code, range)?.0;
            let banked_now = self.banked_as_at(ledger, &service.code, next)?;
            let room = (banking.max_units - banked_now).max(Decimal::ZERO);
            let units = (planned - delivered).max(Decimal::ZERO).min(room);
            if units > Decimal::ZERO {
                let price = service.rates_on(week).price(TimeBand::Weekday);
                batch.push(
                    NewEntry::new(id, sunday)
                        .memo(format!(
                            "banked unused {} for the week of {week}",
                            service.code
                        ))
                        .meta("agreement", self.id.as_str())
                        .meta("kind", "bank")
                        .meta("week", week.to_string())
                        .meta("expires_on", expires.to_string())
                        .meta("price", price.to_string())
                        .transfer(
                            self.banked_from_account(&service.code),
                            self.banked_account(&service.code),
                            Money::new(units, unit_currency(service.unit)),
                        ),
                );
            }
            out.push((service.code.clone(), units));
        }
        if !batch.is_empty() {
            ledger.post_batch(batch)?;
        }
        Ok(out)
    }

    /// Writes off banked units whose expiry is on or before `today`, dated `today`. Returns the
    /// units written off per service.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::BankingOff`], [`DrawdownError::Ledger`].
    pub fn expire_banked(
        &self,
        ledger: &mut Ledger,
        today: NaiveDate,
    ) -> Result<Vec<(String, Decimal)>, DrawdownError> {
        if self.banking.is_none() {
            return Err(DrawdownError::BankingOff {
                agreement: self.id.clone(),
            });
        }
        let mut out = Vec::new();
        let mut batch = Vec::new();
        for service in &self.services {
            let lots = self.lots(ledger, &service.code)?;
            for lot in lots
                .iter()
                .filter(|l| l.expires_on <= today && l.units > Decimal::ZERO)
            {
                batch.push(
                    NewEntry::new(
                        format!("bank-expire:{}:{}:{}", self.id, service.code, lot.week),
                        today,
                    )
                    .memo(format!(
                        "banked {} from the week of {} expired",
                        service.code, lot.week
                    ))
                    .meta("agreement", self.id.as_str())
                    .meta("kind", "bank-expire")
                    .meta("week", lot.week.to_string())
                    .transfer(
                        self.banked_account(&service.code),
                        self.banked_from_account(&service.code),
                        Money::new(lot.units, unit_currency(service.unit)),
                    ),
                );
                out.push((service.code.clone(), lot.units));
            }
        }
        if !batch.is_empty() {
            ledger.post_batch(batch)?;
        }
        Ok(out)
    }

    /// A service's banked units that can still be used on `date`, valued at the prices they were
    /// banked at.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::Ledger`] if the accounts are not open, [`DrawdownError::Money`].
    pub fn banked(
        &self,
        ledger: &Ledger,
        service: &str,
        date: NaiveDate,
    ) -> Result<BankedUnits, DrawdownError> {
        let lots = self.banked_lots(ledger, service, date)?;
        let mut units = Decimal::ZERO;
        let mut value = Money::zero(self.currency);
        for lot in &lots {
            units = units
                .checked_add(lot.units)
                .ok_or_else(|| crate::money::overflow("banked units".into()))?;
            value = value.checked_add(lot.price.checked_mul(lot.units)?)?;
        }
        Ok(BankedUnits {
            service: service.to_string(),
            units,
            value: value.round(self.rounding),
            lots,
        })
    }

    /// Lots usable on `date`: not expired.
    fn banked_lots(
        &self,
        ledger: &Ledger,
        service: &str,
        date: NaiveDate,
    ) -> Result<Vec<BankedLot>, DrawdownError> {
        if self.banking.is_none() {
            return Ok(Vec::new());
        }
        Ok(self
            .lots(ledger, service)?
            .into_iter()
            .filter(|l| l.expires_on > date && l.units > Decimal::ZERO)
            .collect())
    }

    /// Units banked as at a date, by the ledger's balance.
    fn banked_as_at(
        &self,
        ledger: &Ledger,
        service: &str,
        date: NaiveDate,
    ) -> Result<Decimal, DrawdownError> {
        Ok(ledger
            .balance_as_at(&self.banked_account(service), date)?
            .amount())
    }

    /// Every lot of a service with what is left of it: uses and write-offs are taken from the
    /// oldest lot first (write-offs from the lot they name).
    fn lots(&self, ledger: &Ledger, service: &str) -> Result<Vec<BankedLot>, DrawdownError> {
        if self.banking.is_none() || self.find_service(service).is_none() {
            return Ok(Vec::new());
        }
        let mut lots: Vec<BankedLot> = Vec::new();
        let mut taken: Vec<(NaiveDate, Decimal, Option<NaiveDate>)> = Vec::new();
        for line in ledger.history(&self.banked_account(service))? {
            let meta = line.entry.metadata();
            let units = line.amount.amount();
            if units > Decimal::ZERO && meta.get("kind").map(String::as_str) == Some("bank") {
                let week = meta.get("week").and_then(|w| w.parse().ok());
                let expires = meta.get("expires_on").and_then(|w| w.parse().ok());
                let price = meta.get("price").and_then(|p| p.parse::<Money>().ok());
                if let (Some(week), Some(expires_on), Some(price)) = (week, expires, price) {
                    lots.push(BankedLot {
                        week,
                        units,
                        price,
                        expires_on,
                    });
                }
            } else if units < Decimal::ZERO {
                let lot = (meta.get("kind").map(String::as_str) == Some("bank-expire"))
                    .then(|| meta.get("week").and_then(|w| w.parse().ok()))
                    .flatten();
                // A use counts on the day the support was delivered, as the claim saw it.
                let on = meta
                    .get("used_on")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(line.entry.date());
                taken.push((on, -units, lot));
            } else {
                // A reversal of a use gives units back to the oldest lot still open then.
                taken.push((line.entry.date(), -units, None));
            }
        }
        lots.sort_by_key(|l| l.week);
        for (date, units, lot) in taken {
            match lot {
                Some(week) => {
                    if let Some(l) = lots.iter_mut().find(|l| l.week == week) {
                        l.units -= units.min(l.units);
                    }
                }
                None if units > Decimal::ZERO => {
                    let mut open: Vec<&mut BankedLot> =
                        lots.iter_mut().filter(|l| l.expires_on > date).collect();
                    let mut left = units;
                    for l in open.iter_mut() {
                        let take = l.units.min(left);
                        l.units -= take;
                        left -= take;
                    }
                }
                None => {
                    let back = -units;
                    if let Some(l) = lots.iter_mut().find(|l| l.expires_on > date) {
                        l.units += back;
                    }
                }
            }
        }
        Ok(lots)
    }

    /// The lines of a service paid and not credited, each once (a line settled from several
    /// sources has an entry per source), in recorded order: the one place claims, banking and
    /// statements read delivered units from.
    fn claimed_lines<'l>(
        &self,
        ledger: &'l Ledger,
        service: &str,
    ) -> Result<Vec<ClaimedLine<'l>>, DrawdownError> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let suppliers = std::iter::once(None).chain(self.suppliers.iter().map(Some));
        for supplier in suppliers {
            let account = self.service_account(service, supplier);
            for line in ledger.history(&account)? {
                let e = line.entry;
                if e.reversed_by().is_some() || e.reverses().is_some() {
                    continue;
                }
                let meta = e.metadata();
                let Some(id) = meta.get("line") else { continue };
                let on = meta
                    .get("delivered_on")
                    .and_then(|d| d.parse::<NaiveDate>().ok());
                let units = meta.get("units").and_then(|u| u.parse::<Decimal>().ok());
                let (Some(on), Some(units)) = (on, units) else {
                    continue;
                };
                if !seen.insert(id.as_str()) {
                    continue;
                }
                out.push(ClaimedLine {
                    line: id,
                    key: meta.get("key"),
                    delivered_on: on,
                    units,
                    cancellation: meta.get("kind").map(String::as_str) == Some("cancellation"),
                });
            }
        }
        Ok(out)
    }

    /// Delivered and charged-cancellation units of a service on days in `range`, from the
    /// ledger (credited lines excluded, each line counted once).
    fn units_in(
        &self,
        ledger: &Ledger,
        service: &str,
        range: Period,
    ) -> Result<(Decimal, Decimal), DrawdownError> {
        let lines = self.claimed_lines(ledger, service)?;
        let mut delivered = Decimal::ZERO;
        let mut cancelled = Decimal::ZERO;
        for l in lines.iter().filter(|l| range.contains(l.delivered_on)) {
            let total = if l.cancellation {
                &mut cancelled
            } else {
                &mut delivered
            };
            *total = total
                .checked_add(l.units)
                .ok_or_else(|| crate::money::overflow("units".into()))?;
        }
        Ok((delivered, cancelled))
    }

    /// Planned and delivered units of every service over `period`, read from the ledger.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::Ledger`] if the accounts are not open, [`DrawdownError::Money`].
    pub fn units_summary(
        &self,
        ledger: &Ledger,
        period: Period,
    ) -> Result<UnitsSummary, DrawdownError> {
        let days = period.intersect(&self.validity).map_or(0, |p| p.days());
        let mut lines = Vec::new();
        for service in &self.services {
            let planned = service.planned_per_week.and_then(|p| {
                p.checked_mul(Decimal::from(days))
                    .and_then(|x| x.checked_div(Decimal::from(7)))
                    .map(|x| x.round_dp(2))
            });
            let (delivered, cancelled_charged) = self.units_in(ledger, &service.code, period)?;
            let banked = if self.banking.is_some() {
                self.banked(ledger, &service.code, period.last_day())?.units
            } else {
                Decimal::ZERO
            };
            lines.push(UnitsLine {
                service: service.code.clone(),
                unit: service.unit,
                planned,
                delivered,
                cancelled_charged,
                banked,
            });
        }
        Ok(UnitsSummary {
            agreement: self.id.clone(),
            period,
            lines,
        })
    }
}

/// A line of a service the ledger shows paid and not credited.
struct ClaimedLine<'l> {
    /// `{claim}:{line}`.
    line: &'l str,
    /// The line's identity for duplicate checks.
    key: Option<&'l String>,
    delivered_on: NaiveDate,
    units: Decimal,
    cancellation: bool,
}

/// Units delivered per service and week: the ledger's, plus the lines of the claim at hand.
#[derive(Default)]
struct WeekTotals {
    totals: BTreeMap<(String, NaiveDate), Decimal>,
}

impl WeekTotals {
    fn get(&self, service: &str, week: NaiveDate) -> Decimal {
        self.totals
            .get(&(service.to_string(), week))
            .copied()
            .unwrap_or_default()
    }

    /// Adds a line and returns its units over the week's plan.
    fn add(
        &mut self,
        claimed: &BTreeMap<String, Vec<ClaimedLine<'_>>>,
        service: &Service,
        line: &ClaimLine,
    ) -> Result<Decimal, DrawdownError> {
        let week = monday_of(line.date);
        let key = (service.code.clone(), week);
        if !self.totals.contains_key(&key) {
            let mut before = Decimal::ZERO;
            let in_week = claimed
                .get(&service.code)
                .into_iter()
                .flatten()
                .filter(|l| !l.cancellation && monday_of(l.delivered_on) == week);
            for l in in_week {
                before = before
                    .checked_add(l.units)
                    .ok_or_else(|| crate::money::overflow("weekly units".into()))?;
            }
            self.totals.insert(key.clone(), before);
        }
        let total = self.totals.entry(key).or_default();
        let before = *total;
        let after = before
            .checked_add(line.units)
            .ok_or_else(|| crate::money::overflow("weekly units".into()))?;
        *total = after;
        let Some(planned) = service.planned_per_week else {
            return Ok(Decimal::ZERO);
        };
        Ok(after - before.max(planned).min(after))
    }

    fn remove(&mut self, service: &str, line: &ClaimLine) {
        if let Some(total) = self
            .totals
            .get_mut(&(service.to_string(), monday_of(line.date)))
        {
            *total -= line.units;
        }
    }
}

/// Takes up to `units` from usable lots, oldest first; returns what was taken.
fn take_from_lots(lots: &mut [BankedLot], units: Decimal, date: NaiveDate) -> Decimal {
    let mut left = units;
    for lot in lots.iter_mut().filter(|l| l.expires_on > date) {
        let take = lot.units.min(left);
        lot.units -= take;
        left -= take;
    }
    units - left
}

/// The Monday of a date's week.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    let back = u64::from(date.weekday().num_days_from_monday());
    date.checked_sub_days(Days::new(back)).unwrap_or(date)
}

/// The unit "currency" banked units are counted in.
pub fn unit_currency(unit: Unit) -> Currency {
    let code = match unit {
        Unit::Hour => "HRS",
        Unit::Visit => "VIS",
        Unit::Day => "DAY",
        Unit::Week => "WKS",
        Unit::Item => "ITM",
    };
    Currency::new(code, 2).unwrap_or(Currency::GBP)
}

fn check_units(claim: &ClaimId, line: usize, units: Decimal) -> Result<(), DrawdownError> {
    if units <= Decimal::ZERO || units.normalize().scale() > 2 || units > Decimal::from(1_000_000) {
        return Err(DrawdownError::InvalidLine {
            claim: claim.clone(),
            line,
            reason: format!(
                "units {units} must be positive, at most 1000000, with at most two decimals"
            ),
        });
    }
    Ok(())
}

/// Codes and ids the module builds ledger ids from: 1 to [`MAX_CODE_LEN`] ASCII letters,
/// digits, `-`, `_` or `.`.
fn check_code(what: &'static str, value: &str) -> Result<(), DrawdownError> {
    let reason = if value.is_empty() {
        Some("it is empty")
    } else if value.len() > MAX_CODE_LEN {
        Some("it is longer than 48 bytes")
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        Some("only ASCII letters, digits, '-', '_' and '.' are allowed")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(DrawdownError::InvalidCode {
            what,
            value: value.to_string(),
            reason,
        }),
    }
}
