//! The typeface of everything Dealdesk draws itself (invoices, quotes, demo receipts): DejaVu
//! Sans, compiled into the binary so that a PDF or picture looks the same on every machine
//! (its licence is in `static/fonts/`).

pub const REGULAR: &[u8] = include_bytes!("../static/fonts/DejaVuSans.ttf");
pub const BOLD: &[u8] = include_bytes!("../static/fonts/DejaVuSans-Bold.ttf");
