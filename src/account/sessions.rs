//! GET /account/sessions and revoking them: one device, or every device but this one.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::auth::sessions::{self, ActiveSession};
use crate::db::{self, PublicId, write_tx};
use crate::error::AppError;
use crate::web::count;
use crate::web::time::When;
use crate::web::{Ctx, Flash, render, see_other};

pub struct SessionView {
    pub session: ActiveSession,
    pub device: String,
    pub current: bool,
    pub created: When,
    pub last_seen: When,
}

#[derive(Template)]
#[template(path = "account/sessions.html")]
struct SessionsPage {
    ctx: Ctx,
    sessions: Vec<SessionView>,
}

/// A short description of a user agent; the full string is on the row's title.
pub fn device(user_agent: Option<&str>) -> String {
    let ua = user_agent.unwrap_or_default();
    let browser = ["Edg", "Firefox", "Chrome", "Safari"]
        .into_iter()
        .find(|b| ua.contains(b))
        .map(|b| if b == "Edg" { "Edge" } else { b });
    let os = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, v)| v);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => o.to_string(),
        (None, None) if ua.is_empty() => "Unknown device".into(),
        (None, None) => ua.chars().take(40).collect(),
    }
}

pub async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.user.id;
    let rows = db::run(&state.pool, move |conn| {
        Ok(sessions::list_active(conn, user_id)?)
    })
    .await?;
    let sessions = rows
        .into_iter()
        .map(|s| SessionView {
            device: device(s.user_agent.as_deref()),
            current: s.id == ctx.user.session_id,
            created: ctx.local_time(Some(s.created_at)),
            last_seen: ctx.local_time(Some(s.last_seen_at)),
            session: s,
        })
        .collect();
    render(&SessionsPage { ctx, sessions })
}

pub async fn revoke(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let target = path.into_inner();
    let (user_id, org, actor) = (ctx.user.id, ctx.user.organization_id, ctx.actor());
    let revoked = db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            // Only the user's own sessions match; anyone else's id is simply not found.
            if !sessions::revoke_one(conn, user_id, target, "revoked_by_user")? {
                return Ok(false);
            }
            audit::record(
                conn,
                &actor,
                Event::new(org, actions::SESSION_REVOKED, "session").entity(target),
            )?;
            Ok::<_, AppError>(true)
        })
    })
    .await?;
    if !revoked {
        return Err(AppError::NotFound);
    }
    Flash::success(&ctx.session, "That session is signed out.");
    Ok(see_other("/account/sessions"))
}

pub async fn revoke_others(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (me, actor) = (ctx.user.clone(), ctx.actor());
    let ended = db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let ended = sessions::revoke_all_except(
                conn,
                me.id,
                Some(me.session_id),
                "sign_out_everywhere",
            )?;
            audit::record(
                conn,
                &actor,
                Event::new(me.organization_id, actions::LOGOUT_ALL, "user")
                    .entity(me.public_id)
                    .new_values(json!({ "sessions_ended": ended })),
            )?;
            Ok::<_, AppError>(ended)
        })
    })
    .await?;
    Flash::success(
        &ctx.session,
        format!(
            "Signed out of {}.",
            count(ended as i64, "other session", "other sessions")
        ),
    );
    Ok(see_other("/account/sessions"))
}
