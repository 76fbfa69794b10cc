//! Liveness and readiness for load balancers and orchestrators.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use crate::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

/// 200 while the process serves requests.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// 200 when the database answers and every migration is applied, else 503 with the reason.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let result = web::block(move || -> Result<(), String> {
        let mut conn = pool
            .get_timeout(Duration::from_secs(2))
            .map_err(|e| format!("database unreachable: {e}"))?;
        conn.batch_execute("SELECT 1")
            .map_err(|e| format!("database error: {e}"))?;
        if crate::db::is_migrated(&mut conn) {
            Ok(())
        } else {
            Err("migrations pending".into())
        }
    })
    .await;
    match result {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Ok(Err(reason)) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body(reason),
        Err(e) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body(e.to_string()),
    }
}
