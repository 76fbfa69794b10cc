//! /sales: the dashboard's figures come from the rollups and agree with the payments they sum;
//! the scope holds there as everywhere; a manager looks at one salesperson; on both databases.

use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{deals, payments, users};

fn range() -> String {
    let today = chrono::Utc::now().date_naive();
    format!(
        "/sales?period=custom&from={}&to={}",
        today - chrono::Duration::days(400),
        today + chrono::Duration::days(1)
    )
}

/// The verified sum of the user's deals' payments, as the page writes money.
fn verified_of(app: &TestApp, email: &str) -> String {
    let rows: Vec<i64> = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .inner_join(users::table.on(users::id.eq(deals::created_by_id)))
        .filter(users::email.eq(email))
        .filter(payments::status.eq("verified"))
        .select(payments::counted_minor)
        .load(&mut app.conn())
        .expect("payments");
    dealdesk::domain::money::money(rows.iter().sum(), "USD")
}

dual!(the_dashboard_sums_the_scope_and_nothing_else, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let page = sam.get(&range());
    assert_eq!(page.status, 200);
    let text = strip_tags(&page.body);
    assert!(text.contains("Your sales"), "{text}");
    let expected = verified_of(app, "sales@demo.test");
    assert!(
        text.contains(&format!("Verified sales {expected}")),
        "{expected} in {text}"
    );
    assert!(
        page.body.contains("<svg class=\"chart\"")
            && page.body.contains("id=\"sales-chart-title\"")
    );
    assert!(text.contains("The figures as a table"));
    // The latest payments are the scope's only.
    let (lena_txn,): (String,) = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .inner_join(users::table.on(users::id.eq(deals::created_by_id)))
        .filter(users::email.eq("lena.lopez@demo.test"))
        .order(payments::id.desc())
        .select((payments::transaction_number,))
        .first(&mut app.conn())
        .expect("lena's payment");
    assert!(!text.contains(&lena_txn));
    assert!(
        strip_tags(&app.signed_in("lena.lopez@demo.test").get(&range()).body).contains(&lena_txn)
    );
    // Looking at a colleague is for those whose scope holds them.
    let lena_id: PublicId = users::table
        .filter(users::email.eq("lena.lopez@demo.test"))
        .select(users::public_id)
        .first(&mut app.conn())
        .expect("lena");
    assert_eq!(sam.get(&format!("/sales?user={lena_id}")).status, 404);
    let mut manager = app.signed_in("manager@demo.test");
    let text = strip_tags(&manager.get(&format!("{}&user={lena_id}", range())).body);
    assert!(text.contains("Sales of Lena Lopez"), "{text}");
    let expected = verified_of(app, "lena.lopez@demo.test");
    assert!(
        text.contains(&format!("Verified sales {expected}")),
        "{expected} in {text}"
    );
    let org = strip_tags(&manager.get("/sales?period=year").body);
    assert!(org.contains("Sales of the organization"), "{org}");
    let board = &org[org.find("Leaderboard").expect("leaderboard")..];
    assert!(
        board.contains("Lena Lopez") && board.contains("Field Sales") && board.contains("Teams"),
        "{board}"
    );
    // Bad periods are refused with the page and a message, never a 500.
    assert_eq!(sam.get("/sales?period=decade").status, 422);
    assert_eq!(
        sam.get("/sales?period=custom&from=2026-02-01&to=2026-01-01")
            .status,
        422
    );
    assert_eq!(
        sam.get("/sales?period=custom&from=2020-01-01&to=2026-01-01")
            .status,
        422
    );
});

dual!(a_new_payment_shows_as_awaiting_verification, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let waiting = |text: &str| -> i64 {
        let at =
            text.find("Awaiting verification ").expect("figure") + "Awaiting verification ".len();
        text[at..]
            .split_whitespace()
            .next()
            .expect("n")
            .parse()
            .expect("number")
    };
    let before = waiting(&strip_tags(&sam.get("/sales").body));
    let client: PublicId = dealdesk::schema::clients::table
        .inner_join(users::table.on(users::id.eq(dealdesk::schema::clients::created_by_id)))
        .filter(users::email.eq("sales@demo.test"))
        .filter(dealdesk::schema::clients::is_active.eq(true))
        .select(dealdesk::schema::clients::public_id)
        .first(&mut app.conn())
        .expect("client");
    let client = client.to_string();
    let r = sam.submit(
        "/sales/deals/new",
        "/sales/deals",
        &[
            ("client", client.as_str()),
            ("amount", "900"),
            ("deal_date", "2026-11-01"),
            ("source", "other"),
        ],
    );
    assert_eq!(r.status, 303);
    let deal = r.location().to_string();
    let day = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    let r = sam.submit_multipart(
        &format!("{deal}/payments/new"),
        &format!("{deal}/payments"),
        &[
            ("category", "advance"),
            ("method", "cash"),
            ("amount", "250"),
            ("currency", "USD"),
            ("payment_date", day.as_str()),
        ],
        None,
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let text = strip_tags(&sam.get("/sales").body);
    assert_eq!(waiting(&text), before + 1);
    let (number,): (String,) = payments::table
        .order(payments::id.desc())
        .select((payments::transaction_number,))
        .first(&mut app.conn())
        .expect("payment");
    assert!(
        text.contains(&number) && text.contains("250.00 USD Pending"),
        "{text}"
    );
});
