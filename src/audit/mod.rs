//! The audit log: append-only (the database refuses UPDATE and DELETE) and tamper-evident. Each
//! row stores the hash of the previous row of its organization's chain (chain 0 holds platform
//! events) and its own hash over every field, so that a changed, removed or inserted row breaks
//! the chain at that point. `dealdesk audit-verify` and the admin audit page report the first
//! broken link.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use sha2::{Digest, Sha256};

use crate::db::{AnyConnection, PublicId, now};
use crate::schema::{audit_chain_heads, audit_log};

pub mod checkpoint;
mod verify;

pub use verify::{ChainReport, Walk, verify_all, verify_chain, walk};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something, from where. Built from the request for web actions; `system()` for the
/// command line and background work.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub email: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self::default()
    }
}

/// One event to record. `old` and `new` are JSON objects of the changed fields.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub organization_id: Option<i64>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub old: Option<serde_json::Value>,
    pub new: Option<serde_json::Value>,
}

impl<'a> Event<'a> {
    pub fn new(organization_id: Option<i64>, action: &'a str, entity_type: &'a str) -> Self {
        Self {
            organization_id,
            action,
            entity_type,
            entity_id: None,
            old: None,
            new: None,
        }
    }

    pub fn entity(mut self, id: impl ToString) -> Self {
        self.entity_id = Some(id.to_string());
        self
    }

    pub fn old(mut self, v: serde_json::Value) -> Self {
        self.old = Some(v);
        self
    }

    pub fn new_values(mut self, v: serde_json::Value) -> Self {
        self.new = Some(v);
        self
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub old_values: Option<String>,
    pub new_values: Option<String>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRow<'a> {
    public_id: PublicId,
    organization_id: Option<i64>,
    actor_user_id: Option<i64>,
    actor_email: Option<&'a str>,
    action: &'a str,
    entity_type: &'a str,
    entity_id: Option<&'a str>,
    old_values: Option<&'a str>,
    new_values: Option<&'a str>,
    ip_address: Option<&'a str>,
    user_agent: Option<&'a str>,
    created_at: NaiveDateTime,
    prev_hash: &'a str,
    hash: &'a str,
}

/// The fields a row's hash covers, in a fixed order with separators no field can contain
/// unescaped (JSON and text are length-prefixed).
#[allow(clippy::too_many_arguments)]
pub(crate) fn compute_hash(
    prev_hash: &str,
    public_id: &PublicId,
    organization_id: Option<i64>,
    actor_user_id: Option<i64>,
    actor_email: Option<&str>,
    action: &str,
    entity_type: &str,
    entity_id: Option<&str>,
    old_values: Option<&str>,
    new_values: Option<&str>,
    ip_address: Option<&str>,
    user_agent: Option<&str>,
    created_at: &NaiveDateTime,
) -> String {
    let mut h = Sha256::new();
    let mut field = |s: Option<&str>| match s {
        Some(s) => {
            h.update(format!("{}:", s.len()));
            h.update(s.as_bytes());
        }
        None => h.update(b"-"),
    };
    field(Some(prev_hash));
    field(Some(&public_id.to_string()));
    field(organization_id.map(|v| v.to_string()).as_deref());
    field(actor_user_id.map(|v| v.to_string()).as_deref());
    field(actor_email);
    field(Some(action));
    field(Some(entity_type));
    field(entity_id);
    field(old_values);
    field(new_values);
    field(ip_address);
    field(user_agent);
    field(Some(
        &created_at.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
    ));
    hex::encode(h.finalize())
}

impl AuditRow {
    fn expected_hash(&self) -> String {
        compute_hash(
            &self.prev_hash,
            &self.public_id,
            self.organization_id,
            self.actor_user_id,
            self.actor_email.as_deref(),
            &self.action,
            &self.entity_type,
            self.entity_id.as_deref(),
            self.old_values.as_deref(),
            self.new_values.as_deref(),
            self.ip_address.as_deref(),
            self.user_agent.as_deref(),
            &self.created_at,
        )
    }
}

/// Appends one event. Call it inside the transaction of the change it records, so that both land
/// or neither does; it takes its own savepoint otherwise.
pub fn record(conn: &mut AnyConnection, actor: &Actor, event: Event<'_>) -> QueryResult<()> {
    conn.transaction(|conn| {
        let chain_key = event.organization_id.unwrap_or(0);
        diesel::sql_query(
            "INSERT INTO audit_chain_heads (chain_key, last_hash, entries) VALUES ($1, $2, 0) \
             ON CONFLICT (chain_key) DO NOTHING",
        )
        .bind::<BigInt, _>(chain_key)
        .bind::<Text, _>(GENESIS)
        .execute(conn)?;
        // Updating the head first locks it, so concurrent appends to one chain take turns.
        let prev_hash: String = diesel::update(audit_chain_heads::table.find(chain_key))
            .set(audit_chain_heads::entries.eq(audit_chain_heads::entries + 1))
            .returning(audit_chain_heads::last_hash)
            .get_result(conn)?;

        let public_id = PublicId::new();
        let created_at = now();
        let old = event.old.as_ref().map(|v| v.to_string());
        let new = event.new.as_ref().map(|v| v.to_string());
        // Whatever arrived (a 250-character e-mail typed at sign-in) fits its column: an event
        // is never lost to a length limit of the database.
        let ua = actor.user_agent.as_deref().map(|s| truncate(s, 500));
        let actor_email = actor.email.as_deref().map(|s| truncate(s, 254));
        let entity_id = event.entity_id.as_deref().map(|s| truncate(s, 100));
        let ip = actor.ip.as_deref().map(|s| truncate(s, 45));
        let hash = compute_hash(
            &prev_hash,
            &public_id,
            event.organization_id,
            actor.user_id,
            actor_email,
            event.action,
            event.entity_type,
            entity_id,
            old.as_deref(),
            new.as_deref(),
            ip,
            ua,
            &created_at,
        );
        diesel::insert_into(audit_log::table)
            .values(NewAuditRow {
                public_id,
                organization_id: event.organization_id,
                actor_user_id: actor.user_id,
                actor_email,
                action: event.action,
                entity_type: event.entity_type,
                entity_id,
                old_values: old.as_deref(),
                new_values: new.as_deref(),
                ip_address: ip,
                user_agent: ua,
                created_at,
                prev_hash: &prev_hash,
                hash: &hash,
            })
            .execute(conn)?;
        diesel::update(audit_chain_heads::table.find(chain_key))
            .set(audit_chain_heads::last_hash.eq(&hash))
            .execute(conn)?;
        Ok(())
    })
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The fields that differ between two JSON objects, as (old, new) objects holding only those
/// fields; `None` when nothing changed, so that a save without changes records nothing.
pub fn changes(
    old: &serde_json::Value,
    new: &serde_json::Value,
) -> Option<(serde_json::Value, serde_json::Value)> {
    let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
        return (old != new).then(|| (old.clone(), new.clone()));
    };
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    for (k, v) in n {
        let was = o.get(k).unwrap_or(&serde_json::Value::Null);
        if was != v {
            before.insert(k.clone(), was.clone());
            after.insert(k.clone(), v.clone());
        }
    }
    (!after.is_empty()).then(|| (before.into(), after.into()))
}

/// Action names of authentication events (DESIGN.md, "Accounts and sessions").
pub mod actions {
    pub const REGISTER: &str = "REGISTER";
    pub const LOGIN: &str = "LOGIN";
    pub const LOGIN_FAILED: &str = "LOGIN_FAILED";
    pub const LOGOUT: &str = "LOGOUT";
    pub const LOGOUT_ALL: &str = "LOGOUT_ALL";
    pub const PASSWORD_CHANGE: &str = "PASSWORD_CHANGE";
    pub const PASSWORD_RESET: &str = "PASSWORD_RESET";
    /// A wrong current password on the password-change form (counted like a failed sign-in).
    pub const PASSWORD_CHANGE_FAILED: &str = "PASSWORD_CHANGE_FAILED";
    pub const ACCOUNT_LOCK: &str = "ACCOUNT_LOCK";
    pub const SESSION_REVOKED: &str = "SESSION_REVOKED";
    pub const CREATE: &str = "create";
    pub const UPDATE: &str = "update";
    pub const DELETE: &str = "delete";
    pub const EXPORT: &str = "export";
    /// A sensitive file opened (a payment's receipt).
    pub const VIEW: &str = "view";
    /// Every action the audit page offers as a filter.
    pub const ALL: [&str; 15] = [
        CREATE,
        UPDATE,
        DELETE,
        EXPORT,
        VIEW,
        LOGIN,
        LOGIN_FAILED,
        LOGOUT,
        LOGOUT_ALL,
        PASSWORD_CHANGE,
        PASSWORD_RESET,
        PASSWORD_CHANGE_FAILED,
        ACCOUNT_LOCK,
        SESSION_REVOKED,
        REGISTER,
    ];
}
