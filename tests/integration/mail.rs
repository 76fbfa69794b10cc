//! E-mail: a notification chosen by e-mail is queued with its event; the outbox is delivered by
//! SMTP (to a sink this test runs) or to files, retried with a growing delay when the server is
//! dead, and still there to deliver after a restart; on both databases.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use chrono::Duration;
use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::client::strip_tags;
use crate::dual;
use crate::verification::{approve, decide, pending_payment};
use dealdesk::mail::{MailConfig, worker};
use dealdesk::schema::{email_outbox, notifications, user_notifications, users};

/// A one-message SMTP server: its address, and the conversation's client lines once done.
fn smtp_sink() -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("smtp://{}", listener.local_addr().expect("address"));
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("a client");
        let mut out = stream.try_clone().expect("clone");
        let mut lines = Vec::new();
        let mut reader = BufReader::new(stream);
        out.write_all(b"220 sink ESMTP\r\n").expect("greet");
        let mut in_data = false;
        let mut line = String::new();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            let l = line.trim_end().to_string();
            line.clear();
            lines.push(l.clone());
            if in_data {
                if l == "." {
                    in_data = false;
                    out.write_all(b"250 2.0.0 queued\r\n").expect("queued");
                }
                continue;
            }
            let verb = l
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 sink\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    out.write_all(b"221 bye\r\n").expect("bye");
                    break;
                }
                _ => b"250 2.0.0 ok\r\n",
            };
            out.write_all(reply).expect("reply");
        }
        lines
    });
    (url, handle)
}

pub(crate) fn mailer(smtp_url: Option<String>, dir: &std::path::Path) -> dealdesk::mail::Mailer {
    MailConfig {
        smtp_url,
        dir: dir.to_path_buf(),
        from: dealdesk::mail::DEFAULT_FROM.into(),
        public_url: None,
    }
    .mailer()
    .expect("mailer")
}

/// (status, attempts, has an error, next attempt in the future)
fn outbox_row(app: &TestApp, id: i64) -> (String, i32, bool, bool) {
    let (status, attempts, error, next): (
        String,
        i32,
        Option<String>,
        Option<chrono::NaiveDateTime>,
    ) = email_outbox::table
        .find(id)
        .select((
            email_outbox::status,
            email_outbox::attempts,
            email_outbox::last_error,
            email_outbox::next_attempt_at,
        ))
        .first(&mut app.conn())
        .expect("row");
    (
        status,
        attempts,
        error.is_some(),
        next.is_some_and(|n| n > dealdesk::db::now()),
    )
}

dual!(
    a_notification_chosen_by_email_is_queued_with_its_event,
    |app| {
        let mut sam = app.signed_in("sales@demo.test");
        let page = sam.get("/account/notifications");
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("name=\"in_app.payment_verified\" value=\"on\" checked")
        );
        assert!(
            !page
                .body
                .contains("name=\"email.commission_paid\" value=\"on\" checked")
        );
        // Verified payments by e-mail only; rejections stay in the app.
        let r = sam.submit(
            "/account/notifications",
            "/account/notifications",
            &[
                ("email.payment_verified", "on"),
                ("in_app.payment_rejected", "on"),
            ],
        );
        assert_eq!(r.status, 303);
        let page = sam.get("/account/notifications");
        assert!(
            page.body
                .contains("name=\"email.payment_verified\" value=\"on\" checked")
        );
        assert!(
            !page
                .body
                .contains("name=\"in_app.payment_verified\" value=\"on\" checked")
        );

        let before: i64 = email_outbox::table
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        let (id, number, _) = pending_payment(app, "400");
        let mut vera = app.signed_in("verifier@demo.test");
        let r = decide(&mut vera, id, &approve(""));
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        let queued: Vec<(String, String, String, String)> = email_outbox::table
            .order(email_outbox::id.desc())
            .limit(1)
            .select((
                email_outbox::to_address,
                email_outbox::subject,
                email_outbox::body,
                email_outbox::status,
            ))
            .load(&mut app.conn())
            .expect("outbox");
        let after: i64 = email_outbox::table
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        assert_eq!(after, before + 1);
        let (to, subject, body, status) = &queued[0];
        assert_eq!(to, "sales@demo.test");
        assert_eq!(subject, &format!("Payment {number} verified"));
        assert!(
            body.contains("/sales/payments/") && body.contains("notification choices"),
            "{body}"
        );
        assert_eq!(status, "pending");
        // Not in the app: switched off.
        let in_app: i64 = user_notifications::table
            .inner_join(notifications::table)
            .inner_join(users::table.on(users::id.eq(user_notifications::user_id)))
            .filter(users::email.eq("sales@demo.test"))
            .filter(notifications::title.eq(format!("Payment {number} verified")))
            .count()
            .get_result(&mut app.conn())
            .expect("in app");
        assert_eq!(in_app, 0);
    }
);

dual!(
    the_outbox_is_retried_when_the_server_is_dead_and_delivered_later,
    |app| {
        let mut conn = app.conn();
        dealdesk::mail::queue(
            &mut conn,
            None,
            "sam@example.test",
            "Hello from the outbox",
            "Body text",
        )
        .expect("queue");
        let id: i64 = email_outbox::table
            .select(diesel::dsl::max(email_outbox::id))
            .first::<Option<i64>>(&mut conn)
            .expect("id")
            .expect("row");
        // Other messages of the demo are not this test's: send only ours.
        diesel::update(email_outbox::table.filter(email_outbox::id.ne(id)))
            .set(email_outbox::status.eq("sent"))
            .execute(&mut conn)
            .expect("others");
        let dir = tempfile::tempdir().expect("dir");

        // A dead server: nothing listens on the port.
        let dead = {
            let l = TcpListener::bind("127.0.0.1:0").expect("bind");
            format!("smtp://{}", l.local_addr().expect("address"))
        };
        let pass =
            worker::deliver_due(&mut conn, &mailer(Some(dead.clone()), dir.path())).expect("pass");
        assert_eq!((pass.sent, pass.failed), (0, 1));
        assert_eq!(outbox_row(app, id), ("pending".into(), 1, true, true));
        // Not due again until its delay has passed.
        let pass = worker::deliver_due(&mut conn, &mailer(Some(dead), dir.path())).expect("pass");
        assert_eq!((pass.sent, pass.failed), (0, 0));

        // Later (a restart, the delay passed): a live server gets it.
        diesel::update(email_outbox::table.find(id))
            .set(email_outbox::next_attempt_at.eq(Some(dealdesk::db::now() - Duration::seconds(1))))
            .execute(&mut conn)
            .expect("time passes");
        let (url, sink) = smtp_sink();
        let pass = worker::deliver_due(&mut conn, &mailer(Some(url), dir.path())).expect("pass");
        assert_eq!((pass.sent, pass.failed), (1, 0));
        let conversation = sink.join().expect("sink").join("\n");
        assert!(
            conversation.contains("RCPT TO:<sam@example.test>"),
            "{conversation}"
        );
        assert!(
            conversation.contains("Subject: Hello from the outbox"),
            "{conversation}"
        );
        assert!(conversation.contains("Body text"), "{conversation}");
        // Sent at the second attempt: both count.
        let (status, attempts, ..) = outbox_row(app, id);
        assert_eq!((status.as_str(), attempts), ("sent", 2));

        // Without SMTP, messages are files to read.
        dealdesk::mail::queue(
            &mut conn,
            None,
            "lena@example.test",
            "Filed away",
            "Read me",
        )
        .expect("queue");
        let pass = worker::deliver_due(&mut conn, &mailer(None, dir.path())).expect("pass");
        assert_eq!(pass.sent, 1);
        let files: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect();
        assert!(
            files
                .iter()
                .any(|f| f.contains("Subject: Filed away") && f.contains("Read me")),
            "{files:?}"
        );
    }
);
