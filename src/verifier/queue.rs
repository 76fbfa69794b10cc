//! `/verifier`: the organization's payments waiting for a decision, oldest first, with those
//! waiting for a second approval marked; filters by status, method, amount, salesperson and
//! payment date; keyset pages.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::queries::{self, Filter, QueueRow, Sort};
use crate::AppState;
use crate::db::{self, PublicId};
use crate::domain::Money;
use crate::domain::choices::{self, options};
use crate::domain::money::{convert, currency_exponent, scaled_decimal};
use crate::domain::{FailureReason, PaymentMethod, PaymentStatus};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::sales::payments::queries::payment_search;
use crate::web::dates::date;
use crate::web::listing::{Dir, Found, Sorts, page_holds_all, page_size, page_size_options};
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, pager, render_status};

const STATUSES: [(&str, &str); 5] = [
    ("pending", "Waiting for a decision"),
    ("verified", "Verified"),
    ("rejected", "Rejected"),
    ("refunded", "Refunded"),
    ("bad_debt", "Bad debt"),
];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct QueueQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub method: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub min: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub max: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub seller: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sort: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub size: String,
    /// The cursor: never part of the links a page builds.
    #[serde(skip_serializing)]
    pub after: String,
}

impl QueueQuery {
    fn filter(
        &self,
        currency: &str,
        sellers: &[(i64, PublicId, String)],
        e: &mut FieldErrors,
    ) -> Filter {
        // No status asked for is the queue itself: what waits for a decision.
        let status = e
            .check("status", choices::pick::<PaymentStatus>(&self.status))
            .flatten()
            .unwrap_or_default();
        let method = e
            .check("method", choices::pick::<PaymentMethod>(&self.method))
            .flatten();
        let exponent = currency_exponent(currency);
        let amount = |v: &str| scaled_decimal(v, exponent, i64::MAX / 2);
        let seller = match self.seller.as_str() {
            "" => None,
            s => Some(
                sellers
                    .iter()
                    .find(|(_, p, _)| p.to_string() == s)
                    .map_or(-1, |(id, _, _)| *id),
            ),
        };
        let (sort, first) = Sort::parse(&self.sort);
        let f = Filter {
            // Looked up in the organization: `payment_search`.
            search: None,
            status,
            method,
            min: e.check("min", amount(&self.min)).flatten(),
            max: e.check("max", amount(&self.max)).flatten(),
            seller,
            from: e.check("from", date(&self.from)).flatten(),
            to: e.check("to", date(&self.to)).flatten(),
            sort,
            dir: Dir::parse(&self.dir, first),
            after: self.after.parse().ok(),
        };
        if let (Some(a), Some(b)) = (f.from, f.to)
            && b < a
        {
            e.add("to", "The end date is before the start date.");
        }
        if let (Some(a), Some(b)) = (f.min, f.max)
            && b < a
        {
            e.add("max", "The largest amount is below the smallest.");
        }
        f
    }

    /// The filters alone: what a column heading keeps when it changes the order.
    fn without_order(&self) -> Self {
        Self {
            sort: String::new(),
            dir: String::new(),
            ..self.clone()
        }
    }
}

pub struct Row {
    pub row: QueueRow,
    pub amount: Money,
    pub seller: String,
    pub arrived: When,
    pub awaiting_second: bool,
}

#[derive(Template)]
#[template(path = "verifier/queue.html")]
struct QueuePage {
    ctx: Ctx,
    query: QueueQuery,
    errors: FieldErrors,
    rows: Vec<Row>,
    currency: &'static str,
    status_options: Vec<(String, String)>,
    method_options: Vec<(String, String)>,
    seller_options: Vec<(String, String)>,
    sort_options: Vec<(String, String)>,
    dir_options: Vec<(String, String)>,
    size_options: Vec<(String, String)>,
    sorts: Sorts,
    found: Found,
    page_total: Money,
    total: Option<Money>,
    next: Option<String>,
    first: Option<String>,
    /// What waits for a decision across the organization, in words.
    waiting: String,
    /// The form deciding the selected payments at once, as last sent.
    bulk: Bulk,
    reason_options: Vec<(String, String)>,
    /// The queue's address as shown, for the bulk form to come back to.
    here: String,
}

/// The bulk decision form as sent: the selected payments, the decision, its reason and
/// comment, with its errors or the payments it could not decide (named, with why).
#[derive(Debug, Clone, Default)]
pub struct Bulk {
    pub selected: Vec<String>,
    pub decision: String,
    pub failure_reason: String,
    pub comment: String,
    pub errors: FieldErrors,
    pub refused: Vec<(String, String)>,
}

impl Bulk {
    pub fn is_selected(&self, id: &PublicId) -> bool {
        let id = id.to_string();
        self.selected.contains(&id)
    }
}

pub async fn queue(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    show(ctx, &state, query.into_inner(), Bulk::default()).await
}

/// The queue for `query`, with the bulk form as `bulk` left it: 200, or what the form's
/// errors (422) or refusals (409) say.
pub async fn show(
    ctx: Ctx,
    state: &AppState,
    query: QueueQuery,
    bulk: Bulk,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsVerify)?;
    let org = ctx.scope()?;
    let currency = ctx.user.currency.map_or("USD", |c| c.code());
    let q = query.clone();
    let read = db::run(&state.pool, move |conn| {
        let sellers = queries::sellers(conn, org)?;
        let mut errors = FieldErrors::default();
        let mut filter = q.filter(currency, &sellers, &mut errors);
        filter.search = payment_search(conn, org, &q.q)?;
        let size = page_size(&q.size);
        let rows = queries::queue(conn, org, &filter, size + 1)?;
        let found = if page_holds_all(&q.after, rows.len(), size) {
            Found::of(
                &rows
                    .iter()
                    .map(|r| convert(r.amount_minor, &r.currency, r.exchange_rate_e4, currency))
                    .collect::<Vec<_>>(),
            )
        } else {
            queries::found(conn, org, &filter, currency)?
        };
        Ok(Read {
            rows,
            found,
            waiting: queries::waiting(conn, org)?,
            sellers,
            errors,
        })
    })
    .await?;
    let status = if !bulk.refused.is_empty() {
        StatusCode::CONFLICT
    } else if !bulk.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        read.errors.status()
    };
    let page = QueuePage::build(ctx, query, read, currency, bulk);
    render_status(status, &page)
}

/// What the queue reads: a page of rows (one more, to know of a next page), the sellers to
/// filter by, the filter's errors, and what waits across the organization (payments, sum).
struct Read {
    rows: Vec<QueueRow>,
    found: Found,
    sellers: Vec<(i64, PublicId, String)>,
    errors: FieldErrors,
    waiting: (i64, i64),
}

impl QueuePage {
    fn build(ctx: Ctx, query: QueueQuery, read: Read, currency: &'static str, bulk: Bulk) -> Self {
        // The page as shown, its cursor included, for the bulk form to come back to.
        let mut here = format!(
            "/verifier?{}",
            serde_urlencoded::to_string(&query).unwrap_or_default()
        );
        if !query.after.is_empty() {
            here.push_str("&after=");
            here.push_str(&crate::web::url_encode(&query.after));
        }
        let Read {
            mut rows,
            found,
            sellers,
            errors,
            waiting,
        } = read;
        let pages = pager::keyset(
            "/verifier",
            &query,
            &query.after,
            &mut rows,
            page_size(&query.size) as usize,
            |r| r.public_id.to_string(),
        );
        let (_, first) = Sort::parse(&query.sort);
        let sorts = Sorts::new(
            "/verifier",
            &query.without_order(),
            &Sort::COLUMNS,
            &query.sort,
            Dir::parse(&query.dir, first),
        );
        let page_total = rows
            .iter()
            .map(|r| convert(r.amount_minor, &r.currency, r.exchange_rate_e4, currency))
            .sum();
        let rows = rows
            .into_iter()
            .map(|row| Row {
                amount: Money::new(row.amount_minor, &row.currency),
                seller: format!("{} {}", row.seller_first, row.seller_last),
                arrived: ctx.local_time(Some(row.created_at)),
                awaiting_second: row.status == PaymentStatus::Pending
                    && row.first_approver.is_some(),
                row,
            })
            .collect();
        let method_options = choices::any_of::<PaymentMethod>("Any method");
        let mut seller_options = vec![(String::new(), "Anyone".to_string())];
        seller_options.extend(sellers.into_iter().map(|(_, p, n)| (p.to_string(), n)));
        QueuePage {
            ctx,
            query,
            errors,
            rows,
            currency,
            status_options: options(&STATUSES),
            method_options,
            seller_options,
            sort_options: options(&[("", "Arrival"), ("date", "Paid on"), ("amount", "Amount")]),
            dir_options: options(&[
                ("", "Usual order"),
                ("asc", "Earliest or smallest first"),
                ("desc", "Latest or largest first"),
            ]),
            size_options: page_size_options(),
            sorts,
            page_total: Money::new(page_total, currency),
            total: found.total_minor.map(|t| Money::new(t, currency)),
            found,
            next: pages.next,
            first: pages.first,
            here,
            bulk,
            reason_options: choices::any_of::<FailureReason>("Choose a reason"),
            waiting: match waiting {
                (0, _) => "Nothing waits for a decision.".into(),
                (n, sum) => format!(
                    "{} for a decision, {} in all.",
                    crate::web::count(n, "payment waits", "payments wait"),
                    Money::new(sum, currency)
                ),
            },
        }
    }
}
