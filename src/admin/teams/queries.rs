//! What the team pages read and write: teams, their members and leads, by organization.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::PageData;
use super::form::TeamForm;
use super::{MemberLine, ProjectLine};
use crate::db::{AnyConnection, PublicId, now};
use crate::domain::ProjectStatus;
use crate::schema::{projects, teams, users};
use crate::web::OrgScope;

#[derive(Debug, Clone, Queryable)]
pub struct TeamRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub description: Option<String>,
    pub lead_user_id: Option<i64>,
    pub is_active: bool,
}

pub(super) fn find(
    conn: &mut AnyConnection,
    scope: OrgScope,
    id: PublicId,
) -> QueryResult<TeamRecord> {
    teams::table
        .filter(teams::organization_id.eq(scope.id()))
        .filter(teams::public_id.eq(id))
        .select((
            teams::id,
            teams::public_id,
            teams::name,
            teams::description,
            teams::lead_user_id,
            teams::is_active,
        ))
        .first(conn)
}

/// An active user: (id, public id, name, team).
pub(super) type Member = (i64, PublicId, String, Option<i64>);
/// A team with its lead's names.
pub(super) type TeamRow = (i64, PublicId, String, bool, Option<String>, Option<String>);

/// An active user of the organization by e-mail.
pub(super) fn user_by_email(
    conn: &mut AnyConnection,
    scope: OrgScope,
    email: &str,
) -> QueryResult<Option<Member>> {
    let row: Option<(i64, PublicId, String, String, Option<i64>)> = users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::email.eq(email.trim().to_lowercase()))
        .filter(users::is_active.eq(true))
        .select((
            users::id,
            users::public_id,
            users::first_name,
            users::last_name,
            users::team_id,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, p, f, l, t)| (id, p, format!("{f} {l}"), t)))
}

pub(super) fn user_email(
    conn: &mut AnyConnection,
    scope: OrgScope,
    id: Option<i64>,
) -> QueryResult<Option<String>> {
    match id {
        Some(id) => users::table
            .filter(users::organization_id.eq(scope.id()))
            .filter(users::id.eq(id))
            .select(users::email)
            .first(conn)
            .optional(),
        None => Ok(None),
    }
}

/// Makes the lead a member of the team (moving them from another team if need be).
pub(super) fn join(
    conn: &mut AnyConnection,
    scope: OrgScope,
    user_id: i64,
    team_id: Option<i64>,
) -> QueryResult<()> {
    diesel::update(
        users::table
            .filter(users::organization_id.eq(scope.id()))
            .filter(users::id.eq(user_id)),
    )
    .set((users::team_id.eq(team_id), users::updated_at.eq(now())))
    .execute(conn)?;
    Ok(())
}

pub(super) fn load_page_data(
    conn: &mut AnyConnection,
    scope: OrgScope,
    team: &TeamRecord,
) -> QueryResult<PageData> {
    let members = users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::team_id.eq(team.id))
        .order((users::last_name, users::first_name))
        .select((
            users::public_id,
            users::first_name,
            users::last_name,
            users::email,
        ))
        .load::<(PublicId, String, String, String)>(conn)?
        .into_iter()
        .map(|(public_id, f, l, email)| MemberLine {
            public_id,
            name: format!("{f} {l}"),
            email,
        })
        .collect();
    let projects = projects::table
        .inner_join(users::table.on(users::id.eq(projects::created_by_id)))
        .filter(projects::organization_id.eq(scope.id()))
        .filter(projects::team_id.eq(team.id))
        .order((projects::name, projects::id))
        .select((
            projects::public_id,
            projects::name,
            projects::status,
            projects::start_date,
            projects::end_date,
            users::first_name,
            users::last_name,
        ))
        .load::<(
            PublicId,
            String,
            ProjectStatus,
            Option<NaiveDate>,
            Option<NaiveDate>,
            String,
            String,
        )>(conn)?
        .into_iter()
        .map(|(public_id, name, status, start, end, f, l)| ProjectLine {
            public_id,
            name,
            status,
            start: crate::web::dates::day_or_dash(start),
            end: crate::web::dates::day_or_dash(end),
            creator: format!("{f} {l}"),
        })
        .collect();
    Ok((members, projects))
}

pub(super) fn team_form(
    conn: &mut AnyConnection,
    scope: OrgScope,
    team: &TeamRecord,
) -> QueryResult<TeamForm> {
    Ok(TeamForm {
        name: team.name.clone(),
        description: team.description.clone().unwrap_or_default(),
        lead: user_email(conn, scope, team.lead_user_id)?.unwrap_or_default(),
        is_active: team.is_active.then(|| "on".into()),
    })
}
