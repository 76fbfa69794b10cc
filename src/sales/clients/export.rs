//! `/sales/clients/export.csv`: the clients the list shows, as a spreadsheet.

use actix_web::{HttpResponse, web};

use super::{ListQuery, queries, scope_request};
use crate::AppState;
use crate::db;
use crate::error::AppError;
use crate::web::Ctx;
use crate::web::export::{CsvFile, cell, csv_response};

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
        let exponent = crate::web::money::currency_exponent(scope.currency());
        let mut file = CsvFile::new(&[
            "name",
            "email",
            "phone",
            "satisfaction",
            "owner",
            "status",
            "outstanding",
            "balance",
            "added",
        ])?;
        while file.rows < EXPORT_LIMIT {
            let batch = queries::list(conn, &scope, &filter, 2_000.min(EXPORT_LIMIT - file.rows))?;
            for r in &batch {
                file.row([
                    cell(&r.name),
                    cell(r.email.as_deref().unwrap_or_default()),
                    cell(r.phone.as_deref().unwrap_or_default()),
                    r.satisfaction_rating
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    cell(&format!("{} {}", r.owner_first, r.owner_last)),
                    (if r.is_active { "active" } else { "archived" }).to_string(),
                    crate::web::money::minor_to_input(r.outstanding_minor, exponent),
                    r.balance_status.clone(),
                    r.created_at
                        .and_utc()
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M %Z")
                        .to_string(),
                ])?;
            }
            match batch.last() {
                Some(last) if batch.len() == 2_000 => filter.after = Some(last.public_id),
                _ => break,
            }
        }
        let bytes =
            file.finish_audited(conn, &actor, scope.org(), "client", &query, EXPORT_LIMIT)?;
        Ok(bytes)
    })
    .await?;
    Ok(csv_response("clients.csv", body))
}
