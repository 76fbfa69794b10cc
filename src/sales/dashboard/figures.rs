//! What the sales dashboard reads, all through the record scope: the owners' day rollups of
//! the two periods, their open-deal figures, the latest payments, the top clients, the commission of the period;
//! and the organization's leaderboard.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::{AnyConnection, PublicId};
use crate::domain::CommissionStatus;
use crate::schema::{
    clients, commissions, organizations, sales_days, sales_owner_stats, teams, users,
};
use crate::scope::RecordScope;

#[derive(Debug, Clone, Queryable)]
pub struct DayRow {
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
    let q = crate::owned!(
        sales_days::table
            .filter(sales_days::day.ge(from))
            .filter(sales_days::day.le(to))
            .select((
                sales_days::day,
                sales_days::verified_count,
                sales_days::verified_minor,
                sales_days::pending_count,
                sales_days::pending_minor,
                sales_days::rejected_count,
                sales_days::rejected_minor,
            ))
            .into_boxed(),
        scope,
        sales_days::organization_id,
        sales_days::user_id
    );
    q.load(conn)
}

/// Open deals, their outstanding amount, payments waiting for a verifier and their sum.
pub fn waiting(conn: &mut AnyConnection, scope: &RecordScope) -> QueryResult<[i64; 4]> {
    let q = crate::owned!(
        sales_owner_stats::table
            .select((
                sales_owner_stats::open_deals,
                sales_owner_stats::outstanding_minor,
                sales_owner_stats::pending_payments,
                sales_owner_stats::pending_minor,
            ))
            .into_boxed(),
        scope,
        sales_owner_stats::organization_id,
        sales_owner_stats::user_id
    );
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
    let q = crate::owned!(
        clients::table
            .filter(clients::purchase_total_minor.gt(0))
            .order((clients::purchase_total_minor.desc(), clients::id))
            .limit(limit)
            .select((
                clients::public_id,
                clients::name,
                clients::purchase_total_minor,
                clients::outstanding_minor,
            ))
            .into_boxed(),
        scope,
        clients::organization_id,
        clients::created_by_id
    );
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

/// One person of the leaderboard: their verified sales in the period.
#[derive(Debug, Clone)]
pub struct Leader {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub team: Option<String>,
    pub verified_minor: i64,
}

/// The organization's people by verified sales from `from` to `to`, best first: everyone's, as
/// a leaderboard compares the viewer with their colleagues (names and totals only).
pub fn leaderboard(
    conn: &mut AnyConnection,
    organization_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Leader>> {
    let sums: Vec<(i64, i64)> = sales_days::table
        .filter(sales_days::organization_id.eq(organization_id))
        .filter(sales_days::day.ge(from))
        .filter(sales_days::day.le(to))
        .filter(sales_days::verified_count.gt(0))
        .group_by(sales_days::user_id)
        .select((
            sales_days::user_id,
            sql::<BigInt>("CAST(SUM(sales_days.verified_minor) AS BIGINT)"),
        ))
        .load(conn)?;
    let ids: Vec<i64> = sums.iter().map(|(id, _)| *id).collect();
    let people = people(conn, organization_id, &ids)?;
    let sums: std::collections::HashMap<i64, i64> = sums.into_iter().collect();
    let mut leaders: Vec<Leader> = people
        .into_iter()
        .map(|(user_id, first_name, last_name, team)| Leader {
            verified_minor: sums.get(&user_id).copied().unwrap_or(0),
            user_id,
            first_name,
            last_name,
            team,
        })
        .collect();
    leaders.sort_by(|a, b| {
        b.verified_minor
            .cmp(&a.verified_minor)
            .then(a.user_id.cmp(&b.user_id))
    });
    Ok(leaders)
}

/// A person as rankings name them: (id, first name, last name, team).
pub type Person = (i64, String, String, Option<String>);

/// These people's names and teams.
pub fn people(conn: &mut AnyConnection, org: i64, ids: &[i64]) -> QueryResult<Vec<Person>> {
    users::table
        .left_join(teams::table.on(teams::id.nullable().eq(users::team_id)))
        .filter(users::organization_id.eq(org))
        .filter(users::id.eq_any(ids))
        .select((
            users::id,
            users::first_name,
            users::last_name,
            teams::name.nullable(),
        ))
        .load(conn)
}

/// The scope's commissions created in the period (UTC bounds), summed by status in the
/// organization's currency: (pending, approved, paid).
pub fn commission(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<[i64; 3]> {
    let q = crate::owned!(
        commissions::table
            .filter(commissions::created_at.ge(from))
            .filter(commissions::created_at.lt(to))
            .group_by(commissions::status)
            .select((
                commissions::status,
                sql::<BigInt>("CAST(SUM(commissions.final_minor) AS BIGINT)"),
            ))
            .into_boxed(),
        scope,
        commissions::organization_id,
        commissions::user_id
    );
    let rows: Vec<(CommissionStatus, i64)> = q.load(conn)?;
    let mut sums = [0; 3];
    for (status, minor) in rows {
        let slot = match status {
            CommissionStatus::Pending => 0,
            CommissionStatus::Approved => 1,
            CommissionStatus::Paid => 2,
        };
        sums[slot] += minor;
    }
    Ok(sums)
}
