//! A verifier's decision and everything it sets off, in one transaction (DESIGN.md, "Approval",
//! "On verification"): the approval step, the payment's status, the deal's and the client's
//! figures (`sales::balance::recompute`), the invoice (`invoices::sync`), the owner's commission
//! (`commissions::sync`), the owner's streak (`streaks::record`), the verifier's dashboard rollups
//! (`rollup::recompute`), the owner's notification, the deal's activity line and the audit entry.
//! If any of it fails, none of it happened.
//!
//! Two people acting on one payment at once (two verifiers, or a verifier and the salesperson
//! editing, deleting or cancelling): the decision runs in `money_tx`, so it reads the payment and
//! its deal only once the organization's books are its own, and the status moves only from
//! pending (each step of a payment is unique too, `payment_approvals (payment_id, step)`). Exactly
//! one of them lands; the other is refused (409) with the payment as it now stands.

use actix_web::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::form::Decision;
use super::queries;
use super::rules::{Bar, may_decide};
use crate::audit::{Actor, actions};
use crate::db::{AnyConnection, Books, PublicId, money_tx, now};
use crate::domain::FailureReason;
use crate::domain::PaymentStatus;
use crate::domain::money::money;
use crate::error::AppError;
use crate::error::Contention;
use crate::invoices;
use crate::notifications::{self, Note, templates};
use crate::sales::balance;
use crate::sales::deals::activity::{self, Change};
use crate::sales::deals::queries::{DealRecord, find_in_org};
use crate::sales::payments::queries::{self as payment_queries, PaymentRecord};
use crate::schema::{payment_approvals, payments};
use crate::streaks;
use crate::web::form::is_unique_violation;
use crate::web::{FieldErrors, OrgScope};

/// What a decision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Verified,
    /// Approved once; above the threshold a second, different verifier must approve too.
    AwaitingSecond,
    Rejected,
}

/// Why a decision was not taken, with the status it answers.
#[derive(Debug)]
pub enum Refused {
    Invalid(FieldErrors),
    /// The decision cannot be taken by this verifier or no longer applies.
    Not(StatusCode, String),
    /// Of several payments, these cannot be decided (their numbers, and why): none was.
    Rows(Vec<(String, String)>),
    App(AppError),
}

impl From<diesel::result::Error> for Refused {
    fn from(e: diesel::result::Error) -> Self {
        Self::App(e.into())
    }
}

impl Contention for Refused {
    fn is_contention(&self) -> bool {
        matches!(self, Self::App(e) if e.is_contention())
    }
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

const RACED: &str =
    "Another verifier decided this payment at the same moment; here it is as it now stands.";

/// Who decides, and where.
pub struct Verifier {
    pub org: OrgScope,
    pub user_id: i64,
    pub actor: Actor,
    /// The organization's date today, for the recomputation's day figures.
    pub today: NaiveDate,
}

pub fn decide(
    conn: &mut AnyConnection,
    who: &Verifier,
    payment: PublicId,
    decision: &Decision,
) -> Result<Outcome, Refused> {
    money_tx(conn, who.org.id(), |conn, books| {
        let p = queries::find(conn, who.org, payment).map_err(AppError::from)?;
        let (deal, step) = admissible(conn, who, &p)?;
        carry_out(conn, books, who, &p, &deal, step, decision)
    })
}

/// One decision for several payments, all or none, in one transaction: every payment is
/// checked first, and if any cannot be decided by this verifier now, nothing is written and
/// each refused payment comes back named with why (`Refused::Rows`). Each decided payment
/// sets off all that a single decision does, its audit entry included.
pub fn decide_all(
    conn: &mut AnyConnection,
    who: &Verifier,
    payments: &[PublicId],
    decision: &Decision,
) -> Result<Vec<(PaymentRecord, Outcome)>, Refused> {
    money_tx(conn, who.org.id(), |conn, books| {
        let mut admitted = Vec::with_capacity(payments.len());
        let mut refused = Vec::new();
        for id in payments {
            let p = queries::find(conn, who.org, *id).map_err(AppError::from)?;
            match admissible(conn, who, &p) {
                Ok((deal, step)) => admitted.push((p, deal, step)),
                Err(Refused::Not(_, why)) => refused.push((p.transaction_number, why)),
                Err(e) => return Err(e),
            }
        }
        if !refused.is_empty() {
            return Err(Refused::Rows(refused));
        }
        let mut done = Vec::with_capacity(admitted.len());
        for (p, deal, step) in admitted {
            let outcome = carry_out(conn, books, who, &p, &deal, step, decision)?;
            done.push((p, outcome));
        }
        Ok(done)
    })
}

/// A decision on an admitted payment and everything it sets off, inside the books lock.
fn carry_out(
    conn: &mut AnyConnection,
    books: &Books,
    who: &Verifier,
    p: &PaymentRecord,
    deal: &DealRecord,
    step: i32,
    decision: &Decision,
) -> Result<Outcome, Refused> {
    let threshold = queries::second_approval_threshold(conn, who.org)?;
    let needs_second = step == 1 && threshold.is_some_and(|t| p.counted_org_minor > t);
    let taken = record(conn, who, p, step, needs_second, decision)?;
    balance::recompute(conn, books, p.deal_id, who.today, &[])?;
    if taken.outcome != Outcome::AwaitingSecond {
        super::rollup::recompute(conn, books, taken.at)?;
    }
    invoices::sync(conn, who.org.id(), p.id)?;
    crate::commissions::sync(conn, who.org.id(), p.deal_id)?;
    if taken.outcome == Outcome::Verified {
        let counted: i64 = payments::table
            .find(p.id)
            .filter(payments::organization_id.eq(who.org.id()))
            .select(payments::counted_org_minor)
            .first(conn)?;
        streaks::record(
            conn,
            who.org.id(),
            deal.created_by_id,
            streaks::Event::PaymentVerified(counted),
        )?;
    }
    announce(conn, who, p, deal, &taken, decision)?;
    Ok(taken.outcome)
}

/// The payment's deal and the step this decision would be, read under the books lock; or why
/// this verifier cannot decide it now.
fn admissible(
    conn: &mut AnyConnection,
    who: &Verifier,
    p: &PaymentRecord,
) -> Result<(DealRecord, i32), Refused> {
    let deal = find_in_org(conn, who.org, p.deal_id)?;
    let approvals = payment_queries::approvals(conn, p)?;
    match may_decide(who.user_id, p, deal.status, &deal.deal_number, &approvals) {
        Ok(()) => Ok((deal, approvals.len() as i32 + 1)),
        // Pending when the verifier opened it: someone decided it in the meantime.
        Err(Bar::Decided(status)) => Err(Refused::Not(
            StatusCode::CONFLICT,
            format!("This payment was {status} before your decision; here it is as it now stands."),
        )),
        Err(bar) => Err(Refused::Not(bar.status(), bar.message())),
    }
}

/// A decision as written: the step, the payment's new status and amounts.
struct Taken {
    outcome: Outcome,
    step: i32,
    verdict: &'static str,
    comment: Option<String>,
    status: &'static str,
    failure: Option<FailureReason>,
    received: Option<i64>,
    at: NaiveDateTime,
}

/// The approval step and the payment's move out of pending; a decision that lost a race to
/// another (the step taken, or the payment no longer pending) changes nothing and is a 409.
fn record(
    conn: &mut AnyConnection,
    who: &Verifier,
    p: &PaymentRecord,
    step: i32,
    needs_second: bool,
    decision: &Decision,
) -> Result<Taken, Refused> {
    let (verdict, comment) = match decision {
        Decision::Approve { comment, .. } => ("approved", comment.clone()),
        Decision::Reject { comment, .. } => ("rejected", Some(comment.clone())),
    };
    diesel::insert_into(payment_approvals::table)
        .values((
            payment_approvals::public_id.eq(PublicId::new()),
            payment_approvals::organization_id.eq(who.org.id()),
            payment_approvals::payment_id.eq(p.id),
            payment_approvals::approver_id.eq(who.user_id),
            payment_approvals::step.eq(step),
            payment_approvals::decision.eq(verdict),
            payment_approvals::comments.eq(&comment),
            payment_approvals::created_at.eq(now()),
        ))
        .execute(conn)
        .map_err(|e| {
            // Another verifier's decision took this step first (PostgreSQL, where both read
            // the payment as pending before either wrote).
            if is_unique_violation(&e) {
                Refused::Not(StatusCode::CONFLICT, RACED.into())
            } else {
                e.into()
            }
        })?;
    let (outcome, status, failure, received) = match decision {
        Decision::Approve { received, .. } if needs_second => {
            (Outcome::AwaitingSecond, "pending", None, *received)
        }
        Decision::Approve { received, .. } => (
            Outcome::Verified,
            "verified",
            None,
            received.or(p.received_amount_minor),
        ),
        Decision::Reject { reason, .. } => (
            Outcome::Rejected,
            "rejected",
            Some(*reason),
            p.received_amount_minor,
        ),
    };
    let at = now();
    let decided = outcome != Outcome::AwaitingSecond;
    let moved = diesel::update(
        payments::table
            .filter(payments::organization_id.eq(who.org.id()))
            .filter(payments::id.eq(p.id))
            .filter(payments::status.eq(PaymentStatus::Pending)),
    )
    .set((
        payments::status.eq(status),
        payments::failure_reason.eq(&failure),
        payments::received_amount_minor.eq(received),
        payments::verified_by_id.eq(decided.then_some(who.user_id)),
        payments::verified_at.eq(decided.then_some(at)),
        payments::updated_at.eq(at),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Err(Refused::Not(StatusCode::CONFLICT, RACED.into()));
    }
    Ok(Taken {
        outcome,
        step,
        verdict,
        comment,
        status,
        failure,
        received,
        at,
    })
}

/// The owner's notification and the deal's activity line.
fn announce(
    conn: &mut AnyConnection,
    who: &Verifier,
    p: &PaymentRecord,
    deal: &DealRecord,
    taken: &Taken,
    decision: &Decision,
) -> Result<(), Refused> {
    let amount = money(taken.received.unwrap_or(p.amount_minor), &p.currency);
    let number = &p.transaction_number;
    let mut values = vec![
        ("number", number.clone()),
        ("amount", amount.clone()),
        ("deal", deal.deal_number.clone()),
    ];
    let (kind, line) = match decision {
        Decision::Approve { .. } if taken.outcome == Outcome::AwaitingSecond => (
            templates::PAYMENT_NEEDS_SECOND_APPROVAL,
            format!("Approved payment {number} (first of two approvals)"),
        ),
        Decision::Approve { .. } => (
            templates::PAYMENT_VERIFIED,
            format!("Verified payment {number} ({amount})"),
        ),
        Decision::Reject { reason, comment } => {
            values.push(("reason", reason.label().to_string()));
            values.push(("comment", comment.clone()));
            (
                templates::PAYMENT_REJECTED,
                format!(
                    "Rejected payment {number}: {}",
                    reason.label().to_lowercase()
                ),
            )
        }
    };
    notifications::notify(
        conn,
        who.org,
        p.created_by_id,
        Note {
            kind,
            values,
            link: Some(format!("/sales/payments/{}", p.public_id)),
            priority: if taken.outcome == Outcome::Rejected {
                "high"
            } else {
                "medium"
            },
        },
    )?;
    activity::log(
        conn,
        &who.actor,
        deal,
        Change {
            audit: actions::UPDATE,
            action: "payment_decided",
            description: Some(line),
            old: Some(json!({ "status": p.status, "received": p.received_amount_minor })),
            new: json!({
                "status": taken.status,
                "step": taken.step,
                "decision": taken.verdict,
                "failure_reason": taken.failure,
                "received": taken.received,
                "comment": taken.comment,
            }),
            entity: Some(("payment", p.public_id)),
        },
    )?;
    Ok(())
}
