//! The actix application: middleware, routes and error pages. Tests build the same app.

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::{PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::{Method, header};
use actix_web::middleware::{Compress, ErrorHandlerResponse, ErrorHandlers, Logger, Next, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, web};

use crate::AppState;
use crate::error::{AppError, ErrorPage};
use crate::web::{clean, csrf, headers};

pub const SESSION_COOKIE: &str = "dealdesk_session";
/// Forms are small; uploads (later) use multipart with their own limits.
const FORM_LIMIT: usize = 64 * 1024;

fn form_error(err: UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    match err {
        UrlencodedError::Overflow { .. } | UrlencodedError::UnknownLength => {
            AppError::PayloadTooLarge.into()
        }
        UrlencodedError::ContentType => AppError::BadRequest(
            "The request was not sent as a form. Use the forms of the site.".into(),
        )
        .into(),
        other => AppError::BadRequest(format!(
            "The form could not be read ({other}). Reload the page and try again."
        ))
        .into(),
    }
}

fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::NotFound.into()
}

fn query_error(_err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest("The address has parameters this page does not understand.".into()).into()
}

/// Error responses produced by actix itself (405, a refused body, …) come without our page:
/// give them the styled one. Responses that already are HTML pass through.
fn style_plain_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if is_html || res.status().is_redirection() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, _) = res.into_parts();
    let page = ErrorPage::for_status(status).response();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}

/// HEAD is GET without the body (monitors and link checkers send it): routes are declared for
/// GET, and the HTTP layer leaves the body out of a response to a HEAD request by itself.
async fn head_as_get<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let config = state.config.clone();
    let session = SessionMiddleware::builder(
        CookieSessionStore::default(),
        Key::derive_from(&config.session_key),
    )
    .cookie_name(SESSION_COOKIE.into())
    .cookie_content_security(CookieContentSecurity::Private)
    .cookie_http_only(true)
    .cookie_same_site(SameSite::Lax)
    .cookie_secure(config.cookie_secure)
    .session_lifecycle(BrowserSession::default())
    .build();
    App::new()
        .app_data(state)
        .app_data(
            web::FormConfig::default()
                .limit(FORM_LIMIT)
                .error_handler(form_error),
        )
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .configure(crate::health::configure)
        .configure(crate::login::configure)
        .configure(crate::account::configure)
        .configure(crate::dashboards::configure)
        .configure(crate::admin::configure)
        .configure(crate::platform::configure)
        .configure(crate::sales::configure)
        .configure(crate::partner::configure)
        .configure(crate::integrations::configure)
        .configure(crate::verifier::configure)
        .configure(crate::invoices::configure)
        .configure(crate::commissions::configure)
        .configure(crate::reports::configure)
        .configure(crate::notifications::configure)
        .configure(crate::web::assets::configure)
        .default_service(web::to(not_found))
        // Outermost last: logging sees everything; pages and styles travel compressed when the
        // browser accepts it (images and PDFs as they are); security headers go on every
        // response, error pages included; the CSRF check runs with the session already loaded.
        .wrap(from_fn(head_as_get))
        .wrap(from_fn(clean::inputs))
        .wrap(from_fn(csrf::guard))
        .wrap(session)
        .wrap(ErrorHandlers::new().default_handler(style_plain_errors))
        .wrap(headers::security_headers())
        .wrap(Compress::default())
        .wrap(Logger::new("%a \"%r\" %s %b %Dms"))
}
