//! Funds: each source's part of a fund, and the order in which spending takes from them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{DeployError, PaymentPlan, positive};
use crate::budget::{BudgetId, Source};
use crate::chart::{self, Tag, meta};
use crate::ledger::{AccountId, AccountKind, EntryId, Ledger, NewEntry};
use crate::money::{Currency, Money};

/// In which order a fund's sources are spent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SpendOrder {
    /// In proportion to what each source has available (the default): every source's share of
    /// the fund stays the same.
    #[default]
    ProRata,
    /// The listed sources first, in order, each until it is empty; then the rest pro-rata.
    Priority(Vec<Source>),
}

impl PaymentPlan {
    /// A deployment's fund balance: the sum of its source accounts.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`], [`LedgerError`](crate::LedgerError) if accounts are not open.
    pub fn fund_balance(
        &self,
        ledger: &Ledger,
        deployment: &str,
    ) -> Result<Money, crate::error::Error> {
        self.fund(deployment)?.balance(ledger)
    }

    /// How much of a deployment's fund came from each source, read from the ledger. The parts
    /// sum to the fund balance.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`], [`LedgerError`](crate::LedgerError) if accounts are not open.
    pub fn attribution(
        &self,
        ledger: &Ledger,
        deployment: &str,
    ) -> Result<Attribution, crate::error::Error> {
        self.fund(deployment)?.attribution(ledger)
    }

    /// A deployment's [`Fund`]: its per-source accounts, read through for balances and
    /// attribution.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`].
    pub fn fund(&self, deployment: &str) -> Result<Fund, crate::error::Error> {
        Fund::of(self, deployment)
    }

    /// The postings that spend `amount` from a deployment's fund, split over its sources by the
    /// plan's [`SpendOrder`]. The caller adds the other side (a provider, an expense) and posts.
    ///
    /// # Errors
    ///
    /// [`DeployError::InsufficientFunds`], [`DeployError::NotPositive`],
    /// [`DeployError::UnknownDeployment`].
    pub fn spend_postings(
        &self,
        ledger: &Ledger,
        deployment: &str,
        amount: Money,
    ) -> Result<Vec<(AccountId, Money)>, crate::error::Error> {
        positive("spending", amount)?;
        let attribution = self.attribution(ledger, deployment)?;
        if attribution.available < amount {
            return Err(DeployError::InsufficientFunds {
                fund: chart::fund_name(self.budget.id(), deployment),
                amount,
                available: attribution.available,
            }
            .into());
        }
        let take = split_spend(&attribution.by_source, amount, &self.spend_order)?;
        Ok(attribution
            .by_source
            .iter()
            .zip(take)
            .filter(|(_, m)| !m.is_zero())
            .map(|(s, m)| (self.fund_account(deployment, &s.source), m.negate()))
            .collect())
    }

    /// An entry spending `amount` from a deployment's fund to `to`.
    ///
    /// # Errors
    ///
    /// As [`PaymentPlan::spend_postings`].
    pub fn spend(
        &self,
        ledger: &Ledger,
        deployment: &str,
        id: impl Into<EntryId>,
        to: impl Into<AccountId>,
        amount: Money,
        date: NaiveDate,
    ) -> Result<NewEntry, crate::error::Error> {
        let postings = self.spend_postings(ledger, deployment, amount)?;
        Ok(postings
            .into_iter()
            .fold(NewEntry::new(id, date), |e, (a, m)| e.posting(a, m))
            .posting(to, amount)
            .meta(meta::BUDGET, self.budget.id().as_str()))
    }
}

/// Splits a spend over sources: priority sources first, then pro-rata to what is available.
fn split_spend(
    sources: &[SourceBalance],
    amount: Money,
    order: &SpendOrder,
) -> Result<Vec<Money>, crate::error::Error> {
    let currency = amount.currency();
    let mut take = vec![Money::zero(currency); sources.len()];
    let mut left = amount;
    if let SpendOrder::Priority(first) = order {
        for wanted in first {
            if let Some(i) = sources.iter().position(|s| s.source == *wanted) {
                let can = sources[i]
                    .available
                    .checked_min(left)?
                    .checked_max(Money::zero(currency))?;
                take[i] = can;
                left = left.checked_sub(can)?;
            }
        }
    }
    if left.is_positive() {
        let weights = sources
            .iter()
            .zip(&take)
            .map(|(s, t)| s.available.checked_sub(*t)?.minor_weight())
            .collect::<Result<Vec<u64>, crate::money::MoneyError>>()?;
        let shares = left.allocate_by_weights(&weights)?;
        for (t, s) in take.iter_mut().zip(shares) {
            *t = t.checked_add(s)?;
        }
    }
    Ok(take)
}

/// One source's part of a fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceBalance {
    /// The source.
    pub source: Source,
    /// Its posted balance in the fund.
    pub balance: Money,
    /// Its balance less holds.
    pub available: Money,
}

/// A fund's balance by source. See [`PaymentPlan::attribution`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The deployment.
    pub deployment: String,
    /// The fund's balance.
    pub balance: Money,
    /// The fund's balance less holds.
    pub available: Money,
    /// Each source's part; they sum to `balance`.
    pub by_source: Vec<SourceBalance>,
}

/// A fund: the per-source accounts of one deployment of one budget.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Fund {
    /// The budget.
    pub budget: String,
    /// The deployment.
    pub deployment: String,
    /// Who holds it (`provider:{p}`, `person:{p}`, …).
    pub owner: String,
    /// Its currency.
    pub currency: Currency,
    /// Its accounts, by source key (`council`, `person`, `topup:{payer}`, `other:{funder}`).
    pub accounts: Vec<(String, AccountId)>,
}

impl Fund {
    /// The fund of a plan's deployment.
    ///
    /// # Errors
    ///
    /// [`DeployError::UnknownDeployment`].
    pub fn of(plan: &PaymentPlan, deployment: &str) -> Result<Fund, crate::error::Error> {
        let d = plan.deployment(deployment)?;
        Ok(Fund {
            budget: plan.budget().id().to_string(),
            deployment: deployment.to_string(),
            owner: d.kind.owner(plan.budget().person(), plan.council()),
            currency: plan.budget().currency(),
            accounts: plan
                .budget()
                .all_sources()
                .iter()
                .map(|s| (s.key(), plan.fund_account(deployment, s)))
                .collect(),
        })
    }

    /// Every fund in the ledger, found by its accounts' kind ([`AccountKind::Fund`]) and tags
    /// (`budget:`, `deployment:`, `source:`), in budget and deployment order.
    pub fn all(ledger: &Ledger) -> Vec<Fund> {
        let mut funds: BTreeMap<(String, String), Fund> = BTreeMap::new();
        for account in ledger.accounts() {
            if account.kind() != AccountKind::Fund {
                continue;
            }
            let details = account.details();
            let tag = |tag: Tag| tag.find(&details.tags).map(str::to_string);
            let (Some(budget), Some(deployment), Some(source)) =
                (tag(Tag::Budget), tag(Tag::Deployment), tag(Tag::Source))
            else {
                continue;
            };
            let fund = funds
                .entry((budget.clone(), deployment.clone()))
                .or_insert_with(|| Fund {
                    budget,
                    deployment,
                    owner: details.owner.clone().unwrap_or_default(),
                    currency: account.currency(),
                    accounts: Vec::new(),
                });
            fund.accounts.push((source, account.id().clone()));
        }
        funds.into_values().collect()
    }

    /// The funds a holder holds (`owner` as the accounts name it, e.g. `provider:acme`).
    pub fn held_by(ledger: &Ledger, owner: &str) -> Vec<Fund> {
        Fund::all(ledger)
            .into_iter()
            .filter(|f| f.owner == owner)
            .collect()
    }

    /// `{budget}:{deployment}`.
    pub fn name(&self) -> String {
        chart::fund_name(&BudgetId::from(&self.budget), &self.deployment)
    }

    pub(crate) fn is_fund_account(&self, account: &AccountId) -> bool {
        self.accounts.iter().any(|(_, a)| a == account)
    }

    pub(crate) fn source_of(&self, account: &AccountId) -> Option<&str> {
        self.accounts
            .iter()
            .find(|(_, a)| a == account)
            .map(|(s, _)| s.as_str())
    }

    /// The fund's balance as at a date (inclusive).
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account is not open, [`MoneyError`](crate::MoneyError).
    pub fn balance_as_at(
        &self,
        ledger: &Ledger,
        date: chrono::NaiveDate,
    ) -> Result<Money, crate::error::Error> {
        let mut total = Money::zero(self.currency);
        for (_, account) in &self.accounts {
            total = total.checked_add(ledger.balance_as_at(account, date)?)?;
        }
        Ok(total)
    }

    /// The fund's balance, held and available amounts now.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account is not open, [`MoneyError`](crate::MoneyError).
    pub fn now(&self, ledger: &Ledger) -> Result<(Money, Money, Money), crate::error::Error> {
        let mut balance = Money::zero(self.currency);
        let mut held = Money::zero(self.currency);
        let mut available = Money::zero(self.currency);
        for (_, account) in &self.accounts {
            let view = ledger.account(account)?;
            balance = balance.checked_add(view.balance())?;
            held = held.checked_add(view.held())?;
            available = available.checked_add(view.available())?;
        }
        Ok((balance, held, available))
    }

    /// The fund's accounts with the source each holds money from, in the fund's order.
    pub fn sources(&self) -> impl Iterator<Item = (Source, &AccountId)> + '_ {
        self.accounts
            .iter()
            .filter_map(|(key, account)| Some((chart::parse_source_key(key)?, account)))
    }

    /// The fund's balance now: the sum of its source accounts.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account is not open, [`MoneyError`](crate::MoneyError).
    pub fn balance(&self, ledger: &Ledger) -> Result<Money, crate::error::Error> {
        Ok(self.now(ledger)?.0)
    }

    /// How much of the fund came from each source, read from the ledger: the parts sum to the
    /// fund's balance.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account is not open, [`MoneyError`](crate::MoneyError).
    pub fn attribution(&self, ledger: &Ledger) -> Result<Attribution, crate::error::Error> {
        let mut balance = Money::zero(self.currency);
        let mut available = Money::zero(self.currency);
        let mut by_source = Vec::with_capacity(self.accounts.len());
        for (key, account) in &self.accounts {
            let view = ledger.account(account)?;
            balance = balance.checked_add(view.balance())?;
            available = available.checked_add(view.available())?;
            if let Some(source) = chart::parse_source_key(key) {
                by_source.push(SourceBalance {
                    source,
                    balance: view.balance(),
                    available: view.available(),
                });
            }
        }
        Ok(Attribution {
            deployment: self.deployment.clone(),
            balance,
            available,
            by_source,
        })
    }
}
