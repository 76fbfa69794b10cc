//! /sales/calls: the seed's rules on the form, one's own calls only to edit, the scope in the
//! list and the metrics; on both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{calls, loss_reasons, users};

fn call<'a>(
    name: &'a str,
    status: &'a str,
    outcome: &'a str,
    reason: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("client", ""),
        ("prospect_name", name),
        ("prospect_email", ""),
        ("prospect_phone", ""),
        ("call_type", "outbound"),
        ("status", status),
        ("outcome", outcome),
        ("loss_reason", reason),
        ("when", "2026-11-02T10:30"),
        ("rescheduled_to", ""),
        ("duration_minutes", "15"),
        ("notes", "Wants a demo"),
    ]
}

dual!(calls_follow_the_rules_and_the_scope, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let reason: PublicId = loss_reasons::table
        .filter(loss_reasons::organization_id.eq(1))
        .filter(loss_reasons::is_active.eq(true))
        .select(loss_reasons::public_id)
        .first(&mut app.conn())
        .expect("reason");
    let reason = reason.to_string();
    for (fields, message) in [
        (
            call("Ada Prospect", "no_show", "won", ""),
            "Only a completed call has an outcome",
        ),
        (
            call("Ada Prospect", "completed", "lost", ""),
            "Say why the deal was lost",
        ),
        (
            call("Ada Prospect", "rescheduled", "", ""),
            "Enter the new time",
        ),
        (call("", "completed", "", ""), "Enter who was called"),
    ] {
        let r = sam.submit("/sales/calls/new", "/sales/calls", &fields);
        assert_eq!(r.status, 422, "{message}");
        assert!(strip_tags(&r.body).contains(message), "{message}");
        assert!(
            r.body.contains(">Wants a demo</textarea>"),
            "the user's values stay"
        );
    }
    let mut long = call("Ada Prospect", "completed", "", "");
    let notes = "n".repeat(1001);
    long[11] = ("notes", &notes);
    assert_eq!(
        sam.submit("/sales/calls/new", "/sales/calls", &long).status,
        422
    );
    let r = sam.submit(
        "/sales/calls/new",
        "/sales/calls",
        &call("Ada Prospect", "completed", "lost", &reason),
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let (public_id, user): (PublicId, i64) = calls::table
        .order(calls::id.desc())
        .select((calls::public_id, calls::user_id))
        .first(&mut app.conn())
        .expect("call");
    let sam_id: i64 = users::table
        .filter(users::email.eq("sales@demo.test"))
        .select(users::id)
        .first(&mut app.conn())
        .expect("sam");
    assert_eq!(user, sam_id, "the current user by default");
    let range = "/sales/calls?from=2026-11-02&to=2026-11-02";
    let text = strip_tags(&sam.get(range).body);
    assert!(text.contains("Ada Prospect"), "{text}");
    // A colleague does not see it, nor count it; the team lead does, and may not edit it.
    let mut lena = app.signed_in("lena.lopez@demo.test");
    let theirs = strip_tags(&lena.get(range).body);
    assert!(!theirs.contains("Ada Prospect"));
    assert_eq!(
        lena.get(&format!("/sales/calls/{public_id}/edit")).status,
        404
    );
    let mut manager = app.signed_in("manager@demo.test");
    assert!(strip_tags(&manager.get(range).body).contains("Ada Prospect"));
    assert_eq!(
        manager
            .get(&format!("/sales/calls/{public_id}/edit"))
            .status,
        403
    );
    // The owner edits it: a won call.
    let r = sam.submit(
        &format!("/sales/calls/{public_id}/edit"),
        &format!("/sales/calls/{public_id}"),
        &call("Ada Prospect", "completed", "won", ""),
    );
    assert_eq!(r.status, 303);
    let outcome: Option<String> = calls::table
        .filter(calls::public_id.eq(public_id))
        .select(calls::outcome)
        .first(&mut app.conn())
        .expect("call");
    assert_eq!(outcome.as_deref(), Some("won"));
    assert_eq!(sam.get("/sales/calls?outcome=maybe").status, 422);
});

dual!(call_metrics_count_the_range_and_divide_safely, |app| {
    // An empty range: every rate is 0, not an error.
    let mut sam = app.signed_in("sales@demo.test");
    let text = strip_tags(&sam.get("/sales/calls?from=2020-01-01&to=2020-01-31").body);
    assert!(
        text.contains("Calls 0")
            && text.contains("Show rate 0 %")
            && text.contains("Close rate 0 %"),
        "{text}"
    );
    for (name, status, outcome) in [
        ("One", "completed", "won"),
        ("Two", "completed", ""),
        ("Three", "no_show", ""),
    ] {
        let mut fields = call(name, status, outcome, "");
        fields[8] = ("when", "2020-01-10T09:00");
        assert_eq!(
            sam.submit("/sales/calls/new", "/sales/calls", &fields)
                .status,
            303
        );
    }
    let text = strip_tags(&sam.get("/sales/calls?from=2020-01-01&to=2020-01-31").body);
    // 2 of 3 completed; 1 of 2 won.
    assert!(
        text.contains("Calls 3")
            && text.contains("Show rate 66.7 %")
            && text.contains("Close rate 50 %"),
        "{text}"
    );
    // A colleague's range holds none of them.
    let mut lena = app.signed_in("lena.lopez@demo.test");
    assert!(
        strip_tags(&lena.get("/sales/calls?from=2020-01-01&to=2020-01-31").body)
            .contains("Calls 0")
    );
});

dual!(
    call_metrics_follow_edits_across_days_and_range_edges,
    |app| {
        let mut sam = app.signed_in("sales@demo.test");
        let range = "/sales/calls?from=2020-03-01&to=2020-03-31";
        // The range's first and last evenings (partial UTC days at its ends, whatever the zone)
        // and a day in its middle.
        for (name, when) in [
            ("Early", "2020-03-01T00:30"),
            ("Middle", "2020-03-15T12:00"),
            ("Late", "2020-03-31T23:30"),
        ] {
            let mut fields = call(name, "completed", "won", "");
            fields[8] = ("when", when);
            assert_eq!(
                sam.submit("/sales/calls/new", "/sales/calls", &fields)
                    .status,
                303
            );
        }
        let text = strip_tags(&sam.get(range).body);
        assert!(
            text.contains("Calls 3") && text.contains("Close rate 100 %"),
            "{text}"
        );
        // Nothing of the days just outside.
        let before = strip_tags(&sam.get("/sales/calls?from=2020-02-01&to=2020-02-29").body);
        let after = strip_tags(&sam.get("/sales/calls?from=2020-04-01&to=2020-04-30").body);
        assert!(before.contains("Calls 0") && after.contains("Calls 0"));

        // The middle call becomes a loss and moves to April: both months follow at once.
        let reason: PublicId = loss_reasons::table
            .filter(loss_reasons::organization_id.eq(1))
            .filter(loss_reasons::is_active.eq(true))
            .select(loss_reasons::public_id)
            .first(&mut app.conn())
            .expect("reason");
        let id: PublicId = calls::table
            .filter(calls::prospect_name.eq("Middle"))
            .select(calls::public_id)
            .first(&mut app.conn())
            .expect("call");
        let reason = reason.to_string();
        let mut fields = call("Middle", "completed", "lost", &reason);
        fields[8] = ("when", "2020-04-10T12:00");
        let edit = format!("/sales/calls/{id}/edit");
        let r = sam.submit(&edit, &format!("/sales/calls/{id}"), &fields);
        assert_eq!(r.status, 303, "{}", r.body);
        let march = strip_tags(&sam.get(range).body);
        assert!(
            march.contains("Calls 2") && march.contains("Close rate 100 %"),
            "{march}"
        );
        let april = strip_tags(&sam.get("/sales/calls?from=2020-04-01&to=2020-04-30").body);
        assert!(
            april.contains("Calls 1") && april.contains("Close rate 0 %"),
            "{april}"
        );

        // The rollup holds every call that took place, once.
        let counted: i64 = dealdesk::schema::call_days::table
            .select(dealdesk::schema::call_days::calls)
            .load::<i64>(&mut app.conn())
            .expect("rollup")
            .iter()
            .sum();
        let calls_made: i64 = calls::table
            .filter(calls::completed_at.is_not_null())
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(counted, calls_made);
    }
);
