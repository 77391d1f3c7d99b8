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
}
