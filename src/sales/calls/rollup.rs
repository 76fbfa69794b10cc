//! `call_days`: calls per caller and UTC day, by status, outcome and loss reason. Written in the
//! transaction of every call logged or edited (`recompute_day`), rebuilt whole by the demo and
//! the load generator (`rebuild`), and read by the metrics (`counts`): the whole UTC days of a
//! range come from here, its partial first and last days from the calls themselves. UTC days
//! keep the rows true whatever zone a reader (or the organization) is in.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use crate::db::{AnyConnection, now};
use crate::domain::codes::known;
use crate::domain::{CallOutcome, CallStatus};
use crate::schema::{call_days, calls};
use crate::scope::RecordScope;

/// Calls of one caller with one status, outcome and loss reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallCount {
    pub user_id: i64,
    pub status: CallStatus,
    pub outcome: Option<CallOutcome>,
    pub loss_reason_id: Option<i64>,
    pub calls: i64,
}

type Key = (i64, NaiveDate, CallStatus, Option<CallOutcome>, i64);

fn key(
    user: i64,
    at: NaiveDateTime,
    status: CallStatus,
    outcome: Option<CallOutcome>,
    reason: Option<i64>,
) -> Key {
    (user, at.date(), status, outcome, reason.unwrap_or(0))
}

/// A rollup row keeps "no outcome" as an empty code, so the row's key has no NULL in it.
fn outcome_code(outcome: Option<CallOutcome>) -> &'static str {
    outcome.map_or("", CallOutcome::code)
}

fn outcome_of(code: &str) -> QueryResult<Option<CallOutcome>> {
    if code.is_empty() {
        return Ok(None);
    }
    known(code)
        .map(Some)
        .map_err(diesel::result::Error::DeserializationError)
}

fn write(conn: &mut AnyConnection, org: i64, rows: BTreeMap<Key, i64>) -> QueryResult<()> {
    let values: Vec<_> = rows
        .into_iter()
        .map(|((user, day, status, outcome, reason), n)| {
            (
                call_days::organization_id.eq(org),
                call_days::user_id.eq(user),
                call_days::day.eq(day),
                call_days::status.eq(status),
                call_days::outcome.eq(outcome_code(outcome)),
                call_days::loss_reason_id.eq(reason),
                call_days::calls.eq(n),
            )
        })
        .collect();
    crate::insert_batches!(conn, call_days::table, values)
}

type Raw = (
    i64,
    Option<NaiveDateTime>,
    CallStatus,
    Option<CallOutcome>,
    Option<i64>,
);

fn raw_columns() -> (
    calls::user_id,
    calls::completed_at,
    calls::status,
    calls::outcome,
    calls::loss_reason_id,
) {
    (
        calls::user_id,
        calls::completed_at,
        calls::status,
        calls::outcome,
        calls::loss_reason_id,
    )
}

fn tally(raw: Vec<Raw>) -> BTreeMap<Key, i64> {
    let mut rows = BTreeMap::new();
    for (user, at, status, outcome, reason) in raw {
        if let Some(at) = at {
            *rows
                .entry(key(user, at, status, outcome, reason))
                .or_default() += 1;
        }
    }
    rows
}

/// Rebuilds one caller's rows of one UTC day from their calls; in the caller's transaction.
pub fn recompute_day(
    conn: &mut AnyConnection,
    org: i64,
    user: i64,
    day: NaiveDate,
) -> QueryResult<()> {
    let start = day.and_time(NaiveTime::MIN);
    let raw: Vec<Raw> = calls::table
        .filter(calls::organization_id.eq(org))
        .filter(calls::user_id.eq(user))
        .filter(calls::completed_at.ge(start))
        .filter(calls::completed_at.lt(start + Duration::days(1)))
        .select(raw_columns())
        .load(conn)?;
    diesel::delete(
        call_days::table
            .filter(call_days::organization_id.eq(org))
            .filter(call_days::user_id.eq(user))
            .filter(call_days::day.eq(day)),
    )
    .execute(conn)?;
    write(conn, org, tally(raw))
}

/// Rebuilds every row of the organization (after calls were added in bulk).
pub fn rebuild(conn: &mut AnyConnection, org: i64) -> QueryResult<()> {
    let raw: Vec<Raw> = calls::table
        .filter(calls::organization_id.eq(org))
        .filter(calls::completed_at.is_not_null())
        .select(raw_columns())
        .load(conn)?;
    diesel::delete(call_days::table.filter(call_days::organization_id.eq(org))).execute(conn)?;
    write(conn, org, tally(raw))
}

/// The scope's calls in `[from, to)` that took place (not in the future), counted by caller,
/// status, outcome and loss reason.
pub fn counts(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<CallCount>> {
    let until = to.min(now());
    type Group = (i64, CallStatus, Option<CallOutcome>, Option<i64>);
    let mut out: BTreeMap<Group, i64> = BTreeMap::new();
    let mut add = |user, status, outcome, reason, n| {
        *out.entry((user, status, outcome, reason)).or_default() += n;
    };
    // Whole UTC days from the rollup; what is left at either end from the calls.
    let first_whole = match from.time() {
        t if t == NaiveTime::MIN => from.date(),
        _ => from.date() + Duration::days(1),
    };
    let end_whole = until.date();
    let edges = if first_whole < end_whole {
        let q = crate::owned!(
            call_days::table
                .filter(call_days::day.ge(first_whole))
                .filter(call_days::day.lt(end_whole))
                .select((
                    call_days::user_id,
                    call_days::status,
                    call_days::outcome,
                    call_days::loss_reason_id,
                    call_days::calls,
                ))
                .into_boxed(),
            scope,
            call_days::organization_id,
            call_days::user_id
        );
        let whole: Vec<(i64, CallStatus, String, i64, i64)> = q.load(conn)?;
        for (user, status, outcome, reason, n) in whole {
            add(
                user,
                status,
                outcome_of(&outcome)?,
                (reason != 0).then_some(reason),
                n,
            );
        }
        vec![
            (from, first_whole.and_time(NaiveTime::MIN)),
            (end_whole.and_time(NaiveTime::MIN), until),
        ]
    } else {
        vec![(from, until)]
    };
    for (a, b) in edges.into_iter().filter(|(a, b)| a < b) {
        for (user, _, status, outcome, reason) in live(conn, scope, a, b)? {
            add(user, status, outcome, reason, 1);
        }
    }
    Ok(out
        .into_iter()
        .map(
            |((user_id, status, outcome, loss_reason_id), calls)| CallCount {
                user_id,
                status,
                outcome,
                loss_reason_id,
                calls,
            },
        )
        .collect())
}

/// The scope's calls in `[a, b)`: less than a day's worth at each end of a range.
fn live(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    a: NaiveDateTime,
    b: NaiveDateTime,
) -> QueryResult<Vec<Raw>> {
    let q = crate::owned!(
        calls::table
            .filter(calls::completed_at.ge(a))
            .filter(calls::completed_at.lt(b))
            .select(raw_columns())
            .into_boxed(),
        scope,
        calls::organization_id,
        calls::user_id
    );
    q.load(conn)
}
