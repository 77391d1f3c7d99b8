//! Read-only views of accounts, entries and holds, and the trial balance.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::NaiveDate;

use super::*;
use crate::money::{Currency, Money};

/// A read-only view of an account: its details and balances.
#[derive(Debug, Clone, Copy)]
pub struct AccountView<'a> {
    pub(super) state: &'a AccountState,
}

impl<'a> AccountView<'a> {
    /// The account's id.
    pub fn id(&self) -> &'a AccountId {
        &self.state.spec.id
    }
    /// What it was opened with: kind, currency, owner, tags and rule.
    pub fn details(&self) -> &'a NewAccount {
        &self.state.spec
    }
    /// Its kind.
    pub fn kind(&self) -> AccountKind {
        self.state.spec.kind
    }
    /// Its currency.
    pub fn currency(&self) -> Currency {
        self.state.spec.currency
    }
    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.state.closed
    }
    /// The posted balance.
    pub fn balance(&self) -> Money {
        Money::new(self.state.balance, self.state.spec.currency)
    }
    /// Reserved by active holds.
    pub fn held(&self) -> Money {
        Money::new(self.state.held, self.state.spec.currency)
    }
    /// Posted minus held.
    pub fn available(&self) -> Money {
        Money::new(
            self.state.balance - self.state.held,
            self.state.spec.currency,
        )
    }
}

/// A read-only view of a recorded entry.
#[derive(Clone, Copy)]
pub struct EntryView<'a> {
    pub(super) ledger: &'a Ledger,
    pub(super) index: u32,
}

impl fmt::Debug for EntryView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryView")
            .field("seq", &self.seq())
            .field("id", &self.id())
            .field("date", &self.date())
            .field("memo", &self.memo())
            .finish()
    }
}

impl<'a> EntryView<'a> {
    fn rec(&self) -> &'a EntryRec {
        &self.ledger.entries[self.index as usize]
    }
    /// Its recorded sequence number.
    pub fn seq(&self) -> Seq {
        Seq(u64::from(self.index) + 1)
    }
    /// Its id.
    pub fn id(&self) -> &'a str {
        self.ledger.text_of(self.rec().id)
    }
    /// Its effective date.
    pub fn date(&self) -> NaiveDate {
        self.rec().date
    }
    /// Its memo.
    pub fn memo(&self) -> &'a str {
        self.ledger.text_of(self.rec().memo)
    }
    /// Its metadata.
    pub fn metadata(&self) -> &'a BTreeMap<String, String> {
        self.ledger.metadata_of(self.rec())
    }
    /// How it came to be.
    pub fn origin(&self) -> EntryOrigin {
        self.rec().origin
    }
    /// Its postings: account and signed amount, debit positive.
    pub fn postings(&self) -> impl Iterator<Item = (&'a AccountId, Money)> + 'a {
        let ledger = self.ledger;
        ledger.posting_recs(self.rec()).iter().map(move |p| {
            let s = &ledger.accounts[p.account as usize];
            (&s.spec.id, Money::new(p.amount, s.spec.currency))
        })
    }
    /// The entry that reversed this one.
    pub fn reversed_by(&self) -> Option<EntryView<'a>> {
        self.link(&self.ledger.links.reversed_by)
    }
    /// The entry this one reverses.
    pub fn reverses(&self) -> Option<EntryView<'a>> {
        self.link(&self.ledger.links.reverses)
    }
    /// The entry this one corrects.
    pub fn corrects(&self) -> Option<EntryView<'a>> {
        self.link(&self.ledger.links.corrects)
    }
    /// The hold this entry settled.
    pub fn settles(&self) -> Option<&'a HoldId> {
        let hold = self.ledger.links.settles.get(&self.index)?;
        Some(&self.ledger.holds[*hold as usize].spec.id)
    }
    fn link(&self, map: &HashMap<u32, u32>) -> Option<EntryView<'a>> {
        map.get(&self.index).map(|i| self.ledger.entry_view(*i))
    }
    /// The entry as a [`NewEntry`], as it would be posted again.
    pub fn to_new_entry(&self) -> NewEntry {
        let mut entry = NewEntry::new(self.id(), self.date()).memo(self.memo());
        entry.metadata = self.metadata().clone();
        entry.postings = self
            .postings()
            .map(|(account, amount)| Posting {
                account: account.clone(),
                amount,
            })
            .collect();
        entry.corrects = self.corrects().map(|e| EntryId::from(e.id()));
        entry
    }
}

/// A read-only view of a hold.
#[derive(Clone, Copy)]
pub struct HoldView<'a> {
    pub(super) ledger: &'a Ledger,
    pub(super) state: &'a HoldState,
}

impl fmt::Debug for HoldView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HoldView")
            .field("spec", &self.state.spec)
            .field("status", &self.state.status)
            .finish()
    }
}

impl<'a> HoldView<'a> {
    /// What it was placed with.
    pub fn details(&self) -> &'a NewHold {
        &self.state.spec
    }
    /// Its state.
    pub fn status(&self) -> HoldStatus {
        self.state.status
    }
    /// The day it was released, if it was released with [`Ledger::release_hold_on`].
    pub fn released_on(&self) -> Option<NaiveDate> {
        match self.state.status {
            HoldStatus::Released => self.state.released_on,
            _ => None,
        }
    }
    /// The settlement entry, if settled.
    pub fn settlement(&self) -> Option<EntryView<'a>> {
        match self.state.status {
            HoldStatus::Settled { seq } => self.ledger.entry_at(seq),
            _ => None,
        }
    }
}

/// One line of an account's history.
#[derive(Debug, Clone, Copy)]
pub struct HistoryLine<'a> {
    /// The entry.
    pub entry: EntryView<'a>,
    /// What it did to this account (debit positive).
    pub amount: Money,
    /// The account's balance after it, in recorded order.
    pub balance: Money,
}

/// Every account's balance and the total per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct TrialBalance {
    /// One line per account, in opening order.
    pub lines: Vec<TrialBalanceLine>,
    /// The sum of all balances per currency; zero in every currency for a ledger that balances.
    pub totals: Vec<Money>,
}

/// One line of a [`TrialBalance`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TrialBalanceLine {
    /// The account.
    pub account: AccountId,
    /// Its kind.
    pub kind: AccountKind,
    /// Its balance, debit positive.
    pub balance: Money,
}

impl TrialBalance {
    /// True if every currency's total is zero.
    pub fn balances(&self) -> bool {
        self.totals.iter().all(Money::is_zero)
    }
}

/// Debit and credit columns, then the totals.
impl fmt::Display for TrialBalance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .lines
            .iter()
            .map(|l| l.account.as_str().chars().count())
            .max()
            .unwrap_or(7)
            .max(7);
        writeln!(
            f,
            "{:<width$}  {:>18}  {:>18}",
            "account", "debit", "credit"
        )?;
        for line in &self.lines {
            let (debit, credit) = if line.balance.is_negative() {
                (String::new(), line.balance.negate().to_string())
            } else {
                (line.balance.to_string(), String::new())
            };
            writeln!(
                f,
                "{:<width$}  {debit:>18}  {credit:>18}",
                line.account.as_str()
            )?;
        }
        for total in &self.totals {
            writeln!(f, "{:<width$}  {:>18}", "total", total.to_string())?;
        }
        Ok(())
    }
}
