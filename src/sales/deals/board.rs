//! `/sales/deals/board`: the scope's deals by status, a column each with its count, its value and
//! the newest cards. A deal's status follows its payments and its cancellation, so the board is
//! for seeing where the work stands; each column links to the list filtered by it for the rest.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::queries::{self, DealRow, Filter};
use super::scope_request;
use crate::AppState;
use crate::db;
use crate::domain::{DealStatus, Money};
use crate::error::AppError;
use crate::web::listing::Found;
use crate::web::{Ctx, render};

/// Cards a column shows: the board stays one screen of reading, whatever the scope holds.
const CARDS: i64 = 10;

pub struct Column {
    pub status: DealStatus,
    pub found: Found,
    pub total: Option<Money>,
    pub cards: Vec<Card>,
}

pub struct Card {
    pub row: DealRow,
    pub amount: Money,
}

#[derive(Template)]
#[template(path = "sales/deals/board.html")]
struct BoardPage {
    ctx: Ctx,
    columns: Vec<Column>,
    /// Whether the cards name their owner: the viewer sees more deals than their own.
    owners: bool,
}

pub async fn board(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let (columns, currency, owners) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let mut columns = Vec::new();
        for &status in DealStatus::ALL {
            let f = Filter {
                status: Some(status),
                ..Filter::default()
            };
            let rows = queries::list(conn, &scope, &f, CARDS)?;
            // At most the cap's amounts, by the same index the list walks: as many queries
            // whatever the scope holds.
            let found = queries::found(conn, &scope, &f)?;
            columns.push((status, rows, found));
        }
        let owners = scope.owners().is_none_or(|o| o.len() > 1);
        Ok((columns, scope.currency().to_string(), owners))
    })
    .await?;
    let columns = columns
        .into_iter()
        .map(|(status, rows, found)| Column {
            status,
            total: found.total_minor.map(|t| Money::new(t, &currency)),
            found,
            cards: rows
                .into_iter()
                .map(|row| Card {
                    amount: Money::new(row.amount_minor, &row.currency),
                    row,
                })
                .collect(),
        })
        .collect();
    render(&BoardPage {
        ctx,
        columns,
        owners,
    })
}
