//! What a viewer sees of the commissions: a statement (rows and totals of a person or everyone
//! over a period) and one commission, within the viewer's record scope (everyone's, or their own).

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::{AnyConnection, PublicId};
use crate::domain::CommissionStatus;
use crate::schema::{commissions, deals, users};
use crate::scope::RecordScope;
use crate::web::OrgScope;

/// A statement's filter: whose (within the scope), which status, created in `[from, to)` (UTC).
#[derive(Debug, Clone)]
pub struct Filter {
    pub person: Option<i64>,
    pub status: Option<CommissionStatus>,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub after: Option<PublicId>,
}

macro_rules! visible {
    ($scope:expr, $f:expr) => {{
        let mut q = $crate::owned!(
            commissions::table
                .inner_join(deals::table)
                .inner_join(users::table.on(users::id.eq(commissions::user_id)))
                .filter(commissions::created_at.ge($f.from))
                .filter(commissions::created_at.lt($f.to))
                .into_boxed(),
            $scope,
            commissions::organization_id,
            commissions::user_id
        );
        if let Some(person) = $f.person {
            q = q.filter(commissions::user_id.eq(person));
        }
        if let Some(s) = &$f.status {
            q = q.filter(commissions::status.eq(*s));
        }
        q
    }};
}

/// A commission as a statement line and its page show it.
#[derive(Debug, Clone, Queryable)]
pub struct CommissionRow {
    pub id: i64,
    pub public_id: PublicId,
    pub user_id: i64,
    pub base_minor: i64,
    pub rate_bp: i32,
    pub commission_minor: i64,
    pub currency: String,
    pub exchange_rate_e4: i64,
    pub converted_minor: i64,
    pub bonus_minor: i64,
    pub penalty_minor: i64,
    pub penalty_reason: Option<String>,
    pub final_minor: i64,
    pub status: CommissionStatus,
    pub paid_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub deal_public_id: PublicId,
    pub deal_number: String,
    pub first_name: String,
    pub last_name: String,
}

impl CommissionRow {
    pub fn person(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

macro_rules! row_columns {
    () => {
        (
            commissions::id,
            commissions::public_id,
            commissions::user_id,
            commissions::base_minor,
            commissions::rate_bp,
            commissions::commission_minor,
            commissions::currency,
            commissions::exchange_rate_e4,
            commissions::converted_minor,
            commissions::bonus_minor,
            commissions::penalty_minor,
            commissions::penalty_reason,
            commissions::final_minor,
            commissions::status,
            commissions::paid_at,
            commissions::created_at,
            deals::public_id,
            deals::deal_number,
            users::first_name,
            users::last_name,
        )
    };
}

/// The statement's lines, newest first, `limit` after the cursor: keyset on (created, id), the
/// order of the period's index, so a page reads its lines and no more.
pub fn list(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<CommissionRow>> {
    let mut q = visible!(scope, f).select(row_columns!());
    if let Some(after) = f.after {
        let cursor: Option<(NaiveDateTime, i64)> = commissions::table
            .filter(commissions::organization_id.eq(scope.org().id()))
            .filter(commissions::public_id.eq(after))
            .select((commissions::created_at, commissions::id))
            .first(conn)
            .optional()?;
        if let Some((at, id)) = cursor {
            q = q
                .filter(commissions::created_at.le(at))
                .filter(commissions::created_at.lt(at).or(commissions::id.lt(id)));
        }
    }
    q.order((commissions::created_at.desc(), commissions::id.desc()))
        .limit(limit)
        .load(conn)
}

/// A statement's totals, in the organization's currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub count: i64,
    pub converted: i64,
    pub bonus: i64,
    pub penalty: i64,
    pub final_minor: i64,
    /// Final amounts by status: pending, approved, paid.
    pub by_status: [i64; 3],
}

/// The totals of the whole statement (every page), one grouped query.
pub fn totals(conn: &mut AnyConnection, scope: &RecordScope, f: &Filter) -> QueryResult<Totals> {
    let sum = |column: &str| {
        sql::<BigInt>(&format!(
            "CAST(COALESCE(SUM(commissions.{column}), 0) AS BIGINT)"
        ))
    };
    // The statement's filters on the commissions alone: no join is needed to add them up.
    let mut q = crate::owned!(
        commissions::table
            .filter(commissions::created_at.ge(f.from))
            .filter(commissions::created_at.lt(f.to))
            .group_by(commissions::status)
            .select((
                commissions::status,
                count_star(),
                sum("converted_minor"),
                sum("bonus_minor"),
                sum("penalty_minor"),
                sum("final_minor"),
            ))
            .into_boxed(),
        scope,
        commissions::organization_id,
        commissions::user_id
    );
    if let Some(person) = f.person {
        q = q.filter(commissions::user_id.eq(person));
    }
    if let Some(s) = &f.status {
        q = q.filter(commissions::status.eq(*s));
    }
    let rows: Vec<(CommissionStatus, i64, i64, i64, i64, i64)> = q.load(conn)?;
    let mut t = Totals::default();
    for (status, count, converted, bonus, penalty, final_minor) in rows {
        t.count += count;
        t.converted += converted;
        t.bonus += bonus;
        t.penalty += penalty;
        t.final_minor += final_minor;
        let slot = match status {
            CommissionStatus::Pending => 0,
            CommissionStatus::Approved => 1,
            CommissionStatus::Paid => 2,
        };
        t.by_status[slot] += final_minor;
    }
    Ok(t)
}

/// One commission the viewer sees; `NotFound` for any other (another person's, another
/// organization's).
pub fn find(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    id: PublicId,
) -> QueryResult<CommissionRow> {
    crate::owned!(
        commissions::table
            .inner_join(deals::table)
            .inner_join(users::table.on(users::id.eq(commissions::user_id)))
            .filter(commissions::public_id.eq(id))
            .select(row_columns!())
            .into_boxed(),
        scope,
        commissions::organization_id,
        commissions::user_id
    )
    .first(conn)
}

/// The people who have commissions to show in a statement's picker: the organization's users.
pub fn people(
    conn: &mut AnyConnection,
    org: OrgScope,
) -> QueryResult<Vec<(i64, PublicId, String)>> {
    let found: Vec<(i64, PublicId, String, String)> = users::table
        .filter(users::organization_id.eq(org.id()))
        .order((users::last_name, users::first_name, users::id))
        .select((
            users::id,
            users::public_id,
            users::first_name,
            users::last_name,
        ))
        .limit(500)
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|(id, p, first, last)| (id, p, format!("{first} {last}")))
        .collect())
}
