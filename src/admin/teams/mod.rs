//! `/admin/teams` (teams.manage): teams with a lead and members (a user is in at most one team,
//! `users.team_id`), and the projects of each team.

mod form;
mod members;
mod project;
mod queries;
mod save;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;

use self::form::{TeamForm, validate_team};
use self::members::{add_member, remove_member};
use self::project::{create_project, edit_project, new_project, update_project};
use self::queries::{TeamRecord, TeamRow, find, load_page_data, team_form};
use crate::AppState;
use crate::db::{self, PublicId, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::{projects, teams, users};
use crate::web::form::split;
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/teams", web::get().to(list))
        .route("/admin/teams", web::post().to(create))
        .route("/admin/teams/new", web::get().to(new))
        .route("/admin/teams/{id}", web::get().to(show))
        .route("/admin/teams/{id}", web::post().to(update))
        .route("/admin/teams/{id}/members", web::post().to(add_member))
        .route(
            "/admin/teams/{id}/members/{user}/remove",
            web::post().to(remove_member),
        )
        .route("/admin/teams/{id}/projects/new", web::get().to(new_project))
        .route("/admin/teams/{id}/projects", web::post().to(create_project))
        .route("/admin/projects/{id}", web::get().to(edit_project))
        .route("/admin/projects/{id}", web::post().to(update_project));
}

pub struct TeamLine {
    pub public_id: PublicId,
    pub name: String,
    pub lead: Option<String>,
    pub members: i64,
    pub projects: i64,
    pub is_active: bool,
}

#[derive(Template)]
#[template(path = "admin/teams/list.html")]
struct ListPage {
    ctx: Ctx,
    teams: Vec<TeamLine>,
}

async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let teams = db::run(&state.pool, move |conn| {
        let org = scope.id();
        let rows: Vec<TeamRow> = teams::table
            .left_join(users::table.on(users::id.nullable().eq(teams::lead_user_id)))
            .filter(teams::organization_id.eq(org))
            .order((teams::is_active.desc(), teams::name))
            .select((
                teams::id,
                teams::public_id,
                teams::name,
                teams::is_active,
                users::first_name.nullable(),
                users::last_name.nullable(),
            ))
            .load(conn)?;
        let members: Vec<(Option<i64>, i64)> = users::table
            .filter(users::organization_id.eq(org))
            .filter(users::team_id.is_not_null())
            .group_by(users::team_id)
            .select((users::team_id, diesel::dsl::count_star()))
            .load(conn)?;
        let projects: Vec<(i64, i64)> = projects::table
            .filter(projects::organization_id.eq(org))
            .group_by(projects::team_id)
            .select((projects::team_id, diesel::dsl::count_star()))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(id, public_id, name, is_active, first, last)| TeamLine {
                public_id,
                name,
                lead: first.zip(last).map(|(f, l)| format!("{f} {l}")),
                members: members
                    .iter()
                    .find(|(t, _)| *t == Some(id))
                    .map_or(0, |m| m.1),
                projects: projects.iter().find(|(t, _)| *t == id).map_or(0, |p| p.1),
                is_active,
            })
            .collect())
    })
    .await?;
    render(&ListPage { ctx, teams })
}

pub struct MemberLine {
    pub public_id: PublicId,
    pub name: String,
    pub email: String,
}

pub struct ProjectLine {
    pub public_id: PublicId,
    pub name: String,
    pub status: crate::domain::ProjectStatus,
    pub start: String,
    pub end: String,
    pub creator: String,
}

#[derive(Template)]
#[template(path = "admin/teams/show.html")]
struct TeamPage {
    ctx: Ctx,
    team: Option<TeamRecord>,
    form: TeamForm,
    errors: FieldErrors,
    members: Vec<MemberLine>,
    projects: Vec<ProjectLine>,
    member_email: String,
    member_error: Option<String>,
}

/// A team's members and projects, as its page lists them.
type PageData = (Vec<MemberLine>, Vec<ProjectLine>);

fn team_page(
    ctx: Ctx,
    team: Option<TeamRecord>,
    form: TeamForm,
    errors: FieldErrors,
    (members, projects): PageData,
) -> TeamPage {
    TeamPage {
        ctx,
        team,
        form,
        errors,
        members,
        projects,
        member_email: String::new(),
        member_error: None,
    }
}

async fn new(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    ctx.scope()?;
    let form = TeamForm {
        is_active: Some("on".into()),
        ..TeamForm::default()
    };
    render(&team_page(
        ctx,
        None,
        form,
        FieldErrors::default(),
        PageData::default(),
    ))
}

async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let mut f = form.into_inner();
    f.is_active = Some("on".into());
    let actor = ctx.actor();
    let input = f.clone();
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            let v = validate_team(conn, scope, &input, None)?;
            Ok(save::create(conn, &actor, scope, &v)?)
        }))
    })
    .await?;
    match outcome {
        Ok(id) => {
            Flash::success(&ctx.session, "The team is created.");
            Ok(see_other(&format!("/admin/teams/{id}")))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &team_page(ctx, None, f, errors, PageData::default()),
        ),
    }
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = *path;
    let (team, form, data) = db::run(&state.pool, move |conn| {
        let team = find(conn, scope, id)?;
        let form = team_form(conn, scope, &team)?;
        let data = load_page_data(conn, scope, &team)?;
        Ok((team, form, data))
    })
    .await?;
    render(&team_page(
        ctx,
        Some(team),
        form,
        FieldErrors::default(),
        data,
    ))
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = *path;
    let f = form.into_inner();
    let input = f.clone();
    let actor = ctx.actor();
    let (team, outcome, data) = db::run(&state.pool, move |conn| {
        let team = find(conn, scope, id)?;
        let t = team.clone();
        let outcome = split(write_tx(conn, |conn| {
            let v = validate_team(conn, scope, &input, Some(t.id))?;
            Ok(save::update(conn, &actor, scope, &t, &v)?)
        }))?;
        // The form comes back with the team's lists when it was refused.
        let data = match outcome {
            Ok(_) => PageData::default(),
            Err(_) => load_page_data(conn, scope, &team)?,
        };
        Ok((team, outcome, data))
    })
    .await?;
    match outcome {
        Ok(changed) => {
            Flash::success(
                &ctx.session,
                if changed {
                    "The team is saved."
                } else {
                    "Nothing changed."
                },
            );
            Ok(see_other(&format!("/admin/teams/{id}")))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &team_page(ctx, Some(team), f, errors, data),
        ),
    }
}
