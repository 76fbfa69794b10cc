//! `/partner/calculator`: anyone in the portal prices a product: a quantity for a duration gives
//! the unit price, subtotal, the duration's discount, the organization's tax and the total, with
//! the tiers that priced it. The same `pricing::price` prices a quote's items.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::pricing::{self, Model, Term, Tier};
use super::queries::{self, DurationRecord, ProductRecord};
use super::{Line, LineError, TierLine, price_e4, tier_lines};
use crate::AppState;
use crate::db::{self, AnyConnection, PublicId};
use crate::domain::money::{Money, bp_to_percent};
use crate::error::AppError;
use crate::partner::scope::PORTAL;
use crate::schema::organizations;
use crate::web::{Ctx, FieldErrors, OrgScope, render_status};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CalcQuery {
    pub product: String,
    pub quantity: String,
    pub duration: String,
}

pub struct Figures {
    pub unit_price: String,
    pub subtotal: Money,
    pub discount: Money,
    pub discount_rate: String,
    pub net: Money,
    pub tax: Money,
    pub tax_rate: String,
    pub total: Money,
    pub term: String,
    /// "10 × 10.0000 USD", one per tier used.
    pub breakdown: Vec<String>,
    /// Why a duration chosen did not change the price: the product is sold once.
    pub ignored_duration: bool,
}

impl Figures {
    fn of(line: &Line, tiers: &[Tier], tax_bp: i32, currency: &str, asked_duration: bool) -> Self {
        let priced = &line.priced;
        let m = |minor: i64| Money::new(minor, currency);
        let tax = pricing::tax(priced.net_minor, tax_bp);
        let unit = price_e4(priced.unit_price_e4, currency);
        Figures {
            unit_price: match (line.term, tiers.first()) {
                (Term::Months(_), Some(t)) => format!("{unit} per {}", t.per.code()),
                _ => format!("{unit} each, once"),
            },
            subtotal: m(priced.subtotal_minor),
            discount: m(priced.discount_minor),
            discount_rate: bp_to_percent(line.discount_bp.into()),
            net: m(priced.net_minor),
            tax: m(tax),
            tax_rate: bp_to_percent(tax_bp.into()),
            total: m(priced.net_minor + tax),
            term: match line.term {
                Term::Months(m) => format!("{m} months"),
                Term::OneOff => "one-off".to_string(),
            },
            breakdown: priced
                .uses
                .iter()
                .map(|u| format!("{} × {}", u.units, price_e4(u.unit_price_e4, currency)))
                .collect(),
            ignored_duration: asked_duration && line.term == Term::OneOff,
        }
    }
}

#[derive(Template)]
#[template(path = "partner/catalog/calculator.html")]
struct CalcPage {
    ctx: Ctx,
    query: CalcQuery,
    product_options: Vec<(String, String)>,
    duration_options: Vec<(String, String)>,
    errors: FieldErrors,
    product_name: Option<String>,
    model: &'static str,
    tiers: Vec<TierLine>,
    result: Option<Figures>,
}

pub(super) async fn page(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<CalcQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_any(&PORTAL)?;
    let org = ctx.scope()?;
    let query = query.into_inner();
    let product_id: Option<PublicId> = query.product.parse().ok();
    let catalog = db::run(&state.pool, move |conn| {
        Ok(Catalog::read(conn, org, product_id)?)
    })
    .await?;
    let page = CalcPage::build(ctx, query, catalog);
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(status, &page)
}

/// What the calculator offers and prices with: the active products, the durations, the
/// product asked for (if active) with its tiers, the organization's tax rate.
struct Catalog {
    products: Vec<(PublicId, String)>,
    durations: Vec<DurationRecord>,
    product: Option<(ProductRecord, Vec<Tier>)>,
    tax_bp: i32,
}

impl Catalog {
    fn read(
        conn: &mut AnyConnection,
        org: OrgScope,
        product_id: Option<PublicId>,
    ) -> QueryResult<Self> {
        let product = match product_id {
            Some(id) => match queries::find(conn, org, id).optional()? {
                Some(p) if p.is_active => {
                    let tiers = queries::tiers(conn, &p)?;
                    Some((p, tiers))
                }
                _ => None,
            },
            None => None,
        };
        Ok(Self {
            products: queries::active(conn, org)?,
            durations: queries::durations(conn, org)?,
            product,
            tax_bp: organizations::table
                .find(org.id())
                .select(organizations::tax_rate_bp)
                .first(conn)?,
        })
    }
}

impl CalcPage {
    fn build(ctx: Ctx, query: CalcQuery, catalog: Catalog) -> Self {
        let currency = ctx.user.currency.map_or("USD", |c| c.code());
        let mut errors = FieldErrors::default();
        let asked = !query.product.is_empty() || !query.quantity.is_empty();
        if asked && catalog.product.is_none() {
            errors.add("product", "Choose a product of the catalog.");
        }
        let quantity = quantity(&query.quantity, &mut errors);
        let duration_id: Option<PublicId> = query.duration.parse().ok();
        let duration =
            duration_id.and_then(|id| catalog.durations.iter().find(|d| d.public_id == id));
        if !query.duration.is_empty() && duration.is_none() {
            errors.add("duration", "Choose one of the durations offered.");
        }
        let mut result = None;
        let mut chosen = Vec::new();
        if let (Some((p, tiers)), Some(q), true) = (&catalog.product, quantity, errors.is_empty()) {
            match super::price_line(p, tiers, q, duration, currency) {
                Ok(line) => {
                    chosen = line.priced.uses.iter().map(|u| u.tier).collect();
                    let asked_duration = duration.is_some();
                    result = Some(Figures::of(
                        &line,
                        tiers,
                        catalog.tax_bp,
                        currency,
                        asked_duration,
                    ));
                }
                Err(LineError::NeedsDuration) => {
                    errors.add("duration", "Choose how long the subscription runs.")
                }
                Err(LineError::Price(e)) => errors.add("quantity", e.to_string()),
            }
        }
        let (product_name, model, tiers) = match &catalog.product {
            Some((p, tiers)) => (
                Some(p.name.clone()),
                match p.model() {
                    Model::Volume => "volume",
                    Model::Graduated => "graduated",
                },
                tier_lines(tiers, p.is_subscription, currency, &chosen),
            ),
            None => (None, "", Vec::new()),
        };
        let duration_options = duration_options(&catalog.durations);
        let mut product_options = vec![(String::new(), "Choose a product".to_string())];
        product_options.extend(
            catalog
                .products
                .into_iter()
                .map(|(id, n)| (id.to_string(), n)),
        );
        Self {
            ctx,
            query,
            product_options,
            duration_options,
            errors,
            product_name,
            model,
            tiers,
            result,
        }
    }
}

/// The quantity asked for: none yet, or a whole number of units, 1 or more.
fn quantity(raw: &str, errors: &mut FieldErrors) -> Option<i32> {
    match raw.trim() {
        "" => None,
        q => match q.parse::<i32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                errors.add("quantity", "Give a whole number of units, 1 or more.");
                None
            }
        },
    }
}

fn duration_options(durations: &[DurationRecord]) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "One-off or choose a duration".to_string())];
    options.extend(durations.iter().map(|d| {
        let off = if d.discount_bp > 0 {
            format!(" ({}% off)", bp_to_percent(d.discount_bp.into()))
        } else {
            String::new()
        };
        (d.public_id.to_string(), format!("{}{off}", d.name))
    }));
    options
}
