//! Why the ledger refused an operation.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::types::{AccountId, EntryId, HoldId};
use crate::error::ErrorKind;
use crate::money::{Currency, Money};

/// Why the ledger refused an operation. A refused operation has changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// No account has this id.
    #[error("unknown account {account}")]
    UnknownAccount {
        /// The id at fault.
        account: AccountId,
    },
    /// The account has been closed.
    #[error("account {account} is closed")]
    AccountClosed {
        /// The closed account.
        account: AccountId,
    },
    /// An account with this id exists with other details.
    #[error("account {account} already exists with other details")]
    AccountExists {
        /// The id at fault.
        account: AccountId,
    },
    /// An account can only be closed when its balance and holds are zero.
    #[error("account {account} cannot be closed: balance {balance}, held {held}")]
    AccountNotEmpty {
        /// The account.
        account: AccountId,
        /// Its posted balance.
        balance: Money,
        /// Its active holds.
        held: Money,
    },
    /// A limit above zero: a new account starts at zero, so it would break its own rule.
    #[error("account {account}: a limit must be zero or below, got {limit}")]
    InvalidRule {
        /// The account.
        account: AccountId,
        /// The limit at fault.
        limit: Money,
    },
    /// An id is empty, too long or has control, invisible or bidirectional-control characters.
    #[error("invalid {what} id {id:?}: {reason}")]
    InvalidId {
        /// Which kind of id.
        what: &'static str,
        /// The id at fault: its first 40 characters, and `…` if it is longer.
        id: String,
        /// Why.
        reason: &'static str,
    },
    /// An amount's currency is not its account's.
    #[error("currency mismatch on {account}: account is {expected}, amount is {amount}")]
    CurrencyMismatch {
        /// The account.
        account: AccountId,
        /// The account's currency.
        expected: Currency,
        /// The amount at fault.
        amount: Money,
    },
    /// The postings of an entry do not sum to zero in a currency.
    #[error("entry {entry} does not balance: postings in {currency} sum to {total}")]
    Unbalanced {
        /// The entry.
        entry: EntryId,
        /// The currency that does not balance.
        currency: Currency,
        /// What its postings sum to.
        total: Decimal,
    },
    /// An entry needs at least two postings, and at most [`super::MAX_POSTINGS`].
    #[error("entry {entry} has {count} postings; an entry needs 2 to 4096")]
    PostingCount {
        /// The entry.
        entry: EntryId,
        /// How many postings it has.
        count: usize,
    },
    /// An amount has more decimal places than its currency allows.
    #[error("{amount} has more decimal places than {currency} allows ({minor_units})")]
    TooManyDecimals {
        /// The amount at fault.
        amount: Money,
        /// Its currency.
        currency: Currency,
        /// The decimal places allowed.
        minor_units: u32,
    },
    /// An amount is beyond what the ledger accepts in one posting ([`super::MAX_AMOUNT`]).
    #[error("{amount} is beyond the largest amount a posting may carry")]
    AmountOutOfRange {
        /// The amount at fault.
        amount: Money,
    },
    /// An amount that must be above zero is not.
    #[error("{what} must be above zero, got {amount}")]
    NotPositive {
        /// What the amount is for.
        what: &'static str,
        /// The amount at fault.
        amount: Money,
    },
    /// The operation would take an account's available balance below its limit.
    #[error(
        "account {account} would go below its limit {limit}: available {available}, change {change}"
    )]
    LimitBreached {
        /// The account.
        account: AccountId,
        /// Its available balance (posted − held) before the operation.
        available: Money,
        /// The change the operation would make to the available balance.
        change: Money,
        /// The lowest it may go.
        limit: Money,
    },
    /// An entry with this id was already posted with other content.
    #[error("entry {entry} was already posted with other content")]
    DuplicateEntry {
        /// The id at fault.
        entry: EntryId,
    },
    /// The same entry id appears twice in one batch with different content.
    #[error("entry {entry} appears twice in the batch with different content")]
    DuplicateInBatch {
        /// The id at fault.
        entry: EntryId,
    },
    /// The date falls in a closed period.
    #[error("{date} is in a closed period (books closed through {closed_through})")]
    PeriodClosed {
        /// The date at fault.
        date: NaiveDate,
        /// The last closed date.
        closed_through: NaiveDate,
    },
    /// The books are already closed through a later date.
    #[error("cannot close through {through}: books already closed through {closed_through}")]
    AlreadyClosed {
        /// The date asked for.
        through: NaiveDate,
        /// The last closed date.
        closed_through: NaiveDate,
    },
    /// No entry has this id.
    #[error("unknown entry {entry}")]
    UnknownEntry {
        /// The id at fault.
        entry: EntryId,
    },
    /// The entry has already been reversed, by another entry.
    #[error("entry {entry} was already reversed by {reversal}")]
    AlreadyReversed {
        /// The entry.
        entry: EntryId,
        /// The entry that reversed it.
        reversal: EntryId,
    },
    /// A reversal cannot itself be reversed; post the original again instead.
    #[error("entry {entry} is a reversal and cannot be reversed")]
    ReversalOfReversal {
        /// The reversal entry.
        entry: EntryId,
    },
    /// No hold has this id.
    #[error("unknown hold {hold}")]
    UnknownHold {
        /// The id at fault.
        hold: HoldId,
    },
    /// A hold with this id exists with other content.
    #[error("hold {hold} already exists with other content")]
    DuplicateHold {
        /// The id at fault.
        hold: HoldId,
    },
    /// The hold was already settled.
    #[error("hold {hold} was already settled")]
    HoldSettled {
        /// The hold.
        hold: HoldId,
    },
    /// The hold was already released.
    #[error("hold {hold} was already released")]
    HoldReleased {
        /// The hold.
        hold: HoldId,
    },
    /// The hold has expired.
    #[error("hold {hold} expired on {expired_on}")]
    HoldExpired {
        /// The hold.
        hold: HoldId,
        /// Its expiry date.
        expired_on: NaiveDate,
    },
    /// Settling for more than the hold reserved.
    #[error("cannot settle {requested} on hold {hold}: it holds {held}")]
    SettleExceedsHold {
        /// The hold.
        hold: HoldId,
        /// What it reserved.
        held: Money,
        /// What the settlement asked for.
        requested: Money,
    },
    /// A hold must move money between two different accounts, and expire after it is placed.
    #[error("invalid hold {hold}: {reason}")]
    InvalidHold {
        /// The hold.
        hold: HoldId,
        /// Why.
        reason: &'static str,
    },
    /// Arithmetic overflowed.
    #[error("arithmetic overflow: {operation}")]
    Overflow {
        /// What overflowed.
        operation: String,
    },
    /// The ledger is full (more than 4,294,967,295 entries, or 4 GiB of text).
    #[error("ledger capacity exceeded: {what}")]
    CapacityExceeded {
        /// What ran out.
        what: &'static str,
    },
    /// One entry of a batch was refused, so the whole batch was.
    #[error("batch refused at entry {index}")]
    Batch {
        /// The position of the refused entry in the batch (from 0).
        index: usize,
        /// Why it was refused.
        source: Box<LedgerError>,
    },
    /// An operation of a linked group was refused; nothing of the group was applied.
    #[error("operation {index} of a linked group was refused")]
    Linked {
        /// The position of the refused operation in the group (from 0).
        index: usize,
        /// Why it was refused.
        source: Box<LedgerError>,
    },
    /// A date outside years [`MIN_YEAR`](crate::MIN_YEAR) to [`MAX_YEAR`](crate::MAX_YEAR).
    #[error("{what} date {date} is outside the years 1900 to 2199")]
    DateOutOfRange {
        /// Which date.
        what: &'static str,
        /// The date at fault.
        date: NaiveDate,
    },
    /// A memo, tag, owner or metadata is over its documented size limit.
    #[error("{what} is over its limit of {limit}: {value:?}")]
    TooLarge {
        /// What is too large, and in what unit (`"memo (bytes)"`, `"metadata (pairs)"`).
        what: &'static str,
        /// The limit.
        limit: usize,
        /// The start of the value at fault: its first 40 characters, and `…` if longer.
        value: String,
    },
    /// A definition was refused ([`super::Ledger::define`]).
    #[error("invalid definition {key:?}: {reason}")]
    InvalidDefinition {
        /// The definition's key (a short prefix of it).
        key: String,
        /// Why.
        reason: &'static str,
    },
    /// A linked group was given inside another linked group.
    #[error("a linked group cannot hold another linked group")]
    NestedLinked,
}

impl LedgerError {
    /// What kind of failure this is. A refused batch or linked group has the kind of the
    /// refusal inside it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            LedgerError::UnknownAccount { .. }
            | LedgerError::UnknownEntry { .. }
            | LedgerError::UnknownHold { .. } => ErrorKind::NotFound,
            LedgerError::AccountExists { .. }
            | LedgerError::DuplicateEntry { .. }
            | LedgerError::DuplicateInBatch { .. }
            | LedgerError::DuplicateHold { .. } => ErrorKind::AlreadyExists,
            LedgerError::AccountClosed { .. }
            | LedgerError::AccountNotEmpty { .. }
            | LedgerError::AlreadyReversed { .. }
            | LedgerError::ReversalOfReversal { .. }
            | LedgerError::HoldSettled { .. }
            | LedgerError::HoldReleased { .. }
            | LedgerError::HoldExpired { .. } => ErrorKind::Conflict,
            LedgerError::InvalidRule { .. }
            | LedgerError::InvalidId { .. }
            | LedgerError::Unbalanced { .. }
            | LedgerError::PostingCount { .. }
            | LedgerError::TooManyDecimals { .. }
            | LedgerError::AmountOutOfRange { .. }
            | LedgerError::NotPositive { .. }
            | LedgerError::InvalidHold { .. }
            | LedgerError::DateOutOfRange { .. }
            | LedgerError::TooLarge { .. }
            | LedgerError::InvalidDefinition { .. }
            | LedgerError::NestedLinked => ErrorKind::InvalidInput,
            LedgerError::CurrencyMismatch { .. } => ErrorKind::CurrencyMismatch,
            LedgerError::LimitBreached { .. } | LedgerError::SettleExceedsHold { .. } => {
                ErrorKind::InsufficientFunds
            }
            LedgerError::PeriodClosed { .. } | LedgerError::AlreadyClosed { .. } => {
                ErrorKind::PeriodClosed
            }
            LedgerError::Overflow { .. } | LedgerError::CapacityExceeded { .. } => {
                ErrorKind::Overflow
            }
            LedgerError::Batch { source, .. } | LedgerError::Linked { source, .. } => source.kind(),
        }
    }
}

crate::error::error_detail! {
    /// The detail, if this is a ledger refusal.
    "Ledger": ledger -> LedgerError
}
