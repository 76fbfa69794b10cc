//! Commissions (DESIGN.md, "Commission"): one row per deal with a verified payment and its
//! owner, kept by `sync` in the transaction of every verification decision: base = what the deal
//! has verified, commission = base × rate (the user's, else the role's, else the organization's
//! default), converted into the organization's currency at the deal's rate, final = converted +
//! bonus − penalty; the bonus is the organization's target bonus once the month's target is
//! reached (`bonus`), or what a manager sets.
//!
//! `/commissions`: a salesperson's statement of their own; with `commissions.view_all` or
//! `commissions.manage` anyone's or everyone's, and with `commissions.manage` a commission is
//! approved, paid, and given a bonus or a penalty (with its reason) on its page.

pub mod bonus;
mod form;
mod list;
pub mod lookup;
mod manage;
pub mod queries;
pub mod rules;

pub use self::queries::sync;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use self::form::AdjustForm;
use self::list::Line;
use self::manage::{Action, Refused};
use crate::AppState;
use crate::db::{self, PublicId};
use crate::domain::CommissionStatus;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::scope::{RecordScope, ScopeRequest};
use crate::web::{Ctx, FieldErrors, Flash, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/commissions", web::get().to(list::list))
        .route("/commissions/export.csv", web::get().to(list::export))
        .route("/commissions/{id}", web::get().to(show))
        .route("/commissions/{id}/approve", web::post().to(approve))
        .route("/commissions/{id}/pay", web::post().to(pay))
        .route("/commissions/{id}/adjust", web::post().to(adjust));
}

/// Whose commissions the signed-in user sees (everyone's, or their own: a commission is its
/// earner's, so a team lead sees only theirs), and in which currency they add up.
fn viewer(ctx: &Ctx) -> Result<RecordScope, AppError> {
    use Permission::*;
    let everyone = [CommissionsViewAll, CommissionsManage];
    if !ctx.perms.any(&everyone) {
        ctx.require(DealsCreate)?;
    }
    Ok(ScopeRequest::of_any(ctx, &everyone)?.personal())
}

#[derive(Template)]
#[template(path = "commissions/show.html")]
struct ShowPage {
    ctx: Ctx,
    line: Line,
    exchange_rate: String,
    paid: crate::web::time::When,
    /// A manager's adjustment form, with its values and errors (none for others, or once paid).
    adjust: Option<(AdjustForm, FieldErrors)>,
    can_manage: bool,
    /// Why the last action did not happen.
    refused: Option<String>,
}

async fn page(
    ctx: Ctx,
    state: &AppState,
    id: PublicId,
    form: Option<(AdjustForm, FieldErrors)>,
    refused: Option<String>,
) -> Result<ShowPage, AppError> {
    let viewer = viewer(&ctx)?;
    let scope = viewer.clone();
    let row = db::run(&state.pool, move |conn| Ok(lookup::find(conn, &scope, id)?)).await?;
    let can_manage = ctx.can(Permission::CommissionsManage);
    let adjust = (can_manage && row.status != CommissionStatus::Paid).then(|| {
        form.unwrap_or_else(|| {
            (
                AdjustForm::of(
                    row.bonus_minor,
                    row.penalty_minor,
                    row.penalty_reason.as_deref(),
                    viewer.currency(),
                ),
                FieldErrors::default(),
            )
        })
    });
    Ok(ShowPage {
        exchange_rate: crate::domain::money::minor_to_input(row.exchange_rate_e4, 4),
        paid: ctx.local_time(row.paid_at),
        line: list::line(&ctx, row, viewer.currency()),
        adjust,
        can_manage,
        refused,
        ctx,
    })
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let p = page(ctx, &state, id, None, None).await?;
    render_status(StatusCode::OK, &p)
}

/// Runs a manager's action; on success back to the commission with a message, else its page
/// again with the reason (409: its status moved on; 403: it is the manager's own).
async fn act(
    ctx: Ctx,
    state: &AppState,
    id: PublicId,
    action: Action,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CommissionsManage)?;
    let viewer = viewer(&ctx)?;
    let actor = ctx.actor();
    let result = db::run(&state.pool, move |conn| {
        match manage::apply(conn, &viewer, &actor, id, &action) {
            Ok(message) => Ok(Ok(message)),
            Err(Refused::App(e)) => Err(e),
            Err(Refused::Conflict(message)) => Ok(Err((StatusCode::CONFLICT, message))),
            Err(Refused::Own(message)) => Ok(Err((StatusCode::FORBIDDEN, message))),
        }
    })
    .await?;
    match result {
        Ok(message) => {
            Flash::success(&ctx.session, message);
            Ok(see_other(&format!("/commissions/{id}")))
        }
        Err((status, message)) => {
            let p = page(ctx, state, id, None, Some(message)).await?;
            render_status(status, &p)
        }
    }
}

async fn approve(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    act(ctx, &state, *path, Action::Approve).await
}

async fn pay(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    act(ctx, &state, *path, Action::Pay).await
}

async fn adjust(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<AdjustForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    ctx.require(Permission::CommissionsManage)?;
    let action = match form.validate(viewer(&ctx)?.currency()) {
        Ok(a) => Action::Adjust(a),
        Err(errors) => {
            let id = *path;
            let p = page(ctx, &state, id, Some((form, errors)), None).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    act(ctx, &state, *path, action).await
}
