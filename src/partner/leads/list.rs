//! `/partner/leads`: the scope's leads as a list with search, filters and keyset pages (the
//! export and the board read the same rows).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::queries::{self, Filter, LeadRow};
use super::status::Status;
use super::{PAGE_SIZE, money, request};
use crate::AppState;
use crate::db;
use crate::domain::choices::{self, options};
use crate::error::AppError;
use crate::partner::choices::{partner_filter, partner_options};
use crate::web::time::When;
use crate::web::{Ctx, pager, render};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    pub partner: String,
    pub mine: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

impl ListQuery {
    pub fn filter(&self) -> Filter {
        Filter {
            q: self.q.chars().take(100).collect(),
            status: Status::parse(&self.status),
            partner: self.partner.parse().ok(),
            mine: self.mine == "mine",
            after: self.after.parse().ok(),
        }
    }

    /// The same filters, from the first page: what the export and the pages' links carry.
    pub fn filters(&self) -> Self {
        Self {
            after: String::new(),
            ..self.clone()
        }
    }
}

pub struct ListRow {
    pub row: LeadRow,
    pub value: String,
    pub added: When,
}

pub fn list_row(ctx: &Ctx, row: LeadRow) -> ListRow {
    ListRow {
        value: money(row.value_minor, &row.currency),
        added: ctx.local_time(Some(row.created_at)),
        row,
    }
}

#[derive(Template)]
#[template(path = "partner/leads/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    rows: Vec<ListRow>,
    status_options: Vec<(String, String)>,
    partner_options: Vec<(String, String)>,
    mine_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
    export: String,
}

pub(super) async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let query = query.into_inner();
    let filter = query.filter();
    let (mut rows, partners) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        Ok((
            queries::list(conn, &scope, &filter, PAGE_SIZE + 1)?,
            partner_options(conn, &scope)?,
        ))
    })
    .await?;
    let filters = query.filters();
    let export = format!(
        "/partner/leads/export.csv?{}",
        serde_urlencoded::to_string(&filters).unwrap_or_default()
    );
    let pages = pager::keyset(
        "/partner/leads",
        &filters,
        &query.after,
        &mut rows,
        PAGE_SIZE as usize,
        |r| r.public_id.to_string(),
    );
    let rows = rows.into_iter().map(|r| list_row(&ctx, r)).collect();
    render(&ListPage {
        ctx,
        query,
        rows,
        status_options: choices::any_of::<Status>("Every stage"),
        partner_options: partner_filter(partners),
        mine_options: options(&[("", "Everyone's"), ("mine", "Mine")]),
        next: pages.next,
        first: pages.first,
        export,
    })
}
