//! Organizations with their figures, as platform admins see them: aggregates kept by triggers in
//! `organization_stats`, never individual business records.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, contains_pattern, lower};
use crate::schema::{organization_stats, organizations};

#[derive(Debug, Clone, Queryable)]
pub struct OrgLine {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub currency: String,
    pub timezone: String,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub users_total: Option<i64>,
    pub users_active: Option<i64>,
    pub deals_total: Option<i64>,
    pub verified_revenue_minor: Option<i64>,
    pub calls_total: Option<i64>,
    pub calls_completed: Option<i64>,
    pub calls_no_show: Option<i64>,
    pub calls_won: Option<i64>,
}

impl OrgLine {
    /// Completed calls among those that were due (completed or no-show), in percent.
    pub fn show_rate(&self) -> String {
        let done = self.calls_completed.unwrap_or(0);
        rate(done, done + self.calls_no_show.unwrap_or(0))
    }

    /// Won calls among completed ones, in percent.
    pub fn close_rate(&self) -> String {
        rate(
            self.calls_won.unwrap_or(0),
            self.calls_completed.unwrap_or(0),
        )
    }

    pub fn revenue(&self) -> String {
        let exp = crate::domain::money::currency_exponent(&self.currency);
        format!(
            "{} {}",
            crate::domain::money::minor_to_display(self.verified_revenue_minor.unwrap_or(0), exp),
            self.currency
        )
    }
}

fn rate(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "—".into();
    }
    // One decimal, rounded half up, in integers.
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{} %", tenths / 10, tenths % 10)
}

pub struct Filter {
    pub q: String,
    /// `None` for all.
    pub active: Option<bool>,
    /// The last organization of the previous page (by name, then id).
    pub after: Option<PublicId>,
}

pub fn list(conn: &mut AnyConnection, f: &Filter, limit: i64) -> QueryResult<Vec<OrgLine>> {
    let mut q = organizations::table
        .left_join(organization_stats::table)
        .select((
            organizations::id,
            organizations::public_id,
            organizations::name,
            organizations::currency,
            organizations::timezone,
            organizations::is_active,
            organizations::created_at,
            organization_stats::users_total.nullable(),
            organization_stats::users_active.nullable(),
            organization_stats::deals_total.nullable(),
            organization_stats::verified_revenue_minor.nullable(),
            organization_stats::calls_total.nullable(),
            organization_stats::calls_completed.nullable(),
            organization_stats::calls_no_show.nullable(),
            organization_stats::calls_won.nullable(),
        ))
        .into_boxed();
    let term = f.q.trim().to_lowercase();
    if !term.is_empty() {
        q = q.filter(
            lower(organizations::name)
                .like(contains_pattern(&term))
                .escape('\\'),
        );
    }
    if let Some(active) = f.active {
        q = q.filter(organizations::is_active.eq(active));
    }
    if let Some(p) = f.after {
        let cursor: Option<(i64, String)> = organizations::table
            .filter(organizations::public_id.eq(p))
            .select((organizations::id, organizations::name))
            .first(conn)
            .optional()?;
        if let Some((id, name)) = cursor {
            q = q.filter(
                organizations::name
                    .gt(name.clone())
                    .or(organizations::name.eq(name).and(organizations::id.gt(id))),
            );
        }
    }
    q.order((organizations::name, organizations::id))
        .limit(limit)
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct OrgRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub currency: String,
    pub timezone: String,
    pub is_active: bool,
}

pub fn find(conn: &mut AnyConnection, id: PublicId) -> QueryResult<OrgRecord> {
    organizations::table
        .filter(organizations::public_id.eq(id))
        .select((
            organizations::id,
            organizations::public_id,
            organizations::name,
            organizations::currency,
            organizations::timezone,
            organizations::is_active,
        ))
        .first(conn)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_round_half_up_to_one_decimal() {
        assert_eq!(super::rate(1, 3), "33.3 %");
        assert_eq!(super::rate(2, 3), "66.7 %");
        assert_eq!(super::rate(0, 0), "—");
        assert_eq!(super::rate(5, 5), "100.0 %");
    }
}
