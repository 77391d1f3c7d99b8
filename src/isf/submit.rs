//! Submitting a claim: the checks, then paying, disputing or declining each line.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::assess::{LineAction, LinePlan};
use super::ids::check_code;
use super::{
    Claim, ClaimId, ClaimOutcome, DisputedLine, DrawdownError, MAX_CLAIM_LINES, PaidLine,
    ServiceAgreement, monday_of, unit_currency,
};
use crate::deploy::PaymentPlan;
use crate::ledger::{AccountId, EntryId, Ledger, NewEntry, NewHold};
use crate::money::{Money, Unit};

impl ServiceAgreement {
    /// Entries a paid line posted: its single entry, or one per source when it settled holds.
    pub(super) fn line_entries<'l>(
        &self,
        ledger: &'l Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
    ) -> Vec<crate::ledger::EntryView<'l>> {
        let mut out: Vec<_> = ledger
            .entry(&self.line_entry(claim, line))
            .into_iter()
            .collect();
        for s in plan.budget().all_sources() {
            out.extend(ledger.entry(&self.line_source_entry(claim, line, &s)));
        }
        out
    }

    fn was_submitted(&self, ledger: &Ledger, plan: &PaymentPlan, claim: &Claim) -> bool {
        (1..=claim.lines.len()).any(|n| {
            !self.line_entries(ledger, plan, &claim.id, n).is_empty()
                || ledger.entry(&self.fee_entry(&claim.id, n)).is_some()
                || plan
                    .budget()
                    .all_sources()
                    .iter()
                    .any(|s| ledger.hold(&self.dispute_hold(&claim.id, n, s)).is_some())
        })
    }

    /// Submits a claim: checks every line against the agreement and the policy, then pays,
    /// disputes or declines each line. A refused claim changes nothing.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::ClaimRefused`], [`DrawdownError::InvalidLine`],
    /// [`DrawdownError::AlreadySubmitted`], [`DrawdownError::InsufficientFunds`],
    /// [`DrawdownError::UnknownBooking`], [`DrawdownError::PeriodClosed`],
    /// [`DrawdownError::InvalidCode`], [`LedgerError`](crate::LedgerError).
    pub fn submit(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
    ) -> Result<ClaimOutcome, crate::Error> {
        check_code("claim", claim.id.as_str())?;
        self.check(plan)?;
        if claim.lines.is_empty() || claim.lines.len() > MAX_CLAIM_LINES {
            return Err(DrawdownError::InvalidLine {
                claim: claim.id.clone(),
                line: 0,
                reason: format!(
                    "a claim has 1 to {MAX_CLAIM_LINES} lines, not {}",
                    claim.lines.len()
                ),
            }
            .into());
        }
        if self.was_submitted(ledger, plan, claim) {
            return Err(DrawdownError::AlreadySubmitted {
                claim: claim.id.clone(),
            }
            .into());
        }
        self.check_open(ledger, claim.date)?;
        let plans = self.plan_lines(ledger, plan, claim)?;
        self.check_can_pay(ledger, plan, claim, &plans)?;
        self.carry_out(ledger, plan, claim, &plans)
    }

    fn line_meta(&self, claim: &Claim, n: usize, p: &LinePlan) -> BTreeMap<String, String> {
        let line = &claim.lines[n - 1];
        let mut meta = BTreeMap::new();
        meta.insert("agreement".to_string(), self.id.to_string());
        meta.insert("claim".to_string(), claim.id.to_string());
        meta.insert("line".to_string(), format!("{}:{n}", claim.id));
        meta.insert("kind".to_string(), line.kind().to_string());
        meta.insert("service".to_string(), line.service.clone());
        meta.insert("delivered_on".to_string(), line.date.to_string());
        meta.insert("units".to_string(), line.units.normalize().to_string());
        meta.insert("price".to_string(), p.price.to_string());
        meta.insert("band".to_string(), p.band.to_string());
        meta.insert("key".to_string(), line.key());
        if let Some(s) = &line.supplier {
            meta.insert("supplier".to_string(), s.to_string());
        }
        if p.price != line.price {
            meta.insert("claimed_price".to_string(), line.price.to_string());
        }
        if let Some(b) = &line.booking {
            meta.insert("booking".to_string(), b.to_string());
        }
        meta
    }

    /// Does what the plan decided. Everything that could fail was checked first.
    fn carry_out(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        plans: &[LinePlan],
    ) -> Result<ClaimOutcome, crate::Error> {
        let mut outcome = ClaimOutcome {
            claim: claim.id.clone(),
            currency: self.currency,
            paid: Vec::new(),
            disputed: Vec::new(),
            flagged: Vec::new(),
            not_charged: Vec::new(),
        };
        // 1. Bookings: settle what was delivered, release the rest.
        self.settle_bookings(ledger, plan, claim, plans)?;
        // 2. Lines not booked, fees and banked units, in one batch.
        self.pay_unbooked(ledger, plan, claim, plans)?;
        // 3. Disputed lines: hold their cost.
        for (i, (line, p)) in claim.lines.iter().zip(plans).enumerate() {
            let n = i + 1;
            match p.action {
                LineAction::Dispute => {
                    let to = p.to.clone();
                    let memo = format!("disputed claim {} line {n}: {}", claim.id, line.key());
                    if p.amount.is_positive() {
                        self.place_split_holds(ledger, plan, p.amount, claim.date, |s| {
                            NewHold::new(
                                self.dispute_hold(&claim.id, n, s),
                                "",
                                to.clone(),
                                p.amount,
                                claim.date,
                            )
                            .memo(memo.clone())
                        })?;
                    }
                    outcome.disputed.push(DisputedLine {
                        line: n,
                        amount: p.amount,
                        issues: p.issues.clone(),
                    });
                }
                LineAction::Pay => {
                    outcome.paid.push(PaidLine {
                        line: n,
                        amount: p.amount,
                        fee: p.fee,
                        banked_units_used: p.banked_used,
                    });
                    for issue in &p.issues {
                        outcome.flagged.push((n, issue.clone()));
                    }
                }
                LineAction::NotCharged => outcome.not_charged.push(n),
            }
        }
        Ok(outcome)
    }

    /// Settles the bookings the claim's lines deliver with what was delivered, and releases
    /// the rest.
    fn settle_bookings(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        plans: &[LinePlan],
    ) -> Result<(), crate::Error> {
        for (i, (line, p)) in claim.lines.iter().zip(plans).enumerate() {
            let n = i + 1;
            let Some(booking) = line
                .booking
                .as_ref()
                .filter(|_| p.action != LineAction::Dispute)
            else {
                continue;
            };
            let holds = self.active_holds(ledger, plan, |s| self.booking_hold(booking, s));
            let amount = if p.action == LineAction::Pay {
                p.amount
            } else {
                Money::zero(self.currency)
            };
            let held: Vec<Money> = holds.iter().map(|h| h.2).collect();
            let parts = amount.allocate_in_proportion(&held)?;
            let meta = self.line_meta(claim, n, p);
            for ((source, hold, _), part) in holds.iter().zip(parts) {
                if part.is_positive() {
                    ledger.settle_hold_with(
                        hold,
                        self.line_source_entry(&claim.id, n, source),
                        part,
                        claim.date,
                        meta.clone(),
                    )?;
                } else {
                    ledger.release_hold(hold)?;
                }
            }
        }
        Ok(())
    }

    /// Pays the lines not booked, the fees and the banked units used, in one batch.
    fn pay_unbooked(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        plans: &[LinePlan],
    ) -> Result<(), crate::Error> {
        let payable: Vec<(usize, &LinePlan)> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| (i + 1, p))
            .filter(|(n, p)| p.action == LineAction::Pay && claim.lines[n - 1].booking.is_none())
            .collect();
        let mut rows: Vec<(EntryId, AccountId, Money, BTreeMap<String, String>)> = Vec::new();
        for (n, p) in &payable {
            rows.push((
                self.line_entry(&claim.id, *n),
                p.to.clone(),
                p.amount,
                self.line_meta(claim, *n, p),
            ));
        }
        for (i, p) in plans.iter().enumerate() {
            if p.fee.is_positive() {
                let n = i + 1;
                let mut meta = self.line_meta(claim, n, p);
                meta.insert("kind".to_string(), "fee".to_string());
                rows.push((
                    self.fee_entry(&claim.id, n),
                    self.fee_account(),
                    p.fee,
                    meta,
                ));
            }
        }
        let mut batch = self.spread(ledger, plan, claim.date, rows)?;
        for (i, p) in plans.iter().enumerate() {
            if p.banked_used > Decimal::ZERO {
                batch.push(self.bank_use(claim, i + 1, p));
            }
        }
        if !batch.is_empty() {
            ledger.post_batch(batch)?;
        }
        Ok(())
    }

    /// The entry taking the banked units line `n` (from 1) used off the bank.
    fn bank_use(&self, claim: &Claim, n: usize, p: &LinePlan) -> NewEntry {
        let line = &claim.lines[n - 1];
        let units = unit_currency(
            self.find_service(&line.service)
                .map_or(Unit::Hour, |s| s.unit),
        );
        NewEntry::new(self.bank_use_entry(&claim.id, n), claim.date)
            .memo(format!("banked units used by claim {} line {n}", claim.id))
            .meta("agreement", self.id.as_str())
            .meta("kind", "bank-use")
            .meta("line", format!("{}:{n}", claim.id))
            .meta("week", monday_of(line.date).to_string())
            .meta("used_on", line.date.to_string())
            .transfer(
                self.banked_account(&line.service),
                self.banked_from_account(&line.service),
                Money::new(p.banked_used, units),
            )
    }
}
