//! The service agreement: its terms, builder and accessors, its accounts, and the checks on it.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;

use super::ids::check_code;
use super::{
    AgreementId, Banking, CancellationRule, ClaimPolicy, DrawdownError, ManagementFee, Service,
    SupplierId, TimeBand, unit_currency,
};
use crate::deploy::{DeployError, DeploymentKind, PaymentPlan, ProviderId};
use crate::ledger::{AccountId, AccountKind, BalanceRule, Ledger, NewAccount};
use crate::money::{Currency, Money, Rounding};
use crate::period::Period;

/// A service agreement: who provides what to whom, at what price, from which fund.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ServiceAgreement {
    pub(super) id: AgreementId,
    pub(super) provider: ProviderId,
    pub(super) deployment: String,
    pub(super) currency: Currency,
    pub(super) validity: Period,
    pub(super) services: Vec<Service>,
    pub(super) fee: Option<ManagementFee>,
    pub(super) suppliers: BTreeSet<SupplierId>,
    pub(super) banking: Option<Banking>,
    pub(super) cancellation: CancellationRule,
    pub(super) policy: ClaimPolicy,
    pub(super) bank_holidays: BTreeSet<NaiveDate>,
    pub(super) rounding: Rounding,
    pub(super) booking_grace_days: u32,
}

impl ServiceAgreement {
    /// An agreement for deployment `deployment` of `plan`, which must be an ISF, valid over
    /// `validity`, with no services yet, no fee, the default [`ClaimPolicy`] and
    /// [`CancellationRule`], half-up rounding and bookings that lapse 28 days after their date.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotAnIsf`], [`DrawdownError::InvalidCode`],
    /// [`DeployError::UnknownDeployment`] (as [`DrawdownError::Deploy`]).
    pub fn new(
        id: impl Into<AgreementId>,
        plan: &PaymentPlan,
        deployment: &str,
        validity: Period,
    ) -> Result<ServiceAgreement, DrawdownError> {
        let id = id.into();
        check_code("agreement", id.as_str())?;
        let found = plan
            .deployments()
            .iter()
            .find(|d| d.name == deployment)
            .ok_or_else(|| DeployError::UnknownDeployment {
                budget: plan.budget().id().to_string(),
                name: deployment.to_string(),
            })?;
        let DeploymentKind::Isf { provider } = &found.kind else {
            return Err(DrawdownError::NotAnIsf {
                deployment: deployment.to_string(),
                kind: found.kind.to_string(),
            });
        };
        Ok(ServiceAgreement {
            id,
            provider: provider.clone(),
            deployment: deployment.to_string(),
            currency: plan.budget().currency(),
            validity,
            services: Vec::new(),
            fee: None,
            suppliers: BTreeSet::new(),
            banking: None,
            cancellation: CancellationRule::default(),
            policy: ClaimPolicy::default(),
            bank_holidays: BTreeSet::new(),
            rounding: Rounding::default(),
            booking_grace_days: 28,
        })
    }

    /// Adds a service.
    #[must_use]
    pub fn service(mut self, service: Service) -> ServiceAgreement {
        self.services.push(service);
        self
    }
    /// Sets the management fee.
    #[must_use]
    pub fn fee(mut self, fee: ManagementFee) -> ServiceAgreement {
        self.fee = Some(fee);
        self
    }
    /// Lists a subcontracted supplier.
    #[must_use]
    pub fn supplier(mut self, supplier: impl Into<SupplierId>) -> ServiceAgreement {
        self.suppliers.insert(supplier.into());
        self
    }
    /// Switches banking of unused planned units on.
    #[must_use]
    pub fn banking(mut self, banking: Banking) -> ServiceAgreement {
        self.banking = Some(banking);
        self
    }
    /// Sets the cancellation rule.
    #[must_use]
    pub fn cancellation(mut self, rule: CancellationRule) -> ServiceAgreement {
        self.cancellation = rule;
        self
    }
    /// Sets the claim policy.
    #[must_use]
    pub fn policy(mut self, policy: ClaimPolicy) -> ServiceAgreement {
        self.policy = policy;
        self
    }
    /// Lists a bank holiday (priced in the bank holiday band).
    #[must_use]
    pub fn bank_holiday(mut self, date: NaiveDate) -> ServiceAgreement {
        self.bank_holidays.insert(date);
        self
    }
    /// Sets the rounding of line costs and fees.
    #[must_use]
    pub fn rounding(mut self, rounding: Rounding) -> ServiceAgreement {
        self.rounding = rounding;
        self
    }
    /// Sets how many days after its date an unclaimed booking lapses.
    #[must_use]
    pub fn booking_grace_days(mut self, days: u32) -> ServiceAgreement {
        self.booking_grace_days = days;
        self
    }

    /// The agreement's id.
    pub fn id(&self) -> &AgreementId {
        &self.id
    }
    /// The provider.
    pub fn provider(&self) -> &ProviderId {
        &self.provider
    }
    /// The deployment whose fund it draws on.
    pub fn deployment(&self) -> &str {
        &self.deployment
    }
    /// When it is valid.
    pub fn validity(&self) -> Period {
        self.validity
    }
    /// Its services.
    pub fn services(&self) -> &[Service] {
        &self.services
    }
    /// The claim policy.
    pub fn claim_policy(&self) -> &ClaimPolicy {
        &self.policy
    }

    /// The band of a day.
    pub fn band(&self, date: NaiveDate) -> TimeBand {
        if self.bank_holidays.contains(&date) {
            TimeBand::BankHoliday
        } else if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            TimeBand::Weekend
        } else {
            TimeBand::Weekday
        }
    }

    /// The agreed price per unit of a service on a day, if it has the service.
    pub fn price(&self, service: &str, date: NaiveDate) -> Option<Money> {
        self.find_service(service)
            .map(|s| s.rates_on(date).price(self.band(date)))
    }

    pub(super) fn find_service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }

    /// The account a service's drawdowns go to: the provider's own, or a supplier's.
    pub fn service_account(&self, service: &str, supplier: Option<&SupplierId>) -> AccountId {
        match supplier {
            None => format!("provider:{}:isf:{}:{service}", self.provider, self.id).into(),
            Some(s) => format!("provider:{}:isf:{}:{service}:{s}", self.provider, self.id).into(),
        }
    }

    /// The account disputed lines for a service or supplier the agreement does not list are
    /// held for, and paid to if accepted.
    pub fn unlisted_account(&self) -> AccountId {
        format!("provider:{}:isf:{}:unlisted", self.provider, self.id).into()
    }

    /// The account management fees go to.
    pub fn fee_account(&self) -> AccountId {
        format!("provider:{}:isf:{}:fee", self.provider, self.id).into()
    }

    /// The account holding a service's banked units.
    pub fn banked_account(&self, service: &str) -> AccountId {
        format!("isf:{}:banked:{service}", self.id).into()
    }

    pub(super) fn banked_from_account(&self, service: &str) -> AccountId {
        format!("isf:{}:banked-from:{service}", self.id).into()
    }

    /// Checks the agreement and opens its accounts (opening again changes nothing).
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidAgreement`], [`DrawdownError::InvalidCode`],
    /// [`DrawdownError::Ledger`].
    pub fn open_accounts(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
    ) -> Result<(), DrawdownError> {
        self.check(plan)?;
        let owner = format!("provider:{}", self.provider);
        let budget = format!("budget:{}", plan.budget().id());
        let suppliers: Vec<Option<&SupplierId>> = std::iter::once(None)
            .chain(self.suppliers.iter().map(Some))
            .collect();
        let mut accounts = Vec::new();
        for service in &self.services {
            for supplier in &suppliers {
                let mut account = NewAccount::new(
                    self.service_account(&service.code, *supplier),
                    AccountKind::Income,
                    self.currency,
                )
                .owner(owner.as_str())
                .tag("role:drawdown")
                .tag(format!("agreement:{}", self.id))
                .tag(budget.as_str())
                .tag(format!("service:{}", service.code))
                .tag(format!("description:{}", service.description));
                if let Some(s) = supplier {
                    account = account.tag(format!("supplier:{s}"));
                }
                accounts.push(account);
            }
            if self.banking.is_some() {
                let units = unit_currency(service.unit);
                accounts.push(
                    NewAccount::new(
                        self.banked_account(&service.code),
                        AccountKind::Asset,
                        units,
                    )
                    .owner(owner.as_str())
                    .tag("role:banked")
                    .tag(format!("agreement:{}", self.id))
                    .rule(BalanceRule::NonNegative),
                );
                accounts.push(
                    NewAccount::new(
                        self.banked_from_account(&service.code),
                        AccountKind::Equity,
                        units,
                    )
                    .owner(owner.as_str()),
                );
            }
        }
        accounts.push(
            NewAccount::new(self.unlisted_account(), AccountKind::Income, self.currency)
                .owner(owner.as_str())
                .tag("role:drawdown")
                .tag(format!("agreement:{}", self.id))
                .tag(budget.as_str())
                .tag("service:unlisted"),
        );
        accounts.push(
            NewAccount::new(self.fee_account(), AccountKind::Income, self.currency)
                .owner(owner.as_str())
                .tag("role:fee")
                .tag(format!("agreement:{}", self.id))
                .tag(budget.as_str()),
        );
        for account in accounts {
            ledger.open_account(account)?;
        }
        Ok(())
    }

    fn invalid(&self, reason: impl Into<String>) -> DrawdownError {
        DrawdownError::InvalidAgreement {
            agreement: self.id.clone(),
            reason: reason.into(),
        }
    }

    /// Checks the agreement against the plan it draws on.
    pub(super) fn check(&self, plan: &PaymentPlan) -> Result<(), DrawdownError> {
        if plan.budget().currency() != self.currency {
            return Err(self.invalid(format!(
                "the plan's currency is {}, the agreement's {}",
                plan.budget().currency(),
                self.currency
            )));
        }
        if self.services.is_empty() {
            return Err(self.invalid("it has no services"));
        }
        let mut codes = BTreeSet::new();
        for service in &self.services {
            check_code("service", &service.code)?;
            if !codes.insert(service.code.as_str()) {
                return Err(self.invalid(format!("service {} is listed twice", service.code)));
            }
            if let Some(p) = service.planned_per_week {
                if p.is_sign_negative() || p.scale() > 2 {
                    return Err(self.invalid(format!(
                        "service {}: planned units {p} must be zero or more, with at most two decimals",
                        service.code
                    )));
                }
            }
            if service.changes.windows(2).any(|w| w[0].0 >= w[1].0) {
                return Err(self.invalid(format!(
                    "service {}: rate changes must be in date order",
                    service.code
                )));
            }
            let all_rates =
                std::iter::once(&service.rates).chain(service.changes.iter().map(|c| &c.1));
            for rates in all_rates {
                for price in rates.prices() {
                    if price.currency() != self.currency || !price.is_positive() {
                        return Err(self.invalid(format!(
                            "service {}: price {price} must be positive, in {}",
                            service.code, self.currency
                        )));
                    }
                }
            }
        }
        for s in &self.suppliers {
            check_code("supplier", s.as_str())?;
        }
        if let Some(b) = self.banking {
            if b.max_units.is_sign_negative() || b.max_units.scale() > 2 {
                return Err(self.invalid(format!("banking limit {} is not valid", b.max_units)));
            }
        }
        let c = self.cancellation.charge_percent;
        if c.is_sign_negative() || c > Decimal::ONE_HUNDRED {
            return Err(self.invalid(format!("cancellation charge {c}% is not 0 to 100")));
        }
        match self.fee {
            Some(ManagementFee::Percent(p))
                if p.is_sign_negative() || p > Decimal::ONE_HUNDRED || p.scale() > 4 =>
            {
                Err(self.invalid(format!(
                    "fee {p}% is not 0 to 100 with at most four decimals"
                )))
            }
            Some(ManagementFee::FixedPerPeriod { amount, .. })
                if amount.currency() != self.currency || !amount.is_positive() =>
            {
                Err(self.invalid(format!(
                    "fixed fee {amount} must be positive, in {}",
                    self.currency
                )))
            }
            _ => Ok(()),
        }
    }

    pub(super) fn fund_name(&self, plan: &PaymentPlan) -> String {
        format!("{}:{}", plan.budget().id(), self.deployment)
    }

    pub(super) fn check_open(&self, ledger: &Ledger, date: NaiveDate) -> Result<(), DrawdownError> {
        match ledger.closed_through() {
            Some(closed) if date <= closed => Err(DrawdownError::PeriodClosed {
                date,
                closed_through: closed,
            }),
            _ => Ok(()),
        }
    }
}
