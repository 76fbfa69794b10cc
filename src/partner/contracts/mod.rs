//! `/partner/contracts`: the contracts fulfilled orders activated, as the channel scope shows
//! them: active, expiring within 30 days, expired, all; by partner.

mod change;
pub mod expiry;
mod export;
pub mod queries;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use self::queries::{ContractFilter, ContractRecord, ContractRow, View, effective};
use crate::AppState;
use crate::db::{self, PublicId, now};
use crate::domain::Money;
use crate::domain::choices::options;
use crate::domain::{ContractStatus, choices};
use crate::error::AppError;
use crate::partner::choices::{PartnerOption, partner_filter, partner_options};
use crate::partner::orders::request;
use crate::web::listing::{Dir, Found, Search, Sorts, page_size, page_size_options};
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, pager, render, render_status};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partner/contracts", web::get().to(list))
        .route(
            "/partner/contracts/export.csv",
            web::get().to(export::export),
        )
        .route("/partner/contracts/{id}", web::get().to(show))
        .route(
            "/partner/contracts/{id}/renew",
            web::post().to(change::renew),
        )
        .route(
            "/partner/contracts/{id}/close",
            web::post().to(change::close),
        );
}

pub const VIEWS: [(&str, &str); 4] = [
    ("", "Active"),
    ("expiring", "Expiring within 30 days"),
    ("expired", "Expired"),
    ("all", "All"),
];

/// A stored status as read now (an active contract past its date is expired).
pub fn status_now(status: ContractStatus, expiration: chrono::NaiveDateTime) -> ContractStatus {
    effective(status, expiration, now())
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    pub view: String,
    pub partner: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub size: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

impl ListQuery {
    /// The filter for the scope's `partners` (its select options): a partner outside them
    /// matches nothing, rather than everything.
    pub fn filter(&self, partners: &[PartnerOption]) -> ContractFilter {
        let partner: Option<PublicId> = self.partner.parse().ok();
        ContractFilter {
            search: Search::parse(&self.q),
            view: View::parse(&self.view),
            partner: partner.map(|p| {
                partners
                    .iter()
                    .find(|(_, id, _)| *id == p)
                    .map_or(-1, |(id, _, _)| *id)
            }),
            after: queries::parse_cursor(&self.after),
            dir: Dir::parse(&self.dir, Dir::Asc),
        }
    }

    /// The same filters, from the first page: what the export and the pages' links carry.
    pub fn filters(&self) -> Self {
        Self {
            after: String::new(),
            ..self.clone()
        }
    }

    /// The filters alone: what the "Expires" heading keeps when it turns the order round.
    fn without_order(&self) -> Self {
        Self {
            dir: String::new(),
            ..self.filters()
        }
    }
}

pub struct ListRow {
    pub row: ContractRow,
    pub status: ContractStatus,
    pub value: Money,
    pub starts: When,
    pub ends: When,
}

#[derive(Template)]
#[template(path = "partner/contracts/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    rows: Vec<ListRow>,
    view_options: Vec<(String, String)>,
    partner_options: Vec<(String, String)>,
    dir_options: Vec<(String, String)>,
    size_options: Vec<(String, String)>,
    sorts: Sorts,
    found: Found,
    /// None when the page's values are in several currencies.
    page_total: Option<Money>,
    total: Option<Money>,
    next: Option<String>,
    first: Option<String>,
    export: String,
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let query = query.into_inner();
    let filter_query = query.clone();
    let size = page_size(&query.size);
    let currency = ctx.user.currency.map_or("USD", |c| c.code());
    let (mut rows, (found, one_currency), partners) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let partners = partner_options(conn, &scope)?;
        let filter = filter_query.filter(&partners);
        Ok((
            queries::list(conn, &scope, &filter, size + 1)?,
            queries::found(conn, &scope, &filter, currency)?,
            partners,
        ))
    })
    .await?;
    let filters = query.filters();
    let export = format!(
        "/partner/contracts/export.csv?{}",
        serde_urlencoded::to_string(&filters).unwrap_or_default()
    );
    let pages = pager::keyset(
        "/partner/contracts",
        &filters,
        &query.after,
        &mut rows,
        size as usize,
        queries::cursor_of,
    );
    let sorts = Sorts::new(
        "/partner/contracts",
        &query.without_order(),
        &[("", "Expires", Dir::Asc)],
        "",
        Dir::parse(&query.dir, Dir::Asc),
    );
    // A total in one currency only: values in several are not added up.
    let same = one_currency && rows.iter().all(|r| r.currency == currency);
    let page_total =
        same.then(|| Money::new(rows.iter().map(|r| r.total_value_minor).sum(), currency));
    let total = found
        .total_minor
        .filter(|_| one_currency)
        .map(|t| Money::new(t, currency));
    let rows = rows
        .into_iter()
        .map(|row| ListRow {
            status: status_now(row.status, row.expiration_date),
            value: Money::new(row.total_value_minor, &row.currency),
            starts: ctx.local_time(Some(row.activation_date)),
            ends: ctx.local_time(Some(row.expiration_date)),
            row,
        })
        .collect();
    render(&ListPage {
        ctx,
        query,
        rows,
        view_options: options(&VIEWS),
        partner_options: partner_filter(partners),
        dir_options: options(&[
            ("", "Soonest to expire first"),
            ("desc", "Latest to expire first"),
        ]),
        size_options: page_size_options(),
        sorts,
        found,
        page_total,
        total,
        next: pages.next,
        first: pages.first,
        export,
    })
}

#[derive(Template)]
#[template(path = "partner/contracts/show.html")]
struct ShowPage {
    ctx: Ctx,
    contract: ContractRecord,
    status: ContractStatus,
    value: Money,
    starts: When,
    ends: When,
    order: (PublicId, String),
    partner: Option<String>,
    renewed_from: Option<(PublicId, String)>,
    renewals: Vec<(PublicId, String)>,
    renewable: bool,
    closable: bool,
    form: change::CloseForm,
    errors: FieldErrors,
    outcome_options: Vec<(String, String)>,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    show_page(ctx, &state, id, Default::default(), FieldErrors::default()).await
}

/// The contract's page, with the close form as typed and its errors when refused (422).
async fn show_page(
    ctx: Ctx,
    state: &AppState,
    id: PublicId,
    form: change::CloseForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let (contract, links) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let contract = queries::find(conn, &scope, id)?;
        let links = queries::links(conn, &contract)?;
        Ok((contract, links))
    })
    .await?;
    let now_status = effective(contract.status, contract.expiration_date, now());
    let manages = ctx.can(crate::permissions::Permission::ContractsManage);
    let mut outcome_options = vec![(String::new(), "Choose what happened".to_string())];
    outcome_options.extend(choices::of(&change::OUTCOMES));
    render_status(
        errors.status(),
        &ShowPage {
            renewable: manages
                && matches!(now_status, ContractStatus::Active | ContractStatus::Expired),
            closable: manages && now_status == ContractStatus::Active,
            renewals: links.renewals,
            form,
            errors,
            outcome_options,
            status: now_status,
            value: Money::new(contract.total_value_minor, &contract.currency),
            starts: ctx.local_time(Some(contract.activation_date)),
            ends: ctx.local_time(Some(contract.expiration_date)),
            ctx,
            contract,
            order: links.order,
            partner: links.partner,
            renewed_from: links.renewed_from,
        },
    )
}
