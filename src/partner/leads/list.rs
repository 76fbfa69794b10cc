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
use crate::web::bulk::Bulk;
use crate::web::time::When;
use crate::web::{Ctx, pager, render_status};

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
    /// The list's own address (its page included): where the bulk form comes back to.
    here: String,
    bulk: Bulk,
    /// The stages selected leads may be moved to together (lost needs each lead's reason).
    move_options: Vec<(String, String)>,
}

pub(super) async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    show(ctx, &state, query.into_inner(), Bulk::default()).await
}

/// The list as `query` asks, with the bulk form as it was sent (its errors or refused rows).
pub(super) async fn show(
    ctx: Ctx,
    state: &AppState,
    query: ListQuery,
    bulk: Bulk,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
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
    let here = format!(
        "/partner/leads?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    render_status(
        bulk.status(),
        &ListPage {
            ctx,
            query,
            rows,
            status_options: choices::any_of::<Status>("Every stage"),
            partner_options: partner_filter(partners),
            mine_options: options(&[("", "Everyone's"), ("mine", "Mine")]),
            next: pages.next,
            first: pages.first,
            export,
            here,
            move_options: Status::ALL
                .iter()
                .filter(|s| !s.needs_reason())
                .map(|s| (s.code().to_string(), s.label().to_string()))
                .collect(),
            bulk,
        },
    )
}
