//! What a viewer sees of the invoices: the list and one invoice, within their record scope (an
//! invoice is seen by whoever sees its deal).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use super::queries::InvoiceSummary;
use crate::db::{AnyConnection, PublicId};
use crate::domain::{InvoiceStatus, PaymentMethod};
use crate::schema::{clients, deals, invoices, organizations, payments};
use crate::scope::RecordScope;

/// The invoices the scope holds, joined to their payment, deal, client and organization, as a
/// boxed query to add to.
macro_rules! visible {
    ($scope:expr) => {{
        $crate::owned!(
            invoices::table
                .inner_join(payments::table)
                .inner_join(deals::table.on(deals::id.eq(payments::deal_id)))
                .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
                .inner_join(
                    organizations::table.on(organizations::id.eq(invoices::organization_id)),
                )
                .into_boxed(),
            $scope,
            invoices::organization_id,
            deals::created_by_id
        )
    }};
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<InvoiceStatus>,
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
    /// `None` for a draft: the number is taken when the invoice is issued.
    pub invoice_number: Option<String>,
    pub status: InvoiceStatus,
    pub total_minor: i64,
    pub currency: String,
    pub issued_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub transaction_number: String,
    pub client_name: String,
}

impl InvoiceRow {
    pub fn number(&self) -> &str {
        super::rules::number_label(self.invoice_number.as_deref())
    }
}

/// The invoices the viewer sees, newest first, `limit` after the cursor (keyset on the id).
pub fn list(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<InvoiceRow>> {
    let mut q = visible!(scope).select((
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
        q = q.filter(invoices::status.eq(*s));
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
            .filter(invoices::organization_id.eq(scope.org().id()))
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

/// Everything an invoice document says: the invoice, its payment and deal, the client billed
/// and the organization that bills.
#[derive(Debug, Clone, Queryable)]
pub struct InvoiceDetail {
    pub invoice: InvoiceSummary,
    pub created_at: NaiveDateTime,
    pub payment_public_id: PublicId,
    pub transaction_number: String,
    pub payment_date: chrono::NaiveDate,
    pub method: PaymentMethod,
    pub deal_number: String,
    pub client: Party,
    pub organization: Party,
}

/// A name with its address and ways to reach it, as an invoice prints it.
#[derive(Debug, Clone, Queryable)]
pub struct Party {
    pub name: String,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

impl Party {
    /// The lines it prints: the name first, then whatever is known.
    pub fn lines(&self) -> Vec<String> {
        [
            Some(&self.name),
            self.address.as_ref(),
            self.email.as_ref(),
            self.phone.as_ref(),
            self.website.as_ref(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

/// One invoice the viewer sees; any other is not found.
pub fn find(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    id: PublicId,
) -> QueryResult<InvoiceDetail> {
    visible!(scope)
        .filter(invoices::public_id.eq(id))
        .select((
            InvoiceSummary::as_select(),
            invoices::created_at,
            payments::public_id,
            payments::transaction_number,
            payments::payment_date,
            payments::method,
            deals::deal_number,
            (
                clients::name,
                clients::address,
                clients::email,
                clients::phone,
                // A client has no website on file.
                None::<String>.into_sql::<Nullable<Text>>(),
            ),
            (
                organizations::name,
                organizations::address,
                organizations::email,
                organizations::phone,
                organizations::website,
            ),
        ))
        .first(conn)
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
