//! The accounts a plan uses: the council's, the payers', and each fund's, one per source.

use super::PaymentPlan;
use crate::budget::Source;
use crate::chart::{self, Tag};
use crate::ledger::{AccountId, AccountKind, BalanceRule, Ledger, NewAccount};

impl PaymentPlan {
    /// The council's bank account, which pays council shares and receives recoveries.
    pub fn council_bank(&self) -> AccountId {
        chart::council_bank(&self.council)
    }

    /// What the person owes the council for invoiced (gross) contributions.
    pub fn council_receivable(&self) -> AccountId {
        chart::council_receivable(&self.council, self.budget.person())
    }

    /// The council's income from invoiced contributions.
    pub fn contribution_income(&self) -> AccountId {
        chart::contribution_income(&self.council)
    }

    /// Contributions the person has paid into net direct-payment funds (credit balance).
    pub fn contributions_paid(&self) -> AccountId {
        chart::contributions_paid(self.budget.id())
    }

    /// The account a source's money comes from when the plan pays it in.
    pub fn payer_account(&self, source: &Source) -> AccountId {
        match source {
            Source::Council | Source::Person => self.council_bank(),
            Source::TopUp(payer) => chart::payer_account(payer),
            Source::Other(funder) => chart::funder_account(funder),
        }
    }

    /// The account holding `source`'s money in deployment `name`'s fund.
    pub fn fund_account(&self, name: &str, source: &Source) -> AccountId {
        chart::fund_account(self.budget.id(), name, source)
    }

    /// Opens every account the plan uses: council, payers, and each deployment's fund accounts
    /// (one per source, never below zero). Opening again changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account exists with other details.
    pub fn open_accounts(&self, ledger: &mut Ledger) -> Result<(), crate::error::Error> {
        ledger.atomically(|ledger| self.open_accounts_once(ledger))
    }

    fn open_accounts_once(&self, ledger: &mut Ledger) -> Result<(), crate::error::Error> {
        let currency = self.budget.currency();
        let council = chart::council_owner(&self.council);
        let person = chart::person_owner(self.budget.person());
        let open = |ledger: &mut Ledger, id: AccountId, kind, owner: &str| {
            ledger.open_account(NewAccount::new(id, kind, currency).owner(owner))
        };
        open(ledger, self.council_bank(), AccountKind::Asset, &council)?;
        open(
            ledger,
            self.council_receivable(),
            AccountKind::Asset,
            &council,
        )?;
        open(
            ledger,
            self.contribution_income(),
            AccountKind::Income,
            &council,
        )?;
        open(
            ledger,
            self.contributions_paid(),
            AccountKind::Equity,
            &person,
        )?;
        for source in self.budget.all_sources() {
            if let Source::TopUp(payer) = &source {
                open(
                    ledger,
                    self.payer_account(&source),
                    AccountKind::Equity,
                    payer.as_str(),
                )?;
            }
            if let Source::Other(funder) = &source {
                open(
                    ledger,
                    self.payer_account(&source),
                    AccountKind::Income,
                    funder,
                )?;
            }
        }
        for d in &self.deployments {
            let owner = d.kind.owner(self.budget.person(), &self.council);
            for source in self.budget.all_sources() {
                ledger.open_account(
                    NewAccount::new(
                        self.fund_account(&d.name, &source),
                        AccountKind::Fund,
                        currency,
                    )
                    .owner(owner.as_str())
                    .tag(Tag::Budget.with(self.budget.id()))
                    .tag(Tag::Deployment.with(&d.name))
                    .tag(Tag::Source.with(source.key()))
                    .rule(BalanceRule::NonNegative),
                )?;
            }
        }
        Ok(())
    }
}
