//! Deployments: how, and how much of, a budget reaches care, and who holds each fund.

use std::fmt;

use rust_decimal::Decimal;

use crate::budget::PersonId;
pub use crate::ids::{CouncilId, ManagerId, ProviderId};
use crate::money::Money;

/// Gross or net direct payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PaymentBasis {
    /// The council pays the whole budget and invoices the contribution.
    Gross,
    /// The council pays its share; the person pays their contribution into the fund.
    Net,
}

impl fmt::Display for PaymentBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PaymentBasis::Gross => "gross",
            PaymentBasis::Net => "net",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"gross"`, `"net"`.
impl std::str::FromStr for PaymentBasis {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<PaymentBasis, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "payment basis",
            &[PaymentBasis::Gross, PaymentBasis::Net],
            s,
        )
    }
}

/// How (part of) a budget reaches care.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DeploymentKind {
    /// Money paid to the person (or their nominee).
    DirectPayment {
        /// Gross or net.
        basis: PaymentBasis,
    },
    /// An account the council manages, for services it commissions.
    CouncilManaged,
    /// An individual service fund held by a provider.
    Isf {
        /// The provider holding it.
        provider: ProviderId,
    },
    /// A third-party managed account.
    ThirdPartyManaged {
        /// The manager.
        manager: ManagerId,
    },
}

impl DeploymentKind {
    pub(super) fn is_net(&self) -> bool {
        matches!(
            self,
            DeploymentKind::DirectPayment {
                basis: PaymentBasis::Net
            }
        )
    }

    /// Who holds the fund, as the chart names owners.
    pub(crate) fn owner(&self, person: &PersonId, council: &CouncilId) -> String {
        use crate::chart::{council_owner, manager_owner, person_owner, provider_owner};
        match self {
            DeploymentKind::DirectPayment { .. } => person_owner(person),
            DeploymentKind::CouncilManaged => council_owner(council),
            DeploymentKind::Isf { provider } => provider_owner(provider),
            DeploymentKind::ThirdPartyManaged { manager } => manager_owner(manager),
        }
    }
}

impl fmt::Display for DeploymentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeploymentKind::DirectPayment { basis } => match basis {
                PaymentBasis::Gross => f.write_str("direct payment (gross)"),
                PaymentBasis::Net => f.write_str("direct payment (net)"),
            },
            DeploymentKind::CouncilManaged => f.write_str("council-managed account"),
            DeploymentKind::Isf { provider } => write!(f, "ISF held by {provider}"),
            DeploymentKind::ThirdPartyManaged { manager } => {
                write!(f, "third-party managed account ({manager})")
            }
        }
    }
}

/// How much of the budget a deployment gets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "serde", serde(try_from = "ShareData"))]
#[non_exhaustive]
pub enum Share {
    /// A percentage of the whole budget (up to four decimal places).
    Percent(Decimal),
    /// A fixed amount per week (the budget's other deployments share the rest).
    FixedWeekly(Money),
    /// Whatever the others leave.
    Remainder,
}

/// A [`Share`] as read from JSON: a percentage zero or more with at most four decimals, or a
/// fixed weekly amount zero or more and exact in minor units (the plan checks its currency and
/// that the shares fit together).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum ShareData {
    Percent(#[serde(deserialize_with = "crate::money::deserialize_canonical_decimal")] Decimal),
    FixedWeekly(Money),
    Remainder,
}

#[cfg(feature = "serde")]
impl TryFrom<ShareData> for Share {
    type Error = String;

    fn try_from(data: ShareData) -> Result<Share, String> {
        match data {
            ShareData::Percent(p) if p.is_sign_negative() || p.normalize().scale() > 4 => Err(
                format!("percentage {p} must be positive with at most 4 decimals"),
            ),
            ShareData::Percent(p) => Ok(Share::Percent(p)),
            ShareData::FixedWeekly(m) if !m.is_exact() || m.is_negative() => {
                Err(format!("fixed amount {m} must be a positive exact amount"))
            }
            ShareData::FixedWeekly(m) => Ok(Share::FixedWeekly(m)),
            ShareData::Remainder => Ok(Share::Remainder),
        }
    }
}

/// One deployment of a budget: a named fund, how it is held, and its share.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "DeploymentData"))]
pub struct Deployment {
    /// A short name, unique in the plan, used in account ids (`dp`, `isf`, `managed`).
    pub name: String,
    /// How it is held.
    pub kind: DeploymentKind,
    /// Its share of the budget.
    pub share: Share,
}

/// A [`Deployment`] as read from JSON: its name must be usable in account ids (non-empty,
/// without ':' or control characters), as [`crate::PaymentPlan::new`] requires.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DeploymentData {
    name: String,
    kind: DeploymentKind,
    share: Share,
}

#[cfg(feature = "serde")]
impl TryFrom<DeploymentData> for Deployment {
    type Error = String;

    fn try_from(data: DeploymentData) -> Result<Deployment, String> {
        if !valid_name(&data.name) {
            return Err(format!(
                "deployment name {:?} must be non-empty, without ':' or control characters",
                crate::money::echo(&data.name)
            ));
        }
        Ok(Deployment {
            name: data.name,
            kind: data.kind,
            share: data.share,
        })
    }
}

/// A deployment name is used in account ids: non-empty, without ':' or control characters.
pub(super) fn valid_name(name: &str) -> bool {
    !(name.is_empty() || name.contains(':') || name.chars().any(char::is_control))
}

impl Deployment {
    /// A deployment of the whole budget.
    pub fn whole(name: impl Into<String>, kind: DeploymentKind) -> Deployment {
        Deployment {
            name: name.into(),
            kind,
            share: Share::Percent(Decimal::ONE_HUNDRED),
        }
    }
}
