//! Spend categories, the council's spend policy, and recording spend from a fund.

use crate::chart::{EntryKind, SpendDetails, SpendMeta, WithMeta, meta};
use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{MonitorError, SpendCategory, positive, spend_account};
use crate::ledger::{AccountId, EntryId, Ledger, LedgerError, NewEntry, Receipt};
use crate::money::Money;
use crate::plan::PaymentPlan;

/// Which spend a council does not allow, and why. Disallowed spend is flagged, never refused
/// or dropped (see the [module docs](super)).
///
/// ```
/// use isf_ledger::dp::{SpendCategory, SpendPolicy};
/// let policy = SpendPolicy::england().disallow_payee("Acme Casino", "gambling venue");
/// assert!(policy.check(SpendCategory::Gambling, "anyone").is_some());
/// assert_eq!(policy.check(SpendCategory::Other, " acme casino "), Some("gambling venue"));
/// assert_eq!(policy.check(SpendCategory::PaWages, "Sam"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SpendPolicyData"))]
pub struct SpendPolicy {
    /// Disallowed categories, each with its reason.
    pub categories: BTreeMap<SpendCategory, String>,
    /// Disallowed payees (compared ignoring case and surrounding spaces), each with its reason.
    pub payees: BTreeMap<String, String>,
}

/// A [`SpendPolicy`] as read from JSON, built through [`SpendPolicy::disallow_payee`], so payees
/// are compared as the policy compares them (ignoring case and surrounding spaces). Two payees
/// that are the same when compared so are refused.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SpendPolicyData {
    #[serde(default)]
    categories: BTreeMap<SpendCategory, String>,
    #[serde(default)]
    payees: BTreeMap<String, String>,
}

#[cfg(feature = "serde")]
impl TryFrom<SpendPolicyData> for SpendPolicy {
    type Error = String;

    fn try_from(data: SpendPolicyData) -> Result<SpendPolicy, String> {
        let mut policy = SpendPolicy {
            categories: data.categories,
            payees: BTreeMap::new(),
        };
        for (payee, reason) in data.payees {
            if policy
                .payees
                .contains_key(payee.trim().to_lowercase().as_str())
            {
                return Err(format!(
                    "payee {:?} is listed twice (payees are compared ignoring case and spaces)",
                    crate::money::echo(&payee)
                ));
            }
            policy = policy.disallow_payee(&payee, reason);
        }
        Ok(policy)
    }
}

impl SpendPolicy {
    /// A policy that allows everything.
    pub fn allow_all() -> SpendPolicy {
        SpendPolicy {
            categories: BTreeMap::new(),
            payees: BTreeMap::new(),
        }
    }

    /// The statutory guidance's examples: long-term residential care, the council's own
    /// services, and gambling are not allowed.
    pub fn england() -> SpendPolicy {
        SpendPolicy::allow_all()
            .disallow_category(
                SpendCategory::ResidentialCare,
                "direct payments may not pay for long-term residential care",
            )
            .disallow_category(
                SpendCategory::CouncilServices,
                "direct payments may not buy the council's own services",
            )
            .disallow_category(
                SpendCategory::Gambling,
                "direct payments may not be used for gambling",
            )
    }

    /// Disallows a category.
    #[must_use]
    pub fn disallow_category(
        mut self,
        category: SpendCategory,
        reason: impl Into<String>,
    ) -> SpendPolicy {
        self.categories.insert(category, reason.into());
        self
    }

    /// Disallows a payee.
    #[must_use]
    pub fn disallow_payee(mut self, payee: &str, reason: impl Into<String>) -> SpendPolicy {
        self.payees
            .insert(payee.trim().to_lowercase(), reason.into());
        self
    }

    /// Why spend in `category` to `payee` is not allowed, or `None` if it is. A category rule
    /// is reported before a payee rule.
    pub fn check(&self, category: SpendCategory, payee: &str) -> Option<&str> {
        if let Some(reason) = self.categories.get(&category) {
            return Some(reason);
        }
        self.payees
            .get(&payee.trim().to_lowercase())
            .map(String::as_str)
    }
}

/// The England policy.
impl Default for SpendPolicy {
    fn default() -> SpendPolicy {
        SpendPolicy::england()
    }
}

/// Money spent (or owed) from a fund: what for, to whom, how much, when.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Spend {
    /// The entry id (its idempotency key).
    pub id: EntryId,
    /// The date it counts for.
    pub date: NaiveDate,
    /// What for.
    pub category: SpendCategory,
    /// To whom.
    pub payee: String,
    /// How much; above zero.
    pub amount: Money,
    /// An invoice number, payslip or receipt reference.
    pub reference: Option<String>,
    /// A description (defaults to the category and payee).
    pub memo: Option<String>,
}

impl Spend {
    /// A spend with no reference or memo.
    pub fn new(
        id: impl Into<EntryId>,
        date: NaiveDate,
        category: SpendCategory,
        payee: impl Into<String>,
        amount: Money,
    ) -> Spend {
        Spend {
            id: id.into(),
            date,
            category,
            payee: payee.into(),
            amount,
            reference: None,
            memo: None,
        }
    }

    /// Sets the reference.
    #[must_use]
    pub fn reference(mut self, reference: impl Into<String>) -> Spend {
        self.reference = Some(reference.into());
        self
    }

    /// Sets the memo.
    #[must_use]
    pub fn memo(mut self, memo: impl Into<String>) -> Spend {
        self.memo = Some(memo.into());
        self
    }

    pub(super) fn validate(&self) -> Result<(), MonitorError> {
        if self.payee.trim().is_empty() {
            return Err(MonitorError::EmptyPayee {
                id: self.id.to_string(),
            });
        }
        positive("spending", self.amount)
    }

    pub(super) fn tagged(
        &self,
        entry: NewEntry,
        plan: &PaymentPlan,
        deployment: &str,
        kind: EntryKind,
    ) -> NewEntry {
        let memo = self
            .memo
            .clone()
            .unwrap_or_else(|| format!("{}: {}", self.category.label(), self.payee));
        entry.memo(memo).with_meta(
            SpendMeta {
                kind,
                budget: plan.budget().id().clone(),
                deployment: deployment.to_string(),
                details: SpendDetails {
                    category: Some(self.category),
                    payee: Some(self.payee.clone()),
                    reference: self.reference.clone(),
                    ..SpendDetails::default()
                },
            }
            .to_meta(),
        )
    }
}

/// What [`record_spend`], [`accrue_liability`] or [`pay_liability`] posted.
///
/// [`accrue_liability`]: super::accrue_liability
/// [`pay_liability`]: super::pay_liability
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Recorded {
    /// The ledger's receipt.
    pub receipt: Receipt,
    /// Why the spend is not allowed, if it is flagged.
    pub flag: Option<String>,
}

/// The entry for money spent from a deployment's fund, taken from its sources by the plan's
/// spend order, flagged if `policy` does not allow it.
///
/// # Errors
///
/// [`MonitorError::EmptyPayee`], [`MonitorError::NotPositive`]; [`DeployError`](crate::DeployError) for
/// an unknown deployment or not enough available in the fund.
pub fn spend_entry(
    ledger: &Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    spend: &Spend,
    policy: &SpendPolicy,
) -> Result<NewEntry, crate::error::Error> {
    spend.validate()?;
    let entry = plan.spend(
        ledger,
        deployment,
        spend.id.clone(),
        spend_account(plan, deployment, spend.category),
        spend.amount,
        spend.date,
    )?;
    let mut entry = spend.tagged(entry, plan, deployment, EntryKind::Spend);
    if let Some(reason) = policy.check(spend.category, &spend.payee) {
        entry = entry.meta(meta::FLAG, reason);
    }
    Ok(entry)
}

/// What identifies a retry of a spend or a liability payment already posted. The fund side
/// of such an entry depends on the balances when it was made, so a retry is recognised by its
/// kind, date, amount to the expense (or payable) and payee (or liability), not by recomputing
/// it.
pub(super) struct Retry<'a> {
    pub(super) kind: EntryKind,
    pub(super) date: NaiveDate,
    pub(super) target: &'a AccountId,
    pub(super) amount: Money,
    pub(super) key: RetryKey<'a>,
}

/// What else a retry must match: the payee of a spend, the liability a payment pays.
pub(super) enum RetryKey<'a> {
    Payee(&'a str),
    Liability(&'a str),
}

impl Retry<'_> {
    pub(super) fn already_recorded(
        &self,
        ledger: &Ledger,
        id: &EntryId,
    ) -> Result<Option<Recorded>, crate::error::Error> {
        let Some(entry) = ledger.entry(id) else {
            return Ok(None);
        };
        let meta = SpendMeta::from_meta(entry.metadata());
        let same = meta.as_ref().is_some_and(|s| {
            let key = match self.key {
                RetryKey::Payee(p) => s.details.payee.as_deref() == Some(p),
                RetryKey::Liability(l) => s.details.liability.as_deref() == Some(l),
            };
            s.kind == self.kind && key
        }) && entry.date() == self.date
            && entry
                .postings()
                .any(|(a, m)| a == self.target && m == self.amount);
        if !same {
            return Err(LedgerError::DuplicateEntry { entry: id.clone() }.into());
        }
        Ok(Some(Recorded {
            receipt: Receipt {
                seq: entry.seq(),
                already_posted: true,
            },
            flag: meta.and_then(|s| s.details.flag),
        }))
    }
}

/// Posts [`spend_entry`]. A refused spend changes nothing. Recording the same spend again (same
/// id, date, category, payee and amount) changes nothing and returns a receipt marked
/// `already_posted`, even if the fund's balances have changed since.
///
/// # Errors
///
/// As [`spend_entry`], and [`LedgerError`](crate::LedgerError) if the ledger refuses it
/// ([`LedgerError::DuplicateEntry`] for the same id with other details).
pub fn record_spend(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    spend: &Spend,
    policy: &SpendPolicy,
) -> Result<Recorded, crate::error::Error> {
    ledger.atomically(|ledger| record_spend_once(ledger, plan, deployment, spend, policy))
}

fn record_spend_once(
    ledger: &mut Ledger,
    plan: &PaymentPlan,
    deployment: &str,
    spend: &Spend,
    policy: &SpendPolicy,
) -> Result<Recorded, crate::error::Error> {
    spend.validate()?;
    let target = spend_account(plan, deployment, spend.category);
    let same = Retry {
        kind: EntryKind::Spend,
        date: spend.date,
        target: &target,
        amount: spend.amount,
        key: RetryKey::Payee(spend.payee.as_str()),
    };
    if let Some(done) = same.already_recorded(ledger, &spend.id)? {
        return Ok(done);
    }
    let entry = spend_entry(ledger, plan, deployment, spend, policy)?;
    let flag = SpendDetails::from_meta(&entry.metadata).flag;
    let receipt = ledger.post(entry)?;
    Ok(Recorded { receipt, flag })
}
