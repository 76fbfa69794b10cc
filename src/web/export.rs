//! CSV downloads (the audit log, clients, commissions, reports, the partner lists): cells a spreadsheet would
//! run as formulas are defused, and the file comes as an attachment.

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Actor, Event, actions};
use crate::db::{AnyConnection, write_tx};
use crate::error::AppError;
use crate::web::OrgScope;

/// An export holds at most this many rows; the list pages say so.
pub const EXPORT_LIMIT: i64 = 50_000;

fn csv_error(e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("csv: {e}"))
}

/// A CSV file being written: its header first, then rows, counted.
pub struct CsvFile {
    out: csv::Writer<Vec<u8>>,
    pub rows: i64,
}

impl CsvFile {
    pub fn new(header: &[&str]) -> Result<Self, AppError> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(header).map_err(csv_error)?;
        Ok(Self { out, rows: 0 })
    }

    /// One row; text a user typed goes through `cell` first.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), AppError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        self.out.write_record(cells).map_err(csv_error)?;
        self.rows += 1;
        Ok(())
    }

    /// The finished file. Data leaving the application is a sensitive read: the export is
    /// recorded in the audit log with its filters, its size and whether `limit` cut it.
    pub fn finish_audited(
        self,
        conn: &mut AnyConnection,
        actor: &Actor,
        org: OrgScope,
        entity_type: &str,
        filters: &impl Serialize,
        limit: i64,
    ) -> Result<Vec<u8>, AppError> {
        let rows = self.rows;
        let bytes = self.out.into_inner().map_err(csv_error)?;
        write_tx(conn, |conn| {
            audit::record(
                conn,
                actor,
                Event::new(Some(org.id()), actions::EXPORT, entity_type).new_values(json!({
                    "filters": serde_json::to_value(filters).unwrap_or_default(),
                    "rows": rows,
                    "truncated": rows >= limit,
                })),
            )
        })?;
        Ok(bytes)
    }
}

/// Writes every page of a keyset list into `file`, up to `limit` rows, a batch at a time:
/// `fetch` reads the rows after the last one written (none at first), `cells` turns a row into
/// its cells.
pub fn write_pages<R>(
    file: &mut CsvFile,
    limit: i64,
    mut fetch: impl FnMut(Option<&R>, i64) -> Result<Vec<R>, AppError>,
    mut cells: impl FnMut(&R) -> Vec<String>,
) -> Result<(), AppError> {
    const BATCH: i64 = 2_000;
    let mut last: Option<R> = None;
    while file.rows < limit {
        let size = BATCH.min(limit - file.rows);
        let mut batch = fetch(last.as_ref(), size)?;
        for r in &batch {
            file.row(cells(r))?;
        }
        let full = batch.len() as i64 == size;
        last = batch.pop();
        if !full || last.is_none() {
            break;
        }
    }
    Ok(())
}

/// A UTC time as the organization reads it, for a file.
pub fn local_time(at: NaiveDateTime, tz: Tz) -> String {
    at.and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// Spreadsheet programs run cells starting with these as formulas; a leading quote defuses them.
pub fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The finished file as a download named `filename`.
pub fn csv_response(filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_for_spreadsheets() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("ada@demo.test"), "ada@demo.test");
    }

    /// A keyset "list" of 0..total, `n` after the last value written.
    fn pages(total: i64, limit: i64) -> (i64, Vec<i64>) {
        let mut file = CsvFile::new(&["n"]).expect("file");
        let mut asked = Vec::new();
        write_pages(
            &mut file,
            limit,
            |last: Option<&i64>, n| {
                asked.push(n);
                let from = last.map_or(0, |l| l + 1);
                Ok((from..total.min(from + n)).collect())
            },
            |v| vec![v.to_string()],
        )
        .expect("pages");
        (file.rows, asked)
    }

    #[test]
    fn every_page_is_written_up_to_the_limit() {
        assert_eq!(pages(4_500, 50_000), (4_500, vec![2_000, 2_000, 2_000]));
        assert_eq!(pages(4_000, 50_000), (4_000, vec![2_000, 2_000, 2_000]));
        assert_eq!(pages(4_500, 3_000), (3_000, vec![2_000, 1_000]));
        assert_eq!(pages(0, 50_000), (0, vec![2_000]));
    }
}
