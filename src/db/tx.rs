//! Transactions that write, and the one rule every write of money keeps.
//!
//! The rule: a transaction that changes money (a payment, a decision, a deal's amount or status,
//! a commission) first takes its organization's books lock (`money_tx`), then reads the rows its
//! checks depend on, checks, and writes with a condition that the row is still in the state it
//! checked (`WHERE status = 'pending'`, rows affected counted: none means someone else won, a
//! 409). Everything kept from those rows (a deal's paid figures, its client's balance, the
//! day rollups, invoices, commissions) is then rebuilt inside the same lock, so two people acting
//! at once are taken one after the other and no figure is computed from a read that another
//! transaction is about to make stale.
//!
//! On SQLite `BEGIN IMMEDIATE` already takes the database's one write lock, so the books lock
//! costs nothing there. On PostgreSQL (read committed) it is a transaction-scoped advisory lock
//! per organization: each statement after it sees what the previous holder committed. Orders of
//! locks are the same everywhere (books, then rows), so money writes do not deadlock each other;
//! a serialization failure or deadlock with anything else is retried a few times, never a 500.

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel::result::Error;
use diesel::sql_types::Integer;

use super::AnyConnection;
use crate::error::Contention;

/// How often a transaction that lost to a serialization failure or deadlock runs again.
const RETRIES: u32 = 6;

/// A transaction for work that writes, run again (a bounded number of times) when it fails on a
/// serialization failure or deadlock; so `f` may run more than once and must only write through
/// `conn`. On SQLite it begins with `BEGIN IMMEDIATE`, taking the write lock up front: a deferred
/// transaction that read first and writes later fails at once (SQLITE_BUSY_SNAPSHOT) when
/// another writer got in between, whatever the busy timeout.
pub fn write_tx<T, E, F>(conn: &mut AnyConnection, mut f: F) -> Result<T, E>
where
    F: FnMut(&mut AnyConnection) -> Result<T, E>,
    E: From<Error> + Contention,
{
    let mut attempt = 0;
    loop {
        match once(conn, &mut f) {
            Err(e) if e.is_contention() && attempt < RETRIES => {
                attempt += 1;
                // A short, growing, jittered pause, so the two that collided do not meet again.
                let jitter = rand::random_range(0..=u64::from(attempt) * 4);
                std::thread::sleep(Duration::from_millis(u64::from(attempt) * 2 + jitter));
            }
            other => return other,
        }
    }
}

fn once<T, E, F>(conn: &mut AnyConnection, f: &mut F) -> Result<T, E>
where
    F: FnMut(&mut AnyConnection) -> Result<T, E>,
    E: From<Error>,
{
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        }
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            match <AnyConnection as Connection>::TransactionManager::commit_transaction(conn) {
                Ok(()) => Ok(value),
                Err(e) => {
                    // A failed COMMIT on PostgreSQL leaves the transaction to be rolled back.
                    let _ = <AnyConnection as Connection>::TransactionManager::rollback_transaction(
                        conn,
                    );
                    Err(e.into())
                }
            }
        }
        Err(e) => {
            <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Held by a transaction that took its organization's books lock: what rebuilds a kept money
/// figure asks for one, so none can run outside the lock.
#[derive(Debug)]
pub struct Books {
    org: i64,
}

impl Books {
    /// The organization whose books are held.
    pub fn org(&self) -> i64 {
        self.org
    }
}

/// The advisory lock class of the books (the first key of PostgreSQL's two-key form).
const BOOKS_LOCK: i32 = 0x626f_6f6b; // "book"

/// A write transaction that changes the organization's money: `write_tx` that first takes the
/// books lock (the module's documentation) and hands `f` its proof.
pub fn money_tx<T, E, F>(conn: &mut AnyConnection, org: i64, mut f: F) -> Result<T, E>
where
    F: FnMut(&mut AnyConnection, &Books) -> Result<T, E>,
    E: From<Error> + Contention,
{
    write_tx(conn, |conn| {
        lock_books(conn, org)?;
        f(conn, &Books { org })
    })
}

fn lock_books(conn: &mut AnyConnection, org: i64) -> QueryResult<()> {
    if let AnyConnection::Postgresql(c) = conn {
        // Organizations past 2³¹ share a key with another: they wait for each other, no more.
        let key = (org & 0x7fff_ffff) as i32;
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind::<Integer, _>(BOOKS_LOCK)
            .bind::<Integer, _>(key)
            .execute(c)?;
    }
    Ok(())
}
