//! A deal's activity log (`deal_activities`): every change with who made it, from where, and its
//! old and new values.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::queries::DealRecord;
use crate::db::{AnyConnection, now};
use crate::schema::{deal_activities, users};

/// One line of a deal's activity log: who did what, with old and new values as JSON.
pub struct Activity<'a> {
    pub deal: &'a DealRecord,
    pub user_id: i64,
    pub action: &'a str,
    pub description: Option<String>,
    pub old: Option<serde_json::Value>,
    pub new: Option<serde_json::Value>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub fn record(conn: &mut AnyConnection, a: Activity<'_>) -> QueryResult<()> {
    diesel::insert_into(deal_activities::table)
        .values((
            deal_activities::organization_id.eq(a.deal.organization_id),
            deal_activities::deal_id.eq(a.deal.id),
            deal_activities::user_id.eq(a.user_id),
            deal_activities::action.eq(a.action),
            deal_activities::description.eq(a.description),
            deal_activities::old_values.eq(a.old.map(|v| v.to_string())),
            deal_activities::new_values.eq(a.new.map(|v| v.to_string())),
            deal_activities::ip_address.eq(a.ip),
            deal_activities::user_agent.eq(a.user_agent),
            deal_activities::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One line of a deal's activity: when, action, description, who (first and last name).
pub type ActivityRow = (NaiveDateTime, String, Option<String>, String, String);

/// A deal's activity, newest first, with who did it.
pub fn of(conn: &mut AnyConnection, deal: &DealRecord) -> QueryResult<Vec<ActivityRow>> {
    deal_activities::table
        .inner_join(users::table.on(users::id.eq(deal_activities::user_id)))
        .filter(deal_activities::organization_id.eq(deal.organization_id))
        .filter(deal_activities::deal_id.eq(deal.id))
        .order(deal_activities::id.desc())
        .limit(50)
        .select((
            deal_activities::created_at,
            deal_activities::action,
            deal_activities::description,
            users::first_name,
            users::last_name,
        ))
        .load(conn)
}
