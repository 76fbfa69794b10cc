//! The decision form: approve (optionally with the amount actually received) or reject with a
//! failure reason and a comment.

use serde::Deserialize;

use crate::domain::money::{TOO_LARGE, currency_exponent, scaled_decimal};
use crate::web::FieldErrors;
use crate::web::form::optional;

/// The failure reasons of a rejection, as the seed names them.
pub const FAILURE_REASONS: [(&str, &str); 6] = [
    ("insufficient_funds", "Insufficient funds"),
    ("bank_decline", "Bank decline"),
    ("technical_error", "Technical error"),
    ("cheque_bounce", "Cheque bounce"),
    ("received_not_reflected", "Received but not reflected"),
    ("other", "Other"),
];

pub fn reason_label(code: &str) -> &'static str {
    FAILURE_REASONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Other", |(_, l)| l)
}

const COMMENT_MAX: usize = 1_000;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub decision: String,
    pub received: String,
    pub failure_reason: String,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// `received`: the amount that arrived, in the payment's currency, where it differs.
    Approve {
        received: Option<i64>,
        comment: Option<String>,
    },
    Reject {
        reason: String,
        comment: String,
    },
}

impl DecisionForm {
    /// The decision, or the form's errors. `amount_minor` and `currency` are the payment's.
    pub fn validate(&self, amount_minor: i64, currency: &str) -> Result<Decision, FieldErrors> {
        let mut e = FieldErrors::default();
        let comment = e
            .check("comment", optional(&self.comment, COMMENT_MAX))
            .flatten();
        let decision = match self.decision.as_str() {
            "approve" => {
                let exponent = currency_exponent(currency);
                let received = match scaled_decimal(&self.received, exponent, amount_minor) {
                    Ok(Some(0)) => {
                        e.add(
                            "received",
                            "Enter an amount greater than zero, or leave it empty.",
                        );
                        None
                    }
                    Ok(r) => r.filter(|r| *r != amount_minor),
                    Err(msg) if msg == TOO_LARGE => {
                        e.add(
                            "received",
                            "Enter at most the amount recorded; more than that is a new payment \
                             for the salesperson to record.",
                        );
                        None
                    }
                    Err(msg) => {
                        e.add("received", msg);
                        None
                    }
                };
                Decision::Approve { received, comment }
            }
            "reject" => {
                let reason = match FAILURE_REASONS
                    .iter()
                    .find(|(c, _)| *c == self.failure_reason)
                {
                    Some((c, _)) => c.to_string(),
                    None => {
                        e.add("failure_reason", "Choose why the payment failed.");
                        String::new()
                    }
                };
                let comment = match comment {
                    Some(c) => c,
                    None => {
                        if !e.has("comment") {
                            e.add(
                                "comment",
                                "Say what went wrong: the salesperson reads this comment.",
                            );
                        }
                        String::new()
                    }
                };
                Decision::Reject { reason, comment }
            }
            _ => {
                e.add("decision", "Choose approve or reject.");
                return Err(e);
            }
        };
        if e.is_empty() { Ok(decision) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(decision: &str, received: &str, reason: &str, comment: &str) -> DecisionForm {
        DecisionForm {
            decision: decision.into(),
            received: received.into(),
            failure_reason: reason.into(),
            comment: comment.into(),
        }
    }

    #[test]
    fn an_approval_may_record_less_received() {
        assert_eq!(
            form("approve", "", "", "").validate(10_000, "USD").ok(),
            Some(Decision::Approve {
                received: None,
                comment: None
            })
        );
        assert_eq!(
            form("approve", "99.50", "", "ok")
                .validate(10_000, "USD")
                .ok(),
            Some(Decision::Approve {
                received: Some(9_950),
                comment: Some("ok".into())
            })
        );
        // The whole amount is no difference.
        assert_eq!(
            form("approve", "100", "", "").validate(10_000, "USD").ok(),
            Some(Decision::Approve {
                received: None,
                comment: None
            })
        );
        let e = form("approve", "100.01", "", "")
            .validate(10_000, "USD")
            .unwrap_err();
        assert!(e.has("received"));
        let e = form("approve", "0", "", "")
            .validate(10_000, "USD")
            .unwrap_err();
        assert!(e.has("received"));
    }

    #[test]
    fn a_rejection_needs_a_reason_and_a_comment() {
        let e = form("reject", "", "", " ")
            .validate(10_000, "USD")
            .unwrap_err();
        assert!(e.has("failure_reason") && e.has("comment"));
        assert_eq!(
            form("reject", "", "cheque_bounce", "Bounced")
                .validate(10_000, "USD")
                .ok(),
            Some(Decision::Reject {
                reason: "cheque_bounce".into(),
                comment: "Bounced".into()
            })
        );
        assert!(
            form("maybe", "", "", "")
                .validate(1, "USD")
                .unwrap_err()
                .has("decision")
        );
    }
}
