//! Adding a member to a team and taking one off.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use serde_json::json;

use super::form::MemberForm;
use super::queries::{TeamRecord, find, join, load_page_data, team_form, user_by_email};
use super::team_page;
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::{teams, users};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render_status, see_other};

pub(super) async fn add_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<MemberForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = *path;
    let email = form.into_inner().email;
    let actor = ctx.actor();
    let mail = email.clone();
    let (team, outcome, refused) = db::run(&state.pool, move |conn| {
        let team = find(conn, scope, id)?;
        let t = team.clone();
        let outcome = write_tx(conn, |conn| join_by_email(conn, &actor, scope, &t, &mail))?;
        let refused = match outcome {
            Ok(_) => None,
            Err(_) => Some((
                team_form(conn, scope, &team)?,
                load_page_data(conn, scope, &team)?,
            )),
        };
        Ok((team, outcome, refused))
    })
    .await?;
    match outcome {
        Ok(msg) => {
            Flash::success(&ctx.session, msg);
            Ok(see_other(&format!("/admin/teams/{id}")))
        }
        Err(msg) => {
            let (form, data) = refused.unwrap_or_default();
            let mut page = team_page(ctx, Some(team), form, FieldErrors::default(), data);
            page.member_email = email;
            page.member_error = Some(msg);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// Makes the organization's active user with this e-mail a member of the team (moving them
/// from another), audited; `Err` tells the admin why not.
fn join_by_email(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: OrgScope,
    team: &TeamRecord,
    email: &str,
) -> Result<Result<String, String>, AppError> {
    let Some((uid, upublic, name, old_team)) = user_by_email(conn, scope, email)? else {
        return Ok(Err(
            "No active user of your organization has this e-mail.".to_string()
        ));
    };
    if old_team == Some(team.id) {
        return Ok(Err(format!("{name} is a member already.")));
    }
    let old_name: Option<String> = match old_team {
        Some(ot) => teams::table
            .filter(teams::organization_id.eq(scope.id()))
            .filter(teams::id.eq(ot))
            .select(teams::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    join(conn, scope, uid, Some(team.id))?;
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::UPDATE, "user")
            .entity(upublic)
            .old(json!({ "team": old_name }))
            .new_values(json!({ "team": team.name })),
    )?;
    Ok(Ok(match old_name {
        Some(o) => format!("{name} moved from {o} to this team."),
        None => format!("{name} joined the team."),
    }))
}

pub(super) async fn remove_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(PublicId, PublicId)>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let (id, user) = path.into_inner();
    let actor = ctx.actor();
    db::run(&state.pool, move |conn| {
        let team = find(conn, scope, id)?;
        write_tx(conn, |conn| {
            let uid: i64 = users::table
                .filter(users::organization_id.eq(scope.id()))
                .filter(users::public_id.eq(user))
                .filter(users::team_id.eq(team.id))
                .select(users::id)
                .first(conn)?;
            join(conn, scope, uid, None)?;
            if team.lead_user_id == Some(uid) {
                diesel::update(
                    teams::table
                        .find(team.id)
                        .filter(teams::organization_id.eq(scope.id())),
                )
                .set(teams::lead_user_id.eq(None::<i64>))
                .execute(conn)?;
            }
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::UPDATE, "user")
                    .entity(user)
                    .old(json!({ "team": team.name }))
                    .new_values(json!({ "team": null })),
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Flash::success(&ctx.session, "The member left the team.");
    Ok(see_other(&format!("/admin/teams/{id}")))
}
