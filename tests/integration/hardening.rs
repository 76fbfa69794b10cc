//! What probing from outside found: redirects out of `next`, NUL and control characters in text,
//! long unknown e-mails, which accounts exist, guessing through the password form, the CSRF
//! token of uploads, HEAD. Each on both databases.

use diesel::prelude::*;

use crate::common::client::Client;
use crate::common::{DEMO_PASSWORD, TestApp};
use crate::dual;
use dealdesk::schema::{audit_log, login_attempts, users};

fn login_with_next(c: &mut Client, next: &str) -> crate::common::Resp {
    let token = c.get("/login").csrf();
    let password = serde_urlencoded::to_string([("password", DEMO_PASSWORD)]).expect("encode");
    let body = format!("csrf_token={token}&email=sales%40demo.test&{password}&next={next}");
    c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        body.as_bytes(),
    )
}

dual!(next_only_ever_leads_to_a_page_of_this_site, |app| {
    for (next, expected) in [
        ("%2Fadmin%2Fusers%3Fq%3Dx", "/admin/users?q=x"),
        ("%2Faccount%3Ftab%3D1", "/account?tab=1"),
        ("%2F%0A", "/sales"),
        ("%2F%0D%0ASet-Cookie%3A+x%3D1", "/sales"),
        // NUL and VT are cleaned out before any handler: "/" is left.
        ("%2F%00", "/"),
        ("%2F%0B", "/"),
        ("%2F%09%2Fevil.example", "/sales"),
        ("%2F%5Cevil.example", "/sales"),
        ("%2F%2Fevil.example", "/sales"),
        ("https%3A%2F%2Fevil.example", "/sales"),
        ("%2F%C3%A9", "/sales"),
    ] {
        let mut c = app.client();
        let r = login_with_next(&mut c, next);
        assert_eq!((r.status, r.location()), (303, expected), "next={next}");
        assert_eq!(c.get("/account").status, 200, "signed in with next={next}");
    }
});

dual!(nul_and_control_characters_never_reach_the_database, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    for q in ["%00", "a%00b", "%01%02%1B", "%FF%00", "%C0%80"] {
        let r = admin.get(&format!("/admin/users?q={q}"));
        assert_eq!(r.status, 200, "q={q}");
    }
    assert_eq!(admin.get("/admin/audit?user=%00&action=%00").status, 200);
    assert_eq!(admin.get("/platform?q=%00").status, 403);
    let r = admin.submit(
        "/account",
        "/account",
        &[
            ("first_name", "A\u{0}d\u{7}a\u{1b}"),
            ("last_name", "Ad\tmin\r\nistrator"),
            ("phone", ""),
            ("timezone", ""),
            ("language", "en"),
        ],
    );
    assert_eq!((r.status, r.location()), (303, "/account"));
    let (first, last): (String, String) = users::table
        .filter(users::email.eq("admin@demo.test"))
        .select((users::first_name, users::last_name))
        .first(&mut app.conn())
        .expect("user");
    assert_eq!((first.as_str(), last.as_str()), ("Ada", "Ad min istrator"));
    // A name of nothing but control characters is an empty name.
    let r = admin.submit(
        "/account",
        "/account",
        &[
            ("first_name", "\u{0}\u{1}"),
            ("last_name", "Admin"),
            ("language", "en"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Enter your first name."));
    // The admin forms go through the same cleaning.
    let r = admin.submit(
        "/admin/settings/loss-reasons",
        "/admin/settings/loss-reasons",
        &[
            ("name", "Too\u{0} late\u{7}"),
            ("description", "line\u{0}\nbreak"),
        ],
    );
    assert_eq!(r.status, 303);
    let reason: (String, Option<String>) = dealdesk::schema::loss_reasons::table
        .filter(dealdesk::schema::loss_reasons::name.like("Too%"))
        .select((
            dealdesk::schema::loss_reasons::name,
            dealdesk::schema::loss_reasons::description,
        ))
        .first(&mut app.conn())
        .expect("reason");
    assert_eq!(reason, ("Too late".into(), Some("line\nbreak".into())));
});

fn failed_for(app: &TestApp, typed: &str) -> i64 {
    audit_log::table
        .filter(audit_log::action.eq("LOGIN_FAILED"))
        .filter(audit_log::actor_email.eq(typed))
        .count()
        .get_result(&mut app.conn())
        .expect("count")
}

dual!(a_long_unknown_email_is_answered_and_recorded, |app| {
    let mut c = app.client();
    for length in [101, 180, 254, 300] {
        let email = format!("{}@demo.test", "x".repeat(length - 10));
        let r = c.login(&email, "whatever-password");
        assert_eq!(r.status, 401, "{length} characters");
        let kept: String = email.chars().take(254).collect();
        assert_eq!(failed_for(app, &kept), 1, "{length} characters recorded");
    }
});

dual!(real_and_unknown_addresses_get_the_same_answers, |app| {
    let (mut real, mut unknown) = (app.client(), app.client());
    for attempt in 1..=6 {
        let a = real.login("sales@demo.test", "wrong-password");
        let b = unknown.login("nobody@demo.test", "wrong-password");
        let expected = if attempt < 5 { 401 } else { 423 };
        assert_eq!(
            (a.status, b.status),
            (expected, expected),
            "attempt {attempt}"
        );
        assert_eq!(
            a.body.replace("sales@demo.test", "X"),
            b.body
                .replace("nobody@demo.test", "X")
                .replace(&b.csrf(), &a.csrf()),
            "attempt {attempt}: the pages differ only by the address typed"
        );
    }
    assert_eq!(
        real.login("sales@demo.test", DEMO_PASSWORD).status,
        423,
        "locked from this address"
    );
    // The lock holds for this address only: the same person elsewhere still signs in.
    let mut conn = app.conn();
    assert_eq!(
        dealdesk::auth::users::gate(&mut conn, "198.51.100.7", "sales@demo.test").expect("gate"),
        dealdesk::auth::users::Gate::Open
    );
    assert_eq!(
        dealdesk::auth::users::gate(&mut conn, "127.0.0.1", "nobody@demo.test").expect("gate"),
        dealdesk::auth::users::Gate::Locked
    );
    // An administrator's password reset lifts it everywhere.
    let mut admin = app.signed_in("admin@demo.test");
    let id: dealdesk::db::PublicId = users::table
        .filter(users::email.eq("sales@demo.test"))
        .select(users::public_id)
        .first(&mut conn)
        .expect("user");
    let url = format!("/admin/users/{id}/reset-password");
    assert_eq!(admin.submit(&url, &url, &[]).status, 303);
    let left: i64 = login_attempts::table
        .filter(login_attempts::email.eq("sales@demo.test"))
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(left, 0);
});

dual!(
    the_password_form_counts_wrong_passwords_like_sign_in,
    |app| {
        let mut c = app.signed_in("sales@demo.test");
        let change = |c: &mut Client, current: &str| {
            c.submit(
                "/account/password",
                "/account/password",
                &[
                    ("current_password", current),
                    ("new_password", "a-brand-new-passphrase"),
                    ("confirm_password", "a-brand-new-passphrase"),
                ],
            )
        };
        for attempt in 1..=4 {
            let r = change(&mut c, "a-guess");
            assert_eq!(r.status, 422, "attempt {attempt}");
            assert!(r.body.contains("This is not your current password."));
        }
        let fifth = change(&mut c, "a-guess");
        assert_eq!(fifth.status, 429);
        assert!(fifth.body.contains("Too many wrong passwords"));
        let right = change(&mut c, DEMO_PASSWORD);
        assert_eq!(right.status, 429, "not even the right one while it holds");
        let audited: i64 = audit_log::table
            .filter(audit_log::action.eq("PASSWORD_CHANGE_FAILED"))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(audited, 5);
        // The same limit now guards sign-in with this address.
        assert_eq!(
            app.client().login("sales@demo.test", DEMO_PASSWORD).status,
            423
        );
    }
);

fn multipart(token: Option<&str>, first_is_file: bool) -> (String, Vec<u8>) {
    let boundary = "hardening-boundary";
    let token_part = token.map(|t| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{t}\r\n"
        )
    });
    let file_part = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"x.gif\"\r\nContent-Type: image/gif\r\n\r\nGIF89a\u{1}\u{0}\u{1}\u{0}\u{0}\u{0}\u{0};\r\n"
    );
    let mut body = String::new();
    match (token_part, first_is_file) {
        (Some(t), false) => {
            body.push_str(&t);
            body.push_str(&file_part);
        }
        (Some(t), true) => {
            body.push_str(&file_part);
            body.push_str(&t);
        }
        (None, _) => body.push_str(&file_part),
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

dual!(uploads_carry_their_token_in_the_body_first, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let page = admin.get("/admin/settings");
    assert!(!page.body.contains("?csrf_token="), "no token in any URL");
    let token = page.csrf();
    let logo_path = |app: &TestApp| -> Option<String> {
        dealdesk::schema::organizations::table
            .filter(dealdesk::schema::organizations::name.eq("Demo Traders"))
            .select(dealdesk::schema::organizations::logo_path)
            .first(&mut app.conn())
            .expect("org")
    };
    let (ct, body) = multipart(None, false);
    assert_eq!(
        admin.post_raw("/admin/settings/logo", &ct, &body).status,
        403
    );
    let (ct, body) = multipart(Some(&token), true);
    assert_eq!(
        admin.post_raw("/admin/settings/logo", &ct, &body).status,
        403,
        "the token must come before the file"
    );
    let (ct, body) = multipart(None, false);
    assert_eq!(
        admin
            .post_raw(
                &format!("/admin/settings/logo?csrf_token={token}"),
                &ct,
                &body
            )
            .status,
        403,
        "a token in the URL is not accepted"
    );
    let (ct, body) = multipart(Some("0".repeat(64).as_str()), false);
    assert_eq!(
        admin.post_raw("/admin/settings/logo", &ct, &body).status,
        403
    );
    assert_eq!(logo_path(app), None, "nothing stored by a refused upload");
    let (ct, body) = multipart(Some(&token), false);
    let r = admin.post_raw("/admin/settings/logo", &ct, &body);
    assert_eq!((r.status, r.location()), (303, "/admin/settings"));
    assert!(logo_path(app).is_some_and(|p| p.ends_with(".gif")));
});

dual!(head_answers_like_get_without_a_body, |app| {
    let mut c = app.client();
    let get = c.get("/login");
    let head = c.head("/login");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-type"), get.header("content-type"));
    assert_eq!(
        head.header("content-security-policy"),
        get.header("content-security-policy")
    );
    assert_eq!(c.head("/healthz").status, 200);
    assert_eq!(c.head("/no/such/page").status, 404);
    let mut admin = app.signed_in("admin@demo.test");
    for page in [
        "/admin",
        "/admin/users",
        "/admin/audit",
        "/account/sessions",
    ] {
        let r = admin.head(page);
        assert_eq!((r.status, r.body.len()), (200, 0), "HEAD {page}");
    }
});
