//! `/admin/roles` (roles.manage): roles with their user counts; create and edit with permission
//! checkboxes grouped by area; deactivate; delete a custom role no user holds.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::AppState;
use crate::admin::{ConfirmPage, policy};
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::permissions::{ALL, Permission, PermissionSet};
use crate::schema::{role_permissions, roles, users};
use crate::web::count;
use crate::web::form::{self, FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/roles", web::get().to(list))
        .route("/admin/roles", web::post().to(create))
        .route("/admin/roles/new", web::get().to(new))
        .route("/admin/roles/{id}", web::get().to(edit))
        .route("/admin/roles/{id}", web::post().to(update))
        .route("/admin/roles/{id}/delete", web::get().to(confirm_delete))
        .route("/admin/roles/{id}/delete", web::post().to(delete));
}

#[derive(Debug, Clone, Queryable)]
pub struct RoleRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub description: Option<String>,
    pub system_key: Option<String>,
    pub commission_rate_bp: Option<i32>,
    pub is_active: bool,
}

fn find(conn: &mut AnyConnection, scope: OrgScope, id: PublicId) -> QueryResult<RoleRecord> {
    roles::table
        .filter(roles::organization_id.eq(scope.id()))
        .filter(roles::public_id.eq(id))
        .select((
            roles::id,
            roles::public_id,
            roles::name,
            roles::description,
            roles::system_key,
            roles::commission_rate_bp,
            roles::is_active,
        ))
        .first(conn)
}

/// (active, inactive) users per role of the organization.
fn user_counts(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<HashMap<i64, (i64, i64)>> {
    let rows: Vec<(Option<i64>, bool, i64)> = users::table
        .filter(users::organization_id.eq(scope.id()))
        .group_by((users::role_id, users::is_active))
        .select((users::role_id, users::is_active, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<i64, (i64, i64)> = HashMap::new();
    for (role_id, active, n) in rows {
        if let Some(role_id) = role_id {
            let e = out.entry(role_id).or_default();
            if active {
                e.0 += n;
            } else {
                e.1 += n;
            }
        }
    }
    Ok(out)
}

/// (active, inactive) users holding one role.
fn role_user_counts(
    conn: &mut AnyConnection,
    scope: OrgScope,
    role_id: i64,
) -> QueryResult<(i64, i64)> {
    let rows: Vec<(bool, i64)> = users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::role_id.eq(role_id))
        .group_by(users::is_active)
        .select((users::is_active, diesel::dsl::count_star()))
        .load(conn)?;
    let count = |active: bool| rows.iter().find(|r| r.0 == active).map_or(0, |r| r.1);
    Ok((count(true), count(false)))
}

// ---------------------------------------------------------------------------------------------
// List

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

// ---------------------------------------------------------------------------------------------
// Form

pub struct PermItem {
    pub key: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub checked: bool,
    /// The actor holds it, so may grant or remove it.
    pub allowed: bool,
}

pub struct PermGroup {
    pub area: &'static str,
    pub items: Vec<PermItem>,
}

fn groups(selected: PermissionSet, actor: PermissionSet) -> Vec<PermGroup> {
    let mut out: Vec<PermGroup> = Vec::new();
    for p in ALL {
        let item = PermItem {
            key: p.key(),
            label: p.label(),
            description: p.description(),
            checked: selected.contains(p),
            allowed: actor.contains(p),
        };
        match out.iter_mut().find(|g| g.area == p.area()) {
            Some(g) => g.items.push(item),
            None => out.push(PermGroup {
                area: p.area(),
                items: vec![item],
            }),
        }
    }
    out
}

#[derive(Debug, Clone, Default)]
pub struct RoleForm {
    pub name: String,
    pub description: String,
    pub commission_rate: String,
    pub is_active: bool,
    pub permissions: PermissionSet,
    /// Keys sent that are not in the catalog: a forged or stale form.
    pub unknown: bool,
}

impl RoleForm {
    /// Reads the posted pairs; permissions come as `perm=<key>` repeated.
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = RoleForm::default();
        let mut keys = Vec::new();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v.clone(),
                "description" => f.description = v.clone(),
                "commission_rate" => f.commission_rate = v.clone(),
                "is_active" => f.is_active = true,
                "perm" => {
                    if Permission::from_key(v).is_none() {
                        f.unknown = true;
                    }
                    keys.push(v.as_str());
                }
                _ => {}
            }
        }
        f.permissions = PermissionSet::from_keys(keys);
        f
    }

    fn of(role: &RoleRecord, perms: PermissionSet) -> Self {
        RoleForm {
            name: role.name.clone(),
            description: role.description.clone().unwrap_or_default(),
            commission_rate: role
                .commission_rate_bp
                .map(|bp| form::bp_to_percent(bp.into()))
                .unwrap_or_default(),
            is_active: role.is_active,
            permissions: perms,
            unknown: false,
        }
    }
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

struct ValidRole {
    name: String,
    description: Option<String>,
    commission_rate_bp: Option<i32>,
    is_active: bool,
    permissions: PermissionSet,
}

fn audit_json(v: &ValidRole) -> Value {
    let keys: Vec<&str> = v.permissions.iter().map(|p| p.key()).collect();
    json!({
        "name": v.name,
        "description": v.description,
        "commission_rate": v.commission_rate_bp.map(|bp| format!("{}%", form::bp_to_percent(bp.into()))),
        "is_active": v.is_active,
        "permissions": keys,
    })
}

/// Checks the form. The permissions saved are what the actor may decide (those they hold, as
/// ticked) plus what the role already had beyond the actor's reach; ticking a permission the
/// actor lacks is refused outright (403), since the form never offers it.
fn validate(
    f: &RoleForm,
    actor: PermissionSet,
    existing: PermissionSet,
) -> Result<Result<ValidRole, FieldErrors>, AppError> {
    if f.unknown {
        return Err(AppError::BadRequest(
            "The form named a permission that does not exist. Reload the page and try again."
                .into(),
        ));
    }
    let escalates = f
        .permissions
        .iter()
        .any(|p| !actor.contains(p) && !existing.contains(p));
    if escalates {
        return Err(AppError::Forbidden);
    }
    let kept = existing.iter().filter(|p| !actor.contains(*p));
    let decided = f.permissions.iter().filter(|p| actor.contains(*p));
    let permissions = PermissionSet::of(&kept.chain(decided).collect::<Vec<_>>());
    let mut e = FieldErrors::default();
    let name = e.check("name", form::required(&f.name, "a name", 50));
    let description = e.check("description", form::optional(&f.description, 500));
    let commission = e.check("commission_rate", form::percent_bp(&f.commission_rate));
    match (name, description, commission, e.is_empty()) {
        (Some(name), Some(description), Some(commission), true) => Ok(Ok(ValidRole {
            name,
            description,
            commission_rate_bp: commission.and_then(|bp| i32::try_from(bp).ok()),
            is_active: f.is_active,
            permissions,
        })),
        _ => Ok(Err(e)),
    }
}

fn name_taken(
    conn: &mut AnyConnection,
    scope: OrgScope,
    name: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let names: Vec<(i64, String)> = roles::table
        .filter(roles::organization_id.eq(scope.id()))
        .select((roles::id, roles::name))
        .load(conn)?;
    Ok(names
        .iter()
        .any(|(id, n)| Some(*id) != except && n.to_lowercase() == name.to_lowercase()))
}

const NAME_TAKEN: &str = "Another role of your organization has this name.";

fn save_permissions(
    conn: &mut AnyConnection,
    scope: OrgScope,
    role_id: i64,
    perms: PermissionSet,
) -> QueryResult<()> {
    diesel::delete(
        role_permissions::table
            .filter(role_permissions::organization_id.eq(scope.id()))
            .filter(role_permissions::role_id.eq(role_id)),
    )
    .execute(conn)?;
    for p in perms.iter() {
        diesel::insert_into(role_permissions::table)
            .values((
                role_permissions::organization_id.eq(scope.id()),
                role_permissions::role_id.eq(role_id),
                role_permissions::permission.eq(p.key()),
            ))
            .execute(conn)?;
    }
    Ok(())
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
                &actor,
                Event::new(Some(scope.id()), actions::CREATE, "role")
                    .entity(public_id)
                    .new_values(audit_json(&v)),
            )?;
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
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let id: PublicId = path.parse().map_err(|_| AppError::NotFound)?;
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
    path: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let id: PublicId = path.parse().map_err(|_| AppError::NotFound)?;
    let (role, existing, active) = db::run(&state.pool, move |c| load(c, scope, id)).await?;
    let f = RoleForm::from_pairs(&pairs);
    let v = match validate(&f, ctx.perms, existing)? {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(ctx, Some(role), f, errors, active);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let old = ValidRole {
        name: role.name.clone(),
        description: role.description.clone(),
        commission_rate_bp: role.commission_rate_bp,
        is_active: role.is_active,
        permissions: existing,
    };
    let changes = audit::changes(&audit_json(&old), &audit_json(&v));
    let actor = ctx.actor();
    let (role_id, role_public) = (role.id, role.public_id);
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            let Some((before, after)) = changes else {
                return Ok(false);
            };
            if name_taken(conn, scope, &v.name, Some(role_id))? {
                return Err(FormError::field("name", NAME_TAKEN));
            }
            diesel::update(roles::table.find(role_id))
                .set((
                    roles::name.eq(&v.name),
                    roles::description.eq(&v.description),
                    roles::commission_rate_bp.eq(v.commission_rate_bp),
                    roles::is_active.eq(v.is_active),
                    roles::updated_at.eq(now()),
                ))
                .execute(conn)?;
            save_permissions(conn, scope, role_id, v.permissions)?;
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

// ---------------------------------------------------------------------------------------------
// Delete

/// Why a role cannot be deleted, if it cannot.
fn delete_refusal(role: &RoleRecord, active: i64, inactive: i64) -> Option<String> {
    if role.system_key.is_some() {
        Some("Default roles stay in every organization; deactivate it instead.".into())
    } else if active > 0 {
        Some(format!(
            "{} this role. Give them another role first, or deactivate the role.",
            count(active, "active user holds", "active users hold")
        ))
    } else if inactive > 0 {
        Some(format!(
            "{} this role. Give them another role first.",
            count(
                inactive,
                "inactive user still holds",
                "inactive users still hold"
            )
        ))
    } else {
        None
    }
}

fn load_for_delete(
    conn: &mut AnyConnection,
    scope: OrgScope,
    id: PublicId,
) -> Result<(RoleRecord, PermissionSet, Option<String>), AppError> {
    let role = find(conn, scope, id)?;
    let perms = policy::role_permissions(conn, scope, role.id)?;
    let (active, inactive) = role_user_counts(conn, scope, role.id)?;
    let refusal = delete_refusal(&role, active, inactive);
    Ok((role, perms, refusal))
}

async fn confirm_delete(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let id: PublicId = path.parse().map_err(|_| AppError::NotFound)?;
    let (role, _, refusal) = db::run(&state.pool, move |c| load_for_delete(c, scope, id)).await?;
    if let Some(reason) = refusal {
        Flash::error(
            &ctx.session,
            format!("{} cannot be deleted: {reason}", role.name),
        );
        return Ok(see_other(&format!("/admin/roles/{id}")));
    }
    render(&ConfirmPage {
        title: format!("Delete the role {}?", role.name),
        message: "No user holds this role. Deleting it cannot be undone; the audit log keeps \
                  its name and permissions."
            .into(),
        action: format!("/admin/roles/{id}/delete"),
        button: "Delete role",
        cancel: format!("/admin/roles/{id}"),
        danger: true,
        ctx,
    })
}

async fn delete(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let id: PublicId = path.parse().map_err(|_| AppError::NotFound)?;
    let actor = ctx.actor();
    let outcome = db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let (role, perms, refusal) = load_for_delete(conn, scope, id)?;
            if let Some(reason) = refusal {
                return Ok(Err((role.name, reason)));
            }
            diesel::delete(roles::table.find(role.id)).execute(conn)?;
            let old = ValidRole {
                name: role.name.clone(),
                description: role.description.clone(),
                commission_rate_bp: role.commission_rate_bp,
                is_active: role.is_active,
                permissions: perms,
            };
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::DELETE, "role")
                    .entity(role.public_id)
                    .old(audit_json(&old)),
            )?;
            Ok::<_, AppError>(Ok(role.name))
        })
    })
    .await?;
    match outcome {
        Ok(name) => {
            Flash::success(&ctx.session, format!("The role {name} is deleted."));
            Ok(see_other("/admin/roles"))
        }
        Err((name, reason)) => {
            Flash::error(&ctx.session, format!("{name} cannot be deleted: {reason}"));
            Ok(see_other(&format!("/admin/roles/{id}")))
        }
    }
}
