//! Money as text: the machine form (`-100.00 GBP`), what people type (`£1,234.56`), serde.

use super::*;

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

/// Reads the machine form, `-1234.56 GBP`: a canonical amount, one space, a currency. The
/// amount is read exactly. Logs, import files and JSON carry this form, and this is the one
/// place it is read. The amount's grammar is
///
/// ```text
/// amount = ["-"] whole ["." digit {digit}]
/// whole  = "0" | nonzero {digit}
/// ```
///
/// so `1_000.00`, `+5`, `5.`, `-.5`, `.5`, `1e3`, `007` and surrounding spaces are refused.
///
/// ```
/// use isf_ledger::Money;
/// assert!("-100.00 GBP".parse::<Money>().is_ok());
/// for bad in ["1_000.00 GBP", "+5.00 GBP", "5. GBP", "-.5 GBP", "1e3 GBP", "007 GBP", " 5 GBP"] {
///     assert!(bad.parse::<Money>().is_err(), "{bad}");
/// }
/// ```
impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let parse_err = |reason| MoneyError::Parse {
            input: echo(s),
            reason,
        };
        let (amount, code) = s
            .split_once(' ')
            .ok_or_else(|| parse_err("expected an amount, a space and a currency code"))?;
        if let Some(reason) = canonical_amount_problem(amount) {
            return Err(parse_err(reason));
        }
        let amount = Decimal::from_str_exact(amount)
            .map_err(|_| parse_err("the amount is not a decimal number"))?;
        let currency: Currency = code.parse()?;
        Ok(Money::new(amount, currency))
    }
}

/// The grammar of an amount in the machine form, checked before `rust_decimal` reads it (which
/// on its own would also take `1_000`, `+5`, `5.`, `.5` and `007`):
///
/// ```text
/// amount = ["-"] whole ["." digit {digit}]
/// whole  = "0" | nonzero {digit}
/// ```
///
/// So `-100.00`, `0.5` and `12` are amounts; `1_000.00`, `+5`, `5.`, `-.5`, `1e3`, `007`, ` 5`
/// and `1,000` are not. Returns why not, if it is not.
pub(crate) fn canonical_amount_problem(text: &str) -> Option<&'static str> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) {
        Some("the amount must start with a digit (after an optional '-')")
    } else if whole.len() > 1 && whole.starts_with('0') {
        Some("the amount has a leading zero")
    } else if fraction.is_some_and(|f| !digits(f)) {
        Some("the amount must be digits, an optional '.' and digits after it")
    } else {
        None
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Reads a decimal written without a currency (a balance limit, units, hours, a percentage)
/// in the canonical grammar ([`canonical_amount_problem`]); for `#[serde(deserialize_with)]`.
#[cfg(feature = "serde")]
pub(crate) fn deserialize_canonical_decimal<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Decimal, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    if let Some(reason) = canonical_amount_problem(&s) {
        return Err(serde::de::Error::custom(format!(
            "{:?} is not an amount: {reason}",
            echo(&s)
        )));
    }
    Decimal::from_str_exact(&s).map_err(|_| {
        serde::de::Error::custom(format!("{:?} is not an amount: it is too large", echo(&s)))
    })
}

/// [`deserialize_canonical_decimal`] for an optional decimal (`null` is `None`); with
/// `#[serde(default)]` a missing field is `None` too.
#[cfg(feature = "serde")]
pub(crate) fn deserialize_canonical_decimal_opt<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Decimal>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(transparent)]
    struct Canonical(#[serde(deserialize_with = "deserialize_canonical_decimal")] Decimal);
    let value = <Option<Canonical> as serde::Deserialize>::deserialize(deserializer)?;
    Ok(value.map(|Canonical(d)| d))
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
