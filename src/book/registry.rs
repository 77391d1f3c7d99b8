//! The book's typed registry of definitions: budgets and their revisions, payment plans,
//! service agreements, claim, spend and surplus policies, and bank reconciliations. Each is a
//! [`Definition`] in the ledger's log, checked on the way in by reading it back as its type.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::BookError;
use crate::ledger::{AccountId, Definition};
use crate::money::Money;

/// A value the book keeps as a definition: its kind names it in the log, and it is read back
/// through its own checks (every type here validates when deserialized).
pub trait Definable: Serialize + DeserializeOwned {
    /// The kind, as the log writes it.
    const KIND: &'static str;
}

impl Definable for crate::PersonalBudget {
    const KIND: &'static str = "budget";
}
impl Definable for crate::PaymentPlan {
    const KIND: &'static str = "payment_plan";
}
impl Definable for crate::isf::ServiceAgreement {
    const KIND: &'static str = "service_agreement";
}
impl Definable for crate::isf::ClaimPolicy {
    const KIND: &'static str = "claim_policy";
}
impl Definable for crate::dp::SpendPolicy {
    const KIND: &'static str = "spend_policy";
}
impl Definable for crate::dp::SurplusPolicy {
    const KIND: &'static str = "surplus_policy";
}
impl Definable for BankReconciliation {
    const KIND: &'static str = "reconciliation";
}

/// A bank reconciliation as the book keeps it: which statement lines were matched to which
/// entries, the date the account is reconciled to, and the statement's closing balance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankReconciliation {
    /// The ledger account reconciled (the bank account's mirror).
    pub account: AccountId,
    /// The last day the statement covers.
    pub reconciled_to: NaiveDate,
    /// The statement's closing balance on that day.
    pub closing_balance: Money,
    /// The lines matched, each a statement line with the ledger line it pairs.
    pub matched: Vec<crate::reconcile::Match>,
}

/// Checks a definition's body reads back as its kind.
fn check(def: &Definition) -> Result<(), String> {
    fn read<T: Definable>(body: &str) -> Result<(), String> {
        serde_json::from_str::<T>(body)
            .map(|_| ())
            .map_err(|e| crate::error::echo(&e.to_string()))
    }
    match def.kind.as_str() {
        "budget" => read::<crate::PersonalBudget>(&def.body),
        "payment_plan" => read::<crate::PaymentPlan>(&def.body),
        "service_agreement" => read::<crate::isf::ServiceAgreement>(&def.body),
        "claim_policy" => read::<crate::isf::ClaimPolicy>(&def.body),
        "spend_policy" => read::<crate::dp::SpendPolicy>(&def.body),
        "surplus_policy" => read::<crate::dp::SurplusPolicy>(&def.body),
        "reconciliation" => read::<BankReconciliation>(&def.body),
        _ => Err("unknown kind".to_string()),
    }
}

/// Checks each definition, for [`super::Book`] calls and replay.
pub(crate) fn check_all(defs: &[Definition]) -> Result<(), BookError> {
    for def in defs {
        check(def).map_err(|message| BookError::Definition {
            kind: crate::error::echo(&def.kind),
            key: crate::error::echo(&def.key),
            message,
        })?;
    }
    Ok(())
}

/// The definition of `value` under `key` (its canonical JSON), to record with
/// [`Ledger::define`](crate::Ledger::define) inside a larger call, so that the definition and
/// what it sets up (a plan and its accounts, say) are one record.
///
/// # Errors
///
/// [`BookError::Definition`] if `value` cannot be written as JSON.
pub fn definition_of<T: Definable>(key: &str, value: &T) -> Result<Definition, BookError> {
    let body = serde_json::to_value(value)
        .map(|v| v.to_string())
        .map_err(|e| BookError::Definition {
            kind: T::KIND.to_string(),
            key: crate::error::echo(key),
            message: crate::error::echo(&e.to_string()),
        })?;
    Ok(Definition::new(T::KIND, key, body))
}

/// Where each kind and key's revisions are in the ledger's definitions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Registry {
    by_key: BTreeMap<(String, String), Vec<usize>>,
    seen: usize,
}

impl Registry {
    /// Takes in the definitions recorded since last time.
    pub(crate) fn absorb(&mut self, defs: &[Definition]) {
        for (i, def) in defs.iter().enumerate().skip(self.seen) {
            self.by_key
                .entry((def.kind.clone(), def.key.clone()))
                .or_default()
                .push(i);
        }
        self.seen = defs.len();
    }

    /// The revisions of `kind` and `key`, oldest first, as indices into the definitions.
    pub(crate) fn revisions(&self, kind: &str, key: &str) -> &[usize] {
        self.by_key
            .get(&(kind.to_string(), key.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Every key defined of `kind`.
    pub(crate) fn keys<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.by_key
            .keys()
            .filter(move |(k, _)| k == kind)
            .map(|(_, key)| key.as_str())
    }
}
