//! Payments as the record scope shows them: a payment is seen by whoever sees its deal, so every
//! query here goes through the scope's deals (what is written is `store`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId};
use crate::domain::money::convert;
use crate::domain::{FailureReason, PaymentCategory, PaymentMethod, PaymentStatus};
use crate::sales::deals::queries::DealRecord;
use crate::schema::{clients, deals, payment_approvals, payments, users};
use crate::scope::RecordScope;
use crate::web::listing::{COUNT_CAP, Column, Dir, Found, keyset};

pub(crate) use super::search::searched;
pub use super::search::{PaymentSearch, payment_search};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub transaction_number: String,
    pub deal_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub exchange_rate_e4: i64,
    pub category: PaymentCategory,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub payment_date: NaiveDate,
    pub cheque_number: Option<String>,
    pub bank_reference: Option<String>,
    pub receipt_path: Option<String>,
    pub receipt_content_type: Option<String>,
    pub notes: Option<String>,
    pub failure_reason: Option<FailureReason>,
    pub received_amount_minor: Option<i64>,
    pub verified_by_id: Option<i64>,
    pub verified_at: Option<NaiveDateTime>,
    pub created_by_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub counted_minor: i64,
    /// What it counts for in the organization's currency (kept by `sales::balance`).
    pub counted_org_minor: i64,
    /// Its deal's owner, whose scope shows it (a deal never changes owner).
    pub owner_id: i64,
}

impl PaymentRecord {
    /// Its creator may change or delete it until a verifier decides it.
    pub fn can_change(&self, user_id: i64) -> bool {
        self.status == PaymentStatus::Pending && self.created_by_id == user_id
    }
}

/// A list row: the payment with its deal and client.
#[derive(Debug, Clone, Queryable)]
pub struct PaymentRow {
    pub public_id: PublicId,
    pub transaction_number: String,
    pub amount_minor: i64,
    pub currency: String,
    pub category: PaymentCategory,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub payment_date: NaiveDate,
    pub has_receipt: Option<String>,
    pub created_at: NaiveDateTime,
    pub deal_public_id: PublicId,
    pub deal_number: String,
    pub client_name: String,
    /// One unit of the payment's currency in the organization's, × 10⁴.
    pub exchange_rate_e4: i64,
}

/// The scope's payments (their deals' owners'), as a boxed query to add to.
macro_rules! scoped {
    ($scope:expr) => {{
        $crate::owned!(
            payments::table
                .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
                .into_boxed(),
            $scope,
            payments::organization_id,
            payments::owner_id
        )
    }};
}

/// One payment of the scope; outside it, not found.
pub fn find(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    public_id: PublicId,
) -> QueryResult<PaymentRecord> {
    scoped!(scope)
        .filter(payments::public_id.eq(public_id))
        .select(PaymentRecord::as_select())
        .first(conn)
}

/// A deal's payments, oldest first (a deal has a handful).
pub fn of_deal(conn: &mut AnyConnection, org: i64, deal_id: i64) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
        .filter(payments::organization_id.eq(org))
        .filter(payments::deal_id.eq(deal_id))
        .order(payments::id)
        .limit(200)
        .select(row_columns())
        .load(conn)
}

/// The latest payments on the scope's deals, newest first.
pub fn latest(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    limit: i64,
) -> QueryResult<Vec<PaymentRow>> {
    scoped!(scope)
        .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
        .order(payments::id.desc())
        .limit(limit)
        .select(row_columns())
        .load(conn)
}

/// The latest payments on a client's deals that the scope sees.
pub fn of_client(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    client_id: i64,
    limit: i64,
) -> QueryResult<Vec<PaymentRow>> {
    scoped!(scope)
        .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
        .filter(deals::client_id.eq(client_id))
        .order(payments::id.desc())
        .limit(limit)
        .select(row_columns())
        .load(conn)
}

#[allow(clippy::type_complexity)]
fn row_columns() -> (
    payments::public_id,
    payments::transaction_number,
    payments::amount_minor,
    payments::currency,
    payments::category,
    payments::method,
    payments::status,
    payments::payment_date,
    payments::receipt_content_type,
    payments::created_at,
    deals::public_id,
    deals::deal_number,
    clients::name,
    payments::exchange_rate_e4,
) {
    (
        payments::public_id,
        payments::transaction_number,
        payments::amount_minor,
        payments::currency,
        payments::category,
        payments::method,
        payments::status,
        payments::payment_date,
        payments::receipt_content_type,
        payments::created_at,
        deals::public_id,
        deals::deal_number,
        clients::name,
        payments::exchange_rate_e4,
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    PaymentDate,
    Amount,
}

impl Sort {
    /// The columns a person can sort their payments by, with the way each sorts first.
    pub const COLUMNS: [Column; 3] = [
        ("", "Payment", Dir::Desc),
        ("date", "Paid on", Dir::Desc),
        ("amount", "Amount", Dir::Desc),
    ];

    pub fn parse(s: &str) -> Self {
        match s {
            "date" => Self::PaymentDate,
            "amount" => Self::Amount,
            _ => Self::Newest,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Filter {
    pub search: Option<PaymentSearch>,
    pub status: Option<PaymentStatus>,
    pub method: Option<PaymentMethod>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    pub dir: Dir,
    pub after: Option<PublicId>,
}

/// The user's own payments that pass the filter (not its order or cursor).
macro_rules! mine_matching {
    ($scope:expr, $f:expr) => {{
        let f: &Filter = $f;
        let mut q = payments::table
            .filter(payments::organization_id.eq($scope.org().id()))
            .filter(payments::created_by_id.eq($scope.user_id()))
            .into_boxed();
        q = searched!(q, $scope.org().id(), f.search.as_ref());
        if let Some(s) = f.status {
            q = q.filter(payments::status.eq(s));
        }
        if let Some(m) = f.method {
            q = q.filter(payments::method.eq(m));
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

/// How many of the user's payments pass the filter, up to the cap, with their total in the
/// organization's currency.
pub fn mine_found(conn: &mut AnyConnection, scope: &RecordScope, f: &Filter) -> QueryResult<Found> {
    let rows: Vec<(i64, String, i64)> = mine_matching!(scope, f)
        .select((
            payments::amount_minor,
            payments::currency,
            payments::exchange_rate_e4,
        ))
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    let org_currency = scope.currency();
    let amounts: Vec<i64> = rows
        .iter()
        .map(|(m, c, r)| convert(*m, c, *r, org_currency))
        .collect();
    Ok(Found::of(&amounts))
}

/// The user's own payments in the filter's order, `limit` after the cursor (keyset on the
/// creator's indexes).
pub fn mine(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<PaymentRow>> {
    let cursor: Option<(i64, NaiveDate, i64)> = match f.after {
        Some(after) => payments::table
            .filter(payments::organization_id.eq(scope.org().id()))
            .filter(payments::created_by_id.eq(scope.user_id()))
            .filter(payments::public_id.eq(after))
            .select((payments::id, payments::payment_date, payments::amount_minor))
            .first(conn)
            .optional()?,
        None => None,
    };
    let q = mine_matching!(scope, f)
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
        .select(row_columns());
    let q = match f.sort {
        Sort::Newest => keyset!(q, f.dir, payments::id, cursor.map(|c| c.0)),
        Sort::PaymentDate => keyset!(
            q,
            f.dir,
            payments::payment_date,
            payments::id,
            cursor.map(|c| (c.1, c.0))
        ),
        Sort::Amount => keyset!(
            q,
            f.dir,
            payments::amount_minor,
            payments::id,
            cursor.map(|c| (c.2, c.0))
        ),
    };
    q.limit(limit).load(conn)
}

/// What the deal's verified and pending payments already count for, in the deal's currency
/// (their `counted_minor`, kept by `balance::recompute`), leaving out `except` (the payment
/// being edited).
pub fn committed(
    conn: &mut AnyConnection,
    deal: &DealRecord,
    except: Option<i64>,
) -> QueryResult<(i64, i64)> {
    let rows: Vec<(i64, PaymentStatus, i64)> = payments::table
        .filter(payments::organization_id.eq(deal.organization_id))
        .filter(payments::deal_id.eq(deal.id))
        .filter(payments::status.eq_any([PaymentStatus::Verified, PaymentStatus::Pending]))
        .select((payments::id, payments::status, payments::counted_minor))
        .load(conn)?;
    let (mut verified, mut pending) = (0, 0);
    for (id, status, counted) in rows {
        if Some(id) == except {
            continue;
        }
        if status == PaymentStatus::Verified {
            verified += counted;
        } else {
            pending += counted;
        }
    }
    Ok((verified, pending))
}

/// Whether another payment of the organization carries this cheque number.
pub fn cheque_taken(
    conn: &mut AnyConnection,
    org: i64,
    number: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut q = payments::table
        .filter(payments::organization_id.eq(org))
        .filter(payments::cheque_number.eq(number))
        .select(payments::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(payments::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

/// An approval step as the payment page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct ApprovalRow {
    pub step: i32,
    pub decision: String,
    pub comments: Option<String>,
    pub created_at: NaiveDateTime,
    pub approver_id: i64,
    pub first_name: String,
    pub last_name: String,
}

/// The payment's decisions so far, step by step, with who took them.
pub fn approvals(
    conn: &mut AnyConnection,
    payment: &PaymentRecord,
) -> QueryResult<Vec<ApprovalRow>> {
    payment_approvals::table
        .inner_join(users::table.on(users::id.eq(payment_approvals::approver_id)))
        .filter(payment_approvals::organization_id.eq(payment.organization_id))
        .filter(payment_approvals::payment_id.eq(payment.id))
        .order(payment_approvals::step)
        .select((
            payment_approvals::step,
            payment_approvals::decision,
            payment_approvals::comments,
            payment_approvals::created_at,
            payment_approvals::approver_id,
            users::first_name,
            users::last_name,
        ))
        .load(conn)
}
