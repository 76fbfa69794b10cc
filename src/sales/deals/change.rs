//! Changing a deal: edit (the first edit makes it no longer the original) and cancel with a
//! reason, both only while no payment on it is verified (`DealRecord::can_change`). Each change
//! lands in the deal's activity log with old and new values, and in the audit log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::activity::{self, Change};
use super::form::{Choices, DealForm};
use super::queries::{self, DealRecord};
use super::{audit_json, form_page, load_choices, scope_request};
use crate::AppState;
use crate::audit::{self, actions};
use crate::db::{self, AnyConnection, PublicId, money_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::sales::balance;
use crate::sales::payments::queries as payment_queries;
use crate::scope::RecordScope;
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

const LOCKED: &str = "A payment on this deal is verified, or the deal is completed or \
                      cancelled: it can no longer change.";

/// What the loser of a race with a verifier hears (409).
const LOCKED_MEANWHILE: &str = "A payment on this deal was verified a moment ago, so the deal can \
                                no longer change. Open it to see it as it now stands.";

pub async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::DealsCreate)?;
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let (deal, form, choices) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let deal = queries::find(conn, &scope, id)?;
        let (client, _, project) = queries::form_ids(conn, &deal)?;
        let exponent = super::currency_exponent(scope.currency());
        let form = DealForm::of(&deal, client, project, exponent);
        let choices = choices_for(conn, &scope, &deal, &form)?;
        Ok((deal, form, choices))
    })
    .await?;
    if !deal.can_change() {
        Flash::error(&ctx.session, LOCKED);
        return Ok(see_other(&format!("/sales/deals/{}", deal.public_id)));
    }
    render(&form_page(
        ctx,
        Some(deal),
        form,
        FieldErrors::default(),
        &choices,
    ))
}

pub async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<DealForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::DealsCreate)?;
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let actor = ctx.actor();
    let today = ctx.today();
    let f = form.clone();
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let deal = queries::find(conn, &scope, id)?;
        if !deal.can_change() {
            return Ok(Err(None));
        }
        let choices = choices_for(conn, &scope, &deal, &f)?;
        let mut errors = FieldErrors::default();
        if f.finding() {
            return Ok(Err(Some((deal, errors, choices))));
        }
        let Some((new, _)) = f.validate(&choices, &mut errors) else {
            return Ok(Err(Some((deal, errors, choices))));
        };
        if !keeps_currency(conn, &deal, &new)? {
            errors.add(
                "currency",
                format!(
                    "The deal has payments in {}: it keeps that currency.",
                    deal.currency
                ),
            );
            return Ok(Err(Some((deal, errors, choices))));
        }
        let edit = DealEdit { deal, new };
        edit.save(conn, &actor, &scope, today)?;
        Ok(Ok(edit.deal.public_id))
    })
    .await?;
    match outcome {
        Ok(public_id) => {
            Flash::success(&ctx.session, "The deal is saved.");
            Ok(see_other(&format!("/sales/deals/{public_id}")))
        }
        Err(None) => {
            Flash::error(&ctx.session, LOCKED);
            Ok(see_other(&format!("/sales/deals/{id}")))
        }
        Err(Some((deal, errors, choices))) => render_status(
            errors.status(),
            &form_page(ctx, Some(deal), form, errors, &choices),
        ),
    }
}

/// Payments carry their rate to the deal's currency: it cannot change under them.
fn keeps_currency(
    conn: &mut AnyConnection,
    deal: &DealRecord,
    new: &queries::NewDeal,
) -> Result<bool, AppError> {
    Ok(new.currency == deal.currency
        || payment_queries::of_deal(conn, deal.organization_id, deal.id)?.is_empty())
}

/// A checked edit of a deal.
struct DealEdit {
    deal: DealRecord,
    new: queries::NewDeal,
}

impl DealEdit {
    /// Saves the edit under the books lock with the balances it moves and its activity line;
    /// an edit that changes nothing writes nothing. The loser of a race with a verifier or a
    /// new payment hears 409.
    fn save(
        &self,
        conn: &mut AnyConnection,
        actor: &audit::Actor,
        scope: &RecordScope,
        today: NaiveDate,
    ) -> Result<(), AppError> {
        let (deal, new) = (&self.deal, &self.new);
        let Some((before, after)) = audit::changes(
            &audited(&queries::as_new(deal), &deal.deal_number),
            &audited(new, &deal.deal_number),
        ) else {
            return Ok(());
        };
        let saved = money_tx(conn, scope.org().id(), |conn, books| {
            // Read again under the lock: a payment may have been recorded since.
            if !keeps_currency(conn, deal, new)? {
                return Err(AppError::Conflict(format!(
                    "A payment in {} was recorded on this deal a moment ago: it keeps that \
                     currency. Open the deal to see it as it now stands.",
                    deal.currency
                )));
            }
            if !queries::update(conn, deal, new)? {
                return Ok(false);
            }
            balance::recompute(conn, books, deal.id, today, &[])?;
            if new.client_id != deal.client_id {
                balance::recompute_client(conn, books.org(), deal.client_id, today)?;
            }
            let change = Change {
                audit: actions::UPDATE,
                action: "edited",
                description: Some("Edited the deal".into()),
                old: Some(before.clone()),
                new: after.clone(),
                entity: None,
            };
            activity::log(conn, actor, deal, change)?;
            Ok(true)
        })?;
        if saved {
            Ok(())
        } else {
            Err(AppError::Conflict(LOCKED_MEANWHILE.into()))
        }
    }
}

/// The form's choices for an existing deal, with its current client even when archived.
fn choices_for(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    deal: &DealRecord,
    form: &DealForm,
) -> Result<Choices, AppError> {
    let mut choices = load_choices(conn, scope, false, form)?;
    let clients = &mut choices.picker.clients;
    if !clients.iter().any(|(id, _, _)| *id == deal.client_id) {
        let (client, client_name, _) = queries::form_ids(conn, deal)?;
        clients.push((deal.client_id, client, client_name));
    }
    Ok(choices)
}

/// A deal's fields as its history records them, with the client and project by internal id.
fn audited(d: &queries::NewDeal, number: &str) -> serde_json::Value {
    let mut v = audit_json(d, number);
    v["client_id"] = json!(d.client_id);
    v["project_id"] = json!(d.project_id);
    v
}

#[derive(Template)]
#[template(path = "sales/deals/cancel.html")]
struct CancelPage {
    ctx: Ctx,
    deal: DealRecord,
    reason: String,
    error: Option<&'static str>,
}

pub async fn confirm_cancel(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::DealsCreate)?;
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let deal = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        Ok(queries::find(conn, &scope, id)?)
    })
    .await?;
    if !deal.can_change() {
        Flash::error(&ctx.session, LOCKED);
        return Ok(see_other(&format!("/sales/deals/{}", deal.public_id)));
    }
    render(&CancelPage {
        ctx,
        deal,
        reason: String::new(),
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CancelForm {
    reason: String,
}

pub async fn cancel(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::DealsCreate)?;
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let reason = crate::web::form::optional(&form.reason, 1000);
    let actor = ctx.actor();
    let today = ctx.today();
    let valid = match &reason {
        Ok(Some(r)) => Some(r.clone()),
        _ => None,
    };
    let (deal, done) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let deal = queries::find(conn, &scope, id)?;
        let Some(reason) = valid.filter(|_| deal.can_change()) else {
            return Ok((deal, false));
        };
        let cancelled = cancel_deal(conn, &actor, &scope, &deal, &reason, today)?;
        if !cancelled {
            return Err(AppError::Conflict(LOCKED_MEANWHILE.into()));
        }
        Ok((deal, true))
    })
    .await?;
    if done {
        Flash::success(
            &ctx.session,
            format!("Deal {} is cancelled.", deal.deal_number),
        );
        return Ok(see_other(&format!("/sales/deals/{}", deal.public_id)));
    }
    if !deal.can_change() {
        Flash::error(&ctx.session, LOCKED);
        return Ok(see_other(&format!("/sales/deals/{}", deal.public_id)));
    }
    let error = match reason {
        Err(_) => "Use at most 1,000 characters.",
        _ => "Say why the deal is cancelled; the reason stays in its history.",
    };
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &CancelPage {
            ctx,
            deal,
            reason: form.into_inner().reason,
            error: Some(error),
        },
    )
}

/// Cancels the deal under the books lock with its balances and activity line: `false` when a
/// payment verified since the page was read keeps the deal as it is.
fn cancel_deal(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    scope: &RecordScope,
    deal: &DealRecord,
    reason: &str,
    today: NaiveDate,
) -> Result<bool, AppError> {
    money_tx(conn, scope.org().id(), |conn, books| {
        if !queries::cancel(conn, deal)? {
            return Ok(false);
        }
        balance::recompute(conn, books, deal.id, today, &[])?;
        let change = Change {
            audit: actions::UPDATE,
            action: "cancelled",
            description: Some(format!("Cancelled the deal: {reason}")),
            old: Some(json!({ "status": deal.status })),
            new: json!({ "status": "cancelled", "reason": reason }),
            entity: None,
        };
        activity::log(conn, actor, deal, change)?;
        Ok::<_, AppError>(true)
    })
}
