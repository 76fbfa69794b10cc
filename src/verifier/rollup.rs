//! The rollups of the verifier's dashboard, by day of the organization (its time zone):
//! `verification_days`, decided payments by method, status as it stands and failure reason; and
//! `decision_waits`, decisions by how long the payment waited for one. A day is rebuilt from its
//! payments (never adjusted by deltas) in the transaction of every decision and reversal
//! (`recompute`); the demo and the load generator rebuild an organization whole (`rebuild`).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use crate::db::{AnyConnection, Books};
use crate::schema::{decision_waits, payments, verification_days};
use crate::streaks::{self, Calendar};
use crate::web::dates::local_days;

/// The statuses a decision leaves a payment in.
pub const DECIDED: [&str; 4] = ["verified", "rejected", "refunded", "bad_debt"];

/// The lower bounds of the wait buckets, in minutes: steps that grow with the wait (5 minutes
/// at first, a day or more after a week), so a median reads to within about a third of itself
/// and a day of decisions fills at most 29 rows.
pub const BUCKETS: [i32; 29] = [
    0, 5, 10, 15, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1_200, 1_440, 2_160, 2_880,
    4_320, 5_760, 7_200, 10_080, 14_400, 20_160, 30_240, 43_200, 64_800, 86_400,
];

/// The bucket of a wait of `minutes`, named by its lower bound.
pub fn wait_bucket(minutes: i64) -> i32 {
    BUCKETS
        .iter()
        .rev()
        .find(|b| i64::from(**b) <= minutes)
        .copied()
        .unwrap_or(0)
}

/// The bucket after the one starting at `bucket` (its upper bound), `None` for the last.
pub fn bucket_end(bucket: i32) -> Option<i32> {
    BUCKETS.iter().find(|b| **b > bucket).copied()
}

/// The bucket holding the median of these (bucket, decisions) counts.
pub fn median_bucket(counts: &BTreeMap<i32, i64>) -> Option<i32> {
    let total: i64 = counts.values().sum();
    if total == 0 {
        return None;
    }
    let half = (total + 1) / 2;
    let mut seen = 0;
    counts.iter().find_map(|(bucket, n)| {
        seen += n;
        (seen >= half).then_some(*bucket)
    })
}

type Raw = (
    String,
    String,
    Option<String>,
    i64,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

type DayKey = (NaiveDate, String, String, String);

#[derive(Default)]
struct Tally {
    days: BTreeMap<DayKey, (i64, i64)>,
    waits: BTreeMap<(NaiveDate, i32), i64>,
}

fn tally(cal: Calendar, raw: Vec<Raw>) -> Tally {
    let mut t = Tally::default();
    for (method, status, reason, minor, created, decided) in raw {
        let Some(decided) = decided else { continue };
        let day = cal.day_of(decided);
        let slot = t
            .days
            .entry((day, method, status, reason.unwrap_or_default()))
            .or_default();
        slot.0 += 1;
        slot.1 += minor;
        let bucket = wait_bucket((decided - created).num_minutes());
        *t.waits.entry((day, bucket)).or_default() += 1;
    }
    t
}

fn decided(
    conn: &mut AnyConnection,
    org: i64,
    bounds: Option<(NaiveDateTime, NaiveDateTime)>,
) -> QueryResult<Vec<Raw>> {
    let mut q = payments::table
        .filter(payments::organization_id.eq(org))
        .filter(payments::verified_at.is_not_null())
        .filter(payments::status.eq_any(DECIDED))
        .select((
            payments::method,
            payments::status,
            payments::failure_reason,
            payments::counted_org_minor,
            payments::created_at,
            payments::verified_at,
        ))
        .into_boxed();
    if let Some((a, b)) = bounds {
        q = q
            .filter(payments::verified_at.ge(a))
            .filter(payments::verified_at.lt(b));
    }
    q.load(conn)
}

fn write(conn: &mut AnyConnection, org: i64, t: Tally) -> QueryResult<()> {
    let days: Vec<_> = t
        .days
        .into_iter()
        .map(|((day, method, status, reason), (n, minor))| {
            (
                verification_days::organization_id.eq(org),
                verification_days::day.eq(day),
                verification_days::method.eq(method),
                verification_days::status.eq(status),
                verification_days::failure_reason.eq(reason),
                verification_days::payments.eq(n),
                verification_days::amount_minor.eq(minor),
            )
        })
        .collect();
    let waits: Vec<_> = t
        .waits
        .into_iter()
        .map(|((day, bucket), n)| {
            (
                decision_waits::organization_id.eq(org),
                decision_waits::day.eq(day),
                decision_waits::bucket.eq(bucket),
                decision_waits::payments.eq(n),
            )
        })
        .collect();
    crate::insert_batches!(conn, verification_days::table, days)?;
    crate::insert_batches!(conn, decision_waits::table, waits)
}

/// Rebuilds the organization's day on which a payment decided at `decided_at` counts; in the
/// decision's (or reversal's) transaction, under the books lock, so two decisions of one day are
/// rebuilt one after the other (each from what the other committed).
pub fn recompute(
    conn: &mut AnyConnection,
    books: &Books,
    decided_at: NaiveDateTime,
) -> QueryResult<()> {
    let org = books.org();
    let cal = streaks::calendar(conn, org)?;
    let day = cal.day_of(decided_at);
    // A zone whose midnight can fall in a clock change has no exact bounds that day: a window
    // of three UTC days holds it, and the tally below keeps what falls on it.
    let bounds = local_days(day, day, cal.tz).unwrap_or_else(|| {
        let midnight = day.and_time(NaiveTime::MIN);
        (midnight - Duration::days(1), midnight + Duration::days(2))
    });
    let raw = decided(conn, org, Some(bounds))?;
    diesel::delete(
        verification_days::table
            .filter(verification_days::organization_id.eq(org))
            .filter(verification_days::day.eq(day)),
    )
    .execute(conn)?;
    diesel::delete(
        decision_waits::table
            .filter(decision_waits::organization_id.eq(org))
            .filter(decision_waits::day.eq(day)),
    )
    .execute(conn)?;
    let mut t = tally(cal, raw);
    t.days.retain(|k, _| k.0 == day);
    t.waits.retain(|k, _| k.0 == day);
    write(conn, org, t)
}

/// Rebuilds every row of the organization (after payments were decided in bulk).
pub fn rebuild(conn: &mut AnyConnection, org: i64) -> QueryResult<()> {
    let cal = streaks::calendar(conn, org)?;
    let raw = decided(conn, org, None)?;
    diesel::delete(verification_days::table.filter(verification_days::organization_id.eq(org)))
        .execute(conn)?;
    diesel::delete(decision_waits::table.filter(decision_waits::organization_id.eq(org)))
        .execute(conn)?;
    write(conn, org, tally(cal, raw))
}

/// One row of `verification_days`.
#[derive(Debug, Clone, Queryable)]
pub struct DayRow {
    pub day: NaiveDate,
    pub method: String,
    pub status: String,
    pub failure_reason: String,
    pub payments: i64,
    pub amount_minor: i64,
}

/// The organization's decided payments from `from` to `to` (its days, inclusive).
pub fn days(
    conn: &mut AnyConnection,
    org: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<DayRow>> {
    verification_days::table
        .filter(verification_days::organization_id.eq(org))
        .filter(verification_days::day.ge(from))
        .filter(verification_days::day.le(to))
        .select((
            verification_days::day,
            verification_days::method,
            verification_days::status,
            verification_days::failure_reason,
            verification_days::payments,
            verification_days::amount_minor,
        ))
        .load(conn)
}

/// The organization's decisions from `from` to `to` by wait bucket.
pub fn waits(
    conn: &mut AnyConnection,
    org: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<BTreeMap<i32, i64>> {
    let rows: Vec<(i32, i64)> = decision_waits::table
        .filter(decision_waits::organization_id.eq(org))
        .filter(decision_waits::day.ge(from))
        .filter(decision_waits::day.le(to))
        .select((decision_waits::bucket, decision_waits::payments))
        .load(conn)?;
    let mut out = BTreeMap::new();
    for (bucket, n) in rows {
        *out.entry(bucket).or_default() += n;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_fall_into_coarser_buckets_as_they_grow() {
        assert_eq!(wait_bucket(-3), 0);
        assert_eq!(wait_bucket(4), 0);
        assert_eq!(wait_bucket(59), 45);
        assert_eq!(wait_bucket(61), 60);
        assert_eq!(wait_bucket(149), 120);
        assert_eq!(wait_bucket(1_439), 1_200);
        assert_eq!(wait_bucket(1_500), 1_440);
        assert_eq!(wait_bucket(20_000), 14_400);
        assert_eq!(wait_bucket(200_000), 86_400);
        assert_eq!(bucket_end(0), Some(5));
        assert_eq!(bucket_end(45), Some(60));
        assert_eq!(bucket_end(1_440), Some(2_160));
        assert_eq!(bucket_end(86_400), None);
        assert!(BUCKETS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_median_is_the_bucket_reaching_half_the_decisions() {
        let mut c = BTreeMap::new();
        assert_eq!(median_bucket(&c), None);
        c.insert(5, 1);
        assert_eq!(median_bucket(&c), Some(5));
        c.insert(60, 1);
        c.insert(1_440, 1);
        assert_eq!(median_bucket(&c), Some(60));
        c.insert(1_440, 10);
        assert_eq!(median_bucket(&c), Some(1_440));
    }
}
