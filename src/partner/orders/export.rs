//! `/partner/orders/export.csv`: the quotes and orders the list shows (same scope, same filters,
//! every page), as a spreadsheet; audited like every export.

use actix_web::{HttpResponse, web};

use super::{ListQuery, queries, request};
use crate::AppState;
use crate::db;
use crate::domain::money::{currency_exponent, minor_to_input};
use crate::error::AppError;
use crate::web::Ctx;
use crate::web::export::{CsvFile, EXPORT_LIMIT, cell, csv_response, local_time, write_pages};

pub async fn export(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let query = query.filters();
    let mut filter = query.filter(false);
    let actor = ctx.actor();
    let tz = ctx.timezone();
    let body = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let mut file =
            CsvFile::new(&["order", "status", "partner", "total", "currency", "created"])?;
        write_pages(
            &mut file,
            EXPORT_LIMIT,
            |last, n| {
                filter.after = last.map(|r: &queries::OrderRow| r.public_id);
                Ok(queries::list(conn, &scope, &filter, n)?)
            },
            |r| {
                vec![
                    r.order_number.clone(),
                    r.status.label().to_string(),
                    cell(r.partner.as_deref().unwrap_or_default()),
                    minor_to_input(r.total_minor, currency_exponent(&r.currency)),
                    r.currency.clone(),
                    local_time(r.created_at, tz),
                ]
            },
        )?;
        let bytes =
            file.finish_audited(conn, &actor, scope.org(), "order", &query, EXPORT_LIMIT)?;
        Ok(bytes)
    })
    .await?;
    Ok(csv_response("orders.csv", body))
}
