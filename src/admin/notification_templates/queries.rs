//! The organization's notification templates: one row per kind it changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::form::Valid;
use crate::db::{AnyConnection, PublicId, now};
use crate::notifications::templates::Kind;
use crate::schema::notification_templates;
use crate::web::OrgScope;

/// A template the organization saved.
#[derive(Debug, Clone, Queryable)]
pub struct Saved {
    pub kind: String,
    pub title: String,
    pub message: String,
    pub is_active: bool,
    pub updated_at: NaiveDateTime,
}

fn columns() -> (
    notification_templates::kind,
    notification_templates::title,
    notification_templates::message,
    notification_templates::is_active,
    notification_templates::updated_at,
) {
    (
        notification_templates::kind,
        notification_templates::title,
        notification_templates::message,
        notification_templates::is_active,
        notification_templates::updated_at,
    )
}

pub fn all(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Vec<Saved>> {
    notification_templates::table
        .filter(notification_templates::organization_id.eq(org.id()))
        .select(columns())
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, org: OrgScope, kind: &Kind) -> QueryResult<Option<Saved>> {
    notification_templates::table
        .filter(notification_templates::organization_id.eq(org.id()))
        .filter(notification_templates::kind.eq(kind.code))
        .select(columns())
        .first(conn)
        .optional()
}

/// Saves the organization's words for `kind` (created or replaced in one statement, so two
/// admins saving at once both land, the later one standing); true when it had none before.
pub fn save(conn: &mut AnyConnection, org: OrgScope, kind: &Kind, v: &Valid) -> QueryResult<bool> {
    let existed = find(conn, org, kind)?.is_some();
    let t = now();
    let variables: Vec<&str> = kind.allowed().map(|(n, _)| *n).collect();
    let variables = serde_json::to_string(&variables).unwrap_or_default();
    let values = (
        notification_templates::public_id.eq(PublicId::new()),
        notification_templates::organization_id.eq(org.id()),
        notification_templates::kind.eq(kind.code),
        notification_templates::name.eq(kind.label),
        notification_templates::title.eq(&v.title),
        notification_templates::message.eq(&v.message),
        notification_templates::variables.eq(&variables),
        notification_templates::is_active.eq(v.active),
        notification_templates::created_at.eq(t),
        notification_templates::updated_at.eq(t),
    );
    let changes = (
        notification_templates::title.eq(&v.title),
        notification_templates::message.eq(&v.message),
        notification_templates::variables.eq(&variables),
        notification_templates::is_active.eq(v.active),
        notification_templates::updated_at.eq(t),
    );
    // Upserts run on the backend's own connection (DIESEL-NOTES.md).
    let target = (
        notification_templates::organization_id,
        notification_templates::kind,
    );
    match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(notification_templates::table)
            .values(values)
            .on_conflict(target)
            .do_update()
            .set(changes)
            .execute(c),
        AnyConnection::Sqlite(c) => diesel::insert_into(notification_templates::table)
            .values(values)
            .on_conflict(target)
            .do_update()
            .set(changes)
            .execute(c),
    }?;
    Ok(!existed)
}

/// Deletes the organization's words for `kind`: the default applies again.
pub fn reset(conn: &mut AnyConnection, org: OrgScope, kind: &Kind) -> QueryResult<usize> {
    diesel::delete(
        notification_templates::table
            .filter(notification_templates::organization_id.eq(org.id()))
            .filter(notification_templates::kind.eq(kind.code)),
    )
    .execute(conn)
}
