//! The account pages: profile, password, forced change of a temporary password.

use diesel::prelude::*;

use crate::common::{Client, DEMO_PASSWORD, Resp, TestApp};
use crate::dual;
use dealdesk::audit::Actor;
use dealdesk::auth::passwords;
use dealdesk::schema::{audit_log, user_profiles, users};

/// Submits the change-password form.
fn change_password(c: &mut Client, current: &str, new: &str, confirm: &str) -> Resp {
    c.submit(
        "/account/password",
        "/account/password",
        &[
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", confirm),
        ],
    )
}

fn create_user_with_temporary_password(app: &TestApp, email: &str, temporary: &str) {
    let mut conn = app.conn();
    let scope = dealdesk::orgs::find_organization_by_name(&mut conn, "Demo Traders")
        .expect("query")
        .expect("org");
    let role_id = dealdesk::orgs::role_id_by_key(&mut conn, scope, "sales").expect("role");
    let hash = passwords::hash(temporary).expect("hash");
    dealdesk::orgs::create_user(
        &mut conn,
        &Actor::system(),
        scope,
        &dealdesk::orgs::NewUser {
            email,
            first_name: "Tess",
            last_name: "Temp",
            password_hash: &hash,
            role_id,
            partner_id: None,
            distributor_id: None,
            must_change_password: true,
        },
    )
    .expect("user");
}

dual!(
    a_temporary_password_must_be_changed_before_anything_else,
    |app| {
        create_user_with_temporary_password(app, "tess@demo.test", "TempPass-7781");
        let mut c = app.client();
        let r = c.login("tess@demo.test", "TempPass-7781");
        assert_eq!((r.status, r.location()), (303, "/account/password"));
        let r = c.get("/sales");
        assert_eq!((r.status, r.location()), (303, "/account/password"));
        assert!(
            c.get("/account/password")
                .body
                .contains("temporary password")
        );
        let r = change_password(&mut c, "TempPass-7781", "password123", "password123");
        assert_eq!(r.status, 422);
        assert!(r.body.contains("too common"));
        let r = change_password(&mut c, "TempPass-7781", "tess@demo.test", "tess@demo.test");
        assert!(r.body.contains("e-mail address"));
        let r = change_password(
            &mut c,
            "TempPass-7781",
            "violet-anchor-93",
            "violet-anchor-93",
        );
        assert_eq!((r.status, r.location()), (303, "/sales"));
        assert_eq!(c.get("/sales").status, 200);
        let must: bool = users::table
            .filter(users::email.eq("tess@demo.test"))
            .select(users::must_change_password)
            .first(&mut app.conn())
            .expect("user");
        assert!(!must);
        assert_eq!(
            app.client()
                .login("tess@demo.test", "violet-anchor-93")
                .status,
            303
        );
        assert_eq!(
            app.client().login("tess@demo.test", "TempPass-7781").status,
            401
        );
        let changes: i64 = audit_log::table
            .filter(audit_log::action.eq("PASSWORD_CHANGE"))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(changes, 1);
    }
);

dual!(
    changing_the_password_checks_the_current_one_and_ends_other_sessions,
    |app| {
        let mut other = app.signed_in("sales@demo.test");
        let mut c = app.signed_in("sales@demo.test");
        let r = change_password(&mut c, "wrong", "lunar-kettle-58", "lunar-kettle-58");
        assert_eq!(r.status, 422);
        assert!(r.body.contains("not your current password"));
        let r = change_password(&mut c, DEMO_PASSWORD, "lunar-kettle-58", "lunar-kettle-59");
        assert!(r.body.contains("differ"));
        let r = change_password(&mut c, DEMO_PASSWORD, "lunar-kettle-58", "lunar-kettle-58");
        assert_eq!(r.status, 303);
        assert_eq!(
            other.get("/sales").status,
            303,
            "the other session is signed out"
        );
        assert_eq!(c.get("/sales").status, 200, "this one stays");
    }
);

dual!(profile_changes_are_validated_saved_and_audited, |app| {
    let mut c = app.signed_in("sales@demo.test");
    let r = c.submit(
        "/account",
        "/account",
        &[
            ("first_name", "Samuel"),
            ("last_name", ""),
            ("phone", "call me"),
            ("timezone", "Mars/Olympus"),
            ("language", "en"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("value=\"Samuel\""),
        "the user's values come back"
    );
    assert!(
        r.body.contains("Enter your last name.") && r.body.contains("No time zone has that name.")
    );
    assert!(r.body.contains("Use digits, spaces"));
    let r = c.submit(
        "/account",
        "/account",
        &[
            ("first_name", "Samuel"),
            ("last_name", "Seller"),
            ("phone", "+1 555 0100"),
            ("timezone", " europe/berlin "),
            ("language", "de"),
        ],
    );
    assert_eq!((r.status, r.location()), (303, "/account"));
    let page = c.get("/account");
    assert!(page.body.contains("Your profile is saved."));
    assert!(page.body.contains("Samuel Seller"));
    // Any zone can be typed; the page suggests the common ones instead of carrying ~600.
    assert!(page.body.contains("value=\"Europe/Berlin\""));
    assert!(page.body.len() < 15_000, "{} bytes", page.body.len());
    assert!(page.body.matches("<option").count() < 60);
    let sessions = c.get("/account/sessions");
    assert!(sessions.body.contains("Times are in Europe/Berlin"));
    let tz: Option<String> = user_profiles::table
        .inner_join(users::table)
        .filter(users::email.eq("sales@demo.test"))
        .select(user_profiles::timezone)
        .first(&mut app.conn())
        .expect("profile");
    assert_eq!(tz.as_deref(), Some("Europe/Berlin"));
    let (old, new): (Option<String>, Option<String>) = audit_log::table
        .filter(audit_log::entity_type.eq("profile"))
        .select((audit_log::old_values, audit_log::new_values))
        .first(&mut app.conn())
        .expect("audit row");
    assert!(old.unwrap_or_default().contains("\"first_name\":\"Sam\""));
    assert!(
        new.unwrap_or_default()
            .contains("\"first_name\":\"Samuel\"")
    );
});
