//! A lead's moves through the pipeline, from its page or the board: allowed from where it is
//! now, with who and why in its history.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::form::MoveForm;
use super::queries::{self, LeadRecord};
use super::request;
use super::show::{blank_forms, page};
use super::status::Status;
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::error::AppError;
use crate::partner::scope::ChannelScope;
use crate::web::form;
use crate::web::{Ctx, FieldErrors, Flash, see_other};

/// Moves a lead to another stage if the pipeline allows it from where it is now; a lost lead
/// needs its reason. A refused move is shown on the lead's page (422).
pub(super) async fn move_lead(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let id = *path;
    let form = form.into_inner();
    let to = Status::parse(&form.to);
    let reason = form::optional(&form.reason, 1000);
    let actor = ctx.actor();
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = queries::find(conn, &scope, id)?;
        let mut e = FieldErrors::default();
        let reason = e.check("reason", reason).flatten();
        let to = check_move(lead.status, to, reason.as_deref(), &mut e);
        let Some(to) = to.filter(|_| e.is_empty()) else {
            return Ok(Err(e));
        };
        let moved = write_tx(conn, |conn| {
            record_move(conn, &actor, &scope, &lead, to, reason.as_deref())
        })?;
        if !moved {
            e.add(
                "to",
                "Someone moved this lead meanwhile; here is where it is now. Choose again.",
            );
            return Ok(Err(e));
        }
        Ok(Ok((lead.public_id, to)))
    })
    .await?;
    match outcome {
        Ok((public_id, to)) => {
            Flash::success(&ctx.session, format!("The lead is now {}.", to.label()));
            if form.back == "board" {
                Ok(see_other("/partner/leads/board"))
            } else {
                Ok(see_other(&format!("/partner/leads/{public_id}")))
            }
        }
        Err(errors) => {
            let (_, a, n) = blank_forms();
            page(ctx, &state, *path, (form, a, n), errors).await
        }
    }
}

/// The stage a lead moves to, if the pipeline allows the move from `from`; what is wrong goes
/// on the form.
pub(super) fn check_move(
    from: Status,
    to: Option<Status>,
    reason: Option<&str>,
    e: &mut FieldErrors,
) -> Option<Status> {
    match to {
        None => e.add("to", "Choose the stage to move the lead to."),
        Some(to) if !from.may_move_to(to) => e.add(
            "to",
            format!(
                "A lead in {} cannot move to {}: {}",
                from.label(),
                to.label(),
                if from.is_open() {
                    "it is won only from a proposal or a negotiation."
                } else {
                    "a won or lost lead stays where it is."
                }
            ),
        ),
        Some(to) if to.needs_reason() && reason.is_none() => e.add(
            "reason",
            "Say why the lead is lost; it stays in its history.",
        ),
        Some(_) => {}
    }
    to
}

/// Moves the lead if it is still where it was read (`false` when someone moved it meanwhile),
/// audited.
pub(super) fn record_move(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &ChannelScope,
    lead: &LeadRecord,
    to: Status,
    reason: Option<&str>,
) -> Result<bool, AppError> {
    let moved = queries::set_status(conn, lead, to, scope.user_id(), reason)?;
    if moved {
        audit::record(
            conn,
            actor,
            Event::new(Some(scope.org().id()), actions::UPDATE, "lead")
                .entity(lead.public_id)
                .old(json!({ "status": lead.status.code() }))
                .new_values(json!({ "status": to.code(), "reason": reason })),
        )?;
    }
    Ok(moved)
}
