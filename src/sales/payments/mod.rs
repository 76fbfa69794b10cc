//! `/sales/payments` (payments.record): payments recorded on the deals of the user's scope,
//! numbered TXN000001… per organization, with a receipt; the creator edits or deletes them while
//! they wait for a verifier. Every change recomputes the deal and its client in the same
//! transaction (`balance::recompute`) and lands in the deal's activity log and the audit log.

mod change;
pub mod form;
mod list;
pub mod queries;
pub(crate) mod receipt;
mod record;
mod rules;
mod search;
pub mod store;

pub use self::rules::closed;

use crate::domain::Money;
use crate::domain::money::money;
use crate::domain::{PaymentCategory, PaymentMethod, choices};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::json;

use self::form::PaymentForm;
use self::queries::PaymentRecord;
use self::store::PaymentValues;
use super::balance;
use super::deals::queries::{self as deal_queries, DealRecord};
use super::deals::scope_request;
use crate::AppState;
use crate::db::{self, PublicId};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::form::{FormError, split};
use crate::web::upload::Upload;
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sales/payments", web::get().to(list::list))
        .route("/sales/deals/{id}/payments/new", web::get().to(new))
        .route("/sales/deals/{id}/payments", web::post().to(create))
        .route("/sales/payments/{id}", web::get().to(show))
        .route("/sales/payments/{id}", web::post().to(change::update))
        .route("/sales/payments/{id}/edit", web::get().to(change::edit))
        .route(
            "/sales/payments/{id}/delete",
            web::post().to(change::delete),
        )
        .route("/sales/payments/{id}/receipt", web::get().to(receipt));
}

#[derive(Template)]
#[template(path = "sales/payments/form.html")]
struct FormPage {
    ctx: Ctx,
    deal: DealRecord,
    /// The payment being edited; `None` for a new one.
    payment: Option<PaymentRecord>,
    form: PaymentForm,
    errors: FieldErrors,
    closed: Option<&'static str>,
    summary: String,
    category_options: Vec<(String, String)>,
    method_options: Vec<(String, String)>,
    max_mb: usize,
}

/// "2,000.00 USD: 500.00 USD verified, 300.00 USD waiting; 1,200.00 USD left to record".
fn summary(deal: &DealRecord, (verified, pending): (i64, i64)) -> String {
    let left = (deal.amount_minor - verified - pending).max(0);
    format!(
        "{}: {} verified, {} waiting; {} left to record",
        money(deal.amount_minor, &deal.currency),
        money(verified, &deal.currency),
        money(pending, &deal.currency),
        money(left, &deal.currency)
    )
}

fn form_page(
    ctx: Ctx,
    deal: DealRecord,
    committed: (i64, i64),
    payment: Option<PaymentRecord>,
    form: PaymentForm,
    errors: FieldErrors,
) -> FormPage {
    FormPage {
        ctx,
        closed: rules::closed(&deal),
        summary: summary(&deal, committed),
        deal,
        payment,
        form,
        errors,
        category_options: choices::coded::<PaymentCategory>(),
        method_options: choices::coded::<PaymentMethod>(),
        max_mb: receipt::MAX_BYTES / (1024 * 1024),
    }
}

async fn new(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsRecord)?;
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let (deal, committed) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let deal = deal_queries::find(conn, &scope, id)?;
        let committed = queries::committed(conn, &deal, None)?;
        Ok((deal, committed))
    })
    .await?;
    let form = PaymentForm::blank(ctx.today(), &deal.currency, deal.payment_method);
    render(&form_page(
        ctx,
        deal,
        committed,
        None,
        form,
        FieldErrors::default(),
    ))
}

/// The payment as the audit and activity logs keep it.
pub(crate) fn audit_json(
    v: &PaymentValues,
    number: &str,
    receipt: Option<&str>,
) -> serde_json::Value {
    json!({
        "transaction_number": number,
        "amount": money(v.amount_minor, &v.currency),
        "exchange_rate": form::rate_to_input(v.exchange_rate_e4),
        "category": v.category,
        "method": v.method,
        "payment_date": v.payment_date.to_string(),
        "cheque_number": v.cheque_number,
        "bank_reference": v.bank_reference,
        "notes": v.notes,
        "receipt": receipt,
    })
}

/// Reads a payment form with its receipt; the receipt is stored at once when its bytes are an
/// accepted type (`Err` with the field error when they are not), and removed again unless the
/// payment naming it is committed.
async fn read_form(
    state: &AppState,
    payload: Multipart,
) -> Result<(PaymentForm, Result<Option<receipt::Held>, FieldErrors>), AppError> {
    let upload = Upload::read(payload, "receipt", receipt::MAX_BYTES).await?;
    let form: PaymentForm = upload.form()?;
    let stored = match &upload.file {
        None => Ok(None),
        Some((bytes, _)) => match receipt::store(&state.config.upload_dir, bytes)? {
            Some(r) => Ok(Some(r)),
            None => {
                let mut e = FieldErrors::default();
                e.add("receipt", receipt::REFUSED);
                Err(e)
            }
        },
    };
    Ok((form, stored))
}

async fn create(
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
    let (deal, committed, outcome) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let deal = deal_queries::find(conn, &scope, id)?;
        let committed = queries::committed(conn, &deal, None)?;
        let mut errors = FieldErrors::default();
        let values = f.validate(today, &deal.currency, &mut errors);
        let receipt = stored.unwrap_or_else(|e| {
            errors.merge(e);
            None
        });
        let saved = match values.filter(|_| errors.is_empty()) {
            None => Err(FormError::Invalid(errors)),
            Some(v) => {
                let new = record::NewPayment {
                    deal_id: deal.id,
                    values: &v,
                    receipt: receipt.as_ref(),
                    today,
                };
                new.record(conn, &actor, &scope)
            }
        };
        if saved.is_ok()
            && let Some(r) = receipt
        {
            r.keep();
        }
        Ok((deal, committed, split(saved)?))
    })
    .await?;
    match outcome {
        Ok(payment) => {
            Flash::success(
                &ctx.session,
                format!(
                    "Payment {} is recorded and waits for a verifier.",
                    payment.transaction_number
                ),
            );
            Ok(see_other(&format!("/sales/deals/{}", deal.public_id)))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, deal, committed, None, form, errors),
        ),
    }
}

#[derive(Template)]
#[template(path = "sales/payments/show.html")]
struct ShowPage {
    ctx: Ctx,
    payment: PaymentRecord,
    deal: DealRecord,
    client: String,
    creator: String,
    amount: Money,
    counted: Option<Money>,
    rate: String,
    can_change: bool,
    invoice: Option<crate::invoices::queries::InvoiceSummary>,
    /// The verifiers' decisions: (step, decision, who, comment).
    decisions: Vec<(i32, String, String, Option<String>)>,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let (payment, deal, (_, client, _), creator, invoice, decisions) =
        db::run(&state.pool, move |conn| {
            let scope = request.resolve(conn)?;
            let payment = queries::find(conn, &scope, id)?;
            let deal = deal_queries::find_id(conn, &scope, payment.deal_id)?;
            let names = deal_queries::names(conn, &deal)?;
            let creator = crate::sales::clients::queries::owner_name(
                conn,
                payment.organization_id,
                payment.created_by_id,
            )?;
            let invoice = crate::invoices::queries::summary(conn, scope.org(), payment.id)?;
            let decisions = queries::approvals(conn, &payment)?
                .into_iter()
                .map(|a| {
                    let who = format!("{} {}", a.first_name, a.last_name);
                    (a.step, a.decision, who, a.comments)
                })
                .collect::<Vec<_>>();
            Ok((payment, deal, names, creator, invoice, decisions))
        })
        .await?;
    let counted = (payment.currency != deal.currency).then(|| {
        Money::new(
            balance::counted_minor(
                payment.amount_minor,
                &payment.currency,
                payment.exchange_rate_e4,
                &deal.currency,
            ),
            &deal.currency,
        )
    });
    render(&ShowPage {
        amount: Money::new(payment.amount_minor, &payment.currency),
        rate: form::rate_to_input(payment.exchange_rate_e4),
        can_change: payment.can_change(ctx.user.id) && ctx.can(Permission::PaymentsRecord),
        invoice,
        decisions,
        ctx,
        counted,
        payment,
        deal,
        client,
        creator,
    })
}

/// The receipt, to users who see the payment; each opening is in the audit log.
async fn receipt(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let actor = ctx.actor();
    let payment = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let payment = queries::find(conn, &scope, id)?;
        receipt::audit_view(conn, &actor, &payment)?;
        Ok(payment)
    })
    .await?;
    receipt::of_payment(&state.config.upload_dir, &payment)
}
