//! Disputed lines accepted or dropped, and credit notes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::ids::check_code;
use super::{ClaimId, CreditNoteId, DrawdownError, ManagementFee, ServiceAgreement};
use crate::deploy::PaymentPlan;
use crate::ledger::{EntryId, Ledger};
use crate::money::Money;

/// A credit note: the lines of earlier claims it credits in full.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CreditNote {
    /// The credit note's id.
    pub id: CreditNoteId,
    /// The day it is processed.
    pub date: NaiveDate,
    /// The lines it credits: claim and line number (from 1).
    pub lines: Vec<(ClaimId, usize)>,
    /// Why.
    pub reason: String,
}

impl ServiceAgreement {
    /// Pays a disputed line in full (at the price it was held at) with its fee, on `date`.
    /// Returns what was paid, before the fee.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotDisputed`], [`DrawdownError::InsufficientFunds`] (for the fee),
    /// [`DrawdownError::PeriodClosed`], [`DrawdownError::Ledger`].
    pub fn accept_disputed(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
        date: NaiveDate,
    ) -> Result<Money, DrawdownError> {
        let holds = self.active_holds(ledger, plan, |s| self.dispute_hold(claim, line, s));
        let Some(first) = holds.first().and_then(|h| ledger.hold(&h.1)) else {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            });
        };
        let details = first.details().clone();
        self.check_open(ledger, date)?;
        if date < details.date || details.expires_on.is_some_and(|e| date >= e) {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            });
        }
        let amount = Money::sum(self.currency, holds.iter().map(|h| h.2))?;
        let mut meta = BTreeMap::new();
        meta.insert("agreement".to_string(), self.id.to_string());
        meta.insert("claim".to_string(), claim.to_string());
        meta.insert("line".to_string(), format!("{claim}:{line}"));
        meta.insert("accepted_on".to_string(), date.to_string());
        if let Some(key) = details.memo.split_once(": ").map(|(_, k)| k) {
            let parts: Vec<&str> = key.split('|').collect();
            if let [delivered_on, service, supplier, units, kind] = parts[..] {
                meta.insert("delivered_on".to_string(), delivered_on.to_string());
                meta.insert("service".to_string(), service.to_string());
                if supplier != "-" {
                    meta.insert("supplier".to_string(), supplier.to_string());
                }
                meta.insert("units".to_string(), units.to_string());
                meta.insert("kind".to_string(), kind.to_string());
            }
            meta.insert("key".to_string(), key.to_string());
        }
        let fee = match self.fee {
            Some(ManagementFee::Percent(p)) => amount
                .checked_mul(p)?
                .checked_mul(Decimal::new(1, 2))?
                .round(self.rounding),
            _ => Money::zero(self.currency),
        };
        if fee.is_positive() {
            let mut fee_meta = meta.clone();
            fee_meta.insert("kind".to_string(), "fee".to_string());
            let batch = self.spread(
                ledger,
                plan,
                date,
                vec![(
                    self.fee_entry(claim, line),
                    self.fee_account(),
                    fee,
                    fee_meta,
                )],
            )?;
            ledger.post_batch(batch)?;
        }
        for (source, hold, held) in holds {
            ledger.settle_hold_with(
                &hold,
                self.line_source_entry(claim, line, &source),
                held,
                date,
                meta.clone(),
            )?;
        }
        Ok(amount)
    }

    /// Drops a disputed line: its holds are released and nothing is paid.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotDisputed`].
    pub fn credit_disputed(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
    ) -> Result<Money, DrawdownError> {
        let holds = self.active_holds(ledger, plan, |s| self.dispute_hold(claim, line, s));
        if holds.is_empty() {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            });
        }
        let amount = Money::sum(self.currency, holds.iter().map(|h| h.2))?;
        for (_, hold, _) in holds {
            ledger.release_hold(&hold)?;
        }
        Ok(amount)
    }

    /// Applies a credit note: reverses every entry of each named line and its fee, on the
    /// note's date, linked to what they reverse. Returns the total credited to the fund.
    /// Applying the same note again changes nothing and returns the same total.
    ///
    /// # Errors
    ///
    /// [`DrawdownError::NotCreditable`] if a line was never paid or another note credited it,
    /// [`DrawdownError::PeriodClosed`], [`DrawdownError::InvalidCode`], [`DrawdownError::Ledger`].
    pub fn credit_note(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        note: &CreditNote,
    ) -> Result<Money, DrawdownError> {
        check_code("credit note", note.id.as_str())?;
        self.check_open(ledger, note.date)?;
        let mut to_reverse: Vec<EntryId> = Vec::new();
        let mut total = Money::zero(self.currency);
        for (claim, line) in &note.lines {
            let mut entries = self.line_entries(ledger, plan, claim, *line);
            if entries.is_empty() {
                return Err(DrawdownError::NotCreditable {
                    note: note.id.clone(),
                    claim: claim.clone(),
                    line: *line,
                    reason: "was not paid",
                });
            }
            entries.extend(ledger.entry(&self.fee_entry(claim, *line)));
            for e in entries {
                let reversal = self.reversal_id(&note.id, e.id());
                match e.reversed_by() {
                    Some(r) if r.id() == reversal.as_str() => {}
                    Some(_) => {
                        return Err(DrawdownError::NotCreditable {
                            note: note.id.clone(),
                            claim: claim.clone(),
                            line: *line,
                            reason: "was already credited",
                        });
                    }
                    None => {}
                }
                let back = e
                    .postings()
                    .filter(|(a, _)| a.as_str().starts_with("fund:"))
                    .try_fold(Money::zero(self.currency), |t, (_, m)| t.checked_sub(m))?;
                total = total.checked_add(back)?;
                if to_reverse.iter().any(|id| id.as_str() == e.id()) {
                    continue;
                }
                if e.reversed_by().is_none() {
                    to_reverse.push(EntryId::from(e.id()));
                }
            }
        }
        for id in to_reverse {
            let reversal = self.reversal_id(&note.id, id.as_str());
            ledger.reverse(
                &id,
                reversal,
                note.date,
                format!("credit note {}: {}", note.id, note.reason),
            )?;
        }
        Ok(total)
    }
}
