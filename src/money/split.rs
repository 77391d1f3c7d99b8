//! Splitting money into parts that always sum to the whole.

use super::*;

impl Money {
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
}
