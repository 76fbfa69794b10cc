//! Money as the books keep it: whole minor units of one currency (cents of USD, yen of JPY, fils
//! of BHD), never a float. Arithmetic is exact, in i128 where a product could pass i64; a figure
//! that falls between two minor units (a tax, a commission, a conversion at a rate) is rounded
//! half up once, by `half_up`, the one rounding rule of the books.

mod currency;
mod text;

use std::fmt;

pub use currency::*;
pub use text::*;

/// `n / d` rounded half up (to the nearest, a half away from zero for positive `d`): 2.5 → 3,
/// 2.4 → 2, -2.5 → -2. `d` must be positive.
pub fn half_up(n: i128, d: i128) -> i128 {
    (2 * n + d).div_euclid(2 * d)
}

/// An i128 figure as the books store it, saturating where it would not fit (the forms refuse
/// amounts that large long before: `MAX_BOOKED`).
pub fn saturate(n: i128) -> i64 {
    i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
}

/// `minor × bp / 10,000` rounded half up: a tax, a commission, a discount at a rate in basis
/// points (1 % = 100).
pub fn at_rate_bp(minor: i64, bp: i64) -> i64 {
    saturate(half_up(i128::from(minor) * i128::from(bp), 10_000))
}

/// An amount in `from` converted to `to` at `rate_e4` (units of `to` per unit of `from`, × 10⁴),
/// with both currencies' exponents, rounded half up once; the same currency converts as is.
pub fn convert(minor: i64, from: &str, rate_e4: i64, to: &str) -> i64 {
    if from == to {
        return minor;
    }
    let from_unit = i128::from(10_i64.pow(currency_exponent(from)));
    let to_unit = i128::from(10_i64.pow(currency_exponent(to)));
    saturate(half_up(
        i128::from(minor) * i128::from(rate_e4) * to_unit,
        10_000 * from_unit,
    ))
}

/// An amount with its currency, as a page holds it: shown as "1,250.50 USD" (the currency's
/// decimals, thousands grouped), or bare for a form field (`input`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    minor: i64,
    currency: String,
}

impl Money {
    pub fn new(minor: i64, currency: &str) -> Self {
        Self {
            minor,
            currency: currency.to_string(),
        }
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// "1250.50": the amount as a form field takes it back.
    pub fn input(&self) -> String {
        minor_to_input(self.minor, currency_exponent(&self.currency))
    }

    /// The sum in the same currency; `None` across currencies or past i64.
    pub fn checked_add(&self, other: &Money) -> Option<Money> {
        (self.currency == other.currency).then_some(())?;
        Some(Money {
            minor: self.minor.checked_add(other.minor)?,
            currency: self.currency.clone(),
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            minor_to_display(self.minor, currency_exponent(&self.currency)),
            self.currency
        )
    }
}

/// An amount for reading: "1,250.50 USD".
pub fn money(minor: i64, currency: &str) -> String {
    Money::new(minor, currency).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_up_once() {
        assert_eq!(half_up(25, 10), 3);
        assert_eq!(half_up(24, 10), 2);
        assert_eq!(half_up(-25, 10), -2);
        assert_eq!(at_rate_bp(12_345, 1_000), 1_235);
        assert_eq!(at_rate_bp(5, 5_000), 3);
    }

    #[test]
    fn conversions_use_both_currencies_decimals() {
        // 1,000 JPY at 0.0067 USD per yen: 6.70 USD.
        assert_eq!(convert(1_000, "JPY", 67, "USD"), 670);
        // 10.000 BHD at 2.6525 USD: 26.53 USD (26.525 rounded half up).
        assert_eq!(convert(10_000, "BHD", 26_525, "USD"), 2_653);
        assert_eq!(convert(999, "USD", 5, "USD"), 999);
    }

    #[test]
    fn money_reads_in_its_currencys_decimals() {
        assert_eq!(Money::new(125_050, "USD").to_string(), "1,250.50 USD");
        assert_eq!(Money::new(1_250, "JPY").to_string(), "1,250 JPY");
        assert_eq!(Money::new(-1_250_500, "BHD").to_string(), "-1,250.500 BHD");
        assert_eq!(Money::new(125_050, "USD").input(), "1250.50");
        let sum = Money::new(1, "USD").checked_add(&Money::new(2, "USD"));
        assert_eq!(sum, Some(Money::new(3, "USD")));
        assert_eq!(
            Money::new(1, "USD").checked_add(&Money::new(2, "EUR")),
            None
        );
    }
}
