//! GET/POST /account/password: change one's password (also the forced change after sign-in
//! with a temporary password). Other sessions end, since whoever knew the old password may hold
//! one of them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::auth::sessions::SessionUser;
use crate::auth::users::{self, Gate};
use crate::auth::{passwords, sessions};
use crate::db::{self, AnyConnection, write_tx};
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

impl PasswordForm {
    /// What is wrong with the form before the current password is tried.
    fn check(&self, email: &str) -> PasswordErrors {
        let mut errors = PasswordErrors::default();
        if self.current_password.is_empty() {
            errors.current_password = Some("Enter your current password.");
        }
        if let Err(msg) = passwords::check_policy(&self.new_password, email) {
            errors.new_password = Some(msg);
        } else if self.new_password == self.current_password {
            errors.new_password = Some("Choose a password different from the current one.");
        }
        if self.confirm_password != self.new_password {
            errors.confirm_password = Some("The two new passwords differ.");
        }
        errors
    }
}

impl PasswordErrors {
    fn any(&self) -> bool {
        self.current_password.is_some()
            || self.new_password.is_some()
            || self.confirm_password.is_some()
    }
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
    let errors = form.check(&ctx.user.email);
    if errors.any() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage { ctx, errors },
        );
    }
    let (me, actor) = (ctx.user.clone(), ctx.actor());
    let ip = ctx.ip.clone();
    let outcome = db::run(&state.pool, move |conn| {
        change(conn, &me, &actor, &ip, &form)
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

/// Changes the password if the current one is right; a wrong one counts against the sign-in
/// limits (a stolen session must not become a way to guess) and may lock the account.
fn change(
    conn: &mut AnyConnection,
    me: &SessionUser,
    actor: &Actor,
    ip: &str,
    form: &PasswordForm,
) -> Result<Outcome, AppError> {
    if users::gate(conn, ip, &me.email)? != Gate::Open {
        return Ok(Outcome::Refused);
    }
    let user = users::find_by_id(conn, me.id)?;
    if !passwords::verify(&form.current_password, &user.password_hash) {
        return write_tx(conn, |conn| wrong_password(conn, me, actor, ip));
    }
    let hash = passwords::hash(&form.new_password).map_err(AppError::internal)?;
    write_tx(conn, |conn| {
        users::set_password(conn, me.id, &hash, false)?;
        let ended =
            sessions::revoke_all_except(conn, me.id, Some(me.session_id), "password_change")?;
        let values = json!({
            "other_sessions_ended": ended,
            "was_temporary": user.must_change_password,
        });
        audit::record(
            conn,
            actor,
            Event::new(me.organization_id, actions::PASSWORD_CHANGE, "user")
                .entity(me.public_id)
                .new_values(values),
        )?;
        Ok(Outcome::Changed)
    })
}

/// A wrong current password: recorded as a failed attempt, and the account locked once the
/// attempts run out.
fn wrong_password(
    conn: &mut AnyConnection,
    me: &SessionUser,
    actor: &Actor,
    ip: &str,
) -> Result<Outcome, AppError> {
    let gate = users::record_failed_attempt(conn, ip, &me.email)?;
    audit::record(
        conn,
        actor,
        Event::new(me.organization_id, actions::PASSWORD_CHANGE_FAILED, "user")
            .entity(me.public_id),
    )?;
    if gate == Gate::Open {
        return Ok(Outcome::Wrong);
    }
    users::mark_locked(conn, me.id)?;
    let values = json!({ "locked_minutes": users::LOCK_DURATION.num_minutes() });
    audit::record(
        conn,
        actor,
        Event::new(me.organization_id, actions::ACCOUNT_LOCK, "user")
            .entity(me.public_id)
            .new_values(values),
    )?;
    Ok(Outcome::Refused)
}
