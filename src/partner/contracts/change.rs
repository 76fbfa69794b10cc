//! What contracts.manage does to a contract: renew it (a new order for its subscriptions at
//! today's prices, fulfilled at once, and a new contract from the old one's end, linked by
//! `renewed_from`), or close an active one as upgraded, downgraded, cancelled or lost, with why.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::queries::{self, ContractRecord, effective};
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::domain::ContractStatus;
use crate::error::AppError;
use crate::partner::catalog::price_line;
use crate::partner::catalog::queries::{ProductRecord, durations, tiers};
use crate::partner::orders::queries::{self as orders, NewItem, NewOrder};
use crate::partner::orders::status::Status;
use crate::partner::scope::{ChannelRequest, ChannelScope};
use crate::permissions::Permission;
use crate::schema::{organizations, products};
use crate::web::{Ctx, Flash, see_other};

/// How an active contract may be closed.
pub const OUTCOMES: [ContractStatus; 4] = [
    ContractStatus::Upgraded,
    ContractStatus::Downgraded,
    ContractStatus::Cancelled,
    ContractStatus::Lost,
];

fn request(ctx: &Ctx) -> Result<ChannelRequest, AppError> {
    ChannelRequest::of(ctx, Permission::ContractsManage)
}

/// The renewal's items: the old order's subscriptions, priced from today's catalog for the same
/// months; the message names what cannot be renewed as it was.
fn renewal_items(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    old: &orders::OrderRecord,
) -> Result<Result<Vec<NewItem>, String>, AppError> {
    let offered = durations(conn, scope.org())?;
    let mut out = Vec::new();
    for item in orders::items(conn, old)?
        .into_iter()
        .filter(|i| i.is_subscription)
    {
        let product: ProductRecord = products::table
            .find(item.product_id)
            .filter(products::organization_id.eq(scope.org().id()))
            .select(ProductRecord::as_select())
            .first(conn)?;
        if !product.is_active {
            return Ok(Err(format!("{} is no longer offered.", product.name)));
        }
        if !product.is_subscription {
            return Ok(Err(format!(
                "{} is no longer sold as a subscription.",
                product.name
            )));
        }
        let Some(duration) = offered
            .iter()
            .find(|d| Some(d.months) == item.duration_months)
        else {
            return Ok(Err(format!(
                "No duration of {} months is offered any more; add it under Durations.",
                item.duration_months.unwrap_or(0)
            )));
        };
        let tiers = tiers(conn, &product)?;
        let line = match price_line(
            &product,
            &tiers,
            item.quantity,
            Some(duration),
            scope.currency(),
        ) {
            Ok(l) => l,
            Err(e) => return Ok(Err(format!("{}: {e}", product.name))),
        };
        out.push(NewItem::priced(
            &product,
            item.quantity,
            Some(duration),
            &line,
        ));
    }
    if out.is_empty() {
        return Ok(Err(
            "The contract's order has no subscription to renew.".into()
        ));
    }
    Ok(Ok(out))
}

pub(super) async fn renew(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let id = *path;
    let actor = ctx.actor();
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let old: ContractRecord = queries::find(conn, &scope, id)?;
        renew_contract(conn, &actor, &scope, &old)
    })
    .await?;
    match outcome {
        Ok((public_id, number)) => {
            Flash::success(&ctx.session, format!("Contract {number} renews it."));
            Ok(see_other(&format!("/partner/contracts/{public_id}")))
        }
        Err(message) => {
            Flash::error(&ctx.session, message);
            Ok(see_other(&format!("/partner/contracts/{}", *path)))
        }
    }
}

/// Renews an active or expired contract: a new order for its subscriptions at today's prices,
/// fulfilled at once, and the new contract from the old one's end. `Err` says why it cannot be.
fn renew_contract(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &ChannelScope,
    old: &ContractRecord,
) -> Result<Result<(PublicId, String), String>, AppError> {
    if !matches!(
        effective(old.status, old.expiration_date, now()),
        ContractStatus::Active | ContractStatus::Expired
    ) {
        return Ok(Err(
            "Only an active or expired contract is renewed.".to_string()
        ));
    }
    let old_order = orders::find_any(conn, scope, old.order_id)?;
    let items = match renewal_items(conn, scope, &old_order)? {
        Ok(items) => items,
        Err(message) => return Ok(Err(message)),
    };
    let tax_rate_bp: i32 = organizations::table
        .find(scope.org().id())
        .select(organizations::tax_rate_bp)
        .first(conn)?;
    let order = NewOrder {
        partner_id: old.partner_id,
        distributor_id: old.distributor_id,
        lead_id: old_order.lead_id,
        client_id: old_order.client_id,
        tax_rate_bp,
        notes_internal: Some(format!("Renews contract {}.", old.contract_number)),
        items,
    };
    write_tx(conn, |conn| renewal(conn, actor, scope, old, &order)).map(Ok)
}

/// The renewal's writes, in one transaction: the order through to fulfilled, the contract it
/// activates from the old one's end, the note on the old one.
fn renewal(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &ChannelScope,
    old: &ContractRecord,
    new_order: &NewOrder,
) -> Result<(PublicId, String), AppError> {
    let order = orders::insert(conn, scope, new_order)?;
    for to in [Status::Sent, Status::InFulfillment, Status::Fulfilled] {
        let current = orders::find(conn, scope, order.public_id)?;
        orders::set_status(conn, &current, to, None)?;
    }
    let order = orders::find(conn, scope, order.public_id)?;
    let start = old.expiration_date.max(now());
    let Some((public_id, number)) =
        queries::activate_from(conn, scope, &order, Some(old.id), start)?
    else {
        return Err(AppError::internal("a renewal order made no contract"));
    };
    queries::note_renewal(conn, old, &number)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.org().id()), actions::CREATE, "contract")
            .entity(public_id)
            .new_values(json!({
                "contract_number": number,
                "renews": old.contract_number,
                "order": order.order_number,
            })),
    )?;
    Ok((public_id, number))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    pub outcome: String,
    pub reason: String,
}

pub(super) async fn close(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<CloseForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let mut errors = crate::web::FieldErrors::default();
    let outcome = ContractStatus::parse(&form.outcome).filter(|o| OUTCOMES.contains(o));
    if outcome.is_none() {
        errors.add("outcome", "Choose upgraded, downgraded, cancelled or lost.");
    }
    let reason = errors.check(
        "reason",
        crate::web::form::required(&form.reason, "why, for the record", 1000),
    );
    let actor = ctx.actor();
    let result = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let contract = queries::find(conn, &scope, id)?;
        let (Some(outcome), Some(reason)) = (outcome, reason) else {
            return Ok(Err((contract, errors)));
        };
        if effective(contract.status, contract.expiration_date, now()) != ContractStatus::Active {
            errors.add("outcome", "Only an active contract is closed this way.");
            return Ok(Err((contract, errors)));
        }
        let closed = write_tx(conn, |conn| {
            record_close(conn, &actor, &scope, &contract, outcome, &reason)
        })?;
        if !closed {
            errors.add(
                "outcome",
                "Someone changed this contract meanwhile; here it is now.",
            );
            return Ok(Err((contract, errors)));
        }
        Ok(Ok((contract.public_id, outcome)))
    })
    .await?;
    match result {
        Ok((public_id, outcome)) => {
            Flash::success(
                &ctx.session,
                format!("The contract is recorded as {outcome}."),
            );
            Ok(see_other(&format!("/partner/contracts/{public_id}")))
        }
        Err((contract, errors)) => {
            super::show_page(ctx, &state, contract.public_id, form, errors).await
        }
    }
}

/// Closes the contract as `outcome` if it is still as read (`false` when someone changed it
/// meanwhile), audited with why.
fn record_close(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &ChannelScope,
    contract: &ContractRecord,
    outcome: ContractStatus,
    reason: &str,
) -> Result<bool, AppError> {
    let closed = queries::close(conn, contract, outcome, reason)?;
    if closed {
        audit::record(
            conn,
            actor,
            Event::new(Some(scope.org().id()), actions::UPDATE, "contract")
                .entity(contract.public_id)
                .old(json!({ "status": contract.status }))
                .new_values(json!({ "status": outcome, "reason": reason })),
        )?;
    }
    Ok(closed)
}
