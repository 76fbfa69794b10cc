//! Signing in and out: outcomes, messages, lock-out, throttling, inactive accounts.

use diesel::prelude::*;

use crate::common::{DEMO_PASSWORD, TestApp};
use crate::dual;
use dealdesk::schema::{audit_log, organizations, users};

const INVALID: &str = "The e-mail or password is not correct.";

fn audit_count(app: &TestApp, action: &str) -> i64 {
    audit_log::table
        .filter(audit_log::action.eq(action))
        .filter(audit_log::ip_address.ne(crate::common::DEMO_HISTORY_IP))
        .count()
        .get_result(&mut app.conn())
        .expect("count")
}

dual!(every_demo_account_lands_on_its_dashboard, |app| {
    let expected = [
        ("platform@dealdesk.test", "/platform", "Platform"),
        ("admin@demo.test", "/admin", "Demo Traders"),
        ("manager@demo.test", "/sales", "Sales Manager"),
        ("sales@demo.test", "/sales", "Salesperson"),
        ("verifier@demo.test", "/verifier", "Verifier"),
        ("ceo@demo.test", "/reports", "CEO"),
        ("partner@acme.test", "/partner", "Acme Corp"),
        ("distributor@acme.test", "/partner", "Distributor"),
        ("fulfiller@acme.test", "/partner", "Fulfiller"),
    ];
    for (email, home, shown) in expected {
        let mut c = app.client();
        let r = c.login(email, DEMO_PASSWORD);
        assert_eq!((r.status, r.location()), (303, home), "{email}");
        let page = c.get(home);
        assert_eq!(page.status, 200, "{email} on {home}");
        assert!(
            page.body.contains(shown),
            "{email}: {home} should show {shown}"
        );
        assert!(
            page.body.contains(email),
            "{email}: the user menu shows the address"
        );
    }
    assert_eq!(audit_count(app, "LOGIN"), 9);
});

dual!(
    wrong_password_and_unknown_email_get_the_same_answer,
    |app| {
        let mut c = app.client();
        let wrong = c.login("sales@demo.test", "not-the-password");
        let unknown = c.login("nobody@demo.test", DEMO_PASSWORD);
        assert_eq!(wrong.status, 401);
        assert_eq!(unknown.status, 401);
        assert!(wrong.body.contains(INVALID) && unknown.body.contains(INVALID));
        assert!(
            wrong.body.contains("value=\"sales@demo.test\""),
            "the e-mail is kept in the form"
        );
        assert_eq!(audit_count(app, "LOGIN_FAILED"), 2);
        assert!(
            c.cookie.is_some(),
            "the anonymous session only holds the CSRF token"
        );
        assert_eq!(c.get("/sales").status, 303, "no session was created");
    }
);

dual!(missing_fields_are_field_errors, |app| {
    let mut c = app.client();
    let r = c.submit("/login", "/login", &[("email", "  ")]);
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Enter your e-mail address.") && r.body.contains("Enter your password.")
    );
    assert!(r.body.contains("aria-invalid=\"true\""));
});

dual!(five_failures_lock_the_account_for_thirty_minutes, |app| {
    let mut c = app.client();
    for _ in 0..4 {
        assert_eq!(c.login("sales@demo.test", "wrong-password").status, 401);
    }
    let fifth = c.login("sales@demo.test", "wrong-password");
    assert_eq!(fifth.status, 423);
    assert!(fifth.body.contains("locked for 30 minutes"));
    let correct = c.login("sales@demo.test", DEMO_PASSWORD);
    assert_eq!(
        correct.status, 423,
        "the right password does not open a locked account"
    );
    let locked_until: Option<chrono::NaiveDateTime> = users::table
        .filter(users::email.eq("sales@demo.test"))
        .select(users::locked_until)
        .first(&mut app.conn())
        .expect("user");
    let minutes = (locked_until.expect("locked") - dealdesk::db::now()).num_minutes();
    assert!(
        (28..=30).contains(&minutes),
        "locked for about 30 minutes, not {minutes}"
    );
    assert_eq!(audit_count(app, "ACCOUNT_LOCK"), 1);
    // Another account from elsewhere is unaffected.
    app.signed_in("manager@demo.test");
});

dual!(an_address_with_many_failures_is_throttled, |app| {
    let mut c = app.client();
    let mut last = 0;
    for i in 0..31 {
        last = c
            .login(&format!("nobody{i}@demo.test"), "whatever-password")
            .status;
    }
    assert_eq!(last, 429);
    let r = c.login("sales@demo.test", DEMO_PASSWORD);
    assert_eq!(
        r.status, 429,
        "even a right password waits while the address is throttled"
    );
    assert!(r.body.contains("Wait 15 minutes"));
});

dual!(inactive_users_and_organizations_cannot_sign_in, |app| {
    let mut conn = app.conn();
    diesel::update(users::table.filter(users::email.eq("sales@demo.test")))
        .set(users::is_active.eq(false))
        .execute(&mut conn)
        .expect("deactivate user");
    let r = app.client().login("sales@demo.test", DEMO_PASSWORD);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("not active"));

    // A signed-in user of an organization that is then deactivated is out at the next request.
    let mut admin = app.signed_in("admin@acme.test");
    assert_eq!(admin.get("/admin").status, 200);
    diesel::update(organizations::table.filter(organizations::name.eq("Acme Corp")))
        .set(organizations::is_active.eq(false))
        .execute(&mut conn)
        .expect("deactivate organization");
    let r = admin.get("/admin");
    assert_eq!((r.status, r.location()), (303, "/login?next=%2Fadmin"));
    assert_eq!(
        app.client()
            .login("verifier@acme.test", DEMO_PASSWORD)
            .status,
        403
    );
});

dual!(signing_out_ends_the_session, |app| {
    let mut c = app.signed_in("verifier@demo.test");
    let before = c.cookie.clone();
    let token = c.get("/verifier").csrf();
    let r = c.post_form("/logout", &[("csrf_token", &token)]);
    assert_eq!((r.status, r.location()), (303, "/login?signed_out=1"));
    assert!(
        c.get("/login?signed_out=1")
            .body
            .contains("You have signed out.")
    );
    // Replaying the cookie from before sign-out does not get back in.
    let mut replay = app.client();
    replay.cookie = before;
    assert_eq!(replay.get("/verifier").status, 303);
    assert_eq!(audit_count(app, "LOGOUT"), 1);
});

dual!(a_signed_in_user_visiting_login_goes_home, |app| {
    let mut c = app.signed_in("sales@demo.test");
    let r = c.get("/login");
    assert_eq!((r.status, r.location()), (303, "/sales"));
    let r = c.get("/");
    assert_eq!((r.status, r.location()), (303, "/sales"));
});

dual!(
    sign_in_returns_to_the_page_asked_for_but_never_off_site,
    |app| {
        let mut c = app.client();
        let r = c.get("/account/sessions");
        assert_eq!(
            (r.status, r.location()),
            (303, "/login?next=%2Faccount%2Fsessions")
        );
        let r = c.submit(
            "/login?next=%2Faccount%2Fsessions",
            "/login",
            &[
                ("email", "sales@demo.test"),
                ("password", DEMO_PASSWORD),
                ("next", "/account/sessions"),
            ],
        );
        assert_eq!(r.location(), "/account/sessions");
        let mut c = app.client();
        let r = c.submit(
            "/login",
            "/login",
            &[
                ("email", "sales@demo.test"),
                ("password", DEMO_PASSWORD),
                ("next", "//evil.example/"),
            ],
        );
        assert_eq!(r.location(), "/sales");
    }
);
