//! Writing a team from its form: created, or changed (with its lead made a member), audited
//! with what changed; in the caller's transaction.

use diesel::prelude::*;
use serde_json::json;

use super::form::{ValidTeam, team_json};
use super::queries::{TeamRecord, join};
use crate::audit::{self, Actor, Event, actions};
use crate::db::{AnyConnection, PublicId, now};
use crate::schema::{teams, users};
use crate::web::OrgScope;

pub(super) fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: OrgScope,
    v: &ValidTeam,
) -> QueryResult<PublicId> {
    let t = now();
    let public_id = PublicId::new();
    let id: i64 = diesel::insert_into(teams::table)
        .values((
            teams::public_id.eq(public_id),
            teams::organization_id.eq(scope.id()),
            teams::name.eq(&v.name),
            teams::description.eq(&v.description),
            teams::lead_user_id.eq(v.lead.as_ref().map(|l| l.0)),
            teams::created_at.eq(t),
            teams::updated_at.eq(t),
        ))
        .returning(teams::id)
        .get_result(conn)?;
    if let Some(lead) = &v.lead {
        join(conn, scope, lead.0, Some(id))?;
    }
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::CREATE, "team")
            .entity(public_id)
            .new_values(team_json(v)),
    )?;
    Ok(public_id)
}

/// Saves the team's new values: `false` when nothing changed.
pub(super) fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: OrgScope,
    team: &TeamRecord,
    v: &ValidTeam,
) -> QueryResult<bool> {
    let old = json!({
        "name": team.name, "description": team.description,
        "lead": lead_name(conn, scope, team.lead_user_id)?,
        "is_active": team.is_active,
    });
    let Some((before, after)) = audit::changes(&old, &team_json(v)) else {
        return Ok(false);
    };
    diesel::update(
        teams::table
            .find(team.id)
            .filter(teams::organization_id.eq(scope.id())),
    )
    .set((
        teams::name.eq(&v.name),
        teams::description.eq(&v.description),
        teams::lead_user_id.eq(v.lead.as_ref().map(|l| l.0)),
        teams::is_active.eq(v.is_active),
        teams::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if let Some(lead) = &v.lead
        && lead.3 != Some(team.id)
    {
        join(conn, scope, lead.0, Some(team.id))?;
    }
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::UPDATE, "team")
            .entity(team.public_id)
            .old(before)
            .new_values(after),
    )?;
    Ok(true)
}

/// The lead's name as the audit log keeps it ("First Last").
fn lead_name(
    conn: &mut AnyConnection,
    scope: OrgScope,
    lead: Option<i64>,
) -> QueryResult<Option<String>> {
    let Some(id) = lead else {
        return Ok(None);
    };
    Ok(users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::id.eq(id))
        .select((users::first_name, users::last_name))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(f, l)| format!("{f} {l}")))
}
