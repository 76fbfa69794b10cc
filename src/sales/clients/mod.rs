//! `/sales/clients` (clients.manage): the clients the user's scope holds (their own, their
//! team's as a lead, all with deals.view_all): find, create, edit, archive. A duplicate e-mail or
//! phone in the organization is pointed out, never refused.

mod bulk;
mod export;
pub mod form;
mod list;
pub mod queries;
mod show;

pub(crate) use list::ListQuery;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::json;

use self::form::{ClientForm, SATISFACTION, audit_json};
use self::queries::{ClientRecord, ClientValues};
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::scope::{RecordScope, ScopeRequest};
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sales/clients", web::get().to(list::list))
        .route("/sales/clients/bulk", web::post().to(bulk::bulk))
        .route("/sales/clients", web::post().to(add))
        .route("/sales/clients/new", web::get().to(new))
        .route("/sales/clients/export.csv", web::get().to(export::export))
        .route("/sales/clients/{id}", web::get().to(show::show))
        .route("/sales/clients/{id}", web::post().to(update))
        .route("/sales/clients/{id}/edit", web::get().to(edit))
        .route("/sales/clients/{id}/archive", web::post().to(archive));
}

/// Clients follow the deals' scope: whoever sees every deal sees every client.
pub(crate) fn scope_request(ctx: &Ctx) -> Result<ScopeRequest, AppError> {
    ctx.require(Permission::ClientsManage)?;
    ScopeRequest::of(ctx, Permission::DealsViewAll)
}

fn options(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

#[derive(Template)]
#[template(path = "sales/clients/form.html")]
struct FormPage {
    ctx: Ctx,
    client: Option<ClientRecord>,
    form: ClientForm,
    errors: FieldErrors,
    satisfaction_options: Vec<(String, String)>,
}

fn form_page(
    ctx: Ctx,
    client: Option<ClientRecord>,
    form: ClientForm,
    errors: FieldErrors,
) -> FormPage {
    FormPage {
        ctx,
        client,
        form,
        errors,
        satisfaction_options: options(&SATISFACTION),
    }
}

async fn new(ctx: Ctx) -> Result<HttpResponse, AppError> {
    scope_request(&ctx)?;
    render(&form_page(
        ctx,
        None,
        ClientForm::default(),
        FieldErrors::default(),
    ))
}

/// Adds a client with its audit entry; inside the caller's transaction (the client form's,
/// or a new deal's that brings its client along).
pub(crate) fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &RecordScope,
    values: &ClientValues,
) -> Result<ClientRecord, AppError> {
    let client = queries::insert(conn, scope, values)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.org().id()), actions::CREATE, "client")
            .entity(client.public_id)
            .new_values(audit_json(values)),
    )?;
    Ok(client)
}

async fn add(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let Some(values) = form.validate(&mut errors) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, None, form, errors),
        );
    };
    let actor = ctx.actor();
    let created = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        write_tx(conn, |conn| create(conn, &actor, &scope, &values))
    })
    .await?;
    Flash::success(&ctx.session, format!("Client {} is added.", created.name));
    Ok(see_other(&format!("/sales/clients/{}", created.public_id)))
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let client = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        Ok(queries::find(conn, &scope, id)?)
    })
    .await?;
    let form = ClientForm::of(&client);
    render(&form_page(ctx, Some(client), form, FieldErrors::default()))
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let values = form.validate(&mut errors);
    let actor = ctx.actor();
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let client = queries::find(conn, &scope, id)?;
        let Some(values) = values else {
            return Ok(Err(client));
        };
        let old = audit_json(&ClientValues::of(&client));
        if let Some((old, new)) = audit::changes(&old, &audit_json(&values)) {
            write_tx(conn, |conn| {
                queries::update(conn, &client, &values)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(scope.org().id()), actions::UPDATE, "client")
                        .entity(client.public_id)
                        .old(old.clone())
                        .new_values(new.clone()),
                )?;
                Ok::<_, AppError>(())
            })?;
        }
        Ok(Ok(client.public_id))
    })
    .await?;
    match outcome {
        Ok(public_id) => {
            Flash::success(&ctx.session, "The client is saved.");
            Ok(see_other(&format!("/sales/clients/{public_id}")))
        }
        Err(client) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, Some(client), form, errors),
        ),
    }
}

/// Archives an active client or restores an archived one. A client is never deleted: deals,
/// payments and calls keep pointing at it.
async fn archive(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let actor = ctx.actor();
    let (public_id, active) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let client = queries::find(conn, &scope, id)?;
        let active = !client.is_active;
        write_tx(conn, |conn| {
            queries::set_active(conn, &client, active)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.org().id()), actions::UPDATE, "client")
                    .entity(client.public_id)
                    .old(json!({ "is_active": client.is_active }))
                    .new_values(json!({ "is_active": active })),
            )?;
            Ok::<_, AppError>((client.public_id, active))
        })
    })
    .await?;
    Flash::success(
        &ctx.session,
        if active {
            "The client is active again."
        } else {
            "The client is archived: it stays on its records and can be restored."
        },
    );
    Ok(see_other(&format!("/sales/clients/{public_id}")))
}
