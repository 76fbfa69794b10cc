//! The audit log of one organization, filtered and in pages, newest first. Every filter uses an
//! index that leads with the organization and ends in the id, and a date range becomes an id
//! range (ids grow with time within a chain), so a page costs the same at any depth.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::audit::AuditRow;
use crate::db::{AnyConnection, PublicId};
use crate::schema::{audit_log, users};
use crate::web::OrgScope;

/// The entity types the log records, for the filter.
pub const ENTITY_TYPES: [&str; 12] = [
    "audit_log",
    "loss_reason",
    "organization",
    "platform_admin",
    "profile",
    "project",
    "role",
    "session",
    "settings",
    "team",
    "user",
    "logo",
];

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The actor's e-mail; `Some(None)` when it names no user of the organization.
    pub actor: Option<Option<i64>>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub tz: Option<Tz>,
}

pub fn actor_id(
    conn: &mut AnyConnection,
    scope: OrgScope,
    email: &str,
) -> QueryResult<Option<i64>> {
    users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(users::id)
        .first(conn)
        .optional()
}

fn day_start(date: NaiveDate, tz: Tz) -> NaiveDateTime {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.naive_utc())
        .unwrap_or(midnight)
}

/// The first id of the organization's log at or after `t`.
fn first_id_from(
    conn: &mut AnyConnection,
    scope: OrgScope,
    t: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    audit_log::table
        .filter(audit_log::organization_id.eq(scope.id()))
        .filter(audit_log::created_at.ge(t))
        .order(audit_log::created_at)
        .select(audit_log::id)
        .first(conn)
        .optional()
}

/// The id range `[low, high)` a date range covers.
fn id_range(conn: &mut AnyConnection, scope: OrgScope, f: &Filter) -> QueryResult<(i64, i64)> {
    let tz = f.tz.unwrap_or(Tz::UTC);
    let low = match f.from {
        Some(d) => first_id_from(conn, scope, day_start(d, tz))?.unwrap_or(i64::MAX),
        None => 0,
    };
    let high = match f.to.and_then(|d| d.succ_opt()) {
        Some(d) => first_id_from(conn, scope, day_start(d, tz))?.unwrap_or(i64::MAX),
        None => i64::MAX,
    };
    Ok((low, high))
}

/// One page of entries older than the `before` row, newest first.
pub fn page(
    conn: &mut AnyConnection,
    scope: OrgScope,
    f: &Filter,
    before: Option<PublicId>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let (low, mut high) = id_range(conn, scope, f)?;
    if let Some(p) = before {
        let id: Option<i64> = audit_log::table
            .filter(audit_log::organization_id.eq(scope.id()))
            .filter(audit_log::public_id.eq(p))
            .select(audit_log::id)
            .first(conn)
            .optional()?;
        high = high.min(id.unwrap_or(0));
    }
    rows(conn, scope, f, low, high, limit)
}

/// Entries with `low <= id < high` that match the filter, newest first.
pub fn rows(
    conn: &mut AnyConnection,
    scope: OrgScope,
    f: &Filter,
    low: i64,
    high: i64,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut q = audit_log::table
        .filter(audit_log::organization_id.eq(scope.id()))
        .filter(audit_log::id.ge(low))
        .filter(audit_log::id.lt(high))
        .select(AuditRow::as_select())
        .into_boxed();
    match f.actor {
        Some(Some(id)) => q = q.filter(audit_log::actor_user_id.eq(id)),
        Some(None) => return Ok(Vec::new()),
        None => {}
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(t) = &f.entity_type {
        q = q.filter(audit_log::entity_type.eq(t.clone()));
    }
    q.order(audit_log::id.desc()).limit(limit).load(conn)
}

/// The id range of a filter, for exports that page through it themselves.
pub fn range(conn: &mut AnyConnection, scope: OrgScope, f: &Filter) -> QueryResult<(i64, i64)> {
    id_range(conn, scope, f)
}
