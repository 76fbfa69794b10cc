//! Money when people act at once, through the real forms on real connections (threads released
//! together by a barrier), on both databases: a verifier's decision against the salesperson's
//! edit, delete and cancel; two verifiers on one payment; many payments on one deal; many
//! decisions of one organization's day. Whatever the order, exactly what one person after the
//! other could have done lands, a loser hears 409 (or the 403/404 of a payment that is no longer
//! there to change), nobody gets a 5xx, and afterwards the books agree (`common::books`).

use std::sync::Barrier;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::prelude::*;

use crate::common::{Client, TestApp, books};
use crate::dual;
use crate::sales_payments::{new_deal, pay, record, today};
use crate::verification::{approve, pending_payment};
use dealdesk::db::PublicId;
use dealdesk::schema::{deals, organizations, payments};

/// What a run saw, for its closing line (`cargo test -- --nocapture` prints it).
#[derive(Default)]
struct Tally {
    attempts: AtomicUsize,
    conflicts: AtomicUsize,
    server_errors: AtomicUsize,
}

impl Tally {
    fn saw(&self, status: u16) -> u16 {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        if status == 409 {
            self.conflicts.fetch_add(1, Ordering::Relaxed);
        }
        if status >= 500 {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
        }
        status
    }

    fn report(&self, app: &TestApp, what: &str, b: &books::Books) {
        let errors = self.server_errors.load(Ordering::Relaxed);
        println!(
            "races {:?} {what}: {} attempts, {} refused with 409, 5xx {errors}, inconsistencies 0 \
             ({} deals, {} payments, {} verified, {} invoice numbers without a hole)",
            app.backend,
            self.attempts.load(Ordering::Relaxed),
            self.conflicts.load(Ordering::Relaxed),
            b.deals,
            b.payments,
            b.verified,
            b.invoice_numbers,
        );
        assert_eq!(errors, 0, "{what}: no 5xx");
    }
}

fn org(app: &TestApp) -> i64 {
    organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("org")
}

fn deal_of(app: &TestApp, payment: PublicId) -> i64 {
    payments::table
        .filter(payments::public_id.eq(payment))
        .select(payments::deal_id)
        .first(&mut app.conn())
        .expect("deal")
}

/// A POST prepared with the page's CSRF token, to be sent later by another thread.
fn prepared(c: &mut Client, page: &str, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let token = c.get(page).csrf();
    let mut all = vec![("csrf_token".to_string(), token)];
    all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    all
}

fn post(c: &mut Client, action: &str, fields: &[(String, String)]) -> u16 {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(action, &pairs).status
}

/// The multipart body of an edit of a payment to `amount`, with the token.
fn edit_body(token: &str, amount: &str) -> (String, Vec<u8>) {
    let boundary = "dealdesk-race-boundary";
    let mut body = String::new();
    let mut fields = vec![("csrf_token", token)];
    fields.extend(pay(amount, "advance", today()));
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// One round: a verifier approves the payment while its creator does `other`; both released at
/// once. Gives (the approval's status, the other's status).
fn against_approval(app: &TestApp, tally: &Tally, other: &str) -> (PublicId, i64, u16, u16) {
    let (id, _, deal_url) = pending_payment(app, "100");
    let deal = deal_of(app, id);
    let mut vera = app.signed_in("verifier@demo.test");
    let mut sam = app.signed_in("sales@demo.test");
    let page = format!("/verifier/payments/{id}");
    let yes = prepared(&mut vera, &page, &approve(""));
    let payment_page = format!("/sales/payments/{id}");
    let form: Box<dyn Fn(&mut Client) -> u16 + Sync> = match other {
        "delete" => {
            let f = prepared(&mut sam, &payment_page, &[]);
            let a = format!("{payment_page}/delete");
            Box::new(move |c: &mut Client| post(c, &a, &f))
        }
        "edit" => {
            let token = sam.get(&format!("{payment_page}/edit")).csrf();
            let (ct, body) = edit_body(&token, "60");
            let a = payment_page.clone();
            Box::new(move |c: &mut Client| c.post_raw(&a, &ct, &body).status)
        }
        _ => {
            let cancel = format!("{deal_url}/cancel");
            let f = prepared(&mut sam, &cancel, &[("reason", "The client walked away")]);
            Box::new(move |c: &mut Client| post(c, &cancel, &f))
        }
    };
    let gate = Barrier::new(2);
    let decision = format!("{page}/decision");
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| {
            gate.wait();
            tally.saw(post(&mut vera, &decision, &yes))
        });
        let b = s.spawn(|| {
            gate.wait();
            tally.saw(form(&mut sam))
        });
        (a.join().expect("approval"), b.join().expect("other"))
    });
    (id, deal, a, b)
}

fn status_of(app: &TestApp, id: PublicId) -> Option<(String, i64)> {
    payments::table
        .filter(payments::public_id.eq(id))
        .select((payments::status, payments::amount_minor))
        .first(&mut app.conn())
        .optional()
        .expect("payment")
}

const ROUNDS: usize = 6;

dual!(an_approval_and_a_delete_never_both_land, |app| {
    let tally = Tally::default();
    let mut deals_seen = Vec::new();
    for round in 0..ROUNDS {
        let (id, deal, approval, delete) = against_approval(app, &tally, "delete");
        deals_seen.push(deal);
        match status_of(app, id) {
            // Deleted first: the approval found nothing to decide.
            None => assert_eq!((approval, delete), (404, 303), "round {round}"),
            Some((status, _)) => {
                assert_eq!(
                    (status.as_str(), approval),
                    ("verified", 303),
                    "round {round}"
                );
                assert!(
                    matches!(delete, 403 | 409),
                    "round {round}: delete {delete}"
                );
            }
        }
    }
    let b = books::assert_agree(app, org(app), &deals_seen);
    tally.report(app, "approve vs delete", &b);
});

dual!(an_approval_and_an_edit_land_one_after_the_other, |app| {
    let tally = Tally::default();
    let mut deals_seen = Vec::new();
    for round in 0..ROUNDS {
        let (id, deal, approval, edit) = against_approval(app, &tally, "edit");
        deals_seen.push(deal);
        let (status, amount) = status_of(app, id).expect("payment");
        assert_eq!(
            (status.as_str(), approval),
            ("verified", 303),
            "round {round}"
        );
        // Edited first, then approved as edited; or approved first and the edit refused.
        match edit {
            303 => assert_eq!(amount, 6_000, "round {round}"),
            403 | 409 => assert_eq!(amount, 10_000, "round {round}"),
            other => panic!("round {round}: edit answered {other}"),
        }
    }
    let b = books::assert_agree(app, org(app), &deals_seen);
    tally.report(app, "approve vs edit", &b);
});

dual!(a_cancelled_deal_never_holds_verified_money, |app| {
    let tally = Tally::default();
    let mut deals_seen = Vec::new();
    for round in 0..ROUNDS {
        let (id, deal, approval, cancel) = against_approval(app, &tally, "cancel");
        deals_seen.push(deal);
        let deal_status: String = deals::table
            .find(deal)
            .select(deals::status)
            .first(&mut app.conn())
            .expect("deal");
        let (status, _) = status_of(app, id).expect("payment");
        if deal_status == "cancelled" {
            assert_eq!(
                (status.as_str(), approval),
                ("pending", 409),
                "round {round}"
            );
        } else {
            assert_eq!(
                (status.as_str(), approval),
                ("verified", 303),
                "round {round}"
            );
            // Refused at once (the deal was locked when the form was read) or under the lock.
            assert!(
                matches!(cancel, 303 | 409),
                "round {round}: cancel {cancel}"
            );
        }
    }
    let b = books::assert_agree(app, org(app), &deals_seen);
    tally.report(app, "approve vs cancel", &b);
});

dual!(many_payments_at_once_never_pass_the_deals_amount, |app| {
    let tally = Tally::default();
    let mut deals_seen = Vec::new();
    for round in 0..3 {
        let mut sam = app.signed_in("sales@demo.test");
        let deal_url = new_deal(&mut sam, app, "sales@demo.test", "100.00");
        let clients: Vec<Client> = (0..8).map(|_| app.signed_in("sales@demo.test")).collect();
        let gate = Barrier::new(clients.len());
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = clients
                .into_iter()
                .map(|mut c| {
                    let (gate, deal_url, tally) = (&gate, &deal_url, &tally);
                    s.spawn(move || {
                        let token = c.get(&format!("{deal_url}/payments/new")).csrf();
                        let (ct, body) = edit_body(&token, "30");
                        gate.wait();
                        tally.saw(
                            c.post_raw(&format!("{deal_url}/payments"), &ct, &body)
                                .status,
                        )
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("payment"))
                .collect()
        });
        let accepted = statuses.iter().filter(|s| **s == 303).count();
        let refused = statuses.iter().filter(|s| **s == 422).count();
        assert_eq!((accepted, refused), (3, 5), "round {round}: {statuses:?}");
        let public: PublicId = deal_url
            .rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
            .expect("deal id");
        deals_seen.push(
            deals::table
                .filter(deals::public_id.eq(public))
                .select(deals::id)
                .first(&mut app.conn())
                .expect("deal"),
        );
    }
    let b = books::assert_agree(app, org(app), &deals_seen);
    tally.report(app, "8 payments of 30.00 on a 100.00 deal", &b);
});

dual!(many_decisions_of_one_day_at_once_all_land, |app| {
    let tally = Tally::default();
    // Two deals with four payments each, and eight more each on its own deal: decisions on one
    // deal's payments and on one organization day, by two verifiers at once.
    let mut sam = app.signed_in("sales@demo.test");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let deal_url = new_deal(&mut sam, app, "sales@demo.test", "1,000.00");
        for _ in 0..4 {
            let r = record(&mut sam, &deal_url, &pay("50", "partial", today()), None);
            assert_eq!(r.status, 303);
            ids.push(
                payments::table
                    .order(payments::id.desc())
                    .select(payments::public_id)
                    .first::<PublicId>(&mut app.conn())
                    .expect("payment"),
            );
        }
    }
    for _ in 0..8 {
        ids.push(pending_payment(app, "70").0);
    }
    let deals_seen: Vec<i64> = {
        let mut d: Vec<i64> = ids.iter().map(|id| deal_of(app, *id)).collect();
        d.dedup();
        d
    };
    let mut vera = app.signed_in("verifier@demo.test");
    let mut nadia = app.signed_in("nadia.nguyen@demo.test");
    let reject = [
        ("decision", "reject"),
        ("received", ""),
        ("failure_reason", "other"),
        ("comment", "Not on the statement."),
    ];
    // Vera approves the even ones, Nadia rejects the odd ones, each in her own thread.
    let work = |c: &mut Client, odd: bool| -> Vec<(String, Vec<(String, String)>)> {
        ids.iter()
            .enumerate()
            .filter(|(i, _)| (i % 2 == 1) == odd)
            .map(|(_, id)| {
                let page = format!("/verifier/payments/{id}");
                let fields = if odd {
                    prepared(c, &page, &reject)
                } else {
                    prepared(c, &page, &approve(""))
                };
                (format!("{page}/decision"), fields)
            })
            .collect()
    };
    let (vera_work, nadia_work) = (work(&mut vera, false), work(&mut nadia, true));
    let gate = Barrier::new(2);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let run = |mut c: Client, jobs: Vec<(String, Vec<(String, String)>)>| {
            let (gate, tally) = (&gate, &tally);
            s.spawn(move || {
                gate.wait();
                jobs.iter()
                    .map(|(action, fields)| tally.saw(post(&mut c, action, fields)))
                    .collect::<Vec<_>>()
            })
        };
        let a = run(vera, vera_work);
        let b = run(nadia, nadia_work);
        let mut all = a.join().expect("vera");
        all.extend(b.join().expect("nadia"));
        all
    });
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let decided: i64 = payments::table
        .filter(payments::public_id.eq_any(&ids))
        .filter(payments::status.ne("pending"))
        .count()
        .get_result(&mut app.conn())
        .expect("decided");
    assert_eq!(decided, ids.len() as i64);
    let b = books::assert_agree(app, org(app), &deals_seen);
    tally.report(app, "16 decisions of one day by two verifiers", &b);
});
