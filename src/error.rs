//! The one error type of request handlers.
//!
//! Policy: a user always gets a styled page that says what happened and what to do next, never a
//! bare status or a stack trace. Unknown ids and other organizations' records are `NotFound`
//! (404, so that ids leak nothing); a missing permission is `Forbidden` (403); malformed input is
//! `BadRequest` (400). Validation errors on a form are not errors here: the handler re-renders
//! the form with 422. Internal causes are logged with enough context to act on and shown to the
//! user only as "something went wrong".

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("the form expired or did not come from this site")]
    Csrf,
    #[error("sign-in required")]
    LoginRequired { next: String },
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Someone else changed the same records at the same moment, again and again: the retries of
    /// `db::write_tx` ran out (409, try again).
    #[error("contended: {0}")]
    Contended(String),
    /// The record moved on while the user acted (another person decided or changed it first):
    /// 409 with what happened.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// An error that may say "another transaction got in the way; run it again".
pub trait Contention {
    fn is_contention(&self) -> bool;
}

impl Contention for diesel::result::Error {
    fn is_contention(&self) -> bool {
        match self {
            Self::DatabaseError(diesel::result::DatabaseErrorKind::SerializationFailure, _) => true,
            // PostgreSQL's 40P01 has no kind of its own in diesel; its message is fixed.
            Self::DatabaseError(_, info) => info.message().contains("deadlock detected"),
            _ => false,
        }
    }
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn pool(cause: impl std::fmt::Display) -> Self {
        Self::Unavailable(format!("no database connection: {cause}"))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Self::NotFound,
            other if other.is_contention() => Self::Contended(other.to_string()),
            other => Self::Internal(format!("database: {other}")),
        }
    }
}

impl Contention for AppError {
    fn is_contention(&self) -> bool {
        matches!(self, Self::Contended(_))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage<'a> {
    pub status: u16,
    pub title: &'a str,
    pub message: &'a str,
    pub next_step: &'a str,
}

impl ErrorPage<'_> {
    pub fn for_status(status: StatusCode) -> ErrorPage<'static> {
        let (title, message, next_step) = match status.as_u16() {
            400 => (
                "Bad request",
                "The request could not be understood.",
                "Go back, check what you entered and try again.",
            ),
            403 => (
                "Not allowed",
                "Your role does not allow this page or action.",
                "Ask an administrator of your organization if you need access.",
            ),
            404 => (
                "Page not found",
                "There is nothing at this address, or it is not visible to you.",
                "Check the address, or go back to your dashboard.",
            ),
            405 => (
                "Method not allowed",
                "This address does not accept that kind of request.",
                "Use the links and forms of the site.",
            ),
            409 => (
                "Changed meanwhile",
                "Someone else changed the same records at the same moment.",
                "Go back, reload the page to see them as they now stand, and try again.",
            ),
            413 => (
                "Too large",
                "What you sent is larger than this site accepts.",
                "Send a smaller file or shorter text.",
            ),
            415 => (
                "Unsupported form",
                "The request was not sent as a form this site understands.",
                "Use the forms of the site.",
            ),
            422 => (
                "Check the form",
                "Some of what you entered is not valid.",
                "Go back and correct the marked fields.",
            ),
            429 => (
                "Too many attempts",
                "Too many requests came from your address in a short time.",
                "Wait a few minutes, then try again.",
            ),
            503 => (
                "Temporarily unavailable",
                "The service cannot reach its database right now.",
                "Try again in a minute; if it persists, tell your administrator.",
            ),
            _ => (
                "Something went wrong",
                "The server could not complete your request. Nothing you did caused this.",
                "Try again; if it happens again, tell your administrator.",
            ),
        };
        ErrorPage {
            status: status.as_u16(),
            title,
            message,
            next_step,
        }
    }

    pub fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // A failing error template must not become a second error: fall back to plain text.
        let body = self
            .render()
            .unwrap_or_else(|_| format!("{} {}: {}", self.status, self.title, self.message));
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::LoginRequired { .. } | Self::PasswordChangeRequired => StatusCode::SEE_OTHER,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Contended(_) | Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::LoginRequired { next } => {
                // Encoded here, not by `web`, which builds on this module.
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                let target = format!("/login?{query}");
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, target))
                    .finish();
            }
            Self::PasswordChangeRequired => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/account/password"))
                    .finish();
            }
            Self::Internal(cause) => log::error!("internal error: {cause}"),
            Self::Unavailable(cause) => log::warn!("unavailable: {cause}"),
            Self::Contended(cause) => log::warn!("gave up after retries: {cause}"),
            _ => {}
        }
        let mut page = ErrorPage::for_status(self.status_code());
        let detail;
        match self {
            Self::Csrf => {
                page.title = "Form expired";
                page.message = "This form expired or did not come from this site.";
                page.next_step = "Reload the page and submit the form again.";
            }
            Self::TooManyRequests(msg) | Self::BadRequest(msg) | Self::Conflict(msg) => {
                detail = msg.clone();
                page.message = &detail;
            }
            _ => {}
        }
        page.response()
    }
}
