//! Disputed lines accepted or dropped, and credit notes.

use crate::chart;
use crate::chart::{ClaimLineMeta, EntryKind};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::ids::check_code;
use super::{ClaimId, CreditNoteId, DrawdownError, ManagementFee, ServiceAgreement};
use crate::ledger::{EntryId, Ledger};
use crate::money::Money;
use crate::plan::PaymentPlan;

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
    /// [`DrawdownError::PeriodClosed`], [`LedgerError`](crate::LedgerError).
    pub fn accept_disputed(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
        date: NaiveDate,
    ) -> Result<Money, crate::error::Error> {
        ledger.atomically(|ledger| self.accept_disputed_once(ledger, plan, claim, line, date))
    }

    fn accept_disputed_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
        date: NaiveDate,
    ) -> Result<Money, crate::error::Error> {
        let holds = self.active_holds(ledger, plan, |s| {
            chart::dispute_hold(&self.id, claim, line, s)
        });
        let Some(first) = holds.first().and_then(|h| ledger.hold(&h.1)) else {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            }
            .into());
        };
        let details = first.details().clone();
        self.check_open(ledger, date)?;
        if date < details.date || details.expires_on.is_some_and(|e| date >= e) {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            }
            .into());
        }
        let amount = Money::sum(self.currency, holds.iter().map(|h| h.2))?;
        // A line split into a part paid and a part disputed: the accepted part has its own
        // entries beside the paid part's.
        let part = !self.line_entries(ledger, plan, claim, line).is_empty();
        let fee_entry = if part {
            chart::accepted_part_fee_entry(&self.id, claim, line)
        } else {
            chart::line_fee_entry(&self.id, claim, line)
        };
        let mut line_meta = ClaimLineMeta {
            accepted_on: Some(date),
            ..ClaimLineMeta::new(self.id.clone(), claim.clone(), line)
        };
        if let Some(key) = chart::memo_line_key(&details.memo) {
            line_meta = line_meta.with_key(key);
        }
        let meta = line_meta.to_meta();
        let fee = match self.fee {
            Some(ManagementFee::Percent(p)) => amount
                .checked_mul(p)?
                .checked_mul(Decimal::new(1, 2))?
                .round(self.rounding),
            _ => Money::zero(self.currency),
        };
        if fee.is_positive() {
            let fee_meta = ClaimLineMeta {
                kind: Some(EntryKind::Fee),
                ..line_meta.clone()
            }
            .to_meta();
            let batch = self.spread(
                ledger,
                plan,
                date,
                vec![(fee_entry, self.fee_account(), fee, fee_meta)],
            )?;
            ledger.post_batch(batch)?;
        }
        for (source, hold, held) in holds {
            // The receipt's sequence number is not needed here.
            let entry = if part {
                chart::accepted_part_entry(&self.id, claim, line, &source)
            } else {
                chart::claim_line_source_entry(&self.id, claim, line, &source)
            };
            let _ = ledger.settle_hold_with(&hold, entry, held, date, meta.clone())?;
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
    ) -> Result<Money, crate::error::Error> {
        ledger.atomically(|ledger| self.credit_disputed_once(ledger, plan, claim, line))
    }

    fn credit_disputed_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        claim: &ClaimId,
        line: usize,
    ) -> Result<Money, crate::error::Error> {
        let holds = self.active_holds(ledger, plan, |s| {
            chart::dispute_hold(&self.id, claim, line, s)
        });
        if holds.is_empty() {
            return Err(DrawdownError::NotDisputed {
                claim: claim.clone(),
                line,
            }
            .into());
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
    /// [`DrawdownError::PeriodClosed`], [`DrawdownError::InvalidCode`], [`LedgerError`](crate::LedgerError).
    pub fn credit_note(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        note: &CreditNote,
    ) -> Result<Money, crate::error::Error> {
        ledger.atomically(|ledger| self.credit_note_once(ledger, plan, note))
    }

    fn credit_note_once(
        &self,
        ledger: &mut Ledger,
        plan: &PaymentPlan,
        note: &CreditNote,
    ) -> Result<Money, crate::error::Error> {
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
                }
                .into());
            }
            entries.extend(ledger.entry(chart::line_fee_entry(&self.id, claim, *line)));
            entries.extend(ledger.entry(chart::accepted_part_fee_entry(&self.id, claim, *line)));
            // Applied before: the same note again is what it was, even if the line's disputed
            // part was accepted since.
            let applied = entries.iter().any(|e| {
                e.reversed_by().is_some_and(|r| {
                    r.id() == chart::credit_reversal_entry(&self.id, &note.id, e.id()).as_str()
                })
            });
            if applied {
                entries.retain(|e| e.reversed_by().is_some());
            }
            for e in entries {
                let reversal = chart::credit_reversal_entry(&self.id, &note.id, e.id());
                match e.reversed_by() {
                    Some(r) if r.id() == reversal.as_str() => {}
                    Some(_) => {
                        return Err(DrawdownError::NotCreditable {
                            note: note.id.clone(),
                            claim: claim.clone(),
                            line: *line,
                            reason: "was already credited",
                        }
                        .into());
                    }
                    None => {}
                }
                let back = e
                    .postings()
                    .filter(|(a, _)| chart::is_fund_account(a))
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
            let reversal = chart::credit_reversal_entry(&self.id, &note.id, id.as_str());
            // The receipt's sequence number is not needed here.
            let _ = ledger.reverse(
                &id,
                reversal,
                note.date,
                format!("credit note {}: {}", note.id, note.reason),
            )?;
        }
        Ok(total)
    }
}
