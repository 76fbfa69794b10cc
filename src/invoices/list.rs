//! `/invoices`: the invoices the viewer sees, newest first, filterable by status, number and
//! date; keyset pages.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::lookup::{self, Filter, InvoiceRow};
use super::viewer;
use crate::AppState;
use crate::db;
use crate::domain::InvoiceStatus;
use crate::domain::Money;
use crate::domain::choices;
use crate::error::AppError;
use crate::web::dates::date;
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, pager, render_status};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub number: String,
    pub from: String,
    pub to: String,
    /// The cursor: never part of the links a page builds.
    #[serde(skip_serializing)]
    pub after: String,
}

impl ListQuery {
    fn filter(&self, e: &mut FieldErrors) -> Filter {
        let status = e
            .check("status", choices::pick::<InvoiceStatus>(&self.status))
            .flatten();
        let number = self.number.trim();
        let f = Filter {
            status,
            number: (!number.is_empty()).then(|| number.chars().take(40).collect()),
            from: e.check("from", date(&self.from)).flatten(),
            to: e.check("to", date(&self.to)).flatten(),
            after: self.after.parse().ok(),
        };
        if let (Some(a), Some(b)) = (f.from, f.to)
            && b < a
        {
            e.add("to", "The end date is before the start date.");
        }
        f
    }
}

pub struct Row {
    pub row: InvoiceRow,
    pub total: Money,
    pub status: &'static str,
    pub issued: When,
}

#[derive(Template)]
#[template(path = "invoices/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    errors: FieldErrors,
    rows: Vec<Row>,
    status_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
}

pub async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let viewer = viewer(&ctx)?;
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let filter = query.filter(&mut errors);
    let mut rows = db::run(&state.pool, move |conn| {
        let scope = viewer.resolve(conn)?;
        Ok(lookup::list(conn, &scope, &filter, PAGE_SIZE + 1)?)
    })
    .await?;
    let pages = pager::keyset(
        "/invoices",
        &query,
        &query.after,
        &mut rows,
        PAGE_SIZE as usize,
        |r| r.public_id.to_string(),
    );
    let rows = rows
        .into_iter()
        .map(|row| Row {
            total: Money::new(row.total_minor, &row.currency),
            status: row.status.label(),
            issued: ctx.local_time(row.issued_at),
            row,
        })
        .collect();
    render_status(
        errors.status(),
        &ListPage {
            ctx,
            query,
            errors,
            rows,
            status_options: choices::any_of::<InvoiceStatus>("Any status"),
            next: pages.next,
            first: pages.first,
        },
    )
}
