//! Leads as the channel scope shows them: every query over leads goes through `scoped!` (their
//! activities and notes are `activities`, their status history `history`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::history;
use super::status::Status;
use crate::channel;
use crate::db::{AnyConnection, PublicId, contains_pattern, lower, now};
use crate::partner::counts::{self, Place};
use crate::partner::scope::ChannelScope;
use crate::schema::{distributors, leads, partners, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leads)]
pub struct LeadRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub title: String,
    pub company_name: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub value_minor: Option<i64>,
    pub currency: String,
    pub status: Status,
    pub probability: Option<i32>,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub distributor_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A list or board row: the lead, its partner and owner.
#[derive(Debug, Clone, Queryable)]
pub struct LeadRow {
    pub id: i64,
    pub public_id: PublicId,
    pub title: String,
    pub company_name: Option<String>,
    pub value_minor: Option<i64>,
    pub currency: String,
    pub status: Status,
    pub expected_close_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub partner: Option<String>,
    pub owner_first: Option<String>,
    pub owner_last: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub q: String,
    pub status: Option<Status>,
    pub partner: Option<PublicId>,
    pub mine: bool,
    /// Keyset cursor: the last lead of the previous page (newest first).
    pub after: Option<PublicId>,
}

/// The scope's leads, as a boxed query to add to.
macro_rules! scoped {
    ($scope:expr) => {{
        channel!(
            leads::table.into_boxed::<crate::db::MultiBackend>(),
            $scope,
            leads
        )
    }};
}

macro_rules! rows {
    ($q:expr) => {
        $q.left_join(partners::table.on(partners::id.nullable().eq(leads::partner_id)))
            .left_join(users::table.on(users::id.nullable().eq(leads::owner_id)))
            .select((
                leads::id,
                leads::public_id,
                leads::title,
                leads::company_name,
                leads::value_minor,
                leads::currency,
                leads::status,
                leads::expected_close_date,
                leads::created_at,
                partners::name.nullable(),
                users::first_name.nullable(),
                users::last_name.nullable(),
            ))
    };
}

/// One page of leads, newest first, `limit` after the cursor.
pub fn list(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<LeadRow>> {
    let mut q = scoped!(scope);
    let term = f.q.trim();
    if !term.is_empty() {
        let p = contains_pattern(&term.to_lowercase());
        q = q.filter(
            lower(leads::title)
                .like(p.clone())
                .escape('\\')
                .or(lower(leads::company_name.assume_not_null())
                    .like(p.clone())
                    .escape('\\'))
                .or(leads::contact_email.like(p).escape('\\')),
        );
    }
    if let Some(s) = f.status {
        q = q.filter(leads::status.eq(s));
    }
    if let Some(p) = f.partner {
        let id: Option<i64> = partners::table
            .filter(partners::organization_id.eq(scope.org().id()))
            .filter(partners::public_id.eq(p))
            .select(partners::id)
            .first(conn)
            .optional()?;
        q = q.filter(leads::partner_id.eq(id.unwrap_or(-1)));
    }
    if f.mine {
        q = q.filter(leads::owner_id.eq(scope.user_id()));
    }
    if let Some(after) = f.after {
        let cursor: Option<i64> = scoped!(scope)
            .filter(leads::public_id.eq(after))
            .select(leads::id)
            .first(conn)
            .optional()?;
        if let Some(id) = cursor {
            q = q.filter(leads::id.lt(id));
        }
    }
    rows!(q).order(leads::id.desc()).limit(limit).load(conn)
}

/// How many of the scope's leads are in each stage (the board's column heads), from the counts.
pub fn counts(conn: &mut AnyConnection, scope: &ChannelScope) -> QueryResult<Vec<(String, i64)>> {
    counts::by_status(conn, scope, counts::Kind::Lead)
}

/// The newest `limit` leads of one stage (a board column).
pub fn column(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    status: Status,
    limit: i64,
) -> QueryResult<Vec<LeadRow>> {
    rows!(scoped!(scope).filter(leads::status.eq(status)))
        .order(leads::id.desc())
        .limit(limit)
        .load(conn)
}

pub fn find(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    public_id: PublicId,
) -> QueryResult<LeadRecord> {
    scoped!(scope)
        .filter(leads::public_id.eq(public_id))
        .select(LeadRecord::as_select())
        .first(conn)
}

#[derive(Debug, Clone)]
pub struct LeadValues {
    pub title: String,
    pub company_name: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub value_minor: Option<i64>,
    pub probability: Option<i32>,
    pub expected_close_date: Option<NaiveDate>,
    /// The partner and distributor the lead belongs to (already checked against the scope).
    pub partner_id: Option<i64>,
    pub distributor_id: Option<i64>,
}

/// Where a new lead came from when a provider sent it: its name and its id there, and what it
/// sent, so the same lead arriving again updates this one.
#[derive(Debug, Clone, Copy)]
pub struct Provided<'a> {
    pub provider: &'a str,
    pub id: &'a str,
    pub metadata: &'a str,
}

/// Adds a lead owned by the scope's user, with its first history line; in the caller's
/// transaction.
pub fn insert(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    v: &LeadValues,
) -> QueryResult<LeadRecord> {
    let public_id = create(
        conn,
        scope.org().id(),
        scope.currency(),
        v,
        Some(scope.user_id()),
        None,
    )?;
    find(conn, scope, public_id)
}

/// The one way a lead comes into being, from the page or from a provider: the row, its first
/// history line (by `owner`, or by nobody for a provider's) and its place in the counts.
pub fn create(
    conn: &mut AnyConnection,
    org: i64,
    currency: &str,
    v: &LeadValues,
    owner: Option<i64>,
    provided: Option<Provided<'_>>,
) -> QueryResult<PublicId> {
    let t = now();
    let public_id = PublicId::new();
    let id: i64 = diesel::insert_into(leads::table)
        .values((
            leads::public_id.eq(public_id),
            leads::organization_id.eq(org),
            leads::title.eq(&v.title),
            leads::company_name.eq(&v.company_name),
            leads::contact_name.eq(&v.contact_name),
            leads::contact_email.eq(&v.contact_email),
            leads::contact_phone.eq(&v.contact_phone),
            leads::value_minor.eq(v.value_minor),
            leads::currency.eq(currency),
            leads::status.eq(Status::New.code()),
            leads::probability.eq(v.probability),
            leads::expected_close_date.eq(v.expected_close_date),
            leads::owner_id.eq(owner),
            leads::partner_id.eq(v.partner_id),
            leads::distributor_id.eq(v.distributor_id),
            leads::provider_name.eq(provided.map(|p| p.provider)),
            leads::provider_id.eq(provided.map(|p| p.id)),
            leads::provider_metadata.eq(provided.map(|p| p.metadata)),
            leads::last_sync_at.eq(provided.map(|_| t)),
            leads::sync_status.eq(provided.map(|_| "synced")),
            leads::created_at.eq(t),
            leads::updated_at.eq(t),
        ))
        .returning(leads::id)
        .get_result(conn)?;
    history::record(conn, org, id, None, Status::New, owner, None)?;
    let first = Place {
        partner: v.partner_id,
        distributor: v.distributor_id,
        status: Status::New.code(),
    };
    counts::moved(conn, org, counts::Kind::Lead, None, &first)?;
    Ok(public_id)
}

/// Where a lead is counted.
fn place(lead: &LeadRecord) -> Place<'_> {
    Place {
        partner: lead.partner_id,
        distributor: lead.distributor_id,
        status: lead.status.code(),
    }
}

pub fn update(conn: &mut AnyConnection, lead: &LeadRecord, v: &LeadValues) -> QueryResult<()> {
    counts::moved(
        conn,
        lead.organization_id,
        counts::Kind::Lead,
        Some(&place(lead)),
        &Place {
            partner: v.partner_id,
            distributor: v.distributor_id,
            status: lead.status.code(),
        },
    )?;
    diesel::update(
        leads::table
            .find(lead.id)
            .filter(leads::organization_id.eq(lead.organization_id)),
    )
    .set((
        leads::title.eq(&v.title),
        leads::company_name.eq(&v.company_name),
        leads::contact_name.eq(&v.contact_name),
        leads::contact_email.eq(&v.contact_email),
        leads::contact_phone.eq(&v.contact_phone),
        leads::value_minor.eq(v.value_minor),
        leads::probability.eq(v.probability),
        leads::expected_close_date.eq(v.expected_close_date),
        leads::partner_id.eq(v.partner_id),
        leads::distributor_id.eq(v.distributor_id),
        leads::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}

/// Moves the lead to `to` if it is still in `from` (a concurrent move loses: `false`), and writes
/// the history line.
pub fn set_status(
    conn: &mut AnyConnection,
    lead: &LeadRecord,
    to: Status,
    by: i64,
    reason: Option<&str>,
) -> QueryResult<bool> {
    let moved = diesel::update(
        leads::table
            .find(lead.id)
            .filter(leads::organization_id.eq(lead.organization_id))
            .filter(leads::status.eq(lead.status)),
    )
    .set((leads::status.eq(to.code()), leads::updated_at.eq(now())))
    .execute(conn)?;
    if moved == 0 {
        return Ok(false);
    }
    counts::moved(
        conn,
        lead.organization_id,
        counts::Kind::Lead,
        Some(&place(lead)),
        &place(lead).with_status(to.code()),
    )?;
    history::record(
        conn,
        lead.organization_id,
        lead.id,
        Some(lead.status),
        to,
        Some(by),
        reason,
    )?;
    Ok(true)
}

/// The names of a lead's partner and distributor, for its page.
pub fn channel_names(
    conn: &mut AnyConnection,
    lead: &LeadRecord,
) -> QueryResult<(Option<String>, Option<String>)> {
    let partner = match lead.partner_id {
        Some(id) => partners::table
            .filter(partners::organization_id.eq(lead.organization_id))
            .filter(partners::id.eq(id))
            .select(partners::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let distributor = match lead.distributor_id {
        Some(id) => distributors::table
            .filter(distributors::organization_id.eq(lead.organization_id))
            .filter(distributors::id.eq(id))
            .select(distributors::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok((partner, distributor))
}
