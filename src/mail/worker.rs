//! The background sender: every few seconds, the due messages of the outbox, each claimed,
//! sent, and marked sent or retried. It runs on its own thread with its own pooled connection,
//! so the web workers never wait for a mail server.

use std::time::Duration;

use super::Mailer;
use super::outbox;
use crate::db::{AnyConnection, Pool, now};

/// How often the sender looks for due messages.
const INTERVAL: Duration = Duration::from_secs(5);
/// Messages sent per pass at most, so a large backlog is worked through in steps.
const BATCH: i64 = 50;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub failed: usize,
}

/// Delivers what is due now: one pass.
pub fn deliver_due(conn: &mut AnyConnection, mailer: &Mailer) -> diesel::QueryResult<Pass> {
    let t = now();
    let mut pass = Pass::default();
    outbox::abandon_stale(conn, t)?;
    for m in outbox::due(conn, t, BATCH)? {
        if !outbox::claim(conn, m.id, t)? {
            continue;
        }
        match mailer.send(m.id, &m.to_address, &m.subject, &m.body) {
            Ok(()) => {
                outbox::sent(conn, m.id)?;
                pass.sent += 1;
            }
            Err(e) => {
                log::warn!(
                    "e-mail {} to {} not sent (attempt {}): {}",
                    m.id,
                    m.to_address,
                    m.attempts + 1,
                    e.error
                );
                if e.unconfirmed {
                    outbox::unconfirmed(conn, m.id, m.attempts, &e.error)?;
                } else {
                    outbox::attempt_failed(conn, m.id, m.attempts, &e.error)?;
                }
                pass.failed += 1;
            }
        }
    }
    Ok(pass)
}

/// Starts the sender for the life of the process.
pub fn spawn(pool: Pool, mailer: Mailer) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("mail".into())
        .spawn(move || {
            loop {
                match pool.get() {
                    Ok(mut conn) => {
                        if let Err(e) = deliver_due(&mut conn, &mailer) {
                            log::error!("the mail sender could not read the outbox: {e}");
                        }
                    }
                    Err(e) => log::error!("the mail sender has no database connection: {e}"),
                }
                std::thread::sleep(INTERVAL);
            }
        })
        .map(|_| ())
}
