//! What `commissions.manage` does to a commission, each in one transaction with its audit entry
//! and the owner's notification: approve (pending → approved), pay (approved → paid) and adjust
//! (bonus, penalty, with the reason the audit log keeps) before it is paid; an adjusted approved
//! commission goes back to pending, to be approved again on its new figures. Each moves only from
//! the status it expects, under the organization's books lock (`db::money_tx`, so a decision that
//! recomputes the commission meanwhile is not overwritten), so two managers acting at once cannot
//! both succeed.
//!
//! Money a person receives is decided by someone else: nobody approves, pays or adjusts their own
//! commission (the two-person rule payments keep too); the audit log names each of the two.

use diesel::prelude::*;
use serde_json::json;

use super::form::Adjustment;
use super::lookup;
use super::rules::final_minor;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{AnyConnection, PublicId, money_tx, now};
use crate::domain::CommissionStatus;
use crate::domain::money::money;
use crate::error::AppError;
use crate::notifications::{self, Note, templates};
use crate::schema::commissions;
use crate::scope::RecordScope;

pub enum Action {
    Approve,
    Pay,
    Adjust(Adjustment),
}

pub enum Refused {
    /// The commission is not in a status the action applies to.
    Conflict(String),
    /// The commission is the manager's own: another manager must act on it.
    Own(String),
    App(AppError),
}

impl crate::error::Contention for Refused {
    fn is_contention(&self) -> bool {
        matches!(self, Self::App(e) if e.is_contention())
    }
}

impl From<diesel::result::Error> for Refused {
    fn from(e: diesel::result::Error) -> Self {
        Refused::App(e.into())
    }
}

/// Applies `action` to a commission the manager's scope holds; the message to show once it is
/// done. The scope's currency is the organization's, in which a commission's final amount is.
pub fn apply(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    actor: &Actor,
    id: PublicId,
    action: &Action,
) -> Result<String, Refused> {
    let (org, currency) = (scope.org(), scope.currency());
    money_tx(conn, org.id(), |conn, _books| {
        let c = lookup::find(conn, scope, id).map_err(|e| Refused::App(e.into()))?;
        if actor.user_id == Some(c.user_id) {
            return Err(Refused::Own(own(action)));
        }
        let t = now();
        let target = commissions::table
            .filter(commissions::organization_id.eq(org.id()))
            .filter(commissions::id.eq(c.id));
        let (moved, audit_new, done) = match action {
            Action::Approve => (
                diesel::update(target.filter(commissions::status.eq(CommissionStatus::Pending)))
                    .set((
                        commissions::status.eq(CommissionStatus::Approved),
                        commissions::updated_at.eq(t),
                    ))
                    .execute(conn)?,
                json!({ "status": "approved" }),
                "approved",
            ),
            Action::Pay => (
                diesel::update(target.filter(commissions::status.eq(CommissionStatus::Approved)))
                    .set((
                        commissions::status.eq(CommissionStatus::Paid),
                        commissions::paid_at.eq(Some(t)),
                        commissions::updated_at.eq(t),
                    ))
                    .execute(conn)?,
                json!({ "status": "paid" }),
                "paid",
            ),
            Action::Adjust(a) => (
                diesel::update(target.filter(commissions::status.ne(CommissionStatus::Paid)))
                    .set((
                        // New figures are approved anew.
                        commissions::status.eq(CommissionStatus::Pending),
                        commissions::bonus_minor.eq(a.bonus_minor),
                        commissions::penalty_minor.eq(a.penalty_minor),
                        commissions::penalty_reason.eq(&a.penalty_reason),
                        commissions::final_minor.eq(final_minor(
                            c.converted_minor,
                            a.bonus_minor,
                            a.penalty_minor,
                        )),
                        commissions::updated_at.eq(t),
                    ))
                    .execute(conn)?,
                json!({
                    "status": "pending",
                    "bonus_minor": a.bonus_minor,
                    "penalty_minor": a.penalty_minor,
                    "penalty_reason": a.penalty_reason,
                    "reason": a.reason,
                }),
                "adjusted",
            ),
        };
        if moved == 0 {
            return Err(Refused::Conflict(conflict(action)));
        }
        audit::record(
            conn,
            actor,
            Event::new(Some(org.id()), actions::UPDATE, "commission")
                .entity(c.public_id)
                .old(json!({
                    "status": c.status,
                    "bonus_minor": c.bonus_minor,
                    "penalty_minor": c.penalty_minor,
                    "penalty_reason": c.penalty_reason,
                }))
                .new_values(audit_new),
        )?;
        let kind = match action {
            Action::Approve => Some(templates::COMMISSION_APPROVED),
            Action::Pay => Some(templates::COMMISSION_PAID),
            Action::Adjust(_) => None,
        };
        if let Some(kind) = kind {
            notifications::notify(
                conn,
                org,
                c.user_id,
                Note {
                    kind,
                    values: vec![
                        ("amount", money(c.final_minor, currency)),
                        ("deal", c.deal_number.clone()),
                    ],
                    link: Some(format!("/commissions/{}", c.public_id)),
                    priority: "medium",
                },
            )?;
        }
        Ok(format!(
            "The commission on deal {} is {done}.",
            c.deal_number
        ))
    })
}

fn own(action: &Action) -> String {
    let what = match action {
        Action::Approve => "approve",
        Action::Pay => "pay",
        Action::Adjust(_) => "adjust",
    };
    format!("This commission is yours: another manager must {what} it.")
}

fn conflict(action: &Action) -> String {
    let now = "Here it is as it now stands.";
    match action {
        Action::Approve => format!("Only a pending commission can be approved. {now}"),
        Action::Pay => format!("Only an approved commission can be paid. {now}"),
        Action::Adjust(_) => format!("A paid commission keeps its figures. {now}"),
    }
}
