//! Contracts as the channel scope shows them. A contract's status as stored is what was decided
//! (active, renewed into another, upgraded, downgraded, cancelled, lost); an active contract past
//! its expiration date reads as expired at once (`effective`), before the background task
//! (`expiry.rs`) stores it.

use chrono::{Months, NaiveDateTime};
use diesel::prelude::*;

use crate::channel;
use crate::db::{AnyConnection, PublicId, contains, now};
use crate::domain::ContractStatus;
use crate::numbers;
use crate::partner::counts::{self, Kind, Place};
use crate::partner::orders::queries::{OrderRecord, items};
use crate::partner::scope::ChannelScope;
use crate::schema::{contracts, orders, partners};
use crate::web::listing::{COUNT_CAP, Dir, Found, Search, keyset};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contracts)]
pub struct ContractRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub contract_number: String,
    pub order_id: i64,
    pub status: ContractStatus,
    pub user_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub distributor_id: Option<i64>,
    pub activation_date: NaiveDateTime,
    pub expiration_date: NaiveDateTime,
    pub renewed_from_id: Option<i64>,
    pub total_value_minor: i64,
    pub currency: String,
    pub notes_internal: Option<String>,
    pub expiry_notified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub cancelled_at: Option<NaiveDateTime>,
}

/// The status a reader sees: an active contract past its expiration is expired, whether or not
/// the background task has stored it yet.
pub fn effective(
    status: ContractStatus,
    expiration: NaiveDateTime,
    at: NaiveDateTime,
) -> ContractStatus {
    if status == ContractStatus::Active && expiration <= at {
        ContractStatus::Expired
    } else {
        status
    }
}

macro_rules! scoped {
    ($scope:expr) => {{
        channel!(
            contracts::table.into_boxed::<crate::db::MultiBackend>(),
            $scope,
            contracts
        )
    }};
}

/// Activates the contract of a fulfilled order that has a partner and subscription items: for
/// the longest of their durations, worth what they add up to. `None` when the order makes none.
/// Gives the contract's public id and number.
pub fn activate(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    order: &OrderRecord,
) -> QueryResult<Option<(PublicId, String)>> {
    activate_from(conn, scope, order, None, now())
}

/// As `activate`, for a renewal: the new contract names the one it renews and starts at `start`
/// (where the old one ends, so the service runs on without a gap).
pub fn activate_from(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    order: &OrderRecord,
    renewed_from: Option<i64>,
    start: NaiveDateTime,
) -> QueryResult<Option<(PublicId, String)>> {
    let Some(partner_id) = order.partner_id else {
        return Ok(None);
    };
    let subs: Vec<_> = items(conn, order)?
        .into_iter()
        .filter(|i| i.is_subscription)
        .collect();
    let Some(months) = subs.iter().filter_map(|i| i.duration_months).max() else {
        return Ok(None);
    };
    let end = start
        .checked_add_months(Months::new(u32::try_from(months).unwrap_or(12)))
        .unwrap_or(start);
    let number = numbers::next(conn, scope.org(), numbers::CONTRACT)?;
    let public_id = PublicId::new();
    diesel::insert_into(contracts::table)
        .values((
            contracts::public_id.eq(public_id),
            contracts::organization_id.eq(order.organization_id),
            contracts::contract_number.eq(&number),
            contracts::order_id.eq(order.id),
            contracts::status.eq(ContractStatus::Active),
            contracts::user_id.eq(order.created_by_id),
            contracts::partner_id.eq(partner_id),
            contracts::distributor_id.eq(order.distributor_id),
            contracts::activation_date.eq(start),
            contracts::expiration_date.eq(end),
            contracts::renewed_from_id.eq(renewed_from),
            contracts::total_value_minor.eq(subs.iter().map(|i| i.total_minor).sum::<i64>()),
            contracts::currency.eq(&order.currency),
            contracts::created_at.eq(now()),
            contracts::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let place = Place {
        partner: Some(partner_id),
        distributor: order.distributor_id,
        status: "active",
    };
    counts::moved(conn, order.organization_id, Kind::Contract, None, &place)?;
    Ok(Some((public_id, number)))
}

/// The contract an order activated, if the scope holds it.
pub fn of_order(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    order_id: i64,
) -> QueryResult<Option<(PublicId, String)>> {
    scoped!(scope)
        .filter(contracts::order_id.eq(order_id))
        .select((contracts::public_id, contracts::contract_number))
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Active,
    Expiring,
    Expired,
    All,
}

impl View {
    pub fn parse(s: &str) -> Self {
        match s {
            "expiring" => Self::Expiring,
            "expired" => Self::Expired,
            "all" => Self::All,
            _ => Self::Active,
        }
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct ContractRow {
    pub id: i64,
    pub public_id: PublicId,
    pub contract_number: String,
    pub status: ContractStatus,
    pub activation_date: NaiveDateTime,
    pub expiration_date: NaiveDateTime,
    pub total_value_minor: i64,
    pub currency: String,
    pub partner: Option<String>,
}

pub struct ContractFilter {
    pub search: Option<Search>,
    pub view: View,
    pub partner: Option<i64>,
    /// Keyset cursor: (expiration, id) of the last row of the previous page.
    pub after: Option<(NaiveDateTime, i64)>,
    /// Soonest to expire first (`Asc`) or latest first.
    pub dir: Dir,
}

/// The scope's contracts that pass the filter (not its order or cursor). A search matches the
/// contract's number whole ("CTR-000042", or "42") or a part of its partner's name.
macro_rules! matching {
    ($scope:expr, $f:expr) => {{
        let f: &ContractFilter = $f;
        let t = now();
        let mut q = scoped!($scope);
        if let Some(s) = &f.search {
            let named = partners::table
                .filter(partners::organization_id.eq($scope.org().id()))
                .filter(contains(partners::name, s.contains.clone()))
                .select(partners::id.nullable());
            q = q.filter(
                contracts::contract_number
                    .eq_any(numbers::CONTRACT.meant_by(s))
                    .or(contracts::partner_id.eq_any(named)),
            );
        }
        q = match f.view {
            View::Active => q
                .filter(contracts::status.eq(ContractStatus::Active))
                .filter(contracts::expiration_date.gt(t)),
            View::Expiring => q
                .filter(contracts::status.eq(ContractStatus::Active))
                .filter(contracts::expiration_date.gt(t))
                .filter(contracts::expiration_date.le(t + chrono::Duration::days(30))),
            View::Expired => q.filter(
                contracts::status
                    .eq(ContractStatus::Expired)
                    .or(contracts::status
                        .eq(ContractStatus::Active)
                        .and(contracts::expiration_date.le(t))),
            ),
            View::All => q,
        };
        if let Some(p) = f.partner {
            q = q.filter(contracts::partner_id.eq(p));
        }
        q
    }};
}

/// How many of the scope's contracts pass the filter, up to the cap, with their total value
/// when they were all counted and share one currency (`currency`, the organization's).
pub fn found(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    f: &ContractFilter,
    currency: &str,
) -> QueryResult<(Found, bool)> {
    let rows: Vec<(i64, String)> = matching!(scope, f)
        .select((contracts::total_value_minor, contracts::currency))
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    let one_currency = rows.iter().all(|(_, c)| c == currency);
    let values: Vec<i64> = rows.iter().map(|(v, _)| *v).collect();
    Ok((Found::of(&values), one_currency))
}

/// A page of contracts by expiration (soonest first, or latest with `Dir::Desc`), `limit` after
/// the cursor. Active means stored active and not yet past its date; expiring, active and
/// ending within 30 days; expired, stored expired or active past its date.
pub fn list(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    f: &ContractFilter,
    limit: i64,
) -> QueryResult<Vec<ContractRow>> {
    let q = matching!(scope, f)
        .left_join(partners::table.on(partners::id.nullable().eq(contracts::partner_id)))
        .select((
            contracts::id,
            contracts::public_id,
            contracts::contract_number,
            contracts::status,
            contracts::activation_date,
            contracts::expiration_date,
            contracts::total_value_minor,
            contracts::currency,
            partners::name.nullable(),
        ));
    let q = keyset!(q, f.dir, contracts::expiration_date, contracts::id, f.after);
    q.limit(limit).load(conn)
}

pub fn find(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    public_id: PublicId,
) -> QueryResult<ContractRecord> {
    scoped!(scope)
        .filter(contracts::public_id.eq(public_id))
        .select(ContractRecord::as_select())
        .first(conn)
}

/// The cursor a row continues from ("expiration id" as the address carries it).
pub fn cursor_of(row: &ContractRow) -> String {
    format!("{}_{}", row.expiration_date.and_utc().timestamp(), row.id)
}

pub fn parse_cursor(s: &str) -> Option<(NaiveDateTime, i64)> {
    let (t, id) = s.split_once('_')?;
    let t = chrono::DateTime::from_timestamp(t.parse().ok()?, 0)?.naive_utc();
    Some((t, id.parse().ok()?))
}

/// Closes an active contract as upgraded, downgraded, cancelled or lost, with its reason kept in
/// the internal note; `false` when it was no longer active (a concurrent change).
pub fn close(
    conn: &mut AnyConnection,
    contract: &ContractRecord,
    outcome: ContractStatus,
    reason: &str,
) -> QueryResult<bool> {
    let t = now();
    let note = match &contract.notes_internal {
        Some(n) => format!("{n}\n{outcome}: {reason}"),
        None => format!("{outcome}: {reason}"),
    };
    let n = diesel::update(
        contracts::table
            .find(contract.id)
            .filter(contracts::organization_id.eq(contract.organization_id))
            .filter(contracts::status.eq(ContractStatus::Active)),
    )
    .set((
        contracts::status.eq(outcome),
        contracts::notes_internal.eq(note),
        contracts::cancelled_at.eq((outcome == ContractStatus::Cancelled).then_some(t)),
        contracts::updated_at.eq(t),
    ))
    .execute(conn)?;
    if n == 1 {
        let from = Place {
            partner: contract.partner_id,
            distributor: contract.distributor_id,
            status: "active",
        };
        let to = from.with_status(outcome.code());
        counts::moved(
            conn,
            contract.organization_id,
            Kind::Contract,
            Some(&from),
            &to,
        )?;
    }
    Ok(n == 1)
}

/// Notes on the old contract which contract renews it.
pub fn note_renewal(
    conn: &mut AnyConnection,
    contract: &ContractRecord,
    by: &str,
) -> QueryResult<()> {
    let line = format!("Renewed by {by}");
    let note = match &contract.notes_internal {
        Some(n) => format!("{n}\n{line}"),
        None => line,
    };
    diesel::update(
        contracts::table
            .find(contract.id)
            .filter(contracts::organization_id.eq(contract.organization_id)),
    )
    .set((
        contracts::notes_internal.eq(note),
        contracts::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}

/// The scope's active contracts (not past their date) and those of them ending within 30 days.
/// The stored actives come from `partner_counts`; those past their date that the expiry task has
/// not stored yet are taken off (a range that is empty once it has run), so the figure is right
/// at once without counting every active contract per request.
pub fn active_counts(conn: &mut AnyConnection, scope: &ChannelScope) -> QueryResult<(i64, i64)> {
    let t = now();
    let stored = counts::by_status(conn, scope, Kind::Contract)?
        .into_iter()
        .find(|(status, _)| status == "active")
        .map_or(0, |(_, n)| n);
    let lapsed: i64 = scoped!(scope)
        .filter(contracts::status.eq(ContractStatus::Active))
        .filter(contracts::expiration_date.le(t))
        .count()
        .get_result(conn)?;
    let expiring: i64 = scoped!(scope)
        .filter(contracts::status.eq(ContractStatus::Active))
        .filter(contracts::expiration_date.gt(t))
        .filter(contracts::expiration_date.le(t + chrono::Duration::days(30)))
        .count()
        .get_result(conn)?;
    Ok((stored - lapsed, expiring))
}

/// What a contract's page links to, each as (public id, number): its order, its partner's
/// name, the contract it renews and those that renew it.
pub struct Links {
    pub order: (PublicId, String),
    pub partner: Option<String>,
    pub renewed_from: Option<(PublicId, String)>,
    pub renewals: Vec<(PublicId, String)>,
}

pub fn links(conn: &mut AnyConnection, contract: &ContractRecord) -> QueryResult<Links> {
    let org = contract.organization_id;
    let order = orders::table
        .filter(orders::organization_id.eq(org))
        .filter(orders::id.eq(contract.order_id))
        .select((orders::public_id, orders::order_number))
        .first(conn)?;
    let partner = crate::partner::orders::queries::partner_name(conn, org, contract.partner_id)?;
    let renewed_from = match contract.renewed_from_id {
        Some(r) => contracts::table
            .filter(contracts::organization_id.eq(org))
            .filter(contracts::id.eq(r))
            .select((contracts::public_id, contracts::contract_number))
            .first(conn)
            .optional()?,
        None => None,
    };
    let renewals = contracts::table
        .filter(contracts::organization_id.eq(org))
        .filter(contracts::renewed_from_id.eq(contract.id))
        .select((contracts::public_id, contracts::contract_number))
        .load(conn)?;
    Ok(Links {
        order,
        partner,
        renewed_from,
        renewals,
    })
}
