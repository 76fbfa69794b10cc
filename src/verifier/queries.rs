//! The verifier's reads: the organization's payments (a verifier decides for the whole
//! organization, so the scope is the organization), the queue in arrival order, one payment with
//! its deal, client, salesperson and approvals.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId};
use crate::domain::money::convert;
use crate::domain::{PaymentMethod, PaymentStatus};
use crate::sales::payments::queries::{PaymentRecord, PaymentSearch, searched};
use crate::schema::{
    clients, deals, organizations, payment_approvals, payments, sales_owner_stats, users,
};
use crate::web::OrgScope;
use crate::web::listing::{COUNT_CAP, Column, Dir, Found, keyset};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Arrival,
    PaymentDate,
    Amount,
}

impl Sort {
    /// The queue's sortable columns: arrival first-come first (the order decisions are owed
    /// in), payment dates oldest first, amounts largest first.
    pub const COLUMNS: [Column; 3] = [
        ("", "Arrived", Dir::Asc),
        ("date", "Paid on", Dir::Asc),
        ("amount", "Amount", Dir::Desc),
    ];

    pub fn parse(s: &str) -> (Self, Dir) {
        match s {
            "date" => (Self::PaymentDate, Dir::Asc),
            "amount" => (Self::Amount, Dir::Desc),
            _ => (Self::Arrival, Dir::Asc),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Filter {
    pub search: Option<PaymentSearch>,
    pub status: PaymentStatus,
    pub method: Option<PaymentMethod>,
    /// Bounds on what the payment counts for in the organization's currency.
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub seller: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    pub dir: Dir,
    pub after: Option<PublicId>,
}

impl Filter {
    /// What waits for a decision, first come first.
    pub fn pending() -> Filter {
        Filter {
            search: None,
            status: PaymentStatus::Pending,
            method: None,
            min: None,
            max: None,
            seller: None,
            from: None,
            to: None,
            sort: Sort::Arrival,
            dir: Dir::Asc,
            after: None,
        }
    }
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
    pub exchange_rate_e4: i64,
}

/// The organization's payments of `f.status` that pass the filter (not its order or cursor).
macro_rules! matching {
    ($org:expr, $f:expr) => {{
        let f: &Filter = $f;
        let org: OrgScope = $org;
        let mut q = payments::table
            .filter(payments::organization_id.eq(org.id()))
            .into_boxed();
        q = if f.search.as_ref().is_some_and(|s| s.ids.is_some()) {
            // A search's few ids are the rows: the status is compared as an expression (no
            // index can serve `status || ''`), or SQLite would walk every payment of the
            // status in the queue's order and test each against the ids (10.8 ms at 32,000
            // pending, against 2.6 ms by ids).
            q.filter(payments::status.concat("").eq(f.status.code()))
        } else {
            q.filter(payments::status.eq(f.status))
        };
        q = searched!(q, org.id(), f.search.as_ref());
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
        q
    }};
}

/// How many payments pass the filter, up to the cap, with their total in the organization's
/// currency `currency`.
pub fn found(
    conn: &mut AnyConnection,
    org: OrgScope,
    f: &Filter,
    currency: &str,
) -> QueryResult<Found> {
    let rows: Vec<(i64, String, i64)> = matching!(org, f)
        .select((
            payments::amount_minor,
            payments::currency,
            payments::exchange_rate_e4,
        ))
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    let amounts: Vec<i64> = rows
        .iter()
        .map(|(m, c, r)| convert(*m, c, *r, currency))
        .collect();
    Ok(Found::of(&amounts))
}

/// The queue: payments of `f.status` in the filter's order (by default oldest first, the order
/// they arrived in), `limit` after the cursor; index ranges on (organization, status, …).
pub fn queue(
    conn: &mut AnyConnection,
    org: OrgScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<QueueRow>> {
    let cursor: Option<(i64, NaiveDateTime, NaiveDate, i64)> = match f.after {
        Some(after) => payments::table
            .filter(payments::organization_id.eq(org.id()))
            .filter(payments::public_id.eq(after))
            .select((
                payments::id,
                payments::created_at,
                payments::payment_date,
                payments::amount_minor,
            ))
            .first(conn)
            .optional()?,
        None => None,
    };
    let q = matching!(org, f)
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
        .inner_join(users::table.on(users::id.eq(payments::created_by_id)))
        .left_join(
            payment_approvals::table.on(payment_approvals::payment_id
                .eq(payments::id)
                .and(payment_approvals::step.eq(1))
                .and(payment_approvals::decision.eq("approved"))),
        )
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
            payments::exchange_rate_e4,
        ));
    let q = match f.sort {
        Sort::Arrival => keyset!(
            q,
            f.dir,
            payments::created_at,
            payments::id,
            cursor.map(|c| (c.1, c.0))
        ),
        Sort::PaymentDate => keyset!(
            q,
            f.dir,
            payments::payment_date,
            payments::id,
            cursor.map(|c| (c.2, c.0))
        ),
        Sort::Amount => keyset!(
            q,
            f.dir,
            payments::amount_minor,
            payments::id,
            cursor.map(|c| (c.3, c.0))
        ),
    };
    q.limit(limit).load(conn)
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
