//! CSRF, permissions, security headers, error pages and malformed input.

use crate::common::DEMO_PASSWORD;
use crate::dual;

dual!(state_changing_requests_need_the_csrf_token, |app| {
    let mut c = app.client();
    c.get("/login");
    let r = c.post_form(
        "/login",
        &[("email", "sales@demo.test"), ("password", DEMO_PASSWORD)],
    );
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Form expired"));
    let r = c.post_form(
        "/login",
        &[
            ("csrf_token", "forged"),
            ("email", "sales@demo.test"),
            ("password", DEMO_PASSWORD),
        ],
    );
    assert_eq!(r.status, 403);
    assert!(
        r.header("content-security-policy").is_some(),
        "refusals carry the security headers"
    );

    // A token from another browser's session is no good either.
    let mut other = app.signed_in("manager@demo.test");
    let foreign = other.get("/account").csrf();
    let mut me = app.signed_in("sales@demo.test");
    let r = me.post_form(
        "/account",
        &[
            ("csrf_token", &foreign),
            ("first_name", "Mallory"),
            ("last_name", "X"),
            ("language", "en"),
        ],
    );
    assert_eq!(r.status, 403);
    assert!(!me.get("/account").body.contains("Mallory"));
    // No token at all, in a body that is not a form.
    let r = me.post_raw("/logout", "text/plain", b"");
    assert_eq!(r.status, 403);
    assert_eq!(me.get("/sales").status, 200, "still signed in");
});

dual!(missing_permissions_are_refused_with_403, |app| {
    let mut sales = app.signed_in("sales@demo.test");
    for path in ["/admin", "/platform", "/verifier", "/partner", "/reports"] {
        let r = sales.get(path);
        assert_eq!(r.status, 403, "{path}");
        assert!(
            r.body.contains("Not allowed"),
            "{path} shows the styled 403 page"
        );
    }
    let nav = sales.get("/sales").body;
    assert!(
        nav.contains("href=\"/sales\"") && !nav.contains("href=\"/admin\""),
        "navigation follows permissions"
    );
    let mut platform = app.signed_in("platform@dealdesk.test");
    assert_eq!(
        platform.get("/admin").status,
        403,
        "platform admins see no organization's pages"
    );
    assert_eq!(platform.get("/platform").status, 200);
    let mut ceo = app.signed_in("ceo@demo.test");
    assert_eq!(ceo.get("/sales").status, 403);
    assert_eq!(ceo.get("/reports").status, 200);
});

dual!(every_response_carries_security_headers, |app| {
    let mut c = app.client();
    for path in ["/login", "/no-such-page", "/healthz"] {
        let r = c.get(path);
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{path}");
    }
    let css = c.get("/static/app.css");
    assert_eq!(css.status, 200);
    assert!(
        css.header("cache-control")
            .unwrap_or_default()
            .contains("max-age")
    );
    let page = c.get("/login");
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(
        !page.body.contains("style=") && !page.body.contains("<script"),
        "no inline style or script"
    );
    let cookie = app.signed_in("sales@demo.test");
    assert!(cookie.cookie.is_some());
    let r = app.client().login("sales@demo.test", DEMO_PASSWORD);
    let set_cookie = r.header("set-cookie").unwrap_or_default();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
});

dual!(health_and_readiness, |app| {
    let mut c = app.client();
    let r = c.get("/healthz");
    assert_eq!((r.status, r.body.as_str()), (200, "ok"));
    let r = c.get("/readyz");
    assert_eq!((r.status, r.body.as_str()), (200, "ready"));
});

dual!(malformed_input_gets_4xx_pages_never_500, |app| {
    let mut c = app.client();
    let token = c.get("/login").csrf();
    // Wrong content type: refused before any handler runs.
    let r = c.post_raw(
        "/login",
        "application/json",
        br#"{"email":"sales@demo.test"}"#,
    );
    assert_eq!(r.status, 403);
    // Bad UTF-8 inside a form.
    let mut body = format!("csrf_token={token}&email=").into_bytes();
    body.extend_from_slice(&[0xff, 0xfe, 0x80]);
    body.extend_from_slice(b"&password=%FF%FE");
    let r = c.post_raw("/login", "application/x-www-form-urlencoded", &body);
    assert!((400..500).contains(&r.status), "bad UTF-8: {}", r.status);
    // A huge value.
    let huge = format!(
        "csrf_token={token}&email={}&password=x",
        "a".repeat(300 * 1024)
    );
    let r = c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        huge.as_bytes(),
    );
    assert_eq!(r.status, 413);
    assert!(r.body.contains("Too large"));
    // An address longer than any account's is an unknown one: answered and recorded alike.
    let long = format!("csrf_token={token}&email={}&password=x", "a".repeat(10_000));
    let r = c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        long.as_bytes(),
    );
    assert_eq!(r.status, 401);
    // Unknown pages and methods.
    let r = c.get("/no/such/page");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
    let r = c.get("/logout");
    assert!(
        (r.status == 404) || (r.status == 405),
        "GET /logout: {}",
        r.status
    );
    assert!(r.body.contains("<html"), "styled page");
    let mut signed = app.signed_in("sales@demo.test");
    let token = signed.get("/account").csrf();
    let r = signed.post_raw(
        "/account",
        "application/x-www-form-urlencoded",
        format!("csrf_token={token}&first_name=%ZZ").as_bytes(),
    );
    assert!((400..500).contains(&r.status), "bad escape: {}", r.status);
    let r = signed.get("/login?next=%ZZ");
    assert!(r.status < 500, "{}", r.status);
});

dual!(every_post_route_answers_garbage_with_4xx, |app| {
    let mut c = app.signed_in("sales@demo.test");
    let session = c.get("/account/sessions").body;
    assert!(session.contains("This device"));
    let routes = [
        "/account",
        "/account/password",
        "/account/sessions/revoke-others",
        "/account/sessions/00000000-0000-4000-8000-000000000000/revoke",
        "/account/sessions/%FF%FE/revoke",
        "/login",
    ];
    for route in routes {
        let token = c.get("/account").csrf();
        let mut bad_utf8 = format!("csrf_token={token}&").into_bytes();
        bad_utf8.extend_from_slice(&[0xc3, 0x28, b'=', 0xa0, 0xa1]);
        let bodies: [(&str, Vec<u8>); 4] = [
            ("application/x-www-form-urlencoded", bad_utf8),
            (
                "application/x-www-form-urlencoded",
                format!("csrf_token={token}").into_bytes(),
            ),
            (
                "application/x-www-form-urlencoded",
                format!("csrf_token={token}&x={}", "y".repeat(70_000)).into_bytes(),
            ),
            (
                "multipart/form-data; boundary=zz",
                b"--zz\r\ngarbage".to_vec(),
            ),
        ];
        for (content_type, body) in bodies {
            let r = c.post_raw(route, content_type, &body);
            assert!(r.status < 500, "{route} with {content_type}: {}", r.status);
            assert!(r.status != 200, "{route} with {content_type} was accepted");
        }
    }
    // The logout route last: missing fields only need the token, and it works.
    let token = c.get("/account").csrf();
    assert_eq!(
        c.post_form("/logout", &[("csrf_token", &token)]).status,
        303
    );
});
