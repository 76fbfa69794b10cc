//! `/sales/payments`, "My payments": what the user recorded, newest first, with each payment's
//! status, filterable by status, method and payment date; keyset pages.

use crate::domain::Money;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::queries::{self, Filter, PaymentRow, Sort};
use crate::AppState;
use crate::db;
use crate::domain::choices::options;
use crate::domain::money::convert;
use crate::domain::{PaymentMethod, PaymentStatus, choices};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::sales::deals::scope_request;
use crate::web::dates::date;
use crate::web::listing::{Dir, Found, Sorts, page_holds_all, page_size, page_size_options};
use crate::web::pager;
use crate::web::{Ctx, FieldErrors, render_status};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    pub status: String,
    pub method: String,
    pub from: String,
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sort: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub size: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

impl ListQuery {
    fn filter(&self, e: &mut FieldErrors) -> Filter {
        let f = Filter {
            // Looked up in the organization: `queries::payment_search`.
            search: None,
            status: e
                .check("status", choices::pick::<PaymentStatus>(&self.status))
                .flatten(),
            method: e
                .check("method", choices::pick::<PaymentMethod>(&self.method))
                .flatten(),
            from: e.check("from", date(&self.from)).flatten(),
            to: e.check("to", date(&self.to)).flatten(),
            sort: Sort::parse(&self.sort),
            dir: Dir::parse(&self.dir, Dir::Desc),
            after: self.after.parse().ok(),
        };
        if let (Some(a), Some(b)) = (f.from, f.to)
            && b < a
        {
            e.add("to", "The end date is before the start date.");
        }
        f
    }

    fn without_cursor(&self) -> Self {
        Self {
            after: String::new(),
            ..self.clone()
        }
    }

    /// The filters alone: what a column heading keeps when it changes the order.
    fn without_order(&self) -> Self {
        Self {
            sort: String::new(),
            dir: String::new(),
            ..self.without_cursor()
        }
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
    sort_options: Vec<(String, String)>,
    dir_options: Vec<(String, String)>,
    size_options: Vec<(String, String)>,
    sorts: Sorts,
    found: Found,
    page_total: Money,
    total: Option<Money>,
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
    let mut filter = query.filter(&mut errors);
    let size = page_size(&query.size);
    let term = query.q.clone();
    let after = query.after.clone();
    let (rows, found, currency) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        filter.search = queries::payment_search(conn, scope.org(), &term)?;
        let rows = queries::mine(conn, &scope, &filter, size + 1)?;
        let found = if page_holds_all(&after, rows.len(), size) {
            let org = scope.currency();
            Found::of(
                &rows
                    .iter()
                    .map(|r| convert(r.amount_minor, &r.currency, r.exchange_rate_e4, org))
                    .collect::<Vec<_>>(),
            )
        } else {
            queries::mine_found(conn, &scope, &filter)?
        };
        Ok((rows, found, scope.currency()))
    })
    .await?;
    let page = ListPage::build(ctx, query, errors, (rows, found), currency);
    render_status(page.errors.status(), &page)
}

impl ListPage {
    fn build(
        ctx: Ctx,
        query: ListQuery,
        errors: FieldErrors,
        (mut rows, found): (Vec<PaymentRow>, Found),
        currency: &str,
    ) -> Self {
        let pages = pager::keyset(
            "/sales/payments",
            &query.without_cursor(),
            &query.after,
            &mut rows,
            page_size(&query.size) as usize,
            |r| r.public_id.to_string(),
        );
        let sorts = Sorts::new(
            "/sales/payments",
            &query.without_order(),
            &Sort::COLUMNS,
            &query.sort,
            Dir::parse(&query.dir, Dir::Desc),
        );
        let page_total = rows
            .iter()
            .map(|r| convert(r.amount_minor, &r.currency, r.exchange_rate_e4, currency))
            .sum();
        let rows = rows
            .into_iter()
            .map(|row| ListRow {
                amount: Money::new(row.amount_minor, &row.currency),
                row,
            })
            .collect();
        ListPage {
            ctx,
            query,
            errors,
            rows,
            status_options: choices::any_of::<PaymentStatus>("Any status"),
            method_options: choices::any_of::<PaymentMethod>("Any method"),
            sort_options: options(&[
                ("", "Payment number"),
                ("date", "Paid on"),
                ("amount", "Amount"),
            ]),
            dir_options: options(&[
                ("", "Latest or largest first"),
                ("asc", "Earliest or smallest first"),
            ]),
            size_options: page_size_options(),
            sorts,
            page_total: Money::new(page_total, currency),
            total: found.total_minor.map(|t| Money::new(t, currency)),
            found,
            next: pages.next,
            first: pages.first,
        }
    }
}
