//! GET/POST /account/password: change one's password (also the forced change after sign-in
//! with a temporary password). Other sessions end, since whoever knew the old password may hold
//! one of them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::auth::{passwords, sessions, users};
use crate::db::{self, write_tx};
use crate::error::AppError;
use crate::web::{Ctx, Flash, render, render_status, see_other};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

#[derive(Default)]
struct PasswordErrors {
    current_password: Option<&'static str>,
    new_password: Option<&'static str>,
    confirm_password: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    ctx: Ctx,
    errors: PasswordErrors,
}

pub async fn form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    render(&PasswordPage {
        ctx,
        errors: PasswordErrors::default(),
    })
}

pub async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = PasswordErrors::default();
    if form.current_password.is_empty() {
        errors.current_password = Some("Enter your current password.");
    }
    if let Err(msg) = passwords::check_policy(&form.new_password, &ctx.user.email) {
        errors.new_password = Some(msg);
    } else if form.new_password == form.current_password {
        errors.new_password = Some("Choose a password different from the current one.");
    }
    if form.confirm_password != form.new_password {
        errors.confirm_password = Some("The two new passwords differ.");
    }
    if errors.current_password.is_some()
        || errors.new_password.is_some()
        || errors.confirm_password.is_some()
    {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage { ctx, errors },
        );
    }

    let (me, actor) = (ctx.user.clone(), ctx.actor());
    let changed = db::run(&state.pool, move |conn| {
        let user = users::find_by_id(conn, me.id)?;
        if !passwords::verify(&form.current_password, &user.password_hash) {
            return Ok(false);
        }
        let hash = passwords::hash(&form.new_password).map_err(AppError::internal)?;
        write_tx(conn, |conn| {
            users::set_password(conn, me.id, &hash, false)?;
            let ended = sessions::revoke_all_except(conn, me.id, Some(me.session_id), "password_change")?;
            audit::record(
                conn,
                &actor,
                Event::new(me.organization_id, actions::PASSWORD_CHANGE, "user")
                    .entity(me.public_id)
                    .new_values(json!({ "other_sessions_ended": ended, "was_temporary": user.must_change_password })),
            )?;
            Ok::<_, AppError>(true)
        })
    })
    .await?;
    if !changed {
        let errors = PasswordErrors {
            current_password: Some("This is not your current password."),
            ..Default::default()
        };
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage { ctx, errors },
        );
    }
    Flash::success(
        &ctx.session,
        "Your password is changed. Your other sessions were signed out.",
    );
    Ok(see_other(ctx.home()))
}
