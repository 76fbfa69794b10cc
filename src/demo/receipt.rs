//! A demo receipt as a verifier would get one: a slip of paper, photographed, with the payment's
//! figures on it (who paid, how much, how, when, the reference), drawn in the house typeface
//! (ab_glyph) and saved as a grayscale PNG (png) of a few kilobytes, so that the decision page
//! shows something to check the payment against.

use std::path::Path;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::domain::{Money, PaymentMethod};
use crate::fonts::{BOLD, REGULAR};
use crate::schema::{clients, deals, organizations, payments};

/// What a receipt says.
pub struct Slip {
    pub payee: String,
    pub number: String,
    pub date: String,
    pub payer: String,
    pub method: String,
    pub reference: Option<String>,
    pub amount: String,
}

const WIDTH: u32 = 400;
const HEIGHT: u32 = 460;
/// The slip's margin inside the picture, and the text's inside the slip.
const EDGE: u32 = 14;
const PAD: f32 = 34.0;
const PAPER: u8 = 255;
const TABLE: u8 = 214;
const INK: u8 = 28;
const FAINT: u8 = 110;

struct Canvas<'f> {
    pixels: Vec<u8>,
    regular: FontRef<'f>,
    bold: FontRef<'f>,
}

impl<'f> Canvas<'f> {
    fn new() -> Result<Canvas<'static>, String> {
        let font = |bytes| FontRef::try_from_slice(bytes).map_err(|e| format!("font: {e}"));
        let mut pixels = vec![TABLE; (WIDTH * HEIGHT) as usize];
        for y in EDGE..HEIGHT - EDGE {
            let row = (y * WIDTH) as usize;
            pixels[row + EDGE as usize..row + (WIDTH - EDGE) as usize].fill(PAPER);
        }
        Ok(Canvas {
            pixels,
            regular: font(REGULAR)?,
            bold: font(BOLD)?,
        })
    }

    fn font(&self, bold: bool) -> FontRef<'f> {
        if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        }
    }

    /// How wide `text` is at `size` px.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = self.font(bold);
        let font = font.as_scaled(PxScale::from(size));
        text.chars().map(|c| font.h_advance(font.glyph_id(c))).sum()
    }

    /// Writes `text` with its baseline at `y`, from `x`; darker where the glyph covers more.
    fn text(&mut self, text: &str, x: f32, y: f32, size: f32, bold: bool, ink: u8) {
        let scale = PxScale::from(size);
        let font = self.font(bold);
        let scaled = font.as_scaled(scale);
        let mut caret = x;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            let glyph = id.with_scale_and_position(scale, point(caret, y));
            caret += scaled.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let (px, py) = (
                    bounds.min.x as i64 + gx as i64,
                    bounds.min.y as i64 + gy as i64,
                );
                if (0..WIDTH as i64).contains(&px) && (0..HEIGHT as i64).contains(&py) {
                    let at = (py as u32 * WIDTH + px as u32) as usize;
                    let shade = PAPER as f32 - (PAPER - ink) as f32 * coverage.min(1.0);
                    self.pixels[at] = self.pixels[at].min(shade as u8);
                }
            });
        }
    }

    fn right(&mut self, text: &str, y: f32, size: f32, bold: bool) {
        let x = (WIDTH - EDGE) as f32 - PAD - self.width(text, size, bold);
        self.text(text, x, y, size, bold, INK);
    }

    fn dashes(&mut self, y: u32) {
        let row = (y * WIDTH) as usize;
        for x in (EDGE + PAD as u32..WIDTH - EDGE - PAD as u32).filter(|x| x % 8 < 4) {
            self.pixels[row + x as usize] = FAINT;
        }
    }

    fn png(self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder.write_header().map_err(|e| format!("png: {e}"))?;
        writer
            .write_image_data(&self.pixels)
            .map_err(|e| format!("png: {e}"))?;
        writer.finish().map_err(|e| format!("png: {e}"))?;
        Ok(out)
    }
}

/// The slip as a PNG.
pub fn png(slip: &Slip) -> Result<Vec<u8>, String> {
    let mut c = Canvas::new()?;
    let left = EDGE as f32 + PAD;
    c.text(&slip.payee, left, 62.0, 20.0, true, INK);
    c.text("Payment receipt", left, 88.0, 14.0, false, FAINT);
    c.dashes(108);
    let mut y = 142.0;
    let rows = [
        ("Receipt no.", Some(&slip.number)),
        ("Date", Some(&slip.date)),
        ("Received from", Some(&slip.payer)),
        ("Method", Some(&slip.method)),
        ("Reference", slip.reference.as_ref()),
    ];
    for (label, value) in rows {
        let Some(value) = value else { continue };
        c.text(label, left, y, 14.0, false, FAINT);
        c.right(&clip(&c, value, 200.0), y, 14.0, false);
        y += 32.0;
    }
    c.dashes(y as u32 - 6);
    y += 34.0;
    c.text("Amount paid", left, y, 16.0, true, INK);
    c.right(&slip.amount, y, 22.0, true);
    c.dashes(y as u32 + 26);
    c.text(
        "Thank you.",
        left,
        HEIGHT as f32 - EDGE as f32 - 40.0,
        14.0,
        false,
        FAINT,
    );
    c.png()
}

/// `text` cut with an ellipsis to fit `room` px at 14 px.
fn clip(c: &Canvas<'_>, text: &str, room: f32) -> String {
    if c.width(text, 14.0, false) <= room {
        return text.to_string();
    }
    let mut cut: String = text.to_string();
    while !cut.is_empty() && c.width(&format!("{cut}…"), 14.0, false) > room {
        cut.pop();
    }
    format!("{}…", cut.trim_end())
}

type Row = (
    Option<String>,
    String,
    i64,
    String,
    NaiveDate,
    PaymentMethod,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// Writes the picture of every demo payment's receipt under `upload_dir` (those missing: a
/// restarted demo keeps its files), from the payment as it is stored.
pub fn write_receipts(conn: &mut AnyConnection, upload_dir: &Path) -> Result<usize, String> {
    let rows: Vec<Row> = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
        .inner_join(organizations::table.on(organizations::id.eq(payments::organization_id)))
        .filter(payments::receipt_path.like("demo%"))
        .select((
            payments::receipt_path,
            payments::transaction_number,
            payments::amount_minor,
            payments::currency,
            payments::payment_date,
            payments::method,
            payments::bank_reference,
            payments::cheque_number,
            clients::name,
            organizations::name,
        ))
        .load(conn)
        .map_err(|e| format!("reading demo receipts failed: {e}"))?;
    let dir = upload_dir.join("receipts");
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let mut written = 0;
    for (name, number, minor, currency, date, method, bank, cheque, payer, payee) in rows {
        let Some(name) = name else { continue };
        let path = dir.join(&name);
        if path.exists() {
            continue;
        }
        let slip = Slip {
            payee,
            number,
            date: crate::web::dates::day(date),
            payer,
            method: method.label().to_string(),
            reference: bank.or(cheque),
            amount: Money::new(minor, &currency).to_string(),
        };
        std::fs::write(&path, png(&slip)?).map_err(|e| format!("write {}: {e}", path.display()))?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_is_a_png_with_ink_on_it() {
        let slip = Slip {
            payee: "Demo Traders".into(),
            number: "PAY-2026-00042".into(),
            date: "2 Dec 2026".into(),
            payer: "A client whose name is far too long for one line of a slip".into(),
            method: "Bank transfer".into(),
            reference: Some("BT1000042".into()),
            amount: "4,361.00 USD".into(),
        };
        let bytes = png(&slip).expect("png");
        assert_eq!(&bytes[1..4], b"PNG");
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().expect("header");
        let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
        reader.next_frame(&mut pixels).expect("frame");
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
        let inked = pixels.iter().filter(|&&p| p < 100).count();
        assert!(inked > 2_000, "text is drawn: {inked} dark pixels");
        assert!(bytes.len() < 24_000, "{} bytes", bytes.len());
    }
}
