//! Migrations and the constraints the database itself enforces.

use diesel::prelude::*;

use crate::common::{Backend, TestDb};
use dealdesk::db::{self, PublicId, now};
use dealdesk::schema::{organizations, roles, users};

fn migrations_run_up_down_up(backend: Backend) {
    let Some(test_db) = TestDb::new(backend) else {
        return;
    };
    let mut conn = test_db.conn();
    assert!(db::is_migrated(&mut conn));
    let reverted = db::revert_all_migrations(&mut conn).expect("down");
    assert_eq!(reverted, 20);
    assert!(!db::is_migrated(&mut conn));
    assert!(
        organizations::table
            .count()
            .get_result::<i64>(&mut conn)
            .is_err(),
        "tables are gone"
    );
    assert_eq!(db::run_migrations(&mut conn).expect("up again"), 20);
    assert_eq!(
        organizations::table
            .count()
            .get_result::<i64>(&mut conn)
            .expect("count"),
        0
    );
}

#[test]
fn migrations_up_down_up_sqlite() {
    migrations_run_up_down_up(Backend::Sqlite);
}

#[test]
fn migrations_up_down_up_postgres() {
    migrations_run_up_down_up(Backend::Postgres);
}

fn constraints_hold(backend: Backend) {
    let Some(test_db) = TestDb::new(backend) else {
        return;
    };
    let mut conn = test_db.conn();
    let t = now();
    let org: i64 = diesel::insert_into(organizations::table)
        .values((
            organizations::public_id.eq(PublicId::new()),
            organizations::name.eq("Check Co"),
            organizations::created_at.eq(t),
            organizations::updated_at.eq(t),
        ))
        .returning(organizations::id)
        .get_result(&mut conn)
        .expect("org");
    let bad_tax = diesel::update(organizations::table.find(org))
        .set(organizations::tax_rate_bp.eq(10_001))
        .execute(&mut conn);
    assert!(bad_tax.is_err(), "percentages stay within 0-100");
    let role = |name: &str| {
        (
            roles::public_id.eq(PublicId::new()),
            roles::organization_id.eq(org),
            roles::name.eq(name.to_string()),
            roles::created_at.eq(t),
            roles::updated_at.eq(t),
        )
    };
    diesel::insert_into(roles::table)
        .values(role("Sales"))
        .execute(&mut conn)
        .expect("role");
    assert!(
        diesel::insert_into(roles::table)
            .values(role("Sales"))
            .execute(&mut conn)
            .is_err(),
        "role names are unique per organization"
    );
    let orphan = diesel::insert_into(users::table)
        .values((
            users::public_id.eq(PublicId::new()),
            users::email.eq("orphan@check.test"),
            users::password_hash.eq("x"),
            users::first_name.eq("O"),
            users::last_name.eq("P"),
            users::created_at.eq(t),
            users::updated_at.eq(t),
        ))
        .execute(&mut conn);
    assert!(
        orphan.is_err(),
        "a user who is not a platform admin needs an organization and a role"
    );
    let missing_org = diesel::insert_into(roles::table)
        .values((
            roles::public_id.eq(PublicId::new()),
            roles::organization_id.eq(999_999),
            roles::name.eq("Ghost"),
            roles::created_at.eq(t),
            roles::updated_at.eq(t),
        ))
        .execute(&mut conn);
    assert!(missing_org.is_err(), "foreign keys are enforced");
}

#[test]
fn constraints_hold_sqlite() {
    constraints_hold(Backend::Sqlite);
}

#[test]
fn constraints_hold_postgres() {
    constraints_hold(Backend::Postgres);
}

fn demo_data_is_idempotent(backend: Backend) {
    let Some(test_db) = TestDb::new(backend) else {
        return;
    };
    let mut conn = test_db.conn();
    dealdesk::demo::load(&mut conn, crate::common::demo_hash()).expect("first");
    let count = |conn: &mut db::AnyConnection| -> (i64, i64, i64) {
        (
            organizations::table.count().get_result(conn).expect("orgs"),
            users::table.count().get_result(conn).expect("users"),
            roles::table.count().get_result(conn).expect("roles"),
        )
    };
    let first = count(&mut conn);
    // The platform admin, 8 role accounts and 6 more people (2 inactive) per organization; its
    // 9 built-in roles and one of its own.
    assert_eq!(first, (2, 31, 20));
    dealdesk::demo::load(&mut conn, crate::common::demo_hash()).expect("second");
    assert_eq!(count(&mut conn), first);
}

#[test]
fn demo_data_is_idempotent_sqlite() {
    demo_data_is_idempotent(Backend::Sqlite);
}

#[test]
fn demo_data_is_idempotent_postgres() {
    demo_data_is_idempotent(Backend::Postgres);
}
