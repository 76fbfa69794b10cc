//! /sales/deals: numbers from the one allocator (unique under concurrent creators), the form's
//! checks, the scope, the activity log; on both databases.

use std::collections::BTreeSet;

use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use dealdesk::db::{PublicId, write_tx};
use dealdesk::schema::{audit_log, clients, deal_activities, deals, organization_stats, users};

pub(crate) fn own_client(app: &TestApp, email: &str) -> String {
    clients::table
        .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
        .filter(users::email.eq(email))
        .filter(clients::is_active.eq(true))
        .select(clients::public_id)
        .first::<PublicId>(&mut app.conn())
        .expect("client")
        .to_string()
}

pub(crate) fn deal_form<'a>(client: &'a str, amount: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("client", client),
        ("amount", amount),
        ("deal_date", "2026-11-20"),
        ("due_date", "2026-12-20"),
        ("source", "referral"),
        ("project", ""),
        ("payment_method", "bank_transfer"),
        ("description", "Annual supply"),
    ]
}

dual!(
    a_salesperson_creates_a_numbered_deal_others_cannot_see,
    |app| {
        let mut sam = app.signed_in("sales@demo.test");
        let client = own_client(app, "sales@demo.test");
        let r = sam.submit(
            "/sales/deals/new",
            "/sales/deals",
            &deal_form(&client, "1,250.50"),
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page = sam.get(r.location());
        let text = strip_tags(&page.body);
        assert!(text.contains("Deal DLID1501 is created."), "{text}");
        assert!(text.contains("1,250.50 USD") && text.contains("Outstanding 1,250.50 USD"));
        assert!(text.contains("Created the deal, by Sam Seller"));
        let deal_url = r.location().to_string();
        let (id, number, amount, creator): (i64, String, i64, i64) = deals::table
            .order(deals::id.desc())
            .select((
                deals::id,
                deals::deal_number,
                deals::amount_minor,
                deals::created_by_id,
            ))
            .first(&mut app.conn())
            .expect("deal");
        assert_eq!((number.as_str(), amount), ("DLID1501", 125_050));
        let activities: i64 = deal_activities::table
            .filter(deal_activities::deal_id.eq(id))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(activities, 1);
        let audited: i64 = audit_log::table
            .filter(audit_log::entity_type.eq("deal"))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(audited, 1);
        let counted: i64 = organization_stats::table
            .filter(organization_stats::organization_id.eq(1))
            .select(organization_stats::deals_total)
            .first(&mut app.conn())
            .expect("stats");
        assert_eq!(counted, 1501, "the demo's 1,500 and this one");
        assert_eq!(
            sam.get("/sales/deals")
                .column("Deal")
                .first()
                .map(String::as_str),
            Some("DLID1501")
        );

        // A colleague sees nothing of it; the manager does, with its owner.
        let mut lena = app.signed_in("lena.lopez@demo.test");
        assert_eq!(lena.get(&deal_url).status, 404);
        let hers = lena.get("/sales/deals");
        assert!(!hers.column("Deal").is_empty(), "her own demo deals");
        assert!(!hers.body.contains("DLID1501"));
        let mut max = app.signed_in("manager@demo.test");
        let list = max.get("/sales/deals");
        assert_eq!(list.cell(">DLID1501</a>", "Owner"), "Sam Seller");
        assert_eq!(max.get(&deal_url).status, 200);
        let sam_id: i64 = users::table
            .filter(users::email.eq("sales@demo.test"))
            .select(users::id)
            .first(&mut app.conn())
            .expect("sam");
        assert_eq!(creator, sam_id);
        // Another organization's admin: 404.
        assert_eq!(app.signed_in("admin@acme.test").get(&deal_url).status, 404);
    }
);

dual!(the_deal_form_refuses_bad_input_and_keeps_it, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let colleague_client = own_client(app, "lena.lopez@demo.test");
    let mut fields = deal_form(&colleague_client, "-5");
    fields[2] = ("deal_date", "2026-11-20");
    fields[3] = ("due_date", "2026-11-01");
    fields[4] = ("source", "television");
    let r = sam.submit("/sales/deals/new", "/sales/deals", &fields);
    assert_eq!(r.status, 422);
    for msg in [
        "Choose one of your clients",
        "The due date cannot be before the deal",
        "Choose where the deal came from.",
    ] {
        assert!(r.body.contains(msg), "{msg}");
    }
    assert!(
        r.body.contains("Annual supply"),
        "the description typed is kept"
    );
    assert!(r.body.contains("value=\"-5\""));
    let none: i64 = deals::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(none, 1540, "the demo's deals only");
    // A colleague's client is not even offered.
    let form = sam.get("/sales/deals/new");
    assert!(!form.body.contains(&colleague_client));
    // Without deals.create, no form.
    assert_eq!(
        app.signed_in("verifier@demo.test")
            .get("/sales/deals/new")
            .status,
        403
    );
});

dual!(deal_numbers_stay_unique_under_concurrent_creators, |app| {
    let org = dealdesk::orgs::find_organization_by_name(&mut app.conn(), "Demo Traders")
        .expect("query")
        .expect("org");
    let numbers: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..6)
            .map(|_| {
                s.spawn(|| {
                    let mut conn = app.conn();
                    (0..10)
                        .map(|_| {
                            write_tx(&mut conn, |c| {
                                dealdesk::numbers::next(c, org, dealdesk::numbers::DEAL)
                            })
                            .expect("allocate")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    let unique: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), 60, "no number twice");
    let expected: BTreeSet<String> = (1501..=1560).map(|n| format!("DLID{n:04}")).collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );

    // And through the form, four salespeople at once.
    let people = [
        "sales@demo.test",
        "lena.lopez@demo.test",
        "omar.okafor@demo.test",
        "priya.patel@demo.test",
    ];
    std::thread::scope(|s| {
        for email in people {
            let client = own_client(app, email);
            s.spawn(move || {
                let mut c = app.signed_in(email);
                for _ in 0..3 {
                    let r = c.submit(
                        "/sales/deals/new",
                        "/sales/deals",
                        &deal_form(&client, "100"),
                    );
                    assert_eq!(r.status, 303, "{email}: {}", r.body);
                }
            });
        }
    });
    let made: Vec<String> = deals::table
        .filter(deals::organization_id.eq(org.id()))
        .filter(deals::deal_number.gt("DLID1500"))
        .select(deals::deal_number)
        .load(&mut app.conn())
        .expect("deals");
    let unique: BTreeSet<&String> = made.iter().collect();
    assert_eq!((made.len(), unique.len()), (12, 12));
    assert!(made.iter().all(|n| n.as_str() > "DLID1560"));
});

dual!(
    a_deal_is_edited_and_cancelled_until_a_payment_is_verified,
    |app| {
        let mut sam = app.signed_in("sales@demo.test");
        let client = own_client(app, "sales@demo.test");
        let r = sam.submit(
            "/sales/deals/new",
            "/sales/deals",
            &deal_form(&client, "500"),
        );
        let url = r.location().to_string();
        let form = sam.get(&format!("{url}/edit"));
        assert!(
            form.body.contains("value=\"500.00\""),
            "the form holds the deal"
        );
        let mut fields = deal_form(&client, "750.25");
        let r = sam.submit(&format!("{url}/edit"), &url, &fields);
        assert_eq!((r.status, r.location()), (303, url.as_str()));
        let page = strip_tags(&sam.get(&url).body);
        assert!(page.contains("750.25 USD") && page.contains("Edited"));
        assert!(page.contains("Edited the deal, by Sam Seller"));
        let (original, amount): (bool, i64) = deals::table
            .order(deals::id.desc())
            .select((deals::is_original, deals::amount_minor))
            .first(&mut app.conn())
            .expect("deal");
        assert_eq!((original, amount), (false, 75_025));
        let (old, new): (Option<String>, Option<String>) = deal_activities::table
            .filter(deal_activities::action.eq("edited"))
            .select((deal_activities::old_values, deal_activities::new_values))
            .first(&mut app.conn())
            .expect("activity");
        assert_eq!(old.as_deref(), Some(r#"{"amount":"500.00 USD"}"#));
        assert_eq!(new.as_deref(), Some(r#"{"amount":"750.25 USD"}"#));
        // Bad input comes back with the values typed.
        fields[1] = ("amount", "lots");
        let r = sam.submit(&format!("{url}/edit"), &url, &fields);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("value=\"lots\""));
        // A colleague can neither open nor change it.
        let mut lena = app.signed_in("lena.lopez@demo.test");
        assert_eq!(lena.get(&format!("{url}/edit")).status, 404);
        assert_eq!(
            lena.submit("/sales/deals", &format!("{url}/cancel"), &[("reason", "x")])
                .status,
            404
        );
        // Cancel needs a reason.
        let r = sam.submit(
            &format!("{url}/cancel"),
            &format!("{url}/cancel"),
            &[("reason", " ")],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Say why the deal is cancelled"));
        let r = sam.submit(
            &format!("{url}/cancel"),
            &format!("{url}/cancel"),
            &[("reason", "The client merged with another")],
        );
        assert_eq!(r.status, 303);
        let page = strip_tags(&sam.get(&url).body);
        assert!(
            page.contains("is cancelled.")
                && page.contains("Cancelled the deal: The client merged with another")
        );
        assert!(!page.contains("Cancel deal…"), "no more actions");
        let r = sam.submit(&url, &url, &deal_form(&client, "900"));
        assert_eq!((r.status, r.location()), (303, url.as_str()));
        assert!(sam.get(&url).body.contains("can no longer change"));
        // A verified payment locks a deal too.
        let r = sam.submit(
            "/sales/deals/new",
            "/sales/deals",
            &deal_form(&client, "500"),
        );
        let paid_url = r.location().to_string();
        let newest: i64 = deals::table
            .select(diesel::dsl::max(deals::id))
            .first::<Option<i64>>(&mut app.conn())
            .expect("max")
            .expect("a deal");
        diesel::update(deals::table.find(newest))
            .set(deals::paid_minor.eq(10_000))
            .execute(&mut app.conn())
            .expect("paid");
        let r = sam.get(&format!("{paid_url}/edit"));
        assert_eq!((r.status, r.location()), (303, paid_url.as_str()));
    }
);

dual!(deal_filters_and_the_export_keep_to_the_scope, |app| {
    let id_of = |email: &str| -> (i64, String) {
        let (id, p): (i64, PublicId) = users::table
            .filter(users::email.eq(email))
            .select((users::id, users::public_id))
            .first(&mut app.conn())
            .expect("user");
        (id, p.to_string())
    };
    let (sam, sam_public) = id_of("sales@demo.test");
    let count = |owner: Option<i64>, min: i64, max: i64| -> i64 {
        let mut q = deals::table
            .filter(deals::organization_id.eq(1))
            .filter(deals::amount_minor.ge(min))
            .filter(deals::amount_minor.le(max))
            .into_boxed();
        if let Some(o) = owner {
            q = q.filter(deals::created_by_id.eq(o));
        }
        q.count().get_result(&mut app.conn()).expect("count")
    };
    // The manager narrows to Sam's deals between 1,000 and 10,000 dollars.
    let mut max = app.signed_in("manager@demo.test");
    let page = max.get(&format!(
        "/sales/deals?owner={sam_public}&min=1%2C000&max=10000.00"
    ));
    assert_eq!(page.status, 200);
    let shown = page.column("Deal").len() as i64;
    assert_eq!(shown, count(Some(sam), 100_000, 1_000_000).min(50));
    assert!(shown > 0);
    assert!(page.column("Owner").iter().all(|o| o == "Sam Seller"));
    let bad = max.get("/sales/deals?min=lots&payment=gift");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("value=\"lots\"") && bad.body.contains("Choose from the list."));
    // A salesperson has no owner filter; another's id gives nothing.
    let mut lena = app.signed_in("lena.lopez@demo.test");
    let own = lena.get("/sales/deals");
    assert!(!own.body.contains("name=\"owner\""));
    assert!(
        lena.get(&format!("/sales/deals?owner={sam_public}"))
            .column("Deal")
            .is_empty()
    );
    // Her export holds her deals only, and is audited.
    let (lena_id, _) = id_of("lena.lopez@demo.test");
    let csv = lena.get("/sales/deals/export.csv");
    assert_eq!(csv.status, 200);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.body.as_bytes())
        .records()
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(rows.len() as i64, count(Some(lena_id), 0, i64::MAX));
    assert!(rows.iter().all(|r| &r[9] == "Lena Lopez" && &r[3] == "USD"));
    let exported: i64 = audit_log::table
        .filter(audit_log::action.eq("export"))
        .filter(audit_log::entity_type.eq("deal"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(exported, 1);
    assert_eq!(lena.get("/sales/deals/export.csv?min=lots").status, 400);
});

dual!(a_new_deal_brings_its_new_client_along, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let clients_before: i64 = clients::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    // A bad e-mail for the new client: nothing is created, the typed values stay.
    let mut fields = deal_form("", "900");
    fields.extend([
        ("new_client_name", "Harbour Lights Ltd"),
        ("new_client_email", "not-an-address"),
        ("new_client_phone", ""),
    ]);
    let r = sam.submit("/sales/deals/new", "/sales/deals", &fields);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("value=\"Harbour Lights Ltd\""));
    assert!(strip_tags(&r.body).contains("e-mail"), "the e-mail error");
    // Both an existing client and a new one: which is meant is asked.
    let existing = own_client(app, "sales@demo.test");
    let mut both = deal_form(&existing, "900");
    both.push(("new_client_name", "Harbour Lights Ltd"));
    let r = sam.submit("/sales/deals/new", "/sales/deals", &both);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("not both"));
    let after_refusals: i64 = clients::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(after_refusals, clients_before);

    fields[9] = ("new_client_email", "buyer@harbour.test");
    let r = sam.submit("/sales/deals/new", "/sales/deals", &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = strip_tags(&sam.get(r.location()).body);
    assert!(page.contains("Harbour Lights Ltd"), "{page}");
    let (owner, email): (String, Option<String>) = clients::table
        .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
        .filter(clients::name.eq("Harbour Lights Ltd"))
        .select((users::email, clients::email))
        .first(&mut app.conn())
        .expect("the new client");
    assert_eq!(owner, "sales@demo.test");
    assert_eq!(email.as_deref(), Some("buyer@harbour.test"));
    let deal_client: String = deals::table
        .inner_join(clients::table)
        .order(deals::id.desc())
        .select(clients::name)
        .first(&mut app.conn())
        .expect("deal");
    assert_eq!(deal_client, "Harbour Lights Ltd");
    let audited: i64 = audit_log::table
        .filter(audit_log::entity_type.eq("client"))
        .filter(audit_log::action.eq("create"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(audited, 1);
});

dual!(a_deal_in_another_currency_counts_at_its_rate, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let mut fields = deal_form("", "1,000.00");
    fields.extend([
        ("new_client_name", "Euro Buyer GmbH"),
        ("currency", "EUR"),
        ("exchange_rate", ""),
    ]);
    // Another currency needs its rate to the organization's.
    let r = sam.submit("/sales/deals/new", "/sales/deals", &fields);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("worth in USD"), "{}", strip_tags(&r.body));
    let last = fields.len() - 1;
    fields[last] = ("exchange_rate", "1.1");
    let r = sam.submit("/sales/deals/new", "/sales/deals", &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    let deal_url = r.location().to_string();
    let page = strip_tags(&sam.get(&deal_url).body);
    assert!(page.contains("1,000.00 EUR"), "{page}");
    assert!(page.contains("1,100.00 USD in the organization"), "{page}");
    let (deal_id, amount_org): (i64, i64) = deals::table
        .order(deals::id.desc())
        .select((deals::id, deals::amount_org_minor))
        .first(&mut app.conn())
        .expect("deal");
    assert_eq!(amount_org, 110_000);
    let outstanding: i64 = clients::table
        .filter(clients::name.eq("Euro Buyer GmbH"))
        .select(clients::outstanding_minor)
        .first(&mut app.conn())
        .expect("client");
    assert_eq!(outstanding, 110_000, "the client owes in USD");

    // A payment in the deal's currency counts at the deal's rate in USD.
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Duration::days(2)).to_string();
    let r = sam.submit_multipart(
        &format!("{deal_url}/payments/new"),
        &format!("{deal_url}/payments"),
        &[
            ("category", "advance"),
            ("method", "cash"),
            ("amount", "400"),
            ("currency", "EUR"),
            ("exchange_rate", ""),
            ("payment_date", yesterday.as_str()),
            ("cheque_number", ""),
            ("bank_reference", ""),
            ("notes", ""),
        ],
        None,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let (counted, counted_org): (i64, i64) = dealdesk::schema::payments::table
        .filter(dealdesk::schema::payments::deal_id.eq(deal_id))
        .select((
            dealdesk::schema::payments::counted_minor,
            dealdesk::schema::payments::counted_org_minor,
        ))
        .first(&mut app.conn())
        .expect("payment");
    assert_eq!((counted, counted_org), (40_000, 44_000));

    // With a payment on it, the deal keeps its currency.
    let edit = format!("{deal_url}/edit");
    let client = own_client_named(app, "Euro Buyer GmbH");
    let mut change = deal_form(&client, "1,000.00");
    change.extend([("currency", "USD"), ("exchange_rate", "")]);
    let r = sam.submit(&edit, &deal_url, &change);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("keeps that currency"));
});

fn own_client_named(app: &TestApp, name: &str) -> String {
    clients::table
        .filter(clients::name.eq(name))
        .select(clients::public_id)
        .first::<PublicId>(&mut app.conn())
        .expect("client")
        .to_string()
}
