//! The partner portal's leads: the channel scope (a partner sees its own only, a distributor its
//! own and its active partners', staff everything; an ended assignment hides at once) on the
//! list, the board, a lead's page, the counts and the select options; the pipeline's moves and
//! their history; activities and notes; bad input. On both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::{Client, TestApp};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{
    audit_log, distributor_partners, lead_activities, lead_status_history, leads, organizations,
    partners, users,
};

fn org_id(app: &TestApp) -> i64 {
    organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("org")
}

/// The id of Demo Traders' partner whose name starts with `prefix`.
pub fn partner_id(app: &TestApp, prefix: &str) -> i64 {
    partners::table
        .filter(partners::organization_id.eq(org_id(app)))
        .filter(partners::name.like(format!("{prefix}%")))
        .select(partners::id)
        .first(&mut app.conn())
        .expect("partner")
}

/// A lead of Demo Traders held by this partner (by name prefix), or by nobody's partner when
/// `None`.
fn lead_of(app: &TestApp, partner: Option<&str>) -> PublicId {
    let mut q = leads::table
        .filter(leads::organization_id.eq(org_id(app)))
        .select(leads::public_id)
        .order(leads::id)
        .into_boxed();
    q = match partner {
        Some(p) => q.filter(leads::partner_id.eq(partner_id(app, p))),
        None => q
            .filter(leads::partner_id.is_null())
            .filter(leads::distributor_id.is_null()),
    };
    q.first(&mut app.conn()).expect("lead")
}

fn count_where(app: &TestApp, partners_in: &[i64], distributor: Option<i64>) -> i64 {
    let mut q = leads::table
        .filter(leads::organization_id.eq(org_id(app)))
        .into_boxed();
    q = match distributor {
        Some(d) => q.filter(
            leads::distributor_id
                .eq(d)
                .or(leads::partner_id.eq_any(partners_in.to_vec())),
        ),
        None => q.filter(leads::partner_id.eq_any(partners_in.to_vec())),
    };
    q.count().get_result(&mut app.conn()).expect("count")
}

/// The board's count of every column, added up.
fn board_total(c: &mut Client) -> i64 {
    let board = c.get("/partner/leads/board");
    assert_eq!(board.status, 200);
    board
        .body
        .split("<h2 id=\"col-")
        .skip(1)
        .map(|s| {
            s.split("<span class=\"tag\">")
                .nth(1)
                .and_then(|t| t.split('<').next())
                .and_then(|n| n.parse::<i64>().ok())
                .expect("a column's count")
        })
        .sum()
}

/// Every lead link the list shows, across its pages.
fn listed(c: &mut Client, query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut next = Some(format!("/partner/leads?{query}"));
    while let Some(url) = next {
        let page = c.get(&url);
        assert_eq!(page.status, 200, "{url}");
        out.extend(
            page.body
                .split("href=\"/partner/leads/")
                .skip(1)
                .filter_map(|s| s.split('"').next())
                .filter(|id| id.len() == 36)
                .map(str::to_string),
        );
        next = page.next_link();
    }
    out.sort();
    out.dedup();
    out
}

/// The lines of a CSV export (its header left out).
pub fn exported(c: &mut Client, path: &str) -> Vec<csv::StringRecord> {
    let r = c.get(path);
    assert_eq!(r.status, 200, "{path}");
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    csv::Reader::from_reader(r.body.as_bytes())
        .records()
        .map(|r| r.expect("a line"))
        .collect()
}

dual!(each_user_sees_only_the_leads_of_their_channel, |app| {
    let northwind = partner_id(app, "Northwind");
    let initech = partner_id(app, "Initech");
    let distributor: i64 = users::table
        .filter(users::email.eq("distributor@demo.test"))
        .select(users::distributor_id.assume_not_null())
        .first(&mut app.conn())
        .expect("distributor");
    let total: i64 = leads::table
        .filter(leads::organization_id.eq(org_id(app)))
        .count()
        .get_result(&mut app.conn())
        .expect("count");

    // The partner: its own leads everywhere, another partner's nowhere.
    let mut pat = app.signed_in("partner@demo.test");
    let own = count_where(app, &[northwind], None);
    assert!(own > 0);
    assert_eq!(listed(&mut pat, "").len() as i64, own);
    assert_eq!(board_total(&mut pat), own);
    let foreign = lead_of(app, Some("Initech"));
    assert_eq!(pat.get(&format!("/partner/leads/{foreign}")).status, 404);
    assert_eq!(
        pat.get(&format!("/partner/leads/{foreign}/edit")).status,
        404
    );
    let staff_lead = lead_of(app, None);
    assert_eq!(pat.get(&format!("/partner/leads/{staff_lead}")).status, 404);
    let r = pat.submit(
        &format!("/partner/leads/{}", lead_of(app, Some("Northwind"))),
        &format!("/partner/leads/{foreign}/move"),
        &[("to", "lost"), ("reason", "not mine")],
    );
    assert_eq!(r.status, 404, "a move on another partner's lead");
    let search = pat.get("/partner/leads?q=a");
    assert!(!strip_tags(&search.body).contains("Initech"));
    let rows = exported(&mut pat, "/partner/leads/export.csv");
    assert_eq!(rows.len() as i64, own, "the export holds the list's leads");
    assert!(rows.iter().all(|r| r[5].starts_with("Northwind")));
    // Filters it cannot read are left out, as on the list, never a 500.
    assert_eq!(
        exported(
            &mut pat,
            "/partner/leads/export.csv?status=bogus&mine=x&after=zz"
        )
        .len() as i64,
        own
    );
    let won = exported(&mut pat, "/partner/leads/export.csv?status=won");
    assert!(!won.is_empty() && won.iter().all(|r| &r[2] == "Won"));
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("export"))
        .filter(audit_log::entity_type.eq("lead"))
        .count()
        .get_result(&mut app.conn())
        .expect("audit");
    assert_eq!(audited, 3);
    // Nothing to choose: a partner user's leads are its partner's.
    assert!(
        !pat.get("/partner/leads/new")
            .body
            .contains("name=\"partner\"")
    );

    // The distributor: its own and its assigned partner's; the form offers that partner only.
    let mut dana = app.signed_in("distributor@demo.test");
    let reach = count_where(app, &[northwind], Some(distributor));
    assert_eq!(listed(&mut dana, "").len() as i64, reach);
    assert_eq!(board_total(&mut dana), reach);
    let northwind_lead = lead_of(app, Some("Northwind"));
    assert_eq!(
        dana.get(&format!("/partner/leads/{northwind_lead}")).status,
        200
    );
    assert_eq!(dana.get(&format!("/partner/leads/{foreign}")).status, 404);
    let form = dana.get("/partner/leads/new").body;
    assert!(form.contains("Northwind") && !form.contains("Initech"));
    let initech_public: PublicId = partners::table
        .find(initech)
        .select(partners::public_id)
        .first(&mut app.conn())
        .expect("initech");
    let r = dana.submit(
        "/partner/leads/new",
        "/partner/leads",
        &[
            ("title", "Sneaky"),
            ("partner", &initech_public.to_string()),
        ],
    );
    assert_eq!(r.status, 422, "a partner outside the distributor's reach");
    assert!(r.body.contains("Choose one of the partners offered."));

    // The assignment ends: the partner's leads are gone at once; the distributor's own stay.
    diesel::update(distributor_partners::table)
        .filter(distributor_partners::distributor_id.eq(distributor))
        .set(distributor_partners::is_active.eq(false))
        .execute(&mut app.conn())
        .expect("end");
    assert_eq!(
        dana.get(&format!("/partner/leads/{northwind_lead}")).status,
        404
    );
    assert_eq!(
        listed(&mut dana, "").len() as i64,
        count_where(app, &[], Some(distributor))
    );
    assert!(!dana.get("/partner/leads/new").body.contains("Northwind"));
    assert_eq!(
        exported(&mut dana, "/partner/leads/export.csv").len() as i64,
        count_where(app, &[], Some(distributor))
    );

    // Staff see every partner's.
    let mut ada = app.signed_in("admin@demo.test");
    assert_eq!(board_total(&mut ada), total);
    // The whole board is one form (one token) of at most ten cards a column, each with one button
    // to the next stage: small whatever the organization holds.
    let board = ada.get("/partner/leads/board");
    assert!(board.body.len() < 60_000, "{} bytes", board.body.len());
    let form = board
        .body
        .split("class=\"board\"")
        .nth(1)
        .and_then(|b| b.split("</form>").next())
        .expect("the board's form");
    assert_eq!(form.matches("name=\"csrf_token\"").count(), 1);
    assert!(!board.body.contains("<select"));
    assert!(
        board
            .body
            .contains("name=\"to\" value=\"contacted\">Move<span class=\"visually-hidden\">")
    );
    assert!(
        board
            .body
            .contains("href=\"/partner/leads?status=new\">All ")
    );
    assert_eq!(ada.get(&format!("/partner/leads/{foreign}")).status, 200);

    // Outside the portal: refused.
    let mut sam = app.signed_in("sales@demo.test");
    assert_eq!(sam.get("/partner/leads").status, 403);
    assert_eq!(sam.get("/partner/leads/export.csv").status, 403);
    assert_eq!(sam.get("/partner").status, 403);
    let mut finn = app.signed_in("fulfiller@demo.test");
    assert_eq!(finn.get("/partner").status, 200);
    assert_eq!(
        finn.get("/partner/leads").status,
        403,
        "fulfillers work orders, not leads"
    );
});

fn history(app: &TestApp, lead: &str) -> Vec<(Option<String>, String, Option<String>, i64)> {
    let id: i64 = leads::table
        .filter(leads::public_id.eq(lead.parse::<PublicId>().expect("id")))
        .select(leads::id)
        .first(&mut app.conn())
        .expect("lead");
    lead_status_history::table
        .filter(lead_status_history::lead_id.eq(id))
        .order(lead_status_history::id)
        .select((
            lead_status_history::old_status,
            lead_status_history::new_status,
            lead_status_history::reason,
            lead_status_history::changed_by_id.assume_not_null(),
        ))
        .load(&mut app.conn())
        .expect("history")
}

dual!(a_lead_moves_through_the_pipeline_with_its_history, |app| {
    let mut pat = app.signed_in("partner@demo.test");
    // Bad input: every field's message, the values kept, nothing stored.
    let before: i64 = leads::table.count().get_result(&mut app.conn()).expect("n");
    let r = pat.submit(
        "/partner/leads/new",
        "/partner/leads",
        &[
            ("title", ""),
            ("company_name", "Quartz Mining"),
            ("contact_email", "not-an-address"),
            ("value", "12.345"),
            ("probability", "140"),
            ("expected_close_date", "soon"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("value=\"Quartz Mining\""));
    for message in [
        "Enter a title for the lead.",
        "Enter an e-mail address like name@example.com.",
        "Give a whole percentage from 0 to 100.",
        "Enter a date as YYYY-MM-DD.",
    ] {
        assert!(r.body.contains(message), "{message}");
    }
    assert_eq!(
        leads::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .expect("n"),
        before
    );

    let r = pat.submit(
        "/partner/leads/new",
        "/partner/leads",
        &[
            ("title", "Backup for Quartz Mining"),
            ("company_name", "Quartz Mining"),
            ("value", "4200.50"),
            ("probability", "30"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = r.location().to_string();
    let id = page.trim_start_matches("/partner/leads/").to_string();
    let (value, partner, owner): (Option<i64>, Option<i64>, Option<i64>) = leads::table
        .filter(leads::public_id.eq(id.parse::<PublicId>().expect("id")))
        .select((leads::value_minor, leads::partner_id, leads::owner_id))
        .first(&mut app.conn())
        .expect("lead");
    assert_eq!(value, Some(420_050));
    assert_eq!(partner, Some(partner_id(app, "Northwind")));
    let pat_id: i64 = users::table
        .filter(users::email.eq("partner@demo.test"))
        .select(users::id)
        .first(&mut app.conn())
        .expect("pat");
    assert_eq!(owner, Some(pat_id));
    let mv = |c: &mut Client, to: &str, reason: &str| {
        c.submit(
            &page,
            &format!("{page}/move"),
            &[("to", to), ("reason", reason)],
        )
    };
    // Won only from a proposal or a negotiation.
    let r = mv(&mut pat, "won", "");
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("A lead in New cannot move to Won"));
    assert_eq!(mv(&mut pat, "proposal", "Asked for a quote").status, 303);
    // Lost needs its reason.
    let r = mv(&mut pat, "lost", " ");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Say why the lead is lost"));
    assert_eq!(mv(&mut pat, "won", "").status, 303);
    // Final.
    let r = mv(&mut pat, "negotiation", "");
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("a won or lost lead stays where it is"));
    let r = mv(&mut pat, "bogus", "");
    assert_eq!(r.status, 422);
    assert_eq!(
        history(app, &id),
        vec![
            (None, "new".to_string(), None, pat_id),
            (
                Some("new".into()),
                "proposal".into(),
                Some("Asked for a quote".into()),
                pat_id
            ),
            (Some("proposal".into()), "won".into(), None, pat_id),
        ]
    );
    let shown = strip_tags(&pat.get(&page).body);
    assert!(shown.contains("Asked for a quote") && shown.contains("Won"));

    // From the board, a card's move comes back to the board.
    let other = lead_of(app, Some("Northwind"));
    let status: String = leads::table
        .filter(leads::public_id.eq(other))
        .select(leads::status)
        .first(&mut app.conn())
        .expect("status");
    if status == "new" {
        let r = pat.submit(
            "/partner/leads/board",
            &format!("/partner/leads/{other}/move"),
            &[("to", "contacted"), ("back", "board")],
        );
        assert_eq!((r.status, r.location()), (303, "/partner/leads/board"));
    }
    crate::partner_dashboard::counts_hold(app);
});

dual!(activities_fall_due_and_notes_are_kept, |app| {
    let mut pat = app.signed_in("partner@demo.test");
    let lead = lead_of(app, Some("Northwind"));
    let page = format!("/partner/leads/{lead}");
    let r = pat.submit(
        &page,
        &format!("{page}/activities"),
        &[
            ("activity_type", "fax"),
            ("subject", ""),
            ("due_at", "whenever"),
        ],
    );
    assert_eq!(r.status, 422);
    for message in [
        "Choose a call, an e-mail, a meeting or a task.",
        "Enter what it is about.",
    ] {
        assert!(r.body.contains(message), "{message}");
    }
    let r = pat.submit(
        &page,
        &format!("{page}/activities"),
        &[
            ("activity_type", "call"),
            ("subject", "Chase the signature"),
            ("due_at", "2020-01-02T09:30"),
        ],
    );
    assert_eq!(r.status, 303);
    let overdue = strip_tags(&pat.get("/partner/activities/overdue").body);
    assert!(overdue.contains("Chase the signature"), "{overdue}");
    let activity: PublicId = lead_activities::table
        .filter(lead_activities::subject.eq("Chase the signature"))
        .select(lead_activities::public_id)
        .first(&mut app.conn())
        .expect("activity");
    let r = pat.submit(
        &page,
        &format!("{page}/activities/{activity}/done"),
        &[("done", "yes")],
    );
    assert_eq!(r.status, 303);
    let overdue = strip_tags(&pat.get("/partner/activities/overdue").body);
    assert!(!overdue.contains("Chase the signature"));
    // Another lead's page cannot reach this activity.
    let other = leads::table
        .filter(leads::partner_id.eq(partner_id(app, "Northwind")))
        .filter(leads::public_id.ne(lead))
        .select(leads::public_id)
        .first::<PublicId>(&mut app.conn())
        .expect("other");
    let r = pat.submit(
        &page,
        &format!("/partner/leads/{other}/activities/{activity}/done"),
        &[("done", "no")],
    );
    assert_eq!(r.status, 404);

    let r = pat.submit(&page, &format!("{page}/notes"), &[("content", "  ")]);
    assert_eq!(r.status, 422);
    let r = pat.submit(
        &page,
        &format!("{page}/notes"),
        &[("content", "Wants <b>two</b> sites")],
    );
    assert_eq!(r.status, 303);
    let body = pat.get(&page).body;
    assert!(body.contains("Wants &#60;b&#62;two&#60;/b&#62; sites"));
});
