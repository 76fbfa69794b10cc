//! The decision form: approve (optionally with the amount actually received) or reject with a
//! failure reason and a comment.

use serde::Deserialize;

use crate::domain::FailureReason;
use crate::domain::money::{TOO_LARGE, currency_exponent, scaled_decimal};
use crate::web::FieldErrors;
use crate::web::form::optional;

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
        reason: FailureReason,
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
                let reason = FailureReason::parse(&self.failure_reason);
                if reason.is_none() {
                    e.add("failure_reason", "Choose why the payment failed.");
                }
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
                Decision::Reject {
                    reason: reason.unwrap_or(FailureReason::Other),
                    comment,
                }
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
                reason: FailureReason::ChequeBounce,
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
