//! The target bonus, an organization setting (`target_bonus_bp`, 0 for none): once a person's
//! verified sales of a month (their deals' payments dated that month, from the `sales_days`
//! rollup) reach their monthly `sales_target`, each of their pending commissions created that
//! month carries a bonus of that share of its converted commission, rounded half up. The rule
//! only raises a bonus: a higher one a manager set stays, and a refund that takes the month back
//! below the target leaves the bonus for a manager to settle, as approved figures are.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::rules::{commission_minor, final_minor};
use crate::db::AnyConnection;
use crate::domain::CommissionStatus;
use crate::schema::{commissions, organizations, sales_days, users};
use crate::streaks::Calendar;
use crate::web::dates::local_days;

/// Applies the rule to the month (in the organization's time zone) of `at` for the user.
pub fn apply(
    conn: &mut AnyConnection,
    organization_id: i64,
    user_id: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let (tz, mask, bonus_bp): (String, i32, i32) = organizations::table
        .find(organization_id)
        .select((
            organizations::timezone,
            organizations::working_days_mask,
            organizations::target_bonus_bp,
        ))
        .first(conn)?;
    let target: Option<i64> = users::table
        .find(user_id)
        .filter(users::organization_id.eq(organization_id))
        .select(users::sales_target_minor)
        .first(conn)?;
    let (Some(target), true) = (target.filter(|t| *t > 0), bonus_bp > 0) else {
        return Ok(());
    };
    let cal = Calendar::of(&tz, mask);
    let (first, last) = month_of(cal.day_of(at));
    let verified: i64 = sales_days::table
        .filter(sales_days::organization_id.eq(organization_id))
        .filter(sales_days::user_id.eq(user_id))
        .filter(sales_days::day.ge(first))
        .filter(sales_days::day.le(last))
        .select(sql::<BigInt>(
            "CAST(COALESCE(SUM(sales_days.verified_minor), 0) AS BIGINT)",
        ))
        .first(conn)?;
    let Some((from, to)) = local_days(first, last, cal.tz) else {
        return Ok(());
    };
    if verified < target {
        return Ok(());
    }
    let pending: Vec<(i64, i64, i64, i64)> = commissions::table
        .filter(commissions::organization_id.eq(organization_id))
        .filter(commissions::user_id.eq(user_id))
        .filter(commissions::status.eq(CommissionStatus::Pending))
        .filter(commissions::created_at.ge(from))
        .filter(commissions::created_at.lt(to))
        .select((
            commissions::id,
            commissions::converted_minor,
            commissions::bonus_minor,
            commissions::penalty_minor,
        ))
        .load(conn)?;
    for (id, converted, bonus, penalty) in pending {
        let earned = commission_minor(converted, bonus_bp);
        if earned > bonus {
            diesel::update(
                commissions::table
                    .find(id)
                    .filter(commissions::organization_id.eq(organization_id)),
            )
            .set((
                commissions::bonus_minor.eq(earned),
                commissions::final_minor.eq(final_minor(converted, earned, penalty)),
            ))
            .execute(conn)?;
        }
    }
    Ok(())
}

/// The first and last day of the month of `day`.
fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).unwrap_or(day);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    (first, next.map_or(day, |n| n - Duration::days(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_end_where_they_do() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            month_of(d("2026-02-14")),
            (d("2026-02-01"), d("2026-02-28"))
        );
        assert_eq!(
            month_of(d("2028-02-29")),
            (d("2028-02-01"), d("2028-02-29"))
        );
        assert_eq!(
            month_of(d("2026-12-31")),
            (d("2026-12-01"), d("2026-12-31"))
        );
    }
}
