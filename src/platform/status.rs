//! Deactivating an organization (its users' sessions end, sign-in is refused) and reactivating it.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use serde_json::json;

use super::find;
use super::queries::OrgRecord;
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::schema::{organizations, sessions, users};
use crate::web::ConfirmPage;
use crate::web::count;
use crate::web::{Ctx, Flash, render, see_other};

pub(super) async fn confirm_deactivate(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require_platform_admin()?;
    let raw = path.into_inner();
    let org = db::run(&state.pool, move |c| find(c, raw)).await?;
    render(&ConfirmPage {
        title: format!("Deactivate {}?", org.name),
        message: "Every user of this organization is signed out at their next request and \
                  cannot sign in until you reactivate it. Its data is kept."
            .into(),
        action: format!("/platform/organizations/{}/deactivate", org.public_id),
        button: "Deactivate organization",
        cancel: format!("/platform/organizations/{}", org.public_id),
        danger: true,
        ctx,
    })
}

pub(super) fn set_active(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    org: &OrgRecord,
    active: bool,
) -> Result<usize, AppError> {
    write_tx(conn, |conn| {
        diesel::update(organizations::table.find(org.id))
            .set((
                organizations::is_active.eq(active),
                organizations::updated_at.eq(now()),
            ))
            .execute(conn)?;
        // Sessions of an inactive organization are refused anyway; revoking them also makes
        // the users' session lists say why.
        let ended = if active {
            0
        } else {
            let user_ids = users::table
                .filter(users::organization_id.eq(org.id))
                .select(users::id);
            diesel::update(
                sessions::table
                    .filter(sessions::user_id.eq_any(user_ids))
                    .filter(sessions::revoked_at.is_null()),
            )
            .set((
                sessions::revoked_at.eq(now()),
                sessions::revoked_reason.eq("organization_deactivated"),
            ))
            .execute(conn)?
        };
        audit::record(
            conn,
            actor,
            Event::new(Some(org.id), actions::UPDATE, "organization")
                .entity(org.public_id)
                .old(json!({ "is_active": org.is_active }))
                .new_values(json!({ "is_active": active, "sessions_ended": ended })),
        )?;
        Ok(ended)
    })
}

pub(super) async fn deactivate(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require_platform_admin()?;
    let raw = path.into_inner();
    let actor = ctx.actor();
    let (org, ended) = db::run(&state.pool, move |conn| {
        let org = find(conn, raw)?;
        let ended = set_active(conn, &actor, &org, false)?;
        Ok((org, ended))
    })
    .await?;
    Flash::success(
        &ctx.session,
        format!(
            "{} is deactivated; {} ended.",
            org.name,
            count(ended as i64, "session", "sessions")
        ),
    );
    Ok(see_other(&format!(
        "/platform/organizations/{}",
        org.public_id
    )))
}

pub(super) async fn reactivate(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require_platform_admin()?;
    let raw = path.into_inner();
    let actor = ctx.actor();
    let org = db::run(&state.pool, move |conn| {
        let org = find(conn, raw)?;
        set_active(conn, &actor, &org, true)?;
        Ok(org)
    })
    .await?;
    Flash::success(&ctx.session, format!("{} is active again.", org.name));
    Ok(see_other(&format!(
        "/platform/organizations/{}",
        org.public_id
    )))
}
