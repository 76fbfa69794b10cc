//! A manager's adjustment of a commission: a bonus, and a penalty with its required reason, in
//! the organization's currency.

use serde::{Deserialize, Serialize};

use crate::domain::money::{currency_exponent, minor_to_input, scaled_decimal};
use crate::web::FieldErrors;
use crate::web::form::optional;

/// The largest bonus or penalty a form takes (in minor units): far above any commission, far
/// below what a sum of them could overflow.
const MAX_MINOR: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AdjustForm {
    pub bonus: String,
    pub penalty: String,
    pub penalty_reason: String,
    /// Why the figures change, for the audit log (required).
    pub reason: String,
}

/// A checked adjustment: bonus and penalty in minor units, the reason when there is a penalty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub bonus_minor: i64,
    pub penalty_minor: i64,
    pub penalty_reason: Option<String>,
    /// Why the figures change (the audit log keeps it).
    pub reason: String,
}

impl AdjustForm {
    /// The form as it stands on a commission.
    pub fn of(bonus_minor: i64, penalty_minor: i64, reason: Option<&str>, currency: &str) -> Self {
        let exp = currency_exponent(currency);
        Self {
            bonus: minor_to_input(bonus_minor, exp),
            penalty: minor_to_input(penalty_minor, exp),
            penalty_reason: reason.unwrap_or_default().to_string(),
            reason: String::new(),
        }
    }

    pub fn validate(&self, currency: &str) -> Result<Adjustment, FieldErrors> {
        let mut e = FieldErrors::default();
        let exp = currency_exponent(currency);
        let bonus = e.check("bonus", scaled_decimal(&self.bonus, exp, MAX_MINOR));
        let penalty = e.check("penalty", scaled_decimal(&self.penalty, exp, MAX_MINOR));
        let reason = e
            .check("penalty_reason", optional(&self.penalty_reason, 1_000))
            .flatten();
        let penalty = penalty.flatten().unwrap_or(0);
        if penalty > 0 && reason.is_none() {
            e.add(
                "penalty_reason",
                "Say why the penalty is set: the salesperson reads it on their statement.",
            );
        }
        let why = e.check(
            "reason",
            crate::web::form::required(&self.reason, "why the figures change", 1_000),
        );
        let (Some(why), true) = (why, e.is_empty()) else {
            return Err(e);
        };
        Ok(Adjustment {
            reason: why,
            bonus_minor: bonus.flatten().unwrap_or(0),
            penalty_minor: penalty,
            // A reason without a penalty has nothing to explain.
            penalty_reason: reason.filter(|_| penalty > 0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(bonus: &str, penalty: &str, reason: &str) -> AdjustForm {
        AdjustForm {
            bonus: bonus.into(),
            penalty: penalty.into(),
            penalty_reason: reason.into(),
            reason: "Quarter review".into(),
        }
    }

    #[test]
    fn a_penalty_needs_its_reason_and_amounts_are_exact() {
        let e = form("", "12.50", " ").validate("USD").expect_err("reason");
        assert!(e.has("penalty_reason"));
        let a = form("1,000.05", "12.50", "Refund of TXN001")
            .validate("USD")
            .expect("ok");
        assert_eq!((a.bonus_minor, a.penalty_minor), (100_005, 1_250));
        assert_eq!(a.penalty_reason.as_deref(), Some("Refund of TXN001"));
        let a = form("", "", "left over").validate("JPY").expect("ok");
        assert_eq!(
            (a.bonus_minor, a.penalty_minor, a.penalty_reason),
            (0, 0, None)
        );
        assert!(
            form("1.5", "", "")
                .validate("JPY")
                .expect_err("yen")
                .has("bonus")
        );
        assert!(
            form("-3", "", "")
                .validate("USD")
                .expect_err("negative")
                .has("bonus")
        );
        let mut unexplained = form("10", "", "");
        unexplained.reason = "  ".into();
        assert!(unexplained.validate("USD").expect_err("why").has("reason"));
    }
}
