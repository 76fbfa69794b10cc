//! A team's projects: create and edit, with a status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use super::queries::{TeamRecord, find};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::domain::{ProjectStatus, choices};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::{projects, teams, users};
use crate::web::dates;
use crate::web::form;
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectForm {
    pub name: String,
    pub description: String,
    pub status: String,
    pub start_date: String,
    pub end_date: String,
}

#[derive(Template)]
#[template(path = "admin/teams/project.html")]
pub(super) struct ProjectPage {
    pub(super) ctx: Ctx,
    pub(super) team: TeamRecord,
    pub(super) project: Option<PublicId>,
    pub(super) creator: Option<String>,
    pub(super) form: ProjectForm,
    pub(super) errors: FieldErrors,
    pub(super) statuses: Vec<(String, String)>,
}

pub(super) fn project_page(
    ctx: Ctx,
    team: TeamRecord,
    project: Option<PublicId>,
    form: ProjectForm,
    errors: FieldErrors,
) -> ProjectPage {
    ProjectPage {
        ctx,
        team,
        project,
        creator: None,
        form,
        errors,
        statuses: choices::coded::<ProjectStatus>(),
    }
}

pub(super) struct ValidProject {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) status: ProjectStatus,
    pub(super) start: Option<NaiveDate>,
    pub(super) end: Option<NaiveDate>,
}

pub(super) fn validate_project(f: &ProjectForm) -> Result<ValidProject, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = e.check("name", form::required(&f.name, "a name", 100));
    let description = e.check("description", form::optional(&f.description, 2000));
    let status = ProjectStatus::parse(&f.status);
    if status.is_none() {
        e.add("status", "Choose a status from the list.");
    }
    let start = e.check("start_date", dates::date(&f.start_date)).flatten();
    let end = e.check("end_date", dates::date(&f.end_date)).flatten();
    if let (Some(s), Some(en)) = (start, end)
        && en < s
    {
        e.add("end_date", "The end date cannot be before the start date.");
    }
    match (name, description, status, e.is_empty()) {
        (Some(name), Some(description), Some(status), true) => Ok(ValidProject {
            name,
            description,
            status,
            start,
            end,
        }),
        _ => Err(e),
    }
}

pub(super) fn project_json(v: &ValidProject) -> Value {
    json!({
        "name": v.name,
        "description": v.description,
        "status": v.status.code(),
        "start_date": v.start.map(|d| d.to_string()),
        "end_date": v.end.map(|d| d.to_string()),
    })
}

pub(super) async fn new_project(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = *path;
    let team = db::run(&state.pool, move |conn| Ok(find(conn, scope, id)?)).await?;
    let form = ProjectForm {
        status: ProjectStatus::Active.code().into(),
        ..ProjectForm::default()
    };
    render(&project_page(ctx, team, None, form, FieldErrors::default()))
}

pub(super) async fn create_project(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<ProjectForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = *path;
    let team = db::run(&state.pool, move |conn| Ok(find(conn, scope, id)?)).await?;
    let f = form.into_inner();
    let v = match validate_project(&f) {
        Ok(v) => v,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &project_page(ctx, team, None, f, errors),
            );
        }
    };
    let (actor, me, team_id) = (ctx.actor(), ctx.user.id, team.id);
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let t = now();
            let public_id = PublicId::new();
            diesel::insert_into(projects::table)
                .values((
                    projects::public_id.eq(public_id),
                    projects::organization_id.eq(scope.id()),
                    projects::team_id.eq(team_id),
                    projects::name.eq(&v.name),
                    projects::description.eq(&v.description),
                    projects::status.eq(v.status),
                    projects::start_date.eq(v.start),
                    projects::end_date.eq(v.end),
                    projects::created_by_id.eq(me),
                    projects::created_at.eq(t),
                    projects::updated_at.eq(t),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::CREATE, "project")
                    .entity(public_id)
                    .new_values(project_json(&v)),
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Flash::success(&ctx.session, "The project is created.");
    Ok(see_other(&format!("/admin/teams/{id}")))
}

#[derive(Queryable)]
pub(super) struct ProjectRecord {
    pub(super) id: i64,
    pub(super) public_id: PublicId,
    pub(super) team_id: i64,
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) status: ProjectStatus,
    pub(super) start_date: Option<NaiveDate>,
    pub(super) end_date: Option<NaiveDate>,
    pub(super) creator_first: String,
    pub(super) creator_last: String,
}

pub(super) fn find_project(
    conn: &mut AnyConnection,
    scope: OrgScope,
    id: PublicId,
) -> Result<(ProjectRecord, TeamRecord), AppError> {
    let p: ProjectRecord = projects::table
        .inner_join(users::table.on(users::id.eq(projects::created_by_id)))
        .filter(projects::organization_id.eq(scope.id()))
        .filter(projects::public_id.eq(id))
        .select((
            projects::id,
            projects::public_id,
            projects::team_id,
            projects::name,
            projects::description,
            projects::status,
            projects::start_date,
            projects::end_date,
            users::first_name,
            users::last_name,
        ))
        .first(conn)?;
    let team_public: PublicId = teams::table
        .find(p.team_id)
        .filter(teams::organization_id.eq(scope.id()))
        .select(teams::public_id)
        .first(conn)?;
    let team = find(conn, scope, team_public)?;
    Ok((p, team))
}

pub(super) fn project_form(p: &ProjectRecord) -> ProjectForm {
    ProjectForm {
        name: p.name.clone(),
        description: p.description.clone().unwrap_or_default(),
        status: p.status.code().to_string(),
        start_date: p.start_date.map(|d| d.to_string()).unwrap_or_default(),
        end_date: p.end_date.map(|d| d.to_string()).unwrap_or_default(),
    }
}

pub(super) async fn edit_project(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = *path;
    let (p, team) = db::run(&state.pool, move |conn| find_project(conn, scope, id)).await?;
    let mut page = project_page(
        ctx,
        team,
        Some(p.public_id),
        project_form(&p),
        FieldErrors::default(),
    );
    page.creator = Some(format!("{} {}", p.creator_first, p.creator_last));
    render(&page)
}

pub(super) async fn update_project(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<ProjectForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = *path;
    let (p, team) = db::run(&state.pool, move |conn| find_project(conn, scope, id)).await?;
    let f = form.into_inner();
    let v = match validate_project(&f) {
        Ok(v) => v,
        Err(errors) => {
            let mut page = project_page(ctx, team, Some(p.public_id), f, errors);
            page.creator = Some(format!("{} {}", p.creator_first, p.creator_last));
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let old = ValidProject {
        name: p.name.clone(),
        description: p.description.clone(),
        status: p.status,
        start: p.start_date,
        end: p.end_date,
    };
    let changes = audit::changes(&project_json(&old), &project_json(&v));
    let (actor, pid, ppublic) = (ctx.actor(), p.id, p.public_id);
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            save_project(conn, scope, &actor, (pid, ppublic), &v, changes.clone())
        })
    })
    .await?;
    Flash::success(&ctx.session, "The project is saved.");
    Ok(see_other(&format!("/admin/teams/{}", team.public_id)))
}

/// Saves a project's edit within the organization, audited; nothing when nothing changed.
fn save_project(
    conn: &mut AnyConnection,
    scope: OrgScope,
    actor: &audit::Actor,
    (pid, ppublic): (i64, PublicId),
    v: &ValidProject,
    changes: Option<(Value, Value)>,
) -> Result<(), AppError> {
    let Some((before, after)) = changes else {
        return Ok(());
    };
    diesel::update(
        projects::table
            .find(pid)
            .filter(projects::organization_id.eq(scope.id())),
    )
    .set((
        projects::name.eq(&v.name),
        projects::description.eq(&v.description),
        projects::status.eq(v.status),
        projects::start_date.eq(v.start),
        projects::end_date.eq(v.end),
        projects::updated_at.eq(now()),
    ))
    .execute(conn)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::UPDATE, "project")
            .entity(ppublic)
            .old(before)
            .new_values(after),
    )?;
    Ok(())
}
