//! Moving an order: send a quote, start and finish fulfillment, cancel with a reason. The role
//! gate is `Action::allowed` (403 otherwise), the order's status decides what applies (422
//! otherwise). A cancellation gives the stock back; a fulfilment activates the contract, in the
//! same transaction.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::queries::OrderRecord;
use super::status::{Action, Status};
use super::{queries, request, show_page, stock};
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::error::AppError;
use crate::partner::contracts;
use crate::partner::scope::ChannelScope;
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
        let reason = e.check("reason", reason).flatten();
        let Some(to) = action.target(order.status) else {
            e.add("action", action.refusal(order.status));
            return Ok(Err(e));
        };
        if action == Action::Cancel && reason.is_none() {
            e.add(
                "reason",
                "Say why the order is cancelled; it is kept as an internal note.",
            );
            return Ok(Err(e));
        }
        let moved = Move {
            order: &order,
            action,
            to,
            reason,
        };
        match write_tx(conn, |conn| moved.apply(conn, &actor, &scope))? {
            Some(contract) => Ok(Ok((order.public_id, done_words(to, contract)))),
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
        Ok((public_id, message)) => {
            Flash::success(&ctx.session, message);
            Ok(see_other(&format!("/partner/orders/{public_id}")))
        }
        Err(errors) => show_page(ctx, &state, *path, form.reason, errors).await,
    }
}

/// A checked move of an order from its status to `to`.
struct Move<'a> {
    order: &'a OrderRecord,
    action: Action,
    to: Status,
    reason: Option<String>,
}

impl Move<'_> {
    /// Moves the order (conditional on its status: `None` when someone moved it meanwhile),
    /// gives a cancelled order's stock back and activates a fulfilled order's contract, which
    /// it returns; in the caller's transaction.
    fn apply(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        scope: &ChannelScope,
    ) -> Result<Option<Option<(PublicId, String)>>, AppError> {
        let order = self.order;
        if !queries::set_status(conn, order, self.to, self.reason.as_deref())? {
            return Ok(None);
        }
        if self.action == Action::Cancel {
            stock::restore_stock(conn, order)?;
        }
        let contract = if self.action == Action::Fulfil {
            contracts::queries::activate(conn, scope, order)?
        } else {
            None
        };
        audit::record(
            conn,
            actor,
            Event::new(Some(scope.org().id()), actions::UPDATE, "order")
                .entity(order.public_id)
                .old(json!({ "status": order.status.code() }))
                .new_values(json!({
                    "status": self.to.code(),
                    "reason": self.reason,
                    "contract": contract.as_ref().map(|c| c.1.clone()),
                })),
        )?;
        Ok(Some(contract))
    }
}

fn done_words(to: Status, contract: Option<(PublicId, String)>) -> String {
    let to = to.label().to_lowercase();
    match contract {
        Some((_, number)) => format!("The order is {to}; contract {number} is active."),
        None => format!("The order is now: {to}."),
    }
}
