//! Quotes, orders and contracts: a won lead becomes a quote with its client; each move's role
//! gate; items keep their price when the catalog changes; stock under concurrent orders for the
//! last units; the fulfiller's queue; fulfilment activates a contract, which expires by itself,
//! is announced once, renews and closes. On both databases.

use chrono::Duration;
use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::{Client, Resp, TestApp};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{
    clients, contracts, durations, leads, notifications, order_items, orders, organizations,
    partner_days, price_tiers, products, user_notifications, users,
};

fn org_id(app: &TestApp) -> i64 {
    organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("org")
}

fn product(app: &TestApp, name: &str) -> (i64, PublicId) {
    products::table
        .filter(products::organization_id.eq(org_id(app)))
        .filter(products::name.eq(name))
        .select((products::id, products::public_id))
        .first(&mut app.conn())
        .expect("product")
}

fn duration(app: &TestApp, months: i32) -> PublicId {
    durations::table
        .filter(durations::organization_id.eq(org_id(app)))
        .filter(durations::months.eq(months))
        .select(durations::public_id)
        .first(&mut app.conn())
        .expect("duration")
}

fn quote(c: &mut Client, fields: &[(&str, &str)]) -> Resp {
    c.submit("/partner/orders/new", "/partner/orders", fields)
}

fn act(c: &mut Client, order: &str, action: &str, reason: &str) -> Resp {
    c.submit(
        order,
        &format!("{order}/action"),
        &[("action", action), ("reason", reason)],
    )
}

fn status_of(app: &TestApp, order: &str) -> String {
    let id: PublicId = order
        .trim_start_matches("/partner/orders/")
        .parse()
        .expect("id");
    orders::table
        .filter(orders::public_id.eq(id))
        .select(orders::status)
        .first(&mut app.conn())
        .expect("order")
}

dual!(a_won_lead_becomes_a_quote_an_order_and_a_contract, |app| {
    let mut pat = app.signed_in("partner@demo.test");
    // A lead of Pat's, won.
    let r = pat.submit(
        "/partner/leads/new",
        "/partner/leads",
        &[
            ("title", "Firewalls for Orion Labs"),
            ("company_name", "Orion Labs"),
            ("contact_email", "it@orion.example"),
        ],
    );
    let lead = r.location().to_string();
    for to in ["negotiation", "won"] {
        let r = pat.submit(&lead, &format!("{lead}/move"), &[("to", to)]);
        assert_eq!(r.status, 303);
    }
    assert!(pat.get(&lead).body.contains("Turn into a quote"));
    let lead_id = lead.trim_start_matches("/partner/leads/").to_string();
    let (_, firewall) = product(app, "Managed Firewall");
    let (backup_id, backup) = product(app, "Cloud Backup");
    let year = duration(app, 12).to_string();
    let two = duration(app, 24).to_string();
    // Bad items: each named; nothing stored.
    let before: i64 = orders::table
        .count()
        .get_result(&mut app.conn())
        .expect("n");
    let r = quote(&mut pat, &[("lead", &lead_id)]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Add at least one item"));
    let r = quote(
        &mut pat,
        &[
            ("lead", &lead_id),
            ("item_0_product", &firewall.to_string()),
            ("item_0_quantity", "2"),
            ("item_1_product", &backup.to_string()),
            ("item_1_quantity", "zero"),
        ],
    );
    assert_eq!(r.status, 422);
    let text = strip_tags(&r.body);
    assert!(
        text.contains("Item 2: give a whole number of units"),
        "{text}"
    );
    let r = quote(
        &mut pat,
        &[
            ("lead", &lead_id),
            ("item_0_product", &firewall.to_string()),
            ("item_0_quantity", "2"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(
        strip_tags(&r.body)
            .contains("Managed Firewall is a subscription; choose how long it runs.")
    );
    assert_eq!(
        orders::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .expect("n"),
        before
    );

    // The quote: 25 firewall sites for a year (graduated) and 11 TB of backup for two years.
    let r = quote(
        &mut pat,
        &[
            ("lead", &lead_id),
            ("item_0_product", &firewall.to_string()),
            ("item_0_quantity", "25"),
            ("item_0_duration", &year),
            ("item_1_product", &backup.to_string()),
            ("item_1_quantity", "11"),
            ("item_1_duration", &two),
            ("notes_internal", "Asked for a fast start"),
        ],
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let order = r.location().to_string();
    let (number, subtotal, discount, tax, total, client, partner): (
        String,
        i64,
        i64,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
    ) = orders::table
        .filter(
            orders::public_id.eq(order
                .trim_start_matches("/partner/orders/")
                .parse::<PublicId>()
                .expect("id")),
        )
        .select((
            orders::order_number,
            orders::subtotal_minor,
            orders::discount_minor,
            orders::tax_minor,
            orders::total_minor,
            orders::client_id,
            orders::partner_id,
        ))
        .first(&mut app.conn())
        .expect("order");
    assert!(number.starts_with("ORD-") && number.len() == 10, "{number}");
    // 11,730.00 + 2,640.00; 5 % off the backup (132.00); 20 % tax on 14,238.00.
    assert_eq!((subtotal, discount), (1_437_000, 13_200));
    assert_eq!((tax, total), (284_760, 1_708_560));
    let client_name: String = clients::table
        .find(client.expect("a client"))
        .select(clients::name)
        .first(&mut app.conn())
        .expect("client");
    assert_eq!(client_name, "Orion Labs");
    let northwind = crate::partner_leads::partner_id(app, "Northwind");
    assert_eq!(partner, Some(northwind));

    // A later price change does not touch the quote.
    diesel::update(price_tiers::table.filter(price_tiers::product_id.eq(backup_id)))
        .set(price_tiers::unit_price_e4.eq(990_000_i64))
        .execute(&mut app.conn())
        .expect("reprice");
    let items: Vec<i64> = order_items::table
        .inner_join(orders::table)
        .filter(orders::order_number.eq(&number))
        .filter(orders::organization_id.eq(org_id(app)))
        .select(order_items::unit_price_e4)
        .order(order_items::id)
        .load(&mut app.conn())
        .expect("items");
    assert_eq!(items, vec![391_000, 100_000]); // 977.50 a month over 25 sites: 39.10 each
    let print = strip_tags(&pat.get(&format!("{order}/quote")).body);
    assert!(print.contains(&format!("Quote {number}")) && print.contains("Orion Labs"));
    let pdf = pat.get(&format!("{order}/quote.pdf"));
    assert_eq!(pdf.status, 200);
    assert!(pdf.bytes.starts_with(b"%PDF"));

    // The role gates: a partner sends but neither fulfils nor cancels.
    assert_eq!(act(&mut pat, &order, "start", "").status, 403);
    assert_eq!(act(&mut pat, &order, "cancel", "no").status, 403);
    let mut finn = app.signed_in("fulfiller@demo.test");
    assert_eq!(
        act(&mut finn, &order, "start", "").status,
        422,
        "a draft is not fulfilled"
    );
    assert_eq!(act(&mut finn, &order, "send", "").status, 403);
    assert_eq!(act(&mut pat, &order, "send", "").status, 303);
    assert_eq!(status_of(app, &order), "sent");
    // The queue, oldest first, holds it.
    let queue = finn.get("/partner/orders/queue");
    assert!(queue.body.contains(&number));
    assert_eq!(act(&mut finn, &order, "start", "").status, 303);
    assert_eq!(act(&mut finn, &order, "fulfil", "").status, 303);
    assert_eq!(status_of(app, &order), "fulfilled");
    // Fulfilled: a contract for the longest duration (24 months), worth its subscriptions.
    let (ctr, start, end, value, renewed): (
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        i64,
        Option<i64>,
    ) = contracts::table
        .inner_join(orders::table)
        .filter(orders::order_number.eq(&number))
        .filter(orders::organization_id.eq(org_id(app)))
        .select((
            contracts::contract_number,
            contracts::activation_date,
            contracts::expiration_date,
            contracts::total_value_minor,
            contracts::renewed_from_id,
        ))
        .first(&mut app.conn())
        .expect("a contract");
    assert!(ctr.starts_with("CTR-"));
    assert!((end - start).num_days() >= 730 && (end - start).num_days() <= 731);
    assert_eq!((value, renewed), (1_423_800, None));
    assert!(strip_tags(&pat.get(&order).body).contains(&ctr));
    // The fulfilment counted on the organization's day, as a rebuild finds it.
    let rows = |app: &TestApp| -> Vec<(chrono::NaiveDate, i64, i64, i64)> {
        partner_days::table
            .filter(partner_days::organization_id.eq(org_id(app)))
            .order((
                partner_days::day,
                partner_days::partner_id,
                partner_days::distributor_id,
            ))
            .select((
                partner_days::day,
                partner_days::partner_id,
                partner_days::orders,
                partner_days::revenue_minor,
            ))
            .load(&mut app.conn())
            .expect("rows")
    };
    let kept = rows(app);
    dealdesk::partner::dashboard::rollup::rebuild(&mut app.conn(), org_id(app)).expect("rebuild");
    assert_eq!(rows(app), kept);
    // No cancelling what is fulfilled, even for an admin.
    let mut ada = app.signed_in("admin@demo.test");
    let r = act(&mut ada, &order, "cancel", "Too late");
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("cannot be cancelled"));
    crate::partner_dashboard::counts_hold(app);
});

dual!(
    concurrent_orders_for_the_last_units_leave_stock_at_zero,
    |app| {
        let (router_id, router) = product(app, "Edge Router R1");
        diesel::update(products::table.find(router_id))
            .set(products::stock.eq(3))
            .execute(&mut app.conn())
            .expect("stock");
        let router = router.to_string();
        let results: Vec<Resp> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..8)
                .map(|k| {
                    let router = router.clone();
                    s.spawn(move || {
                        let who = if k % 2 == 0 {
                            "partner@demo.test"
                        } else {
                            "admin@demo.test"
                        };
                        let mut c = app.signed_in(who);
                        let token = c.get("/partner/orders/new").csrf();
                        c.post_form(
                            "/partner/orders",
                            &[
                                ("csrf_token", token.as_str()),
                                ("item_0_product", router.as_str()),
                                ("item_0_quantity", "1"),
                            ],
                        )
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("worker"))
                .collect()
        });
        let made = results.iter().filter(|r| r.status == 303).count();
        let refused: Vec<&Resp> = results.iter().filter(|r| r.status == 422).collect();
        assert_eq!((made, refused.len()), (3, 5));
        for r in refused {
            assert!(
                strip_tags(&r.body).contains("Edge Router R1 is out of stock"),
                "{}",
                strip_tags(&r.body)
            );
        }
        let stock: i32 = products::table
            .find(router_id)
            .select(products::stock)
            .first(&mut app.conn())
            .expect("stock");
        assert_eq!(stock, 0);
        // An admin cancels one: its unit comes back; the reason is kept as an internal note.
        let order = results
            .iter()
            .find(|r| r.status == 303)
            .expect("one made")
            .location()
            .to_string();
        let mut ada = app.signed_in("admin@demo.test");
        let r = act(&mut ada, &order, "cancel", "  ");
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Say why the order is cancelled"));
        assert_eq!(act(&mut ada, &order, "cancel", "Ordered twice").status, 303);
        let (stock, note): (i32, Option<String>) = products::table
            .find(router_id)
            .select(products::stock)
            .first::<i32>(&mut app.conn())
            .map(|s| (s, None))
            .expect("stock");
        assert_eq!((stock, note), (1, None));
        let kept: Option<String> = orders::table
            .filter(
                orders::public_id.eq(order
                    .trim_start_matches("/partner/orders/")
                    .parse::<PublicId>()
                    .expect("id")),
            )
            .select(orders::notes_internal)
            .first(&mut app.conn())
            .expect("order");
        assert!(kept.unwrap_or_default().contains("Ordered twice"));
    }
);

/// The "Active contracts" figure of a user's `/partner`.
fn active_on_dashboard(c: &mut Client) -> i64 {
    let text = strip_tags(&c.get("/partner").body);
    let after = text
        .split("Active contracts ")
        .nth(1)
        .unwrap_or_else(|| panic!("no active contracts figure in {text}"));
    after
        .split_whitespace()
        .next()
        .and_then(|n| n.replace(',', "").parse().ok())
        .expect("a number")
}

/// Active contracts not past their date that the user's channel holds, counted from the rows.
fn active_in(app: &TestApp, email: &str) -> i64 {
    use dealdesk::schema::distributor_partners;
    let (partner, distributor): (Option<i64>, Option<i64>) = users::table
        .filter(users::email.eq(email))
        .select((users::partner_id, users::distributor_id))
        .first(&mut app.conn())
        .expect("user");
    let mut q = contracts::table
        .filter(contracts::organization_id.eq(org_id(app)))
        .filter(contracts::status.eq("active"))
        .filter(contracts::expiration_date.gt(dealdesk::db::now()))
        .into_boxed();
    if let Some(p) = partner {
        q = q.filter(contracts::partner_id.eq(p));
    } else if let Some(d) = distributor {
        let theirs: Vec<i64> = distributor_partners::table
            .filter(distributor_partners::distributor_id.eq(d))
            .filter(distributor_partners::is_active.eq(true))
            .select(distributor_partners::partner_id)
            .load(&mut app.conn())
            .expect("assignments");
        q = q.filter(
            contracts::distributor_id
                .eq(d)
                .or(contracts::partner_id.eq_any(theirs)),
        );
    }
    let n: i64 = q.count().get_result(&mut app.conn()).expect("count");
    assert!(n > 0, "{email} holds active contracts in the demo");
    n
}

dual!(contracts_expire_are_announced_once_renew_and_close, |app| {
    use dealdesk::partner::contracts::expiry::run_once;
    let now = dealdesk::db::now();
    // What the demo has due now is announced first, as the task does on its first pass.
    run_once(&mut app.conn(), now).expect("first pass");
    // One of Northwind's active contracts: made to expire in ten days, another already past.
    let northwind = crate::partner_leads::partner_id(app, "Northwind");
    let mine: Vec<(i64, PublicId)> = contracts::table
        .filter(contracts::partner_id.eq(northwind))
        .filter(contracts::status.eq("active"))
        .filter(contracts::expiration_date.gt(now + Duration::days(40)))
        .select((contracts::id, contracts::public_id))
        .order(contracts::id)
        .limit(2)
        .load(&mut app.conn())
        .expect("contracts");
    assert_eq!(mine.len(), 2, "the demo gives Northwind long contracts");
    let (soon, soon_public) = mine[0];
    let (past, past_public) = mine[1];
    diesel::update(contracts::table.find(soon))
        .set((
            contracts::expiration_date.eq(now + Duration::days(10)),
            contracts::expiry_notified_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(&mut app.conn())
        .expect("soon");
    diesel::update(contracts::table.find(past))
        .set(contracts::expiration_date.eq(now - Duration::hours(1)))
        .execute(&mut app.conn())
        .expect("past");
    // Before the task runs, the page already says expired; the expiring list holds the other.
    let mut pat = app.signed_in("partner@demo.test");
    let page = strip_tags(&pat.get(&format!("/partner/contracts/{past_public}")).body);
    assert!(page.contains("Expired"), "{page}");
    let expiring = pat.get("/partner/contracts?view=expiring").body;
    assert!(expiring.contains(&soon_public.to_string()));
    assert!(
        !pat.get("/partner/contracts")
            .body
            .contains(&past_public.to_string())
    );
    assert!(
        pat.get("/partner/contracts?view=expired")
            .body
            .contains(&past_public.to_string())
    );

    // The dashboards' active figure leaves the lapsed one out before the task stores it, for the
    // partner and for the distributor (whose reach is its own rows and its partners').
    assert_eq!(
        active_on_dashboard(&mut pat),
        active_in(app, "partner@demo.test")
    );
    let mut dan = app.signed_in("distributor@demo.test");
    assert_eq!(
        active_on_dashboard(&mut dan),
        active_in(app, "distributor@demo.test")
    );

    let pat_id: i64 = users::table
        .filter(users::email.eq("partner@demo.test"))
        .select(users::id)
        .first(&mut app.conn())
        .expect("pat");
    let notes = |app: &TestApp| -> i64 {
        user_notifications::table
            .inner_join(notifications::table)
            .filter(user_notifications::user_id.eq(pat_id))
            .filter(notifications::kind.eq("contract_expiring"))
            .count()
            .get_result(&mut app.conn())
            .expect("notes")
    };
    let before = notes(app);
    let first = run_once(&mut app.conn(), now).expect("pass");
    assert_eq!((first.expired, first.notified), (1, 1), "{first:?}");
    assert_eq!(notes(app), before + 1);
    let again = run_once(&mut app.conn(), now).expect("pass");
    assert_eq!(again, Default::default(), "each notice once");
    let stored: String = contracts::table
        .find(past)
        .select(contracts::status)
        .first(&mut app.conn())
        .expect("status");
    assert_eq!(stored, "expired");

    // Renewal: a new order and a contract from the old one's end, linked.
    let mut ada = app.signed_in("admin@demo.test");
    let page = format!("/partner/contracts/{soon_public}");
    let r = ada.submit(&page, &format!("{page}/renew"), &[]);
    assert_eq!(r.status, 303);
    let new_page = r.location().to_string();
    assert_ne!(new_page, page);
    let (renewed_from, start): (Option<i64>, chrono::NaiveDateTime) = contracts::table
        .filter(
            contracts::public_id.eq(new_page
                .trim_start_matches("/partner/contracts/")
                .parse::<PublicId>()
                .expect("id")),
        )
        .select((contracts::renewed_from_id, contracts::activation_date))
        .first(&mut app.conn())
        .expect("renewal");
    assert_eq!(renewed_from, Some(soon));
    assert!((start - (now + Duration::days(10))).num_seconds().abs() < 5);
    assert!(strip_tags(&ada.get(&page).body).contains("Renewed by"));
    // Closing needs a reason and an active contract.
    let r = ada.submit(
        &page,
        &format!("{page}/close"),
        &[("outcome", "lost"), ("reason", "")],
    );
    assert_eq!(r.status, 422);
    let r = ada.submit(
        &page,
        &format!("{page}/close"),
        &[("outcome", "lost"), ("reason", "Moved to a rival")],
    );
    assert_eq!(r.status, 303);
    let r = ada.submit(
        &page,
        &format!("{page}/close"),
        &[("outcome", "upgraded"), ("reason", "x")],
    );
    assert_eq!(r.status, 422);
    let past_page = format!("/partner/contracts/{past_public}");
    let r = ada.submit(
        &past_page,
        &format!("{past_page}/close"),
        &[("outcome", "cancelled"), ("reason", "x")],
    );
    assert_eq!(r.status, 422, "an expired contract is not closed");
    // The kept contract counts follow the task, the renewal and the close.
    crate::partner_dashboard::counts_hold(app);
    let mut ada = app.signed_in("admin@demo.test");
    assert_eq!(
        active_on_dashboard(&mut ada),
        active_in(app, "admin@demo.test")
    );
    assert_eq!(
        active_on_dashboard(&mut dan),
        active_in(app, "distributor@demo.test")
    );
    // Partners renew nothing they cannot manage; a salesperson sees no contract.
    let mut finn = app.signed_in("fulfiller@demo.test");
    assert_eq!(
        finn.submit(&page, &format!("{page}/renew"), &[]).status,
        403
    );
    assert_eq!(
        app.signed_in("sales@demo.test")
            .get("/partner/contracts")
            .status,
        403
    );
});

dual!(orders_follow_the_channel_scope, |app| {
    let initech = crate::partner_leads::partner_id(app, "Initech");
    let foreign: PublicId = orders::table
        .filter(orders::partner_id.eq(initech))
        .select(orders::public_id)
        .first(&mut app.conn())
        .expect("an Initech order");
    let mut pat = app.signed_in("partner@demo.test");
    assert_eq!(pat.get(&format!("/partner/orders/{foreign}")).status, 404);
    assert_eq!(
        pat.get(&format!("/partner/orders/{foreign}/quote.pdf"))
            .status,
        404
    );
    let list = pat.get("/partner/orders").body;
    assert!(!list.contains(&foreign.to_string()));
    // The exports hold the scope's rows only: the partner's orders and contracts, every one.
    let northwind = crate::partner_leads::partner_id(app, "Northwind");
    let theirs: i64 = orders::table
        .filter(orders::partner_id.eq(northwind))
        .count()
        .get_result(&mut app.conn())
        .expect("orders");
    let rows = crate::partner_leads::exported(&mut pat, "/partner/orders/export.csv");
    assert_eq!(rows.len() as i64, theirs);
    assert!(rows.iter().all(|r| r[2].starts_with("Northwind")));
    let fulfilled =
        crate::partner_leads::exported(&mut pat, "/partner/orders/export.csv?status=fulfilled");
    assert!(!fulfilled.is_empty() && fulfilled.iter().all(|r| &r[1] == "Fulfilled"));
    let contracts_of: i64 = contracts::table
        .filter(contracts::partner_id.eq(northwind))
        .count()
        .get_result(&mut app.conn())
        .expect("contracts");
    let rows = crate::partner_leads::exported(&mut pat, "/partner/contracts/export.csv?view=all");
    assert_eq!(rows.len() as i64, contracts_of);
    assert!(rows.iter().all(|r| r[2].starts_with("Northwind")));
    let mut ada = app.signed_in("admin@demo.test");
    assert_eq!(ada.get(&format!("/partner/orders/{foreign}")).status, 200);
    let all: i64 = orders::table
        .filter(orders::organization_id.eq(org_id(app)))
        .count()
        .get_result(&mut app.conn())
        .expect("orders");
    assert_eq!(
        crate::partner_leads::exported(&mut ada, "/partner/orders/export.csv").len() as i64,
        all
    );
    assert_eq!(
        app.signed_in("sales@demo.test")
            .get("/partner/orders/export.csv")
            .status,
        403
    );
    // A lead not won is no quote.
    let open: PublicId = leads::table
        .filter(leads::organization_id.eq(org_id(app)))
        .filter(leads::status.eq("new"))
        .filter(leads::partner_id.is_not_null())
        .filter(leads::partner_id.ne(initech))
        .select(leads::public_id)
        .first(&mut app.conn())
        .expect("an open lead");
    let (_, router) = product(app, "Edge Router R1");
    let r = quote(
        &mut pat,
        &[
            ("lead", &open.to_string()),
            ("item_0_product", &router.to_string()),
            ("item_0_quantity", "1"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Only a won lead becomes a quote"));
});
