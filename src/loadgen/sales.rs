//! Clients, deals, payments and calls at scale, spread over the organization's salespeople and
//! the last year. Deal statuses come from `balance::deal_figures`, numbers from the allocator
//! (a block at a time); afterwards every client, owner day and owner is recomputed by the same
//! functions a payment on the site calls, so the data is exactly what the site would have made.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use super::{BATCH, err, insert_all};
use crate::db::{AnyConnection, PublicId, now, sql_time};
use crate::domain::{DealStatus, PaymentStatus};
use crate::numbers::{self, DEAL, PAYMENT};
use crate::orgs;
use crate::sales::balance;
use crate::schema::{clients, deals, loss_reasons, organizations, roles, users};
use crate::web::OrgScope;

#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    pub clients: usize,
    pub deals: usize,
    pub payments: usize,
    pub calls: usize,
}

/// Runs `f` on every item, a thousand to a transaction.
fn in_batches<T>(
    conn: &mut AnyConnection,
    items: &[T],
    f: impl Fn(&mut AnyConnection, &T) -> QueryResult<()>,
) -> Result<(), String> {
    for chunk in items.chunks(BATCH) {
        conn.transaction(|c| chunk.iter().try_for_each(|item| f(c, item)))
            .map_err(err)?;
    }
    Ok(())
}

fn sql_date(d: NaiveDate) -> String {
    format!("'{}'", d.format("%Y-%m-%d"))
}

/// Adds the sizes asked for to the organization and prints how long each part took.
pub fn sales(conn: &mut AnyConnection, org_name: &str, sizes: Sizes) -> Result<(), String> {
    let scope = orgs::find_organization_by_name(conn, org_name)
        .map_err(err)?
        .ok_or_else(|| format!("no organization named {org_name}"))?;
    let owners: Vec<i64> = users::table
        .inner_join(roles::table.on(roles::id.nullable().eq(users::role_id)))
        .filter(users::organization_id.eq(scope.id()))
        .filter(users::is_active.eq(true))
        .filter(roles::system_key.eq_any(["sales", "manager"]))
        .filter(users::email.not_like("load%@load.test"))
        .order(users::id)
        .select(users::id)
        .load(conn)
        .map_err(err)?;
    if owners.is_empty() {
        return Err(format!(
            "{org_name} has no active salesperson to own the records"
        ));
    }
    let timed = |what: &str, started: std::time::Instant| {
        println!("{what} in {:.1} s", started.elapsed().as_secs_f64());
    };
    let started = std::time::Instant::now();
    add_clients(conn, scope, &owners, sizes.clients)?;
    timed(&format!("{} clients added", sizes.clients), started);
    let started = std::time::Instant::now();
    add_deals_and_payments(conn, scope, sizes.deals, sizes.payments)?;
    timed(
        &format!(
            "{} deals and {} payments added, statuses and rollups recomputed",
            sizes.deals, sizes.payments
        ),
        started,
    );
    let started = std::time::Instant::now();
    let invoiced = conn
        .transaction(|c| crate::invoices::backfill(c, scope))
        .map_err(err)?;
    timed(&format!("{invoiced} invoices added"), started);
    let started = std::time::Instant::now();
    let streaks = conn
        .transaction(|c| crate::streaks::rebuild(c, scope.id()))
        .map_err(err)?;
    timed(&format!("{streaks} streak days rebuilt"), started);
    let started = std::time::Instant::now();
    conn.transaction(|c| crate::verifier::rollup::rebuild(c, scope.id()))
        .map_err(err)?;
    timed("verification rollups rebuilt", started);
    let started = std::time::Instant::now();
    let made = super::commissions::commissions(conn, scope)?;
    timed(&format!("{made} commissions added"), started);
    let started = std::time::Instant::now();
    add_calls(conn, scope, sizes.calls)?;
    timed(&format!("{} calls added", sizes.calls), started);
    Ok(())
}

fn add_clients(
    conn: &mut AnyConnection,
    scope: OrgScope,
    owners: &[i64],
    count: usize,
) -> Result<(), String> {
    let t = sql_time(now());
    let start: i64 = clients::table.count().get_result(conn).map_err(err)?;
    let rows: Vec<String> = (0..count)
        .map(|i| {
            let n = start as usize + i;
            format!(
                "('{}', {}, 'Load Client {n}', 'client{n}@load.test', NULL, 0, TRUE, {}, {t}, {t})",
                PublicId::new(),
                scope.id(),
                owners[i % owners.len()],
            )
        })
        .collect();
    insert_all(
        conn,
        "INSERT INTO clients (public_id, organization_id, name, email, phone, purchase_total_minor, \
         is_active, created_by_id, created_at, updated_at)",
        &rows,
    )
}

/// A generated deal before it is inserted: what its payments need.
struct Planned {
    public_id: PublicId,
    amount: i64,
    deal_date: NaiveDate,
    owner: i64,
    /// (share of the amount in %, status)
    payments: Vec<(i64, PaymentStatus)>,
}

/// The payments of the `i`th deal, `per_deal` of them on average, never more than the amount,
/// in a mix of states; every fourth deal is paid in full and verified.
fn plan(i: usize, per_deal: usize) -> Vec<(i64, PaymentStatus)> {
    use PaymentStatus::*;
    const STATES: [PaymentStatus; 7] = [
        Verified, Verified, Pending, Verified, Rejected, Verified, Refunded,
    ];
    let k = per_deal + usize::from(i.is_multiple_of(3) && per_deal > 0)
        - usize::from(i % 3 == 1 && per_deal > 1);
    if i % 4 == 3 && k > 0 {
        let share = 100 / k as i64;
        return (0..k)
            .map(|j| {
                (
                    if j + 1 == k {
                        100 - share * (k as i64 - 1)
                    } else {
                        share
                    },
                    PaymentStatus::Verified,
                )
            })
            .collect();
    }
    let share = 100 / (k as i64 + 1);
    (0..k)
        .map(|j| (share, STATES[(i + j) % STATES.len()]))
        .collect()
}

fn add_deals_and_payments(
    conn: &mut AnyConnection,
    scope: OrgScope,
    count: usize,
    payments: usize,
) -> Result<(), String> {
    if count == 0 {
        return Ok(());
    }
    let currency: String = organizations::table
        .find(scope.id())
        .select(organizations::currency)
        .first(conn)
        .map_err(err)?;
    let targets: Vec<(i64, i64)> = clients::table
        .filter(clients::organization_id.eq(scope.id()))
        .filter(clients::is_active.eq(true))
        .select((clients::id, clients::created_by_id))
        .load(conn)
        .map_err(err)?;
    if targets.is_empty() {
        return Err("add clients first (--clients)".into());
    }
    let t = now();
    let today = t.date();
    let first = numbers::next_block(conn, scope, DEAL, count as i64).map_err(err)?;
    let before: Option<i64> = deals::table
        .select(diesel::dsl::max(deals::id))
        .first(conn)
        .map_err(err)?;
    let per_deal = payments / count;
    let mut planned = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for i in 0..count {
        let (client, owner) = targets[(i * 7) % targets.len()];
        let amount = (15 + (i as i64 * 37) % 2_385) * 1_000;
        let deal_date = today - Duration::days(((count - i) * 365 / count) as i64);
        let pays = plan(i, per_deal);
        let counted: Vec<(PaymentStatus, i64)> = pays
            .iter()
            .map(|(share, s)| (*s, amount * share / 100))
            .collect();
        let f = balance::deal_figures(amount, DealStatus::Pending, &counted);
        let public_id = PublicId::new();
        rows.push(format!(
            "('{public_id}', {}, '{}', {client}, {amount}, {amount}, '{currency}', '{}', '{}', '{}', {}, {}, {}, {}, 'other', {owner}, {}, {})",
            scope.id(),
            DEAL.format(first + i as i64),
            f.status.code(),
            f.payment_status.code(),
            f.verification_status.code(),
            f.paid_minor,
            f.paid_minor,
            sql_date(deal_date),
            if i % 2 == 0 { sql_date(deal_date + Duration::days(30)) } else { "NULL".into() },
            sql_time(deal_date.and_hms_opt(10, 0, 0).unwrap_or(t)),
            sql_time(deal_date.and_hms_opt(10, 0, 0).unwrap_or(t)),
        ));
        planned.push(Planned {
            public_id,
            amount,
            deal_date,
            owner,
            payments: pays,
        });
    }
    insert_all(
        conn,
        "INSERT INTO deals (public_id, organization_id, deal_number, client_id, amount_minor, \
         amount_org_minor, currency, status, payment_status, verification_status, paid_minor, \
         paid_org_minor, deal_date, due_date, source, created_by_id, created_at, updated_at)",
        &rows,
    )?;
    let ids: HashMap<PublicId, i64> = deals::table
        .filter(deals::organization_id.eq(scope.id()))
        .filter(deals::id.gt(before.unwrap_or(0)))
        .select((deals::public_id, deals::id))
        .load::<(PublicId, i64)>(conn)
        .map_err(err)?
        .into_iter()
        .collect();
    let total: usize = planned.iter().map(|p| p.payments.len()).sum();
    let first_txn = numbers::next_block(conn, scope, PAYMENT, total as i64).map_err(err)?;
    let mut rows = Vec::with_capacity(total);
    let mut days = BTreeSet::new();
    let mut n = 0_i64;
    for p in &planned {
        let deal_id = ids[&p.public_id];
        let completes = p.payments.iter().map(|(s, _)| s).sum::<i64>() == 100;
        for (k, (share, status)) in p.payments.iter().enumerate() {
            let date = (p.deal_date + Duration::days(2 + 5 * k as i64)).min(today);
            let minor = p.amount * share / 100;
            let decided = *status != PaymentStatus::Pending;
            let code = status.code();
            rows.push(format!(
                "('{}', {}, '{}', {deal_id}, {minor}, '{currency}', {}, 'cash', '{code}', {}, {}, {}, {minor}, {minor}, {}, {}, {}, {})",
                PublicId::new(),
                scope.id(),
                PAYMENT.format(first_txn + n),
                if completes && k + 1 == p.payments.len() {
                    "'final'"
                } else if k == 0 {
                    "'advance'"
                } else {
                    "'partial'"
                },
                sql_date(date),
                if *status == PaymentStatus::Rejected { "'other'" } else { "NULL" },
                // Decided a few minutes to two days after it was recorded, never in the future.
                if decided {
                    let waited = Duration::minutes(5 + (n * 37) % 2_880);
                    sql_time((date.and_hms_opt(12, 0, 0).unwrap_or(t) + waited).min(t))
                } else {
                    "NULL".into()
                },
                p.owner,
                p.owner,
                sql_time(date.and_hms_opt(12, 0, 0).unwrap_or(t)),
                sql_time(date.and_hms_opt(12, 0, 0).unwrap_or(t)),
            ));
            days.insert((p.owner, date));
            n += 1;
        }
    }
    insert_all(
        conn,
        "INSERT INTO payments (public_id, organization_id, transaction_number, deal_id, \
         amount_minor, currency, category, method, status, payment_date, failure_reason, \
         verified_at, counted_minor, counted_org_minor, created_by_id, owner_id, created_at, \
         updated_at)",
        &rows,
    )?;
    // What follows from the new rows, by the site's own recomputation.
    let touched: BTreeSet<i64> = targets.iter().map(|(c, _)| *c).collect();
    let touched: Vec<i64> = touched.into_iter().collect();
    in_batches(conn, &touched, |c, client| {
        balance::recompute_client(c, scope.id(), *client, today)
    })?;
    let days: Vec<(i64, NaiveDate)> = days.into_iter().collect();
    in_batches(conn, &days, |c, (owner, day)| {
        balance::recompute_day(c, scope.id(), *owner, *day)
    })?;
    let owners: BTreeSet<i64> = planned.iter().map(|p| p.owner).collect();
    let owners: Vec<i64> = owners.into_iter().collect();
    in_batches(conn, &owners, |c, owner| {
        balance::recompute_owner(c, scope.id(), *owner)
    })
}

fn add_calls(conn: &mut AnyConnection, scope: OrgScope, count: usize) -> Result<(), String> {
    if count == 0 {
        return Ok(());
    }
    let callers: Vec<(i64, i64)> = clients::table
        .filter(clients::organization_id.eq(scope.id()))
        .filter(clients::is_active.eq(true))
        .select((clients::id, clients::created_by_id))
        .limit(5_000)
        .load(conn)
        .map_err(err)?;
    let reasons: Vec<i64> = loss_reasons::table
        .filter(loss_reasons::organization_id.eq(scope.id()))
        .filter(loss_reasons::is_active.eq(true))
        .select(loss_reasons::id)
        .load(conn)
        .map_err(err)?;
    if callers.is_empty() || reasons.is_empty() {
        return Err("calls need clients and an active loss reason".into());
    }
    let t = now();
    let rows: Vec<String> = (0..count)
        .map(|i| {
            let (client, user) = callers[(i * 11) % callers.len()];
            let at = sql_time(t - Duration::minutes(((count - i) * 180 * 24 * 60 / count) as i64 + 7));
            let (status, outcome, reason) = match i % 10 {
                0 | 5 => ("no_show", "NULL".to_string(), "NULL".to_string()),
                2 | 6 => (
                    "completed",
                    "'lost'".to_string(),
                    reasons[i % reasons.len()].to_string(),
                ),
                1 | 4 | 8 => ("completed", "'won'".into(), "NULL".into()),
                _ => ("completed", "'tbd'".into(), "NULL".into()),
            };
            format!(
                "('{}', {}, {user}, {client}, 'Load call {i}', 'outbound', '{status}', {outcome}, {reason}, {at}, {at}, {at}, {at})",
                PublicId::new(),
                scope.id(),
            )
        })
        .collect();
    insert_all(
        conn,
        "INSERT INTO calls (public_id, organization_id, user_id, client_id, prospect_name, \
         call_type, status, outcome, loss_reason_id, scheduled_at, completed_at, created_at, \
         updated_at)",
        &rows,
    )?;
    crate::sales::calls::rollup::rebuild(conn, scope.id())
        .map_err(|e| format!("rebuilding the call rollup failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_never_pass_the_deal_amount() {
        for per_deal in 0..6 {
            for i in 0..30 {
                let total: i64 = plan(i, per_deal).iter().map(|(s, _)| s).sum();
                assert!(total <= 100, "{per_deal} {i}");
            }
        }
        let n: usize = (0..300).map(|i| plan(i, 3).len()).sum();
        assert_eq!(n, 900, "three a deal on average");
    }
}
