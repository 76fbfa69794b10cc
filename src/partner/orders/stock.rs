//! Stock: taken when an order is made, given back when it is cancelled, never below zero and
//! with no lost update under concurrency.

use diesel::prelude::*;

use super::queries::{OrderRecord, items};
use crate::db::{AnyConnection, now};
use crate::schema::products;
use crate::web::OrgScope;

/// Why stock refused an item: the product and what is left.
pub struct Short {
    pub product: String,
    pub left: i32,
}

/// Takes `quantity` units of a stock-tracked product if that many are left, in one conditional
/// update: under concurrency one order gets the last units and the others find fewer (the row
/// lock on PostgreSQL, the single writer on SQLite), so stock never goes below zero and no
/// decrement is lost. `Err(short)` when not enough are left.
pub fn take_stock(
    conn: &mut AnyConnection,
    org: OrgScope,
    product_id: i64,
    quantity: i32,
) -> QueryResult<Result<(), Short>> {
    let taken = diesel::update(
        products::table
            .find(product_id)
            .filter(products::organization_id.eq(org.id()))
            .filter(products::track_stock.eq(true))
            .filter(products::stock.ge(quantity)),
    )
    .set((
        products::stock.eq(products::stock - quantity),
        products::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if taken == 1 {
        return Ok(Ok(()));
    }
    let (track, left, product): (bool, i32, String) = products::table
        .find(product_id)
        .filter(products::organization_id.eq(org.id()))
        .select((products::track_stock, products::stock, products::name))
        .first(conn)?;
    if !track {
        return Ok(Ok(()));
    }
    Ok(Err(Short { product, left }))
}

/// Gives a cancelled order's units back to the products that track stock.
pub fn restore_stock(conn: &mut AnyConnection, order: &OrderRecord) -> QueryResult<()> {
    for item in items(conn, order)? {
        diesel::update(
            products::table
                .find(item.product_id)
                .filter(products::organization_id.eq(order.organization_id))
                .filter(products::track_stock.eq(true)),
        )
        .set((
            products::stock.eq(products::stock + item.quantity),
            products::updated_at.eq(now()),
        ))
        .execute(conn)?;
    }
    Ok(())
}
