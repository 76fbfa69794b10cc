//! Forms with a file (`multipart/form-data`): their text fields, cleaned like every other form
//! (`clean.rs`) and readable by the same serde form structs, and one file, refused with 413 as
//! soon as it passes its limit, so an oversized upload is never held in memory whole.

use std::path::{Path, PathBuf};

use actix_multipart::Multipart;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::clean::clean_text;
use crate::error::AppError;

/// Text fields are short; more than this in one of them is not a form of ours.
const FIELD_LIMIT: usize = 64 * 1024;
/// No form of ours has more fields than this, or more text in them all together: a body of many
/// small fields is refused (413) before it grows the server's memory.
const MAX_FIELDS: usize = 64;
const TEXT_LIMIT: usize = 256 * 1024;

pub struct Upload {
    fields: Vec<(String, String)>,
    /// The file's bytes and the name the browser gave; `None` when no file was chosen.
    pub file: Option<(Vec<u8>, String)>,
}

impl Upload {
    /// Reads every field: `file_field` as the file (at most `max_file` bytes), the rest as text.
    pub async fn read(
        mut payload: Multipart,
        file_field: &str,
        max_file: usize,
    ) -> Result<Self, AppError> {
        let bad = |e: actix_multipart::MultipartError| {
            AppError::BadRequest(format!("The form could not be read ({e}). Try again."))
        };
        let mut fields = Vec::new();
        let mut file = None;
        let (mut parts, mut text_bytes) = (0, 0);
        while let Some(field) = payload.next().await {
            parts += 1;
            if parts > MAX_FIELDS {
                return Err(AppError::PayloadTooLarge);
            }
            let mut field = field.map_err(bad)?;
            let name = field.name().unwrap_or_default().to_string();
            let is_file = name == file_field;
            let limit = if is_file {
                max_file
            } else {
                FIELD_LIMIT.min(TEXT_LIMIT.saturating_sub(text_bytes))
            };
            let filename = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(clean_text)
                .unwrap_or_default();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(bad)?;
                if bytes.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            if is_file {
                if file.is_some() {
                    return Err(AppError::BadRequest("The form holds one file.".into()));
                }
                if !bytes.is_empty() {
                    file = Some((bytes, filename));
                }
            } else {
                text_bytes += bytes.len() + name.len();
                let text = String::from_utf8_lossy(&bytes);
                fields.push((clean_text(&name), clean_text(&text)));
            }
        }
        Ok(Self { fields, file })
    }

    /// The text fields as a form struct, as `web::Form` would give it.
    pub fn form<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        let encoded = serde_urlencoded::to_string(&self.fields)
            .map_err(|e| AppError::BadRequest(format!("The form could not be read ({e}).")))?;
        serde_urlencoded::from_str(&encoded)
            .map_err(|e| AppError::BadRequest(format!("The form could not be read ({e}).")))
    }
}

/// What a stored file is, decided by its bytes: one of `accepted` (MIME type, extension).
pub fn sniff(
    bytes: &[u8],
    accepted: &'static [(&'static str, &'static str)],
) -> Option<(&'static str, &'static str)> {
    let kind = infer::get(bytes)?;
    accepted
        .iter()
        .find(|(mime, _)| *mime == kind.mime_type())
        .copied()
}

/// A file written for a request whose rows are not committed yet. Dropped, it is removed again:
/// a request that is refused or fails at any step (another's deal, a rule, the database) keeps
/// nothing on disk. `keep` it once the row that names it is committed.
#[derive(Debug)]
pub struct StoredFile {
    dir: PathBuf,
    pub name: String,
    pub mime: &'static str,
    kept: bool,
}

impl StoredFile {
    /// The row naming the file is committed: it stays.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for StoredFile {
    fn drop(&mut self) {
        if !self.kept {
            discard(&self.dir, &self.name);
        }
    }
}

/// Writes `bytes` into `dir` under a random name of ours with the extension of its sniffed type
/// (one of `accepted`); `None` when the bytes are none of them.
pub fn store(
    dir: &Path,
    bytes: &[u8],
    accepted: &'static [(&'static str, &'static str)],
) -> Result<Option<StoredFile>, AppError> {
    let Some((mime, ext)) = sniff(bytes, accepted) else {
        return Ok(None);
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| AppError::internal(format!("create {}: {e}", dir.display())))?;
    let name = format!("{}.{ext}", uuid::Uuid::new_v4().simple());
    let path = dir.join(&name);
    std::fs::write(&path, bytes)
        .map_err(|e| AppError::internal(format!("write {}: {e}", path.display())))?;
    Ok(Some(StoredFile {
        dir: dir.to_path_buf(),
        name,
        mime,
        kept: false,
    }))
}

/// Names are ours (a random hex name and an extension); anything else is never opened.
pub fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// Removes a stored file no longer referenced; a failure only wastes space.
pub fn discard(dir: &Path, name: &str) {
    if safe_name(name) {
        let _ = std::fs::remove_file(dir.join(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_are_served() {
        assert!(safe_name("0f3a9c.png"));
        assert!(!safe_name("../secret"));
        assert!(!safe_name(".env"));
        assert!(!safe_name("a/b.png"));
    }
}
