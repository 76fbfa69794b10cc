//! The audit log of one organization, filtered and in pages, newest first. Every filter uses an
//! index that leads with the organization and ends in the id, and a date range becomes an id
//! range (ids grow with time within a chain), so a page costs the same at any depth.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::audit::AuditRow;
use crate::db::{AnyConnection, PublicId};
use crate::schema::{audit_log, clients, loss_reasons, projects, roles, sessions, teams, users};
use crate::web::OrgScope;

/// The entity types the log records, for the filter.
pub const ENTITY_TYPES: [&str; 13] = [
    "audit_log",
    "client",
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

/// What a page of entries names, resolved in one query per kind of record (never per entry):
/// people, roles, teams, projects, loss reasons, sessions' owners, and role ids in values.
#[derive(Debug, Default)]
pub struct Names {
    /// Users by internal id (actors) and by public id (records): (public id, full name).
    pub users_by_id: HashMap<i64, (PublicId, String)>,
    pub users: HashMap<String, String>,
    /// Roles, teams, projects, loss reasons by public id.
    pub roles: HashMap<String, String>,
    pub role_names_by_id: HashMap<i64, String>,
    pub teams: HashMap<String, String>,
    pub projects: HashMap<String, String>,
    pub loss_reasons: HashMap<String, String>,
    pub clients: HashMap<String, String>,
    /// Sessions by public id: their owner's (public id, full name).
    pub sessions: HashMap<String, (PublicId, String)>,
}

fn full_name(first: String, last: String) -> String {
    format!("{first} {last}").trim().to_string()
}

/// Public ids of one kind of record named by the entries; unparseable ids are left out.
fn ids_of(rows: &[AuditRow], types: &[&str]) -> Vec<PublicId> {
    let mut ids: Vec<PublicId> = rows
        .iter()
        .filter(|r| types.contains(&r.entity_type.as_str()))
        .filter_map(|r| r.entity_id.as_deref()?.parse().ok())
        .collect();
    ids.sort_unstable_by_key(ToString::to_string);
    ids.dedup();
    ids
}

/// Role ids written into entries' values (`role_id`, from organization set-up).
fn role_ids_in_values(rows: &[AuditRow]) -> Vec<i64> {
    let mut ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.old_values.as_deref(), r.new_values.as_deref()])
        .flatten()
        .filter(|v| v.contains("\"role_id\""))
        .filter_map(|v| serde_json::from_str::<serde_json::Value>(v).ok())
        .filter_map(|v| v.get("role_id")?.as_i64())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

pub fn names(conn: &mut AnyConnection, scope: OrgScope, rows: &[AuditRow]) -> QueryResult<Names> {
    let mut n = Names::default();
    let org = scope.id();
    let mut actor_ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_user_id).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    if !actor_ids.is_empty() {
        let found: Vec<(i64, PublicId, String, String)> = users::table
            .filter(users::organization_id.eq(org))
            .filter(users::id.eq_any(&actor_ids))
            .select((
                users::id,
                users::public_id,
                users::first_name,
                users::last_name,
            ))
            .load(conn)?;
        for (id, public_id, first, last) in found {
            n.users_by_id
                .insert(id, (public_id, full_name(first, last)));
        }
    }
    let user_ids = ids_of(rows, &["user", "profile"]);
    if !user_ids.is_empty() {
        let found: Vec<(PublicId, String, String)> = users::table
            .filter(users::organization_id.eq(org))
            .filter(users::public_id.eq_any(&user_ids))
            .select((users::public_id, users::first_name, users::last_name))
            .load(conn)?;
        for (public_id, first, last) in found {
            n.users
                .insert(public_id.to_string(), full_name(first, last));
        }
    }
    macro_rules! names_of {
        ($table:ident, $kind:expr, $into:expr) => {
            let ids = ids_of(rows, &[$kind]);
            if !ids.is_empty() {
                let found: Vec<(PublicId, String)> = $table::table
                    .filter($table::organization_id.eq(org))
                    .filter($table::public_id.eq_any(&ids))
                    .select(($table::public_id, $table::name))
                    .load(conn)?;
                $into.extend(found.into_iter().map(|(p, name)| (p.to_string(), name)));
            }
        };
    }
    names_of!(roles, "role", n.roles);
    names_of!(teams, "team", n.teams);
    names_of!(projects, "project", n.projects);
    names_of!(loss_reasons, "loss_reason", n.loss_reasons);
    names_of!(clients, "client", n.clients);
    let session_ids = ids_of(rows, &["session"]);
    if !session_ids.is_empty() {
        let found: Vec<(PublicId, PublicId, String, String)> = sessions::table
            .inner_join(users::table)
            .filter(users::organization_id.eq(org))
            .filter(sessions::public_id.eq_any(&session_ids))
            .select((
                sessions::public_id,
                users::public_id,
                users::first_name,
                users::last_name,
            ))
            .load(conn)?;
        for (sid, uid, first, last) in found {
            n.sessions
                .insert(sid.to_string(), (uid, full_name(first, last)));
        }
    }
    let role_ids = role_ids_in_values(rows);
    if !role_ids.is_empty() {
        let found: Vec<(i64, String)> = roles::table
            .filter(roles::organization_id.eq(org))
            .filter(roles::id.eq_any(&role_ids))
            .select((roles::id, roles::name))
            .load(conn)?;
        n.role_names_by_id.extend(found);
    }
    Ok(n)
}
