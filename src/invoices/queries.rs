//! The invoice rows: kept in step with their payments by `sync`, created in bulk for loaded data
//! by `backfill`.

use chrono::{Datelike, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::rules::{figures, status_for};
use crate::db::{AnyConnection, PublicId, now};
use crate::numbers::{invoice_format, next_invoice_block};
use crate::schema::{clients, deals, invoices, organizations, payments};
use crate::web::OrgScope;

/// What an invoice is made from: its payment as it now stands and the organization's tax rate.
#[derive(Queryable)]
struct Source {
    organization_id: i64,
    status: String,
    amount_minor: i64,
    received_amount_minor: Option<i64>,
    currency: String,
    verified_at: Option<NaiveDateTime>,
    tax_rate_bp: i32,
}

fn source(conn: &mut AnyConnection, payment_id: i64) -> QueryResult<Source> {
    payments::table
        .inner_join(organizations::table)
        .filter(payments::id.eq(payment_id))
        .select((
            payments::organization_id,
            payments::status,
            payments::amount_minor,
            payments::received_amount_minor,
            payments::currency,
            payments::verified_at,
            organizations::tax_rate_bp,
        ))
        .first(conn)
}

/// Brings the payment's invoice in step with it, creating it (and taking its number) when the
/// payment has none yet. Call it in the transaction of every change of a payment.
pub fn sync(conn: &mut AnyConnection, payment_id: i64) -> QueryResult<()> {
    let p = source(conn, payment_id)?;
    let status = status_for(&p.status);
    let amount = p.received_amount_minor.unwrap_or(p.amount_minor);
    let (tax, total) = figures(amount, p.tax_rate_bp);
    let issued_at = (status == "issued").then(|| p.verified_at.unwrap_or_else(now));
    let t = now();
    let existing: Option<(i64, String)> = invoices::table
        .filter(invoices::payment_id.eq(payment_id))
        .select((invoices::id, invoices::status))
        .first(conn)
        .optional()?;
    match existing {
        None => {
            let org = OrgScope::trusted(p.organization_id);
            let year = t.year();
            let n = next_invoice_block(conn, org, year, 1)?;
            diesel::insert_into(invoices::table)
                .values((
                    invoices::public_id.eq(PublicId::new()),
                    invoices::organization_id.eq(p.organization_id),
                    invoices::payment_id.eq(payment_id),
                    invoices::invoice_number.eq(invoice_format(year, n)),
                    invoices::amount_minor.eq(amount),
                    invoices::tax_rate_bp.eq(p.tax_rate_bp),
                    invoices::tax_minor.eq(tax),
                    invoices::total_minor.eq(total),
                    invoices::currency.eq(&p.currency),
                    invoices::status.eq(status),
                    invoices::issued_at.eq(issued_at),
                    invoices::created_at.eq(t),
                    invoices::updated_at.eq(t),
                ))
                .execute(conn)?;
        }
        // A waiting invoice shows what it will say; issuing fixes its figures.
        Some((id, current)) if current == "pending" => {
            diesel::update(invoices::table.find(id))
                .set((
                    invoices::amount_minor.eq(amount),
                    invoices::tax_rate_bp.eq(p.tax_rate_bp),
                    invoices::tax_minor.eq(tax),
                    invoices::total_minor.eq(total),
                    invoices::currency.eq(&p.currency),
                    invoices::status.eq(status),
                    invoices::issued_at.eq(issued_at),
                    invoices::updated_at.eq(t),
                ))
                .execute(conn)?;
        }
        Some((id, current)) if current != status => {
            diesel::update(invoices::table.find(id))
                .set((invoices::status.eq(status), invoices::updated_at.eq(t)))
                .execute(conn)?;
        }
        Some(_) => {}
    }
    Ok(())
}

/// A payment without its invoice yet.
#[derive(Queryable)]
struct Uninvoiced {
    id: i64,
    status: String,
    amount_minor: i64,
    received_amount_minor: Option<i64>,
    currency: String,
    verified_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

/// Gives every payment of the organization that has no invoice its invoice, as `sync` would,
/// numbered in payment order within the year the payment was recorded. For loaded data (the demo,
/// `generate-load`): numbers are taken in blocks and rows written a thousand to a statement.
pub fn backfill(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<usize> {
    let rate: i32 = organizations::table
        .find(org.id())
        .select(organizations::tax_rate_bp)
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
    let mut years: std::collections::BTreeMap<i32, i64> = std::collections::BTreeMap::new();
    for p in &missing {
        *years.entry(p.created_at.year()).or_default() += 1;
    }
    let mut next = std::collections::BTreeMap::new();
    for (year, count) in years {
        next.insert(year, next_invoice_block(conn, org, year, count)?);
    }
    let t = now();
    let rows: Vec<String> = missing
        .iter()
        .map(|p| {
            let year = p.created_at.year();
            let n = next.get_mut(&year).map_or(0, |n| {
                *n += 1;
                *n - 1
            });
            let status = status_for(&p.status);
            let amount = p.received_amount_minor.unwrap_or(p.amount_minor);
            let (tax, total) = figures(amount, rate);
            let issued = match (status, p.verified_at) {
                ("pending" | "rejected", _) => "NULL".to_string(),
                (_, Some(at)) => sql_time(at),
                (_, None) => sql_time(p.created_at),
            };
            format!(
                "('{}', {}, {}, '{}', {amount}, {rate}, {tax}, {total}, '{}', '{status}', {issued}, {}, {})",
                PublicId::new(),
                org.id(),
                p.id,
                invoice_format(year, n),
                p.currency.replace('\'', ""),
                sql_time(p.created_at),
                sql_time(t),
            )
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        let sql = format!(
            "INSERT INTO invoices (public_id, organization_id, payment_id, invoice_number, \
             amount_minor, tax_rate_bp, tax_minor, total_minor, currency, status, issued_at, \
             created_at, updated_at) VALUES {}",
            chunk.join(",")
        );
        conn.batch_execute(&sql)?;
    }
    Ok(rows.len())
}

fn sql_time(t: NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// An invoice as a payment's page shows it.
#[derive(Debug, Clone, Queryable)]
pub struct InvoiceSummary {
    pub public_id: PublicId,
    pub invoice_number: String,
    pub status: String,
    pub amount_minor: i64,
    pub tax_rate_bp: i32,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub currency: String,
    pub issued_at: Option<NaiveDateTime>,
}

impl InvoiceSummary {
    /// "INV-2026-0007 (issued): 100.00 USD + 18 % tax 18.00 USD = 118.00 USD".
    pub fn line(&self) -> String {
        let money = |m: i64| crate::sales::deals::money(m, &self.currency);
        format!(
            "{} ({}): {} + {} % tax {} = {}",
            self.invoice_number,
            self.status,
            money(self.amount_minor),
            crate::web::money::bp_to_percent(self.tax_rate_bp.into()),
            money(self.tax_minor),
            money(self.total_minor)
        )
    }
}

/// The payment's invoice.
pub fn summary(conn: &mut AnyConnection, payment_id: i64) -> QueryResult<Option<InvoiceSummary>> {
    invoices::table
        .filter(invoices::payment_id.eq(payment_id))
        .select((
            invoices::public_id,
            invoices::invoice_number,
            invoices::status,
            invoices::amount_minor,
            invoices::tax_rate_bp,
            invoices::tax_minor,
            invoices::total_minor,
            invoices::currency,
            invoices::issued_at,
        ))
        .first(conn)
        .optional()
}

/// Who sees which invoices: everyone's (verifiers, invoice managers) or those on the deals of
/// these owners (the record scope of a salesperson or a team lead).
#[derive(Debug, Clone)]
pub struct Seen {
    pub org: OrgScope,
    pub owners: Option<Vec<i64>>,
}

/// The invoices `seen` holds, joined to their payment, deal, client and organization, as a
/// boxed query to add to.
macro_rules! visible {
    ($seen:expr) => {{
        let mut q = invoices::table
            .inner_join(payments::table)
            .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
            .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
            .inner_join(organizations::table.on(organizations::id.eq(invoices::organization_id)))
            .filter(invoices::organization_id.eq($seen.org.id()))
            .into_boxed();
        if let Some(owners) = &$seen.owners {
            q = q.filter(deals::created_by_id.eq_any(owners.clone()));
        }
        q
    }};
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    /// A part of the invoice number.
    pub number: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub after: Option<PublicId>,
}

/// An invoice as the list shows it.
#[derive(Debug, Clone, Queryable)]
pub struct InvoiceRow {
    pub public_id: PublicId,
    pub invoice_number: String,
    pub status: String,
    pub total_minor: i64,
    pub currency: String,
    pub issued_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub transaction_number: String,
    pub client_name: String,
}

/// The invoices the viewer sees, newest first, `limit` after the cursor (keyset on the id).
pub fn list(
    conn: &mut AnyConnection,
    seen: &Seen,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<InvoiceRow>> {
    let mut q = visible!(seen).select((
        invoices::public_id,
        invoices::invoice_number,
        invoices::status,
        invoices::total_minor,
        invoices::currency,
        invoices::issued_at,
        invoices::created_at,
        payments::transaction_number,
        clients::name,
    ));
    if let Some(s) = &f.status {
        q = q.filter(invoices::status.eq(s.clone()));
    }
    match f.number.as_deref() {
        // A whole number is one index lookup; a part of one is searched for.
        Some(n) if is_whole_number(n) => {
            q = q.filter(invoices::invoice_number.eq(n.to_uppercase()));
        }
        Some(n) => {
            let pattern = format!("%{}%", n.replace(['%', '_', '\\'], ""));
            q = q.filter(invoices::invoice_number.like(pattern));
        }
        None => {}
    }
    if let Some(d) = f.from {
        q = q.filter(invoices::created_at.ge(d.and_time(chrono::NaiveTime::MIN)));
    }
    if let Some(next) = f.to.and_then(|d| d.succ_opt()) {
        q = q.filter(invoices::created_at.lt(next.and_time(chrono::NaiveTime::MIN)));
    }
    if let Some(after) = f.after {
        let cursor: Option<i64> = invoices::table
            .filter(invoices::organization_id.eq(seen.org.id()))
            .filter(invoices::public_id.eq(after))
            .select(invoices::id)
            .first(conn)
            .optional()?;
        if let Some(id) = cursor {
            q = q.filter(invoices::id.lt(id));
        }
    }
    q.order(invoices::id.desc()).limit(limit).load(conn)
}

/// "INV-2026-0042": an invoice number as `numbers::invoice_format` writes them.
fn is_whole_number(n: &str) -> bool {
    let parts: Vec<&str> = n.split('-').collect();
    matches!(parts.as_slice(), [prefix, year, seq]
        if prefix.eq_ignore_ascii_case("INV")
            && year.len() == 4
            && seq.len() >= 4
            && year.chars().chain(seq.chars()).all(|c| c.is_ascii_digit()))
}

/// Everything an invoice document says.
#[derive(Debug, Clone)]
pub struct InvoiceDetail {
    pub public_id: PublicId,
    pub invoice_number: String,
    pub status: String,
    pub amount_minor: i64,
    pub tax_rate_bp: i32,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub currency: String,
    pub issued_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub payment_public_id: PublicId,
    pub transaction_number: String,
    pub payment_date: chrono::NaiveDate,
    pub method: String,
    pub deal_number: String,
    pub client_name: String,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    pub client_address: Option<String>,
    pub org_name: String,
    pub org_email: Option<String>,
    pub org_phone: Option<String>,
    pub org_address: Option<String>,
    pub org_website: Option<String>,
}

/// One invoice the viewer sees; any other is not found.
pub fn find(conn: &mut AnyConnection, seen: &Seen, id: PublicId) -> QueryResult<InvoiceDetail> {
    let q = visible!(seen).filter(invoices::public_id.eq(id)).select((
        (
            invoices::public_id,
            invoices::invoice_number,
            invoices::status,
            invoices::amount_minor,
            invoices::tax_rate_bp,
            invoices::tax_minor,
            invoices::total_minor,
            invoices::currency,
            invoices::issued_at,
            invoices::created_at,
        ),
        (
            payments::public_id,
            payments::transaction_number,
            payments::payment_date,
            payments::method,
            deals::deal_number,
        ),
        (
            clients::name,
            clients::email,
            clients::phone,
            clients::address,
        ),
        (
            organizations::name,
            organizations::email,
            organizations::phone,
            organizations::address,
            organizations::website,
        ),
    ));
    type Parts = (
        (
            PublicId,
            String,
            String,
            i64,
            i32,
            i64,
            i64,
            String,
            Option<NaiveDateTime>,
            NaiveDateTime,
        ),
        (PublicId, String, chrono::NaiveDate, String, String),
        (String, Option<String>, Option<String>, Option<String>),
        (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        ),
    );
    let (i, p, c, o): Parts = q.first(conn)?;
    Ok(InvoiceDetail {
        public_id: i.0,
        invoice_number: i.1,
        status: i.2,
        amount_minor: i.3,
        tax_rate_bp: i.4,
        tax_minor: i.5,
        total_minor: i.6,
        currency: i.7,
        issued_at: i.8,
        created_at: i.9,
        payment_public_id: p.0,
        transaction_number: p.1,
        payment_date: p.2,
        method: p.3,
        deal_number: p.4,
        client_name: c.0,
        client_email: c.1,
        client_phone: c.2,
        client_address: c.3,
        org_name: o.0,
        org_email: o.1,
        org_phone: o.2,
        org_address: o.3,
        org_website: o.4,
    })
}

#[cfg(test)]
mod tests {
    use super::is_whole_number;

    #[test]
    fn whole_numbers_are_told_from_parts() {
        assert!(is_whole_number("INV-2026-0042"));
        assert!(is_whole_number("inv-2026-12345"));
        assert!(!is_whole_number("INV-2026-04"));
        assert!(!is_whole_number("2026-0042"));
        assert!(!is_whole_number("INV-2026-00x2"));
    }
}
