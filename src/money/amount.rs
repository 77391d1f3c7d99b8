//! [`Money`]: the amount type, its checked arithmetic, [`Rounding`] and comparison.

use super::*;

/// How to round to a currency's minor unit. Used by [`Money::round`] and everything that rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Rounding {
    /// Half away from zero: 0.125 → 0.13, −0.125 → −0.13. The default.
    #[default]
    HalfUp,
    /// Half to even (banker's rounding): 0.125 → 0.12, 0.135 → 0.14.
    HalfEven,
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rounding::HalfUp => "half_up",
            Rounding::HalfEven => "half_even",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"half_up"`, `"half_even"`.
impl std::str::FromStr for Rounding {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<Rounding, crate::error::ParseEnumError> {
        crate::error::parse_enum("rounding", &[Rounding::HalfUp, Rounding::HalfEven], s)
    }
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }
}

/// An exact amount in a currency.
///
/// ```
/// use isf_ledger::{Currency, Money};
/// let weekly: Money = "48.00 GBP".parse()?;
/// let contribution = Money::from_minor(2800, Currency::GBP);
/// let council = weekly.checked_sub(contribution)?;
/// assert_eq!(council.to_string(), "20.00 GBP");
/// // Different currencies never mix.
/// assert!(council.checked_add("1.00 EUR".parse()?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Comparing amounts
///
/// `Money` is not [`Ord`]: there is no order between pounds and euros, so it cannot be sorted or
/// passed to [`Iterator::max`]. Its [`PartialOrd`] compares amounts of one currency and gives
/// `None` for two currencies, so `<`, `>`, `<=` and `>=` are all `false` across currencies.
/// [`Money::checked_cmp`], [`Money::checked_max`] and [`Money::checked_min`] say so with an
/// error instead.
///
/// ```
/// use isf_ledger::Money;
/// let pounds: Money = "1.00 GBP".parse()?;
/// let euros: Money = "2.00 EUR".parse()?;
/// assert!(!(pounds < euros) && !(pounds > euros));
/// assert!(pounds < "1.01 GBP".parse()?);
/// assert!(pounds.checked_max(euros).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    pub(super) amount: Decimal,
    pub(super) currency: Currency,
}

impl Money {
    /// Makes money from a decimal amount. It may carry more decimal places than the currency's
    /// minor unit (an intermediate result); [`Money::round`] makes it postable.
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Makes money from a whole number of minor units (pence for GBP).
    ///
    /// ```
    /// use isf_ledger::{Currency, Money};
    /// assert_eq!(Money::from_minor(-1234, Currency::GBP).to_string(), "-12.34 GBP");
    /// ```
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money {
            amount: Decimal::new(minor, currency.minor_units()),
            currency,
        }
    }

    /// Zero in a currency.
    pub fn zero(currency: Currency) -> Money {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// The decimal amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// True if the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True if the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// True if the amount is above zero.
    pub fn is_positive(&self) -> bool {
        self.amount.is_sign_positive() && !self.amount.is_zero()
    }

    /// True if the amount has no more decimal places than the currency's minor unit.
    pub fn is_exact(&self) -> bool {
        is_exact(self.amount, self.currency)
    }

    /// Checks the amount is exact in minor units.
    ///
    /// # Errors
    ///
    /// [`MoneyError::TooManyDecimals`] naming the amount, if it has more decimal places than its
    /// currency allows.
    ///
    /// ```
    /// use isf_ledger::Money;
    /// let third: Money = "3.333 GBP".parse()?;
    /// assert!(third.exact().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exact(self) -> Result<Money, MoneyError> {
        if self.is_exact() {
            Ok(self)
        } else {
            Err(MoneyError::TooManyDecimals {
                amount: self.amount,
                currency: self.currency,
                minor_units: self.currency.minor_units(),
            })
        }
    }

    /// The amount as a whole number of minor units.
    ///
    /// # Errors
    ///
    /// [`MoneyError::TooManyDecimals`] if the amount is not exact in minor units, and
    /// [`MoneyError::Overflow`] if it has no minor-unit form in a decimal (an amount within a
    /// hundredth of [`Decimal::MAX`] in pence, say).
    ///
    /// ```
    /// use isf_ledger::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// assert_eq!("-12.3 GBP".parse::<Money>()?.to_minor()?, -1230);
    /// assert!(Money::new(Decimal::MAX, Currency::GBP).to_minor().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_minor(&self) -> Result<i128, MoneyError> {
        let exact = self.exact()?;
        let minor = self.currency.minor_units();
        let mut scaled = exact.amount;
        scaled.rescale(minor);
        // `rescale` leaves a number too large for the scale at a smaller one (Decimal::MAX
        // stays at scale 0), and its mantissa would then be whole units, not minor ones.
        if scaled.scale() != minor || scaled != exact.amount {
            return Err(overflow(format!("{self} in minor units")));
        }
        Ok(scaled.mantissa())
    }

    /// Adds two amounts of the same currency.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.amount
            .checked_add(other.amount)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(|| overflow(format!("{self} + {other}")))
    }

    /// Subtracts an amount of the same currency.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.amount
            .checked_sub(other.amount)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(|| overflow(format!("{self} - {other}")))
    }

    /// The amount with its sign flipped. A decimal's range is symmetric, so this cannot fail.
    #[must_use]
    pub fn negate(self) -> Money {
        Money::new(-self.amount, self.currency)
    }

    /// Multiplies by a quantity (hours, units, a fraction). The result is exact and may carry
    /// more decimal places than the currency allows; round it with [`Money::round`].
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    ///
    /// ```
    /// use isf_ledger::{Money, Rounding};
    /// use rust_decimal::Decimal;
    /// let rate: Money = "19.87 GBP".parse()?;
    /// let cost = rate.checked_mul(Decimal::new(175, 2))?; // 1.75 hours
    /// assert_eq!(cost.to_string(), "34.7725 GBP");
    /// assert_eq!(cost.round(Rounding::HalfUp).to_string(), "34.77 GBP");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_mul(self, quantity: Decimal) -> Result<Money, MoneyError> {
        self.amount
            .checked_mul(quantity)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(|| overflow(format!("{self} × {quantity}")))
    }

    /// Multiplies by `numerator / denominator` exactly and rounds once, with `rounding`.
    /// This is how pro-rata shares are made (days in the part over days in the whole).
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`], or [`MoneyError::InvalidAllocation`] if the denominator is zero.
    pub fn checked_mul_ratio(
        self,
        numerator: i64,
        denominator: i64,
        rounding: Rounding,
    ) -> Result<Money, MoneyError> {
        if denominator == 0 {
            return Err(MoneyError::InvalidAllocation {
                amount: self,
                reason: "ratio with a zero denominator",
            });
        }
        let product = self
            .amount
            .checked_mul(Decimal::from(numerator))
            .ok_or_else(|| overflow(format!("{self} × {numerator}")))?;
        let quotient = product
            .checked_div(Decimal::from(denominator))
            .ok_or_else(|| overflow(format!("{self} × {numerator} / {denominator}")))?;
        Ok(Money::new(quotient, self.currency).round(rounding))
    }

    /// Rounds to the currency's minor unit with an explicit strategy. This is the one place the
    /// crate rounds money.
    ///
    /// ```
    /// use isf_ledger::{Money, Rounding};
    /// let m: Money = "0.125 GBP".parse()?;
    /// assert_eq!(m.round(Rounding::HalfUp).to_string(), "0.13 GBP");
    /// assert_eq!(m.round(Rounding::HalfEven).to_string(), "0.12 GBP");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn round(self, rounding: Rounding) -> Money {
        let amount = self
            .amount
            .round_dp_with_strategy(self.currency.minor_units(), rounding.strategy());
        Money::new(amount, self.currency)
    }

    /// Compares two amounts of one currency.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] naming both currencies if they differ.
    ///
    /// ```
    /// use std::cmp::Ordering;
    /// use isf_ledger::Money;
    /// let a: Money = "1.00 GBP".parse()?;
    /// assert_eq!(a.checked_cmp("1.0 GBP".parse()?)?, Ordering::Equal);
    /// let err = a.checked_cmp("2.00 EUR".parse()?).unwrap_err();
    /// assert_eq!(err.to_string(), "currency mismatch: GBP and EUR");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_cmp(&self, other: Money) -> Result<Ordering, MoneyError> {
        self.same_currency(other)?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// The larger of two amounts of one currency (`self` if they are equal).
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] naming both currencies if they differ.
    ///
    /// ```
    /// use isf_ledger::Money;
    /// let a: Money = "1.00 GBP".parse()?;
    /// assert_eq!(a.checked_max("-3.00 GBP".parse()?)?, a);
    /// assert!(a.checked_max("2.00 EUR".parse()?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_max(self, other: Money) -> Result<Money, MoneyError> {
        Ok(match self.checked_cmp(other)? {
            Ordering::Less => other,
            Ordering::Equal | Ordering::Greater => self,
        })
    }

    /// The smaller of two amounts of one currency (`self` if they are equal).
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] naming both currencies if they differ.
    ///
    /// ```
    /// use isf_ledger::Money;
    /// let a: Money = "1.00 GBP".parse()?;
    /// assert_eq!(a.checked_min("-3.00 GBP".parse()?)?.to_string(), "-3.00 GBP");
    /// assert!(a.checked_min("2.00 EUR".parse()?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_min(self, other: Money) -> Result<Money, MoneyError> {
        Ok(match self.checked_cmp(other)? {
            Ordering::Greater => other,
            Ordering::Equal | Ordering::Less => self,
        })
    }

    /// A total order for sorting and grouping, never for deciding which amount is larger:
    /// by currency (code, then minor units), then amount. Pounds and euros are never compared
    /// by amount; within one currency this is the amount's order.
    ///
    /// ```
    /// use std::cmp::Ordering;
    /// use isf_ledger::Money;
    /// let mut amounts: Vec<Money> = vec!["2.00 GBP".parse()?, "1.00 EUR".parse()?, "1.00 GBP".parse()?];
    /// amounts.sort_by(Money::canonical_cmp);
    /// assert_eq!(amounts.iter().map(|m| m.to_string()).collect::<Vec<_>>(), ["1.00 EUR", "1.00 GBP", "2.00 GBP"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn canonical_cmp(&self, other: &Money) -> Ordering {
        self.currency
            .cmp(&other.currency)
            .then_with(|| self.amount.cmp(&other.amount))
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

/// True if `amount` has no more decimal places than `currency` allows.
pub(crate) fn is_exact(amount: Decimal, currency: Currency) -> bool {
    let minor = currency.minor_units();
    amount.scale() <= minor || amount.normalize().scale() <= minor
}

pub(crate) fn overflow(operation: String) -> MoneyError {
    MoneyError::Overflow { operation }
}

/// Amounts of one currency compare by amount; amounts of two currencies are unordered
/// (`None`), so every comparison operator between them is `false`.
impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<Ordering> {
        (self.currency == other.currency).then(|| self.amount.cmp(&other.amount))
    }
}

/// The most characters of bad text an error repeats.
pub(crate) use crate::error::echo;
