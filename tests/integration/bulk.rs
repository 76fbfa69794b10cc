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

dual!(
    selected_clients_are_archived_and_restored_at_once_or_not_at_all,
    |app| {
        use dealdesk::schema::clients;
        let mut sam = app.signed_in("sales@demo.test");
        let mine: Vec<(PublicId, String)> = clients::table
            .inner_join(
                dealdesk::schema::users::table
                    .on(dealdesk::schema::users::id.eq(clients::created_by_id)),
            )
            .filter(dealdesk::schema::users::email.eq("sales@demo.test"))
            .filter(clients::is_active.eq(true))
            .order(clients::id)
            .select((clients::public_id, clients::name))
            .limit(3)
            .load(&mut app.conn())
            .expect("Sam's clients");
        assert_eq!(mine.len(), 3);
        let ids: Vec<String> = mine.iter().map(|(id, _)| id.to_string()).collect();
        let active = |app: &crate::common::TestApp, id: &PublicId| -> bool {
            clients::table
                .filter(clients::public_id.eq(id))
                .select(clients::is_active)
                .first(&mut app.conn())
                .expect("client")
        };
        let mut fields = vec![
            ("action", "archive"),
            ("back", "/sales/clients?sort=newest"),
        ];
        fields.extend(ids.iter().map(|id| ("client", id.as_str())));
        let r = sam.submit("/sales/clients", "/sales/clients/bulk", &fields);
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        assert_eq!(r.location(), "/sales/clients?sort=newest");
        assert!(mine.iter().all(|(id, _)| !active(app, id)), "all archived");
        let audited = lookup::audit(app, "client");
        for (id, name) in &mine {
            assert!(
                audited.iter().any(|(_, entity, _, new)| entity.as_deref()
                    == Some(&id.to_string())
                    && lookup::json(new)["is_active"] == false),
                "{name}'s archiving is audited on its own"
            );
        }
        let text = strip_tags(&sam.get("/sales/clients").body);
        assert!(text.contains("3 clients archived"), "{text}");

        // Restoring two, one of them active again already: refused by name, nothing changed.
        let r = sam.submit(
            "/sales/clients",
            "/sales/clients/bulk",
            &[
                ("action", "restore"),
                ("back", "/sales/clients"),
                ("client", ids[0].as_str()),
            ],
        );
        assert_eq!(r.status, 303);
        let r = sam.submit(
            "/sales/clients",
            "/sales/clients/bulk",
            &[
                ("action", "restore"),
                ("back", "/sales/clients"),
                ("client", ids[0].as_str()),
                ("client", ids[1].as_str()),
            ],
        );
        assert_eq!(r.status, 409, "{}", strip_tags(&r.body));
        let text = strip_tags(&r.body);
        assert!(
            text.contains(&format!("{} is active already.", mine[0].1)),
            "{text}"
        );
        assert!(!active(app, &mine[1].0), "all or none");
        // Another salesperson's client is not Sam's to change.
        let theirs: PublicId = clients::table
            .inner_join(
                dealdesk::schema::users::table
                    .on(dealdesk::schema::users::id.eq(clients::created_by_id)),
            )
            .filter(dealdesk::schema::users::email.ne("sales@demo.test"))
            .filter(clients::organization_id.eq(1))
            .select(clients::public_id)
            .first(&mut app.conn())
            .expect("a colleague's client");
        let theirs = theirs.to_string();
        let r = sam.submit(
            "/sales/clients",
            "/sales/clients/bulk",
            &[
                ("action", "restore"),
                ("back", "/sales/clients"),
                ("client", ids[1].as_str()),
                ("client", theirs.as_str()),
            ],
        );
        assert_eq!(r.status, 409);
        assert!(strip_tags(&r.body).contains("is not one of your clients"));
        assert!(!active(app, &mine[1].0));
        // No choice made is said beside the form.
        let r = sam.submit(
            "/sales/clients",
            "/sales/clients/bulk",
            &[("action", "archive"), ("back", "/sales/clients")],
        );
        assert_eq!(r.status, 422);
        assert!(strip_tags(&r.body).contains("Select the clients to change"));
        let archived: i64 = clients::table
            .inner_join(
                dealdesk::schema::users::table
                    .on(dealdesk::schema::users::id.eq(clients::created_by_id)),
            )
            .filter(dealdesk::schema::users::email.eq("sales@demo.test"))
            .filter(clients::is_active.eq(false))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        let found = strip_tags(&sam.get("/sales/clients?active=archived").body);
        assert!(
            found.contains(&format!("{archived} clients match.")),
            "{found}"
        );
    }
);

dual!(selected_clients_are_given_to_another_owner, |app| {
    use dealdesk::schema::{clients, users};
    let owner_of = |app: &crate::common::TestApp, id: &PublicId| -> String {
        clients::table
            .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
            .filter(clients::public_id.eq(id))
            .select(users::email)
            .first(&mut app.conn())
            .expect("client")
    };
    let sams: Vec<(PublicId, String)> = clients::table
        .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
        .filter(users::email.eq("sales@demo.test"))
        .order(clients::id)
        .select((clients::public_id, clients::name))
        .limit(2)
        .load(&mut app.conn())
        .expect("Sam's clients");
    let to: (PublicId, String, String) = users::table
        .filter(users::email.eq("manager@demo.test"))
        .select((users::public_id, users::first_name, users::last_name))
        .first(&mut app.conn())
        .expect("the manager");
    let to_id = to.0.to_string();
    let mut ada = app.signed_in("admin@demo.test");
    let page = strip_tags(&ada.get("/sales/clients").body);
    assert!(page.contains("Give them to the owner chosen"), "{page}");
    let mut fields = vec![
        ("action", "assign"),
        ("owner", to_id.as_str()),
        ("back", "/sales/clients"),
    ];
    let ids: Vec<String> = sams.iter().map(|(id, _)| id.to_string()).collect();
    fields.extend(ids.iter().map(|id| ("client", id.as_str())));
    let r = ada.submit("/sales/clients", "/sales/clients/bulk", &fields);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    for (id, _) in &sams {
        assert_eq!(owner_of(app, id), "manager@demo.test");
    }
    let text = strip_tags(&ada.get("/sales/clients").body);
    assert!(
        text.contains(&format!("2 clients given to {} {}", to.1, to.2)),
        "{text}"
    );
    let audited = lookup::audit(app, "client");
    for (id, name) in &sams {
        assert!(
            audited.iter().any(
                |(_, entity, _, new)| entity.as_deref() == Some(&id.to_string())
                    && lookup::json(new)["owner_public_id"] == to_id.as_str()
            ),
            "{name}'s new owner is audited on its own"
        );
    }
    // Giving them again to the same owner: each named, nothing written twice.
    let r = ada.submit("/sales/clients", "/sales/clients/bulk", &fields);
    assert_eq!(r.status, 409);
    let text = strip_tags(&r.body);
    assert!(
        text.contains(&format!(
            "{} belongs to {} {} already.",
            sams[0].1, to.1, to.2
        )),
        "{text}"
    );
    // No owner chosen is said beside the field.
    let r = ada.submit(
        "/sales/clients",
        "/sales/clients/bulk",
        &[
            ("action", "assign"),
            ("back", "/sales/clients"),
            ("client", ids[0].as_str()),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("Choose whom to give the selected clients to."));
    // A salesperson sees only their own clients: no one to give them to, and a forged form is
    // refused without a change.
    let mut sam = app.signed_in("sales@demo.test");
    assert!(!strip_tags(&sam.get("/sales/clients").body).contains("Give them to"));
    let own: PublicId = clients::table
        .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
        .filter(users::email.eq("sales@demo.test"))
        .select(clients::public_id)
        .first(&mut app.conn())
        .expect("a client of Sam's");
    let own_id = own.to_string();
    let r = sam.submit(
        "/sales/clients",
        "/sales/clients/bulk",
        &[
            ("action", "assign"),
            ("owner", to_id.as_str()),
            ("back", "/sales/clients"),
            ("client", own_id.as_str()),
        ],
    );
    assert_eq!(r.status, 409);
    assert!(
        strip_tags(&r.body).contains("is not one of the active people whose clients you manage")
    );
    assert_eq!(owner_of(app, &own), "sales@demo.test");
});

dual!(ticked_notifications_are_marked_read_together, |app| {
    use dealdesk::schema::{user_notifications, users};
    let mut sam = app.signed_in("sales@demo.test");
    let unread = |app: &crate::common::TestApp| -> Vec<i64> {
        user_notifications::table
            .inner_join(users::table.on(users::id.eq(user_notifications::user_id)))
            .filter(users::email.eq("sales@demo.test"))
            .filter(user_notifications::is_read.eq(false))
            .order(user_notifications::id)
            .select(user_notifications::id)
            .load(&mut app.conn())
            .expect("unread")
    };
    let before = unread(app);
    assert!(
        before.len() >= 3,
        "the demo leaves Sam unread notifications"
    );
    let page = sam.get("/notifications");
    assert!(
        page.body
            .contains(&format!("name=\"note\" value=\"{}\"", before[0]))
    );
    let (a, b) = (before[0].to_string(), before[1].to_string());
    let r = sam.submit(
        "/notifications",
        "/notifications/read-selected",
        &[("note", a.as_str()), ("note", b.as_str())],
    );
    assert_eq!(r.status, 303);
    let after = unread(app);
    assert_eq!(after, before[2..], "exactly the ticked two");
    assert!(strip_tags(&sam.get("/notifications").body).contains("2 notifications marked read."));
    // Ticking none is said; someone else's notification is not marked.
    let r = sam.submit("/notifications", "/notifications/read-selected", &[]);
    assert_eq!(r.status, 303);
    assert!(strip_tags(&sam.get("/notifications").body).contains("Tick the notifications"));
    let theirs: i64 = user_notifications::table
        .inner_join(users::table.on(users::id.eq(user_notifications::user_id)))
        .filter(users::email.ne("sales@demo.test"))
        .filter(user_notifications::is_read.eq(false))
        .select(user_notifications::id)
        .first(&mut app.conn())
        .expect("someone else's unread note");
    let theirs_s = theirs.to_string();
    sam.submit(
        "/notifications",
        "/notifications/read-selected",
        &[("note", theirs_s.as_str())],
    );
    let still: bool = user_notifications::table
        .find(theirs)
        .select(user_notifications::is_read)
        .first(&mut app.conn())
        .expect("note");
    assert!(!still, "not Sam's to mark");
    // One at a time still works, from the same form.
    let one = after[0].to_string();
    let r = sam.submit("/notifications", &format!("/notifications/{one}/read"), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(unread(app), after[1..]);
});

dual!(selected_leads_move_together_or_not_at_all, |app| {
    use dealdesk::schema::{lead_status_history, leads};
    let with_status = |status: &str, n: i64| -> Vec<(PublicId, String)> {
        leads::table
            .filter(leads::organization_id.eq(1))
            .filter(leads::status.eq(status))
            .order(leads::id)
            .limit(n)
            .select((leads::public_id, leads::title))
            .load(&mut app.conn())
            .expect("leads")
    };
    let status_of = |id: PublicId| -> String {
        leads::table
            .filter(leads::public_id.eq(id))
            .select(leads::status)
            .first(&mut app.conn())
            .expect("lead")
    };
    let fresh = with_status("new", 2);
    let won = with_status("won", 1);
    assert_eq!((fresh.len(), won.len()), (2, 1), "the demo has both");
    let mut ada = app.signed_in("admin@demo.test");
    let token = ada.get("/partner/leads").csrf();
    let post = |c: &mut crate::common::client::Client, ids: &[PublicId], to: &str| {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let mut fields = vec![
            ("csrf_token", token.as_str()),
            ("back", "/partner/leads?status=new"),
            ("to", to),
        ];
        fields.extend(ids.iter().map(|i| ("lead", i.as_str())));
        c.post_form("/partner/leads/bulk", &fields)
    };

    // A won lead among them: named, and nothing moves (409), the selection kept.
    let r = post(&mut ada, &[fresh[0].0, won[0].0], "contacted");
    assert_eq!(r.status, 409, "{}", strip_tags(&r.body));
    let text = strip_tags(&r.body);
    assert!(
        text.contains(&format!("{} : A lead in Won cannot move", won[0].1)),
        "{text}"
    );
    assert!(
        r.body
            .contains(&format!("value=\"{}\" aria-label", fresh[0].0))
    );
    assert_eq!(status_of(fresh[0].0), "new");
    // Nothing selected, or lost (which needs each lead's reason): the form says so (422).
    assert_eq!(post(&mut ada, &[], "contacted").status, 422);
    let r = post(&mut ada, &[fresh[0].0], "lost");
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("marked lost from its own page"));

    // Two new leads move on together, back to the list as it was; each move in its lead's
    // history and the audit log.
    let ids = [fresh[0].0, fresh[1].0];
    let r = post(&mut ada, &ids, "contacted");
    assert_eq!(
        (r.status, r.location()),
        (303, "/partner/leads?q=&status=new&partner=&mine=")
    );
    for id in ids {
        assert_eq!(status_of(id), "contacted");
        let history: i64 = lead_status_history::table
            .inner_join(leads::table)
            .filter(leads::public_id.eq(id))
            .filter(lead_status_history::new_status.eq("contacted"))
            .count()
            .get_result(&mut app.conn())
            .expect("history");
        assert_eq!(history, 1);
    }
    let audited = lookup::audit(app, "lead");
    for id in ids {
        assert!(
            audited
                .iter()
                .any(|(_, e, _, new)| e.as_deref() == Some(&id.to_string())
                    && new.as_deref().is_some_and(|n| n.contains("contacted"))),
            "{audited:?}"
        );
    }
    let list = strip_tags(&ada.get("/partner/leads").body);
    assert!(list.contains("2 leads now Contacted"), "{list}");
});
