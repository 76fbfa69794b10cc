//! The recomputation's reads and writes: a deal and its payments, its client, its owner's
//! rollups, by the rules of `super` (the module's documentation).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::rollups::{recompute_day, recompute_owner};
use super::{ClientDeal, client_figures, counted_minor, deal_figures};
use crate::db::{AnyConnection, Books, now};
use crate::domain::{DealStatus, PaymentStatus};
use crate::schema::{clients, deals, organizations, payments};

/// Recomputes the deal, its client and its owner's rollups from the payments as they now stand.
/// Call it inside the transaction that changed a payment or the deal (`db::money_tx`, whose books
/// lock orders every recomputation of the organization); `today` is the organization's date; `touched` the payment dates a change moved a payment away from (an
/// edited date, a deleted payment), whose day totals change too.
pub fn recompute(
    conn: &mut AnyConnection,
    books: &Books,
    deal_id: i64,
    today: NaiveDate,
    touched: &[NaiveDate],
) -> QueryResult<()> {
    let keys = recompute_deal(conn, books.org(), deal_id)?;
    recompute_client(conn, books.org(), keys.client_id, today)?;
    let mut days = keys.days;
    days.extend_from_slice(touched);
    days.sort_unstable();
    days.dedup();
    for day in days {
        recompute_day(conn, keys.organization_id, keys.owner_id, day)?;
    }
    recompute_owner(conn, keys.organization_id, keys.owner_id)
}

/// What a deal's recomputation touches beyond the deal.
pub struct DealKeys {
    pub organization_id: i64,
    pub client_id: i64,
    pub owner_id: i64,
    /// The dates of its payments.
    pub days: Vec<NaiveDate>,
}

/// The deal's part of `recompute` (and each payment's counted amount), for loaders that then
/// recompute each client, day and owner once. Every read and write names the organization `org`.
pub fn recompute_deal(conn: &mut AnyConnection, org: i64, deal_id: i64) -> QueryResult<DealKeys> {
    let deal: DealFacts = deals::table
        .inner_join(organizations::table)
        .filter(deals::organization_id.eq(org))
        .filter(deals::id.eq(deal_id))
        .select((
            deals::amount_minor,
            deals::status,
            deals::client_id,
            deals::currency,
            deals::exchange_rate_e4,
            organizations::currency,
            deals::created_by_id,
        ))
        .first(conn)?;
    let (amount, status, client_id, deal_currency, deal_rate, org_currency, owner_id) = deal;
    // The deal's currency to the organization's, with the same one rounding.
    let in_org = |minor: i64| counted_minor(minor, &deal_currency, deal_rate, &org_currency);
    let found: Vec<PaymentFigures> = payments::table
        .filter(payments::organization_id.eq(org))
        .filter(payments::deal_id.eq(deal_id))
        .select((
            payments::id,
            payments::status,
            payments::amount_minor,
            payments::received_amount_minor,
            payments::currency,
            payments::exchange_rate_e4,
            (payments::counted_minor, payments::counted_org_minor),
            payments::payment_date,
        ))
        .load(conn)?;
    let mut counted = Vec::with_capacity(found.len());
    let mut days = Vec::with_capacity(found.len());
    for (id, s, amount, received, currency, rate, stored, day) in found {
        let minor = counted_minor(received.unwrap_or(amount), &currency, rate, &deal_currency);
        let figures = (minor, in_org(minor));
        if figures != stored {
            diesel::update(
                payments::table
                    .find(id)
                    .filter(payments::organization_id.eq(org)),
            )
            .set((
                payments::counted_minor.eq(figures.0),
                payments::counted_org_minor.eq(figures.1),
            ))
            .execute(conn)?;
        }
        counted.push((s, minor));
        days.push(day);
    }
    let f = deal_figures(amount, status, &counted);
    let t = now();
    diesel::update(
        deals::table
            .find(deal_id)
            .filter(deals::organization_id.eq(org)),
    )
    .set((
        deals::paid_minor.eq(f.paid_minor),
        deals::amount_org_minor.eq(in_org(amount)),
        deals::paid_org_minor.eq(in_org(f.paid_minor)),
        deals::payment_status.eq(f.payment_status),
        deals::verification_status.eq(f.verification_status),
        deals::status.eq(f.status),
        deals::updated_at.eq(t),
    ))
    .execute(conn)?;
    Ok(DealKeys {
        organization_id: org,
        client_id,
        owner_id,
        days,
    })
}

/// A deal as the recomputation reads it: amount, status, client, currency, rate to the
/// organization's currency, the organization's currency, owner.
type DealFacts = (i64, DealStatus, i64, String, i64, String, i64);

/// A payment as the recomputation reads it: id, status, amount, amount received, currency,
/// rate, counted amounts as stored (deal's and organization's currency), payment date.
type PaymentFigures = (
    i64,
    PaymentStatus,
    i64,
    Option<i64>,
    String,
    i64,
    (i64, i64),
    NaiveDate,
);

/// The client's balance from its deals, copied onto each of them as `client_status`.
pub fn recompute_client(
    conn: &mut AnyConnection,
    org: i64,
    client_id: i64,
    today: NaiveDate,
) -> QueryResult<()> {
    // Every query names the organization: the indexes lead with it.
    let rows: Vec<(i64, i64, DealStatus, Option<NaiveDate>)> = deals::table
        .filter(deals::organization_id.eq(org))
        .filter(deals::client_id.eq(client_id))
        .select((
            deals::amount_org_minor,
            deals::paid_org_minor,
            deals::status,
            deals::due_date,
        ))
        .load(conn)?;
    let client_deals: Vec<ClientDeal> = rows
        .into_iter()
        .map(|(amount_minor, paid_minor, status, due_date)| ClientDeal {
            amount_minor,
            paid_minor,
            status,
            due_date,
        })
        .collect();
    let written_off: bool = diesel::select(diesel::dsl::exists(
        payments::table
            .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
            .filter(payments::organization_id.eq(org))
            .filter(payments::status.eq(PaymentStatus::BadDebt))
            .filter(deals::client_id.eq(client_id)),
    ))
    .get_result(conn)?;
    let f = client_figures(&client_deals, written_off, today);
    diesel::update(
        clients::table
            .find(client_id)
            .filter(clients::organization_id.eq(org)),
    )
    .set((
        clients::outstanding_minor.eq(f.outstanding_minor),
        clients::balance_status.eq(f.balance_status),
        clients::purchase_total_minor.eq(f.purchase_total_minor),
    ))
    .execute(conn)?;
    diesel::update(
        deals::table
            .filter(deals::organization_id.eq(org))
            .filter(deals::client_id.eq(client_id))
            .filter(deals::client_status.ne(f.balance_status)),
    )
    .set(deals::client_status.eq(f.balance_status))
    .execute(conn)?;
    Ok(())
}
