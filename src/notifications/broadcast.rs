//! A broadcast: one notification read by many, sent by an administrator to everyone of the
//! organization, a role or a team. Recipients and their e-mails are written by two statements
//! whatever the audience's size, respecting each person's choices for the "broadcast" kind.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::{AnyConnection, PublicId, now};
use crate::schema::notifications;
use crate::web::OrgScope;

pub const KIND: &str = "broadcast";

/// Who receives a broadcast: the organization's active users, all or of one role or team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    Role(i64),
    Team(i64),
}

impl Audience {
    /// The condition on `u` with the value bound to `param` (fixed text, never input).
    fn condition(self, param: &str) -> (String, i64) {
        match self {
            // Every id is positive: the condition holds for all.
            Audience::Everyone => (format!("u.id > {param}"), 0),
            Audience::Role(id) => (format!("u.role_id = {param}"), id),
            Audience::Team(id) => (format!("u.team_id = {param}"), id),
        }
    }
}

/// Sends it; how many receive it in the app and how many by e-mail. Call it in a transaction.
pub fn send(
    conn: &mut AnyConnection,
    org: OrgScope,
    sender: i64,
    audience: Audience,
    title: &str,
    message: &str,
    priority: &str,
) -> QueryResult<(usize, usize)> {
    let t = now();
    let id: i64 = diesel::insert_into(notifications::table)
        .values((
            notifications::public_id.eq(PublicId::new()),
            notifications::organization_id.eq(org.id()),
            notifications::kind.eq(KIND),
            notifications::title.eq(title),
            notifications::message.eq(message),
            notifications::priority.eq(priority),
            notifications::created_by_id.eq(Some(sender)),
            notifications::created_at.eq(t),
        ))
        .returning(notifications::id)
        .get_result(conn)?;
    // SQLite numbers `$n` parameters in order of first appearance: each statement introduces
    // them in the order they are bound.
    let (condition, value) = audience.condition("$4");
    let in_app = diesel::sql_query(format!(
        "INSERT INTO user_notifications (organization_id, user_id, notification_id, is_read, \
         created_at) \
         SELECT $1, u.id, $2, FALSE, $3 FROM users u \
         WHERE u.organization_id = $1 AND u.is_active = TRUE AND {condition} \
         AND NOT EXISTS (SELECT 1 FROM notification_preferences p WHERE p.user_id = u.id \
         AND p.kind = '{KIND}' AND p.in_app_enabled = FALSE)"
    ))
    .bind::<BigInt, _>(org.id())
    .bind::<BigInt, _>(id)
    .bind::<Timestamp, _>(t)
    .bind::<BigInt, _>(value)
    .execute(conn)?;
    let body = format!("{message}{}", super::preferences::EMAIL_FOOTER);
    let (condition, value) = audience.condition("$5");
    let emailed = diesel::sql_query(format!(
        "INSERT INTO email_outbox (organization_id, to_address, subject, body, status, attempts, \
         created_at) \
         SELECT $1, u.email, $2, $3, 'pending', 0, $4 FROM users u \
         JOIN notification_preferences p ON p.user_id = u.id AND p.kind = '{KIND}' \
         AND p.email_enabled = TRUE \
         WHERE u.organization_id = $1 AND u.is_active = TRUE AND {condition}"
    ))
    .bind::<BigInt, _>(org.id())
    .bind::<Text, _>(title.chars().take(200).collect::<String>())
    .bind::<Text, _>(body)
    .bind::<Timestamp, _>(t)
    .bind::<BigInt, _>(value)
    .execute(conn)?;
    Ok((in_app, emailed))
}
