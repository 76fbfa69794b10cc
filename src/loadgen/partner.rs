//! The partner channel at scale: more partners (a tenth of them assigned to the demo
//! distributor), leads in every stage spread over them, the distributor and the staff, some with
//! overdue activities for the demo partner; orders in every status priced by the catalog's own
//! rule (`price_line`), their items, the contracts fulfilled subscriptions activate, and the
//! `partner_days` rollup rebuilt by the site's own function. Orders take no stock: stock is a
//! handful of units, not a load.

use std::collections::HashMap;

use chrono::Duration;
use diesel::prelude::*;

use super::{err, insert_all};
use crate::db::{AnyConnection, PublicId, now, sql_time};
use crate::numbers::{self, CONTRACT, ORDER};
use crate::orgs;
use crate::partner::catalog::price_line;
use crate::partner::catalog::queries as catalog;
use crate::partner::leads::status::Status;
use crate::partner::orders::queries::NewItem;
use crate::schema::{distributors, orders, organizations, partners, users};

const PARTNERS: usize = 60;

fn timed(what: &str, started: std::time::Instant) {
    println!("{what} in {:.1} s", started.elapsed().as_secs_f64());
}

pub fn partner(
    conn: &mut AnyConnection,
    org_name: &str,
    leads: usize,
    orders_count: usize,
) -> Result<(), String> {
    if leads == 0 && orders_count == 0 {
        return Ok(());
    }
    let scope = orgs::find_organization_by_name(conn, org_name)
        .map_err(err)?
        .ok_or_else(|| format!("no organization named {org_name}"))?;
    let org = scope.id();
    let t = now();
    let (currency, tax_bp): (String, i32) = organizations::table
        .find(org)
        .select((organizations::currency, organizations::tax_rate_bp))
        .first(conn)
        .map_err(err)?;
    let domain_user =
        |conn: &mut AnyConnection, role: &str| -> Result<(i64, Option<i64>, Option<i64>), String> {
            users::table
                .inner_join(
                    crate::schema::roles::table
                        .on(crate::schema::roles::id.nullable().eq(users::role_id)),
                )
                .filter(users::organization_id.eq(org))
                .filter(crate::schema::roles::system_key.eq(role))
                .order(users::id)
                .select((users::id, users::partner_id, users::distributor_id))
                .first(conn)
                .map_err(|e| format!("no {role} user in {org_name}: {e}"))
        };
    let (pat, pat_partner, _) = domain_user(conn, "partner")?;
    let (dana, _, dana_distributor) = domain_user(conn, "distributor")?;
    let (admin, _, _) = domain_user(conn, "admin")?;
    let home_partner = pat_partner.ok_or("the partner user belongs to no partner")?;
    let distributor = match dana_distributor {
        Some(d) => d,
        None => distributors::table
            .filter(distributors::organization_id.eq(org))
            .select(distributors::id)
            .first(conn)
            .map_err(err)?,
    };

    // Partners, a tenth of them assigned to the distributor.
    let started = std::time::Instant::now();
    let rows: Vec<String> = (0..PARTNERS)
        .map(|i| {
            format!(
                "('{}', {org}, 'Load Partner {i:03} {}', {}, {})",
                PublicId::new(),
                PublicId::new().to_string().get(..8).unwrap_or(""),
                sql_time(t),
                sql_time(t)
            )
        })
        .collect();
    insert_all(
        conn,
        "INSERT INTO partners (public_id, organization_id, name, created_at, updated_at)",
        &rows,
    )?;
    let mut all_partners: Vec<i64> = partners::table
        .filter(partners::organization_id.eq(org))
        .filter(partners::name.like("Load Partner%"))
        .select(partners::id)
        .order(partners::id)
        .load(conn)
        .map_err(err)?;
    let assigned: Vec<String> = all_partners
        .iter()
        .step_by(10)
        .map(|p| {
            format!(
                "({org}, {distributor}, {p}, {}, TRUE, {}, {})",
                sql_time(t),
                sql_time(t),
                sql_time(t)
            )
        })
        .collect();
    insert_all(
        conn,
        "INSERT INTO distributor_partners (organization_id, distributor_id, partner_id, assigned_at, is_active, created_at, updated_at)",
        &assigned,
    )?;
    all_partners.push(home_partner);
    timed(&format!("{PARTNERS} partners added"), started);

    // Leads: a quarter the demo partner's, a tenth the distributor's own, the staff's, and the rest
    // spread over the partners; every stage; over the last two years.
    let started = std::time::Instant::now();
    let holder = |i: usize| -> (i64, Option<i64>, Option<i64>) {
        match i % 20 {
            0..=4 => (pat, Some(home_partner), None),
            5 | 6 => (dana, None, Some(distributor)),
            7..=9 => (admin, None, None),
            _ => (
                admin,
                Some(all_partners[(i * 7) % all_partners.len()]),
                None,
            ),
        }
    };
    let sql_opt = |v: Option<i64>| v.map_or("NULL".to_string(), |x| x.to_string());
    let rows: Vec<String> = (0..leads)
        .map(|i| {
            let (owner, partner, dist) = holder(i);
            let status = Status::ALL[(i * 3 + i / 11) % Status::ALL.len()];
            let created = t - Duration::minutes(((leads - i) as i64 * 2 * 365 * 24 * 60) / leads as i64 + 1);
            format!(
                "('{}', {org}, 'Load lead {i}', 'Company {}', '{currency}', {}, '{}', {owner}, {}, {}, {}, {})",
                PublicId::new(),
                i % 5_000,
                ((i % 50) as i64 + 1) * 10_000,
                status.code(),
                sql_opt(partner),
                sql_opt(dist),
                sql_time(created),
                sql_time(created)
            )
        })
        .collect();
    let before: Option<i64> = crate::schema::leads::table
        .select(diesel::dsl::max(crate::schema::leads::id))
        .first(conn)
        .map_err(err)?;
    insert_all(
        conn,
        "INSERT INTO leads (public_id, organization_id, title, company_name, currency, value_minor, status, owner_id, partner_id, distributor_id, created_at, updated_at)",
        &rows,
    )?;
    let moves = lead_history(conn, org, before.unwrap_or(0))?;
    // The demo partner's overdue and coming activities, on its newest leads.
    let pats: Vec<i64> = crate::schema::leads::table
        .filter(crate::schema::leads::organization_id.eq(org))
        .filter(crate::schema::leads::partner_id.eq(home_partner))
        .order(crate::schema::leads::id.desc())
        .limit((leads / 20).min(5_000) as i64)
        .select(crate::schema::leads::id)
        .load(conn)
        .map_err(err)?;
    let rows: Vec<String> = pats
        .iter()
        .enumerate()
        .map(|(k, lead)| {
            let due = t + Duration::hours(if k % 3 == 0 {
                -(k as i64 % 500) - 1
            } else {
                24 + k as i64 % 300
            });
            format!(
                "('{}', {org}, {lead}, 'call', 'Follow up', {}, FALSE, {pat}, {}, {})",
                PublicId::new(),
                sql_time(due),
                sql_time(t),
                sql_time(t)
            )
        })
        .collect();
    insert_all(
        conn,
        "INSERT INTO lead_activities (public_id, organization_id, lead_id, activity_type, subject, due_at, done, user_id, created_at, updated_at)",
        &rows,
    )?;
    timed(
        &format!(
            "{leads} leads with {moves} status changes and {} activities added",
            pats.len()
        ),
        started,
    );

    // Orders, one item each, priced by the catalog's rule for a few combinations.
    let started = std::time::Instant::now();
    let products = catalog::list(conn, scope, &catalog::Filter::default(), 100).map_err(err)?;
    let durations = catalog::durations(conn, scope).map_err(err)?;
    let mut combos: Vec<NewItem> = Vec::new();
    for p in &products {
        let tiers = catalog::tiers(conn, p).map_err(err)?;
        for q in [1, 5, 12, 40] {
            for d in durations.iter().map(Some).chain([None]) {
                if p.is_subscription == d.is_none() {
                    continue;
                }
                if let Ok(line) = price_line(p, &tiers, q, d, &currency) {
                    combos.push(NewItem::priced(p, q, d, &line));
                }
            }
        }
    }
    if combos.is_empty() {
        return Err("the catalog has nothing to order; load the demo first".into());
    }
    let first = numbers::next_block(conn, scope, ORDER, orders_count as i64).map_err(err)?;
    let statuses = [
        "fulfilled",
        "fulfilled",
        "fulfilled",
        "fulfilled",
        "created",
        "created",
        "sent",
        "sent",
        "in_fulfillment",
        "cancelled",
    ];
    let mut planned = Vec::with_capacity(orders_count);
    let rows: Vec<String> = (0..orders_count)
        .map(|i| {
            let (creator, partner, dist) = holder(i * 3 + 1);
            let c = &combos[(i * 13) % combos.len()].snapshot;
            let net = c.total_minor;
            let tax = crate::partner::catalog::pricing::tax(net, tax_bp);
            let status = statuses[i % statuses.len()];
            let created = t - Duration::minutes(((orders_count - i) as i64 * 2 * 365 * 24 * 60) / orders_count as i64 + 1);
            let public_id = PublicId::new();
            planned.push((public_id, (i * 13) % combos.len(), status, created, partner, dist, creator, net));
            let when = |days: i64, applies: bool| if applies { sql_time(created + Duration::days(days)) } else { "NULL".into() };
            format!(
                "('{public_id}', {org}, '{}', '{status}', {}, {}, {creator}, '{currency}', {}, {}, {tax_bp}, {tax}, {}, {}, {}, {}, {}, {}, {})",
                ORDER.format(first + i as i64),
                sql_opt(partner),
                sql_opt(dist),
                c.subtotal_minor,
                c.discount_minor,
                net + tax,
                if status == "cancelled" { "'Load: cancelled'" } else { "NULL" },
                sql_time(created),
                sql_time(created),
                when(1, status != "created"),
                when(3, status == "fulfilled"),
                when(2, status == "cancelled"),
            )
        })
        .collect();
    insert_all(
        conn,
        "INSERT INTO orders (public_id, organization_id, order_number, status, partner_id, distributor_id, created_by_id, currency, subtotal_minor, discount_minor, tax_rate_bp, tax_minor, total_minor, cancel_reason, created_at, updated_at, sent_at, fulfilled_at, cancelled_at)",
        &rows,
    )?;
    let ids: HashMap<PublicId, i64> = orders::table
        .filter(orders::organization_id.eq(org))
        .filter(orders::order_number.ge(ORDER.format(first)))
        .select((orders::public_id, orders::id))
        .load::<(PublicId, i64)>(conn)
        .map_err(err)?
        .into_iter()
        .collect();
    let items: Vec<String> = planned
        .iter()
        .filter_map(|(public_id, combo, _, created, ..)| {
            let item = &combos[*combo];
            let c = &item.snapshot;
            let quoted = |v: &str| v.replace('\'', "''");
            let id = ids.get(public_id)?;
            Some(format!(
                "({org}, {id}, {}, {}, {}, {}, {}, {}, {}, {}, '{}', '{}', '{}', {}, {}, {}, {})",
                item.product_id,
                sql_opt(item.duration_id),
                c.quantity,
                c.unit_price_e4,
                c.discount_bp,
                c.subtotal_minor,
                c.discount_minor,
                c.total_minor,
                quoted(&c.product_name),
                quoted(&c.product_type),
                quoted(&c.product_unit),
                if c.is_subscription { "TRUE" } else { "FALSE" },
                c.duration_months.map_or("NULL".into(), |m| m.to_string()),
                sql_time(*created),
                sql_time(*created)
            ))
        })
        .collect();
    insert_all(
        conn,
        "INSERT INTO order_items (organization_id, order_id, product_id, duration_id, quantity, unit_price_e4, discount_bp, subtotal_minor, discount_minor, total_minor, product_name, product_type, product_unit, is_subscription, duration_months, created_at, updated_at)",
        &items,
    )?;
    timed(
        &format!("{orders_count} orders with their items added"),
        started,
    );

    // Contracts of fulfilled subscriptions with a partner, from their fulfilment day.
    let started = std::time::Instant::now();
    let eligible: Vec<_> = planned
        .iter()
        .filter(|(_, combo, status, _, partner, ..)| {
            *status == "fulfilled" && partner.is_some() && combos[*combo].duration_id.is_some()
        })
        .collect();
    let first_ctr =
        numbers::next_block(conn, scope, CONTRACT, eligible.len() as i64).map_err(err)?;
    let rows: Vec<String> = eligible
        .iter()
        .enumerate()
        .filter_map(|(k, (public_id, combo, _, created, partner, dist, creator, net))| {
            let months = combos[*combo].snapshot.duration_months?;
            let start = *created + Duration::days(3);
            let end = start.checked_add_months(chrono::Months::new(months as u32))?;
            let status = if end <= t - Duration::days(60) { "expired" } else { "active" };
            Some(format!(
                "('{}', {org}, '{}', {}, '{status}', {creator}, {}, {}, {}, {}, {net}, '{currency}', {}, {})",
                PublicId::new(),
                CONTRACT.format(first_ctr + k as i64),
                ids.get(public_id)?,
                sql_opt(*partner),
                sql_opt(*dist),
                sql_time(start),
                sql_time(end),
                sql_time(start),
                sql_time(start)
            ))
        })
        .collect();
    insert_all(
        conn,
        "INSERT INTO contracts (public_id, organization_id, contract_number, order_id, status, user_id, partner_id, distributor_id, activation_date, expiration_date, total_value_minor, currency, created_at, updated_at)",
        &rows,
    )?;
    timed(&format!("{} contracts added", rows.len()), started);
    let started = std::time::Instant::now();
    let days = crate::partner::dashboard::rollup::rebuild(conn, org).map_err(err)?;
    crate::partner::counts::rebuild(conn, org).map_err(err)?;
    timed(
        &format!("{days} partner days and the counts rebuilt"),
        started,
    );
    Ok(())
}

/// The status history of the leads added after `after`, as the site writes it: filed as new by
/// their owner, then each step of the pipeline up to their stage (lost ones straight from new,
/// with a reason). One INSERT … SELECT per step, the same SQL on both databases.
fn lead_history(conn: &mut AnyConnection, org: i64, after: i64) -> Result<usize, String> {
    let head = "INSERT INTO lead_status_history (organization_id, lead_id, old_status, new_status, changed_by_id, reason, changed_at)";
    let mine = format!("FROM leads WHERE organization_id = {org} AND id > {after}");
    let mut steps = vec![format!(
        "{head} SELECT organization_id, id, NULL, 'new', owner_id, NULL, created_at {mine}"
    )];
    let mut stage = Status::New;
    while let Some(next) = stage.next() {
        let reached: Vec<String> = Status::ALL
            .iter()
            .skip_while(|s| **s != next)
            .filter(|s| **s != Status::Lost)
            .map(|s| format!("'{}'", s.code()))
            .collect();
        steps.push(format!(
            "{head} SELECT organization_id, id, '{}', '{}', owner_id, NULL, updated_at {mine} AND status IN ({})",
            stage.code(),
            next.code(),
            reached.join(", ")
        ));
        stage = next;
    }
    steps.push(format!(
        "{head} SELECT organization_id, id, 'new', 'lost', owner_id, 'Load: no budget this year', updated_at {mine} AND status = 'lost'"
    ));
    conn.transaction(|c| {
        steps
            .iter()
            .map(|sql| diesel::sql_query(sql).execute(c))
            .sum::<QueryResult<usize>>()
    })
    .map_err(err)
}
