//! Commission statements and a manager's actions: a salesperson sees their own; a manager
//! approves, pays, sets a bonus and a penalty (with its reason), each once; the statement's
//! totals and its CSV; on both databases.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::{Client, TestApp};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{audit_log, commissions, notifications, user_notifications, users};

/// One of the person's commissions in `status`: its id and creation day.
fn one_of(app: &TestApp, email: &str, status: &str) -> (PublicId, String) {
    let (id, at): (PublicId, NaiveDateTime) = commissions::table
        .inner_join(users::table.on(users::id.eq(commissions::user_id)))
        .filter(users::email.eq(email))
        .filter(commissions::status.eq(status))
        .order(commissions::id)
        .select((commissions::public_id, commissions::created_at))
        .first(&mut app.conn())
        .expect("commission");
    (id, at.date().to_string())
}

/// (status, bonus, penalty, reason, final, converted, paid_at set)
fn row(app: &TestApp, id: PublicId) -> (String, i64, i64, Option<String>, i64, i64, bool) {
    let r: (
        String,
        i64,
        i64,
        Option<String>,
        i64,
        i64,
        Option<NaiveDateTime>,
    ) = commissions::table
        .filter(commissions::public_id.eq(id))
        .select((
            commissions::status,
            commissions::bonus_minor,
            commissions::penalty_minor,
            commissions::penalty_reason,
            commissions::final_minor,
            commissions::converted_minor,
            commissions::paid_at,
        ))
        .first(&mut app.conn())
        .expect("row");
    (r.0, r.1, r.2, r.3, r.4, r.5, r.6.is_some())
}

fn post(c: &mut Client, id: PublicId, what: &str, fields: &[(&str, &str)]) -> crate::common::Resp {
    c.submit(
        &format!("/commissions/{id}"),
        &format!("/commissions/{id}/{what}"),
        fields,
    )
}

dual!(a_salesperson_sees_their_own_statement_only, |app| {
    let (mine, _) = one_of(app, "sales@demo.test", "pending");
    let (lenas, _) = one_of(app, "lena.lopez@demo.test", "pending");
    let mut sam = app.signed_in("sales@demo.test");
    let page = sam.get("/commissions?from=2025-12-01&to=2026-11-30");
    assert_eq!(page.status, 200);
    let text = strip_tags(&page.body);
    assert!(text.contains("Your commissions"), "{text}");
    assert!(
        text.contains("Sam Seller") && !text.contains("Lena Lopez"),
        "{text}"
    );
    assert_eq!(sam.get(&format!("/commissions/{mine}")).status, 200);
    assert_eq!(sam.get(&format!("/commissions/{lenas}")).status, 404);
    // Nor by the person filter.
    let lena: PublicId = users::table
        .filter(users::email.eq("lena.lopez@demo.test"))
        .select(users::public_id)
        .first(&mut app.conn())
        .expect("lena");
    assert_eq!(sam.get(&format!("/commissions?person={lena}")).status, 404);
    let r = post(&mut sam, mine, "approve", &[]);
    assert_eq!(r.status, 403);
    assert_eq!(row(app, mine).0, "pending");
    // A year at most, and a real period.
    assert_eq!(
        sam.get("/commissions?from=2024-01-01&to=2026-01-01").status,
        422
    );
    assert_eq!(
        sam.get("/commissions?from=2026-02-01&to=2026-01-01").status,
        422
    );
    assert_eq!(sam.get("/commissions?status=owed").status, 422);
    assert_eq!(sam.get("/commissions/not-an-id").status, 404);
});

dual!(a_manager_approves_pays_and_adjusts_each_once, |app| {
    let (id, _) = one_of(app, "sales@demo.test", "pending");
    let mut max = app.signed_in("manager@demo.test");
    let r = post(&mut max, id, "approve", &[]);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    assert_eq!(row(app, id).0, "approved");
    // A second approval finds it approved: 409 with the page as it stands.
    let r = post(&mut max, id, "approve", &[]);
    assert_eq!(r.status, 409);
    assert!(strip_tags(&r.body).contains("Only a pending commission can be approved"));

    // A penalty without its reason comes back with the typed values.
    let fields = [
        ("bonus", "12.34"),
        ("penalty", "2.00"),
        ("penalty_reason", ""),
        ("reason", "Quarter review"),
    ];
    let r = post(&mut max, id, "adjust", &fields);
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("value=\"12.34\""),
        "the typed bonus is kept"
    );
    assert!(strip_tags(&r.body).contains("Say why the penalty is set"));
    let r = post(
        &mut max,
        id,
        "adjust",
        &[("bonus", "-1"), ("penalty", ""), ("penalty_reason", "")],
    );
    assert_eq!(r.status, 422);
    // Every adjustment says why, for the audit log.
    let fields = [
        ("bonus", "12.34"),
        ("penalty", "2.00"),
        ("penalty_reason", "Client refunded part of TXN"),
        ("reason", ""),
    ];
    let r = post(&mut max, id, "adjust", &fields);
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("Enter why the figures change"));
    let fields = [
        ("bonus", "12.34"),
        ("penalty", "2.00"),
        ("penalty_reason", "Client refunded part of TXN"),
        ("reason", "Quarter review"),
    ];
    let r = post(&mut max, id, "adjust", &fields);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let (status, bonus, penalty, reason, final_minor, converted, _) = row(app, id);
    assert_eq!((bonus, penalty), (1_234, 200));
    assert_eq!(reason.as_deref(), Some("Client refunded part of TXN"));
    assert_eq!(final_minor, converted + 1_234 - 200);
    // New figures are approved anew before they are paid.
    assert_eq!(status, "pending");
    assert_eq!(post(&mut max, id, "pay", &[]).status, 409);
    assert_eq!(post(&mut max, id, "approve", &[]).status, 303);

    let r = post(&mut max, id, "pay", &[]);
    assert_eq!(r.status, 303);
    let (status, .., paid) = row(app, id);
    assert_eq!((status.as_str(), paid), ("paid", true));
    // Paid: its figures stay.
    let r = post(
        &mut max,
        id,
        "adjust",
        &[
            ("bonus", "99"),
            ("penalty", ""),
            ("penalty_reason", ""),
            ("reason", "More"),
        ],
    );
    assert_eq!(r.status, 409);
    assert_eq!(row(app, id).1, 1_234);
    assert_eq!(post(&mut max, id, "pay", &[]).status, 409);

    // Sam was told of each approval and of the payment; the audit log has the four changes
    // (approve, adjust with its reason, approve again, pay).
    let told: Vec<String> = user_notifications::table
        .inner_join(notifications::table)
        .inner_join(users::table.on(users::id.eq(user_notifications::user_id)))
        .filter(users::email.eq("sales@demo.test"))
        .filter(notifications::kind.like("commission_%"))
        .select(notifications::kind)
        .load(&mut app.conn())
        .expect("notes");
    assert_eq!(told.len(), 3, "{told:?}");
    let changes: Vec<Option<String>> = audit_log::table
        .filter(audit_log::entity_type.eq("commission"))
        .filter(audit_log::entity_id.eq(id.to_string()))
        .select(audit_log::new_values)
        .load(&mut app.conn())
        .expect("audit");
    assert_eq!(changes.len(), 4);
    assert!(
        changes
            .iter()
            .any(|v| v.as_deref().is_some_and(|v| v.contains("Quarter review")))
    );
});

dual!(
    nobody_approves_pays_or_adjusts_their_own_commission,
    |app| {
        // Max the manager earns a commission too.
        let (id, _) = one_of(app, "sales@demo.test", "pending");
        let max_id: i64 = users::table
            .filter(users::email.eq("manager@demo.test"))
            .select(users::id)
            .first(&mut app.conn())
            .expect("max");
        diesel::update(commissions::table.filter(commissions::public_id.eq(id)))
            .set(commissions::user_id.eq(max_id))
            .execute(&mut app.conn())
            .expect("max's commission");
        let mut max = app.signed_in("manager@demo.test");
        let bonus = [
            ("bonus", "99999.00"),
            ("penalty", ""),
            ("penalty_reason", ""),
            ("reason", "Well deserved"),
        ];
        for (what, fields) in [("adjust", &bonus[..]), ("approve", &[]), ("pay", &[])] {
            let r = post(&mut max, id, what, fields);
            assert_eq!(r.status, 403, "{what}");
            assert!(
                strip_tags(&r.body).contains("This commission is yours: another manager must"),
                "{what}"
            );
        }
        let (status, bonus_minor, ..) = row(app, id);
        assert_eq!((status.as_str(), bonus_minor), ("pending", 0));
        // Another manager (the administrator) approves it; the audit log names them.
        let mut ada = app.signed_in("admin@demo.test");
        assert_eq!(post(&mut ada, id, "approve", &[]).status, 303);
        let actor: Option<i64> = audit_log::table
            .filter(audit_log::entity_type.eq("commission"))
            .filter(audit_log::entity_id.eq(id.to_string()))
            .select(audit_log::actor_user_id)
            .first(&mut app.conn())
            .expect("audit");
        assert!(actor.is_some_and(|a| a != max_id));
        assert_eq!(row(app, id).0, "approved");
    }
);

dual!(a_statement_adds_up_and_exports, |app| {
    let (_, day) = one_of(app, "lena.lopez@demo.test", "pending");
    let lena: PublicId = users::table
        .filter(users::email.eq("lena.lopez@demo.test"))
        .select(users::public_id)
        .first(&mut app.conn())
        .expect("lena");
    // The year up to the organization's today (the demo's commissions move with the clock).
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::New_York)
        .date_naive();
    let (from, to) = (
        (today - chrono::Duration::days(364)).to_string(),
        today.to_string(),
    );
    let expected: Vec<i64> = commissions::table
        .inner_join(users::table.on(users::id.eq(commissions::user_id)))
        .filter(users::email.eq("lena.lopez@demo.test"))
        .select(commissions::final_minor)
        .load(&mut app.conn())
        .expect("finals");
    let expected: i64 = expected.iter().sum();
    let mut max = app.signed_in("manager@demo.test");
    let query = format!("person={lena}&from={from}&to={to}");
    let page = max.get(&format!("/commissions?{query}"));
    assert_eq!(page.status, 200);
    let text = strip_tags(&page.body);
    assert!(text.contains("Commissions of Lena Lopez"), "{text}");
    let owed = dealdesk::domain::money::money(expected, "USD");
    assert!(
        text.contains(&format!("Owed in total {owed}")),
        "{owed} in {text}"
    );
    let lines = &text[text.find("Statement:").expect("statement")..];
    assert!(
        lines.contains("Lena Lopez") && !lines.contains("Sam Seller"),
        "{lines}"
    );
    assert!(
        day.as_str() >= from.as_str(),
        "the demo's commission falls in the period"
    );
    let csv = max.get(&format!("/commissions/export.csv?{query}"));
    assert_eq!(csv.status, 200);
    let body = String::from_utf8_lossy(&csv.bytes).to_string();
    assert!(body.starts_with("created,person,deal,base"), "{body}");
    assert!(body.contains("Lena Lopez") && !body.contains("Sam Seller"));
    let last = body.lines().last().expect("total line");
    assert!(last.starts_with("total,"), "{last}");
    assert!(
        last.contains(&dealdesk::domain::money::minor_to_input(expected, 2)),
        "{last}"
    );
    let exports: i64 = audit_log::table
        .filter(audit_log::entity_type.eq("commission"))
        .filter(audit_log::action.eq("export"))
        .count()
        .get_result(&mut app.conn())
        .expect("audit");
    assert_eq!(exports, 1);
    // Someone not of the organization is not a person to filter by.
    let ghost = PublicId::new();
    assert_eq!(max.get(&format!("/commissions?person={ghost}")).status, 404);
});

dual!(reaching_the_monthly_target_earns_the_target_bonus, |app| {
    use dealdesk::schema::{deals, organizations};
    let mut conn = app.conn();
    // A UTC organization paying 12.5 % of a commission as a target bonus; Sam's target of
    // 1,000.00 USD reached this month already.
    diesel::update(organizations::table.filter(organizations::name.eq("Demo Traders")))
        .set((
            organizations::timezone.eq("UTC"),
            organizations::target_bonus_bp.eq(1_250),
        ))
        .execute(&mut conn)
        .expect("settings");
    let sam: (i64, Option<i64>) = users::table
        .filter(users::email.eq("sales@demo.test"))
        .select((users::id, users::organization_id))
        .first(&mut conn)
        .expect("sam");
    diesel::update(users::table.find(sam.0))
        .set(users::sales_target_minor.eq(Some(100_000)))
        .execute(&mut conn)
        .expect("target");
    diesel::sql_query(format!(
        "INSERT INTO sales_days (organization_id, user_id, day, verified_count, verified_minor, \
         pending_count, pending_minor, rejected_count, rejected_minor) \
         VALUES ({}, {}, '{}', 1, 100000, 0, 0, 0, 0) \
         ON CONFLICT (organization_id, user_id, day) DO UPDATE SET \
         verified_minor = sales_days.verified_minor + 100000",
        sam.1.expect("org"),
        sam.0,
        chrono::Utc::now().date_naive()
    ))
    .execute(&mut conn)
    .expect("this month's sales");
    drop(conn);

    let (payment, _, deal) = crate::verification::pending_payment(app, "333.33");
    let mut vera = app.signed_in("verifier@demo.test");
    let r = crate::verification::decide(&mut vera, payment, &crate::verification::approve(""));
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let deal: PublicId = deal
        .rsplit('/')
        .next()
        .expect("id")
        .parse()
        .expect("deal id");
    let (converted, bonus, final_minor): (i64, i64, i64) = commissions::table
        .inner_join(deals::table)
        .filter(deals::public_id.eq(deal))
        .select((
            commissions::converted_minor,
            commissions::bonus_minor,
            commissions::final_minor,
        ))
        .first(&mut app.conn())
        .expect("commission");
    // 12.5 % of the commission, half up once.
    assert!(converted > 0);
    assert_eq!(bonus, (converted * 1_250 + 5_000) / 10_000);
    assert_eq!(final_minor, converted + bonus);

    // Below the target nothing is added: a new month's target far away.
    diesel::update(users::table.find(sam.0))
        .set(users::sales_target_minor.eq(Some(i64::MAX / 4)))
        .execute(&mut app.conn())
        .expect("target");
    let (payment, _, deal) = crate::verification::pending_payment(app, "100");
    let r = crate::verification::decide(&mut vera, payment, &crate::verification::approve(""));
    assert_eq!(r.status, 303);
    let deal: PublicId = deal
        .rsplit('/')
        .next()
        .expect("id")
        .parse()
        .expect("deal id");
    let bonus: i64 = commissions::table
        .inner_join(deals::table)
        .filter(deals::public_id.eq(deal))
        .select(commissions::bonus_minor)
        .first(&mut app.conn())
        .expect("commission");
    assert_eq!(bonus, 0);
});

dual!(statement_pages_follow_each_other_newest_first, |app| {
    let mut max = app.signed_in("manager@demo.test");
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Duration::days(300);
    let mut address = format!("/commissions?from={from}&to={today}");
    let mut seen: Vec<String> = Vec::new();
    let mut pages = 0;
    // Three pages at most: enough to cross page boundaries, where lines share a day.
    while pages < 3 {
        let r = max.get(&address);
        assert_eq!(r.status, 200);
        let found: Vec<String> = r
            .body
            .match_indices("href=\"/commissions/")
            .map(|(i, _)| r.body[i + 19..i + 55].to_string())
            .filter(|id| id.parse::<PublicId>().is_ok())
            .collect();
        assert!(!found.is_empty());
        for id in found {
            assert!(!seen.contains(&id), "{id} twice");
            seen.push(id);
        }
        pages += 1;
        let Some(at) = r.body.find("rel=\"next\"") else {
            break;
        };
        let start = r.body[..at].rfind("href=\"").expect("link") + 6;
        let end = start + r.body[start..].find('"').expect("end");
        address = r.body[start..end]
            .replace("&amp;", "&")
            .replace("&#38;", "&");
    }
    assert_eq!(pages, 3, "the demo has more than two pages in 300 days");
    // Newest first: creation times never increase down the pages.
    let times: Vec<NaiveDateTime> = seen
        .iter()
        .map(|id| {
            commissions::table
                .filter(commissions::public_id.eq(id.parse::<PublicId>().expect("id")))
                .select(commissions::created_at)
                .first(&mut app.conn())
                .expect("commission")
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
});
