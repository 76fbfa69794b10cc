//! The verifier's reads: the organization's payments (a verifier decides for the whole
//! organization, so the scope is the organization), the queue in arrival order, one payment with
//! its deal, client, salesperson and approvals.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId};
use crate::domain::{PaymentMethod, PaymentStatus};
use crate::sales::payments::queries::PaymentRecord;
use crate::schema::{
    clients, deals, organizations, payment_approvals, payments, sales_owner_stats, users,
};
use crate::web::OrgScope;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: PaymentStatus,
    pub method: Option<PaymentMethod>,
    /// Bounds on what the payment counts for in the organization's currency.
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub seller: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub after: Option<PublicId>,
}

/// A row of the queue: the payment, its deal, client and salesperson, and who approved it first
/// when it waits for a second approval.
#[derive(Debug, Clone, Queryable)]
pub struct QueueRow {
    pub public_id: PublicId,
    pub transaction_number: String,
    pub amount_minor: i64,
    pub currency: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub payment_date: NaiveDate,
    pub created_at: NaiveDateTime,
    pub receipt_content_type: Option<String>,
    pub deal_public_id: PublicId,
    pub deal_number: String,
    pub client_name: String,
    pub seller_first: String,
    pub seller_last: String,
    pub first_approver: Option<i64>,
}

/// The queue: payments of `f.status`, oldest first (the order they arrived in), `limit` after
/// the cursor; an index range on (organization, status, created_at).
pub fn queue(
    conn: &mut AnyConnection,
    org: OrgScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<QueueRow>> {
    let mut q = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
        .inner_join(users::table.on(users::id.eq(payments::created_by_id)))
        .left_join(
            payment_approvals::table.on(payment_approvals::payment_id
                .eq(payments::id)
                .and(payment_approvals::step.eq(1))
                .and(payment_approvals::decision.eq("approved"))),
        )
        .filter(payments::organization_id.eq(org.id()))
        .filter(payments::status.eq(f.status))
        .select((
            payments::public_id,
            payments::transaction_number,
            payments::amount_minor,
            payments::currency,
            payments::method,
            payments::status,
            payments::payment_date,
            payments::created_at,
            payments::receipt_content_type,
            deals::public_id,
            deals::deal_number,
            clients::name,
            users::first_name,
            users::last_name,
            payment_approvals::approver_id.nullable(),
        ))
        .into_boxed();
    if let Some(m) = f.method {
        q = q.filter(payments::method.eq(m));
    }
    if let Some(m) = f.min {
        q = q.filter(payments::counted_org_minor.ge(m));
    }
    if let Some(m) = f.max {
        q = q.filter(payments::counted_org_minor.le(m));
    }
    if let Some(s) = f.seller {
        q = q.filter(payments::created_by_id.eq(s));
    }
    if let Some(d) = f.from {
        q = q.filter(payments::payment_date.ge(d));
    }
    if let Some(d) = f.to {
        q = q.filter(payments::payment_date.le(d));
    }
    if let Some(after) = f.after {
        let cursor: Option<(NaiveDateTime, i64)> = payments::table
            .filter(payments::organization_id.eq(org.id()))
            .filter(payments::public_id.eq(after))
            .select((payments::created_at, payments::id))
            .first(conn)
            .optional()?;
        if let Some((at, id)) = cursor {
            q = q.filter(
                payments::created_at
                    .gt(at)
                    .or(payments::created_at.eq(at).and(payments::id.gt(id))),
            );
        }
    }
    q.order((payments::created_at, payments::id))
        .limit(limit)
        .load(conn)
}

/// The people who recorded payments, for the salesperson filter.
pub fn sellers(
    conn: &mut AnyConnection,
    org: OrgScope,
) -> QueryResult<Vec<(i64, PublicId, String)>> {
    let found: Vec<(i64, PublicId, String, String)> = users::table
        .filter(users::organization_id.eq(org.id()))
        // One probe of the (organization, creator) index per person, not a pass over payments.
        .filter(diesel::dsl::exists(
            payments::table
                .filter(payments::organization_id.eq(org.id()))
                .filter(payments::created_by_id.eq(users::id)),
        ))
        .select((
            users::id,
            users::public_id,
            users::first_name,
            users::last_name,
        ))
        .order((users::last_name, users::first_name, users::id))
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|(id, p, first, last)| (id, p, format!("{first} {last}")))
        .collect())
}

/// One payment of the organization; another organization's is not found.
pub fn find(
    conn: &mut AnyConnection,
    org: OrgScope,
    public_id: PublicId,
) -> QueryResult<PaymentRecord> {
    payments::table
        .filter(payments::organization_id.eq(org.id()))
        .filter(payments::public_id.eq(public_id))
        .select(PaymentRecord::as_select())
        .first(conn)
}

/// The organization's amount above which a payment needs a second verifier, if it sets one.
pub fn second_approval_threshold(
    conn: &mut AnyConnection,
    org: OrgScope,
) -> QueryResult<Option<i64>> {
    organizations::table
        .find(org.id())
        .select(organizations::second_approval_threshold_minor)
        .first(conn)
}

/// What waits for a decision right now, across the organization: payments and their sum in the
/// organization's currency, from the owners' maintained figures.
pub fn waiting(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<(i64, i64)> {
    let rows: Vec<(i64, i64)> = sales_owner_stats::table
        .filter(sales_owner_stats::organization_id.eq(org.id()))
        .select((
            sales_owner_stats::pending_payments,
            sales_owner_stats::pending_minor,
        ))
        .load(conn)?;
    Ok(rows.iter().fold((0, 0), |(n, m), (a, b)| (n + a, m + b)))
}
