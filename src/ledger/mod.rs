//! The double-entry ledger: accounts, journal entries, holds, reversals, closed periods,
//! balances, verification, and the operation log.
//!
//! The ledger knows nothing of care. Everything the domain modules do reaches it as
//! [`NewAccount`], [`NewEntry`] and [`NewHold`] values; reports read it back.
//!
//! # How it keeps its promises
//!
//! * Every operation is checked in full before anything is written, so a refused operation
//!   changes nothing.
//! * Balances are maintained from the postings as they are recorded, and [`Ledger::verify`]
//!   recomputes all of them from the postings alone.
//! * No posting may carry more than [`MAX_AMOUNT`] (nor 10^17 minor units) and no ledger more
//!   than `u32::MAX` postings, so every running sum stays exact: balances never overflow or round.
//!
//! # Cost
//!
//! Posting an entry appends to a few vectors: O(postings). The current balance is a field:
//! O(1). The balance as at a date is a binary search over the account's distinct effective
//! dates, and as known after a sequence number a binary search over its postings: O(log n).
//! Posting with an effective date earlier than the account's latest one (a back-dated entry)
//! is kept in a short list that is merged into the daily totals when it grows past an eighth of
//! them: O(log n) per posting amortized, whatever order entries arrive in.

mod accounts;
mod checks;
mod daily;
mod definitions;
mod error;
mod holds;
mod limits;
#[cfg(feature = "serde")]
pub(crate) mod log;
mod meta_index;
mod operations;
mod periods;
mod posting;
mod queries;
mod store;
mod sums;
pub(crate) mod types;
mod verify;
mod views;

pub use definitions::{Definition, MAX_DEFINITION_BODY};
pub use error::LedgerError;
#[cfg(feature = "serde")]
pub use log::{ImportSummary, LOG_VERSION, LogError, LogRecord, MAX_LINE_LEN};
pub use operations::{Applied, Operation};
pub use types::{
    AccountId, AccountKind, BalanceRule, EntryId, EntryOrigin, HoldId, HoldStatus, MAX_ID_LEN,
    MAX_MEMO_LEN, MAX_METADATA_ENTRIES, MAX_METADATA_KEY_LEN, MAX_METADATA_VALUE_LEN, MAX_TAGS,
    NewAccount, NewEntry, NewHold, Posting, Receipt, Seq,
};
pub use verify::{Discrepancy, Verified, VerifyError};

use types::id_problem;

use checks::{check_amount, check_id};
use limits::{check_account_text, check_date, check_memo, check_metadata};
use store::*;
pub use store::{Ledger, MAX_AMOUNT, MAX_MINOR_UNITS_PER_POSTING, MAX_POSTINGS};
use sums::{bounded_add, grow};
pub use views::{AccountView, EntryView, HistoryLine, HoldView, TrialBalance, TrialBalanceLine};
