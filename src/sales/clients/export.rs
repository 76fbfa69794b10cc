//! `/sales/clients/export.csv`: the clients the list shows, as a spreadsheet.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::{ListQuery, queries, scope_request};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, write_tx};
use crate::error::AppError;
use crate::web::Ctx;
use crate::web::export::{cell, csv_response};

/// An export holds at most this many clients; the list page says so.
pub const EXPORT_LIMIT: i64 = 50_000;

/// The clients the list shows (same scope, same filters, every page), as CSV. Contact details
/// leaving the application is a sensitive read: the export is audited with its filters and size.
pub async fn export(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let query = ListQuery {
        after: String::new(),
        ..query.into_inner()
    };
    let mut filter = query.filter();
    let actor = ctx.actor();
    let tz = ctx.timezone();
    let body = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| AppError::internal(format!("csv: {e}"));
        out.write_record([
            "name",
            "email",
            "phone",
            "satisfaction",
            "owner",
            "status",
            "added",
        ])
        .map_err(csv_err)?;
        let mut written = 0_i64;
        while written < EXPORT_LIMIT {
            let batch = queries::list(conn, &scope, &filter, 2_000.min(EXPORT_LIMIT - written))?;
            for r in &batch {
                out.write_record([
                    cell(&r.name),
                    cell(r.email.as_deref().unwrap_or_default()),
                    cell(r.phone.as_deref().unwrap_or_default()),
                    r.satisfaction_rating
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    cell(&format!("{} {}", r.owner_first, r.owner_last)),
                    (if r.is_active { "active" } else { "archived" }).to_string(),
                    r.created_at
                        .and_utc()
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M %Z")
                        .to_string(),
                ])
                .map_err(csv_err)?;
            }
            written += batch.len() as i64;
            match batch.last() {
                Some(last) if batch.len() == 2_000 => filter.after = Some(last.public_id),
                _ => break,
            }
        }
        let bytes = out
            .into_inner()
            .map_err(|e| AppError::internal(format!("csv: {e}")))?;
        write_tx(conn, |conn| {
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.org().id()), actions::EXPORT, "client").new_values(json!({
                    "filters": serde_json::to_value(&query).unwrap_or_default(),
                    "rows": written,
                    "truncated": written >= EXPORT_LIMIT,
                })),
            )
        })?;
        Ok(bytes)
    })
    .await?;
    Ok(csv_response("clients.csv", body))
}
