//! Changing a pending payment: its creator edits it (a new receipt replaces the old, or the old
//! is removed) or deletes it. Once a verifier has decided it, it stays as it is (403).

use crate::domain::PaymentStatus;
use crate::domain::money::money;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde_json::json;

use super::form::PaymentForm;
use super::queries::{self, PaymentRecord};
use super::store::{self, PaymentValues, Receipt};
use super::{audit_json, form_page, read_form, receipt, rules};
use crate::AppState;
use crate::audit::{self, Actor, actions};
use crate::db::{self, AnyConnection, Books, PublicId, money_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::sales::balance;
use crate::sales::deals::activity::{self, Change};
use crate::sales::deals::queries::{self as deal_queries, DealRecord};
use crate::sales::deals::scope_request;
use crate::scope::RecordScope;
use crate::web::form::{FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

/// The payment and its deal, when the user may change it: 404 outside the scope, 403 for
/// someone else's or a decided payment.
/// Also what the deal's other payments commit, for the form's summary.
fn changeable(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    id: db::PublicId,
) -> Result<(PaymentRecord, DealRecord, (i64, i64)), AppError> {
    let payment = queries::find(conn, scope, id)?;
    if !payment.can_change(scope.user_id()) {
        return Err(AppError::Forbidden);
    }
    let deal = deal_queries::find_id(conn, scope, payment.deal_id)?;
    let committed = queries::committed(conn, &deal, Some(payment.id))?;
    Ok((payment, deal, committed))
}

/// The payment and its deal as they stand once the books are held: a verifier's decision or the
/// deal's cancel that landed since the request began is a 409, never overwritten.
fn still_changeable(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    seen: &PaymentRecord,
) -> Result<(PaymentRecord, DealRecord), AppError> {
    let payment = queries::find(conn, scope, seen.public_id)?;
    if payment.status != PaymentStatus::Pending {
        return Err(decided_meanwhile());
    }
    let deal = deal_queries::find_id(conn, scope, payment.deal_id)?;
    Ok((payment, deal))
}

/// What a user hears who changes a payment a verifier decided a moment before.
fn decided_meanwhile() -> AppError {
    AppError::Conflict(
        "A verifier decided this payment a moment ago, so it can no longer change. Open it to \
         see it as it now stands."
            .into(),
    )
}

pub async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsRecord)?;
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let (payment, deal, committed) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        changeable(conn, &scope, id)
    })
    .await?;
    let form = PaymentForm::of(&payment);
    render(&form_page(
        ctx,
        deal,
        committed,
        Some(payment),
        form,
        FieldErrors::default(),
    ))
}

pub async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsRecord)?;
    let request = scope_request(&ctx)?;
    let id = *path;
    let (form, stored) = read_form(&state, payload).await?;
    let actor = ctx.actor();
    let today = ctx.today();
    let f = form.clone();
    let upload_dir = state.config.upload_dir.clone();
    let (payment, deal, committed, outcome) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let (payment, deal, committed) = changeable(conn, &scope, id)?;
        let mut errors = FieldErrors::default();
        let values = f.validate(today, &deal.currency, &mut errors);
        let new_receipt = stored.unwrap_or_else(|e| {
            errors.merge(e);
            None
        });
        let edit = Edit {
            actor: &actor,
            today,
            receipt: new_receipt.as_ref().map(receipt::Held::receipt),
            remove_receipt: f.remove_receipt == "1",
        };
        let saved = match values.filter(|_| errors.is_empty()) {
            None => Err(FormError::Invalid(errors)),
            Some(v) => money_tx(conn, scope.org().id(), |conn, books| {
                edit.save(conn, books, &scope, &payment, &v)
            }),
        };
        if let Ok(Some(replaced)) = &saved {
            settle_receipts(&upload_dir, &payment, *replaced, new_receipt);
        }
        let saved = saved.map(|changed| changed.is_some());
        Ok((payment, deal, committed, split(saved)?))
    })
    .await?;
    match outcome {
        Ok(changed) => {
            if changed {
                Flash::success(
                    &ctx.session,
                    format!("Payment {} is saved.", payment.transaction_number),
                );
            }
            Ok(see_other(&format!("/sales/payments/{}", payment.public_id)))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, deal, committed, Some(payment), form, errors),
        ),
    }
}

/// Once an edit is committed, a replaced or removed receipt is no longer referenced and goes; a
/// new one stays (dropped without this, it is removed).
fn settle_receipts(
    upload_dir: &std::path::Path,
    payment: &PaymentRecord,
    replaced: bool,
    new_receipt: Option<receipt::Held>,
) {
    if replaced && let Some(old) = &payment.receipt_path {
        receipt::discard(upload_dir, old);
    }
    if let Some(r) = new_receipt {
        r.keep();
    }
}

/// An edit of a payment beside its checked values: who, when, and what becomes of the receipt.
struct Edit<'a> {
    actor: &'a Actor,
    today: NaiveDate,
    receipt: Option<Receipt>,
    remove_receipt: bool,
}

impl Edit<'_> {
    /// Saves the edit if the payment is still pending and the deal's rules allow it:
    /// `None` when nothing changed, else whether its receipt was replaced or removed.
    fn save(
        &self,
        conn: &mut AnyConnection,
        books: &Books,
        scope: &RecordScope,
        seen: &PaymentRecord,
        v: &PaymentValues,
    ) -> Result<Option<bool>, FormError> {
        let (payment, deal) = still_changeable(conn, scope, seen)?;
        let rule_errors = rules::check(conn, &deal, v, Some(payment.id))?;
        if !rule_errors.is_empty() {
            return Err(FormError::Invalid(rule_errors));
        }
        let receipt_change = match (&self.receipt, self.remove_receipt) {
            (Some(r), _) => Some(Some(r)),
            (None, true) => Some(None),
            (None, false) => None,
        };
        let receipt_after = match receipt_change {
            Some(r) => r.map(|r| r.path.clone()),
            None => payment.receipt_path.clone(),
        };
        let number = &payment.transaction_number;
        let before = audit_json(
            &store::values_of(&payment),
            number,
            payment.receipt_path.as_deref(),
        );
        let after = audit_json(v, number, receipt_after.as_deref());
        let Some((old, new)) = audit::changes(&before, &after) else {
            return Ok(None);
        };
        if !store::update(conn, &payment, v, receipt_change)
            .map_err(super::record::cheque_conflict)?
        {
            return Err(decided_meanwhile().into());
        }
        balance::recompute(conn, books, deal.id, self.today, &[payment.payment_date])?;
        crate::invoices::sync(conn, books.org(), payment.id)?;
        activity::log(
            conn,
            self.actor,
            &deal,
            Change {
                audit: actions::UPDATE,
                action: "payment_edited",
                description: Some(format!("Edited payment {number}")),
                old: Some(old),
                new,
                entity: Some(("payment", payment.public_id)),
            },
        )?;
        Ok(Some(receipt_change.is_some()))
    }
}

pub async fn delete(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsRecord)?;
    let request = scope_request(&ctx)?;
    let id = *path;
    let actor = ctx.actor();
    let today = ctx.today();
    let upload_dir = state.config.upload_dir.clone();
    let (payment, deal) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let (payment, _, _) = changeable(conn, &scope, id)?;
        let (payment, deal) = money_tx(conn, scope.org().id(), |conn, books| {
            let (payment, deal) = still_changeable(conn, &scope, &payment)?;
            if !store::delete(conn, &payment)? {
                return Err(decided_meanwhile());
            }
            balance::recompute(conn, books, deal.id, today, &[payment.payment_date])?;
            activity::log(
                conn,
                &actor,
                &deal,
                Change {
                    audit: actions::DELETE,
                    action: "payment_deleted",
                    description: Some(format!(
                        "Deleted payment {} of {}",
                        payment.transaction_number,
                        money(payment.amount_minor, &payment.currency)
                    )),
                    old: Some(audit_json(
                        &store::values_of(&payment),
                        &payment.transaction_number,
                        payment.receipt_path.as_deref(),
                    )),
                    new: json!({}),
                    entity: Some(("payment", payment.public_id)),
                },
            )?;
            Ok::<_, AppError>((payment, deal))
        })?;
        if let Some(r) = &payment.receipt_path {
            receipt::discard(&upload_dir, r);
        }
        Ok((payment, deal))
    })
    .await?;
    Flash::success(
        &ctx.session,
        format!("Payment {} is deleted.", payment.transaction_number),
    );
    Ok(see_other(&format!("/sales/deals/{}", deal.public_id)))
}
