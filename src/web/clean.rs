//! Every form and query parameter passes through here before a handler sees it: NUL and other
//! control characters are removed from names and values (tabs and line breaks stay, for
//! multi-line text). PostgreSQL refuses NUL in text and SQLite would store it; nobody types
//! them, so the same cleaned text reaches both databases and every handler, with nothing to
//! remember per form. Single-line fields further fold tabs and line breaks (`form::required`).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Uri, header};
use actix_web::middleware::Next;
use actix_web::web;

/// Control characters other than tab, line feed and carriage return.
fn unwanted(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

pub fn clean_text(s: &str) -> String {
    s.chars().filter(|c| !unwanted(*c)).collect()
}

/// The urlencoded pairs again, cleaned; `None` when nothing needed cleaning or the input cannot
/// be read as pairs (the extractor then answers it).
fn cleaned(encoded: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(encoded).ok()?;
    if !pairs
        .iter()
        .any(|(k, v)| k.chars().chain(v.chars()).any(unwanted))
    {
        return None;
    }
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(k, v)| (clean_text(&k), clean_text(&v)))
        .collect();
    serde_urlencoded::to_string(pairs).ok()
}

pub async fn inputs<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if let Some(query) = cleaned(req.query_string().as_bytes()) {
        let path = req.path().to_string();
        if let Ok(uri) = format!("{path}?{query}").parse::<Uri>() {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
        }
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        // Bodies over the form limit are refused by the extractor later; read what came.
        match req.extract::<web::Bytes>().await {
            Ok(body) => {
                let body = cleaned(&body).map_or(body, web::Bytes::from);
                req.set_payload(Payload::from(body));
            }
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_removed_but_line_breaks_kept() {
        assert_eq!(clean_text("a\0b\u{7}c\u{1b}[0m\u{85}"), "abc[0m");
        assert_eq!(clean_text("line one\r\nline\ttwo"), "line one\r\nline\ttwo");
        assert_eq!(
            cleaned(b"first_name=a%00b&q=x").as_deref(),
            Some("first_name=ab&q=x")
        );
        assert_eq!(cleaned(b"first_name=Ada&q=x%20y"), None);
        // Invalid UTF-8 reads as U+FFFD, as the extractors read it too.
        assert_eq!(cleaned(b"q=%FF%00").as_deref(), Some("q=%EF%BF%BD"));
    }
}
