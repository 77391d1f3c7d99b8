//! Every enum with a text form reads back what it writes, and (where it has serde) writes what
//! serde writes.

use std::fmt::{Debug, Display};
use std::str::FromStr;

use isf_ledger::dp::{RecoveryMethod, SpendCategory};
use isf_ledger::isf::{OnIssue, OnRateDiffers, TimeBand};
use isf_ledger::report::JournalFormat;
use isf_ledger::{
    AccountKind, Basis, EntryOrigin, ErrorKind, Frequency, HoldStatus, PayerId, PaymentBasis,
    Rounding, Seq, Source, Timing, Unit, Week53Policy,
};

/// `x.to_string().parse() == Ok(x)` for each of `all`.
fn round_trips<T>(all: &[T])
where
    T: Display + FromStr + PartialEq + Debug,
    T::Err: Debug,
{
    for x in all {
        let text = x.to_string();
        assert_eq!(text.parse::<T>().unwrap(), *x, "{text}");
    }
}

/// Round-trips, and the text is serde's for each of `all`.
#[allow(unused_variables)]
fn text_is_serde<T>(all: &[T])
where
    T: Display + FromStr + PartialEq + Debug + serde_like::Serialize,
    T::Err: Debug,
{
    round_trips(all);
    #[cfg(feature = "serde")]
    for x in all {
        assert_eq!(serde_json::to_string(x).unwrap(), format!("\"{x}\""));
    }
}

#[cfg(feature = "serde")]
mod serde_like {
    pub use serde::Serialize;
}
#[cfg(not(feature = "serde"))]
mod serde_like {
    pub trait Serialize {}
    impl<T> Serialize for T {}
}

#[test]
fn unit_enums_read_back_their_serde_names() {
    use AccountKind as A;
    text_is_serde(&[
        A::Asset,
        A::Liability,
        A::Income,
        A::Expense,
        A::Equity,
        A::Fund,
    ]);
    use EntryOrigin as O;
    text_is_serde(&[O::Posted, O::Reversal, O::Settlement]);
    use HoldStatus as H;
    text_is_serde(&[H::Active, H::Released, H::Expired]);
    use Frequency as F;
    text_is_serde(&[
        F::Weekly,
        F::Fortnightly,
        F::FourWeekly,
        F::CalendarMonthly,
        F::Quarterly,
        F::Annual,
    ]);
    text_is_serde(&[Rounding::HalfUp, Rounding::HalfEven]);
    use Unit as U;
    text_is_serde(&[U::Hour, U::Visit, U::Day, U::Week, U::Item]);
    text_is_serde(&[Basis::Week, Basis::FourWeeks, Basis::Month, Basis::Year]);
    text_is_serde(&[PaymentBasis::Gross, PaymentBasis::Net]);
    text_is_serde(&[Timing::InAdvance, Timing::InArrears]);
    text_is_serde(&[Week53Policy::PayEveryPeriod, Week53Policy::SkipExtraPeriod]);
    text_is_serde(&[OnIssue::Refuse, OnIssue::Dispute]);
    use OnRateDiffers as R;
    text_is_serde(&[R::Refuse, R::Dispute, R::PayAgreedRate]);
    use TimeBand as T;
    text_is_serde(&[T::Weekday, T::Weekend, T::BankHoliday]);
    use RecoveryMethod as M;
    text_is_serde(&[M::Immediate, M::ReduceFuturePayments]);
    text_is_serde(&SpendCategory::ALL);
}

#[test]
fn enums_with_data_or_no_serde_round_trip() {
    round_trips(&[HoldStatus::Settled { seq: Seq(12) }]);
    use JournalFormat as J;
    round_trips(&[J::Ledger, J::Hledger, J::Beancount]);
    use ErrorKind as E;
    round_trips(&[
        E::InvalidInput,
        E::NotFound,
        E::AlreadyExists,
        E::Conflict,
        E::InsufficientFunds,
        E::PeriodClosed,
        E::CurrencyMismatch,
        E::Overflow,
        E::Refused,
        E::Unsupported,
        E::Corrupt,
        E::Io,
    ]);
    // A source's text form is its key; its Display is words for a report.
    for s in [
        Source::Council,
        Source::Person,
        Source::TopUp(PayerId::from("aunt")),
        Source::Other("nhs".into()),
    ] {
        assert_eq!(s.key().parse::<Source>().unwrap(), s);
    }
    #[cfg(feature = "serde")]
    for s in [Source::Council, Source::Person] {
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.key())
        );
    }
}

#[test]
fn a_bad_name_is_a_typed_error_naming_the_start_of_the_text() {
    let err = "fortnighty".parse::<Frequency>().unwrap_err();
    assert_eq!(err.what, "frequency");
    assert_eq!(err.text, "fortnighty");
    assert_eq!(err.to_string(), "\"fortnighty\" is not a frequency");
    let long = "x".repeat(100);
    let err = long.parse::<AccountKind>().unwrap_err();
    assert_eq!(err.text, format!("{}…", "x".repeat(40)));
    let err: isf_ledger::Error = "monthly".parse::<Timing>().unwrap_err().into();
    assert!(err.is_invalid_input());
    assert!(err.parse().is_some());
    assert!("settled #".parse::<HoldStatus>().is_err());
    assert!("settled #+1".parse::<HoldStatus>().is_err());
    assert!("topup".parse::<Source>().is_err());
    // Display is the serde name; label is the words.
    assert_eq!(Basis::FourWeeks.to_string(), "four_weeks");
    assert_eq!(Basis::FourWeeks.label(), "four weeks");
    assert_eq!(TimeBand::BankHoliday.label(), "bank holiday");
}
