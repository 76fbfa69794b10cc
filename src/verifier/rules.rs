//! Who may decide a payment, the one rule the payment page and the decision both ask: a payment
//! still pending, on a deal not cancelled, recorded by someone else, and (at a second step) not
//! already approved by this verifier: two people, always.

use crate::domain::{DealStatus, PaymentStatus};
use actix_web::http::StatusCode;

use crate::sales::payments::queries::{ApprovalRow, PaymentRecord};

/// Why a verifier cannot decide a payment now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bar {
    /// Decided already; its status in words ("verified").
    Decided(String),
    /// The deal was cancelled: its deal number.
    DealCancelled(String),
    OwnPayment,
    ApprovedAlready,
}

impl Bar {
    /// What the verifier reads; `Decided` is worded by the caller, who knows whether the payment
    /// moved on while they looked at it.
    pub fn message(&self) -> String {
        match self {
            Self::Decided(status) => {
                format!("This payment is {status}; there is nothing to decide.")
            }
            Self::DealCancelled(deal) => {
                format!("Deal {deal} was cancelled, so its payments can no longer be decided.")
            }
            Self::OwnPayment => {
                "You recorded this payment, so another verifier must decide it.".into()
            }
            Self::ApprovedAlready => {
                "You approved this payment already; a second, different verifier must approve it."
                    .into()
            }
        }
    }

    /// The answer to a decision refused for this reason.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::OwnPayment => StatusCode::FORBIDDEN,
            _ => StatusCode::CONFLICT,
        }
    }
}

/// Whether `user` may decide `payment` of a deal in `deal_status` (`deal_number` to name it),
/// given the approvals it has.
pub fn may_decide(
    user: i64,
    payment: &PaymentRecord,
    deal_status: DealStatus,
    deal_number: &str,
    approvals: &[ApprovalRow],
) -> Result<(), Bar> {
    if payment.status != PaymentStatus::Pending {
        return Err(Bar::Decided(payment.status.label().to_lowercase()));
    }
    if payment.created_by_id == user {
        return Err(Bar::OwnPayment);
    }
    if deal_status == DealStatus::Cancelled {
        return Err(Bar::DealCancelled(deal_number.to_string()));
    }
    if approvals.iter().any(|a| a.approver_id == user) {
        return Err(Bar::ApprovedAlready);
    }
    Ok(())
}
