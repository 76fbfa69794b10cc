//! The outbox rows: queued with their event, claimed by one sender at a time (`sending`), sent
//! or retried with a growing delay, given up after `MAX_ATTEMPTS` (`failed`). A send whose
//! outcome is unknown (a timeout after the message went out, a sender that stopped mid-send) is
//! `unconfirmed` and never retried on its own: an administrator resends it (`resend`).
//!
//! Statuses: pending → sending → sent | pending (retry) | failed | unconfirmed; failed and
//! unconfirmed → pending by a resend.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{AnyConnection, now};
use crate::domain::MailStatus;
use crate::schema::email_outbox;

/// Attempts before a message is marked failed (about a day of retries with `backoff`).
pub const MAX_ATTEMPTS: i32 = 10;

/// How long a sender holds a message it claimed; a sender that died lets it go after this.
const LEASE: Duration = Duration::minutes(5);

/// Queues a message; call it in the transaction of the event it tells of.
pub fn queue(
    conn: &mut AnyConnection,
    organization_id: Option<i64>,
    to: &str,
    subject: &str,
    body: &str,
) -> QueryResult<()> {
    let subject: String = subject.chars().take(200).collect();
    diesel::insert_into(email_outbox::table)
        .values((
            email_outbox::organization_id.eq(organization_id),
            email_outbox::to_address.eq(to),
            email_outbox::subject.eq(subject),
            email_outbox::body.eq(body),
            email_outbox::status.eq(MailStatus::Pending),
            email_outbox::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The wait before attempt `attempts + 1`: 1, 2, 4 … minutes, at most 4 hours.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 9) - 1;
    Duration::minutes((1_i64 << exp).min(240))
}

/// A message due for delivery.
#[derive(Debug, Clone, Queryable)]
pub struct Due {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
}

/// Up to `limit` pending messages whose time has come, oldest first.
pub fn due(conn: &mut AnyConnection, at: NaiveDateTime, limit: i64) -> QueryResult<Vec<Due>> {
    email_outbox::table
        .filter(email_outbox::status.eq(MailStatus::Pending))
        .filter(
            email_outbox::next_attempt_at
                .is_null()
                .or(email_outbox::next_attempt_at.le(at)),
        )
        .order(email_outbox::id)
        .limit(limit)
        .select((
            email_outbox::id,
            email_outbox::to_address,
            email_outbox::subject,
            email_outbox::body,
            email_outbox::attempts,
        ))
        .load(conn)
}

/// Takes the message for this sender (`sending`, until the lease ends); false when another took
/// it first. Committed before the send, so no other sender can pick it up meanwhile.
pub fn claim(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let taken = diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq(id))
            .filter(email_outbox::status.eq(MailStatus::Pending))
            .filter(
                email_outbox::next_attempt_at
                    .is_null()
                    .or(email_outbox::next_attempt_at.le(at)),
            ),
    )
    .set((
        email_outbox::status.eq(MailStatus::Sending),
        email_outbox::next_attempt_at.eq(Some(at + LEASE)),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Messages a sender claimed and never reported on (it stopped mid-send) may have gone out:
/// once their lease ends they are unconfirmed, not sent again.
pub fn abandon_stale(conn: &mut AnyConnection, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        email_outbox::table
            .filter(email_outbox::status.eq(MailStatus::Sending))
            .filter(email_outbox::next_attempt_at.le(at)),
    )
    .set((
        email_outbox::status.eq(MailStatus::Unconfirmed),
        email_outbox::last_error.eq(Some(
            "The sender stopped while sending; the message may or may not have been delivered.",
        )),
    ))
    .execute(conn)
}

/// Records a send whose outcome is unknown: not retried on its own.
pub fn unconfirmed(
    conn: &mut AnyConnection,
    id: i64,
    attempts_before: i32,
    error: &str,
) -> QueryResult<()> {
    let error: String = format!(
        "{} (the server may have delivered it; resend only if it did not arrive)",
        error.chars().take(900).collect::<String>()
    );
    diesel::update(email_outbox::table.find(id))
        .set((
            email_outbox::status.eq(MailStatus::Unconfirmed),
            email_outbox::attempts.eq(attempts_before + 1),
            email_outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts a failed or unconfirmed message of the organization back in the queue, due now; false
/// when it is in another state (sent, or already queued).
pub fn resend(conn: &mut AnyConnection, org: i64, id: i64) -> QueryResult<bool> {
    let moved = diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq(id))
            .filter(email_outbox::organization_id.eq(org))
            .filter(email_outbox::status.eq_any([MailStatus::Failed, MailStatus::Unconfirmed])),
    )
    .set((
        email_outbox::status.eq(MailStatus::Pending),
        email_outbox::attempts.eq(0),
        email_outbox::next_attempt_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(moved == 1)
}

pub fn sent(conn: &mut AnyConnection, id: i64) -> QueryResult<()> {
    let t = now();
    diesel::update(email_outbox::table.find(id))
        .set((
            email_outbox::status.eq(MailStatus::Sent),
            // The attempt that delivered counts: "1" is sent at the first try.
            email_outbox::attempts.eq(email_outbox::attempts + 1),
            email_outbox::sent_at.eq(Some(t)),
            email_outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: retried after `backoff`, or failed for good after the last one.
pub fn attempt_failed(
    conn: &mut AnyConnection,
    id: i64,
    attempts_before: i32,
    error: &str,
) -> QueryResult<()> {
    let attempts = attempts_before + 1;
    let error: String = error.chars().take(1_000).collect();
    let status = if attempts >= MAX_ATTEMPTS {
        MailStatus::Failed
    } else {
        MailStatus::Pending
    };
    diesel::update(email_outbox::table.find(id))
        .set((
            email_outbox::status.eq(status),
            email_outbox::attempts.eq(attempts),
            email_outbox::last_error.eq(Some(error)),
            email_outbox::next_attempt_at.eq(Some(now() + backoff(attempts))),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_four_hours() {
        let minutes: Vec<i64> = (1..=MAX_ATTEMPTS)
            .map(|a| backoff(a).num_minutes())
            .collect();
        assert_eq!(minutes, vec![1, 2, 4, 8, 16, 32, 64, 128, 240, 240]);
        // Every retry together: a little over twelve hours before a message is given up.
        let total: i64 = minutes[..(MAX_ATTEMPTS - 1) as usize].iter().sum();
        assert_eq!(total, 495);
    }
}
