//! What a payments list's search box means (the salesperson's and the verifier's): a payment's
//! number or reference whole, or a deal the search finds (`DealSearch`), resolved once per page
//! into the payments' ids when few.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::numbers;
use crate::sales::deals::queries::{DealSearch, LISTED, deal_search};
use crate::schema::payments;
use crate::web::OrgScope;
use crate::web::listing::Search;

/// A search as the payments lists run it, resolved once per page: the payment numbers the
/// term can mean, the term whole (a bank reference, a cheque number), the deals it finds (by
/// number or client's name, `DealSearch`) and — when few match — the matching payments' ids,
/// so that a page is those rows by their keys (see `DealSearch`).
#[derive(Debug, Clone)]
pub struct PaymentSearch {
    pub numbers: Vec<String>,
    pub references: Vec<String>,
    pub deal: DealSearch,
    /// None: more than `LISTED` payments match, and are matched by subqueries instead.
    pub ids: Option<Vec<i64>>,
}

/// What a payments list's search box `q` means in the organization; None for an empty box.
pub fn payment_search(
    conn: &mut AnyConnection,
    org: OrgScope,
    q: &str,
) -> QueryResult<Option<PaymentSearch>> {
    let (Some(s), Some(deal)) = (Search::parse(q), deal_search(conn, org, q)?) else {
        return Ok(None);
    };
    let numbers = numbers::PAYMENT.meant_by(&s);
    let ids = match &deal.ids {
        None => None,
        Some(deal_ids) => {
            // By number or either reference (each term its index, joined by OR), then by deal.
            let mut ids: Vec<i64> = payments::table
                .filter(payments::organization_id.eq(org.id()))
                .filter(
                    payments::transaction_number
                        .eq_any(numbers.clone())
                        .or(payments::bank_reference.eq_any(s.references()))
                        .or(payments::cheque_number.eq_any(s.references())),
                )
                .select(payments::id)
                .limit(LISTED + 1)
                .load(conn)?;
            ids.extend(
                payments::table
                    .filter(payments::organization_id.eq(org.id()))
                    .filter(payments::deal_id.eq_any(deal_ids.clone()))
                    .select(payments::id)
                    .limit(LISTED + 1)
                    .load::<i64>(conn)?,
            );
            ids.sort_unstable();
            ids.dedup();
            (ids.len() as i64 <= LISTED).then_some(ids)
        }
    };
    Ok(Some(PaymentSearch {
        numbers,
        references: s.references(),
        deal,
        ids,
    }))
}

/// Narrows a query over `payments` to a `PaymentSearch`: its ids when few, else the payment's
/// number or reference whole, or a deal the search finds.
macro_rules! searched {
    ($q:expr, $org:expr, $search:expr) => {{
        let q = $q;
        match $search {
            None => q,
            Some(s) => {
                let s: &$crate::sales::payments::queries::PaymentSearch = s;
                match &s.ids {
                    Some(ids) => q.filter(payments::id.eq_any(ids.clone())),
                    None => q.filter(
                        payments::transaction_number
                            .eq_any(s.numbers.clone())
                            .or(payments::bank_reference.eq_any(s.references.clone()))
                            .or(payments::cheque_number.eq_any(s.references.clone()))
                            .or(payments::deal_id.eq_any(
                                deals::table
                                    .filter(deals::organization_id.eq($org))
                                    .filter(
                                        deals::deal_number.eq_any(s.deal.numbers.clone()).or(
                                            deals::client_id.eq_any(
                                                clients::table
                                                    .filter(clients::organization_id.eq($org))
                                                    .filter($crate::db::contains(
                                                        clients::name,
                                                        s.deal.contains.clone(),
                                                    ))
                                                    .select(clients::id),
                                            ),
                                        ),
                                    )
                                    .select(deals::id),
                            )),
                    ),
                }
            }
        }
    }};
}
pub(crate) use searched;
