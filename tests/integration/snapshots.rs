//! Rendered pages on the demo's fixed data, kept as snapshots (`insta`): a template change shows
//! up in review as a diff of the page a user sees. What moves with the clock or is random (ids,
//! dates, times, tokens) is replaced by a placeholder; both databases render the same page.
//! After a deliberate change: `INSTA_UPDATE=always cargo test --test integration snapshots`,
//! then read the diff of `tests/integration/snapshots/` before committing it.

use diesel::prelude::*;

use dealdesk::schema::{deals, invoices};

use crate::dual;

/// The page's `<main>`, without the navigation and flash messages around it.
fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("a <main>");
    let end = html[start..].find("</main>").expect("</main>") + start + "</main>".len();
    html[start..end]
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(name: &str, html: &str) {
    let main = main_of(html);
    let months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
    let day_month = format!(r"\b\d{{1,2}} ({months})( \d{{4}})?\b");
    let month_day = format!(r"\b({months}) \d{{1,2}}(, \d{{4}})?\b");
    insta::with_settings!({
        filters => vec![
            // Invoice numbers carry the year they were issued in.
            (r"\bINV-\d{4}-", "INV-[year]-"),
            (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[id]"),
            (r#"name="csrf_token" value="[^"]*""#, r#"name="csrf_token" value="[csrf]""#),
            (r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?Z?)?", "[date]"),
            (&day_month, "[date]"),
            (&month_day, "[date]"),
            (r"\b\d{1,2}:\d{2}\b", "[time]"),
            // Summer and winter time change the zone's letters.
            (r"\b(EST|EDT|GMT|BST|CET|CEST|PST|PDT)\b", "[tz]"),
            (r"\b(\d+|an?) (second|minute|hour|day|week|month|year)s? ago\b", "[ago]"),
            (r"\bin (\d+|an?) (second|minute|hour|day|week|month|year)s?\b", "[in]"),
        ],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, main);
    });
}

dual!(a_deal_page, |app| {
    let deal: dealdesk::db::PublicId = deals::table
        .filter(deals::deal_number.eq("DLID0001"))
        .select(deals::public_id)
        .first(&mut app.conn())
        .expect("the demo's first deal");
    let mut sam = app.signed_in("manager@demo.test");
    let page = sam.get(&format!("/sales/deals/{deal}"));
    assert_eq!(page.status, 200);
    check("deal_page", &page.body);
});

dual!(the_verifier_queue, |app| {
    let mut vera = app.signed_in("verifier@demo.test");
    let page = vera.get("/verifier");
    assert_eq!(page.status, 200);
    check("verifier_queue", &page.body);
});

dual!(an_invoice, |app| {
    let invoice: dealdesk::db::PublicId = invoices::table
        .filter(invoices::invoice_number.is_not_null())
        .order(invoices::invoice_number)
        .select(invoices::public_id)
        .first(&mut app.conn())
        .expect("an issued demo invoice");
    let mut vera = app.signed_in("verifier@demo.test");
    let page = vera.get(&format!("/invoices/{invoice}"));
    assert_eq!(page.status, 200);
    check("invoice", &page.body);
});

dual!(the_partner_board, |app| {
    let mut pat = app.signed_in("partner@demo.test");
    let page = pat.get("/partner/leads/board");
    assert_eq!(page.status, 200);
    check("partner_board", &page.body);
});
