//! `/admin/audit` (audit.view): the organization's audit log with filters, keyset pages, old and
//! new values side by side, a CSV export (itself audited) and the hash chain's verification.

mod changes;
pub mod present;
pub mod queries;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use self::present::EntryView;
use self::queries::{ENTITY_TYPES, Filter};
use crate::AppState;
use crate::audit::actions;
use crate::audit::checkpoint::{self, Status};
use crate::db;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::export::{CsvFile, cell, csv_response};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/audit", web::get().to(list))
        .route("/admin/audit/export.csv", web::get().to(export))
        .route("/admin/audit/verify", web::post().to(verify));
}

const PAGE_SIZE: i64 = 50;
/// An export covers at most this many entries; the page says so.
pub const EXPORT_LIMIT: i64 = 100_000;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AuditQuery {
    pub user: String,
    pub action: String,
    pub entity_type: String,
    pub from: String,
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub before: String,
}

impl AuditQuery {
    fn without_cursor(&self) -> Self {
        Self {
            before: String::new(),
            ..self.clone()
        }
    }

    fn encoded(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

/// Turns the query into a filter; unusable values become field errors and are ignored.
fn filter(
    conn: &mut crate::db::AnyConnection,
    scope: OrgScope,
    q: &AuditQuery,
    ctx_tz: chrono_tz::Tz,
    errors: &mut FieldErrors,
) -> Result<Filter, AppError> {
    let mut f = Filter {
        tz: Some(ctx_tz),
        ..Filter::default()
    };
    if !q.user.trim().is_empty() {
        f.actor = Some(queries::actor_id(conn, scope, &q.user)?);
    }
    if !q.action.is_empty() {
        if actions::ALL.contains(&q.action.as_str()) {
            f.action = Some(q.action.clone());
        } else {
            errors.add("action", "Choose an action from the list.");
        }
    }
    if !q.entity_type.is_empty() {
        if ENTITY_TYPES.contains(&q.entity_type.as_str()) {
            f.entity_type = Some(q.entity_type.clone());
        } else {
            errors.add("entity_type", "Choose a kind of record from the list.");
        }
    }
    f.from = errors
        .check("from", crate::web::dates::date(&q.from))
        .flatten();
    f.to = errors.check("to", crate::web::dates::date(&q.to)).flatten();
    if let (Some(a), Some(b)) = (f.from, f.to)
        && b < a
    {
        errors.add("to", "The end date is before the start date.");
        f.to = None;
    }
    Ok(f)
}

#[derive(Template)]
#[template(path = "admin/audit/list.html")]
struct ListPage {
    ctx: Ctx,
    query: AuditQuery,
    errors: FieldErrors,
    entries: Vec<EntryView>,
    status: Status,
    last_full_check: String,
    checked_at: String,
    action_options: Vec<(String, String)>,
    type_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
    export: String,
    export_limit: String,
}

fn options(all: &[&str], any: &str, label: fn(&str) -> &'static str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), any.to_string())];
    let mut rest: Vec<(String, String)> = all
        .iter()
        .map(|a| (a.to_string(), capitalized(label(a))))
        .collect();
    rest.sort_by(|a, b| a.1.cmp(&b.1));
    out.extend(rest);
    out
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::AuditView)?;
    let scope = ctx.scope()?;
    let query = query.into_inner();
    let q = query.clone();
    let tz = ctx.timezone();
    let (mut rows, names, status, errors) = db::run(&state.pool, move |conn| {
        let mut errors = FieldErrors::default();
        let f = filter(conn, scope, &q, tz, &mut errors)?;
        let rows = queries::page(conn, scope, &f, q.before.parse().ok(), PAGE_SIZE + 1)?;
        let names = queries::names(conn, scope, &rows)?;
        let status = checkpoint::check_recent(conn, scope.id())?;
        Ok((rows, names, status, errors))
    })
    .await?;
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let base = query.without_cursor();
    let next = has_next
        .then(|| {
            rows.last().map(|last| {
                let q = AuditQuery {
                    before: last.public_id.to_string(),
                    ..base.clone()
                };
                format!("/admin/audit?{}", q.encoded())
            })
        })
        .flatten();
    let entries: Vec<EntryView> = rows
        .into_iter()
        .map(|row| present::entry(row, &names, &ctx))
        .collect();
    let first = (!query.before.is_empty()).then(|| format!("/admin/audit?{}", base.encoded()));
    let page = ListPage {
        last_full_check: status
            .checkpoint
            .last_full_check_at
            .map_or_else(|| "never".into(), |t| ctx.local_time(Some(t)).to_string()),
        checked_at: ctx
            .local_time(Some(status.checkpoint.checked_at))
            .to_string(),
        export: format!("/admin/audit/export.csv?{}", base.encoded()),
        action_options: options(&actions::ALL, "Any action", present::action_label),
        type_options: options(&ENTITY_TYPES, "Any kind", present::kind_label),
        export_limit: crate::domain::money::minor_to_display(EXPORT_LIMIT, 0),
        ctx,
        query,
        errors,
        entries,
        status,
        next,
        first,
    };
    render(&page)
}

async fn export(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::AuditView)?;
    let scope = ctx.scope()?;
    let q = query.into_inner().without_cursor();
    let (tz, actor) = (ctx.timezone(), ctx.actor());
    let body = db::run(&state.pool, move |conn| {
        let mut errors = FieldErrors::default();
        let f = filter(conn, scope, &q, tz, &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::BadRequest(
                "The filters are not valid; correct them on the audit page, then export.".into(),
            ));
        }
        let (low, mut high) = queries::range(conn, scope, &f)?;
        let mut file = CsvFile::new(&CSV_COLUMNS)?;
        while file.rows < EXPORT_LIMIT {
            let batch = queries::rows(
                conn,
                scope,
                &f,
                low,
                high,
                5_000.min(EXPORT_LIMIT - file.rows),
            )?;
            for r in &batch {
                file.row(csv_row(r))?;
            }
            match batch.last() {
                Some(last) if batch.len() == 5_000 => high = last.id,
                _ => break,
            }
        }
        let bytes = file.finish_audited(conn, &actor, scope, "audit_log", &q, EXPORT_LIMIT)?;
        Ok(bytes)
    })
    .await?;
    Ok(csv_response("audit-log.csv", body))
}

const CSV_COLUMNS: [&str; 10] = [
    "time_utc",
    "actor_email",
    "action",
    "entity_type",
    "entity_id",
    "old_values",
    "new_values",
    "ip_address",
    "user_agent",
    "hash",
];

/// An entry as a CSV line: as stored, the time in UTC to the microsecond.
fn csv_row(r: &crate::audit::AuditRow) -> [String; 10] {
    [
        r.created_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        cell(r.actor_email.as_deref().unwrap_or_default()),
        r.action.clone(),
        r.entity_type.clone(),
        cell(r.entity_id.as_deref().unwrap_or_default()),
        cell(r.old_values.as_deref().unwrap_or_default()),
        cell(r.new_values.as_deref().unwrap_or_default()),
        r.ip_address.clone().unwrap_or_default(),
        cell(r.user_agent.as_deref().unwrap_or_default()),
        r.hash.clone(),
    ]
}

async fn verify(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::AuditView)?;
    let scope = ctx.scope()?;
    let status = db::run(&state.pool, move |conn| {
        Ok(checkpoint::check_full(conn, scope.id())?)
    })
    .await?;
    if status.is_broken() {
        Flash::error(
            &ctx.session,
            "The full check found a break in the chain; see the notice on this page.",
        );
    } else {
        Flash::success(
            &ctx.session,
            format!(
                "The whole chain is intact: {} entries verified.",
                status.checkpoint.verified_entries
            ),
        );
    }
    Ok(see_other("/admin/audit"))
}
