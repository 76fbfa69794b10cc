//! `/reports/{table}.csv`: each table of the report for the same period, whole (every person,
//! every bucket), amounts as plain decimals with their currency. Figures leaving the
//! application are a sensitive read: each download is audited with its table and period.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::tables::{self, Loaded, Ranked};
use super::{load, periods};
use crate::AppState;
use crate::dashboards::PeriodQuery;
use crate::dashboards::period::Period;
use crate::db;
use crate::domain::money::{currency_exponent, minor_to_input};
use crate::domain::ratio::percent;
use crate::error::AppError;
use crate::sales::calls::metrics::Figures;
use crate::web::export::{CsvFile, cell, csv_response};
use crate::web::{Ctx, FieldErrors};

/// The tables a report offers as CSV.
pub const TABLES: [&str; 5] = ["revenue", "teams", "people", "calls", "loss-reasons"];

#[derive(Serialize)]
struct Filters<'a> {
    table: &'a str,
    #[serde(flatten)]
    period: &'a PeriodQuery,
}

fn ranking(
    file: &mut CsvFile,
    ranked: &[Ranked],
    total: i64,
    amount: &dyn Fn(i64) -> String,
    currency: &str,
) -> Result<(), AppError> {
    for r in ranked {
        file.row([
            r.rank.to_string(),
            cell(&r.name),
            cell(&r.detail),
            amount(r.minor),
            amount(r.before),
            currency.to_string(),
            percent(r.minor, total),
        ])?;
    }
    Ok(())
}

fn calls_row(file: &mut CsvFile, name: &str, f: &Figures) -> Result<(), AppError> {
    file.row([
        cell(name),
        f.total.to_string(),
        f.completed.to_string(),
        f.won.to_string(),
        f.lost.to_string(),
        f.show_rate(),
        f.close_rate(),
    ])
}

pub async fn download(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let table = TABLES
        .iter()
        .find(|t| **t == path.as_str())
        .copied()
        .ok_or(AppError::NotFound)?;
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let (current, previous) = periods(&ctx, &query, &mut errors);
    let l = load(&ctx, &state, current, previous).await?;
    if !errors.is_empty() {
        return Err(AppError::BadRequest(
            "The report's period is not valid; correct it on the page first.".into(),
        ));
    }
    let currency = ctx.user.currency.map_or("USD", |c| c.code());
    let file = table_csv(table, &l, &current, currency)?;
    let org = ctx.scope()?;
    let actor = ctx.actor();
    let body = db::run(&state.pool, move |conn| {
        let filters = Filters {
            table,
            period: &query,
        };
        file.finish_audited(conn, &actor, org, "report", &filters, i64::MAX)
    })
    .await?;
    let name = format!(
        "report-{table}-{}-to-{}.csv",
        current.start.format("%Y-%m-%d"),
        current.end.format("%Y-%m-%d")
    );
    Ok(csv_response(&name, body))
}

/// One table of the report as CSV, amounts as plain decimals in `currency`.
fn table_csv(
    table: &str,
    l: &Loaded,
    current: &Period,
    currency: &str,
) -> Result<CsvFile, AppError> {
    let exp = currency_exponent(currency);
    let amount = move |minor: i64| minor_to_input(minor, exp);
    match table {
        "revenue" => {
            let mut f = CsvFile::new(&["from", "period", "payments", "verified", "currency"])?;
            let (buckets, counts) = tables::revenue(&l.days, current);
            for (b, n) in buckets.iter().zip(counts) {
                f.row([
                    b.start.to_string(),
                    b.label.clone(),
                    n.to_string(),
                    amount(b.minor),
                    currency.to_string(),
                ])?;
            }
            Ok(f)
        }
        "teams" | "people" => {
            let teams = table == "teams";
            let mut f = CsvFile::new(&[
                "rank",
                if teams { "team" } else { "person" },
                if teams { "people" } else { "team" },
                "verified",
                "previous_period",
                "currency",
                "share",
            ])?;
            let ranked = if teams {
                tables::teams(&l.leaders, &l.leaders_before)
            } else {
                tables::people(&l.leaders, &l.leaders_before)
            };
            let (_, total) = tables::verified(&l.days, current);
            ranking(&mut f, &ranked, total, &amount, currency)?;
            Ok(f)
        }
        "calls" => {
            let mut f = CsvFile::new(&[
                "team",
                "calls",
                "completed",
                "won",
                "lost",
                "show_rate",
                "close_rate",
            ])?;
            if let Some(m) = &l.calls {
                for line in &m.teams {
                    calls_row(&mut f, &line.name, &line.figures)?;
                }
                calls_row(&mut f, "Organization", &m.all)?;
            }
            Ok(f)
        }
        _ => {
            let mut f = CsvFile::new(&["reason", "lost_calls", "share_of_lost"])?;
            for (name, n, share) in l.calls.iter().flat_map(|m| m.reasons.iter()) {
                f.row([cell(name), n.to_string(), share.clone()])?;
            }
            Ok(f)
        }
    }
}
