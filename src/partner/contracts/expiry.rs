//! The contracts' background task: stores as expired every active contract past its expiration
//! date, and notifies the holders (the user who made the order and the users of its partner) of
//! each active contract that expires within 30 days, once: the notice is claimed by stamping
//! `expiry_notified_at`, so two passes (or two processes) never send it twice. Pages do not wait
//! for it: they read an active contract past its date as expired already (`queries::effective`).

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{AnyConnection, Pool, write_tx};
use crate::domain::ContractStatus;
use crate::notifications::queries::{Note, notify};
use crate::notifications::templates::CONTRACT_EXPIRING;
use crate::partner::counts::{self, Kind, Place};
use crate::schema::{contracts, users};
use crate::web::OrgScope;

/// How far ahead holders hear of an expiry.
pub const NOTICE_DAYS: i64 = 30;
const INTERVAL: StdDuration = StdDuration::from_secs(60);
const BATCH: i64 = 200;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub expired: usize,
    pub notified: usize,
}

/// A contract to announce: id, organization, number, expiry, holder, partner.
type Due = (i64, i64, String, NaiveDateTime, Option<i64>, Option<i64>);

/// Stores as expired every active contract past its date, and moves their counts in the same
/// transaction (by the rows the update itself returns, so a contract closed meanwhile is not
/// counted twice).
fn expire(conn: &mut AnyConnection, at: NaiveDateTime) -> QueryResult<usize> {
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = diesel::update(
        contracts::table
            .filter(contracts::status.eq(ContractStatus::Active))
            .filter(contracts::expiration_date.le(at)),
    )
    .set((
        contracts::status.eq(ContractStatus::Expired),
        contracts::updated_at.eq(at),
    ))
    .returning((
        contracts::organization_id,
        contracts::partner_id,
        contracts::distributor_id,
    ))
    .get_results(conn)?;
    let mut groups: BTreeMap<(i64, Option<i64>, Option<i64>), i64> = BTreeMap::new();
    for row in &rows {
        *groups.entry(*row).or_default() += 1;
    }
    for ((org, partner, distributor), n) in groups {
        let from = Place {
            partner,
            distributor,
            status: "active",
        };
        let to = from.with_status("expired");
        counts::moved_many(conn, org, Kind::Contract, Some(&from), &to, n)?;
    }
    Ok(rows.len())
}

/// One pass at `at`, every organization.
pub fn run_once(conn: &mut AnyConnection, at: NaiveDateTime) -> QueryResult<Pass> {
    let expired = write_tx(conn, |conn| expire(conn, at))?;
    let due: Vec<Due> = contracts::table
        .filter(contracts::status.eq(ContractStatus::Active))
        .filter(contracts::expiry_notified_at.is_null())
        .filter(contracts::expiration_date.gt(at))
        .filter(contracts::expiration_date.le(at + Duration::days(NOTICE_DAYS)))
        .select((
            contracts::id,
            contracts::organization_id,
            contracts::contract_number,
            contracts::expiration_date,
            contracts::user_id,
            contracts::partner_id,
        ))
        .order(contracts::expiration_date)
        .limit(BATCH)
        .load(conn)?;
    let mut notified = 0;
    for (id, org, number, expires, holder, partner) in due {
        let sent = write_tx(conn, |conn| {
            let claimed = diesel::update(
                contracts::table
                    .find(id)
                    .filter(contracts::organization_id.eq(org))
                    .filter(contracts::expiry_notified_at.is_null()),
            )
            .set(contracts::expiry_notified_at.eq(at))
            .execute(conn)?;
            if claimed == 0 {
                return Ok::<_, diesel::result::Error>(false);
            }
            let mut people: Vec<i64> = match partner {
                Some(p) => users::table
                    .filter(users::organization_id.eq(org))
                    .filter(users::partner_id.eq(p))
                    .filter(users::is_active.eq(true))
                    .select(users::id)
                    .load(conn)?,
                None => Vec::new(),
            };
            people.extend(holder);
            people.sort_unstable();
            people.dedup();
            let tz = crate::orgs::timezone(conn, org)?;
            let date = crate::web::time::local_day(expires, tz);
            let public: crate::db::PublicId = contracts::table
                .find(id)
                .filter(contracts::organization_id.eq(org))
                .select(contracts::public_id)
                .first(conn)?;
            for user in people {
                notify(
                    conn,
                    OrgScope::trusted(org),
                    user,
                    Note {
                        kind: CONTRACT_EXPIRING,
                        values: vec![("contract", number.clone()), ("date", date.clone())],
                        link: Some(format!("/partner/contracts/{public}")),
                        priority: "high",
                    },
                )?;
            }
            Ok(true)
        })?;
        if sent {
            notified += 1;
        }
    }
    Ok(Pass { expired, notified })
}

/// Starts the task for the life of the process.
pub fn spawn(pool: Pool) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("contracts".into())
        .spawn(move || {
            loop {
                match pool.get() {
                    Ok(mut conn) => match run_once(&mut conn, crate::db::now()) {
                        Ok(p) if p.expired + p.notified > 0 => log::info!(
                            "contracts: {} expired, {} expiry notices sent",
                            p.expired,
                            p.notified
                        ),
                        Ok(_) => {}
                        Err(e) => log::error!("the contracts task failed: {e}"),
                    },
                    Err(e) => log::error!("the contracts task has no connection: {e}"),
                }
                std::thread::sleep(INTERVAL);
            }
        })
        .map(|_| ())
}
