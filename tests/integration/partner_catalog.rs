//! The catalog: products with tiers checked for gaps and overlaps, pictures checked on their
//! bytes, the calculator's figures at tier edges for both pricing models, durations, the
//! low-stock list and its remembered threshold; who may do what. On both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::common::{Client, PNG, TestApp};
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{durations, organizations, price_tiers, products, user_profiles, users};

fn org_id(app: &TestApp) -> i64 {
    organizations::table
        .filter(organizations::name.eq("Demo Traders"))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("org")
}

fn product(app: &TestApp, name: &str) -> PublicId {
    products::table
        .filter(products::organization_id.eq(org_id(app)))
        .filter(products::name.eq(name))
        .select(products::public_id)
        .first(&mut app.conn())
        .expect("product")
}

fn duration(app: &TestApp, months: i32) -> PublicId {
    durations::table
        .filter(durations::organization_id.eq(org_id(app)))
        .filter(durations::months.eq(months))
        .select(durations::public_id)
        .first(&mut app.conn())
        .expect("duration")
}

/// The calculator's figures for a query: its text, or the status when it is not 200.
fn calc(c: &mut Client, query: &str) -> (u16, String) {
    let r = c.get(&format!("/partner/calculator?{query}"));
    (r.status, strip_tags(&r.body))
}

fn fields<'a>(name: &'a str, rows: &[(&'a str, &'a str, &'a str)]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("name", name),
        ("product_type", "appliance"),
        ("unit", "device"),
        ("category", "Hardware"),
        ("pricing_model", "volume"),
        ("period", "month"),
        ("is_active", "on"),
        ("track_stock", "on"),
        ("stock", "3"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    for (i, (min, max, price)) in rows.iter().enumerate() {
        f.push((format!("tier_{i}_min"), min.to_string()));
        f.push((format!("tier_{i}_max"), max.to_string()));
        f.push((format!("tier_{i}_price"), price.to_string()));
    }
    f
}

fn post_product(
    c: &mut Client,
    action: &str,
    f: &[(String, String)],
    file: Option<(&str, &str, &[u8])>,
) -> crate::common::Resp {
    let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    c.submit_multipart("/partner/catalog/new", action, &refs, file)
}

dual!(the_calculator_prices_tier_edges_for_both_models, |app| {
    let mut pat = app.signed_in("partner@demo.test");
    let backup = product(app, "Cloud Backup");
    let firewall = product(app, "Managed Firewall");
    let two_years = duration(app, 24);
    let one_year = duration(app, 12);
    // Volume: 10 TB is the first tier's last unit; 11 TB prices every unit at the second.
    let (s, t) = calc(
        &mut pat,
        &format!("product={backup}&quantity=10&duration={one_year}"),
    );
    assert_eq!(s, 200, "{t}");
    assert!(t.contains("12.5000 USD per month"), "{t}");
    assert!(t.contains("Total 1,800.00 USD"), "{t}"); // 10 × 12.50 × 12 = 1,500 + 20 % tax
    let (s, t) = calc(
        &mut pat,
        &format!("product={backup}&quantity=11&duration={two_years}"),
    );
    assert_eq!(s, 200);
    for figure in [
        "10.0000 USD per month",
        "Subtotal 2,640.00 USD",
        "Discount (5%) 132.00 USD",
        "Net 2,508.00 USD",
        "Tax (20%) 501.60 USD",
        "Total 3,009.60 USD",
    ] {
        assert!(t.contains(figure), "{figure} in {t}");
    }
    // Graduated across three tiers: 5 × 45 + 15 × 39.50 + 5 × 32 a month, for 12 months.
    let (s, t) = calc(
        &mut pat,
        &format!("product={firewall}&quantity=25&duration={one_year}"),
    );
    assert_eq!(s, 200);
    assert!(t.contains("Subtotal 11,730.00 USD"), "{t}");
    assert!(t.contains("Total 14,076.00 USD"), "{t}");
    assert!(
        t.contains("5 × 45.0000 USD + 15 × 39.5000 USD + 5 × 32.0000 USD"),
        "{t}"
    );
    // A one-off product is priced once: no "per month", and a duration chosen is said not to
    // apply rather than silently dropped. 2 × 349.00 + 20 % tax.
    let router = product(app, "Edge Router R1");
    let (s, t) = calc(
        &mut pat,
        &format!("product={router}&quantity=2&duration={two_years}"),
    );
    assert_eq!(s, 200, "{t}");
    assert!(t.contains("349.0000 USD each, once"), "{t}");
    assert!(!t.contains("per month"), "{t}");
    assert!(t.contains("Total 837.60 USD"), "{t}");
    assert!(
        t.contains(
            "Edge Router R1 is sold once: the duration chosen and its discount do not apply"
        ),
        "{t}"
    );
    assert!(t.contains("unit, once"), "the tiers say so too: {t}");
    // Bad input: 422 with the field's message, never a 500.
    let (s, t) = calc(
        &mut pat,
        &format!("product={backup}&quantity=-3&duration={one_year}"),
    );
    assert_eq!(s, 422);
    assert!(t.contains("Give a whole number of units, 1 or more."));
    let (s, t) = calc(&mut pat, &format!("product={backup}&quantity=5"));
    assert_eq!(s, 422);
    assert!(t.contains("Choose how long the subscription runs."));
    let (s, _) = calc(&mut pat, "product=nope&quantity=5");
    assert_eq!(s, 422);
    let (s, _) = calc(
        &mut pat,
        &format!("product={backup}&quantity=5&duration=xyz"),
    );
    assert_eq!(s, 422);

    // A closed last tier: beyond it is refused with what to do.
    let mut ada = app.signed_in("admin@demo.test");
    let r = post_product(
        &mut ada,
        "/partner/catalog",
        &fields("Rack Kit", &[("1", "5", "100"), ("6", "10", "90.1234")]),
        None,
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let rack = product(app, "Rack Kit");
    let (s, t) = calc(&mut pat, &format!("product={rack}&quantity=11"));
    assert_eq!(s, 422);
    assert!(t.contains("priced up to 10 units"), "{t}");
    // A one-off product needs no duration: 6 × 90.1234 = 540.7404 → 540.74.
    let (s, t) = calc(&mut pat, &format!("product={rack}&quantity=6"));
    assert_eq!(s, 200, "{t}");
    assert!(t.contains("Subtotal 540.74 USD"), "{t}");
});

dual!(
    products_are_checked_and_only_catalog_managers_change_them,
    |app| {
        let mut ada = app.signed_in("admin@demo.test");
        // A gap between tiers: refused, what was typed kept.
        let r = post_product(
            &mut ada,
            "/partner/catalog",
            &fields("Gap Kit", &[("1", "5", "100"), ("7", "", "90")]),
            None,
        );
        assert_eq!(r.status, 422);
        let text = strip_tags(&r.body);
        assert!(text.contains("Tier 2 must start at 6"), "{text}");
        assert!(r.body.contains("value=\"Gap Kit\"") && r.body.contains("value=\"7\""));
        // A picture that is not one, whatever its name says.
        let r = post_product(
            &mut ada,
            "/partner/catalog",
            &fields("Pic Kit", &[("1", "", "10")]),
            Some((
                "image",
                "kit.png",
                b"<html><script>alert(1)</script></html>",
            )),
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Choose a JPEG, PNG or WebP picture"));
        assert_eq!(
            products::table
                .filter(products::name.eq_any(["Gap Kit", "Pic Kit"]))
                .count()
                .get_result::<i64>(&mut app.conn())
                .expect("n"),
            0
        );
        let r = post_product(
            &mut ada,
            "/partner/catalog",
            &fields("Pic Kit", &[("1", "", "10")]),
            Some(("image", "kit.bin", &PNG)),
        );
        assert_eq!(r.status, 303);
        let kit = product(app, "Pic Kit");
        let img = ada.get(&format!("/partner/catalog/{kit}/image"));
        assert_eq!(img.status, 200);
        assert_eq!(img.header("content-type"), Some("image/png"));
        // A duplicate name is a field error.
        let r = post_product(
            &mut ada,
            "/partner/catalog",
            &fields("Pic Kit", &[("1", "", "10")]),
            None,
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Another product already has this name"));
        // Editing replaces the tiers.
        let mut edit = fields("Pic Kit", &[("1", "3", "10"), ("4", "", "8.5")]);
        edit.retain(|(k, _)| k != "track_stock");
        let refs: Vec<(&str, &str)> = edit.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let r = ada.submit_multipart(
            &format!("/partner/catalog/{kit}/edit"),
            &format!("/partner/catalog/{kit}"),
            &refs,
            None,
        );
        assert_eq!(r.status, 303);
        let id: i64 = products::table
            .filter(products::public_id.eq(kit))
            .select(products::id)
            .first(&mut app.conn())
            .expect("id");
        let tiers: Vec<(i32, Option<i32>, i64)> = price_tiers::table
            .filter(price_tiers::product_id.eq(id))
            .order(price_tiers::min_quantity)
            .select((
                price_tiers::min_quantity,
                price_tiers::max_quantity,
                price_tiers::unit_price_e4,
            ))
            .load(&mut app.conn())
            .expect("tiers");
        assert_eq!(tiers, vec![(1, Some(3), 100_000), (4, None, 85_000)]);

        // Partners read the catalog, never change it.
        let mut pat = app.signed_in("partner@demo.test");
        assert_eq!(pat.get("/partner/catalog").status, 200);
        assert_eq!(pat.get(&format!("/partner/catalog/{kit}")).status, 200);
        assert_eq!(pat.get("/partner/catalog/new").status, 403);
        assert_eq!(pat.get(&format!("/partner/catalog/{kit}/edit")).status, 403);
        assert_eq!(pat.get("/partner/catalog/low-stock").status, 403);
        assert_eq!(pat.get("/partner/durations").status, 403);
        let mut sam = app.signed_in("sales@demo.test");
        assert_eq!(sam.get("/partner/catalog").status, 403);
        assert_eq!(sam.get("/partner/calculator").status, 403);
    }
);

dual!(
    low_stock_follows_the_chosen_threshold_and_durations_are_managed,
    |app| {
        // The X200 at 4, the tape packs at 8, the router at 25 (not low).
        for (name, stock) in [
            ("Backup Appliance X200", 4),
            ("Archive Tape Pack", 8),
            ("Edge Router R1", 25),
        ] {
            diesel::update(products::table.filter(products::public_id.eq(product(app, name))))
                .set(products::stock.eq(stock))
                .execute(&mut app.conn())
                .expect("stock");
        }
        let mut ada = app.signed_in("admin@demo.test");
        let page = strip_tags(&ada.get("/partner/catalog/low-stock").body);
        assert!(page.contains("Backup Appliance X200") && page.contains("Archive Tape Pack"));
        assert!(!page.contains("Edge Router R1"), "{page}");
        let r = ada.submit(
            "/partner/catalog/low-stock",
            "/partner/catalog/low-stock",
            &[("threshold", "5")],
        );
        assert_eq!(r.status, 303);
        let page = strip_tags(&ada.get("/partner/catalog/low-stock").body);
        assert!(page.contains("Backup Appliance X200") && !page.contains("Archive Tape Pack"));
        let stored: Option<String> = user_profiles::table
            .inner_join(users::table.on(users::id.eq(user_profiles::user_id)))
            .filter(users::email.eq("admin@demo.test"))
            .select(user_profiles::preferences)
            .first(&mut app.conn())
            .expect("profile");
        assert!(
            stored
                .unwrap_or_default()
                .contains("\"low_stock_threshold\":5")
        );
        let r = ada.submit(
            "/partner/catalog/low-stock",
            "/partner/catalog/low-stock",
            &[("threshold", "7")],
        );
        assert_eq!(r.status, 400);

        // Durations: checked, unique by months, removable while unused.
        let r = ada.submit(
            "/partner/durations",
            "/partner/durations",
            &[("months", "0"), ("discount", "150")],
        );
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("Give the months as a whole number from 1 to 120.")
        );
        let r = ada.submit(
            "/partner/durations",
            "/partner/durations",
            &[("months", "12"), ("discount", "1")],
        );
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("A duration of this many months exists already.")
        );
        let r = ada.submit(
            "/partner/durations",
            "/partner/durations",
            &[("months", "6"), ("discount", "2.5")],
        );
        assert_eq!(r.status, 303);
        let (six, bp): (PublicId, i32) = durations::table
            .filter(durations::organization_id.eq(org_id(app)))
            .filter(durations::months.eq(6))
            .select((durations::public_id, durations::discount_bp))
            .first(&mut app.conn())
            .expect("six");
        assert_eq!(bp, 250);
        let r = ada.submit(
            "/partner/durations",
            &format!("/partner/durations/{six}/delete"),
            &[],
        );
        assert_eq!(r.status, 303);
        assert_eq!(
            durations::table
                .filter(durations::months.eq(6))
                .count()
                .get_result::<i64>(&mut app.conn())
                .expect("n"),
            0
        );
    }
);
