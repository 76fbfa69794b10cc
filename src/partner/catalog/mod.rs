//! `/partner/catalog`: the organization's products with their price tiers. Everyone in the
//! portal reads it (and prices it with the calculator); `catalog.manage` adds and edits products,
//! durations and stock, and sees what runs low.

mod calculator;
mod durations;
pub mod form;
pub mod pricing;
pub mod queries;
mod stock;

pub use self::stock::{THRESHOLDS as LOW_STOCK_THRESHOLDS, preference as low_stock_threshold};

use std::path::PathBuf;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use self::form::{PERIODS, ProductForm, TierRow, audit_json};
use self::pricing::{Model, Tier};
use self::queries::{Filter, ProductRecord};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, PublicId, write_tx};
use crate::error::AppError;
use crate::partner::scope::PORTAL;
use crate::permissions::Permission;
use crate::web::form::{FormError, is_unique_violation, split};
use crate::web::money::minor_to_display;
use crate::web::upload::{self, Upload, safe_name};
use crate::web::{Ctx, FieldErrors, Flash, pager, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partner/catalog", web::get().to(list))
        .route("/partner/catalog", web::post().to(add))
        .route("/partner/catalog/new", web::get().to(new))
        .route(
            "/partner/catalog/low-stock",
            web::get().to(stock::low_stock),
        )
        .route("/partner/catalog/low-stock", web::post().to(stock::choose))
        .route("/partner/catalog/{id}", web::get().to(show))
        .route("/partner/catalog/{id}", web::post().to(update))
        .route("/partner/catalog/{id}/edit", web::get().to(edit))
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

pub(crate) fn parse_id(raw: &str) -> Result<PublicId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
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

pub(crate) fn options(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
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
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require_any(&PORTAL)?;
    let org = ctx.scope()?;
    let id = parse_id(&path)?;
    let manages = ctx.can(Permission::CatalogManage);
    let (product, tiers) = db::run(&state.pool, move |conn| {
        let product = queries::find(conn, org, id)?;
        let tiers = queries::tiers(conn, product.id)?;
        Ok((product, tiers))
    })
    .await?;
    if !product.is_active && !manages {
        return Err(AppError::NotFound);
    }
    let currency = ctx.user.currency.map_or("USD", |c| c.code());
    let tiers = tier_lines(&tiers, currency, &[]);
    render(&ShowPage {
        ctx,
        product,
        tiers,
        manages,
    })
}

#[derive(Template)]
#[template(path = "partner/catalog/form.html")]
struct FormPage {
    ctx: Ctx,
    product: Option<ProductRecord>,
    form: ProductForm,
    rows: Vec<TierRow>,
    errors: FieldErrors,
    model_options: Vec<(String, String)>,
    period_options: Vec<(String, String)>,
}

fn form_page(
    ctx: Ctx,
    product: Option<ProductRecord>,
    form: ProductForm,
    errors: FieldErrors,
) -> FormPage {
    FormPage {
        ctx,
        product,
        rows: form.tier_rows(),
        form,
        errors,
        model_options: options(&Model::CHOICES),
        period_options: options(&PERIODS),
    }
}

async fn new(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    render(&form_page(
        ctx,
        None,
        ProductForm::blank(),
        FieldErrors::default(),
    ))
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let id = parse_id(&path)?;
    let (product, tiers) = db::run(&state.pool, move |conn| {
        let product = queries::find(conn, org, id)?;
        let tiers = queries::tiers(conn, product.id)?;
        Ok((product, tiers))
    })
    .await?;
    let form = ProductForm::of(&product, &tiers);
    render(&form_page(ctx, Some(product), form, FieldErrors::default()))
}

/// Reads the product form and its image; the image is stored at once when its bytes are a
/// picture (the field's error when they are not).
async fn read_form(
    state: &AppState,
    payload: Multipart,
) -> Result<(ProductForm, Result<Option<String>, FieldErrors>), AppError> {
    let upload = Upload::read(payload, "image", IMAGE_MAX_BYTES).await?;
    let form: ProductForm = upload.form()?;
    let stored = match &upload.file {
        None => Ok(None),
        Some((bytes, _)) => match upload::store(&image_dir(state), bytes, &IMAGE_TYPES)? {
            Some((name, _)) => Ok(Some(name)),
            None => {
                let mut e = FieldErrors::default();
                e.add(
                    "image",
                    "Choose a JPEG, PNG or WebP picture (its content is checked, not its name).",
                );
                Err(e)
            }
        },
    };
    Ok((form, stored))
}

fn duplicate_name(e: diesel::result::Error) -> FormError {
    if is_unique_violation(&e) {
        FormError::field(
            "name",
            "Another product already has this name; choose a different one.",
        )
    } else {
        e.into()
    }
}

async fn add(
    ctx: Ctx,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let (form, stored) = read_form(&state, payload).await?;
    let mut errors = FieldErrors::default();
    let values = form.validate(&mut errors);
    let image = match stored {
        Ok(image) => image,
        Err(e) => {
            errors.merge(e);
            None
        }
    };
    let (Some(values), true) = (values, errors.is_empty()) else {
        if let Some(name) = &image {
            upload::discard(&image_dir(&state), name);
        }
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, None, form, errors),
        );
    };
    let actor = ctx.actor();
    let stored = image.clone();
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            let product =
                queries::insert(conn, org, &values, stored.as_deref()).map_err(duplicate_name)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(org.id()), actions::CREATE, "product")
                    .entity(product.public_id)
                    .new_values(audit_json(&values)),
            )?;
            Ok::<_, FormError>(product)
        }))
    })
    .await;
    match outcome {
        Ok(Ok(product)) => {
            Flash::success(&ctx.session, format!("{} is in the catalog.", product.name));
            Ok(see_other(&format!(
                "/partner/catalog/{}",
                product.public_id
            )))
        }
        other => {
            if let Some(name) = &image {
                upload::discard(&image_dir(&state), name);
            }
            let errors = other?.err().unwrap_or_default();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(ctx, None, form, errors),
            )
        }
    }
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let id = parse_id(&path)?;
    let (form, stored) = read_form(&state, payload).await?;
    let mut errors = FieldErrors::default();
    let values = form.validate(&mut errors);
    let image = match stored {
        Ok(image) => image,
        Err(e) => {
            errors.merge(e);
            None
        }
    };
    let actor = ctx.actor();
    let new_image = image.clone();
    let outcome = db::run(&state.pool, move |conn| {
        let product = queries::find(conn, org, id)?;
        let (Some(values), true) = (values, errors.is_empty()) else {
            return Ok((product, Err(errors)));
        };
        let old_tiers = queries::tiers(conn, product.id)?;
        let saved = split(write_tx(conn, |conn| {
            queries::update(conn, org, product.id, &values, new_image.as_deref())
                .map_err(duplicate_name)?;
            let old = audit_json(&queries::ProductValues {
                tiers: old_tiers.clone(),
                ..values_of(&product)
            });
            if let Some((old, new)) = audit::changes(&old, &audit_json(&values)) {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(org.id()), actions::UPDATE, "product")
                        .entity(product.public_id)
                        .old(old)
                        .new_values(new),
                )?;
            }
            Ok::<_, FormError>(())
        }))?;
        Ok((product, saved))
    })
    .await;
    let dir = image_dir(&state);
    match outcome {
        Ok((product, Ok(()))) => {
            if let (Some(_), Some(old)) = (&image, &product.image_path) {
                upload::discard(&dir, old);
            }
            Flash::success(&ctx.session, "The product is saved.");
            Ok(see_other(&format!(
                "/partner/catalog/{}",
                product.public_id
            )))
        }
        Ok((product, Err(errors))) => {
            if let Some(name) = &image {
                upload::discard(&dir, name);
            }
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(ctx, Some(product), form, errors),
            )
        }
        Err(e) => {
            if let Some(name) = &image {
                upload::discard(&dir, name);
            }
            Err(e)
        }
    }
}

fn values_of(p: &ProductRecord) -> queries::ProductValues {
    queries::ProductValues {
        name: p.name.clone(),
        product_type: p.product_type.clone(),
        unit: p.unit.clone(),
        category: p.category.clone(),
        description: p.description.clone(),
        model: p.model(),
        is_subscription: p.is_subscription,
        track_stock: p.track_stock,
        stock: p.stock,
        is_active: p.is_active,
        tiers: Vec::new(),
    }
}

/// The product's picture, served as an image only (its type was decided by its bytes on upload).
async fn image(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require_any(&PORTAL)?;
    let org = ctx.scope()?;
    let id = parse_id(&path)?;
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
        .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
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

pub fn tier_lines(tiers: &[Tier], currency: &str, chosen: &[usize]) -> Vec<TierLine> {
    tiers
        .iter()
        .enumerate()
        .map(|(i, t)| TierLine {
            range: tier_range(t),
            price: price_e4(t.unit_price_e4, currency),
            per: t.per.code(),
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
        crate::web::money::currency_exponent(currency),
    )
    .map_err(LineError::Price)?;
    Ok(Line {
        priced,
        term,
        discount_bp,
    })
}
