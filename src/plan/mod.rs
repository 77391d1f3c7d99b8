//! Deployment of a personal budget into funds, payment schedules and runs, contributions, and
//! adjustments for backdated revisions.
//!
//! A [`PaymentPlan`] ties a [`PersonalBudget`] to how it is deployed ([`Deployment`]s: direct
//! payment gross or net, council-managed account, ISF held by a provider, third-party managed
//! account, or any mix, by percentages or fixed amounts) and to a [`PaymentSchedule`]. It turns
//! intent into [`NewEntry`] values; the [`Ledger`] checks and records them. It never writes a
//! balance itself, and every figure it reports is read back from the ledger.
//!
//! # Funds and source attribution
//!
//! Each deployment's fund is a group of ledger accounts, one per source of its money, each
//! never below zero: `fund:{budget}:{deployment}:council`, `…:person`, `…:topup:{payer}`,
//! `…:other:{funder}`. The fund's balance is their sum, and how much of it came from whom is
//! simply each account's balance: attribution is derived from the postings like every other
//! balance, and a refund or recovery to a source can never take more than that source put in,
//! net, because its account would go below zero. Spending takes from the sources by a
//! [`SpendOrder`]: pro-rata to what each has available by default.
//!
//! # What each period pays
//!
//! For each schedule period the budget's exact amount per source is computed over the period's
//! days (see [`crate::budget`]); payments are the *rounded running total* minus the rounded
//! running total before the period, per source, from the first period of the plan. So payments
//! for full periods of a whole number of weeks are identical, every part period is pro-rata by
//! days, and however many periods there are, the payments to date never differ from the exact
//! amount to date by more than half a penny. The council's share is what is left of the rounded
//! cost once the other sources are paid, so the sources sum to the rounded cost. Two exceptions
//! keep the council from paying what it does not owe: its running total never goes down (no
//! period pays it a negative amount when its share is under a penny a period), and while its
//! share is nothing it pays nothing. In those cases the sources may sum to a penny off the
//! rounded cost, each still within half a penny of its own exact share.
//!
//! Each source's amount is then split across the deployments exactly (fixed amounts first, then
//! percentages, the remainder last), and each deployment's amount across sources pro-rata, with
//! [`Money::allocate_by_weights`]: every row and column of the split sums to the whole.
//!
//! # Who pays what into a fund
//!
//! * Council share: from `council:{council}:bank`.
//! * Person's contribution, net direct payment: the person pays it in
//!   ([`PaymentPlan::contribution_receipt`]); the plan tracks what was expected and received.
//! * Person's contribution, everything else (gross direct payment, council-managed, ISF,
//!   third-party managed): the council pays it in with its own share and invoices the person in
//!   the same entry (`council:{council}:receivable:{person}`, credited to
//!   `council:{council}:contribution-income`). It is attributed to the person in the fund,
//!   because the person pays for it.
//! * Top-ups and other funding: from `payer:{payer}` and `funder:{name}`, paid with each run.
//!
//! # 53-Monday years
//!
//! A financial year such as 2024/25 has 53 Mondays, so a weekly, fortnightly or four-weekly
//! schedule starts a period on the year's 365th day. [`Week53Policy::PayEveryPeriod`] (the
//! default) pays that period like any other, for its days: the year has one more payment, and no
//! day is ever paid twice or not at all. [`Week53Policy::SkipExtraPeriod`] does not pay a period
//! that starts on or after the 365th day of its financial year: the year has exactly 52 weeks of
//! payments, and the days of the skipped period are left unpaid.
//!
//! [`PersonalBudget`]: crate::PersonalBudget
//! [`NewEntry`]: crate::NewEntry
//! [`Ledger`]: crate::Ledger

mod accounts;
mod adjust;
mod amounts;
mod contribution;
mod deployment;
mod error;
// The ledger's read methods take `impl AsRef<str>` now, so `&self.fund_account(..)` is a
// needless borrow; the fund code is being reworked on another branch, which can drop it.
#[allow(clippy::needless_borrows_for_generic_args)]
mod fund;
mod payment_plan;
mod run;
mod schedule;

pub use self::{
    amounts::PeriodAmounts,
    contribution::ContributionStatus,
    deployment::{
        CouncilId, Deployment, DeploymentKind, ManagerId, PaymentBasis, ProviderId, Share,
    },
    error::DeployError,
    fund::{Attribution, SourceBalance, SpendOrder},
    payment_plan::PaymentPlan,
    run::{PaymentRun, RunPayment, RunRefusal, RunReport, run_payments},
    schedule::{PaymentSchedule, Timing, Week53Policy},
};

use crate::money::Money;

fn positive(what: &'static str, amount: Money) -> Result<(), DeployError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(DeployError::NotPositive { what, amount })
    }
}
