//! The provider's client-money view and the council's view of its ISFs.

use crate::chart;
use std::fmt;

use chrono::NaiveDate;

use super::statement::FundStatement;
use super::{Fund, ReportError, uk_money, write_csv};
use crate::isf::ServiceAgreement;
use crate::ledger::Ledger;
use crate::money::{Currency, Money};
use crate::period::Period;
use crate::plan::{DeploymentKind, PaymentPlan, ProviderId};

/// One fund's position on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct FundPosition {
    /// The fund (`{budget}:{deployment}`).
    pub fund: String,
    /// Its balance at the end of the day.
    pub balance: Money,
    /// Held now for support booked or in dispute.
    pub held: Money,
}

/// A provider's client money: every fund it holds, and their sum, which is what its
/// client-money bank account should hold.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct ProviderView {
    /// The holder, as the fund accounts name it (`provider:{p}`).
    pub holder: String,
    /// The day.
    pub as_at: NaiveDate,
    /// The currency.
    pub currency: Currency,
    /// Each fund.
    pub funds: Vec<FundPosition>,
    /// The sum of the funds' balances: the client money held.
    pub client_money: Money,
    /// The client-money bank account's balance, if given.
    pub bank_balance: Option<Money>,
}

impl ProviderView {
    /// Every fund `provider` holds in the ledger, as at the end of `as_at`.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError), [`MoneyError`](crate::MoneyError).
    pub fn build(
        ledger: &Ledger,
        provider: &ProviderId,
        currency: Currency,
        as_at: NaiveDate,
    ) -> Result<ProviderView, crate::error::Error> {
        let holder = chart::provider_owner(provider);
        let mut funds = Vec::new();
        let mut client_money = Money::zero(currency);
        for fund in Fund::held_by(ledger, &holder) {
            if fund.currency != currency {
                continue;
            }
            let balance = fund.balance_as_at(ledger, as_at)?;
            let (_, held, _) = fund.now(ledger)?;
            client_money = client_money.checked_add(balance)?;
            funds.push(FundPosition {
                fund: fund.name(),
                balance,
                held,
            });
        }
        Ok(ProviderView {
            holder,
            as_at,
            currency,
            funds,
            client_money,
            bank_balance: None,
        })
    }

    /// Records the client-money bank account's balance on the same day.
    pub fn with_bank_balance(mut self, balance: Money) -> ProviderView {
        self.bank_balance = Some(balance);
        self
    }

    /// Bank balance − client money: zero when they agree; positive when the bank holds more
    /// than the funds (money not yet allocated), negative when it holds less (a shortfall).
    ///
    /// # Errors
    ///
    /// [`MoneyError`](crate::MoneyError).
    pub fn difference(&self) -> Result<Option<Money>, crate::error::Error> {
        match self.bank_balance {
            Some(bank) => Ok(Some(bank.checked_sub(self.client_money)?)),
            None => Ok(None),
        }
    }

    /// Checks the view against the ledger: the client money is the sum of the funds, and each
    /// fund's balance is the ledger's.
    ///
    /// # Errors
    ///
    /// [`ReportError::DoesNotTie`].
    pub fn check(&self, ledger: &Ledger) -> Result<(), crate::error::Error> {
        let mut sum = Money::zero(self.currency);
        for position in &self.funds {
            sum = sum.checked_add(position.balance)?;
        }
        let mut from_ledger = Money::zero(self.currency);
        for fund in Fund::held_by(ledger, &self.holder) {
            if fund.currency == self.currency {
                from_ledger = from_ledger.checked_add(fund.balance_as_at(ledger, self.as_at)?)?;
            }
        }
        for (what, reported) in [
            ("the sum of the funds", sum),
            ("the client money", self.client_money),
        ] {
            if reported != from_ledger {
                return Err(ReportError::DoesNotTie {
                    report: format!("client money of {} on {}", self.holder, self.as_at),
                    what,
                    reported,
                    ledger: from_ledger,
                }
                .into());
            }
        }
        Ok(())
    }

    /// CSV: `fund,balance,held,currency`, then a `total` row and, if given, `bank` and
    /// `difference` rows.
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`], [`MoneyError`](crate::MoneyError).
    pub fn to_csv(&self) -> Result<String, crate::error::Error> {
        let c = self.currency.code().to_string();
        let mut rows = vec![
            ["fund", "balance", "held", "currency"]
                .map(str::to_string)
                .to_vec(),
        ];
        for p in &self.funds {
            rows.push(vec![
                p.fund.clone(),
                p.balance.amount_text(),
                p.held.amount_text(),
                c.clone(),
            ]);
        }
        rows.push(vec![
            "total".into(),
            self.client_money.amount_text(),
            String::new(),
            c.clone(),
        ]);
        if let (Some(bank), Some(diff)) = (self.bank_balance, self.difference()?) {
            rows.push(vec![
                "bank".into(),
                bank.amount_text(),
                String::new(),
                c.clone(),
            ]);
            rows.push(vec![
                "difference".into(),
                diff.amount_text(),
                String::new(),
                c,
            ]);
        }
        Ok(write_csv(&rows)?)
    }
}

impl fmt::Display for ProviderView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Client money held by {} at the end of {}",
            self.holder, self.as_at
        )?;
        for p in &self.funds {
            write!(f, "  {:<40} {:>16}", p.fund, uk_money(p.balance))?;
            if p.held.is_zero() {
                writeln!(f)?;
            } else {
                writeln!(f, "  (of which {} set aside)", uk_money(p.held))?;
            }
        }
        writeln!(
            f,
            "  {:<40} {:>16}",
            "total client money",
            uk_money(self.client_money)
        )?;
        if let Some(bank) = self.bank_balance {
            writeln!(
                f,
                "  {:<40} {:>16}",
                "client-money bank account",
                uk_money(bank)
            )?;
            match bank.checked_sub(self.client_money) {
                Ok(d) if d.is_zero() => {
                    writeln!(f, "  reconciled: the bank holds exactly the funds")?
                }
                Ok(d) => writeln!(
                    f,
                    "  {:<40} {:>16}",
                    "DIFFERENCE (bank − funds)",
                    uk_money(d)
                )?,
                Err(e) => writeln!(f, "  difference cannot be computed: {e}")?,
            }
        }
        Ok(())
    }
}

/// One ISF in the council's view.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CouncilLine {
    /// The fund (`{budget}:{deployment}`).
    pub fund: String,
    /// The provider holding it.
    pub provider: String,
    /// Paid in over the period (all sources).
    pub paid_in: Money,
    /// Spent over the period: drawdowns and fees, net of credits.
    pub spent: Money,
    /// Held now for support booked or in dispute.
    pub committed: Money,
    /// The value of the units banked at the period's end (at the prices they were banked at):
    /// support the fund still owes the person.
    #[cfg_attr(feature = "serde", serde(default = "zero_gbp"))]
    pub banked: Money,
    /// The balance at the period's end.
    pub balance: Money,
    /// Balance − committed − banked, never below zero: what is not needed for support already
    /// booked, in dispute or banked.
    pub surplus: Money,
}

#[cfg(feature = "serde")]
fn zero_gbp() -> Money {
    Money::zero(Currency::GBP)
}

/// A council's view of its individual service funds over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct CouncilView {
    /// The period.
    pub period: Period,
    /// The currency.
    pub currency: Currency,
    /// One line per ISF deployment of the plans given.
    pub lines: Vec<CouncilLine>,
}

impl CouncilView {
    /// The ISF deployments of `plans` in `currency`, over `period`. The `agreements` held on
    /// those funds, each with its plan, give the value of their banked units at the period's
    /// end, which the surplus is net of; a fund with no agreement given has none banked.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if a fund's accounts are not open, [`MoneyError`](crate::MoneyError).
    pub fn build(
        ledger: &Ledger,
        plans: &[&PaymentPlan],
        agreements: &[(&PaymentPlan, &ServiceAgreement)],
        currency: Currency,
        period: Period,
    ) -> Result<CouncilView, crate::error::Error> {
        let mut lines = Vec::new();
        for plan in plans {
            if plan.budget().currency() != currency {
                continue;
            }
            for d in plan.deployments() {
                let DeploymentKind::Isf { provider } = &d.kind else {
                    continue;
                };
                let fund = Fund::of(plan, &d.name)?;
                let statement = FundStatement::build(ledger, &fund, period)?;
                let (_, committed, _) = fund.now(ledger)?;
                let spent = statement.drawdowns_total()?.checked_add(statement.fees)?;
                let mut banked = Money::zero(currency);
                let held_here = agreements.iter().filter(|(p, a)| {
                    a.deployment() == d.name && p.budget().id() == plan.budget().id()
                });
                for (_, a) in held_here {
                    for service in a.services() {
                        let units = a.banked(ledger, service.code(), period.last_day())?;
                        banked = banked.checked_add(units.value)?;
                    }
                }
                let surplus = statement
                    .closing
                    .checked_sub(committed)?
                    .checked_sub(banked)?
                    .checked_max(Money::zero(currency))?;
                lines.push(CouncilLine {
                    fund: fund.name(),
                    provider: provider.to_string(),
                    paid_in: statement.receipts_total()?,
                    spent,
                    committed,
                    banked,
                    balance: statement.closing,
                    surplus,
                });
            }
        }
        Ok(CouncilView {
            period,
            currency,
            lines,
        })
    }

    /// The totals of every column, as a line with fund `total`.
    ///
    /// # Errors
    ///
    /// [`MoneyError`](crate::MoneyError).
    pub fn totals(&self) -> Result<CouncilLine, crate::money::MoneyError> {
        let zero = Money::zero(self.currency);
        let mut t = CouncilLine {
            fund: "total".into(),
            provider: String::new(),
            paid_in: zero,
            spent: zero,
            committed: zero,
            banked: zero,
            balance: zero,
            surplus: zero,
        };
        for l in &self.lines {
            t.paid_in = t.paid_in.checked_add(l.paid_in)?;
            t.spent = t.spent.checked_add(l.spent)?;
            t.committed = t.committed.checked_add(l.committed)?;
            t.banked = t.banked.checked_add(l.banked)?;
            t.balance = t.balance.checked_add(l.balance)?;
            t.surplus = t.surplus.checked_add(l.surplus)?;
        }
        Ok(t)
    }

    /// CSV: `fund,provider,paid_in,spent,committed,banked,balance,surplus,currency`, then a
    /// `total` row.
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`], [`MoneyError`](crate::MoneyError).
    pub fn to_csv(&self) -> Result<String, crate::error::Error> {
        let c = self.currency.code().to_string();
        let mut rows = vec![
            [
                "fund",
                "provider",
                "paid_in",
                "spent",
                "committed",
                "banked",
                "balance",
                "surplus",
                "currency",
            ]
            .map(str::to_string)
            .to_vec(),
        ];
        let totals = self.totals()?;
        for l in self.lines.iter().chain(std::iter::once(&totals)) {
            rows.push(vec![
                l.fund.clone(),
                l.provider.clone(),
                l.paid_in.amount_text(),
                l.spent.amount_text(),
                l.committed.amount_text(),
                l.banked.amount_text(),
                l.balance.amount_text(),
                l.surplus.amount_text(),
                c.clone(),
            ]);
        }
        Ok(write_csv(&rows)?)
    }
}

impl fmt::Display for CouncilView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Individual service funds, {}", self.period)?;
        writeln!(
            f,
            "  {:<28} {:<12} {:>13} {:>13} {:>13} {:>13} {:>13} {:>13}",
            "fund", "provider", "paid in", "spent", "committed", "banked", "balance", "surplus"
        )?;
        let totals = self.totals().ok();
        for l in self.lines.iter().chain(totals.as_ref()) {
            writeln!(
                f,
                "  {:<28} {:<12} {:>13} {:>13} {:>13} {:>13} {:>13} {:>13}",
                l.fund,
                l.provider,
                uk_money(l.paid_in),
                uk_money(l.spent),
                uk_money(l.committed),
                uk_money(l.banked),
                uk_money(l.balance),
                uk_money(l.surplus)
            )?;
        }
        Ok(())
    }
}
