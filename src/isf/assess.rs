//! Checking a claim's lines against the agreement and the policy, and deciding what happens to
//! each; nothing here changes the ledger.

use crate::chart;
use crate::chart::{ClaimedLineRef, EntryKind};
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::banking::take_from_lots;
use super::claim::check_units;
use super::ids::check_code;
use super::{
    BankedLot, Claim, ClaimId, ClaimIssue, ClaimLine, DrawdownError, ManagementFee, OnIssue,
    OnRateDiffers, Service, ServiceAgreement, TimeBand, monday_of,
};
use crate::ledger::{AccountId, HoldStatus, Ledger, LedgerError};
use crate::money::Money;
use crate::plan::PaymentPlan;

/// One check to run before a claim changes anything.
pub(super) struct LinePlan {
    /// Issues of the whole line: flagged when it is paid, the reasons when it is disputed.
    pub(super) issues: Vec<ClaimIssue>,
    pub(super) action: LineAction,
    /// Paid when the line is paid; held when the whole line is disputed.
    pub(super) amount: Money,
    /// For a line paid: the part over the plan or booking, held in dispute.
    pub(super) held: Money,
    /// The units of that part.
    pub(super) held_units: Decimal,
    /// Why that part is held.
    pub(super) held_issues: Vec<ClaimIssue>,
    /// The units paid (for a line paid).
    pub(super) paid_units: Decimal,
    /// The line's cost at the price it is assessed at, before the cancellation rule.
    pub(super) claimed: Money,
    pub(super) fee: Money,
    pub(super) banked_used: Decimal,
    /// The line's price after the policy (the agreed price when paying the agreed rate).
    pub(super) price: Money,
    pub(super) band: TimeBand,
    pub(super) to: AccountId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineAction {
    Pay,
    Dispute,
    NotCharged,
}

/// What is claimed already, from the ledger and the claim's earlier lines, as a claim's lines
/// are checked in order.
struct Claimed {
    /// Each service's paid lines, read once for the duplicate and weekly-plan checks.
    lines: BTreeMap<String, Vec<ClaimedLine>>,
    /// Every line claimed and not credited, by key: where it was claimed.
    keys: BTreeMap<String, String>,
    /// Units delivered per service and week.
    weekly: WeekTotals,
    /// Per service, every banked lot and the units the ledger holds, less what the claim's
    /// earlier lines used.
    bank_left: BTreeMap<String, (Vec<BankedLot>, Decimal)>,
}

/// What banked units cover of a line's units over its week's plan.
struct Cover {
    /// The banked units used.
    banked: Decimal,
    /// The units still over the plan.
    excess: Decimal,
    /// The issue, if any units are still over the plan.
    over_plan: Option<ClaimIssue>,
}

/// How a line paid is split while it is planned.
struct Split {
    paid: Money,
    paid_units: Decimal,
    banked_used: Decimal,
    /// Why the rest is held.
    issues: Vec<ClaimIssue>,
}

impl ServiceAgreement {
    /// Checks every line and decides what happens to it; changes nothing.
    pub(super) fn plan_lines(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
    ) -> Result<Vec<LinePlan>, crate::error::Error> {
        // Each service's paid lines, read once for the duplicate and weekly-plan checks.
        let mut lines = BTreeMap::new();
        for service in &self.services {
            lines.insert(
                service.code.clone(),
                self.claimed_lines_near(ledger, &service.code, claim)?,
            );
        }
        let keys = self.claimed_keys(&lines, ledger, plan)?;
        let mut claimed = Claimed {
            lines,
            keys,
            weekly: WeekTotals::default(),
            bank_left: BTreeMap::new(),
        };
        let mut plans = Vec::with_capacity(claim.lines.len());
        for n in 1..=claim.lines.len() {
            plans.push(self.plan_line(ledger, plan, claim, n, &mut claimed)?);
        }
        Ok(plans)
    }

    /// Checks line `n` (from 1) of a claim and decides what happens to it: the whole line is
    /// paid or disputed by its issues with the agreement, and a line paid is split where it
    /// goes over the week's plan (after banked units) or over its booking: the planned, banked
    /// and booked part is paid and only the excess is disputed (or the claim refused, by the
    /// policy).
    fn plan_line(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        n: usize,
        claimed: &mut Claimed,
    ) -> Result<LinePlan, crate::error::Error> {
        let line = &claim.lines[n - 1];
        self.check_line_values(&claim.id, n, line)?;
        let band = self.band(line.date);
        let service = self.find_service(&line.service);
        let (mut issues, price, pay_agreed) = self.agreement_issues(service, line, band);
        let key = line.key();
        if let Some(of) = claimed.keys.get(&key) {
            issues.push(ClaimIssue::Duplicate { of: of.clone() });
        } else {
            claimed
                .keys
                .insert(key, chart::claim_line_ref(&claim.id, n));
        }
        let cost = price.checked_mul(line.units)?.round(self.rounding);
        let (amount, mut action) = self.charge(line, cost)?;
        let reserved = self.check_booking(ledger, plan, claim, n)?;
        if self.decide(&claim.id, n, &issues, pay_agreed)? == LineAction::Dispute {
            action = LineAction::Dispute;
        }
        let mut split = Split {
            paid: amount,
            paid_units: line.units,
            banked_used: Decimal::ZERO,
            issues: Vec::new(),
        };
        if action == LineAction::Pay {
            let (inside, days) = self.days_inside(line);
            if inside < days {
                // Only part of the span is inside the agreement: its days' units are split off.
                let outside = line
                    .units
                    .checked_mul(Decimal::from(days - inside))
                    .and_then(|u| u.checked_div(Decimal::from(days)))
                    .ok_or_else(|| crate::money::overflow("units outside".into()))?
                    .round_dp(2);
                let issue = ClaimIssue::OutsideAgreement {
                    date: line.until.unwrap_or(line.date),
                    validity: self.validity,
                };
                self.refuse_if(self.policy.outside_agreement, &claim.id, n, &issue)?;
                split.paid_units = line.units - outside;
                split.paid = price.checked_mul(split.paid_units)?.round(self.rounding);
                if line.cancelled_with_notice_hours.is_some() {
                    split.paid = split.paid.checked_min(amount)?;
                }
                split.issues.push(issue);
            }
            if let Some(service) = service.filter(|_| line.cancelled_with_notice_hours.is_none()) {
                self.split_over_plan(ledger, claim, n, service, price, claimed, &mut split)?;
            }
            if let (Some(booking), Some(reserved)) = (&line.booking, reserved) {
                if split.paid > reserved {
                    let issue = ClaimIssue::ExceedsBooking {
                        booking: booking.clone(),
                        reserved,
                        cost: split.paid,
                    };
                    self.refuse_if(self.policy.exceeds_booking, &claim.id, n, &issue)?;
                    split.paid = reserved;
                    split.issues.push(issue);
                }
            }
            if !split.paid.is_positive() {
                // Nothing is owed now: the whole line waits in dispute.
                action = LineAction::Dispute;
                issues.append(&mut split.issues);
                if let Some(service) =
                    service.filter(|_| line.cancelled_with_notice_hours.is_none())
                {
                    claimed.weekly.remove(&service.code, line, split.paid_units);
                }
                split.paid_units = Decimal::ZERO;
                split.banked_used = Decimal::ZERO;
            }
        }
        let (paid, held) = match action {
            LineAction::Pay => (split.paid, amount.checked_sub(split.paid)?),
            LineAction::Dispute => (Money::zero(self.currency), amount),
            LineAction::NotCharged => (Money::zero(self.currency), Money::zero(self.currency)),
        };
        let fee = match (self.fee, action) {
            (Some(ManagementFee::Percent(p)), LineAction::Pay) => paid
                .checked_mul(p)?
                .checked_mul(Decimal::new(1, 2))?
                .round(self.rounding),
            _ => Money::zero(self.currency),
        };
        let to = match service {
            Some(_)
                if line
                    .supplier
                    .as_ref()
                    .is_none_or(|s| self.suppliers.contains(s)) =>
            {
                self.service_account(&line.service, line.supplier.as_ref())
            }
            _ => self.unlisted_account(),
        };
        Ok(LinePlan {
            issues,
            action,
            amount: if action == LineAction::Dispute {
                held
            } else {
                paid
            },
            held: if action == LineAction::Pay {
                held
            } else {
                Money::zero(self.currency)
            },
            held_units: line.units - split.paid_units,
            held_issues: split.issues,
            claimed: cost,
            paid_units: split.paid_units,
            fee,
            banked_used: split.banked_used,
            price,
            band,
            to,
        })
    }

    /// Splits a line paid where it goes over its week's plan: banked units cover what they
    /// can, and the units still over the plan are taken off the paid part and disputed (or the
    /// claim refused, by the policy).
    #[allow(clippy::too_many_arguments)]
    fn split_over_plan(
        &self,
        ledger: &Ledger,
        claim: &Claim,
        n: usize,
        service: &Service,
        price: Money,
        claimed: &mut Claimed,
        split: &mut Split,
    ) -> Result<(), crate::error::Error> {
        let line = &claim.lines[n - 1];
        let cover = self.cover_over_plan(ledger, line, split.paid_units, service, claimed)?;
        split.banked_used = cover.banked;
        let Some(issue) = cover.over_plan else {
            return Ok(());
        };
        self.refuse_if(self.policy.over_plan, &claim.id, n, &issue)?;
        claimed.weekly.remove(&service.code, line, cover.excess);
        split.paid_units -= cover.excess.min(split.paid_units);
        split.paid = price.checked_mul(split.paid_units)?.round(self.rounding);
        split.issues.push(issue);
        Ok(())
    }

    /// The days of a line's span inside the agreement, and all its days (1 for a line of one
    /// day).
    fn days_inside(&self, line: &ClaimLine) -> (i64, i64) {
        let last = line.until.unwrap_or(line.date).max(line.date);
        let days = (last - line.date).num_days() + 1;
        let inside = line
            .date
            .iter_days()
            .take(usize::try_from(days).unwrap_or(0))
            .filter(|d| self.validity.contains(*d))
            .count();
        (i64::try_from(inside).unwrap_or(0), days)
    }

    /// Refuses the claim if the policy for an issue says so.
    fn refuse_if(
        &self,
        on: OnIssue,
        claim: &ClaimId,
        line: usize,
        issue: &ClaimIssue,
    ) -> Result<(), DrawdownError> {
        match on {
            OnIssue::Refuse => Err(DrawdownError::ClaimRefused {
                claim: claim.clone(),
                line,
                issue: issue.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Checks a line's values are well formed: units, price and codes.
    fn check_line_values(
        &self,
        claim: &ClaimId,
        n: usize,
        line: &ClaimLine,
    ) -> Result<(), DrawdownError> {
        check_units(claim, n, line.units)?;
        if line.price.currency() != self.currency || !line.price.is_positive() {
            return Err(DrawdownError::InvalidLine {
                claim: claim.clone(),
                line: n,
                reason: format!(
                    "price {} must be positive, in {}",
                    line.price, self.currency
                ),
            });
        }
        if let Some(last) = line.until {
            let days = (last - line.date).num_days();
            if !(0..=31).contains(&days) {
                return Err(DrawdownError::InvalidLine {
                    claim: claim.clone(),
                    line: n,
                    reason: format!(
                        "until {last} must be 0 to 31 days after the line's date {}",
                        line.date
                    ),
                });
            }
        }
        check_code("service", &line.service)?;
        if let Some(s) = &line.supplier {
            check_code("supplier", s.as_str())?;
        }
        Ok(())
    }

    /// The line's issues with the agreement (service, supplier, date, rate), the price to pay
    /// it at, and whether that is the agreed rate in place of the claimed one.
    fn agreement_issues(
        &self,
        service: Option<&Service>,
        line: &ClaimLine,
        band: TimeBand,
    ) -> (Vec<ClaimIssue>, Money, bool) {
        let mut issues = Vec::new();
        let mut price = line.price;
        let mut pay_agreed = false;
        if service.is_none() {
            issues.push(ClaimIssue::UnknownService {
                service: line.service.clone(),
            });
        }
        if let Some(s) = &line.supplier {
            if !self.suppliers.contains(s) {
                issues.push(ClaimIssue::UnknownSupplier {
                    supplier: s.clone(),
                });
            }
        }
        if self.days_inside(line).0 == 0 {
            issues.push(ClaimIssue::OutsideAgreement {
                date: line.date,
                validity: self.validity,
            });
        }
        if let Some(service) = service {
            let agreed = service.rates_on(line.date).price(band);
            if agreed != line.price {
                issues.push(ClaimIssue::RateDiffers {
                    agreed,
                    claimed: line.price,
                    band,
                });
                if self.policy.rate_differs == OnRateDiffers::PayAgreedRate {
                    price = agreed;
                    pay_agreed = true;
                }
            }
        }
        (issues, price, pay_agreed)
    }

    /// What a line costing `cost` is charged, by the cancellation rule, and whether it is
    /// charged at all.
    fn charge(
        &self,
        line: &ClaimLine,
        cost: Money,
    ) -> Result<(Money, LineAction), crate::error::Error> {
        let mut amount = cost;
        let mut action = LineAction::Pay;
        if let Some(notice) = line.cancelled_with_notice_hours {
            if notice >= self.cancellation.notice_hours {
                amount = Money::zero(self.currency);
                action = LineAction::NotCharged;
            } else {
                amount = cost
                    .checked_mul(self.cancellation.charge_percent)?
                    .checked_mul(Decimal::new(1, 2))?
                    .round(self.rounding);
                if amount.is_zero() {
                    action = LineAction::NotCharged;
                }
            }
        }
        Ok((amount, action))
    }

    /// Checks the booking line `n` names, if any, and returns what it reserved.
    fn check_booking(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        n: usize,
    ) -> Result<Option<Money>, crate::error::Error> {
        let line = &claim.lines[n - 1];
        let Some(booking) = &line.booking else {
            return Ok(None);
        };
        let holds = self.active_holds(ledger, plan, |s| chart::booking_hold(&self.id, booking, s));
        if holds.is_empty() {
            return Err(DrawdownError::UnknownBooking {
                booking: booking.clone(),
            }
            .into());
        }
        let target = self.service_account(&line.service, line.supplier.as_ref());
        let booked_for = holds
            .first()
            .and_then(|h| ledger.hold(&h.1))
            .map(|h| h.details().to.clone());
        if booked_for.as_ref() != Some(&target) {
            return Err(DrawdownError::InvalidLine {
                claim: claim.id.clone(),
                line: n,
                reason: format!(
                    "booking {booking} is for another service or supplier ({})",
                    booked_for.map_or_else(String::new, |a| a.to_string())
                ),
            }
            .into());
        }
        Ok(Some(Money::sum(self.currency, holds.iter().map(|h| h.2))?))
    }

    /// Adds a line to its week and covers what it takes over the week's plan with banked
    /// units, as far as they go.
    fn cover_over_plan(
        &self,
        ledger: &Ledger,
        line: &ClaimLine,
        units: Decimal,
        service: &Service,
        claimed: &mut Claimed,
    ) -> Result<Cover, crate::error::Error> {
        let over = claimed.weekly.add(&claimed.lines, service, line, units)?;
        if over <= Decimal::ZERO {
            return Ok(Cover {
                banked: Decimal::ZERO,
                excess: Decimal::ZERO,
                over_plan: None,
            });
        }
        let lots = match claimed.bank_left.get_mut(&service.code) {
            Some(lots) => lots,
            None => {
                // Every lot: each line takes only from those open on its day.
                let lots = self.lots(ledger, &service.code)?;
                let units = match self.banking {
                    Some(_) => ledger.balance(self.banked_account(&service.code))?.amount(),
                    None => Decimal::ZERO,
                };
                claimed
                    .bank_left
                    .entry(service.code.clone())
                    .or_insert((lots, units))
            }
        };
        // Banked units cover what they can, never more than the ledger holds, so the use
        // entry cannot be refused after bookings settle.
        let (lots, units_left) = lots;
        let took = take_from_lots(lots, over.min(*units_left), line.date);
        *units_left -= took;
        if took == over {
            return Ok(Cover {
                banked: took,
                excess: Decimal::ZERO,
                over_plan: None,
            });
        }
        let week = monday_of(line.date);
        Ok(Cover {
            banked: took,
            excess: over - took,
            over_plan: Some(ClaimIssue::OverPlan {
                week,
                planned: service.planned_per_week.unwrap_or_default(),
                claimed: claimed.weekly.get(&service.code, week),
            }),
        })
    }

    /// What the policy does with a line's issues: refuse (an error), dispute, or pay.
    fn decide(
        &self,
        claim: &ClaimId,
        line: usize,
        issues: &[ClaimIssue],
        paying_agreed: bool,
    ) -> Result<LineAction, DrawdownError> {
        let mut action = LineAction::Pay;
        for issue in issues {
            let on = match issue {
                ClaimIssue::UnknownService { .. } => self.policy.unknown_service,
                ClaimIssue::UnknownSupplier { .. } => self.policy.unknown_supplier,
                ClaimIssue::OutsideAgreement { .. } => self.policy.outside_agreement,
                ClaimIssue::Duplicate { .. } => self.policy.duplicate,
                ClaimIssue::OverPlan { .. } => self.policy.over_plan,
                ClaimIssue::ExceedsBooking { .. } => self.policy.exceeds_booking,
                ClaimIssue::RateDiffers { .. } => match self.policy.rate_differs {
                    OnRateDiffers::Refuse => OnIssue::Refuse,
                    OnRateDiffers::Dispute => OnIssue::Dispute,
                    OnRateDiffers::PayAgreedRate if paying_agreed => continue,
                    OnRateDiffers::PayAgreedRate => OnIssue::Dispute,
                },
            };
            match on {
                OnIssue::Refuse => {
                    return Err(DrawdownError::ClaimRefused {
                        claim: claim.clone(),
                        line,
                        issue: issue.clone(),
                    });
                }
                OnIssue::Dispute => action = LineAction::Dispute,
            }
        }
        Ok(action)
    }

    /// Checks the fund can pay everything the claim would take, once its bookings are settled
    /// and their rest released.
    pub(super) fn check_can_pay(
        &self,
        ledger: &Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        plans: &[LinePlan],
    ) -> Result<(), crate::error::Error> {
        let mut needed = Money::zero(self.currency);
        let mut freed = Money::zero(self.currency);
        let mut bookings_used = BTreeSet::new();
        for (i, (line, p)) in claim.lines.iter().zip(plans).enumerate() {
            let booking = line
                .booking
                .as_ref()
                .filter(|_| p.action != LineAction::Dispute);
            if let Some(b) = booking {
                if !bookings_used.insert(b.clone()) {
                    return Err(DrawdownError::InvalidLine {
                        claim: claim.id.clone(),
                        line: i + 1,
                        reason: format!("booking {b} is named by an earlier line of the claim"),
                    }
                    .into());
                }
                let holds =
                    self.active_holds(ledger, plan, |s| chart::booking_hold(&self.id, b, s));
                for (_, id, held) in &holds {
                    if let Some(h) = ledger.hold(id) {
                        let d = h.details();
                        if claim.date < d.date || d.expires_on.is_some_and(|e| claim.date >= e) {
                            return Err(DrawdownError::UnknownBooking { booking: b.clone() }.into());
                        }
                    }
                    freed = freed.checked_add(*held)?;
                }
                if p.action == LineAction::Pay {
                    freed = freed.checked_sub(p.amount)?;
                }
            } else if matches!(p.action, LineAction::Pay | LineAction::Dispute) {
                needed = needed.checked_add(p.amount)?;
            }
            needed = needed.checked_add(p.fee)?.checked_add(p.held)?;
        }
        let available = plan
            .attribution(ledger, &self.deployment)?
            .available
            .checked_add(freed)?;
        if needed > available {
            return Err(DrawdownError::InsufficientFunds {
                fund: self.fund_name(plan),
                needed,
                available,
            }
            .into());
        }
        Ok(())
    }

    /// Every line already claimed and not credited, by key, for duplicate checks.
    fn claimed_keys(
        &self,
        claimed: &BTreeMap<String, Vec<ClaimedLine>>,
        ledger: &Ledger,
        plan: &PaymentPlan,
    ) -> Result<BTreeMap<String, String>, crate::error::Error> {
        let mut keys = BTreeMap::new();
        for l in claimed.values().flatten() {
            if let Some(k) = &l.key {
                keys.insert(k.clone(), l.line.clone());
            }
        }
        let fund_holds = plan
            .budget()
            .all_sources()
            .into_iter()
            .map(|source| ledger.holds_on(plan.fund_account(&self.deployment, &source)))
            .collect::<Result<Vec<_>, LedgerError>>()?;
        for hold in fund_holds.into_iter().flatten() {
            let d = hold.details();
            if hold.status() == HoldStatus::Active && chart::is_dispute_hold_of(&d.id, &self.id) {
                if let Some((line, key)) = chart::parse_dispute_memo(&d.memo) {
                    keys.insert(key.to_string(), line);
                }
            }
        }
        Ok(keys)
    }

    /// The lines of a service paid and not credited, each once (a line settled from several
    /// sources has an entry per source), in recorded order: the one place claims, banking and
    /// statements read delivered units from.
    pub(super) fn claimed_lines(
        &self,
        ledger: &Ledger,
        service: &str,
    ) -> Result<Vec<ClaimedLine>, crate::error::Error> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let suppliers = std::iter::once(None).chain(self.suppliers.iter().map(Some));
        for supplier in suppliers {
            let account = self.service_account(service, supplier);
            for line in ledger.history(&account)? {
                read_claimed(line.entry, &mut seen, &mut out);
            }
        }
        Ok(out)
    }

    /// What [`claimed_lines`](Self::claimed_lines) gives that a claim's checks can meet: the
    /// lines with the key of one of the claim's lines, or delivered in the week of one of its
    /// lines of `service`, in the same order. Read from the ledger's index of entries by key
    /// and by delivery day ([`index_claimed_lines`]), so it costs the same whatever the
    /// length of the fund's history; without that index it reads every line.
    fn claimed_lines_near(
        &self,
        ledger: &Ledger,
        service: &str,
        claim: &Claim,
    ) -> Result<Vec<ClaimedLine>, crate::error::Error> {
        // Delivery days are compared as text, which orders them as dates for four-digit
        // years: every date in the crate's range ([`crate::date_in_range`]) has one.
        let in_range = claim.lines.iter().all(|l| crate::date_in_range(l.date));
        if !in_range
            || !ledger.is_metadata_key_indexed(chart::meta::KEY)
            || !ledger.is_metadata_key_indexed(chart::meta::DELIVERED_ON)
        {
            return self.claimed_lines(ledger, service);
        }
        let mut near = BTreeMap::new();
        let mut weeks = BTreeSet::new();
        for line in &claim.lines {
            for e in ledger.entries_with_metadata(chart::meta::KEY, line.key()) {
                near.insert(e.seq(), e);
            }
            if line.service == service {
                weeks.insert(monday_of(line.date));
            }
        }
        for week in weeks {
            let last = week.checked_add_days(chrono::Days::new(6)).unwrap_or(week);
            let (from, to) = (week.to_string(), last.to_string());
            for e in ledger.entries_with_metadata_between(chart::meta::DELIVERED_ON, from, to) {
                near.insert(e.seq(), e);
            }
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let suppliers = std::iter::once(None).chain(self.suppliers.iter().map(Some));
        for supplier in suppliers {
            let account = self.service_account(service, supplier);
            // An entry posting twice to the account is read once: the second read of its
            // line would find it seen.
            for e in near
                .values()
                .filter(|e| e.postings().any(|(to, _)| *to == account))
            {
                read_claimed(*e, &mut seen, &mut out);
            }
        }
        Ok(out)
    }
}

/// Has the ledger index entries by what [`ServiceAgreement::claimed_lines_near`] looks them
/// up by (a line's key and its delivery day); indexing changes no answer, only its cost.
pub(super) fn index_claimed_lines(ledger: &mut Ledger) {
    ledger.index_metadata_key(chart::meta::KEY);
    ledger.index_metadata_key(chart::meta::DELIVERED_ON);
}

/// Adds entry `e` to `out` if it is a claim line's, paid and not credited, and not read
/// already.
fn read_claimed<'l>(
    e: crate::ledger::EntryView<'l>,
    seen: &mut BTreeSet<(&'l str, bool)>,
    out: &mut Vec<ClaimedLine>,
) {
    if e.reversed_by().is_some() || e.reverses().is_some() {
        return;
    }
    let Some(meta) = ClaimedLineRef::read(e.metadata()) else {
        return;
    };
    let (Some(on), Some(units)) = (meta.delivered_on, meta.units) else {
        return;
    };
    // A line split into a part paid and a part disputed then accepted counts both.
    if !seen.insert((meta.line, meta.accepted)) {
        return;
    }
    out.push(ClaimedLine {
        line: meta.line.to_string(),
        cancellation: meta.kind == Some(EntryKind::Cancellation),
        key: meta.key.map(str::to_string),
        delivered_on: on,
        units,
    });
}

/// A line of a service the ledger shows paid and not credited.
pub(super) struct ClaimedLine {
    /// `{claim}:{line}`.
    pub(super) line: String,
    /// The line's identity for duplicate checks.
    pub(super) key: Option<String>,
    pub(super) delivered_on: NaiveDate,
    pub(super) units: Decimal,
    pub(super) cancellation: bool,
}

/// Units delivered per service and week: the ledger's, plus the lines of the claim at hand.
#[derive(Default)]
struct WeekTotals {
    totals: BTreeMap<(String, NaiveDate), Decimal>,
}

impl WeekTotals {
    fn get(&self, service: &str, week: NaiveDate) -> Decimal {
        self.totals
            .get(&(service.to_string(), week))
            .copied()
            .unwrap_or_default()
    }

    /// Adds `units` of a line (those inside the agreement) and returns how many are over the
    /// week's plan.
    fn add(
        &mut self,
        claimed: &BTreeMap<String, Vec<ClaimedLine>>,
        service: &Service,
        line: &ClaimLine,
        units: Decimal,
    ) -> Result<Decimal, crate::error::Error> {
        let week = monday_of(line.date);
        let key = (service.code.clone(), week);
        if !self.totals.contains_key(&key) {
            let mut before = Decimal::ZERO;
            let in_week = claimed
                .get(&service.code)
                .into_iter()
                .flatten()
                .filter(|l| !l.cancellation && monday_of(l.delivered_on) == week);
            for l in in_week {
                before = before
                    .checked_add(l.units)
                    .ok_or_else(|| crate::money::overflow("weekly units".into()))?;
            }
            self.totals.insert(key.clone(), before);
        }
        let total = self.totals.entry(key).or_default();
        let before = *total;
        let after = before
            .checked_add(units)
            .ok_or_else(|| crate::money::overflow("weekly units".into()))?;
        *total = after;
        let Some(planned) = service.planned_per_week else {
            return Ok(Decimal::ZERO);
        };
        Ok(after - before.max(planned).min(after))
    }

    /// Takes `units` of a line back off its week (the part disputed).
    fn remove(&mut self, service: &str, line: &ClaimLine, units: Decimal) {
        if let Some(total) = self
            .totals
            .get_mut(&(service.to_string(), monday_of(line.date)))
        {
            *total -= units;
        }
    }
}
