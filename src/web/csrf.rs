//! CSRF protection for every state-changing request: the session holds a random token, every
//! form sends it back (the `csrf` macro of forms.html emits the field), and this middleware
//! refuses a POST/PUT/PATCH/DELETE whose token is missing or different. The token never travels
//! in a URL (logs, history, referrers): a form sends it in its body, a script in `X-CSRF-Token`.
//! A multipart form (an upload) carries it as its first field, which is read and checked here
//! before any byte of a file reaches a handler; the rest of the upload then streams on.

use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::HttpMessage as _;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::mime;
use actix_web::web;
use actix_web::web::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use crate::error::AppError;

pub const SESSION_KEY: &str = "csrf";
pub const FIELD: &str = "csrf_token";

/// The session's token as a page carries it, created on first use. Masked afresh on every
/// page (a random pad, then the token XOR the pad), so that a compressed page never repeats the
/// same secret bytes for a BREACH-style guess to measure; `unmask` recovers the token.
pub fn token(session: &Session) -> String {
    let t = match session.get::<String>(SESSION_KEY) {
        Ok(Some(t)) => t,
        _ => {
            let t = hex::encode(rand::random::<[u8; 32]>());
            let _ = session.insert(SESSION_KEY, &t);
            t
        }
    };
    mask(&t)
}

fn mask(token: &str) -> String {
    let pad = rand::random::<[u8; 32]>();
    let masked: Vec<u8> = token
        .as_bytes()
        .iter()
        .zip(pad.iter().cycle())
        .map(|(t, p)| t ^ p)
        .collect();
    format!("{}{}", hex::encode(pad), hex::encode(masked))
}

/// The session's token from a masked one (`None` when it is not one).
fn unmask(sent: &str) -> Option<String> {
    let bytes = hex::decode(sent).ok()?;
    if bytes.len() <= 32 {
        return None;
    }
    let (pad, masked) = bytes.split_at(32);
    let token: Vec<u8> = masked
        .iter()
        .zip(pad.iter().cycle())
        .map(|(m, p)| m ^ p)
        .collect();
    String::from_utf8(token).ok()
}

/// A fresh token, after sign-in, so that a token seen before sign-in is worthless after it.
pub fn rotate(session: &Session) {
    let t = hex::encode(rand::random::<[u8; 32]>());
    let _ = session.insert(SESSION_KEY, &t);
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn field_from_urlencoded(bytes: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

/// At most this much of an upload is read to find its first field, the token.
const FIRST_FIELD_LIMIT: usize = 8 * 1024;

/// The value of a multipart body's first field when it is the token; the bytes read to find it
/// are put back in front of the rest of the body, so the handler reads the whole upload.
async fn first_multipart_field(req: &mut ServiceRequest) -> Option<String> {
    let boundary = req
        .mime_type()
        .ok()
        .flatten()
        .and_then(|m| m.get_param(mime::BOUNDARY).map(|b| b.to_string()))?;
    let mut payload = req.take_payload();
    let mut read = BytesMut::new();
    let delimiter = format!("\r\n--{boundary}");
    let mut value = None;
    while read.len() < FIRST_FIELD_LIMIT {
        match payload.next().await {
            Some(Ok(chunk)) => read.extend_from_slice(&chunk),
            Some(Err(_)) | None => break,
        }
        if let Some(v) = token_field(&read, &boundary, &delimiter) {
            value = Some(v);
            break;
        }
    }
    let head = futures_util::stream::once(std::future::ready(Ok(read.freeze())));
    let stream: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> =
        Box::pin(head.chain(payload));
    req.set_payload(Payload::from(stream));
    value
}

/// `--boundary\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nVALUE\r\n--boundary`
fn token_field(read: &[u8], boundary: &str, delimiter: &str) -> Option<String> {
    let text = std::str::from_utf8(read).ok().or_else(|| {
        // A file's bytes may follow; the first field itself is ASCII.
        let end = read
            .windows(delimiter.len())
            .position(|w| w == delimiter.as_bytes())?;
        std::str::from_utf8(&read[..end + delimiter.len()]).ok()
    })?;
    let rest = text.strip_prefix(&format!("--{boundary}\r\n"))?;
    let (headers, rest) = rest.split_once("\r\n\r\n")?;
    let named = headers.lines().any(|h| {
        h.to_ascii_lowercase().starts_with("content-disposition:")
            && h.contains(&format!("name=\"{FIELD}\""))
    });
    let (value, _) = rest.split_once(delimiter)?;
    named.then(|| value.to_string())
}

pub async fn guard<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || req.path().starts_with("/webhooks/") {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let expected = req.get_session().get::<String>(SESSION_KEY).ok().flatten();

    let mut provided = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if provided.is_none() && content_type.starts_with("multipart/form-data") {
        provided = first_multipart_field(&mut req).await;
    } else if provided.is_none() && content_type.starts_with("application/x-www-form-urlencoded") {
        // Refusals are answered here as responses (not errors), so that the outer middleware
        // still adds its security headers.
        let body = match req.extract::<web::Bytes>().await {
            Ok(body) => body,
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        };
        provided = field_from_urlencoded(&body);
        req.set_payload(Payload::from(body));
    }
    match (expected, provided) {
        (Some(e), Some(p))
            if unmask(&p).is_some_and(|p| constant_time_eq(e.as_bytes(), p.as_bytes())) =>
        {
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        _ => Ok(req.error_response(AppError::Csrf).map_into_right_body()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_token_differs_every_time_and_unmasks_to_the_token() {
        let token = hex::encode([7u8; 32]);
        let (a, b) = (mask(&token), mask(&token));
        assert_ne!(a, b);
        assert!(!a.contains(&token));
        assert_eq!(unmask(&a).as_deref(), Some(token.as_str()));
        assert_eq!(unmask(&b).as_deref(), Some(token.as_str()));
        // The bare token (as an old page carried it) or garbage is no masked token.
        assert_ne!(unmask(&token).as_deref(), Some(token.as_str()));
        assert_eq!(unmask("not hex"), None);
        assert_eq!(unmask(""), None);
    }
}
