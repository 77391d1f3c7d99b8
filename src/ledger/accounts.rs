//! Opening and closing accounts.

use rust_decimal::Decimal;

use super::*;
use crate::money::Money;

impl Ledger {
    // ----- accounts -------------------------------------------------------------------------

    /// Opens an account. Opening the same account again with the same details changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError::InvalidId`] for a bad id, [`LedgerError::AccountExists`] if the id is
    /// taken by an account with other details, [`LedgerError::TooManyDecimals`] if an
    /// [`BalanceRule::AtLeast`] limit is not exact in the currency.
    ///
    /// ```
    /// use isf_ledger::{AccountKind, Currency, Ledger, LedgerError, NewAccount};
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))?;
    /// let clash = NewAccount::new("bank", AccountKind::Asset, Currency::EUR);
    /// assert!(matches!(ledger.open_account(clash), Err(LedgerError::AccountExists { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_account(&mut self, account: NewAccount) -> Result<(), LedgerError> {
        check_id("account", account.id.as_str())?;
        check_account_text(&account)?;
        if let Some(&index) = self.account_index.get(&account.id) {
            return if self.accounts[index as usize].spec == account {
                Ok(())
            } else {
                Err(LedgerError::AccountExists {
                    account: account.id,
                })
            };
        }
        let mut account = account;
        if let BalanceRule::AtLeast(limit) = &mut account.rule {
            check_amount(Money::new(*limit, account.currency))?;
            if limit.is_sign_positive() && !limit.is_zero() {
                return Err(LedgerError::InvalidRule {
                    account: account.id,
                    limit: Money::new(*limit, account.currency),
                });
            }
            // A negative zero is zero: store it as the log will read it back.
            limit.set_sign_positive(limit.is_sign_positive() || limit.is_zero());
        }
        let index = u32::try_from(self.accounts.len())
            .map_err(|_| LedgerError::CapacityExceeded { what: "accounts" })?;
        self.account_index.insert(account.id.clone(), index);
        self.accounts.push(AccountState {
            spec: account,
            closed: false,
            balance: Decimal::ZERO,
            held: Decimal::ZERO,
            lines: Vec::new(),
            marks: Vec::new(),
            daily: Default::default(),
            holds: Vec::new(),
        });
        self.ops.push(OpRef::OpenAccount(index));
        Ok(())
    }

    /// Closes an account whose balance and holds are zero. A closed account refuses postings and
    /// holds; its history stays. Closing a closed account changes nothing.
    ///
    /// # Errors
    ///
    /// [`LedgerError::UnknownAccount`], [`LedgerError::AccountNotEmpty`].
    pub fn close_account(&mut self, id: impl AsRef<str>) -> Result<(), LedgerError> {
        let index = self.account_index_of(id)?;
        let state = &self.accounts[index as usize];
        if state.closed {
            return Ok(());
        }
        if !state.balance.is_zero() || !state.held.is_zero() {
            let currency = state.spec.currency;
            return Err(LedgerError::AccountNotEmpty {
                account: state.spec.id.clone(),
                balance: Money::new(state.balance, currency),
                held: Money::new(state.held, currency),
            });
        }
        self.touch_account(index);
        self.accounts[index as usize].closed = true;
        self.ops.push(OpRef::CloseAccount(index));
        Ok(())
    }

    pub(super) fn account_index_of(&self, id: impl AsRef<str>) -> Result<u32, LedgerError> {
        let id = id.as_ref();
        self.account_index
            .get(id)
            .copied()
            .ok_or_else(|| LedgerError::UnknownAccount {
                account: AccountId::from(id),
            })
    }

    pub(super) fn open_account_index(&self, id: &AccountId) -> Result<u32, LedgerError> {
        let index = self.account_index_of(id)?;
        if self.accounts[index as usize].closed {
            return Err(LedgerError::AccountClosed {
                account: id.clone(),
            });
        }
        Ok(index)
    }
}
