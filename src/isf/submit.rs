//! Submitting a claim: the checks, then paying, disputing or declining each line.

use crate::chart;
use crate::chart::{BankMeta, ClaimLineMeta, EntryKind, WithMeta};
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::assess::{LineAction, LinePlan};
use super::ids::check_code;
use super::{
    Claim, ClaimId, ClaimOutcome, DisputedLine, DrawdownError, LineSplit, MAX_CLAIM_LINES,
    PaidLine, ServiceAgreement, monday_of, unit_currency,
};
use crate::ledger::{AccountId, EntryId, Ledger, NewEntry, NewHold};
use crate::money::{Money, Unit};
use crate::plan::PaymentPlan;

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
            .entry(chart::claim_line_entry(&self.id, claim, line))
            .into_iter()
            .collect();
        for s in plan.budget().all_sources() {
            out.extend(ledger.entry(chart::claim_line_source_entry(&self.id, claim, line, &s)));
            out.extend(ledger.entry(chart::accepted_part_entry(&self.id, claim, line, &s)));
        }
        out
    }

    fn was_submitted(&self, ledger: &Ledger, plan: &PaymentPlan, claim: &Claim) -> bool {
        (1..=claim.lines.len()).any(|n| {
            !self.line_entries(ledger, plan, &claim.id, n).is_empty()
                || ledger
                    .entry(chart::line_fee_entry(&self.id, &claim.id, n))
                    .is_some()
                || plan.budget().all_sources().iter().any(|s| {
                    ledger
                        .hold(chart::dispute_hold(&self.id, &claim.id, n, s))
                        .is_some()
                })
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
    ) -> Result<ClaimOutcome, crate::error::Error> {
        super::assess::index_claimed_lines(ledger);
        ledger.atomically(|ledger| self.submit_once(ledger, plan, claim))
    }

    fn submit_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
    ) -> Result<ClaimOutcome, crate::error::Error> {
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

    fn line_meta(&self, claim: &Claim, n: usize, p: &LinePlan) -> ClaimLineMeta {
        let line = &claim.lines[n - 1];
        ClaimLineMeta {
            kind: Some(line.kind()),
            service: Some(line.service.clone()),
            delivered_on: Some(line.date),
            units: Some(p.paid_units),
            price: Some(p.price),
            band: Some(p.band.label().to_string()),
            key: Some(line.key()),
            supplier: line.supplier.clone(),
            claimed_price: (p.price != line.price).then_some(line.price),
            booking: line.booking.clone(),
            ..ClaimLineMeta::new(self.id.clone(), claim.id.clone(), n)
        }
    }

    /// Does what the plan decided. Everything that could fail was checked first.
    fn carry_out(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        plans: &[LinePlan],
    ) -> Result<ClaimOutcome, crate::error::Error> {
        let mut outcome = ClaimOutcome {
            claim: claim.id.clone(),
            currency: self.currency,
            paid: Vec::new(),
            disputed: Vec::new(),
            flagged: Vec::new(),
            not_charged: Vec::new(),
            lines: Vec::new(),
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
                    let memo = chart::dispute_memo(&claim.id, n, &line.key());
                    if p.amount.is_positive() {
                        self.place_split_holds(ledger, plan, p.amount, claim.date, |s| {
                            NewHold::new(
                                chart::dispute_hold(&self.id, &claim.id, n, s),
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
                    if p.held.is_positive() {
                        self.hold_excess(ledger, plan, claim, n, p)?;
                        outcome.disputed.push(DisputedLine {
                            line: n,
                            amount: p.held,
                            issues: p.held_issues.clone(),
                        });
                    }
                }
                LineAction::NotCharged => outcome.not_charged.push(n),
            }
            outcome.lines.push(split_of(n, p)?);
        }
        Ok(outcome)
    }

    /// Holds in dispute the part of line `n` over its plan or booking. Its memo names the
    /// units of that part, which an acceptance records as delivered.
    fn hold_excess(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        n: usize,
        p: &LinePlan,
    ) -> Result<(), crate::error::Error> {
        let line = &claim.lines[n - 1];
        let key = chart::claim_line_key(
            line.date,
            &line.service,
            line.supplier.as_ref(),
            p.held_units,
            line.kind(),
        );
        let memo = chart::dispute_memo(&claim.id, n, &key);
        self.place_split_holds(ledger, plan, p.held, claim.date, |s| {
            NewHold::new(
                chart::dispute_hold(&self.id, &claim.id, n, s),
                "",
                p.to.clone(),
                p.held,
                claim.date,
            )
            .memo(memo.clone())
        })
    }

    /// Settles the bookings the claim's lines deliver with what was delivered, and releases
    /// the rest.
    fn settle_bookings(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &Claim,
        plans: &[LinePlan],
    ) -> Result<(), crate::error::Error> {
        for (i, (line, p)) in claim.lines.iter().zip(plans).enumerate() {
            let n = i + 1;
            let Some(booking) = line
                .booking
                .as_ref()
                .filter(|_| p.action != LineAction::Dispute)
            else {
                continue;
            };
            let holds =
                self.active_holds(ledger, plan, |s| chart::booking_hold(&self.id, booking, s));
            let amount = if p.action == LineAction::Pay {
                p.amount
            } else {
                Money::zero(self.currency)
            };
            let held: Vec<Money> = holds.iter().map(|h| h.2).collect();
            let parts = amount.allocate_in_proportion(&held)?;
            let meta = self.line_meta(claim, n, p).to_meta();
            for ((source, hold, _), part) in holds.iter().zip(parts) {
                if part.is_positive() {
                    // The receipt's sequence number is not needed here.
                    let _ = ledger.settle_hold_with(
                        hold,
                        chart::claim_line_source_entry(&self.id, &claim.id, n, source),
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
    ) -> Result<(), crate::error::Error> {
        let payable: Vec<(usize, &LinePlan)> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| (i + 1, p))
            .filter(|(n, p)| p.action == LineAction::Pay && claim.lines[n - 1].booking.is_none())
            .collect();
        let mut rows: Vec<(EntryId, AccountId, Money, BTreeMap<String, String>)> = Vec::new();
        for (n, p) in &payable {
            rows.push((
                chart::claim_line_entry(&self.id, &claim.id, *n),
                p.to.clone(),
                p.amount,
                self.line_meta(claim, *n, p).to_meta(),
            ));
        }
        for (i, p) in plans.iter().enumerate() {
            if p.fee.is_positive() {
                let n = i + 1;
                let meta = ClaimLineMeta {
                    kind: Some(EntryKind::Fee),
                    ..self.line_meta(claim, n, p)
                }
                .to_meta();
                rows.push((
                    chart::line_fee_entry(&self.id, &claim.id, n),
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
        NewEntry::new(chart::bank_use_entry(&self.id, &claim.id, n), claim.date)
            .memo(format!("banked units used by claim {} line {n}", claim.id))
            .with_meta(
                BankMeta {
                    agreement: self.id.clone(),
                    kind: EntryKind::BankUse,
                    week: monday_of(line.date),
                    expires_on: None,
                    price: None,
                    line: Some((claim.id.clone(), n)),
                    used_on: Some(line.date),
                }
                .to_meta(),
            )
            .transfer(
                self.banked_account(&line.service),
                self.banked_from_account(&line.service),
                Money::new(p.banked_used, units),
            )
    }
}

/// A line's split of its cost, from what the plan decided.
fn split_of(n: usize, p: &LinePlan) -> Result<LineSplit, crate::error::Error> {
    let zero = Money::zero(p.claimed.currency());
    let (paid, disputed) = match p.action {
        LineAction::Pay => (p.amount, p.held),
        LineAction::Dispute => (zero, p.amount),
        LineAction::NotCharged => (zero, zero),
    };
    Ok(LineSplit {
        line: n,
        claimed: p.claimed,
        paid,
        disputed,
        not_charged: p.claimed.checked_sub(paid)?.checked_sub(disputed)?,
    })
}
