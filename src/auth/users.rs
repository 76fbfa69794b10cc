//! The user rows sign-in and account pages need.

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, now};
use crate::schema::{login_attempts, organizations, users};

pub const MAX_FAILURES: i32 = 5;
pub const LOCK_DURATION: Duration = Duration::minutes(30);
pub const IP_WINDOW: Duration = Duration::minutes(15);
/// Failed sign-ins from one address within `IP_WINDOW` before it is refused for a while; high
/// enough for an office behind one address, low enough to stop guessing across accounts.
pub const IP_MAX_FAILURES: i64 = 30;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct AuthUser {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: Option<i64>,
    pub role_id: Option<i64>,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub is_platform_admin: bool,
    pub is_active: bool,
    pub is_verified: bool,
    pub must_change_password: bool,
    pub failed_login_count: i32,
    pub locked_until: Option<NaiveDateTime>,
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<AuthUser>> {
    users::table
        .filter(users::email.eq(normalize_email(email)))
        .select(AuthUser::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_id(conn: &mut AnyConnection, id: i64) -> QueryResult<AuthUser> {
    users::table
        .find(id)
        .select(AuthUser::as_select())
        .first(conn)
}

pub fn organization_is_active(conn: &mut AnyConnection, org_id: Option<i64>) -> QueryResult<bool> {
    match org_id {
        None => Ok(true),
        Some(id) => organizations::table
            .find(id)
            .select(organizations::is_active)
            .first(conn),
    }
}

pub fn ip_is_throttled(conn: &mut AnyConnection, ip: &str) -> QueryResult<bool> {
    let recent: i64 = login_attempts::table
        .filter(login_attempts::ip_address.eq(ip))
        .filter(login_attempts::attempted_at.gt(now() - IP_WINDOW))
        .select(count_star())
        .first(conn)?;
    Ok(recent >= IP_MAX_FAILURES)
}

pub fn record_ip_failure(conn: &mut AnyConnection, ip: &str, email: &str) -> QueryResult<()> {
    let t = now();
    // Old rows of this address go as new ones come; the table never grows past the window.
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::ip_address.eq(ip))
            .filter(login_attempts::attempted_at.lt(t - IP_WINDOW)),
    )
    .execute(conn)?;
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::ip_address.eq(ip),
            login_attempts::email.eq(email.chars().take(254).collect::<String>()),
            login_attempts::attempted_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

/// Counts a wrong password; returns true when this failure locked the account.
pub fn record_failure(conn: &mut AnyConnection, user: &AuthUser) -> QueryResult<bool> {
    let failures = user.failed_login_count + 1;
    let locks = failures >= MAX_FAILURES;
    let t = now();
    diesel::update(users::table.find(user.id))
        .set((
            users::failed_login_count.eq(if locks { 0 } else { failures }),
            users::locked_until.eq(if locks { Some(t + LOCK_DURATION) } else { None }),
            users::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(locks)
}

pub fn record_success(conn: &mut AnyConnection, user_id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::failed_login_count.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::last_login_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_password(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &str,
    must_change: bool,
) -> QueryResult<()> {
    let t = now();
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(must_change),
            users::password_changed_at.eq(t),
            users::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}
