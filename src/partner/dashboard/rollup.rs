//! `partner_days`: fulfilled orders per day of the organization, partner and distributor (0 for
//! none). A fulfilment adds its order in the same transaction (`add`, an atomic upsert the same
//! in both databases, so concurrent fulfilments never collide); the demo and the load generator
//! rebuild an organization whole (`rebuild`). The dashboard reads these rows, never the orders.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};

use crate::channel;
use crate::db::AnyConnection;
use crate::partner::scope::ChannelScope;
use crate::schema::{orders, partner_days};

/// The organization's day of a UTC time.
pub fn local_day(conn: &mut AnyConnection, org: i64, at: NaiveDateTime) -> QueryResult<NaiveDate> {
    let tz = crate::orgs::timezone(conn, org)?;
    Ok(at.and_utc().with_timezone(&tz).date_naive())
}

/// Counts a fulfilled order on its organization's day.
pub fn add(
    conn: &mut AnyConnection,
    org: i64,
    day: NaiveDate,
    partner: Option<i64>,
    distributor: Option<i64>,
    total_minor: i64,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO partner_days (organization_id, day, partner_id, distributor_id, orders, revenue_minor) \
         VALUES ($1, $2, $3, $4, 1, $5) \
         ON CONFLICT (organization_id, day, partner_id, distributor_id) DO UPDATE SET \
         orders = partner_days.orders + excluded.orders, \
         revenue_minor = partner_days.revenue_minor + excluded.revenue_minor",
    )
    .bind::<BigInt, _>(org)
    .bind::<Date, _>(day)
    .bind::<BigInt, _>(partner.unwrap_or(0))
    .bind::<BigInt, _>(distributor.unwrap_or(0))
    .bind::<BigInt, _>(total_minor)
    .execute(conn)?;
    Ok(())
}

type Fulfilled = (NaiveDateTime, Option<i64>, Option<i64>, i64);

/// Rebuilds the organization's rows from its fulfilled orders.
pub fn rebuild(conn: &mut AnyConnection, org: i64) -> QueryResult<usize> {
    let tz = crate::orgs::timezone(conn, org)?;
    let rows: Vec<Fulfilled> = orders::table
        .filter(orders::organization_id.eq(org))
        .filter(orders::status.eq("fulfilled"))
        .filter(orders::fulfilled_at.is_not_null())
        .select((
            orders::fulfilled_at.assume_not_null(),
            orders::partner_id,
            orders::distributor_id,
            orders::total_minor,
        ))
        .load(conn)?;
    let mut days: BTreeMap<(NaiveDate, i64, i64), (i64, i64)> = BTreeMap::new();
    for (at, p, d, total) in rows {
        let day = at.and_utc().with_timezone(&tz).date_naive();
        let e = days
            .entry((day, p.unwrap_or(0), d.unwrap_or(0)))
            .or_default();
        e.0 += 1;
        e.1 += total;
    }
    diesel::delete(partner_days::table.filter(partner_days::organization_id.eq(org)))
        .execute(conn)?;
    let values: Vec<_> = days
        .iter()
        .map(|((day, p, d), (n, sum))| {
            (
                partner_days::organization_id.eq(org),
                partner_days::day.eq(*day),
                partner_days::partner_id.eq(*p),
                partner_days::distributor_id.eq(*d),
                partner_days::orders.eq(*n),
                partner_days::revenue_minor.eq(*sum),
            )
        })
        .collect();
    crate::insert_batches!(conn, partner_days::table, values)?;
    Ok(days.len())
}

/// The scope's (day, orders, revenue) from `from` to `to`, a row per day (the channels of a day
/// added up by the database).
pub fn days(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, i64, i64)>> {
    let sum = |column: &str| {
        diesel::dsl::sql::<BigInt>(&format!(
            "CAST(COALESCE(SUM(partner_days.{column}), 0) AS BIGINT)"
        ))
    };
    let q = partner_days::table
        .filter(partner_days::day.ge(from))
        .filter(partner_days::day.le(to))
        .group_by(partner_days::day)
        .select((partner_days::day, sum("orders"), sum("revenue_minor")))
        .into_boxed::<crate::db::MultiBackend>();
    channel!(q, scope, partner_days).load(conn)
}
