//! Malformed input from outside, on every route: query parameters, path ids, methods, content
//! types, NUL and invalid UTF-8, oversized values, `next`. Whatever arrives, the answer is a 2xx,
//! 3xx or 4xx page, never a 5xx. The tally per class of input is printed (`--nocapture`).

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::common::client::{Client, Resp};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{
    clients, deals, loss_reasons, organizations, projects, roles, sessions, teams, users,
};

/// Status codes seen, by class of input.
#[derive(Default)]
struct Tally(BTreeMap<&'static str, BTreeMap<u16, usize>>);

impl Tally {
    fn check(&mut self, class: &'static str, what: &str, r: &Resp) {
        assert!(r.status < 500, "{class}: {what} answered {}", r.status);
        assert!(r.status >= 200, "{class}: {what} answered {}", r.status);
        *self
            .0
            .entry(class)
            .or_default()
            .entry(r.status)
            .or_default() += 1;
    }

    fn total(&self) -> usize {
        self.0.values().flat_map(|m| m.values()).sum()
    }
}

/// Pages without an id besides the admin area's.
const OTHER_PAGES: [&str; 11] = [
    "/admin/settings/logo",
    "/account",
    "/account/password",
    "/account/sessions",
    "/sales",
    "/verifier",
    "/partner",
    "/reports",
    "/login",
    "/healthz",
    "/readyz",
];

/// Values for query parameters and form fields: NUL, controls, invalid UTF-8 and overlong
/// encodings, markup, SQL, huge numbers, dates out of range, a long value.
fn hostile_values() -> Vec<String> {
    vec![
        "%00".into(),
        "a%00b".into(),
        "%01%07%1B%7F".into(),
        "%FF%FE".into(),
        "%C0%80".into(),
        "%ED%A0%80".into(),
        "%0D%0ASet-Cookie:%20x=1".into(),
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
        "'%20OR%201%3D1--".into(),
        "99999999999999999999999".into(),
        "-1".into(),
        "9999-99-99".into(),
        "%ZZ".into(),
        "x".repeat(1_500),
    ]
}

const FIELDS: [&str; 16] = [
    "q",
    "status",
    "sort",
    "role",
    "team",
    "before",
    "after",
    "from",
    "to",
    "user",
    "action",
    "entity_type",
    "name",
    "email",
    "first_name",
    "description",
];

fn query_with(value: &str) -> String {
    FIELDS
        .iter()
        .map(|f| format!("{f}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn hostile_queries(c: &mut Client, pages: &[String], tally: &mut Tally) {
    for page in pages {
        for v in hostile_values() {
            let url = format!("{page}?{}", query_with(&v));
            let r = c.get(&url);
            tally.check("query parameters", &url, &r);
        }
    }
}

const BAD_IDS: [&str; 9] = [
    "%00",
    "%FF%FE",
    "00000000-0000-0000-0000-000000000000",
    "1",
    "-1",
    "'%20OR%201%3D1",
    "..%2F..%2Fetc%2Fpasswd",
    "%E2%80%AE",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

/// Form bodies for a POST: `{token}` stands for the session's CSRF token.
fn hostile_bodies(token: &str) -> Vec<(&'static str, Vec<u8>)> {
    let form = "application/x-www-form-urlencoded";
    let mut bad_utf8 = format!("csrf_token={token}&name=").into_bytes();
    bad_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    let all_fields = |v: &str| format!("csrf_token={token}&{}", query_with(v)).into_bytes();
    vec![
        (form, format!("csrf_token={token}").into_bytes()),
        (form, all_fields("%00")),
        (form, all_fields("%01%1B%7F")),
        (form, all_fields("%FF%FE")),
        (form, all_fields(&"y".repeat(3_000))),
        (form, bad_utf8),
        (form, format!("csrf_token={token}&name=a&name=b&email=&email=%00").into_bytes()),
        (form, format!("csrf_token={token}&{}", "x=1&".repeat(5_000)).into_bytes()),
        (form, format!("csrf_token={token}&x={}", "y".repeat(70_000)).into_bytes()),
        ("application/json", br#"{"name":"x"}"#.to_vec()),
        ("text/plain", format!("csrf_token={token}").into_bytes()),
        ("multipart/form-data", b"--zz\r\n".to_vec()),
        (
            "multipart/form-data; boundary=zz",
            format!("--zz\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--zz\r\ngarbage").into_bytes(),
        ),
        (form, Vec::new()),
    ]
}

dual!(malformed_input_never_gets_a_5xx, |app| {
    let id = |q: &str| -> String {
        let mut conn = app.conn();
        match q {
            "user" => users::table
                .filter(users::email.eq("hugo.hansen@demo.test"))
                .select(users::public_id)
                .first::<PublicId>(&mut conn),
            "role" => roles::table
                .filter(roles::name.eq("Salesperson"))
                .select(roles::public_id)
                .first(&mut conn),
            "team" => teams::table
                .filter(teams::name.eq("Inside Sales"))
                .select(teams::public_id)
                .first(&mut conn),
            // Demo Traders' own (organization 1), so the same requests mean the same on both
            // databases.
            "project" => projects::table
                .filter(projects::organization_id.eq(1))
                .order(projects::id)
                .select(projects::public_id)
                .first(&mut conn),
            "reason" => loss_reasons::table
                .filter(loss_reasons::organization_id.eq(1))
                .order(loss_reasons::id)
                .select(loss_reasons::public_id)
                .first(&mut conn),
            "client" => clients::table
                .filter(clients::name.eq("Northwind Traders"))
                .filter(clients::organization_id.eq(1))
                .select(clients::public_id)
                .first(&mut conn),
            "deal" => deals::table
                .filter(deals::organization_id.eq(1))
                .order(deals::id)
                .select(deals::public_id)
                .first(&mut conn),
            "session" => sessions::table
                .inner_join(users::table)
                .filter(users::email.eq("hugo.hansen@demo.test"))
                .select(sessions::public_id)
                .first(&mut conn),
            _ => organizations::table
                .filter(organizations::name.eq("Acme Corp"))
                .select(organizations::public_id)
                .first(&mut conn),
        }
        .expect("id")
        .to_string()
    };
    // Hugo has a session of his own, for the session routes.
    app.signed_in("hugo.hansen@demo.test");
    let (client, deal) = (id("client"), id("deal"));
    let (user, role, team, project, reason, session, org) = (
        id("user"),
        id("role"),
        id("team"),
        id("project"),
        id("reason"),
        id("session"),
        id("org"),
    );
    let mut tally = Tally::default();
    let mut platform = app.signed_in("platform@dealdesk.test");
    let mut admin = app.signed_in("admin@demo.test");
    let token = admin.get("/account").csrf();

    // 1. Query parameters on every page.
    let mut pages: Vec<String> = crate::admin_access::ADMIN_PAGES
        .iter()
        .chain(&OTHER_PAGES)
        .map(|p| p.to_string())
        .collect();
    pages.extend([
        format!("/admin/users/{user}"),
        format!("/admin/users/{user}/edit"),
        format!("/admin/roles/{role}"),
        format!("/admin/teams/{team}"),
        format!("/admin/projects/{project}"),
        format!("/admin/settings/loss-reasons/{reason}"),
        "/sales/clients".into(),
        "/sales/clients/new".into(),
        "/sales/clients/export.csv".into(),
        "/sales/deals".into(),
        "/sales/deals/new".into(),
        "/sales/deals/board".into(),
        "/sales/deals/export.csv".into(),
        format!("/sales/deals/{deal}"),
        format!("/sales/deals/{deal}/edit"),
        format!("/sales/deals/{deal}/cancel"),
        format!("/sales/clients/{client}"),
        format!("/sales/clients/{client}/edit"),
    ]);
    hostile_queries(&mut admin, &pages, &mut tally);
    hostile_queries(
        &mut platform,
        &["/platform".into(), format!("/platform/organizations/{org}")],
        &mut tally,
    );

    // 2. Path ids that are not ids, on every route that takes one.
    let id_routes = [
        "/admin/users/{}",
        "/admin/users/{}/edit",
        "/admin/users/{}/reset-password",
        "/admin/users/{}/sessions/revoke-all",
        "/admin/users/{}/sessions/{}/revoke",
        "/admin/roles/{}",
        "/admin/roles/{}/delete",
        "/admin/teams/{}",
        "/admin/teams/{}/members",
        "/admin/teams/{}/members/{}/remove",
        "/admin/teams/{}/projects",
        "/admin/teams/{}/projects/new",
        "/admin/projects/{}",
        "/admin/settings/loss-reasons/{}",
        "/account/sessions/{}/revoke",
        "/sales/clients/{}",
        "/sales/clients/{}/edit",
        "/sales/clients/{}/archive",
        "/sales/deals/{}",
        "/sales/deals/{}/edit",
        "/sales/deals/{}/cancel",
    ];
    for route in id_routes {
        for bad in BAD_IDS {
            let path = route.replace("{}", bad);
            let r = admin.get(&path);
            tally.check("path ids", &format!("GET {path}"), &r);
            let r = admin.post_form(&path, &[("csrf_token", &token)]);
            tally.check("path ids", &format!("POST {path}"), &r);
        }
    }
    for bad in BAD_IDS {
        for route in [
            "/platform/organizations/{}",
            "/platform/organizations/{}/deactivate",
            "/platform/organizations/{}/reactivate",
        ] {
            let path = route.replace("{}", bad);
            let r = platform.get(&path);
            tally.check("path ids", &format!("GET {path}"), &r);
        }
    }

    // 3. Methods no route takes.
    for page in &pages {
        for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"] {
            let r = admin.send(method, page, "", b"");
            tally.check("methods", &format!("{method} {page}"), &r);
        }
    }

    // 4. Bodies: wrong content types, NUL, invalid UTF-8, oversized and repeated fields.
    let post_routes = [
        "/account".to_string(),
        "/account/password".into(),
        "/admin/users".into(),
        format!("/admin/users/{user}"),
        format!("/admin/users/{user}/reset-password"),
        format!("/admin/users/{user}/sessions/{session}/revoke"),
        "/admin/roles".into(),
        format!("/admin/roles/{role}"),
        format!("/admin/roles/{role}/delete"),
        "/admin/teams".into(),
        format!("/admin/teams/{team}"),
        format!("/admin/teams/{team}/members"),
        format!("/admin/teams/{team}/members/{user}/remove"),
        format!("/admin/teams/{team}/projects"),
        format!("/admin/projects/{project}"),
        "/admin/settings".into(),
        "/admin/settings/logo".into(),
        "/admin/settings/logo/remove".into(),
        "/admin/settings/loss-reasons".into(),
        format!("/admin/settings/loss-reasons/{reason}"),
        "/admin/audit/verify".into(),
        "/account/sessions/revoke-others".into(),
        "/sales/clients".into(),
        format!("/sales/clients/{client}"),
        "/sales/deals".into(),
        format!("/sales/deals/{deal}"),
        format!("/sales/deals/{deal}/cancel"),
    ];
    for route in &post_routes {
        for (content_type, body) in hostile_bodies(&token) {
            let r = admin.post_raw(route, content_type, &body);
            tally.check("bodies", &format!("POST {route} as {content_type}"), &r);
        }
    }
    for route in [
        "/platform/organizations".to_string(),
        format!("/platform/organizations/{org}"),
    ] {
        let token = platform.get("/platform").csrf();
        for (content_type, body) in hostile_bodies(&token) {
            let r = platform.post_raw(&route, content_type, &body);
            tally.check("bodies", &format!("POST {route} as {content_type}"), &r);
        }
    }
    // Still signed in: nothing above ended the admin's session.
    assert_eq!(admin.get("/admin").status, 200);

    // 5. `next` at sign-in, and sign-in bodies.
    for next in [
        "%2F%0A",
        "%2F%0D%0A",
        "%2F%00",
        "%2F%0B",
        "%2F%09%2Fevil.example",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "https%3A%2F%2Fevil.example",
        "javascript%3Aalert(1)",
        "%FF%FE",
        "%2F%C3%A9",
        &"%2Fa".repeat(3_000),
    ] {
        let mut c = app.client();
        let token = c.get(&format!("/login?next={next}")).csrf();
        let body = format!(
            "csrf_token={token}&email=sales%40demo.test&password={}&next={next}",
            crate::common::DEMO_PASSWORD
        );
        let r = c.post_raw(
            "/login",
            "application/x-www-form-urlencoded",
            body.as_bytes(),
        );
        tally.check("next", &format!("next={next}"), &r);
        assert!(
            r.location().starts_with('/') && !r.location().starts_with("//"),
            "next={next} led to {}",
            r.location()
        );
    }

    eprintln!("malformed input: {} requests", tally.total());
    for (class, statuses) in &tally.0 {
        eprintln!("  {class}: {statuses:?}");
    }
});
