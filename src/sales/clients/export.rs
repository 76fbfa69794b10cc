//! `/sales/clients/export.csv`: the clients the list shows, as a spreadsheet.

use actix_web::{HttpResponse, web};

use super::{ListQuery, queries, scope_request};
use crate::AppState;
use crate::db;
use crate::error::AppError;
use crate::web::Ctx;
use crate::web::export::{CsvFile, EXPORT_LIMIT, cell, csv_response, local_time, write_pages};

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
        let exponent = crate::domain::money::currency_exponent(scope.currency());
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
        write_pages(
            &mut file,
            EXPORT_LIMIT,
            |last, n| {
                filter.after = last.map(|r: &queries::ClientRow| r.public_id);
                Ok(queries::list(conn, &scope, &filter, n)?)
            },
            |r| {
                vec![
                    cell(&r.name),
                    cell(r.email.as_deref().unwrap_or_default()),
                    cell(r.phone.as_deref().unwrap_or_default()),
                    r.satisfaction_rating
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    cell(&format!("{} {}", r.owner_first, r.owner_last)),
                    (if r.is_active { "active" } else { "archived" }).to_string(),
                    crate::domain::money::minor_to_input(r.outstanding_minor, exponent),
                    r.balance_status.code().to_string(),
                    local_time(r.created_at, tz),
                ]
            },
        )?;
        let bytes =
            file.finish_audited(conn, &actor, scope.org(), "client", &query, EXPORT_LIMIT)?;
        Ok(bytes)
    })
    .await?;
    Ok(csv_response("clients.csv", body))
}
