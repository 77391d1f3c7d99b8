//! The service agreement: its terms, builder and accessors, its accounts, and the checks on it.

use crate::chart::{self, Tag};
use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

use super::ids::{check_code, check_code_echo};
use super::{
    AgreementId, Banking, CancellationRule, ClaimPolicy, DrawdownError, ManagementFee, Service,
    SupplierId, TimeBand, unit_currency,
};
use crate::ledger::{AccountId, AccountKind, BalanceRule, Ledger, NewAccount};
use crate::money::{Currency, Money, Rounding};
use crate::period::Period;
use crate::plan::{DeploymentKind, PaymentPlan, ProviderId};

/// A service agreement: who provides what to whom, at what price, from which fund.
///
/// Build one with [`ServiceAgreement::new`], the builder methods and [`ServiceAgreement::build`],
/// which checks the agreement's own terms once. An agreement read from JSON passes the same
/// checks on the way in. Methods that draw on a plan then only check what depends on the plan
/// (the deployment exists, is this provider's ISF, and the currency matches); an agreement
/// that was never built is checked in full on every such call, as before.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "AgreementData"))]
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
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(super) checked: Checked,
}

/// Whether an agreement's own terms have been checked ([`ServiceAgreement::build`]). It is
/// bookkeeping, not part of the agreement: two agreements with the same terms are equal
/// whether or not either was built.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Checked(bool);

impl PartialEq for Checked {
    fn eq(&self, _: &Checked) -> bool {
        true
    }
}

impl Eq for Checked {}

/// An agreement as read from JSON, before it is checked: [`ServiceAgreement`] is built from it
/// through [`ServiceAgreement::build`]. Fields the builder defaults may be left out. Its
/// services and terms are read unchecked and checked by `build`, so an error names the
/// agreement as well as the value at fault.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementData {
    id: AgreementId,
    provider: ProviderId,
    deployment: String,
    currency: Currency,
    validity: Period,
    services: Vec<ServiceData>,
    #[serde(default)]
    fee: Option<ManagementFeeData>,
    #[serde(default)]
    suppliers: BTreeSet<SupplierId>,
    #[serde(default)]
    banking: Option<BankingData>,
    #[serde(default)]
    cancellation: Option<CancellationData>,
    #[serde(default)]
    policy: ClaimPolicy,
    #[serde(default)]
    bank_holidays: BTreeSet<NaiveDate>,
    #[serde(default)]
    rounding: Rounding,
    #[serde(default = "default_grace_days")]
    booking_grace_days: u32,
}

/// Bookings lapse 28 days after their date unless the agreement says otherwise.
const DEFAULT_GRACE_DAYS: u32 = 28;

#[cfg(feature = "serde")]
fn default_grace_days() -> u32 {
    DEFAULT_GRACE_DAYS
}

#[cfg(feature = "serde")]
use super::service::{BankingData, CancellationData, ManagementFeeData, ServiceData};

#[cfg(feature = "serde")]
impl TryFrom<AgreementData> for ServiceAgreement {
    type Error = DrawdownError;

    fn try_from(data: AgreementData) -> Result<ServiceAgreement, DrawdownError> {
        ServiceAgreement {
            id: data.id,
            provider: data.provider,
            deployment: data.deployment,
            currency: data.currency,
            validity: data.validity,
            services: data
                .services
                .into_iter()
                .map(ServiceData::unchecked)
                .collect(),
            fee: data.fee.map(ManagementFeeData::unchecked),
            suppliers: data.suppliers,
            banking: data.banking.map(BankingData::unchecked),
            cancellation: data
                .cancellation
                .map_or_else(CancellationRule::default, CancellationData::unchecked),
            policy: data.policy,
            bank_holidays: data.bank_holidays,
            rounding: data.rounding,
            booking_grace_days: data.booking_grace_days,
            checked: Checked(false),
        }
        .build()
    }
}

impl ServiceAgreement {
    /// An agreement for deployment `deployment` of `plan`, which must be an ISF, valid over
    /// `validity`, with no services yet, no fee, the default [`ClaimPolicy`] and
    /// [`CancellationRule`], half-up rounding and bookings that lapse 28 days after their date.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotAnIsf`], [`DrawdownError::InvalidCode`],
    /// [`DeployError::UnknownDeployment`](crate::DeployError::UnknownDeployment).
    pub fn new(
        id: impl Into<AgreementId>,
        plan: &PaymentPlan,
        deployment: &str,
        validity: Period,
    ) -> Result<ServiceAgreement, crate::error::Error> {
        let id = id.into();
        check_code("agreement", id.as_str())?;
        let found = plan.deployment(deployment)?;
        let DeploymentKind::Isf { provider } = &found.kind else {
            return Err(DrawdownError::NotAnIsf {
                deployment: deployment.to_string(),
                kind: found.kind.to_string(),
            }
            .into());
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
            booking_grace_days: DEFAULT_GRACE_DAYS,
            checked: Checked(false),
        })
    }

    /// Checks the agreement's own terms, once, and returns it known valid: methods that draw on
    /// a plan then check only what depends on the plan.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidAgreement`] naming what is wrong (no services, a service listed
    /// twice, a price not positive or in another currency, rate changes out of date order,
    /// planned units or a banking limit below zero or with more than two decimals, a
    /// cancellation charge or fee percentage outside 0 to 100, a fixed fee not positive);
    /// [`DrawdownError::InvalidCode`] for a bad agreement, service or supplier code.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use isf_ledger::*;
    /// use isf_ledger::isf::{BandRates, Service, ServiceAgreement};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let year = Period::from_inclusive(d(2025, 4, 7), d(2026, 4, 5))?;
    /// let budget = PersonalBudget::new("PB1", "P1", year, BudgetTerms::new(Basis::Week, "200.00 GBP".parse()?))?;
    /// let isf = DeploymentKind::Isf { provider: "care-co".into() };
    /// let plan = PaymentPlan::new("cambs", budget, vec![Deployment::whole("isf", isf)],
    ///     PaymentSchedule::new(Frequency::Weekly, d(2025, 4, 7)))?;
    /// // No services yet: refused.
    /// assert!(ServiceAgreement::new("AG", &plan, "isf", year)?.build().is_err());
    /// let care = Service::new("PC", "personal care", Unit::Hour, BandRates::flat("20.00 GBP".parse()?));
    /// let agreement = ServiceAgreement::new("AG", &plan, "isf", year)?.service(care).build()?;
    /// assert_eq!(agreement.services().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(mut self) -> Result<ServiceAgreement, DrawdownError> {
        self.check_terms()?;
        self.checked = Checked(true);
        Ok(self)
    }

    /// Adds a service.
    #[must_use]
    pub fn service(mut self, service: Service) -> ServiceAgreement {
        self.checked = Checked(false);
        self.services.push(service);
        self
    }
    /// Sets the management fee.
    #[must_use]
    pub fn fee(mut self, fee: ManagementFee) -> ServiceAgreement {
        self.checked = Checked(false);
        self.fee = Some(fee);
        self
    }
    /// Lists a subcontracted supplier.
    #[must_use]
    pub fn supplier(mut self, supplier: impl Into<SupplierId>) -> ServiceAgreement {
        self.checked = Checked(false);
        self.suppliers.insert(supplier.into());
        self
    }
    /// Switches banking of unused planned units on.
    #[must_use]
    pub fn banking(mut self, banking: Banking) -> ServiceAgreement {
        self.checked = Checked(false);
        self.banking = Some(banking);
        self
    }
    /// Sets the cancellation rule.
    #[must_use]
    pub fn cancellation(mut self, rule: CancellationRule) -> ServiceAgreement {
        self.checked = Checked(false);
        self.cancellation = rule;
        self
    }
    /// Sets the claim policy.
    #[must_use]
    pub fn policy(mut self, policy: ClaimPolicy) -> ServiceAgreement {
        self.checked = Checked(false);
        self.policy = policy;
        self
    }
    /// Lists a bank holiday (priced in the bank holiday band).
    #[must_use]
    pub fn bank_holiday(mut self, date: NaiveDate) -> ServiceAgreement {
        self.checked = Checked(false);
        self.bank_holidays.insert(date);
        self
    }
    /// Sets the rounding of line costs and fees.
    #[must_use]
    pub fn rounding(mut self, rounding: Rounding) -> ServiceAgreement {
        self.checked = Checked(false);
        self.rounding = rounding;
        self
    }
    /// Sets how many days after its date an unclaimed booking lapses.
    #[must_use]
    pub fn booking_grace_days(mut self, days: u32) -> ServiceAgreement {
        self.checked = Checked(false);
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
        chart::service_account(&self.provider, &self.id, service, supplier)
    }

    /// The account disputed lines for a service or supplier the agreement does not list are
    /// held for, and paid to if accepted.
    pub fn unlisted_account(&self) -> AccountId {
        chart::unlisted_account(&self.provider, &self.id)
    }

    /// The account management fees go to.
    pub fn fee_account(&self) -> AccountId {
        chart::isf_fee_account(&self.provider, &self.id)
    }

    /// The account holding a service's banked units.
    pub fn banked_account(&self, service: &str) -> AccountId {
        chart::banked_account(&self.id, service)
    }

    pub(super) fn banked_from_account(&self, service: &str) -> AccountId {
        chart::banked_from_account(&self.id, service)
    }

    /// Checks the agreement and opens its accounts (opening again changes nothing).
    ///
    /// # Errors
    ///
    /// [`DrawdownError::InvalidAgreement`], [`DrawdownError::InvalidCode`],
    /// [`LedgerError`](crate::LedgerError).
    pub fn open_accounts(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
    ) -> Result<(), crate::error::Error> {
        ledger.atomically(|ledger| self.open_accounts_once(ledger, plan))
    }

    fn open_accounts_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
    ) -> Result<(), crate::error::Error> {
        self.check(plan)?;
        let owner = chart::provider_owner(&self.provider);
        let budget = Tag::Budget.with(plan.budget().id());
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
                .tag(chart::ROLE_DRAWDOWN)
                .tag(Tag::Agreement.with(&self.id))
                .tag(budget.as_str())
                .tag(Tag::Service.with(&service.code))
                .tag(Tag::Description.with(&service.description));
                if let Some(s) = supplier {
                    account = account.tag(Tag::Supplier.with(s));
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
                    .tag(chart::ROLE_BANKED)
                    .tag(Tag::Agreement.with(&self.id))
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
                .tag(chart::ROLE_DRAWDOWN)
                .tag(Tag::Agreement.with(&self.id))
                .tag(budget.as_str())
                .tag(chart::SERVICE_UNLISTED),
        );
        accounts.push(
            NewAccount::new(self.fee_account(), AccountKind::Income, self.currency)
                .owner(owner.as_str())
                .tag(chart::ROLE_FEE)
                .tag(Tag::Agreement.with(&self.id))
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

    /// Checks what depends on the plan the agreement draws on: the deployment exists, is an
    /// ISF held by the agreement's provider, and the currencies match. The agreement's own
    /// terms are checked here too if it was never [built](ServiceAgreement::build).
    pub(super) fn check(&self, plan: &PaymentPlan) -> Result<(), crate::error::Error> {
        if plan.budget().currency() != self.currency {
            return Err(self
                .invalid(format!(
                    "the plan's currency is {}, the agreement's {}",
                    plan.budget().currency(),
                    self.currency
                ))
                .into());
        }
        let found = plan.deployment(&self.deployment)?;
        match &found.kind {
            DeploymentKind::Isf { provider } if *provider == self.provider => {}
            DeploymentKind::Isf { provider } => {
                return Err(self
                    .invalid(format!(
                        "deployment {} is held by {provider}, not {}",
                        found.name, self.provider
                    ))
                    .into());
            }
            kind => {
                return Err(DrawdownError::NotAnIsf {
                    deployment: found.name.clone(),
                    kind: kind.to_string(),
                }
                .into());
            }
        }
        if self.checked.0 {
            Ok(())
        } else {
            Ok(self.check_terms()?)
        }
    }

    /// Checks the agreement's own terms, which do not depend on any plan.
    fn check_terms(&self) -> Result<(), DrawdownError> {
        check_code_echo("agreement", self.id.as_str())?;
        if self.services.is_empty() {
            return Err(self.invalid("it has no services"));
        }
        let mut codes = BTreeSet::new();
        for service in &self.services {
            check_code_echo("service", &service.code)?;
            if !codes.insert(service.code.as_str()) {
                return Err(self.invalid(format!("service {} is listed twice", service.code)));
            }
            service
                .check_terms(self.currency)
                .map_err(|reason| self.invalid(reason))?;
        }
        for s in &self.suppliers {
            check_code_echo("supplier", s.as_str())?;
        }
        if let Some(b) = self.banking {
            b.check().map_err(|reason| self.invalid(reason))?;
        }
        self.cancellation
            .check()
            .map_err(|reason| self.invalid(reason))?;
        if let Some(fee) = self.fee {
            fee.check(self.currency)
                .map_err(|reason| self.invalid(reason))?;
        }
        Ok(())
    }

    pub(super) fn fund_name(&self, plan: &PaymentPlan) -> String {
        chart::fund_name(plan.budget().id(), &self.deployment)
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
