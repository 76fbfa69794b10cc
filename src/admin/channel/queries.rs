//! Partners and distributors (the two kinds of channel companies share their fields) and the
//! assignments of partners to distributors.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, now};
use crate::schema::{audit_log, distributor_partners, distributors, partners, users};
use crate::web::OrgScope;

/// Which table a company lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Partner,
    Distributor,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "partners" => Some(Self::Partner),
            "distributors" => Some(Self::Distributor),
            _ => None,
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Self::Partner => "partners",
            Self::Distributor => "distributors",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Partner => "partner",
            Self::Distributor => "distributor",
        }
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Company {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub legal_name: Option<String>,
    pub registration_number: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub is_active: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CompanyValues {
    pub name: String,
    pub legal_name: Option<String>,
    pub registration_number: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub is_active: bool,
    pub notes: Option<String>,
}

/// The same statement over either table: their columns have the same names and types.
macro_rules! on_table {
    ($kind:expr, |$t:ident| $body:expr) => {
        match $kind {
            Kind::Partner => {
                use crate::schema::partners as $t;
                $body
            }
            Kind::Distributor => {
                use crate::schema::distributors as $t;
                $body
            }
        }
    };
}

macro_rules! company_columns {
    ($t:ident) => {
        (
            $t::id,
            $t::public_id,
            $t::name,
            $t::legal_name,
            $t::registration_number,
            $t::email,
            $t::phone,
            $t::website,
            $t::city,
            $t::country,
            $t::is_active,
            $t::notes,
        )
    };
}

/// Every company of a kind, by name (an organization has tens, not thousands).
pub fn list(conn: &mut AnyConnection, org: OrgScope, kind: Kind) -> QueryResult<Vec<Company>> {
    on_table!(kind, |t| t::table
        .filter(t::organization_id.eq(org.id()))
        .select(company_columns!(t))
        .order((t::name, t::id))
        .limit(1000)
        .load(conn))
}

pub fn find(
    conn: &mut AnyConnection,
    org: OrgScope,
    kind: Kind,
    id: PublicId,
) -> QueryResult<Company> {
    on_table!(kind, |t| t::table
        .filter(t::organization_id.eq(org.id()))
        .filter(t::public_id.eq(id))
        .select(company_columns!(t))
        .first(conn))
}

pub fn insert(
    conn: &mut AnyConnection,
    org: OrgScope,
    kind: Kind,
    v: &CompanyValues,
) -> QueryResult<PublicId> {
    let t0 = now();
    let id = PublicId::new();
    on_table!(kind, |t| diesel::insert_into(t::table)
        .values((
            t::public_id.eq(id),
            t::organization_id.eq(org.id()),
            t::name.eq(&v.name),
            t::legal_name.eq(&v.legal_name),
            t::registration_number.eq(&v.registration_number),
            t::email.eq(&v.email),
            t::phone.eq(&v.phone),
            t::website.eq(&v.website),
            t::city.eq(&v.city),
            t::country.eq(&v.country),
            t::is_active.eq(v.is_active),
            t::notes.eq(&v.notes),
            t::created_at.eq(t0),
            t::updated_at.eq(t0),
        ))
        .execute(conn))?;
    Ok(id)
}

pub fn update(
    conn: &mut AnyConnection,
    org: OrgScope,
    kind: Kind,
    id: i64,
    v: &CompanyValues,
) -> QueryResult<()> {
    on_table!(kind, |t| diesel::update(
        t::table.find(id).filter(t::organization_id.eq(org.id()))
    )
    .set((
        t::name.eq(&v.name),
        t::legal_name.eq(&v.legal_name),
        t::registration_number.eq(&v.registration_number),
        t::email.eq(&v.email),
        t::phone.eq(&v.phone),
        t::website.eq(&v.website),
        t::city.eq(&v.city),
        t::country.eq(&v.country),
        t::is_active.eq(v.is_active),
        t::notes.eq(&v.notes),
        t::updated_at.eq(now()),
    ))
    .execute(conn))?;
    Ok(())
}

/// The users who belong to a company.
pub fn members(
    conn: &mut AnyConnection,
    org: OrgScope,
    kind: Kind,
    id: i64,
) -> QueryResult<Vec<(PublicId, String, String, String)>> {
    let q = users::table
        .filter(users::organization_id.eq(org.id()))
        .select((
            users::public_id,
            users::first_name,
            users::last_name,
            users::email,
        ))
        .order(users::email)
        .into_boxed();
    match kind {
        Kind::Partner => q.filter(users::partner_id.eq(id)).load(conn),
        Kind::Distributor => q.filter(users::distributor_id.eq(id)).load(conn),
    }
}

/// An assignment as a page lists it: the other company, since when, whether it still holds.
#[derive(Debug, Clone, Queryable)]
pub struct Assignment {
    pub partner: PublicId,
    pub partner_name: String,
    pub distributor: PublicId,
    pub distributor_name: String,
    pub assigned_at: NaiveDateTime,
    pub is_active: bool,
    pub updated_at: NaiveDateTime,
}

/// The assignments of a company, active first.
pub fn assignments(
    conn: &mut AnyConnection,
    org: OrgScope,
    kind: Kind,
    id: i64,
) -> QueryResult<Vec<Assignment>> {
    let q = distributor_partners::table
        .inner_join(partners::table.on(partners::id.eq(distributor_partners::partner_id)))
        .inner_join(
            distributors::table.on(distributors::id.eq(distributor_partners::distributor_id)),
        )
        .filter(distributor_partners::organization_id.eq(org.id()))
        .select((
            partners::public_id,
            partners::name,
            distributors::public_id,
            distributors::name,
            distributor_partners::assigned_at,
            distributor_partners::is_active,
            distributor_partners::updated_at,
        ))
        .order((
            distributor_partners::is_active.desc(),
            distributor_partners::assigned_at.desc(),
        ))
        .into_boxed();
    match kind {
        Kind::Partner => q.filter(distributor_partners::partner_id.eq(id)).load(conn),
        Kind::Distributor => q
            .filter(distributor_partners::distributor_id.eq(id))
            .load(conn),
    }
}

/// Assigns a partner to a distributor (again, when an earlier assignment ended); `false` when it
/// is assigned already.
pub fn assign(
    conn: &mut AnyConnection,
    org: OrgScope,
    distributor: i64,
    partner: i64,
    by: i64,
) -> QueryResult<bool> {
    let t = now();
    let existing: Option<(i64, bool)> = distributor_partners::table
        .filter(distributor_partners::organization_id.eq(org.id()))
        .filter(distributor_partners::distributor_id.eq(distributor))
        .filter(distributor_partners::partner_id.eq(partner))
        .select((distributor_partners::id, distributor_partners::is_active))
        .first(conn)
        .optional()?;
    match existing {
        Some((_, true)) => Ok(false),
        Some((id, false)) => {
            diesel::update(
                distributor_partners::table
                    .find(id)
                    .filter(distributor_partners::organization_id.eq(org.id())),
            )
            .set((
                distributor_partners::is_active.eq(true),
                distributor_partners::assigned_at.eq(t),
                distributor_partners::assigned_by_id.eq(by),
                distributor_partners::updated_at.eq(t),
            ))
            .execute(conn)?;
            Ok(true)
        }
        None => {
            diesel::insert_into(distributor_partners::table)
                .values((
                    distributor_partners::organization_id.eq(org.id()),
                    distributor_partners::distributor_id.eq(distributor),
                    distributor_partners::partner_id.eq(partner),
                    distributor_partners::assigned_at.eq(t),
                    distributor_partners::assigned_by_id.eq(by),
                    distributor_partners::is_active.eq(true),
                    distributor_partners::created_at.eq(t),
                    distributor_partners::updated_at.eq(t),
                ))
                .execute(conn)?;
            Ok(true)
        }
    }
}

/// Ends an active assignment: the distributor loses sight of the partner's rows at once.
pub fn end(
    conn: &mut AnyConnection,
    org: OrgScope,
    distributor: i64,
    partner: i64,
) -> QueryResult<bool> {
    let n = diesel::update(
        distributor_partners::table
            .filter(distributor_partners::organization_id.eq(org.id()))
            .filter(distributor_partners::distributor_id.eq(distributor))
            .filter(distributor_partners::partner_id.eq(partner))
            .filter(distributor_partners::is_active.eq(true)),
    )
    .set((
        distributor_partners::is_active.eq(false),
        distributor_partners::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// An assignment's audit entry: when, who (an e-mail), the new values as stored.
pub type AssignmentEvent = (NaiveDateTime, Option<String>, Option<String>);

/// The last `limit` assignments and ends of assignment of a partner or distributor.
pub fn assignment_history(
    conn: &mut AnyConnection,
    org: OrgScope,
    company: PublicId,
    limit: i64,
) -> QueryResult<Vec<AssignmentEvent>> {
    audit_log::table
        .filter(audit_log::organization_id.eq(org.id()))
        .filter(audit_log::entity_type.eq("assignment"))
        .filter(audit_log::entity_id.eq(company.to_string()))
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            audit_log::created_at,
            audit_log::actor_email,
            audit_log::new_values,
        ))
        .load(conn)
}
