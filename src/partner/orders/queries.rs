//! Orders and their items as the channel scope shows them (`scoped!`), the stock they take and
//! give back, and the fulfiller's queue.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::status::Status;
use crate::channel;
use crate::db::{AnyConnection, PublicId, now};
use crate::numbers;
use crate::partner::catalog::Line;
use crate::partner::catalog::queries::{DurationRecord, ProductRecord};
use crate::partner::counts::{self, Place};
use crate::partner::dashboard::rollup;
use crate::partner::scope::ChannelScope;
use crate::schema::{order_items, orders, partners};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct OrderRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub order_number: String,
    pub status: Status,
    pub client_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub distributor_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub created_by_id: i64,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_rate_bp: i32,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub notes_internal: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub fulfilled_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_items)]
pub struct ItemRecord {
    pub product_id: i64,
    pub quantity: i32,
    pub unit_price_e4: i64,
    pub discount_bp: i32,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub product_name: String,
    pub product_type: String,
    pub product_unit: String,
    pub is_subscription: bool,
    pub duration_months: Option<i32>,
}

/// A list row: the order and its partner's name.
#[derive(Debug, Clone, Queryable)]
pub struct OrderRow {
    pub public_id: PublicId,
    pub order_number: String,
    pub status: Status,
    pub currency: String,
    pub total_minor: i64,
    pub created_at: NaiveDateTime,
    pub partner: Option<String>,
}

macro_rules! scoped {
    ($scope:expr) => {{
        channel!(
            orders::table.into_boxed::<crate::db::MultiBackend>(),
            $scope,
            orders
        )
    }};
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<Status>,
    pub q: String,
    pub after: Option<PublicId>,
    /// The fulfiller's queue: sent or in fulfillment, oldest first.
    pub queue: bool,
}

pub fn list(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<OrderRow>> {
    let mut q = scoped!(scope);
    if let Some(s) = f.status {
        q = q.filter(orders::status.eq(s.code()));
    }
    if f.queue {
        // Written out (no bound values), so both databases use the queue's partial index.
        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "orders.status IN ('sent', 'in_fulfillment')",
        ));
    }
    let term = f.q.trim();
    if !term.is_empty() {
        q = q.filter(orders::order_number.eq(term.to_uppercase()));
    }
    let cursor = match f.after {
        Some(p) => scoped!(scope)
            .filter(orders::public_id.eq(p))
            .select(orders::id)
            .first::<i64>(conn)
            .optional()?,
        None => None,
    };
    let q = q
        .left_join(partners::table.on(partners::id.nullable().eq(orders::partner_id)))
        .select((
            orders::public_id,
            orders::order_number,
            orders::status,
            orders::currency,
            orders::total_minor,
            orders::created_at,
            partners::name.nullable(),
        ));
    if f.queue {
        let q = match cursor {
            Some(id) => q.filter(orders::id.gt(id)),
            None => q,
        };
        q.order(orders::id).limit(limit).load(conn)
    } else {
        let q = match cursor {
            Some(id) => q.filter(orders::id.lt(id)),
            None => q,
        };
        q.order(orders::id.desc()).limit(limit).load(conn)
    }
}

pub fn find(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    public_id: PublicId,
) -> QueryResult<OrderRecord> {
    scoped!(scope)
        .filter(orders::public_id.eq(public_id))
        .select(OrderRecord::as_select())
        .first(conn)
}

pub fn items(conn: &mut AnyConnection, order: &OrderRecord) -> QueryResult<Vec<ItemRecord>> {
    order_items::table
        .filter(order_items::organization_id.eq(order.organization_id))
        .filter(order_items::order_id.eq(order.id))
        .select(ItemRecord::as_select())
        .order(order_items::id)
        .load(conn)
}

/// A new order's header and priced items, checked by the caller.
pub struct NewOrder {
    pub partner_id: Option<i64>,
    pub distributor_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub client_id: Option<i64>,
    pub tax_rate_bp: i32,
    pub notes_internal: Option<String>,
    pub items: Vec<NewItem>,
}

#[derive(Clone)]
pub struct NewItem {
    pub product_id: i64,
    pub duration_id: Option<i64>,
    pub snapshot: ItemRecord,
}

impl NewItem {
    /// An item as `price_line` priced it, with the snapshot of its product and duration an order
    /// keeps (a later catalog change does not touch it). A one-off product takes no duration.
    pub fn priced(
        product: &ProductRecord,
        quantity: i32,
        duration: Option<&DurationRecord>,
        line: &Line,
    ) -> Self {
        let duration = duration.filter(|_| product.is_subscription);
        Self {
            product_id: product.id,
            duration_id: duration.map(|d| d.id),
            snapshot: ItemRecord {
                product_id: product.id,
                quantity,
                unit_price_e4: line.priced.unit_price_e4,
                discount_bp: line.discount_bp,
                subtotal_minor: line.priced.subtotal_minor,
                discount_minor: line.priced.discount_minor,
                total_minor: line.priced.net_minor,
                product_name: product.name.clone(),
                product_type: product.product_type.clone(),
                product_unit: product.unit.clone(),
                is_subscription: product.is_subscription,
                duration_months: duration.map(|d| d.months),
            },
        }
    }
}

/// Inserts the order numbered `ORD-000001` per organization and its items (the caller takes
/// stock first, in the same transaction).
pub fn insert(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    o: &NewOrder,
) -> QueryResult<OrderRecord> {
    let number = numbers::next(conn, scope.org(), numbers::ORDER)?;
    let subtotal: i64 = o.items.iter().map(|i| i.snapshot.subtotal_minor).sum();
    let discount: i64 = o.items.iter().map(|i| i.snapshot.discount_minor).sum();
    let net = subtotal - discount;
    let tax = crate::partner::catalog::pricing::tax(net, o.tax_rate_bp);
    let t = now();
    let public_id = PublicId::new();
    diesel::insert_into(orders::table)
        .values((
            orders::public_id.eq(public_id),
            orders::organization_id.eq(scope.org().id()),
            orders::order_number.eq(&number),
            orders::status.eq(Status::Created.code()),
            orders::client_id.eq(o.client_id),
            orders::partner_id.eq(o.partner_id),
            orders::distributor_id.eq(o.distributor_id),
            orders::lead_id.eq(o.lead_id),
            orders::created_by_id.eq(scope.user_id()),
            orders::currency.eq(scope.currency()),
            orders::subtotal_minor.eq(subtotal),
            orders::discount_minor.eq(discount),
            orders::tax_rate_bp.eq(o.tax_rate_bp),
            orders::tax_minor.eq(tax),
            orders::total_minor.eq(net + tax),
            orders::notes_internal.eq(&o.notes_internal),
            orders::created_at.eq(t),
            orders::updated_at.eq(t),
        ))
        .execute(conn)?;
    let order = find(conn, scope, public_id)?;
    counts::moved(
        conn,
        order.organization_id,
        counts::Kind::Order,
        None,
        &Place {
            partner: order.partner_id,
            distributor: order.distributor_id,
            status: order.status.code(),
        },
    )?;
    for item in &o.items {
        let s = &item.snapshot;
        diesel::insert_into(order_items::table)
            .values((
                order_items::organization_id.eq(scope.org().id()),
                order_items::order_id.eq(order.id),
                order_items::product_id.eq(item.product_id),
                order_items::duration_id.eq(item.duration_id),
                order_items::quantity.eq(s.quantity),
                order_items::unit_price_e4.eq(s.unit_price_e4),
                order_items::discount_bp.eq(s.discount_bp),
                order_items::subtotal_minor.eq(s.subtotal_minor),
                order_items::discount_minor.eq(s.discount_minor),
                order_items::total_minor.eq(s.total_minor),
                order_items::product_name.eq(&s.product_name),
                order_items::product_type.eq(&s.product_type),
                order_items::product_unit.eq(&s.product_unit),
                order_items::is_subscription.eq(s.is_subscription),
                order_items::duration_months.eq(s.duration_months),
                order_items::created_at.eq(t),
                order_items::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(order)
}

/// Moves the order from its current status to `to` (a concurrent move loses: `false`), stamping
/// the time of the step and, for a cancellation, its reason.
pub fn set_status(
    conn: &mut AnyConnection,
    order: &OrderRecord,
    to: Status,
    reason: Option<&str>,
) -> QueryResult<bool> {
    let t = now();
    let q = orders::table
        .find(order.id)
        .filter(orders::organization_id.eq(order.organization_id))
        .filter(orders::status.eq(order.status));
    let n = match to {
        Status::Sent => diesel::update(q)
            .set((
                orders::status.eq(to.code()),
                orders::sent_at.eq(t),
                orders::updated_at.eq(t),
            ))
            .execute(conn)?,
        Status::Fulfilled => {
            let n = diesel::update(q)
                .set((
                    orders::status.eq(to.code()),
                    orders::fulfilled_at.eq(t),
                    orders::updated_at.eq(t),
                ))
                .execute(conn)?;
            if n == 1 {
                let day = rollup::local_day(conn, order.organization_id, t)?;
                rollup::add(
                    conn,
                    order.organization_id,
                    day,
                    order.partner_id,
                    order.distributor_id,
                    order.total_minor,
                )?;
            }
            n
        }
        Status::Cancelled => diesel::update(q)
            .set((
                orders::status.eq(to.code()),
                orders::cancelled_at.eq(t),
                orders::cancel_reason.eq(reason),
                orders::notes_internal.eq(reason.map(|r| match &order.notes_internal {
                    Some(n) => format!("{n}\nCancelled: {r}"),
                    None => format!("Cancelled: {r}"),
                })),
                orders::updated_at.eq(t),
            ))
            .execute(conn)?,
        _ => diesel::update(q)
            .set((orders::status.eq(to.code()), orders::updated_at.eq(t)))
            .execute(conn)?,
    };
    if n == 1 {
        let from = Place {
            partner: order.partner_id,
            distributor: order.distributor_id,
            status: order.status.code(),
        };
        counts::moved(
            conn,
            order.organization_id,
            counts::Kind::Order,
            Some(&from),
            &from.with_status(to.code()),
        )?;
    }
    Ok(n == 1)
}

/// The name of the organization's partner `id`, if there is one.
pub fn partner_name(
    conn: &mut AnyConnection,
    org: i64,
    id: Option<i64>,
) -> QueryResult<Option<String>> {
    match id {
        Some(id) => partners::table
            .filter(partners::organization_id.eq(org))
            .filter(partners::id.eq(id))
            .select(partners::name)
            .first(conn)
            .optional(),
        None => Ok(None),
    }
}

/// An order by its row id, within the scope (a contract's order).
pub fn find_any(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    id: i64,
) -> QueryResult<OrderRecord> {
    scoped!(scope)
        .filter(orders::id.eq(id))
        .select(OrderRecord::as_select())
        .first(conn)
}

/// How many of the scope's orders are in each status, from the counts.
pub fn counts(conn: &mut AnyConnection, scope: &ChannelScope) -> QueryResult<Vec<(String, i64)>> {
    counts::by_status(conn, scope, counts::Kind::Order)
}
