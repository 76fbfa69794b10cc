//! /admin/roles: user counts, grouped permissions, and which roles may be deleted.

use diesel::prelude::*;

use crate::common::lookup;
use crate::dual;
use dealdesk::schema::{role_permissions, roles};

dual!(roles_list_counts_and_edit_permissions, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let list = admin.get("/admin/roles");
    assert_eq!(list.status, 200);
    for name in [
        "Admin",
        "Restricted Admin",
        "Sales Manager",
        "Salesperson",
        "Verifier",
        "CEO",
        "Partner",
        "Distributor",
        "Fulfiller",
    ] {
        assert!(list.body.contains(&format!(">{name}</a>")), "{name}");
    }
    // Salesperson: Sam, Lena, Omar, Priya active; Ivan inactive.
    assert_eq!(
        (
            list.cell(">Salesperson</a>", "Active users"),
            list.cell(">Salesperson</a>", "Inactive users")
        ),
        ("4".into(), "1".into())
    );
    let form = admin.get("/admin/roles/new");
    for area in ["Administration", "Sales", "Verification", "Partner channel"] {
        assert!(
            form.body.contains(&format!("<legend>{area}</legend>")),
            "{area}"
        );
    }
    assert!(form.body.contains("Approve or reject pending payments"));

    let r = admin.submit(
        "/admin/roles/new",
        "/admin/roles",
        &[("name", "salesperson"), ("perm", "calls.log")],
    );
    assert_eq!(
        r.status, 422,
        "names are unique per organization, whatever the case"
    );
    assert!(
        r.body
            .contains("Another role of your organization has this name.")
    );
    assert!(r.body.contains("value=\"salesperson\""));
    assert!(
        r.body.contains("value=\"calls.log\" checked"),
        "ticked boxes stay ticked"
    );
    let r = admin.submit(
        "/admin/roles/new",
        "/admin/roles",
        &[
            ("name", "Caller"),
            ("commission_rate", "4"),
            ("perm", "calls.log"),
            ("perm", "clients.manage"),
        ],
    );
    assert_eq!(r.status, 303);
    let caller = lookup::role(app, "Demo Traders", "Caller");
    let r = admin.submit(
        &format!("/admin/roles/{caller}"),
        &format!("/admin/roles/{caller}"),
        &[
            ("name", "Caller"),
            ("commission_rate", "4"),
            ("is_active", "on"),
            ("perm", "calls.log"),
            ("perm", "calls.view_all"),
        ],
    );
    assert_eq!(r.status, 303);
    let keys: Vec<String> = role_permissions::table
        .inner_join(roles::table)
        .filter(roles::name.eq("Caller"))
        .order(role_permissions::permission)
        .select(role_permissions::permission)
        .load(&mut app.conn())
        .expect("keys");
    assert_eq!(keys, ["calls.log", "calls.view_all"]);
    let entries = lookup::audit(app, "role");
    let (_, _, old, new) = entries.last().expect("update");
    assert_eq!(
        lookup::json(old)["permissions"],
        serde_json::json!(["clients.manage", "calls.log"])
    );
    assert_eq!(
        lookup::json(new)["permissions"],
        serde_json::json!(["calls.log", "calls.view_all"])
    );
});

dual!(a_role_in_use_cannot_be_deleted, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let r = admin.submit(
        "/admin/roles/new",
        "/admin/roles",
        &[("name", "Temp role"), ("perm", "reports.view")],
    );
    assert_eq!(r.status, 303);
    let temp = lookup::role(app, "Demo Traders", "Temp role");
    let cleo = lookup::user(app, "ceo@demo.test");
    let r = admin.submit(
        &format!("/admin/users/{cleo}/edit"),
        &format!("/admin/users/{cleo}"),
        &[
            ("first_name", "Cleo"),
            ("last_name", "Chief"),
            ("email", "ceo@demo.test"),
            ("role", &temp),
            ("is_active", "on"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin.submit(
        &format!("/admin/roles/{temp}"),
        &format!("/admin/roles/{temp}/delete"),
        &[],
    );
    assert_eq!(
        (r.status, r.location()),
        (303, format!("/admin/roles/{temp}").as_str())
    );
    assert!(
        admin
            .get(r.location())
            .body
            .contains("1 active user holds this role")
    );
    let sales = lookup::role(app, "Demo Traders", "Salesperson");
    let r = admin.submit(
        &format!("/admin/roles/{sales}"),
        &format!("/admin/roles/{sales}/delete"),
        &[],
    );
    assert_eq!(r.status, 303);
    assert!(admin.get(r.location()).body.contains("Default roles stay"));
    let count = |name: &str| -> i64 {
        roles::table
            .filter(roles::name.eq(name))
            .count()
            .get_result(&mut app.conn())
            .expect("count")
    };
    assert_eq!((count("Temp role"), count("Salesperson")), (1, 2));

    // Once nobody holds it, it goes, with its permissions recorded in the audit log.
    let ceo = lookup::role(app, "Demo Traders", "CEO");
    let r = admin.submit(
        &format!("/admin/users/{cleo}/edit"),
        &format!("/admin/users/{cleo}"),
        &[
            ("first_name", "Cleo"),
            ("last_name", "Chief"),
            ("email", "ceo@demo.test"),
            ("role", &ceo),
            ("is_active", "on"),
        ],
    );
    assert_eq!(r.status, 303);
    let confirm = admin.get(&format!("/admin/roles/{temp}/delete"));
    assert!(confirm.body.contains("Delete the role Temp role?"));
    let r = admin.submit(
        &format!("/admin/roles/{temp}/delete"),
        &format!("/admin/roles/{temp}/delete"),
        &[],
    );
    assert_eq!((r.status, r.location()), (303, "/admin/roles"));
    assert_eq!(count("Temp role"), 0);
    let entries = lookup::audit(app, "role");
    let (action, _, old, new) = entries.last().expect("delete");
    assert_eq!(action, "delete");
    assert_eq!(
        lookup::json(old)["permissions"],
        serde_json::json!(["reports.view"])
    );
    assert!(new.is_none());
});
