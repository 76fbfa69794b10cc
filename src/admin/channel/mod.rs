//! `/admin/partners` and `/admin/distributors` (org.manage): the channel's companies, their
//! users, and the assignments of partners to distributors. Ending an assignment hides the
//! partner's rows from the distributor at once (the channel scope reads assignments with every
//! request); each assignment and ending is in the audit log, which the distributor's page shows
//! as its history.

pub mod form;
pub mod queries;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use self::form::{CompanyForm, audit_json};
use self::queries::{Assignment, Company, CompanyValues, Kind};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, PublicId, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::form::{FormError, is_unique_violation, split};
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

/// Partners and distributors share their pages; each handler reads which from the path
/// (`kind_of`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/partners", web::get().to(list))
        .route("/admin/partners", web::post().to(add))
        .route("/admin/partners/new", web::get().to(new))
        .route("/admin/partners/{id}", web::get().to(show))
        .route("/admin/partners/{id}", web::post().to(update))
        .route("/admin/partners/{id}/edit", web::get().to(edit))
        .route("/admin/distributors", web::get().to(list))
        .route("/admin/distributors", web::post().to(add))
        .route("/admin/distributors/new", web::get().to(new))
        .route("/admin/distributors/{id}", web::get().to(show))
        .route("/admin/distributors/{id}", web::post().to(update))
        .route("/admin/distributors/{id}/edit", web::get().to(edit))
        .route(
            "/admin/distributors/{id}/assignments",
            web::post().to(assignment),
        );
}

/// The kind a request's path names ("/admin/partners/…").
fn kind_of(ctx: &Ctx) -> Result<Kind, AppError> {
    ctx.require(Permission::OrgManage)?;
    ctx.path
        .split('/')
        .nth(2)
        .and_then(Kind::parse)
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "admin/channel/list.html")]
struct ListPage {
    ctx: Ctx,
    kind: Kind,
    rows: Vec<Company>,
}

async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&ctx)?;
    let org = ctx.scope()?;
    let rows = db::run(&state.pool, move |conn| Ok(queries::list(conn, org, kind)?)).await?;
    render(&ListPage { ctx, kind, rows })
}

#[derive(Template)]
#[template(path = "admin/channel/form.html")]
struct FormPage {
    ctx: Ctx,
    kind: Kind,
    company: Option<Company>,
    form: CompanyForm,
    errors: FieldErrors,
}

async fn new(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&ctx)?;
    render(&FormPage {
        ctx,
        kind,
        company: None,
        form: CompanyForm::blank(),
        errors: FieldErrors::default(),
    })
}

fn duplicate(e: diesel::result::Error) -> FormError {
    if is_unique_violation(&e) {
        FormError::field(
            "registration_number",
            "Another company has this registration number.",
        )
    } else {
        e.into()
    }
}

async fn add(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&ctx)?;
    let org = ctx.scope()?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let values = form.validate(&mut errors);
    let actor = ctx.actor();
    let saved = match values {
        None => Err(errors),
        Some(v) => {
            db::run(&state.pool, move |conn| {
                split(write_tx(conn, |conn| {
                    let id = queries::insert(conn, org, kind, &v).map_err(duplicate)?;
                    audit::record(
                        conn,
                        &actor,
                        Event::new(Some(org.id()), actions::CREATE, kind.label())
                            .entity(id)
                            .new_values(audit_json(&v)),
                    )?;
                    Ok::<_, FormError>(id)
                }))
            })
            .await?
        }
    };
    match saved {
        Ok(id) => {
            Flash::success(&ctx.session, format!("The {} is added.", kind.label()));
            Ok(see_other(&format!("/admin/{}/{id}", kind.path())))
        }
        Err(errors) => render_status(
            errors.status(),
            &FormPage {
                ctx,
                kind,
                company: None,
                form,
                errors,
            },
        ),
    }
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&ctx)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let company = db::run(&state.pool, move |conn| {
        Ok(queries::find(conn, org, kind, id)?)
    })
    .await?;
    render(&FormPage {
        ctx,
        kind,
        form: CompanyForm::of(&company),
        company: Some(company),
        errors: FieldErrors::default(),
    })
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&ctx)?;
    let org = ctx.scope()?;
    let id = *path;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let values = form.validate(&mut errors);
    let actor = ctx.actor();
    let (company, saved) = db::run(&state.pool, move |conn| {
        let company = queries::find(conn, org, kind, id)?;
        let Some(v) = values else {
            return Ok((company, Err(errors)));
        };
        let saved = split(write_tx(conn, |conn| {
            queries::update(conn, org, kind, company.id, &v).map_err(duplicate)?;
            let old = audit_json(&CompanyValues::of(&company));
            if let Some((old, new)) = audit::changes(&old, &audit_json(&v)) {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(org.id()), actions::UPDATE, kind.label())
                        .entity(company.public_id)
                        .old(old)
                        .new_values(new),
                )?;
            }
            Ok::<_, FormError>(())
        }))?;
        Ok((company, saved))
    })
    .await?;
    match saved {
        Ok(()) => {
            Flash::success(&ctx.session, format!("The {} is saved.", kind.label()));
            Ok(see_other(&format!(
                "/admin/{}/{}",
                kind.path(),
                company.public_id
            )))
        }
        Err(errors) => render_status(
            errors.status(),
            &FormPage {
                ctx,
                kind,
                company: Some(company),
                form,
                errors,
            },
        ),
    }
}

pub struct HistoryLine {
    pub at: When,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "admin/channel/show.html")]
struct ShowPage {
    ctx: Ctx,
    kind: Kind,
    company: Company,
    members: Vec<(PublicId, String, String, String)>,
    assignments: Vec<(Assignment, When)>,
    history: Vec<HistoryLine>,
    partner_options: Vec<(String, String)>,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&ctx)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let read = db::run(&state.pool, move |conn| {
        let company = queries::find(conn, org, kind, id)?;
        Ok(Read {
            members: queries::members(conn, org, kind, company.id)?,
            assignments: queries::assignments(conn, org, kind, company.id)?,
            history: queries::assignment_history(conn, org, company.public_id, 100)?,
            partners: if kind == Kind::Distributor {
                queries::list(conn, org, Kind::Partner)?
            } else {
                Vec::new()
            },
            company,
        })
    })
    .await?;
    render(&ShowPage::build(ctx, kind, read))
}

/// What a partner's or distributor's page reads.
struct Read {
    company: Company,
    members: Vec<(PublicId, String, String, String)>,
    assignments: Vec<Assignment>,
    history: Vec<queries::AssignmentEvent>,
    /// The organization's partners, for a distributor's "assign a partner".
    partners: Vec<Company>,
}

impl ShowPage {
    fn build(ctx: Ctx, kind: Kind, read: Read) -> Self {
        let assigned: Vec<PublicId> = read
            .assignments
            .iter()
            .filter(|a| a.is_active)
            .map(|a| a.partner)
            .collect();
        let partner_options = read
            .partners
            .into_iter()
            .filter(|p| p.is_active && !assigned.contains(&p.public_id))
            .map(|p| (p.public_id.to_string(), p.name))
            .collect();
        let history = read
            .history
            .into_iter()
            .map(|(at, who, values)| history_line(&ctx, at, who, values))
            .collect();
        let assignments = read
            .assignments
            .into_iter()
            .map(|a| {
                let since = ctx.local_time(Some(a.assigned_at));
                (a, since)
            })
            .collect();
        ShowPage {
            ctx,
            kind,
            company: read.company,
            members: read.members,
            assignments,
            history,
            partner_options,
        }
    }
}

/// "Assigned Acme" or "Ended Acme", from an assignment's audit entry.
fn history_line(
    ctx: &Ctx,
    at: chrono::NaiveDateTime,
    who: Option<String>,
    values: Option<String>,
) -> HistoryLine {
    let v: serde_json::Value = values
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let what = if v["active"].as_bool() == Some(true) {
        "Assigned"
    } else {
        "Ended"
    };
    HistoryLine {
        at: ctx.local_time(Some(at)),
        who: who.unwrap_or_else(|| "—".into()),
        what: format!("{what} {}", v["partner"].as_str().unwrap_or("a partner")),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignmentForm {
    partner: String,
    /// "assign" or "end".
    intent: String,
}

async fn assignment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<AssignmentForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let form = form.into_inner();
    // A partner chosen on the form, by its public id; one this organization lacks is not found.
    let partner_id: PublicId = form.partner.parse().map_err(|_| AppError::NotFound)?;
    let assign = match form.intent.as_str() {
        "assign" => true,
        "end" => false,
        _ => return Err(AppError::BadRequest("Choose to assign or to end.".into())),
    };
    let actor = ctx.actor();
    let by = ctx.user.id;
    let (changed, partner_name, distributor) = db::run(&state.pool, move |conn| {
        let distributor = queries::find(conn, org, Kind::Distributor, id)?;
        let partner = queries::find(conn, org, Kind::Partner, partner_id)?;
        write_tx(conn, |conn| {
            let changed = if assign {
                queries::assign(conn, org, distributor.id, partner.id, by)?
            } else {
                queries::end(conn, distributor.id, partner.id)?
            };
            if changed {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(org.id()), actions::UPDATE, "assignment")
                        .entity(distributor.public_id)
                        .new_values(json!({
                            "partner": partner.name,
                            "partner_id": partner.public_id.to_string(),
                            "active": assign,
                        })),
                )?;
            }
            Ok::<_, AppError>((changed, partner.name.clone(), distributor.public_id))
        })
    })
    .await?;
    let message = match (assign, changed) {
        (true, true) => format!(
            "{partner_name} is assigned: the distributor sees its leads, orders and contracts."
        ),
        (false, true) => {
            format!("{partner_name}'s assignment ended: the distributor no longer sees its rows.")
        }
        (true, false) => format!("{partner_name} was assigned already."),
        (false, false) => format!("{partner_name} was not assigned."),
    };
    Flash::success(&ctx.session, message);
    Ok(see_other(&format!("/admin/distributors/{distributor}")))
}
