//! The board (a column per stage: its count and newest cards, each with one button that moves it
//! a step on, without JavaScript) and the user's overdue activities.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::list::{ListRow, list_row};
use super::show::{ActivityLine, activity_line};
use super::status::Status;
use super::{activities, queries, request};
use crate::AppState;
use crate::db;
use crate::error::AppError;
use crate::web::{Ctx, render};

/// Cards a column shows; the rest are a link to the list filtered by the stage. Ten keep the
/// whole board (seven columns, one form) near 30 KB however many leads there are.
const CARDS: i64 = 10;

pub struct Column {
    pub status: Status,
    pub count: i64,
    pub cards: Vec<ListRow>,
    /// The step a card's button takes: the next stage. Other moves, and lost with its reason, are
    /// on the lead's page.
    pub next: Option<Status>,
}

#[derive(Template)]
#[template(path = "partner/leads/board.html")]
struct BoardPage {
    ctx: Ctx,
    columns: Vec<Column>,
}

pub(super) async fn board(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let (counts, columns) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let counts = queries::counts(conn, &scope)?;
        let mut columns = Vec::new();
        for &s in Status::ALL {
            columns.push((s, queries::column(conn, &scope, s, CARDS)?));
        }
        Ok((counts, columns))
    })
    .await?;
    let columns = columns
        .into_iter()
        .map(|(status, rows)| Column {
            status,
            count: counts
                .iter()
                .find(|(c, _)| c == status.code())
                .map_or(0, |(_, n)| *n),
            cards: rows.into_iter().map(|r| list_row(&ctx, r)).collect(),
            next: status.next(),
        })
        .collect();
    render(&BoardPage { ctx, columns })
}

#[derive(Template)]
#[template(path = "partner/leads/overdue.html")]
struct OverduePage {
    ctx: Ctx,
    rows: Vec<ActivityLine>,
}

pub(super) async fn overdue(
    ctx: Ctx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let rows = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        Ok(activities::overdue(conn, &scope, 200)?)
    })
    .await?;
    let rows = rows.into_iter().map(|r| activity_line(&ctx, r)).collect();
    render(&OverduePage { ctx, rows })
}
