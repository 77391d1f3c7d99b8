//! How a statement CSV is laid out: [`StatementFormat`], [`DateFormat`], [`AmountColumns`].

use std::fmt;

use chrono::NaiveDate;

use super::error::ReconcileError;
use crate::money::Currency;

/// How dates are written in a statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DateFormat {
    /// `2025-04-07` (`%Y-%m-%d`).
    #[default]
    Iso,
    /// `07/04/2025`, day first, as UK banks write it (`%d/%m/%Y`).
    Uk,
    /// Any chrono `strftime` pattern.
    Custom(String),
}

impl DateFormat {
    /// The chrono pattern.
    pub fn pattern(&self) -> &str {
        match self {
            DateFormat::Iso => "%Y-%m-%d",
            DateFormat::Uk => "%d/%m/%Y",
            DateFormat::Custom(pattern) => pattern,
        }
    }

    /// Reads a date, or `None` if the text is not one in this format or the date is outside
    /// the crate's range, years 1900 to 2199 ([`crate::date_in_range`]).
    pub fn parse(&self, text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text.trim(), self.pattern())
            .ok()
            .filter(|d| crate::date_in_range(*d))
    }

    /// Writes a date, or `None` if the pattern is not a valid one.
    pub fn format(&self, date: NaiveDate) -> Option<String> {
        use std::fmt::Write as _;
        let mut out = String::new();
        write!(out, "{}", date.format(self.pattern())).ok()?;
        Some(out)
    }
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.pattern())
    }
}

/// Where a statement's amounts are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AmountColumns {
    /// One signed column: money in positive, money out negative.
    Signed(String),
    /// Two unsigned columns, exactly one of them filled on each row.
    PaidInOut {
        /// Money in.
        paid_in: String,
        /// Money out.
        paid_out: String,
    },
}

/// How a statement CSV is laid out: column names, date format, currency (a builder).
///
/// ```
/// use isf_ledger::Currency;
/// use isf_ledger::reconcile::{DateFormat, StatementFormat};
///
/// let format = StatementFormat::new(Currency::GBP)
///     .date_column("Transaction Date")
///     .date_format(DateFormat::Uk)
///     .amount_column("Value");
/// let imported = format.import("transaction date,value,description\n07/04/2025,-12.50,Taxi\n".as_bytes())?;
/// assert_eq!(imported.lines[0].amount.to_string(), "-12.50 GBP");
///
/// // A header without a required column fails the whole import.
/// let err = format.import("date,value,description\n".as_bytes()).unwrap_err();
/// assert_eq!(err.to_string(), "the header on line 1 has no \"transaction date\" column");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct StatementFormat {
    pub(super) currency: Currency,
    pub(super) date: String,
    pub(super) description: String,
    pub(super) amount: AmountColumns,
    pub(super) reference: String,
    pub(super) balance: String,
    pub(super) date_format: DateFormat,
    pub(super) delimiter: u8,
}

/// Header names are compared trimmed and in lower case.
pub(super) fn column_key(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

impl StatementFormat {
    /// The default layout: `date` (ISO), `description`, signed `amount`, optional `reference`
    /// and `balance`, comma separated, in `currency`.
    pub fn new(currency: Currency) -> StatementFormat {
        StatementFormat {
            currency,
            date: "date".into(),
            description: "description".into(),
            amount: AmountColumns::Signed("amount".into()),
            reference: "reference".into(),
            balance: "balance".into(),
            date_format: DateFormat::Iso,
            delimiter: b',',
        }
    }

    /// A UK bank's export: `date` (day first, `07/04/2025`), `description`, `paid in`,
    /// `paid out`, optional `reference` and `balance`.
    pub fn uk_bank(currency: Currency) -> StatementFormat {
        StatementFormat::new(currency)
            .date_format(DateFormat::Uk)
            .paid_in_out_columns("paid in", "paid out")
    }

    /// The currency of every amount.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Where the amounts are.
    pub fn amount_columns(&self) -> &AmountColumns {
        &self.amount
    }

    /// The date format.
    pub fn dates(&self) -> &DateFormat {
        &self.date_format
    }

    /// Names the date column.
    #[must_use]
    pub fn date_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.date = column_key(&name.into());
        self
    }

    /// Names the description column.
    #[must_use]
    pub fn description_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.description = column_key(&name.into());
        self
    }

    /// Reads amounts from one signed column (money in positive).
    #[must_use]
    pub fn amount_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.amount = AmountColumns::Signed(column_key(&name.into()));
        self
    }

    /// Reads amounts from two unsigned columns, money in and money out.
    #[must_use]
    pub fn paid_in_out_columns(
        mut self,
        paid_in: impl Into<String>,
        paid_out: impl Into<String>,
    ) -> StatementFormat {
        self.amount = AmountColumns::PaidInOut {
            paid_in: column_key(&paid_in.into()),
            paid_out: column_key(&paid_out.into()),
        };
        self
    }

    /// Names the optional reference column.
    #[must_use]
    pub fn reference_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.reference = column_key(&name.into());
        self
    }

    /// Names the optional balance column.
    #[must_use]
    pub fn balance_column(mut self, name: impl Into<String>) -> StatementFormat {
        self.balance = column_key(&name.into());
        self
    }

    /// Sets the date format.
    #[must_use]
    pub fn date_format(mut self, format: DateFormat) -> StatementFormat {
        self.date_format = format;
        self
    }

    /// Sets the field delimiter (`b','` by default; `b';'` and `b'\t'` are common).
    #[must_use]
    pub fn delimiter(mut self, delimiter: u8) -> StatementFormat {
        self.delimiter = delimiter;
        self
    }

    /// Every column the format reads or writes, in the order [`StatementFormat::write_csv`]
    /// writes them.
    pub(super) fn used_columns(&self) -> Vec<&str> {
        let mut cols = vec![self.date.as_str(), self.description.as_str()];
        match &self.amount {
            AmountColumns::Signed(amount) => cols.push(amount),
            AmountColumns::PaidInOut { paid_in, paid_out } => {
                cols.push(paid_in);
                cols.push(paid_out);
            }
        }
        cols.push(&self.reference);
        cols.push(&self.balance);
        cols
    }

    /// Refuses a format that names one column for two purposes.
    pub(super) fn check_names(&self) -> Result<(), ReconcileError> {
        let mut cols = self.used_columns();
        cols.sort_unstable();
        for pair in cols.windows(2) {
            if pair[0] == pair[1] {
                return Err(ReconcileError::InvalidFormat {
                    column: pair[0].to_string(),
                });
            }
        }
        Ok(())
    }
}
