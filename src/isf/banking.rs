//! Banked units: unused planned units kept for later weeks, as lots that expire.

use crate::chart::{self, BankMeta, EntryKind, WithMeta};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::Decimal;

use super::{DrawdownError, ServiceAgreement, TimeBand, unit_currency};
use crate::ledger::{Ledger, NewEntry};
use crate::money::Money;
use crate::period::Period;

/// Units banked for one service, as lots that expire.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BankedLot {
    /// The week the units were banked for (its Monday).
    pub week: NaiveDate,
    /// Units still banked from it.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub units: Decimal,
    /// The price per unit they were banked at.
    pub price: Money,
    /// The first day they can no longer be used.
    pub expires_on: NaiveDate,
}

/// The banked units of one service as at a date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct BankedUnits {
    /// The service.
    pub service: String,
    /// Units banked and not expired.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::money::deserialize_canonical_decimal")
    )]
    pub units: Decimal,
    /// Their value at the prices they were banked at, rounded once.
    pub value: Money,
    /// The lots, oldest first.
    pub lots: Vec<BankedLot>,
}

impl ServiceAgreement {
    /// Banks the unused planned units of the week starting `week` (a Monday) for every planned
    /// service, up to the banking limit, dated the week's Sunday. Returns the units banked per
    /// service. Banking the same week again changes nothing.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::BankingOff`], [`DrawdownError::NotAMonday`],
    /// [`LedgerError`](crate::LedgerError).
    pub fn bank_unused(
        &self,
        ledger: &mut Ledger,
        week: NaiveDate,
    ) -> Result<Vec<(String, Decimal)>, crate::error::Error> {
        ledger.atomically(|ledger| self.bank_unused_once(ledger, week))
    }

    fn bank_unused_once(
        &self,
        ledger: &mut Ledger,
        week: NaiveDate,
    ) -> Result<Vec<(String, Decimal)>, crate::error::Error> {
        let Some(banking) = self.banking else {
            return Err(DrawdownError::BankingOff {
                agreement: self.id.clone(),
            }
            .into());
        };
        if week.weekday() != Weekday::Mon {
            return Err(DrawdownError::NotAMonday { date: week }.into());
        }
        let sunday = week
            .checked_add_days(Days::new(6))
            .ok_or(crate::period::out_of_range("a date".into()))?;
        let next = week
            .checked_add_days(Days::new(7))
            .ok_or(crate::period::out_of_range("a date".into()))?;
        let expires = next
            .checked_add_days(Days::new(7 * u64::from(banking.expires_after_weeks)))
            .ok_or(crate::period::out_of_range("a date".into()))?;
        let range = Period::new(week, next)?;
        let mut out = Vec::new();
        let mut batch = Vec::new();
        for service in &self.services {
            let Some(planned) = service.planned_per_week else {
                continue;
            };
            let id = chart::bank_entry(&self.id, &service.code, week);
            if let Some(e) = ledger.entry(&id) {
                let units = e
                    .postings()
                    .find(|(a, _)| **a == self.banked_account(&service.code))
                    .map_or(Decimal::ZERO, |(_, m)| m.amount());
                out.push((service.code.clone(), units));
                continue;
            }
            let Some(in_validity) = range.intersect(&self.validity) else {
                continue;
            };
            let planned = planned
                .checked_mul(Decimal::from(in_validity.days()))
                .and_then(|x| x.checked_div(Decimal::from(7)))
                .map(|x| x.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero))
                .ok_or_else(|| {
                    crate::money::overflow(format!("planned units of {}", service.code))
                })?;
            let delivered = self.units_in(ledger, &service.code, range)?.0;
            let banked_now = self.banked_as_at(ledger, &service.code, next)?;
            let room = (banking.max_units - banked_now).max(Decimal::ZERO);
            let units = (planned - delivered).max(Decimal::ZERO).min(room);
            if units > Decimal::ZERO {
                let price = service.rates_on(week).price(TimeBand::Weekday);
                batch.push(
                    NewEntry::new(id, sunday)
                        .memo(format!(
                            "banked unused {} for the week of {week}",
                            service.code
                        ))
                        .with_meta(
                            BankMeta {
                                agreement: self.id.clone(),
                                kind: EntryKind::Banking,
                                week,
                                expires_on: Some(expires),
                                price: Some(price),
                                line: None,
                                used_on: None,
                            }
                            .to_meta(),
                        )
                        .transfer(
                            self.banked_from_account(&service.code),
                            self.banked_account(&service.code),
                            Money::new(units, unit_currency(service.unit)),
                        ),
                );
            }
            out.push((service.code.clone(), units));
        }
        if !batch.is_empty() {
            ledger.post_batch(batch)?;
        }
        Ok(out)
    }

    /// Writes off banked units whose expiry is on or before `today`, dated `today`. Returns the
    /// units written off per service.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::BankingOff`], [`LedgerError`](crate::LedgerError).
    pub fn expire_banked(
        &self,
        ledger: &mut Ledger,
        today: NaiveDate,
    ) -> Result<Vec<(String, Decimal)>, crate::error::Error> {
        ledger.atomically(|ledger| self.expire_banked_once(ledger, today))
    }

    fn expire_banked_once(
        &self,
        ledger: &mut Ledger,
        today: NaiveDate,
    ) -> Result<Vec<(String, Decimal)>, crate::error::Error> {
        if self.banking.is_none() {
            return Err(DrawdownError::BankingOff {
                agreement: self.id.clone(),
            }
            .into());
        }
        let mut out = Vec::new();
        let mut batch = Vec::new();
        for service in &self.services {
            let lots = self.lots(ledger, &service.code)?;
            for lot in lots
                .iter()
                .filter(|l| l.expires_on <= today && l.units > Decimal::ZERO)
            {
                batch.push(
                    NewEntry::new(
                        chart::bank_expiry_entry(&self.id, &service.code, lot.week),
                        today,
                    )
                    .memo(format!(
                        "banked {} from the week of {} expired",
                        service.code, lot.week
                    ))
                    .with_meta(
                        BankMeta {
                            agreement: self.id.clone(),
                            kind: EntryKind::BankedExpiry,
                            week: lot.week,
                            expires_on: None,
                            price: None,
                            line: None,
                            used_on: None,
                        }
                        .to_meta(),
                    )
                    .transfer(
                        self.banked_account(&service.code),
                        self.banked_from_account(&service.code),
                        Money::new(lot.units, unit_currency(service.unit)),
                    ),
                );
                out.push((service.code.clone(), lot.units));
            }
        }
        if !batch.is_empty() {
            ledger.post_batch(batch)?;
        }
        Ok(out)
    }

    /// A service's banked units that can still be used on `date`, valued at the prices they were
    /// banked at.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if the accounts are not open, [`MoneyError`](crate::MoneyError).
    pub fn banked(
        &self,
        ledger: &Ledger,
        service: &str,
        date: NaiveDate,
    ) -> Result<BankedUnits, crate::error::Error> {
        let lots = self.banked_lots(ledger, service, date)?;
        let mut units = Decimal::ZERO;
        let mut value = Money::zero(self.currency);
        for lot in &lots {
            units = units
                .checked_add(lot.units)
                .ok_or_else(|| crate::money::overflow("banked units".into()))?;
            value = value.checked_add(lot.price.checked_mul(lot.units)?)?;
        }
        Ok(BankedUnits {
            service: service.to_string(),
            units,
            value: value.round(self.rounding),
            lots,
        })
    }

    /// Lots usable on `date`: not expired.
    fn banked_lots(
        &self,
        ledger: &Ledger,
        service: &str,
        date: NaiveDate,
    ) -> Result<Vec<BankedLot>, crate::error::Error> {
        if self.banking.is_none() {
            return Ok(Vec::new());
        }
        Ok(self
            .lots(ledger, service)?
            .into_iter()
            .filter(|l| l.expires_on > date && l.units > Decimal::ZERO)
            .collect())
    }

    /// Units banked as at a date, by the ledger's balance.
    fn banked_as_at(
        &self,
        ledger: &Ledger,
        service: &str,
        date: NaiveDate,
    ) -> Result<Decimal, crate::error::Error> {
        Ok(ledger
            .balance_as_at(self.banked_account(service), date)?
            .amount())
    }

    /// Every lot of a service with what is left of it: uses and write-offs are taken from the
    /// oldest lot first (write-offs from the lot they name).
    pub(super) fn lots(
        &self,
        ledger: &Ledger,
        service: &str,
    ) -> Result<Vec<BankedLot>, crate::error::Error> {
        if self.banking.is_none() || self.find_service(service).is_none() {
            return Ok(Vec::new());
        }
        let mut lots: Vec<BankedLot> = Vec::new();
        let mut taken: Vec<(NaiveDate, Decimal, Option<NaiveDate>)> = Vec::new();
        for line in ledger.history(self.banked_account(service))? {
            let meta = BankMeta::from_meta(line.entry.metadata());
            let units = line.amount.amount();
            let kind = meta.as_ref().map(|m| m.kind);
            if units > Decimal::ZERO && kind == Some(EntryKind::Banking) {
                let meta = meta.as_ref();
                let week = meta.map(|m| m.week);
                let expires = meta.and_then(|m| m.expires_on);
                let price = meta.and_then(|m| m.price);
                if let (Some(week), Some(expires_on), Some(price)) = (week, expires, price) {
                    lots.push(BankedLot {
                        week,
                        units,
                        price,
                        expires_on,
                    });
                }
            } else if units < Decimal::ZERO {
                let lot = meta
                    .as_ref()
                    .filter(|m| m.kind == EntryKind::BankedExpiry)
                    .map(|m| m.week);
                // A use counts on the day the support was delivered, as the claim saw it.
                let on = meta
                    .as_ref()
                    .and_then(|m| m.used_on)
                    .unwrap_or(line.entry.date());
                taken.push((on, -units, lot));
            } else {
                // A reversal of a use gives units back to the oldest lot still open then.
                taken.push((line.entry.date(), -units, None));
            }
        }
        lots.sort_by_key(|l| l.week);
        for (date, units, lot) in taken {
            match lot {
                Some(week) => {
                    if let Some(l) = lots.iter_mut().find(|l| l.week == week) {
                        l.units -= units.min(l.units);
                    }
                }
                None if units > Decimal::ZERO => {
                    let mut open: Vec<&mut BankedLot> =
                        lots.iter_mut().filter(|l| l.expires_on > date).collect();
                    let mut left = units;
                    for l in open.iter_mut() {
                        let take = l.units.min(left);
                        l.units -= take;
                        left -= take;
                    }
                }
                None => {
                    let back = -units;
                    if let Some(l) = lots.iter_mut().find(|l| l.expires_on > date) {
                        l.units += back;
                    }
                }
            }
        }
        Ok(lots)
    }
}

/// Takes up to `units` from usable lots, oldest first; returns what was taken.
pub(super) fn take_from_lots(lots: &mut [BankedLot], units: Decimal, date: NaiveDate) -> Decimal {
    let mut left = units;
    for lot in lots.iter_mut().filter(|l| l.expires_on > date) {
        let take = lot.units.min(left);
        lot.units -= take;
        left -= take;
    }
    units - left
}
