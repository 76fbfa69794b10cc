//! Walking a chain of the audit log: every row against its predecessor's hash and its own content.

use diesel::prelude::*;

use super::{AuditRow, GENESIS};
use crate::db::AnyConnection;
use crate::schema::{audit_chain_heads, audit_log};
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// 0 for platform events, else the organization id.
    pub chain_key: i64,
    pub entries: u64,
    /// The id of the first row whose link or content does not match, if any.
    pub first_broken: Option<i64>,
    /// The chain head does not match the last row (rows removed from the end).
    pub head_mismatch: bool,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_broken.is_none() && !self.head_mismatch
    }
}

/// How far a walk along a chain got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub entries: u64,
    pub last_id: i64,
    pub last_hash: String,
    pub first_broken: Option<i64>,
}

/// Checks the rows of one chain after `after_id`, in id order and in batches, each against the
/// previous row's hash (`prev_hash` for the first) and against its own content. Stops at the
/// first broken row, or after `max_rows` rows.
pub fn walk(
    conn: &mut AnyConnection,
    chain_key: i64,
    after_id: i64,
    prev_hash: &str,
    max_rows: Option<u64>,
) -> QueryResult<Walk> {
    const BATCH: i64 = 5_000;
    let mut w = Walk {
        entries: 0,
        last_id: after_id,
        last_hash: prev_hash.to_string(),
        first_broken: None,
    };
    loop {
        let room = max_rows.map_or(BATCH, |m| BATCH.min(m.saturating_sub(w.entries) as i64));
        if room == 0 {
            return Ok(w);
        }
        let mut q = audit_log::table
            .select(AuditRow::as_select())
            .filter(audit_log::id.gt(w.last_id))
            .order(audit_log::id)
            .limit(room)
            .into_boxed();
        q = if chain_key == 0 {
            q.filter(audit_log::organization_id.is_null())
        } else {
            q.filter(audit_log::organization_id.eq(chain_key))
        };
        let rows: Vec<AuditRow> = q.load(conn)?;
        for row in &rows {
            if row.prev_hash != w.last_hash || row.hash != row.expected_hash() {
                w.first_broken = Some(row.id);
                return Ok(w);
            }
            w.entries += 1;
            w.last_id = row.id;
            w.last_hash = row.hash.clone();
        }
        if (rows.len() as i64) < room {
            return Ok(w);
        }
    }
}

/// Verifies one whole chain from its first row.
pub fn verify_chain(conn: &mut AnyConnection, chain_key: i64) -> QueryResult<ChainReport> {
    let w = walk(conn, chain_key, 0, GENESIS, None)?;
    let mut report = ChainReport {
        chain_key,
        entries: w.entries + u64::from(w.first_broken.is_some()),
        first_broken: w.first_broken,
        head_mismatch: false,
    };
    if report.first_broken.is_none() {
        let head: Option<String> = audit_chain_heads::table
            .find(chain_key)
            .select(audit_chain_heads::last_hash)
            .first(conn)
            .optional()?;
        report.head_mismatch = head.is_some_and(|h| h != w.last_hash);
    }
    Ok(report)
}

/// Verifies every chain that has a head.
pub fn verify_all(conn: &mut AnyConnection) -> QueryResult<Vec<ChainReport>> {
    let keys: Vec<i64> = audit_chain_heads::table
        .select(audit_chain_heads::chain_key)
        .order(audit_chain_heads::chain_key)
        .load(conn)?;
    keys.into_iter().map(|k| verify_chain(conn, k)).collect()
}
