//! `POST /verifier/bulk`: one decision (verify, or reject with one reason and comment) for the
//! payments a verifier selected in the queue. All or none (`decide::decide_all`): a payment
//! that cannot be decided now is named with why and nothing is written; each decided payment
//! is audited, announced and invoiced as a single decision is. Errors come back on the queue
//! as it was shown, the selection kept.

use actix_web::{HttpResponse, web};

use super::decide::{self, Outcome, Refused, Verifier};
use super::form::DecisionForm;
use super::queue::{self, Bulk, QueueQuery};
use crate::AppState;
use crate::db::{self, PublicId};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::sales::payments::queries::PaymentRecord;
use crate::web::{Ctx, FieldErrors, Flash, see_other};

/// A page's worth: the queue shows at most 200 rows.
const MOST: usize = 200;

/// The bulk form from its posted pairs: `payment` repeated, one per selected row; `back`, the
/// queue's address it was sent from.
fn read(pairs: &[(String, String)]) -> (Bulk, String) {
    let mut bulk = Bulk::default();
    let mut back = String::new();
    for (k, v) in pairs {
        match k.as_str() {
            "payment" => bulk.selected.push(v.clone()),
            "decision" => bulk.decision = v.clone(),
            "failure_reason" => bulk.failure_reason = v.clone(),
            "comment" => bulk.comment = v.clone(),
            "back" => back = v.clone(),
            _ => {}
        }
    }
    (bulk, back)
}

/// The queue's filters and page from the address the form came from (only the queue's own).
fn back_query(back: &str) -> (QueueQuery, String) {
    let query = back
        .strip_prefix("/verifier?")
        .and_then(|q| serde_urlencoded::from_str::<QueueQuery>(q).ok())
        .unwrap_or_default();
    let mut address = format!(
        "/verifier?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    if !query.after.is_empty() {
        address.push_str("&after=");
        address.push_str(&crate::web::url_encode(&query.after));
    }
    (query, address)
}

pub async fn bulk(
    ctx: Ctx,
    state: web::Data<AppState>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsVerify)?;
    let (mut bulk, back) = read(&pairs);
    let (query, address) = back_query(&back);
    let mut errors = FieldErrors::default();
    let ids: Vec<PublicId> = bulk
        .selected
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    if ids.is_empty() {
        errors.add(
            "payment",
            "Select the payments to decide, then choose what to do.",
        );
    } else if ids.len() > MOST {
        errors.add("payment", "Select at most 200 payments at a time.");
    }
    let form = DecisionForm {
        decision: bulk.decision.clone(),
        received: String::new(),
        failure_reason: bulk.failure_reason.clone(),
        comment: bulk.comment.clone(),
    };
    // The amount received is the payment's own for each: nothing to check against here.
    let decision = match form.validate(0, "USD") {
        Ok(d) if errors.is_empty() => d,
        Ok(_) => {
            bulk.errors = errors;
            return queue::show(ctx, &state, query, bulk).await;
        }
        Err(e) => {
            errors.merge(e);
            bulk.errors = errors;
            return queue::show(ctx, &state, query, bulk).await;
        }
    };
    let who = Verifier {
        org: ctx.scope()?,
        user_id: ctx.user.id,
        actor: ctx.actor(),
        today: ctx.today(),
    };
    let result = db::run(&state.pool, move |conn| {
        match decide::decide_all(conn, &who, &ids, &decision) {
            Ok(done) => {
                let first = done.first().map(|(p, _)| p.id);
                let invoice = match first {
                    Some(id) => {
                        crate::invoices::queries::summary(conn, who.org, id)?.map(|i| i.public_id)
                    }
                    None => None,
                };
                Ok(Ok((done, invoice)))
            }
            Err(Refused::App(e)) => Err(e),
            Err(refused) => Ok(Err(refused)),
        }
    })
    .await?;
    match result {
        Ok((done, invoice)) => {
            let (message, verified) = notice(&done);
            let first = done.first().map(|(p, _)| p.transaction_number.clone());
            match (invoice.filter(|_| verified), first) {
                (Some(invoice), Some(number)) => Flash::success_with_link(
                    &ctx.session,
                    message,
                    format!("/invoices/{invoice}"),
                    &format!("Open {number}'s invoice"),
                ),
                _ => Flash::success(&ctx.session, message),
            }
            Ok(see_other(&address))
        }
        Err(Refused::Rows(rows)) => {
            bulk.refused = rows;
            queue::show(ctx, &state, query, bulk).await
        }
        Err(Refused::Invalid(e)) => {
            bulk.errors = e;
            queue::show(ctx, &state, query, bulk).await
        }
        Err(Refused::Not(_, why)) => {
            bulk.refused = vec![(String::new(), why)];
            queue::show(ctx, &state, query, bulk).await
        }
        Err(Refused::App(e)) => Err(e),
    }
}

/// What the decided payments' notice says, and whether any was verified (it links an invoice).
fn notice(done: &[(PaymentRecord, Outcome)]) -> (String, bool) {
    let numbers: Vec<&str> = done
        .iter()
        .map(|(p, _)| p.transaction_number.as_str())
        .collect();
    let verified = done.iter().filter(|(_, o)| *o == Outcome::Verified).count();
    let second = done
        .iter()
        .filter(|(_, o)| *o == Outcome::AwaitingSecond)
        .count();
    let all = crate::web::count(done.len() as i64, "payment", "payments");
    let message = match done.first().map(|(_, o)| *o) {
        Some(Outcome::Rejected) => format!(
            "{all} rejected: {}. Each salesperson is told why.",
            numbers.join(", ")
        ),
        _ if second > 0 => format!(
            "{verified} verified, {second} approved and waiting for a second verifier: {}.",
            numbers.join(", ")
        ),
        _ => format!(
            "{all} verified: {}. Their invoices are issued.",
            numbers.join(", ")
        ),
    };
    (message, verified > 0)
}
