//! Notification rows: one `notifications` row per event, one `user_notifications` row per
//! recipient, read and marked per user.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::templates::{Kind, render};
use crate::db::{AnyConnection, PublicId, now};
use crate::schema::{
    notification_templates, notifications, organizations, user_notifications, users,
};
use crate::web::OrgScope;

/// One event to tell a user of: its kind and the values of the kind's variables.
pub struct Note<'a> {
    pub kind: &'static Kind,
    pub values: Vec<(&'static str, String)>,
    /// The page of the record it is about.
    pub link: Option<String>,
    pub priority: &'a str,
}

/// The words of a note: the organization's active template of its kind, else the default,
/// rendered with the event's values and the common ones (recipient, organization).
fn words(
    conn: &mut AnyConnection,
    org: OrgScope,
    first_name: String,
    note: &Note<'_>,
) -> QueryResult<(String, String)> {
    let custom: Option<(String, String)> = notification_templates::table
        .filter(notification_templates::organization_id.eq(org.id()))
        .filter(notification_templates::kind.eq(note.kind.code))
        .filter(notification_templates::is_active.eq(true))
        .select((
            notification_templates::title,
            notification_templates::message,
        ))
        .first(conn)
        .optional()?;
    let organization: String = organizations::table
        .find(org.id())
        .select(organizations::name)
        .first(conn)?;
    let mut values = note.values.clone();
    values.push(("recipient", first_name));
    values.push(("organization", organization));
    let (title, message) =
        custom.unwrap_or_else(|| (note.kind.title.to_string(), note.kind.message.to_string()));
    Ok((render(&title, &values), render(&message, &values)))
}

/// Notifies `user_id` in the app unless they switched this kind off, and queues it as an e-mail
/// when they asked for that. Call it inside the transaction of the event, so the note and the
/// e-mail exist exactly when the event does.
pub fn notify(
    conn: &mut AnyConnection,
    org: OrgScope,
    user_id: i64,
    note: Note<'_>,
) -> QueryResult<()> {
    let channels = super::preferences::channels(conn, user_id, note.kind.code)?;
    if !channels.email && !channels.in_app {
        return Ok(());
    }
    let (first_name, to): (String, String) = users::table
        .find(user_id)
        .select((users::first_name, users::email))
        .first(conn)?;
    let (title, message) = words(conn, org, first_name, &note)?;
    if channels.email {
        let mut body = message.clone();
        if let Some(link) = &note.link {
            body.push_str(&format!(
                "\n\nOpen it in Dealdesk: {}",
                crate::mail::link(link)
            ));
        }
        body.push_str(super::preferences::EMAIL_FOOTER);
        crate::mail::queue(conn, Some(org.id()), &to, &title, &body)?;
    }
    if !channels.in_app {
        return Ok(());
    }
    let t = now();
    let id: i64 = diesel::insert_into(notifications::table)
        .values((
            notifications::public_id.eq(PublicId::new()),
            notifications::organization_id.eq(org.id()),
            notifications::kind.eq(note.kind.code),
            notifications::title.eq(&title),
            notifications::message.eq(&message),
            notifications::data.eq(note.link.map(|l| json!({ "link": l }).to_string())),
            notifications::priority.eq(note.priority),
            notifications::created_at.eq(t),
        ))
        .returning(notifications::id)
        .get_result(conn)?;
    diesel::insert_into(user_notifications::table)
        .values((
            user_notifications::organization_id.eq(org.id()),
            user_notifications::user_id.eq(user_id),
            user_notifications::notification_id.eq(id),
            user_notifications::is_read.eq(false),
            user_notifications::created_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

/// A notification as its recipient's list shows it.
#[derive(Debug, Clone, Queryable)]
pub struct Row {
    pub id: i64,
    pub is_read: bool,
    pub kind: String,
    pub title: String,
    pub message: String,
    pub data: Option<String>,
    pub priority: String,
    pub created_at: NaiveDateTime,
}

impl Row {
    /// The record's page, from the stored data; only paths of this site are followed.
    pub fn link(&self) -> Option<String> {
        let data: serde_json::Value = serde_json::from_str(self.data.as_deref()?).ok()?;
        let link = crate::web::safe_next(data.get("link")?.as_str(), "");
        (!link.is_empty()).then(|| link.to_string())
    }
}

/// The user's notifications, unread first, newest first within each; `before` is the last row of
/// the previous page as (is_read, id).
pub fn list(
    conn: &mut AnyConnection,
    org: OrgScope,
    user_id: i64,
    before: Option<(bool, i64)>,
    limit: i64,
) -> QueryResult<Vec<Row>> {
    let mut q = user_notifications::table
        .inner_join(notifications::table)
        .filter(user_notifications::organization_id.eq(org.id()))
        .filter(user_notifications::user_id.eq(user_id))
        .select((
            user_notifications::id,
            user_notifications::is_read,
            notifications::kind,
            notifications::title,
            notifications::message,
            notifications::data,
            notifications::priority,
            notifications::created_at,
        ))
        .order((user_notifications::is_read, user_notifications::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some((read, id)) = before {
        q = if read {
            q.filter(user_notifications::is_read.eq(true))
                .filter(user_notifications::id.lt(id))
        } else {
            q.filter(
                user_notifications::is_read
                    .eq(true)
                    .or(user_notifications::id.lt(id)),
            )
        };
    }
    q.load(conn)
}

/// Marks one of the user's notifications read; 0 when it is not theirs.
pub fn mark_read(
    conn: &mut AnyConnection,
    org: OrgScope,
    user_id: i64,
    id: i64,
) -> QueryResult<usize> {
    diesel::update(
        user_notifications::table
            .filter(user_notifications::organization_id.eq(org.id()))
            .filter(user_notifications::user_id.eq(user_id))
            .filter(user_notifications::id.eq(id))
            .filter(user_notifications::is_read.eq(false)),
    )
    .set((
        user_notifications::is_read.eq(true),
        user_notifications::read_at.eq(now()),
    ))
    .execute(conn)
}

/// Marks the user's notifications among `ids` read, in one statement; others' are left alone.
pub fn mark_selected_read(
    conn: &mut AnyConnection,
    org: OrgScope,
    user_id: i64,
    ids: &[i64],
) -> QueryResult<usize> {
    diesel::update(
        user_notifications::table
            .filter(user_notifications::organization_id.eq(org.id()))
            .filter(user_notifications::user_id.eq(user_id))
            .filter(user_notifications::id.eq_any(ids))
            .filter(user_notifications::is_read.eq(false)),
    )
    .set((
        user_notifications::is_read.eq(true),
        user_notifications::read_at.eq(now()),
    ))
    .execute(conn)
}

pub fn mark_all_read(conn: &mut AnyConnection, org: OrgScope, user_id: i64) -> QueryResult<usize> {
    diesel::update(
        user_notifications::table
            .filter(user_notifications::organization_id.eq(org.id()))
            .filter(user_notifications::user_id.eq(user_id))
            .filter(user_notifications::is_read.eq(false)),
    )
    .set((
        user_notifications::is_read.eq(true),
        user_notifications::read_at.eq(now()),
    ))
    .execute(conn)
}
