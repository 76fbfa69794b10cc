//! `/admin/settings/loss-reasons` (org.manage): the reasons a lost call can give, unique by name
//! within the organization; an inactive reason stays on past calls but is no longer offered.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::loss_reasons;
use crate::web::form::{self, FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/settings/loss-reasons", web::get().to(list))
        .route("/admin/settings/loss-reasons", web::post().to(create))
        .route("/admin/settings/loss-reasons/{id}", web::get().to(edit))
        .route("/admin/settings/loss-reasons/{id}", web::post().to(update));
}

#[derive(Debug, Clone, Queryable)]
pub struct Reason {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub description: Option<String>,
    pub is_active: bool,
}

fn all(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<Vec<Reason>> {
    loss_reasons::table
        .filter(loss_reasons::organization_id.eq(scope.id()))
        .order((loss_reasons::is_active.desc(), loss_reasons::name))
        .select((
            loss_reasons::id,
            loss_reasons::public_id,
            loss_reasons::name,
            loss_reasons::description,
            loss_reasons::is_active,
        ))
        .load(conn)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReasonForm {
    pub name: String,
    pub description: String,
    pub is_active: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/settings/loss_reasons.html")]
struct ListPage {
    ctx: Ctx,
    reasons: Vec<Reason>,
    /// The reason being edited, or `None` for the "add" form.
    editing: Option<Reason>,
    form: ReasonForm,
    errors: FieldErrors,
}

async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let scope = ctx.scope()?;
    let reasons = db::run(&state.pool, move |c| Ok(all(c, scope)?)).await?;
    render(&ListPage {
        ctx,
        reasons,
        editing: None,
        form: ReasonForm::default(),
        errors: FieldErrors::default(),
    })
}

struct Valid {
    name: String,
    description: Option<String>,
    is_active: bool,
}

fn validate(
    conn: &mut AnyConnection,
    scope: OrgScope,
    f: &ReasonForm,
    except: Option<i64>,
) -> Result<Valid, FormError> {
    let mut e = FieldErrors::default();
    let name = e.check("name", form::required(&f.name, "a reason", 100));
    let description = e.check("description", form::optional(&f.description, 500));
    if let Some(n) = &name {
        let taken = all(conn, scope)?
            .iter()
            .any(|r| Some(r.id) != except && r.name.to_lowercase() == n.to_lowercase());
        if taken {
            e.add("name", "This reason is in the list already.");
        }
    }
    match (name, description, e.is_empty()) {
        (Some(name), Some(description), true) => Ok(Valid {
            name,
            description,
            is_active: f.is_active.is_some(),
        }),
        _ => Err(FormError::Invalid(e)),
    }
}

fn reason_json(v: &Valid) -> Value {
    json!({ "name": v.name, "description": v.description, "is_active": v.is_active })
}

async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let scope = ctx.scope()?;
    let mut f = form.into_inner();
    f.is_active = Some("on".into());
    let (actor, input) = (ctx.actor(), f.clone());
    let (outcome, reasons) = db::run(&state.pool, move |conn| {
        let outcome = split(write_tx(conn, |conn| {
            let v = validate(conn, scope, &input, None)?;
            let t = now();
            let public_id = PublicId::new();
            diesel::insert_into(loss_reasons::table)
                .values((
                    loss_reasons::public_id.eq(public_id),
                    loss_reasons::organization_id.eq(scope.id()),
                    loss_reasons::name.eq(&v.name),
                    loss_reasons::description.eq(&v.description),
                    loss_reasons::created_at.eq(t),
                    loss_reasons::updated_at.eq(t),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::CREATE, "loss_reason")
                    .entity(public_id)
                    .new_values(reason_json(&v)),
            )?;
            Ok(v.name)
        }))?;
        Ok((outcome, all(conn, scope)?))
    })
    .await?;
    match outcome {
        Ok(name) => {
            Flash::success(&ctx.session, format!("\"{name}\" is added."));
            Ok(see_other("/admin/settings/loss-reasons"))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ListPage {
                ctx,
                reasons,
                editing: None,
                form: f,
                errors,
            },
        ),
    }
}

fn find(conn: &mut AnyConnection, scope: OrgScope, id: PublicId) -> Result<Reason, AppError> {
    Ok(loss_reasons::table
        .filter(loss_reasons::organization_id.eq(scope.id()))
        .filter(loss_reasons::public_id.eq(id))
        .select((
            loss_reasons::id,
            loss_reasons::public_id,
            loss_reasons::name,
            loss_reasons::description,
            loss_reasons::is_active,
        ))
        .first(conn)?)
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let scope = ctx.scope()?;
    let raw = path.into_inner();
    let (reason, reasons) = db::run(&state.pool, move |conn| {
        Ok((find(conn, scope, raw)?, all(conn, scope)?))
    })
    .await?;
    let form = ReasonForm {
        name: reason.name.clone(),
        description: reason.description.clone().unwrap_or_default(),
        is_active: reason.is_active.then(|| "on".into()),
    };
    render(&ListPage {
        ctx,
        reasons,
        editing: Some(reason),
        form,
        errors: FieldErrors::default(),
    })
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let scope = ctx.scope()?;
    let raw = path.into_inner();
    let f = form.into_inner();
    let (actor, input) = (ctx.actor(), f.clone());
    let (reason, outcome, reasons) = db::run(&state.pool, move |conn| {
        let reason = find(conn, scope, raw)?;
        let r = reason.clone();
        let outcome = split(write_tx(conn, |conn| {
            let v = validate(conn, scope, &input, Some(r.id))?;
            Ok(save(conn, &actor, scope, &r, &v)?)
        }))?;
        Ok((reason, outcome, all(conn, scope)?))
    })
    .await?;
    match outcome {
        Ok(()) => {
            Flash::success(&ctx.session, "The loss reason is saved.");
            Ok(see_other("/admin/settings/loss-reasons"))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ListPage {
                ctx,
                reasons,
                editing: Some(reason),
                form: f,
                errors,
            },
        ),
    }
}

/// Writes the reason's new values, audited with what changed; nothing when nothing did.
fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: OrgScope,
    r: &Reason,
    v: &Valid,
) -> QueryResult<()> {
    let old = Valid {
        name: r.name.clone(),
        description: r.description.clone(),
        is_active: r.is_active,
    };
    let Some((before, after)) = audit::changes(&reason_json(&old), &reason_json(v)) else {
        return Ok(());
    };
    diesel::update(
        loss_reasons::table
            .filter(loss_reasons::organization_id.eq(scope.id()))
            .filter(loss_reasons::id.eq(r.id)),
    )
    .set((
        loss_reasons::name.eq(&v.name),
        loss_reasons::description.eq(&v.description),
        loss_reasons::is_active.eq(v.is_active),
        loss_reasons::updated_at.eq(now()),
    ))
    .execute(conn)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::UPDATE, "loss_reason")
            .entity(r.public_id)
            .old(before)
            .new_values(after),
    )
}
