//! Provider configurations, their sync logs and the webhook events they received, per
//! organization.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, now};
use crate::domain::EventStatus;
use crate::schema::{organizations, provider_configs, provider_sync_logs, webhook_events};
use crate::web::OrgScope;

pub const TYPES: [(&str, &str); 3] = [
    ("auth", "Sign-in (auth)"),
    ("crm", "CRM"),
    ("billing", "Billing"),
];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = provider_configs)]
pub struct ProviderRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub provider_type: String,
    pub provider_name: String,
    pub is_active: bool,
    pub configuration: Option<String>,
    pub credentials_encrypted: Option<String>,
    pub webhook_secret_encrypted: Option<String>,
    pub health_status: String,
    pub last_health_check: Option<NaiveDateTime>,
    pub health_check_error: Option<String>,
}

impl ProviderRecord {
    /// The provider's address from its settings (`base_url`).
    pub fn base_url(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(self.configuration.as_deref()?).ok()?;
        v.get("base_url")?.as_str().map(str::to_string)
    }
}

pub fn list(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Vec<ProviderRecord>> {
    provider_configs::table
        .filter(provider_configs::organization_id.eq(org.id()))
        .select(ProviderRecord::as_select())
        .order((
            provider_configs::provider_type,
            provider_configs::provider_name,
        ))
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, org: OrgScope, id: PublicId) -> QueryResult<ProviderRecord> {
    provider_configs::table
        .filter(provider_configs::organization_id.eq(org.id()))
        .filter(provider_configs::public_id.eq(id))
        .select(ProviderRecord::as_select())
        .first(conn)
}

/// Whether the organization lets its providers live on a private network (`address`).
pub fn allows_private(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<bool> {
    organizations::table
        .find(org.id())
        .select(organizations::allow_private_providers)
        .first(conn)
}

/// An active configuration by the public id its webhook URL names, whatever the organization
/// (the URL is the provider's only way in); a deactivated one takes nothing in.
pub fn by_webhook(conn: &mut AnyConnection, id: PublicId) -> QueryResult<Option<ProviderRecord>> {
    provider_configs::table
        .filter(provider_configs::public_id.eq(id))
        .filter(provider_configs::is_active.eq(true))
        .select(ProviderRecord::as_select())
        .first(conn)
        .optional()
}

pub struct ProviderValues {
    pub provider_type: &'static str,
    pub provider_name: String,
    pub base_url: Option<String>,
    pub is_active: bool,
    /// `Some` replaces the sealed credential; `None` keeps it.
    pub credentials: Option<String>,
    pub webhook_secret: Option<String>,
}

/// One active configuration per type: activating one switches the others of its type off, in
/// the caller's transaction.
fn only_active(
    conn: &mut AnyConnection,
    org: OrgScope,
    kind: &str,
    except: i64,
) -> QueryResult<()> {
    diesel::update(
        provider_configs::table
            .filter(provider_configs::organization_id.eq(org.id()))
            .filter(provider_configs::provider_type.eq(kind))
            .filter(provider_configs::id.ne(except)),
    )
    .set(provider_configs::is_active.eq(false))
    .execute(conn)?;
    Ok(())
}

fn settings(v: &ProviderValues) -> Option<String> {
    v.base_url
        .as_ref()
        .map(|u| serde_json::json!({ "base_url": u }).to_string())
}

pub fn insert(
    conn: &mut AnyConnection,
    org: OrgScope,
    v: &ProviderValues,
) -> QueryResult<PublicId> {
    let t = now();
    let public_id = PublicId::new();
    if v.is_active {
        only_active(conn, org, v.provider_type, -1)?;
    }
    diesel::insert_into(provider_configs::table)
        .values((
            provider_configs::public_id.eq(public_id),
            provider_configs::organization_id.eq(org.id()),
            provider_configs::provider_type.eq(v.provider_type),
            provider_configs::provider_name.eq(&v.provider_name),
            provider_configs::is_active.eq(v.is_active),
            provider_configs::configuration.eq(settings(v)),
            provider_configs::credentials_encrypted.eq(&v.credentials),
            provider_configs::webhook_secret_encrypted.eq(&v.webhook_secret),
            provider_configs::created_at.eq(t),
            provider_configs::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(public_id)
}

pub fn update(
    conn: &mut AnyConnection,
    org: OrgScope,
    p: &ProviderRecord,
    v: &ProviderValues,
) -> QueryResult<()> {
    if v.is_active {
        only_active(conn, org, v.provider_type, p.id)?;
    }
    diesel::update(provider_configs::table.find(p.id))
        .set((
            provider_configs::provider_type.eq(v.provider_type),
            provider_configs::provider_name.eq(&v.provider_name),
            provider_configs::is_active.eq(v.is_active),
            provider_configs::configuration.eq(settings(v)),
            provider_configs::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if let Some(c) = &v.credentials {
        diesel::update(provider_configs::table.find(p.id))
            .set(provider_configs::credentials_encrypted.eq(c))
            .execute(conn)?;
    }
    if let Some(s) = &v.webhook_secret {
        diesel::update(provider_configs::table.find(p.id))
            .set(provider_configs::webhook_secret_encrypted.eq(s))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_health(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    error: Option<&str>,
) -> QueryResult<()> {
    diesel::update(provider_configs::table.find(id))
        .set((
            provider_configs::health_status.eq(status),
            provider_configs::last_health_check.eq(now()),
            provider_configs::health_check_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable)]
pub struct SyncLog {
    pub sync_type: String,
    pub entity_type: String,
    pub records_synced: i32,
    pub records_failed: i32,
    pub error_details: Option<String>,
    pub status: String,
    pub started_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
}

pub fn sync_logs(conn: &mut AnyConnection, provider: i64) -> QueryResult<Vec<SyncLog>> {
    provider_sync_logs::table
        .filter(provider_sync_logs::provider_id.eq(provider))
        .select((
            provider_sync_logs::sync_type,
            provider_sync_logs::entity_type,
            provider_sync_logs::records_synced,
            provider_sync_logs::records_failed,
            provider_sync_logs::error_details,
            provider_sync_logs::status,
            provider_sync_logs::started_at,
            provider_sync_logs::completed_at,
        ))
        .order(provider_sync_logs::id.desc())
        .limit(20)
        .load(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn log_sync(
    conn: &mut AnyConnection,
    p: &ProviderRecord,
    sync_type: &str,
    synced: i32,
    failed: i32,
    errors: Option<&str>,
    started: NaiveDateTime,
) -> QueryResult<()> {
    let status = match (synced, failed) {
        (_, 0) if errors.is_none() => "success",
        (0, _) => "failed",
        _ => "partial",
    };
    diesel::insert_into(provider_sync_logs::table)
        .values((
            provider_sync_logs::organization_id.eq(p.organization_id),
            provider_sync_logs::provider_id.eq(p.id),
            provider_sync_logs::sync_type.eq(sync_type),
            provider_sync_logs::entity_type.eq("lead"),
            provider_sync_logs::direction.eq("pull"),
            provider_sync_logs::records_synced.eq(synced),
            provider_sync_logs::records_failed.eq(failed),
            provider_sync_logs::error_details.eq(errors),
            provider_sync_logs::status.eq(status),
            provider_sync_logs::started_at.eq(started),
            provider_sync_logs::completed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_events)]
pub struct EventRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub provider_name: String,
    pub provider_type: String,
    pub event_type: String,
    pub event_id: String,
    pub payload: String,
    pub status: EventStatus,
    pub processed_at: Option<NaiveDateTime>,
    pub error_message: Option<String>,
    pub received_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
}

/// A page of the organization's events, newest first, `limit` before the cursor (a row id).
pub fn events(
    conn: &mut AnyConnection,
    org: OrgScope,
    status: Option<EventStatus>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<EventRecord>> {
    let mut q = webhook_events::table
        .filter(webhook_events::organization_id.eq(org.id()))
        .select(EventRecord::as_select())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(webhook_events::status.eq(s));
    }
    if let Some(b) = before {
        q = q.filter(webhook_events::id.lt(b));
    }
    q.order(webhook_events::id.desc()).limit(limit).load(conn)
}

pub fn find_event(
    conn: &mut AnyConnection,
    org: OrgScope,
    id: PublicId,
) -> QueryResult<EventRecord> {
    webhook_events::table
        .filter(webhook_events::organization_id.eq(org.id()))
        .filter(webhook_events::public_id.eq(id))
        .select(EventRecord::as_select())
        .first(conn)
}

/// Puts a failed event back in line, due now, with its attempts counted afresh.
pub fn retry(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        webhook_events::table
            .find(id)
            .filter(webhook_events::status.eq(EventStatus::Failed)),
    )
    .set((
        webhook_events::status.eq(EventStatus::Pending),
        webhook_events::attempts.eq(0),
        webhook_events::next_attempt_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
