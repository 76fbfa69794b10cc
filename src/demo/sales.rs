//! The sales side of the demo organizations: clients spread over the salespeople and their
//! leads, a few archived, some rated, one pair sharing an e-mail (shown as a possible duplicate).

use diesel::prelude::*;

use crate::auth::users::find_by_email;
use crate::db::{AnyConnection, PublicId, now};
use crate::schema::clients;
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
