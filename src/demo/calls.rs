//! Calls of the demo salespeople over the last six months: most completed (won, lost with a
//! reason, or still open), some no-shows, some rescheduled; a few about prospects who are not
//! clients yet.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, now};
use crate::schema::{calls, clients, loss_reasons};
use crate::web::OrgScope;

/// Loads `count` calls once per organization (nothing when it already has some).
pub fn load(conn: &mut AnyConnection, scope: OrgScope, count: usize) -> QueryResult<()> {
    let existing: i64 = calls::table
        .filter(calls::organization_id.eq(scope.id()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let found: Vec<(i64, String, i64)> = clients::table
        .filter(clients::organization_id.eq(scope.id()))
        .filter(clients::is_active.eq(true))
        .order(clients::id)
        .select((clients::id, clients::name, clients::created_by_id))
        .load(conn)?;
    let reasons: Vec<i64> = loss_reasons::table
        .filter(loss_reasons::organization_id.eq(scope.id()))
        .filter(loss_reasons::is_active.eq(true))
        .order(loss_reasons::id)
        .select(loss_reasons::id)
        .load(conn)?;
    if found.is_empty() || reasons.is_empty() {
        return Ok(());
    }
    let t = now();
    for i in 0..count {
        let (client_id, name, owner) = &found[(i * 11) % found.len()];
        let prospect = i % 9 == 4;
        let at = t - Duration::minutes(((count - i) * 180 * 24 * 60 / count) as i64 + 37);
        let (status, outcome) = match i % 10 {
            0 | 5 => ("no_show", None),
            7 => ("rescheduled", None),
            1 | 4 | 8 => ("completed", Some("won")),
            2 | 6 => ("completed", Some("lost")),
            _ => ("completed", Some("tbd")),
        };
        diesel::insert_into(calls::table)
            .values((
                calls::public_id.eq(PublicId::new()),
                calls::organization_id.eq(scope.id()),
                calls::user_id.eq(owner),
                calls::client_id.eq((!prospect).then_some(*client_id)),
                calls::prospect_name.eq(if prospect {
                    format!("Prospect {}", i + 1)
                } else {
                    name.clone()
                }),
                calls::call_type.eq(if i % 3 == 0 { "inbound" } else { "outbound" }),
                calls::status.eq(status),
                calls::outcome.eq(outcome),
                calls::loss_reason_id
                    .eq((outcome == Some("lost")).then(|| reasons[(i / 3) % reasons.len()])),
                calls::notes.eq((i % 4 == 0).then_some("Asked for a quote by e-mail")),
                calls::duration_seconds
                    .eq((status == "completed").then_some(((i % 25) as i32 + 3) * 60)),
                calls::scheduled_at.eq(Some(at)),
                calls::completed_at.eq(Some(at)),
                calls::rescheduled_to.eq((status == "rescheduled").then(|| at + Duration::days(3))),
                calls::created_at.eq(at),
                calls::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    crate::sales::calls::rollup::rebuild(conn, scope.id())
}
