//! A lead's activities (calls, e-mails, meetings, tasks with due times) and notes, reached only
//! through a lead the channel scope holds; and a user's overdue activities across their scope.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::queries::LeadRecord;
use crate::channel;
use crate::db::{AnyConnection, PublicId, now};
use crate::partner::scope::ChannelScope;
use crate::schema::{lead_activities, lead_notes, leads, users};

#[derive(Debug, Clone, Queryable)]
pub struct ActivityRow {
    pub public_id: PublicId,
    pub activity_type: String,
    pub subject: String,
    pub description: Option<String>,
    pub due_at: Option<NaiveDateTime>,
    pub done: bool,
    pub done_at: Option<NaiveDateTime>,
    pub user_first: Option<String>,
    pub user_last: Option<String>,
    pub lead_public_id: PublicId,
    pub lead_title: String,
}

macro_rules! activity_rows {
    ($q:expr) => {
        $q.left_join(users::table.on(users::id.nullable().eq(lead_activities::user_id)))
            .select((
                lead_activities::public_id,
                lead_activities::activity_type,
                lead_activities::subject,
                lead_activities::description,
                lead_activities::due_at,
                lead_activities::done,
                lead_activities::done_at,
                users::first_name.nullable(),
                users::last_name.nullable(),
                leads::public_id,
                leads::title,
            ))
    };
}

pub fn activities(conn: &mut AnyConnection, lead: &LeadRecord) -> QueryResult<Vec<ActivityRow>> {
    activity_rows!(
        lead_activities::table
            .inner_join(leads::table.on(leads::id.eq(lead_activities::lead_id)))
            .filter(lead_activities::organization_id.eq(lead.organization_id))
            .filter(lead_activities::lead_id.eq(lead.id))
    )
    .order((
        lead_activities::done,
        lead_activities::due_at,
        lead_activities::id,
    ))
    .limit(200)
    .load(conn)
}

/// The user's open activities due before now, on leads their scope still holds; oldest first.
pub fn overdue(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    limit: i64,
) -> QueryResult<Vec<ActivityRow>> {
    let q = activity_rows!(
        lead_activities::table
            .inner_join(leads::table.on(leads::id.eq(lead_activities::lead_id)))
            .filter(lead_activities::organization_id.eq(scope.org().id()))
            .filter(lead_activities::user_id.eq(scope.user_id()))
            .filter(lead_activities::done.eq(false))
            .filter(lead_activities::due_at.lt(now()))
    )
    .into_boxed::<crate::db::MultiBackend>();
    channel!(q, scope, leads)
        .order((lead_activities::due_at, lead_activities::id))
        .limit(limit)
        .load(conn)
}

pub struct ActivityValues {
    pub activity_type: &'static str,
    pub subject: String,
    pub description: Option<String>,
    pub due_at: Option<NaiveDateTime>,
}

pub fn insert_activity(
    conn: &mut AnyConnection,
    lead: &LeadRecord,
    user_id: i64,
    v: &ActivityValues,
) -> QueryResult<PublicId> {
    let t = now();
    let id = PublicId::new();
    diesel::insert_into(lead_activities::table)
        .values((
            lead_activities::public_id.eq(id),
            lead_activities::organization_id.eq(lead.organization_id),
            lead_activities::lead_id.eq(lead.id),
            lead_activities::activity_type.eq(v.activity_type),
            lead_activities::subject.eq(&v.subject),
            lead_activities::description.eq(&v.description),
            lead_activities::due_at.eq(v.due_at),
            lead_activities::done.eq(false),
            lead_activities::user_id.eq(user_id),
            lead_activities::created_at.eq(t),
            lead_activities::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Marks one of the lead's activities done (or open again); `false` when the lead has no such
/// activity.
pub fn set_done(
    conn: &mut AnyConnection,
    lead: &LeadRecord,
    activity: PublicId,
    done: bool,
) -> QueryResult<bool> {
    let t = now();
    let n = diesel::update(
        lead_activities::table
            .filter(lead_activities::organization_id.eq(lead.organization_id))
            .filter(lead_activities::lead_id.eq(lead.id))
            .filter(lead_activities::public_id.eq(activity)),
    )
    .set((
        lead_activities::done.eq(done),
        lead_activities::done_at.eq(done.then_some(t)),
        lead_activities::updated_at.eq(t),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

pub type NoteLine = (NaiveDateTime, String, Option<String>, Option<String>);

pub fn notes(conn: &mut AnyConnection, lead: &LeadRecord) -> QueryResult<Vec<NoteLine>> {
    lead_notes::table
        .filter(lead_notes::organization_id.eq(lead.organization_id))
        .filter(lead_notes::lead_id.eq(lead.id))
        .left_join(users::table.on(users::id.nullable().eq(lead_notes::created_by_id)))
        .select((
            lead_notes::created_at,
            lead_notes::content,
            users::first_name.nullable(),
            users::last_name.nullable(),
        ))
        .order((lead_notes::created_at.desc(), lead_notes::id.desc()))
        .limit(200)
        .load(conn)
}

pub fn insert_note(
    conn: &mut AnyConnection,
    lead: &LeadRecord,
    user_id: i64,
    content: &str,
) -> QueryResult<()> {
    let t = now();
    diesel::insert_into(lead_notes::table)
        .values((
            lead_notes::public_id.eq(PublicId::new()),
            lead_notes::organization_id.eq(lead.organization_id),
            lead_notes::lead_id.eq(lead.id),
            lead_notes::content.eq(content),
            lead_notes::created_by_id.eq(user_id),
            lead_notes::created_at.eq(t),
            lead_notes::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}
