//! The select options of the sales area's forms and filters: each takes the record scope, so a
//! form never offers a client or a person the user may not see.

use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId};
use crate::permissions::Permission;
use crate::schema::{clients, projects, role_permissions, users};
use crate::scope::RecordScope;

/// The clients a deal form offers: the active ones of the scope, by name.
pub fn client_choices(
    conn: &mut AnyConnection,
    scope: &RecordScope,
) -> QueryResult<Vec<(i64, PublicId, String)>> {
    let q = crate::owned!(
        clients::table
            .filter(clients::is_active.eq(true))
            .select((clients::id, clients::public_id, clients::name))
            .order((clients::name, clients::id))
            .limit(1_000)
            .into_boxed(),
        scope,
        clients::organization_id,
        clients::created_by_id
    );
    q.load(conn)
}

/// The people whose deals the scope holds, for the owner filter (only oneself for most).
/// Someone who may own a record: (row id, public id, name).
pub type Owner = (i64, PublicId, String);

pub fn owner_choices(conn: &mut AnyConnection, scope: &RecordScope) -> QueryResult<Vec<Owner>> {
    people(conn, scope, None)
}

/// The people of the scope who may be given clients: its active users whose role lets them
/// manage clients (a partner or a verifier would not see a client given to them).
pub fn assignee_choices(conn: &mut AnyConnection, scope: &RecordScope) -> QueryResult<Vec<Owner>> {
    people(conn, scope, Some(Permission::ClientsManage))
}

fn people(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    holding: Option<Permission>,
) -> QueryResult<Vec<Owner>> {
    let mut q = crate::owned!(
        users::table
            .select((
                users::id,
                users::public_id,
                users::first_name,
                users::last_name,
            ))
            .order((users::last_name, users::first_name, users::id))
            .limit(500)
            .into_boxed(),
        scope,
        users::organization_id,
        users::id
    );
    if let Some(p) = holding {
        let roles = role_permissions::table
            .filter(role_permissions::organization_id.eq(scope.org().id()))
            .filter(role_permissions::permission.eq(p.key()))
            .select(role_permissions::role_id);
        q = q
            .filter(users::is_active.eq(true))
            .filter(users::role_id.eq_any(roles.nullable()));
    }
    let found: Vec<(i64, PublicId, String, String)> = q.load(conn)?;
    Ok(found
        .into_iter()
        .map(|(id, p, first, last)| (id, p, format!("{first} {last}")))
        .collect())
}

/// The organization's projects still running, for the deal form.
pub fn project_choices(
    conn: &mut AnyConnection,
    scope: &RecordScope,
) -> QueryResult<Vec<(i64, PublicId, String)>> {
    projects::table
        .filter(projects::organization_id.eq(scope.org().id()))
        .filter(projects::status.eq_any(["active", "on_hold"]))
        .select((projects::id, projects::public_id, projects::name))
        .order(projects::name)
        .load(conn)
}
