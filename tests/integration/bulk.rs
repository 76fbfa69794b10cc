//! Deciding many payments at once (#23): the verifier selects rows in the queue and verifies
//! or rejects them in one action, all or none, each audited and invoiced as a single decision
//! is; a payment that cannot be decided is named and nothing is written; on both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::lookup;
use crate::dual;
use crate::verification::{approve, decide, pending_payment};
use dealdesk::db::PublicId;
use dealdesk::schema::{invoices, payments};

fn status(app: &crate::common::TestApp, id: PublicId) -> String {
    payments::table
        .filter(payments::public_id.eq(id))
        .select(payments::status)
        .first(&mut app.conn())
        .expect("payment")
}

dual!(three_selected_payments_are_verified_in_one_action, |app| {
    let picked: Vec<(PublicId, String, String)> =
        (0..3).map(|_| pending_payment(app, "40.00")).collect();
    let ids: Vec<String> = picked.iter().map(|(id, _, _)| id.to_string()).collect();
    let mut vera = app.signed_in("verifier@demo.test");
    let mut fields = vec![
        ("decision", "approve"),
        ("failure_reason", ""),
        ("comment", ""),
        ("back", "/verifier?sort=amount&q="),
    ];
    fields.extend(ids.iter().map(|id| ("payment", id.as_str())));
    let r = vera.submit("/verifier", "/verifier/bulk", &fields);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    assert_eq!(
        r.location(),
        "/verifier?sort=amount",
        "back to the queue as it was"
    );
    for (id, number, _) in &picked {
        assert_eq!(status(app, *id), "verified", "{number}");
        let invoiced: i64 = invoices::table
            .inner_join(payments::table.on(payments::id.eq(invoices::payment_id)))
            .filter(payments::public_id.eq(id))
            .count()
            .get_result(&mut app.conn())
            .expect("invoice");
        assert_eq!(invoiced, 1, "{number} has its invoice");
    }
    let audited = lookup::audit(app, "payment");
    for (id, number, _) in &picked {
        assert!(
            audited.iter().any(
                |(_, entity, _, new)| entity.as_deref() == Some(&id.to_string())
                    && lookup::json(new)["decision"] == "approved"
            ),
            "{number}'s decision is audited on its own"
        );
    }
    let queue = vera.get("/verifier");
    let text = strip_tags(&queue.body);
    let numbers: Vec<&str> = picked.iter().map(|(_, n, _)| n.as_str()).collect();
    assert!(
        text.contains(&format!("3 payments verified: {}", numbers.join(", "))),
        "{text}"
    );
    let invoice = queue
        .body
        .split("href=\"/invoices/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a link to the first invoice");
    assert_eq!(vera.get(&format!("/invoices/{invoice}")).status, 200);
});

dual!(
    one_payment_that_cannot_be_decided_stops_all_and_is_named,
    |app| {
        let (open, open_number, _) = pending_payment(app, "30.00");
        let back = format!("/verifier?q={open_number}");
        let (decided, decided_number, _) = pending_payment(app, "31.00");
        let mut vera = app.signed_in("verifier@demo.test");
        assert_eq!(decide(&mut vera, decided, &approve("")).status, 303);
        let (open_s, decided_s) = (open.to_string(), decided.to_string());
        let r = vera.submit(
            "/verifier",
            "/verifier/bulk",
            &[
                ("decision", "reject"),
                ("failure_reason", "insufficient_funds"),
                ("comment", "Bounced"),
                ("back", back.as_str()),
                ("payment", open_s.as_str()),
                ("payment", decided_s.as_str()),
            ],
        );
        assert_eq!(r.status, 409, "{}", strip_tags(&r.body));
        let text = strip_tags(&r.body);
        assert!(text.contains("Nothing was decided"), "{text}");
        assert!(
            text.contains(&decided_number),
            "the refused one is named: {text}"
        );
        assert_eq!(status(app, open), "pending", "all or none");
        assert!(
            r.body.contains(&format!("value=\"{open}\" aria-label"))
                && r.body.contains(" checked>"),
            "the selection is kept"
        );

        // Rejecting needs a reason and a comment, beside their fields, the choice kept.
        let r = vera.submit(
            "/verifier",
            "/verifier/bulk",
            &[
                ("decision", "reject"),
                ("failure_reason", ""),
                ("comment", ""),
                ("back", "/verifier"),
                ("payment", open_s.as_str()),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"f-failure_reason-error\""));
        assert!(r.body.contains("id=\"f-comment-error\""));
        assert!(r.body.contains("value=\"reject\" checked"));
        // Nothing selected is said, not ignored.
        let r = vera.submit(
            "/verifier",
            "/verifier/bulk",
            &[("decision", "approve"), ("back", "/verifier")],
        );
        assert_eq!(r.status, 422);
        assert!(strip_tags(&r.body).contains("Select the payments to decide"));
        assert_eq!(status(app, open), "pending");
        // A salesperson cannot.
        let mut sam = app.signed_in("sales@demo.test");
        let token = sam.get("/sales/deals").csrf();
        let r = sam.post_form(
            "/verifier/bulk",
            &[
                ("csrf_token", token.as_str()),
                ("decision", "approve"),
                ("payment", open_s.as_str()),
            ],
        );
        assert_eq!(r.status, 403);
    }
);
