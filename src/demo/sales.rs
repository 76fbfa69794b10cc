//! The sales side of the demo organizations: clients spread over the salespeople and their
//! leads, a few archived, some rated, one pair sharing an e-mail (shown as a possible duplicate);
//! deals on them over the last six months.

use diesel::prelude::*;

use crate::auth::users::find_by_email;
use crate::db::{AnyConnection, PublicId, now};
use crate::schema::{clients, deal_activities, deals, organizations};
use crate::web::OrgScope;

const FIRST: [&str; 15] = [
    "Northwind",
    "Blue Harbor",
    "Summit",
    "Cedar",
    "Golden Gate",
    "Red Rock",
    "Silver Lake",
    "Maple",
    "Granite",
    "Harborview",
    "Oakridge",
    "Riverside",
    "Sunrise",
    "Evergreen",
    "Lakeside",
];
const SECOND: [&str; 10] = [
    "Traders",
    "Logistics",
    "Foods",
    "Dental",
    "Builders",
    "Consulting",
    "Pharmacy",
    "Motors",
    "Studios",
    "Outfitters",
];

/// Loads `count` clients once per organization (nothing when it already has some).
pub fn load(
    conn: &mut AnyConnection,
    scope: OrgScope,
    domain: &str,
    count: usize,
) -> QueryResult<()> {
    let existing: i64 = clients::table
        .filter(clients::organization_id.eq(scope.id()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let mut owners = Vec::new();
    for local in [
        "sales",
        "lena.lopez",
        "omar.okafor",
        "priya.patel",
        "manager",
        "hugo.hansen",
    ] {
        if let Some(u) = find_by_email(conn, &format!("{local}@{domain}"))? {
            owners.push(u.id);
        }
    }
    if owners.is_empty() {
        return Ok(());
    }
    let t = now();
    for i in 0..count {
        // Each owner's clients vary: the details follow the round, not the index.
        let round = i / owners.len();
        let name = format!(
            "{} {}{}",
            FIRST[i % FIRST.len()],
            SECOND[(i / FIRST.len()) % SECOND.len()],
            if i >= FIRST.len() * SECOND.len() {
                format!(" {}", i / 150 + 1)
            } else {
                String::new()
            }
        );
        let slug: String = name
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        // Clients 0 and 1 share an address: the demo shows the duplicate warning.
        let email = if i == 1 {
            "buyer0@northwindtraders.example".to_string()
        } else {
            format!("buyer{i}@{slug}.example")
        };
        let created = t - chrono::Duration::hours((count - i) as i64 * 29);
        diesel::insert_into(clients::table)
            .values((
                clients::public_id.eq(PublicId::new()),
                clients::organization_id.eq(scope.id()),
                clients::name.eq(&name),
                clients::email.eq(Some(email)),
                clients::phone.eq((round % 3 != 0).then(|| format!("+1 555 {:04}", 1000 + i))),
                clients::address
                    .eq((round % 4 == 0).then(|| format!("{} Market Street, Springfield", 10 + i))),
                clients::satisfaction_rating.eq((round % 5 != 0).then_some((round % 6) as i32)),
                clients::notes.eq((round % 7 == 0)
                    .then_some("Prefers e-mail; decisions in the first week of the month")),
                clients::purchase_total_minor.eq(0_i64),
                clients::is_active.eq(round % 11 != 4),
                clients::created_by_id.eq(owners[i % owners.len()]),
                clients::created_at.eq(created),
                clients::updated_at.eq(created),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Deals on the demo clients, over the last six months, numbered by the allocator like any other
/// (once per organization: nothing when it already has deals). Payments, and so paid amounts and
/// statuses beyond "pending", come with the payments.
pub fn load_deals(conn: &mut AnyConnection, scope: OrgScope, count: usize) -> QueryResult<()> {
    let existing: i64 = deals::table
        .filter(deals::organization_id.eq(scope.id()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let (currency,): (String,) = organizations::table
        .find(scope.id())
        .select((organizations::currency,))
        .first(conn)?;
    let owners: Vec<(i64, i64)> = clients::table
        .filter(clients::organization_id.eq(scope.id()))
        .filter(clients::is_active.eq(true))
        .order(clients::id)
        .select((clients::id, clients::created_by_id))
        .load(conn)?;
    if owners.is_empty() {
        return Ok(());
    }
    let sources = ["referral", "linkedin", "google", "other", "instagram"];
    let methods = [
        Some("bank_transfer"),
        Some("card"),
        None,
        Some("cash"),
        Some("cheque"),
    ];
    let t = now();
    let today = t.date();
    for i in 0..count {
        let (client_id, owner) = owners[(i * 7) % owners.len()];
        let days_ago = ((count - i) * 180 / count) as i64;
        let deal_date = today - chrono::Duration::days(days_ago);
        let created = t - chrono::Duration::days(days_ago);
        let number = crate::numbers::next(conn, scope, crate::numbers::DEAL)?;
        // 150.00 to 24,000.00 in the organization's currency, in whole tens.
        let amount = (15 + (i as i64 * 37) % 2_385) * 1_000;
        let id: i64 = diesel::insert_into(deals::table)
            .values((
                deals::public_id.eq(PublicId::new()),
                deals::organization_id.eq(scope.id()),
                deals::deal_number.eq(&number),
                deals::client_id.eq(client_id),
                deals::amount_minor.eq(amount),
                deals::amount_org_minor.eq(amount),
                deals::currency.eq(&currency),
                deals::description.eq((i % 3 == 0).then_some("Quarterly supply contract")),
                deals::payment_method.eq(methods[i % methods.len()]),
                deals::deal_date.eq(deal_date),
                deals::due_date.eq((i % 2 == 0).then(|| deal_date + chrono::Duration::days(30))),
                deals::source.eq(sources[i % sources.len()]),
                deals::created_by_id.eq(owner),
                deals::created_at.eq(created),
                deals::updated_at.eq(created),
            ))
            .returning(deals::id)
            .get_result(conn)?;
        diesel::insert_into(deal_activities::table)
            .values((
                deal_activities::organization_id.eq(scope.id()),
                deal_activities::deal_id.eq(id),
                deal_activities::user_id.eq(owner),
                deal_activities::action.eq("created"),
                deal_activities::created_at.eq(created),
            ))
            .execute(conn)?;
    }
    Ok(())
}
