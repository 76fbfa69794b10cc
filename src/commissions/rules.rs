//! The commission's figures (DESIGN.md, "Commission"), as pure functions: exact integer
//! arithmetic on minor units and basis points, rounded half up once per figure.

use crate::domain::money::{at_rate_bp, convert};

/// The rate that applies: the user's own, else their role's, else the organization's default.
pub fn rate_bp(user: Option<i32>, role: Option<i32>, organization: i32) -> i32 {
    user.or(role).unwrap_or(organization)
}

/// `base × rate`, rounded half up.
pub fn commission_minor(base_minor: i64, rate_bp: i32) -> i64 {
    at_rate_bp(base_minor, i64::from(rate_bp))
}

/// The figures of one commission row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub commission_minor: i64,
    /// In the organization's currency, at the deal's rate.
    pub converted_minor: i64,
    pub final_minor: i64,
}

/// From the deal's verified amount (its currency), the rate, and the deal's rate to the
/// organization's currency; `bonus` and `penalty` are in the organization's currency.
pub fn figures(
    base_minor: i64,
    rate_bp: i32,
    deal_currency: &str,
    exchange_rate_e4: i64,
    org_currency: &str,
    bonus_minor: i64,
    penalty_minor: i64,
) -> Figures {
    let commission = commission_minor(base_minor, rate_bp);
    let converted = convert(commission, deal_currency, exchange_rate_e4, org_currency);
    Figures {
        commission_minor: commission,
        converted_minor: converted,
        final_minor: final_minor(converted, bonus_minor, penalty_minor),
    }
}

/// What is owed: the converted commission plus the bonus less the penalty, never below zero.
pub fn final_minor(converted_minor: i64, bonus_minor: i64, penalty_minor: i64) -> i64 {
    (converted_minor + bonus_minor - penalty_minor).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_rate_wins_then_the_roles_then_the_organizations() {
        assert_eq!(rate_bp(Some(750), Some(600), 500), 750);
        assert_eq!(rate_bp(None, Some(600), 500), 600);
        assert_eq!(rate_bp(None, None, 500), 500);
    }

    #[test]
    fn awkward_rates_and_currencies_round_once() {
        // 5 % of 333.33 = 16.6665 → 16.67.
        assert_eq!(commission_minor(33_333, 500), 1_667);
        // 7.25 % of 1,000.01 = 72.500725 → 72.50.
        assert_eq!(commission_minor(100_001, 725), 7_250);
        // 1,234.57 EUR at 5 % = 61.7285 → 61.73 EUR, at 1.0837 USD/EUR = 66.896... → 66.90 USD.
        let f = figures(123_457, 500, "EUR", 10_837, "USD", 0, 0);
        assert_eq!((f.commission_minor, f.converted_minor), (6_173, 6_690));
        // Into a currency without decimals: 61.73 EUR at 162.4567 JPY/EUR = 10,028.35 → 10,028 JPY.
        let f = figures(123_457, 500, "EUR", 1_624_567, "JPY", 0, 0);
        assert_eq!(f.converted_minor, 10_028);
        // Bonus and penalty in the organization's currency; never below zero.
        assert_eq!(
            figures(10_000, 1_000, "USD", 10_000, "USD", 500, 200).final_minor,
            1_300
        );
        assert_eq!(
            figures(10_000, 1_000, "USD", 10_000, "USD", 0, 5_000).final_minor,
            0
        );
    }
}
