//! The user rows sign-in and account pages need.

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, now};
use crate::schema::{login_attempts, organizations, users};

/// Wrong passwords for one e-mail from one address, within `LOCK_DURATION`, before that
/// e-mail is refused from that address. Counted on the address typed, whether or not an
/// account has it, so the answers never tell which accounts exist; and per address, so that
/// nobody can lock a real user out from their own network.
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_DURATION: Duration = Duration::minutes(30);
/// Wrong passwords for one e-mail from every address together before it is refused from all:
/// guessing one account from many networks.
pub const EMAIL_MAX_FAILURES: i64 = 50;
pub const IP_WINDOW: Duration = Duration::minutes(15);
/// Failed sign-ins from one address within `IP_WINDOW` before it is refused for a while; high
/// enough for an office behind one address, low enough to stop guessing across accounts.
pub const IP_MAX_FAILURES: i64 = 30;

/// Whether a password may be tried for an e-mail from an address (sign-in, password change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Too many wrong passwords for this e-mail: `LOCK_DURATION` from the last one.
    Locked,
    /// Too many failures from this address, whatever the e-mail: `IP_WINDOW`.
    Throttled,
}

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

/// The e-mail as the attempts table keeps it (its column holds 254 characters).
fn attempt_key(email: &str) -> String {
    normalize_email(email).chars().take(254).collect()
}

fn failures(
    conn: &mut AnyConnection,
    ip: Option<&str>,
    email: Option<&str>,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    let mut q = login_attempts::table
        .filter(login_attempts::attempted_at.gt(since))
        .select(count_star())
        .into_boxed();
    if let Some(ip) = ip {
        q = q.filter(login_attempts::ip_address.eq(ip.to_string()));
    }
    if let Some(email) = email {
        q = q.filter(login_attempts::email.eq(attempt_key(email)));
    }
    q.first(conn)
}

/// The one rule for trying a password, sign-in and password change alike.
pub fn gate(conn: &mut AnyConnection, ip: &str, email: &str) -> QueryResult<Gate> {
    let t = now();
    if failures(conn, Some(ip), None, t - IP_WINDOW)? >= IP_MAX_FAILURES {
        return Ok(Gate::Throttled);
    }
    let since = t - LOCK_DURATION;
    if failures(conn, Some(ip), Some(email), since)? >= MAX_FAILURES
        || failures(conn, None, Some(email), since)? >= EMAIL_MAX_FAILURES
    {
        return Ok(Gate::Locked);
    }
    Ok(Gate::Open)
}

/// Records a wrong password (or an unknown e-mail); returns the gate as it now stands, so that
/// the failure that reaches the limit already answers "locked".
pub fn record_failed_attempt(conn: &mut AnyConnection, ip: &str, email: &str) -> QueryResult<Gate> {
    let t = now();
    // Rows older than every window go as new ones come, so the table stays small.
    diesel::delete(
        login_attempts::table
            .filter(
                login_attempts::ip_address
                    .eq(ip)
                    .or(login_attempts::email.eq(attempt_key(email))),
            )
            .filter(login_attempts::attempted_at.lt(t - LOCK_DURATION.max(IP_WINDOW))),
    )
    .execute(conn)?;
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::ip_address.eq(ip),
            login_attempts::email.eq(attempt_key(email)),
            login_attempts::attempted_at.eq(t),
        ))
        .execute(conn)?;
    gate(conn, ip, email)
}

/// Forgets the wrong passwords for an e-mail: from one address after a successful sign-in there,
/// from every address when an administrator resets the password.
pub fn clear_failed_attempts(
    conn: &mut AnyConnection,
    email: &str,
    ip: Option<&str>,
) -> QueryResult<()> {
    let mut q = diesel::delete(login_attempts::table)
        .filter(login_attempts::email.eq(attempt_key(email)))
        .into_boxed();
    if let Some(ip) = ip {
        q = q.filter(login_attempts::ip_address.eq(ip.to_string()));
    }
    q.execute(conn)?;
    Ok(())
}

/// Shows the lock on the account for administrators (status "Locked" on the users page).
pub fn mark_locked(conn: &mut AnyConnection, user_id: i64) -> QueryResult<()> {
    let t = now();
    diesel::update(users::table.find(user_id))
        .set((
            users::failed_login_count.eq(0),
            users::locked_until.eq(Some(t + LOCK_DURATION)),
            users::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
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
