//! `dealdesk routes`: the table read from the source names files, lines and templates that
//! exist, and the routes it lists are the ones the site answers.

use std::collections::BTreeSet;
use std::path::Path;

use dealdesk::routes::{ROUTES, table};

use crate::dual;

#[test]
fn every_listed_handler_and_template_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(ROUTES.len() > 150, "{} routes", ROUTES.len());
    let mut seen = BTreeSet::new();
    for r in ROUTES {
        assert!(
            seen.insert((r.method, r.path)),
            "{} {} listed twice",
            r.method,
            r.path
        );
        let text = std::fs::read_to_string(root.join(r.file))
            .unwrap_or_else(|e| panic!("{} of {}: {e}", r.file, r.path));
        let name = r.handler.rsplit("::").next().expect("a name");
        let line = text.lines().nth(r.line - 1).unwrap_or_default();
        assert!(
            line.contains(&format!("fn {name}")),
            "{}:{} is not `fn {name}` ({line})",
            r.file,
            r.line
        );
        for t in r.templates {
            assert!(root.join("templates").join(t).is_file(), "template {t}");
        }
    }
    // What people look for is there, with the check the handler makes.
    let find = |m: &str, p: &str| {
        ROUTES
            .iter()
            .find(|r| r.method == m && r.path == p)
            .unwrap_or_else(|| panic!("{m} {p} is not listed"))
    };
    let decide = find("POST", "/verifier/payments/{id}/decision");
    assert_eq!(decide.permission, "PaymentsVerify");
    assert_eq!(decide.file, "src/verifier/mod.rs");
    assert_eq!(decide.templates, ["verifier/payment.html"]);
    assert_eq!(
        find("GET", "/admin/partners").file,
        "src/admin/channel/mod.rs"
    );
    assert_eq!(find("GET", "/platform").permission, "platform admin");
    assert_eq!(find("GET", "/login").permission, "public");
    assert_eq!(find("GET", "/account").permission, "signed in");
    assert_eq!(find("GET", "/partner/leads").permission, "LeadsManage");
    let text = table();
    assert_eq!(text.lines().count(), ROUTES.len());
    assert!(text.contains("src/sales/deals/mod.rs:"), "{text}");
}

/// A URL's first segment names the folder (or file) of its handler: `/verifier/...` is in
/// `src/verifier`, `/admin/integrations` in `src/admin/integrations`. The few that are not say
/// why here.
#[test]
fn urls_and_folders_agree() {
    let elsewhere = |path: &str| match path {
        "/" => Some("src/dashboards/"),
        "/logout" => Some("src/login.rs"),
        "/healthz" | "/readyz" => Some("src/health.rs"),
        "/favicon.ico" => Some("src/web/assets.rs"),
        // Inbound webhooks are the integrations' machinery, not a page.
        p if p.starts_with("/webhooks/") => Some("src/integrations/"),
        p if p.starts_with("/static/") => Some("src/web/assets.rs"),
        _ => None,
    };
    for r in ROUTES {
        let first = r.path.split('/').nth(1).unwrap_or_default();
        let expected = elsewhere(r.path).map_or_else(
            || {
                let folder = format!("src/{first}/");
                if r.file.starts_with(&folder) {
                    folder
                } else {
                    format!("src/{first}.rs")
                }
            },
            str::to_string,
        );
        assert!(
            r.file.starts_with(&expected),
            "{} {} is handled in {}, not under {expected}",
            r.method,
            r.path,
            r.file
        );
        if let Some(rest) = r.path.strip_prefix("/admin/integrations") {
            assert!(r.file.starts_with("src/admin/integrations/"), "{rest}");
        }
    }
}

// Every listed page without a parameter is answered by the site (a refusal, a page or a
// redirect, never the 404 of an unknown address).
dual!(every_listed_page_is_served, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    for r in ROUTES
        .iter()
        .filter(|r| r.method == "GET" && !r.path.contains('{'))
    {
        // The logo is a 404 until one is uploaded.
        if r.path == "/admin/settings/logo" {
            continue;
        }
        let status = admin.get(r.path).status;
        assert_ne!(status, 404, "GET {} is listed but not served", r.path);
        assert!(status < 500, "GET {}: {status}", r.path);
    }
});
