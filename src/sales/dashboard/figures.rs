//! What the sales dashboard reads, all through the record scope: the owners' day rollups of
//! the two periods, their open-deal figures, the latest payments, the top clients.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId};
use crate::sales::scope::RecordScope;
use crate::schema::{clients, organizations, sales_days, sales_owner_stats, users};

#[derive(Debug, Clone, Queryable)]
pub struct DayRow {
    pub user_id: i64,
    pub day: NaiveDate,
    pub verified_count: i64,
    pub verified_minor: i64,
    pub pending_count: i64,
    pub pending_minor: i64,
    pub rejected_count: i64,
    pub rejected_minor: i64,
}

/// The scope's day rows from `from` to `to` (inclusive).
pub fn days(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<DayRow>> {
    let mut q = sales_days::table
        .filter(sales_days::organization_id.eq(scope.org().id()))
        .filter(sales_days::day.ge(from))
        .filter(sales_days::day.le(to))
        .select((
            sales_days::user_id,
            sales_days::day,
            sales_days::verified_count,
            sales_days::verified_minor,
            sales_days::pending_count,
            sales_days::pending_minor,
            sales_days::rejected_count,
            sales_days::rejected_minor,
        ))
        .into_boxed();
    if let Some(owners) = scope.owners() {
        q = q.filter(sales_days::user_id.eq_any(owners.to_vec()));
    }
    q.load(conn)
}

/// Open deals, their outstanding amount, payments waiting for a verifier and their sum.
pub fn waiting(conn: &mut AnyConnection, scope: &RecordScope) -> QueryResult<[i64; 4]> {
    let mut q = sales_owner_stats::table
        .filter(sales_owner_stats::organization_id.eq(scope.org().id()))
        .select((
            sales_owner_stats::open_deals,
            sales_owner_stats::outstanding_minor,
            sales_owner_stats::pending_payments,
            sales_owner_stats::pending_minor,
        ))
        .into_boxed();
    if let Some(owners) = scope.owners() {
        q = q.filter(sales_owner_stats::user_id.eq_any(owners.to_vec()));
    }
    let rows: Vec<(i64, i64, i64, i64)> = q.load(conn)?;
    Ok(rows.iter().fold([0; 4], |t, r| {
        [t[0] + r.0, t[1] + r.1, t[2] + r.2, t[3] + r.3]
    }))
}

/// The scope's clients who bought the most (purchase total), with what they still owe.
pub fn top_clients(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    limit: i64,
) -> QueryResult<Vec<(PublicId, String, i64, i64)>> {
    let mut q = clients::table
        .filter(clients::organization_id.eq(scope.org().id()))
        .filter(clients::purchase_total_minor.gt(0))
        .order((clients::purchase_total_minor.desc(), clients::id))
        .limit(limit)
        .select((
            clients::public_id,
            clients::name,
            clients::purchase_total_minor,
            clients::outstanding_minor,
        ))
        .into_boxed();
    if let Some(owners) = scope.owners() {
        q = q.filter(clients::created_by_id.eq_any(owners.to_vec()));
    }
    q.load(conn)
}

/// The monthly target: the sum of the scope's people's targets (one's own, or a team's), or the
/// organization's sales goal for the whole organization; `None` when none is set.
pub fn target(conn: &mut AnyConnection, scope: &RecordScope) -> QueryResult<Option<i64>> {
    match scope.owners() {
        Some(owners) => {
            let targets: Vec<Option<i64>> = users::table
                .filter(users::organization_id.eq(scope.org().id()))
                .filter(users::id.eq_any(owners.to_vec()))
                .select(users::sales_target_minor)
                .load(conn)?;
            let set: Vec<i64> = targets.into_iter().flatten().collect();
            Ok((!set.is_empty()).then(|| set.iter().sum()))
        }
        None => organizations::table
            .find(scope.org().id())
            .select(organizations::sales_goal_minor)
            .first(conn),
    }
}
