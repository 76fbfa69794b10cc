//! End to end in a real browser: Debian's headless Chromium driven through WebDriver
//! (chromedriver) signs in through the forms, works the sales area and the admin area.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};

use crate::common::{Backend, DEMO_PASSWORD, TestApp};

struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free port; `None` (with one line) when it is not installed, unless
/// CI is set, where that is a failure.
fn start_driver() -> Option<Driver> {
    let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = match Command::new(&program)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "CI is set and {program} cannot start: {e} (apt-get install chromium chromium-driver)"
                );
            }
            eprintln!(
                "browser test SKIPPED: {program} cannot start ({e}); apt-get install chromium chromium-driver"
            );
            return None;
        }
    };
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver {
        child,
        url,
        _profile: tempfile::tempdir().ok()?,
    };
    // Poll until the driver accepts connections (it takes a moment to bind).
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start listening on {port}"
        );
        std::thread::yield_now();
    }
    Some(driver)
}

/// Runs `body` in a fresh browser session against a fresh app; skips as `start_driver` says.
pub(crate) fn in_browser(backend: Backend, body: impl AsyncFnOnce(&TestApp, &fantoccini::Client)) {
    let Some(app) = TestApp::start(backend) else {
        return;
    };
    let Some(driver) = start_driver() else { return };
    let profile = driver._profile.path().display().to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let browser = connect(&driver, &profile).await;
        body(&app, &browser).await;
        browser.close().await.expect("close");
    });
}

/// Waits for `css` on the page the last click led to, and gives the page's text.
pub(crate) async fn page_with(browser: &fantoccini::Client, css: &str) -> String {
    if let Err(e) = browser.wait().for_element(Locator::Css(css)).await {
        let url = browser.current_url().await.map(|u| u.to_string());
        let text = browser.source().await.unwrap_or_default();
        panic!("{css}: {e} at {url:?}: {text}");
    }
    browser.source().await.expect("source")
}

/// A salesperson, in the browser: signs in, adds a client, a deal for it, records a payment
/// with a receipt file and sees it pending on the dashboard; a colleague sees none of it.
fn salesperson_records_a_payment(backend: Backend) {
    in_browser(backend, async |app, browser| {
        browser
            .goto(&format!("{}/sales", app.base))
            .await
            .expect("open");
        // Not signed in: the site sends the browser to the sign-in form.
        fill(browser, "#f-email", "sales@demo.test").await;
        fill(browser, "#f-password", DEMO_PASSWORD).await;
        click(browser, "button[type=submit]").await;
        let html = page_with(browser, "svg.chart").await;
        let url = browser.current_url().await.expect("url");
        assert_eq!(url.path(), "/sales");
        assert!(html.contains("Sam Seller") && html.contains("Your sales"));

        browser
            .goto(&format!("{}/sales/clients/new", app.base))
            .await
            .expect("open");
        fill(browser, "#f-name", "Browser Bakery").await;
        click(browser, "main form button[type=submit]").await;
        page_with(browser, "#deals-title").await;
        click(browser, "a[href^='/sales/deals/new?client=']").await;
        fill(browser, "#f-amount", "1,200").await;
        // The visible button: the form's first, hidden one only takes Enter.
        click(browser, "main form button.primary").await;
        let deal = page_with(browser, "#payments-title").await;
        assert!(deal.contains("Browser Bakery") && deal.contains("1,200.00 USD"));
        click(browser, "a[href$='/payments/new']").await;
        fill(browser, "#f-amount", "300").await;
        fill(browser, "#f-bank_reference", "BB-300").await;
        let receipt = tempfile::Builder::new()
            .suffix(".png")
            .tempfile()
            .expect("receipt file");
        std::fs::write(receipt.path(), crate::common::PNG).expect("write receipt");
        fill(browser, "#f-receipt", &receipt.path().display().to_string()).await;
        click(browser, "main form button[type=submit]").await;
        let deal = page_with(browser, "#payments-title").await;
        assert!(
            deal.contains("is recorded and waits for a verifier"),
            "{deal}"
        );
        let number = deal
            .split("Payment ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .expect("payment number")
            .to_string();
        assert!(number.starts_with("TXN"), "{number}");
        assert!(
            deal.contains("/receipt\">Open</a>"),
            "the receipt is attached"
        );
        browser
            .goto(&format!("{}/sales", app.base))
            .await
            .expect("open");
        let dashboard = page_with(browser, "svg.chart").await;
        assert!(
            dashboard.contains(&number) && dashboard.contains("Pending"),
            "the new payment is on the dashboard, pending"
        );
        sign_out(browser).await;
        sign_in(browser, &app.base, "lena.lopez@demo.test", DEMO_PASSWORD).await;
        let theirs = page_with(browser, "svg.chart").await;
        assert!(!theirs.contains(&number) && !theirs.contains("Browser Bakery"));
        browser
            .goto(&format!("{}/sales/payments", app.base))
            .await
            .expect("open");
        assert!(!page_with(browser, "main h1").await.contains(&number));
        if let Ok(png) = browser.screenshot().await {
            let _ = std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/target/browser-dashboard.png"),
                png,
            );
        }
        // The user menu's sign-out form works in the browser too.
        sign_out(browser).await;
        assert!(
            browser
                .source()
                .await
                .expect("source")
                .contains("You have signed out.")
        );
    });
}

/// A WebDriver session in headless Chromium with its own profile directory.
async fn connect(driver: &Driver, profile: &str) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1200,900", format!("--user-data-dir={profile}")],
        }),
    );
    // Console errors are kept for `browser_pages` to read.
    caps.insert(
        "goog:loggingPrefs".into(),
        serde_json::json!({ "browser": "SEVERE" }),
    );
    ClientBuilder::rustls()
        .expect("TLS setup")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("WebDriver session")
}

pub(crate) async fn fill(browser: &fantoccini::Client, css: &str, text: &str) {
    browser
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .expect("type");
}

pub(crate) async fn click(browser: &fantoccini::Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

pub(crate) async fn sign_in(browser: &fantoccini::Client, base: &str, email: &str, password: &str) {
    browser.goto(&format!("{base}/login")).await.expect("open");
    fill(browser, "#f-email", email).await;
    fill(browser, "#f-password", password).await;
    click(browser, "main button[type=submit]").await;
}

pub(crate) async fn sign_out(browser: &fantoccini::Client) {
    click(browser, ".usermenu summary").await;
    click(browser, ".usermenu button[type=submit]").await;
    browser
        .wait()
        .for_element(Locator::Css("#f-email"))
        .await
        .expect("back at the sign-in form");
}

/// An admin creates a verifier; the verifier signs in with the temporary password, must change
/// it, and lands on the verification dashboard.
fn admin_creates_a_user_who_signs_in(backend: Backend) {
    in_browser(backend, async |app, browser| {
        sign_in(browser, &app.base, "admin@demo.test", DEMO_PASSWORD).await;
        browser
            .wait()
            .for_element(Locator::Css("dl.stats"))
            .await
            .expect("admin overview");
        // On a desktop and on a phone: no page wider than the screen, the console clean, and
        // pictures kept for a look at the layout (target/browser-<page>-<width>.png).
        for width in [1280, 375] {
            browser
                .set_window_size(width, 900)
                .await
                .expect("window size");
            for (page, name) in [
                ("/admin/audit", "audit"),
                ("/admin/users", "users"),
                ("/account/sessions", "sessions"),
                ("/admin/roles", "roles"),
            ] {
                browser
                    .goto(&format!("{}{page}", app.base))
                    .await
                    .expect("open");
                browser
                    .wait()
                    .for_element(Locator::Css("main h1"))
                    .await
                    .expect("page");
                let widths = browser
                    .execute(
                        "return [document.documentElement.scrollWidth, window.innerWidth];",
                        vec![],
                    )
                    .await
                    .expect("measure");
                let (scroll, inner) = (widths[0].as_u64(), widths[1].as_u64());
                assert!(
                    scroll.is_some() && scroll <= inner,
                    "{page} at {width} px scrolls sideways: {widths}"
                );
                let png = browser.screenshot().await.expect("screenshot");
                std::fs::write(
                    format!(
                        "{}/target/browser-{name}-{width}.png",
                        env!("CARGO_MANIFEST_DIR")
                    ),
                    png,
                )
                .expect("write screenshot");
            }
        }
        browser
            .set_window_size(1280, 900)
            .await
            .expect("window size");
        browser
            .goto(&format!("{}/admin/users/new", app.base))
            .await
            .expect("open form");
        fill(browser, "#f-first_name", "Rita").await;
        fill(browser, "#f-last_name", "Reviewer").await;
        fill(browser, "#f-email", "rita.reviewer@demo.test").await;
        browser
            .find(Locator::Css("#f-role"))
            .await
            .expect("role select")
            .select_by_label("Verifier")
            .await
            .expect("choose role");
        click(browser, "main form.card button[type=submit]").await;
        let secret = browser
            .wait()
            .for_element(Locator::Css(".secret"))
            .await
            .expect("temporary password shown")
            .text()
            .await
            .expect("text");
        assert_eq!(secret.trim().len(), 16);
        sign_out(browser).await;

        sign_in(browser, &app.base, "rita.reviewer@demo.test", secret.trim()).await;
        fill(browser, "#f-current_password", secret.trim()).await;
        let url = browser.current_url().await.expect("url");
        assert_eq!(
            url.path(),
            "/account/password",
            "a new password comes first"
        );
        fill(browser, "#f-new_password", "amber-ledger-5521").await;
        fill(browser, "#f-confirm_password", "amber-ledger-5521").await;
        click(browser, "main form button[type=submit]").await;
        browser
            .wait()
            .for_element(Locator::Css("table.rtable"))
            .await
            .expect("the verification queue");
        let url = browser.current_url().await.expect("url");
        assert_eq!(url.path(), "/verifier");
        let html = browser.source().await.expect("source");
        assert!(html.contains("Rita Reviewer") && html.contains("Verification queue"));
    });
}

#[test]
fn browser_admin_creates_a_user_who_signs_in_sqlite() {
    admin_creates_a_user_who_signs_in(Backend::Sqlite);
}

#[test]
fn browser_admin_creates_a_user_who_signs_in_postgres() {
    admin_creates_a_user_who_signs_in(Backend::Postgres);
}

#[test]
fn browser_salesperson_records_a_payment_a_colleague_does_not_see_sqlite() {
    salesperson_records_a_payment(Backend::Sqlite);
}

#[test]
fn browser_salesperson_records_a_payment_a_colleague_does_not_see_postgres() {
    salesperson_records_a_payment(Backend::Postgres);
}
