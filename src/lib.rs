//! Exact, double-entry books for the money of personal care budgets.
//!
//! In England a council assesses a person's care needs and sets a *personal budget*; the money
//! then reaches care as a *direct payment* to the person, an account the council manages, an
//! *individual service fund* (ISF) that a provider holds and spends as the person directs, a
//! third-party managed account, or a mix. `isf-ledger` is the accounting core for that money:
//! amounts are exact decimals, every movement is a balanced journal entry, funds never go below
//! zero, nothing is edited (corrections are reversals), and the books can be rebuilt from their
//! log and checked against themselves at any time.
//!
//! # Example
//!
//! A council pays a person's fund; a provider reserves planned support, then settles for what
//! was delivered.
//!
//! ```
//! use chrono::NaiveDate;
//! use isf_ledger::{AccountKind, BalanceRule, Currency, Ledger, NewAccount, NewEntry, NewHold};
//!
//! let mut ledger = Ledger::new();
//! ledger.open_account(NewAccount::new("council", AccountKind::Asset, Currency::GBP))?;
//! ledger.open_account(
//!     NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative),
//! )?;
//! ledger.open_account(NewAccount::new("provider", AccountKind::Expense, Currency::GBP))?;
//!
//! let day = NaiveDate::from_ymd_opt(2025, 4, 7).unwrap();
//! ledger.post(NewEntry::new("alloc-1", day).transfer("council", "isf:P1", "1650.00 GBP".parse()?))?;
//! ledger.place_hold(NewHold::new("week-1", "isf:P1", "provider", "412.50 GBP".parse()?, day))?;
//! ledger.settle_hold("week-1", "claim-1", "371.25 GBP".parse()?, day)?;
//!
//! assert_eq!(ledger.balance("isf:P1")?.to_string(), "1278.75 GBP");
//! assert!(ledger.trial_balance().balances());
//! ledger.verify()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! * [`Money`], [`Currency`], [`Rounding`], [`Rate`]: exact amounts with checked arithmetic.
//!   Rounding happens in one place, [`Money::round`], with an explicit strategy; splitting money
//!   ([`Money::allocate`], [`Money::allocate_by_weights`], [`allocate_by_days`]) always sums to
//!   the whole.
//! * [`Period`], [`Frequency`], [`Schedule`], [`FinancialYear`], [`pro_rata`]: half-open date
//!   ranges, payment frequencies, schedules that never drift, the UK financial year (including
//!   the years with 53 Mondays).
//! * [`Ledger`]: accounts ([`NewAccount`], with a [`BalanceRule`]), journal entries
//!   ([`NewEntry`], whose id is an idempotency key), batches, holds ([`NewHold`]: reserve,
//!   settle all or part, release, expire), reversals, closed periods, balances current / as at
//!   a date / as known after a sequence number, history, [`TrialBalance`], and
//!   [`Ledger::verify`], which recomputes everything from the postings.
//! * The log: every accepted operation, as JSON Lines ([`Ledger::write_log`],
//!   [`Ledger::replay`], [`Ledger::import_jsonl`]). Its format is below.
//! * [`book`] (feature `book`): the ledger kept in a file, one durable, hash-chained record per
//!   call, with the budgets, plans, agreements, policies and reconciliations the next call
//!   needs ([`Definition`]s in the log).
//! * [`PersonalBudget`] and [`PaymentPlan`]: personal budgets with dated revisions, how they
//!   are deployed (direct payment gross or net, council-managed, ISF, third-party managed,
//!   mixes), payment schedules and runs, contributions and adjustments for backdated revisions
//!   (see [Budgets](#budgets) and [Payment plans](#payment-plans) below).
//! * [`isf`]: individual service funds. Service agreements (services, banded and dated
//!   rates, planned units, management fees, suppliers), claims checked against them by a
//!   configurable policy, bookings held on the fund and settled with what was delivered,
//!   short-notice cancellations, disputes, credit notes and banked units; a line over its plan
//!   or booking is split, the part owed paid and only the excess disputed. Outcomes-based
//!   agreements ([`isf::outcomes`]: a fixed budget per period, support recorded for review, a
//!   flexibility band, carry-forward and returns) and block contracts turned into ISFs
//!   ([`isf::block`]).
//! * [`dp`]: direct-payment spend by category with flags for what the council does not
//!   allow, liabilities, review due dates, the monitoring return, surplus after liabilities and
//!   contingency, and recovery (full, partial, or by reducing future payments).
//! * [`reconcile`]: bank and prepaid-card statements read from CSV and matched one-to-one to
//!   the ledger, with unmatched lines and suspected duplicates reported.
//! * [`report`]: fund statements, a provider's client-money view and a council's view of its
//!   ISFs, each as data, plain text and CSV, each checked against the ledger; and the whole
//!   ledger as a plain-text journal for hledger, ledger or Beancount, for an auditor.
//! * [`chart`]: the chart of accounts. Every account, entry and hold id the domain builds,
//!   every tag and metadata key, and an [`EntryKind`](chart::EntryKind) saying why an entry
//!   exists, built and read by typed functions in one place.
//! * [`Error`]: the crate's one public error. See *Errors* below.
//!
//! # Layout
//!
//! One public path per type. The core (money, periods, the ledger, budgets, payment plans, the
//! [`Fund`] of a deployment, ids and the error) is used from the root; each product is a
//! namespace: [`isf`], [`dp`], [`reconcile`], [`report`] and [`chart`]. Inside, a folder per
//! product and a file per concept; imports run one way, from reports down through the products,
//! plans, the chart, budgets, the ledger and periods to money, ids and the error, with no circle
//! between files. The paths `deploy`, `drawdown` and `monitor` of earlier releases remain for
//! one release as deprecated modules.
//!
//! # All or nothing
//!
//! Every domain call that writes (a claim, a booking, a credit note, a spend, a recovery, a
//! person's payment in a run, opening a plan's accounts) reads the ledger, decides, and writes
//! as one linked group ([`Ledger::atomically`], [`Ledger::apply_linked`]): one record in the
//! log, and if any step is refused or fails half-way, the ledger and its log are exactly as
//! they were.
//!
//! # Errors
//!
//! Every fallible function returns either [`Error`] or the detail of its own area. The ledger
//! and money return their own details ([`LedgerError`], [`MoneyError`], …), so the core never
//! depends on the domain; a domain function that can fail for several areas' reasons (a claim
//! refused by policy, or by the ledger) returns [`Error`], and `?` converts any detail into it.
//! [`Error::kind`] gives a flat [`ErrorKind`] to act on (`NotFound`, `InsufficientFunds`,
//! `PeriodClosed`, `Refused`, …), and one accessor per area ([`Error::ledger`],
//! [`Error::drawdown`], …) gives the detail, which names the value at fault. No detail holds
//! another area's detail, so each reaches a caller by one route. A message never repeats its
//! cause: a cause (an [`std::io::Error`], the refusal inside a batch) is the error's
//! [`source`](std::error::Error::source) and is left out of the message. A refused operation
//! changes nothing.
//!
//! # Budgets
//!
//! Personal budgets: what meeting a person's needs costs the council, what the person pays
//! (their assessed contribution), what third parties and other public bodies add, and the
//! council's share, which is derived and never entered. Budgets change by *revisions* with
//! effective dates (April uplifts, reassessments, reviews), often backdated.
//!
//! ## Amounts over days are exact
//!
//! A budget line is a rate per [`Basis`]: per week, per four weeks, per calendar month or per
//! year. The amount due over any run of days is exact: a weekly rate counts `days / 7` of it, a
//! four-weekly rate `days / 28`, a monthly rate `days / days in that month` for each month the
//! days touch, a yearly rate `days / days in that financial year` (365 or 366). The exact
//! amounts are kept as fractions and rounded only when money is paid, by the schedule
//! (`crate::PaymentPlan`), so no penny is lost between periods.
//!
//! ## The council's share
//!
//! `council = cost − contribution − top-ups − other funding`, for every day. The contribution
//! charged is the assessed contribution capped at what is left of the cost after top-ups and
//! other funding (a person never pays more than their care costs), so the council's share is
//! never negative. Top-ups and other funding above the cost are refused.
//!
//! # Payment plans
//!
//! Deployment of a personal budget into funds, payment schedules and runs, contributions, and
//! adjustments for backdated revisions.
//!
//! A [`PaymentPlan`] ties a [`PersonalBudget`] to how it is deployed ([`Deployment`]s: direct
//! payment gross or net, council-managed account, ISF held by a provider, third-party managed
//! account, or any mix, by percentages or fixed amounts) and to a [`PaymentSchedule`]. It turns
//! intent into [`NewEntry`] values; the [`Ledger`] checks and records them. It never writes a
//! balance itself, and every figure it reports is read back from the ledger.
//!
//! ## Funds and source attribution
//!
//! Each deployment's fund is a group of ledger accounts, one per source of its money, each
//! never below zero: `fund:{budget}:{deployment}:council`, `…:person`, `…:topup:{payer}`,
//! `…:other:{funder}`. The fund's balance is their sum, and how much of it came from whom is
//! simply each account's balance: attribution is derived from the postings like every other
//! balance, and a refund or recovery to a source can never take more than that source put in,
//! net, because its account would go below zero. Spending takes from the sources by a
//! [`SpendOrder`]: pro-rata to what each has available by default.
//!
//! ## What each period pays
//!
//! For each schedule period the budget's exact amount per source is computed over the period's
//! days (see [Budgets](#budgets)); payments are the *rounded running total* minus the rounded
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
//! ## Who pays what into a fund
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
//! ## 53-Monday years
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
//!
//! # Invariants
//!
//! Each is checked by a property test and by the fuzzers:
//!
//! 1. Every accepted entry balances per currency, so all balances sum to zero per currency.
//! 2. Every balance equals the fold of its postings, as at any date and as known after any entry.
//! 3. No account's available balance (posted − held) goes below its limit; zero for funds.
//! 4. A refused operation changes nothing.
//! 5. The same entry id with the same content changes nothing; with other content it is refused.
//! 6. Reversing an entry restores every balance it touched, and happens at most once.
//! 7. A hold is settled or released at most once, never for more than it holds.
//! 8. Replaying the log gives an identical ledger.
//! 9. Allocation sums exactly, each part within one minor unit of its exact share.
//! 10. Per fund, the amounts attributed to each source sum to its balance, and no refund or
//!     recovery takes more from a source than it put in (each source is its own account, never
//!     below zero; see [Payment plans](#payment-plans)).
//! 11. A closed period is never restated.
//! 12. Every report ties out: a fund statement's closing balance is its opening balance plus its
//!     movements and equals the ledger's balance ([`report::FundStatement::check`]); a
//!     provider's client money is the sum of its funds; a monitoring return ties out
//!     ([`dp::MonitoringReturn::ties_out`]); and a plain-text journal written for
//!     hledger, ledger or Beancount ([`report::write_journal`]) gives every account the
//!     ledger's balance (checked by reading it back, and by hledger and ledger themselves where
//!     they are installed).
//!
//! # The log format (version 1)
//!
//! One JSON object a line (JSON Lines, UTF-8). Each has `"v": 1` and exactly one operation key,
//! whose value is that operation's fields. Amounts are strings, `"412.50 GBP"` (amount, a space,
//! currency), so no JSON reader turns them into floats; dates are `"YYYY-MM-DD"`. Blank lines are
//! skipped. Optional fields may be left out.
//!
//! ```text
//! {"v":1,"open_account":{"id":"isf:P1","kind":"fund","currency":"GBP","owner":"person:P1","tags":["isf"],"rule":"non_negative"}}
//! {"v":1,"post":{"id":"alloc-1","date":"2025-04-07","memo":"allocation","metadata":{"period":"1"},"postings":[{"account":"council","amount":"-1650.00 GBP"},{"account":"isf:P1","amount":"1650.00 GBP"}]}}
//! {"v":1,"batch":{"entries":[{"id":"a","date":"2025-04-08","postings":[...]},{"id":"b",...}]}}
//! {"v":1,"hold":{"id":"week-1","from":"isf:P1","to":"provider","amount":"412.50 GBP","date":"2025-04-07","expires_on":"2025-05-05","memo":"planned"}}
//! {"v":1,"settle":{"hold":"week-1","entry":"claim-1","amount":"371.25 GBP","date":"2025-04-14","metadata":{"claim":"INV-7"}}}
//! {"v":1,"release":{"hold":"week-2"}}
//! {"v":1,"expire":{"today":"2025-05-05"}}
//! {"v":1,"reverse":{"entry":"claim-1","id":"claim-1-rev","date":"2025-04-20","memo":"keyed twice"}}
//! {"v":1,"close_period":{"through":"2025-03-31"}}
//! {"v":1,"close_account":{"id":"isf:P1"}}
//! {"v":1,"linked":{"ops":[{"settle":{...}},{"batch":{...}},{"hold":{...}}]}}
//! ```
//!
//! Account kinds are `asset`, `liability`, `income`, `expense`, `equity`, `fund`; rules are
//! `"unlimited"`, `"non_negative"` or `{"at_least":"-50.00"}`. Postings are signed, debit
//! positive. Replaying a log applies each line through [`Ledger::apply`], exactly as the
//! original calls did; importing entries from another system is the same path. A `linked`
//! record is one domain call: its operations (each written as on its own line, without `"v"`,
//! never another `linked`) are applied all or nothing. Unknown fields anywhere are refused.
//!
//! # What this crate does not do
//!
//! It does no I/O of its own beyond reading and writing the formats it documents, keeps no
//! clock (every operation carries its date), holds no database, and never converts currencies.
//! It does not decide eligibility for care or assess contributions: it keeps the money those
//! decisions move.
//!
//! # Features
//!
//! * `serde` (on by default): `Serialize`/`Deserialize` for money, ids, entries and holds, and
//!   the JSON Lines log ([`Ledger::write_log`], [`Ledger::replay`], [`Ledger::import_jsonl`]).
//! * `book` (on by default, needs `serde`): [`book::Book`], the ledger kept in a file, with
//!   its definitions: appended and flushed per call, locked against a second writer,
//!   hash-chained (SHA-256, by `sha2`; the lock by `fs4`), snapshots. Without it the crate
//!   does no file I/O of its own.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

#[cfg(feature = "book")]
pub mod book;
mod budget;
mod category;
pub mod chart;
mod dates;
pub mod dp;
mod error;
mod ids;
pub mod isf;
mod ledger;
mod money;
mod period;
mod plan;
pub mod reconcile;
pub mod report;

/// The dates every operation carries are `chrono`'s; re-exported so a caller needs no
/// separate dependency (or a matching version) for `chrono::NaiveDate`.
pub use chrono;
/// Amounts are `rust_decimal`'s `Decimal`; re-exported for the same reason.
pub use rust_decimal;

/// Old path of the plan types, which are at the crate root; kept for one release.
#[deprecated(
    since = "0.2.0",
    note = "use the crate root: `isf_ledger::PaymentPlan` and so on"
)]
pub mod deploy {
    pub use crate::plan::*;
}
/// Old path of [`isf`]; kept for one release.
#[deprecated(since = "0.2.0", note = "renamed `isf_ledger::isf`")]
pub mod drawdown {
    pub use crate::isf::*;
}
/// Old path of [`dp`]; kept for one release.
#[deprecated(since = "0.2.0", note = "renamed `isf_ledger::dp`")]
pub mod monitor {
    pub use crate::dp::*;
}

pub use budget::{
    Basis, BudgetError, BudgetId, BudgetRate, BudgetTerms, FundingLine, PayerId, PersonId,
    PersonalBudget, Revision, RevisionId, Source, TopUp,
};
pub use dates::{MAX_YEAR, MIN_YEAR, date_in_range};
pub use error::{Error, ErrorKind, ParseEnumError};
pub use ledger::{
    AccountId, AccountKind, AccountView, Applied, BalanceRule, Definition, Discrepancy, EntryId,
    EntryOrigin, EntryView, HistoryLine, HoldId, HoldStatus, HoldView, Ledger, LedgerError,
    MAX_AMOUNT, MAX_DEFINITION_BODY, MAX_ID_LEN, MAX_MEMO_LEN, MAX_METADATA_ENTRIES,
    MAX_METADATA_KEY_LEN, MAX_METADATA_VALUE_LEN, MAX_MINOR_UNITS_PER_POSTING, MAX_POSTINGS,
    MAX_TAGS, NewAccount, NewEntry, NewHold, Operation, Posting, Receipt, Seq, TrialBalance,
    TrialBalanceLine, Verified, VerifyError,
};
#[cfg(feature = "serde")]
pub use ledger::{ImportSummary, LOG_VERSION, LogError, LogRecord, MAX_LINE_LEN};
pub use money::{Currency, MAX_MINOR_UNITS, Money, MoneyError, Rate, Rounding, UkDisplay, Unit};
pub use period::{
    FinancialYear, Frequency, MAX_PERIODS, Period, PeriodError, Schedule, allocate_by_days,
    count_weekday, pro_rata,
};
pub use plan::{
    Attribution, ContributionStatus, CouncilId, DeployError, Deployment, DeploymentKind, Fund,
    ManagerId, PaymentBasis, PaymentPlan, PaymentRun, PaymentSchedule, PeriodAmounts, ProviderId,
    RunPayment, RunRefusal, RunReport, Share, SourceBalance, SpendOrder, Timing, Week53Policy,
    run_payments,
};

/// The README's example, compiled and run by `cargo test`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
