//! Per user and per kind: whether a notification shows in the app and whether it is e-mailed.
//! No row is the default: in the app, not by e-mail.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text, Timestamp};

use super::templates::{KINDS as EVENTS, Kind};
use crate::db::{AnyConnection, now};
use crate::schema::notification_preferences;
use crate::web::OrgScope;

const fn line(k: &Kind) -> (&'static str, &'static str, &'static str) {
    (k.code, k.label, k.description)
}

/// The kinds a user is notified of: key, label, when it is sent. The events' kinds are the
/// templated ones (`templates::KINDS`), in their order; then broadcasts.
pub const KINDS: [(&str, &str, &str); 8] = [
    line(&EVENTS[0]),
    line(&EVENTS[1]),
    line(&EVENTS[2]),
    line(&EVENTS[3]),
    line(&EVENTS[4]),
    line(&EVENTS[5]),
    line(&EVENTS[6]),
    (
        super::broadcast::KIND,
        "Announcements",
        "A message an administrator sends to everyone, a role or a team.",
    ),
];

/// The last lines of every notification sent by e-mail: why it came and where to stop it.
pub const EMAIL_FOOTER: &str = "\n\nYou receive this because of your notification choices; \
     change them under Your account, Notifications.";

/// How a user wants one kind: (in the app, by e-mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    pub in_app: bool,
    pub email: bool,
}

impl Default for Channels {
    fn default() -> Self {
        Channels {
            in_app: true,
            email: false,
        }
    }
}

/// The user's choice for `kind`, or the default.
pub fn channels(conn: &mut AnyConnection, user_id: i64, kind: &str) -> QueryResult<Channels> {
    let found: Option<(bool, bool)> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(user_id))
        .filter(notification_preferences::kind.eq(kind))
        .select((
            notification_preferences::in_app_enabled,
            notification_preferences::email_enabled,
        ))
        .first(conn)
        .optional()?;
    Ok(
        found.map_or_else(Channels::default, |(in_app, email)| Channels {
            in_app,
            email,
        }),
    )
}

/// Every kind with the user's choice, in the order of `KINDS`.
pub fn all(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<Channels>> {
    let rows: Vec<(String, bool, bool)> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(user_id))
        .select((
            notification_preferences::kind,
            notification_preferences::in_app_enabled,
            notification_preferences::email_enabled,
        ))
        .load(conn)?;
    Ok(KINDS
        .iter()
        .map(|(kind, _, _)| {
            rows.iter().find(|(k, _, _)| k == kind).map_or_else(
                Channels::default,
                |(_, in_app, email)| Channels {
                    in_app: *in_app,
                    email: *email,
                },
            )
        })
        .collect())
}

/// Saves a choice for every kind (in the order of `KINDS`); call it in one transaction.
pub fn save(
    conn: &mut AnyConnection,
    org: OrgScope,
    user_id: i64,
    choices: &[Channels],
) -> QueryResult<()> {
    let t = now();
    for ((kind, _, _), c) in KINDS.iter().zip(choices) {
        diesel::sql_query(
            "INSERT INTO notification_preferences (organization_id, user_id, kind, \
             in_app_enabled, email_enabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) \
             ON CONFLICT (user_id, kind) DO UPDATE SET \
             in_app_enabled = excluded.in_app_enabled, email_enabled = excluded.email_enabled, \
             updated_at = excluded.updated_at",
        )
        .bind::<BigInt, _>(org.id())
        .bind::<BigInt, _>(user_id)
        .bind::<Text, _>(*kind)
        .bind::<Bool, _>(c.in_app)
        .bind::<Bool, _>(c.email)
        .bind::<Timestamp, _>(t)
        .execute(conn)?;
    }
    Ok(())
}
