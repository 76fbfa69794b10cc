//! What `commissions.manage` does to a commission, each in one transaction with its audit entry
//! and the owner's notification: approve (pending → approved), pay (approved → paid) and adjust
//! (bonus, penalty with its reason) before it is paid. Each moves only from the status it
//! expects, so two managers acting at once cannot both succeed.

use diesel::prelude::*;
use serde_json::json;

use super::form::Adjustment;
use super::lookup::{self, Seen};
use super::rules::final_minor;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::notifications::{self, Note, templates};
use crate::sales::deals::money;
use crate::schema::commissions;
use crate::web::OrgScope;

pub enum Action {
    Approve,
    Pay,
    Adjust(Adjustment),
}

pub enum Refused {
    /// The commission is not in a status the action applies to.
    Conflict(String),
    App(AppError),
}

impl From<diesel::result::Error> for Refused {
    fn from(e: diesel::result::Error) -> Self {
        Refused::App(e.into())
    }
}

/// Applies `action` to the commission; the message to show once it is done. `currency` is the
/// organization's, in which a commission's final amount is.
pub fn apply(
    conn: &mut AnyConnection,
    org: OrgScope,
    currency: &str,
    actor: &Actor,
    id: PublicId,
    action: &Action,
) -> Result<String, Refused> {
    write_tx(conn, |conn| {
        let seen = Seen { org, only: None };
        let c = lookup::find(conn, seen, id).map_err(|e| Refused::App(e.into()))?;
        let t = now();
        let target = commissions::table.filter(commissions::id.eq(c.id));
        let (moved, audit_new, done) = match action {
            Action::Approve => (
                diesel::update(target.filter(commissions::status.eq("pending")))
                    .set((
                        commissions::status.eq("approved"),
                        commissions::updated_at.eq(t),
                    ))
                    .execute(conn)?,
                json!({ "status": "approved" }),
                "approved",
            ),
            Action::Pay => (
                diesel::update(target.filter(commissions::status.eq("approved")))
                    .set((
                        commissions::status.eq("paid"),
                        commissions::paid_at.eq(Some(t)),
                        commissions::updated_at.eq(t),
                    ))
                    .execute(conn)?,
                json!({ "status": "paid" }),
                "paid",
            ),
            Action::Adjust(a) => (
                diesel::update(target.filter(commissions::status.ne("paid")))
                    .set((
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
                    "bonus_minor": a.bonus_minor,
                    "penalty_minor": a.penalty_minor,
                    "penalty_reason": a.penalty_reason,
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

fn conflict(action: &Action) -> String {
    let now = "Here it is as it now stands.";
    match action {
        Action::Approve => format!("Only a pending commission can be approved. {now}"),
        Action::Pay => format!("Only an approved commission can be paid. {now}"),
        Action::Adjust(_) => format!("A paid commission keeps its figures. {now}"),
    }
}
