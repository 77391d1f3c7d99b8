//! The accounts a plan uses: the council's, the payers', and each fund's, one per source.

use super::PaymentPlan;
use crate::budget::Source;
use crate::ledger::{AccountId, AccountKind, BalanceRule, Ledger, NewAccount};

impl PaymentPlan {
    /// The council's bank account, which pays council shares and receives recoveries.
    pub fn council_bank(&self) -> AccountId {
        format!("council:{}:bank", self.council).into()
    }

    /// What the person owes the council for invoiced (gross) contributions.
    pub fn council_receivable(&self) -> AccountId {
        format!(
            "council:{}:receivable:{}",
            self.council,
            self.budget.person()
        )
        .into()
    }

    /// The council's income from invoiced contributions.
    pub fn contribution_income(&self) -> AccountId {
        format!("council:{}:contribution-income", self.council).into()
    }

    /// Contributions the person has paid into net direct-payment funds (credit balance).
    pub fn contributions_paid(&self) -> AccountId {
        format!("budget:{}:contributions-paid", self.budget.id()).into()
    }

    /// The account a source's money comes from when the plan pays it in.
    pub fn payer_account(&self, source: &Source) -> AccountId {
        match source {
            Source::Council | Source::Person => self.council_bank(),
            Source::TopUp(payer) => format!("payer:{payer}").into(),
            Source::Other(funder) => format!("funder:{funder}").into(),
        }
    }

    /// The account holding `source`'s money in deployment `name`'s fund.
    pub fn fund_account(&self, name: &str, source: &Source) -> AccountId {
        format!("fund:{}:{}:{}", self.budget.id(), name, source.key()).into()
    }

    /// Opens every account the plan uses: council, payers, and each deployment's fund accounts
    /// (one per source, never below zero). Opening again changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account exists with other details.
    pub fn open_accounts(&self, ledger: &mut Ledger) -> Result<(), crate::Error> {
        let currency = self.budget.currency();
        let council = format!("council:{}", self.council);
        let person = format!("person:{}", self.budget.person());
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
                    .tag(format!("budget:{}", self.budget.id()))
                    .tag(format!("deployment:{}", d.name))
                    .tag(format!("source:{}", source.key()))
                    .rule(BalanceRule::NonNegative),
                )?;
            }
        }
        Ok(())
    }
}
