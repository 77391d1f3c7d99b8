//! [`Unit`] and [`Rate`]: a price per unit of support.

use super::*;

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
