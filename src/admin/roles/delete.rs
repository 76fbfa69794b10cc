//! Deleting a custom role no user holds.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;

use super::form::{ValidRole, audit_json};
use super::queries::{RoleRecord, find, role_user_counts};
use crate::AppState;
use crate::admin::policy;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::error::AppError;
use crate::permissions::{Permission, PermissionSet};
use crate::schema::roles;
use crate::web::ConfirmPage;
use crate::web::count;
use crate::web::{Ctx, Flash, OrgScope, render, see_other};

/// Why a role cannot be deleted, if it cannot.
pub(super) fn delete_refusal(role: &RoleRecord, active: i64, inactive: i64) -> Option<String> {
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

pub(super) fn load_for_delete(
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

pub(super) async fn confirm_delete(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
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

pub(super) async fn delete(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::RolesManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let actor = ctx.actor();
    let outcome = db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let (role, perms, refusal) = load_for_delete(conn, scope, id)?;
            if let Some(reason) = refusal {
                return Ok(Err((role.name, reason)));
            }
            diesel::delete(
                roles::table
                    .find(role.id)
                    .filter(roles::organization_id.eq(scope.id())),
            )
            .execute(conn)?;
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
