//! In a real browser: a verifier approves a payment beside its receipt; the salesperson then
//! sees it verified, its invoice issued, and the notification behind the badge.

use diesel::prelude::*;
use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;

use crate::browser::{click, in_browser, page_with, sign_in, sign_out};
use crate::common::{Backend, DEMO_PASSWORD, PNG};
use crate::sales_payments::{new_deal, pay, record, today};
use dealdesk::db::PublicId;
use dealdesk::schema::payments;

fn verifier_approves_a_payment(backend: Backend) {
    in_browser(backend, async |app, browser| {
        // Sam's payment with a receipt (his side in the browser has its own test).
        let mut sam = app.signed_in("sales@demo.test");
        let deal = new_deal(&mut sam, app, "sales@demo.test", "800");
        let r = record(
            &mut sam,
            &deal,
            &pay("200", "advance", today()),
            Some(("receipt", "scan.png", &PNG)),
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let (id, number): (PublicId, String) = payments::table
            .order(payments::id.desc())
            .select((payments::public_id, payments::transaction_number))
            .first(&mut app.conn())
            .expect("payment");

        sign_in(browser, &app.base, "verifier@demo.test", DEMO_PASSWORD).await;
        let queue = page_with(browser, "table.rtable").await;
        assert!(queue.contains("Verification queue"));
        browser
            .goto(&format!("{}/verifier?min=200&max=200", app.base))
            .await
            .expect("open");
        assert!(page_with(browser, "table.rtable").await.contains(&number));
        click(browser, &format!("a[href='/verifier/payments/{id}']")).await;
        page_with(browser, "img.receipt-preview").await;
        let loaded = browser
            .execute(
                "return document.querySelector('img.receipt-preview').naturalWidth",
                vec![],
            )
            .await
            .expect("script");
        assert!(
            loaded.as_u64().is_some_and(|w| w > 0),
            "the receipt shows inline"
        );
        click(
            browser,
            "main form[action$='/decision'] button[type=submit]",
        )
        .await;
        let done = page_with(browser, ".flash").await;
        assert!(done.contains("Payment verified; its invoice is issued."));
        sign_out(browser).await;

        sign_in(browser, &app.base, "sales@demo.test", DEMO_PASSWORD).await;
        page_with(browser, "a.badge").await;
        click(browser, "a.badge").await;
        let notes = page_with(browser, "ul.notes").await;
        assert!(
            notes.contains(&format!("Payment {number} verified")),
            "{notes}"
        );
        click(browser, &format!("a[href='/sales/payments/{id}']")).await;
        let payment = page_with(browser, "dl.facts").await;
        assert!(payment.contains("Verified") && payment.contains("(issued)"));
        assert!(payment.contains("Step 1: <strong>approved</strong> by Vera Verifier"));
        browser
            .find(Locator::Css("a[href^='/invoices/']"))
            .await
            .expect("a link to the invoice");
    });
}

#[test]
fn browser_verifier_approves_a_payment_sqlite() {
    verifier_approves_a_payment(Backend::Sqlite);
}

#[test]
fn browser_verifier_approves_a_payment_postgres() {
    verifier_approves_a_payment(Backend::Postgres);
}

/// The element with focus: its label for a screen reader, else its text.
async fn focused(browser: &fantoccini::Client) -> String {
    browser
        .execute(
            "const e = document.activeElement; \
             return e ? (e.getAttribute('aria-label') || e.textContent || '').trim() : ''",
            vec![],
        )
        .await
        .expect("script")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Presses `keys` together (a modifier first), as a person at the keyboard does.
async fn press(browser: &fantoccini::Client, keys: &[Key]) {
    let code = |k: &Key| k.chars().next().expect("a key code");
    let mut seq = KeyActions::new("keyboard".into());
    for k in keys {
        seq = seq.then(KeyAction::Down { value: code(k) });
    }
    for k in keys.iter().rev() {
        seq = seq.then(KeyAction::Up { value: code(k) });
    }
    browser.perform_actions(seq).await.expect("keys");
}

/// Moves focus with Tab (Shift+Tab when `back`) until it rests on `label`.
async fn tab_to(browser: &fantoccini::Client, label: &str, back: bool) {
    for _ in 0..120 {
        if focused(browser).await == label {
            return;
        }
        if back {
            press(browser, &[Key::Shift, Key::Tab]).await;
        } else {
            press(browser, &[Key::Tab]).await;
        }
    }
    panic!("the keyboard never reached {label:?}");
}

/// By keyboard alone: the verifier ticks three payments in the queue, verifies them in one
/// action, and follows the notice to an invoice.
fn verifier_decides_three_by_keyboard(backend: Backend) {
    in_browser(backend, async |app, browser| {
        let numbers: Vec<String> = (0..3)
            .map(|_| crate::verification::pending_payment(app, "41.37").1)
            .collect();
        sign_in(browser, &app.base, "verifier@demo.test", DEMO_PASSWORD).await;
        browser
            .goto(&format!("{}/verifier?min=41.37&max=41.37", app.base))
            .await
            .expect("open");
        page_with(browser, "table.rtable").await;
        for number in &numbers {
            tab_to(browser, &format!("Select {number}"), false).await;
            press(browser, &[Key::Space]).await;
        }
        tab_to(browser, "Apply to the selected", true).await;
        press(browser, &[Key::Enter]).await;
        let done = page_with(browser, ".flash").await;
        assert!(
            done.contains(&format!("3 payments verified: {}", numbers.join(", "))),
            "{done}"
        );
        tab_to(browser, &format!("Open {}'s invoice", numbers[0]), false).await;
        press(browser, &[Key::Enter]).await;
        let invoice = page_with(browser, ".invoice-head").await;
        assert!(invoice.contains("41.37"), "{invoice}");
        for number in &numbers {
            let status: String = payments::table
                .filter(payments::transaction_number.eq(number))
                .select(payments::status)
                .first(&mut app.conn())
                .expect("payment");
            assert_eq!(status, "verified", "{number}");
        }
    });
}

#[test]
fn browser_verifier_decides_three_by_keyboard_sqlite() {
    verifier_decides_three_by_keyboard(Backend::Sqlite);
}

#[test]
fn browser_verifier_decides_three_by_keyboard_postgres() {
    verifier_decides_three_by_keyboard(Backend::Postgres);
}
