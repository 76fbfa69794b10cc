//! CSV downloads (the audit log, clients, later deals and payments): cells a spreadsheet would
//! run as formulas are defused, and the file comes as an attachment.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Actor, Event, actions};
use crate::db::{AnyConnection, write_tx};
use crate::error::AppError;
use crate::web::OrgScope;

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
}
