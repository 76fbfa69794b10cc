//! Lists people can search, sort and count (#23): one search box per list matching what a
//! person types (a number, a client's or partner's name, a reference), column headings that
//! sort either way and keep the filters, a count of what matches with a totals row, and a page
//! size to choose; on both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::dual;
use crate::verification::pending_payment;
use dealdesk::db::PublicId;
use dealdesk::schema::{clients, deals, payments};

/// The rows' first links in a list page (its records' numbers), in the order shown.
fn numbers(html: &str, prefix: &str) -> Vec<String> {
    html.split("<tbody>")
        .nth(1)
        .unwrap_or("")
        .split("</tbody>")
        .next()
        .unwrap_or("")
        .split(&format!("href=\"{prefix}"))
        .skip(1)
        .filter_map(|s| s.split('>').nth(1)?.split('<').next().map(str::to_string))
        .collect()
}

dual!(
    deals_are_found_by_number_or_client_counted_totalled_and_sorted_either_way,
    |app| {
        let mut mia = app.signed_in("manager@demo.test");
        // The demo client with the fewest deals, so that all of them fit on a page.
        let per_client: Vec<(i64, i64)> = deals::table
            .filter(deals::organization_id.eq(1))
            .group_by(deals::client_id)
            .select((deals::client_id, diesel::dsl::count_star()))
            .load(&mut app.conn())
            .expect("deals per client");
        let (client, _) = per_client
            .iter()
            .min_by_key(|(id, n)| (*n, *id))
            .copied()
            .expect("a client with deals");
        // Demo names repeat; this one is the client's alone.
        let name = "Quillfeather Supplies".to_string();
        diesel::update(clients::table.find(client))
            .set(clients::name.eq(&name))
            .execute(&mut app.conn())
            .expect("rename");
        let number: String = deals::table
            .filter(deals::client_id.eq(client))
            .order(deals::id)
            .select(deals::deal_number)
            .first(&mut app.conn())
            .expect("a demo deal");
        let of_client: Vec<(String, i64)> = deals::table
            .filter(deals::client_id.eq(client))
            .select((deals::deal_number, deals::amount_org_minor))
            .load(&mut app.conn())
            .expect("the client's deals");

        // A part of the client's name, in other letters' case, finds exactly their deals.
        let part: String = name.chars().take(6).collect::<String>().to_uppercase();
        let page = mia.get(&format!(
            "/sales/deals?q={}",
            dealdesk::web::url_encode(&part)
        ));
        assert_eq!(page.status, 200);
        let shown = numbers(&page.body, "/sales/deals/");
        for (n, _) in &of_client {
            assert!(
                shown.contains(n),
                "{n} of {name} is found by {part:?}: {shown:?} {}",
                strip_tags(&page.body)
            );
        }
        // The number alone, or just its digits, finds that one deal, with its count and total.
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_start_matches('0').to_string();
        for term in [number.to_lowercase(), digits] {
            let page = mia.get(&format!("/sales/deals?q={term}"));
            assert_eq!(
                numbers(&page.body, "/sales/deals/"),
                vec![number.clone()],
                "{term}"
            );
            let text = strip_tags(&page.body);
            assert!(text.contains("1 deal matches."), "{text}");
            assert!(text.contains("Total of the 1 deal"), "{text}");
        }
        let none = mia.get("/sales/deals?q=no+such+deal+or+client");
        assert!(strip_tags(&none.body).contains("0 deals match."));
        assert!(none.body.contains("No deal matches."));

        // A heading sorts by its column, keeps the search and filters, and turns the order round.
        let q = dealdesk::web::url_encode(&name);
        let page = mia.get(&format!("/sales/deals?q={q}&status=&sort=amount&dir=desc"));
        assert!(
            page.body.contains("aria-sort=\"descending\""),
            "the sorted column is marked"
        );
        let heading = page
            .body
            .split("aria-sort=\"descending\"><a class=\"sort\" href=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .replace("&#38;", "&")
            .replace("&amp;", "&");
        assert!(
            heading.contains(&format!("q={q}"))
                && heading.ends_with("&sort=amount&dir=asc")
                && heading.matches("sort=").count() == 1,
            "the heading links to the other way, search kept: {heading}"
        );
        let mut by_amount = of_client.clone();
        by_amount.sort_by_key(|(n, a)| (std::cmp::Reverse(*a), std::cmp::Reverse(n.clone())));
        let desc = numbers(&page.body, "/sales/deals/");
        let asc = numbers(
            &mia.get(&format!("/sales/deals?q={q}&sort=amount&dir=asc"))
                .body,
            "/sales/deals/",
        );
        assert_eq!(desc.len(), asc.len());
        assert_eq!(desc.first(), asc.last(), "one order is the other reversed");
        assert_eq!(
            desc.first(),
            by_amount.first().map(|(n, _)| n),
            "largest first"
        );

        // A page size from the list; anything else is the default.
        let all: i64 = deals::table
            .filter(deals::organization_id.eq(1))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert!(all > 25, "the demo has more deals than a small page");
        let small = mia.get("/sales/deals?size=25");
        assert_eq!(numbers(&small.body, "/sales/deals/").len(), 25);
        assert!(
            small.body.contains("size=25"),
            "the next page keeps the size"
        );
        assert_eq!(mia.get("/sales/deals?size=7").status, 200);
    }
);

dual!(
    payments_are_found_by_their_number_reference_deal_or_client,
    |app| {
        let (id, number, deal) = pending_payment(app, "125.00");
        let deal_number: String = deals::table
            .filter(
                deals::public_id.eq(deal
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .parse::<PublicId>()
                    .expect("deal id")),
            )
            .select(deals::deal_number)
            .first(&mut app.conn())
            .expect("deal");
        diesel::update(payments::table.filter(payments::public_id.eq(id)))
            .set(payments::bank_reference.eq("WIRE-7731"))
            .execute(&mut app.conn())
            .expect("reference");
        let mut sam = app.signed_in("sales@demo.test");
        for term in [
            number.as_str(),
            "wire-7731",
            "WIRE-7731",
            deal_number.as_str(),
        ] {
            let page = sam.get(&format!("/sales/payments?q={term}"));
            assert_eq!(page.status, 200);
            assert!(
                numbers(&page.body, "/sales/payments/").contains(&number),
                "{term} finds {number}"
            );
        }
        let page = sam.get(&format!("/sales/payments?q={number}"));
        let text = strip_tags(&page.body);
        assert!(text.contains("1 payment matches."), "{text}");
        assert!(text.contains("Total of the 1 payment"), "{text}");
        assert!(text.contains("125.00 USD"), "{text}");

        // The verifier finds it the same way, in the queue and by amount order.
        let mut vera = app.signed_in("verifier@demo.test");
        let queue = vera.get(&format!("/verifier?q={deal_number}"));
        assert_eq!(
            numbers(&queue.body, "/verifier/payments/"),
            vec![number.clone()]
        );
        let sorted = vera.get("/verifier?sort=amount");
        assert!(sorted.body.contains("aria-sort=\"descending\""));
        let amounts: Vec<i64> = payments::table
            .filter(payments::organization_id.eq(1))
            .filter(payments::status.eq("pending"))
            .order((payments::amount_minor.desc(), payments::id.desc()))
            .select(payments::amount_minor)
            .limit(1)
            .load(&mut app.conn())
            .expect("largest");
        let first = numbers(&sorted.body, "/verifier/payments/");
        let largest: String = payments::table
            .filter(payments::organization_id.eq(1))
            .filter(payments::status.eq("pending"))
            .filter(payments::amount_minor.eq(amounts[0]))
            .order(payments::id.desc())
            .select(payments::transaction_number)
            .first(&mut app.conn())
            .expect("largest");
        assert_eq!(first.first(), Some(&largest), "largest first");
        assert!(
            strip_tags(&vera.get("/verifier?q=nothing+like+it").body).contains("0 payments match.")
        );
    }
);

dual!(
    calls_and_contracts_have_a_search_box_a_count_and_an_order,
    |app| {
        let mut mia = app.signed_in("manager@demo.test");
        let page = mia.get("/sales/calls?q=no+such+person");
        assert_eq!(page.status, 200);
        assert!(strip_tags(&page.body).contains("0 calls match."));
        let all = mia.get("/sales/calls?dir=asc");
        assert!(all.body.contains("aria-sort=\"ascending\""));
        // A call's time names the viewer's zone (the demo's New York).
        let text = strip_tags(&all.body);
        assert!(text.contains(" EST") || text.contains(" EDT"), "{text}");
        let mut pat = app.signed_in("partner@demo.test");
        let page = pat.get("/partner/contracts?q=no+such+partner");
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(strip_tags(&page.body).contains("0 contracts match."));
        let listed = pat.get("/partner/contracts?dir=desc");
        assert!(listed.body.contains("aria-sort=\"descending\""));
        assert!(strip_tags(&listed.body).contains("match"));
    }
);

dual!(
    the_deals_board_counts_each_status_within_the_viewers_scope,
    |app| {
        use dealdesk::domain::{DealStatus, Money};
        use dealdesk::schema::users;
        let sam_id: i64 = users::table
            .filter(users::email.eq("sales@demo.test"))
            .select(users::id)
            .first(&mut app.conn())
            .expect("sam");
        let mut sam = app.signed_in("sales@demo.test");
        let board = sam.get("/sales/deals/board");
        assert_eq!(board.status, 200);
        assert!(board.body.len() < 60_000, "{} bytes", board.body.len());
        let text = strip_tags(&board.body);
        for status in DealStatus::ALL {
            let amounts: Vec<i64> = deals::table
                .filter(deals::created_by_id.eq(sam_id))
                .filter(deals::status.eq(*status))
                .select(deals::amount_org_minor)
                .load(&mut app.conn())
                .expect("deals");
            let n = amounts.len();
            let heading = match n {
                1 => format!("{} 1 deal", status.label()),
                _ => format!("{} {n} deals", status.label()),
            };
            assert!(text.contains(&heading), "{heading}: {text}");
            let worth = Money::new(amounts.iter().sum(), "USD");
            assert!(text.contains(&format!("Worth {worth}")), "{worth}: {text}");
            if n > 10 {
                assert!(board.body.contains(&format!(
                    "href=\"/sales/deals?status={}\">All {n} deals",
                    status.code()
                )));
            }
        }
        // Only Sam's own deals, so no owner on the cards; a manager's name them.
        assert!(!text.contains("Max Manager"));
        let mut max = app.signed_in("manager@demo.test");
        let board = max.get("/sales/deals/board");
        assert_eq!(board.status, 200);
        assert!(strip_tags(&board.body).contains("Sam Seller"));
        // Outside the sales area: refused.
        assert_eq!(
            app.signed_in("partner@demo.test")
                .get("/sales/deals/board")
                .status,
            403
        );
    }
);
