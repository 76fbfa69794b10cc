//! Inbound webhooks at `/webhooks/{configuration}`: the provider signs "{timestamp}.{raw body}"
//! with HMAC-SHA256 under the configuration's webhook secret (headers `X-Webhook-Timestamp` and
//! `X-Webhook-Signature: sha256=<hex>`). A bad signature is 401, a timestamp outside five
//! minutes 401 (a replay), an event id seen before 200 without a second row; a good event is
//! stored as pending and processed by the background task (`process_due`), with retries.

use std::time::Duration as StdDuration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Duration;
use diesel::prelude::*;
use serde_json::Value;

use super::inbound;
use super::queries::{self, EventRecord};
use super::secrets::{Vault, verify};
use crate::AppState;
use crate::db::{self, AnyConnection, Pool, PublicId, now, write_tx};
use crate::domain::EventStatus;
use crate::error::AppError;
use crate::schema::{provider_configs, webhook_events};
use crate::web::form::is_unique_violation;

/// How far a signed timestamp may be from now.
pub const WINDOW_SECS: i64 = 300;
/// Attempts before an event stays failed (an admin may retry it).
pub const MAX_ATTEMPTS: i32 = 5;
const BODY_LIMIT: usize = 256 * 1024;
const INTERVAL: StdDuration = StdDuration::from_secs(5);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/webhooks/{id}")
            .app_data(web::PayloadConfig::new(BODY_LIMIT))
            .route(web::post().to(receive)),
    );
}

/// Why a delivery is not taken: the status and a message for the provider's log.
type Refusal = (StatusCode, &'static str);

fn refuse((status, message): Refusal) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(serde_json::json!({ "error": message }).to_string())
}

async fn receive(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let delivery = match Delivery::of(&req) {
        Ok(d) => d,
        Err(refusal) => return Ok(refuse(refusal)),
    };
    let vault = Vault::new(&state.config.integrations_key);
    let outcome = db::run(&state.pool, move |conn| {
        delivery.store(conn, id, &vault, &body)
    })
    .await?;
    Ok(match outcome {
        Ok(result) => HttpResponse::Ok()
            .content_type("application/json")
            .body(serde_json::json!({ "result": result }).to_string()),
        Err(refusal) => refuse(refusal),
    })
}

/// A delivery's signature headers, checked for presence and freshness, and what is kept of
/// the request beside its body.
struct Delivery {
    timestamp: i64,
    signature: String,
    ip: String,
    headers: String,
}

impl Delivery {
    fn of(req: &HttpRequest) -> Result<Self, Refusal> {
        let header = |name: &str| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (Some(timestamp), Some(signature)) =
            (header("x-webhook-timestamp"), header("x-webhook-signature"))
        else {
            return Err((StatusCode::UNAUTHORIZED, "missing signature headers"));
        };
        let Ok(timestamp) = timestamp.trim().parse::<i64>() else {
            return Err((StatusCode::UNAUTHORIZED, "bad timestamp"));
        };
        // `abs_diff` cannot overflow, whatever the timestamp claims.
        if now().and_utc().timestamp().abs_diff(timestamp) > WINDOW_SECS.unsigned_abs() {
            return Err((StatusCode::UNAUTHORIZED, "timestamp outside the window"));
        }
        Ok(Self {
            timestamp,
            signature: signature.trim().trim_start_matches("sha256=").to_string(),
            ip: crate::web::client_ip(req),
            headers: serde_json::json!({
                "content-type": header("content-type"),
                "user-agent": header("user-agent"),
                "x-webhook-timestamp": timestamp,
            })
            .to_string(),
        })
    }

    /// Checks the signature under the configuration's secret and stores the event as pending:
    /// "stored", or "duplicate" for an event id seen before.
    fn store(
        &self,
        conn: &mut AnyConnection,
        id: PublicId,
        vault: &Vault,
        body: &[u8],
    ) -> Result<Result<&'static str, Refusal>, AppError> {
        let Some(p) = queries::by_webhook(conn, id)? else {
            return Ok(Err((
                StatusCode::NOT_FOUND,
                "no active integration has this webhook address",
            )));
        };
        let Some(secret) = p
            .webhook_secret_encrypted
            .as_deref()
            .and_then(|s| vault.open(s).ok())
        else {
            return Ok(Err((StatusCode::UNAUTHORIZED, "no webhook secret is set")));
        };
        if !verify(&secret, self.timestamp, body, &self.signature) {
            return Ok(Err((StatusCode::UNAUTHORIZED, "bad signature")));
        }
        let Ok(payload) = serde_json::from_slice::<Value>(body) else {
            return Ok(Err((StatusCode::BAD_REQUEST, "the body is not JSON")));
        };
        let Some((event_id, event_type)) = event_of(&payload) else {
            return Ok(Err((
                StatusCode::BAD_REQUEST,
                "the event needs an id and a type, each plain text",
            )));
        };
        let t = now();
        let stored = write_tx(conn, |conn| {
            diesel::insert_into(webhook_events::table)
                .values((
                    webhook_events::public_id.eq(PublicId::new()),
                    webhook_events::organization_id.eq(p.organization_id),
                    webhook_events::provider_name.eq(&p.provider_name),
                    webhook_events::provider_type.eq(&p.provider_type),
                    webhook_events::event_type.eq(event_type),
                    webhook_events::event_id.eq(event_id),
                    webhook_events::payload.eq(String::from_utf8_lossy(body).to_string()),
                    webhook_events::status.eq(EventStatus::Pending),
                    webhook_events::ip_address.eq(&self.ip),
                    webhook_events::headers.eq(&self.headers),
                    webhook_events::received_at.eq(t),
                    webhook_events::created_at.eq(t),
                    webhook_events::next_attempt_at.eq(t),
                    webhook_events::provider_config_id.eq(p.id),
                ))
                .execute(conn)
        });
        match stored {
            Ok(_) => Ok(Ok("stored")),
            Err(e) if is_unique_violation(&e) => Ok(Ok("duplicate")),
            Err(e) => Err(e.into()),
        }
    }
}

/// The event's id and type, each plain text: PostgreSQL refuses a NUL, and no provider's id
/// holds a control character.
fn event_of(payload: &Value) -> Option<(&str, &str)> {
    let plain = |s: &&str| !s.is_empty() && !s.chars().any(char::is_control);
    let id = payload
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| s.len() <= 200 && plain(s))?;
    let kind = payload
        .get("type")
        .and_then(Value::as_str)
        .filter(|s| s.len() <= 100 && plain(s))?;
    Some((id, kind))
}

/// What an event does; `Err` says why it could not be done (the event is retried).
fn handle(conn: &mut AnyConnection, e: &EventRecord) -> Result<(), String> {
    let payload: Value = serde_json::from_str(&e.payload)
        .map_err(|_| "the stored payload is not JSON".to_string())?;
    match (e.provider_type.as_str(), e.event_type.as_str()) {
        ("crm", "lead.created" | "lead.updated") => {
            let data = payload.get("data").ok_or("the event has no data")?;
            inbound::upsert_lead(conn, e.organization_id, &e.provider_name, data).map(|_| ())
        }
        // Other events are kept for the record; nothing here acts on them yet.
        _ => Ok(()),
    }
}

/// Processes the events due at `at` (pending, or failed with a retry due): each claimed, handled
/// in one transaction, then marked processed, or failed with its next attempt later (1, 2, 4, 8
/// minutes) until `MAX_ATTEMPTS`. Gives (processed, failed).
pub fn process_due(
    conn: &mut AnyConnection,
    at: chrono::NaiveDateTime,
) -> QueryResult<(usize, usize)> {
    // Events of a configuration deactivated since they arrived wait until it is active again.
    let active = provider_configs::table
        .filter(provider_configs::is_active.eq(true))
        .select(provider_configs::id.nullable());
    let due: Vec<EventRecord> = webhook_events::table
        .filter(webhook_events::provider_config_id.eq_any(active))
        .filter(webhook_events::status.eq_any([EventStatus::Pending, EventStatus::Failed]))
        .filter(webhook_events::next_attempt_at.le(at))
        .filter(webhook_events::attempts.lt(MAX_ATTEMPTS))
        .select(EventRecord::as_select())
        .order(webhook_events::id)
        .limit(100)
        .load(conn)?;
    let (mut ok, mut failed) = (0, 0);
    for e in due {
        let claimed = diesel::update(
            webhook_events::table
                .find(e.id)
                .filter(webhook_events::status.eq(e.status))
                .filter(webhook_events::attempts.eq(e.attempts)),
        )
        .set((
            webhook_events::status.eq(EventStatus::Processing),
            webhook_events::attempts.eq(e.attempts + 1),
        ))
        .execute(conn)?;
        if claimed == 0 {
            continue;
        }
        let result = write_tx(conn, |conn| {
            let r = handle(conn, &e);
            match &r {
                Ok(()) => diesel::update(webhook_events::table.find(e.id))
                    .set((
                        webhook_events::status.eq(EventStatus::Processed),
                        webhook_events::processed_at.eq(now()),
                        webhook_events::error_message.eq(None::<String>),
                    ))
                    .execute(conn)?,
                Err(_) => 0,
            };
            Ok::<_, diesel::result::Error>(r)
        });
        let error = match result {
            Ok(Ok(())) => {
                ok += 1;
                continue;
            }
            Ok(Err(message)) => message,
            Err(e) => format!("database: {e}"),
        };
        failed += 1;
        let backoff = Duration::minutes(1 << e.attempts.clamp(0, 10));
        diesel::update(webhook_events::table.find(e.id))
            .set((
                webhook_events::status.eq(EventStatus::Failed),
                webhook_events::error_message.eq(error),
                webhook_events::next_attempt_at.eq(at + backoff),
            ))
            .execute(conn)?;
    }
    Ok((ok, failed))
}

/// Starts the processor for the life of the process.
pub fn spawn(pool: Pool) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("webhooks".into())
        .spawn(move || {
            loop {
                match pool.get() {
                    Ok(mut conn) => {
                        if let Err(e) = process_due(&mut conn, now()) {
                            log::error!("the webhook processor failed: {e}");
                        }
                    }
                    Err(e) => log::error!("the webhook processor has no connection: {e}"),
                }
                std::thread::sleep(INTERVAL);
            }
        })
        .map(|_| ())
}
