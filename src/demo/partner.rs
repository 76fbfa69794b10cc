//! The partner channel's demo: a catalog with both pricing models, subscriptions and stock-
//! tracked appliances (one running low), three durations; a second partner outside the
//! distributor's reach; leads of the partner, the distributor and the staff in every stage, with
//! their history, activities (some overdue) and notes.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, now};
use crate::partner::catalog::pricing::{Model, Per, Tier};
use crate::partner::catalog::queries::{self as catalog, ProductValues};
use crate::partner::leads::status::Status;
use crate::schema::{
    lead_activities, lead_notes, lead_status_history, leads, partners, products, users,
};
use crate::web::OrgScope;

const DURATIONS: [(i32, &str, i32); 3] = [
    (12, "1 year", 0),
    (24, "2 years", 500),
    (36, "3 years", 1_000),
];

fn tier(min: i32, max: Option<i32>, price: i64, per: Per) -> Tier {
    Tier {
        min,
        max,
        unit_price_e4: price,
        per,
    }
}

/// The demo products: name, type, unit, category, model, subscription, stock (None: not
/// tracked), tiers.
type DemoProduct = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Model,
    bool,
    Option<i32>,
    Vec<Tier>,
);

fn products_list() -> Vec<DemoProduct> {
    use Per::*;
    vec![
        (
            "Cloud Backup",
            "service",
            "TB",
            "Backup",
            Model::Volume,
            true,
            None,
            vec![
                tier(1, Some(10), 125_000, Month),
                tier(11, Some(50), 100_000, Month),
                tier(51, None, 87_500, Month),
            ],
        ),
        (
            "Managed Firewall",
            "service",
            "site",
            "Security",
            Model::Graduated,
            true,
            None,
            vec![
                tier(1, Some(5), 450_000, Month),
                tier(6, Some(20), 395_000, Month),
                tier(21, None, 320_000, Month),
            ],
        ),
        (
            "Support Plan Gold",
            "support",
            "user",
            "Support",
            Model::Graduated,
            true,
            None,
            vec![
                tier(1, Some(25), 1_200_000, Year),
                tier(26, Some(100), 960_000, Year),
                tier(101, None, 800_000, Year),
            ],
        ),
        (
            "Backup Appliance X200",
            "appliance",
            "device",
            "Hardware",
            Model::Volume,
            false,
            Some(4),
            vec![
                tier(1, Some(9), 12_990_000, Month),
                tier(10, None, 11_990_000, Month),
            ],
        ),
        (
            "Edge Router R1",
            "appliance",
            "device",
            "Hardware",
            Model::Volume,
            false,
            Some(25),
            vec![tier(1, None, 3_490_000, Month)],
        ),
        (
            "Archive Tape Pack",
            "appliance",
            "pack",
            "Hardware",
            Model::Volume,
            false,
            Some(8),
            vec![
                tier(1, Some(20), 850_000, Month),
                tier(21, None, 790_000, Month),
            ],
        ),
    ]
}

/// Loads the channel once per organization (nothing when it has products already).
pub fn load(
    conn: &mut AnyConnection,
    scope: OrgScope,
    domain: &str,
    partner_id: i64,
    distributor_id: i64,
    leads_count: usize,
) -> QueryResult<i64> {
    let existing: i64 = products::table
        .filter(products::organization_id.eq(scope.id()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return partners::table
            .filter(partners::organization_id.eq(scope.id()))
            .filter(partners::name.eq(format!("Initech Partners ({domain})")))
            .select(partners::id)
            .first(conn);
    }
    for (months, name, discount) in DURATIONS {
        catalog::insert_duration(conn, scope, months, name, discount)?;
    }
    for (name, kind, unit, category, model, subscription, stock, tiers) in products_list() {
        catalog::insert(
            conn,
            scope,
            &ProductValues {
                name: name.into(),
                product_type: kind.into(),
                unit: unit.into(),
                category: Some(category.into()),
                description: Some(format!("{name}, sold per {unit}.")),
                model,
                is_subscription: subscription,
                track_stock: stock.is_some(),
                stock: stock.unwrap_or(0),
                is_active: true,
                tiers,
            },
            None,
        )?;
    }
    let other_partner = second_partner(conn, scope, domain)?;
    let user = |conn: &mut AnyConnection, role: &str| -> QueryResult<i64> {
        users::table
            .filter(users::email.eq(format!("{role}@{domain}")))
            .select(users::id)
            .first(conn)
    };
    let partner_user = user(conn, "partner")?;
    let distributor_user = user(conn, "distributor")?;
    let admin = user(conn, "admin")?;
    let currency: String = crate::schema::organizations::table
        .find(scope.id())
        .select(crate::schema::organizations::currency)
        .first(conn)?;
    let t = now();
    let companies = [
        "Blue Harbor Logistics",
        "Cedar Clinics",
        "Delta Foods",
        "Evergreen Schools",
        "Fjord Shipping",
        "Granite Legal",
        "Helio Energy",
        "Ivy Hotels",
        "Juniper Retail",
        "Kestrel Aviation",
        "Lumen Studios",
        "Maple Insurance",
    ];
    let topics = [
        "Backup for",
        "Firewall rollout at",
        "Support renewal for",
        "Appliances for",
    ];
    for i in 0..leads_count {
        // Who holds it: the partner, the distributor (its own), the second partner, the staff.
        let (owner, partner, distributor) = match i % 4 {
            0 => (partner_user, Some(partner_id), None),
            1 => (distributor_user, None, Some(distributor_id)),
            2 => (admin, Some(other_partner), None),
            _ => (admin, None, None),
        };
        let status = Status::ALL[(i * 5 + i / 7) % Status::ALL.len()];
        let company = companies[(i + i / 4) % companies.len()];
        let created = t - Duration::hours(((leads_count - i) * 90 * 24 / leads_count) as i64 + 5);
        let public_id = PublicId::new();
        diesel::insert_into(leads::table)
            .values((
                leads::public_id.eq(public_id),
                leads::organization_id.eq(scope.id()),
                leads::title.eq(format!("{} {company}", topics[(i / 4) % topics.len()])),
                leads::company_name.eq(company),
                leads::contact_name.eq(format!("Contact {}", i + 1)),
                leads::contact_email.eq(format!(
                    "buyer{}@{}.example",
                    i + 1,
                    company.split(' ').next().unwrap_or("co").to_lowercase()
                )),
                leads::value_minor.eq(((i as i64 % 9) + 1) * 150_000),
                leads::currency.eq(&currency),
                leads::status.eq(status.code()),
                leads::probability.eq(Some(match status {
                    Status::Won => 100,
                    Status::Lost => 0,
                    _ => 10 + (i as i32 % 8) * 10,
                })),
                leads::expected_close_date.eq((created + Duration::days(45)).date()),
                leads::owner_id.eq(owner),
                leads::partner_id.eq(partner),
                leads::distributor_id.eq(distributor),
                leads::created_at.eq(created),
                leads::updated_at.eq(created),
            ))
            .execute(conn)?;
        let lead_id: i64 = leads::table
            .filter(leads::public_id.eq(public_id))
            .select(leads::id)
            .first(conn)?;
        // The path to where it stands: through the open stages, then won or lost.
        let path: Vec<Status> = match status {
            Status::Won => vec![
                Status::New,
                Status::Contacted,
                Status::Qualified,
                Status::Proposal,
                Status::Won,
            ],
            Status::Lost => vec![Status::New, Status::Contacted, Status::Lost],
            s => Status::OPEN
                .into_iter()
                .take_while(|o| *o != s)
                .chain([s])
                .collect(),
        };
        for (step, s) in path.iter().enumerate() {
            diesel::insert_into(lead_status_history::table)
                .values((
                    lead_status_history::organization_id.eq(scope.id()),
                    lead_status_history::lead_id.eq(lead_id),
                    lead_status_history::old_status.eq(step.checked_sub(1).map(|p| path[p].code())),
                    lead_status_history::new_status.eq(s.code()),
                    lead_status_history::changed_by_id.eq(owner),
                    lead_status_history::reason
                        .eq((*s == Status::Lost).then_some("Chose a competitor's offer")),
                    lead_status_history::changed_at.eq(created + Duration::hours(step as i64 * 30)),
                ))
                .execute(conn)?;
        }
        if status.is_open() {
            for (k, (kind, subject, due_hours, done)) in [
                ("call", "Discovery call", -50_i64, true),
                (
                    "meeting",
                    "Demo of the offer",
                    if i % 3 == 0 { -20 } else { 48 },
                    false,
                ),
                ("email", "Send the proposal", 96, false),
            ]
            .into_iter()
            .enumerate()
            {
                if k > 0 && i % 2 == 1 {
                    continue;
                }
                let due = t + Duration::hours(due_hours + i as i64 % 5);
                diesel::insert_into(lead_activities::table)
                    .values((
                        lead_activities::public_id.eq(PublicId::new()),
                        lead_activities::organization_id.eq(scope.id()),
                        lead_activities::lead_id.eq(lead_id),
                        lead_activities::activity_type.eq(kind),
                        lead_activities::subject.eq(subject),
                        lead_activities::due_at.eq(due),
                        lead_activities::done.eq(done),
                        lead_activities::done_at.eq(done.then_some(due)),
                        lead_activities::user_id.eq(owner),
                        lead_activities::created_at.eq(created),
                        lead_activities::updated_at.eq(created),
                    ))
                    .execute(conn)?;
            }
        }
        if i % 3 == 0 {
            diesel::insert_into(lead_notes::table)
                .values((
                    lead_notes::public_id.eq(PublicId::new()),
                    lead_notes::organization_id.eq(scope.id()),
                    lead_notes::lead_id.eq(lead_id),
                    lead_notes::content.eq(format!(
                        "{company} asked for a price on {} units.",
                        10 + i % 40
                    )),
                    lead_notes::created_by_id.eq(owner),
                    lead_notes::created_at.eq(created + Duration::hours(2)),
                    lead_notes::updated_at.eq(created + Duration::hours(2)),
                ))
                .execute(conn)?;
        }
    }
    Ok(other_partner)
}

/// A partner the distributor is not assigned to: its rows are seen by the staff only.
fn second_partner(conn: &mut AnyConnection, scope: OrgScope, domain: &str) -> QueryResult<i64> {
    let t = now();
    diesel::insert_into(partners::table)
        .values((
            partners::public_id.eq(PublicId::new()),
            partners::organization_id.eq(scope.id()),
            partners::name.eq(format!("Initech Partners ({domain})")),
            partners::email.eq(format!("hello@initech.{domain}")),
            partners::city.eq("Austin"),
            partners::country.eq("US"),
            partners::created_at.eq(t),
            partners::updated_at.eq(t),
        ))
        .returning(partners::id)
        .get_result(conn)
}
