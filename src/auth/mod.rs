//! Signing in and out: the login form, lock-out and throttling, server-side sessions.

pub mod login;
pub mod passwords;
pub mod sessions;
pub mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/login")
            .route(web::get().to(login::form))
            .route(web::post().to(login::submit)),
    )
    .route("/logout", web::post().to(login::logout));
}
