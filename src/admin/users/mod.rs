//! `/admin/users` (users.manage): find, create and edit the organization's users, reset their
//! passwords and end their sessions.

mod access;
pub mod form;
mod list;
pub mod queries;
mod show;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use self::access::{confirm_reset, reset_password, revoke_all_sessions, revoke_session};
use self::form::{Choices, UserForm, ValidUser};
use self::queries::UserRecord;
use crate::AppState;
use crate::admin::policy;
use crate::audit::{self, Event, actions};
use crate::auth::{passwords, sessions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::users;
use crate::web::form::{FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users", web::get().to(list::list))
        .route("/admin/users", web::post().to(create))
        .route("/admin/users/new", web::get().to(new))
        .route("/admin/users/{id}", web::get().to(show::show))
        .route("/admin/users/{id}", web::post().to(update))
        .route("/admin/users/{id}/edit", web::get().to(edit))
        .route(
            "/admin/users/{id}/reset-password",
            web::get().to(confirm_reset),
        )
        .route(
            "/admin/users/{id}/reset-password",
            web::post().to(reset_password),
        )
        .route(
            "/admin/users/{id}/sessions/revoke-all",
            web::post().to(revoke_all_sessions),
        )
        .route(
            "/admin/users/{id}/sessions/{sid}/revoke",
            web::post().to(revoke_session),
        );
}

const PAGE_SIZE: i64 = 50;
/// Session key holding a just-issued temporary password until the admin's next page shows it.
const TEMPORARY_PASSWORD: &str = "temporary_password";

fn status_of(is_active: bool, locked_until: Option<NaiveDateTime>) -> (&'static str, &'static str) {
    if !is_active {
        ("Inactive", "status-inactive")
    } else if locked_until.is_some_and(|t| t > now()) {
        ("Locked", "status-bad")
    } else {
        ("Active", "")
    }
}

#[derive(Template)]
#[template(path = "admin/users/form.html")]
struct FormPage {
    ctx: Ctx,
    /// `None` when creating.
    user: Option<PublicId>,
    form: UserForm,
    errors: FieldErrors,
    role_options: Vec<(String, String)>,
    team_options: Vec<(String, String)>,
    partner_options: Vec<(String, String)>,
    distributor_options: Vec<(String, String)>,
    currency: String,
}

fn form_page(
    ctx: Ctx,
    user: Option<PublicId>,
    form: UserForm,
    errors: FieldErrors,
    choices: &Choices,
) -> FormPage {
    FormPage {
        role_options: choices.role_options(ctx.perms),
        team_options: choices.team_options(),
        partner_options: choices.partner_options(),
        distributor_options: choices.distributor_options(),
        currency: choices.currency.clone(),
        ctx,
        user,
        form,
        errors,
    }
}

async fn new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let choices = db::run(&state.pool, move |c| Ok(form::load_choices(c, scope)?)).await?;
    let form = UserForm {
        is_active: Some("on".into()),
        ..UserForm::default()
    };
    render(&form_page(
        ctx,
        None,
        form,
        FieldErrors::default(),
        &choices,
    ))
}

fn insert_user(
    conn: &mut AnyConnection,
    scope: OrgScope,
    v: &ValidUser,
    password_hash: &str,
) -> QueryResult<(i64, PublicId)> {
    let t = now();
    let public_id = PublicId::new();
    let id = diesel::insert_into(users::table)
        .values((
            users::public_id.eq(public_id),
            users::organization_id.eq(scope.id()),
            users::role_id.eq(v.role_id),
            users::team_id.eq(v.team_id),
            users::partner_id.eq(v.partner_id),
            users::distributor_id.eq(v.distributor_id),
            users::email.eq(&v.email),
            users::password_hash.eq(password_hash),
            users::first_name.eq(&v.first_name),
            users::last_name.eq(&v.last_name),
            users::phone.eq(&v.phone),
            users::sales_target_minor.eq(v.sales_target_minor),
            users::commission_rate_bp.eq(v.commission_rate_bp),
            users::is_verified.eq(true),
            users::must_change_password.eq(true),
            users::password_changed_at.eq(t),
            users::created_at.eq(t),
            users::updated_at.eq(t),
        ))
        .returning(users::id)
        .get_result(conn)?;
    crate::orgs::create_profile(conn, id, Some(scope.id()), t)?;
    Ok((id, public_id))
}

const EMAIL_TAKEN: &str = "An account with this e-mail address exists already.";

async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let mut form = form.into_inner();
    form.is_active = Some("on".into());
    let choices = db::run(&state.pool, move |c| Ok(form::load_choices(c, scope)?)).await?;
    let valid = match form::validate(&mut form, &choices, ctx.perms)? {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(ctx, None, form, errors, &choices);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let actor = ctx.actor();
    let audit_new = choices.audit_json(&valid);
    let v = valid.clone();
    let outcome = db::run(&state.pool, move |conn| {
        let temporary = passwords::temporary();
        let hash = passwords::hash(&temporary).map_err(AppError::internal)?;
        split(write_tx(conn, |conn| {
            if crate::orgs::email_taken(conn, &v.email, None)? {
                return Err(FormError::field("email", EMAIL_TAKEN));
            }
            let (_, public_id) = insert_user(conn, scope, &v, &hash)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::CREATE, "user")
                    .entity(public_id)
                    .new_values(audit_new.clone()),
            )?;
            Ok((public_id, temporary.clone()))
        }))
    })
    .await?;
    match outcome {
        Ok((public_id, temporary)) => {
            let _ = ctx
                .session
                .insert(TEMPORARY_PASSWORD, (public_id.to_string(), temporary));
            Flash::success(
                &ctx.session,
                format!("{} {} can now sign in.", valid.first_name, valid.last_name),
            );
            Ok(see_other(&format!("/admin/users/{public_id}")))
        }
        Err(errors) => {
            let page = form_page(ctx, None, form, errors, &choices);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// Loads a user the actor may manage: of this organization (else 404) and holding no
/// permission the actor lacks (else 403).
fn manageable(
    conn: &mut AnyConnection,
    scope: OrgScope,
    ctx_perms: crate::permissions::PermissionSet,
    id: PublicId,
) -> Result<(UserRecord, crate::permissions::PermissionSet), AppError> {
    let user = queries::find(conn, scope, id)?;
    let perms = policy::role_permissions(conn, scope, user.role_id)?;
    if !policy::covers(ctx_perms, perms) {
        return Err(AppError::Forbidden);
    }
    Ok((user, perms))
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let perms = ctx.perms;
    let (user, choices) = db::run(&state.pool, move |conn| {
        let (user, _) = manageable(conn, scope, perms, id)?;
        Ok((user, form::load_choices(conn, scope)?))
    })
    .await?;
    let form = choices.form_for(&user);
    render(&form_page(
        ctx,
        Some(id),
        form,
        FieldErrors::default(),
        &choices,
    ))
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let perms = ctx.perms;
    let (user, user_perms, choices) = db::run(&state.pool, move |conn| {
        let (user, user_perms) = manageable(conn, scope, perms, id)?;
        Ok((user, user_perms, form::load_choices(conn, scope)?))
    })
    .await?;
    let mut form = form.into_inner();
    let valid = form::validate(&mut form, &choices, ctx.perms)?
        .and_then(|v| not_oneself_deactivated(v, user.id == ctx.user.id));
    let valid = match valid {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(ctx, Some(id), form, errors, &choices);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let old = ValidUser::from_record(&user, user_perms);
    let changes = audit::changes(&choices.audit_json(&old), &choices.audit_json(&valid));
    let actor = ctx.actor();
    let v = valid.clone();
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            save_edit(conn, scope, &actor, &user, &old, &v, changes.clone())
        }))
    })
    .await?;
    match outcome {
        Ok(0) => {
            Flash::success(&ctx.session, "Nothing changed.");
            Ok(see_other(&format!("/admin/users/{id}")))
        }
        Ok(_) => {
            Flash::success(
                &ctx.session,
                format!("{} {} is saved.", valid.first_name, valid.last_name),
            );
            Ok(see_other(&format!("/admin/users/{id}")))
        }
        Err(errors) => {
            let page = form_page(ctx, Some(id), form, errors, &choices);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// An administrator may not deactivate their own account: another must, so one always remains
/// who can undo it.
fn not_oneself_deactivated(v: ValidUser, oneself: bool) -> Result<ValidUser, FieldErrors> {
    if oneself && !v.is_active {
        let mut e = FieldErrors::default();
        e.add(
            "is_active",
            "You cannot deactivate your own account; ask another administrator.",
        );
        return Err(e);
    }
    Ok(v)
}

/// Saves an edit of `user` (from `old` to `v`, with the audit's `changes`): the e-mail stays
/// unique, an administrator remains, a deactivated user's sessions end at once. The number of
/// rows touched: 0 when nothing changed.
fn save_edit(
    conn: &mut AnyConnection,
    scope: OrgScope,
    actor: &audit::Actor,
    user: &UserRecord,
    old: &ValidUser,
    v: &ValidUser,
    changes: Option<(serde_json::Value, serde_json::Value)>,
) -> Result<usize, FormError> {
    let Some((before, after)) = changes else {
        return Ok(0);
    };
    if crate::orgs::email_taken(conn, &v.email, Some(user.id))? {
        return Err(FormError::field("email", EMAIL_TAKEN));
    }
    diesel::update(
        users::table
            .find(user.id)
            .filter(users::organization_id.eq(scope.id())),
    )
    .set((
        users::email.eq(&v.email),
        users::first_name.eq(&v.first_name),
        users::last_name.eq(&v.last_name),
        users::phone.eq(&v.phone),
        users::role_id.eq(v.role_id),
        users::team_id.eq(v.team_id),
        users::partner_id.eq(v.partner_id),
        users::distributor_id.eq(v.distributor_id),
        users::sales_target_minor.eq(v.sales_target_minor),
        users::commission_rate_bp.eq(v.commission_rate_bp),
        users::is_active.eq(v.is_active),
        users::updated_at.eq(now()),
    ))
    .execute(conn)?;
    let deactivated = old.is_active && !v.is_active;
    policy::ensure_admin_remains(conn, scope, if deactivated { "is_active" } else { "role" })?;
    // Deactivation ends every session at once, not only at their next request.
    let ended = if deactivated {
        sessions::revoke_all_except(conn, user.id, None, "user_deactivated")?
    } else {
        0
    };
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::UPDATE, "user")
            .entity(user.public_id)
            .old(before)
            .new_values(after),
    )?;
    Ok(ended + 1)
}
