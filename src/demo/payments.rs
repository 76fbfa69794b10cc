//! Payments on the demo deals, in every state a payment takes: waiting, verified, rejected with
//! a reason, refunded, written off; a receipt on every third (its picture made by `receipt`). The deals and clients then take
//! their statuses from them through the one recomputation (`sales::balance`), as they would
//! from payments recorded on the site.

use crate::domain::money::money;
use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::users::find_by_email;
use crate::db::{AnyConnection, PublicId, now};
use crate::numbers;
use crate::sales::balance;
use crate::schema::{deal_activities, deals, payments};
use crate::web::OrgScope;

/// What happens on a deal, by its position: (share of the amount in %, final status, reason).
/// Shares of a deal add up to at most 100.
const PLANS: [&[(i64, &str, Option<&str>)]; 10] = [
    &[],
    &[(30, "pending", None)],
    &[(40, "verified", None), (30, "pending", None)],
    &[(100, "verified", None)],
    &[
        (50, "verified", None),
        (50, "rejected", Some("insufficient_funds")),
    ],
    &[(30, "verified", None), (70, "verified", None)],
    &[
        (100, "rejected", Some("cheque_bounce")),
        (100, "pending", None),
    ],
    &[(60, "verified", None), (40, "refunded", None)],
    &[],
    &[
        (25, "verified", None),
        (25, "pending", None),
        (50, "bad_debt", None),
    ],
];

const METHODS: [&str; 5] = ["bank_transfer", "card", "cash", "cheque", "wallet"];

/// Loads the payments once per organization (nothing when it already has some).
pub fn load(conn: &mut AnyConnection, scope: OrgScope, domain: &str) -> QueryResult<()> {
    let existing: i64 = payments::table
        .filter(payments::organization_id.eq(scope.id()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let verifier = find_by_email(conn, &format!("verifier@{domain}"))?.map(|u| u.id);
    let found: Vec<(i64, i64, String, NaiveDate, i64, String)> = deals::table
        .filter(deals::organization_id.eq(scope.id()))
        .filter(deals::status.ne("cancelled"))
        .order(deals::id)
        .select((
            deals::id,
            deals::amount_minor,
            deals::currency,
            deals::deal_date,
            deals::created_by_id,
            deals::status,
        ))
        .load(conn)?;
    let t = now();
    let today = t.date();
    let (mut clients, mut owners, mut days) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let mut n = 0_usize;
    for (i, (deal_id, amount, currency, deal_date, owner, _)) in found.iter().enumerate() {
        // Older deals are mostly settled; a write-off is rare.
        let plan = match (i % PLANS.len(), (today - *deal_date).num_days()) {
            (0 | 8, age) if age > 45 => PLANS[3],
            (9, _) if i % 20 != 9 => PLANS[5],
            (p, _) => PLANS[p],
        };
        for (k, (share, status, reason)) in plan.iter().enumerate() {
            n += 1;
            let start = (*deal_date).max(today - Duration::days(360));
            let date = (start + Duration::days(3 + 9 * k as i64)).min(today);
            let number = numbers::next(conn, scope, numbers::PAYMENT)?;
            // A bounced cheque was a cheque.
            let method = match reason {
                Some("cheque_bounce") => "cheque",
                _ => METHODS[n % METHODS.len()],
            };
            let decided = *status != "pending";
            let decided_at: Option<NaiveDateTime> = decided
                .then(|| (date + Duration::days(1)).and_hms_opt(10, 30, 0))
                .flatten()
                .map(|d| d.min(t));
            let created = date.and_hms_opt(9, 0, 0).unwrap_or(t).min(t);
            let receipt = n
                .is_multiple_of(3)
                .then(|| format!("demo{}{n}.png", scope.id()));
            diesel::insert_into(payments::table)
                .values((
                    payments::public_id.eq(PublicId::new()),
                    payments::organization_id.eq(scope.id()),
                    payments::transaction_number.eq(&number),
                    payments::deal_id.eq(deal_id),
                    payments::amount_minor.eq(amount * share / 100),
                    payments::currency.eq(currency),
                    payments::category.eq(match (k, share) {
                        (_, 100) => "final",
                        (0, _) => "advance",
                        _ => "partial",
                    }),
                    payments::method.eq(method),
                    payments::status.eq(status),
                    payments::payment_date.eq(date),
                    payments::cheque_number
                        .eq((method == "cheque").then(|| format!("CHQ-{}-{n:05}", scope.id()))),
                    payments::bank_reference
                        .eq((method == "bank_transfer").then(|| format!("BT{}{n:06}", scope.id()))),
                    payments::receipt_path.eq(&receipt),
                    payments::receipt_content_type.eq(receipt.as_ref().map(|_| "image/png")),
                    payments::failure_reason.eq(reason),
                    payments::verified_by_id.eq(verifier.filter(|_| decided)),
                    payments::verified_at.eq(decided_at),
                    payments::created_by_id.eq(owner),
                    payments::owner_id.eq(owner),
                    payments::created_at.eq(created),
                    payments::updated_at.eq(decided_at.unwrap_or(created)),
                ))
                .execute(conn)?;
            let amount_text = money(amount * share / 100, currency);
            let mut lines = vec![(
                *owner,
                "payment_recorded",
                format!("Recorded payment {number} of {amount_text}"),
                created,
            )];
            if let (Some(by), Some(at)) = (verifier, decided_at) {
                let what = match (*status, reason) {
                    ("verified", _) => format!("Verified payment {number}"),
                    (_, Some(r)) => format!("Rejected payment {number}: {}", r.replace('_', " ")),
                    (s, None) => format!("Marked payment {number} as {}", s.replace('_', " ")),
                };
                lines.push((by, "payment_decided", what, at));
            }
            for (user, action, description, at) in lines {
                diesel::insert_into(deal_activities::table)
                    .values((
                        deal_activities::organization_id.eq(scope.id()),
                        deal_activities::deal_id.eq(deal_id),
                        deal_activities::user_id.eq(user),
                        deal_activities::action.eq(action),
                        deal_activities::description.eq(description),
                        deal_activities::created_at.eq(at),
                    ))
                    .execute(conn)?;
            }
        }
        // Every deal, paid or not: its client's balance and its owner's figures follow.
        let keys = balance::recompute_deal(conn, scope.id(), *deal_id)?;
        clients.insert(keys.client_id);
        owners.insert(keys.owner_id);
        days.extend(keys.days.into_iter().map(|d| (keys.owner_id, d)));
    }
    for client in clients {
        balance::recompute_client(conn, scope.id(), client, today)?;
    }
    for (owner, day) in days {
        balance::recompute_day(conn, scope.id(), owner, day)?;
    }
    for owner in owners {
        balance::recompute_owner(conn, scope.id(), owner)?;
    }
    Ok(())
}
