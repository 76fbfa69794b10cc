//! Human-readable record numbers per organization (DLID0001, TXN000001, …): the one allocator
//! every numbered record uses. It takes the next value of `number_sequences` for the kind by
//! incrementing the row in place: the update locks the row (PostgreSQL) or the database
//! (SQLite, whose write transactions begin IMMEDIATE), so concurrent creators take turns and no
//! number is handed out twice. Call it inside the transaction that inserts the record, so a
//! rolled-back record gives its number back.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::AnyConnection;
use crate::schema::number_sequences;
use crate::web::OrgScope;
use crate::web::listing::Search;

/// A kind of numbered record: its sequence key, prefix and zero-padded width.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    key: &'static str,
    prefix: &'static str,
    width: usize,
}

pub const DEAL: Kind = Kind {
    key: "deal",
    prefix: "DLID",
    width: 4,
};

pub const PAYMENT: Kind = Kind {
    key: "payment",
    prefix: "TXN",
    width: 6,
};

pub const ORDER: Kind = Kind {
    key: "order",
    prefix: "ORD-",
    width: 6,
};

pub const CONTRACT: Kind = Kind {
    key: "contract",
    prefix: "CTR-",
    width: 6,
};

impl Kind {
    pub fn format(self, n: i64) -> String {
        format!("{}{:0width$}", self.prefix, n, width = self.width)
    }

    /// The numbers of this kind a list's search can mean: the term in capitals, and the number
    /// its digits make written the way this kind writes it ("42" or "dlid42": "DLID0042").
    pub fn meant_by(self, search: &Search) -> Vec<String> {
        let mut found = vec![search.upper().to_string()];
        if let Some(n) = search.number_after(self.prefix) {
            let formatted = self.format(n);
            if !found.contains(&formatted) {
                found.push(formatted);
            }
        }
        found
    }
}

/// Takes `count` numbers of `kind` at once (a bulk load); gives the first, unformatted.
pub fn next_block(
    conn: &mut AnyConnection,
    org: OrgScope,
    kind: Kind,
    count: i64,
) -> QueryResult<i64> {
    take(conn, org, kind.key, count)
}

/// Invoices are numbered per organization and year: INV-2026-0001, INV-2027-0001.
pub fn invoice_format(year: i32, n: i64) -> String {
    format!("INV-{year}-{n:04}")
}

/// Takes `count` invoice numbers of `year` at once; gives the first, unformatted.
pub fn next_invoice_block(
    conn: &mut AnyConnection,
    org: OrgScope,
    year: i32,
    count: i64,
) -> QueryResult<i64> {
    take(conn, org, &format!("invoice-{year}"), count)
}

fn take(conn: &mut AnyConnection, org: OrgScope, key: &str, count: i64) -> QueryResult<i64> {
    diesel::sql_query(
        "INSERT INTO number_sequences (organization_id, kind, last_value) VALUES ($1, $2, 0) \
         ON CONFLICT (organization_id, kind) DO NOTHING",
    )
    .bind::<BigInt, _>(org.id())
    .bind::<Text, _>(key)
    .execute(conn)?;
    let last: i64 = diesel::update(
        number_sequences::table
            .filter(number_sequences::organization_id.eq(org.id()))
            .filter(number_sequences::kind.eq(key)),
    )
    .set(number_sequences::last_value.eq(number_sequences::last_value + count))
    .returning(number_sequences::last_value)
    .get_result(conn)?;
    Ok(last - count + 1)
}

/// The next number of `kind` in the organization, formatted ("DLID0042").
pub fn next(conn: &mut AnyConnection, org: OrgScope, kind: Kind) -> QueryResult<String> {
    Ok(kind.format(next_block(conn, org, kind, 1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_means_the_number_its_digits_make_in_the_kind() {
        let meant = |q: &str, kind: Kind| {
            Search::parse(q)
                .map(|s| kind.meant_by(&s))
                .unwrap_or_default()
        };
        assert_eq!(meant(" 42 ", DEAL), ["42", "DLID0042"]);
        assert_eq!(meant("dlid42", DEAL), ["DLID42", "DLID0042"]);
        assert_eq!(meant("DLID0042", PAYMENT), ["DLID0042"]);
        assert_eq!(meant("txn000042", PAYMENT), ["TXN000042"]);
    }

    #[test]
    fn numbers_are_prefixed_and_padded() {
        assert_eq!(DEAL.format(1), "DLID0001");
        assert_eq!(DEAL.format(12_345), "DLID12345");
        assert_eq!(PAYMENT.format(1), "TXN000001");
        assert_eq!(ORDER.format(1), "ORD-000001");
        assert_eq!(CONTRACT.format(42), "CTR-000042");
        assert_eq!(invoice_format(2026, 1), "INV-2026-0001");
        assert_eq!(invoice_format(2026, 12_345), "INV-2026-12345");
    }
}
