//! Receipts: a photo or PDF of the payment, at most 5 MB, its type decided by its bytes (a
//! renamed HTML page is refused whatever its name says), stored outside the web root under
//! `UPLOAD_DIR/receipts/` with a name of ours, and sent only to users who see the payment, as
//! a download-safe response (`nosniff`, `Content-Disposition`, a sandboxing CSP).

use std::path::{Path, PathBuf};

use actix_web::HttpResponse;

use serde_json::json;

use super::queries::PaymentRecord;
use super::store::Receipt;
use crate::audit::{self, Actor, Event, actions};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::web::upload::{self, StoredFile, safe_name};

pub const MAX_BYTES: usize = 5 * 1024 * 1024;

pub const ACCEPTED: [(&str, &str); 4] = [
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
    ("application/pdf", "pdf"),
];

pub const REFUSED: &str =
    "Attach a JPEG, PNG or WebP photo or a PDF (the file's content is checked, not its name).";

pub fn dir(upload_dir: &Path) -> PathBuf {
    upload_dir.join("receipts")
}

/// A receipt written for a request, removed again unless the request keeps it (`StoredFile`).
#[derive(Debug)]
pub struct Held(StoredFile);

impl Held {
    /// What the payment row records of it.
    pub fn receipt(&self) -> Receipt {
        Receipt {
            path: self.0.name.clone(),
            content_type: self.0.mime.to_string(),
        }
    }

    /// The payment naming it is committed.
    pub fn keep(self) {
        self.0.keep();
    }
}

/// Writes the bytes when they are an accepted type; `None` when they are not.
pub fn store(upload_dir: &Path, bytes: &[u8]) -> Result<Option<Held>, AppError> {
    Ok(upload::store(&dir(upload_dir), bytes, &ACCEPTED)?.map(Held))
}

/// Removes a stored receipt no longer referenced.
pub fn discard(upload_dir: &Path, name: &str) {
    upload::discard(&dir(upload_dir), name);
}

/// Notes in the audit log that `actor` opened the payment's receipt (a sensitive read); not found
/// when the payment has none.
pub fn audit_view(
    conn: &mut AnyConnection,
    actor: &Actor,
    payment: &PaymentRecord,
) -> Result<(), AppError> {
    if payment.receipt_path.is_none() {
        return Err(AppError::NotFound);
    }
    audit::record(
        conn,
        actor,
        Event::new(Some(payment.organization_id), actions::VIEW, "receipt")
            .entity(payment.public_id)
            .new_values(json!({ "transaction_number": payment.transaction_number })),
    )?;
    Ok(())
}

/// The payment's receipt as a response.
pub fn of_payment(upload_dir: &Path, payment: &PaymentRecord) -> Result<HttpResponse, AppError> {
    let (Some(name), Some(kind)) = (&payment.receipt_path, &payment.receipt_content_type) else {
        return Err(AppError::NotFound);
    };
    response(upload_dir, name, kind, &payment.transaction_number)
}

/// The stored file as a response named after the payment ("TXN000042.pdf").
fn response(
    upload_dir: &Path,
    name: &str,
    content_type: &str,
    number: &str,
) -> Result<HttpResponse, AppError> {
    if !safe_name(name) {
        return Err(AppError::NotFound);
    }
    let bytes = std::fs::read(dir(upload_dir).join(name)).map_err(|_| AppError::NotFound)?;
    let ext = ACCEPTED
        .iter()
        .find(|(m, _)| *m == content_type)
        .map_or("bin", |(_, e)| e);
    let content_type = ACCEPTED
        .iter()
        .find(|(m, _)| *m == content_type)
        .map_or("application/octet-stream", |(m, _)| m);
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"receipt-{number}.{ext}\""),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", crate::web::headers::FILE_POLICY))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}
