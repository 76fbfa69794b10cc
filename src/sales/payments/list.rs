//! `/sales/payments`, "My payments": what the user recorded, newest first, with each payment's
//! status, filterable by status, method and payment date; keyset pages.

use crate::domain::Money;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::queries::{self, Filter, PaymentRow};
use crate::AppState;
use crate::db;
use crate::domain::{PaymentMethod, PaymentStatus, choices};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::sales::deals::scope_request;
use crate::web::dates::date;
use crate::web::pager;
use crate::web::{Ctx, FieldErrors, render_status};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub method: String,
    pub from: String,
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

impl ListQuery {
    fn filter(&self, e: &mut FieldErrors) -> Filter {
        let f = Filter {
            status: e
                .check("status", choices::pick::<PaymentStatus>(&self.status))
                .flatten(),
            method: e
                .check("method", choices::pick::<PaymentMethod>(&self.method))
                .flatten(),
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

pub struct ListRow {
    pub row: PaymentRow,
    pub amount: Money,
}

#[derive(Template)]
#[template(path = "sales/payments/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    errors: FieldErrors,
    rows: Vec<ListRow>,
    status_options: Vec<(String, String)>,
    method_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
}

pub async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsRecord)?;
    let request = scope_request(&ctx)?;
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let filter = query.filter(&mut errors);
    let mut rows = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        Ok(queries::mine(conn, &scope, &filter, PAGE_SIZE + 1)?)
    })
    .await?;
    let filters = ListQuery {
        after: String::new(),
        ..query.clone()
    };
    let pages = pager::keyset(
        "/sales/payments",
        &filters,
        &query.after,
        &mut rows,
        PAGE_SIZE as usize,
        |r| r.public_id.to_string(),
    );
    let rows = rows
        .into_iter()
        .map(|row| ListRow {
            amount: Money::new(row.amount_minor, &row.currency),
            row,
        })
        .collect();
    let method_options = choices::any_of::<PaymentMethod>("Any method");
    render_status(
        errors.status(),
        &ListPage {
            ctx,
            query,
            errors,
            rows,
            status_options: choices::any_of::<PaymentStatus>("Any status"),
            method_options,
            next: pages.next,
            first: pages.first,
        },
    )
}
