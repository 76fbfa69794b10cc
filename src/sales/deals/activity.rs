//! A deal's activity log (`deal_activities`): every change with who made it, from where, and its
//! old and new values.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use serde_json::Value;

use super::queries::DealRecord;
use crate::audit::{self, Actor, Event};
use crate::db::{AnyConnection, PublicId, now};
use crate::error::AppError;
use crate::schema::{deal_activities, users};

/// One change of a deal: its line in the activity log, and its audit action.
pub struct Change<'a> {
    /// `actions::CREATE` or `actions::UPDATE`, for the audit log.
    pub audit: &'a str,
    /// "created", "edited", "cancelled", for the activity log.
    pub action: &'a str,
    pub description: Option<String>,
    pub old: Option<Value>,
    pub new: Value,
    /// The record the audit entry names when it is not the deal itself (a payment on it).
    pub entity: Option<(&'a str, PublicId)>,
}

/// Records a change in the deal's activity log and in the audit log, in the caller's
/// transaction: every change of a deal lands in both, with who made it and from where.
pub fn log(
    conn: &mut AnyConnection,
    actor: &Actor,
    deal: &DealRecord,
    c: Change<'_>,
) -> Result<(), AppError> {
    diesel::insert_into(deal_activities::table)
        .values((
            deal_activities::organization_id.eq(deal.organization_id),
            deal_activities::deal_id.eq(deal.id),
            deal_activities::user_id.eq(actor.user_id.unwrap_or(deal.created_by_id)),
            deal_activities::action.eq(c.action),
            deal_activities::description.eq(c.description),
            deal_activities::old_values.eq(c.old.as_ref().map(Value::to_string)),
            deal_activities::new_values.eq(c.new.to_string()),
            deal_activities::ip_address.eq(actor.ip.as_deref()),
            deal_activities::user_agent.eq(actor.user_agent.as_deref()),
            deal_activities::created_at.eq(now()),
        ))
        .execute(conn)?;
    let (kind, id) = c.entity.unwrap_or(("deal", deal.public_id));
    let mut event = Event::new(Some(deal.organization_id), c.audit, kind).entity(id);
    if let Some(old) = c.old {
        event = event.old(old);
    }
    audit::record(conn, actor, event.new_values(c.new))?;
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
