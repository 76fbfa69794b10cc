//! The report's tables, made once from what `load` read and shown on the page and downloaded
//! as CSV alike: revenue over the period, the team ranking, the salespeople, the calls by team
//! and the loss reasons. Every figure is the organization's, in its currency.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::dashboards::chart::{self, Bucket};
use crate::dashboards::period::Period;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::sales::calls::metrics::Metrics;
use crate::sales::dashboard::figures::{self, Leader};
use crate::schema::sales_days;
use crate::scope::RecordScope;
use crate::web::dates::local_days;

/// The organization's verified sales of one day: payments and their sum.
pub struct Day {
    pub day: NaiveDate,
    pub count: i64,
    pub minor: i64,
}

/// What the report reads: a handful of indexed reads of the rollups.
pub struct Loaded {
    /// The organization's verified sales per day of the period and the one before.
    pub days: Vec<Day>,
    /// Open deals, their outstanding amount, payments waiting and their sum: now.
    pub waiting: [i64; 4],
    pub leaders: Vec<Leader>,
    pub leaders_before: Vec<Leader>,
    pub calls: Option<Metrics>,
    pub calls_before: Option<Metrics>,
}

/// Everyone's verified sales per day over both periods, in one read of `sales_days`: the days
/// for the revenue, the people for the rankings.
fn sales(
    conn: &mut AnyConnection,
    org: i64,
    current: Period,
    previous: Period,
) -> QueryResult<(Vec<Day>, Vec<Leader>, Vec<Leader>)> {
    let rows: Vec<(i64, NaiveDate, i64, i64)> = sales_days::table
        .filter(sales_days::organization_id.eq(org))
        .filter(sales_days::day.ge(previous.start))
        .filter(sales_days::day.le(current.end))
        .filter(sales_days::verified_count.gt(0))
        .select((
            sales_days::user_id,
            sales_days::day,
            sales_days::verified_count,
            sales_days::verified_minor,
        ))
        .load(conn)?;
    let mut now: BTreeMap<i64, i64> = BTreeMap::new();
    let mut before: BTreeMap<i64, i64> = BTreeMap::new();
    let mut days = Vec::with_capacity(rows.len());
    for (user, day, count, minor) in rows {
        if current.contains(day) {
            *now.entry(user).or_default() += minor;
        } else {
            *before.entry(user).or_default() += minor;
        }
        days.push(Day { day, count, minor });
    }
    let ids: Vec<i64> = now.keys().chain(before.keys()).copied().collect();
    let people = figures::people(conn, org, &ids)?;
    let leaders = |sums: &BTreeMap<i64, i64>| {
        let mut out: Vec<Leader> = people
            .iter()
            .filter_map(|(id, first, last, team)| {
                sums.get(id).map(|minor| Leader {
                    user_id: *id,
                    first_name: first.clone(),
                    last_name: last.clone(),
                    team: team.clone(),
                    verified_minor: *minor,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.verified_minor
                .cmp(&a.verified_minor)
                .then(a.user_id.cmp(&b.user_id))
        });
        out
    };
    Ok((days, leaders(&now), leaders(&before)))
}

pub fn load(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    current: Period,
    previous: Period,
    tz: chrono_tz::Tz,
) -> Result<Loaded, AppError> {
    let calls = |conn: &mut AnyConnection, p: Period| match local_days(p.start, p.end, tz) {
        Some((a, b)) => crate::sales::calls::load_metrics(conn, scope, a, b).map(Some),
        None => Ok(None),
    };
    let (days, leaders, leaders_before) = sales(conn, scope.org().id(), current, previous)?;
    Ok(Loaded {
        days,
        waiting: figures::waiting(conn, scope)?,
        leaders,
        leaders_before,
        calls: calls(conn, current)?,
        calls_before: calls(conn, previous)?,
    })
}

/// Verified (count, amount) of the rows in `p`.
pub fn verified(days: &[Day], p: &Period) -> (i64, i64) {
    days.iter()
        .filter(|r| p.contains(r.day))
        .fold((0, 0), |(n, m), r| (n + r.count, m + r.minor))
}

/// Verified amounts of the period in the chart's buckets, with their counts.
pub fn revenue(days: &[Day], p: &Period) -> (Vec<Bucket>, Vec<i64>) {
    let mut amounts = chart::buckets(p);
    let mut counts = chart::buckets(p);
    for r in days.iter().filter(|r| p.contains(r.day)) {
        chart::add(&mut amounts, r.day, r.minor);
        chart::add(&mut counts, r.day, r.count);
    }
    let counts = counts.iter().map(|b| b.minor).collect();
    (amounts, counts)
}

/// One line of a ranking: rank (ties share one), name, its verified sales now and before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub rank: usize,
    pub name: String,
    /// The team of a person, the number of people of a team.
    pub detail: String,
    pub minor: i64,
    pub before: i64,
}

fn rank(mut lines: Vec<(String, String, i64, i64)>) -> Vec<Ranked> {
    lines.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let mut out: Vec<Ranked> = Vec::with_capacity(lines.len());
    for (i, (name, detail, minor, before)) in lines.into_iter().enumerate() {
        let rank = match out.last() {
            Some(last) if last.minor == minor => last.rank,
            _ => i + 1,
        };
        out.push(Ranked {
            rank,
            name,
            detail,
            minor,
            before,
        });
    }
    out
}

fn name(l: &Leader) -> String {
    format!("{} {}", l.first_name, l.last_name)
}

/// Everyone with verified sales in the period, best first.
pub fn people(now: &[Leader], before: &[Leader]) -> Vec<Ranked> {
    let earlier: BTreeMap<i64, i64> = before
        .iter()
        .map(|l| (l.user_id, l.verified_minor))
        .collect();
    rank(
        now.iter()
            .map(|l| {
                (
                    name(l),
                    l.team.clone().unwrap_or_else(|| "No team".into()),
                    l.verified_minor,
                    earlier.get(&l.user_id).copied().unwrap_or(0),
                )
            })
            .collect(),
    )
}

/// The teams by their people's verified sales in the period (people without a team together).
pub fn teams(now: &[Leader], before: &[Leader]) -> Vec<Ranked> {
    let mut sums: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    let team = |l: &Leader| l.team.clone().unwrap_or_else(|| "No team".into());
    for l in now {
        let s = sums.entry(team(l)).or_default();
        s.0 += 1;
        s.1 += l.verified_minor;
    }
    for l in before {
        if let Some(s) = sums.get_mut(&team(l)) {
            s.2 += l.verified_minor;
        }
    }
    rank(
        sums.into_iter()
            .map(|(name, (people, minor, before))| {
                (
                    name,
                    crate::web::count(people, "person", "people"),
                    minor,
                    before,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(id: i64, team: Option<&str>, minor: i64) -> Leader {
        Leader {
            user_id: id,
            first_name: format!("P{id}"),
            last_name: "X".into(),
            team: team.map(str::to_string),
            verified_minor: minor,
        }
    }

    #[test]
    fn rankings_share_ranks_on_ties_and_keep_the_previous_period() {
        let now = vec![
            l(1, Some("North"), 500),
            l(2, Some("South"), 500),
            l(3, Some("North"), 100),
            l(4, None, 50),
        ];
        let before = vec![l(1, Some("North"), 300), l(9, Some("South"), 70)];
        let p = people(&now, &before);
        assert_eq!(
            p.iter().map(|r| r.rank).collect::<Vec<_>>(),
            vec![1, 1, 3, 4]
        );
        assert_eq!((p[0].name.as_str(), p[0].before), ("P1 X", 300));
        assert_eq!(p[3].detail, "No team");
        let t = teams(&now, &before);
        assert_eq!(
            t.iter()
                .map(|r| (r.name.as_str(), r.minor, r.before))
                .collect::<Vec<_>>(),
            vec![("North", 600, 300), ("South", 500, 70), ("No team", 50, 0)]
        );
        assert_eq!(t[0].detail, "2 people");
    }
}
