//! The organization's outbox rows, newest first, a page at a time (keyset on the id).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::schema::email_outbox;
use crate::web::OrgScope;

/// The statuses a message can be in (`mail::outbox`), as the page names them.
pub const STATUSES: [(&str, &str); 5] = [
    ("pending", "Queued"),
    ("sending", "Being sent"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("unconfirmed", "Unconfirmed"),
];

pub fn label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(c, _)| *c == status)
        .map_or("Unknown", |(_, l)| l)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

impl OutboxRow {
    pub fn status_label(&self) -> &'static str {
        label(&self.status)
    }

    pub fn can_resend(&self) -> bool {
        matches!(self.status.as_str(), "failed" | "unconfirmed")
    }
}

pub struct Filter {
    pub status: Option<String>,
    /// Rows older than this id (the previous page's last).
    pub before: Option<i64>,
}

pub fn page(
    conn: &mut AnyConnection,
    org: OrgScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let mut q = email_outbox::table
        .filter(email_outbox::organization_id.eq(org.id()))
        .select(OutboxRow::as_select())
        .into_boxed();
    if let Some(s) = &f.status {
        q = q.filter(email_outbox::status.eq(s.clone()));
    }
    if let Some(before) = f.before {
        q = q.filter(email_outbox::id.lt(before));
    }
    q.order(email_outbox::id.desc()).limit(limit).load(conn)
}

/// How many of the organization's messages wait or were given up on, by status.
pub fn counts(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Vec<(String, i64)>> {
    email_outbox::table
        .filter(email_outbox::organization_id.eq(org.id()))
        .filter(email_outbox::status.eq_any(["pending", "sending", "failed", "unconfirmed"]))
        .group_by(email_outbox::status)
        .select((email_outbox::status, count_star()))
        .order(email_outbox::status)
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, org: OrgScope, id: i64) -> QueryResult<OutboxRow> {
    email_outbox::table
        .filter(email_outbox::organization_id.eq(org.id()))
        .filter(email_outbox::id.eq(id))
        .select(OutboxRow::as_select())
        .first(conn)
}
