//! The verifier's queue and decisions: what an approval and a rejection set off (payment, deal,
//! invoice, notification, audit), the creator rule, the two-person rule, the race between two
//! verifiers, all or nothing; on both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::{Client, TestApp};
use crate::dual;
use crate::sales_payments::{new_deal, pay, record, today};
use dealdesk::db::PublicId;
use dealdesk::schema::{
    audit_log, clients, commissions, deals, invoices, notifications, number_sequences,
    organizations, payment_approvals, payments, roles, user_notifications, users,
};

/// Sam records `amount` USD on a new 1,000.00 USD deal; the payment's public id and number.
pub(crate) fn pending_payment(app: &TestApp, amount: &str) -> (PublicId, String, String) {
    let mut sam = app.signed_in("sales@demo.test");
    let deal = new_deal(&mut sam, app, "sales@demo.test", "1,000.00");
    let r = record(&mut sam, &deal, &pay(amount, "advance", today()), None);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let (id, number): (PublicId, String) = payments::table
        .order(payments::id.desc())
        .select((payments::public_id, payments::transaction_number))
        .first(&mut app.conn())
        .expect("payment");
    (id, number, deal)
}

pub(crate) fn decide(c: &mut Client, id: PublicId, fields: &[(&str, &str)]) -> crate::common::Resp {
    c.submit(
        &format!("/verifier/payments/{id}"),
        &format!("/verifier/payments/{id}/decision"),
        fields,
    )
}

pub(crate) fn approve(received: &str) -> Vec<(&str, &str)> {
    vec![
        ("decision", "approve"),
        ("received", received),
        ("failure_reason", ""),
        ("comment", ""),
    ]
}

fn state(app: &TestApp, id: PublicId) -> (String, Option<i64>, String, i64, i64, i64) {
    payments::table
        .inner_join(invoices::table)
        .filter(payments::public_id.eq(id))
        .select((
            payments::status,
            payments::received_amount_minor,
            invoices::status,
            invoices::amount_minor,
            invoices::tax_minor,
            invoices::total_minor,
        ))
        .first(&mut app.conn())
        .expect("payment")
}

fn steps(app: &TestApp, id: PublicId) -> Vec<(i32, String, String)> {
    payment_approvals::table
        .inner_join(payments::table)
        .inner_join(users::table.on(users::id.eq(payment_approvals::approver_id)))
        .filter(payments::public_id.eq(id))
        .order(payment_approvals::step)
        .select((
            payment_approvals::step,
            payment_approvals::decision,
            users::email,
        ))
        .load(&mut app.conn())
        .expect("approvals")
}

fn unread(app: &TestApp, email: &str, kind: &str) -> Vec<(String, String, String)> {
    user_notifications::table
        .inner_join(notifications::table)
        .inner_join(users::table.on(users::id.eq(user_notifications::user_id)))
        .filter(users::email.eq(email))
        .filter(notifications::kind.eq(kind))
        .filter(user_notifications::is_read.eq(false))
        .order(user_notifications::id.desc())
        .select((
            notifications::title,
            notifications::message,
            notifications::priority,
        ))
        .load(&mut app.conn())
        .expect("notifications")
}

/// The deal's commission: (base, rate, commission, final, status).
fn commission(app: &TestApp, deal: PublicId) -> Option<(i64, i32, i64, i64, String)> {
    commissions::table
        .inner_join(deals::table)
        .filter(deals::public_id.eq(deal))
        .select((
            commissions::base_minor,
            commissions::rate_bp,
            commissions::commission_minor,
            commissions::final_minor,
            commissions::status,
        ))
        .first(&mut app.conn())
        .optional()
        .expect("commission")
}

/// Rates at the organization's default only, at an awkward 7.25 %.
fn commission_at_the_organizations_rate(app: &TestApp) {
    diesel::update(organizations::table.filter(organizations::name.eq("Demo Traders")))
        .set(organizations::default_commission_bp.eq(725))
        .execute(&mut app.conn())
        .expect("rate");
    diesel::update(users::table)
        .set(users::commission_rate_bp.eq(None::<i32>))
        .execute(&mut app.conn())
        .expect("users");
    diesel::update(roles::table)
        .set(roles::commission_rate_bp.eq(None::<i32>))
        .execute(&mut app.conn())
        .expect("roles");
}

dual!(
    an_approval_verifies_issues_the_invoice_and_tells_the_owner,
    |app| {
        commission_at_the_organizations_rate(app);
        let (id, number, deal) = pending_payment(app, "400");
        // The invoice exists from the moment the payment is recorded, pending.
        let (status, _, invoice, amount, tax, total) = state(app, id);
        assert_eq!((status.as_str(), invoice.as_str()), ("pending", "pending"));
        // Amounts include tax by default: 20 % of 400.00 is 400 × 20 / 120 = 66.67 within it.
        assert_eq!((amount, tax, total), (40_000, 6_667, 40_000));
        let invoice_number = || -> Option<String> {
            invoices::table
                .inner_join(payments::table)
                .filter(payments::public_id.eq(id))
                .select(invoices::invoice_number)
                .first(&mut app.conn())
                .expect("invoice")
        };
        assert_eq!(invoice_number(), None, "a draft has no number yet");

        let mut vera = app.signed_in("verifier@demo.test");
        let queue = vera.get("/verifier?min=400&max=400");
        assert_eq!(queue.status, 200);
        assert!(
            queue.body.contains(&number),
            "the new payment waits in the queue"
        );
        // 390.05 received of 400 recorded: tax within it 390.05 × 20 / 120 = 65.0083 → 65.01.
        let r = decide(&mut vera, id, &approve("390.05"));
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        assert_eq!(
            state(app, id),
            (
                "verified".into(),
                Some(39_005),
                "issued".into(),
                39_005,
                6_501,
                39_005
            )
        );
        assert_eq!(
            steps(app, id),
            [(1, "approved".into(), "verifier@demo.test".into())]
        );
        // Issued, the invoice takes the year's next number.
        let year = chrono::Utc::now().format("%Y").to_string();
        let invoice_number = invoice_number().expect("numbered when issued");
        assert!(
            invoice_number.starts_with(&format!("INV-{year}-")),
            "{invoice_number}"
        );
        let deal_id: PublicId = deal
            .rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
            .expect("id");
        let (paid, payment_status, verification): (i64, String, String) = deals::table
            .filter(deals::public_id.eq(deal_id))
            .select((
                deals::paid_minor,
                deals::payment_status,
                deals::verification_status,
            ))
            .first(&mut app.conn())
            .expect("deal");
        assert_eq!(
            (paid, payment_status.as_str(), verification.as_str()),
            (39_005, "partial", "verified")
        );
        // The owner's commission: 390.05 at the organization's 7.25 % = 28.278625 → 28.28.
        assert_eq!(
            commission(app, deal_id),
            Some((39_005, 725, 2_828, 2_828, "pending".into()))
        );
        assert!(
            !vera.get("/verifier?min=400&max=400").body.contains(&number),
            "decided: out of the queue"
        );
        assert!(
            vera.get("/verifier?status=verified&min=390.05&max=390.05")
                .body
                .contains(&number)
        );
        let audited: i64 = audit_log::table
            .filter(audit_log::entity_type.eq("payment"))
            .filter(audit_log::action.eq("update"))
            .filter(audit_log::actor_email.eq("verifier@demo.test"))
            .count()
            .get_result(&mut app.conn())
            .expect("audit");
        assert_eq!(audited, 1);

        // The salesperson is told, sees the badge, the note, the invoice and the decision.
        let notes = unread(app, "sales@demo.test", "payment_verified");
        assert_eq!(notes[0].0, format!("Payment {number} verified"));
        let mut sam = app.signed_in("sales@demo.test");
        let home = sam.get("/sales/payments");
        assert!(
            home.body
                .contains("class=\"badge\" href=\"/notifications\"")
        );
        let list = strip_tags(&sam.get("/notifications").body);
        assert!(
            list.contains(&format!("Payment {number} verified")),
            "{list}"
        );
        let page = strip_tags(&sam.get(&format!("/sales/payments/{id}")).body);
        assert!(
            page.contains(&format!(
                "{invoice_number} (issued): 325.04 USD + 20 % tax 65.01 USD = 390.05 USD"
            )),
            "{page}"
        );
        assert!(page.contains("Step 1: approved by Vera Verifier"), "{page}");
        // Deciding again: the payment is no longer pending.
        let r = decide(
            &mut app.signed_in("nadia.nguyen@demo.test"),
            id,
            &approve(""),
        );
        assert_eq!(r.status, 409, "decided already");
        let body = strip_tags(&r.body);
        assert!(
            body.contains("This payment was verified before your decision"),
            "{body}"
        );
        assert!(
            !body.contains("Save the decision"),
            "no decision form on a decided payment"
        );
    }
);

dual!(
    a_rejection_needs_a_reason_and_a_comment_and_tells_why,
    |app| {
        let (id, number, _) = pending_payment(app, "250");
        let mut nadia = app.signed_in("nadia.nguyen@demo.test");
        let r = decide(
            &mut nadia,
            id,
            &[
                ("decision", "reject"),
                ("received", ""),
                ("failure_reason", ""),
                ("comment", " "),
            ],
        );
        assert_eq!(r.status, 422);
        let body = strip_tags(&r.body);
        assert!(body.contains("Choose why the payment failed."), "{body}");
        assert!(body.contains("Say what went wrong"), "{body}");
        assert_eq!(state(app, id).0, "pending");
        // A received amount above the recorded one is refused, the value kept.
        let r = decide(&mut nadia, id, &approve("250.01"));
        assert_eq!(r.status, 422);
        assert!(r.body.contains("value=\"250.01\""));
        let r = decide(
            &mut nadia,
            id,
            &[
                ("decision", "reject"),
                ("received", ""),
                ("failure_reason", "cheque_bounce"),
                ("comment", "The bank returned it."),
            ],
        );
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        let (status, _, invoice, ..) = state(app, id);
        assert_eq!(
            (status.as_str(), invoice.as_str()),
            ("rejected", "rejected")
        );
        let reason: Option<String> = payments::table
            .filter(payments::public_id.eq(id))
            .select(payments::failure_reason)
            .first(&mut app.conn())
            .expect("payment");
        assert_eq!(reason.as_deref(), Some("cheque_bounce"));
        let notes = unread(app, "sales@demo.test", "payment_rejected");
        assert_eq!(notes[0].0, format!("Payment {number} rejected"));
        assert!(
            notes[0].1.contains("Cheque bounce. The bank returned it."),
            "{}",
            notes[0].1
        );
        assert_eq!(notes[0].2, "high");
    }
);

dual!(the_creator_cannot_decide_and_others_are_kept_out, |app| {
    // The admin may record and verify, but not their own payment.
    let admin_id: i64 = users::table
        .filter(users::email.eq("admin@demo.test"))
        .select(users::id)
        .first(&mut app.conn())
        .expect("admin");
    let client: i64 = clients::table
        .filter(clients::organization_id.eq(1))
        .filter(clients::is_active.eq(true))
        .filter(clients::balance_status.ne("bad_debt"))
        .order(clients::id)
        .select(clients::id)
        .first(&mut app.conn())
        .expect("client");
    diesel::update(clients::table.find(client))
        .set(clients::created_by_id.eq(admin_id))
        .execute(&mut app.conn())
        .expect("hand a client to the admin");
    let mut admin = app.signed_in("admin@demo.test");
    let deal = new_deal(&mut admin, app, "admin@demo.test", "500");
    let r = record(&mut admin, &deal, &pay("100", "advance", today()), None);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let id: PublicId = payments::table
        .order(payments::id.desc())
        .select(payments::public_id)
        .first(&mut app.conn())
        .expect("payment");
    let page = strip_tags(&admin.get(&format!("/verifier/payments/{id}")).body);
    assert!(page.contains("You recorded this payment"), "{page}");
    let r = decide(&mut admin, id, &approve(""));
    assert_eq!(r.status, 403);
    assert_eq!(state(app, id).0, "pending");
    assert!(steps(app, id).is_empty());
    // Without payments.verify: 403; another organization's verifier: 404.
    let mut sam = app.signed_in("sales@demo.test");
    assert_eq!(sam.get("/verifier").status, 403);
    assert_eq!(sam.get(&format!("/verifier/payments/{id}")).status, 403);
    let mut acme = app.signed_in("verifier@acme.test");
    assert_eq!(acme.get(&format!("/verifier/payments/{id}")).status, 404);
    assert_eq!(
        acme.get(&format!("/verifier/payments/{id}/receipt")).status,
        404
    );
    let token = acme.get("/verifier").csrf();
    let mut fields = approve("");
    fields.push(("csrf_token", &token));
    let r = acme.post_form(&format!("/verifier/payments/{id}/decision"), &fields);
    assert_eq!(r.status, 404);
    assert!(!acme.get("/verifier").body.contains(&id.to_string()));
});

dual!(above_the_threshold_a_second_verifier_must_approve, |app| {
    diesel::update(organizations::table.filter(organizations::name.eq("Demo Traders")))
        .set(organizations::second_approval_threshold_minor.eq(Some(30_000_i64)))
        .execute(&mut app.conn())
        .expect("threshold");
    let (id, number, _) = pending_payment(app, "300.01");
    let mut vera = app.signed_in("verifier@demo.test");
    let r = decide(&mut vera, id, &approve(""));
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    assert_eq!(state(app, id).0, "pending", "one approval is not enough");
    assert_eq!(
        unread(app, "sales@demo.test", "payment_needs_second_approval").len(),
        1
    );
    let queue = vera.get("/verifier?min=300.01&max=300.01");
    assert_eq!(queue.cell(&number, "Status"), "Second approval");
    // The same verifier cannot give the second approval.
    let r = decide(&mut vera, id, &approve(""));
    assert_eq!(r.status, 409);
    assert!(strip_tags(&r.body).contains("You approved this payment already"));
    assert_eq!(state(app, id).0, "pending");
    let r = decide(
        &mut app.signed_in("nadia.nguyen@demo.test"),
        id,
        &approve(""),
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    assert_eq!(state(app, id).0, "verified");
    assert_eq!(
        steps(app, id),
        [
            (1, "approved".into(), "verifier@demo.test".into()),
            (2, "approved".into(), "nadia.nguyen@demo.test".into())
        ]
    );
    // At the threshold exactly, one approval does.
    let (id, _, _) = pending_payment(app, "300");
    assert_eq!(decide(&mut vera, id, &approve("")).status, 303);
    assert_eq!(state(app, id).0, "verified");
});

dual!(two_verifiers_deciding_at_once_one_decision_lands, |app| {
    for round in 0..3 {
        let (id, _, _) = pending_payment(app, "100");
        let mut vera = app.signed_in("verifier@demo.test");
        let mut nadia = app.signed_in("nadia.nguyen@demo.test");
        // Both have the form open; both send at once.
        let page = format!("/verifier/payments/{id}");
        let action = format!("{page}/decision");
        let mut yes = approve("");
        let token_a = vera.get(&page).csrf();
        yes.push(("csrf_token", &token_a));
        let token_b = nadia.get(&page).csrf();
        let no = [
            ("decision", "reject"),
            ("received", ""),
            ("failure_reason", "other"),
            ("comment", "Not on the statement."),
            ("csrf_token", &token_b),
        ];
        let gate = std::sync::Barrier::new(2);
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| {
                gate.wait();
                vera.post_form(&action, &yes).status
            });
            let b = s.spawn(|| {
                gate.wait();
                nadia.post_form(&action, &no).status
            });
            (a.join().expect("a"), b.join().expect("b"))
        });
        let mut statuses = [a, b];
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [303, 409],
            "round {round}: exactly one decision lands"
        );
        assert_eq!(steps(app, id).len(), 1, "round {round}");
        let status = state(app, id).0;
        assert!(status == "verified" || status == "rejected");
    }
});

dual!(a_failing_step_leaves_nothing_changed, |app| {
    let (id, _, deal) = pending_payment(app, "400");
    // Break the invoice step: the payment's invoice is gone and its next number is taken.
    let org: i64 = payments::table
        .filter(payments::public_id.eq(id))
        .select(payments::organization_id)
        .first(&mut app.conn())
        .expect("org");
    let pid: i64 = payments::table
        .filter(payments::public_id.eq(id))
        .select(payments::id)
        .first(&mut app.conn())
        .expect("id");
    diesel::delete(invoices::table.filter(invoices::payment_id.eq(pid)))
        .execute(&mut app.conn())
        .expect("delete invoice");
    diesel::update(
        number_sequences::table
            .filter(number_sequences::organization_id.eq(org))
            .filter(number_sequences::kind.like("invoice-%")),
    )
    .set(number_sequences::last_value.eq(0))
    .execute(&mut app.conn())
    .expect("rewind");
    let notes_before: i64 = user_notifications::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    let r = decide(&mut app.signed_in("verifier@demo.test"), id, &approve(""));
    assert_eq!(r.status, 500);
    let (status, received, verified_by): (String, Option<i64>, Option<i64>) = payments::table
        .filter(payments::public_id.eq(id))
        .select((
            payments::status,
            payments::received_amount_minor,
            payments::verified_by_id,
        ))
        .first(&mut app.conn())
        .expect("payment");
    assert_eq!(
        (status.as_str(), received, verified_by),
        ("pending", None, None)
    );
    assert!(steps(app, id).is_empty());
    let deal_id: PublicId = deal
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id");
    let paid: i64 = deals::table
        .filter(deals::public_id.eq(deal_id))
        .select(deals::paid_minor)
        .first(&mut app.conn())
        .expect("deal");
    assert_eq!(paid, 0);
    let notes_after: i64 = user_notifications::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(notes_after, notes_before);
});

dual!(a_refund_takes_a_verified_payment_back_everywhere, |app| {
    commission_at_the_organizations_rate(app);
    let (id, number, deal) = pending_payment(app, "400");
    let mut nadia = app.signed_in("nadia.nguyen@demo.test");
    let page = format!("/verifier/payments/{id}");
    let action = format!("{page}/reversal");
    // Only a verified payment can be taken back.
    let r = nadia.submit(
        &page,
        &action,
        &[("to", "refunded"), ("reason", "Returned")],
    );
    assert_eq!(r.status, 409);
    assert_eq!(decide(&mut nadia, id, &approve("")).status, 303);
    let deal_id: PublicId = deal
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id");
    let paid = |app: &TestApp| -> (i64, String) {
        deals::table
            .filter(deals::public_id.eq(deal_id))
            .select((deals::paid_minor, deals::payment_status))
            .first(&mut app.conn())
            .expect("deal")
    };
    assert_eq!(paid(app), (40_000, "partial".into()));
    assert_eq!(
        commission(app, deal_id),
        Some((40_000, 725, 2_900, 2_900, "pending".into()))
    );
    // A reason is required; the choice is kept.
    let r = nadia.submit(&page, &action, &[("to", "bad_debt"), ("reason", "  ")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("value=\"bad_debt\" checked"));
    assert!(strip_tags(&r.body).contains("Enter the reason."));
    let r = nadia.submit(
        &page,
        &action,
        &[
            ("to", "refunded"),
            ("reason", "Client cancelled the order."),
        ],
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let (status, _, invoice, ..) = state(app, id);
    assert_eq!(
        (status.as_str(), invoice.as_str()),
        ("refunded", "refunded")
    );
    assert_eq!(paid(app), (0, "initial".into()));
    assert_eq!(
        commission(app, deal_id),
        None,
        "nothing verified, no commission"
    );
    let notes = unread(app, "sales@demo.test", "payment_refunded");
    assert_eq!(notes[0].0, format!("Payment {number} refunded"));
    assert!(notes[0].1.ends_with("Client cancelled the order."));
    let timeline = strip_tags(&app.signed_in("sales@demo.test").get(&deal).body);
    assert!(
        timeline.contains(&format!(
            "Payment {number} refunded: Client cancelled the order."
        )),
        "{timeline}"
    );
});

dual!(
    a_refund_reopens_an_approved_commission_and_leaves_a_paid_one,
    |app| {
        commission_at_the_organizations_rate(app);
        let mut nadia = app.signed_in("nadia.nguyen@demo.test");
        let mut max = app.signed_in("manager@demo.test");
        let deal_of = |deal: &str| -> PublicId {
            deal.rsplit('/')
                .next()
                .and_then(|s| s.parse().ok())
                .expect("id")
        };
        let commission_id = |deal: PublicId| -> PublicId {
            commissions::table
                .inner_join(deals::table)
                .filter(deals::public_id.eq(deal))
                .select(commissions::public_id)
                .first(&mut app.conn())
                .expect("commission")
        };
        let refund = |c: &mut crate::common::Client, id: PublicId| {
            let page = format!("/verifier/payments/{id}");
            let r = c.submit(
                &page,
                &format!("{page}/reversal"),
                &[("to", "refunded"), ("reason", "Returned to the client.")],
            );
            assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        };
        for settled in ["approve", "pay"] {
            let (id, _, deal) = pending_payment(app, "400");
            let deal = deal_of(&deal);
            assert_eq!(decide(&mut nadia, id, &approve("")).status, 303);
            let c = commission_id(deal);
            let page = format!("/commissions/{c}");
            for step in ["approve", "pay"] {
                let r = max.submit(&page, &format!("{page}/{step}"), &[]);
                assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
                if step == settled {
                    break;
                }
            }
            refund(&mut nadia, id);
            let after = commission(app, deal);
            if settled == "approve" {
                // To be approved again on what was really received: nothing.
                assert_eq!(after, Some((0, 725, 0, 0, "pending".into())));
            } else {
                // Paid stays paid, as it was paid.
                assert_eq!(after, Some((40_000, 725, 2_900, 2_900, "paid".into())));
            }
        }
    }
);
