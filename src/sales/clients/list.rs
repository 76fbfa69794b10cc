//! `/sales/clients`: the scope's clients, searched by name, e-mail or phone, filtered by status
//! and balance, counted, in keyset pages of a chosen size; rows can be selected and archived or
//! restored at once, or given to another owner (`bulk`).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::queries::{self, Active, ClientRow, Filter, Sort};
use super::{options, scope_request};
use crate::AppState;
use crate::db;
use crate::domain::{BalanceStatus, Money, choices};
use crate::error::AppError;
use crate::web::listing::{Found, page_size, page_size_options};
use crate::web::pager;
use crate::web::time::When;
use crate::web::{Ctx, render_status};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub active: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub balance: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sort: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub size: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

impl ListQuery {
    pub(crate) fn filter(&self) -> Filter {
        Filter {
            q: self.q.chars().take(100).collect(),
            active: Active::parse(&self.active),
            // An unknown balance is no filter: the list shows every client.
            balance: BalanceStatus::parse(&self.balance),
            sort: Sort::parse(&self.sort),
            after: self.after.parse().ok(),
        }
    }
}

pub struct ListRow {
    pub row: ClientRow,
    pub added: When,
    pub outstanding: Money,
    pub balance: &'static str,
}

pub use crate::web::bulk::Bulk;

#[derive(Template)]
#[template(path = "sales/clients/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    rows: Vec<ListRow>,
    sees_others: bool,
    found: Found,
    active_options: Vec<(String, String)>,
    balance_options: Vec<(String, String)>,
    sort_options: Vec<(String, String)>,
    size_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
    export: String,
    bulk: Bulk,
    /// Whom the selected clients may be given to; empty when the user sees only their own.
    owner_options: Vec<(String, String)>,
    /// The page as shown, its cursor included, for the bulk form to come back to.
    here: String,
}

pub async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    show(ctx, &state, query.into_inner(), Bulk::default()).await
}

/// The list for `query` with the bulk form as `bulk` left it: 200, or what its errors (422)
/// or refusals (409) say.
pub async fn show(
    ctx: Ctx,
    state: &AppState,
    query: ListQuery,
    bulk: Bulk,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let filter = query.filter();
    let size = page_size(&query.size);
    let (mut rows, found, owners, currency) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let rows = queries::list(conn, &scope, &filter, size + 1)?;
        // Counted every time: the capped count of a client list is one index range, and a
        // page's queries stay the same at any size of data.
        let found = queries::found(conn, &scope, &filter)?;
        let currency = scope.currency().to_string();
        let owners = if scope.owners().is_none_or(|o| o.len() > 1) {
            crate::sales::choices::assignee_choices(conn, &scope)?
        } else {
            Vec::new()
        };
        Ok((rows, found, owners, currency))
    })
    .await?;
    let filters = ListQuery {
        after: String::new(),
        ..query.clone()
    };
    let pages = pager::keyset(
        "/sales/clients",
        &filters,
        &query.after,
        &mut rows,
        size as usize,
        |r| r.public_id.to_string(),
    );
    let rows: Vec<ListRow> = rows
        .into_iter()
        .map(|row| ListRow {
            added: ctx.local_time(Some(row.created_at)),
            outstanding: Money::new(row.outstanding_minor, &currency),
            balance: row.balance_status.label(),
            row,
        })
        .collect();
    let encoded = serde_urlencoded::to_string(&filters).unwrap_or_default();
    let here = format!(
        "/sales/clients?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    let status = bulk.status();
    let sees_others = !owners.is_empty();
    let mut owner_options = vec![(String::new(), "Choose who".to_string())];
    owner_options.extend(owners.into_iter().map(|(_, p, n)| (p.to_string(), n)));
    render_status(
        status,
        &ListPage {
            export: format!("/sales/clients/export.csv?{encoded}"),
            ctx,
            query,
            rows,
            sees_others,
            found,
            active_options: options(&[
                ("", "Active and archived"),
                ("active", "Active"),
                ("archived", "Archived"),
            ]),
            balance_options: choices::any_of::<BalanceStatus>("Any balance"),
            sort_options: options(&[("", "Name"), ("newest", "Newest first")]),
            size_options: page_size_options(),
            next: pages.next,
            first: pages.first,
            bulk,
            owner_options,
            here,
        },
    )
}
