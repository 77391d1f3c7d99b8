//! isf-ledger (crate docs are written in full below).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod ledger;
mod money;
mod period;

pub use ledger::{
    AccountId, AccountKind, AccountView, BalanceRule, Discrepancy, EntryId, EntryOrigin, EntryView,
    HistoryLine, HoldId, HoldStatus, HoldView, Ledger, LedgerError, MAX_AMOUNT, MAX_ID_LEN,
    MAX_POSTINGS, NewAccount, NewEntry, NewHold, Posting, Receipt, Seq, TrialBalance,
    TrialBalanceLine, Verified, VerifyError,
};
#[cfg(feature = "serde")]
pub use ledger::{Applied, ImportSummary, LOG_VERSION, LogError, LogRecord, Operation};
pub use money::{Currency, MAX_MINOR_UNITS, Money, MoneyError, Rate, Rounding, Unit};
pub use period::{
    FinancialYear, Frequency, MAX_PERIODS, Period, PeriodError, Schedule, allocate_by_days,
    count_weekday, pro_rata,
};
