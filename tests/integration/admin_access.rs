//! Who may open the admin and platform pages, and what another organization's ids answer.

use diesel::prelude::*;

use crate::common::lookup;
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{loss_reasons, organizations, projects, teams};

pub const ADMIN_PAGES: [&str; 11] = [
    "/admin",
    "/admin/users",
    "/admin/users/new",
    "/admin/roles",
    "/admin/roles/new",
    "/admin/teams",
    "/admin/teams/new",
    "/admin/settings",
    "/admin/settings/loss-reasons",
    "/admin/audit",
    "/admin/audit/export.csv",
];

dual!(admin_pages_refuse_users_without_the_permission, |app| {
    let mut sales = app.signed_in("sales@demo.test");
    for page in ADMIN_PAGES {
        let r = sales.get(page);
        assert_eq!(r.status, 403, "{page}");
        assert!(r.body.contains("Not allowed"), "{page}");
    }
    let token = sales.get("/sales").csrf();
    for action in [
        "/admin/users",
        "/admin/roles",
        "/admin/teams",
        "/admin/settings",
        "/admin/audit/verify",
    ] {
        let r = sales.post_form(action, &[("csrf_token", &token), ("name", "x")]);
        assert_eq!(r.status, 403, "POST {action}");
    }
    assert_eq!(sales.get("/platform").status, 403);
    assert_eq!(sales.get("/platform/organizations/new").status, 403);

    // The verifier holds audit.view and nothing else of the admin area.
    let mut vera = app.signed_in("verifier@demo.test");
    assert_eq!(vera.get("/admin/audit").status, 200);
    let overview = vera.get("/admin");
    assert_eq!(overview.status, 200);
    assert!(overview.body.contains("href=\"/admin/audit\""));
    assert!(!overview.body.contains("href=\"/admin/users\""));
    for page in [
        "/admin/users",
        "/admin/roles",
        "/admin/teams",
        "/admin/settings",
    ] {
        assert_eq!(vera.get(page).status, 403, "{page}");
    }
    // An org admin is not a platform admin, and the platform admin has no organization pages.
    let mut admin = app.signed_in("admin@demo.test");
    assert_eq!(admin.get("/platform").status, 403);
    let mut platform = app.signed_in("platform@dealdesk.test");
    assert_eq!(platform.get("/admin/users").status, 403);
    assert_eq!(platform.get("/platform").status, 200);
});

fn acme<T>(
    app: &crate::common::TestApp,
    f: impl FnOnce(&mut dealdesk::db::AnyConnection, i64) -> T,
) -> T {
    let mut conn = app.conn();
    let org: i64 = organizations::table
        .filter(organizations::name.eq("Acme Corp"))
        .select(organizations::id)
        .first(&mut conn)
        .expect("acme");
    f(&mut conn, org)
}

dual!(another_organizations_records_answer_404, |app| {
    let user = lookup::user(app, "sales@acme.test");
    let role = lookup::role(app, "Acme Corp", "Salesperson");
    let team: PublicId = acme(app, |c, org| {
        teams::table
            .filter(teams::organization_id.eq(org))
            .select(teams::public_id)
            .first(c)
            .expect("team")
    });
    let project: PublicId = acme(app, |c, org| {
        projects::table
            .filter(projects::organization_id.eq(org))
            .select(projects::public_id)
            .first(c)
            .expect("project")
    });
    let reason: PublicId = acme(app, |c, org| {
        loss_reasons::table
            .filter(loss_reasons::organization_id.eq(org))
            .select(loss_reasons::public_id)
            .first(c)
            .expect("reason")
    });
    let mut admin = app.signed_in("admin@demo.test");
    let pages = [
        format!("/admin/users/{user}"),
        format!("/admin/users/{user}/edit"),
        format!("/admin/users/{user}/reset-password"),
        format!("/admin/roles/{role}"),
        format!("/admin/roles/{role}/delete"),
        format!("/admin/teams/{team}"),
        format!("/admin/teams/{team}/projects/new"),
        format!("/admin/projects/{project}"),
        format!("/admin/settings/loss-reasons/{reason}"),
        "/admin/users/not-a-uuid".to_string(),
        format!("/admin/teams/{}", PublicId::new()),
    ];
    for page in &pages {
        assert_eq!(admin.get(page).status, 404, "GET {page}");
    }
    let token = admin.get("/admin").csrf();
    let posts = [
        format!("/admin/users/{user}"),
        format!("/admin/users/{user}/reset-password"),
        format!("/admin/users/{user}/sessions/revoke-all"),
        format!("/admin/roles/{role}"),
        format!("/admin/roles/{role}/delete"),
        format!("/admin/teams/{team}"),
        format!("/admin/teams/{team}/members"),
        format!("/admin/teams/{team}/projects"),
        format!("/admin/projects/{project}"),
        format!("/admin/settings/loss-reasons/{reason}"),
    ];
    for action in &posts {
        let r = admin.post_form(action, &[("csrf_token", &token), ("name", "Taken over")]);
        assert_eq!(r.status, 404, "POST {action}");
    }
    let unchanged: i64 = dealdesk::schema::roles::table
        .filter(dealdesk::schema::roles::name.eq("Taken over"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(unchanged, 0);
});
