//! `/partner/contracts/export.csv`: the contracts the list shows (same scope, view and partner,
//! every page), as a spreadsheet; audited like every export.

use actix_web::{HttpResponse, web};

use super::{ListQuery, queries, status_now};
use crate::AppState;
use crate::db;
use crate::domain::money::{currency_exponent, minor_to_input};
use crate::error::AppError;
use crate::partner::choices::partner_options;
use crate::partner::orders::request;
use crate::web::Ctx;
use crate::web::export::{CsvFile, EXPORT_LIMIT, cell, csv_response, local_time, write_pages};

pub async fn export(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let query = query.filters();
    let actor = ctx.actor();
    let tz = ctx.timezone();
    let body = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let mut filter = query.filter(&partner_options(conn, &scope)?);
        let mut file = CsvFile::new(&[
            "contract",
            "status",
            "partner",
            "value",
            "currency",
            "active from",
            "expires",
        ])?;
        write_pages(
            &mut file,
            EXPORT_LIMIT,
            |last, n| {
                filter.after = last.map(|r: &queries::ContractRow| (r.expiration_date, r.id));
                Ok(queries::list(conn, &scope, &filter, n)?)
            },
            |r| {
                vec![
                    r.contract_number.clone(),
                    status_now(r.status, r.expiration_date).label().to_string(),
                    cell(r.partner.as_deref().unwrap_or_default()),
                    minor_to_input(r.total_value_minor, currency_exponent(&r.currency)),
                    r.currency.clone(),
                    local_time(r.activation_date, tz),
                    local_time(r.expiration_date, tz),
                ]
            },
        )?;
        let bytes =
            file.finish_audited(conn, &actor, scope.org(), "contract", &query, EXPORT_LIMIT)?;
        Ok(bytes)
    })
    .await?;
    Ok(csv_response("contracts.csv", body))
}
