//! [`Currency`]: an ISO 4217 code and its minor units, and the amount limits.

use super::*;

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
            let canonical = !minor.is_empty()
                && minor.bytes().all(|b| b.is_ascii_digit())
                && (minor.len() == 1 || !minor.starts_with('0'));
            let minor: u32 = minor
                .parse()
                .ok()
                .filter(|_| canonical)
                .ok_or_else(|| invalid_currency(s, "minor units after ':' must be a number"))?;
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
