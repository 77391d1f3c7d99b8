//! Individual service funds: service agreements, claims, settlement, disputes and banked hours.
//!
//! An individual service fund (ISF) is a [`Deployment`](crate::plan::Deployment) of kind
//! [`DeploymentKind::Isf`]: a provider holds the person's money apart from its own and draws it
//! down for the support it delivers, against a [`ServiceAgreement`]. This module turns what the
//! provider and the person agreed, and what the provider claims, into ledger entries and holds;
//! the ledger checks and records them, and every figure is read back from it.
//!
//! [`DeploymentKind::Isf`]: crate::plan::DeploymentKind::Isf
//!
//! # Accounts
//!
//! * The fund is the plan's group of per-source accounts (`fund:{budget}:{deployment}:{source}`,
//!   never below zero); every drawdown takes from the sources by the plan's
//!   [`SpendOrder`](crate::plan::SpendOrder).
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
//! | date outside the agreement (for a line over several days, its days outside) | refuse | refuse, dispute (the days outside) |
//! | price differs from the agreed rate | dispute | refuse, dispute, pay the agreed rate (flagged) |
//! | duplicate of a line already claimed | refuse | refuse, dispute |
//! | units over the weekly plan (after banked units) | dispute the excess | refuse, dispute the excess |
//! | more than the booking reserved | dispute the excess | refuse, dispute the excess |
//!
//! *Refuse* refuses the whole claim: nothing changes, and the error names the line and the issue.
//! *Dispute* reserves the line's cost on the fund (a hold per source) and pays nothing until
//! [`ServiceAgreement::accept_disputed`] pays it or [`ServiceAgreement::credit_disputed`] drops
//! it. A line that only goes over its week's plan or its booking, or spreads over days
//! ([`ClaimLine::until`]) partly outside the agreement, is split rather than disputed whole:
//! the units of the days outside the agreement (pro rata by days) come off first, then the
//! units over the plan that banked units do not cover, and the paid part is no more than the
//! booking reserved; that part is paid now and only the excess is disputed, under the same
//! claim and line number. Accepting it later pays it in entries of its own (`accept:…`) and
//! counts its units as delivered. Every outcome reports each line's [`LineSplit`]: paid +
//! disputed + not charged = the line's cost, to the penny. *Pay the agreed rate* pays the line
//! at the agreement's price and reports the issue in
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
//! [`Rounding`]: crate::Rounding
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
//! Every call that changes the books (a booking, its release, a claim, an acceptance, a credit
//! note, fees, banking and expiring units) is one [`Ledger::atomically`] group: it reads the
//! ledger, decides, and writes its holds, settlements and entries as one linked record in the
//! log. If any step is refused, or fails half-way, the ledger and its log are exactly as they
//! were; there is never a half-made claim to finish.
//!
//! [`Ledger::atomically`]: crate::Ledger::atomically
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use isf_ledger::isf::*;
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

mod agreement;
mod assess;
mod banking;
pub mod block;
mod booking;
mod claim;
mod credit;
mod error;
mod fees;
mod fund;
mod ids;
pub mod outcomes;
mod policy;
mod service;
mod submit;
mod units;

pub use self::{
    agreement::ServiceAgreement,
    banking::{BankedLot, BankedUnits},
    booking::Booking,
    claim::{Claim, ClaimLine, ClaimOutcome, DisputedLine, LineSplit, MAX_CLAIM_LINES, PaidLine},
    credit::CreditNote,
    error::DrawdownError,
    ids::{AgreementId, BookingId, ClaimId, CreditNoteId, MAX_CODE_LEN, SupplierId},
    policy::{ClaimIssue, ClaimPolicy, OnIssue, OnRateDiffers},
    service::{BandRates, Banking, CancellationRule, ManagementFee, Service, TimeBand},
    units::{UnitsLine, UnitsSummary, monday_of, unit_currency},
};
