//! Products, their price tiers and the organization's durations. The catalog belongs to the
//! organization (every partner sells the same products), so queries take its `OrgScope`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::pricing::{Model, Per, Tier};
use crate::db::{AnyConnection, PublicId, contains_pattern, lower, now};
use crate::schema::{durations, price_tiers, products};
use crate::web::OrgScope;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = products)]
pub struct ProductRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub name: String,
    pub product_type: String,
    pub unit: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub pricing_model: String,
    pub is_subscription: bool,
    pub track_stock: bool,
    pub stock: i32,
    pub image_path: Option<String>,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ProductRecord {
    pub fn model(&self) -> Model {
        Model::parse(&self.pricing_model).unwrap_or(Model::Volume)
    }
}

#[derive(Debug, Clone)]
pub struct ProductValues {
    pub name: String,
    pub product_type: String,
    pub unit: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub model: Model,
    pub is_subscription: bool,
    pub track_stock: bool,
    pub stock: i32,
    pub is_active: bool,
    pub tiers: Vec<Tier>,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub q: String,
    pub category: Option<String>,
    pub active_only: bool,
    /// Keyset cursor: the last product of the previous page.
    pub after: Option<PublicId>,
}

/// One page of products by name, `limit` after the cursor.
pub fn list(
    conn: &mut AnyConnection,
    org: OrgScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<ProductRecord>> {
    let mut q = products::table
        .filter(products::organization_id.eq(org.id()))
        .select(ProductRecord::as_select())
        .into_boxed();
    let term = f.q.trim();
    if !term.is_empty() {
        let p = contains_pattern(&term.to_lowercase());
        q = q.filter(
            lower(products::name)
                .like(p.clone())
                .escape('\\')
                .or(lower(products::product_type).like(p).escape('\\')),
        );
    }
    if let Some(c) = &f.category {
        q = q.filter(products::category.eq(c.clone()));
    }
    if f.active_only {
        q = q.filter(products::is_active.eq(true));
    }
    if let Some(after) = f.after {
        let cursor: Option<(i64, String)> = products::table
            .filter(products::organization_id.eq(org.id()))
            .filter(products::public_id.eq(after))
            .select((products::id, products::name))
            .first(conn)
            .optional()?;
        if let Some((id, name)) = cursor {
            q = q.filter(
                products::name
                    .gt(name.clone())
                    .or(products::name.eq(name).and(products::id.gt(id))),
            );
        }
    }
    q.order((products::name, products::id))
        .limit(limit)
        .load(conn)
}

/// The categories in use, for the filter.
pub fn categories(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Vec<String>> {
    products::table
        .filter(products::organization_id.eq(org.id()))
        .filter(products::category.is_not_null())
        .select(products::category.assume_not_null())
        .distinct()
        .order(products::category.assume_not_null())
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, org: OrgScope, id: PublicId) -> QueryResult<ProductRecord> {
    products::table
        .filter(products::organization_id.eq(org.id()))
        .filter(products::public_id.eq(id))
        .select(ProductRecord::as_select())
        .first(conn)
}

/// Active products by name, for the calculator's and an order's select.
pub fn active(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Vec<(PublicId, String)>> {
    products::table
        .filter(products::organization_id.eq(org.id()))
        .filter(products::is_active.eq(true))
        .select((products::public_id, products::name))
        .order(products::name)
        .load(conn)
}

/// The product's tiers, from the lowest quantity up.
pub fn tiers(conn: &mut AnyConnection, product: &ProductRecord) -> QueryResult<Vec<Tier>> {
    let rows: Vec<(i32, Option<i32>, i64, String)> = price_tiers::table
        .filter(price_tiers::organization_id.eq(product.organization_id))
        .filter(price_tiers::product_id.eq(product.id))
        .select((
            price_tiers::min_quantity,
            price_tiers::max_quantity,
            price_tiers::unit_price_e4,
            price_tiers::period,
        ))
        .order(price_tiers::min_quantity)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(min, max, unit_price_e4, period)| Tier {
            min,
            max,
            unit_price_e4,
            per: Per::parse(&period).unwrap_or(Per::Month),
        })
        .collect())
}

/// Adds a product with its tiers; in the caller's transaction. A duplicate name is a unique
/// violation the caller turns into a field error.
pub fn insert(
    conn: &mut AnyConnection,
    org: OrgScope,
    v: &ProductValues,
    image_path: Option<&str>,
) -> QueryResult<ProductRecord> {
    let t = now();
    let product: ProductRecord = diesel::insert_into(products::table)
        .values((
            products::public_id.eq(PublicId::new()),
            products::organization_id.eq(org.id()),
            products::name.eq(&v.name),
            products::product_type.eq(&v.product_type),
            products::unit.eq(&v.unit),
            products::category.eq(&v.category),
            products::description.eq(&v.description),
            products::pricing_model.eq(v.model.code()),
            products::is_subscription.eq(v.is_subscription),
            products::track_stock.eq(v.track_stock),
            products::stock.eq(v.stock),
            products::image_path.eq(image_path),
            products::is_active.eq(v.is_active),
            products::created_at.eq(t),
            products::updated_at.eq(t),
        ))
        .returning(products::all_columns)
        .get_result(conn)?;
    replace_tiers(conn, org, product.id, &v.tiers)?;
    Ok(product)
}

/// Saves a product's fields and replaces its tiers; `image_path` `Some` replaces the image.
pub fn update(
    conn: &mut AnyConnection,
    org: OrgScope,
    id: i64,
    v: &ProductValues,
    image_path: Option<&str>,
) -> QueryResult<()> {
    diesel::update(
        products::table
            .find(id)
            .filter(products::organization_id.eq(org.id())),
    )
    .set((
        products::name.eq(&v.name),
        products::product_type.eq(&v.product_type),
        products::unit.eq(&v.unit),
        products::category.eq(&v.category),
        products::description.eq(&v.description),
        products::pricing_model.eq(v.model.code()),
        products::is_subscription.eq(v.is_subscription),
        products::track_stock.eq(v.track_stock),
        products::stock.eq(v.stock),
        products::is_active.eq(v.is_active),
        products::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if let Some(path) = image_path {
        diesel::update(
            products::table
                .find(id)
                .filter(products::organization_id.eq(org.id())),
        )
        .set(products::image_path.eq(path))
        .execute(conn)?;
    }
    replace_tiers(conn, org, id, &v.tiers)
}

fn replace_tiers(
    conn: &mut AnyConnection,
    org: OrgScope,
    product_id: i64,
    tiers: &[Tier],
) -> QueryResult<()> {
    diesel::delete(price_tiers::table.filter(price_tiers::product_id.eq(product_id)))
        .execute(conn)?;
    let t = now();
    for tier in tiers {
        diesel::insert_into(price_tiers::table)
            .values((
                price_tiers::public_id.eq(PublicId::new()),
                price_tiers::organization_id.eq(org.id()),
                price_tiers::product_id.eq(product_id),
                price_tiers::min_quantity.eq(tier.min),
                price_tiers::max_quantity.eq(tier.max),
                price_tiers::unit_price_e4.eq(tier.unit_price_e4),
                price_tiers::period.eq(tier.per.code()),
                price_tiers::created_at.eq(t),
                price_tiers::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Stock-tracked active products at or below `threshold` units, the fewest first.
pub fn low_stock(
    conn: &mut AnyConnection,
    org: OrgScope,
    threshold: i32,
) -> QueryResult<Vec<ProductRecord>> {
    products::table
        .filter(products::organization_id.eq(org.id()))
        .filter(products::track_stock.eq(true))
        .filter(products::stock.le(threshold))
        .filter(products::is_active.eq(true))
        .select(ProductRecord::as_select())
        .order((products::stock, products::name))
        .limit(500)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = durations)]
pub struct DurationRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub months: i32,
    pub name: String,
    pub discount_bp: i32,
}

pub fn durations(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Vec<DurationRecord>> {
    durations::table
        .filter(durations::organization_id.eq(org.id()))
        .select(DurationRecord::as_select())
        .order(durations::months)
        .load(conn)
}

pub fn find_duration(
    conn: &mut AnyConnection,
    org: OrgScope,
    id: PublicId,
) -> QueryResult<DurationRecord> {
    durations::table
        .filter(durations::organization_id.eq(org.id()))
        .filter(durations::public_id.eq(id))
        .select(DurationRecord::as_select())
        .first(conn)
}

pub fn insert_duration(
    conn: &mut AnyConnection,
    org: OrgScope,
    months: i32,
    name: &str,
    discount_bp: i32,
) -> QueryResult<DurationRecord> {
    let t = now();
    let public_id = PublicId::new();
    diesel::insert_into(durations::table)
        .values((
            durations::public_id.eq(public_id),
            durations::organization_id.eq(org.id()),
            durations::months.eq(months),
            durations::name.eq(name),
            durations::discount_bp.eq(discount_bp),
            durations::created_at.eq(t),
            durations::updated_at.eq(t),
        ))
        .execute(conn)?;
    find_duration(conn, org, public_id)
}

/// Removes a duration no order uses (an order item keeps its own snapshot of the months, but
/// still points at the duration, so one in use stays).
pub fn delete_duration(conn: &mut AnyConnection, org: OrgScope, id: i64) -> QueryResult<bool> {
    use crate::schema::order_items;
    let used: i64 = order_items::table
        .filter(order_items::organization_id.eq(org.id()))
        .filter(order_items::duration_id.eq(id))
        .count()
        .get_result(conn)?;
    if used > 0 {
        return Ok(false);
    }
    diesel::delete(
        durations::table
            .find(id)
            .filter(durations::organization_id.eq(org.id())),
    )
    .execute(conn)?;
    Ok(true)
}
