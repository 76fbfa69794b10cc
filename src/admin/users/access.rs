//! Password resets and ending a user's sessions.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::{TEMPORARY_PASSWORD, manageable};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::auth::{passwords, sessions};
use crate::db::{self, PublicId, now, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::users;
use crate::web::ConfirmPage;
use crate::web::count;
use crate::web::{Ctx, Flash, render, see_other};

pub(super) async fn confirm_reset(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let perms = ctx.perms;
    let (user, _) = db::run(&state.pool, move |c| manageable(c, scope, perms, id)).await?;
    render(&ConfirmPage {
        title: format!(
            "Reset the password of {} {}?",
            user.first_name, user.last_name
        ),
        message: "A new temporary password replaces the current one and is shown to you once. \
                  Every session of this user ends, and they must choose a new password when \
                  they next sign in. A lock-out after failed sign-ins is lifted."
            .into(),
        action: format!("/admin/users/{id}/reset-password"),
        button: "Reset password",
        cancel: format!("/admin/users/{id}"),
        danger: true,
        ctx,
    })
}

pub(super) async fn reset_password(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let (perms, me, actor) = (ctx.perms, ctx.user.id, ctx.actor());
    let temporary = db::run(&state.pool, move |conn| {
        let (user, _) = manageable(conn, scope, perms, id)?;
        if user.id == me {
            return Err(AppError::BadRequest(
                "Change your own password under Account → Password.".into(),
            ));
        }
        let temporary = passwords::temporary();
        let hash = passwords::hash(&temporary).map_err(AppError::internal)?;
        write_tx(conn, |conn| {
            let t = now();
            diesel::update(
                users::table
                    .find(user.id)
                    .filter(users::organization_id.eq(scope.id())),
            )
            .set((
                users::password_hash.eq(&hash),
                users::must_change_password.eq(true),
                users::failed_login_count.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
                users::password_changed_at.eq(t),
                users::updated_at.eq(t),
            ))
            .execute(conn)?;
            crate::auth::users::clear_failed_attempts(conn, &user.email, None)?;
            let ended = sessions::revoke_all_except(conn, user.id, None, "password_reset")?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::PASSWORD_RESET, "user")
                    .entity(user.public_id)
                    .new_values(json!({ "must_change_password": true, "sessions_ended": ended })),
            )?;
            Ok::<_, AppError>(temporary.clone())
        })
    })
    .await?;
    let _ = ctx
        .session
        .insert(TEMPORARY_PASSWORD, (id.to_string(), temporary));
    Flash::success(&ctx.session, "The password is reset.");
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub(super) async fn revoke_session(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(PublicId, PublicId)>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let (id, sid) = path.into_inner();
    let (perms, actor) = (ctx.perms, ctx.actor());
    db::run(&state.pool, move |conn| {
        let (user, _) = manageable(conn, scope, perms, id)?;
        write_tx(conn, |conn| {
            if !sessions::revoke_one(conn, user.id, sid, "revoked_by_admin")? {
                return Err(AppError::NotFound);
            }
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::SESSION_REVOKED, "session")
                    .entity(sid)
                    .new_values(json!({ "user": user.email })),
            )?;
            Ok(())
        })
    })
    .await?;
    Flash::success(&ctx.session, "That session is signed out.");
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub(super) async fn revoke_all_sessions(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let (perms, actor, my_session) = (ctx.perms, ctx.actor(), ctx.user.session_id);
    let ended = db::run(&state.pool, move |conn| {
        let (user, _) = manageable(conn, scope, perms, id)?;
        write_tx(conn, |conn| {
            // An admin ending their own sessions here keeps the one they are using.
            let ended =
                sessions::revoke_all_except(conn, user.id, Some(my_session), "revoked_by_admin")?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::LOGOUT_ALL, "user")
                    .entity(user.public_id)
                    .new_values(json!({ "sessions_ended": ended })),
            )?;
            Ok::<_, AppError>(ended)
        })
    })
    .await?;
    Flash::success(
        &ctx.session,
        format!("{} signed out.", count(ended as i64, "session", "sessions")),
    );
    Ok(see_other(&format!("/admin/users/{id}")))
}
