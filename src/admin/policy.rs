//! The rules that keep an organization administrable and stop privilege escalation:
//! - no one grants a permission they do not hold (through a role's permissions or by giving a
//!   user a role), nor manages a user whose role holds permissions they lack;
//! - at least one active user with an active role holding `users.manage` remains.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::permissions::{Permission, PermissionSet};
use crate::schema::{role_permissions, roles, users};
use crate::web::OrgScope;
use crate::web::form::FormError;

/// The permissions a role of this organization holds (an unknown role holds none).
pub fn role_permissions(
    conn: &mut AnyConnection,
    scope: OrgScope,
    role_id: i64,
) -> QueryResult<PermissionSet> {
    let keys: Vec<String> = role_permissions::table
        .filter(role_permissions::organization_id.eq(scope.id()))
        .filter(role_permissions::role_id.eq(role_id))
        .select(role_permissions::permission)
        .load(conn)?;
    Ok(PermissionSet::from_keys(keys.iter().map(String::as_str)))
}

/// Whether `actor` holds every permission in `wanted`.
pub fn covers(actor: PermissionSet, wanted: PermissionSet) -> bool {
    wanted.iter().all(|p| actor.contains(p))
}

/// Active users whose active role holds `users.manage`.
pub fn active_admins(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<i64> {
    users::table
        .inner_join(roles::table.on(roles::id.nullable().eq(users::role_id)))
        .inner_join(role_permissions::table.on(role_permissions::role_id.eq(roles::id)))
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::is_active.eq(true))
        .filter(roles::is_active.eq(true))
        .filter(role_permissions::permission.eq(Permission::UsersManage.key()))
        .count()
        .get_result(conn)
}

pub const LAST_ADMIN: &str = "This would leave the organization without an active administrator \
     (a user whose role can manage users). Give another active user such a role first.";

/// Run inside the transaction of a change, after it: refuses the change (and so rolls it back)
/// when it left no active administrator.
pub fn ensure_admin_remains(
    conn: &mut AnyConnection,
    scope: OrgScope,
    field: &'static str,
) -> Result<(), FormError> {
    if active_admins(conn, scope)? == 0 {
        return Err(FormError::field(field, LAST_ADMIN));
    }
    Ok(())
}
