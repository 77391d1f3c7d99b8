//! The chart of accounts: every account id, entry id and hold id the domain builds, every tag
//! and every metadata key, built and read by the typed functions here and nowhere else.
//!
//! The strings are part of the crate's contract: logs written by earlier versions, statements
//! and integrations read them. They do not change without a major version.
//!
//! In the patterns below `{budget}` is a [`BudgetId`], `{deployment}` a deployment's name,
//! `{source}` a source key ([`source_key`]: `council`, `person`, `topup:{payer}`,
//! `other:{funder}`), `{agreement}`, `{claim}`, `{booking}`, `{note}` and `{supplier}` the ISF
//! ids, `{service}` a service code, `{line}` a claim line number from 1, and dates are
//! `YYYY-MM-DD`.
//!
//! # Accounts
//!
//! | Account id | Kind | Owner | Built by |
//! |---|---|---|---|
//! | `council:{council}:bank` | asset | `council:{council}` | [`council_bank`] |
//! | `council:{council}:receivable:{person}` | asset | `council:{council}` | [`council_receivable`] |
//! | `council:{council}:contribution-income` | income | `council:{council}` | [`contribution_income`] |
//! | `budget:{budget}:contributions-paid` | equity | `person:{person}` | [`contributions_paid`] |
//! | `payer:{payer}` | equity | `{payer}` | [`payer_account`] |
//! | `funder:{funder}` | income | `{funder}` | [`funder_account`] |
//! | `fund:{budget}:{deployment}:{source}` | fund, never below zero | the deployment's holder | [`fund_account`] |
//! | `provider:{provider}:isf:{agreement}:{service}` | income | `provider:{provider}` | [`service_account`] |
//! | `provider:{provider}:isf:{agreement}:{service}:{supplier}` | income | `provider:{provider}` | [`service_account`] |
//! | `provider:{provider}:isf:{agreement}:unlisted` | income | `provider:{provider}` | [`unlisted_account`] |
//! | `provider:{provider}:isf:{agreement}:fee` | income | `provider:{provider}` | [`isf_fee_account`] |
//! | `isf:{agreement}:banked:{service}` | asset (units), never below zero | `provider:{provider}` | [`banked_account`] |
//! | `isf:{agreement}:banked-from:{service}` | equity (units) | `provider:{provider}` | [`banked_from_account`] |
//! | `spend:{budget}:{deployment}:{category}` | expense | `person:{person}` | [`spend_account`] |
//! | `spend:{budget}:{deployment}:payable` | liability | `person:{person}` | [`payable_account`] |
//! | `person:{person}:refunds` | equity | `person:{person}` | [`refund_account`] |
//!
//! A deployment's holder (see `DeploymentKind`) is `person:{person}` (direct payment),
//! `council:{council}` (council-managed), `provider:{provider}` (ISF) or `manager:{manager}`
//! (third-party managed).
//!
//! # Entries
//!
//! | Entry id | Kind ([`EntryKind`]) | Built by |
//! |---|---|---|
//! | `pay:{budget}:{start}` | scheduled payment | [`payment_entry`] |
//! | `adj:{budget}:{revision}:{start}` | adjustment | [`adjustment_entry`] |
//! | the caller's | contribution receipt, invoice payment, spend, liability accrual and payment | — |
//! | `line:{agreement}:{claim}:{line}` | claim line (`delivered` or `cancellation`) | [`claim_line_entry`] |
//! | `line:{agreement}:{claim}:{line}:{source}` | claim line settling a booking or dispute | [`claim_line_source_entry`] |
//! | `fee:{agreement}:{claim}:{line}` | fee on a claim line | [`line_fee_entry`] |
//! | `fee:{agreement}:{start}` | fixed fee for a period | [`period_fee_entry`] |
//! | `bank:{agreement}:{service}:{week}` | units banked | [`bank_entry`] |
//! | `bank-use:{agreement}:{claim}:{line}` | banked units used | [`bank_use_entry`] |
//! | `bank-expire:{agreement}:{service}:{week}` | banked units expired | [`bank_expiry_entry`] |
//! | `credit:{agreement}:{note}:{entry}` | credit note reversal | [`credit_reversal_entry`] |
//! | `recover:{budget}:{deployment}:{decision}` | recovery | [`recovery_entry`] |
//! | `reduce:{budget}:{deployment}:{decision}:{start}` | reduction | [`reduction_entry`] |
//!
//! An entry's kind is its `kind` metadata (ISF entries) or its `monitor` metadata
//! (direct-payment entries) where it has one; scheduled payments, adjustments and credit note
//! reversals carry none and are known by their id; contribution receipts and invoice payments
//! carry only `budget` (adding a kind would change the bytes of existing logs).
//! [`entry_kind`] reads it.
//!
//! # Holds
//!
//! | Hold id | What | Built by |
//! |---|---|---|
//! | `book:{agreement}:{booking}:{source}` | a booking of planned support | [`booking_hold`] |
//! | `dispute:{agreement}:{claim}:{line}:{source}` | a disputed claim line | [`dispute_hold`] |
//!
//! # Tags
//!
//! | Tag | On | Built by |
//! |---|---|---|
//! | `budget:{budget}` | fund, ISF income, spend accounts | [`Tag::Budget`] |
//! | `deployment:{deployment}` | fund accounts | [`Tag::Deployment`] |
//! | `source:{source}` | fund accounts | [`Tag::Source`] |
//! | `role:drawdown`, `role:banked`, `role:fee` | ISF accounts | [`ROLE_DRAWDOWN`], [`ROLE_BANKED`], [`ROLE_FEE`] |
//! | `agreement:{agreement}` | ISF accounts | [`Tag::Agreement`] |
//! | `service:{service}`, `service:unlisted` | drawdown accounts | [`Tag::Service`] |
//! | `description:{text}` | drawdown accounts | [`Tag::Description`] |
//! | `supplier:{supplier}` | supplier drawdown accounts | [`Tag::Supplier`] |
//! | `category:{category}` | spend accounts | [`Tag::Category`] |
//!
//! # Metadata keys
//!
//! | Key | On | Read by |
//! |---|---|---|
//! | `budget`, `period`, `revision`, `run` | payments, adjustments, contributions | [`meta`] |
//! | `agreement`, `claim`, `line`, `kind`, `service`, `delivered_on`, `units`, `price`, `band`, `key`, `supplier`, `claimed_price`, `booking`, `accepted_on` | claim lines and their fees | [`ClaimLineMeta`] |
//! | `agreement`, `kind`, `week`, `expires_on`, `price`, `used_on`, `line` | banked units | [`BankMeta`] |
//! | `agreement`, `kind`, `period_start` | fixed fees | [`meta`] |
//! | `monitor`, `budget`, `deployment`, `category`, `payee`, `reference`, `flag`, `liability` | spend and liabilities | [`SpendMeta`] |
//! | `monitor`, `budget`, `deployment`, `decision`, `period` | recoveries and reductions | [`RecoveryMeta`] |
//! | `reference` | anything reconciled | [`meta::REFERENCE`] |

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::budget::Source;
use crate::category::SpendCategory;
use crate::ids::{
    AccountId, AgreementId, BookingId, BudgetId, ClaimId, CouncilId, CreditNoteId, EntryId, HoldId,
    ManagerId, PayerId, PersonId, ProviderId, RevisionId, SupplierId,
};
use crate::money::Money;
use crate::period::Period;

// ----- sources and owners ------------------------------------------------------------------------

/// A source's key in account ids and tags: `council`, `person`, `topup:{payer}`,
/// `other:{funder}`.
pub fn source_key(source: &Source) -> String {
    source.key()
}

/// Reads a [`source_key`] back.
pub fn parse_source_key(key: &str) -> Option<Source> {
    Source::from_key(key)
}

/// The owner recorded on a person's accounts: `person:{person}`.
pub fn person_owner(person: &PersonId) -> String {
    format!("person:{person}")
}

/// The owner recorded on a council's accounts: `council:{council}`.
pub fn council_owner(council: &CouncilId) -> String {
    format!("council:{council}")
}

/// The owner recorded on a provider's accounts: `provider:{provider}`.
pub fn provider_owner(provider: &ProviderId) -> String {
    format!("provider:{provider}")
}

/// The owner recorded on a managed account: `manager:{manager}`.
pub fn manager_owner(manager: &ManagerId) -> String {
    format!("manager:{manager}")
}

/// A fund's name in reports and errors: `{budget}:{deployment}`.
pub fn fund_name(budget: &BudgetId, deployment: &str) -> String {
    format!("{budget}:{deployment}")
}

// ----- accounts ----------------------------------------------------------------------------------

/// `council:{council}:bank`: pays council shares, receives recoveries.
pub fn council_bank(council: &CouncilId) -> AccountId {
    format!("council:{council}:bank").into()
}

/// `council:{council}:receivable:{person}`: invoiced contributions the person owes.
pub fn council_receivable(council: &CouncilId, person: &PersonId) -> AccountId {
    format!("council:{council}:receivable:{person}").into()
}

/// `council:{council}:contribution-income`.
pub fn contribution_income(council: &CouncilId) -> AccountId {
    format!("council:{council}:contribution-income").into()
}

/// `budget:{budget}:contributions-paid`: contributions paid into net direct-payment funds.
pub fn contributions_paid(budget: &BudgetId) -> AccountId {
    format!("budget:{budget}:contributions-paid").into()
}

/// `payer:{payer}`: where a top-up comes from.
pub fn payer_account(payer: &PayerId) -> AccountId {
    format!("payer:{payer}").into()
}

/// `funder:{funder}`: where other public funding comes from.
pub fn funder_account(funder: &str) -> AccountId {
    format!("funder:{funder}").into()
}

/// `fund:{budget}:{deployment}:{source}`: one source's money in a deployment's fund.
pub fn fund_account(budget: &BudgetId, deployment: &str, source: &Source) -> AccountId {
    format!("fund:{budget}:{deployment}:{}", source_key(source)).into()
}

/// True for any fund account (`fund:…`).
pub fn is_fund_account(account: &AccountId) -> bool {
    account.as_str().starts_with("fund:")
}

/// True for a fund account of `budget` (`fund:{budget}:…`).
pub fn is_budget_fund_account(account: &AccountId, budget: &BudgetId) -> bool {
    account
        .as_str()
        .strip_prefix("fund:")
        .and_then(|rest| rest.strip_prefix(budget.as_str()))
        .is_some_and(|rest| rest.starts_with(':'))
}

/// `provider:{provider}:isf:{agreement}:{service}`, or `…:{service}:{supplier}` for a
/// supplier's share: where a service's drawdowns go.
pub fn service_account(
    provider: &ProviderId,
    agreement: &AgreementId,
    service: &str,
    supplier: Option<&SupplierId>,
) -> AccountId {
    match supplier {
        None => format!("provider:{provider}:isf:{agreement}:{service}").into(),
        Some(s) => format!("provider:{provider}:isf:{agreement}:{service}:{s}").into(),
    }
}

/// `provider:{provider}:isf:{agreement}:unlisted`: disputed lines for a service or supplier
/// the agreement does not list.
pub fn unlisted_account(provider: &ProviderId, agreement: &AgreementId) -> AccountId {
    format!("provider:{provider}:isf:{agreement}:unlisted").into()
}

/// `provider:{provider}:isf:{agreement}:fee`: management fees.
pub fn isf_fee_account(provider: &ProviderId, agreement: &AgreementId) -> AccountId {
    format!("provider:{provider}:isf:{agreement}:fee").into()
}

/// `isf:{agreement}:banked:{service}`: a service's banked units.
pub fn banked_account(agreement: &AgreementId, service: &str) -> AccountId {
    format!("isf:{agreement}:banked:{service}").into()
}

/// `isf:{agreement}:banked-from:{service}`: the other side of banked units.
pub fn banked_from_account(agreement: &AgreementId, service: &str) -> AccountId {
    format!("isf:{agreement}:banked-from:{service}").into()
}

/// `spend:{budget}:{deployment}:{category}`: a deployment's spend in a category.
pub fn spend_account(budget: &BudgetId, deployment: &str, category: SpendCategory) -> AccountId {
    format!("spend:{budget}:{deployment}:{}", category.key()).into()
}

/// `spend:{budget}:{deployment}:payable`: unpaid wages and invoices.
pub fn payable_account(budget: &BudgetId, deployment: &str) -> AccountId {
    format!("spend:{budget}:{deployment}:payable").into()
}

/// `person:{person}:refunds`: money refunded to the person.
pub fn refund_account(person: &PersonId) -> AccountId {
    format!("person:{person}:refunds").into()
}

// ----- entries -----------------------------------------------------------------------------------

/// `pay:{budget}:{start}`: the scheduled payment for the period starting on `start`.
pub fn payment_entry(budget: &BudgetId, start: NaiveDate) -> EntryId {
    format!("pay:{budget}:{start}").into()
}

/// `adj:{budget}:{revision}:{start}`: a revision's adjustment for the period starting on
/// `start`.
pub fn adjustment_entry(budget: &BudgetId, revision: &RevisionId, start: NaiveDate) -> EntryId {
    format!("adj:{budget}:{revision}:{start}").into()
}

/// True for a scheduled payment or adjustment of `budget`: money the plan paid in.
pub fn is_plan_money_entry(entry: &str, budget: &BudgetId) -> bool {
    ["pay:", "adj:"].iter().any(|p| {
        entry
            .strip_prefix(p)
            .and_then(|rest| rest.strip_prefix(budget.as_str()))
            .is_some_and(|rest| rest.starts_with(':'))
    })
}

/// `line:{agreement}:{claim}:{line}`: a claim line paid from the fund.
pub fn claim_line_entry(agreement: &AgreementId, claim: &ClaimId, line: usize) -> EntryId {
    format!("line:{agreement}:{claim}:{line}").into()
}

/// `line:{agreement}:{claim}:{line}:{source}`: a claim line settling a booking or dispute held
/// on one source.
pub fn claim_line_source_entry(
    agreement: &AgreementId,
    claim: &ClaimId,
    line: usize,
    source: &Source,
) -> EntryId {
    format!("line:{agreement}:{claim}:{line}:{}", source_key(source)).into()
}

/// `fee:{agreement}:{claim}:{line}`: the management fee on a claim line.
pub fn line_fee_entry(agreement: &AgreementId, claim: &ClaimId, line: usize) -> EntryId {
    format!("fee:{agreement}:{claim}:{line}").into()
}

/// `accept:{agreement}:{claim}:{line}:{source}`: the disputed part of a claim line split into
/// a part paid and a part disputed, accepted later and settled from one source.
pub fn accepted_part_entry(
    agreement: &AgreementId,
    claim: &ClaimId,
    line: usize,
    source: &Source,
) -> EntryId {
    format!("accept:{agreement}:{claim}:{line}:{}", source_key(source)).into()
}

/// `fee:{agreement}:{claim}:{line}:accepted`: the management fee on an accepted disputed part
/// (see [`accepted_part_entry`]).
pub fn accepted_part_fee_entry(agreement: &AgreementId, claim: &ClaimId, line: usize) -> EntryId {
    format!("fee:{agreement}:{claim}:{line}:accepted").into()
}

/// `fee:{agreement}:{start}`: a fixed management fee for the period starting on `start`.
pub fn period_fee_entry(agreement: &AgreementId, start: NaiveDate) -> EntryId {
    format!("fee:{agreement}:{start}").into()
}

/// `bank:{agreement}:{service}:{week}`: units banked for the week starting on `week`.
pub fn bank_entry(agreement: &AgreementId, service: &str, week: NaiveDate) -> EntryId {
    format!("bank:{agreement}:{service}:{week}").into()
}

/// `bank-use:{agreement}:{claim}:{line}`: banked units a claim line used.
pub fn bank_use_entry(agreement: &AgreementId, claim: &ClaimId, line: usize) -> EntryId {
    format!("bank-use:{agreement}:{claim}:{line}").into()
}

/// `bank-expire:{agreement}:{service}:{week}`: banked units of a week written off.
pub fn bank_expiry_entry(agreement: &AgreementId, service: &str, week: NaiveDate) -> EntryId {
    format!("bank-expire:{agreement}:{service}:{week}").into()
}

/// `credit:{agreement}:{note}:{entry}`: a credit note's reversal of `entry`.
pub fn credit_reversal_entry(agreement: &AgreementId, note: &CreditNoteId, entry: &str) -> EntryId {
    format!("credit:{agreement}:{note}:{entry}").into()
}

/// `recover:{budget}:{deployment}:{decision}`: a decision's immediate recovery.
pub fn recovery_entry(budget: &BudgetId, deployment: &str, decision: &str) -> EntryId {
    format!("recover:{budget}:{deployment}:{decision}").into()
}

/// `reduce:{budget}:{deployment}:{decision}:{start}`: a decision's reduction of the payment
/// for the period starting on `start`.
pub fn reduction_entry(
    budget: &BudgetId,
    deployment: &str,
    decision: &str,
    start: NaiveDate,
) -> EntryId {
    format!("reduce:{budget}:{deployment}:{decision}:{start}").into()
}

// ----- holds -------------------------------------------------------------------------------------

/// `book:{agreement}:{booking}:{source}`: a booking held on one source.
pub fn booking_hold(agreement: &AgreementId, booking: &BookingId, source: &Source) -> HoldId {
    format!("book:{agreement}:{booking}:{}", source_key(source)).into()
}

/// `dispute:{agreement}:{claim}:{line}:{source}`: a disputed line held on one source.
pub fn dispute_hold(
    agreement: &AgreementId,
    claim: &ClaimId,
    line: usize,
    source: &Source,
) -> HoldId {
    format!("dispute:{agreement}:{claim}:{line}:{}", source_key(source)).into()
}

/// True for any [`dispute_hold`] of `agreement`.
pub fn is_dispute_hold_of(hold: &HoldId, agreement: &AgreementId) -> bool {
    hold.as_str()
        .strip_prefix("dispute:")
        .and_then(|rest| rest.strip_prefix(agreement.as_str()))
        .is_some_and(|rest| rest.starts_with(':'))
}

/// A disputed line's hold memo: `disputed claim {claim} line {line}: {key}`.
pub fn dispute_memo(claim: &ClaimId, line: usize, key: &str) -> String {
    format!("disputed claim {claim} line {line}: {key}")
}

/// Reads a [`dispute_memo`]: the `{claim}:{line}` it names, and the line's key.
pub fn parse_dispute_memo(memo: &str) -> Option<(String, &str)> {
    let (line, key) = memo
        .strip_prefix("disputed claim ")
        .and_then(|r| r.split_once(": "))?;
    Some((line.replace(" line ", ":"), key))
}

/// The key of a claim line as a [`dispute_memo`] ends with, if the memo has one.
pub fn memo_line_key(memo: &str) -> Option<&str> {
    memo.split_once(": ").map(|(_, k)| k)
}

/// A claim line's identity for duplicate checks:
/// `{delivered_on}|{service}|{supplier or -}|{units, normalized}|{kind}`.
pub fn claim_line_key(
    delivered_on: NaiveDate,
    service: &str,
    supplier: Option<&SupplierId>,
    units: Decimal,
    kind: EntryKind,
) -> String {
    format!(
        "{delivered_on}|{service}|{}|{}|{kind}",
        supplier.map_or("-", |s| s.as_str()),
        units.normalize(),
    )
}

/// `{claim}:{line}`: a claim line as metadata and duplicate checks name it.
pub fn claim_line_ref(claim: &ClaimId, line: usize) -> String {
    format!("{claim}:{line}")
}

/// Reads a [`claim_line_ref`].
pub fn parse_claim_line_ref(text: &str) -> Option<(ClaimId, usize)> {
    let (claim, line) = text.rsplit_once(':')?;
    Some((ClaimId::from(claim), line.parse().ok()?))
}

// ----- tags --------------------------------------------------------------------------------------

/// Tags on accounts that mark an ISF drawdown (service) account.
pub const ROLE_DRAWDOWN: &str = "role:drawdown";
/// Tag on an ISF's banked-units accounts.
pub const ROLE_BANKED: &str = "role:banked";
/// Tag on an ISF's management-fee account.
pub const ROLE_FEE: &str = "role:fee";
/// Tag on the account for services an agreement does not list.
pub const SERVICE_UNLISTED: &str = "service:unlisted";

/// A `name:value` account tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tag {
    /// `budget:{budget}`.
    Budget,
    /// `deployment:{deployment}`.
    Deployment,
    /// `source:{source}`.
    Source,
    /// `agreement:{agreement}`.
    Agreement,
    /// `service:{service}`.
    Service,
    /// `description:{text}`.
    Description,
    /// `supplier:{supplier}`.
    Supplier,
    /// `category:{category}`.
    Category,
}

impl Tag {
    /// The tag's prefix, colon included.
    pub fn prefix(self) -> &'static str {
        match self {
            Tag::Budget => "budget:",
            Tag::Deployment => "deployment:",
            Tag::Source => "source:",
            Tag::Agreement => "agreement:",
            Tag::Service => "service:",
            Tag::Description => "description:",
            Tag::Supplier => "supplier:",
            Tag::Category => "category:",
        }
    }

    /// The tag for `value`.
    pub fn with(self, value: impl fmt::Display) -> String {
        format!("{}{value}", self.prefix())
    }

    /// The value of the first such tag in `tags`.
    pub fn find(self, tags: &[String]) -> Option<&str> {
        tags.iter().find_map(|t| t.strip_prefix(self.prefix()))
    }
}

// ----- entry kinds -------------------------------------------------------------------------------

/// Why an entry exists: the role TigerBeetle's `code` plays.
///
/// Where an entry carries its kind, the text form is its `kind` metadata (ISF entries) or its
/// `monitor` metadata (direct-payment entries), exactly as earlier versions wrote it. Scheduled
/// payments, adjustments and credit note reversals are known by their id; contribution
/// receipts and invoice payments carry no kind (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EntryKind {
    /// A scheduled payment into the funds (`payment`; known by its id).
    ScheduledPayment,
    /// A contribution paid into a net direct-payment fund (`contribution`; not recorded).
    ContributionReceipt,
    /// An invoiced contribution paid to the council (`invoice-payment`; not recorded).
    InvoicePayment,
    /// A revision's adjustment of a period already paid (`adjustment`; known by its id).
    Adjustment,
    /// A claim line for support delivered (`delivered`).
    Delivered,
    /// A claim line for a short-notice cancellation charged (`cancellation`).
    Cancellation,
    /// A management fee (`fee`).
    Fee,
    /// Unused units banked (`bank`).
    Banking,
    /// Banked units used by a claim line (`bank-use`).
    BankUse,
    /// Banked units expired (`bank-expire`).
    BankedExpiry,
    /// A credit note's reversal (`credit-note`; known by its id).
    CreditNoteReversal,
    /// Direct-payment spend (`spend`).
    Spend,
    /// A wage or invoice owed (`accrue`).
    LiabilityAccrual,
    /// A payment of what was owed (`pay-liability`).
    LiabilityPayment,
    /// Surplus recovered (`recovery`).
    Recovery,
    /// A payment reduced to recover surplus (`reduction`).
    Reduction,
}

impl EntryKind {
    /// Every kind.
    pub const ALL: [EntryKind; 16] = [
        EntryKind::ScheduledPayment,
        EntryKind::ContributionReceipt,
        EntryKind::InvoicePayment,
        EntryKind::Adjustment,
        EntryKind::Delivered,
        EntryKind::Cancellation,
        EntryKind::Fee,
        EntryKind::Banking,
        EntryKind::BankUse,
        EntryKind::BankedExpiry,
        EntryKind::CreditNoteReversal,
        EntryKind::Spend,
        EntryKind::LiabilityAccrual,
        EntryKind::LiabilityPayment,
        EntryKind::Recovery,
        EntryKind::Reduction,
    ];

    /// The text form.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::ScheduledPayment => "payment",
            EntryKind::ContributionReceipt => "contribution",
            EntryKind::InvoicePayment => "invoice-payment",
            EntryKind::Adjustment => "adjustment",
            EntryKind::Delivered => "delivered",
            EntryKind::Cancellation => "cancellation",
            EntryKind::Fee => "fee",
            EntryKind::Banking => "bank",
            EntryKind::BankUse => "bank-use",
            EntryKind::BankedExpiry => "bank-expire",
            EntryKind::CreditNoteReversal => "credit-note",
            EntryKind::Spend => "spend",
            EntryKind::LiabilityAccrual => "accrue",
            EntryKind::LiabilityPayment => "pay-liability",
            EntryKind::Recovery => "recovery",
            EntryKind::Reduction => "reduction",
        }
    }

    /// The metadata key the kind is recorded under, if entries of this kind record it:
    /// [`meta::KIND`] for ISF entries, [`meta::MONITOR`] for direct-payment entries.
    pub fn meta_key(self) -> Option<&'static str> {
        match self {
            EntryKind::Delivered
            | EntryKind::Cancellation
            | EntryKind::Fee
            | EntryKind::Banking
            | EntryKind::BankUse
            | EntryKind::BankedExpiry => Some(meta::KIND),
            EntryKind::Spend
            | EntryKind::LiabilityAccrual
            | EntryKind::LiabilityPayment
            | EntryKind::Recovery
            | EntryKind::Reduction => Some(meta::MONITOR),
            _ => None,
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An [`EntryKind`] text that names no kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an entry kind")]
pub struct UnknownEntryKind(pub String);

impl FromStr for EntryKind {
    type Err = UnknownEntryKind;

    fn from_str(s: &str) -> Result<EntryKind, UnknownEntryKind> {
        EntryKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownEntryKind(s.to_string()))
    }
}

/// The kind recorded in an entry's metadata, if it records one of the right family.
fn recorded_kind(metadata: &BTreeMap<String, String>, key: &'static str) -> Option<EntryKind> {
    metadata
        .get(key)
        .and_then(|k| k.parse::<EntryKind>().ok())
        .filter(|k| k.meta_key() == Some(key))
}

/// Why an entry exists, from its metadata, or else its id. `None` for entries whose kind is
/// not recorded (contribution receipts, invoice payments, the caller's own).
pub fn entry_kind(id: &str, metadata: &BTreeMap<String, String>) -> Option<EntryKind> {
    recorded_kind(metadata, meta::KIND)
        .or_else(|| recorded_kind(metadata, meta::MONITOR))
        .or_else(|| {
            if id.starts_with("pay:") {
                Some(EntryKind::ScheduledPayment)
            } else if id.starts_with("adj:") {
                Some(EntryKind::Adjustment)
            } else if id.starts_with("credit:") {
                Some(EntryKind::CreditNoteReversal)
            } else {
                None
            }
        })
}

/// The direct-payment kind recorded in an entry's `monitor` metadata.
pub fn monitor_kind(metadata: &BTreeMap<String, String>) -> Option<EntryKind> {
    recorded_kind(metadata, meta::MONITOR)
}

/// The ISF kind recorded in an entry's `kind` metadata.
pub fn isf_kind(metadata: &BTreeMap<String, String>) -> Option<EntryKind> {
    recorded_kind(metadata, meta::KIND)
}

// ----- metadata ----------------------------------------------------------------------------------

/// Every metadata key the domain writes.
pub mod meta {
    /// The ISF kind ([`EntryKind`](super::EntryKind)).
    pub const KIND: &str = "kind";
    /// The direct-payment kind ([`EntryKind`](super::EntryKind)).
    pub const MONITOR: &str = "monitor";
    /// The budget.
    pub const BUDGET: &str = "budget";
    /// The period paid, adjusted or reduced.
    pub const PERIOD: &str = "period";
    /// The revision an adjustment settles.
    pub const REVISION: &str = "revision";
    /// The payment run.
    pub const RUN: &str = "run";
    /// The deployment.
    pub const DEPLOYMENT: &str = "deployment";
    /// The agreement.
    pub const AGREEMENT: &str = "agreement";
    /// The claim.
    pub const CLAIM: &str = "claim";
    /// `{claim}:{line}`.
    pub const LINE: &str = "line";
    /// The service code.
    pub const SERVICE: &str = "service";
    /// When the support was delivered.
    pub const DELIVERED_ON: &str = "delivered_on";
    /// Units delivered.
    pub const UNITS: &str = "units";
    /// The price paid per unit, or banked units' price.
    pub const PRICE: &str = "price";
    /// The time band.
    pub const BAND: &str = "band";
    /// A claim line's key for duplicate checks.
    pub const KEY: &str = "key";
    /// The supplier.
    pub const SUPPLIER: &str = "supplier";
    /// The price claimed, where it differs from the price paid.
    pub const CLAIMED_PRICE: &str = "claimed_price";
    /// The booking a line delivers.
    pub const BOOKING: &str = "booking";
    /// When a disputed line was accepted.
    pub const ACCEPTED_ON: &str = "accepted_on";
    /// The week banked units belong to.
    pub const WEEK: &str = "week";
    /// When banked units expire.
    pub const EXPIRES_ON: &str = "expires_on";
    /// When banked units were used.
    pub const USED_ON: &str = "used_on";
    /// A fixed fee's period start.
    pub const PERIOD_START: &str = "period_start";
    /// Spend category.
    pub const CATEGORY: &str = "category";
    /// Payee.
    pub const PAYEE: &str = "payee";
    /// A reference to match bank lines by.
    pub const REFERENCE: &str = "reference";
    /// Why spend is flagged.
    pub const FLAG: &str = "flag";
    /// The liability paid.
    pub const LIABILITY: &str = "liability";
    /// A recovery decision.
    pub const DECISION: &str = "decision";
}

fn put(m: &mut BTreeMap<String, String>, key: &str, value: impl ToString) {
    m.insert(key.to_string(), value.to_string());
}

fn put_opt(m: &mut BTreeMap<String, String>, key: &str, value: Option<impl ToString>) {
    if let Some(v) = value {
        put(m, key, v);
    }
}

fn get<T: FromStr>(m: &BTreeMap<String, String>, key: &str) -> Option<T> {
    m.get(key).and_then(|v| v.parse().ok())
}

/// The metadata of a claim line's entry (and of its fee, with kind [`EntryKind::Fee`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimLineMeta {
    /// `agreement`.
    pub agreement: AgreementId,
    /// `claim`.
    pub claim: ClaimId,
    /// The line number from 1; written as `line`: `{claim}:{line}`.
    pub line: usize,
    /// `kind`: [`EntryKind::Delivered`], [`EntryKind::Cancellation`] or [`EntryKind::Fee`].
    pub kind: Option<EntryKind>,
    /// `service`.
    pub service: Option<String>,
    /// `delivered_on`.
    pub delivered_on: Option<NaiveDate>,
    /// `units`, written normalized.
    pub units: Option<Decimal>,
    /// `price`: the price paid per unit.
    pub price: Option<Money>,
    /// `band`: the time band's name.
    pub band: Option<String>,
    /// `key`: the line's identity for duplicate checks.
    pub key: Option<String>,
    /// `supplier`.
    pub supplier: Option<SupplierId>,
    /// `claimed_price`, where it differs from the price paid.
    pub claimed_price: Option<Money>,
    /// `booking`.
    pub booking: Option<BookingId>,
    /// `accepted_on`, for a disputed line accepted.
    pub accepted_on: Option<NaiveDate>,
}

impl ClaimLineMeta {
    /// A line's metadata with only its agreement, claim and number.
    pub fn new(agreement: AgreementId, claim: ClaimId, line: usize) -> ClaimLineMeta {
        ClaimLineMeta {
            agreement,
            claim,
            line,
            kind: None,
            service: None,
            delivered_on: None,
            units: None,
            price: None,
            band: None,
            key: None,
            supplier: None,
            claimed_price: None,
            booking: None,
            accepted_on: None,
        }
    }

    /// `{claim}:{line}`.
    pub fn line_ref(&self) -> String {
        claim_line_ref(&self.claim, self.line)
    }

    /// Fills delivered_on, service, supplier, units and kind from a line's key
    /// (`{date}|{service}|{supplier or -}|{units}|{kind}`), and the key itself.
    #[must_use]
    pub fn with_key(mut self, key: &str) -> ClaimLineMeta {
        let parts: Vec<&str> = key.split('|').collect();
        if let [delivered_on, service, supplier, units, kind] = parts[..] {
            self.delivered_on = delivered_on.parse().ok();
            self.service = Some(service.to_string());
            self.supplier = (supplier != "-").then(|| SupplierId::from(supplier));
            self.units = units.parse().ok();
            self.kind = kind.parse().ok();
        }
        self.key = Some(key.to_string());
        self
    }

    /// As entry metadata.
    pub fn to_meta(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        put(&mut m, meta::AGREEMENT, &self.agreement);
        put(&mut m, meta::CLAIM, &self.claim);
        put(&mut m, meta::LINE, self.line_ref());
        put_opt(&mut m, meta::KIND, self.kind);
        put_opt(&mut m, meta::SERVICE, self.service.as_ref());
        put_opt(&mut m, meta::DELIVERED_ON, self.delivered_on);
        put_opt(&mut m, meta::UNITS, self.units.map(|u| u.normalize()));
        put_opt(&mut m, meta::PRICE, self.price);
        put_opt(&mut m, meta::BAND, self.band.as_ref());
        put_opt(&mut m, meta::KEY, self.key.as_ref());
        put_opt(&mut m, meta::SUPPLIER, self.supplier.as_ref());
        put_opt(&mut m, meta::CLAIMED_PRICE, self.claimed_price);
        put_opt(&mut m, meta::BOOKING, self.booking.as_ref());
        put_opt(&mut m, meta::ACCEPTED_ON, self.accepted_on);
        m
    }

    /// Reads it back; `None` if the entry is not a claim line's.
    pub fn from_meta(m: &BTreeMap<String, String>) -> Option<ClaimLineMeta> {
        let agreement = AgreementId::from(m.get(meta::AGREEMENT)?);
        let (claim, line) = parse_claim_line_ref(m.get(meta::LINE)?)?;
        if m.get(meta::CLAIM).is_some_and(|c| *c != claim.as_str()) {
            return None;
        }
        Some(ClaimLineMeta {
            agreement,
            claim,
            line,
            kind: get(m, meta::KIND),
            service: m.get(meta::SERVICE).cloned(),
            delivered_on: get(m, meta::DELIVERED_ON),
            units: get(m, meta::UNITS),
            price: get(m, meta::PRICE),
            band: m.get(meta::BAND).cloned(),
            key: m.get(meta::KEY).cloned(),
            supplier: m.get(meta::SUPPLIER).map(SupplierId::from),
            claimed_price: get(m, meta::CLAIMED_PRICE),
            booking: m.get(meta::BOOKING).map(BookingId::from),
            accepted_on: get(m, meta::ACCEPTED_ON),
        })
    }
}

/// The fields of a claim line's metadata that a claim's checks and unit counts read, borrowed
/// from the entry: reading them allocates nothing, where [`ClaimLineMeta::from_meta`] copies
/// every field. It accepts exactly the entries `from_meta` accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimedLineRef<'m> {
    /// `line`: `{claim}:{line}`.
    pub(crate) line: &'m str,
    /// `key`.
    pub(crate) key: Option<&'m str>,
    /// `kind`.
    pub(crate) kind: Option<EntryKind>,
    /// `delivered_on`.
    pub(crate) delivered_on: Option<NaiveDate>,
    /// `units`.
    pub(crate) units: Option<Decimal>,
    /// Whether `accepted_on` is set: the line's disputed part, accepted.
    pub(crate) accepted: bool,
}

impl<'m> ClaimedLineRef<'m> {
    /// Reads it; `None` if the entry is not a claim line's.
    pub(crate) fn read(m: &'m BTreeMap<String, String>) -> Option<ClaimedLineRef<'m>> {
        m.get(meta::AGREEMENT)?;
        let line = m.get(meta::LINE)?;
        let (claim, number) = line.rsplit_once(':')?;
        number.parse::<usize>().ok()?;
        if m.get(meta::CLAIM).is_some_and(|c| c != claim) {
            return None;
        }
        Some(ClaimedLineRef {
            line,
            key: m.get(meta::KEY).map(String::as_str),
            kind: get(m, meta::KIND),
            delivered_on: get(m, meta::DELIVERED_ON),
            units: get(m, meta::UNITS),
            accepted: m.contains_key(meta::ACCEPTED_ON),
        })
    }
}

/// The metadata of banked-units entries: banked ([`EntryKind::Banking`]), used
/// ([`EntryKind::BankUse`]) or expired ([`EntryKind::BankedExpiry`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BankMeta {
    /// `agreement`.
    pub agreement: AgreementId,
    /// `kind`.
    pub kind: EntryKind,
    /// `week`: the Monday of the week the units belong to (or were used in).
    pub week: NaiveDate,
    /// `expires_on`, when banked.
    pub expires_on: Option<NaiveDate>,
    /// `price`, when banked: the weekday price then.
    pub price: Option<Money>,
    /// `line`, when used: the claim line.
    pub line: Option<(ClaimId, usize)>,
    /// `used_on`, when used: the day the support was delivered.
    pub used_on: Option<NaiveDate>,
}

impl BankMeta {
    /// As entry metadata.
    pub fn to_meta(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        put(&mut m, meta::AGREEMENT, &self.agreement);
        put(&mut m, meta::KIND, self.kind);
        put(&mut m, meta::WEEK, self.week);
        put_opt(&mut m, meta::EXPIRES_ON, self.expires_on);
        put_opt(&mut m, meta::PRICE, self.price);
        put_opt(
            &mut m,
            meta::LINE,
            self.line.as_ref().map(|(c, n)| claim_line_ref(c, *n)),
        );
        put_opt(&mut m, meta::USED_ON, self.used_on);
        m
    }

    /// Reads it back; `None` if the entry is not a banked-units entry.
    pub fn from_meta(m: &BTreeMap<String, String>) -> Option<BankMeta> {
        let kind = isf_kind(m).filter(|k| {
            matches!(
                k,
                EntryKind::Banking | EntryKind::BankUse | EntryKind::BankedExpiry
            )
        })?;
        Some(BankMeta {
            agreement: AgreementId::from(m.get(meta::AGREEMENT)?),
            kind,
            week: get(m, meta::WEEK)?,
            expires_on: get(m, meta::EXPIRES_ON),
            price: get(m, meta::PRICE),
            line: m.get(meta::LINE).and_then(|l| parse_claim_line_ref(l)),
            used_on: get(m, meta::USED_ON),
        })
    }
}

/// What any entry on a direct-payment fund or payable says about the spend: its category,
/// payee, reference, flag and the liability it pays. Read leniently: an entry another system
/// posted may carry some of these keys and no [`SpendMeta`] kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpendDetails {
    /// `category`.
    pub category: Option<SpendCategory>,
    /// `payee`.
    pub payee: Option<String>,
    /// `reference`.
    pub reference: Option<String>,
    /// `flag`: why the council does not allow it.
    pub flag: Option<String>,
    /// `liability`: the liability a payment pays.
    pub liability: Option<String>,
}

impl SpendDetails {
    /// As entry metadata.
    pub fn to_meta(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        put_opt(&mut m, meta::CATEGORY, self.category.map(|c| c.key()));
        put_opt(&mut m, meta::PAYEE, self.payee.as_ref());
        put_opt(&mut m, meta::REFERENCE, self.reference.as_ref());
        put_opt(&mut m, meta::FLAG, self.flag.as_ref());
        put_opt(&mut m, meta::LIABILITY, self.liability.as_ref());
        m
    }

    /// Reads whichever of the keys an entry has.
    pub fn from_meta(m: &BTreeMap<String, String>) -> SpendDetails {
        SpendDetails {
            category: get(m, meta::CATEGORY),
            payee: m.get(meta::PAYEE).cloned(),
            reference: m.get(meta::REFERENCE).cloned(),
            flag: m.get(meta::FLAG).cloned(),
            liability: m.get(meta::LIABILITY).cloned(),
        }
    }
}

/// The metadata of direct-payment spend: spent ([`EntryKind::Spend`]), owed
/// ([`EntryKind::LiabilityAccrual`]) or paid when owed ([`EntryKind::LiabilityPayment`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpendMeta {
    /// `monitor`.
    pub kind: EntryKind,
    /// `budget`.
    pub budget: BudgetId,
    /// `deployment`.
    pub deployment: String,
    /// The rest.
    pub details: SpendDetails,
}

impl SpendMeta {
    /// As entry metadata.
    pub fn to_meta(&self) -> BTreeMap<String, String> {
        let mut m = self.details.to_meta();
        put(&mut m, meta::MONITOR, self.kind);
        put(&mut m, meta::BUDGET, &self.budget);
        put(&mut m, meta::DEPLOYMENT, &self.deployment);
        m
    }

    /// Reads it back; `None` if the entry is not spend.
    pub fn from_meta(m: &BTreeMap<String, String>) -> Option<SpendMeta> {
        let kind = monitor_kind(m).filter(|k| {
            matches!(
                k,
                EntryKind::Spend | EntryKind::LiabilityAccrual | EntryKind::LiabilityPayment
            )
        })?;
        Some(SpendMeta {
            kind,
            budget: BudgetId::from(m.get(meta::BUDGET)?),
            deployment: m.get(meta::DEPLOYMENT)?.clone(),
            details: SpendDetails::from_meta(m),
        })
    }
}

/// The metadata of surplus returned: recovered ([`EntryKind::Recovery`]) or by a reduced
/// payment ([`EntryKind::Reduction`], with its period).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecoveryMeta {
    /// `monitor`.
    pub kind: EntryKind,
    /// `budget`.
    pub budget: BudgetId,
    /// `deployment`.
    pub deployment: String,
    /// `decision`.
    pub decision: String,
    /// `period`, for a reduction.
    pub period: Option<Period>,
}

impl RecoveryMeta {
    /// As entry metadata.
    pub fn to_meta(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        put(&mut m, meta::MONITOR, self.kind);
        put(&mut m, meta::BUDGET, &self.budget);
        put(&mut m, meta::DEPLOYMENT, &self.deployment);
        put(&mut m, meta::DECISION, &self.decision);
        put_opt(&mut m, meta::PERIOD, self.period);
        m
    }

    /// Reads it back; `None` if the entry is not a recovery or reduction.
    pub fn from_meta(m: &BTreeMap<String, String>) -> Option<RecoveryMeta> {
        let kind =
            monitor_kind(m).filter(|k| matches!(k, EntryKind::Recovery | EntryKind::Reduction))?;
        Some(RecoveryMeta {
            kind,
            budget: BudgetId::from(m.get(meta::BUDGET)?),
            deployment: m.get(meta::DEPLOYMENT)?.clone(),
            decision: m.get(meta::DECISION)?.clone(),
            period: get(m, meta::PERIOD),
        })
    }
}

/// Adds typed metadata to an entry being built.
pub(crate) trait WithMeta {
    /// The entry with `metadata` added (each key replacing any already there).
    fn with_meta(self, metadata: BTreeMap<String, String>) -> Self;
}

impl WithMeta for crate::ledger::NewEntry {
    fn with_meta(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.metadata.extend(metadata);
        self
    }
}

#[cfg(test)]
mod tests;
