//! The client picker past a hundred clients (#23): a deal or call form lists at most 100 clients
//! and finds any other on the server by part of its name, e-mail or phone, keeping what was
//! typed; a single match is chosen; the scope holds; on both databases.

use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use crate::sales_deals::deal_form;
use dealdesk::db::PublicId;
use dealdesk::schema::{clients, deals, users};

/// The options of the form's client select.
fn client_options(body: &str) -> usize {
    let start = body.find("id=\"f-client\"").expect("client select");
    let end = start + body[start..].find("</select>").expect("select end");
    body[start..end].matches("<option").count()
}

/// The demo organization's active client last by name, and its public id.
fn last_client(app: &TestApp) -> (String, PublicId) {
    clients::table
        .filter(clients::organization_id.eq(1))
        .filter(clients::is_active.eq(true))
        .order((clients::name.desc(), clients::id.desc()))
        .select((clients::name, clients::public_id))
        .first(&mut app.conn())
        .expect("client")
}

dual!(a_client_past_the_first_hundred_is_found_and_chosen, |app| {
    let mut ada = app.signed_in("admin@demo.test");
    let form = ada.get("/sales/deals/new");
    assert_eq!(form.status, 200);
    assert_eq!(client_options(&form.body), 101, "“Choose a client” and 100");
    assert!(strip_tags(&form.body).contains("The first 100 clients by name."));
    let (name, last) = last_client(app);
    assert!(!form.body.contains(&last.to_string()), "past the first 100");

    let mut find = deal_form("", "2,500");
    find.extend([("client_q", name.as_str()), ("find", "client")]);
    let found = ada.submit("/sales/deals/new", "/sales/deals", &find);
    assert_eq!(found.status, 200, "a search is not a refusal");
    assert!(strip_tags(&found.body).contains("1 client matches"));
    assert!(
        found
            .body
            .contains(&format!("<option value=\"{last}\" selected>")),
        "the one match is chosen"
    );
    assert!(found.body.contains("value=\"2,500\""), "the amount is kept");
    assert!(
        !found.body.contains("field-error"),
        "nothing is refused yet"
    );
    let before: i64 = deals::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(before, 1540, "finding saved nothing");

    let chosen = last.to_string();
    let saved = ada.submit(
        "/sales/deals/new",
        "/sales/deals",
        &deal_form(&chosen, "2,500"),
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let client_of_new: i64 = deals::table
        .order(deals::id.desc())
        .select(deals::client_id)
        .first(&mut app.conn())
        .expect("deal");
    let client_id: i64 = clients::table
        .filter(clients::public_id.eq(last))
        .select(clients::id)
        .first(&mut app.conn())
        .expect("client");
    assert_eq!(client_of_new, client_id);

    let mut none = deal_form("", "1");
    none.extend([("client_q", "no such client 7Q"), ("find", "client")]);
    let r = ada.submit("/sales/deals/new", "/sales/deals", &none);
    assert_eq!(r.status, 200);
    assert!(strip_tags(&r.body).contains("No client matches “no such client 7Q”."));
    assert_eq!(client_options(&r.body), 1, "only the empty choice");
});

dual!(the_call_form_finds_only_the_users_own_clients, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let colleague: (String, PublicId) = clients::table
        .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
        .filter(users::email.eq("lena.lopez@demo.test"))
        .filter(clients::is_active.eq(true))
        .select((clients::name, clients::public_id))
        .first(&mut app.conn())
        .expect("client");
    let find = [
        ("client_q", colleague.0.as_str()),
        ("find", "client"),
        ("prospect_name", "Kept name"),
    ];
    let r = sam.submit("/sales/calls/new", "/sales/calls", &find);
    assert_eq!(r.status, 200);
    assert!(
        !r.body.contains(&colleague.1.to_string()),
        "a colleague's client stays hidden"
    );
    assert!(r.body.contains("value=\"Kept name\""));
    // Their own client, found by part of its name, then the call is logged with it.
    let (own, own_id): (String, PublicId) = clients::table
        .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
        .filter(users::email.eq("sales@demo.test"))
        .filter(clients::is_active.eq(true))
        .select((clients::name, clients::public_id))
        .first(&mut app.conn())
        .expect("client");
    let part: String = own.chars().take(5).collect();
    let r = sam.submit(
        "/sales/calls/new",
        "/sales/calls",
        &[("client_q", part.as_str()), ("find", "client")],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains(&own_id.to_string()), "{part} finds {own}");
});
