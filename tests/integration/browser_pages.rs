//! Every page of every role in Chromium (#23): each route that answers GET with a page and takes
//! no record id, opened by each demo role of an organization and by the platform's administrator,
//! at 1280 and at 375 px: none is wider than the screen and the console logs no error. A page a
//! role may not open answers 403 or 404 (`admin_access` checks which); that refusal is the one
//! message of the console this leaves aside.

use fantoccini::Locator;
use fantoccini::wd::WebDriverCompatibleCommand;

use crate::browser::{in_browser, sign_in};
use crate::common::{Backend, DEMO_PASSWORD};
use dealdesk::routes::ROUTES;

/// The browser's console since it was last read (chromedriver's log of the page's errors).
#[derive(Debug)]
struct ConsoleLog;

impl WebDriverCompatibleCommand for ConsoleLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

async fn console_errors(browser: &fantoccini::Client) -> Vec<String> {
    let log = browser.issue_cmd(ConsoleLog).await.expect("console log");
    log.as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry["message"].as_str())
        .filter(|m| !m.contains("status of 403") && !m.contains("status of 404"))
        .map(str::to_string)
        .collect()
}

fn pages() -> Vec<&'static str> {
    ROUTES
        .iter()
        .filter(|r| r.method == "GET" && !r.path.contains('{') && !r.templates.is_empty())
        .map(|r| r.path)
        .collect()
}

fn every_page_fits_and_logs_no_error(backend: Backend) {
    in_browser(backend, async |app, browser| {
        let people: Vec<String> = dealdesk::demo::logins()
            .into_iter()
            .filter(|e| e.ends_with("@demo.test") || e.starts_with("platform@"))
            .collect();
        assert_eq!(
            people.len(),
            9,
            "eight roles and the platform's administrator"
        );
        let pages = pages();
        assert!(pages.len() > 50, "{} pages", pages.len());
        let (mut shown, mut faults) = (0, Vec::new());
        for email in &people {
            browser.delete_all_cookies().await.expect("sign out");
            sign_in(browser, &app.base, email, DEMO_PASSWORD).await;
            browser
                .wait()
                .for_element(Locator::Css("main h1"))
                .await
                .expect("signed in");
            console_errors(browser).await;
            for width in [1280, 375] {
                browser
                    .set_window_size(width, 900)
                    .await
                    .expect("window size");
                for page in &pages {
                    browser
                        .goto(&format!("{}{page}", app.base))
                        .await
                        .expect("open");
                    let seen = browser
                        .execute(
                            "return [document.documentElement.scrollWidth, window.innerWidth, \
                             document.title];",
                            vec![],
                        )
                        .await
                        .expect("measure");
                    let (scroll, inner) = (seen[0].as_u64(), seen[1].as_u64());
                    if scroll.is_none() || scroll > inner {
                        faults.push(format!("{email} {page} at {width} px: {seen}"));
                    }
                    for error in console_errors(browser).await {
                        faults.push(format!("{email} {page} at {width} px logs {error}"));
                    }
                    let title = seen[2].as_str().unwrap_or_default();
                    if !title.starts_with("Not allowed") && !title.starts_with("Page not found") {
                        shown += 1;
                    }
                }
            }
        }
        assert!(faults.is_empty(), "{}", faults.join("\n"));
        // Each role opens a good part of the site: the count keeps the check from passing on
        // refusals alone.
        assert!(shown > 300, "{shown} pages shown");
        eprintln!("{shown} page views at 1280 and 375 px, none too wide, no console error");
    });
}

#[test]
fn browser_every_page_of_every_role_fits_sqlite() {
    every_page_fits_and_logs_no_error(Backend::Sqlite);
}

#[test]
fn browser_every_page_of_every_role_fits_postgres() {
    every_page_fits_and_logs_no_error(Backend::Postgres);
}
