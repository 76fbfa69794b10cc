//! Signing in and out: GET/POST /login (the form, lock-out and throttling) and POST /logout.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::auth::users::{self, AuthUser, Gate, LOCK_DURATION};
use crate::auth::{passwords, sessions};
use crate::db::{self, AnyConnection, write_tx};
use crate::error::AppError;
use crate::web::context::home_for;
use crate::web::{Ctx, anonymous_actor, csrf, render, render_status, safe_next, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/login")
            .route(web::get().to(form))
            .route(web::post().to(submit)),
    )
    .route("/logout", web::post().to(logout));
}

const INVALID: &str = "The e-mail or password is not correct.";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<&'static str>,
    email_error: Option<&'static str>,
    password_error: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

pub async fn form(
    session: Session,
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    // Someone already signed in goes straight to their dashboard.
    if let Some(token) = session.get::<String>(sessions::COOKIE_KEY).ok().flatten() {
        let loaded = db::run(&state.pool, move |c| Ok(sessions::load(c, &token)?)).await?;
        if let Some(l) = loaded {
            return Ok(see_other(home_for(&l.user, l.perms)));
        }
    }
    render(&LoginPage {
        csrf: csrf::token(&session),
        email: String::new(),
        next: query.next.clone().unwrap_or_default(),
        error: None,
        notice: query.signed_out.as_ref().map(|_| "You have signed out."),
        email_error: None,
        password_error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

/// A sign-in that went through: the session's token, where the user lands, and whether they
/// must change their password first.
struct SignedIn {
    token: String,
    home: &'static str,
    must_change: bool,
}

/// Why a sign-in was refused.
enum Refusal {
    Invalid,
    Locked,
    Inactive,
    Throttled,
}

type Outcome = Result<SignedIn, Refusal>;

pub async fn submit(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = users::normalize_email(&form.email);
    let mut page = LoginPage {
        csrf: csrf::token(&session),
        email: form.email.chars().take(254).collect(),
        next: form.next.clone(),
        error: None,
        notice: None,
        email_error: None,
        password_error: None,
    };
    if !page.check(&email, &form.password) {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let actor = anonymous_actor(&req, Some(&email));
    let previous = session.get::<String>(sessions::COOKIE_KEY).ok().flatten();
    let password = form.password;
    let outcome = db::run(&state.pool, move |conn| {
        sign_in(conn, &email, &password, previous.as_deref(), &actor)
    })
    .await?;
    let SignedIn {
        token,
        home,
        must_change,
    } = match outcome {
        Ok(signed_in) => signed_in,
        Err(refusal) => {
            let (status, error) = refusal.answer();
            page.error = Some(error);
            return render_status(status, &page);
        }
    };
    // A new cookie session and CSRF token at sign-in: nothing seen before carries over.
    session.renew();
    session
        .insert(sessions::COOKIE_KEY, token)
        .map_err(|e| AppError::internal(format!("session: {e}")))?;
    csrf::rotate(&session);
    let target = if must_change {
        "/account/password"
    } else {
        safe_next(Some(&form.next), home)
    };
    Ok(see_other(target))
}

impl LoginPage {
    /// Marks a missing e-mail or password (or one longer than any password) on the page;
    /// `false` when there is one. An address longer than any account's is simply unknown:
    /// counted and recorded like any other failed attempt (the audit log keeps its first 254
    /// characters).
    fn check(&mut self, email: &str, password: &str) -> bool {
        if email.is_empty() {
            self.email_error = Some("Enter your e-mail address.");
        }
        if password.is_empty() {
            self.password_error = Some("Enter your password.");
        } else if password.len() > 1024 {
            self.password_error = Some("A password has at most 1024 characters.");
        }
        self.email_error.is_none() && self.password_error.is_none()
    }
}

impl Refusal {
    /// What a refused sign-in answers, and what it tells the person to do next.
    fn answer(&self) -> (StatusCode, String) {
        match self {
            Refusal::Invalid => (StatusCode::UNAUTHORIZED, INVALID.into()),
            Refusal::Locked => (
                StatusCode::LOCKED,
                format!(
                    "Too many failed attempts: this account is locked for {} minutes. Try again \
                     later, or ask an administrator to reset your password.",
                    LOCK_DURATION.num_minutes()
                ),
            ),
            Refusal::Inactive => (
                StatusCode::FORBIDDEN,
                "This account is not active. Ask an administrator of your organization.".into(),
            ),
            Refusal::Throttled => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many sign-in attempts from your network. Wait 15 minutes and try again."
                    .into(),
            ),
        }
    }
}

/// Records a failed attempt: the e-mail typed is the actor's (cut to its column by the audit
/// log); a known account is also the entry's record.
fn failed(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    user: Option<&AuthUser>,
    reason: &str,
) -> Result<(), AppError> {
    let mut actor = actor.clone();
    actor.user_id = user.map(|u| u.id);
    let mut event = Event::new(
        user.and_then(|u| u.organization_id),
        actions::LOGIN_FAILED,
        "user",
    )
    .new_values(json!({ "reason": reason }));
    if let Some(u) = user {
        event = event.entity(u.public_id);
    }
    audit::record(conn, &actor, event)?;
    Ok(())
}

/// A wrong password or an unknown e-mail, answered alike: the attempt is counted and recorded,
/// and the failure that reaches the limit already answers "locked".
fn wrong(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    user: Option<&AuthUser>,
    email: &str,
    reason: &str,
) -> Result<Outcome, AppError> {
    let ip = actor.ip.clone().unwrap_or_default();
    write_tx(conn, |conn| {
        let gate = users::record_failed_attempt(conn, &ip, email)?;
        failed(conn, actor, user, reason)?;
        if gate == Gate::Open {
            return Ok(Err(Refusal::Invalid));
        }
        if let Some(user) = user {
            users::mark_locked(conn, user.id)?;
            let mut a = actor.clone();
            a.user_id = Some(user.id);
            audit::record(
                conn,
                &a,
                Event::new(user.organization_id, actions::ACCOUNT_LOCK, "user")
                    .entity(user.public_id)
                    .new_values(json!({ "locked_minutes": LOCK_DURATION.num_minutes() })),
            )?;
        }
        Ok(Err(Refusal::Locked))
    })
}

fn sign_in(
    conn: &mut AnyConnection,
    email: &str,
    password: &str,
    previous_token: Option<&str>,
    actor: &audit::Actor,
) -> Result<Outcome, AppError> {
    let ip = actor.ip.clone().unwrap_or_default();
    let user = users::find_by_email(conn, email)?;
    match users::gate(conn, &ip, email)? {
        Gate::Throttled => return Ok(Err(Refusal::Throttled)),
        Gate::Locked => {
            passwords::verify_dummy(password);
            write_tx(conn, |conn| {
                users::record_failed_attempt(conn, &ip, email)?;
                failed(conn, actor, user.as_ref(), "locked")
            })?;
            return Ok(Err(Refusal::Locked));
        }
        Gate::Open => {}
    }
    let Some(user) = user else {
        passwords::verify_dummy(password);
        return wrong(conn, actor, None, email, "unknown_email");
    };
    if !passwords::verify(password, &user.password_hash) {
        return wrong(conn, actor, Some(&user), email, "wrong_password");
    }
    if !user.is_active
        || !user.is_verified
        || !users::organization_is_active(conn, user.organization_id)?
    {
        write_tx(conn, |conn| failed(conn, actor, Some(&user), "inactive"))?;
        return Ok(Err(Refusal::Inactive));
    }
    let token = write_tx(conn, |conn| {
        if let Some(prev) = previous_token {
            sessions::revoke_token(conn, prev, "replaced")?;
        }
        users::record_success(conn, user.id)?;
        users::clear_failed_attempts(conn, email, Some(&ip))?;
        let token = sessions::create(
            conn,
            user.id,
            user.organization_id,
            actor.ip.as_deref(),
            actor.user_agent.as_deref(),
        )?;
        let mut a = actor.clone();
        a.user_id = Some(user.id);
        audit::record(
            conn,
            &a,
            Event::new(user.organization_id, actions::LOGIN, "user").entity(user.public_id),
        )?;
        Ok::<_, AppError>(token)
    })?;
    let home = sessions::load(conn, &token)?.map_or("/account", |l| home_for(&l.user, l.perms));
    Ok(Ok(SignedIn {
        token,
        home,
        must_change: user.must_change_password,
    }))
}

pub async fn logout(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let actor = ctx.actor();
    let (session_id, org, user_public_id) = (
        ctx.user.session_id,
        ctx.user.organization_id,
        ctx.user.public_id,
    );
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            sessions::revoke_by_id(conn, session_id, "logout")?;
            audit::record(
                conn,
                &actor,
                Event::new(org, actions::LOGOUT, "user").entity(user_public_id),
            )?;
            Ok(())
        })
    })
    .await?;
    ctx.session.purge();
    Ok(see_other("/login?signed_out=1"))
}
