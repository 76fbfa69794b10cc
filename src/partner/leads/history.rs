//! A lead's status history: a line for its arrival and for every move, with who and why.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::queries::LeadRecord;
use super::status::Status;
use crate::db::{AnyConnection, now};
use crate::schema::{lead_status_history, users};

/// Writes a line of the lead's history: a move from `from` (none for a new lead) to `to`, by
/// `by` (none for a provider's lead), with the reason given.
pub fn record(
    conn: &mut AnyConnection,
    org: i64,
    lead: i64,
    from: Option<Status>,
    to: Status,
    by: Option<i64>,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(lead_status_history::table)
        .values((
            lead_status_history::organization_id.eq(org),
            lead_status_history::lead_id.eq(lead),
            lead_status_history::old_status.eq(from.map(Status::code)),
            lead_status_history::new_status.eq(to.code()),
            lead_status_history::changed_by_id.eq(by),
            lead_status_history::reason.eq(reason),
            lead_status_history::changed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A line of a lead's history: when, from, to, who, why.
pub type HistoryLine = (
    NaiveDateTime,
    Option<Status>,
    Status,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The lead's history, newest first.
pub fn of(conn: &mut AnyConnection, lead: &LeadRecord) -> QueryResult<Vec<HistoryLine>> {
    lead_status_history::table
        .filter(lead_status_history::organization_id.eq(lead.organization_id))
        .filter(lead_status_history::lead_id.eq(lead.id))
        .left_join(users::table.on(users::id.nullable().eq(lead_status_history::changed_by_id)))
        .select((
            lead_status_history::changed_at,
            lead_status_history::old_status,
            lead_status_history::new_status,
            users::first_name.nullable(),
            users::last_name.nullable(),
            lead_status_history::reason,
        ))
        .order((
            lead_status_history::changed_at.desc(),
            lead_status_history::id.desc(),
        ))
        .load(conn)
}
