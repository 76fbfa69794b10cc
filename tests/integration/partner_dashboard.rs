//! The partner dashboard: revenue from `partner_days` equals the fulfilled orders of the
//! viewer's channel; a fulfilment adds to the rollup exactly what a rebuild finds; what each
//! role sees. On both databases.

use chrono::Duration;
use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use dealdesk::schema::{orders, organizations, partner_counts, partner_days, partners};

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

dual!(revenue_is_the_channels_fulfilled_orders, |app| {
    let northwind: i64 = partners::table
        .filter(partners::organization_id.eq(org_id(app)))
        .filter(partners::name.like("Northwind%"))
        .select(partners::id)
        .first(&mut app.conn())
        .expect("northwind");
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
    let theirs = dealdesk::sales::deals::money(sum(Some(northwind)), "USD");
    assert!(
        text.contains(&format!("Revenue (fulfilled orders) {theirs}")),
        "{theirs} in {text}"
    );
    assert!(page.body.contains("<svg class=\"chart\""));
    let mut ada = app.signed_in("admin@demo.test");
    let all = dealdesk::sales::deals::money(sum(None), "USD");
    let text = strip_tags(&ada.get(&query).body);
    assert!(
        text.contains(&format!("Revenue (fulfilled orders) {all}")),
        "{all} in {text}"
    );
    assert_ne!(theirs, all);
    // Bad dates are refused with the picker's message, never a 500.
    assert_eq!(
        pat.get("/partner?period=custom&from=2026-13-01&to=x")
            .status,
        422
    );

    // The rows a fulfilment adds are the rows a rebuild finds.
    let mut conn = app.conn();
    let kept = rollup_rows(app);
    dealdesk::partner::dashboard::rollup::rebuild(&mut conn, org_id(app)).expect("rebuild");
    assert_eq!(rollup_rows(app), kept);

    // The fulfiller sees the queue; the partner does not.
    let mut finn = app.signed_in("fulfiller@demo.test");
    assert!(strip_tags(&finn.get("/partner").body).contains("To fulfil, oldest first"));
    assert!(!strip_tags(&pat.get("/partner").body).contains("To fulfil, oldest first"));
});

/// The counts kept by every insert and move equal a recount from the rows.
pub fn counts_hold(app: &TestApp) {
    let rows = |app: &TestApp| -> Vec<(i64, i64, String, String, i64)> {
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
    };
    let kept = rows(app);
    dealdesk::partner::counts::rebuild(&mut app.conn(), org_id(app)).expect("rebuild");
    assert_eq!(rows(app), kept, "the kept counts drifted from the rows");
}
