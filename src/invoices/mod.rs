//! Invoices (DESIGN.md, "How records move"): every payment has one from the moment it is
//! recorded, numbered INV-2026-0001 per organization and year. It follows its payment through
//! `sync`, the one function that every payment change calls in its own transaction: pending while
//! the payment waits (its figures kept up to date), issued with the organization's tax rate when
//! the payment is verified (on the amount received, where the verifier recorded one), rejected
//! with it, refunded with it, void when it is written off as bad debt. Once issued its figures
//! never change again; only its status follows.
//!
//! `/invoices`: verifiers and invoice managers see the organization's; a salesperson those of
//! the deals their scope holds. Each invoice has a page that prints cleanly and a PDF.

mod list;
pub mod lookup;
pub mod pdf;
pub mod queries;
pub mod rules;

pub use self::queries::{backfill, sync};
pub use self::rules::{figures, status_for, tax_minor};

use actix_web::{HttpResponse, web};
use askama::Template;

use self::lookup::InvoiceDetail;
use self::pdf::Document;
use crate::AppState;
use crate::db::{self, PublicId};
use crate::domain::money::bp_to_percent;
use crate::domain::money::money;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::scope::ScopeRequest;
use crate::web::{Ctx, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/invoices", web::get().to(list::list))
        .route("/invoices/{id}", web::get().to(show))
        .route("/invoices/{id}/pdf", web::get().to(download));
}

/// Whose invoices the viewer sees: a verifier's or an invoice manager's, the organization's; a
/// salesperson's, those of the deals their record scope holds.
fn viewer(ctx: &Ctx) -> Result<ScopeRequest, AppError> {
    if ctx
        .perms
        .any(&[Permission::PaymentsVerify, Permission::InvoicesManage])
    {
        return ScopeRequest::organization(ctx);
    }
    ctx.require_any(&[Permission::PaymentsRecord, Permission::DealsViewAll])?;
    ScopeRequest::of(ctx, Permission::DealsViewAll)
}

/// How the invoice reckoned its tax, as the organization's setting was when it was made.
fn tax_rule(included: bool) -> &'static str {
    if included {
        "included in the amount paid"
    } else {
        "added to the amount paid"
    }
}

/// The invoice's text, the same on the page and in the PDF.
fn document(d: &InvoiceDetail, timezone: chrono_tz::Tz) -> Document {
    let i = &d.invoice;
    let m = |minor: i64| money(minor, &i.currency);
    let issued = i.issued_at.map_or_else(
        || "not yet: the payment waits for verification".to_string(),
        |t| crate::web::time::local_day(t, timezone),
    );
    Document {
        title: match &i.invoice_number {
            Some(n) => format!("Invoice {n}"),
            None => "Draft invoice".into(),
        },
        seller: d.organization.lines(),
        buyer: d.client.lines(),
        facts: vec![
            ("Issued".into(), issued),
            ("Status".into(), i.status.label().into()),
            ("Payment".into(), d.transaction_number.clone()),
            ("Deal".into(), d.deal_number.clone()),
            ("Paid on".into(), crate::web::dates::day(d.payment_date)),
            ("Method".into(), d.method.label().into()),
            ("Tax".into(), tax_rule(i.tax_included).into()),
        ],
        lines: vec![
            (
                format!(
                    "Payment {} on deal {}, before tax",
                    d.transaction_number, d.deal_number
                ),
                m(i.total_minor - i.tax_minor),
            ),
            (
                format!("Tax at {} %", bp_to_percent(i.tax_rate_bp.into())),
                m(i.tax_minor),
            ),
        ],
        total: ("Total".into(), m(i.total_minor)),
    }
}

#[derive(Template)]
#[template(path = "invoices/show.html")]
struct ShowPage {
    ctx: Ctx,
    invoice: InvoiceDetail,
    doc: Document,
    status: &'static str,
    /// The payment's page for this viewer: the verifier's or the salesperson's.
    payment_href: String,
}

async fn load(ctx: &Ctx, state: &AppState, id: PublicId) -> Result<InvoiceDetail, AppError> {
    let viewer = viewer(ctx)?;
    db::run(&state.pool, move |conn| {
        let scope = viewer.resolve(conn)?;
        Ok(lookup::find(conn, &scope, id)?)
    })
    .await
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let invoice = load(&ctx, &state, *path).await?;
    let area = if ctx.can(Permission::PaymentsVerify) {
        "verifier"
    } else {
        "sales"
    };
    render(&ShowPage {
        doc: document(&invoice, ctx.timezone()),
        status: invoice.invoice.status.label(),
        payment_href: format!("/{area}/payments/{}", invoice.payment_public_id),
        invoice,
        ctx,
    })
}

async fn download(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let invoice = load(&ctx, &state, *path).await?;
    let bytes = pdf::render(
        &document(&invoice, ctx.timezone()),
        &format!("Status: {}", invoice.invoice.status.label()),
    )?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"{}.pdf\"",
                invoice
                    .invoice
                    .invoice_number
                    .as_deref()
                    .unwrap_or("draft-invoice")
            ),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}
