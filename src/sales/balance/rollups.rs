//! The rollups the dashboards read, rebuilt for one owner's day or one owner from the rows
//! themselves (never adjusted by deltas, so a rollup cannot drift from what it sums):
//! `sales_days`, payments per deal owner, payment date and status; `sales_owner_stats`, an
//! owner's open deals and the payments waiting for a verifier.

use chrono::NaiveDate;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable};

use crate::db::AnyConnection;
use crate::domain::{DealStatus, PaymentStatus};
use crate::schema::{deals, payments};

/// Rebuilds the owner's totals of `day` from that day's payments on their deals.
pub fn recompute_day(
    conn: &mut AnyConnection,
    organization_id: i64,
    owner_id: i64,
    day: NaiveDate,
) -> QueryResult<()> {
    let rows: Vec<(PaymentStatus, i64)> = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .filter(payments::organization_id.eq(organization_id))
        .filter(payments::payment_date.eq(day))
        .filter(deals::created_by_id.eq(owner_id))
        .select((payments::status, payments::counted_org_minor))
        .load(conn)?;
    let mut t = [0_i64; 6];
    for (status, minor) in rows {
        let slot = match status {
            PaymentStatus::Verified => 0,
            PaymentStatus::Pending => 2,
            PaymentStatus::Rejected => 4,
            PaymentStatus::Refunded | PaymentStatus::BadDebt => continue,
        };
        t[slot] += 1;
        t[slot + 1] += minor;
    }
    diesel::sql_query(
        "INSERT INTO sales_days (organization_id, user_id, day, verified_count, verified_minor, \
         pending_count, pending_minor, rejected_count, rejected_minor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (organization_id, user_id, day) DO UPDATE SET \
         verified_count = excluded.verified_count, verified_minor = excluded.verified_minor, \
         pending_count = excluded.pending_count, pending_minor = excluded.pending_minor, \
         rejected_count = excluded.rejected_count, rejected_minor = excluded.rejected_minor",
    )
    .bind::<BigInt, _>(organization_id)
    .bind::<BigInt, _>(owner_id)
    .bind::<Date, _>(day)
    .bind::<BigInt, _>(t[0])
    .bind::<BigInt, _>(t[1])
    .bind::<BigInt, _>(t[2])
    .bind::<BigInt, _>(t[3])
    .bind::<BigInt, _>(t[4])
    .bind::<BigInt, _>(t[5])
    .execute(conn)?;
    Ok(())
}

/// Rebuilds the owner's open deals (count, outstanding) and waiting payments (count, sum).
pub fn recompute_owner(
    conn: &mut AnyConnection,
    organization_id: i64,
    owner_id: i64,
) -> QueryResult<()> {
    let (open, outstanding): (i64, Option<i64>) = deals::table
        .filter(deals::organization_id.eq(organization_id))
        .filter(deals::created_by_id.eq(owner_id))
        .filter(deals::status.eq_any([DealStatus::Pending, DealStatus::InProgress]))
        .select((
            count_star(),
            sql::<Nullable<BigInt>>("CAST(SUM(amount_org_minor - paid_org_minor) AS BIGINT)"),
        ))
        .first(conn)?;
    let (waiting, waiting_minor): (i64, Option<i64>) = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .filter(payments::organization_id.eq(organization_id))
        .filter(payments::status.eq(PaymentStatus::Pending))
        .filter(deals::created_by_id.eq(owner_id))
        .select((
            count_star(),
            sql::<Nullable<BigInt>>("CAST(SUM(payments.counted_org_minor) AS BIGINT)"),
        ))
        .first(conn)?;
    diesel::sql_query(
        "INSERT INTO sales_owner_stats (organization_id, user_id, open_deals, outstanding_minor, \
         pending_payments, pending_minor) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (organization_id, user_id) DO UPDATE SET \
         open_deals = excluded.open_deals, outstanding_minor = excluded.outstanding_minor, \
         pending_payments = excluded.pending_payments, pending_minor = excluded.pending_minor",
    )
    .bind::<BigInt, _>(organization_id)
    .bind::<BigInt, _>(owner_id)
    .bind::<BigInt, _>(open)
    .bind::<BigInt, _>(outstanding.unwrap_or(0))
    .bind::<BigInt, _>(waiting)
    .bind::<BigInt, _>(waiting_minor.unwrap_or(0))
    .execute(conn)?;
    Ok(())
}
