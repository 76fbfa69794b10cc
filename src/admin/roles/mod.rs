//! `/admin/roles` (roles.manage): roles with their user counts; create and edit with permission
//! checkboxes grouped by area; deactivate; delete a custom role no user holds.

mod delete;
mod form;
mod queries;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;

use self::delete::confirm_delete;
pub(crate) use self::form::ValidRole;
use self::form::{PermGroup, RoleForm, audit_json, groups, validate};
use self::queries::{
    NAME_TAKEN, RoleRecord, find, name_taken, role_user_counts, save_permissions, user_counts,
};
use crate::AppState;
use crate::admin::policy;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::permissions::{Permission, PermissionSet};
use crate::schema::{role_permissions, roles};
use crate::web::form::{FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/roles", web::get().to(list))
        .route("/admin/roles", web::post().to(create))
        .route("/admin/roles/new", web::get().to(new))
        .route("/admin/roles/{id}", web::get().to(edit))
        .route("/admin/roles/{id}", web::post().to(update))
        .route("/admin/roles/{id}/delete", web::get().to(confirm_delete))
        .route("/admin/roles/{id}/delete", web::post().to(delete::delete));
}

pub struct RoleLine {
    pub role: RoleRecord,
    pub active_users: i64,
    pub inactive_users: i64,
    pub permissions: usize,
}

#[derive(Template)]
#[template(path = "admin/roles/list.html")]
struct ListPage {
    ctx: Ctx,
    roles: Vec<RoleLine>,
}

async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let roles = db::run(&state.pool, move |conn| {
        let records: Vec<RoleRecord> = roles::table
            .filter(roles::organization_id.eq(scope.id()))
            .order((roles::is_active.desc(), roles::name))
            .select((
                roles::id,
                roles::public_id,
                roles::name,
                roles::description,
                roles::system_key,
                roles::commission_rate_bp,
                roles::is_active,
            ))
            .load(conn)?;
        let counts = user_counts(conn, scope)?;
        let grants: Vec<(i64, String)> = role_permissions::table
            .filter(role_permissions::organization_id.eq(scope.id()))
            .select((role_permissions::role_id, role_permissions::permission))
            .load(conn)?;
        Ok(records
            .into_iter()
            .map(|role| {
                let (active_users, inactive_users) =
                    counts.get(&role.id).copied().unwrap_or_default();
                let keys = grants.iter().filter(|(r, _)| *r == role.id);
                RoleLine {
                    permissions: PermissionSet::from_keys(keys.map(|(_, k)| k.as_str()))
                        .iter()
                        .count(),
                    active_users,
                    inactive_users,
                    role,
                }
            })
            .collect())
    })
    .await?;
    render(&ListPage { ctx, roles })
}

#[derive(Template)]
#[template(path = "admin/roles/form.html")]
struct FormPage {
    ctx: Ctx,
    role: Option<RoleRecord>,
    form: RoleForm,
    errors: FieldErrors,
    groups: Vec<PermGroup>,
    active_users: i64,
}

fn form_page(
    ctx: Ctx,
    role: Option<RoleRecord>,
    form: RoleForm,
    errors: FieldErrors,
    active_users: i64,
) -> FormPage {
    FormPage {
        groups: groups(form.permissions, ctx.perms),
        ctx,
        role,
        form,
        errors,
        active_users,
    }
}

async fn new(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    ctx.scope()?;
    let form = RoleForm {
        is_active: true,
        ..RoleForm::default()
    };
    render(&form_page(ctx, None, form, FieldErrors::default(), 0))
}

async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let mut f = RoleForm::from_pairs(&pairs);
    f.is_active = true;
    let v = match validate(&f, ctx.perms, PermissionSet::default())? {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(ctx, None, f, errors, 0);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let actor = ctx.actor();
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            if name_taken(conn, scope, &v.name, None)? {
                return Err(FormError::field("name", NAME_TAKEN));
            }
            create_role(conn, &actor, scope, &v)?;
            Ok(v.name.clone())
        }))
    })
    .await?;
    match outcome {
        Ok(name) => {
            Flash::success(&ctx.session, format!("The role {name} is created."));
            Ok(see_other("/admin/roles"))
        }
        Err(errors) => {
            let page = form_page(ctx, None, f, errors, 0);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// Adds a role of the organization's own with its permissions, and records it: the admin's form
/// and the demo's roles both make a role this way.
pub(crate) fn create_role(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: OrgScope,
    v: &ValidRole,
) -> QueryResult<()> {
    let t = now();
    let public_id = PublicId::new();
    let id: i64 = diesel::insert_into(roles::table)
        .values((
            roles::public_id.eq(public_id),
            roles::organization_id.eq(scope.id()),
            roles::name.eq(&v.name),
            roles::description.eq(&v.description),
            roles::commission_rate_bp.eq(v.commission_rate_bp),
            roles::created_at.eq(t),
            roles::updated_at.eq(t),
        ))
        .returning(roles::id)
        .get_result(conn)?;
    save_permissions(conn, scope, id, v.permissions)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::CREATE, "role")
            .entity(public_id)
            .new_values(audit_json(v)),
    )
}

fn load(
    conn: &mut AnyConnection,
    scope: OrgScope,
    id: PublicId,
) -> Result<(RoleRecord, PermissionSet, i64), AppError> {
    let role = find(conn, scope, id)?;
    let perms = policy::role_permissions(conn, scope, role.id)?;
    let (active, _) = role_user_counts(conn, scope, role.id)?;
    Ok((role, perms, active))
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let (role, perms, active) = db::run(&state.pool, move |c| load(c, scope, id)).await?;
    let f = RoleForm::of(&role, perms);
    render(&form_page(
        ctx,
        Some(role),
        f,
        FieldErrors::default(),
        active,
    ))
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let (role, existing, active) = db::run(&state.pool, move |c| load(c, scope, id)).await?;
    let f = RoleForm::from_pairs(&pairs);
    let v = match validate(&f, ctx.perms, existing)? {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(ctx, Some(role), f, errors, active);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let old = ValidRole::of(&role, existing);
    let changes = audit::changes(&audit_json(&old), &audit_json(&v));
    let actor = ctx.actor();
    let (role_id, role_public) = (role.id, role.public_id);
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            let Some((before, after)) = changes.clone() else {
                return Ok(false);
            };
            if name_taken(conn, scope, &v.name, Some(role_id))? {
                return Err(FormError::field("name", NAME_TAKEN));
            }
            queries::update(conn, scope, role_id, &v)?;
            policy::ensure_admin_remains(conn, scope, "permissions")?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::UPDATE, "role")
                    .entity(role_public)
                    .old(before)
                    .new_values(after),
            )?;
            Ok(true)
        }))
    })
    .await?;
    match outcome {
        Ok(changed) => {
            let msg = if changed {
                format!("The role {} is saved.", f.name.trim())
            } else {
                "Nothing changed.".to_string()
            };
            Flash::success(&ctx.session, msg);
            Ok(see_other("/admin/roles"))
        }
        Err(errors) => {
            let page = form_page(ctx, Some(role), f, errors, active);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
