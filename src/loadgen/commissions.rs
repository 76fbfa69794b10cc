//! Commissions at scale: one per deal with verified payments and no commission yet, made by the
//! same rules as `commissions::sync` (rate, rounding, conversion) and inserted in bulk; the older
//! ones approved or paid, so statements show every status.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{err, insert_all};
use crate::commissions::rules::{figures, rate_bp};
use crate::db::{AnyConnection, PublicId, now, sql_time};
use crate::schema::{commissions, deals, organizations, roles, users};
use crate::web::OrgScope;

type Source = (
    i64,
    i64,
    i64,
    String,
    i64,
    NaiveDate,
    Option<i32>,
    Option<i32>,
);

pub fn commissions(conn: &mut AnyConnection, scope: OrgScope) -> Result<usize, String> {
    let (org_currency, org_rate): (String, i32) = organizations::table
        .find(scope.id())
        .select((
            organizations::currency,
            organizations::default_commission_bp,
        ))
        .first(conn)
        .map_err(err)?;
    let existing: Vec<i64> = commissions::table
        .filter(commissions::organization_id.eq(scope.id()))
        .select(commissions::deal_id)
        .load(conn)
        .map_err(err)?;
    let existing: std::collections::HashSet<i64> = existing.into_iter().collect();
    let paid: Vec<Source> = deals::table
        .inner_join(users::table.on(users::id.eq(deals::created_by_id)))
        .left_join(roles::table.on(roles::id.nullable().eq(users::role_id)))
        .filter(deals::organization_id.eq(scope.id()))
        .filter(deals::paid_minor.gt(0))
        .select((
            deals::id,
            deals::created_by_id,
            deals::paid_minor,
            deals::currency,
            deals::exchange_rate_e4,
            deals::deal_date,
            users::commission_rate_bp,
            roles::commission_rate_bp.nullable(),
        ))
        .load(conn)
        .map_err(err)?;
    let t = now();
    let rows: Vec<String> = paid
        .into_iter()
        .filter(|s| !existing.contains(&s.0))
        .map(
            |(deal, owner, base, currency, rate_e4, date, user_rate, role_rate)| {
                let rate = rate_bp(user_rate, role_rate, org_rate);
                let f = figures(base, rate, &currency, rate_e4, &org_currency, 0, 0);
                let created = date.and_hms_opt(12, 0, 0).map_or(t, |c| c.min(t));
                let (status, paid_at) = crate::demo::commission_settled(date, t);
                let paid_at = paid_at.map_or_else(|| "NULL".to_string(), sql_time);
                format!(
                    "('{}', {}, {deal}, {owner}, {base}, {rate}, {}, '{currency}', {rate_e4}, {}, \
                     {}, '{status}', {paid_at}, {}, {})",
                    PublicId::new(),
                    scope.id(),
                    f.commission_minor,
                    f.converted_minor,
                    f.final_minor,
                    sql_time(created),
                    sql_time(created),
                )
            },
        )
        .collect();
    insert_all(
        conn,
        "INSERT INTO commissions (public_id, organization_id, deal_id, user_id, base_minor, \
         rate_bp, commission_minor, currency, exchange_rate_e4, converted_minor, final_minor, \
         status, paid_at, created_at, updated_at)",
        &rows,
    )?;
    Ok(rows.len())
}
