//! `/admin/users` (users.manage): find, create and edit the organization's users, reset their
//! passwords and end their sessions.

pub mod form;
pub mod queries;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use self::form::{Choices, UserForm, ValidUser};
use self::queries::{Filter, Sort, Status, TeamFilter, UserRecord, UserRow};
use crate::AppState;
use crate::admin::ConfirmPage;
use crate::admin::policy;
use crate::audit::{self, Event, actions};
use crate::auth::{passwords, sessions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::{audit_log, organization_stats, users};
use crate::web::count;
use crate::web::form::{FormError, split};
use crate::web::pager::{self, Pages};
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users", web::get().to(list))
        .route("/admin/users", web::post().to(create))
        .route("/admin/users/new", web::get().to(new))
        .route("/admin/users/{id}", web::get().to(show))
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

fn parse_id(raw: &str) -> Result<PublicId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

fn status_of(is_active: bool, locked_until: Option<NaiveDateTime>) -> (&'static str, &'static str) {
    if !is_active {
        ("Inactive", "status-inactive")
    } else if locked_until.is_some_and(|t| t > now()) {
        ("Locked", "status-bad")
    } else {
        ("Active", "")
    }
}

// ---------------------------------------------------------------------------------------------
// List

#[derive(Debug, Default, Deserialize, serde::Serialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub role: String,
    pub team: String,
    pub status: String,
    pub sort: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

pub struct ListRow {
    pub row: UserRow,
    pub status: &'static str,
    pub status_class: &'static str,
    pub last_login: When,
}

#[derive(Template)]
#[template(path = "admin/users/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    rows: Vec<ListRow>,
    role_options: Vec<(String, String)>,
    team_options: Vec<(String, String)>,
    status_options: Vec<(String, String)>,
    sort_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
    total: i64,
    active: i64,
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let query = query.into_inner();
    let q = query.clone();
    let (rows, roles, teams, (total, active)) = db::run(&state.pool, move |conn| {
        let roles = queries::role_choices(conn, scope)?;
        let teams = queries::team_choices(conn, scope)?;
        let find = |items: &[queries::Choice], v: &str| {
            items
                .iter()
                .find(|c| c.1.to_string() == v)
                .map(|c| c.0)
                .unwrap_or(-1)
        };
        let filter = Filter {
            q: q.q.chars().take(100).collect(),
            role_id: (!q.role.is_empty()).then(|| find(&roles, &q.role)),
            team: match q.team.as_str() {
                "" => TeamFilter::Any,
                "none" => TeamFilter::NoTeam,
                other => TeamFilter::Team(find(&teams, other)),
            },
            status: Status::parse(&q.status),
            sort: Sort::parse(&q.sort),
            after: q.after.parse().ok(),
        };
        let rows = queries::list(conn, scope, &filter, PAGE_SIZE + 1)?;
        let counts = organization_stats::table
            .find(scope.id())
            .select((
                organization_stats::users_total,
                organization_stats::users_active,
            ))
            .first(conn)
            .optional()?
            .unwrap_or((0, 0));
        Ok((rows, roles, teams, counts))
    })
    .await?;
    let mut rows = rows;
    let Pages { first, next } = pager::keyset(
        "/admin/users",
        &ListQuery {
            after: String::new(),
            ..query.clone()
        },
        &query.after,
        &mut rows,
        PAGE_SIZE as usize,
        |r| r.public_id.to_string(),
    );
    let rows: Vec<ListRow> = rows
        .into_iter()
        .map(|row| {
            let (status, status_class) = status_of(row.is_active, row.locked_until);
            ListRow {
                last_login: ctx.local_time(row.last_login_at),
                status,
                status_class,
                row,
            }
        })
        .collect();
    let mut role_options = vec![(String::new(), "All roles".to_string())];
    role_options.extend(roles.iter().map(|(_, p, n)| (p.to_string(), n.clone())));
    let mut team_options = pairs(&[("", "All teams"), ("none", "No team")]);
    team_options.extend(teams.iter().map(|(_, p, n)| (p.to_string(), n.clone())));
    render(&ListPage {
        ctx,
        query,
        rows,
        role_options,
        team_options,
        status_options: pairs(&[
            ("", "Any status"),
            ("active", "Active"),
            ("inactive", "Inactive"),
            ("locked", "Locked"),
        ]),
        sort_options: pairs(&[
            ("name", "Name"),
            ("email", "E-mail"),
            ("newest", "Newest first"),
        ]),
        next,
        first,
        total,
        active,
    })
}

// ---------------------------------------------------------------------------------------------
// Create and edit

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
            if queries::email_taken(conn, &v.email, None)? {
                return Err(FormError::field("email", EMAIL_TAKEN));
            }
            let (_, public_id) = insert_user(conn, scope, &v, &hash)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::CREATE, "user")
                    .entity(public_id)
                    .new_values(audit_new),
            )?;
            Ok((public_id, temporary))
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
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = parse_id(&path)?;
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
    path: web::Path<String>,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = parse_id(&path)?;
    let perms = ctx.perms;
    let (user, user_perms, choices) = db::run(&state.pool, move |conn| {
        let (user, user_perms) = manageable(conn, scope, perms, id)?;
        Ok((user, user_perms, form::load_choices(conn, scope)?))
    })
    .await?;
    let mut form = form.into_inner();
    let mut valid = form::validate(&mut form, &choices, ctx.perms)?;
    if let Ok(v) = &valid
        && user.id == ctx.user.id
        && !v.is_active
    {
        let mut e = FieldErrors::default();
        e.add(
            "is_active",
            "You cannot deactivate your own account; ask another administrator.",
        );
        valid = Err(e);
    }
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
            let Some((before, after)) = changes else {
                return Ok(0);
            };
            if queries::email_taken(conn, &v.email, Some(user.id))? {
                return Err(FormError::field("email", EMAIL_TAKEN));
            }
            diesel::update(users::table.find(user.id))
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
            let field = if old.is_active && !v.is_active {
                "is_active"
            } else {
                "role"
            };
            policy::ensure_admin_remains(conn, scope, field)?;
            // Deactivation ends every session at once, not only at their next request.
            let ended = if old.is_active && !v.is_active {
                sessions::revoke_all_except(conn, user.id, None, "user_deactivated")?
            } else {
                0
            };
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::UPDATE, "user")
                    .entity(user.public_id)
                    .old(before)
                    .new_values(after),
            )?;
            Ok(ended + 1)
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

// ---------------------------------------------------------------------------------------------
// Detail, password reset, sessions

pub struct SessionLine {
    pub public_id: PublicId,
    pub device: String,
    pub ip: String,
    pub created: When,
    pub last_seen: When,
}

pub struct ActivityLine {
    pub when: When,
    pub action: &'static str,
    pub by: String,
}

#[derive(Template)]
#[template(path = "admin/users/show.html")]
struct ShowPage {
    ctx: Ctx,
    user: UserRecord,
    role: String,
    team: Option<String>,
    partner: Option<String>,
    distributor: Option<String>,
    status: &'static str,
    status_class: &'static str,
    sales_target: String,
    commission_rate: String,
    last_login: When,
    created: When,
    sessions: Vec<SessionLine>,
    activity: Vec<ActivityLine>,
    temporary_password: Option<String>,
    can_manage: bool,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = parse_id(&path)?;
    let (user, user_perms, choices, active, activity) = db::run(&state.pool, move |conn| {
        let user = queries::find(conn, scope, id)?;
        let user_perms = policy::role_permissions(conn, scope, user.role_id)?;
        let choices = form::load_choices(conn, scope)?;
        let active = sessions::list_active(conn, user.id)?;
        let activity: Vec<(NaiveDateTime, String, Option<String>)> = audit_log::table
            .filter(audit_log::organization_id.eq(scope.id()))
            .filter(audit_log::entity_type.eq("user"))
            .filter(audit_log::entity_id.eq(id.to_string()))
            .order(audit_log::id.desc())
            .limit(10)
            .select((
                audit_log::created_at,
                audit_log::action,
                audit_log::actor_email,
            ))
            .load(conn)?;
        Ok((user, user_perms, choices, active, activity))
    })
    .await?;
    let temporary_password = ctx
        .session
        .remove_as::<(String, String)>(TEMPORARY_PASSWORD)
        .and_then(Result::ok)
        .filter(|(pid, _)| *pid == id.to_string())
        .map(|(_, pw)| pw);
    let (status, status_class) = status_of(user.is_active, user.locked_until);
    let sessions = active
        .into_iter()
        .map(|s| SessionLine {
            public_id: s.public_id,
            device: crate::account::sessions::device(s.user_agent.as_deref()),
            ip: s.ip_address.unwrap_or_else(|| "unknown".into()),
            created: ctx.local_time(Some(s.created_at)),
            last_seen: ctx.local_time(Some(s.last_seen_at)),
        })
        .collect();
    let activity = activity
        .into_iter()
        .map(|(t, action, by)| ActivityLine {
            when: ctx.local_time(Some(t)),
            action: crate::admin::audit::present::action_label(&action),
            by: by.unwrap_or_else(|| "Dealdesk".into()),
        })
        .collect();
    let name = |items: &[queries::Choice], id: Option<i64>| {
        id.and_then(|id| items.iter().find(|c| c.0 == id).map(|c| c.2.clone()))
    };
    let page = ShowPage {
        role: choices.role_name(user.role_id),
        team: name(&choices.teams, user.team_id),
        partner: name(&choices.partners, user.partner_id),
        distributor: name(&choices.distributors, user.distributor_id),
        status,
        status_class,
        sales_target: user
            .sales_target_minor
            .map(|m| {
                format!(
                    "{} {}",
                    crate::web::form::minor_to_display(m, choices.exponent),
                    choices.currency
                )
            })
            .unwrap_or_else(|| "—".into()),
        commission_rate: user
            .commission_rate_bp
            .map(|bp| format!("{} %", crate::web::form::bp_to_percent(bp.into())))
            .unwrap_or_else(|| "Role or organization default".into()),
        last_login: ctx.local_time(user.last_login_at),
        created: ctx.local_time(Some(user.created_at)),
        can_manage: policy::covers(ctx.perms, user_perms),
        sessions,
        activity,
        temporary_password,
        user,
        ctx,
    };
    render(&page)
}

async fn confirm_reset(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = parse_id(&path)?;
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

async fn reset_password(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = parse_id(&path)?;
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
            diesel::update(users::table.find(user.id))
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
            Ok::<_, AppError>(temporary)
        })
    })
    .await?;
    let _ = ctx
        .session
        .insert(TEMPORARY_PASSWORD, (id.to_string(), temporary));
    Flash::success(&ctx.session, "The password is reset.");
    Ok(see_other(&format!("/admin/users/{id}")))
}

async fn revoke_session(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let (id, sid) = path.into_inner();
    let (id, sid) = (parse_id(&id)?, parse_id(&sid)?);
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

async fn revoke_all_sessions(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = parse_id(&path)?;
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
