//! `/sales/deals` and its CSV: the scope's deals with filters (status, payment, verification,
//! client, owner, date and amount ranges) in three keyset orders.

use crate::domain::choices::options;
use crate::domain::{DealPayment, DealStatus, DealVerification, Money, choices};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::queries::{self, DealRow, Filter, Sort};
use super::scope_request;
use crate::AppState;
use crate::db::AnyConnection;
use crate::db::{self, PublicId};
use crate::domain::money::{currency_exponent, scaled_decimal};
use crate::error::AppError;
use crate::sales::choices::Owner;
use crate::scope::RecordScope;
use crate::web::dates::date;
use crate::web::export::{CsvFile, EXPORT_LIMIT, cell, csv_response, write_pages};
use crate::web::listing::{Dir, Found, Sorts, page_holds_all, page_size, page_size_options};
use crate::web::pager;
use crate::web::{Ctx, FieldErrors, render_status};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    pub status: String,
    pub payment: String,
    pub verification: String,
    pub client: String,
    pub owner: String,
    pub from: String,
    pub to: String,
    pub min: String,
    pub max: String,
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
    /// The filter this query asks for; unusable values become field errors and are ignored.
    fn filter(
        &self,
        exponent: u32,
        owners: &[(i64, PublicId, String)],
        e: &mut FieldErrors,
    ) -> Filter {
        let amount = |field: &'static str, v: &str, e: &mut FieldErrors| {
            e.check(field, scaled_decimal(v, exponent, i64::MAX / 100))
                .flatten()
        };
        let f = Filter {
            // The search and the client are looked up in the organization: `resolve`.
            search: None,
            status: e
                .check("status", choices::pick::<DealStatus>(&self.status))
                .flatten(),
            payment: e
                .check("payment", choices::pick::<DealPayment>(&self.payment))
                .flatten(),
            verification: e
                .check(
                    "verification",
                    choices::pick::<DealVerification>(&self.verification),
                )
                .flatten(),
            client: None,
            owner: match self.owner.as_str() {
                "" => None,
                o => Some(
                    owners
                        .iter()
                        .find(|(_, p, _)| p.to_string() == o)
                        .map_or(-1, |(id, _, _)| *id),
                ),
            },
            from: e.check("from", date(&self.from)).flatten(),
            to: e.check("to", date(&self.to)).flatten(),
            min: amount("min", &self.min, e),
            max: amount("max", &self.max, e),
            sort: Some(Sort::parse(&self.sort)),
            dir: Some(Dir::parse(&self.dir, Dir::Desc)),
            after: self.after.parse().ok(),
        };
        if let (Some(a), Some(b)) = (f.from, f.to)
            && b < a
        {
            e.add("to", "The end date is before the start date.");
        }
        f
    }

    /// The filter with its search and client looked up in the organization.
    fn resolved(
        &self,
        conn: &mut AnyConnection,
        scope: &RecordScope,
        mut f: Filter,
    ) -> Result<Filter, AppError> {
        f.search = queries::deal_search(conn, scope.org(), &self.q)?;
        f.client = match self.client.parse() {
            Ok(c) => Some(queries::client_id(conn, scope.org(), c)?),
            Err(_) => None,
        };
        Ok(f)
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
    pub row: DealRow,
    pub amount: Money,
}

#[derive(Template)]
#[template(path = "sales/deals/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    errors: FieldErrors,
    rows: Vec<ListRow>,
    currency: String,
    /// Empty when the user sees only their own deals.
    owner_options: Vec<(String, String)>,
    status_options: Vec<(String, String)>,
    payment_options: Vec<(String, String)>,
    verification_options: Vec<(String, String)>,
    sort_options: Vec<(String, String)>,
    dir_options: Vec<(String, String)>,
    size_options: Vec<(String, String)>,
    sorts: Sorts,
    found: Found,
    /// The shown rows' amounts in the organization's currency.
    page_total: Money,
    /// Every matching deal's, when they were all counted.
    total: Option<Money>,
    next: Option<String>,
    first: Option<String>,
    export: String,
}

pub async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let query = query.into_inner();
    let q = query.clone();
    let size = page_size(&query.size);
    let (rows, found, owners, currency, errors) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let currency = scope.currency().to_string();
        let owners = crate::sales::choices::owner_choices(conn, &scope)?;
        let mut errors = FieldErrors::default();
        let filter = q.filter(currency_exponent(&currency), &owners, &mut errors);
        let filter = q.resolved(conn, &scope, filter)?;
        let rows = queries::list(conn, &scope, &filter, size + 1)?;
        let found = if page_holds_all(&q.after, rows.len(), size) {
            Found::of(&rows.iter().map(|r| r.amount_org_minor).collect::<Vec<_>>())
        } else {
            queries::found(conn, &scope, &filter)?
        };
        Ok((rows, found, owners, currency, errors))
    })
    .await?;
    let page = ListPage::build(ctx, query, errors, (rows, found), &owners, currency);
    render_status(page.errors.status(), &page)
}

impl ListPage {
    fn build(
        ctx: Ctx,
        query: ListQuery,
        errors: FieldErrors,
        (mut rows, found): (Vec<DealRow>, Found),
        owners: &[Owner],
        currency: String,
    ) -> Self {
        let filters = query.without_cursor();
        let pages = pager::keyset(
            "/sales/deals",
            &filters,
            &query.after,
            &mut rows,
            page_size(&query.size) as usize,
            |r| r.public_id.to_string(),
        );
        let sorts = Sorts::new(
            "/sales/deals",
            &query.without_order(),
            &Sort::COLUMNS,
            &query.sort,
            Dir::parse(&query.dir, Dir::Desc),
        );
        let page_total = Money::new(rows.iter().map(|r| r.amount_org_minor).sum(), &currency);
        let total = found.total_minor.map(|t| Money::new(t, &currency));
        let rows: Vec<ListRow> = rows
            .into_iter()
            .map(|row| ListRow {
                amount: Money::new(row.amount_minor, &row.currency),
                row,
            })
            .collect();
        let owner_options = choices::people("Everyone", owners);
        ListPage {
            ctx,
            export: format!(
                "/sales/deals/export.csv?{}",
                serde_urlencoded::to_string(&filters).unwrap_or_default()
            ),
            query,
            errors,
            rows,
            currency,
            owner_options,
            status_options: choices::any_of::<DealStatus>("Any status"),
            payment_options: choices::any_of::<DealPayment>("Any payment"),
            verification_options: choices::any_of::<DealVerification>("Any verification"),
            sort_options: options(&[
                ("", "Deal number"),
                ("date", "Deal date"),
                ("amount", "Amount"),
            ]),
            dir_options: options(&[
                ("", "Latest or largest first"),
                ("asc", "Earliest or smallest first"),
            ]),
            size_options: page_size_options(),
            sorts,
            found,
            page_total,
            total,
            next: pages.next,
            first: pages.first,
        }
    }
}

/// The deals the list shows (same scope and filters, every page) as CSV, audited.
pub async fn export(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let query = query.into_inner().without_cursor();
    let actor = ctx.actor();
    let body = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let currency = scope.currency().to_string();
        let owners = crate::sales::choices::owner_choices(conn, &scope)?;
        let mut errors = FieldErrors::default();
        let filter = query.filter(currency_exponent(&currency), &owners, &mut errors);
        let mut filter = query.resolved(conn, &scope, filter)?;
        if !errors.is_empty() {
            return Err(AppError::BadRequest(
                "The filters are not valid; correct them on the deals page, then export.".into(),
            ));
        }
        let mut file = CsvFile::new(&CSV_COLUMNS)?;
        write_pages(
            &mut file,
            EXPORT_LIMIT,
            |last, n| {
                filter.after = last.map(|r: &queries::DealRow| r.public_id);
                Ok(queries::list(conn, &scope, &filter, n)?)
            },
            csv_row,
        )?;
        let bytes = file.finish_audited(conn, &actor, scope.org(), "deal", &query, EXPORT_LIMIT)?;
        Ok(bytes)
    })
    .await?;
    Ok(csv_response("deals.csv", body))
}

const CSV_COLUMNS: [&str; 10] = [
    "deal",
    "client",
    "amount",
    "currency",
    "status",
    "payment",
    "verification",
    "deal_date",
    "due_date",
    "owner",
];

/// A deal as a CSV line: codes, not words, and amounts as typed in a form.
fn csv_row(r: &DealRow) -> Vec<String> {
    vec![
        r.deal_number.clone(),
        cell(&r.client_name),
        crate::domain::money::minor_to_input(r.amount_minor, currency_exponent(&r.currency)),
        r.currency.clone(),
        r.status.code().to_string(),
        r.payment_status.code().to_string(),
        r.verification_status.code().to_string(),
        r.deal_date.to_string(),
        r.due_date.map(|d| d.to_string()).unwrap_or_default(),
        cell(&format!("{} {}", r.owner_first, r.owner_last)),
    ]
}
