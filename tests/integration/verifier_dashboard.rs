//! The verifier's dashboard: its rollups follow every decision and reversal in the decision's
//! transaction and always equal a rebuild from the payments; the page shows them for the period;
//! bad periods are 422; only verifiers see it. On both databases.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use crate::verification::{approve, decide, pending_payment};
use dealdesk::db::AnyConnection;
use dealdesk::schema::{deals, decision_waits, organizations, payments, verification_days};
use dealdesk::web::dates::local_days;

fn org(app: &TestApp) -> i64 {
    organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("demo organization")
}

type Rows = Vec<(NaiveDate, String, String, String, i64, i64)>;

fn rows(conn: &mut AnyConnection, org: i64) -> (Rows, Vec<(NaiveDate, i32, i64)>) {
    let days = verification_days::table
        .filter(verification_days::organization_id.eq(org))
        .order((
            verification_days::day,
            verification_days::method,
            verification_days::status,
            verification_days::failure_reason,
        ))
        .select((
            verification_days::day,
            verification_days::method,
            verification_days::status,
            verification_days::failure_reason,
            verification_days::payments,
            verification_days::amount_minor,
        ))
        .load(conn)
        .expect("days");
    let waits = decision_waits::table
        .filter(decision_waits::organization_id.eq(org))
        .order((decision_waits::day, decision_waits::bucket))
        .select((
            decision_waits::day,
            decision_waits::bucket,
            decision_waits::payments,
        ))
        .load(conn)
        .expect("waits");
    (days, waits)
}

/// Today's (count, sum) of one status and method in the organization's rollup.
fn today_of(app: &TestApp, org: i64, method: &str, status: &str) -> (i64, i64) {
    let mut conn = app.conn();
    let today = dealdesk::streaks::calendar(&mut conn, org)
        .expect("calendar")
        .today();
    rows(&mut conn, org)
        .0
        .into_iter()
        .filter(|r| r.0 == today && r.1 == method && r.2 == status)
        .fold((0, 0), |(n, m), r| (n + r.4, m + r.5))
}

dual!(decisions_and_reversals_keep_the_rollups_true, |app| {
    let org = org(app);
    let before = today_of(app, org, "bank_transfer", "verified");
    let rejected_before = today_of(app, org, "bank_transfer", "rejected");
    let (approved, _, _) = pending_payment(app, "400");
    let (refused, _, _) = pending_payment(app, "250");
    let mut nadia = app.signed_in("nadia.nguyen@demo.test");
    assert_eq!(decide(&mut nadia, approved, &approve("")).status, 303);
    let r = decide(
        &mut nadia,
        refused,
        &[
            ("decision", "reject"),
            ("received", ""),
            ("failure_reason", "bank_decline"),
            ("comment", "Declined by the bank."),
        ],
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let after = today_of(app, org, "bank_transfer", "verified");
    assert_eq!((after.0 - before.0, after.1 - before.1), (1, 40_000));
    let rejected = today_of(app, org, "bank_transfer", "rejected");
    assert_eq!(
        (
            rejected.0 - rejected_before.0,
            rejected.1 - rejected_before.1
        ),
        (1, 25_000)
    );
    // A refund moves the payment to the refunded row of the day it was decided.
    let page = format!("/verifier/payments/{approved}");
    let r = nadia.submit(
        &page,
        &format!("{page}/reversal"),
        &[("to", "refunded"), ("reason", "Returned to the client.")],
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    assert_eq!(today_of(app, org, "bank_transfer", "verified"), before);
    let refunded = today_of(app, org, "bank_transfer", "refunded");
    assert!(refunded.0 >= 1 && refunded.1 >= 40_000, "{refunded:?}");
    // What the transactions kept equals a rebuild from the payments themselves.
    let mut conn = app.conn();
    let kept = rows(&mut conn, org);
    dealdesk::verifier::rollup::rebuild(&mut conn, org).expect("rebuild");
    assert_eq!(rows(&mut conn, org), kept);
    assert!(!kept.1.is_empty());
});

dual!(the_dashboard_shows_the_periods_decisions, |app| {
    let org = org(app);
    let (id, _, _) = pending_payment(app, "321.45");
    let mut nadia = app.signed_in("nadia.nguyen@demo.test");
    assert_eq!(decide(&mut nadia, id, &approve("")).status, 303);
    // Around the organization's today, whatever the viewer's zone: the figure equals what the
    // payments themselves add up to over the same days.
    let mut conn = app.conn();
    let cal = dealdesk::streaks::calendar(&mut conn, org).expect("calendar");
    let (from, to) = (
        cal.today() - Duration::days(1),
        cal.today() + Duration::days(1),
    );
    let (a, b) = local_days(from, to, cal.tz).expect("bounds");
    let verified: Vec<i64> = payments::table
        .filter(payments::organization_id.eq(org))
        .filter(payments::status.eq("verified"))
        .filter(payments::verified_at.ge(a))
        .filter(payments::verified_at.lt(b))
        .select(payments::counted_org_minor)
        .load(&mut conn)
        .expect("payments");
    let sum: i64 = verified.iter().sum();
    let address = format!("/verifier/dashboard?period=custom&from={from}&to={to}");
    let r = nadia.get(&address);
    assert_eq!(r.status, 200);
    let text = strip_tags(&r.body);
    assert!(
        text.contains(&dealdesk::domain::money::money(sum, "USD")),
        "{sum} in {text}"
    );
    let count = dealdesk::web::count(verified.len() as i64, "payment", "payments");
    assert!(text.contains(&format!("{count} (")), "{count} in {text}");
    assert!(text.contains("Median time to a decision"));
    assert!(text.contains("By payment method"));
    assert!(r.body.contains("<svg class=\"chart\""));
    assert!(text.contains("Waiting longest"));
    // The default is this month; a bad range is a 422 with the values kept.
    assert_eq!(nadia.get("/verifier/dashboard").status, 200);
    let r = nadia.get("/verifier/dashboard?period=custom&from=2026-05-01&to=2026-04-01");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("value=\"2026-05-01\""));
    assert!(strip_tags(&r.body).contains("The end date is before the start date."));
    assert_eq!(nadia.get("/verifier/dashboard?period=decade").status, 422);
    // Salespeople do not see it.
    let mut sam = app.signed_in("sales@demo.test");
    assert_eq!(sam.get("/verifier/dashboard").status, 403);
});

dual!(the_migrations_fill_what_the_site_keeps, |app| {
    // In UTC the organization's days are the UTC days the migration counts on.
    let org = org(app);
    let mut conn = app.conn();
    diesel::update(organizations::table.find(org))
        .set(organizations::timezone.eq("UTC"))
        .execute(&mut conn)
        .expect("zone");
    dealdesk::verifier::rollup::rebuild(&mut conn, org).expect("rebuild");
    let kept = rows(&mut conn, org);
    assert!(!kept.0.is_empty() && !kept.1.is_empty());
    // Back to before the rollups and the payments' owners, and up again.
    let reverted =
        dealdesk::db::revert_migrations_after(&mut conn, "20261201000012").expect("down");
    assert!(reverted >= 2);
    dealdesk::db::run_migrations(&mut conn).expect("up");
    assert_eq!(rows(&mut conn, org), kept);
    let owners: Vec<(i64, i64)> = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .select((payments::owner_id, deals::created_by_id))
        .load(&mut conn)
        .expect("owners");
    assert!(!owners.is_empty());
    assert!(owners.iter().all(|(a, b)| a == b));
});
