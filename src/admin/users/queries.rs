//! Queries of the users section, each scoped to one organization by its `OrgScope` argument.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, contains_pattern, lower, now};
use crate::schema::{
    audit_log, distributors, organization_stats, organizations, partners, roles, teams, users,
};
use crate::web::OrgScope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    Email,
    Newest,
}

impl Sort {
    pub fn parse(s: &str) -> Self {
        match s {
            "email" => Self::Email,
            "newest" => Self::Newest,
            _ => Self::Name,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Newest => "newest",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    All,
    Active,
    Inactive,
    Locked,
}

impl Status {
    pub fn parse(s: &str) -> Self {
        match s {
            "active" => Self::Active,
            "inactive" => Self::Inactive,
            "locked" => Self::Locked,
            _ => Self::All,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamFilter {
    Any,
    NoTeam,
    Team(i64),
}

pub struct Filter {
    pub q: String,
    pub role_id: Option<i64>,
    pub team: TeamFilter,
    pub status: Status,
    pub sort: Sort,
    /// The last row of the previous page.
    pub after: Option<PublicId>,
}

#[derive(Debug, Clone, Queryable)]
pub struct UserRow {
    pub id: i64,
    pub public_id: PublicId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub is_active: bool,
    pub must_change_password: bool,
    pub locked_until: Option<NaiveDateTime>,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub role_name: String,
    pub team_name: Option<String>,
}

/// One page of users: `limit` rows after the cursor, in the chosen order. Keyset pagination:
/// the cursor's sort values come from one indexed lookup, so page 200 costs what page 1 does.
pub fn list(
    conn: &mut AnyConnection,
    scope: OrgScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<UserRow>> {
    let org = scope.id();
    let mut q = users::table
        .inner_join(roles::table.on(roles::id.nullable().eq(users::role_id)))
        .left_join(teams::table.on(teams::id.nullable().eq(users::team_id)))
        .filter(users::organization_id.eq(org))
        .select((
            users::id,
            users::public_id,
            users::first_name,
            users::last_name,
            users::email,
            users::is_active,
            users::must_change_password,
            users::locked_until,
            users::last_login_at,
            users::created_at,
            roles::name,
            teams::name.nullable(),
        ))
        .into_boxed();
    let term = f.q.trim().to_lowercase();
    if !term.is_empty() {
        let pattern = contains_pattern(&term);
        q = q.filter(
            lower(users::first_name.concat(" ").concat(users::last_name))
                .like(pattern.clone())
                .escape('\\')
                .or(users::email.like(pattern).escape('\\')),
        );
    }
    if let Some(role_id) = f.role_id {
        q = q.filter(users::role_id.eq(role_id));
    }
    match f.team {
        TeamFilter::Any => {}
        TeamFilter::NoTeam => q = q.filter(users::team_id.is_null()),
        TeamFilter::Team(id) => q = q.filter(users::team_id.eq(id)),
    }
    match f.status {
        Status::All => {}
        Status::Active => q = q.filter(users::is_active.eq(true)),
        Status::Inactive => q = q.filter(users::is_active.eq(false)),
        Status::Locked => q = q.filter(users::locked_until.gt(now())),
    }
    let cursor = match f.after {
        Some(p) => users::table
            .filter(users::organization_id.eq(org))
            .filter(users::public_id.eq(p))
            .select((
                users::id,
                users::last_name,
                users::first_name,
                users::email,
                users::created_at,
            ))
            .first::<(i64, String, String, String, NaiveDateTime)>(conn)
            .optional()?,
        None => None,
    };
    q = match f.sort {
        Sort::Name => {
            if let Some((id, last, first, _, _)) = cursor {
                q = q.filter(
                    users::last_name
                        .gt(last.clone())
                        .or(users::last_name
                            .eq(last.clone())
                            .and(users::first_name.gt(first.clone())))
                        .or(users::last_name
                            .eq(last)
                            .and(users::first_name.eq(first))
                            .and(users::id.gt(id))),
                );
            }
            q.order((users::last_name, users::first_name, users::id))
        }
        Sort::Email => {
            if let Some((_, _, _, email, _)) = cursor {
                q = q.filter(users::email.gt(email));
            }
            q.order(users::email)
        }
        Sort::Newest => {
            if let Some((id, _, _, _, created)) = cursor {
                q = q.filter(
                    users::created_at
                        .lt(created)
                        .or(users::created_at.eq(created).and(users::id.lt(id))),
                );
            }
            q.order((users::created_at.desc(), users::id.desc()))
        }
    };
    q.limit(limit).load(conn)
}

/// A user of this organization, as the edit form and the detail page need it.
#[derive(Debug, Clone, Queryable)]
pub struct UserRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub role_id: i64,
    pub team_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub distributor_id: Option<i64>,
    pub sales_target_minor: Option<i64>,
    pub commission_rate_bp: Option<i32>,
    pub is_active: bool,
    pub must_change_password: bool,
    pub locked_until: Option<NaiveDateTime>,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut AnyConnection, scope: OrgScope, id: PublicId) -> QueryResult<UserRecord> {
    users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::public_id.eq(id))
        .filter(users::role_id.is_not_null())
        .select((
            users::id,
            users::public_id,
            users::email,
            users::first_name,
            users::last_name,
            users::phone,
            users::role_id.assume_not_null(),
            users::team_id,
            users::partner_id,
            users::distributor_id,
            users::sales_target_minor,
            users::commission_rate_bp,
            users::is_active,
            users::must_change_password,
            users::locked_until,
            users::last_login_at,
            users::created_at,
        ))
        .first(conn)
}

/// (id, public id, name) of a select list's entries.
pub type Choice = (i64, PublicId, String);

/// Active roles, with whether each is a default role's, by name.
pub fn role_choices(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<Vec<Choice>> {
    roles::table
        .filter(roles::organization_id.eq(scope.id()))
        .filter(roles::is_active.eq(true))
        .order(roles::name)
        .select((roles::id, roles::public_id, roles::name))
        .load(conn)
}

pub fn team_choices(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<Vec<Choice>> {
    teams::table
        .filter(teams::organization_id.eq(scope.id()))
        .filter(teams::is_active.eq(true))
        .order(teams::name)
        .select((teams::id, teams::public_id, teams::name))
        .load(conn)
}

pub fn partner_choices(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<Vec<Choice>> {
    partners::table
        .filter(partners::organization_id.eq(scope.id()))
        .filter(partners::is_active.eq(true))
        .order(partners::name)
        .select((partners::id, partners::public_id, partners::name))
        .load(conn)
}

pub fn distributor_choices(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<Vec<Choice>> {
    distributors::table
        .filter(distributors::organization_id.eq(scope.id()))
        .filter(distributors::is_active.eq(true))
        .order(distributors::name)
        .select((
            distributors::id,
            distributors::public_id,
            distributors::name,
        ))
        .load(conn)
}

pub fn currency(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<String> {
    organizations::table
        .find(scope.id())
        .select(organizations::currency)
        .first(conn)
}

/// The organization's users, all and active, from its kept counts.
pub fn user_counts(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<(i64, i64)> {
    Ok(organization_stats::table
        .find(scope.id())
        .select((
            organization_stats::users_total,
            organization_stats::users_active,
        ))
        .first(conn)
        .optional()?
        .unwrap_or((0, 0)))
}

/// A line of a user's recent activity: when, the action's code, who (an e-mail, or the system).
pub type Activity = (NaiveDateTime, String, Option<String>);

/// The last `limit` audited changes made to the organization's user `id`, newest first.
pub fn recent_activity(
    conn: &mut AnyConnection,
    scope: OrgScope,
    id: PublicId,
    limit: i64,
) -> QueryResult<Vec<Activity>> {
    audit_log::table
        .filter(audit_log::organization_id.eq(scope.id()))
        .filter(audit_log::entity_type.eq("user"))
        .filter(audit_log::entity_id.eq(id.to_string()))
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            audit_log::created_at,
            audit_log::action,
            audit_log::actor_email,
        ))
        .load(conn)
}
