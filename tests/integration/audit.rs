//! The audit log: written for auth events, append-only in the database, chained by hash.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::common::Backend;
use crate::dual;
use dealdesk::audit;
use dealdesk::schema::{audit_log, organizations};

/// action, IP address, user agent, organization
type AuthRow = (String, Option<String>, Option<String>, Option<i64>);

dual!(auth_events_are_recorded_with_ip_and_user_agent, |app| {
    let mut c = app.client();
    c.login("sales@demo.test", "wrong-password");
    let mut c = app.signed_in("sales@demo.test");
    let token = c.get("/sales").csrf();
    c.post_form("/logout", &[("csrf_token", &token)]);
    let rows: Vec<AuthRow> = audit_log::table
        .filter(audit_log::action.eq_any(["LOGIN", "LOGIN_FAILED", "LOGOUT"]))
        .filter(audit_log::ip_address.ne(crate::common::DEMO_HISTORY_IP))
        .order(audit_log::id)
        .select((
            audit_log::action,
            audit_log::ip_address,
            audit_log::user_agent,
            audit_log::organization_id,
        ))
        .load(&mut app.conn())
        .expect("rows");
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(actions, ["LOGIN_FAILED", "LOGIN", "LOGOUT"]);
    for (action, ip, ua, org) in &rows {
        assert_eq!(ip.as_deref(), Some("127.0.0.1"), "{action}");
        assert!(
            ua.as_deref().unwrap_or_default().contains("dealdesk-tests"),
            "{action}"
        );
        assert!(org.is_some(), "{action} is in the organization's chain");
    }
});

dual!(the_chain_verifies_and_a_tampered_row_is_found, |app| {
    app.signed_in("admin@demo.test");
    app.client().login("admin@demo.test", "wrong-password");
    let mut conn = app.conn();
    let reports = audit::verify_all(&mut conn).expect("verify");
    assert!(reports.len() >= 3, "platform and two organizations");
    assert!(reports.iter().all(|r| r.is_intact()), "{reports:?}");

    // The database itself refuses to change or remove audit rows.
    let first: i64 = audit_log::table
        .select(audit_log::id)
        .order(audit_log::id)
        .first(&mut conn)
        .expect("row");
    let update = diesel::update(audit_log::table.find(first))
        .set(audit_log::action.eq("forged"))
        .execute(&mut conn);
    assert!(update.is_err(), "UPDATE refused");
    let delete = diesel::delete(audit_log::table.find(first)).execute(&mut conn);
    assert!(delete.is_err(), "DELETE refused");

    // Someone with the database's owner rights gets around the trigger: the chain shows it.
    let demo_org: i64 = organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut conn)
        .expect("org");
    let ids: Vec<i64> = audit_log::table
        .filter(audit_log::organization_id.eq(demo_org))
        .order(audit_log::id)
        .select(audit_log::id)
        .load(&mut conn)
        .expect("ids");
    let victim = ids[ids.len() / 2];
    match app.backend {
        Backend::Postgres => {
            conn.batch_execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        }
        Backend::Sqlite => conn.batch_execute("DROP TRIGGER audit_log_no_update"),
    }
    .expect("disable trigger");
    diesel::update(audit_log::table.find(victim))
        .set(audit_log::new_values.eq(r#"{"tampered":true}"#))
        .execute(&mut conn)
        .expect("tamper");
    let report = audit::verify_chain(&mut conn, demo_org).expect("verify");
    assert_eq!(report.first_broken, Some(victim));
    let other = audit::verify_chain(&mut conn, 0).expect("verify platform");
    assert!(other.is_intact(), "other chains are unaffected");
});
