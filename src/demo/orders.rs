//! The demo's quotes, orders and contracts: every status, priced by the real rule from the
//! catalog, stock taken and given back as orders are made and cancelled; contracts active,
//! expiring within 30 days and expired (some stored, some only past their date, as before the
//! background task runs).

use chrono::Duration;
use diesel::prelude::*;

use crate::db::{AnyConnection, now};
use crate::partner::catalog::price_line;
use crate::partner::catalog::queries as catalog;
use crate::partner::contracts::queries as contracts_q;
use crate::partner::orders::queries::{self, NewItem, NewOrder};
use crate::partner::orders::status::Status;
use crate::partner::orders::stock;
use crate::partner::scope::ChannelRequest;
use crate::schema::{contracts, orders, organizations, users};
use crate::web::OrgScope;

pub fn load(
    conn: &mut AnyConnection,
    scope: OrgScope,
    domain: &str,
    partners: [i64; 2],
    distributor_id: i64,
    count: usize,
) -> QueryResult<()> {
    let existing: i64 = orders::table
        .filter(orders::organization_id.eq(scope.id()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let (currency, tax_bp): (String, i32) = organizations::table
        .find(scope.id())
        .select((organizations::currency, organizations::tax_rate_bp))
        .first(conn)?;
    let user = |conn: &mut AnyConnection, role: &str| -> QueryResult<i64> {
        users::table
            .filter(users::email.eq(format!("{role}@{domain}")))
            .select(users::id)
            .first(conn)
    };
    let creators = [
        user(conn, "partner")?,
        user(conn, "distributor")?,
        user(conn, "admin")?,
    ];
    let products = catalog::list(conn, scope, &catalog::Filter::default(), 100)?;
    let durations = catalog::durations(conn, scope)?;
    let t = now();
    for i in 0..count {
        // Whose order: spread so that every channel has orders in every status.
        let who = (i / 6 + i) % 3;
        let creator = creators[who];
        let channel = ChannelRequest::trusted(scope, creator, &currency).resolve(conn)?;
        let (partner_id, distributor_id) = match who {
            0 => (Some(partners[0]), None),
            1 => (Some(partners[0]), Some(distributor_id)),
            _ => (Some(partners[1]), None),
        };
        // One or two items; subscriptions for a duration, hardware one-off (stock allowing).
        let mut items = Vec::new();
        for k in 0..(1 + i % 2) {
            let product = &products[(i + k * 2) % products.len()];
            let quantity = if product.track_stock {
                1
            } else {
                3 + (i as i32 * 7) % 40
            };
            let duration = durations.get((i + k) % durations.len());
            let tiers = catalog::tiers(conn, product)?;
            let Ok(line) = price_line(product, &tiers, quantity, duration, &currency) else {
                continue;
            };
            if product.track_stock && stock::take_stock(conn, scope, product.id, quantity)?.is_err()
            {
                continue;
            }
            items.push(NewItem::priced(product, quantity, duration, &line));
        }
        if items.is_empty() {
            continue;
        }
        let order = queries::insert(
            conn,
            &channel,
            &NewOrder {
                partner_id,
                distributor_id,
                lead_id: None,
                client_id: None,
                tax_rate_bp: tax_bp,
                notes_internal: None,
                items,
            },
        )?;
        let created = t - Duration::days(((count - i) * 400 / count) as i64);
        diesel::update(orders::table.find(order.id))
            .set((
                orders::created_at.eq(created),
                orders::updated_at.eq(created),
            ))
            .execute(conn)?;
        let order = queries::find(conn, &channel, order.public_id)?;
        let path: &[Status] = match i % 6 {
            0 => &[],
            1 => &[Status::Sent],
            2 => &[Status::Sent, Status::InFulfillment],
            5 => &[Status::Sent, Status::Cancelled],
            _ => &[Status::Sent, Status::InFulfillment, Status::Fulfilled],
        };
        let mut current = order;
        for to in path {
            let reason = (*to == Status::Cancelled).then_some("The client chose to wait a year");
            queries::set_status(conn, &current, *to, reason)?;
            if *to == Status::Cancelled {
                stock::restore_stock(conn, &current)?;
            }
            if *to == Status::Fulfilled
                && let Some((contract, _)) = contracts_q::activate(conn, &channel, &current)?
            {
                // Contracts of older orders started then: some now expire within 30 days,
                // some have expired (the oldest stored as such, others only past their date).
                let start = created + Duration::days(3);
                let length: i64 = match i % 5 {
                    0 => (t - start).num_days() + 12,
                    1 => (t - start).num_days() - 20,
                    _ => 365 * 3,
                };
                let end = start + Duration::days(length.max(30));
                let status = if end < t - Duration::days(60) {
                    "expired"
                } else {
                    "active"
                };
                diesel::update(contracts::table.filter(contracts::public_id.eq(contract)))
                    .set((
                        contracts::activation_date.eq(start),
                        contracts::expiration_date.eq(end),
                        contracts::status.eq(status),
                        contracts::created_at.eq(start),
                    ))
                    .execute(conn)?;
            }
            current = queries::find(conn, &channel, current.public_id)?;
        }
        diesel::update(orders::table.find(current.id))
            .set((
                orders::sent_at.eq(current
                    .sent_at
                    .map(|_| (created + Duration::days(1)).min(t))),
                orders::fulfilled_at.eq(current
                    .fulfilled_at
                    .map(|_| (created + Duration::days(3)).min(t))),
                orders::cancelled_at.eq(current
                    .cancelled_at
                    .map(|_| (created + Duration::days(2)).min(t))),
            ))
            .execute(conn)?;
    }
    // The newest fulfilled order was fulfilled just now, so that this month's dashboard shows
    // revenue even on the first days of a month.
    let newest: Option<i64> = orders::table
        .filter(orders::organization_id.eq(scope.id()))
        .filter(orders::status.eq("fulfilled"))
        .order(orders::created_at.desc())
        .select(orders::id)
        .first(conn)
        .optional()?;
    if let Some(id) = newest {
        diesel::update(orders::table.find(id))
            .set(orders::fulfilled_at.eq(t))
            .execute(conn)?;
    }
    crate::partner::dashboard::rollup::rebuild(conn, scope.id())?;
    crate::partner::counts::rebuild(conn, scope.id())?;
    Ok(())
}
