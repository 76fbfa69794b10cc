//! Every page of every role in Chromium (#23): each route that answers GET with a page, opened by
//! each demo role of an organization and by the platform's administrator, at 1280 and at 375 px:
//! none is wider than the screen, the console logs no error, axe finds no violation, and the HTML
//! the server sent is valid to vnu. Pages of one record are reached by following the links each
//! person is shown, and every one of them must be reached. A page a role may not open answers 403
//! or 404 (`admin_access` checks which); that refusal is the one message of the console this
//! leaves aside.

use std::collections::{BTreeSet, VecDeque};

use fantoccini::Locator;
use fantoccini::wd::WebDriverCompatibleCommand;

use crate::browser::{in_browser, sign_in};
use crate::checkers::{Axe, Vnu};
use crate::common::{Backend, DEMO_PASSWORD, TestApp};
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

/// The routes that answer GET with a page: those without a record id (`record` false), each
/// opened by every person; or those of one record (`/sales/deals/{id}`), reached by following the
/// links of the pages a person opens, so each is opened with a record that person's pages point to.
fn page_routes(record: bool) -> Vec<&'static str> {
    ROUTES
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains('{') == record && !r.templates.is_empty())
        .map(|r| r.path)
        .collect()
}

/// The record route `href` leads to, if any: its path (no query) matches segment by segment,
/// a `{…}` matching any one segment, and is no route of its own (`/sales/deals/new`).
fn record_route(href: &str) -> Option<&'static str> {
    let path = href.split(['?', '#']).next()?;
    let fixed = ROUTES.iter().any(|r| r.method == "GET" && r.path == path);
    if fixed || !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let segments: Vec<&str> = path.split('/').collect();
    page_routes(true).into_iter().find(|route| {
        let wanted: Vec<&str> = route.split('/').collect();
        wanted.len() == segments.len()
            && wanted
                .iter()
                .zip(&segments)
                .all(|(w, s)| w == s || (w.starts_with('{') && !s.is_empty()))
    })
}

/// Signs the browser out of whoever it was and in as `email`, on the page sign-in leads to.
async fn sign_in_afresh(app: &TestApp, browser: &fantoccini::Client, email: &str) {
    browser.delete_all_cookies().await.expect("sign out");
    sign_in(browser, &app.base, email, DEMO_PASSWORD).await;
    browser
        .wait()
        .for_element(Locator::Css("main h1"))
        .await
        .expect("signed in");
}

async fn links(browser: &fantoccini::Client) -> Vec<String> {
    let found = browser
        .execute(
            "return Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .expect("links");
    found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h.as_str().map(str::to_string))
        .collect()
}

/// Further records a person's tour opens when the first record of a route it followed offered
/// no link to some record page still unreached (a paid deal has no Edit): only records of a
/// route that such a page extends (`/sales/deals/{id}` for `/sales/deals/{id}/edit`).
const SPARE_VISITS: usize = 60;

/// What the tour found so far, over all people.
struct Tour {
    axe: Option<Axe>,
    vnu: Option<Vnu>,
    faults: Vec<String>,
    shown: usize,
    reached: BTreeSet<&'static str>,
}

impl Tour {
    /// Opens `page` and looks at it: wider than the screen, console errors, axe's violations.
    /// Whether it was shown (not a refusal).
    async fn open(
        &mut self,
        browser: &fantoccini::Client,
        base: &str,
        page: &str,
        at: &str,
    ) -> bool {
        browser.goto(&format!("{base}{page}")).await.expect("open");
        let seen = browser
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth, document.title];",
                vec![],
            )
            .await
            .expect("measure");
        let (scroll, inner) = (seen[0].as_u64(), seen[1].as_u64());
        if scroll.is_none() || scroll > inner {
            self.faults.push(format!("{at}: {seen}"));
        }
        for error in console_errors(browser).await {
            self.faults.push(format!("{at} logs {error}"));
        }
        let title = seen[2].as_str().unwrap_or_default();
        let shown = !title.starts_with("Not allowed") && !title.starts_with("Page not found");
        if let Some(axe) = &self.axe {
            for violation in axe.violations(browser).await {
                self.faults.push(format!("{at}: axe {violation}"));
            }
        }
        self.shown += usize::from(shown);
        shown
    }

    /// Whether opening more records of `route` may reach a record page no one has reached.
    fn worth_more(&self, route: &str) -> bool {
        page_routes(true)
            .into_iter()
            .any(|r| r != route && r.starts_with(route) && !self.reached.contains(r))
    }

    /// One person's tour: every page at 1280 px, following links to one record of each record
    /// page; then those pages again at 375 px (not the further records). vnu reads each page
    /// shown, and the person's first refusal.
    async fn take(&mut self, app: &TestApp, browser: &fantoccini::Client, email: &str) {
        sign_in_afresh(app, browser, email).await;
        console_errors(browser).await;
        let mut fetcher = app.signed_in(email);
        browser
            .set_window_size(1280, 900)
            .await
            .expect("window size");
        let mut queue: VecDeque<String> =
            page_routes(false).into_iter().map(str::to_string).collect();
        // At 375 px: the pages opened at 1280 px, one record of each record page.
        let mut narrow = Vec::new();
        let (mut seen, mut chosen) = (BTreeSet::new(), BTreeSet::new());
        let mut spare: Vec<(&str, String)> = Vec::new();
        let mut spare_visits = 0;
        let mut refusal_seen = false;
        loop {
            let (page, spared) = match queue.pop_front() {
                Some(page) => (page, false),
                None => {
                    let Some(at) = spare.iter().position(|(r, _)| self.worth_more(r)) else {
                        break;
                    };
                    if spare_visits == SPARE_VISITS {
                        break;
                    }
                    spare_visits += 1;
                    (spare.remove(at).1, true)
                }
            };
            // Refusals are one page: the browser opens the person's first one only.
            let sent = fetcher.get(&page);
            let refused = matches!(sent.status, 403 | 404);
            if refused && std::mem::replace(&mut refusal_seen, true) {
                continue;
            }
            let at = format!("{email} {page} at 1280 px");
            let shown = self.open(browser, &app.base, &page, &at).await;
            if !spared {
                narrow.push(page.clone());
            }
            // A page that sends elsewhere (the sign-in page, signed in) is read where it leads.
            if let Some(vnu) = self.vnu.as_mut()
                && !(300..400).contains(&sent.status)
            {
                vnu.add(format!("{email} {page}"), &sent.body);
            }
            if !shown {
                continue;
            }
            for href in links(browser).await {
                let Some(route) = record_route(&href) else {
                    continue;
                };
                let path = href.split('#').next().unwrap_or_default().to_string();
                if !seen.insert(path.clone()) {
                    continue;
                }
                if chosen.insert(route) {
                    self.reached.insert(route);
                    queue.push_back(path);
                } else {
                    spare.push((route, path));
                }
            }
        }
        browser
            .set_window_size(375, 900)
            .await
            .expect("window size");
        for page in &narrow {
            let at = format!("{email} {page} at 375 px");
            self.open(browser, &app.base, page, &at).await;
        }
    }
}

/// On a phone a list's filters fold under "Filters", so the list begins on the first screen; a
/// filter in error opens them, its field focused.
async fn filters_fold_on_a_phone(app: &TestApp, browser: &fantoccini::Client) {
    sign_in_afresh(app, browser, "manager@demo.test").await;
    browser
        .set_window_size(375, 900)
        .await
        .expect("window size");
    let look = "const d = document.querySelector('form.toolbar details.filters');
        return [d && d.open, d && d.querySelector('summary').textContent,
                document.activeElement.name || '',
                Math.round(document.querySelector('table').getBoundingClientRect().top)];";
    browser
        .goto(&format!(
            "{}/sales/deals?status=in_progress&sort=amount",
            app.base
        ))
        .await
        .expect("open");
    let folded = browser.execute(look, vec![]).await.expect("look");
    assert_eq!(folded[0], false, "{folded}");
    assert_eq!(folded[1], "Filters (1 set)", "{folded}");
    assert!(
        folded[3].as_u64() < Some(900),
        "the list begins on the first screen: {folded}"
    );
    browser
        .goto(&format!("{}/sales/deals?min=abc", app.base))
        .await
        .expect("open");
    let in_error = browser.execute(look, vec![]).await.expect("look");
    assert_eq!(in_error[0], true, "{in_error}");
    assert_eq!(in_error[2], "min", "{in_error}");
}

fn every_page_fits_and_passes_the_checkers(backend: Backend) {
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
        assert!(
            page_routes(false).len() > 50,
            "{} pages",
            page_routes(false).len()
        );
        let mut tour = Tour {
            axe: Axe::load(),
            vnu: Vnu::load(),
            faults: Vec::new(),
            shown: 0,
            reached: BTreeSet::new(),
        };
        for email in &people {
            tour.take(app, browser, email).await;
        }
        let unreached: Vec<_> = page_routes(true)
            .into_iter()
            .filter(|r| !tour.reached.contains(r))
            .collect();
        assert!(
            unreached.is_empty(),
            "no person's pages link to {unreached:?}"
        );
        filters_fold_on_a_phone(app, browser).await;
        if let Some(vnu) = &tour.vnu {
            tour.faults.extend(vnu.errors());
            eprintln!("vnu read {} pages", vnu.len());
        }
        assert!(tour.faults.is_empty(), "{}", tour.faults.join("\n"));
        // Each role opens a good part of the site: the count keeps the check from passing on
        // refusals alone.
        assert!(tour.shown > 400, "{} pages shown", tour.shown);
        eprintln!(
            "{} page views at 1280 and 375 px ({} record pages reached): none too wide, no \
             console error, no axe violation",
            tour.shown,
            tour.reached.len()
        );
    });
}

#[test]
fn browser_every_page_of_every_role_fits_sqlite() {
    every_page_fits_and_passes_the_checkers(Backend::Sqlite);
}

#[test]
fn browser_every_page_of_every_role_fits_postgres() {
    every_page_fits_and_passes_the_checkers(Backend::Postgres);
}
