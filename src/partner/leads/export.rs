//! `/partner/leads/export.csv`: the leads the list shows (same scope, same filters, every page),
//! as a spreadsheet; audited like every export.

use actix_web::{HttpResponse, web};

use super::list::ListQuery;
use super::{queries, request};
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
    let mut filter = query.filter();
    let actor = ctx.actor();
    let tz = ctx.timezone();
    let body = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let mut file = CsvFile::new(&[
            "lead",
            "company",
            "stage",
            "value",
            "currency",
            "partner",
            "owner",
            "expected close",
            "added",
        ])?;
        write_pages(
            &mut file,
            EXPORT_LIMIT,
            |last, n| {
                filter.after = last.map(|r: &queries::LeadRow| r.public_id);
                Ok(queries::list(conn, &scope, &filter, n)?)
            },
            |r| {
                vec![
                    cell(&r.title),
                    cell(r.company_name.as_deref().unwrap_or_default()),
                    r.status.label().to_string(),
                    r.value_minor
                        .map(|v| minor_to_input(v, currency_exponent(&r.currency)))
                        .unwrap_or_default(),
                    r.currency.clone(),
                    cell(r.partner.as_deref().unwrap_or_default()),
                    cell(&format!(
                        "{} {}",
                        r.owner_first.as_deref().unwrap_or_default(),
                        r.owner_last.as_deref().unwrap_or_default()
                    )),
                    r.expected_close_date
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    local_time(r.created_at, tz),
                ]
            },
        )?;
        let bytes = file.finish_audited(conn, &actor, scope.org(), "lead", &query, EXPORT_LIMIT)?;
        Ok(bytes)
    })
    .await?;
    Ok(csv_response("leads.csv", body))
}
