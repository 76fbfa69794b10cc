//! What an outside probe found and must not find again, on both databases: a cancelled deal's
//! payment decided; dates at the parser's edges (500s and panics); "1,5" read as fifteen;
//! refused uploads left on disk; a body of many small fields; a template posted without the
//! permission; mail without MIME; the contract-expiry choice; the outbox page.

use diesel::prelude::*;

use crate::common::PNG;
use crate::common::client::strip_tags;
use crate::dual;
use crate::sales_deals::{deal_form, own_client};
use crate::sales_payments::{new_deal, pay, record, today};
use crate::verification::{approve, decide, pending_payment};
use dealdesk::schema::{deals, email_outbox, payments};

dual!(a_cancelled_deals_payment_cannot_be_approved, |app| {
    let (id, _, deal) = pending_payment(app, "100");
    let mut sam = app.signed_in("sales@demo.test");
    let cancel = format!("{deal}/cancel");
    let r = sam.submit(&cancel, &cancel, &[("reason", "The client walked away")]);
    assert_eq!(r.status, 303);
    let mut vera = app.signed_in("verifier@demo.test");
    let r = decide(&mut vera, id, &approve(""));
    assert_eq!(r.status, 409);
    assert!(
        strip_tags(&r.body).contains("was cancelled, so its payments can no longer be decided")
    );
    let status: String = payments::table
        .filter(payments::public_id.eq(id))
        .select(payments::status)
        .first(&mut app.conn())
        .expect("payment");
    assert_eq!(status, "pending");
});

dual!(dates_at_the_parsers_edges_are_refused_never_a_500, |app| {
    let mut ada = app.signed_in("admin@demo.test");
    let edges = [
        "-262143-01-01",
        "+262142-12-31",
        "-4714-11-24",
        "+10000-01-01",
        "1899-12-31",
    ];
    let pages = [
        "/sales?period=custom&from={d}&to=2026-01-01",
        "/sales?period=custom&from=2026-01-01&to={d}",
        "/sales/calls?from={d}",
        "/commissions?from={d}&to={d}",
        "/reports?period=custom&from={d}&to={d}",
        "/verifier/dashboard?period=custom&from={d}&to={d}",
        "/partner?period=custom&from={d}&to={d}",
        "/sales/deals?from={d}&to={d}",
        "/sales/payments?from={d}&to={d}",
        "/invoices?from={d}&to={d}",
        "/admin/audit?from={d}&to={d}",
    ];
    for d in edges {
        for page in pages {
            let url = page.replace("{d}", &dealdesk::web::url_encode(d));
            let r = ada.get(&url);
            assert!(r.status < 500, "{url}: {}", r.status);
        }
    }
    // A deal due in year 10,000 or dated before 1900: 422 with the field named.
    let mut sam = app.signed_in("sales@demo.test");
    let client = own_client(app, "sales@demo.test");
    for (field, value) in [("due_date", "+10000-01-01"), ("deal_date", "1850-01-01")] {
        let mut fields = deal_form(&client, "500");
        for f in fields.iter_mut() {
            if f.0 == field {
                f.1 = value;
            }
        }
        let r = sam.submit("/sales/deals/new", "/sales/deals", &fields);
        assert_eq!(r.status, 422, "{field}");
        assert!(
            strip_tags(&r.body).contains("Enter a date")
                || strip_tags(&r.body).contains("between 1900 and 2200"),
            "{field}"
        );
    }
});

dual!(a_comma_is_never_a_silent_decimal_point, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let deal = new_deal(&mut sam, app, "sales@demo.test", "1,000.00");
    let before: i64 = deals::table
        .count()
        .get_result(&mut app.conn())
        .expect("deals");
    // "1,5" as an amount: refused with what to type instead, nothing stored.
    let r = record(&mut sam, &deal, &pay("1,5", "advance", today()), None);
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("Use a point for decimals"));
    // Grouped thousands are fine.
    let r = record(&mut sam, &deal, &pay("1,000.00", "final", today()), None);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let mut ada = app.signed_in("admin@demo.test");
    let r = ada.get("/admin/settings");
    assert_eq!(r.status, 200);
    let r = ada.submit("/admin/settings", "/admin/settings", &[("tax_rate", "1,5")]);
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("Use a point for decimals"));
    let after: i64 = deals::table
        .count()
        .get_result(&mut app.conn())
        .expect("deals");
    assert_eq!(before, after);
});

dual!(a_refused_upload_leaves_no_file_behind, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let deal = new_deal(&mut sam, app, "sales@demo.test", "100.00");
    let mut lena = app.signed_in("lena.lopez@demo.test");
    let png = Some(("receipt", "r.png", &PNG[..]));
    // Another's deal (404), an amount past the deal (422), a decided payment (403).
    let r = lena.submit_multipart(
        "/sales/payments",
        &format!("{deal}/payments"),
        &pay("10", "advance", today()),
        png,
    );
    assert_eq!(r.status, 404);
    let r = record(&mut sam, &deal, &pay("500", "advance", today()), png);
    assert_eq!(r.status, 422);
    assert_eq!(
        app.stored_files("receipts"),
        0,
        "nothing kept from refusals"
    );
    let r = record(&mut sam, &deal, &pay("10", "advance", today()), png);
    assert_eq!(r.status, 303);
    assert_eq!(
        app.stored_files("receipts"),
        1,
        "the accepted receipt stays"
    );
    let payment: dealdesk::db::PublicId = payments::table
        .order(payments::id.desc())
        .select(payments::public_id)
        .first(&mut app.conn())
        .expect("payment");
    diesel::update(payments::table.filter(payments::public_id.eq(payment)))
        .set(payments::status.eq("verified"))
        .execute(&mut app.conn())
        .expect("verify");
    let page = format!("/sales/payments/{payment}");
    let r = sam.submit_multipart(&page, &page, &pay("10", "advance", today()), png);
    assert_eq!(r.status, 403);
    assert_eq!(app.stored_files("receipts"), 1);
});

dual!(a_form_of_many_small_fields_is_too_large, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let deal = new_deal(&mut sam, app, "sales@demo.test", "100.00");
    let mut fields = pay("10", "advance", today());
    let names: Vec<String> = (0..200).map(|i| format!("extra{i}")).collect();
    fields.extend(names.iter().map(|n| (n.as_str(), "x")));
    let r = record(&mut sam, &deal, &fields, None);
    assert_eq!(r.status, 413);
    let big = "y".repeat(60 * 1024);
    let mut fields = pay("10", "advance", today());
    fields.extend(names.iter().take(6).map(|n| (n.as_str(), big.as_str())));
    let r = record(&mut sam, &deal, &fields, None);
    assert_eq!(r.status, 413);
    let none: i64 = payments::table
        .inner_join(deals::table)
        .filter(deals::amount_minor.eq(10_000))
        .filter(payments::amount_minor.eq(1_000))
        .count()
        .get_result(&mut app.conn())
        .expect("payments");
    assert_eq!(none, 0, "nothing recorded");
});

dual!(a_template_posted_without_the_permission_is_403, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let page = sam.get("/sales");
    let token = page.csrf();
    for body in [
        vec![
            ("csrf_token", token.as_str()),
            ("title", "x"),
            ("message", "y"),
        ],
        vec![
            ("csrf_token", token.as_str()),
            ("active", "on"),
            ("active", "on"),
        ],
    ] {
        let r = sam.post_form("/admin/notification-templates/payment_verified", &body);
        assert_eq!(r.status, 403);
    }
});

dual!(
    mail_is_mime_with_a_message_id_and_the_outbox_is_an_admin_page,
    |app| {
        use mail_parser::MessageParser;
        let mut conn = app.conn();
        dealdesk::mail::queue(
            &mut conn,
            Some(1),
            "zoe@example.test",
            "Zoë-Łucja's payment",
            "Dear Zoë-Łucja, your payment is verified.",
        )
        .expect("queue");
        let id: i64 = email_outbox::table
            .select(diesel::dsl::max(email_outbox::id))
            .first::<Option<i64>>(&mut conn)
            .expect("id")
            .expect("row");
        diesel::update(email_outbox::table.filter(email_outbox::id.ne(id)))
            .set(email_outbox::status.eq("sent"))
            .execute(&mut conn)
            .expect("others");
        let dir = tempfile::tempdir().expect("dir");
        let mailer = crate::mail::mailer(None, dir.path());
        let pass = dealdesk::mail::worker::deliver_due(&mut conn, &mailer).expect("pass");
        assert_eq!(pass.sent, 1);
        let file = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .expect("an .eml");
        let raw = std::fs::read(file.path()).expect("read");
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("MIME-Version: 1.0"), "{text}");
        assert!(text.contains("charset=utf-8"), "{text}");
        let parsed = MessageParser::default().parse(&raw[..]).expect("MIME");
        assert_eq!(parsed.subject(), Some("Zoë-Łucja's payment"));
        assert_eq!(
            parsed.body_text(0).as_deref().map(str::trim),
            Some("Dear Zoë-Łucja, your payment is verified.")
        );
        assert_eq!(
            parsed.message_id(),
            Some(format!("outbox-{id}@dealdesk.invalid").as_str())
        );
        drop(conn);

        // The contract-expiry e-mail can be chosen.
        let mut sam = app.signed_in("sales@demo.test");
        assert!(
            sam.get("/account/notifications")
                .body
                .contains("contract_expiring")
        );

        // Failed and unconfirmed messages are listed and can be resent once; others cannot.
        diesel::update(email_outbox::table.find(id))
            .set((
                email_outbox::status.eq("unconfirmed"),
                email_outbox::last_error.eq(Some("timed out")),
            ))
            .execute(&mut app.conn())
            .expect("unconfirmed");
        let mut ada = app.signed_in("admin@demo.test");
        let page = ada.get("/admin/outbox?status=unconfirmed");
        assert_eq!(page.status, 200);
        assert!(strip_tags(&page.body).contains("zoe@example.test"));
        let r = ada.submit("/admin/outbox", &format!("/admin/outbox/{id}/resend"), &[]);
        assert_eq!(r.status, 303);
        let status: String = email_outbox::table
            .find(id)
            .select(email_outbox::status)
            .first(&mut app.conn())
            .expect("status");
        assert_eq!(status, "pending");
        let r = ada.submit("/admin/outbox", &format!("/admin/outbox/{id}/resend"), &[]);
        assert_eq!(r.status, 303);
        assert!(
            ada.get("/admin/outbox")
                .body
                .contains("Only a failed or unconfirmed")
        );
        // A salesperson does not see the page.
        assert_eq!(sam.get("/admin/outbox").status, 403);
    }
);

dual!(a_deal_worth_more_than_the_books_hold_is_refused, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let mut fields = deal_form("", "1,000,000,000");
    fields.extend([
        ("new_client_name", "Yen Buyer KK"),
        ("currency", "JPY"),
        ("exchange_rate", "100000000"),
    ]);
    let before: i64 = deals::table
        .count()
        .get_result(&mut app.conn())
        .expect("deals");
    // A billion yen at a hundred million dollars each would overflow every sum it joins.
    let r = sam.submit("/sales/deals/new", "/sales/deals", &fields);
    assert_eq!(r.status, 422);
    let text = strip_tags(&r.body);
    assert!(text.contains("more than the books can hold"), "{text}");
    assert!(
        r.body.contains(r#"value="Yen Buyer KK""#),
        "the user's values stay"
    );
    let after: i64 = deals::table
        .count()
        .get_result(&mut app.conn())
        .expect("deals");
    assert_eq!(before, after);
    // The same billion yen at its real rate is an ordinary deal.
    let last = fields.len() - 1;
    fields[last] = ("exchange_rate", "0.0067");
    let r = sam.submit("/sales/deals/new", "/sales/deals", &fields);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let amount_org: i64 = deals::table
        .order(deals::id.desc())
        .select(deals::amount_org_minor)
        .first(&mut app.conn())
        .expect("deal");
    assert_eq!(amount_org, 670_000_000, "6,700,000.00 USD in cents");
});
