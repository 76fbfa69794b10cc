//! The invoice rows: kept in step with their payments by `sync`, created in bulk for loaded data
//! by `backfill`.

use chrono::{Datelike, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::rules::{Figures, figures, is_numbered, status_for};
use crate::db::{AnyConnection, PublicId, now, sql_time};
use crate::domain::money::money;
use crate::domain::{InvoiceStatus, PaymentStatus};
use crate::numbers::{invoice_format, next_invoice_block};
use crate::schema::{invoices, organizations, payments};
use crate::web::OrgScope;

/// What an invoice is made from: its payment as it now stands and the organization's tax rate.
#[derive(Queryable)]
struct Source {
    organization_id: i64,
    status: PaymentStatus,
    amount_minor: i64,
    received_amount_minor: Option<i64>,
    currency: String,
    verified_at: Option<NaiveDateTime>,
    tax_rate_bp: i32,
    prices_include_tax: bool,
}

fn source(conn: &mut AnyConnection, org: i64, payment_id: i64) -> QueryResult<Source> {
    payments::table
        .inner_join(organizations::table)
        .filter(payments::organization_id.eq(org))
        .filter(payments::id.eq(payment_id))
        .select((
            payments::organization_id,
            payments::status,
            payments::amount_minor,
            payments::received_amount_minor,
            payments::currency,
            payments::verified_at,
            organizations::tax_rate_bp,
            organizations::prices_include_tax,
        ))
        .first(conn)
}

/// Brings the payment's invoice in step with it, creating it (and taking its number) when the
/// payment has none yet. Call it in the transaction of every change of a payment.
pub fn sync(conn: &mut AnyConnection, org: i64, payment_id: i64) -> QueryResult<()> {
    let p = source(conn, org, payment_id)?;
    let status = status_for(p.status);
    let amount = p.received_amount_minor.unwrap_or(p.amount_minor);
    let f = figures(amount, p.tax_rate_bp, p.prices_include_tax);
    let issued_at = (status == InvoiceStatus::Issued).then(|| p.verified_at.unwrap_or_else(now));
    let t = now();
    let existing: Option<(i64, InvoiceStatus, Option<String>)> = invoices::table
        .filter(invoices::organization_id.eq(org))
        .filter(invoices::payment_id.eq(payment_id))
        .select((invoices::id, invoices::status, invoices::invoice_number))
        .first(conn)
        .optional()?;
    let org = OrgScope::trusted(org);
    let number = match &existing {
        Some((_, _, Some(n))) => Some(n.clone()),
        _ if is_numbered(status) => Some(take_number(conn, org, t)?),
        _ => None,
    };
    match existing {
        None => {
            diesel::insert_into(invoices::table)
                .values((
                    invoices::public_id.eq(PublicId::new()),
                    invoices::organization_id.eq(p.organization_id),
                    invoices::payment_id.eq(payment_id),
                    invoices::invoice_number.eq(number),
                    invoices::amount_minor.eq(amount),
                    invoices::tax_rate_bp.eq(p.tax_rate_bp),
                    invoices::tax_included.eq(p.prices_include_tax),
                    invoices::tax_minor.eq(f.tax),
                    invoices::total_minor.eq(f.total),
                    invoices::currency.eq(&p.currency),
                    invoices::status.eq(status),
                    invoices::issued_at.eq(issued_at),
                    invoices::created_at.eq(t),
                    invoices::updated_at.eq(t),
                ))
                .execute(conn)?;
        }
        // A waiting invoice shows what it will say; issuing fixes its figures and its number.
        Some((id, InvoiceStatus::Pending, _)) => {
            diesel::update(
                invoices::table
                    .find(id)
                    .filter(invoices::organization_id.eq(p.organization_id)),
            )
            .set((
                invoices::invoice_number.eq(number),
                invoices::amount_minor.eq(amount),
                invoices::tax_rate_bp.eq(p.tax_rate_bp),
                invoices::tax_included.eq(p.prices_include_tax),
                invoices::tax_minor.eq(f.tax),
                invoices::total_minor.eq(f.total),
                invoices::currency.eq(&p.currency),
                invoices::status.eq(status),
                invoices::issued_at.eq(issued_at),
                invoices::updated_at.eq(t),
            ))
            .execute(conn)?;
        }
        Some((id, current, _)) if current != status => {
            diesel::update(
                invoices::table
                    .find(id)
                    .filter(invoices::organization_id.eq(p.organization_id)),
            )
            .set((
                invoices::status.eq(status),
                invoices::invoice_number.eq(number),
                invoices::updated_at.eq(t),
            ))
            .execute(conn)?;
        }
        Some(_) => {}
    }
    Ok(())
}

/// The next number of the year `at` falls in.
fn take_number(conn: &mut AnyConnection, org: OrgScope, at: NaiveDateTime) -> QueryResult<String> {
    let year = at.year();
    Ok(invoice_format(
        year,
        next_invoice_block(conn, org, year, 1)?,
    ))
}

/// A payment without its invoice yet.
#[derive(Queryable)]
struct Uninvoiced {
    id: i64,
    status: PaymentStatus,
    amount_minor: i64,
    received_amount_minor: Option<i64>,
    currency: String,
    verified_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

/// Gives every payment of the organization that has no invoice its invoice, as `sync` would,
/// the issued ones numbered in the order of issue within its year. For loaded data (the demo,
/// `generate-load`): numbers are taken in blocks and rows written a thousand to a statement.
pub fn backfill(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<usize> {
    let (rate, included): (i32, bool) = organizations::table
        .find(org.id())
        .select((
            organizations::tax_rate_bp,
            organizations::prices_include_tax,
        ))
        .first(conn)?;
    let missing: Vec<Uninvoiced> = payments::table
        .left_join(invoices::table)
        .filter(payments::organization_id.eq(org.id()))
        .filter(invoices::id.is_null())
        .order(payments::id)
        .select((
            payments::id,
            payments::status,
            payments::amount_minor,
            payments::received_amount_minor,
            payments::currency,
            payments::verified_at,
            payments::created_at,
        ))
        .load(conn)?;
    // Issued invoices are numbered in the order they were issued, within the year of issue.
    let issued_at = |p: &Uninvoiced| p.verified_at.unwrap_or(p.created_at);
    let mut numbered: Vec<&Uninvoiced> = missing
        .iter()
        .filter(|p| is_numbered(status_for(p.status)))
        .collect();
    numbered.sort_by_key(|p| (issued_at(p), p.id));
    let mut years: std::collections::BTreeMap<i32, i64> = std::collections::BTreeMap::new();
    for p in &numbered {
        *years.entry(issued_at(p).year()).or_default() += 1;
    }
    let mut next = std::collections::BTreeMap::new();
    for (year, count) in years {
        next.insert(year, next_invoice_block(conn, org, year, count)?);
    }
    let mut numbers = std::collections::HashMap::new();
    for p in numbered {
        let year = issued_at(p).year();
        let n = next.get_mut(&year).map_or(0, |n| {
            *n += 1;
            *n - 1
        });
        numbers.insert(p.id, invoice_format(year, n));
    }
    let t = now();
    let rows: Vec<String> = missing
        .iter()
        .map(|p| {
            let status = status_for(p.status);
            let amount = p.received_amount_minor.unwrap_or(p.amount_minor);
            let Figures { tax, total, .. } = figures(amount, rate, included);
            let issued = match status {
                InvoiceStatus::Pending | InvoiceStatus::Rejected => "NULL".to_string(),
                _ => sql_time(issued_at(p)),
            };
            let status = status.code();
            let number = numbers
                .get(&p.id)
                .map_or_else(|| "NULL".to_string(), |n| format!("'{n}'"));
            format!(
                "('{}', {}, {}, {number}, {amount}, {rate}, {included}, {tax}, {total}, '{}', '{status}', {issued}, {}, {})",
                PublicId::new(),
                org.id(),
                p.id,
                p.currency.replace('\'', ""),
                sql_time(p.created_at),
                sql_time(t),
            )
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        let sql = format!(
            "INSERT INTO invoices (public_id, organization_id, payment_id, invoice_number, \
             amount_minor, tax_rate_bp, tax_included, tax_minor, total_minor, currency, status, issued_at, \
             created_at, updated_at) VALUES {}",
            chunk.join(",")
        );
        conn.batch_execute(&sql)?;
    }
    Ok(rows.len())
}

/// An invoice as a payment's page shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invoices)]
pub struct InvoiceSummary {
    pub public_id: PublicId,
    pub invoice_number: Option<String>,
    pub status: InvoiceStatus,
    pub amount_minor: i64,
    pub tax_rate_bp: i32,
    pub tax_included: bool,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub currency: String,
    pub issued_at: Option<NaiveDateTime>,
}

impl InvoiceSummary {
    /// "INV-2026-0007 (issued): 100.00 USD + 18 % tax 18.00 USD = 118.00 USD", the amount before
    /// tax first whichever way the tax was reckoned.
    pub fn line(&self) -> String {
        let money = |m: i64| money(m, &self.currency);
        format!(
            "{} ({}): {} + {} % tax {} = {}",
            super::rules::number_label(self.invoice_number.as_deref()),
            self.status.code(),
            money(self.total_minor - self.tax_minor),
            crate::domain::money::bp_to_percent(self.tax_rate_bp.into()),
            money(self.tax_minor),
            money(self.total_minor)
        )
    }
}

/// The payment's invoice.
pub fn summary(
    conn: &mut AnyConnection,
    org: OrgScope,
    payment_id: i64,
) -> QueryResult<Option<InvoiceSummary>> {
    invoices::table
        .filter(invoices::organization_id.eq(org.id()))
        .filter(invoices::payment_id.eq(payment_id))
        .select(InvoiceSummary::as_select())
        .first(conn)
        .optional()
}
