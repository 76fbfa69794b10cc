//! An invoice or a quote as a PDF (printpdf). A client's name must print as it is written, so the
//! text is set in DejaVu Sans (`crate::fonts`), embedded: it covers Latin, Greek, Cyrillic and
//! Arabic letters. Arabic is printed letter by letter, without joining: the PDF holds the right
//! characters, not shaped ones.

use printpdf::{IndirectFontRef, Mm, PdfDocument, PdfLayerReference};

use crate::error::AppError;
use crate::fonts::{BOLD, REGULAR};

/// What the document says, line by line, as the page and the PDF share it.
pub struct Document {
    pub title: String,
    pub seller: Vec<String>,
    pub buyer: Vec<String>,
    pub facts: Vec<(String, String)>,
    pub lines: Vec<(String, String)>,
    pub total: (String, String),
}

fn pdf_err(e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("the PDF could not be made: {e}"))
}

struct Pen<'a> {
    layer: PdfLayerReference,
    regular: &'a IndirectFontRef,
    bold: &'a IndirectFontRef,
    y: f32,
}

impl Pen<'_> {
    fn text(&mut self, s: &str, size: f32, x: f32, bold: bool) {
        let font = if bold { self.bold } else { self.regular };
        self.layer.use_text(s, size, Mm(x), Mm(self.y), font);
    }

    fn line(&mut self, s: &str, size: f32, bold: bool) {
        self.text(s, size, 20.0, bold);
        self.y -= size * 0.5;
    }

    fn pair(&mut self, left: &str, right: &str, bold: bool) {
        self.text(left, 10.0, 20.0, bold);
        self.text(right, 10.0, 130.0, bold);
        self.y -= 6.0;
    }
}

/// The document on one A4 page; `footer` closes it (the invoice's status, a quote's validity).
pub fn render(doc: &Document, footer: &str) -> Result<Vec<u8>, AppError> {
    let (pdf, page, layer) = PdfDocument::new(&doc.title, Mm(210.0), Mm(297.0), "Document");
    let regular = pdf.add_external_font(REGULAR).map_err(pdf_err)?;
    let bold = pdf.add_external_font(BOLD).map_err(pdf_err)?;
    let mut pen = Pen {
        layer: pdf.get_page(page).get_layer(layer),
        regular: &regular,
        bold: &bold,
        y: 272.0,
    };
    pen.line(&doc.title, 20.0, true);
    pen.y -= 4.0;
    for (k, s) in doc.seller.iter().enumerate() {
        pen.line(s, 10.0, k == 0);
    }
    pen.y -= 6.0;
    pen.line("Bill to", 10.0, true);
    for s in &doc.buyer {
        pen.line(s, 10.0, false);
    }
    pen.y -= 6.0;
    for (k, v) in &doc.facts {
        pen.pair(k, v, false);
    }
    pen.y -= 6.0;
    for (k, v) in &doc.lines {
        pen.pair(k, v, false);
    }
    pen.pair(&doc.total.0, &doc.total.1, true);
    pen.y -= 10.0;
    pen.line(footer, 9.0, false);
    pdf.save_to_bytes().map_err(pdf_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_other_scripts_are_embedded_as_text() {
        let doc = Document {
            title: "Invoice INV-2026-0001".into(),
            seller: vec!["Demo Traders".into()],
            buyer: vec!["Łódź Trading".into(), "Αθήνα Москва شركة".into()],
            facts: vec![("Date".into(), "2026-12-02".into())],
            lines: vec![("Amount".into(), "100.00 USD".into())],
            total: ("Total".into(), "107.25 USD".into()),
        };
        let bytes = render(&doc, "Issued").expect("pdf");
        println!("PDF with two embedded fonts: {} bytes", bytes.len());
        assert!(bytes.starts_with(b"%PDF"));
        assert!(bytes.len() < 200_000, "the fonts are subset");
    }
}
