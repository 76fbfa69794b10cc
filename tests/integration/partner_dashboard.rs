//! The partner dashboard: revenue from `partner_days` equals the fulfilled orders of the
//! viewer's channel; a fulfilment adds to the rollup exactly what a rebuild finds; what each
//! role sees. On both databases.

use chrono::Duration;
use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use dealdesk::schema::{orders, organizations, partner_counts, partner_days, partner_org_days};

fn org_id(app: &TestApp) -> i64 {
    organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("org")
}

type Day = (chrono::NaiveDate, i64, i64, i64, i64);

fn rollup_rows(app: &TestApp) -> Vec<Day> {
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
            partner_days::distributor_id,
            partner_days::orders,
            partner_days::revenue_minor,
        ))
        .load(&mut app.conn())
        .expect("rows")
}

fn org_rows(app: &TestApp) -> Vec<(chrono::NaiveDate, i64, i64)> {
    partner_org_days::table
        .filter(partner_org_days::organization_id.eq(org_id(app)))
        .order(partner_org_days::day)
        .select((
            partner_org_days::day,
            partner_org_days::orders,
            partner_org_days::revenue_minor,
        ))
        .load(&mut app.conn())
        .expect("rows")
}

dual!(revenue_is_the_channels_fulfilled_orders, |app| {
    let northwind = crate::partner_leads::partner_id(app, "Northwind");
    let today = chrono::Utc::now().date_naive();
    let from = (today - Duration::days(1000)).to_string();
    let to = (today + Duration::days(1)).to_string();
    let query = format!("/partner?period=custom&from={from}&to={to}");
    let sum = |partner: Option<i64>| -> i64 {
        let mut q = orders::table
            .filter(orders::organization_id.eq(org_id(app)))
            .filter(orders::status.eq("fulfilled"))
            .select(orders::total_minor)
            .into_boxed();
        if let Some(p) = partner {
            q = q.filter(orders::partner_id.eq(p));
        }
        q.load::<i64>(&mut app.conn()).expect("orders").iter().sum()
    };
    let mut pat = app.signed_in("partner@demo.test");
    let page = pat.get(&query);
    assert_eq!(page.status, 200);
    let text = strip_tags(&page.body);
    let theirs = dealdesk::domain::money::money(sum(Some(northwind)), "USD");
    assert!(
        text.contains(&format!("Revenue (fulfilled orders) {theirs}")),
        "{theirs} in {text}"
    );
    assert!(page.body.contains("<svg class=\"chart\""));
    // The chart reads against its values, and the same figures are a table beside it.
    assert!(
        page.body
            .contains("<div class=\"chart-ticks\" aria-hidden=\"true\"><span>")
    );
    assert!(text.contains("The figures as a table") && text.contains("When Orders Revenue"));
    let mut ada = app.signed_in("admin@demo.test");
    let all = dealdesk::domain::money::money(sum(None), "USD");
    let text = strip_tags(&ada.get(&query).body);
    assert!(
        text.contains(&format!("Revenue (fulfilled orders) {all}")),
        "{all} in {text}"
    );
    assert_ne!(theirs, all);
    // The demo's newest fulfilment is today's: this month has revenue on any day of it.
    let month = strip_tags(&ada.get("/partner").body);
    assert!(
        !month.contains("Revenue (fulfilled orders) 0.00 USD"),
        "{month}"
    );
    // The distributor's: its own orders and its partners', each once (the demo has orders that
    // name both the distributor and one of its partners).
    let (dist, reach): (i64, Vec<i64>) = {
        use dealdesk::schema::{distributor_partners, users};
        let d: i64 = users::table
            .filter(users::email.eq("distributor@demo.test"))
            .select(users::distributor_id.assume_not_null())
            .first(&mut app.conn())
            .expect("distributor");
        let p = distributor_partners::table
            .filter(distributor_partners::distributor_id.eq(d))
            .filter(distributor_partners::is_active.eq(true))
            .select(distributor_partners::partner_id)
            .load(&mut app.conn())
            .expect("assignments");
        (d, p)
    };
    let both: i64 = orders::table
        .filter(orders::distributor_id.eq(dist))
        .filter(orders::partner_id.eq_any(reach.clone()))
        .filter(orders::status.eq("fulfilled"))
        .count()
        .get_result(&mut app.conn())
        .expect("both");
    assert!(
        both > 0,
        "the demo has orders of the distributor and a partner"
    );
    let dists: i64 = orders::table
        .filter(orders::organization_id.eq(org_id(app)))
        .filter(orders::status.eq("fulfilled"))
        .filter(
            orders::distributor_id
                .eq(dist)
                .or(orders::partner_id.eq_any(reach)),
        )
        .select(orders::total_minor)
        .load::<i64>(&mut app.conn())
        .expect("orders")
        .iter()
        .sum();
    let dists = dealdesk::domain::money::money(dists, "USD");
    let text = strip_tags(&app.signed_in("distributor@demo.test").get(&query).body);
    assert!(
        text.contains(&format!("Revenue (fulfilled orders) {dists}")),
        "{dists} in {text}"
    );
    // Bad dates are refused with the picker's message, never a 500.
    assert_eq!(
        pat.get("/partner?period=custom&from=2026-13-01&to=x")
            .status,
        422
    );

    // The rows a fulfilment adds are the rows a rebuild finds.
    let mut conn = app.conn();
    let kept = (rollup_rows(app), org_rows(app));
    dealdesk::partner::dashboard::rollup::rebuild(&mut conn, org_id(app)).expect("rebuild");
    assert_eq!((rollup_rows(app), org_rows(app)), kept);
    // The organization's days are its channels' days added up.
    let mut added: std::collections::BTreeMap<chrono::NaiveDate, (i64, i64)> = Default::default();
    for (day, _, _, n, sum) in rollup_rows(app) {
        let e = added.entry(day).or_default();
        e.0 += n;
        e.1 += sum;
    }
    let added: Vec<_> = added.into_iter().map(|(d, (n, s))| (d, n, s)).collect();
    assert_eq!(org_rows(app), added);

    // The fulfiller sees the queue; the partner does not.
    let mut finn = app.signed_in("fulfiller@demo.test");
    assert!(strip_tags(&finn.get("/partner").body).contains("To fulfil, oldest first"));
    assert!(!strip_tags(&pat.get("/partner").body).contains("To fulfil, oldest first"));
});

type CountRow = (i64, i64, String, String, i64);

fn count_rows(app: &TestApp) -> Vec<CountRow> {
    partner_counts::table
        .filter(partner_counts::organization_id.eq(org_id(app)))
        .filter(partner_counts::total.ne(0))
        .order((
            partner_counts::kind,
            partner_counts::status,
            partner_counts::partner_id,
            partner_counts::distributor_id,
        ))
        .select((
            partner_counts::partner_id,
            partner_counts::distributor_id,
            partner_counts::kind,
            partner_counts::status,
            partner_counts::total,
        ))
        .load(&mut app.conn())
        .expect("counts")
}

/// The counts kept by every insert and move equal a recount from the rows.
pub fn counts_hold(app: &TestApp) {
    let kept = count_rows(app);
    dealdesk::partner::counts::rebuild(&mut app.conn(), org_id(app)).expect("rebuild");
    assert_eq!(
        count_rows(app),
        kept,
        "the kept counts drifted from the rows"
    );
}

dual!(the_migration_fills_what_the_site_keeps, |app| {
    // In UTC the organization's days are the UTC days the migrations count on.
    let org = org_id(app);
    let mut conn = app.conn();
    diesel::update(organizations::table.find(org))
        .set(organizations::timezone.eq("UTC"))
        .execute(&mut conn)
        .expect("zone");
    dealdesk::partner::dashboard::rollup::rebuild(&mut conn, org).expect("rebuild");
    dealdesk::partner::counts::rebuild(&mut conn, org).expect("recount");
    let kept = (count_rows(app), org_rows(app));
    assert!(kept.0.iter().any(|r| r.2 == "contract") && !kept.1.is_empty());
    // Back to before the contract counts and the organization's days, and up again.
    let reverted =
        dealdesk::db::revert_migrations_after(&mut conn, "20261201000015").expect("down");
    assert_eq!(
        reverted, 5,
        "000016, the outbox's 000017, the invoices' 000018, the lists' 000019 and the tax rule's 000020"
    );
    dealdesk::db::run_migrations(&mut conn).expect("up");
    assert_eq!((count_rows(app), org_rows(app)), kept);
});
