//! In a real browser: a partner adds a lead, moves it through the pipeline to won and turns it
//! into a quote, which they send; a fulfiller takes it from the queue and fulfils it, and the
//! contract appears.

use diesel::prelude::*;
use fantoccini::Locator;

use crate::browser::{click, fill, in_browser, page_with, sign_in, sign_out};
use crate::common::{Backend, DEMO_PASSWORD};
use dealdesk::db::PublicId;
use dealdesk::schema::{durations, organizations, products};

async fn choose(browser: &fantoccini::Client, css: &str, value: &str) {
    browser
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{css} = {value}: {e}"));
}

fn partner_sells_and_fulfiller_fulfils(backend: Backend) {
    in_browser(backend, async |app, browser| {
        let org: i64 = organizations::table
            .filter(organizations::name.eq("Demo Traders"))
            .select(organizations::id)
            .first(&mut app.conn())
            .expect("org");
        let firewall: PublicId = products::table
            .filter(products::organization_id.eq(org))
            .filter(products::name.eq("Managed Firewall"))
            .select(products::public_id)
            .first(&mut app.conn())
            .expect("product");
        let year: PublicId = durations::table
            .filter(durations::organization_id.eq(org))
            .filter(durations::months.eq(12))
            .select(durations::public_id)
            .first(&mut app.conn())
            .expect("duration");

        sign_in(browser, &app.base, "partner@demo.test", DEMO_PASSWORD).await;
        let home = page_with(browser, "#stages-title").await;
        assert!(home.contains("Partner portal") && home.contains("Leads by stage"));
        browser
            .goto(&format!("{}/partner/leads/new", app.base))
            .await
            .expect("open");
        fill(browser, "#f-title", "Firewalls for Browser Bank").await;
        fill(browser, "#f-company_name", "Browser Bank").await;
        fill(browser, "#f-contact_email", "it@browserbank.example").await;
        click(browser, "main form button[type=submit]").await;
        let lead = page_with(browser, "#f-to").await;
        assert!(lead.contains("The lead “Firewalls for Browser Bank” is added."));
        for stage in ["proposal", "won"] {
            choose(browser, "#f-to", stage).await;
            click(browser, "form[action$='/move'] button[type=submit]").await;
            // The new page, not the one the click left: its heading shows the stage.
            page_with(browser, &format!("h1 .status-{stage}")).await;
        }
        let won = page_with(browser, "a[href^='/partner/orders/new?lead=']").await;
        assert!(won.contains("The lead is now Won."));
        click(browser, "a[href^='/partner/orders/new?lead=']").await;
        choose(
            browser,
            "select[name=item_0_product]",
            &firewall.to_string(),
        )
        .await;
        fill(browser, "input[name=item_0_quantity]", "25").await;
        choose(browser, "select[name=item_0_duration]", &year.to_string()).await;
        click(browser, "main form button[type=submit]").await;
        let quote = page_with(browser, "form[action$='/action']").await;
        assert!(
            quote.contains("is saved; send it when it is ready."),
            "{quote}"
        );
        assert!(quote.contains("Managed Firewall") && quote.contains("14,076.00 USD"));
        let order_url = browser.current_url().await.expect("url").path().to_string();
        click(browser, "form[action$='/action'] button[type=submit]").await;
        let sent = page_with(browser, "h1 .status-sent").await;
        assert!(sent.contains("Quote sent"), "{sent}");
        sign_out(browser).await;

        sign_in(browser, &app.base, "fulfiller@demo.test", DEMO_PASSWORD).await;
        // Signed in: the fulfiller lands on the portal with its queue (going on before the
        // sign-in's own redirect ends would be overtaken by it).
        page_with(browser, "#queue-title").await;
        browser
            .goto(&format!("{}/partner/orders/queue", app.base))
            .await
            .expect("open");
        page_with(browser, "table.rtable").await;
        click(browser, &format!("a[href='{order_url}']")).await;
        page_with(browser, "form[action$='/action']").await;
        click(browser, "form[action$='/action'] button[type=submit]").await;
        let started = page_with(browser, "h1 .status-in_fulfillment").await;
        assert!(started.contains("in fulfillment"), "{started}");
        click(browser, "form[action$='/action'] button[type=submit]").await;
        let done = page_with(browser, "a[href^='/partner/contracts/']").await;
        assert!(
            done.contains("contract CTR-") && done.contains("is active"),
            "{done}"
        );
        click(browser, "main a[href^='/partner/contracts/']").await;
        let contract = page_with(browser, "#contract-facts").await;
        assert!(contract.contains("Active") && contract.contains("Northwind Resellers"));
    });
}

#[test]
fn browser_partner_sells_and_fulfiller_fulfils_sqlite() {
    partner_sells_and_fulfiller_fulfils(Backend::Sqlite);
}

#[test]
fn browser_partner_sells_and_fulfiller_fulfils_postgres() {
    partner_sells_and_fulfiller_fulfils(Backend::Postgres);
}
