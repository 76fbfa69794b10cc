//! /admin/users: creating, finding, editing users; passwords and sessions; the rules that keep
//! an organization administrable.

use diesel::prelude::*;

use crate::common::{Client, DEMO_PASSWORD, lookup};
use crate::dual;
use dealdesk::schema::{sessions, users};

fn secret(body: &str) -> String {
    let marker = "<span class=\"secret\">";
    let start = body.find(marker).expect("temporary password shown") + marker.len();
    let end = body[start..].find('<').expect("end");
    body[start..start + end].to_string()
}

fn user_form<'a>(fields: &[(&'a str, &'a str)], role: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![
        ("first_name", "Nora"),
        ("last_name", "Newman"),
        ("email", "nora.newman@demo.test"),
        ("phone", "+1 555 0199"),
        ("role", role),
        ("team", ""),
        ("sales_target", "12,500.50"),
        ("commission_rate", "6.5"),
        ("partner", ""),
        ("distributor", ""),
        ("is_active", "on"),
    ];
    for (k, v) in fields {
        if let Some(slot) = all.iter_mut().find(|(name, _)| name == k) {
            slot.1 = v;
        } else {
            all.push((k, v));
        }
    }
    all.retain(|(_, v)| *v != "<absent>");
    all
}

fn create(c: &mut Client, fields: &[(&str, &str)], role: &str) -> crate::common::Resp {
    c.submit("/admin/users/new", "/admin/users", &user_form(fields, role))
}

dual!(an_admin_creates_finds_and_edits_a_user, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let sales = lookup::role(app, "Demo Traders", "Salesperson");
    let r = create(&mut admin, &[], &sales);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = admin.get(r.location());
    let temporary = secret(&page.body);
    assert_eq!(temporary.len(), 16);
    assert!(page.body.contains("12,500.50 USD") && page.body.contains("6.5 %"));
    assert!(
        !admin.get(r.location()).body.contains("class=\"secret\""),
        "the temporary password is shown once"
    );
    let (must_change, target, rate): (bool, Option<i64>, Option<i32>) = users::table
        .filter(users::email.eq("nora.newman@demo.test"))
        .select((
            users::must_change_password,
            users::sales_target_minor,
            users::commission_rate_bp,
        ))
        .first(&mut app.conn())
        .expect("user");
    assert_eq!(
        (must_change, target, rate),
        (true, Some(1_250_050), Some(650))
    );

    // Search, filters, sorting.
    let found = admin.get("/admin/users?q=NEWMAN");
    assert!(found.body.contains("nora.newman@demo.test"));
    assert!(
        !found
            .column("E-mail")
            .contains(&"sales@demo.test".to_string())
    );
    let by_role = admin.get(&format!("/admin/users?role={sales}&status=active"));
    assert!(by_role.body.contains("nora.newman@demo.test"));
    assert!(
        !by_role
            .column("E-mail")
            .contains(&"admin@demo.test".to_string())
    );
    let inactive = admin.get("/admin/users?status=inactive");
    let emails = inactive.column("E-mail");
    assert!(emails.contains(&"ivan.ingram@demo.test".to_string()));
    assert!(!emails.contains(&"nora.newman@demo.test".to_string()));
    let none = admin.get("/admin/users?q=%25");
    assert!(none.body.contains("No user matches"), "% is a literal");
    assert_eq!(admin.get("/admin/users?sort=email&team=none").status, 200);

    // Edit, with an audit entry holding only what changed.
    let id = lookup::user(app, "nora.newman@demo.test");
    let r = admin.submit(
        &format!("/admin/users/{id}/edit"),
        &format!("/admin/users/{id}"),
        &user_form(&[("last_name", "Nolan"), ("commission_rate", "")], &sales),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let entries = lookup::audit(app, "user");
    let (action, entity, old, new) = entries.last().expect("entry");
    assert_eq!(
        (action.as_str(), entity.as_deref()),
        ("update", Some(id.as_str()))
    );
    assert_eq!(
        lookup::json(old),
        serde_json::json!({ "last_name": "Newman", "commission_rate": "6.5%" })
    );
    assert_eq!(
        lookup::json(new),
        serde_json::json!({ "last_name": "Nolan", "commission_rate": null })
    );
    let created = entries
        .iter()
        .find(|e| e.0 == "create")
        .expect("create entry");
    assert_eq!(lookup::json(&created.3)["email"], "nora.newman@demo.test");

    // The new user signs in with the temporary password and must change it.
    let mut nora = app.client();
    let r = nora.login("nora.newman@demo.test", &temporary);
    assert_eq!((r.status, r.location()), (303, "/account/password"));
});

dual!(user_pages_walk_every_user_by_keyset, |app| {
    {
        let mut conn = app.conn();
        let scope = dealdesk::orgs::find_organization_by_name(&mut conn, "Demo Traders")
            .expect("query")
            .expect("org");
        let role_id = dealdesk::orgs::role_id_by_key(&mut conn, scope, "sales").expect("role");
        for i in 0..60 {
            let email = format!("bulk{i:02}@demo.test");
            dealdesk::orgs::create_user(
                &mut conn,
                &dealdesk::audit::Actor::system(),
                scope,
                &dealdesk::orgs::NewUser {
                    email: &email,
                    first_name: "Bulk",
                    last_name: "Tester",
                    password_hash: crate::common::demo_hash(),
                    role_id,
                    partner_id: None,
                    distributor_id: None,
                    must_change_password: false,
                },
            )
            .expect("user");
        }
    }
    let mut admin = app.signed_in("admin@demo.test");
    for sort in ["name", "email", "newest"] {
        let mut seen: Vec<String> = Vec::new();
        let mut url = format!("/admin/users?sort={sort}");
        let mut pages = 0;
        loop {
            let page = admin.get(&url);
            assert_eq!(page.status, 200);
            pages += 1;
            assert!(pages <= 3, "{sort}: the pages do not end");
            seen.extend(page.column("E-mail"));
            match page.next_link() {
                Some(next) => url = next,
                None => break,
            }
        }
        let total = 60 + 15;
        assert_eq!(pages, 2, "{sort}: 75 users in pages of 50");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (total, total), "{sort}");
    }
});

dual!(invalid_user_forms_come_back_with_the_values_typed, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let sales = lookup::role(app, "Demo Traders", "Salesperson");
    let r = create(
        &mut admin,
        &[
            ("first_name", " "),
            ("email", "not-an-email"),
            ("commission_rate", "150"),
            ("sales_target", "12.345"),
        ],
        &sales,
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Enter a first name."));
    assert!(r.body.contains("value=\"not-an-email\""));
    assert!(r.body.contains("Enter a percentage from 0 to 100."));
    assert!(r.body.contains("value=\"12.345\""));
    assert!(r.body.contains("aria-invalid=\"true\""));
    let r = create(&mut admin, &[("email", "SALES@demo.test")], &sales);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("exists already"));
    let r = create(&mut admin, &[], "");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Choose a role"));
    let partner_role = lookup::role(app, "Demo Traders", "Partner");
    let r = create(&mut admin, &[], &partner_role);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("A partner user belongs to a partner"));
    let count: i64 = users::table
        .filter(users::email.eq("nora.newman@demo.test"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(count, 0, "nothing was saved");
});

dual!(
    the_last_active_admin_cannot_be_demoted_or_deactivated,
    |app| {
        let mut admin = app.signed_in("admin@demo.test");
        let me = lookup::user(app, "admin@demo.test");
        let sales = lookup::role(app, "Demo Traders", "Salesperson");
        let admin_role = lookup::role(app, "Demo Traders", "Admin");
        let edit = |c: &mut Client, fields: &[(&str, &str)], role: &str| {
            let base = [
                ("first_name", "Ada"),
                ("last_name", "Admin"),
                ("email", "admin@demo.test"),
            ];
            let mut all: Vec<(&str, &str)> = base.to_vec();
            all.extend_from_slice(fields);
            c.submit(
                &format!("/admin/users/{me}/edit"),
                &format!("/admin/users/{me}"),
                &user_form(&all, role),
            )
        };
        let r = edit(&mut admin, &[], &sales);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("without an active administrator"));
        let r = edit(&mut admin, &[("is_active", "<absent>")], &admin_role);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("cannot deactivate your own account"));
        // Removing users.manage from the only admin role is refused too.
        let mut perms: Vec<(&str, &str)> = vec![("name", "Admin"), ("is_active", "on")];
        perms.extend(
            dealdesk::permissions::ALL
                .iter()
                .filter(|p| **p != dealdesk::permissions::Permission::UsersManage)
                .map(|p| ("perm", p.key())),
        );
        let r = admin.submit(
            &format!("/admin/roles/{admin_role}"),
            &format!("/admin/roles/{admin_role}"),
            &perms,
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("without an active administrator"));
        // With a second admin, the first may step down.
        let manager = lookup::user(app, "manager@demo.test");
        let r = admin.submit(
            &format!("/admin/users/{manager}/edit"),
            &format!("/admin/users/{manager}"),
            &user_form(
                &[
                    ("first_name", "Max"),
                    ("last_name", "Manager"),
                    ("email", "manager@demo.test"),
                ],
                &admin_role,
            ),
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(edit(&mut admin, &[], &sales).status, 303);
        assert_eq!(admin.get("/admin/users").status, 403, "no longer an admin");
    }
);

dual!(no_one_grants_permissions_they_do_not_hold, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    // A role that may manage users and nothing else, given to Vera.
    let r = admin.submit(
        "/admin/roles/new",
        "/admin/roles",
        &[("name", "User desk"), ("perm", "users.manage")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let desk = lookup::role(app, "Demo Traders", "User desk");
    let vera = lookup::user(app, "verifier@demo.test");
    let r = admin.submit(
        &format!("/admin/users/{vera}/edit"),
        &format!("/admin/users/{vera}"),
        &user_form(
            &[
                ("first_name", "Vera"),
                ("last_name", "Verifier"),
                ("email", "verifier@demo.test"),
            ],
            &desk,
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let mut vera_c = app.signed_in("verifier@demo.test");
    let form = vera_c.get("/admin/users/new");
    assert_eq!(form.status, 200);
    let admin_role = lookup::role(app, "Demo Traders", "Admin");
    assert!(
        !form.body.contains(&admin_role),
        "roles beyond hers are not offered"
    );
    assert!(form.body.contains(&desk));
    let r = create(&mut vera_c, &[], &admin_role);
    assert_eq!(r.status, 403, "a forged role is refused");
    let admin_user = lookup::user(app, "admin@demo.test");
    assert_eq!(
        vera_c
            .get(&format!("/admin/users/{admin_user}/edit"))
            .status,
        403
    );
    let r = vera_c.submit(
        &format!("/admin/users/{admin_user}"),
        &format!("/admin/users/{admin_user}/reset-password"),
        &[],
    );
    assert_eq!(
        r.status, 403,
        "nor may she reset a stronger user's password"
    );
    assert_eq!(vera_c.get("/admin/roles").status, 403);
    let ok = create(&mut vera_c, &[], &desk);
    assert_eq!(ok.status, 303, "she may give her own role");

    // A role manager cannot put a permission they lack into a role.
    let r = admin.submit(
        "/admin/roles/new",
        "/admin/roles",
        &[("name", "Role desk"), ("perm", "roles.manage")],
    );
    assert_eq!(r.status, 303);
    let role_desk = lookup::role(app, "Demo Traders", "Role desk");
    let max = lookup::user(app, "manager@demo.test");
    let r = admin.submit(
        &format!("/admin/users/{max}/edit"),
        &format!("/admin/users/{max}"),
        &user_form(
            &[
                ("first_name", "Max"),
                ("last_name", "Manager"),
                ("email", "manager@demo.test"),
            ],
            &role_desk,
        ),
    );
    assert_eq!(r.status, 303);
    let mut max_c = app.signed_in("manager@demo.test");
    let r = max_c.submit(
        "/admin/roles/new",
        "/admin/roles",
        &[
            ("name", "Sneaky"),
            ("perm", "roles.manage"),
            ("perm", "users.manage"),
        ],
    );
    assert_eq!(r.status, 403);
    let r = max_c.submit(
        &format!("/admin/roles/{role_desk}"),
        &format!("/admin/roles/{role_desk}"),
        &[
            ("name", "Role desk"),
            ("is_active", "on"),
            ("perm", "roles.manage"),
            ("perm", "audit.view"),
        ],
    );
    assert_eq!(r.status, 403);
});

dual!(resetting_a_password_and_deactivating_end_sessions, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let mut sam = app.signed_in("sales@demo.test");
    let sam_id = lookup::user(app, "sales@demo.test");
    let confirm = admin.get(&format!("/admin/users/{sam_id}/reset-password"));
    assert!(confirm.body.contains("Reset the password of Sam Seller?"));
    let r = admin.submit(
        &format!("/admin/users/{sam_id}/reset-password"),
        &format!("/admin/users/{sam_id}/reset-password"),
        &[],
    );
    assert_eq!(r.status, 303);
    let temporary = secret(&admin.get(r.location()).body);
    assert_eq!(sam.get("/sales").status, 303, "the old session ended");
    assert_eq!(
        app.client().login("sales@demo.test", DEMO_PASSWORD).status,
        401
    );
    let mut again = app.client();
    let r = again.login("sales@demo.test", &temporary);
    assert_eq!(r.location(), "/account/password");
    let resets = lookup::audit(app, "user");
    assert!(
        resets
            .iter()
            .any(|e| e.0 == "PASSWORD_RESET" && e.1.as_deref() == Some(sam_id.as_str()))
    );

    // Sessions are listed on the user's page and can be ended one by one or all at once.
    let mut vera = app.signed_in("verifier@demo.test");
    let vera_id = lookup::user(app, "verifier@demo.test");
    let page = admin.get(&format!("/admin/users/{vera_id}"));
    assert!(page.body.contains("127.0.0.1"));
    let r = admin.submit(
        &format!("/admin/users/{vera_id}"),
        &format!("/admin/users/{vera_id}/sessions/revoke-all"),
        &[],
    );
    assert_eq!(r.status, 303);
    assert_eq!(vera.get("/verifier").status, 303);

    // Deactivating ends sessions at once and blocks sign-in.
    let mut cleo = app.signed_in("ceo@demo.test");
    let cleo_id = lookup::user(app, "ceo@demo.test");
    let ceo_role = lookup::role(app, "Demo Traders", "CEO");
    let r = admin.submit(
        &format!("/admin/users/{cleo_id}/edit"),
        &format!("/admin/users/{cleo_id}"),
        &user_form(
            &[
                ("first_name", "Cleo"),
                ("last_name", "Chief"),
                ("email", "ceo@demo.test"),
                ("sales_target", ""),
                ("commission_rate", ""),
                ("phone", ""),
                ("is_active", "<absent>"),
            ],
            &ceo_role,
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let open: i64 = sessions::table
        .inner_join(users::table)
        .filter(users::email.eq("ceo@demo.test"))
        .filter(sessions::revoked_at.is_null())
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(open, 0);
    assert_eq!(cleo.get("/reports").status, 303);
    assert_eq!(
        app.client().login("ceo@demo.test", DEMO_PASSWORD).status,
        403,
        "an inactive account cannot sign in"
    );
});
