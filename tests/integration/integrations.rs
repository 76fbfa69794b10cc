//! Integrations against a local stub provider: credentials sealed and never shown, one active
//! provider per type, health checks (healthy, degraded, offline), a lead sync with its log,
//! signed webhooks (good, tampered, replayed, duplicated) processed idempotently with retries;
//! sign-in unaffected when every provider is offline. On both databases.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::{Client, Resp, TestApp};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::integrations::secrets::sign;
use dealdesk::schema::{
    lead_status_history, leads, organizations, provider_configs, provider_sync_logs, webhook_events,
};

/// A provider on a local port: /health answers `health` (a status line), /leads two leads.
fn stub(health: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                    break;
                }
            }
            let (status, body) = if line.contains("/health") {
                (health, "ok".to_string())
            } else if line.contains("/leads") {
                (
                    "200 OK",
                    r#"[{"id":"crm-1","title":"Fleet backup","company":"Nova Freight","email":"ops@nova.example","value":250000},{"id":"crm-2","title":"Office firewalls","company":"Quill Press"},{"id":"crm-3"}]"#.to_string(),
                )
            } else {
                ("404 Not Found", String::new())
            };
            let mut s = &stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

const SECRET: &str = "whsec-0123456789abcdef";

fn provider(app: &TestApp, name: &str) -> (i64, PublicId, Option<String>, bool) {
    provider_configs::table
        .filter(provider_configs::provider_name.eq(name))
        .select((
            provider_configs::id,
            provider_configs::public_id,
            provider_configs::credentials_encrypted,
            provider_configs::is_active,
        ))
        .first(&mut app.conn())
        .expect("provider")
}

fn add(ada: &mut Client, name: &str, url: &str) -> Resp {
    ada.submit(
        "/admin/integrations/new",
        "/admin/integrations",
        &[
            ("provider_type", "crm"),
            ("provider_name", name),
            ("base_url", url),
            ("credentials", "sk-live-123"),
            ("webhook_secret", SECRET),
            ("is_active", "on"),
        ],
    )
}

/// Lets Demo Traders' providers live on a private network (the stub listens on loopback).
fn allow_private(app: &TestApp, allow: bool) {
    diesel::update(organizations::table.filter(organizations::name.eq("Demo Traders")))
        .set(organizations::allow_private_providers.eq(allow))
        .execute(&mut app.conn())
        .expect("allow private addresses");
}

/// Makes `name` the one active CRM.
fn activate_only(app: &TestApp, name: &str) {
    diesel::update(provider_configs::table)
        .set(provider_configs::is_active.eq(false))
        .execute(&mut app.conn())
        .expect("deactivate");
    diesel::update(provider_configs::table.filter(provider_configs::provider_name.eq(name)))
        .set(provider_configs::is_active.eq(true))
        .execute(&mut app.conn())
        .expect("activate");
}

fn post_event(c: &mut Client, config: &PublicId, body: &str, ts: i64, signature: &str) -> Resp {
    c.send_with_headers(
        "POST",
        &format!("/webhooks/{config}"),
        "application/json",
        body.as_bytes(),
        &[
            ("X-Webhook-Timestamp", &ts.to_string()),
            ("X-Webhook-Signature", &format!("sha256={signature}")),
        ],
    )
}

dual!(
    providers_are_checked_synced_and_send_signed_webhooks,
    |app| {
        let mut ada = app.signed_in("admin@demo.test");
        // Bad input first.
        let r = ada.submit(
            "/admin/integrations/new",
            "/admin/integrations",
            &[
                ("provider_type", "erp"),
                ("provider_name", "x<y>"),
                ("base_url", "ftp://x"),
                ("webhook_secret", "short"),
                ("credentials", "typed-secret"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(
            !r.body.contains("typed-secret"),
            "a secret is never sent back"
        );
        for m in [
            "Choose sign-in, CRM or billing.",
            "A webhook secret has at least 16 characters.",
        ] {
            assert!(r.body.contains(m), "{m}");
        }

        let healthy = stub("200 OK");
        allow_private(app, true);
        assert_eq!(add(&mut ada, "Stub CRM", &healthy).status, 303);
        let (id, public, sealed, active) = provider(app, "Stub CRM");
        assert!(active);
        let sealed = sealed.expect("sealed");
        assert!(sealed.starts_with("v1:") && !sealed.contains("sk-live-123"));
        let page = format!("/admin/integrations/{public}");
        let shown = ada.get(&page).body;
        assert!(!shown.contains("sk-live-123") && !shown.contains(SECRET));
        assert!(shown.contains(&format!("/webhooks/{public}")));

        // Health: healthy, then a provider that fails (degraded) and one that is gone (offline).
        assert_eq!(ada.submit(&page, &format!("{page}/check"), &[]).status, 303);
        let status = |app: &TestApp, id: i64| -> String {
            provider_configs::table
                .find(id)
                .select(provider_configs::health_status)
                .first(&mut app.conn())
                .expect("status")
        };
        assert_eq!(status(app, id), "healthy");
        let failing = stub("503 Service Unavailable");
        assert_eq!(add(&mut ada, "Failing CRM", &failing).status, 303);
        let (failing_id, failing_public, _, _) = provider(app, "Failing CRM");
        // One active per type: the newer switched the first off.
        assert!(!provider(app, "Stub CRM").3);
        let fpage = format!("/admin/integrations/{failing_public}");
        ada.submit(&fpage, &format!("{fpage}/check"), &[]);
        assert_eq!(status(app, failing_id), "degraded");
        assert_eq!(add(&mut ada, "Gone CRM", "http://127.0.0.1:9").status, 303);
        let (gone_id, gone_public, _, _) = provider(app, "Gone CRM");
        let gpage = format!("/admin/integrations/{gone_public}");
        ada.submit(&gpage, &format!("{gpage}/check"), &[]);
        assert_eq!(status(app, gone_id), "offline");
        // Every provider offline or failing: admins still sign in and work.
        let mut again = app.client();
        assert_eq!(
            again
                .login("admin@demo.test", crate::common::DEMO_PASSWORD)
                .status,
            303
        );
        assert_eq!(again.get("/admin").status, 200);
        assert_eq!(again.get("/admin/integrations").status, 200);

        // A sync pulls the stub's leads; running it again creates nothing new.
        for _ in 0..2 {
            assert_eq!(ada.submit(&page, &format!("{page}/sync"), &[]).status, 303);
        }
        let synced: i64 = leads::table
            .filter(leads::provider_name.eq("Stub CRM"))
            .count()
            .get_result(&mut app.conn())
            .expect("leads");
        assert_eq!(synced, 2);
        let logs: Vec<(i32, i32, String)> = provider_sync_logs::table
            .filter(provider_sync_logs::provider_id.eq(id))
            .select((
                provider_sync_logs::records_synced,
                provider_sync_logs::records_failed,
                provider_sync_logs::status,
            ))
            .load(&mut app.conn())
            .expect("logs");
        assert_eq!(logs, vec![(2, 1, "partial".to_string()); 2]);
        assert!(strip_tags(&ada.get(&page).body).contains("the lead has no title"));

        // Webhooks: signed, stored once, processed; tampered, replayed or unknown are refused.
        activate_only(app, "Stub CRM");
        let mut provider_client = app.client();
        let now = dealdesk::db::now().and_utc().timestamp();
        let body = r#"{"id":"evt-1","type":"lead.created","data":{"id":"crm-9","title":"Cold storage","company":"Polar Foods"}}"#;
        let good = sign(SECRET, now, body.as_bytes());
        let r = post_event(&mut provider_client, &public, body, now, &good);
        assert_eq!(r.status, 200, "{}", r.body);
        let r = post_event(&mut provider_client, &public, body, now, &good);
        assert_eq!((r.status, r.body.contains("duplicate")), (200, true));
        let tampered = body.replace("Cold storage", "Free storage");
        assert_eq!(
            post_event(&mut provider_client, &public, &tampered, now, &good).status,
            401
        );
        let old = now - 600;
        let old_sig = sign(SECRET, old, body.as_bytes());
        assert_eq!(
            post_event(&mut provider_client, &public, body, old, &old_sig).status,
            401
        );
        assert_eq!(
            post_event(&mut provider_client, &PublicId::new(), body, now, &good).status,
            404
        );
        let bad = r#"{"id":"evt-2","type":"lead.updated","data":{"id":"crm-10"}}"#;
        let r = post_event(
            &mut provider_client,
            &public,
            bad,
            now,
            &sign(SECRET, now, bad.as_bytes()),
        );
        assert_eq!(r.status, 200);
        let stored: i64 = webhook_events::table
            .filter(webhook_events::provider_config_id.eq(id))
            .count()
            .get_result(&mut app.conn())
            .expect("events");
        assert_eq!(stored, 2);

        let at = dealdesk::db::now();
        let (ok, failed) =
            dealdesk::integrations::webhooks::process_due(&mut app.conn(), at).expect("process");
        assert_eq!((ok, failed), (1, 1));
        let polar: i64 = leads::table
            .filter(leads::provider_id.eq("crm-9"))
            .count()
            .get_result(&mut app.conn())
            .expect("lead");
        assert_eq!(polar, 1);
        // A lead that arrives by webhook starts its history as one made on the page does.
        let (lead_id, lead_public): (i64, PublicId) = leads::table
            .filter(leads::provider_id.eq("crm-9"))
            .select((leads::id, leads::public_id))
            .first(&mut app.conn())
            .expect("lead");
        let history: Vec<(Option<String>, String, Option<i64>)> = lead_status_history::table
            .filter(lead_status_history::lead_id.eq(lead_id))
            .select((
                lead_status_history::old_status,
                lead_status_history::new_status,
                lead_status_history::changed_by_id,
            ))
            .load(&mut app.conn())
            .expect("history");
        assert_eq!(history, vec![(None, "new".to_string(), None)]);
        let lead_page = strip_tags(&ada.get(&format!("/partner/leads/{lead_public}")).body);
        assert!(
            lead_page.contains("When From To By Why just now — New —"),
            "{lead_page}"
        );
        crate::partner_dashboard::counts_hold(app);
        // Nothing is due again until the failed one's retry time.
        assert_eq!(
            dealdesk::integrations::webhooks::process_due(&mut app.conn(), at).expect("again"),
            (0, 0)
        );
        let events = ada.get("/admin/integrations/events?status=failed");
        let text = strip_tags(&events.body);
        assert!(
            text.contains("evt-2") && text.contains("the lead has no title"),
            "{text}"
        );
        let failed_id: PublicId = webhook_events::table
            .filter(webhook_events::event_id.eq("evt-2"))
            .select(webhook_events::public_id)
            .first(&mut app.conn())
            .expect("failed");
        let r = ada.submit(
            "/admin/integrations/events",
            &format!("/admin/integrations/events/{failed_id}/retry"),
            &[],
        );
        assert_eq!(r.status, 303);
        let (status, attempts): (String, i32) = webhook_events::table
            .filter(webhook_events::event_id.eq("evt-2"))
            .select((webhook_events::status, webhook_events::attempts))
            .first(&mut app.conn())
            .expect("event");
        assert_eq!((status.as_str(), attempts), ("pending", 0));

        // Only integration managers see any of it.
        let mut max = app.signed_in("manager@demo.test");
        assert_eq!(max.get("/admin/integrations").status, 403);
        assert_eq!(max.get(&page).status, 403);
    }
);

dual!(
    a_deactivated_configuration_takes_nothing_in_and_bad_events_are_refused,
    |app| {
        let mut ada = app.signed_in("admin@demo.test");
        allow_private(app, true);
        assert_eq!(add(&mut ada, "Quiet CRM", "http://127.0.0.1:9").status, 303);
        let (id, public, _, active) = provider(app, "Quiet CRM");
        assert!(active);
        let mut provider_client = app.client();
        let now = dealdesk::db::now().and_utc().timestamp();
        let signed = |body: &str| sign(SECRET, now, body.as_bytes());
        // A NUL in the id or type, and a timestamp that would overflow the window's arithmetic.
        for body in [
            "{\"id\":\"evt\\u0000x\",\"type\":\"lead.created\",\"data\":{}}",
            "{\"id\":\"evt-n\",\"type\":\"lead\\u0000\",\"data\":{}}",
        ] {
            let r = post_event(&mut provider_client, &public, body, now, &signed(body));
            assert_eq!(r.status, 400, "{body}: {}", r.body);
        }
        let body = r#"{"id":"evt-min","type":"lead.created","data":{}}"#;
        let r = post_event(&mut provider_client, &public, body, i64::MIN, &signed(body));
        assert_eq!(r.status, 401);
        // A lead whose title holds a NUL is saved without it, on both databases.
        let body = "{\"id\":\"evt-nul\",\"type\":\"lead.created\",\"data\":{\"id\":\"crm-nul\",\"title\":\"Cold\\u0000 room\"}}";
        assert_eq!(
            post_event(&mut provider_client, &public, body, now, &signed(body)).status,
            200
        );
        // Deactivated: no new event is taken in, and the one waiting is not processed.
        diesel::update(provider_configs::table.find(id))
            .set(provider_configs::is_active.eq(false))
            .execute(&mut app.conn())
            .expect("deactivate");
        let late =
            r#"{"id":"evt-late","type":"lead.created","data":{"id":"crm-late","title":"Late"}}"#;
        let r = post_event(&mut provider_client, &public, late, now, &signed(late));
        assert_eq!(r.status, 404, "{}", r.body);
        let at = dealdesk::db::now();
        assert_eq!(
            dealdesk::integrations::webhooks::process_due(&mut app.conn(), at).expect("process"),
            (0, 0)
        );
        // Active again: the waiting event is processed, its title cleaned.
        activate_only(app, "Quiet CRM");
        assert_eq!(
            dealdesk::integrations::webhooks::process_due(&mut app.conn(), at).expect("process"),
            (1, 0)
        );
        let title: String = leads::table
            .filter(leads::provider_id.eq("crm-nul"))
            .select(leads::title)
            .first(&mut app.conn())
            .expect("lead");
        assert_eq!(title, "Cold room");
        let stored: i64 = webhook_events::table
            .filter(webhook_events::provider_config_id.eq(id))
            .count()
            .get_result(&mut app.conn())
            .expect("events");
        assert_eq!(stored, 1);
    }
);

dual!(
    a_provider_on_a_private_network_needs_the_organizations_leave,
    |app| {
        let mut ada = app.signed_in("admin@demo.test");
        allow_private(app, false);
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "https://169.254.169.254",
            "http://[::1]:9",
            "https://10.0.0.7",
        ] {
            let r = add(&mut ada, "Inside CRM", url);
            assert_eq!(r.status, 422, "{url}");
            assert!(strip_tags(&r.body).contains("This address is on a private network"));
        }
        // Allowed, saved; the allowance taken back, a check and a sync send nothing there.
        allow_private(app, true);
        assert_eq!(
            add(&mut ada, "Inside CRM", "http://127.0.0.1:9").status,
            303
        );
        allow_private(app, false);
        let (id, public, _, _) = provider(app, "Inside CRM");
        let page = format!("/admin/integrations/{public}");
        ada.submit(&page, &format!("{page}/check"), &[]);
        let error: Option<String> = provider_configs::table
            .find(id)
            .select(provider_configs::health_check_error)
            .first(&mut app.conn())
            .expect("health");
        assert!(
            error.is_some_and(|e| e.contains("private network")),
            "the check refused the address"
        );
        // The setting is on the organization's settings page.
        assert!(
            ada.get("/admin/settings")
                .body
                .contains("allow_private_providers")
        );
    }
);
