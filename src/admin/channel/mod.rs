//! `/admin/partners` and `/admin/distributors` (org.manage): the channel's companies, their
//! users, and the assignments of partners to distributors. Ending an assignment hides the
//! partner's rows from the distributor at once (the channel scope reads assignments with every
//! request); each assignment and ending is in the audit log, which the distributor's page shows
//! as its history.

pub mod form;
pub mod queries;
mod show;

use actix_web::{HttpResponse, web};
use askama::Template;

use self::form::{CompanyForm, audit_json};
use self::queries::{Company, CompanyValues, Kind};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, PublicId, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::form::{FormError, is_unique_violation, split};
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

/// Partners and distributors share their pages; each handler reads which from the path
/// (`kind_of`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/partners", web::get().to(list))
        .route("/admin/partners", web::post().to(add))
        .route("/admin/partners/new", web::get().to(new))
        .route("/admin/partners/{id}", web::get().to(show::show))
        .route("/admin/partners/{id}", web::post().to(update))
        .route("/admin/partners/{id}/edit", web::get().to(edit))
        .route("/admin/distributors", web::get().to(list))
        .route("/admin/distributors", web::post().to(add))
        .route("/admin/distributors/new", web::get().to(new))
        .route("/admin/distributors/{id}", web::get().to(show::show))
        .route("/admin/distributors/{id}", web::post().to(update))
        .route("/admin/distributors/{id}/edit", web::get().to(edit))
        .route(
            "/admin/distributors/{id}/assignments",
            web::post().to(show::assignment),
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
