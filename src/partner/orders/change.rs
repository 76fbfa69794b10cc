//! Moving an order: send a quote, start and finish fulfillment, cancel with a reason. The role
//! gate is `Action::allowed` (403 otherwise), the order's status decides what applies (422
//! otherwise). A cancellation gives the stock back; a fulfilment activates the contract, in the
//! same transaction.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::status::Action;
use super::{queries, request, show_page, stock};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, PublicId, write_tx};
use crate::error::AppError;
use crate::partner::contracts;
use crate::web::form;
use crate::web::{Ctx, FieldErrors, Flash, see_other};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    pub action: String,
    pub reason: String,
}

pub(super) async fn act(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let id = *path;
    let form = form.into_inner();
    let action = Action::parse(&form.action)
        .ok_or_else(|| AppError::BadRequest("Choose send, start, fulfil or cancel.".into()))?;
    if !action.allowed(ctx.perms) {
        return Err(AppError::Forbidden);
    }
    let reason = form::optional(&form.reason, 1000);
    let actor = ctx.actor();
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let order = queries::find(conn, &scope, id)?;
        let mut e = FieldErrors::default();
        let from = order.status;
        let reason = e.check("reason", reason).flatten();
        let Some(to) = action.target(from) else {
            e.add(
                "action",
                format!(
                    "An order that is {} cannot be {}.",
                    from.label().to_lowercase(),
                    match action {
                        Action::Send => "sent",
                        Action::Start => "put into fulfillment",
                        Action::Fulfil => "fulfilled",
                        Action::Cancel => "cancelled",
                    }
                ),
            );
            return Ok(Err(e));
        };
        if action == Action::Cancel && reason.is_none() {
            e.add(
                "reason",
                "Say why the order is cancelled; it is kept as an internal note.",
            );
            return Ok(Err(e));
        }
        let done = write_tx(conn, |conn| {
            if !queries::set_status(conn, &order, to, reason.as_deref())? {
                return Ok::<_, AppError>(None);
            }
            if action == Action::Cancel {
                stock::restore_stock(conn, &order)?;
            }
            let contract = if action == Action::Fulfil {
                contracts::queries::activate(conn, &scope, &order)?
            } else {
                None
            };
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.org().id()), actions::UPDATE, "order")
                    .entity(order.public_id)
                    .old(json!({ "status": from.code() }))
                    .new_values(json!({
                        "status": to.code(),
                        "reason": reason,
                        "contract": contract.as_ref().map(|c| c.1.clone()),
                    })),
            )?;
            Ok(Some(contract))
        })?;
        match done {
            Some(contract) => Ok(Ok((order.public_id, to, contract))),
            None => {
                e.add(
                    "action",
                    "Someone changed this order meanwhile; here is where it is now.",
                );
                Ok(Err(e))
            }
        }
    })
    .await?;
    match outcome {
        Ok((public_id, to, contract)) => {
            let message = match contract {
                Some((_, number)) => format!(
                    "The order is {}; contract {number} is active.",
                    to.label().to_lowercase()
                ),
                None => format!("The order is now: {}.", to.label().to_lowercase()),
            };
            Flash::success(&ctx.session, message);
            Ok(see_other(&format!("/partner/orders/{public_id}")))
        }
        Err(errors) => show_page(ctx, &state, *path, form.reason, errors).await,
    }
}
