//! Teams and projects, organization settings with the logo, loss reasons.

use diesel::prelude::*;

use crate::common::PNG;
use crate::common::{Client, lookup};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{organizations, projects, teams, users};

fn team_id(app: &crate::common::TestApp, name: &str) -> String {
    teams::table
        .filter(teams::name.eq(name))
        .select(teams::public_id)
        .first::<PublicId>(&mut app.conn())
        .expect("team")
        .to_string()
}

fn team_of(app: &crate::common::TestApp, email: &str) -> Option<String> {
    users::table
        .left_join(teams::table.on(teams::id.nullable().eq(users::team_id)))
        .filter(users::email.eq(email))
        .select(teams::name.nullable())
        .first(&mut app.conn())
        .expect("user")
}

dual!(teams_have_a_lead_members_and_projects, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let list = admin.get("/admin/teams");
    assert!(list.body.contains("Inside Sales") && list.body.contains("Field Sales"));
    let r = admin.submit(
        "/admin/teams/new",
        "/admin/teams",
        &[("name", "inside sales"), ("lead", "nobody@demo.test")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Another team has this name."));
    assert!(
        r.body
            .contains("No active user of your organization has this e-mail.")
    );
    assert!(r.body.contains("value=\"nobody@demo.test\""));
    // Acme's people are not ours to lead.
    let r = admin.submit(
        "/admin/teams/new",
        "/admin/teams",
        &[("name", "Outbound"), ("lead", "sales@acme.test")],
    );
    assert_eq!(r.status, 422);
    let r = admin.submit(
        "/admin/teams/new",
        "/admin/teams",
        &[
            ("name", "Outbound"),
            ("description", "Cold calls"),
            ("lead", "priya.patel@demo.test"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        team_of(app, "priya.patel@demo.test").as_deref(),
        Some("Outbound"),
        "the lead moved in"
    );
    let outbound = team_id(app, "Outbound");
    // A user is in one team at most: adding Lena moves her out of Inside Sales.
    let r = admin.submit(
        &format!("/admin/teams/{outbound}"),
        &format!("/admin/teams/{outbound}/members"),
        &[("email", "lena.lopez@demo.test")],
    );
    assert_eq!(r.status, 303);
    assert!(
        admin
            .get(r.location())
            .body
            .contains("moved from Inside Sales")
    );
    assert_eq!(
        team_of(app, "lena.lopez@demo.test").as_deref(),
        Some("Outbound")
    );
    let r = admin.submit(
        &format!("/admin/teams/{outbound}"),
        &format!("/admin/teams/{outbound}/members"),
        &[("email", "lena.lopez@demo.test")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("is a member already"));
    let lena = lookup::user(app, "lena.lopez@demo.test");
    let r = admin.submit(
        &format!("/admin/teams/{outbound}"),
        &format!("/admin/teams/{outbound}/members/{lena}/remove"),
        &[],
    );
    assert_eq!(r.status, 303);
    assert_eq!(team_of(app, "lena.lopez@demo.test"), None);
    let members = lookup::audit(app, "user");
    let (_, _, old, new) = members.last().expect("membership entry");
    assert_eq!(
        (
            lookup::json(old)["team"].as_str(),
            lookup::json(new)["team"].as_str()
        ),
        (Some("Outbound"), None)
    );

    // Projects: end before start is refused with the values kept.
    let r = admin.submit(
        &format!("/admin/teams/{outbound}/projects/new"),
        &format!("/admin/teams/{outbound}/projects"),
        &[
            ("name", "Autumn push"),
            ("status", "active"),
            ("start_date", "2026-10-01"),
            ("end_date", "2026-09-30"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("The end date cannot be before the start date.")
    );
    assert!(r.body.contains("value=\"2026-09-30\""));
    let r = admin.submit(
        &format!("/admin/teams/{outbound}/projects/new"),
        &format!("/admin/teams/{outbound}/projects"),
        &[
            ("name", "Autumn push"),
            ("status", "paused"),
            ("start_date", "2026-10-01"),
        ],
    );
    assert_eq!(r.status, 422, "unknown status");
    let r = admin.submit(
        &format!("/admin/teams/{outbound}/projects/new"),
        &format!("/admin/teams/{outbound}/projects"),
        &[
            ("name", "Autumn push"),
            ("status", "active"),
            ("start_date", "2026-10-01"),
            ("end_date", "2026-12-31"),
        ],
    );
    assert_eq!(r.status, 303);
    let page = admin.get(&format!("/admin/teams/{outbound}"));
    assert!(
        page.body.contains("Autumn push") && page.body.contains("Ada Admin"),
        "creator shown"
    );
    let project: PublicId = projects::table
        .filter(projects::name.eq("Autumn push"))
        .select(projects::public_id)
        .first(&mut app.conn())
        .expect("project");
    let r = admin.submit(
        &format!("/admin/projects/{project}"),
        &format!("/admin/projects/{project}"),
        &[
            ("name", "Autumn push"),
            ("status", "on_hold"),
            ("start_date", "2026-10-01"),
            ("end_date", "2026-12-31"),
        ],
    );
    assert_eq!(r.status, 303);
    let entries = lookup::audit(app, "project");
    let (_, _, old, new) = entries.last().expect("update");
    assert_eq!(lookup::json(old), serde_json::json!({ "status": "active" }));
    assert_eq!(
        lookup::json(new),
        serde_json::json!({ "status": "on_hold" })
    );
    let teams_log = lookup::audit(app, "team");
    assert_eq!(teams_log.first().map(|e| e.0.as_str()), Some("create"));
});

pub(crate) fn settings_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![
        ("name", "Demo Traders"),
        ("email", "office@demo.test"),
        ("phone", "+1 555 0100"),
        ("website", "https://www.demo.test"),
        ("currency", "USD"),
        ("timezone", "America/New_York"),
        ("day_0", "on"),
        ("day_1", "on"),
        ("day_2", "on"),
        ("day_3", "on"),
        ("day_4", "on"),
        ("tax_rate", "20"),
        ("default_commission", "5"),
        ("target_bonus", "0"),
        ("second_approval_threshold", "10000.00"),
        ("sales_goal", "250000.00"),
        ("low_stock_warning", "10"),
        ("low_stock_critical", "5"),
    ];
    for (k, v) in changes {
        match all.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v,
            None => all.push((k, v)),
        }
    }
    all.retain(|(_, v)| *v != "<absent>");
    all
}

fn upload(c: &mut Client, bytes: &[u8]) -> crate::common::Resp {
    let token = c.get("/admin/settings").csrf();
    let boundary = "dealdesk-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    c.post_raw(
        "/admin/settings/logo",
        &format!("multipart/form-data; boundary={boundary}"),
        &body,
    )
}

dual!(settings_are_validated_saved_and_audited, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let page = admin.get("/admin/settings");
    assert!(
        page.body.contains("value=\"250000.00\""),
        "the demo's sales goal"
    );
    let r = admin.submit(
        "/admin/settings",
        "/admin/settings",
        &settings_form(&[
            ("currency", "XYZ"),
            ("timezone", "Mars/Olympus"),
            ("tax_rate", "101"),
            ("low_stock_critical", "12"),
            ("sales_goal", "abc"),
            ("day_0", "<absent>"),
            ("day_1", "<absent>"),
            ("day_2", "<absent>"),
            ("day_3", "<absent>"),
            ("day_4", "<absent>"),
            ("website", "www.demo.test"),
        ]),
    );
    assert_eq!(r.status, 422);
    for msg in [
        "Choose a currency from the list",
        "No time zone has that name.",
        "Enter a percentage from 0 to 100.",
        "The critical level must not be above the warning level.",
        "Choose at least one working day.",
        "starting with https://",
    ] {
        assert!(r.body.contains(msg), "{msg}");
    }
    assert!(r.body.contains("value=\"abc\""), "typed values are kept");
    // The demo's deals are in dollars: the currency stays while any deal exists.
    let r = admin.submit(
        "/admin/settings",
        "/admin/settings",
        &settings_form(&[("currency", "JPY")]),
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("so it cannot change"));
    diesel::connection::SimpleConnection::batch_execute(
        &mut *app.conn(),
        "DELETE FROM payments WHERE organization_id = 1; \
         DELETE FROM deal_activities WHERE organization_id = 1; \
         DELETE FROM commissions WHERE organization_id = 1; \
         DELETE FROM deals WHERE organization_id = 1;",
    )
    .expect("no deals");
    let r = admin.submit(
        "/admin/settings",
        "/admin/settings",
        &settings_form(&[
            ("currency", "JPY"),
            ("sales_goal", "3,000,000"),
            ("tax_rate", "8.5"),
            ("day_5", "on"),
            ("second_approval_threshold", ""),
        ]),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let (currency, goal, tax, days, threshold): (String, Option<i64>, i32, i32, Option<i64>) =
        organizations::table
            .filter(organizations::name.eq("Demo Traders"))
            .select((
                organizations::currency,
                organizations::sales_goal_minor,
                organizations::tax_rate_bp,
                organizations::working_days_mask,
                organizations::second_approval_threshold_minor,
            ))
            .first(&mut app.conn())
            .expect("org");
    assert_eq!(
        (currency.as_str(), goal, tax, days, threshold),
        ("JPY", Some(3_000_000), 850, 63, None)
    );
    let entries = lookup::audit(app, "settings");
    let (_, _, old, new) = entries.last().expect("entry");
    let (old, new) = (lookup::json(old), lookup::json(new));
    assert_eq!(
        (old["currency"].as_str(), new["currency"].as_str()),
        (Some("USD"), Some("JPY"))
    );
    assert_eq!(new["tax_rate"], "8.5%");
    assert_eq!(new["working_days"].as_array().map(Vec::len), Some(6));
    assert!(old.get("name").is_none(), "unchanged fields are left out");

    // The logo: a real PNG is kept and served; anything else is refused by its bytes.
    let r = upload(&mut admin, &PNG);
    assert_eq!(r.status, 303, "{}", r.body);
    let logo = admin.get("/admin/settings/logo");
    assert_eq!(
        (logo.status, logo.header("content-type")),
        (200, Some("image/png"))
    );
    let mut sam = app.signed_in("sales@demo.test");
    assert_eq!(
        sam.get("/admin/settings/logo").status,
        200,
        "every member sees the logo"
    );
    let r = upload(
        &mut admin,
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Choose a PNG, JPEG, GIF or WebP image"));
    let mut big = PNG.to_vec();
    big.resize(600 * 1024, 0);
    assert_eq!(upload(&mut admin, &big).status, 413);
    let logs = lookup::audit(app, "logo");
    assert_eq!(logs.len(), 1);
    assert_eq!(lookup::json(&logs[0].3)["type"], "image/png");
});

dual!(loss_reasons_are_unique_and_can_be_deactivated, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let list = admin.get("/admin/settings/loss-reasons");
    assert!(list.body.contains("Price too high") && list.body.contains("Inactive"));
    let r = admin.submit(
        "/admin/settings/loss-reasons",
        "/admin/settings/loss-reasons",
        &[("name", "price TOO high")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("in the list already") && r.body.contains("value=\"price TOO high\""));
    let r = admin.submit(
        "/admin/settings/loss-reasons",
        "/admin/settings/loss-reasons",
        &[("name", "Went quiet"), ("description", "Stopped answering")],
    );
    assert_eq!(r.status, 303);
    let id: PublicId = dealdesk::schema::loss_reasons::table
        .filter(dealdesk::schema::loss_reasons::name.eq("Went quiet"))
        .select(dealdesk::schema::loss_reasons::public_id)
        .first(&mut app.conn())
        .expect("reason");
    let r = admin.submit(
        &format!("/admin/settings/loss-reasons/{id}"),
        &format!("/admin/settings/loss-reasons/{id}"),
        &[("name", "Went quiet"), ("description", "Stopped answering")],
    );
    assert_eq!(r.status, 303);
    let entries = lookup::audit(app, "loss_reason");
    assert_eq!(entries.len(), 2);
    assert_eq!(
        lookup::json(&entries[1].2),
        serde_json::json!({ "is_active": true })
    );
    assert_eq!(
        lookup::json(&entries[1].3),
        serde_json::json!({ "is_active": false })
    );
});
