//! `dealdesk generate-load`: fills one organization with data at scale, to measure the pages
//! as a large customer would use them. Rows go in as multi-row INSERTs of generated values only
//! (no user input reaches this SQL); what follows from them (statuses, balances, rollups) is
//! computed by the same functions the site uses.

mod admin;
mod commissions;
mod partner;
mod sales;

pub use self::admin::{audit, users};
pub use self::partner::partner;
pub use self::sales::{Sizes, sales};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::AnyConnection;

/// Rows per generated INSERT and per transaction.
const BATCH: usize = 1_000;

fn err(e: diesel::result::Error) -> String {
    e.to_string()
}

/// Runs `rows` through multi-row INSERTs of `head`, a thousand at a time, each batch its own
/// transaction: the counters' triggers update one row per insert, and PostgreSQL slows down
/// sharply when one transaction updates the same row a hundred thousand times.
fn insert_all(conn: &mut AnyConnection, head: &str, rows: &[String]) -> Result<(), String> {
    for chunk in rows.chunks(BATCH) {
        let sql = format!("{head} VALUES {}", chunk.join(","));
        conn.transaction(|c| c.batch_execute(&sql)).map_err(err)?;
    }
    Ok(())
}
