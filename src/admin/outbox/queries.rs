//! The organization's outbox rows, newest first, a page at a time (keyset on the id).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::domain::MailStatus;
use crate::schema::email_outbox;
use crate::web::OrgScope;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

impl OutboxRow {
    pub fn can_resend(&self) -> bool {
        matches!(self.status, MailStatus::Failed | MailStatus::Unconfirmed)
    }
}

pub struct Filter {
    pub status: Option<MailStatus>,
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
    if let Some(s) = f.status {
        q = q.filter(email_outbox::status.eq(s));
    }
    if let Some(before) = f.before {
        q = q.filter(email_outbox::id.lt(before));
    }
    q.order(email_outbox::id.desc()).limit(limit).load(conn)
}

/// How many of the organization's messages wait or were given up on, by status.
pub fn counts(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Vec<(MailStatus, i64)>> {
    use MailStatus::*;
    email_outbox::table
        .filter(email_outbox::organization_id.eq(org.id()))
        .filter(email_outbox::status.eq_any([Pending, Sending, Failed, Unconfirmed]))
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
