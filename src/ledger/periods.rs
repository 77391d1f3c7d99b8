//! Closing periods.

use chrono::NaiveDate;

use super::*;

impl Ledger {
    // ----- periods ----------------------------------------------------------------------------

    /// Closes the books through `through` (inclusive): entries, holds, settlements and reversals
    /// dated on or before it are refused from now on. Corrections post in the open period with
    /// [`NewEntry::corrects`] naming what they correct. Closing through the same date again
    /// changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError::AlreadyClosed`] if the books are closed through a later date.
    pub fn close_period(&mut self, through: NaiveDate) -> Result<(), LedgerError> {
        check_date("period close", through)?;
        match self.closed_through {
            Some(closed) if closed == through => return Ok(()),
            Some(closed_through) if closed_through > through => {
                return Err(LedgerError::AlreadyClosed {
                    through,
                    closed_through,
                });
            }
            _ => {}
        }
        self.closed_through = Some(through);
        self.ops.push(OpRef::ClosePeriod(through));
        Ok(())
    }

    /// The last closed date, if any period is closed.
    pub fn closed_through(&self) -> Option<NaiveDate> {
        self.closed_through
    }

    /// Every period close, oldest first: the last day each [`close_period`](Ledger::close_period)
    /// closed through, as the log records them. The last is [`closed_through`](Ledger::closed_through).
    ///
    /// ```
    /// # use isf_ledger::Ledger;
    /// # use chrono::NaiveDate;
    /// let mut ledger = Ledger::new();
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// ledger.close_period(d(4, 30))?;
    /// ledger.close_period(d(5, 31))?;
    /// ledger.close_period(d(5, 31))?; // again: nothing changes
    /// assert_eq!(ledger.period_closes().collect::<Vec<_>>(), [d(4, 30), d(5, 31)]);
    /// # Ok::<(), isf_ledger::LedgerError>(())
    /// ```
    pub fn period_closes(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.ops.iter().filter_map(|op| match op {
            OpRef::ClosePeriod(through) => Some(*through),
            _ => None,
        })
    }
}
