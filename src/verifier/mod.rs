//! `/verifier` (payments.verify): the verifier's queue and decisions. A verifier sees every
//! payment of the organization, opens one beside its receipt and approves it (recording the
//! amount actually received when it differs) or rejects it with a failure reason and a comment.
//! `decide` carries a decision through everything it sets off, in one transaction.

mod bulk;
mod dashboard;
pub mod decide;
pub mod form;
pub mod queries;
mod queue;
mod reversal;
pub mod rollup;
pub mod rules;
mod summary;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use self::decide::{Outcome, Refused, Verifier};
use self::form::DecisionForm;
use self::reversal::ReversalForm;
use self::rules::may_decide;
use crate::AppState;
use crate::db::{self, AnyConnection, PublicId};
use crate::domain::Money;
use crate::domain::money::money;
use crate::domain::money::{currency_exponent, minor_to_input};
use crate::domain::{FailureReason, PaymentStatus};
use crate::error::AppError;
use crate::invoices;
use crate::permissions::Permission;
use crate::sales::deals::queries::{DealRecord, find_in_org, names};
use crate::sales::payments::form::rate_to_input;
use crate::sales::payments::queries::{self as payment_queries, ApprovalRow, PaymentRecord};
use crate::sales::payments::receipt;
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, Flash, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/verifier", web::get().to(queue::queue))
        .route("/verifier/bulk", web::post().to(bulk::bulk))
        .route("/verifier/dashboard", web::get().to(dashboard::show))
        .route("/verifier/payments/{id}", web::get().to(show))
        .route("/verifier/payments/{id}/decision", web::post().to(decision))
        .route("/verifier/payments/{id}/reversal", web::post().to(reversal))
        .route(
            "/verifier/payments/{id}/receipt",
            web::get().to(receipt_file),
        );
}

pub struct Step {
    pub row: ApprovalRow,
    pub who: String,
    pub when: When,
}

#[derive(Template)]
#[template(path = "verifier/payment.html")]
struct PaymentPage {
    ctx: Ctx,
    payment: PaymentRecord,
    deal: DealRecord,
    client: String,
    seller: String,
    amount: Money,
    received: Option<Money>,
    rate: String,
    category: &'static str,
    method: &'static str,
    status: &'static str,
    failure: Option<&'static str>,
    /// "DLID0042: 2,000.00 USD, 500.00 USD verified so far".
    deal_line: String,
    invoice: Option<invoices::queries::InvoiceSummary>,
    steps: Vec<Step>,
    /// Why this verifier cannot decide it, when they cannot.
    blocked: Option<String>,
    /// A refusal or conflict to show above the form.
    notice: Option<String>,
    form: DecisionForm,
    errors: FieldErrors,
    /// A verified payment may be taken back (refunded, bad debt) by another verifier.
    can_reverse: bool,
    reversal: ReversalForm,
    reversal_errors: FieldErrors,
    reason_options: Vec<(String, String)>,
    is_image: bool,
}

/// Everything the payment page shows, as it now stands.
struct Loaded {
    payment: PaymentRecord,
    deal: DealRecord,
    client: String,
    seller: String,
    invoice: Option<invoices::queries::InvoiceSummary>,
    approvals: Vec<ApprovalRow>,
}

fn load(
    conn: &mut AnyConnection,
    org: crate::web::OrgScope,
    id: PublicId,
) -> Result<Loaded, AppError> {
    let payment = queries::find(conn, org, id)?;
    let deal = find_in_org(conn, org, payment.deal_id)?;
    let (_, client, _) = names(conn, &deal)?;
    let seller = crate::sales::clients::queries::owner_name(
        conn,
        payment.organization_id,
        payment.created_by_id,
    )?;
    let invoice = invoices::queries::summary(conn, org, payment.id)?;
    let approvals = payment_queries::approvals(conn, &payment)?;
    Ok(Loaded {
        payment,
        deal,
        client,
        seller,
        invoice,
        approvals,
    })
}

/// The forms of the page as the user left them, with their errors.
#[derive(Default)]
struct Forms {
    decision: DecisionForm,
    errors: FieldErrors,
    reversal: ReversalForm,
    reversal_errors: FieldErrors,
}

fn page(ctx: Ctx, l: Loaded, forms: Forms, notice: Option<String>) -> PaymentPage {
    let p = &l.payment;
    let can_reverse = p.status == PaymentStatus::Verified && p.created_by_id != ctx.user.id;
    let blocked = may_decide(
        ctx.user.id,
        p,
        l.deal.status,
        &l.deal.deal_number,
        &l.approvals,
    )
    .err()
    .map(|bar| bar.message());
    let steps = l
        .approvals
        .into_iter()
        .map(|row| Step {
            who: format!("{} {}", row.first_name, row.last_name),
            when: ctx.local_time(Some(row.created_at)),
            row,
        })
        .collect();
    PaymentPage {
        amount: Money::new(p.amount_minor, &p.currency),
        received: p.received_amount_minor.map(|r| Money::new(r, &p.currency)),
        rate: rate_to_input(p.exchange_rate_e4),
        category: p.category.label(),
        method: p.method.label(),
        status: p.status.label(),
        failure: p.failure_reason.map(FailureReason::label),
        is_image: p
            .receipt_content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("image/")),
        blocked,
        notice,
        steps,
        form: forms.decision,
        errors: forms.errors,
        can_reverse,
        reversal: forms.reversal,
        reversal_errors: forms.reversal_errors,
        reason_options: {
            let mut o = vec![(String::new(), "Choose a reason".to_string())];
            o.extend(crate::domain::choices::coded::<FailureReason>());
            o
        },
        deal_line: format!(
            "{}: {}, {} verified so far",
            l.deal.deal_number,
            money(l.deal.amount_minor, &l.deal.currency),
            money(l.deal.paid_minor, &l.deal.currency)
        ),
        invoice: l.invoice,
        client: l.client,
        seller: l.seller,
        deal: l.deal,
        payment: l.payment,
        ctx,
    }
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsVerify)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let loaded = db::run(&state.pool, move |conn| load(conn, org, id)).await?;
    let forms = Forms {
        decision: DecisionForm {
            decision: "approve".into(),
            received: minor_to_input(
                loaded.payment.amount_minor,
                currency_exponent(&loaded.payment.currency),
            ),
            ..DecisionForm::default()
        },
        ..Forms::default()
    };
    render_status(StatusCode::OK, &page(ctx, loaded, forms, None))
}

/// Runs a verifier's action on the payment of `raw`; a refused action comes back with the
/// payment as it now stands, to show the page again beside the reason.
async fn act<T: Send + 'static>(
    ctx: &Ctx,
    state: &AppState,
    id: PublicId,
    action: impl FnOnce(&mut AnyConnection, &Verifier, &PaymentRecord) -> Result<T, Refused>
    + Send
    + 'static,
) -> Result<(PublicId, Result<T, (Refused, Loaded)>), AppError> {
    ctx.require(Permission::PaymentsVerify)?;
    let who = Verifier {
        org: ctx.scope()?,
        user_id: ctx.user.id,
        actor: ctx.actor(),
        today: ctx.today(),
    };
    let result = db::run(&state.pool, move |conn| {
        // Unknown here is not found, before any form is read.
        let payment = queries::find(conn, who.org, id)?;
        match action(conn, &who, &payment) {
            Ok(v) => Ok(Ok(v)),
            Err(Refused::App(e)) => Err(e),
            Err(refused) => Ok(Err((refused, load(conn, who.org, id)?))),
        }
    })
    .await?;
    Ok((id, result))
}

async fn decision(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let f = form.clone();
    let (_, result) = act(&ctx, &state, *path, move |conn, who, payment| {
        let d = f
            .validate(payment.amount_minor, &payment.currency)
            .map_err(Refused::Invalid)?;
        let outcome = decide::decide(conn, who, payment.public_id, &d)?;
        let invoice = crate::invoices::queries::summary(conn, who.org, payment.id)
            .map_err(|e| Refused::App(e.into()))?
            .map(|i| i.public_id);
        Ok((outcome, invoice))
    })
    .await?;
    match result {
        Ok((outcome, invoice)) => {
            let message = match outcome {
                Outcome::Verified => "Payment verified; its invoice is issued.",
                Outcome::AwaitingSecond => {
                    "Approved. Above the organization's threshold, a second verifier must approve it too."
                }
                Outcome::Rejected => "Payment rejected; the salesperson is told why.",
            };
            match invoice.filter(|_| outcome == Outcome::Verified) {
                Some(invoice) => Flash::success_with_link(
                    &ctx.session,
                    message,
                    format!("/invoices/{invoice}"),
                    "Open the invoice",
                ),
                None => Flash::success(&ctx.session, message),
            }
            Ok(see_other("/verifier"))
        }
        Err((refused, l)) => {
            let forms = Forms {
                decision: form,
                ..Forms::default()
            };
            refusal(ctx, l, forms, refused, |f, e| f.errors = e)
        }
    }
}

/// The page again with why the action was refused: its field errors (422), or the message with
/// its status (403, 409).
fn refusal(
    ctx: Ctx,
    l: Loaded,
    mut forms: Forms,
    refused: Refused,
    set_errors: impl FnOnce(&mut Forms, FieldErrors),
) -> Result<HttpResponse, AppError> {
    match refused {
        Refused::Invalid(errors) => {
            set_errors(&mut forms, errors);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(ctx, l, forms, None))
        }
        Refused::Not(status, message) => render_status(status, &page(ctx, l, forms, Some(message))),
        Refused::Rows(rows) => {
            let message = rows
                .into_iter()
                .map(|(_, why)| why)
                .collect::<Vec<_>>()
                .join(" ");
            render_status(StatusCode::CONFLICT, &page(ctx, l, forms, Some(message)))
        }
        Refused::App(e) => Err(e),
    }
}

async fn reversal(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<ReversalForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let f = form.clone();
    let (id, result) = act(&ctx, &state, *path, move |conn, who, payment| {
        reversal::reverse(conn, who, payment.public_id, &f)
    })
    .await?;
    match result {
        Ok(to) => {
            Flash::success(
                &ctx.session,
                format!(
                    "Payment marked {}; its deal, client and invoice follow.",
                    to.label().to_lowercase()
                ),
            );
            Ok(see_other(&format!("/verifier/payments/{id}")))
        }
        Err((refused, l)) => {
            let forms = Forms {
                reversal: form,
                ..Forms::default()
            };
            refusal(ctx, l, forms, refused, |f, e| f.reversal_errors = e)
        }
    }
}

/// The receipt, to a verifier; each opening is in the audit log.
async fn receipt_file(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsVerify)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let actor = ctx.actor();
    let payment = db::run(&state.pool, move |conn| {
        let payment = queries::find(conn, org, id)?;
        receipt::audit_view(conn, &actor, &payment)?;
        Ok(payment)
    })
    .await?;
    receipt::of_payment(&state.config.upload_dir, &payment)
}
