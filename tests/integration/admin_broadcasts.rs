//! Broadcasts: an administrator sends to a team or everyone, with a priority; each recipient has
//! it unread (a high one marked), those who chose announcements by e-mail get it queued; bad
//! input comes back with the values; on both databases.

use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use dealdesk::db::PublicId;
use dealdesk::schema::{email_outbox, notifications, teams, user_notifications, users};

fn received(app: &TestApp, email: &str, title: &str) -> Vec<(String, bool)> {
    user_notifications::table
        .inner_join(notifications::table)
        .inner_join(users::table.on(users::id.eq(user_notifications::user_id)))
        .filter(users::email.eq(email))
        .filter(notifications::title.eq(title))
        .select((notifications::priority, user_notifications::is_read))
        .load(&mut app.conn())
        .expect("received")
}

dual!(an_admin_broadcasts_to_a_team_or_everyone, |app| {
    // Priya's team (Field Sales in the demo); Sam is in another.
    let team_id: i64 = users::table
        .filter(users::email.eq("priya.patel@demo.test"))
        .select(users::team_id)
        .first::<Option<i64>>(&mut app.conn())
        .expect("priya")
        .expect("a team");
    let team: PublicId = teams::table
        .find(team_id)
        .select(teams::public_id)
        .first(&mut app.conn())
        .expect("team");
    let members: i64 = users::table
        .filter(users::team_id.eq(team_id))
        .filter(users::is_active.eq(true))
        .count()
        .get_result(&mut app.conn())
        .expect("members");
    let mut admin = app.signed_in("admin@demo.test");
    let audience = format!("team:{team}");
    let r = admin.submit(
        "/admin/broadcasts",
        "/admin/broadcasts",
        &[
            ("title", "Quarter closes Friday"),
            ("message", "Log every payment by Thursday."),
            ("audience", &audience),
            ("priority", "high"),
        ],
    );
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    assert_eq!(
        received(app, "priya.patel@demo.test", "Quarter closes Friday"),
        vec![("high".to_string(), false)]
    );
    assert!(received(app, "sales@demo.test", "Quarter closes Friday").is_empty());
    let page = strip_tags(&admin.get("/admin/broadcasts").body);
    assert!(
        page.contains(&format!("to {members} people")),
        "{members} in {page}"
    );
    let priya_page = app.signed_in("priya.patel@demo.test").get("/notifications");
    assert!(strip_tags(&priya_page.body).contains("High priority New Quarter closes Friday"));

    // Sam takes announcements by e-mail only: everyone's broadcast is queued for him.
    let mut sam = app.signed_in("sales@demo.test");
    let r = sam.submit(
        "/account/notifications",
        "/account/notifications",
        &[("email.broadcast", "on")],
    );
    assert_eq!(r.status, 303);
    let r = admin.submit(
        "/admin/broadcasts",
        "/admin/broadcasts",
        &[
            ("title", "Office closed Monday"),
            ("message", "Enjoy the long weekend."),
            ("audience", "everyone"),
            ("priority", "low"),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(received(app, "sales@demo.test", "Office closed Monday").is_empty());
    assert_eq!(
        received(app, "priya.patel@demo.test", "Office closed Monday").len(),
        1
    );
    let mailed: Vec<String> = email_outbox::table
        .filter(email_outbox::subject.eq("Office closed Monday"))
        .select(email_outbox::to_address)
        .load(&mut app.conn())
        .expect("outbox");
    assert_eq!(mailed, vec!["sales@demo.test".to_string()]);

    // Bad input: the form again with what was typed.
    let r = admin.submit(
        "/admin/broadcasts",
        "/admin/broadcasts",
        &[
            ("title", " "),
            ("message", "Kept message"),
            ("audience", "role:not-a-role"),
            ("priority", "urgent"),
        ],
    );
    assert_eq!(r.status, 422);
    let text = strip_tags(&r.body);
    assert!(r.body.contains("Kept message"));
    assert!(
        text.contains("Choose who receives it") && text.contains("Choose a priority"),
        "{text}"
    );
    assert_eq!(sam.get("/admin/broadcasts").status, 403);
});
