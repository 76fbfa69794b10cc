//! Calls as the record scope shows them (their caller is in the scope's owners); every query
//! takes a `RecordScope` made with `calls.view_all` as the widening permission.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, contains, now};
use crate::domain::{CallOutcome, CallStatus, CallType};
use crate::schema::{calls, clients, loss_reasons, teams, users};
use crate::scope::RecordScope;
use crate::web::listing::{COUNT_CAP, Dir, Found, Search, keyset};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = calls)]
pub struct CallRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub user_id: i64,
    pub client_id: Option<i64>,
    pub prospect_name: String,
    pub prospect_email: Option<String>,
    pub prospect_phone: Option<String>,
    pub call_type: CallType,
    pub status: CallStatus,
    pub outcome: Option<CallOutcome>,
    pub loss_reason_id: Option<i64>,
    pub notes: Option<String>,
    pub duration_seconds: Option<i32>,
    pub scheduled_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub rescheduled_to: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct CallRow {
    pub public_id: PublicId,
    pub prospect_name: String,
    pub call_type: CallType,
    pub status: CallStatus,
    pub outcome: Option<CallOutcome>,
    pub completed_at: Option<NaiveDateTime>,
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub client_public_id: Option<PublicId>,
}

/// Calls of one caller with one status and outcome: (user, status, outcome, count).
pub type Tally = (i64, CallStatus, Option<CallOutcome>, i64);

/// A caller: (user, first name, last name, team name).
pub type Person = (i64, String, String, Option<String>);

/// The columns of a `CallRow`.
#[allow(clippy::type_complexity)]
fn row_columns() -> (
    calls::public_id,
    calls::prospect_name,
    calls::call_type,
    calls::status,
    calls::outcome,
    calls::completed_at,
    calls::user_id,
    users::first_name,
    users::last_name,
    diesel::dsl::Nullable<clients::public_id>,
) {
    (
        calls::public_id,
        calls::prospect_name,
        calls::call_type,
        calls::status,
        calls::outcome,
        calls::completed_at,
        calls::user_id,
        users::first_name,
        users::last_name,
        clients::public_id.nullable(),
    )
}

/// The scope's calls, as a boxed query to add to.
macro_rules! scoped {
    ($scope:expr) => {{
        $crate::owned!(
            calls::table.into_boxed(),
            $scope,
            calls::organization_id,
            calls::user_id
        )
    }};
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub search: Option<Search>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub call_type: Option<CallType>,
    pub status: Option<CallStatus>,
    pub outcome: Option<CallOutcome>,
    /// A user of the scope; -1 for one it does not hold (no rows).
    pub user: Option<i64>,
    /// None: latest first.
    pub dir: Option<Dir>,
    pub after: Option<PublicId>,
}

/// The scope's calls that pass the filter (not its order or cursor). A search matches a part
/// of the name, e-mail or phone of who was called, or of their client's name; the time range
/// (30 days unless asked) bounds what is read.
macro_rules! matching {
    ($scope:expr, $f:expr) => {{
        let f: &Filter = $f;
        let mut q = scoped!($scope);
        if let Some(s) = &f.search {
            let named = clients::table
                .filter(clients::organization_id.eq($scope.org().id()))
                .filter(contains(clients::name, s.contains.clone()))
                .select(clients::id.nullable());
            q = q.filter(
                contains(calls::prospect_name, s.contains.clone())
                    .or(contains(
                        calls::prospect_email.assume_not_null(),
                        s.contains.clone(),
                    ))
                    .or(contains(
                        calls::prospect_phone.assume_not_null(),
                        s.contains.clone(),
                    ))
                    .or(calls::client_id.eq_any(named)),
            );
        }
        if let Some(t) = f.from {
            q = q.filter(calls::completed_at.ge(t));
        }
        if let Some(t) = f.to {
            q = q.filter(calls::completed_at.lt(t));
        }
        if let Some(v) = f.call_type {
            q = q.filter(calls::call_type.eq(v));
        }
        if let Some(v) = f.status {
            q = q.filter(calls::status.eq(v));
        }
        if let Some(v) = f.outcome {
            q = q.filter(calls::outcome.eq(v));
        }
        if let Some(u) = f.user {
            q = q.filter(calls::user_id.eq(u));
        }
        q
    }};
}

/// How many of the scope's calls pass the filter, up to the cap.
pub fn found(conn: &mut AnyConnection, scope: &RecordScope, f: &Filter) -> QueryResult<Found> {
    let ids: Vec<i64> = matching!(scope, f)
        .select(calls::id)
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    Ok(Found::rows(ids.len()))
}

/// One page of calls, newest first (by id: the order they were logged), after the cursor.
pub fn list(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<CallRow>> {
    let cursor: Option<(NaiveDateTime, i64)> = match f.after {
        Some(after) => scoped!(scope)
            .filter(calls::public_id.eq(after))
            .select((calls::completed_at, calls::id))
            .first::<(Option<NaiveDateTime>, i64)>(conn)
            .optional()?
            .and_then(|(at, id)| at.map(|at| (at, id))),
        None => None,
    };
    let q = matching!(scope, f)
        .inner_join(users::table.on(users::id.eq(calls::user_id)))
        .left_join(clients::table.on(clients::id.nullable().eq(calls::client_id)))
        .select(row_columns());
    // By when the call took place: the index on (organization, time) is walked from the
    // cursor and stops at the page's last row, however many calls the range holds.
    let q = keyset!(
        q,
        f.dir.unwrap_or(Dir::Desc),
        calls::completed_at,
        calls::id,
        cursor
    );
    q.limit(limit).load(conn)
}

/// The names of the organization's loss reasons among `ids`.
pub fn reason_names(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    ids: &[i64],
) -> QueryResult<Vec<(i64, String)>> {
    loss_reasons::table
        .filter(loss_reasons::organization_id.eq(scope.org().id()))
        .filter(loss_reasons::id.eq_any(ids))
        .select((loss_reasons::id, loss_reasons::name))
        .load(conn)
}

/// The latest calls with a client that the scope sees.
pub fn of_client(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    client_id: i64,
    limit: i64,
) -> QueryResult<Vec<CallRow>> {
    scoped!(scope)
        .inner_join(users::table.on(users::id.eq(calls::user_id)))
        .left_join(clients::table.on(clients::id.nullable().eq(calls::client_id)))
        .filter(calls::client_id.eq(client_id))
        .order(calls::id.desc())
        .limit(limit)
        .select(row_columns())
        .load(conn)
}

pub fn find(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    public_id: PublicId,
) -> QueryResult<CallRecord> {
    scoped!(scope)
        .filter(calls::public_id.eq(public_id))
        .select(CallRecord::as_select())
        .first(conn)
}

/// The organization's active loss reasons, for the form.
pub fn reason_choices(
    conn: &mut AnyConnection,
    scope: &RecordScope,
) -> QueryResult<Vec<(i64, PublicId, String)>> {
    loss_reasons::table
        .filter(loss_reasons::organization_id.eq(scope.org().id()))
        .filter(loss_reasons::is_active.eq(true))
        .order(loss_reasons::name)
        .select((
            loss_reasons::id,
            loss_reasons::public_id,
            loss_reasons::name,
        ))
        .load(conn)
}

/// The public ids of a call's client and loss reason, for its edit form.
pub fn form_ids(
    conn: &mut AnyConnection,
    c: &CallRecord,
) -> QueryResult<(Option<PublicId>, Option<PublicId>)> {
    let client = match c.client_id {
        Some(id) => clients::table
            .find(id)
            .filter(clients::organization_id.eq(c.organization_id))
            .select(clients::public_id)
            .first(conn)
            .optional()?,
        None => None,
    };
    let reason = match c.loss_reason_id {
        Some(id) => loss_reasons::table
            .find(id)
            .filter(loss_reasons::organization_id.eq(c.organization_id))
            .select(loss_reasons::public_id)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok((client, reason))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallValues {
    pub client_id: Option<i64>,
    pub prospect_name: String,
    pub prospect_email: Option<String>,
    pub prospect_phone: Option<String>,
    pub call_type: CallType,
    pub status: CallStatus,
    pub outcome: Option<CallOutcome>,
    pub loss_reason_id: Option<i64>,
    pub completed_at: NaiveDateTime,
    pub rescheduled_to: Option<NaiveDateTime>,
    pub duration_seconds: Option<i32>,
    pub notes: Option<String>,
}

pub fn insert(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    v: &CallValues,
) -> QueryResult<CallRecord> {
    let t = now();
    diesel::insert_into(calls::table)
        .values((
            calls::public_id.eq(PublicId::new()),
            calls::organization_id.eq(scope.org().id()),
            calls::user_id.eq(scope.user_id()),
            calls::client_id.eq(v.client_id),
            calls::prospect_name.eq(&v.prospect_name),
            calls::prospect_email.eq(&v.prospect_email),
            calls::prospect_phone.eq(&v.prospect_phone),
            calls::call_type.eq(&v.call_type),
            calls::status.eq(&v.status),
            calls::outcome.eq(&v.outcome),
            calls::loss_reason_id.eq(v.loss_reason_id),
            calls::notes.eq(&v.notes),
            calls::duration_seconds.eq(v.duration_seconds),
            calls::scheduled_at.eq(Some(v.completed_at)),
            calls::completed_at.eq(Some(v.completed_at)),
            calls::rescheduled_to.eq(v.rescheduled_to),
            calls::created_at.eq(t),
            calls::updated_at.eq(t),
        ))
        .returning(calls::all_columns)
        .get_result(conn)
}

pub fn update(conn: &mut AnyConnection, call: &CallRecord, v: &CallValues) -> QueryResult<()> {
    diesel::update(
        calls::table
            .find(call.id)
            .filter(calls::organization_id.eq(call.organization_id)),
    )
    .set((
        calls::client_id.eq(v.client_id),
        calls::prospect_name.eq(&v.prospect_name),
        calls::prospect_email.eq(&v.prospect_email),
        calls::prospect_phone.eq(&v.prospect_phone),
        calls::call_type.eq(&v.call_type),
        calls::status.eq(&v.status),
        calls::outcome.eq(&v.outcome),
        calls::loss_reason_id.eq(v.loss_reason_id),
        calls::notes.eq(&v.notes),
        calls::duration_seconds.eq(v.duration_seconds),
        calls::completed_at.eq(Some(v.completed_at)),
        calls::rescheduled_to.eq(v.rescheduled_to),
        calls::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}

/// The callers' names and teams, for the metrics' breakdowns.
pub fn people(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    ids: &[i64],
) -> QueryResult<Vec<Person>> {
    users::table
        .left_join(teams::table.on(teams::id.nullable().eq(users::team_id)))
        .filter(users::organization_id.eq(scope.org().id()))
        .filter(users::id.eq_any(ids.to_vec()))
        .select((
            users::id,
            users::first_name,
            users::last_name,
            teams::name.nullable(),
        ))
        .load(conn)
}
