//! `/admin/teams` (teams.manage): teams with a lead and members (a user is in at most one team,
//! `users.team_id`), and the projects of each team.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::{projects, teams, users};
use crate::web::form::{self, FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

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

fn parse(raw: &str) -> Result<PublicId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[derive(Debug, Clone, Queryable)]
pub struct TeamRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub description: Option<String>,
    pub lead_user_id: Option<i64>,
    pub is_active: bool,
}

fn find(conn: &mut AnyConnection, scope: OrgScope, id: PublicId) -> QueryResult<TeamRecord> {
    teams::table
        .filter(teams::organization_id.eq(scope.id()))
        .filter(teams::public_id.eq(id))
        .select((
            teams::id,
            teams::public_id,
            teams::name,
            teams::description,
            teams::lead_user_id,
            teams::is_active,
        ))
        .first(conn)
}

/// An active user: (id, public id, name, team).
type Member = (i64, PublicId, String, Option<i64>);
/// A team with its lead's names.
type TeamRow = (i64, PublicId, String, bool, Option<String>, Option<String>);

/// An active user of the organization by e-mail.
fn user_by_email(
    conn: &mut AnyConnection,
    scope: OrgScope,
    email: &str,
) -> QueryResult<Option<Member>> {
    let row: Option<(i64, PublicId, String, String, Option<i64>)> = users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::email.eq(email.trim().to_lowercase()))
        .filter(users::is_active.eq(true))
        .select((
            users::id,
            users::public_id,
            users::first_name,
            users::last_name,
            users::team_id,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, p, f, l, t)| (id, p, format!("{f} {l}"), t)))
}

fn user_email(conn: &mut AnyConnection, id: Option<i64>) -> QueryResult<Option<String>> {
    match id {
        Some(id) => users::table
            .find(id)
            .select(users::email)
            .first(conn)
            .optional(),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------------
// Teams

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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TeamForm {
    pub name: String,
    pub description: String,
    /// The lead's e-mail; empty for none.
    pub lead: String,
    pub is_active: Option<String>,
}

pub struct MemberLine {
    pub public_id: PublicId,
    pub name: String,
    pub email: String,
}

pub struct ProjectLine {
    pub public_id: PublicId,
    pub name: String,
    pub status: &'static str,
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

struct ValidTeam {
    name: String,
    description: Option<String>,
    lead: Option<Member>,
    is_active: bool,
}

fn validate_team(
    conn: &mut AnyConnection,
    scope: OrgScope,
    f: &TeamForm,
    except: Option<i64>,
) -> Result<ValidTeam, FormError> {
    let mut e = FieldErrors::default();
    let name = e.check("name", form::required(&f.name, "a name", 100));
    let description = e.check("description", form::optional(&f.description, 1000));
    let lead = if f.lead.trim().is_empty() {
        None
    } else {
        let found = user_by_email(conn, scope, &f.lead)?;
        if found.is_none() {
            e.add(
                "lead",
                "No active user of your organization has this e-mail.",
            );
        }
        found
    };
    if let Some(n) = &name {
        let taken: Option<i64> = teams::table
            .filter(teams::organization_id.eq(scope.id()))
            .filter(crate::db::lower(teams::name).eq(n.to_lowercase()))
            .select(teams::id)
            .first(conn)
            .optional()?;
        if taken.is_some_and(|id| Some(id) != except) {
            e.add("name", "Another team has this name.");
        }
    }
    match (name, description, e.is_empty()) {
        (Some(name), Some(description), true) => Ok(ValidTeam {
            name,
            description,
            lead,
            is_active: f.is_active.is_some(),
        }),
        _ => Err(FormError::Invalid(e)),
    }
}

fn team_json(v: &ValidTeam) -> Value {
    json!({
        "name": v.name,
        "description": v.description,
        "lead": v.lead.as_ref().map(|l| l.2.clone()),
        "is_active": v.is_active,
    })
}

/// Makes the lead a member of the team (moving them from another team if need be).
fn join(conn: &mut AnyConnection, user_id: i64, team_id: Option<i64>) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::team_id.eq(team_id), users::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
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
            let t = now();
            let public_id = PublicId::new();
            let id: i64 = diesel::insert_into(teams::table)
                .values((
                    teams::public_id.eq(public_id),
                    teams::organization_id.eq(scope.id()),
                    teams::name.eq(&v.name),
                    teams::description.eq(&v.description),
                    teams::lead_user_id.eq(v.lead.as_ref().map(|l| l.0)),
                    teams::created_at.eq(t),
                    teams::updated_at.eq(t),
                ))
                .returning(teams::id)
                .get_result(conn)?;
            if let Some(lead) = &v.lead {
                join(conn, lead.0, Some(id))?;
            }
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::CREATE, "team")
                    .entity(public_id)
                    .new_values(team_json(&v)),
            )?;
            Ok(public_id)
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

fn load_page_data(
    conn: &mut AnyConnection,
    scope: OrgScope,
    team: &TeamRecord,
) -> QueryResult<PageData> {
    let members = users::table
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::team_id.eq(team.id))
        .order((users::last_name, users::first_name))
        .select((
            users::public_id,
            users::first_name,
            users::last_name,
            users::email,
        ))
        .load::<(PublicId, String, String, String)>(conn)?
        .into_iter()
        .map(|(public_id, f, l, email)| MemberLine {
            public_id,
            name: format!("{f} {l}"),
            email,
        })
        .collect();
    let projects = projects::table
        .inner_join(users::table.on(users::id.eq(projects::created_by_id)))
        .filter(projects::organization_id.eq(scope.id()))
        .filter(projects::team_id.eq(team.id))
        .order((projects::name, projects::id))
        .select((
            projects::public_id,
            projects::name,
            projects::status,
            projects::start_date,
            projects::end_date,
            users::first_name,
            users::last_name,
        ))
        .load::<(
            PublicId,
            String,
            String,
            Option<NaiveDate>,
            Option<NaiveDate>,
            String,
            String,
        )>(conn)?
        .into_iter()
        .map(|(public_id, name, status, start, end, f, l)| ProjectLine {
            public_id,
            name,
            status: status_label(&status),
            start: start.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            end: end.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            creator: format!("{f} {l}"),
        })
        .collect();
    Ok((members, projects))
}

fn team_form(conn: &mut AnyConnection, team: &TeamRecord) -> QueryResult<TeamForm> {
    Ok(TeamForm {
        name: team.name.clone(),
        description: team.description.clone().unwrap_or_default(),
        lead: user_email(conn, team.lead_user_id)?.unwrap_or_default(),
        is_active: team.is_active.then(|| "on".into()),
    })
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = parse(&path)?;
    let (team, form, data) = db::run(&state.pool, move |conn| {
        let team = find(conn, scope, id)?;
        let form = team_form(conn, &team)?;
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
    path: web::Path<String>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = parse(&path)?;
    let f = form.into_inner();
    let input = f.clone();
    let actor = ctx.actor();
    let (team, outcome, data) = db::run(&state.pool, move |conn| {
        let team = find(conn, scope, id)?;
        let t = team.clone();
        let outcome = split(write_tx(conn, |conn| {
            let v = validate_team(conn, scope, &input, Some(t.id))?;
            let old_lead = match t.lead_user_id {
                Some(uid) => users::table
                    .find(uid)
                    .select((users::first_name, users::last_name))
                    .first::<(String, String)>(conn)
                    .optional()?
                    .map(|(f, l)| format!("{f} {l}")),
                None => None,
            };
            let old = json!({
                "name": t.name, "description": t.description, "lead": old_lead,
                "is_active": t.is_active,
            });
            let Some((before, after)) = audit::changes(&old, &team_json(&v)) else {
                return Ok(false);
            };
            diesel::update(teams::table.find(t.id))
                .set((
                    teams::name.eq(&v.name),
                    teams::description.eq(&v.description),
                    teams::lead_user_id.eq(v.lead.as_ref().map(|l| l.0)),
                    teams::is_active.eq(v.is_active),
                    teams::updated_at.eq(now()),
                ))
                .execute(conn)?;
            if let Some(lead) = &v.lead
                && lead.3 != Some(t.id)
            {
                join(conn, lead.0, Some(t.id))?;
            }
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::UPDATE, "team")
                    .entity(t.public_id)
                    .old(before)
                    .new_values(after),
            )?;
            Ok(true)
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub email: String,
}

async fn add_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<MemberForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = parse(&path)?;
    let email = form.into_inner().email;
    let actor = ctx.actor();
    let mail = email.clone();
    let (team, outcome, refused) = db::run(&state.pool, move |conn| {
        let team = find(conn, scope, id)?;
        let t = team.clone();
        let outcome = write_tx(conn, |conn| {
            let Some((uid, upublic, name, old_team)) = user_by_email(conn, scope, &mail)? else {
                return Ok::<_, AppError>(Err(
                    "No active user of your organization has this e-mail.".to_string(),
                ));
            };
            if old_team == Some(t.id) {
                return Ok(Err(format!("{name} is a member already.")));
            }
            let old_name: Option<String> = match old_team {
                Some(ot) => teams::table
                    .find(ot)
                    .select(teams::name)
                    .first(conn)
                    .optional()?,
                None => None,
            };
            join(conn, uid, Some(t.id))?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::UPDATE, "user")
                    .entity(upublic)
                    .old(json!({ "team": old_name }))
                    .new_values(json!({ "team": t.name })),
            )?;
            Ok(Ok(match old_name {
                Some(o) => format!("{name} moved from {o} to this team."),
                None => format!("{name} joined the team."),
            }))
        })?;
        let refused = match outcome {
            Ok(_) => None,
            Err(_) => Some((team_form(conn, &team)?, load_page_data(conn, scope, &team)?)),
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

async fn remove_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let (id, user) = path.into_inner();
    let (id, user) = (parse(&id)?, parse(&user)?);
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
            join(conn, uid, None)?;
            if team.lead_user_id == Some(uid) {
                diesel::update(teams::table.find(team.id))
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

// ---------------------------------------------------------------------------------------------
// Projects

pub const PROJECT_STATUSES: [(&str, &str); 4] = [
    ("active", "Active"),
    ("on_hold", "On hold"),
    ("completed", "Completed"),
    ("cancelled", "Cancelled"),
];

fn status_label(s: &str) -> &'static str {
    PROJECT_STATUSES
        .iter()
        .find(|(k, _)| *k == s)
        .map_or("Unknown", |(_, l)| l)
}

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
struct ProjectPage {
    ctx: Ctx,
    team: TeamRecord,
    project: Option<PublicId>,
    creator: Option<String>,
    form: ProjectForm,
    errors: FieldErrors,
    statuses: Vec<(String, String)>,
}

fn project_page(
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
        statuses: PROJECT_STATUSES
            .iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect(),
    }
}

struct ValidProject {
    name: String,
    description: Option<String>,
    status: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

fn validate_project(f: &ProjectForm) -> Result<ValidProject, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = e.check("name", form::required(&f.name, "a name", 100));
    let description = e.check("description", form::optional(&f.description, 2000));
    if !PROJECT_STATUSES.iter().any(|(k, _)| *k == f.status) {
        e.add("status", "Choose a status from the list.");
    }
    let start = e.check("start_date", form::date(&f.start_date)).flatten();
    let end = e.check("end_date", form::date(&f.end_date)).flatten();
    if let (Some(s), Some(en)) = (start, end)
        && en < s
    {
        e.add("end_date", "The end date cannot be before the start date.");
    }
    match (name, description, e.is_empty()) {
        (Some(name), Some(description), true) => Ok(ValidProject {
            name,
            description,
            status: f.status.clone(),
            start,
            end,
        }),
        _ => Err(e),
    }
}

fn project_json(v: &ValidProject) -> Value {
    json!({
        "name": v.name,
        "description": v.description,
        "status": v.status,
        "start_date": v.start.map(|d| d.to_string()),
        "end_date": v.end.map(|d| d.to_string()),
    })
}

async fn new_project(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = parse(&path)?;
    let team = db::run(&state.pool, move |conn| Ok(find(conn, scope, id)?)).await?;
    let form = ProjectForm {
        status: "active".into(),
        ..ProjectForm::default()
    };
    render(&project_page(ctx, team, None, form, FieldErrors::default()))
}

async fn create_project(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ProjectForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = parse(&path)?;
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
                    projects::status.eq(&v.status),
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
struct ProjectRecord {
    id: i64,
    public_id: PublicId,
    team_id: i64,
    name: String,
    description: Option<String>,
    status: String,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    creator_first: String,
    creator_last: String,
}

fn find_project(
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
        .select(teams::public_id)
        .first(conn)?;
    let team = find(conn, scope, team_public)?;
    Ok((p, team))
}

fn project_form(p: &ProjectRecord) -> ProjectForm {
    ProjectForm {
        name: p.name.clone(),
        description: p.description.clone().unwrap_or_default(),
        status: p.status.clone(),
        start_date: p.start_date.map(|d| d.to_string()).unwrap_or_default(),
        end_date: p.end_date.map(|d| d.to_string()).unwrap_or_default(),
    }
}

async fn edit_project(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = parse(&path)?;
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

async fn update_project(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ProjectForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::TeamsManage)?;
    let scope = ctx.scope()?;
    let id = parse(&path)?;
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
        status: p.status.clone(),
        start: p.start_date,
        end: p.end_date,
    };
    let changes = audit::changes(&project_json(&old), &project_json(&v));
    let (actor, pid, ppublic) = (ctx.actor(), p.id, p.public_id);
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let Some((before, after)) = changes else {
                return Ok::<_, AppError>(());
            };
            diesel::update(projects::table.find(pid))
                .set((
                    projects::name.eq(&v.name),
                    projects::description.eq(&v.description),
                    projects::status.eq(&v.status),
                    projects::start_date.eq(v.start),
                    projects::end_date.eq(v.end),
                    projects::updated_at.eq(now()),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::UPDATE, "project")
                    .entity(ppublic)
                    .old(before)
                    .new_values(after),
            )?;
            Ok(())
        })
    })
    .await?;
    Flash::success(&ctx.session, "The project is saved.");
    Ok(see_other(&format!("/admin/teams/{}", team.public_id)))
}
