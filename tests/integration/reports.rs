//! `/reports`: the organization's figures for readers of reports, equal to what the records
//! themselves add up to; each table as an audited CSV; bad periods refused. On both databases.

use chrono::Duration;
use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use crate::sales_payments::today;
use dealdesk::schema::{audit_log, deals, organizations, payments, users};

fn org(app: &TestApp) -> i64 {
    organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("demo organization")
}

dual!(the_report_adds_up_the_organizations_records, |app| {
    let org = org(app);
    let to = chrono::NaiveDate::parse_from_str(today(), "%Y-%m-%d").expect("today");
    let from = to - Duration::days(60);
    // Verified revenue by payment date, whoever the owner: from the payments themselves.
    let verified: Vec<i64> = payments::table
        .filter(payments::organization_id.eq(org))
        .filter(payments::status.eq("verified"))
        .filter(payments::payment_date.ge(from))
        .filter(payments::payment_date.le(to))
        .select(payments::counted_org_minor)
        .load(&mut app.conn())
        .expect("payments");
    assert!(!verified.is_empty(), "the demo has verified payments");
    let sum: i64 = verified.iter().sum();
    // The best salesperson of the range, by the same payments, through their deals.
    let best: Vec<(String, String, i64)> = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .inner_join(users::table.on(users::id.eq(deals::created_by_id)))
        .filter(payments::organization_id.eq(org))
        .filter(payments::status.eq("verified"))
        .filter(payments::payment_date.ge(from))
        .filter(payments::payment_date.le(to))
        .select((
            users::first_name,
            users::last_name,
            payments::counted_org_minor,
        ))
        .load(&mut app.conn())
        .expect("owners");
    let mut by_person = std::collections::BTreeMap::<String, i64>::new();
    for (first, last, minor) in best {
        *by_person.entry(format!("{first} {last}")).or_default() += minor;
    }
    let (top, top_minor) = by_person
        .iter()
        .max_by_key(|(_, m)| **m)
        .map(|(n, m)| (n.clone(), *m))
        .expect("someone sold");

    let mut ceo = app.signed_in("ceo@demo.test");
    let query = format!("period=custom&from={from}&to={to}");
    let r = ceo.get(&format!("/reports?{query}"));
    assert_eq!(r.status, 200);
    let text = strip_tags(&r.body);
    let money = |m| dealdesk::domain::money::money(m, "USD");
    assert!(text.contains(&money(sum)), "{} in {text}", money(sum));
    assert!(text.contains(&top), "{top} in {text}");
    assert!(text.contains(&money(top_minor)));
    for heading in [
        "Pipeline",
        "Show rate",
        "Close rate",
        "Team ranking",
        "Top loss reasons",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
    assert!(r.body.contains("<svg class=\"chart\""));
    let link = format!("/reports/people.csv?{}", query.replace('&', "&#38;"));
    assert!(r.body.contains(&link), "{link} in {}", r.body);

    // The people table as CSV: everyone of the range, audited.
    let exports_before: i64 = audit_log::table
        .filter(audit_log::entity_type.eq("report"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    let csv = ceo.get(&format!("/reports/people.csv?{query}"));
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-type")
            .is_some_and(|t| t.starts_with("text/csv"))
    );
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some("rank,person,team,verified,previous_period,currency,share")
    );
    let first = lines.next().expect("a line");
    assert!(first.starts_with(&format!("1,{top},")), "{first}");
    assert_eq!(lines.count() + 1, by_person.len());
    let exports_after: i64 = audit_log::table
        .filter(audit_log::entity_type.eq("report"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(exports_after, exports_before + 1);
    for table in ["revenue", "teams", "calls", "loss-reasons"] {
        let r = ceo.get(&format!("/reports/{table}.csv?{query}"));
        assert_eq!(r.status, 200, "{table}");
        assert!(r.body.lines().count() >= 2, "{table}: {}", r.body);
    }
    assert_eq!(ceo.get("/reports/secrets.csv").status, 404);
});

dual!(
    a_bad_period_is_refused_and_only_readers_of_reports_see_them,
    |app| {
        let mut ceo = app.signed_in("ceo@demo.test");
        assert_eq!(ceo.get("/reports").status, 200);
        let r = ceo.get("/reports?period=custom&from=2026-03-01&to=2026-02-01");
        assert_eq!(r.status, 422);
        assert!(r.body.contains("value=\"2026-03-01\""));
        assert!(strip_tags(&r.body).contains("The end date is before the start date."));
        assert_eq!(
            ceo.get("/reports?period=custom&from=01/02/2026&to=").status,
            422
        );
        assert_eq!(
            ceo.get("/reports/people.csv?period=custom&from=2026-03-01&to=2026-02-01")
                .status,
            400
        );
        let mut sam = app.signed_in("sales@demo.test");
        assert_eq!(sam.get("/reports").status, 403);
        assert_eq!(sam.get("/reports/people.csv").status, 403);
    }
);
