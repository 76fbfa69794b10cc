//! Server-side sessions. The cookie (actix-session, encrypted) carries a random token; the
//! sessions table holds its SHA-256, so that sessions can be listed and revoked on any device
//! and a revoked or expired one is refused on the very next request by any instance.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;
use diesel::dsl::count_star;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::{AnyConnection, PublicId, now};
use crate::permissions::PermissionSet;
use crate::schema::{
    organizations, role_permissions, roles, sessions, user_notifications, user_profiles, users,
};

pub const COOKIE_KEY: &str = "sid";
pub const IDLE_TIMEOUT: Duration = Duration::hours(12);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(30);
/// `last_seen_at` is written at most this often, to keep ordinary requests read-only.
const TOUCH_INTERVAL: Duration = Duration::seconds(60);

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// The signed-in user as every page needs them.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub session_id: i64,
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: Option<i64>,
    pub role_id: Option<i64>,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_platform_admin: bool,
    pub must_change_password: bool,
    pub organization_name: Option<String>,
    pub role_name: Option<String>,
    pub timezone: Tz,
    /// The organization's currency, read with the session so pages need not ask again.
    pub currency: Option<iso_currency::Currency>,
}

impl SessionUser {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

pub struct Loaded {
    pub user: SessionUser,
    pub perms: PermissionSet,
    pub unread: i64,
}

/// One row of the session lookup: the session, its user, organization, role and profile.
#[derive(Queryable)]
struct SessionRow {
    session_id: i64,
    expires_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
    user_id: i64,
    public_id: PublicId,
    organization_id: Option<i64>,
    role_id: Option<i64>,
    email: String,
    first_name: String,
    last_name: String,
    is_platform_admin: bool,
    must_change_password: bool,
    user_active: bool,
    organization_name: Option<String>,
    organization_active: Option<bool>,
    organization_timezone: Option<String>,
    organization_currency: Option<String>,
    role_name: Option<String>,
    profile_timezone: Option<String>,
    unread: Option<i64>,
    permission: Option<String>,
}

/// Looks a cookie token up; `None` when it is unknown, revoked, expired or idle too long, or
/// when the user or their organization is inactive.
pub fn load(conn: &mut AnyConnection, token: &str) -> QueryResult<Option<Loaded>> {
    // One statement for everything a page needs: a row per permission of the (active) role, the
    // unread count beside it. Each request pays for this, so it is kept to one round trip.
    let unread = user_notifications::table
        .filter(
            user_notifications::organization_id
                .nullable()
                .eq(users::organization_id),
        )
        .filter(user_notifications::user_id.eq(users::id))
        .filter(user_notifications::is_read.eq(false))
        .select(count_star())
        .single_value();
    let rows: Vec<SessionRow> = sessions::table
        .inner_join(users::table.on(users::id.eq(sessions::user_id)))
        .left_join(organizations::table.on(organizations::id.nullable().eq(users::organization_id)))
        .left_join(roles::table.on(roles::id.nullable().eq(users::role_id)))
        .left_join(user_profiles::table.on(user_profiles::user_id.eq(users::id)))
        .left_join(
            role_permissions::table.on(role_permissions::role_id
                .nullable()
                .eq(users::role_id)
                .and(roles::is_active.nullable().eq(Some(true)))),
        )
        .filter(sessions::token_hash.eq(hash_token(token)))
        .select((
            sessions::id,
            sessions::expires_at,
            sessions::last_seen_at,
            sessions::revoked_at,
            users::id,
            users::public_id,
            users::organization_id,
            users::role_id,
            users::email,
            users::first_name,
            users::last_name,
            users::is_platform_admin,
            users::must_change_password,
            users::is_active,
            organizations::name.nullable(),
            organizations::is_active.nullable(),
            organizations::timezone.nullable(),
            organizations::currency.nullable(),
            roles::name.nullable(),
            user_profiles::timezone.nullable(),
            unread,
            role_permissions::permission.nullable(),
        ))
        .load(conn)?;
    let perms = PermissionSet::from_keys(rows.iter().filter_map(|r| r.permission.as_deref()));
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let t = now();
    // A platform admin has no organization; anyone else needs an active one.
    let usable = row.revoked_at.is_none()
        && row.expires_at > t
        && row.last_seen_at + IDLE_TIMEOUT > t
        && row.user_active
        && row.organization_active.unwrap_or(row.is_platform_admin);
    if !usable {
        return Ok(None);
    }
    if t - row.last_seen_at > TOUCH_INTERVAL {
        diesel::update(sessions::table.find(row.session_id))
            .set(sessions::last_seen_at.eq(t))
            .execute(conn)?;
    }
    let unread = row.unread.unwrap_or(0);
    let timezone = row
        .profile_timezone
        .or(row.organization_timezone)
        .and_then(|tz| tz.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC);
    Ok(Some(Loaded {
        user: SessionUser {
            session_id: row.session_id,
            id: row.user_id,
            public_id: row.public_id,
            organization_id: row.organization_id,
            role_id: row.role_id,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            is_platform_admin: row.is_platform_admin,
            must_change_password: row.must_change_password,
            organization_name: row.organization_name,
            role_name: row.role_name,
            timezone,
            currency: row
                .organization_currency
                .as_deref()
                .and_then(iso_currency::Currency::from_code),
        },
        perms,
        unread,
    }))
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
struct NewSession<'a> {
    public_id: PublicId,
    organization_id: Option<i64>,
    user_id: i64,
    token_hash: &'a str,
    ip_address: Option<&'a str>,
    user_agent: Option<&'a str>,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// Creates a session row and returns the token for the cookie.
pub fn create(
    conn: &mut AnyConnection,
    user_id: i64,
    organization_id: Option<i64>,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> QueryResult<String> {
    let token = new_token();
    let t = now();
    diesel::insert_into(sessions::table)
        .values(NewSession {
            public_id: PublicId::new(),
            organization_id,
            user_id,
            token_hash: &hash_token(&token),
            ip_address: ip,
            user_agent,
            created_at: t,
            last_seen_at: t,
            expires_at: t + ABSOLUTE_TIMEOUT,
        })
        .execute(conn)?;
    Ok(token)
}

/// Revokes the session a cookie token names, if it is still active.
pub fn revoke_token(
    conn: &mut AnyConnection,
    token: &str,
    reason: &str,
) -> QueryResult<Option<i64>> {
    diesel::update(
        sessions::table
            .filter(sessions::token_hash.eq(hash_token(token)))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now()),
        sessions::revoked_reason.eq(reason),
    ))
    .returning(sessions::user_id)
    .get_result(conn)
    .optional()
}

pub fn revoke_by_id(conn: &mut AnyConnection, session_id: i64, reason: &str) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now()),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Revokes one session of a user, named by its public id; `false` when the user has no such
/// active session (which the caller answers with 404).
pub fn revoke_one(
    conn: &mut AnyConnection,
    user_id: i64,
    public_id: PublicId,
    reason: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::public_id.eq(public_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now()),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every active session of a user except `keep`; returns how many.
pub fn revoke_all_except(
    conn: &mut AnyConnection,
    user_id: i64,
    keep: Option<i64>,
    reason: &str,
) -> QueryResult<usize> {
    let mut q = diesel::update(sessions::table)
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .into_boxed();
    if let Some(keep) = keep {
        q = q.filter(sessions::id.ne(keep));
    }
    q.set((
        sessions::revoked_at.eq(now()),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct ActiveSession {
    pub id: i64,
    pub public_id: PublicId,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

/// A user's sessions that could still be used, most recently seen first.
pub fn list_active(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<ActiveSession>> {
    let t = now();
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(t))
        .filter(sessions::last_seen_at.gt(t - IDLE_TIMEOUT))
        .order(sessions::last_seen_at.desc())
        .select((
            sessions::id,
            sessions::public_id,
            sessions::ip_address,
            sessions::user_agent,
            sessions::created_at,
            sessions::last_seen_at,
        ))
        .load(conn)
}
