//! What the verifiers did with the demo payments: an approval step for every decided payment
//! (two, by different verifiers, above the organization's threshold), payments above it waiting
//! for their second approval, every payment's invoice, each deal's commission (the older ones
//! approved or paid), and the salespeople's notifications of the
//! last month's decisions, about half of them read.

use crate::domain::money::money;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::users::find_by_email;
use crate::db::{AnyConnection, PublicId, now};
use crate::domain::FailureReason;
use crate::invoices;
use crate::notifications::preferences::{self, Channels, KINDS};
use crate::notifications::{self, Note, templates};
use crate::schema::{
    commissions, deals, email_outbox, notification_templates, payment_approvals, payments,
    user_notifications,
};
use crate::verifier::queries::second_approval_threshold;
use crate::web::OrgScope;

/// A payment as the demo decides it.
type Decided = (
    i64,
    PublicId,
    String,
    i64,
    String,
    Option<FailureReason>,
    Option<NaiveDateTime>,
    i64,
    NaiveDateTime,
    i64,
    String,
    String,
);

/// Loads the decisions once per organization (nothing when it already has some).
pub fn load(conn: &mut AnyConnection, scope: OrgScope, domain: &str) -> QueryResult<()> {
    invoices::backfill(conn, scope)?;
    let existing: i64 = payment_approvals::table
        .filter(payment_approvals::organization_id.eq(scope.id()))
        .count()
        .get_result(conn)?;
    let first = find_by_email(conn, &format!("verifier@{domain}"))?.map(|u| u.id);
    let second = find_by_email(conn, &format!("nadia.nguyen@{domain}"))?.map(|u| u.id);
    let (0, Some(first)) = (existing, first) else {
        return Ok(());
    };
    let threshold = second_approval_threshold(conn, scope)?;
    let found: Vec<Decided> = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .filter(payments::organization_id.eq(scope.id()))
        .order(payments::id)
        .select((
            payments::id,
            payments::public_id,
            payments::transaction_number,
            payments::counted_org_minor,
            payments::status,
            payments::failure_reason,
            payments::verified_at,
            payments::created_by_id,
            payments::created_at,
            payments::amount_minor,
            payments::currency,
            deals::deal_number,
        ))
        .load(conn)?;
    let t = now();
    // Sam asked for his verified and rejected payments by e-mail too.
    if let Some(sam) = find_by_email(conn, &format!("sales@{domain}"))? {
        let both = Channels {
            in_app: true,
            email: true,
        };
        let choices: Vec<Channels> = KINDS
            .iter()
            .map(|(kind, _, _)| match *kind {
                "payment_verified" | "payment_rejected" => both,
                _ => Channels::default(),
            })
            .collect();
        preferences::save(conn, scope, sam.id, &choices)?;
    }
    let mut pending_above = 0;
    for (
        id,
        public_id,
        number,
        counted,
        status,
        reason,
        decided_at,
        owner,
        created,
        amount,
        currency,
        deal_number,
    ) in found
    {
        let above = threshold.is_some_and(|th| counted > th);
        let steps: Vec<(i64, &str, Option<String>)> = match status.as_str() {
            "pending" if above => {
                // Every other large payment has had its first approval.
                pending_above += 1;
                if pending_above % 2 == 0 {
                    continue;
                }
                vec![(first, "approved", None)]
            }
            "pending" => continue,
            "rejected" => {
                let why = reason.unwrap_or(FailureReason::Other).label();
                vec![(
                    first,
                    "rejected",
                    Some(format!("{why}: checked with the bank.")),
                )]
            }
            _ => {
                let mut s = vec![(first, "approved", None)];
                if let (true, Some(second)) = (above, second) {
                    s.push((second, "approved", Some("Second approval.".into())));
                }
                s
            }
        };
        let at = decided_at.unwrap_or(created + Duration::hours(2));
        for (k, (by, decision, comment)) in steps.iter().enumerate() {
            diesel::insert_into(payment_approvals::table)
                .values((
                    payment_approvals::public_id.eq(PublicId::new()),
                    payment_approvals::organization_id.eq(scope.id()),
                    payment_approvals::payment_id.eq(id),
                    payment_approvals::approver_id.eq(by),
                    payment_approvals::step.eq(k as i32 + 1),
                    payment_approvals::decision.eq(decision),
                    payment_approvals::comments.eq(comment),
                    payment_approvals::created_at.eq(at.min(t)),
                ))
                .execute(conn)?;
        }
        if status == "pending" || t - at > Duration::days(30) {
            continue;
        }
        let mut values = vec![
            ("number", number),
            ("amount", money(amount, &currency)),
            ("deal", deal_number),
        ];
        let kind = match status.as_str() {
            "verified" => templates::PAYMENT_VERIFIED,
            "rejected" => {
                values.push((
                    "reason",
                    reason.unwrap_or(FailureReason::Other).label().to_string(),
                ));
                values.push(("comment", "Checked with the bank.".to_string()));
                templates::PAYMENT_REJECTED
            }
            _ => {
                values.push((
                    "outcome",
                    status.replace("bad_debt", "written off as bad debt"),
                ));
                values.push(("reason", "The client asked for the money back.".to_string()));
                templates::PAYMENT_REFUNDED
            }
        };
        notifications::notify(
            conn,
            scope,
            owner,
            Note {
                kind,
                values,
                link: Some(format!("/sales/payments/{public_id}")),
                priority: if status == "rejected" {
                    "high"
                } else {
                    "medium"
                },
            },
        )?;
    }
    commissions(conn, scope, t)?;
    crate::streaks::rebuild(conn, scope.id())?;
    crate::verifier::rollup::rebuild(conn, scope.id())?;
    if let Some(admin) = find_by_email(conn, &format!("admin@{domain}"))? {
        notifications::broadcast::send(
            conn,
            scope,
            admin.id,
            notifications::broadcast::Audience::Everyone,
            "Month-end close on Friday",
            "Record every payment received this month by Thursday evening, with its receipt, so \
             that verification can finish before the books close.",
            "high",
        )?;
    }
    // The organization speaks its own words when a commission is paid.
    diesel::insert_into(notification_templates::table)
        .values((
            notification_templates::public_id.eq(PublicId::new()),
            notification_templates::organization_id.eq(scope.id()),
            notification_templates::kind.eq(templates::COMMISSION_PAID.code),
            notification_templates::name.eq(templates::COMMISSION_PAID.label),
            notification_templates::title.eq("Paid: your commission on {{deal}}"),
            notification_templates::message.eq(
                "Good news, {{recipient}}: {{amount}} for deal {{deal}} is on its way. Thank you \
                 from everyone at {{organization}}.",
            ),
            notification_templates::is_active.eq(true),
            notification_templates::created_at.eq(t),
            notification_templates::updated_at.eq(t),
        ))
        .execute(conn)?;
    outbox(conn, scope, t)?;
    // The salespeople have read about half of them.
    let notes: Vec<i64> = user_notifications::table
        .inner_join(crate::schema::notifications::table)
        .filter(user_notifications::organization_id.eq(scope.id()))
        .filter(crate::schema::notifications::kind.like("payment_%"))
        .select(user_notifications::id)
        .load(conn)?;
    let half: Vec<i64> = notes.into_iter().step_by(2).collect();
    diesel::update(user_notifications::table.filter(user_notifications::id.eq_any(half)))
        .set((
            user_notifications::is_read.eq(true),
            user_notifications::read_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

/// The e-mails the notifications queued: sent but the newest few (the mail sender delivers those
/// on the first start), one given up on.
fn outbox(conn: &mut AnyConnection, scope: OrgScope, t: NaiveDateTime) -> QueryResult<()> {
    let queued: Vec<i64> = email_outbox::table
        .filter(email_outbox::organization_id.eq(scope.id()))
        .order(email_outbox::id.desc())
        .select(email_outbox::id)
        .load(conn)?;
    if let Some(failed) = queued.get(3) {
        diesel::update(email_outbox::table.find(failed))
            .set((
                email_outbox::status.eq("failed"),
                email_outbox::attempts.eq(crate::mail::outbox::MAX_ATTEMPTS),
                email_outbox::last_error.eq("550 mailbox unavailable (demo)"),
            ))
            .execute(conn)?;
    }
    let sent: Vec<i64> = queued.iter().skip(4).copied().collect();
    diesel::update(email_outbox::table.filter(email_outbox::id.eq_any(sent)))
        .set((
            email_outbox::status.eq("sent"),
            email_outbox::attempts.eq(1),
            email_outbox::sent_at.eq(Some(t)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every deal's commission as the decisions left it; the older ones approved, the oldest paid.
/// How far a commission of a deal made on `date` has come by `t`: paid after three months,
/// approved after six weeks, else pending (the demo's and the load generator's rule).
pub(crate) fn commission_settled(
    date: NaiveDate,
    t: NaiveDateTime,
) -> (&'static str, Option<NaiveDateTime>) {
    match (t.date() - date).num_days() {
        a if a > 90 => ("paid", Some(t - Duration::days(a - 60))),
        a if a > 45 => ("approved", None),
        _ => ("pending", None),
    }
}

fn commissions(conn: &mut AnyConnection, scope: OrgScope, t: NaiveDateTime) -> QueryResult<()> {
    let paid: Vec<(i64, NaiveDate)> = deals::table
        .filter(deals::organization_id.eq(scope.id()))
        .filter(deals::paid_minor.gt(0))
        .order(deals::id)
        .select((deals::id, deals::deal_date))
        .load(conn)?;
    for (deal, date) in &paid {
        crate::commissions::sync(conn, scope.id(), *deal)?;
        // Created when the deal was, as a live decision would have, for the periods to show.
        let created = date.and_hms_opt(12, 0, 0).map_or(t, |c| c.min(t));
        let (status, paid_at) = commission_settled(*date, t);
        diesel::update(commissions::table.filter(commissions::deal_id.eq(deal)))
            .set((
                commissions::status.eq(status),
                commissions::paid_at.eq(paid_at),
                commissions::created_at.eq(created),
            ))
            .execute(conn)?;
    }
    Ok(())
}
