//! `/sales/calls` (calls.log, or calls.view_all to look): the calls of the user's scope with
//! filters and the metrics of the chosen range (default: the last 30 days) for the user, their
//! team and, as the scope allows, each person and team; logging a call and editing one's own.

pub mod form;
mod list;
pub mod metrics;
pub mod queries;
pub mod rollup;

pub(crate) use self::list::load_metrics;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use self::form::{CallForm, Choices};
use self::queries::CallRecord;
use super::choices::{ClientPicker, client_choices, picker_options};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::domain::{CallOutcome, CallStatus, CallType, choices};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::scope::{RecordScope, ScopeRequest};
use crate::web::dates::datetime_input;
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sales/calls", web::get().to(list::list))
        .route("/sales/calls", web::post().to(create))
        .route("/sales/calls/new", web::get().to(new))
        .route("/sales/calls/{id}", web::post().to(update))
        .route("/sales/calls/{id}/edit", web::get().to(edit));
}

fn scope_request(ctx: &Ctx) -> Result<ScopeRequest, AppError> {
    ctx.require_any(&[Permission::CallsLog, Permission::CallsViewAll])?;
    ScopeRequest::of(ctx, Permission::CallsViewAll)
}

#[derive(Template)]
#[template(path = "sales/calls/form.html")]
struct FormPage {
    ctx: Ctx,
    call: Option<CallRecord>,
    form: CallForm,
    errors: FieldErrors,
    client_options: Vec<(String, String)>,
    picker: ClientPicker,
    reason_options: Vec<(String, String)>,
    type_options: Vec<(String, String)>,
    status_options: Vec<(String, String)>,
    outcome_options: Vec<(String, String)>,
    /// "When (Europe/Berlin (CET))"
    when_label: String,
}

/// `form`: what the form was sent with, for its client picker.
fn load_choices(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    form: &CallForm,
) -> Result<Choices, AppError> {
    Ok(Choices {
        picker: client_choices(conn, scope, &form.client_q, &form.client, form.finding())?,
        reasons: queries::reason_choices(conn, scope)?,
    })
}

/// The form as sent back: with its errors (422), or with the clients found (200), the one
/// found chosen.
fn form_page(
    ctx: Ctx,
    call: Option<CallRecord>,
    mut form: CallForm,
    errors: FieldErrors,
    c: &Choices,
) -> FormPage {
    c.picker.choose_only(&mut form.client);
    let named = |first: &str, items: &[(i64, PublicId, String)]| {
        let mut v = vec![(String::new(), first.to_string())];
        v.extend(items.iter().map(|(_, p, n)| (p.to_string(), n.clone())));
        v
    };
    FormPage {
        when_label: format!("When ({})", ctx.timezone_label()),
        ctx,
        call,
        form,
        errors,
        client_options: picker_options("A prospect, not a client yet", &c.picker),
        picker: c.picker.clone(),
        reason_options: named("Choose a reason", &c.reasons),
        type_options: choices::coded::<CallType>(),
        status_options: choices::coded::<CallStatus>(),
        outcome_options: choices::any_of::<CallOutcome>("No outcome yet"),
    }
}

#[derive(Deserialize)]
struct NewQuery {
    client: Option<String>,
}

async fn new(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CallsLog)?;
    let request = scope_request(&ctx)?;
    let now_local = datetime_input(crate::db::now(), ctx.timezone());
    let form = CallForm::blank(now_local, query.into_inner().client);
    let f = form.clone();
    let choices = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        load_choices(conn, &scope, &f)
    })
    .await?;
    render(&form_page(
        ctx,
        None,
        form,
        FieldErrors::default(),
        &choices,
    ))
}

fn audit_json(v: &queries::CallValues) -> serde_json::Value {
    json!({
        "prospect": v.prospect_name,
        "type": v.call_type,
        "status": v.status,
        "outcome": v.outcome,
        "at": v.completed_at.to_string(),
        "rescheduled_to": v.rescheduled_to.map(|t| t.to_string()),
        "notes": v.notes,
    })
}

async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<CallForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CallsLog)?;
    let request = scope_request(&ctx)?;
    let form = form.into_inner();
    let f = form.clone();
    let actor = ctx.actor();
    let tz = ctx.timezone();
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let choices = load_choices(conn, &scope, &f)?;
        let mut errors = FieldErrors::default();
        if f.finding() {
            return Ok(Err((errors, choices)));
        }
        let Some(v) = f.validate(&choices, tz, &mut errors) else {
            return Ok(Err((errors, choices)));
        };
        write_tx(conn, |conn| {
            let call = queries::insert(conn, &scope, &v)?;
            rollup::recompute_day(
                conn,
                call.organization_id,
                call.user_id,
                v.completed_at.date(),
            )?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.org().id()), actions::CREATE, "call")
                    .entity(call.public_id)
                    .new_values(audit_json(&v)),
            )
        })?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => {
            Flash::success(&ctx.session, "The call is logged.");
            Ok(see_other("/sales/calls"))
        }
        Err((errors, choices)) => render_status(
            errors.status(),
            &form_page(ctx, None, form, errors, &choices),
        ),
    }
}

/// One's own call of the scope: 404 outside it, 403 for a colleague's.
fn own(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    id: PublicId,
) -> Result<CallRecord, AppError> {
    let call = queries::find(conn, scope, id)?;
    if call.user_id != scope.user_id() {
        return Err(AppError::Forbidden);
    }
    Ok(call)
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CallsLog)?;
    let request = scope_request(&ctx)?;
    let tz = ctx.timezone();
    let (call, form, choices) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let call = own(conn, &scope, *path)?;
        let (client, reason) = queries::form_ids(conn, &call)?;
        let form = CallForm::of(&call, client, reason, tz);
        let choices = load_choices(conn, &scope, &form)?;
        Ok((call, form, choices))
    })
    .await?;
    render(&form_page(
        ctx,
        Some(call),
        form,
        FieldErrors::default(),
        &choices,
    ))
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<CallForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CallsLog)?;
    let request = scope_request(&ctx)?;
    let form = form.into_inner();
    let f = form.clone();
    let actor = ctx.actor();
    let tz = ctx.timezone();
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let call = own(conn, &scope, *path)?;
        let choices = load_choices(conn, &scope, &f)?;
        let mut errors = FieldErrors::default();
        if f.finding() {
            return Ok(Err((call, errors, choices)));
        }
        let Some(v) = f.validate(&choices, tz, &mut errors) else {
            return Ok(Err((call, errors, choices)));
        };
        write_tx(conn, |conn| {
            queries::update(conn, &call, &v)?;
            let days = call.completed_at.map(|t| t.date()).into_iter();
            for day in days.chain([v.completed_at.date()]) {
                rollup::recompute_day(conn, call.organization_id, call.user_id, day)?;
            }
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.org().id()), actions::UPDATE, "call")
                    .entity(call.public_id)
                    .new_values(audit_json(&v)),
            )
        })?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => {
            Flash::success(&ctx.session, "The call is saved.");
            Ok(see_other("/sales/calls"))
        }
        Err((call, errors, choices)) => render_status(
            errors.status(),
            &form_page(ctx, Some(call), form, errors, &choices),
        ),
    }
}
