//! Everyone's own account: profile, password, active sessions, notification choices.

mod notifications;
mod password;
mod profile;
pub mod sessions;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/account")
            .route(web::get().to(profile::show))
            .route(web::post().to(profile::update)),
    )
    .service(
        web::resource("/account/password")
            .route(web::get().to(password::form))
            .route(web::post().to(password::submit)),
    )
    .service(
        web::resource("/account/notifications")
            .route(web::get().to(notifications::show))
            .route(web::post().to(notifications::save)),
    )
    .route("/account/sessions", web::get().to(sessions::list))
    .route(
        "/account/sessions/revoke-others",
        web::post().to(sessions::revoke_others),
    )
    .route(
        "/account/sessions/{public_id}/revoke",
        web::post().to(sessions::revoke),
    );
}
