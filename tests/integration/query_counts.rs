//! Every sales, verification and partner page runs the same number of queries whatever the data holds: no query per row,
//! no count that grows with the tables. Counted through diesel's instrumentation on the test
//! server's own connections, before and after the organization grows; on both databases.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::prelude::*;

use crate::common::{Client, TestApp, queries};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{deals, invoices, payments, users};

/// The queries one request of `path` runs: the fewer of two requests, since a session's
/// last-seen time is written at most once a minute.
fn queries_of(client: &mut Client, counter: &AtomicU64, path: &str) -> u64 {
    (0..2)
        .map(|_| {
            let before = counter.load(Ordering::SeqCst);
            let r = client.get(path);
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            counter.load(Ordering::SeqCst) - before
        })
        .min()
        .unwrap_or(u64::MAX)
}

/// The verifier's pages: the queue, a payment, invoices, notifications.
fn verifier_pages(app: &TestApp) -> Vec<String> {
    let (payment, invoice): (PublicId, PublicId) = payments::table
        .inner_join(invoices::table)
        .filter(payments::organization_id.eq(1))
        .filter(payments::status.eq("pending"))
        .order(payments::id)
        .select((payments::public_id, invoices::public_id))
        .first(&mut app.conn())
        .expect("a pending payment");
    [
        "/verifier",
        "/verifier?status=verified&method=cash",
        &format!("/verifier/payments/{payment}"),
        "/invoices",
        "/invoices?status=issued",
        &format!("/invoices/{invoice}"),
        "/notifications",
    ]
    .map(String::from)
    .to_vec()
}

fn pages(app: &TestApp, who: &str) -> Vec<String> {
    if who.starts_with("verifier@") {
        return verifier_pages(app);
    }
    let deal: PublicId = deals::table
        .inner_join(users::table.on(users::id.eq(deals::created_by_id)))
        .filter(users::email.eq("sales@demo.test"))
        .order(deals::id)
        .select(deals::public_id)
        .first(&mut app.conn())
        .expect("a deal of the salesperson");
    [
        "/sales",
        "/sales?period=year",
        "/sales/deals",
        "/sales/deals?status=in_progress&min=100&sort=amount",
        "/sales/deals/board",
        "/sales/clients",
        "/sales/payments",
        "/sales/calls",
        &format!("/sales/deals/{deal}"),
    ]
    .map(String::from)
    .to_vec()
}

fn measure(app: &TestApp, counter: &AtomicU64) -> BTreeMap<(String, String), u64> {
    let mut out = BTreeMap::new();
    for who in ["manager@demo.test", "sales@demo.test", "verifier@demo.test"] {
        let mut client = app.signed_in(who);
        for page in pages(app, who) {
            let n = queries_of(&mut client, counter, &page);
            out.insert((who.to_string(), page), n);
        }
    }
    out
}

dual!(sales_pages_run_as_many_queries_at_any_size, |app| {
    let counter = queries::count(&app.db.url);
    let small = measure(app, &counter);
    dealdesk::loadgen::sales(
        &mut app.conn(),
        "Demo Traders",
        dealdesk::loadgen::Sizes {
            clients: 200,
            deals: 1_500,
            payments: 3_000,
            calls: 800,
        },
    )
    .expect("more data");
    let large = measure(app, &counter);
    queries::forget(&app.db.url);

    assert!(
        small.values().all(|n| (3..=24).contains(n)),
        "a handful of queries a page: {small:?}"
    );
    assert_eq!(small, large, "the same queries with twice the data");
});

/// The partner portal's pages for its four kinds of user.
fn partner_measure(app: &TestApp, counter: &AtomicU64) -> BTreeMap<(String, String), u64> {
    let mut out = BTreeMap::new();
    let everyone = [
        "/partner",
        "/partner?period=year",
        "/partner/leads",
        "/partner/leads?status=won&q=a",
        "/partner/leads/board",
        "/partner/orders",
        "/partner/contracts",
        "/partner/contracts?view=expiring",
        "/partner/activities/overdue",
    ];
    for who in [
        "partner@demo.test",
        "distributor@demo.test",
        "admin@demo.test",
    ] {
        let mut client = app.signed_in(who);
        for page in everyone {
            out.insert(
                (who.to_string(), page.to_string()),
                queries_of(&mut client, counter, page),
            );
        }
    }
    let mut finn = app.signed_in("fulfiller@demo.test");
    for page in ["/partner", "/partner/orders/queue"] {
        out.insert(
            ("fulfiller".to_string(), page.to_string()),
            queries_of(&mut finn, counter, page),
        );
    }
    out
}

dual!(partner_pages_run_as_many_queries_at_any_size, |app| {
    use dealdesk::schema::{lead_status_history, leads};
    let counter = queries::count(&app.db.url);
    let small = partner_measure(app, &counter);
    let before: i64 = leads::table
        .count()
        .get_result(&mut app.conn())
        .expect("leads");
    dealdesk::loadgen::partner(&mut app.conn(), "Demo Traders", 1_400, 1_200).expect("more data");
    let large = partner_measure(app, &counter);
    queries::forget(&app.db.url);

    assert!(
        small.values().all(|n| (3..=24).contains(n)),
        "a handful of queries a page: {small:?}"
    );
    assert_eq!(small, large, "the same queries with more data");
    // The load keeps the counts the site keeps, and gives every new lead its history.
    crate::partner_dashboard::counts_hold(app);
    let after: i64 = leads::table
        .count()
        .get_result(&mut app.conn())
        .expect("leads");
    assert_eq!(after - before, 1_400);
    let without: i64 = leads::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            lead_status_history::table.filter(lead_status_history::lead_id.eq(leads::id)),
        )))
        .filter(leads::title.like("Load lead %"))
        .count()
        .get_result(&mut app.conn())
        .expect("leads without history");
    assert_eq!(without, 0);
    let won_steps: i64 = lead_status_history::table
        .inner_join(leads::table)
        .filter(leads::title.like("Load lead %"))
        .filter(leads::status.eq("won"))
        .count()
        .get_result(&mut app.conn())
        .expect("steps");
    let won: i64 = leads::table
        .filter(leads::title.like("Load lead %"))
        .filter(leads::status.eq("won"))
        .count()
        .get_result(&mut app.conn())
        .expect("won");
    assert!(won > 0);
    assert_eq!(won_steps, won * 6, "filed, then five steps to won");
});
