//! Compile-time checks that the public types can cross threads (dtolnay/anyhow
//! `tests/test_autotrait.rs` style). A type that stops being `Send` or `Sync` (an `Rc` or a
//! `Cell` slipped into it) fails to compile here, not in a caller's code.

#![allow(clippy::extra_unused_type_parameters)]

use isf_ledger::{
    AccountId, AccountKind, AccountView, Applied, BalanceRule, Currency, Discrepancy, EntryId,
    EntryOrigin, EntryView, FinancialYear, Frequency, HistoryLine, HoldId, HoldStatus, HoldView,
    ImportSummary, Ledger, LedgerError, LogError, LogRecord, Money, MoneyError, NewAccount,
    NewEntry, NewHold, Operation, Period, PeriodError, Posting, Rate, Receipt, Rounding, Schedule,
    Seq, TrialBalance, TrialBalanceLine, Unit, Verified, VerifyError,
};

fn assert_send<T: Send>() {}
fn assert_sync<T: Sync>() {}

macro_rules! send_and_sync {
    ($($t:ty),* $(,)?) => {
        $(
            assert_send::<$t>();
            assert_sync::<$t>();
        )*
    };
}

#[test]
fn ledger_types_are_send_and_sync() {
    send_and_sync!(
        Ledger,
        LedgerError,
        AccountId,
        EntryId,
        HoldId,
        AccountKind,
        BalanceRule,
        NewAccount,
        NewEntry,
        NewHold,
        Posting,
        Receipt,
        Seq,
        HoldStatus,
        EntryOrigin,
        TrialBalance,
        TrialBalanceLine,
        Verified,
        VerifyError,
        Discrepancy,
    );
}

#[test]
fn ledger_views_are_send_and_sync() {
    // Views borrow the ledger; sharing them between threads (a scoped report writer) must work.
    send_and_sync!(
        AccountView<'static>,
        EntryView<'static>,
        HoldView<'static>,
        HistoryLine<'static>,
    );
}

#[test]
fn log_types_are_send_and_sync() {
    send_and_sync!(LogError, LogRecord, Operation, Applied, ImportSummary);
}

#[test]
fn money_types_are_send_and_sync() {
    send_and_sync!(Money, Currency, MoneyError, Rate, Rounding, Unit);
}

#[test]
fn period_types_are_send_and_sync() {
    send_and_sync!(Period, PeriodError, Frequency, FinancialYear, Schedule);
}

#[test]
fn errors_are_std_errors_that_cross_threads() {
    // `Box<dyn Error + Send + Sync>` is what `?` into anyhow or a service's error type needs.
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<LedgerError>();
    assert_error::<MoneyError>();
    assert_error::<LogError>();
    assert_error::<VerifyError>();
    assert_error::<PeriodError>();
    assert_error::<isf_ledger::Error>();
    assert_error::<isf_ledger::BudgetError>();
    assert_error::<isf_ledger::DeployError>();
    assert_error::<isf_ledger::isf::DrawdownError>();
    assert_error::<isf_ledger::dp::MonitorError>();
    assert_error::<isf_ledger::reconcile::ReconcileError>();
    assert_error::<isf_ledger::report::ReportError>();
    assert_error::<isf_ledger::report::JournalError>();
}

#[test]
fn the_crate_error_and_its_kind_cross_threads() {
    send_and_sync!(isf_ledger::Error, isf_ledger::ErrorKind);
    // The kind is a plain value: copied, compared and hashed.
    fn assert_value<T: Copy + Eq + std::hash::Hash + std::fmt::Debug + std::fmt::Display>() {}
    assert_value::<isf_ledger::ErrorKind>();
    // The error is cloned cheaply (a shared detail).
    fn assert_clone<T: Clone>() {}
    assert_clone::<isf_ledger::Error>();
}

#[test]
fn drawdown_and_report_types_are_send_and_sync() {
    use isf_ledger::isf::*;
    use isf_ledger::report::*;
    send_and_sync!(
        ServiceAgreement,
        Service,
        BandRates,
        TimeBand,
        ManagementFee,
        Banking,
        CancellationRule,
        ClaimPolicy,
        OnIssue,
        OnRateDiffers,
        ClaimIssue,
        Booking,
        Claim,
        ClaimLine,
        ClaimOutcome,
        PaidLine,
        DisputedLine,
        CreditNote,
        BankedLot,
        BankedUnits,
        UnitsLine,
        UnitsSummary,
        DrawdownError,
        isf_ledger::Fund,
        FundStatement,
        ReceiptLine,
        DrawdownLine,
        OtherLine,
        AdjustmentLine,
        HoldLine,
        ProviderView,
        FundPosition,
        CouncilView,
        CouncilLine,
        ReportError,
        JournalError,
        JournalFormat,
        JournalSummary,
        isf_ledger::Error,
    );
}
