//! /sales/clients: the record scope (own, team as a lead, all with deals.view_all), the form's
//! checks, duplicates pointed out, archiving; on both databases.

use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{audit_log, clients, teams, users};

fn client_id(app: &TestApp, name: &str) -> String {
    clients::table
        .filter(clients::name.eq(name))
        .select(clients::public_id)
        .first::<PublicId>(&mut app.conn())
        .expect("client")
        .to_string()
}

fn add(c: &mut crate::common::Client, fields: &[(&str, &str)]) -> crate::common::Resp {
    c.submit("/sales/clients/new", "/sales/clients", fields)
}

dual!(a_salesperson_sees_only_their_clients, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let r = add(
        &mut sam,
        &[
            ("name", "Zephyr Zinc"),
            ("email", "Orders@Zephyr.example"),
            ("phone", "+1 555 0199"),
            ("satisfaction", "4"),
            ("notes", "Met at the fair"),
        ],
    );
    let zephyr = client_id(app, "Zephyr Zinc");
    assert_eq!(
        (r.status, r.location()),
        (303, format!("/sales/clients/{zephyr}").as_str())
    );
    let page = sam.get(r.location());
    assert!(page.body.contains("Client Zephyr Zinc is added."));
    assert!(page.body.contains("orders@zephyr.example"));
    let owners: Vec<String> = sam.get("/sales/clients?q=zephyr").column("Client");
    assert_eq!(owners, ["Zephyr Zinc"]);

    // A colleague of the same team, without a wider permission, sees none of Sam's clients.
    let mut lena = app.signed_in("lena.lopez@demo.test");
    assert_eq!(lena.get(&format!("/sales/clients/{zephyr}")).status, 404);
    assert_eq!(
        lena.get(&format!("/sales/clients/{zephyr}/edit")).status,
        404
    );
    let r = lena.submit(
        "/sales/clients",
        &format!("/sales/clients/{zephyr}"),
        &[("name", "Taken over")],
    );
    assert_eq!(r.status, 404);
    let r = lena.submit(
        "/sales/clients",
        &format!("/sales/clients/{zephyr}/archive"),
        &[],
    );
    assert_eq!(r.status, 404);
    assert!(
        lena.get("/sales/clients?q=zephyr")
            .column("Client")
            .is_empty()
    );
    // Every row Lena sees is hers.
    let lena_id: i64 = users::table
        .filter(users::email.eq("lena.lopez@demo.test"))
        .select(users::id)
        .first(&mut app.conn())
        .expect("lena");
    let hers: i64 = clients::table
        .filter(clients::created_by_id.eq(lena_id))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    let mut seen = 0;
    let mut url = "/sales/clients".to_string();
    loop {
        let page = lena.get(&url);
        assert!(!page.body.contains("Zephyr"));
        seen += page.column("Client").len() as i64;
        match page.next_link() {
            Some(n) => url = n,
            None => break,
        }
    }
    assert_eq!(seen, hers);
    assert!(hers > 10, "the demo gives Lena clients of her own");

    // The sales manager (deals.view_all) sees everyone's, with their owner.
    let mut max = app.signed_in("manager@demo.test");
    let found = max.get("/sales/clients?q=zephyr");
    assert_eq!(found.cell(">Zephyr Zinc</a>", "Owner"), "Sam Seller");
    // Another organization's users do not, whatever their permissions.
    let mut acme = app.signed_in("admin@acme.test");
    assert_eq!(acme.get(&format!("/sales/clients/{zephyr}")).status, 404);
});

dual!(a_team_lead_sees_the_team_s_clients, |app| {
    let mut conn = app.conn();
    // Lena leads a team with Omar in it; she holds no wider permission.
    let id = |email: &str| -> i64 {
        users::table
            .filter(users::email.eq(email))
            .select(users::id)
            .first(&mut app.conn())
            .expect("user")
    };
    let (lena, omar, sam) = (
        id("lena.lopez@demo.test"),
        id("omar.okafor@demo.test"),
        id("sales@demo.test"),
    );
    let team: i64 = teams::table
        .filter(teams::name.eq("Field Sales"))
        .filter(teams::organization_id.eq(1))
        .select(teams::id)
        .first(&mut conn)
        .expect("team");
    diesel::update(teams::table.find(team))
        .set(teams::lead_user_id.eq(lena))
        .execute(&mut conn)
        .expect("lead");
    diesel::update(users::table.filter(users::id.eq_any([lena, omar])))
        .set(users::team_id.eq(team))
        .execute(&mut conn)
        .expect("members");
    let owner_of = |name: &str| -> i64 {
        clients::table
            .filter(clients::name.eq(name))
            .select(clients::created_by_id)
            .first(&mut app.conn())
            .expect("client")
    };
    let mut lena_c = app.signed_in("lena.lopez@demo.test");
    let page = lena_c.get("/sales/clients?sort=newest");
    let names = page.column("Client");
    assert!(!names.is_empty());
    let mut owners: Vec<i64> = names.iter().map(|n| owner_of(n)).collect();
    owners.sort_unstable();
    owners.dedup();
    // Her own and every member's of the team she leads (Omar, and Hugo and Priya already in it).
    let mut members: Vec<i64> = users::table
        .filter(users::team_id.eq(team))
        .select(users::id)
        .load(&mut app.conn())
        .expect("members");
    members.sort_unstable();
    assert!(members.contains(&omar) && members.len() == 4, "{members:?}");
    assert_eq!(owners, members);
    assert!(!owners.contains(&sam));
    assert!(
        page.body.contains(">Owner<"),
        "a lead sees whose each client is"
    );
});

dual!(the_client_form_checks_and_keeps_what_was_typed, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    let r = add(
        &mut sam,
        &[
            ("name", " "),
            ("email", "not-an-email"),
            ("phone", "call me"),
            ("satisfaction", "9"),
            ("notes", "Keep this note"),
        ],
    );
    assert_eq!(r.status, 422);
    for msg in [
        "Enter the client",
        "Enter an e-mail address like name@example.com.",
        "Use digits, spaces and + - ( ) only.",
        "Choose from 0 to 5 stars",
    ] {
        assert!(r.body.contains(msg), "{msg}");
    }
    assert!(r.body.contains("value=\"not-an-email\"") && r.body.contains("Keep this note"));

    // The same e-mail as another client: saved, and pointed out with a link.
    let r = add(
        &mut sam,
        &[
            ("name", "Northwind Again"),
            ("email", "buyer0@northwindtraders.example"),
        ],
    );
    assert_eq!(r.status, 303);
    let page = sam.get(r.location());
    assert!(page.body.contains("Possible duplicate"));
    let northwind = client_id(app, "Northwind Traders");
    // Northwind Traders is Sam's own: linked. The other client with that address is Lena's:
    // counted, not shown.
    assert!(page.body.contains(&format!(
        "<a href=\"/sales/clients/{northwind}\">Northwind Traders</a>"
    )));
    assert!(page.body.contains("(1 client of a colleague)"));

    // Edit: only the changed fields are audited; archive and restore.
    let again = client_id(app, "Northwind Again");
    let url = format!("/sales/clients/{again}");
    let r = sam.submit(
        &format!("{url}/edit"),
        &url,
        &[
            ("name", "Northwind Again"),
            ("email", "buyer0@northwindtraders.example"),
            ("phone", "+1 555 0123"),
        ],
    );
    assert_eq!(r.status, 303);
    let (old, new): (Option<String>, Option<String>) = audit_log::table
        .filter(audit_log::entity_type.eq("client"))
        .filter(audit_log::action.eq("update"))
        .select((audit_log::old_values, audit_log::new_values))
        .first(&mut app.conn())
        .expect("audit");
    assert_eq!(old.as_deref(), Some(r#"{"phone":null}"#));
    assert_eq!(new.as_deref(), Some(r#"{"phone":"+1 555 0123"}"#));
    let r = sam.submit(&url, &format!("{url}/archive"), &[]);
    assert_eq!(r.status, 303);
    assert!(sam.get(&url).body.contains("Archived"));
    let archived = sam
        .get("/sales/clients?active=archived&q=again")
        .column("Client");
    assert_eq!(archived, ["Northwind Again"]);
    assert!(
        sam.get("/sales/clients?active=active&q=again")
            .column("Client")
            .is_empty()
    );
    // The admin's audit log names the client and says what changed, in words.
    let mut admin = app.signed_in("admin@demo.test");
    let log = strip_tags(&admin.get("/admin/audit?entity_type=client").body);
    assert!(
        log.contains("Sam Seller created client Northwind Again"),
        "{log}"
    );
    assert!(log.contains("Sam Seller changed client Northwind Again"));
    assert!(log.contains("Phone — → changed to +1 555 0123"));
    // Without clients.manage, no client page opens.
    let mut vera = app.signed_in("verifier@demo.test");
    assert_eq!(vera.get("/sales/clients").status, 403);
    assert_eq!(vera.get(&url).status, 403);
});

dual!(
    the_clients_export_holds_the_scope_s_clients_and_is_audited,
    |app| {
        let mut lena = app.signed_in("lena.lopez@demo.test");
        let r = add(
            &mut lena,
            &[("name", "=HYPERLINK(\"x\") Corp"), ("phone", "+1 555 0100")],
        );
        assert_eq!(r.status, 303);
        let csv = lena.get("/sales/clients/export.csv?active=active");
        assert_eq!(csv.status, 200);
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        let lena_id: i64 = users::table
            .filter(users::email.eq("lena.lopez@demo.test"))
            .select(users::id)
            .first(&mut app.conn())
            .expect("lena");
        let hers_active: i64 = clients::table
            .filter(clients::created_by_id.eq(lena_id))
            .filter(clients::is_active.eq(true))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(rows.len() as i64, hers_active, "only her active clients");
        assert!(
            rows.iter()
                .all(|r| &r[4] == "Lena Lopez" && &r[5] == "active")
        );
        let formula = rows
            .iter()
            .find(|r| r[0].contains("HYPERLINK"))
            .expect("the new client");
        assert_eq!(&formula[0], "'=HYPERLINK(\"x\") Corp");
        assert_eq!(&formula[2], "'+1 555 0100");
        let (new_values,): (Option<String>,) = audit_log::table
            .filter(audit_log::action.eq("export"))
            .filter(audit_log::entity_type.eq("client"))
            .select((audit_log::new_values,))
            .first(&mut app.conn())
            .expect("audited");
        let v: serde_json::Value =
            serde_json::from_str(&new_values.unwrap_or_default()).expect("json");
        assert_eq!(v["rows"], hers_active);
        assert_eq!(v["filters"]["active"], "active");
    }
);
