//! A payment's rows written: recorded, edited and deleted while pending (a decision taken
//! meanwhile wins, and the edit changes nothing).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::queries::PaymentRecord;
use crate::db::{AnyConnection, PublicId, now};
use crate::domain::{PaymentCategory, PaymentMethod, PaymentStatus};
use crate::sales::deals::queries::DealRecord;
use crate::schema::payments;
use crate::scope::RecordScope;

/// A payment's values as the form gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentValues {
    pub category: PaymentCategory,
    pub method: PaymentMethod,
    pub amount_minor: i64,
    pub currency: String,
    pub exchange_rate_e4: i64,
    pub payment_date: NaiveDate,
    pub cheque_number: Option<String>,
    pub bank_reference: Option<String>,
    pub notes: Option<String>,
}

pub fn values_of(p: &PaymentRecord) -> PaymentValues {
    PaymentValues {
        category: p.category,
        method: p.method,
        amount_minor: p.amount_minor,
        currency: p.currency.clone(),
        exchange_rate_e4: p.exchange_rate_e4,
        payment_date: p.payment_date,
        cheque_number: p.cheque_number.clone(),
        bank_reference: p.bank_reference.clone(),
        notes: p.notes.clone(),
    }
}

/// A stored receipt: the file's name under the receipts folder and its sniffed type.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub path: String,
    pub content_type: String,
}

pub fn insert(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    deal: &DealRecord,
    number: &str,
    v: &PaymentValues,
    receipt: Option<&Receipt>,
) -> QueryResult<PaymentRecord> {
    let t = now();
    diesel::insert_into(payments::table)
        .values((
            payments::public_id.eq(PublicId::new()),
            payments::organization_id.eq(scope.org().id()),
            payments::transaction_number.eq(number),
            payments::deal_id.eq(deal.id),
            payments::owner_id.eq(deal.created_by_id),
            payments::amount_minor.eq(v.amount_minor),
            payments::currency.eq(&v.currency),
            payments::exchange_rate_e4.eq(v.exchange_rate_e4),
            payments::category.eq(&v.category),
            payments::method.eq(&v.method),
            payments::status.eq(PaymentStatus::Pending),
            payments::payment_date.eq(v.payment_date),
            payments::cheque_number.eq(&v.cheque_number),
            payments::bank_reference.eq(&v.bank_reference),
            payments::receipt_path.eq(receipt.map(|r| r.path.clone())),
            payments::receipt_content_type.eq(receipt.map(|r| r.content_type.clone())),
            payments::notes.eq(&v.notes),
            payments::created_by_id.eq(scope.user_id()),
            payments::created_at.eq(t),
            payments::updated_at.eq(t),
        ))
        .returning(payments::all_columns)
        .get_result(conn)
}

/// The payment's own row while it is still pending: an edit or a delete that finds it decided
/// meanwhile changes nothing.
macro_rules! while_pending {
    ($payment:expr) => {
        payments::table
            .filter(payments::organization_id.eq($payment.organization_id))
            .filter(payments::id.eq($payment.id))
            .filter(payments::status.eq(PaymentStatus::Pending))
    };
}

/// Saves an edit of a pending payment; `receipt` replaces the stored one when given
/// (`Some(None)` removes it). False when the payment is no longer pending (decided meanwhile).
pub fn update(
    conn: &mut AnyConnection,
    payment: &PaymentRecord,
    v: &PaymentValues,
    receipt: Option<Option<&Receipt>>,
) -> QueryResult<bool> {
    let moved = diesel::update(while_pending!(payment))
        .set((
            payments::amount_minor.eq(v.amount_minor),
            payments::currency.eq(&v.currency),
            payments::exchange_rate_e4.eq(v.exchange_rate_e4),
            payments::category.eq(&v.category),
            payments::method.eq(&v.method),
            payments::payment_date.eq(v.payment_date),
            payments::cheque_number.eq(&v.cheque_number),
            payments::bank_reference.eq(&v.bank_reference),
            payments::notes.eq(&v.notes),
            payments::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if moved == 0 {
        return Ok(false);
    }
    if let Some(r) = receipt {
        diesel::update(while_pending!(payment))
            .set((
                payments::receipt_path.eq(r.map(|r| r.path.clone())),
                payments::receipt_content_type.eq(r.map(|r| r.content_type.clone())),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

/// Deletes a pending payment; false when it is no longer pending (decided meanwhile).
pub fn delete(conn: &mut AnyConnection, payment: &PaymentRecord) -> QueryResult<bool> {
    Ok(diesel::delete(while_pending!(payment)).execute(conn)? == 1)
}
