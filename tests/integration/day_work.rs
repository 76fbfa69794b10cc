//! A day's work, clear (#23): pages travel compressed, each form carries a fresh CSRF mask, the
//! figures say what they are (a target passed shows above 100 %), a lead's move proposes the
//! next step, the verifier lands where the work goes on, salespeople reach their invoices, and
//! links are valid; on both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::dual;
use crate::verification::{approve, decide, pending_payment};
use dealdesk::db::PublicId;
use dealdesk::schema::{clients, invoices, leads, payments, users};

dual!(
    pages_and_styles_travel_compressed_images_as_they_are,
    |app| {
        let mut mia = app.signed_in("manager@demo.test");
        let plain = mia.get("/sales/deals");
        assert_eq!(plain.status, 200);
        assert_eq!(plain.header("content-encoding"), None, "asked for nothing");
        let gzip = [("Accept-Encoding", "gzip")];
        let packed = mia.send_with_headers("GET", "/sales/deals", "", b"", &gzip);
        assert_eq!(packed.status, 200);
        assert_eq!(packed.header("content-encoding"), Some("gzip"));
        assert!(
            packed.bytes.len() * 3 < plain.bytes.len(),
            "{} bytes compressed against {}",
            packed.bytes.len(),
            plain.bytes.len()
        );
        let css = dealdesk::web::assets::url("app.css");
        let style = mia.send_with_headers("GET", css, "", b"", &gzip);
        assert_eq!(style.header("content-encoding"), Some("gzip"));
        assert!(
            style
                .header("cache-control")
                .is_some_and(|c| c.contains("immutable")),
            "the hashed stylesheet stays cached for good"
        );
        let icon = mia.send_with_headers("GET", "/favicon.ico", "", b"", &gzip);
        assert_eq!((icon.status, icon.header("content-encoding")), (200, None));
    }
);

dual!(
    every_page_masks_the_csrf_token_afresh_and_each_mask_is_accepted,
    |app| {
        let mut sam = app.signed_in("sales@demo.test");
        let (first, second) = (
            sam.get("/sales/clients/new").csrf(),
            sam.get("/sales/clients/new").csrf(),
        );
        assert_ne!(
            first, second,
            "the same secret bytes never repeat on a page"
        );
        for (token, name) in [(&first, "Masked One"), (&second, "Masked Two")] {
            let r = sam.post_form(
                "/sales/clients",
                &[("csrf_token", token.as_str()), ("name", name)],
            );
            assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        }
        // Half a mask, or the mask of another session, is refused.
        let r = sam.post_form(
            "/sales/clients",
            &[("csrf_token", &first[..64]), ("name", "Half")],
        );
        assert_eq!(r.status, 403);
        let other = app.signed_in("manager@demo.test").get("/sales").csrf();
        let r = sam.post_form(
            "/sales/clients",
            &[("csrf_token", other.as_str()), ("name", "Other")],
        );
        assert_eq!(r.status, 403);
        let saved: i64 = clients::table
            .filter(clients::name.like("Masked%"))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(saved, 2);
    }
);

dual!(a_target_passed_shows_above_a_hundred_percent, |app| {
    let (payment, _, _) = pending_payment(app, "250.00");
    let mut vera = app.signed_in("verifier@demo.test");
    assert_eq!(decide(&mut vera, payment, &approve("250.00")).status, 303);
    // A target of 100.00 USD this month, passed by what was just verified (and by any demo
    // payment verified this month): the page says how far, the bar stops full.
    diesel::update(users::table.filter(users::email.eq("sales@demo.test")))
        .set(users::sales_target_minor.eq(Some(10_000)))
        .execute(&mut app.conn())
        .expect("target");
    let page = strip_tags(&app.signed_in("sales@demo.test").get("/sales").body);
    let said = page
        .split("of 100.00 USD (")
        .nth(1)
        .and_then(|rest| rest.split(" %)").next())
        .and_then(|n| n.trim().parse::<i64>().ok())
        .unwrap_or_else(|| panic!("no target line in {page}"));
    assert!(said >= 250, "{said} % of the target");
    let html = app.signed_in("sales@demo.test").get("/sales").body;
    assert!(html.contains("progress-bar progress-10\""), "a full bar");
});

dual!(
    a_leads_move_proposes_the_next_step_never_a_step_back,
    |app| {
        let mut pat = app.signed_in("partner@demo.test");
        let r = pat.submit(
            "/partner/leads/new",
            "/partner/leads",
            &[("title", "Forward Only")],
        );
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        let lead: PublicId = leads::table
            .filter(leads::title.eq("Forward Only"))
            .select(leads::public_id)
            .first(&mut app.conn())
            .expect("lead");
        let page = pat.get(&format!("/partner/leads/{lead}")).body;
        assert!(
            page.contains(r#"<option value="contacted" selected>"#),
            "a new lead's move proposes Contacted"
        );
        assert!(!page.contains(r#"<option value="new" selected>"#));
    }
);

dual!(
    an_approved_payment_links_to_its_invoice_and_the_queue_says_what_waits,
    |app| {
        let (payment, _, _) = pending_payment(app, "120.00");
        let mut vera = app.signed_in("verifier@demo.test");
        let queue = strip_tags(&vera.get("/verifier").body);
        assert!(
            queue.contains("for a decision,"),
            "the queue says how many payments wait: {queue}"
        );
        let r = decide(&mut vera, payment, &approve("120.00"));
        assert_eq!((r.status, r.location()), (303, "/verifier"));
        let invoice: PublicId = invoices::table
            .inner_join(payments::table)
            .filter(payments::public_id.eq(payment))
            .select(invoices::public_id)
            .first(&mut app.conn())
            .expect("invoice");
        let landed = vera.get("/verifier").body;
        let link = format!(r#"<a href="/invoices/{invoice}">Open the invoice</a>"#);
        assert!(landed.contains(&link), "the notice links to the invoice");
        assert_eq!(vera.get(&format!("/invoices/{invoice}")).status, 200);
    }
);

dual!(
    salespeople_reach_their_invoices_and_every_link_is_valid,
    |app| {
        let mut sam = app.signed_in("sales@demo.test");
        let home = sam.get("/sales").body;
        assert!(
            home.contains(r#"href="/invoices""#),
            "Invoices in the sales sections"
        );
        let list = sam.get("/invoices");
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains(r#"aria-label="Sales""#),
            "within the sales sections"
        );

        // A phone number with spaces dials as digits.
        let r = sam.submit(
            "/sales/clients/new",
            "/sales/clients",
            &[("name", "Dial Tone"), ("phone", "+1 (555) 010-0199")],
        );
        assert_eq!(r.status, 303);
        let page = sam.get(r.location()).body;
        assert!(
            page.contains(r#"href="tel:+15550100199""#),
            "a valid tel: link"
        );

        // The platform's administrator has no organization, so no notifications to link to.
        let mut root = app.signed_in("platform@dealdesk.test");
        for path in ["/account", "/account/password"] {
            let body = root.get(path).body;
            assert!(!body.contains(r#"href="/notifications""#), "{path}");
            assert!(!body.contains(r#"href="/account/notifications""#), "{path}");
        }
        // The script that moves focus to a field in error is linked, served, and optional.
        let script = dealdesk::web::assets::url("app.js");
        assert!(home.contains(script));
        let js = sam.get(script);
        assert_eq!(js.status, 200);
        assert!(js.body.contains("aria-invalid"));
    }
);

dual!(demo_receipts_show_their_payments_figures, |app| {
    let dir = tempfile::tempdir().expect("dir");
    let written = dealdesk::demo::write_receipts(&mut app.conn(), dir.path()).expect("receipts");
    let (name, number): (Option<String>, String) = payments::table
        .filter(payments::receipt_path.like("demo%"))
        .select((payments::receipt_path, payments::transaction_number))
        .first(&mut app.conn())
        .expect("a demo receipt");
    let with_receipt: i64 = payments::table
        .filter(payments::receipt_path.like("demo%"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(written as i64, with_receipt, "one picture a receipt");
    let path = dir.path().join("receipts").join(name.expect("name"));
    let bytes = std::fs::read(&path).expect("file");
    assert!(bytes.starts_with(b"\x89PNG"), "{number}'s receipt is a PNG");
    assert!(
        (4_000..24_000).contains(&bytes.len()),
        "a picture of a slip, not a pixel: {} bytes",
        bytes.len()
    );
    // Written once: a restarted demo keeps the files it has.
    let again = dealdesk::demo::write_receipts(&mut app.conn(), dir.path()).expect("again");
    assert_eq!(again, 0);
});
