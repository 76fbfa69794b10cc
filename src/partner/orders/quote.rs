//! A quote (or an order) as a document: a printable page and a PDF, made from the same lines as
//! an invoice (`invoices::pdf`). The items print as they were priced when the order was made.

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;

use super::queries::{ItemRecord, OrderRecord};
use super::{ItemLine, item_lines, queries, request};
use crate::AppState;
use crate::db::{self, AnyConnection, PublicId};
use crate::domain::money::bp_to_percent;
use crate::domain::money::money;
use crate::error::AppError;
use crate::invoices::pdf::{self, Document};
use crate::schema::{clients, organizations};
use crate::web::{Ctx, render};

struct Loaded {
    doc: Document,
    public_id: crate::db::PublicId,
    number: String,
    items: Vec<ItemLine>,
}

async fn load(ctx: &Ctx, state: &AppState, id: PublicId) -> Result<Loaded, AppError> {
    let request = request(ctx)?;
    let (order, items, parties) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let order = queries::find(conn, &scope, id)?;
        let items = queries::items(conn, &order)?;
        let parties = parties(conn, &order)?;
        Ok((order, items, parties))
    })
    .await?;
    let doc = document(&order, &items, parties, ctx.timezone());
    Ok(Loaded {
        doc,
        public_id: order.public_id,
        items: item_lines(items, &order.currency),
        number: order.order_number,
    })
}

/// Who sells (the organization, with its contacts) and who buys (the order's client, through
/// its partner), as the document's two address blocks.
fn parties(
    conn: &mut AnyConnection,
    order: &OrderRecord,
) -> QueryResult<(Vec<String>, Vec<String>)> {
    let org: (String, Option<String>, Option<String>, Option<String>) = organizations::table
        .find(order.organization_id)
        .select((
            organizations::name,
            organizations::email,
            organizations::phone,
            organizations::website,
        ))
        .first(conn)?;
    let client: Option<(String, Option<String>, Option<String>)> = match order.client_id {
        Some(c) => clients::table
            .filter(clients::organization_id.eq(order.organization_id))
            .filter(clients::id.eq(c))
            .select((clients::name, clients::email, clients::address))
            .first(conn)
            .optional()?,
        None => None,
    };
    let partner = queries::partner_name(conn, order.organization_id, order.partner_id)?;
    let seller: Vec<String> = [Some(org.0), org.1, org.2, org.3]
        .into_iter()
        .flatten()
        .collect();
    let buyer: Vec<String> = match (client, partner) {
        (Some((name, email, address)), partner) => [
            Some(name),
            address,
            email,
            partner.map(|p| format!("Through {p}")),
        ]
        .into_iter()
        .flatten()
        .collect(),
        (None, Some(p)) => vec![p],
        (None, None) => vec!["To be named".into()],
    };
    Ok((seller, buyer))
}

/// The order as a document: a line per item as it was priced, the tax, the total.
fn document(
    order: &OrderRecord,
    items: &[ItemRecord],
    (seller, buyer): (Vec<String>, Vec<String>),
    tz: chrono_tz::Tz,
) -> Document {
    let c = &order.currency;
    let local = |t: chrono::NaiveDateTime| crate::web::time::local_day(t, tz);
    let kind = if order.status.is_quote() {
        "Quote"
    } else {
        "Order"
    };
    let mut lines: Vec<(String, String)> = items.iter().map(|i| item_line(i, c)).collect();
    lines.push((
        format!("Tax at {} %", bp_to_percent(order.tax_rate_bp.into())),
        money(order.tax_minor, c),
    ));
    Document {
        title: format!("{kind} {}", order.order_number),
        seller,
        buyer,
        facts: vec![
            (
                "Date".into(),
                local(order.sent_at.unwrap_or(order.created_at)),
            ),
            ("Status".into(), order.status.label().into()),
            ("Subtotal".into(), money(order.subtotal_minor, c)),
            ("Discount".into(), money(order.discount_minor, c)),
        ],
        lines,
        total: ("Total".into(), money(order.total_minor, c)),
    }
}

/// "3 × Support plan (seat, 12 months, 10% off)" and its total.
fn item_line(i: &ItemRecord, currency: &str) -> (String, String) {
    let term = i
        .duration_months
        .map_or_else(|| "one-off".to_string(), |m| format!("{m} months"));
    let off = if i.discount_bp > 0 {
        format!(", {}% off", bp_to_percent(i.discount_bp.into()))
    } else {
        String::new()
    };
    (
        format!(
            "{} × {} ({}, {term}{off})",
            i.quantity, i.product_name, i.product_unit
        ),
        money(i.total_minor, currency),
    )
}

#[derive(Template)]
#[template(path = "partner/orders/quote.html")]
struct QuotePage {
    ctx: Ctx,
    doc: Document,
    public_id: crate::db::PublicId,
    items: Vec<ItemLine>,
}

pub(super) async fn print(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let l = load(&ctx, &state, *path).await?;
    render(&QuotePage {
        ctx,
        doc: l.doc,
        public_id: l.public_id,
        items: l.items,
    })
}

pub(super) async fn pdf(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let l = load(&ctx, &state, *path).await?;
    let bytes = pdf::render(
        &l.doc,
        "Prices as quoted; a later catalog change does not touch them.",
    )?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.pdf\"", l.number),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}
