//! Reports read from the ledger: fund statements, a provider's client-money view and a
//! council's view of its individual service funds.
//!
//! Reports only read: every figure comes from the ledger's postings, holds and account tags,
//! and each report can check itself against the ledger ([`FundStatement::check`],
//! [`ProviderView::check`]). Each is structured data (with `serde` when the `serde` feature is
//! on), plain text for a person to read (`Display`), and CSV lines for a spreadsheet
//! (`to_csv`).
//!
//! # How a fund statement sorts the money
//!
//! A [`Fund`] is the group of per-source accounts of one deployment
//! (`fund:{budget}:{deployment}:{source}`, see [payment plans](crate#payment-plans)). For a period, every entry
//! dated in it that touches the fund is put in exactly one place:
//!
//! 1. **Adjustments to earlier periods**: an adjustment for a backdated budget revision (it
//!    names a `revision`), a reversal of an entry dated before the period, or an entry that
//!    corrects another ([`NewEntry::corrects`](crate::NewEntry::corrects)).
//! 2. **Drawdowns** by service and supplier: the other side is an account tagged
//!    `role:drawdown` (see [`crate::isf`]). A credit note's reversal in the same period
//!    is a negative drawdown, also shown under credits.
//! 3. **Management fees**: the other side is tagged `role:fee`.
//! 4. **Receipts by source**: money into the fund's source accounts.
//! 5. **Other money out**: money out of the fund to anywhere else (a recovery to the council, a
//!    refund, a payment), by the account it went to.
//!
//! So closing = opening + receipts − drawdowns − fees + other + adjustments, and closing is the
//! ledger's balance of the fund at the period's last day: [`FundStatement::check`] says so or
//! names the difference.
//!
//! Holds are shown as the ledger knows them now: those still active that were placed on or
//! before the period's last day (support reserved or in dispute, not yet paid).
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use isf_ledger::report::{FundStatement, ProviderView};
//! use isf_ledger::*;
//!
//! let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
//! let budget = PersonalBudget::new(
//!     "b1", "p1", Period::new(day(4, 7), day(10, 6))?,
//!     BudgetTerms::new(Basis::Week, "300.00 GBP".parse()?),
//! )?;
//! let isf = DeploymentKind::Isf { provider: ProviderId::from("acme") };
//! let plan = PaymentPlan::new(
//!     "c1", budget, vec![Deployment::whole("isf", isf)],
//!     PaymentSchedule::new(Frequency::FourWeekly, day(4, 7)),
//! )?;
//! let mut ledger = Ledger::new();
//! plan.open_accounts(&mut ledger)?;
//! run_payments(&mut ledger, &[&plan], &PaymentRun::new("run-1", day(4, 7)));
//!
//! let fund = Fund::of(&plan, "isf")?;
//! let april = Period::new(day(4, 1), day(5, 1))?;
//! let statement = FundStatement::build(&ledger, &fund, april)?;
//! statement.check(&ledger)?;
//! assert_eq!(statement.receipts_total()?.to_string(), "1200.00 GBP");
//! assert_eq!(statement.closing.to_string(), "1200.00 GBP");
//! assert!(statement.to_string().contains("Closing balance"));
//! assert!(statement.to_csv()?.starts_with("fund,period,section,item,detail,amount,currency"));
//!
//! let provider = ProviderView::build(&ledger, &"acme".into(), Currency::GBP, day(4, 30))?;
//! assert_eq!(provider.client_money, statement.closing);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod journal;
mod statement;
mod views;

use crate::money::Money;
use crate::plan::Fund;

pub use journal::{
    JournalError, JournalFormat, JournalOptions, JournalSummary, journal_account_map,
    journal_account_name, journal_string, write_account_map, write_journal, write_journal_with,
};
pub use statement::{
    AdjustmentLine, DrawdownLine, FundStatement, HoldLater, HoldLine, OtherLine, ReceiptLine,
};
pub use views::{CouncilLine, CouncilView, FundPosition, ProviderView};

/// Errors from building or writing a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// No fund has these accounts.
    #[error("no fund {budget}:{deployment} in the ledger")]
    UnknownFund {
        /// The budget.
        budget: String,
        /// The deployment.
        deployment: String,
    },
    /// A report does not tie to the ledger.
    #[error("{report} does not tie to the ledger: {what} is {reported}, the ledger says {ledger}")]
    DoesNotTie {
        /// Which report.
        report: String,
        /// Which figure.
        what: &'static str,
        /// The report's figure.
        reported: Money,
        /// The ledger's.
        ledger: Money,
    },
    /// CSV could not be written.
    #[error("cannot write the csv")]
    Csv {
        /// The writer's error.
        source: std::io::Error,
    },
}

impl ReportError {
    /// What kind of failure this is.
    pub fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            ReportError::UnknownFund { .. } => K::NotFound,
            ReportError::DoesNotTie { .. } => K::Corrupt,
            ReportError::Csv { .. } => K::Io,
        }
    }
}

/// Money as statements show it to people, in the UK form: `£1,234.56`, `-£1,234.56`, `£0.00`.
///
/// What statements and views call to format money for reading; it is [`Money::display_uk`],
/// the crate's one UK formatter. Thousands are separated by commas and the amount has at least
/// the currency's decimal places. Pounds take the `£` sign (and euros `€`, dollars `$`, yen `¥`);
/// another currency is written with its code after the amount (`1,234.56 CHF`). CSV keeps the
/// plain amount ([`Money::amount_text`]) and a currency column, which spreadsheets read as a
/// number.
///
/// ```
/// use isf_ledger::{Currency, Money, report::uk_money};
///
/// let m = |s: &str| Money::new(s.parse().unwrap(), Currency::GBP);
/// assert_eq!(uk_money(m("1234.5")), "£1,234.50");
/// assert_eq!(uk_money(m("-1234567.89")), "-£1,234,567.89");
/// assert_eq!(uk_money(m("0")), "£0.00");
/// assert_eq!(uk_money(Money::new("999.99".parse().unwrap(), Currency::EUR)), "€999.99");
/// ```
pub fn uk_money(m: Money) -> String {
    m.display_uk().to_string()
}

/// Writes CSV rows of text fields.
fn write_csv(rows: &[Vec<String>]) -> Result<String, ReportError> {
    // Not flexible: every row has the header's columns, or writing fails.
    let mut writer = csv::WriterBuilder::new()
        .flexible(false)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).map_err(|e| ReportError::Csv {
            source: crate::reconcile::csv_io_error(e),
        })?;
    }
    let bytes = writer.into_inner().map_err(|e| ReportError::Csv {
        source: e.into_error(),
    })?;
    String::from_utf8(bytes).map_err(|e| ReportError::Csv {
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

crate::error::error_detail! {
    /// The detail, if this is a report that could not be built or does not tie to the ledger.
    "Report": report -> ReportError
}
