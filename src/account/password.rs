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
use crate::auth::users::{self, Gate};
use crate::auth::{passwords, sessions};
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
    let ip = ctx.ip.clone();
    let outcome = db::run(&state.pool, move |conn| {
        // The sign-in limits hold here too: a stolen session must not become a way to guess.
        if users::gate(conn, &ip, &me.email)? != Gate::Open {
            return Ok(Outcome::Refused);
        }
        let user = users::find_by_id(conn, me.id)?;
        if !passwords::verify(&form.current_password, &user.password_hash) {
            return write_tx(conn, |conn| {
                let gate = users::record_failed_attempt(conn, &ip, &me.email)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(me.organization_id, actions::PASSWORD_CHANGE_FAILED, "user")
                        .entity(me.public_id),
                )?;
                if gate == Gate::Open {
                    return Ok(Outcome::Wrong);
                }
                users::mark_locked(conn, me.id)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(me.organization_id, actions::ACCOUNT_LOCK, "user")
                        .entity(me.public_id)
                        .new_values(json!({ "locked_minutes": users::LOCK_DURATION.num_minutes() })),
                )?;
                Ok::<_, AppError>(Outcome::Refused)
            });
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
            Ok::<_, AppError>(Outcome::Changed)
        })
    })
    .await?;
    let (status, message) = match outcome {
        Outcome::Changed => {
            Flash::success(
                &ctx.session,
                "Your password is changed. Your other sessions were signed out.",
            );
            return Ok(see_other(ctx.home()));
        }
        Outcome::Wrong => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "This is not your current password.",
        ),
        Outcome::Refused => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many wrong passwords: wait 30 minutes and try again, or ask an administrator \
             to reset your password.",
        ),
    };
    let errors = PasswordErrors {
        current_password: Some(message),
        ..Default::default()
    };
    render_status(status, &PasswordPage { ctx, errors })
}

enum Outcome {
    Changed,
    Wrong,
    /// Too many wrong passwords for this account, or too many failures from this address.
    Refused,
}
