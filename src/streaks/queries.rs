//! The streak records: one row per user and working-or-not day of the organization, written in
//! the transaction of the event that counts (a deal created, a payment verified).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Timestamp};

use super::rules::{counts, current, extend, is_working_day};
use crate::db::{AnyConnection, now, sql_time};
use crate::domain::PaymentStatus;
use crate::schema::{deals, organizations, payments, streak_records, users};

/// What happened, to be counted on the organization's today.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    DealCreated,
    /// A payment on the user's deal verified, counting this much in the organization's currency.
    PaymentVerified(i64),
}

/// The organization's calendar: its time zone and working days.
#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    pub tz: Tz,
    pub mask: i32,
}

impl Calendar {
    pub fn of(timezone: &str, mask: i32) -> Self {
        Calendar {
            tz: timezone.parse().unwrap_or(Tz::UTC),
            mask,
        }
    }

    pub fn day_of(&self, t: NaiveDateTime) -> NaiveDate {
        t.and_utc().with_timezone(&self.tz).date_naive()
    }

    pub fn today(&self) -> NaiveDate {
        self.day_of(now())
    }
}

pub fn calendar(conn: &mut AnyConnection, organization_id: i64) -> QueryResult<Calendar> {
    let (tz, mask): (String, i32) = organizations::table
        .find(organization_id)
        .select((organizations::timezone, organizations::working_days_mask))
        .first(conn)?;
    Ok(Calendar::of(&tz, mask))
}

/// Counts `event` for the user on the organization's today: the day's record is created or added
/// to, and when it is a working day counted for the first time, its streak is the one of the
/// working day before plus one (kept on the user as `current_streak` too).
pub fn record(
    conn: &mut AnyConnection,
    organization_id: i64,
    user_id: i64,
    event: Event,
) -> QueryResult<()> {
    let cal = calendar(conn, organization_id)?;
    let day = cal.today();
    let (deals_created, verified, minor) = match event {
        Event::DealCreated => (1, 0, 0),
        Event::PaymentVerified(minor) => (0, 1, minor.max(0)),
    };
    let t = now();
    diesel::sql_query(
        "INSERT INTO streak_records (organization_id, user_id, day, deals_created, \
         payments_verified, verified_minor, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
         ON CONFLICT (user_id, day) DO UPDATE SET \
         deals_created = streak_records.deals_created + excluded.deals_created, \
         payments_verified = streak_records.payments_verified + excluded.payments_verified, \
         verified_minor = streak_records.verified_minor + excluded.verified_minor, \
         updated_at = excluded.updated_at",
    )
    .bind::<BigInt, _>(organization_id)
    .bind::<BigInt, _>(user_id)
    .bind::<Date, _>(day)
    .bind::<Integer, _>(deals_created)
    .bind::<Integer, _>(verified)
    .bind::<BigInt, _>(minor)
    .bind::<Timestamp, _>(t)
    .execute(conn)?;
    if !is_working_day(cal.mask, day) {
        return Ok(());
    }
    let counted: bool = streak_records::table
        .filter(streak_records::organization_id.eq(organization_id))
        .filter(streak_records::user_id.eq(user_id))
        .filter(streak_records::day.eq(day))
        .select(streak_records::is_counted)
        .first(conn)?;
    if counted {
        return Ok(());
    }
    let n = extend(cal.mask, day, latest(conn, user_id, Some(day))?);
    diesel::update(
        streak_records::table
            .filter(streak_records::organization_id.eq(organization_id))
            .filter(streak_records::user_id.eq(user_id))
            .filter(streak_records::day.eq(day)),
    )
    .set((
        streak_records::is_counted.eq(true),
        streak_records::streak_count.eq(n),
    ))
    .execute(conn)?;
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::organization_id.eq(organization_id)),
    )
    .set(users::current_streak.eq(n))
    .execute(conn)?;
    Ok(())
}

/// The user's latest counted day (before `before` when given) and its streak.
fn latest(
    conn: &mut AnyConnection,
    user_id: i64,
    before: Option<NaiveDate>,
) -> QueryResult<Option<(NaiveDate, i32)>> {
    let mut q = streak_records::table
        .filter(streak_records::user_id.eq(user_id))
        .filter(streak_records::is_counted.eq(true))
        .order(streak_records::day.desc())
        .select((streak_records::day, streak_records::streak_count))
        .into_boxed();
    if let Some(day) = before {
        q = q.filter(streak_records::day.lt(day));
    }
    q.first(conn).optional()
}

/// The user's streak as of the organization's today.
pub fn streak_of(conn: &mut AnyConnection, cal: Calendar, user_id: i64) -> QueryResult<i32> {
    Ok(current(cal.mask, cal.today(), latest(conn, user_id, None)?))
}

/// Rebuilds every streak record of the organization from its deals and verified payments, as the
/// events would have written them (for the demo data and the load generator, whose rows are
/// inserted in bulk). Returns how many records it wrote.
pub fn rebuild(conn: &mut AnyConnection, organization_id: i64) -> QueryResult<usize> {
    let cal = calendar(conn, organization_id)?;
    let created: Vec<(i64, NaiveDateTime)> = deals::table
        .filter(deals::organization_id.eq(organization_id))
        .select((deals::created_by_id, deals::created_at))
        .load(conn)?;
    let verified: Vec<(i64, Option<NaiveDateTime>, i64)> = payments::table
        .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
        .filter(payments::organization_id.eq(organization_id))
        .filter(payments::status.eq_any([
            PaymentStatus::Verified,
            PaymentStatus::Refunded,
            PaymentStatus::BadDebt,
        ]))
        .select((
            deals::created_by_id,
            payments::verified_at,
            payments::counted_org_minor,
        ))
        .load(conn)?;
    // (user, day) → (deals created, payments verified, verified sum)
    let mut days: BTreeMap<(i64, NaiveDate), (i64, i64, i64)> = BTreeMap::new();
    for (user, at) in created {
        days.entry((user, cal.day_of(at))).or_default().0 += 1;
    }
    for (user, at, minor) in verified {
        if let Some(at) = at {
            let d = days.entry((user, cal.day_of(at))).or_default();
            d.1 += 1;
            d.2 += minor;
        }
    }
    let mut rows = Vec::with_capacity(days.len());
    let mut streaks: BTreeMap<i64, i32> = BTreeMap::new();
    let t = sql_time(now());
    let mut entries = days.into_iter().peekable();
    while let Some(((user, _), _)) = entries.peek().copied() {
        let mine: Vec<(NaiveDate, (i64, i64, i64))> = std::iter::from_fn(|| {
            entries
                .next_if(|((u, _), _)| *u == user)
                .map(|((_, d), v)| (d, v))
        })
        .collect();
        let flags: Vec<(NaiveDate, bool)> = mine
            .iter()
            .map(|(d, _)| (*d, is_working_day(cal.mask, *d)))
            .collect();
        let numbers = counts(cal.mask, &flags);
        let last = flags
            .iter()
            .zip(&numbers)
            .rfind(|((_, counted), _)| *counted)
            .map(|((d, _), n)| (*d, *n));
        streaks.insert(user, current(cal.mask, cal.today(), last));
        for ((day, (made, paid, minor)), (n, (_, counted))) in
            mine.iter().zip(numbers.iter().zip(&flags))
        {
            rows.push(format!(
                "({organization_id}, {user}, '{}', {made}, {paid}, {minor}, {n}, {}, {t}, {t})",
                day.format("%Y-%m-%d"),
                if *counted { "TRUE" } else { "FALSE" },
            ));
        }
    }
    conn.batch_execute(&format!(
        "DELETE FROM streak_records WHERE organization_id = {organization_id}"
    ))?;
    for chunk in rows.chunks(1_000) {
        conn.batch_execute(&format!(
            "INSERT INTO streak_records (organization_id, user_id, day, deals_created, \
             payments_verified, verified_minor, streak_count, is_counted, created_at, \
             updated_at) VALUES {}",
            chunk.join(",")
        ))?;
    }
    for (user, streak) in streaks {
        diesel::update(
            users::table
                .find(user)
                .filter(users::organization_id.eq(organization_id)),
        )
        .set(users::current_streak.eq(streak))
        .execute(conn)?;
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_is_the_organizations_at_midnight() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(23, 30, 0))
            .expect("time");
        let day = |tz: &str| Calendar::of(tz, 31).day_of(t).to_string();
        assert_eq!(day("Asia/Tokyo"), "2026-12-01");
        assert_eq!(day("UTC"), "2026-11-30");
        assert_eq!(day("America/New_York"), "2026-11-30");
        // An unknown zone is read as UTC rather than failing the event.
        assert_eq!(day("Nowhere/Else"), "2026-11-30");
    }
}
