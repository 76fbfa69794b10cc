//! The admin side of the demo organizations: more people (two of them inactive), teams with
//! leads and members, projects, loss reasons, filled-in settings, and an audit history made by
//! doing those changes as the organization's admin, so the log reads like a real one.

use diesel::prelude::*;
use serde_json::json;

use crate::admin::roles::{ValidRole, create_role};
use crate::audit::{self, Actor, Event, actions};
use crate::auth::users::find_by_email;
use crate::db::{AnyConnection, PublicId, now};
use crate::orgs::{self, NewUser};
use crate::permissions::{Permission, PermissionSet};
use crate::schema::{loss_reasons, organizations, projects, roles, teams, users};
use crate::web::OrgScope;

/// (first name, last name, local part, role key, active)
const PEOPLE: [(&str, &str, &str, &str, bool); 7] = [
    ("Lena", "Lopez", "lena.lopez", "sales", true),
    ("Omar", "Okafor", "omar.okafor", "sales", true),
    ("Priya", "Patel", "priya.patel", "sales", true),
    ("Hugo", "Hansen", "hugo.hansen", "manager", true),
    ("Ivan", "Ingram", "ivan.ingram", "sales", false),
    ("Greta", "Gold", "greta.gold", "verifier", false),
    ("Nadia", "Nguyen", "nadia.nguyen", "verifier", true),
];

const LOSS_REASONS: [(&str, &str, bool); 5] = [
    (
        "Price too high",
        "The prospect found the offer too expensive",
        true,
    ),
    (
        "Chose a competitor",
        "The prospect signed with someone else",
        true,
    ),
    ("No budget", "No budget this year", true),
    ("Bad timing", "Interested, but not now", true),
    ("No decision maker", "Replaced by \"Bad timing\"", false),
];

pub fn load(
    conn: &mut AnyConnection,
    scope: OrgScope,
    domain: &str,
    password_hash: &str,
) -> QueryResult<()> {
    let org = scope.id();
    let done: Option<i64> = teams::table
        .filter(teams::organization_id.eq(org))
        .filter(teams::name.eq("Inside Sales"))
        .select(teams::id)
        .first(conn)
        .optional()?;
    if done.is_some() {
        return Ok(());
    }
    let Some(admin) = find_by_email(conn, &format!("admin@{domain}"))? else {
        return Ok(());
    };
    let actor = Actor {
        user_id: Some(admin.id),
        email: Some(admin.email.clone()),
        ip: Some("203.0.113.10".into()),
        user_agent: Some(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
                .into(),
        ),
    };
    audit::record(
        conn,
        &actor,
        Event::new(Some(org), actions::LOGIN, "user").entity(admin.public_id),
    )?;

    // Settings an admin fills in on the first day.
    let before: (Option<String>, Option<i64>, i32) = organizations::table
        .find(org)
        .select((
            organizations::email,
            organizations::sales_goal_minor,
            organizations::tax_rate_bp,
        ))
        .first(conn)?;
    diesel::update(organizations::table.find(org))
        .set((
            organizations::email.eq(format!("office@{domain}")),
            organizations::phone.eq("+1 555 0100"),
            organizations::website.eq(format!("https://www.{domain}")),
            organizations::tax_rate_bp.eq(2000),
            organizations::sales_goal_minor.eq(25_000_000_i64),
            organizations::second_approval_threshold_minor.eq(1_000_000_i64),
            organizations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let org_public: PublicId = organizations::table
        .find(org)
        .select(organizations::public_id)
        .first(conn)?;
    audit::record(
        conn,
        &actor,
        Event::new(Some(org), actions::UPDATE, "settings")
            .entity(org_public)
            .old(json!({ "email": before.0, "sales_goal": before.1, "tax_rate": format!("{}%", before.2 / 100) }))
            .new_values(json!({ "email": format!("office@{domain}"), "sales_goal": "250000.00", "tax_rate": "20%", "second_approval_threshold": "10000.00" })),
    )?;

    for (name, description, active) in LOSS_REASONS {
        let public_id = PublicId::new();
        let t = now();
        diesel::insert_into(loss_reasons::table)
            .values((
                loss_reasons::public_id.eq(public_id),
                loss_reasons::organization_id.eq(org),
                loss_reasons::name.eq(name),
                loss_reasons::description.eq(description),
                loss_reasons::is_active.eq(active),
                loss_reasons::created_at.eq(t),
                loss_reasons::updated_at.eq(t),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &actor,
            Event::new(Some(org), actions::CREATE, "loss_reason")
                .entity(public_id)
                .new_values(json!({ "name": name, "description": description, "is_active": true })),
        )?;
        if !active {
            audit::record(
                conn,
                &actor,
                Event::new(Some(org), actions::UPDATE, "loss_reason")
                    .entity(public_id)
                    .old(json!({ "is_active": true }))
                    .new_values(json!({ "is_active": false })),
            )?;
        }
    }

    let mut people = Vec::new();
    for (first, last, local, role, active) in PEOPLE {
        let email = format!("{local}@{domain}");
        let role_id = orgs::role_id_by_key(conn, scope, role)?;
        let id = orgs::create_user(
            conn,
            &actor,
            scope,
            &NewUser {
                email: &email,
                first_name: first,
                last_name: last,
                password_hash,
                role_id,
                partner_id: None,
                distributor_id: None,
                must_change_password: false,
            },
        )?;
        diesel::update(users::table.find(id))
            .set((
                users::sales_target_minor.eq((role == "sales").then_some(5_000_000_i64)),
                users::is_active.eq(active),
            ))
            .execute(conn)?;
        let public_id: PublicId = users::table.find(id).select(users::public_id).first(conn)?;
        if !active {
            audit::record(
                conn,
                &actor,
                Event::new(Some(org), actions::UPDATE, "user")
                    .entity(public_id)
                    .old(json!({ "is_active": true }))
                    .new_values(json!({ "is_active": false })),
            )?;
        }
        people.push((id, public_id));
    }
    // One of them forgot their password.
    audit::record(
        conn,
        &actor,
        Event::new(Some(org), actions::PASSWORD_RESET, "user")
            .entity(people[1].1)
            .new_values(json!({ "must_change_password": true, "sessions_ended": 1 })),
    )?;

    // The sales manager's commission rate, set once.
    let manager_role = orgs::role_id_by_key(conn, scope, "manager")?;
    diesel::update(roles::table.find(manager_role))
        .set(roles::commission_rate_bp.eq(Some(700)))
        .execute(conn)?;
    let manager_public: PublicId = roles::table
        .find(manager_role)
        .select(roles::public_id)
        .first(conn)?;
    audit::record(
        conn,
        &actor,
        Event::new(Some(org), actions::UPDATE, "role")
            .entity(manager_public)
            .old(json!({ "commission_rate": null }))
            .new_values(json!({ "commission_rate": "7%" })),
    )?;

    trainee_role(conn, &actor, scope)?;

    let manager = find_by_email(conn, &format!("manager@{domain}"))?.map(|u| u.id);
    let seller = find_by_email(conn, &format!("sales@{domain}"))?.map(|u| u.id);
    let inside = team(
        conn,
        &actor,
        scope,
        "Inside Sales",
        "Phone and video sales to inbound leads",
        manager,
        &[seller, Some(people[0].0), Some(people[1].0)],
    )?;
    let field = team(
        conn,
        &actor,
        scope,
        "Field Sales",
        "Key accounts, visited on site",
        Some(people[3].0),
        &[Some(people[2].0)],
    )?;
    let today = chrono::Utc::now().date_naive();
    let days = chrono::Duration::days;
    project(
        conn,
        &actor,
        scope,
        admin.id,
        inside,
        "Spring campaign",
        "active",
        Some(today - days(30)),
        Some(today + days(60)),
    )?;
    project(
        conn,
        &actor,
        scope,
        admin.id,
        inside,
        "Reactivate dormant clients",
        "on_hold",
        Some(today - days(10)),
        None,
    )?;
    project(
        conn,
        &actor,
        scope,
        admin.id,
        field,
        "Trade fair",
        "completed",
        Some(today - days(120)),
        Some(today - days(90)),
    )?;
    project(
        conn,
        &actor,
        scope,
        admin.id,
        field,
        "Regional expansion",
        "cancelled",
        None,
        None,
    )?;
    audit::record(
        conn,
        &actor,
        Event::new(Some(org), actions::EXPORT, "audit_log").new_values(
            json!({ "filters": { "action": "update" }, "rows": 7, "truncated": false }),
        ),
    )?;
    audit::record(
        conn,
        &actor,
        Event::new(Some(org), actions::LOGOUT, "user").entity(admin.public_id),
    )?;
    Ok(())
}

fn team(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: OrgScope,
    name: &str,
    description: &str,
    lead: Option<i64>,
    members: &[Option<i64>],
) -> QueryResult<i64> {
    let t = now();
    let public_id = PublicId::new();
    let id: i64 = diesel::insert_into(teams::table)
        .values((
            teams::public_id.eq(public_id),
            teams::organization_id.eq(scope.id()),
            teams::name.eq(name),
            teams::description.eq(description),
            teams::lead_user_id.eq(lead),
            teams::created_at.eq(t),
            teams::updated_at.eq(t),
        ))
        .returning(teams::id)
        .get_result(conn)?;
    let all: Vec<i64> = lead
        .into_iter()
        .chain(members.iter().flatten().copied())
        .collect();
    diesel::update(users::table.filter(users::id.eq_any(&all)))
        .set(users::team_id.eq(id))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::CREATE, "team")
            .entity(public_id)
            .new_values(json!({ "name": name, "description": description, "members": all.len() })),
    )?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
fn project(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: OrgScope,
    creator: i64,
    team_id: i64,
    name: &str,
    status: &str,
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
) -> QueryResult<()> {
    let t = now();
    let public_id = PublicId::new();
    diesel::insert_into(projects::table)
        .values((
            projects::public_id.eq(public_id),
            projects::organization_id.eq(scope.id()),
            projects::team_id.eq(team_id),
            projects::name.eq(name),
            projects::status.eq(status),
            projects::start_date.eq(start),
            projects::end_date.eq(end),
            projects::created_by_id.eq(creator),
            projects::created_at.eq(t),
            projects::updated_at.eq(t),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(scope.id()), actions::CREATE, "project")
            .entity(public_id)
            .new_values(json!({
                "name": name, "status": status,
                "start_date": start.map(|d| d.to_string()), "end_date": end.map(|d| d.to_string()),
            })),
    )?;
    Ok(())
}

/// A role of the organization's own, held by no one yet: what an admin makes for newcomers, and
/// one a demo admin may edit or delete.
fn trainee_role(conn: &mut AnyConnection, actor: &Actor, scope: OrgScope) -> QueryResult<()> {
    let role = ValidRole {
        name: "Sales Trainee".into(),
        description: Some(
            "Logs calls and keeps clients up to date; no deals or payments yet".into(),
        ),
        commission_rate_bp: None,
        is_active: true,
        permissions: PermissionSet::of(&[Permission::ClientsManage, Permission::CallsLog]),
    };
    create_role(conn, actor, scope, &role)
}
