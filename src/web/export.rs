//! CSV downloads (the audit log, clients, later deals and payments): cells a spreadsheet would
//! run as formulas are defused, and the file comes as an attachment.

use actix_web::HttpResponse;
use actix_web::http::header;

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
