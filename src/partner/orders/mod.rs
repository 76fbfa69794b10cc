//! `/partner/orders`: quotes and orders of the channel scope. Partners, distributors and staff
//! who create orders make and send quotes (`create.rs`); fulfillers work the queue, oldest first,
//! and fulfil; admins cancel (`change.rs`). A quote prints and downloads as a PDF (`quote.rs`).

mod change;
mod create;
mod export;
pub mod form;
pub mod queries;
mod quote;
pub mod status;
pub mod stock;

use crate::domain::{Money, choices};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use self::queries::{Filter, ItemRecord, OrderRecord, OrderRow};
use self::status::{Action, Status};
use crate::AppState;
use crate::db::{self, PublicId};
use crate::error::AppError;
use crate::partner::scope::ChannelRequest;
use crate::permissions::Permission::{self, *};
use crate::web::time::When;
use crate::web::{Ctx, pager, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partner/orders", web::get().to(list))
        .route("/partner/orders", web::post().to(create::create))
        .route("/partner/orders/new", web::get().to(create::new))
        .route("/partner/orders/queue", web::get().to(queue))
        .route("/partner/orders/export.csv", web::get().to(export::export))
        .route("/partner/orders/{id}", web::get().to(show))
        .route("/partner/orders/{id}/action", web::post().to(change::act))
        .route("/partner/orders/{id}/quote", web::get().to(quote::print))
        .route("/partner/orders/{id}/quote.pdf", web::get().to(quote::pdf));
}

const PAGE_SIZE: i64 = 50;

/// Who reads orders: whoever creates, fulfils or manages what they become.
const READERS: [Permission; 3] = [OrdersCreate, OrdersFulfill, ContractsManage];

pub(crate) fn request(ctx: &Ctx) -> Result<ChannelRequest, AppError> {
    ctx.require_any(&READERS)?;
    ChannelRequest::portal(ctx)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

impl ListQuery {
    pub fn filter(&self, queue: bool) -> Filter {
        Filter {
            status: Status::parse(&self.status),
            q: self.q.chars().take(20).collect(),
            after: self.after.parse().ok(),
            queue,
        }
    }

    /// The same filters, from the first page: what the export and the pages' links carry.
    pub fn filters(&self) -> Self {
        Self {
            after: String::new(),
            ..self.clone()
        }
    }
}

pub struct ListRow {
    pub row: OrderRow,
    pub total: Money,
    pub created: When,
}

#[derive(Template)]
#[template(path = "partner/orders/list.html")]
struct ListPage {
    ctx: Ctx,
    title: &'static str,
    queue: bool,
    query: ListQuery,
    rows: Vec<ListRow>,
    status_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
    export: String,
}

async fn page(
    ctx: Ctx,
    state: &AppState,
    query: ListQuery,
    queue: bool,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let filter = query.filter(queue);
    let mut rows = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        Ok(queries::list(conn, &scope, &filter, PAGE_SIZE + 1)?)
    })
    .await?;
    let filters = query.filters();
    let export = format!(
        "/partner/orders/export.csv?{}",
        serde_urlencoded::to_string(&filters).unwrap_or_default()
    );
    let path = if queue {
        "/partner/orders/queue"
    } else {
        "/partner/orders"
    };
    let pages = pager::keyset(
        path,
        &filters,
        &query.after,
        &mut rows,
        PAGE_SIZE as usize,
        |r| r.public_id.to_string(),
    );
    let rows = rows
        .into_iter()
        .map(|row| ListRow {
            total: Money::new(row.total_minor, &row.currency),
            created: ctx.local_time(Some(row.created_at)),
            row,
        })
        .collect();
    render(&ListPage {
        ctx,
        title: if queue {
            "Fulfillment queue"
        } else {
            "Quotes and orders"
        },
        queue,
        query,
        rows,
        status_options: choices::any_of::<Status>("Every status"),
        next: pages.next,
        first: pages.first,
        export,
    })
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    page(ctx, &state, query.into_inner(), false).await
}

/// Orders to fulfil (sent or in fulfillment), oldest first.
async fn queue(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(OrdersFulfill)?;
    page(ctx, &state, query.into_inner(), true).await
}

pub struct ItemLine {
    pub item: ItemRecord,
    pub unit_price: String,
    pub subtotal: Money,
    pub discount: Money,
    pub total: Money,
    pub term: String,
}

pub fn item_lines(items: Vec<ItemRecord>, currency: &str) -> Vec<ItemLine> {
    items
        .into_iter()
        .map(|item| ItemLine {
            unit_price: crate::partner::catalog::price_e4(item.unit_price_e4, currency),
            subtotal: Money::new(item.subtotal_minor, currency),
            discount: Money::new(item.discount_minor, currency),
            total: Money::new(item.total_minor, currency),
            term: match item.duration_months {
                Some(m) => format!("{m} months"),
                None => "one-off".into(),
            },
            item,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "partner/orders/show.html")]
struct ShowPage {
    ctx: Ctx,
    order: OrderRecord,
    status: Status,
    items: Vec<ItemLine>,
    partner: Option<String>,
    contract: Option<(PublicId, String)>,
    actions: Vec<Action>,
    totals: [(&'static str, Money); 4],
    reason: String,
    errors: crate::web::FieldErrors,
}

/// The order's page, with the cancel reason as typed and its error when refused.
pub(super) async fn show_page(
    ctx: Ctx,
    state: &AppState,
    id: PublicId,
    reason: String,
    errors: crate::web::FieldErrors,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let (order, items, partner, contract) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let order = queries::find(conn, &scope, id)?;
        let items = queries::items(conn, &order)?;
        let partner = queries::partner_name(conn, order.organization_id, order.partner_id)?;
        let contract = crate::partner::contracts::queries::of_order(conn, &scope, order.id)?;
        Ok((order, items, partner, contract))
    })
    .await?;
    let status = order.status;
    let c = order.currency.clone();
    let totals = [
        ("Subtotal", Money::new(order.subtotal_minor, &c)),
        ("Discount", Money::new(order.discount_minor, &c)),
        ("Tax", Money::new(order.tax_minor, &c)),
        ("Total", Money::new(order.total_minor, &c)),
    ];
    crate::web::render_status(
        errors.status(),
        &ShowPage {
            actions: Action::available(status, ctx.perms),
            items: item_lines(items, &c),
            ctx,
            order,
            status,
            partner,
            contract,
            totals,
            reason,
            errors,
        },
    )
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    show_page(ctx, &state, *path, String::new(), Default::default()).await
}
