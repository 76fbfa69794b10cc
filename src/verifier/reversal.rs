//! Taking back a verified payment: refunded to the client, or written off as bad debt. Like a
//! decision, in one transaction under the organization's books lock (`db::money_tx`): the payment's status, the deal's and the client's figures
//! (`sales::balance::recompute`), the verifier's dashboard rollups of the day it was decided, the
//! invoice (`invoices::sync`: refunded or void), the owner's
//! notification, the deal's activity line and the audit entry with the reason.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::decide::{Refused, Verifier};
use super::queries;
use crate::audit::actions;
use crate::db::{AnyConnection, PublicId, money_tx, now};
use crate::domain::PaymentStatus;
use crate::domain::money::money;
use crate::error::AppError;
use crate::invoices;
use crate::notifications::{self, Note, templates};
use crate::sales::balance;
use crate::sales::deals::activity::{self, Change};
use crate::sales::deals::queries::find_in_org;
use crate::schema::payments;
use crate::web::FieldErrors;
use crate::web::form::required;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReversalForm {
    /// "refunded" or "bad_debt".
    pub to: String,
    pub reason: String,
}

impl ReversalForm {
    fn validate(&self) -> Result<(PaymentStatus, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let to = match PaymentStatus::parse(&self.to) {
            Some(s @ (PaymentStatus::Refunded | PaymentStatus::BadDebt)) => Some(s),
            _ => {
                e.add("to", "Choose refunded or bad debt.");
                None
            }
        };
        let reason = e.check("reason", required(&self.reason, "the reason", 1_000));
        match (to, reason) {
            (Some(to), Some(r)) if e.is_empty() => Ok((to, r)),
            _ => Err(e),
        }
    }
}

pub fn reverse(
    conn: &mut AnyConnection,
    who: &Verifier,
    payment: PublicId,
    form: &ReversalForm,
) -> Result<PaymentStatus, Refused> {
    let (to, reason) = form.validate().map_err(Refused::Invalid)?;
    money_tx(conn, who.org.id(), |conn, books| {
        let p = queries::find(conn, who.org, payment).map_err(AppError::from)?;
        if p.created_by_id == who.user_id {
            return Err(Refused::Not(
                StatusCode::FORBIDDEN,
                "You recorded this payment, so another verifier must take it back.".into(),
            ));
        }
        let t = now();
        let moved = diesel::update(
            payments::table
                .filter(payments::organization_id.eq(who.org.id()))
                .filter(payments::id.eq(p.id))
                .filter(payments::status.eq(PaymentStatus::Verified)),
        )
        .set((payments::status.eq(to), payments::updated_at.eq(t)))
        .execute(conn)?;
        if moved == 0 {
            return Err(Refused::Not(
                StatusCode::CONFLICT,
                "Only a verified payment can be marked refunded or bad debt; here it is as it \
                 now stands."
                    .into(),
            ));
        }
        balance::recompute(conn, books, p.deal_id, who.today, &[])?;
        if let Some(decided_at) = p.verified_at {
            super::rollup::recompute(conn, books, decided_at)?;
        }
        invoices::sync(conn, who.org.id(), p.id)?;
        crate::commissions::sync(conn, who.org.id(), p.deal_id)?;
        let deal = find_in_org(conn, who.org, p.deal_id)?;
        let amount = money(
            p.received_amount_minor.unwrap_or(p.amount_minor),
            &p.currency,
        );
        let number = &p.transaction_number;
        let what = if to == PaymentStatus::Refunded {
            "refunded"
        } else {
            "written off as bad debt"
        };
        notifications::notify(
            conn,
            who.org,
            p.created_by_id,
            Note {
                kind: templates::PAYMENT_REFUNDED,
                values: vec![
                    ("number", number.clone()),
                    ("amount", amount),
                    ("deal", deal.deal_number.clone()),
                    ("outcome", what.to_string()),
                    ("reason", reason.clone()),
                ],
                link: Some(format!("/sales/payments/{}", p.public_id)),
                priority: "high",
            },
        )?;
        activity::log(
            conn,
            &who.actor,
            &deal,
            Change {
                audit: actions::UPDATE,
                action: "payment_reversed",
                description: Some(format!("Payment {number} {what}: {reason}")),
                old: Some(json!({ "status": p.status })),
                new: json!({ "status": to, "reason": reason }),
                entity: Some(("payment", p.public_id)),
            },
        )?;
        Ok(to)
    })
}
