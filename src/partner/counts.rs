//! `partner_counts`: leads, orders and contracts per partner, distributor (0 for none) and status.
//! The one place that keeps them: every insert and move of a lead, an order or a contract (and the
//! expiry task's) calls `moved` in its own transaction (atomic upserts, the same SQL on both databases); the board and the dashboard read
//! a few rows through the channel scope instead of counting 100,000 rows per request.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::channel;
use crate::db::AnyConnection;
use crate::partner::scope::ChannelScope;
use crate::schema::{contracts, leads, orders, partner_counts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Lead,
    Order,
    Contract,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Order => "order",
            Self::Contract => "contract",
        }
    }
}

/// Where a row is counted: its partner and distributor, and its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place<'a> {
    pub partner: Option<i64>,
    pub distributor: Option<i64>,
    pub status: &'a str,
}

impl<'a> Place<'a> {
    /// The same partner and distributor, in another status.
    pub fn with_status(&self, status: &'a str) -> Self {
        Self {
            status,
            ..self.clone()
        }
    }
}

fn bump(
    conn: &mut AnyConnection,
    org: i64,
    kind: Kind,
    place: &Place<'_>,
    delta: i64,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO partner_counts (organization_id, partner_id, distributor_id, kind, status, total) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (organization_id, partner_id, distributor_id, kind, status) \
         DO UPDATE SET total = partner_counts.total + excluded.total",
    )
    .bind::<BigInt, _>(org)
    .bind::<BigInt, _>(place.partner.unwrap_or(0))
    .bind::<BigInt, _>(place.distributor.unwrap_or(0))
    .bind::<Text, _>(kind.code())
    .bind::<Text, _>(place.status)
    .bind::<BigInt, _>(delta)
    .execute(conn)?;
    Ok(())
}

/// A row moved from `from` (`None`: it is new) to `to`.
pub fn moved(
    conn: &mut AnyConnection,
    org: i64,
    kind: Kind,
    from: Option<&Place<'_>>,
    to: &Place<'_>,
) -> QueryResult<()> {
    moved_many(conn, org, kind, from, to, 1)
}

/// `n` rows moved alike (a bulk change such as the expiry task's).
pub fn moved_many(
    conn: &mut AnyConnection,
    org: i64,
    kind: Kind,
    from: Option<&Place<'_>>,
    to: &Place<'_>,
    n: i64,
) -> QueryResult<()> {
    if from == Some(to) || n == 0 {
        return Ok(());
    }
    if let Some(from) = from {
        bump(conn, org, kind, from, -n)?;
    }
    bump(conn, org, kind, to, n)
}

/// The scope's rows of a kind by status.
pub fn by_status(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    kind: Kind,
) -> QueryResult<Vec<(String, i64)>> {
    let q = partner_counts::table
        .filter(partner_counts::kind.eq(kind.code()))
        .select((partner_counts::status, partner_counts::total))
        .into_boxed::<crate::db::MultiBackend>();
    let rows: Vec<(String, i64)> = channel!(q, scope, partner_counts).load(conn)?;
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for (status, n) in rows {
        *out.entry(status).or_default() += n;
    }
    Ok(out.into_iter().collect())
}

type Group = (Option<i64>, Option<i64>, String, i64);

/// Recounts the organization's leads, orders and contracts.
pub fn rebuild(conn: &mut AnyConnection, org: i64) -> QueryResult<()> {
    let leads: Vec<Group> = leads::table
        .filter(leads::organization_id.eq(org))
        .group_by((leads::partner_id, leads::distributor_id, leads::status))
        .select((
            leads::partner_id,
            leads::distributor_id,
            leads::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let orders: Vec<Group> = orders::table
        .filter(orders::organization_id.eq(org))
        .group_by((orders::partner_id, orders::distributor_id, orders::status))
        .select((
            orders::partner_id,
            orders::distributor_id,
            orders::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let contracts: Vec<Group> = contracts::table
        .filter(contracts::organization_id.eq(org))
        .group_by((
            contracts::partner_id,
            contracts::distributor_id,
            contracts::status,
        ))
        .select((
            contracts::partner_id,
            contracts::distributor_id,
            contracts::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    diesel::delete(partner_counts::table.filter(partner_counts::organization_id.eq(org)))
        .execute(conn)?;
    let values: Vec<_> = leads
        .into_iter()
        .map(|g| (Kind::Lead, g))
        .chain(orders.into_iter().map(|g| (Kind::Order, g)))
        .chain(contracts.into_iter().map(|g| (Kind::Contract, g)))
        .map(|(kind, (p, d, status, n))| {
            (
                partner_counts::organization_id.eq(org),
                partner_counts::partner_id.eq(p.unwrap_or(0)),
                partner_counts::distributor_id.eq(d.unwrap_or(0)),
                partner_counts::kind.eq(kind.code()),
                partner_counts::status.eq(status),
                partner_counts::total.eq(n),
            )
        })
        .collect();
    crate::insert_batches!(conn, partner_counts::table, values)
}
