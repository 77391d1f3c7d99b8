//! Exact money: [`Currency`], [`Money`], [`Rounding`], allocation and [`Rate`].
//!
//! Every amount is a [`rust_decimal::Decimal`]; no float is ever involved. Arithmetic is checked:
//! an overflow is a [`MoneyError::Overflow`], never a panic or a wrap.
//!
//! # Rounding happens in one place
//!
//! A [`Money`] may carry more decimal places than its currency's minor unit while it is an
//! intermediate result (a rate times a quantity, a pro-rata share). It becomes postable only
//! through [`Money::round`], which takes an explicit [`Rounding`] strategy: half-up (the
//! default) or half-even (banker's rounding). The ledger refuses an amount with more decimals
//! than its currency allows, so nothing is ever rounded silently.
//!
//! # Allocation always sums to the whole
//!
//! [`Money::allocate`] and [`Money::allocate_by_weights`] split an exact amount into parts that
//! add up exactly to it. Each part is first its exact share rounded toward zero to the minor
//! unit; the minor units left over are then handed out one each to the parts with the largest
//! remainders, ties going to the earliest part. No part is more than one minor unit from its
//! exact share, and the same input always gives the same split. An allocation that cannot be
//! done exactly (an amount near [`Decimal::MAX`] times a large weight) is an error, never a
//! panic or a wrong split.
//!
//! # Amounts never compare across currencies
//!
//! [`Money`] has no total order: `1.00 GBP < 2.00 EUR` is `false`, and so is `>`. Compare with
//! [`Money::checked_cmp`], [`Money::checked_max`] and [`Money::checked_min`], which refuse two
//! currencies, or sort with [`Money::canonical_cmp`] (currency first).
//!
//! # Text for people and text for machines
//!
//! [`Display`](fmt::Display) and [`FromStr`] are the machine form, `1234.56 GBP`, used in logs
//! and files. For people, [`Money::display_uk`] writes `£1,234.56` and [`Money::parse_typed`]
//! reads what a person types (`£1,234.56`, `1234.56`, `-£5.00`) strictly.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// Errors from money arithmetic, parsing and allocation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// The currency of the left-hand amount.
        left: Currency,
        /// The currency of the right-hand amount.
        right: Currency,
    },
    /// The result does not fit in a decimal.
    #[error("arithmetic overflow: {operation}")]
    Overflow {
        /// A description of the operation that overflowed, with its operands.
        operation: String,
    },
    /// The amount has more decimal places than the currency's minor unit allows.
    #[error("{amount} has more than {minor_units} decimal places for {currency}")]
    TooManyDecimals {
        /// The amount at fault.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
        /// The decimal places the currency allows.
        minor_units: u32,
    },
    /// A currency code is not three ASCII capital letters, or its minor units are out of range.
    #[error("invalid currency {code:?}: {reason}")]
    InvalidCurrency {
        /// The start of the code at fault, at most 40 characters and `…`.
        code: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// Text could not be read as money (`"1234.56 GBP"`).
    #[error("cannot parse {input:?} as money: {reason}")]
    Parse {
        /// The start of the text at fault, at most 40 characters and `…`.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// Text a person typed is not an amount of the currency ([`Money::parse_typed`]). The text
    /// is cut to its first 40 characters (then `…`), so a pasted page is never echoed whole.
    #[error("{text:?} is not an amount in {currency}: {reason}")]
    NotAnAmount {
        /// The start of the text at fault, at most 40 characters and `…`.
        text: String,
        /// The currency it was to be read in.
        currency: Currency,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An allocation was asked for with nothing to allocate to.
    #[error("cannot allocate {amount}: {reason}")]
    InvalidAllocation {
        /// The amount that was to be allocated.
        amount: Money,
        /// Why it was refused.
        reason: &'static str,
    },
}

impl MoneyError {
    /// What kind of failure this is.
    pub fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            MoneyError::CurrencyMismatch { .. } => K::CurrencyMismatch,
            MoneyError::Overflow { .. } => K::Overflow,
            MoneyError::TooManyDecimals { .. }
            | MoneyError::InvalidCurrency { .. }
            | MoneyError::Parse { .. }
            | MoneyError::NotAnAmount { .. }
            | MoneyError::InvalidAllocation { .. } => K::InvalidInput,
        }
    }
}

/// A currency: an ISO 4217 code and the number of decimal places of its minor unit.
///
/// The common ones are constants ([`Currency::GBP`], [`Currency::EUR`], [`Currency::USD`],
/// [`Currency::AUD`], …); others are made with [`Currency::new`].
///
/// ```
/// use isf_ledger::Currency;
/// let gbp: Currency = "GBP".parse()?;
/// assert_eq!(gbp, Currency::GBP);
/// assert_eq!(gbp.minor_units(), 2);
/// let kwd = Currency::new("KWD", 3)?;
/// assert_eq!(kwd.to_string(), "KWD:3"); // not built in, so it carries its minor units
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

/// The largest absolute amount one posting may carry: 10^15 (a thousand million million pounds)
/// in any currency, and no more than 10^17 minor units (so 10^9 in a currency with eight decimal
/// places).
///
/// The limits keep every sum in the ledger exact. A decimal holds 28 to 29 significant digits,
/// and beyond them `rust_decimal` rounds an addition rather than failing it. With at most 10^17
/// minor units a posting and at most `u32::MAX` postings, no running sum exceeds about 4.3 × 10^26
/// minor units, well inside that.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

/// The largest number of minor-unit decimal places a currency may have.
pub const MAX_MINOR_UNITS: u32 = 8;

const KNOWN: [Currency; 10] = [
    Currency::GBP,
    Currency::EUR,
    Currency::USD,
    Currency::AUD,
    Currency::NZD,
    Currency::CAD,
    Currency::CHF,
    Currency::SEK,
    Currency::NOK,
    Currency::JPY,
];

impl Currency {
    /// Pound sterling, 2 decimal places.
    pub const GBP: Currency = Currency::known(*b"GBP", 2);
    /// Euro, 2 decimal places.
    pub const EUR: Currency = Currency::known(*b"EUR", 2);
    /// US dollar, 2 decimal places.
    pub const USD: Currency = Currency::known(*b"USD", 2);
    /// Australian dollar, 2 decimal places.
    pub const AUD: Currency = Currency::known(*b"AUD", 2);
    /// New Zealand dollar, 2 decimal places.
    pub const NZD: Currency = Currency::known(*b"NZD", 2);
    /// Canadian dollar, 2 decimal places.
    pub const CAD: Currency = Currency::known(*b"CAD", 2);
    /// Swiss franc, 2 decimal places.
    pub const CHF: Currency = Currency::known(*b"CHF", 2);
    /// Swedish krona, 2 decimal places.
    pub const SEK: Currency = Currency::known(*b"SEK", 2);
    /// Norwegian krone, 2 decimal places.
    pub const NOK: Currency = Currency::known(*b"NOK", 2);
    /// Japanese yen, no decimal places.
    pub const JPY: Currency = Currency::known(*b"JPY", 0);

    const fn known(code: [u8; 3], minor_units: u8) -> Currency {
        Currency { code, minor_units }
    }

    /// Makes a currency from a three-letter code and its minor-unit decimal places.
    ///
    /// # Errors
    ///
    /// [`MoneyError::InvalidCurrency`] if the code is not three ASCII capital letters or
    /// `minor_units` is more than [`MAX_MINOR_UNITS`].
    ///
    /// ```
    /// use isf_ledger::Currency;
    /// assert!(Currency::new("gbp", 2).is_err());
    /// assert_eq!(Currency::new("GBP", 2)?, Currency::GBP);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(code: &str, minor_units: u32) -> Result<Currency, MoneyError> {
        let bytes = code.as_bytes();
        let Ok(code_bytes) = <[u8; 3]>::try_from(bytes) else {
            return Err(invalid_currency(code, "a currency code has three letters"));
        };
        if !code_bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(invalid_currency(
                code,
                "a currency code is ASCII capital letters",
            ));
        }
        if minor_units > MAX_MINOR_UNITS {
            return Err(invalid_currency(
                code,
                "at most 8 minor-unit decimal places",
            ));
        }
        Ok(Currency {
            code: code_bytes,
            minor_units: minor_units as u8,
        })
    }

    /// Looks up one of the built-in currencies by its code.
    pub fn from_code(code: &str) -> Option<Currency> {
        KNOWN.iter().copied().find(|c| c.code() == code)
    }

    /// The ISO 4217 code, such as `"GBP"`.
    pub fn code(&self) -> &str {
        // The constructor only admits ASCII capitals, so this never fails.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// The number of decimal places of the minor unit (2 for pence).
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    fn is_known(&self) -> bool {
        KNOWN.contains(self)
    }
}

fn invalid_currency(code: &str, reason: &'static str) -> MoneyError {
    MoneyError::InvalidCurrency {
        code: echo(code),
        reason,
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// Built-in currencies display as their code (`GBP`); others as code and minor units (`KWD:3`),
/// which [`FromStr`] reads back.
impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_known() {
            f.write_str(self.code())
        } else {
            write!(f, "{}:{}", self.code(), self.minor_units)
        }
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Currency, MoneyError> {
        if let Some((code, minor)) = s.split_once(':') {
            let minor: u32 = minor
                .parse()
                .map_err(|_| invalid_currency(s, "minor units after ':' must be a number"))?;
            return Currency::new(code, minor);
        }
        Currency::from_code(s).ok_or_else(|| {
            invalid_currency(
                s,
                "unknown code; write CODE:MINOR_UNITS for a currency not built in",
            )
        })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

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
    amount: Decimal,
    currency: Currency,
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

    /// Splits an exact amount into `parts` parts that sum to it exactly. The first parts get the
    /// leftover minor units: 100.00 GBP in 3 is 33.34, 33.33, 33.33.
    ///
    /// # Errors
    ///
    /// [`MoneyError::InvalidAllocation`] if `parts` is zero, [`MoneyError::TooManyDecimals`] if
    /// the amount is not exact in minor units.
    ///
    /// ```
    /// use isf_ledger::Money;
    /// let year: Money = "1000.00 GBP".parse()?;
    /// let parts = year.allocate(13)?;
    /// assert_eq!(parts[0].to_string(), "76.93 GBP");
    /// assert_eq!(parts[12].to_string(), "76.92 GBP");
    /// assert!(year.allocate(0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allocate(self, parts: usize) -> Result<Vec<Money>, MoneyError> {
        if parts == 0 {
            return Err(MoneyError::InvalidAllocation {
                amount: self,
                reason: "zero parts",
            });
        }
        let weights = vec![1u64; parts];
        self.allocate_by_weights(&weights)
    }

    /// Splits an exact amount in proportion to other amounts (what each source has available,
    /// what each hold holds), summing exactly to it: each amount weighs its minor units, and a
    /// negative one weighs nothing. Leftover minor units go as in
    /// [`Money::allocate_by_weights`], so no part is more than its exact share rounded up.
    ///
    /// # Errors
    ///
    /// [`MoneyError::InvalidAllocation`] if the amounts sum to nothing above zero,
    /// [`MoneyError::TooManyDecimals`] if an amount is not exact, [`MoneyError::Overflow`].
    ///
    /// ```
    /// use isf_ledger::Money;
    /// let spend: Money = "10.00 GBP".parse()?;
    /// let available: [Money; 3] = ["600.00 GBP".parse()?, "200.00 GBP".parse()?, "-5.00 GBP".parse()?];
    /// let parts = spend.allocate_in_proportion(&available)?;
    /// assert_eq!(parts.iter().map(|m| m.to_string()).collect::<Vec<_>>(), ["7.50 GBP", "2.50 GBP", "0.00 GBP"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allocate_in_proportion(self, to: &[Money]) -> Result<Vec<Money>, MoneyError> {
        let weights = to
            .iter()
            .map(|m| m.minor_weight())
            .collect::<Result<Vec<u64>, MoneyError>>()?;
        self.allocate_by_weights(&weights)
    }

    /// The amount in minor units as an allocation weight; a negative amount weighs nothing.
    pub(crate) fn minor_weight(self) -> Result<u64, MoneyError> {
        let minor = self.to_minor()?.max(0);
        u64::try_from(minor).map_err(|_| overflow(format!("{self} as a weight")))
    }

    /// Adds up amounts in one currency, checked: the total of none is zero.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`], [`MoneyError::CurrencyMismatch`] for an amount in another
    /// currency.
    ///
    /// ```
    /// use isf_ledger::{Currency, Money};
    /// let lines: Vec<Money> = vec!["48.00 GBP".parse()?, "2.40 GBP".parse()?];
    /// assert_eq!(Money::sum(Currency::GBP, lines)?.to_string(), "50.40 GBP");
    /// assert_eq!(Money::sum(Currency::GBP, Vec::new())?.to_string(), "0.00 GBP");
    /// assert!(Money::sum(Currency::EUR, vec!["1.00 GBP".parse::<Money>()?]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sum(
        currency: Currency,
        amounts: impl IntoIterator<Item = Money>,
    ) -> Result<Money, MoneyError> {
        let mut total = Money::zero(currency);
        for m in amounts {
            total = total.checked_add(m)?;
        }
        Ok(total)
    }

    /// Splits an exact amount in proportion to integer weights, summing exactly to it.
    /// Leftover minor units go to the largest remainders, ties to the earliest part.
    ///
    /// # Errors
    ///
    /// [`MoneyError::InvalidAllocation`] if there are no weights or they sum to zero,
    /// [`MoneyError::TooManyDecimals`] if the amount is not exact, [`MoneyError::Overflow`].
    ///
    /// ```
    /// use isf_ledger::Money;
    /// let budget: Money = "100.00 GBP".parse()?;
    /// let split = budget.allocate_by_weights(&[70, 30])?;
    /// assert_eq!(split[0].to_string(), "70.00 GBP");
    /// assert_eq!(split[1].to_string(), "30.00 GBP");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allocate_by_weights(self, weights: &[u64]) -> Result<Vec<Money>, MoneyError> {
        let total_weight = weights
            .iter()
            .try_fold(0u128, |acc, w| acc.checked_add(u128::from(*w)))
            .ok_or_else(|| overflow(format!("sum of {} weights", weights.len())))?;
        if total_weight == 0 {
            return Err(MoneyError::InvalidAllocation {
                amount: self,
                reason: "weights are empty or sum to zero",
            });
        }
        let minor = self.to_minor()?;
        let negative = minor < 0;
        let whole = minor.unsigned_abs();
        let mut parts = Vec::with_capacity(weights.len());
        let mut remainders = Vec::with_capacity(weights.len());
        let mut given = 0u128;
        for (index, weight) in weights.iter().enumerate() {
            let scaled = whole
                .checked_mul(u128::from(*weight))
                .ok_or_else(|| overflow(format!("{self} × weight {weight}")))?;
            let share = scaled / total_weight;
            parts.push(share);
            remainders.push((scaled % total_weight, index));
            given += share;
        }
        // Largest remainder first; ties go to the earliest part.
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let leftover = whole - given; // < number of parts
        for &(_, index) in remainders.iter().take(leftover as usize) {
            parts[index] += 1;
        }
        let scale = self.currency.minor_units();
        parts
            .into_iter()
            .map(|p| {
                let signed =
                    i128::try_from(p).map_err(|_| overflow(format!("allocating {self}")))?;
                let signed = if negative { -signed } else { signed };
                Decimal::try_from_i128_with_scale(signed, scale)
                    .map(|amount| Money::new(amount, self.currency))
                    .map_err(|_| overflow(format!("allocating {self}")))
            })
            .collect()
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

/// The sign a person writes before an amount of `currency`, if it has one people use.
fn currency_sign(currency: Currency) -> Option<char> {
    match currency.code() {
        "GBP" => Some('£'),
        "EUR" => Some('€'),
        "USD" | "AUD" | "NZD" | "CAD" => Some('$'),
        "JPY" => Some('¥'),
        _ => None,
    }
}

/// The sign [`Money::display_uk`] writes: only where it names one currency.
fn display_sign(currency: Currency) -> Option<char> {
    match currency.code() {
        "GBP" => Some('£'),
        "EUR" => Some('€'),
        "USD" => Some('$'),
        "JPY" => Some('¥'),
        _ => None,
    }
}

/// Why typed text is not an amount; `reconcile` turns these into its row errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountProblem {
    /// Not an amount, and why.
    Bad(&'static str),
    /// More decimal places than the currency's minor unit.
    TooManyDecimals,
}

impl AmountProblem {
    fn reason(self) -> &'static str {
        match self {
            AmountProblem::Bad(reason) => reason,
            AmountProblem::TooManyDecimals => {
                "it has more decimal places than the currency's minor unit"
            }
        }
    }
}

/// Reads an amount as [`Money::parse_typed`] documents; `signed` allows a `-` or `+`. The
/// result has at least the currency's decimal places and a zero is never negative.
pub(crate) fn parse_amount(
    text: &str,
    currency: Currency,
    signed: bool,
) -> Result<Decimal, AmountProblem> {
    let bad = AmountProblem::Bad;
    let (negative, s) = strip_signs(text.trim(), currency)?;
    if negative.is_some() && !signed {
        return Err(bad("paid in and paid out are written without a sign"));
    }
    let (whole, fraction) = match s.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (s, None),
    };
    let mut digits = whole_digits(whole)?;
    let significant = digits.trim_start_matches('0').len();
    if let Some(fraction) = fraction {
        if fraction.is_empty() {
            return Err(bad("it has no digits after the decimal point"));
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("it is not a decimal number"));
        }
        if fraction.len() > currency.minor_units() as usize {
            return Err(AmountProblem::TooManyDecimals);
        }
        digits.push('.');
        digits.push_str(fraction);
    }
    // MAX_AMOUNT has 16 digits before the point.
    if significant > 16 {
        return Err(bad("it is too large"));
    }
    let mut amount =
        Decimal::from_str_exact(&digits).map_err(|_| bad("it is not a decimal number"))?;
    if amount > MAX_AMOUNT {
        return Err(bad("it is too large"));
    }
    if amount.scale() < currency.minor_units() {
        amount.rescale(currency.minor_units());
    }
    if negative == Some(true) && !amount.is_zero() {
        amount.set_sign_negative(true);
    }
    Ok(amount)
}

/// Takes a sign (`-` or `+`) and the currency's own sign, in either order, off the front of
/// `s`: whether a sign was written (and if it was `-`), and the rest.
fn strip_signs(s: &str, currency: Currency) -> Result<(Option<bool>, &str), AmountProblem> {
    if s.is_empty() {
        return Err(AmountProblem::Bad("it is empty"));
    }
    fn take_sign(s: &str) -> (Option<bool>, &str) {
        if let Some(rest) = s.strip_prefix('-') {
            (Some(true), rest)
        } else if let Some(rest) = s.strip_prefix('+') {
            (Some(false), rest)
        } else {
            (None, s)
        }
    }
    let (mut negative, mut s) = take_sign(s);
    if let Some(first) = s.chars().next() {
        if Some(first) == currency_sign(currency) {
            s = &s[first.len_utf8()..];
            if negative.is_none() {
                (negative, s) = take_sign(s);
            }
        } else if matches!(first, '£' | '€' | '$' | '¥') {
            return Err(AmountProblem::Bad("it has another currency's sign"));
        }
    }
    Ok((negative, s))
}

/// The digits before the decimal point, with thousands separators checked and taken out.
fn whole_digits(whole: &str) -> Result<String, AmountProblem> {
    if whole.is_empty() {
        return Err(AmountProblem::Bad(
            "it has no digits before the decimal point",
        ));
    }
    let mut digits = String::with_capacity(whole.len());
    if whole.contains(',') {
        for (i, group) in whole.split(',').enumerate() {
            let ok = group.bytes().all(|b| b.is_ascii_digit())
                && if i == 0 {
                    (1..=3).contains(&group.len())
                } else {
                    group.len() == 3
                };
            if !ok {
                return Err(AmountProblem::Bad("a thousands separator is out of place"));
            }
            digits.push_str(group);
        }
    } else if whole.bytes().all(|b| b.is_ascii_digit()) {
        digits.push_str(whole);
    } else {
        return Err(AmountProblem::Bad("it is not a decimal number"));
    }
    Ok(digits)
}

impl Money {
    /// Reads an amount as a person types it, strictly, in a currency the caller already knows
    /// (a form's field, a bank statement's cell):
    ///
    /// * spaces around the value are ignored; a `-` or `+` sign may come first;
    /// * the currency's own sign may come before the digits (`£` for GBP, `€` for EUR, `$` for
    ///   USD, AUD, NZD and CAD, `¥` for JPY), before or after the minus sign: `-£1,234.56` and
    ///   `£-1,234.56` are both read; another currency's sign is refused (`€5` for GBP);
    /// * commas are thousands separators and are accepted only where they belong:
    ///   `1,234,567.89` is read, `1,16.00` and `1234,5` are refused;
    /// * at most the currency's minor-unit decimal places may be written (two for GBP:
    ///   `12.500` is refused, not rounded), with at least one digit before the point and one
    ///   after it;
    /// * nothing else: no exponent, no `_`, no brackets for negatives, no trailing sign or
    ///   currency code, no empty text; at most [`MAX_AMOUNT`] in size, the most the ledger
    ///   posts.
    ///
    /// The amount has at least the currency's decimal places (`1160` is `1160.00`), and
    /// `-0` is zero. This is not [`FromStr`], which reads the machine form `1160.00 GBP`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::NotAnAmount`] naming the currency, why, and the text (its first 40
    /// characters, then `…`).
    ///
    /// ```
    /// use isf_ledger::{Currency, Money};
    /// let gbp = Currency::GBP;
    /// assert_eq!(Money::parse_typed("£1,160.00", gbp)?.to_string(), "1160.00 GBP");
    /// assert_eq!(Money::parse_typed("1160", gbp)?.to_string(), "1160.00 GBP");
    /// assert_eq!(Money::parse_typed("-£5", gbp)?, Money::parse_typed("£-5.00", gbp)?);
    /// let err = Money::parse_typed("1,16.00", gbp).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "\"1,16.00\" is not an amount in GBP: a thousands separator is out of place"
    /// );
    /// assert!(Money::parse_typed("€5.00", gbp).is_err());
    /// assert!(Money::parse_typed("5.001", gbp).is_err());
    /// assert!(Money::parse_typed("1e3", gbp).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_typed(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        parse_amount(text, currency, true)
            .map(|amount| Money::new(amount, currency))
            .map_err(|problem| MoneyError::NotAnAmount {
                text: echo(text),
                currency,
                reason: problem.reason(),
            })
    }

    /// Writes the amount for people in the UK: the currency's sign, thousands separated by
    /// commas, a minus sign first: `£1,234.56`, `-£1,234.56`, `€1,234.56`, `$1,234.56`,
    /// `¥1,235`. A currency without a sign of its own is written after the amount by its code:
    /// `1,234.56 AUD`. The amount is not rounded: an intermediate `£0.125` stays so.
    ///
    /// [`Display`](fmt::Display) stays the machine form, `1234.56 GBP`, for logs and files.
    ///
    /// ```
    /// use isf_ledger::{Currency, Money};
    /// let m = Money::from_minor(-123456, Currency::GBP);
    /// assert_eq!(m.display_uk().to_string(), "-£1,234.56");
    /// assert_eq!(m.to_string(), "-1234.56 GBP");
    /// assert_eq!(Money::from_minor(123456, Currency::EUR).display_uk().to_string(), "€1,234.56");
    /// assert_eq!(Money::from_minor(123456, Currency::AUD).display_uk().to_string(), "1,234.56 AUD");
    /// assert_eq!(format!("{:10}", Money::from_minor(500, Currency::GBP).display_uk()), "     £5.00");
    /// assert_eq!(format!("{:.1}", Money::from_minor(500, Currency::GBP).display_uk()), "£5.00");
    /// ```
    pub fn display_uk(&self) -> UkDisplay {
        UkDisplay(*self)
    }
}

/// Writes a [`Money`] for people in the UK (`-£1,234.56`); made by [`Money::display_uk`].
/// Width, fill and alignment apply to the whole text, right-aligned unless asked otherwise; a
/// precision is ignored, so the amount is never cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UkDisplay(Money);

impl fmt::Display for UkDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let money = self.0;
        let text = money.amount_text();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (digits, None),
        };
        let mut out = String::with_capacity(text.len() + whole.len() / 3 + 8);
        if negative {
            out.push('-');
        }
        let sign = display_sign(money.currency);
        if let Some(sign) = sign {
            out.push(sign);
        }
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(digit);
        }
        if let Some(fraction) = fraction {
            out.push('.');
            out.push_str(fraction);
        }
        if sign.is_none() {
            out.push(' ');
            out.push_str(money.currency.code());
        }
        // Not `f.pad`: a precision there would cut the text, and an amount is never cut.
        let len = out.chars().count();
        let Some(pad) = f.width().and_then(|w| w.checked_sub(len)) else {
            return f.write_str(&out);
        };
        let (before, after) = match f.align() {
            Some(fmt::Alignment::Left) => (0, pad),
            Some(fmt::Alignment::Center) => (pad / 2, pad - pad / 2),
            Some(fmt::Alignment::Right) | None => (pad, 0),
        };
        let fill = f.fill();
        for _ in 0..before {
            write!(f, "{fill}")?;
        }
        f.write_str(&out)?;
        for _ in 0..after {
            write!(f, "{fill}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

/// `1234.56 GBP`: the amount with at least the currency's decimal places, a space, the currency.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_text(), self.currency)
    }
}

impl Money {
    /// The amount as [`Display`](fmt::Display) writes it, without the currency: at least the
    /// currency's decimal places, and a zero never negative. For CSV cells and columns.
    ///
    /// ```
    /// use isf_ledger::Money;
    /// assert_eq!("-12.5 GBP".parse::<Money>()?.amount_text(), "-12.50");
    /// assert_eq!("-0.00 GBP".parse::<Money>()?.amount_text(), "0.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn amount_text(&self) -> String {
        let mut amount = self.amount;
        let minor = self.currency.minor_units();
        if amount.scale() < minor {
            amount.rescale(minor);
        }
        // A negated zero is still zero: write "0.00", as parsing reads "-0.00" back, so that
        // text round-trips byte for byte.
        if amount.is_zero() {
            amount.set_sign_positive(true);
        }
        amount.to_string()
    }
}

/// Reads `1234.56 GBP` (amount, one space, currency). The amount is read exactly.
impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let parse_err = |reason| MoneyError::Parse {
            input: echo(s),
            reason,
        };
        let (amount, code) = s
            .trim()
            .split_once(' ')
            .ok_or_else(|| parse_err("expected an amount, a space and a currency code"))?;
        let amount = Decimal::from_str_exact(amount.trim())
            .map_err(|_| parse_err("the amount is not a decimal number"))?;
        let currency: Currency = code.trim().parse()?;
        Ok(Money::new(amount, currency))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a [`Rate`] is charged per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Unit {
    /// An hour of support.
    Hour,
    /// A visit.
    Visit,
    /// A day.
    Day,
    /// A week.
    Week,
    /// An item (equipment, a session).
    Item,
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Hour => "hour",
            Unit::Visit => "visit",
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Item => "item",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"hour"`, `"item"`.
impl std::str::FromStr for Unit {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<Unit, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "unit",
            &[Unit::Hour, Unit::Visit, Unit::Day, Unit::Week, Unit::Item],
            s,
        )
    }
}

/// Money per unit: £19.87 an hour. The price may carry more decimals than the currency
/// (£19.875 an hour); [`Rate::cost`] rounds the product once, explicitly.
///
/// ```
/// use isf_ledger::{Money, Rate, Rounding, Unit};
/// use rust_decimal::Decimal;
/// let rate = Rate::new("19.875 GBP".parse()?, Unit::Hour);
/// let cost = rate.cost(Decimal::new(3, 0), Rounding::HalfUp)?;
/// assert_eq!(cost.to_string(), "59.63 GBP");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Rate {
    /// The price of one unit.
    pub price: Money,
    /// The unit it is charged per.
    pub unit: Unit,
}

impl Rate {
    /// A rate of `price` per `unit`.
    pub fn new(price: Money, unit: Unit) -> Rate {
        Rate { price, unit }
    }

    /// The price of `quantity` units, rounded to the minor unit with `rounding`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn cost(&self, quantity: Decimal, rounding: Rounding) -> Result<Money, MoneyError> {
        Ok(self.price.checked_mul(quantity)?.round(rounding))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} per {}", self.price, self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp(s: &str) -> Money {
        Money::new(Decimal::from_str_exact(s).unwrap(), Currency::GBP)
    }

    #[test]
    fn parse_and_display_round_trip() {
        let m: Money = "1234.56 GBP".parse().unwrap();
        assert_eq!(m.to_string(), "1234.56 GBP");
        assert_eq!("5 GBP".parse::<Money>().unwrap().to_string(), "5.00 GBP");
        assert_eq!("7 JPY".parse::<Money>().unwrap().to_string(), "7 JPY");
        assert!("12.5".parse::<Money>().is_err());
        assert!("abc GBP".parse::<Money>().is_err());
        assert!("1.00 XXX".parse::<Money>().is_err());
        assert_eq!(
            "1.000 KWD:3".parse::<Money>().unwrap().to_string(),
            "1.000 KWD:3"
        );
    }

    #[test]
    fn currency_errors_name_the_code() {
        let err = Currency::new("GB", 2).unwrap_err();
        assert!(err.to_string().contains("\"GB\""), "{err}");
        assert!(Currency::new("GBP", 9).is_err());
        assert!("GBP:x".parse::<Currency>().is_err());
    }

    #[test]
    fn checked_arithmetic_reports_overflow_and_mismatch() {
        let max = Money::new(Decimal::MAX, Currency::GBP);
        assert!(matches!(
            max.checked_add(gbp("1")),
            Err(MoneyError::Overflow { .. })
        ));
        assert!(matches!(
            max.negate().checked_sub(gbp("1")),
            Err(MoneyError::Overflow { .. })
        ));
        assert!(matches!(
            max.checked_mul(Decimal::TWO),
            Err(MoneyError::Overflow { .. })
        ));
        let eur = Money::from_minor(1, Currency::EUR);
        assert!(matches!(
            gbp("1").checked_add(eur),
            Err(MoneyError::CurrencyMismatch { .. })
        ));
        assert!(matches!(
            gbp("1").checked_sub(eur),
            Err(MoneyError::CurrencyMismatch { .. })
        ));
    }

    #[test]
    fn rounding_strategies() {
        assert_eq!(gbp("-0.125").round(Rounding::HalfUp), gbp("-0.13"));
        assert_eq!(gbp("0.135").round(Rounding::HalfEven), gbp("0.14"));
        assert_eq!(gbp("0.125").round(Rounding::HalfEven), gbp("0.12"));
    }

    #[test]
    fn exactness() {
        assert!(gbp("1.230").is_exact());
        assert!(!gbp("1.231").is_exact());
        assert!(matches!(
            gbp("1.231").exact(),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        assert_eq!(gbp("1.2").to_minor().unwrap(), 120);
    }

    #[test]
    fn allocation_examples() {
        let parts = gbp("-100.00").allocate(3).unwrap();
        assert_eq!(parts, vec![gbp("-33.34"), gbp("-33.33"), gbp("-33.33")]);
        let parts = gbp("0.05").allocate_by_weights(&[1, 1, 2]).unwrap();
        assert_eq!(parts, vec![gbp("0.01"), gbp("0.01"), gbp("0.03")]);
        assert!(gbp("1").allocate_by_weights(&[0, 0]).is_err());
        assert!(gbp("1.001").allocate(2).is_err());
        assert!(gbp("1").checked_mul_ratio(1, 0, Rounding::HalfUp).is_err());
    }

    #[test]
    fn ratio_rounds_once() {
        let weekly = gbp("48.00");
        assert_eq!(
            weekly.checked_mul_ratio(3, 7, Rounding::HalfUp).unwrap(),
            gbp("20.57")
        );
    }

    fn typed(text: &str) -> Result<Decimal, &'static str> {
        parse_amount(text, Currency::GBP, true).map_err(|p| match p {
            AmountProblem::Bad(reason) => reason,
            AmountProblem::TooManyDecimals => "too many decimals",
        })
    }

    #[test]
    fn amounts_read_exactly() {
        for (text, want) in [
            ("12.5", "12.50"),
            ("-12.50", "-12.50"),
            ("+3", "3.00"),
            ("£1,234.56", "1234.56"),
            ("-£1,234.56", "-1234.56"),
            ("£-1,234,567.00", "-1234567.00"),
            ("  0.00 ", "0.00"),
            ("-0", "0.00"),
            ("1000000000000000", "1000000000000000.00"),
        ] {
            assert_eq!(
                typed(text).map(|d| d.to_string()),
                Ok(want.to_string()),
                "{text}"
            );
        }
        for (text, why) in [
            ("", "it is empty"),
            ("12.500", "too many decimals"),
            ("12,34.56", "a thousands separator is out of place"),
            ("1234,5", "a thousands separator is out of place"),
            (",123", "a thousands separator is out of place"),
            ("$12", "it has another currency's sign"),
            (".5", "it has no digits before the decimal point"),
            ("5.", "it has no digits after the decimal point"),
            ("1e3", "it is not a decimal number"),
            ("(12.00)", "it is not a decimal number"),
            ("--1", "it is not a decimal number"),
            ("12 GBP", "it is not a decimal number"),
            ("1000000000000000.01", "it is too large"),
            ("99999999999999999999999999999999", "it is too large"),
        ] {
            assert_eq!(typed(text), Err(why), "{text}");
        }
        assert!(parse_amount("-1", Currency::GBP, false).is_err());
    }
}

crate::error::error_detail! {
    /// The detail, if this is a money error (arithmetic, parsing, allocation).
    "Money": money -> MoneyError
}
