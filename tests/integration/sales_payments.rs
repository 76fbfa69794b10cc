//! Payments on deals: numbering, every rule of the form, receipts (sniffed, limited, served only
//! within the scope and audited), edits and deletes by the creator while pending, the deal's and
//! client's recomputation, "My payments"; on both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::{Client, PNG, TestApp};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{audit_log, clients, deals, payments, users};

/// A new deal of `amount` for the user's first active client in good standing (the demo's
/// balances move with the date); its page's address.
pub(crate) fn new_deal(c: &mut Client, app: &TestApp, email: &str, amount: &str) -> String {
    let client: PublicId = clients::table
        .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
        .filter(users::email.eq(email))
        .filter(clients::is_active.eq(true))
        .filter(clients::balance_status.ne("bad_debt"))
        .order(clients::id)
        .select(clients::public_id)
        .first(&mut app.conn())
        .expect("client");
    let client = client.to_string();
    let r = c.submit(
        "/sales/deals/new",
        "/sales/deals",
        &[
            ("client", client.as_str()),
            ("amount", amount),
            ("deal_date", "2026-11-01"),
            ("due_date", ""),
            ("source", "referral"),
            ("project", ""),
            ("payment_method", "bank_transfer"),
            ("description", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    r.location().to_string()
}

/// A payment date valid in any of the demo users' zones: two days back.
pub(crate) fn today() -> &'static str {
    static DAY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DAY.get_or_init(|| (chrono::Utc::now().date_naive() - chrono::Duration::days(2)).to_string())
}

pub(crate) fn pay<'a>(
    amount: &'a str,
    category: &'a str,
    date: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("category", category),
        ("method", "bank_transfer"),
        ("amount", amount),
        ("currency", "USD"),
        ("exchange_rate", "1"),
        ("payment_date", date),
        ("cheque_number", ""),
        ("bank_reference", "REF-1"),
        ("notes", "First instalment"),
    ]
}

pub(crate) fn record(
    c: &mut Client,
    deal: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> crate::common::Resp {
    c.submit_multipart(
        &format!("{deal}/payments/new"),
        &format!("{deal}/payments"),
        fields,
        file,
    )
}

type Last = (
    i64,
    PublicId,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn last_payment(app: &TestApp) -> Last {
    payments::table
        .order(payments::id.desc())
        .select((
            payments::id,
            payments::public_id,
            payments::transaction_number,
            payments::status,
            payments::receipt_path,
            payments::receipt_content_type,
        ))
        .first(&mut app.conn())
        .expect("payment")
}

fn deal_state(app: &TestApp, deal_url: &str) -> (String, String, String, i64, String) {
    let id: PublicId = deal_url
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("deal id");
    deals::table
        .filter(deals::public_id.eq(id))
        .select((
            deals::status,
            deals::payment_status,
            deals::verification_status,
            deals::paid_minor,
            deals::client_status,
        ))
        .first(&mut app.conn())
        .expect("deal")
}

dual!(
    a_payment_with_a_receipt_is_recorded_and_seen_only_in_scope,
    |app| {
        let mut sam = app.signed_in("sales@demo.test");
        let deal = new_deal(&mut sam, app, "sales@demo.test", "1,000.00");
        // Numbers run per organization: Demo Traders is the first.
        let before: i64 = payments::table
            .filter(payments::organization_id.eq(1))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        // A PNG named .jpg is taken for what its bytes say.
        let r = record(
            &mut sam,
            &deal,
            &pay("400", "advance", today()),
            Some(("receipt", "scan.jpg", &PNG)),
        );
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        let (_, public_id, number, status, path, kind) = last_payment(app);
        assert_eq!(number, format!("TXN{:06}", before + 1));
        assert_eq!(status, "pending");
        assert_eq!(kind.as_deref(), Some("image/png"));
        let path = path.expect("stored");
        assert!(path.ends_with(".png") && !path.contains("scan"));
        assert!(app.upload_dir().join("receipts").join(&path).exists());
        let page = strip_tags(&sam.get(r.location()).body);
        assert!(
            page.contains(&format!("Payment {number} is recorded")),
            "{page}"
        );
        assert!(page.contains("Pending verification 400.00 USD"), "{page}");
        assert!(page.contains(&format!(
            "Recorded payment {number} of 400.00 USD (advance)"
        )));
        assert_eq!(
            deal_state(app, &deal),
            (
                "in_progress".into(),
                "initial".into(),
                "pending".into(),
                0,
                "pending".into()
            )
        );
        let audited: i64 = audit_log::table
            .filter(audit_log::entity_type.eq("payment"))
            .filter(audit_log::action.eq("create"))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(audited, 1);

        // The receipt: served with its type, named, not sniffable, and each opening audited.
        let receipt = format!("/sales/payments/{public_id}/receipt");
        let r = sam.get(&receipt);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("image/png"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        let policy = r.header("content-security-policy").unwrap_or_default();
        assert!(
            policy.starts_with("sandbox;") && !policy.contains("script"),
            "opened alone, a receipt runs nothing: {policy}"
        );
        assert!(
            r.header("content-disposition")
                .is_some_and(|d| d.contains(&format!("receipt-{number}.png")))
        );
        assert_eq!(app.signed_in("manager@demo.test").get(&receipt).status, 200);
        let views: i64 = audit_log::table
            .filter(audit_log::entity_type.eq("receipt"))
            .filter(audit_log::action.eq("view"))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(views, 2);

        // A colleague outside the scope, and another organization, find nothing.
        let mut lena = app.signed_in("lena.lopez@demo.test");
        assert_eq!(lena.get(&receipt).status, 404);
        assert_eq!(
            lena.get(&format!("/sales/payments/{public_id}")).status,
            404
        );
        assert!(!lena.get("/sales/payments").body.contains(&number));
        assert_eq!(app.signed_in("admin@acme.test").get(&receipt).status, 404);
        assert!(sam.get("/sales/payments").body.contains(&number));
        let pending = sam.get("/sales/payments?status=pending");
        assert!(pending.body.contains(&number));
        assert!(
            !sam.get("/sales/payments?status=verified")
                .body
                .contains(&number)
        );
        assert_eq!(sam.get("/sales/payments?status=lost").status, 422);
    }
);

dual!(the_rules_of_a_payment_refuse_with_the_form_again, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let deal = new_deal(&mut sam, app, "sales@demo.test", "1,000.00");
    let count = |app: &TestApp| -> i64 {
        payments::table
            .count()
            .get_result(&mut app.conn())
            .expect("count")
    };
    let before = count(app);
    let future = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
    let old = (chrono::Utc::now().date_naive() - chrono::Duration::days(400)).to_string();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            pay("1,000.01", "partial", today()),
            "Only 1,000.00 USD is left",
        ),
        (
            pay("600", "final", today()),
            "A final payment completes the deal",
        ),
        (pay("100", "partial", &future), "cannot be in the future"),
        (pay("100", "partial", &old), "at most 365 days back"),
        (pay("0", "partial", today()), "greater than zero"),
    ];
    for (fields, message) in cases {
        let r = record(&mut sam, &deal, &fields, None);
        assert_eq!(r.status, 422, "{message}");
        assert!(strip_tags(&r.body).contains(message), "{message}");
        assert!(
            r.body.contains("value=\"First instalment\"")
                || r.body.contains(">First instalment</textarea>")
        );
    }
    let mut cheque = pay("100", "partial", today());
    cheque[1] = ("method", "cheque");
    let r = record(&mut sam, &deal, &cheque, None);
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("Enter the cheque"));
    cheque[6] = ("cheque_number", "CHQ-77");
    assert_eq!(record(&mut sam, &deal, &cheque, None).status, 303);
    let r = record(&mut sam, &deal, &cheque, None);
    assert_eq!(
        r.status, 422,
        "a cheque number is used once in the organization"
    );
    assert!(strip_tags(&r.body).contains("already recorded"));
    // HTML named .jpg is refused by its bytes; nothing is kept.
    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
    let r = record(
        &mut sam,
        &deal,
        &pay("100", "partial", today()),
        Some(("receipt", "photo.jpg", html)),
    );
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("JPEG, PNG or WebP photo or a PDF"));
    // More than 5 MB is refused while it arrives.
    let big = vec![0_u8; 6 * 1024 * 1024];
    let r = record(
        &mut sam,
        &deal,
        &pay("100", "partial", today()),
        Some(("receipt", "big.pdf", &big)),
    );
    assert_eq!(r.status, 413);
    assert_eq!(count(app), before + 1, "only the first cheque is recorded");
    // The rest of the amount as a final payment completes it; then the deal takes no more.
    assert_eq!(
        record(&mut sam, &deal, &pay("900", "final", today()), None).status,
        303
    );
    // A cancelled deal takes none.
    let other = new_deal(&mut sam, app, "sales@demo.test", "50");
    let r = sam.submit(
        &format!("{other}/cancel"),
        &format!("{other}/cancel"),
        &[("reason", "Client withdrew")],
    );
    assert_eq!(r.status, 303);
    let r = record(&mut sam, &other, &pay("10", "partial", today()), None);
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("This deal is cancelled"));
    // Someone else's deal is not found.
    let mut lena = app.signed_in("lena.lopez@demo.test");
    let token = lena.get("/sales/payments").csrf();
    let r = lena.post_raw(
        &format!("{deal}/payments"),
        "multipart/form-data; boundary=x",
        format!(
            "--x\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--x--\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 404);
});

dual!(the_creator_changes_a_payment_until_it_is_decided, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let deal = new_deal(&mut sam, app, "sales@demo.test", "1,000.00");
    assert_eq!(
        record(
            &mut sam,
            &deal,
            &pay("300", "partial", today()),
            Some(("receipt", "r.png", &PNG))
        )
        .status,
        303
    );
    let (id, public_id, number, _, old_path, _) = last_payment(app);
    let page = format!("/sales/payments/{public_id}");
    let mut fields = pay("350", "partial", today());
    fields.push(("remove_receipt", "1"));
    let r = sam.submit_multipart(&format!("{page}/edit"), &page, &fields, None);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let (amount, path): (i64, Option<String>) = payments::table
        .find(id)
        .select((payments::amount_minor, payments::receipt_path))
        .first(&mut app.conn())
        .expect("payment");
    assert_eq!((amount, path), (35_000, None));
    assert!(
        !app.upload_dir()
            .join("receipts")
            .join(old_path.expect("had one"))
            .exists()
    );
    // Too much on edit is refused too (the payment itself is left out of what is committed).
    let r = sam.submit_multipart(
        &format!("{page}/edit"),
        &page,
        &pay("1,000.50", "partial", today()),
        None,
    );
    assert_eq!(r.status, 422);
    // A colleague may not; once verified, nobody may.
    let mut lena = app.signed_in("lena.lopez@demo.test");
    assert_eq!(lena.get(&format!("{page}/edit")).status, 404);
    let mut manager = app.signed_in("manager@demo.test");
    assert_eq!(
        manager.get(&format!("{page}/edit")).status,
        403,
        "not the creator"
    );
    let mut conn = app.conn();
    diesel::update(payments::table.find(id))
        .set(payments::status.eq("verified"))
        .execute(&mut conn)
        .expect("verify");
    let (deal_id, org): (i64, i64) = payments::table
        .find(id)
        .select((payments::deal_id, payments::organization_id))
        .first(&mut conn)
        .expect("deal");
    let today = chrono::Utc::now().date_naive();
    let recompute = |conn: &mut dealdesk::db::AnyConnection| {
        dealdesk::db::money_tx(conn, org, |c, books| {
            dealdesk::sales::balance::recompute(c, books, deal_id, today, &[])
        })
        .expect("recompute")
    };
    recompute(&mut conn);
    drop(conn);
    assert_eq!(
        deal_state(app, &deal),
        (
            "in_progress".into(),
            "partial".into(),
            "verified".into(),
            35_000,
            "pending".into()
        )
    );
    assert_eq!(sam.get(&format!("{page}/edit")).status, 403);
    let token = sam.get(&page).csrf();
    assert_eq!(
        sam.post_form(&format!("{page}/delete"), &[("csrf_token", &token)])
            .status,
        403
    );
    // A verified payment locks the deal too.
    assert_eq!(
        sam.get(&format!("{deal}/edit")).status,
        303,
        "back to the deal, which says why"
    );
    // The rest, recorded and verified, completes the deal and clears the client.
    assert_eq!(
        record(&mut sam, &deal, &pay("650", "final", super::today()), None).status,
        303
    );
    let (second, ..) = last_payment(app);
    let mut conn = app.conn();
    diesel::update(payments::table.find(second))
        .set(payments::status.eq("verified"))
        .execute(&mut conn)
        .expect("verify");
    recompute(&mut conn);
    drop(conn);
    let state = deal_state(app, &deal);
    assert_eq!(
        (state.0.as_str(), state.1.as_str(), state.3),
        ("completed", "full", 100_000)
    );
    let text = strip_tags(&sam.get(&deal).body);
    assert!(text.contains("This deal is completed"), "{text}");
    assert!(!text.contains("Record a payment"));
    let _ = number;
});

dual!(deleting_a_pending_payment_puts_the_deal_back, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let deal = new_deal(&mut sam, app, "sales@demo.test", "200");
    assert_eq!(
        record(&mut sam, &deal, &pay("200", "final", today()), None).status,
        303
    );
    let (id, public_id, number, ..) = last_payment(app);
    assert_eq!(deal_state(app, &deal).0, "in_progress");
    let page = format!("/sales/payments/{public_id}");
    let token = sam.get(&page).csrf();
    let r = sam.post_form(&format!("{page}/delete"), &[("csrf_token", &token)]);
    assert_eq!(r.status, 303);
    let text = strip_tags(&sam.get(r.location()).body);
    assert!(text.contains(&format!("Payment {number} is deleted.")));
    assert!(text.contains(&format!("Deleted payment {number} of 200.00 USD")));
    let left: i64 = payments::table
        .filter(payments::id.eq(id))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(left, 0);
    assert_eq!(deal_state(app, &deal).0, "pending");
});

dual!(the_client_page_and_list_follow_the_balance, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    // A client of Sam's with no deal yet: clear; a deal makes it pending, with its outstanding.
    let r = sam.submit(
        "/sales/clients/new",
        "/sales/clients",
        &[
            ("name", "Balance Test Ltd"),
            ("email", ""),
            ("phone", ""),
            ("address", ""),
            ("satisfaction", ""),
            ("notes", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let client_url = r.location().to_string();
    let client = client_url.rsplit('/').next().expect("id").to_string();
    assert!(
        strip_tags(&sam.get("/sales/clients?balance=clear&q=Balance+Test").body)
            .contains("Balance Test Ltd")
    );
    let r = sam.submit(
        "/sales/deals/new",
        "/sales/deals",
        &[
            ("client", client.as_str()),
            ("amount", "800"),
            ("deal_date", "2026-11-01"),
            ("due_date", ""),
            ("source", "other"),
            ("project", ""),
            ("payment_method", ""),
            ("description", ""),
        ],
    );
    assert_eq!(r.status, 303);
    let deal = r.location().to_string();
    assert_eq!(
        record(&mut sam, &deal, &pay("300", "advance", today()), None).status,
        303
    );
    let pending = strip_tags(
        &sam.get("/sales/clients?balance=pending&q=Balance+Test")
            .body,
    );
    assert!(
        pending.contains("Balance Test Ltd") && pending.contains("800.00 USD"),
        "{pending}"
    );
    assert!(
        !strip_tags(&sam.get("/sales/clients?balance=clear&q=Balance+Test").body)
            .contains("Balance Test Ltd")
    );
    let page = strip_tags(&sam.get(&client_url).body);
    assert!(page.contains("Outstanding 800.00 USD"), "{page}");
    // Dates read one way on every page: the deal's 2026-11-01 as "1 Nov 2026".
    assert!(
        page.contains("1 Nov 2026") && !page.contains("2026-11-01"),
        "{page}"
    );
    // The open deal is not yet a purchase, and the figure says what it counts.
    assert!(
        page.contains("Completed deals 0.00 USD the worth of deals paid in full"),
        "{page}"
    );
    assert!(
        page.contains("300.00 USD") && page.contains("Pending"),
        "its payment"
    );
    // A colleague outside the scope sees neither the client nor its payment.
    let mut lena = app.signed_in("lena.lopez@demo.test");
    assert_eq!(lena.get(&client_url).status, 404);
    assert!(
        !strip_tags(&lena.get("/sales/clients?q=Balance+Test").body).contains("Balance Test Ltd")
    );
});
