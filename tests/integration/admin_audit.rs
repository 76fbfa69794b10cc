//! /admin/audit: filters, keyset pages, old and new values side by side, the CSV export and the
//! chain's verification.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::lookup;
use crate::dual;
use dealdesk::schema::audit_log;

dual!(the_audit_page_filters_pages_and_shows_changes, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let page = admin.get("/admin/audit");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Hash chain intact"), "{}", page.body);
    // Entries read as sentences naming people and records, in the viewer's time zone, with
    // their changes as "label old → new" in words.
    let text = strip_tags(&page.body);
    for sentence in [
        "Changed Ada Admin changed the settings of Demo Traders",
        "Tax rate 0% → changed to 20%",
        "Created Ada Admin created user Lena Lopez",
        "Password reset Ada Admin reset the password of Omar Okafor",
        "Changed Ada Admin changed role Sales Manager",
        "Commission rate — → changed to 7%",
    ] {
        assert!(text.contains(sentence), "{sentence}");
    }
    assert!(text.contains("Times are in America/New_York"));
    assert!(!page.body.contains("tax_rate") && !page.body.contains("PASSWORD_RESET</"));
    let lena: String = dealdesk::schema::users::table
        .filter(dealdesk::schema::users::email.eq("lena.lopez@demo.test"))
        .select(dealdesk::schema::users::public_id)
        .first::<dealdesk::db::PublicId>(&mut app.conn())
        .expect("lena")
        .to_string();
    assert!(
        page.body
            .contains(&format!("<a href=\"/admin/users/{lena}\">Lena Lopez</a>"))
    );
    let updates = admin.get("/admin/audit?action=update&entity_type=loss_reason");
    assert_eq!(updates.body.matches("<li class=\"entry\">").count(), 1);
    let update = strip_tags(&updates.body);
    assert!(update.contains("Ada Admin changed loss reason No decision maker"));
    assert!(update.contains("Active yes → changed to no"));
    let by_actor = admin.get("/admin/audit?user=ADMIN%40demo.test&action=PASSWORD_RESET");
    assert_eq!(by_actor.body.matches("<li class=\"entry\">").count(), 1);
    let nobody = admin.get("/admin/audit?user=nobody%40demo.test");
    assert!(nobody.body.contains("No entry matches"));
    let bad = admin.get("/admin/audit?action=DROP&from=yesterday");
    assert_eq!(bad.status, 200);
    assert!(
        bad.body.contains("Choose an action from the list.")
            && bad.body.contains("Enter a date as YYYY-MM-DD.")
    );
    let future = admin.get("/admin/audit?from=2099-01-01");
    assert!(future.body.contains("No entry matches"));
    let today = chrono::Utc::now().date_naive();
    let range = admin.get(&format!(
        "/admin/audit?from={}&to={}",
        today.pred_opt().unwrap_or(today),
        today.succ_opt().unwrap_or(today)
    ));
    assert!(strip_tags(&range.body).contains("Created Ada Admin created"));

    // More history than one page holds.
    {
        let mut conn = app.conn();
        let scope = dealdesk::orgs::find_organization_by_name(&mut conn, "Demo Traders")
            .expect("query")
            .expect("org");
        for i in 0..30 {
            dealdesk::audit::record(
                &mut conn,
                &dealdesk::audit::Actor::system(),
                dealdesk::audit::Event::new(Some(scope.id()), "update", "settings")
                    .new_values(serde_json::json!({ "step": i })),
            )
            .expect("record");
        }
    }
    // Keyset pages: every entry of the organization exactly once, newest first.
    let total: i64 = audit_log::table
        .inner_join(dealdesk::schema::organizations::table)
        .filter(dealdesk::schema::organizations::name.eq("Demo Traders"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    let mut url = "/admin/audit".to_string();
    let mut seen = 0;
    loop {
        let page = admin.get(&url);
        seen += page.body.matches("<li class=\"entry\">").count();
        assert!(seen < 10_000, "the pages do not end");
        let Some(link) = page.next_link() else {
            break;
        };
        url = link;
    }
    assert!(
        total > 50,
        "the demo history fills more than a page ({total})"
    );
    assert_eq!(seen as i64, total);
});

dual!(
    the_csv_export_holds_the_filtered_entries_and_is_audited,
    |app| {
        let mut admin = app.signed_in("admin@demo.test");
        let r = admin.get("/admin/audit/export.csv?entity_type=project");
        assert_eq!(r.status, 200);
        assert!(
            r.header("content-type")
                .unwrap_or_default()
                .starts_with("text/csv")
        );
        assert!(
            r.header("content-disposition")
                .unwrap_or_default()
                .contains("audit-log.csv")
        );
        let mut reader = csv::Reader::from_reader(r.body.as_bytes());
        let headers = reader.headers().expect("headers").clone();
        assert_eq!(&headers[0], "time_utc");
        assert_eq!(&headers[2], "action");
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 4, "the four demo projects");
        assert!(
            rows.iter()
                .all(|r| &r[3] == "project" && &r[1] == "admin@demo.test")
        );
        assert!(rows.iter().any(|r| r[6].contains("Trade fair")));
        let exports = lookup::audit(app, "audit_log");
        let (action, _, _, new) = exports.last().expect("export recorded");
        assert_eq!(action, "export");
        let new = lookup::json(new);
        assert_eq!(
            (new["rows"].as_i64(), new["filters"]["entity_type"].as_str()),
            (Some(4), Some("project"))
        );
        assert_eq!(
            app.signed_in("sales@demo.test")
                .get("/admin/audit/export.csv")
                .status,
            403
        );
    }
);

dual!(a_full_check_of_the_chain_reports_tampering, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let r = admin.submit("/admin/audit", "/admin/audit/verify", &[]);
    assert_eq!(r.status, 303);
    assert!(
        admin
            .get("/admin/audit")
            .body
            .contains("The whole chain is intact")
    );
    // Someone with database access rewrites an old entry behind the triggers' back.
    let mut conn = app.conn();
    let sql = match app.backend {
        crate::common::Backend::Sqlite => {
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_email = 'someone@else.test' WHERE id = (SELECT MIN(id) FROM audit_log WHERE action = 'PASSWORD_RESET');"
        }
        crate::common::Backend::Postgres => {
            "ALTER TABLE audit_log DISABLE TRIGGER USER; UPDATE audit_log SET actor_email = 'someone@else.test' WHERE id = (SELECT MIN(id) FROM audit_log WHERE action = 'PASSWORD_RESET'); ALTER TABLE audit_log ENABLE TRIGGER USER;"
        }
    };
    diesel::connection::SimpleConnection::batch_execute(&mut *conn, sql).expect("tamper");
    drop(conn);
    let quick = admin.get("/admin/audit");
    assert!(
        !quick.body.contains("chain is broken"),
        "an old row needs the full check"
    );
    let r = admin.submit("/admin/audit", "/admin/audit/verify", &[]);
    assert_eq!(r.status, 303);
    let page = admin.get("/admin/audit");
    assert!(page.body.contains("The audit chain is broken"));
});

dual!(
    removing_the_newest_entries_is_caught_by_the_full_check,
    |app| {
        let mut conn = app.conn();
        let acme: i64 = dealdesk::schema::organizations::table
            .filter(dealdesk::schema::organizations::name.eq("Acme Corp"))
            .select(dealdesk::schema::organizations::id)
            .first(&mut conn)
            .expect("org");
        let intact = dealdesk::audit::checkpoint::check_full(&mut conn, acme).expect("check");
        assert!(!intact.is_broken());
        let sql = match app.backend {
            crate::common::Backend::Sqlite => format!(
                "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id IN \
             (SELECT id FROM audit_log WHERE organization_id = {acme} ORDER BY id DESC LIMIT 2);"
            ),
            crate::common::Backend::Postgres => format!(
                "ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log WHERE id IN \
             (SELECT id FROM audit_log WHERE organization_id = {acme} ORDER BY id DESC LIMIT 2); \
             ALTER TABLE audit_log ENABLE TRIGGER USER;"
            ),
        };
        diesel::connection::SimpleConnection::batch_execute(&mut *conn, &sql).expect("truncate");
        let status = dealdesk::audit::checkpoint::check_full(&mut conn, acme).expect("check");
        assert!(status.checkpoint.head_mismatch, "{status:?}");
        assert!(status.is_broken());
    }
);
