//! Verification that keeps its place. Re-reading a million-row chain on every visit of the audit
//! page is not an option, so each chain has a checkpoint: the last row verified and its hash.
//! A visit checks at most `STEP` newer rows from there; a full check (the page's button, or
//! `dealdesk audit-verify`) walks the whole chain again and catches a change to an old row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{GENESIS, walk};
use crate::db::{AnyConnection, now};
use crate::schema::{audit_chain_heads, audit_verifications};

/// Rows checked per visit of the audit page.
pub const STEP: u64 = 1_000;

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = audit_verifications, treat_none_as_null = true)]
pub struct Checkpoint {
    pub chain_key: i64,
    pub verified_through_id: i64,
    pub verified_hash: String,
    pub verified_entries: i64,
    pub broken_at_id: Option<i64>,
    pub head_mismatch: bool,
    pub last_full_check_at: Option<NaiveDateTime>,
    pub checked_at: NaiveDateTime,
}

/// What the audit page says about a chain.
#[derive(Debug, Clone)]
pub struct Status {
    pub checkpoint: Checkpoint,
    /// Entries in the chain (from its head).
    pub entries: i64,
}

impl Status {
    pub fn is_broken(&self) -> bool {
        self.checkpoint.broken_at_id.is_some() || self.checkpoint.head_mismatch
    }

    /// Entries appended since the checkpoint and not yet verified.
    pub fn pending(&self) -> i64 {
        (self.entries - self.checkpoint.verified_entries).max(0)
    }
}

fn load(conn: &mut AnyConnection, chain_key: i64) -> QueryResult<Checkpoint> {
    Ok(audit_verifications::table
        .find(chain_key)
        .select((
            audit_verifications::chain_key,
            audit_verifications::verified_through_id,
            audit_verifications::verified_hash,
            audit_verifications::verified_entries,
            audit_verifications::broken_at_id,
            audit_verifications::head_mismatch,
            audit_verifications::last_full_check_at,
            audit_verifications::checked_at,
        ))
        .first(conn)
        .optional()?
        .unwrap_or(Checkpoint {
            chain_key,
            verified_through_id: 0,
            verified_hash: GENESIS.into(),
            verified_entries: 0,
            broken_at_id: None,
            head_mismatch: false,
            last_full_check_at: None,
            checked_at: now(),
        }))
}

fn save(conn: &mut AnyConnection, c: &Checkpoint) -> QueryResult<()> {
    let n = diesel::update(audit_verifications::table.find(c.chain_key))
        .set(c)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(audit_verifications::table)
            .values(c)
            .execute(conn)?;
    }
    Ok(())
}

fn head(conn: &mut AnyConnection, chain_key: i64) -> QueryResult<(i64, String)> {
    Ok(audit_chain_heads::table
        .find(chain_key)
        .select((audit_chain_heads::entries, audit_chain_heads::last_hash))
        .first(conn)
        .optional()?
        .unwrap_or((0, GENESIS.into())))
}

/// Continues verification from the checkpoint by at most `max_rows` rows (all with `None`),
/// saving the new checkpoint when it moved.
fn advance(
    conn: &mut AnyConnection,
    mut c: Checkpoint,
    max_rows: Option<u64>,
) -> QueryResult<Status> {
    // The head is read first: rows appended after it are left for the next check, so that a
    // concurrent append cannot look like a mismatch.
    let (entries, head_hash) = head(conn, c.chain_key)?;
    if c.broken_at_id.is_some() || c.head_mismatch || c.verified_entries >= entries {
        if c.verified_entries == entries && c.verified_hash != head_hash && !c.head_mismatch {
            c.head_mismatch = true;
            c.checked_at = now();
            save(conn, &c)?;
        }
        return Ok(Status {
            checkpoint: c,
            entries,
        });
    }
    let room = (entries - c.verified_entries) as u64;
    let limit = max_rows.map_or(room, |m| m.min(room));
    let w = walk(
        conn,
        c.chain_key,
        c.verified_through_id,
        &c.verified_hash,
        Some(limit),
    )?;
    c.verified_through_id = w.last_id;
    c.verified_hash = w.last_hash;
    c.verified_entries += w.entries as i64;
    c.broken_at_id = w.first_broken;
    // A walk that found fewer rows than the head counts ran out of chain: rows were removed.
    c.head_mismatch = w.first_broken.is_none()
        && (w.entries < limit || (c.verified_entries == entries && c.verified_hash != head_hash));
    c.checked_at = now();
    save(conn, &c)?;
    Ok(Status {
        checkpoint: c,
        entries,
    })
}

/// The quick check of a page visit: the newest rows since the last check, at most `STEP`.
pub fn check_recent(conn: &mut AnyConnection, chain_key: i64) -> QueryResult<Status> {
    let c = load(conn, chain_key)?;
    advance(conn, c, Some(STEP))
}

/// The whole chain again from its first row.
pub fn check_full(conn: &mut AnyConnection, chain_key: i64) -> QueryResult<Status> {
    let fresh = Checkpoint {
        chain_key,
        verified_through_id: 0,
        verified_hash: GENESIS.into(),
        verified_entries: 0,
        broken_at_id: None,
        head_mismatch: false,
        last_full_check_at: Some(now()),
        checked_at: now(),
    };
    advance(conn, fresh, None)
}
