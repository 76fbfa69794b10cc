//! Server-side sessions: listing, revoking from another device, rotation, timeouts.

use chrono::Duration;
use diesel::prelude::*;

use crate::common::{DEMO_PASSWORD, TestApp};
use crate::dual;
use dealdesk::db::{PublicId, now};
use dealdesk::schema::{sessions, users};

fn user_id(app: &TestApp, email: &str) -> i64 {
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut app.conn())
        .expect("user")
}

fn active_sessions(app: &TestApp, email: &str) -> Vec<(i64, PublicId, String)> {
    sessions::table
        .filter(sessions::user_id.eq(user_id(app, email)))
        .filter(sessions::revoked_at.is_null())
        .order(sessions::id)
        .select((sessions::id, sessions::public_id, sessions::token_hash))
        .load(&mut app.conn())
        .expect("sessions")
}

dual!(
    a_session_revoked_from_another_device_ends_at_its_next_request,
    |app| {
        let mut laptop = app.signed_in("sales@demo.test");
        let mut phone = app.signed_in("sales@demo.test");
        phone.user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1".into();
        assert_eq!(phone.get("/sales").status, 200);
        let list = laptop.get("/account/sessions");
        assert_eq!(list.status, 200);
        assert!(list.body.contains("This device"));
        assert!(list.body.contains("127.0.0.1"));
        let phone_session = active_sessions(app, "sales@demo.test")[1].1;
        let r = laptop.submit(
            "/account/sessions",
            &format!("/account/sessions/{phone_session}/revoke"),
            &[],
        );
        assert_eq!((r.status, r.location()), (303, "/account/sessions"));
        let r = phone.get("/sales");
        assert_eq!((r.status, r.location()), (303, "/login?next=%2Fsales"));
        assert_eq!(
            laptop.get("/sales").status,
            200,
            "the revoking session stays"
        );
        let revoked: i64 = dealdesk::schema::audit_log::table
            .filter(dealdesk::schema::audit_log::action.eq("SESSION_REVOKED"))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(revoked, 1);
    }
);

dual!(sign_out_everywhere_else_keeps_only_this_session, |app| {
    let mut a = app.signed_in("manager@demo.test");
    let mut b = app.signed_in("manager@demo.test");
    let mut c = app.signed_in("manager@demo.test");
    let r = a.submit("/account/sessions", "/account/sessions/revoke-others", &[]);
    assert_eq!(r.status, 303);
    assert!(
        a.get("/account/sessions")
            .body
            .contains("Signed out of 2 other sessions.")
    );
    assert_eq!(b.get("/sales").status, 303);
    assert_eq!(c.get("/sales").status, 303);
    assert_eq!(active_sessions(app, "manager@demo.test").len(), 1);
});

dual!(each_sign_in_gets_a_new_token_and_retires_the_old, |app| {
    let mut c = app.signed_in("verifier@demo.test");
    let first_cookie = c.cookie.clone();
    let first = active_sessions(app, "verifier@demo.test");
    assert_eq!(first.len(), 1);
    // Sign in again from the same browser, with the form of another page's token.
    let token = c.get("/verifier").csrf();
    let r = c.post_form(
        "/login",
        &[
            ("csrf_token", &token),
            ("email", "verifier@demo.test"),
            ("password", DEMO_PASSWORD),
        ],
    );
    assert_eq!(r.status, 303);
    let second = active_sessions(app, "verifier@demo.test");
    assert_eq!(
        second.len(),
        1,
        "the previous session of this browser is revoked"
    );
    assert_ne!(first[0].2, second[0].2, "a new token");
    assert_ne!(c.cookie, first_cookie);
    let mut replay = app.client();
    replay.cookie = first_cookie;
    assert_eq!(
        replay.get("/verifier").status,
        303,
        "the old cookie no longer works"
    );
    assert_eq!(c.get("/verifier").status, 200);
});

dual!(idle_and_absolute_timeouts_end_sessions, |app| {
    let mut idle = app.signed_in("sales@demo.test");
    let mut old = app.signed_in("manager@demo.test");
    let mut conn = app.conn();
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id(app, "sales@demo.test"))))
        .set(sessions::last_seen_at.eq(now() - Duration::hours(13)))
        .execute(&mut conn)
        .expect("age session");
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id(app, "manager@demo.test"))))
        .set(sessions::expires_at.eq(now() - Duration::minutes(1)))
        .execute(&mut conn)
        .expect("expire session");
    assert_eq!(idle.get("/sales").status, 303);
    assert_eq!(old.get("/sales").status, 303);
});

dual!(other_peoples_sessions_are_not_found, |app| {
    let _victim = app.signed_in("admin@demo.test");
    let victim_session = active_sessions(app, "admin@demo.test")[0].1;
    let mut other_org = app.signed_in("admin@acme.test");
    let r = other_org.submit(
        "/account/sessions",
        &format!("/account/sessions/{victim_session}/revoke"),
        &[],
    );
    assert_eq!(r.status, 404, "another organization's record answers 404");
    assert!(r.body.contains("Page not found"));
    let mut same_org = app.signed_in("sales@demo.test");
    let r = same_org.submit(
        "/account/sessions",
        &format!("/account/sessions/{victim_session}/revoke"),
        &[],
    );
    assert_eq!(r.status, 404, "another user's session is not found either");
    for bad in ["not-a-uuid", "00000000-0000-0000-0000-000000000000"] {
        let r = same_org.submit(
            "/account/sessions",
            &format!("/account/sessions/{bad}/revoke"),
            &[],
        );
        assert_eq!(r.status, 404, "{bad}");
    }
    assert_eq!(
        active_sessions(app, "admin@demo.test").len(),
        1,
        "the victim's session is untouched"
    );
});
