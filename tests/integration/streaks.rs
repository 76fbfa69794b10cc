//! Streaks and the leaderboard: a deal created or a payment verified counts the organization's
//! working day for the deal's owner; the streak extends over days off, starts again after a
//! missed working day, and the dashboard shows it with the owner on the leaderboard.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use crate::sales_payments::new_deal;
use crate::verification::{approve, decide, pending_payment};
use dealdesk::schema::{organizations, streak_records, users};

const ALL_DAYS: i32 = 0b111_1111;

/// A UTC organization working on the given days; Sam's records replaced by one counted day
/// `days_ago` with `streak`. Returns today.
fn calendar(app: &TestApp, mask: i32, days_ago: i64, streak: i32) -> NaiveDate {
    let mut conn = app.conn();
    diesel::update(organizations::table.filter(organizations::name.eq("Demo Traders")))
        .set((
            organizations::timezone.eq("UTC"),
            organizations::working_days_mask.eq(mask),
        ))
        .execute(&mut conn)
        .expect("calendar");
    let (sam, org): (i64, Option<i64>) = users::table
        .filter(users::email.eq("sales@demo.test"))
        .select((users::id, users::organization_id))
        .first(&mut conn)
        .expect("sam");
    diesel::delete(streak_records::table.filter(streak_records::user_id.eq(sam)))
        .execute(&mut conn)
        .expect("clear");
    let today = Utc::now().date_naive();
    diesel::insert_into(streak_records::table)
        .values((
            streak_records::organization_id.eq(org.expect("org")),
            streak_records::user_id.eq(sam),
            streak_records::day.eq(today - Duration::days(days_ago)),
            streak_records::deals_created.eq(1),
            streak_records::streak_count.eq(streak),
            streak_records::is_counted.eq(true),
        ))
        .execute(&mut conn)
        .expect("yesterday");
    today
}

/// Sam's record of `day`: (deals created, payments verified, verified sum, streak, counted).
fn day_of(app: &TestApp, day: NaiveDate) -> Option<(i32, i32, i64, i32, bool)> {
    streak_records::table
        .inner_join(users::table)
        .filter(users::email.eq("sales@demo.test"))
        .filter(streak_records::day.eq(day))
        .select((
            streak_records::deals_created,
            streak_records::payments_verified,
            streak_records::verified_minor,
            streak_records::streak_count,
            streak_records::is_counted,
        ))
        .first(&mut app.conn())
        .optional()
        .expect("record")
}

fn streak_shown(app: &TestApp) -> String {
    let mut sam = app.signed_in("sales@demo.test");
    let page = sam.get("/sales");
    assert_eq!(page.status, 200);
    let text = strip_tags(&page.body);
    let at = text.find("Your streak").expect("streak on the dashboard");
    text[at..].chars().take(40).collect()
}

dual!(a_deal_and_a_verified_payment_extend_the_streak, |app| {
    let today = calendar(app, ALL_DAYS, 1, 4);
    let mut sam = app.signed_in("sales@demo.test");
    new_deal(&mut sam, app, "sales@demo.test", "500.00");
    assert_eq!(day_of(app, today), Some((1, 0, 0, 5, true)));
    let current: i32 = users::table
        .filter(users::email.eq("sales@demo.test"))
        .select(users::current_streak)
        .first(&mut app.conn())
        .expect("current");
    assert_eq!(current, 5);
    assert!(
        streak_shown(app).contains("5 working days"),
        "{}",
        streak_shown(app)
    );

    // The payment's verification counts on the same day without counting it twice, and puts
    // its amount on Sam's line of the leaderboard.
    let (id, _, _) = pending_payment(app, "400");
    let before = leaderboard_line(&mut sam);
    let mut vera = app.signed_in("verifier@demo.test");
    let r = decide(&mut vera, id, &approve(""));
    assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
    let (deals, verified, minor, streak, counted) = day_of(app, today).expect("today");
    assert_eq!((verified, minor, streak, counted), (1, 40_000, 5, true));
    assert_eq!(deals, 2, "the payment's own deal was created today too");

    let after = leaderboard_line(&mut sam);
    assert_eq!(
        after - before,
        40_000,
        "Sam's verified sales of the payment's day"
    );
});

/// Sam's verified sales on the leaderboard of the test payments' date, in cents (0 when not on
/// it).
fn leaderboard_line(sam: &mut crate::common::Client) -> i64 {
    let day = crate::sales_payments::today();
    let page = sam.get(&format!("/sales?period=custom&from={day}&to={day}"));
    let text = strip_tags(&page.body);
    let board = &text[text.find("Leaderboard").expect("leaderboard")..];
    let Some(at) = board.find("Sam Seller you ") else {
        return 0;
    };
    let amount = &board[at + "Sam Seller you ".len()..];
    let amount = &amount[..amount.find(" USD").expect("amount")];
    amount.replace([',', '.'], "").parse().expect("cents")
}

dual!(
    a_day_off_neither_counts_nor_breaks_a_missed_day_does,
    |app| {
        // Today is a day off: the deal is recorded, not counted, and yesterday's streak stands.
        let today = Utc::now().date_naive();
        let off = ALL_DAYS & !(1 << today.weekday().num_days_from_monday());
        calendar(app, off, 1, 4);
        let mut sam = app.signed_in("sales@demo.test");
        new_deal(&mut sam, app, "sales@demo.test", "500.00");
        assert_eq!(day_of(app, today), Some((1, 0, 0, 0, false)));
        assert!(
            streak_shown(app).contains("4 working days"),
            "{}",
            streak_shown(app)
        );

        // Every day a working day, the last counted one three days ago: the streak is broken, and
        // today's deal starts a new one.
        calendar(app, ALL_DAYS, 3, 9);
        assert!(
            streak_shown(app).contains("0 working days"),
            "{}",
            streak_shown(app)
        );
        new_deal(&mut sam, app, "sales@demo.test", "500.00");
        assert_eq!(day_of(app, today).map(|d| (d.3, d.4)), Some((1, true)));
        assert!(
            streak_shown(app).contains("1 working day"),
            "{}",
            streak_shown(app)
        );
    }
);
