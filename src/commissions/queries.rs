//! The commission rows, kept in step with their deals by `sync`.

use diesel::prelude::*;

use super::rules::{figures, rate_bp};
use crate::db::{AnyConnection, PublicId, now};
use crate::domain::CommissionStatus;
use crate::schema::{commissions, deals, organizations, roles, users};

/// What a deal's commission is made from.
#[derive(Queryable)]
struct Source {
    organization_id: i64,
    owner_id: i64,
    paid_minor: i64,
    currency: String,
    exchange_rate_e4: i64,
    org_currency: String,
    org_rate_bp: i32,
    user_rate_bp: Option<i32>,
    role_rate_bp: Option<i32>,
}

/// Brings the commission of the deal's owner in step with what the deal has verified: created
/// when it first has a verified payment, its figures updated while it is pending, removed when
/// nothing verified is left and it was never approved. An approved commission whose verified
/// base changes (a refund, a bad debt) goes back to pending with the new figures, to be approved
/// again on what was really received; a paid one keeps its figures (a manager settles an
/// overpayment with a penalty). The target bonus of the month
/// (`bonus::apply`) follows each change. Call it in the transaction of every
/// verification decision and reversal.
pub fn sync(conn: &mut AnyConnection, org: i64, deal_id: i64) -> QueryResult<()> {
    let s: Source = deals::table
        .inner_join(organizations::table.on(organizations::id.eq(deals::organization_id)))
        .inner_join(users::table.on(users::id.eq(deals::created_by_id)))
        .left_join(roles::table.on(roles::id.nullable().eq(users::role_id)))
        .filter(deals::organization_id.eq(org))
        .filter(deals::id.eq(deal_id))
        .select((
            deals::organization_id,
            deals::created_by_id,
            deals::paid_minor,
            deals::currency,
            deals::exchange_rate_e4,
            organizations::currency,
            organizations::default_commission_bp,
            users::commission_rate_bp,
            roles::commission_rate_bp.nullable(),
        ))
        .first(conn)?;
    let existing: Option<(i64, CommissionStatus, i64, i64, chrono::NaiveDateTime, i64)> =
        commissions::table
            .filter(commissions::organization_id.eq(org))
            .filter(commissions::deal_id.eq(deal_id))
            .filter(commissions::user_id.eq(s.owner_id))
            .select((
                commissions::id,
                commissions::status,
                commissions::bonus_minor,
                commissions::penalty_minor,
                commissions::created_at,
                commissions::base_minor,
            ))
            .first(conn)
            .optional()?;
    let rate = rate_bp(s.user_rate_bp, s.role_rate_bp, s.org_rate_bp);
    let t = now();
    match existing {
        None if s.paid_minor > 0 => {
            let f = figures(
                s.paid_minor,
                rate,
                &s.currency,
                s.exchange_rate_e4,
                &s.org_currency,
                0,
                0,
            );
            diesel::insert_into(commissions::table)
                .values((
                    commissions::public_id.eq(PublicId::new()),
                    commissions::organization_id.eq(s.organization_id),
                    commissions::deal_id.eq(deal_id),
                    commissions::user_id.eq(s.owner_id),
                    commissions::base_minor.eq(s.paid_minor),
                    commissions::rate_bp.eq(rate),
                    commissions::commission_minor.eq(f.commission_minor),
                    commissions::currency.eq(&s.currency),
                    commissions::exchange_rate_e4.eq(s.exchange_rate_e4),
                    commissions::converted_minor.eq(f.converted_minor),
                    commissions::final_minor.eq(f.final_minor),
                    commissions::status.eq(CommissionStatus::Pending),
                    commissions::created_at.eq(t),
                    commissions::updated_at.eq(t),
                ))
                .execute(conn)?;
            super::bonus::apply(conn, s.organization_id, s.owner_id, t)?;
        }
        None => {}
        Some((id, status, bonus, penalty, created, base))
            if status == CommissionStatus::Pending
                || (status == CommissionStatus::Approved && base != s.paid_minor) =>
        {
            if status == CommissionStatus::Pending
                && s.paid_minor == 0
                && bonus == 0
                && penalty == 0
            {
                diesel::delete(
                    commissions::table
                        .find(id)
                        .filter(commissions::organization_id.eq(org)),
                )
                .execute(conn)?;
                return Ok(());
            }
            let f = figures(
                s.paid_minor,
                rate,
                &s.currency,
                s.exchange_rate_e4,
                &s.org_currency,
                bonus,
                penalty,
            );
            diesel::update(
                commissions::table
                    .find(id)
                    .filter(commissions::organization_id.eq(org)),
            )
            .set((
                commissions::base_minor.eq(s.paid_minor),
                commissions::rate_bp.eq(rate),
                commissions::commission_minor.eq(f.commission_minor),
                commissions::currency.eq(&s.currency),
                commissions::exchange_rate_e4.eq(s.exchange_rate_e4),
                commissions::converted_minor.eq(f.converted_minor),
                commissions::final_minor.eq(f.final_minor),
                commissions::status.eq(CommissionStatus::Pending),
                commissions::updated_at.eq(t),
            ))
            .execute(conn)?;
            super::bonus::apply(conn, s.organization_id, s.owner_id, created)?;
        }
        Some(_) => {}
    }
    Ok(())
}
