//! `/notifications`: what happened to the user's records (a payment verified, rejected, waiting
//! for a second approval…), unread first, each linking to its record; marked read one by one or
//! all at once. Notes are written by `notify`, inside the transaction of the event they tell of.

pub mod broadcast;
pub mod preferences;
pub mod queries;
pub mod templates;

pub use self::queries::{Note, notify};

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::db;
use crate::error::AppError;
use crate::web::pager::{Pages, keyset};
use crate::web::time::When;
use crate::web::{Ctx, Flash, render, see_other};

const PAGE_SIZE: usize = 30;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(list))
        .route("/notifications/read-all", web::post().to(read_all))
        .route(
            "/notifications/read-selected",
            web::post().to(read_selected),
        )
        .route("/notifications/{id}/read", web::post().to(read_one));
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct Query {
    #[serde(skip_serializing)]
    after: Option<String>,
}

/// "u123" (unread) or "r45" (read): the last row of the page before.
fn parse_cursor(raw: &str) -> Option<(bool, i64)> {
    let (read, id) = raw.split_at_checked(1)?;
    let read = match read {
        "u" => false,
        "r" => true,
        _ => return None,
    };
    Some((read, id.parse().ok()?))
}

pub struct Item {
    pub row: queries::Row,
    pub link: Option<String>,
    pub when: When,
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct ListPage {
    ctx: Ctx,
    items: Vec<Item>,
    pages: Pages,
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<Query>,
) -> Result<HttpResponse, AppError> {
    let org = ctx.scope()?;
    let user = ctx.user.id;
    let current = query.after.clone().unwrap_or_default();
    let before = match query.after.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(parse_cursor(raw).ok_or(AppError::NotFound)?),
    };
    let mut rows = db::run(&state.pool, move |conn| {
        Ok(queries::list(
            conn,
            org,
            user,
            before,
            PAGE_SIZE as i64 + 1,
        )?)
    })
    .await?;
    let pages = keyset(
        "/notifications",
        &*query,
        &current,
        &mut rows,
        PAGE_SIZE,
        |r| format!("{}{}", if r.is_read { "r" } else { "u" }, r.id),
    );
    let items = rows
        .into_iter()
        .map(|row| Item {
            link: row.link(),
            when: ctx.local_time(Some(row.created_at)),
            row,
        })
        .collect();
    render(&ListPage { ctx, items, pages })
}

async fn read_one(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org = ctx.scope()?;
    let user = ctx.user.id;
    let id = path.into_inner();
    db::run(&state.pool, move |conn| {
        Ok(queries::mark_read(conn, org, user, id)?)
    })
    .await?;
    Ok(see_other("/notifications"))
}

/// Marks the notifications ticked on the page read (`note` repeated); none ticked is said.
async fn read_selected(
    ctx: Ctx,
    state: web::Data<AppState>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let org = ctx.scope()?;
    let user = ctx.user.id;
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "note")
        .filter_map(|(_, v)| v.parse().ok())
        .take(PAGE_SIZE)
        .collect();
    if ids.is_empty() {
        Flash::error(
            &ctx.session,
            "Tick the notifications to mark read, then press “Mark the ticked read”.",
        );
        return Ok(see_other("/notifications"));
    }
    let n = db::run(&state.pool, move |conn| {
        Ok(queries::mark_selected_read(conn, org, user, &ids)?)
    })
    .await?;
    Flash::success(
        &ctx.session,
        crate::web::count(
            n as i64,
            "notification marked read.",
            "notifications marked read.",
        ),
    );
    Ok(see_other("/notifications"))
}

async fn read_all(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let org = ctx.scope()?;
    let user = ctx.user.id;
    let n = db::run(&state.pool, move |conn| {
        Ok(queries::mark_all_read(conn, org, user)?)
    })
    .await?;
    Flash::success(
        &ctx.session,
        crate::web::count(
            n as i64,
            "notification marked read.",
            "notifications marked read.",
        ),
    );
    Ok(see_other("/notifications"))
}
