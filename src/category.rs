//! Spend categories: what direct-payment money was spent on. The chart of accounts names a
//! spend account after each, so the list sits below both the chart and [`dp`](crate::dp), which
//! re-exports it as its public path.

use std::fmt;
use std::str::FromStr;

use crate::error::{ParseEnumError, echo};

/// What direct-payment money was spent on. Each has a stable key ([`SpendCategory::key`]) used
/// in account ids, metadata and serialised forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum SpendCategory {
    /// Personal assistant wages (`pa-wages`).
    PaWages,
    /// Employer's National Insurance (`employer-ni`).
    EmployerNi,
    /// Employer's pension contributions (`pension`).
    Pension,
    /// Payments to HMRC (PAYE) (`hmrc`).
    Hmrc,
    /// A care agency (`agency`).
    Agency,
    /// Equipment (`equipment`).
    Equipment,
    /// Respite care (`respite`).
    Respite,
    /// Employer's liability and other insurance (`insurance`).
    Insurance,
    /// A payroll service's fees (`payroll-fees`).
    PayrollFees,
    /// Long-term residential care (`residential-care`); not allowed by [`SpendPolicy::england`](crate::dp::SpendPolicy::england).
    ResidentialCare,
    /// The council's own services (`council-services`); not allowed by
    /// [`SpendPolicy::england`](crate::dp::SpendPolicy::england).
    CouncilServices,
    /// Gambling (`gambling`); not allowed by [`SpendPolicy::england`](crate::dp::SpendPolicy::england).
    Gambling,
    /// Anything else (`other`).
    Other,
}

impl SpendCategory {
    /// Every category, in display order.
    pub const ALL: [SpendCategory; 13] = [
        SpendCategory::PaWages,
        SpendCategory::EmployerNi,
        SpendCategory::Pension,
        SpendCategory::Hmrc,
        SpendCategory::Agency,
        SpendCategory::Equipment,
        SpendCategory::Respite,
        SpendCategory::Insurance,
        SpendCategory::PayrollFees,
        SpendCategory::ResidentialCare,
        SpendCategory::CouncilServices,
        SpendCategory::Gambling,
        SpendCategory::Other,
    ];

    /// The stable key: `pa-wages`, `employer-ni`, `pension`, `hmrc`, `agency`, `equipment`,
    /// `respite`, `insurance`, `payroll-fees`, `residential-care`, `council-services`,
    /// `gambling`, `other`.
    pub fn key(&self) -> &'static str {
        match self {
            SpendCategory::PaWages => "pa-wages",
            SpendCategory::EmployerNi => "employer-ni",
            SpendCategory::Pension => "pension",
            SpendCategory::Hmrc => "hmrc",
            SpendCategory::Agency => "agency",
            SpendCategory::Equipment => "equipment",
            SpendCategory::Respite => "respite",
            SpendCategory::Insurance => "insurance",
            SpendCategory::PayrollFees => "payroll-fees",
            SpendCategory::ResidentialCare => "residential-care",
            SpendCategory::CouncilServices => "council-services",
            SpendCategory::Gambling => "gambling",
            SpendCategory::Other => "other",
        }
    }

    /// A plain-words label: "personal assistant wages".
    pub fn label(&self) -> &'static str {
        match self {
            SpendCategory::PaWages => "personal assistant wages",
            SpendCategory::EmployerNi => "employer's National Insurance",
            SpendCategory::Pension => "pension",
            SpendCategory::Hmrc => "payments to HMRC",
            SpendCategory::Agency => "care agency",
            SpendCategory::Equipment => "equipment",
            SpendCategory::Respite => "respite",
            SpendCategory::Insurance => "insurance",
            SpendCategory::PayrollFees => "payroll fees",
            SpendCategory::ResidentialCare => "long-term residential care",
            SpendCategory::CouncilServices => "the council's own services",
            SpendCategory::Gambling => "gambling",
            SpendCategory::Other => "other",
        }
    }
}

/// Writes the key.
impl fmt::Display for SpendCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Reads a key.
///
/// ```
/// use isf_ledger::dp::SpendCategory;
/// assert_eq!("payroll-fees".parse::<SpendCategory>()?, SpendCategory::PayrollFees);
/// assert!("biscuits".parse::<SpendCategory>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl FromStr for SpendCategory {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<SpendCategory, ParseEnumError> {
        SpendCategory::ALL
            .into_iter()
            .find(|c| c.key() == s)
            .ok_or_else(|| ParseEnumError {
                what: "spend category",
                text: echo(s),
            })
    }
}
