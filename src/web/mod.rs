//! Shared request plumbing: the per-request context, CSRF, security headers, flash messages,
//! rendering and small helpers every area uses.

pub mod assets;
pub mod bulk;
pub mod clean;
pub mod context;
pub mod csrf;
pub mod dates;
pub mod export;
pub mod flash;
pub mod form;
pub mod headers;
pub mod listing;
pub mod pager;
pub mod time;
pub mod upload;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

pub use context::{Ctx, OrgScope};
pub use flash::Flash;
pub use form::FieldErrors;

use crate::audit::Actor;
use crate::error::AppError;

/// Renders a page with status 200.
pub fn render(page: &impl Template) -> Result<HttpResponse, AppError> {
    render_status(actix_web::http::StatusCode::OK, page)
}

/// Renders a page with the given status (422 for a form with errors, 401 for bad credentials).
pub fn render_status(
    status: actix_web::http::StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, AppError> {
    let body = page.render()?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// POST-redirect-GET.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

pub fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// The client address as the socket saw it. Behind a proxy, configure actix's
/// `realip_remote_addr` handling there; we do not trust forwarded headers by default.
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(500).collect())
}

/// The audit actor for an anonymous request (sign-in attempts).
pub fn anonymous_actor(req: &HttpRequest, email: Option<&str>) -> Actor {
    Actor {
        user_id: None,
        email: email.map(str::to_string),
        ip: Some(client_ip(req)),
        user_agent: user_agent(req),
    }
}

/// "1 session", "2 sessions": counts in messages read as sentences.
pub fn count(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", listing::grouped(n))
    }
}

/// A local redirect target from a `next` parameter; anything else falls back to `fallback`.
/// Only a path of this site passes: it starts with one `/`, and holds visible ASCII only (a URL
/// the site itself builds is percent-encoded). Browsers drop tabs and newlines from a
/// `Location` and read `\\` as `/`, so `/\t/evil.example` or `/\\evil.example` would leave
/// the site; control bytes would not even make a valid header.
pub fn safe_next<'a>(next: Option<&'a str>, fallback: &'a str) -> &'a str {
    match next {
        Some(n)
            if n.starts_with('/')
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
                && !n.starts_with("//") =>
        {
            n
        }
        _ => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/account"), "/"), "/account");
        assert_eq!(safe_next(Some("//evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("https://evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("/\\evil.example"), "/"), "/");
        assert_eq!(safe_next(None, "/home"), "/home");
        assert_eq!(
            safe_next(Some("/admin/users?q=a%20b&x=1"), "/"),
            "/admin/users?q=a%20b&x=1"
        );
        for bad in [
            "/\t/evil.example",
            "/\n",
            "/\r\nSet-Cookie: x",
            "/\0",
            "/\x0b",
            "/ space",
            "/é",
            "/a\\b",
        ] {
            assert_eq!(safe_next(Some(bad), "/home"), "/home", "{bad:?}");
        }
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1, "session", "sessions"), "1 session");
        assert_eq!(count(2, "session", "sessions"), "2 sessions");
        assert_eq!(count(0, "session", "sessions"), "0 sessions");
        assert_eq!(count(32_669, "payment", "payments"), "32,669 payments");
    }

    #[test]
    fn url_encoding_escapes_reserved_characters() {
        assert_eq!(url_encode("/a b?c=d&e"), "%2Fa+b%3Fc%3Dd%26e");
    }
}

/// A page asking to confirm a destructive action before its POST.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub ctx: Ctx,
    pub title: String,
    pub message: String,
    pub action: String,
    pub button: &'static str,
    pub cancel: String,
    pub danger: bool,
}
