//! What the sales dashboard reads: the scope (everyone the viewer sees, or the one salesperson
//! chosen), the day rows of the two periods compared and of this month, and the few small reads
//! beside them; every figure from the rollups, none from the payments themselves.

use chrono_tz::Tz;

use super::figures::{self, DayRow};
use crate::dashboards::period::Period;
use crate::db::{AnyConnection, PublicId};
use crate::error::AppError;
use crate::sales::calls::metrics::Metrics;
use crate::sales::choices::{Owner, owner_choices};
use crate::sales::payments::queries::PaymentRow;
use crate::scope::{RecordScope, ScopeRequest};
use crate::web::dates::local_days;

/// Who asks, and for whom.
pub(super) struct Ask {
    pub(super) sales: ScopeRequest,
    /// The calls' scope, for those who log or see calls.
    pub(super) calls: Option<ScopeRequest>,
    /// One salesperson of the scope, by public id; empty for everyone.
    pub(super) user: String,
    pub(super) viewer: i64,
    pub(super) tz: Tz,
}

/// The periods a dashboard shows: the one chosen, the one before, and this month (the target).
#[derive(Clone, Copy)]
pub(super) struct Periods {
    pub(super) current: Period,
    pub(super) previous: Period,
    pub(super) month: Period,
}

pub(super) struct Loaded {
    /// Day rows covering the period, the previous one and this month.
    pub(super) rows: Vec<DayRow>,
    pub(super) waiting: [i64; 4],
    pub(super) latest: Vec<PaymentRow>,
    pub(super) top: Vec<(PublicId, String, i64, i64)>,
    pub(super) target: Option<i64>,
    pub(super) currency: String,
    pub(super) calls: Option<Metrics>,
    pub(super) people: Vec<Owner>,
    pub(super) leaders: Vec<figures::Leader>,
    pub(super) streak: i32,
    pub(super) commission: [i64; 3],
    /// The salesperson looked at, by name.
    pub(super) looking_at: Option<String>,
    pub(super) sees_everyone: bool,
}

impl Loaded {
    pub(super) fn read(conn: &mut AnyConnection, ask: &Ask, p: &Periods) -> Result<Self, AppError> {
        let full = ask.sales.resolve(conn)?;
        let people = owner_choices(conn, &full)?;
        let chosen = people
            .iter()
            .find(|(_, p, _)| !ask.user.is_empty() && p.to_string() == ask.user);
        let scope = match chosen {
            Some((id, _, _)) => full.only(*id).ok_or(AppError::NotFound)?,
            None if !ask.user.is_empty() => return Err(AppError::NotFound),
            None => full.clone(),
        };
        let bounds = local_days(p.current.start, p.current.end, ask.tz);
        let calls = call_metrics(conn, ask, chosen.map(|c| c.0), bounds)?;
        let commission = match bounds {
            Some((a, b)) => figures::commission(conn, &scope, a, b)?,
            None => [0; 3],
        };
        let calendar = crate::streaks::calendar(conn, scope.org().id())?;
        let streak_of = chosen.map_or(ask.viewer, |(id, _, _)| *id);
        let org = scope.org().id();
        Ok(Loaded {
            rows: day_rows(conn, &scope, p)?,
            waiting: figures::waiting(conn, &scope)?,
            latest: crate::sales::payments::queries::latest(conn, &scope, 8)?,
            top: figures::top_clients(conn, &scope, 5)?,
            target: figures::target(conn, &scope)?,
            currency: scope.currency().to_string(),
            looking_at: chosen.map(|(_, _, name)| name.clone()),
            sees_everyone: scope.sees_everyone(),
            leaders: figures::leaderboard(conn, org, p.current.start, p.current.end)?,
            streak: crate::streaks::streak_of(conn, calendar, streak_of)?,
            calls,
            people,
            commission,
        })
    }
}

/// The two periods' day rows, and this month's (for the target) when outside them.
fn day_rows(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    p: &Periods,
) -> Result<Vec<DayRow>, AppError> {
    let span = Period {
        start: p.previous.start,
        end: p.current.end,
    };
    let mut rows = figures::days(conn, scope, span.start, span.end)?;
    if !(span.contains(p.month.start) && span.contains(p.month.end)) {
        let month_rows = figures::days(conn, scope, p.month.start, p.month.end)?;
        rows.extend(month_rows.into_iter().filter(|r| !span.contains(r.day)));
    }
    Ok(rows)
}

/// The period's call metrics of the calls' scope (narrowed to the salesperson chosen), for
/// those who see calls.
fn call_metrics(
    conn: &mut AnyConnection,
    ask: &Ask,
    chosen: Option<i64>,
    bounds: Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>,
) -> Result<Option<Metrics>, AppError> {
    let Some(request) = &ask.calls else {
        return Ok(None);
    };
    let scope = request.resolve(conn)?;
    let scope = match chosen {
        Some(id) => scope.only(id),
        None => Some(scope),
    };
    Ok(match (scope, bounds) {
        (Some(s), Some((a, b))) => Some(crate::sales::calls::load_metrics(conn, &s, a, b)?),
        _ => None,
    })
}
