//! `partner_days`: fulfilled orders per day of the organization, partner and distributor (0 for
//! none), and `partner_org_days`: the same per day of the whole organization, which staff read
//! (they see every partner, so their year is 731 rows, not every channel's days). A fulfilment
//! adds its order to both in the same transaction (`add`, atomic upserts the same in both
//! databases, so concurrent fulfilments never collide); the demo and the load generator rebuild
//! an organization whole (`rebuild`). The dashboard reads these rows, never the orders.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};

use crate::db::AnyConnection;
use crate::partner::scope::{ChannelScope, Reach};
use crate::schema::{orders, partner_days, partner_org_days};

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
    diesel::sql_query(
        "INSERT INTO partner_org_days (organization_id, day, orders, revenue_minor) \
         VALUES ($1, $2, 1, $3) \
         ON CONFLICT (organization_id, day) DO UPDATE SET \
         orders = partner_org_days.orders + excluded.orders, \
         revenue_minor = partner_org_days.revenue_minor + excluded.revenue_minor",
    )
    .bind::<BigInt, _>(org)
    .bind::<Date, _>(day)
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
    let mut totals: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    for ((day, _, _), (n, sum)) in &days {
        let e = totals.entry(*day).or_default();
        e.0 += n;
        e.1 += sum;
    }
    diesel::delete(partner_org_days::table.filter(partner_org_days::organization_id.eq(org)))
        .execute(conn)?;
    let values: Vec<_> = totals
        .iter()
        .map(|(day, (n, sum))| {
            (
                partner_org_days::organization_id.eq(org),
                partner_org_days::day.eq(*day),
                partner_org_days::orders.eq(*n),
                partner_org_days::revenue_minor.eq(*sum),
            )
        })
        .collect();
    crate::insert_batches!(conn, partner_org_days::table, values)?;
    Ok(days.len())
}

/// The scope's (day, orders, revenue) from `from` to `to`, a row per day. Staff read the
/// organization's totals; a distributor's days are its own rows and then its partners' rows that
/// are not also its own, two reads that each walk an index (an OR of both makes SQLite read every
/// channel's days of the range).
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
    macro_rules! summed {
        ($filter:expr) => {
            partner_days::table
                .filter(partner_days::organization_id.eq(scope.org().id()))
                .filter(partner_days::day.ge(from))
                .filter(partner_days::day.le(to))
                .filter($filter)
                .group_by(partner_days::day)
                .select((partner_days::day, sum("orders"), sum("revenue_minor")))
                .load::<(NaiveDate, i64, i64)>(conn)
        };
    }
    match scope.reach() {
        Reach::Organization => partner_org_days::table
            .filter(partner_org_days::organization_id.eq(scope.org().id()))
            .filter(partner_org_days::day.ge(from))
            .filter(partner_org_days::day.le(to))
            .order(partner_org_days::day)
            .select((
                partner_org_days::day,
                partner_org_days::orders,
                partner_org_days::revenue_minor,
            ))
            .load(conn),
        Reach::Partner(p) => summed!(partner_days::partner_id.eq(*p)),
        Reach::Distributor { id, partners } => {
            let own = summed!(partner_days::distributor_id.eq(*id))?;
            let theirs = summed!(
                partner_days::partner_id
                    .eq_any(partners.clone())
                    .and(partner_days::distributor_id.ne(*id))
            )?;
            let mut by_day: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
            for (day, n, sum) in own.into_iter().chain(theirs) {
                let e = by_day.entry(day).or_default();
                e.0 += n;
                e.1 += sum;
            }
            Ok(by_day.into_iter().map(|(d, (n, s))| (d, n, s)).collect())
        }
    }
}
