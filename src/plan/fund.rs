//! Funds: each source's part of a fund, and the order in which spending takes from them.

use crate::chart::{self, meta};
use chrono::NaiveDate;

use super::{DeployError, PaymentPlan, positive};
use crate::budget::Source;
use crate::ledger::{AccountId, EntryId, Ledger, NewEntry};
use crate::money::Money;

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
    pub fn fund_balance(&self, ledger: &Ledger, deployment: &str) -> Result<Money, crate::Error> {
        Ok(self.attribution(ledger, deployment)?.balance)
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
    ) -> Result<Attribution, crate::Error> {
        self.deployment_index(deployment)?;
        let currency = self.budget.currency();
        let mut balance = Money::zero(currency);
        let mut available = Money::zero(currency);
        let mut by_source = Vec::new();
        for source in self.budget.all_sources() {
            let account = ledger.account(&self.fund_account(deployment, &source))?;
            balance = balance.checked_add(account.balance())?;
            available = available.checked_add(account.available())?;
            by_source.push(SourceBalance {
                source,
                balance: account.balance(),
                available: account.available(),
            });
        }
        Ok(Attribution {
            deployment: deployment.to_string(),
            balance,
            available,
            by_source,
        })
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
    ) -> Result<Vec<(AccountId, Money)>, crate::Error> {
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
    ) -> Result<NewEntry, crate::Error> {
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
) -> Result<Vec<Money>, crate::Error> {
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
            .collect::<Result<Vec<u64>, crate::MoneyError>>()?;
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
