//! Organization notification templates: checked variables, a preview, saved words used by the
//! next event with its real values, switched off or reset to the default. On both databases.

use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use crate::verification::{approve, decide, pending_payment};
use dealdesk::schema::{
    audit_log, notification_templates, notifications, user_notifications, users,
};

const PAGE: &str = "/admin/notification-templates/payment_verified";

/// The newest notification of `email`: (title, message).
fn newest(app: &TestApp, email: &str) -> (String, String) {
    user_notifications::table
        .inner_join(notifications::table)
        .inner_join(users::table.on(users::id.eq(user_notifications::user_id)))
        .filter(users::email.eq(email))
        .order(notifications::id.desc())
        .select((notifications::title, notifications::message))
        .first(&mut app.conn())
        .expect("a notification")
}

/// The organization's own words for a payment verified: (title, active).
fn saved(app: &TestApp) -> Vec<(String, bool)> {
    notification_templates::table
        .filter(notification_templates::kind.eq("payment_verified"))
        .select((
            notification_templates::title,
            notification_templates::is_active,
        ))
        .load(&mut app.conn())
        .expect("templates")
}

dual!(templates_are_checked_previewed_and_used, |app| {
    let mut admin = app.signed_in("admin@demo.test");
    let list = admin.get("/admin/notification-templates");
    assert_eq!(list.status, 200);
    let text = strip_tags(&list.body);
    for label in ["Payment verified", "Payment rejected", "Commission paid"] {
        assert!(text.contains(label), "{label}");
    }
    // The demo changed the words of a commission paid; the rest are the defaults.
    assert_eq!(text.matches("Default").count(), 6, "{text}");
    assert!(
        text.contains("Paid: your commission on {{deal}} Custom"),
        "{text}"
    );
    let page = admin.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Payment {{number}} verified"));

    // An unknown variable is named, the words kept, nothing saved.
    let r = admin.submit(
        PAGE,
        PAGE,
        &[
            ("title", "Good news, {{recipient}}"),
            ("message", "{{amount}} arrived; bonus {{bonus}}."),
            ("active", "on"),
            ("intent", "save"),
        ],
    );
    assert_eq!(r.status, 422);
    let text = strip_tags(&r.body);
    assert!(text.contains("Unknown variable: {{bonus}}."), "{text}");
    assert!(r.body.contains("bonus {{bonus}}."));
    assert!(saved(app).is_empty());
    let r = admin.submit(
        PAGE,
        PAGE,
        &[
            ("title", "Paid {{amount"),
            ("message", "x"),
            ("intent", "preview"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(strip_tags(&r.body).contains("A {{ is never closed with }}."));

    // A preview shows example values and saves nothing.
    let words = [
        ("title", "Good news, {{ recipient }}: {{number}} is in"),
        (
            "message",
            "{{amount}} on {{deal}} cleared at {{organization}}.",
        ),
        ("active", "on"),
    ];
    let mut fields = words.to_vec();
    fields.push(("intent", "preview"));
    let r = admin.submit(PAGE, PAGE, &fields);
    assert_eq!(r.status, 200);
    assert!(strip_tags(&r.body).contains("Good news, Sam: TXN000123 is in"));
    assert!(saved(app).is_empty());
    let mut fields = words.to_vec();
    fields.push(("intent", "save"));
    let r = admin.submit(PAGE, PAGE, &fields);
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    assert_eq!(saved(app).len(), 1);
    let audited: i64 = audit_log::table
        .filter(audit_log::entity_type.eq("notification_template"))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(audited, 1);

    // The next verification speaks the organization's words with its own values.
    let (id, number, _) = pending_payment(app, "400");
    let mut nadia = app.signed_in("nadia.nguyen@demo.test");
    assert_eq!(decide(&mut nadia, id, &approve("")).status, 303);
    let (title, message) = newest(app, "sales@demo.test");
    assert_eq!(title, format!("Good news, Sam: {number} is in"));
    assert!(message.starts_with("400.00 USD on DLID"), "{message}");
    assert!(message.ends_with("cleared at Demo Traders."), "{message}");

    // Switched off, the default speaks again; reset, the words are gone.
    let r = admin.submit(
        PAGE,
        PAGE,
        &[
            ("title", words[0].1),
            ("message", words[1].1),
            ("intent", "save"),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(!saved(app)[0].1, "switched off");
    let (id, number, _) = pending_payment(app, "300");
    assert_eq!(decide(&mut nadia, id, &approve("")).status, 303);
    assert_eq!(
        newest(app, "sales@demo.test").0,
        format!("Payment {number} verified")
    );
    let r = admin.submit(PAGE, &format!("{PAGE}/reset"), &[]);
    assert_eq!(r.status, 303);
    assert!(saved(app).is_empty());
});

dual!(only_organization_managers_edit_templates, |app| {
    let mut sam = app.signed_in("sales@demo.test");
    assert_eq!(sam.get("/admin/notification-templates").status, 403);
    assert_eq!(sam.get(PAGE).status, 403);
    let mut admin = app.signed_in("admin@demo.test");
    assert_eq!(
        admin.get("/admin/notification-templates/broadcast").status,
        404
    );
    assert_eq!(admin.get("/admin/notification-templates/nope").status, 404);
});
