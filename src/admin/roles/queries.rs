//! What the role pages read and write: roles, their permissions and how many users hold them.

use std::collections::HashMap;

use diesel::prelude::*;

use super::form::ValidRole;
use crate::db::{AnyConnection, PublicId, now};
use crate::permissions::PermissionSet;
use crate::schema::{role_permissions, roles, users};
use crate::web::OrgScope;

#[derive(Debug, Clone, Queryable)]
pub struct RoleRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub description: Option<String>,
    pub system_key: Option<String>,
    pub commission_rate_bp: Option<i32>,
    pub is_active: bool,
}

pub(super) fn find(
    conn: &mut AnyConnection,
    scope: OrgScope,
    id: PublicId,
) -> QueryResult<RoleRecord> {
    roles::table
        .filter(roles::organization_id.eq(scope.id()))
        .filter(roles::public_id.eq(id))
        .select((
            roles::id,
            roles::public_id,
            roles::name,
            roles::description,
            roles::system_key,
            roles::commission_rate_bp,
            roles::is_active,
        ))
        .first(conn)
}

/// (active, inactive) users per role of the organization.
pub(super) fn user_counts(
    conn: &mut AnyConnection,
    scope: OrgScope,
) -> QueryResult<HashMap<i64, (i64, i64)>> {
    let rows: Vec<(Option<i64>, bool, i64)> = users::table
        .filter(users::organization_id.eq(scope.id()))
        .group_by((users::role_id, users::is_active))
        .select((users::role_id, users::is_active, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<i64, (i64, i64)> = HashMap::new();
    for (role_id, active, n) in rows {
        if let Some(role_id) = role_id {
            let e = out.entry(role_id).or_default();
            if active {
                e.0 += n;
            } else {
                e.1 += n;
            }
        }
    }
    Ok(out)
}

/// (active, inactive) users holding one role.
pub(super) fn role_user_counts(
    conn: &mut AnyConnection,
    scope: OrgScope,
    role_id: i64,
) -> QueryResult<(i64, i64)> {
    let rows: Vec<(bool, i64)> = users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::role_id.eq(role_id))
        .group_by(users::is_active)
        .select((users::is_active, diesel::dsl::count_star()))
        .load(conn)?;
    let count = |active: bool| rows.iter().find(|r| r.0 == active).map_or(0, |r| r.1);
    Ok((count(true), count(false)))
}

pub(super) fn name_taken(
    conn: &mut AnyConnection,
    scope: OrgScope,
    name: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let names: Vec<(i64, String)> = roles::table
        .filter(roles::organization_id.eq(scope.id()))
        .select((roles::id, roles::name))
        .load(conn)?;
    Ok(names
        .iter()
        .any(|(id, n)| Some(*id) != except && n.to_lowercase() == name.to_lowercase()))
}

pub(super) const NAME_TAKEN: &str = "Another role of your organization has this name.";

/// Writes the role's new values and permissions over the old.
pub(super) fn update(
    conn: &mut AnyConnection,
    scope: OrgScope,
    role_id: i64,
    v: &ValidRole,
) -> QueryResult<()> {
    diesel::update(
        roles::table
            .filter(roles::organization_id.eq(scope.id()))
            .filter(roles::id.eq(role_id)),
    )
    .set((
        roles::name.eq(&v.name),
        roles::description.eq(&v.description),
        roles::commission_rate_bp.eq(v.commission_rate_bp),
        roles::is_active.eq(v.is_active),
        roles::updated_at.eq(now()),
    ))
    .execute(conn)?;
    save_permissions(conn, scope, role_id, v.permissions)
}

pub(super) fn save_permissions(
    conn: &mut AnyConnection,
    scope: OrgScope,
    role_id: i64,
    perms: PermissionSet,
) -> QueryResult<()> {
    diesel::delete(
        role_permissions::table
            .filter(role_permissions::organization_id.eq(scope.id()))
            .filter(role_permissions::role_id.eq(role_id)),
    )
    .execute(conn)?;
    for p in perms.iter() {
        diesel::insert_into(role_permissions::table)
            .values((
                role_permissions::organization_id.eq(scope.id()),
                role_permissions::role_id.eq(role_id),
                role_permissions::permission.eq(p.key()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
