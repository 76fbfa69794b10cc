//! `/partner/catalog`: the organization's products with their price tiers. Everyone in the
//! portal reads it (and prices it with the calculator); `catalog.manage` adds and edits products,
//! durations and stock, and sees what runs low.

mod calculator;
mod durations;
mod edit;
pub mod form;
pub mod pricing;
pub mod queries;
mod stock;

pub use self::stock::{THRESHOLDS as LOW_STOCK_THRESHOLDS, preference as low_stock_threshold};

use std::path::PathBuf;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use self::pricing::Tier;
use self::queries::{Filter, ProductRecord};
use crate::AppState;
use crate::db::{self, PublicId};
use crate::domain::choices::options;
use crate::domain::money::minor_to_display;
use crate::error::AppError;
use crate::partner::scope::PORTAL;
use crate::permissions::Permission;
use crate::web::upload::safe_name;
use crate::web::{Ctx, pager, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partner/catalog", web::get().to(list))
        .route("/partner/catalog", web::post().to(edit::add))
        .route("/partner/catalog/new", web::get().to(edit::new))
        .route(
            "/partner/catalog/low-stock",
            web::get().to(stock::low_stock),
        )
        .route("/partner/catalog/low-stock", web::post().to(stock::choose))
        .route("/partner/catalog/{id}", web::get().to(show))
        .route("/partner/catalog/{id}", web::post().to(edit::update))
        .route("/partner/catalog/{id}/edit", web::get().to(edit::edit))
        .route("/partner/catalog/{id}/image", web::get().to(image))
        .route("/partner/calculator", web::get().to(calculator::page));
    durations::configure(cfg);
}

const PAGE_SIZE: i64 = 50;
const IMAGE_MAX_BYTES: usize = 2 * 1024 * 1024;
const IMAGE_TYPES: [(&str, &str); 3] = [
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
];

fn image_dir(state: &AppState) -> PathBuf {
    state.config.upload_dir.join("products")
}

/// "12.5000 USD": a four-decimal unit price.
pub fn price_e4(e4: i64, currency: &str) -> String {
    format!("{} {currency}", minor_to_display(e4, 4))
}

/// "1–10", "51 and above": a tier's quantities.
pub fn tier_range(t: &Tier) -> String {
    match t.max {
        Some(max) => format!("{}–{max}", t.min),
        None => format!("{} and above", t.min),
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub category: String,
    pub show: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

#[derive(Template)]
#[template(path = "partner/catalog/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    rows: Vec<ProductRecord>,
    manages: bool,
    category_options: Vec<(String, String)>,
    show_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_any(&PORTAL)?;
    let org = ctx.scope()?;
    let query = query.into_inner();
    let manages = ctx.can(Permission::CatalogManage);
    let filter = Filter {
        q: query.q.chars().take(100).collect(),
        category: Some(query.category.clone()).filter(|c| !c.is_empty()),
        // Only managers see retired products; for everyone else they are gone from the catalog.
        active_only: !manages || query.show != "all",
        after: query.after.parse().ok(),
    };
    let (mut rows, categories) = db::run(&state.pool, move |conn| {
        Ok((
            queries::list(conn, org, &filter, PAGE_SIZE + 1)?,
            queries::categories(conn, org)?,
        ))
    })
    .await?;
    let filters = ListQuery {
        after: String::new(),
        ..query.clone()
    };
    let pages = pager::keyset(
        "/partner/catalog",
        &filters,
        &query.after,
        &mut rows,
        PAGE_SIZE as usize,
        |r| r.public_id.to_string(),
    );
    let mut category_options = vec![(String::new(), "Every category".to_string())];
    category_options.extend(categories.into_iter().map(|c| (c.clone(), c)));
    render(&ListPage {
        ctx,
        query,
        rows,
        manages,
        category_options,
        show_options: options(&[("", "Active products"), ("all", "Active and retired")]),
        next: pages.next,
        first: pages.first,
    })
}

#[derive(Template)]
#[template(path = "partner/catalog/show.html")]
struct ShowPage {
    ctx: Ctx,
    product: ProductRecord,
    tiers: Vec<TierLine>,
    manages: bool,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require_any(&PORTAL)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let manages = ctx.can(Permission::CatalogManage);
    let (product, tiers) = db::run(&state.pool, move |conn| {
        let product = queries::find(conn, org, id)?;
        let tiers = queries::tiers(conn, &product)?;
        Ok((product, tiers))
    })
    .await?;
    if !product.is_active && !manages {
        return Err(AppError::NotFound);
    }
    let currency = ctx.user.currency.map_or("USD", |c| c.code());
    let tiers = tier_lines(&tiers, product.is_subscription, currency, &[]);
    render(&ShowPage {
        ctx,
        product,
        tiers,
        manages,
    })
}

/// The product's picture, served as an image only (its type was decided by its bytes on upload).
async fn image(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require_any(&PORTAL)?;
    let org = ctx.scope()?;
    let id = *path;
    let product = db::run(&state.pool, move |conn| Ok(queries::find(conn, org, id)?)).await?;
    let name = product.image_path.ok_or(AppError::NotFound)?;
    if !safe_name(&name) {
        return Err(AppError::NotFound);
    }
    let mime = IMAGE_TYPES
        .iter()
        .find(|(_, ext)| name.ends_with(&format!(".{ext}")))
        .map(|(m, _)| *m)
        .ok_or(AppError::NotFound)?;
    let bytes = std::fs::read(image_dir(&state).join(&name)).map_err(|_| AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", crate::web::headers::FILE_POLICY))
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(bytes))
}

/// A tier as a line of a page: its range and its price per period.
pub struct TierLine {
    pub range: String,
    pub price: String,
    pub per: &'static str,
    pub chosen: bool,
}

/// A product's tiers as its pages list them; a one-off product's price is per unit, once,
/// whatever period its tiers were entered with.
pub fn tier_lines(
    tiers: &[Tier],
    subscription: bool,
    currency: &str,
    chosen: &[usize],
) -> Vec<TierLine> {
    tiers
        .iter()
        .enumerate()
        .map(|(i, t)| TierLine {
            range: tier_range(t),
            price: price_e4(t.unit_price_e4, currency),
            per: if subscription {
                t.per.code()
            } else {
                "unit, once"
            },
            chosen: chosen.contains(&i),
        })
        .collect()
}

/// A product's line as the calculator and a quote's item price it: a subscription runs for a
/// chosen duration and earns its discount; a one-off sale is priced once and ignores durations.
pub struct Line {
    pub priced: pricing::Priced,
    pub term: pricing::Term,
    pub discount_bp: i32,
}

/// Why a line has no price: a subscription without its duration, or the tiers' refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    NeedsDuration,
    Price(pricing::PriceError),
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NeedsDuration => write!(f, "a subscription needs a duration"),
            Self::Price(e) => write!(f, "{e}"),
        }
    }
}

/// Prices `quantity` of `product`.
pub fn price_line(
    product: &ProductRecord,
    tiers: &[Tier],
    quantity: i32,
    duration: Option<&queries::DurationRecord>,
    currency: &str,
) -> Result<Line, LineError> {
    let duration = duration.filter(|_| product.is_subscription);
    if product.is_subscription && duration.is_none() {
        return Err(LineError::NeedsDuration);
    }
    let term = duration.map_or(pricing::Term::OneOff, |d| pricing::Term::Months(d.months));
    let discount_bp = duration.map_or(0, |d| d.discount_bp);
    let priced = pricing::price(
        product.model(),
        tiers,
        quantity,
        term,
        discount_bp,
        crate::domain::money::currency_exponent(currency),
    )
    .map_err(LineError::Price)?;
    Ok(Line {
        priced,
        term,
        discount_bp,
    })
}
