//! Setting up tenants: an organization with its default roles, and its users. Used by the demo
//! data and the command line now, and by the platform and admin areas.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Actor, Event, actions};
use crate::db::{AnyConnection, PublicId, lower, now};
use crate::permissions::DEFAULT_ROLES;
use crate::schema::{
    organization_stats, organizations, role_permissions, roles, user_profiles, users,
};
use crate::web::OrgScope;

pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub currency: &'a str,
    pub timezone: &'a str,
}

/// Creates an organization and its default roles; returns its scope.
pub fn create_organization(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: &NewOrganization<'_>,
) -> QueryResult<OrgScope> {
    conn.transaction(|conn| {
        let t = now();
        let public_id = PublicId::new();
        let org_id: i64 = diesel::insert_into(organizations::table)
            .values((
                organizations::public_id.eq(public_id),
                organizations::name.eq(new.name),
                organizations::currency.eq(new.currency),
                organizations::timezone.eq(new.timezone),
                organizations::created_at.eq(t),
                organizations::updated_at.eq(t),
            ))
            .returning(organizations::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Event::new(Some(org_id), actions::CREATE, "organization")
                .entity(public_id)
                .new_values(json!({
                    "name": new.name, "currency": new.currency, "timezone": new.timezone,
                })),
        )?;
        for role in &DEFAULT_ROLES {
            let role_public_id = PublicId::new();
            let role_id: i64 = diesel::insert_into(roles::table)
                .values((
                    roles::public_id.eq(role_public_id),
                    roles::organization_id.eq(org_id),
                    roles::name.eq(role.name),
                    roles::description.eq(role.description),
                    roles::system_key.eq(role.key),
                    roles::created_at.eq(t),
                    roles::updated_at.eq(t),
                ))
                .returning(roles::id)
                .get_result(conn)?;
            for p in role.permissions {
                diesel::insert_into(role_permissions::table)
                    .values((
                        role_permissions::organization_id.eq(org_id),
                        role_permissions::role_id.eq(role_id),
                        role_permissions::permission.eq(p.key()),
                    ))
                    .execute(conn)?;
            }
            let keys: Vec<&str> = role.permissions.iter().map(|p| p.key()).collect();
            audit::record(
                conn,
                actor,
                Event::new(Some(org_id), actions::CREATE, "role")
                    .entity(role_public_id)
                    .new_values(json!({ "name": role.name, "permissions": keys })),
            )?;
        }
        Ok(OrgScope::trusted(org_id))
    })
}

pub fn find_organization_by_name(
    conn: &mut AnyConnection,
    name: &str,
) -> QueryResult<Option<OrgScope>> {
    organizations::table
        .filter(organizations::name.eq(name))
        .select(organizations::id)
        .first(conn)
        .optional()
        .map(|id| id.map(OrgScope::trusted))
}

pub fn role_id_by_key(conn: &mut AnyConnection, scope: OrgScope, key: &str) -> QueryResult<i64> {
    roles::table
        .filter(roles::organization_id.eq(scope.id()))
        .filter(roles::system_key.eq(key))
        .select(roles::id)
        .first(conn)
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password_hash: &'a str,
    pub role_id: i64,
    pub partner_id: Option<i64>,
    pub distributor_id: Option<i64>,
    pub must_change_password: bool,
}

/// Creates an active, verified user of an organization, with a profile.
pub fn create_user(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: OrgScope,
    new: &NewUser<'_>,
) -> QueryResult<i64> {
    conn.transaction(|conn| {
        let t = now();
        let public_id = PublicId::new();
        let email = crate::auth::users::normalize_email(new.email);
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::public_id.eq(public_id),
                users::organization_id.eq(scope.id()),
                users::role_id.eq(new.role_id),
                users::partner_id.eq(new.partner_id),
                users::distributor_id.eq(new.distributor_id),
                users::email.eq(&email),
                users::password_hash.eq(new.password_hash),
                users::first_name.eq(new.first_name),
                users::last_name.eq(new.last_name),
                users::is_verified.eq(true),
                users::must_change_password.eq(new.must_change_password),
                users::password_changed_at.eq(t),
                users::created_at.eq(t),
                users::updated_at.eq(t),
            ))
            .returning(users::id)
            .get_result(conn)?;
        create_profile(conn, id, Some(scope.id()), t)?;
        audit::record(
            conn,
            actor,
            Event::new(Some(scope.id()), actions::CREATE, "user")
                .entity(public_id)
                .new_values(json!({
                    "email": email, "first_name": new.first_name, "last_name": new.last_name,
                    "role_id": new.role_id, "must_change_password": new.must_change_password,
                })),
        )?;
        Ok(id)
    })
}

/// Creates a platform admin (no organization, no role).
pub fn create_platform_admin(
    conn: &mut AnyConnection,
    actor: &Actor,
    email: &str,
    password_hash: &str,
) -> QueryResult<i64> {
    conn.transaction(|conn| {
        let t = now();
        let public_id = PublicId::new();
        let email = crate::auth::users::normalize_email(email);
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::public_id.eq(public_id),
                users::email.eq(&email),
                users::password_hash.eq(password_hash),
                users::first_name.eq("Platform"),
                users::last_name.eq("Admin"),
                users::is_platform_admin.eq(true),
                users::is_verified.eq(true),
                users::password_changed_at.eq(t),
                users::created_at.eq(t),
                users::updated_at.eq(t),
            ))
            .returning(users::id)
            .get_result(conn)?;
        create_profile(conn, id, None, t)?;
        audit::record(
            conn,
            actor,
            Event::new(None, actions::CREATE, "platform_admin")
                .entity(public_id)
                .new_values(json!({ "email": email })),
        )?;
        Ok(id)
    })
}

pub(crate) fn create_profile(
    conn: &mut AnyConnection,
    user_id: i64,
    org: Option<i64>,
    t: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(user_profiles::table)
        .values((
            user_profiles::user_id.eq(user_id),
            user_profiles::organization_id.eq(org),
            user_profiles::created_at.eq(t),
            user_profiles::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

/// The organization's time zone, by which its days are counted (UTC if the stored name is not
/// one chrono-tz knows).
pub fn timezone(conn: &mut AnyConnection, org: i64) -> QueryResult<chrono_tz::Tz> {
    let name: String = organizations::table
        .find(org)
        .select(organizations::timezone)
        .first(conn)?;
    Ok(name.parse().unwrap_or(chrono_tz::UTC))
}

/// Whether another organization has this name (case-insensitively).
pub fn name_taken(conn: &mut AnyConnection, name: &str, except: Option<i64>) -> QueryResult<bool> {
    let mut q = organizations::table
        .filter(lower(organizations::name).eq(name.to_lowercase()))
        .select(organizations::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(organizations::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

/// Whether money has been recorded in the organization's currency, which then cannot change.
pub fn has_money(conn: &mut AnyConnection, org: i64) -> QueryResult<bool> {
    let (deals, revenue): (i64, i64) = organization_stats::table
        .find(org)
        .select((
            organization_stats::deals_total,
            organization_stats::verified_revenue_minor,
        ))
        .first(conn)
        .optional()?
        .unwrap_or((0, 0));
    Ok(deals > 0 || revenue != 0)
}

pub fn email_taken(
    conn: &mut AnyConnection,
    email: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut q = users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(users::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}
