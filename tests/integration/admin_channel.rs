//! /admin/partners and /admin/distributors: companies checked and saved; assigning a partner to
//! a distributor opens its rows to the distributor's users, ending it closes them at once, and
//! both stay in the distributor's history. On both databases.

use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{distributors, leads, organizations, partners};

fn org_id(app: &TestApp) -> i64 {
    organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("org")
}

dual!(
    assignments_open_and_close_a_partners_rows_to_a_distributor,
    |app| {
        let mut ada = app.signed_in("admin@demo.test");
        let r = ada.submit(
            "/admin/partners/new",
            "/admin/partners",
            &[
                ("name", "Umbrella Resellers"),
                ("country", "France"),
                ("website", "umbrella.example"),
            ],
        );
        assert_eq!(r.status, 422);
        let text = strip_tags(&r.body);
        assert!(text.contains("Give the two-letter country code"), "{text}");
        assert!(text.contains("Give the address with https://"));
        assert!(r.body.contains("value=\"Umbrella Resellers\""));
        let r = ada.submit(
            "/admin/partners/new",
            "/admin/partners",
            &[
                ("name", "Umbrella Resellers"),
                ("country", "fr"),
                ("is_active", "on"),
            ],
        );
        assert_eq!(r.status, 303);
        let country: Option<String> = partners::table
            .filter(partners::name.eq("Umbrella Resellers"))
            .select(partners::country)
            .first(&mut app.conn())
            .expect("partner");
        assert_eq!(country.as_deref(), Some("FR"));

        let (initech, initech_public): (i64, PublicId) = partners::table
            .filter(partners::organization_id.eq(org_id(app)))
            .filter(partners::name.like("Initech%"))
            .select((partners::id, partners::public_id))
            .first(&mut app.conn())
            .expect("initech");
        let globex: PublicId = distributors::table
            .filter(distributors::organization_id.eq(org_id(app)))
            .select(distributors::public_id)
            .first(&mut app.conn())
            .expect("globex");
        let lead: PublicId = leads::table
            .filter(leads::partner_id.eq(initech))
            .select(leads::public_id)
            .first(&mut app.conn())
            .expect("an Initech lead");
        let mut dana = app.signed_in("distributor@demo.test");
        let lead_page = format!("/partner/leads/{lead}");
        assert_eq!(dana.get(&lead_page).status, 404);
        let page = format!("/admin/distributors/{globex}");
        let assign = |ada: &mut crate::common::Client, intent: &str| {
            ada.submit(
                &page,
                &format!("{page}/assignments"),
                &[("partner", &initech_public.to_string()), ("intent", intent)],
            )
        };
        assert_eq!(assign(&mut ada, "assign").status, 303);
        assert_eq!(dana.get(&lead_page).status, 200, "assigned: seen at once");
        assert_eq!(assign(&mut ada, "end").status, 303);
        assert_eq!(dana.get(&lead_page).status, 404, "ended: hidden at once");
        let text = strip_tags(&ada.get(&page).body);
        assert!(text.contains("Assigned Initech Partners"), "{text}");
        assert!(text.contains("Ended Initech Partners"), "{text}");
        assert!(text.contains("Ended"), "the ended row stays listed");
        assert_eq!(assign(&mut ada, "sideways").status, 400);

        // Only admins manage the channel.
        assert_eq!(dana.get("/admin/partners").status, 403);
        assert_eq!(
            app.signed_in("manager@demo.test")
                .get("/admin/distributors")
                .status,
            403
        );
    }
);
