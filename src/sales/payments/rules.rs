//! The rules a payment must keep against its deal and the organization's other payments,
//! checked inside the transaction that saves it (so two payments recorded at once cannot both
//! take the same remainder): an open deal, nothing past the deal amount, a final payment that
//! completes the deal, a cheque number used once.

use super::queries;
use super::store::PaymentValues;
use crate::db::AnyConnection;
use crate::domain::money::money;
use crate::domain::{DealStatus, PaymentCategory};
use crate::error::AppError;
use crate::sales::balance::counted_minor;
use crate::sales::deals::queries::DealRecord;
use crate::web::FieldErrors;

/// Field errors for `v` on `deal`; `except` is the payment being edited.
pub fn check(
    conn: &mut AnyConnection,
    deal: &DealRecord,
    v: &PaymentValues,
    except: Option<i64>,
) -> Result<FieldErrors, AppError> {
    let mut e = FieldErrors::default();
    if let Some(message) = closed(deal) {
        e.add("deal", message);
        return Ok(e);
    }
    let (verified, pending) = queries::committed(conn, deal, except)?;
    let this = counted_minor(
        v.amount_minor,
        &v.currency,
        v.exchange_rate_e4,
        &deal.currency,
    );
    let left = (deal.amount_minor - verified - pending).max(0);
    if this > left {
        e.add(
            "amount",
            format!(
                "Only {} is left to pay on this deal ({} verified, {} pending).",
                money(left, &deal.currency),
                money(verified, &deal.currency),
                money(pending, &deal.currency)
            ),
        );
    } else if v.category == PaymentCategory::Final && this != left {
        e.add(
            "category",
            format!(
                "A final payment completes the deal: it must be {}. Choose partial for less.",
                money(left, &deal.currency)
            ),
        );
    }
    if let Some(number) = &v.cheque_number
        && queries::cheque_taken(conn, deal.organization_id, number, except)?
    {
        e.add(
            "cheque_number",
            "A payment with this cheque number is already recorded; check the number.",
        );
    }
    Ok(e)
}

/// Why no payment can be recorded on the deal any more, if so.
pub fn closed(deal: &DealRecord) -> Option<&'static str> {
    match deal.status {
        DealStatus::Cancelled => Some("This deal is cancelled: no payment can be recorded on it."),
        DealStatus::Completed => Some("This deal is completed: it is paid in full."),
        DealStatus::Pending | DealStatus::InProgress => None,
    }
}
