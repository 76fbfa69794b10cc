//! What the deals list's search box means: a deal's number whole (or just its digits), or a
//! part of its client's name, resolved once per page into the ids it finds when few.

use diesel::prelude::*;

use crate::db::{AnyConnection, contains};
use crate::numbers;
use crate::schema::{clients, deals};
use crate::web::OrgScope;
use crate::web::listing::Search;

/// A search as the deals list runs it, resolved once per page (its rows and its count share
/// it): the deal numbers the term can mean, the part of a client's name it is, and — when few
/// match (at most `LISTED`) — the matching deals' ids. A page is then those rows by their keys,
/// whatever else filters it: without the ids a database may walk a salesperson's every deal
/// in order and test each (100 ms at 100,000 deals; by ids, under 1 ms).
#[derive(Debug, Clone)]
pub struct DealSearch {
    pub numbers: Vec<String>,
    pub contains: String,
    /// None: more than `LISTED` deals match, and are matched by subqueries instead (they are
    /// then dense enough that a page fills early in any order).
    pub ids: Option<Vec<i64>>,
}

/// How many clients, deals or payments a search lists by id before it matches by subquery:
/// past it, matches are at least a tenth of 100,000 rows, dense enough for any order.
pub const LISTED: i64 = 10_000;

/// What the deals list's search box `q` means in the organization; None for an empty box.
pub fn deal_search(
    conn: &mut AnyConnection,
    org: OrgScope,
    q: &str,
) -> QueryResult<Option<DealSearch>> {
    let Some(s) = Search::parse(q) else {
        return Ok(None);
    };
    let numbers = numbers::DEAL.meant_by(&s);
    let clients: Vec<i64> = clients::table
        .filter(clients::organization_id.eq(org.id()))
        .filter(contains(clients::name, s.contains.clone()))
        .select(clients::id)
        .limit(LISTED + 1)
        .load(conn)?;
    let ids = if clients.len() as i64 > LISTED {
        None
    } else {
        let mut ids: Vec<i64> = deals::table
            .filter(deals::organization_id.eq(org.id()))
            .filter(deals::client_id.eq_any(clients))
            .select(deals::id)
            .limit(LISTED + 1)
            .load(conn)?;
        ids.extend(
            deals::table
                .filter(deals::organization_id.eq(org.id()))
                .filter(deals::deal_number.eq_any(numbers.clone()))
                .select(deals::id)
                .load::<i64>(conn)?,
        );
        (ids.len() as i64 <= LISTED).then_some(ids)
    };
    Ok(Some(DealSearch {
        numbers,
        contains: s.contains,
        ids,
    }))
}

/// Narrows a query over `deals` to a `DealSearch`: the number whole, or a client's name.
macro_rules! deal_searched {
    ($q:expr, $org:expr, $search:expr) => {{
        let q = $q;
        let s: &$crate::sales::deals::queries::DealSearch = $search;
        match &s.ids {
            Some(ids) => q.filter(deals::id.eq_any(ids.clone())),
            None => q.filter(
                deals::deal_number
                    .eq_any(s.numbers.clone())
                    .or(deals::client_id.eq_any(
                        clients::table
                            .filter(clients::organization_id.eq($org))
                            .filter($crate::db::contains(clients::name, s.contains.clone()))
                            .select(clients::id),
                    )),
            ),
        }
    }};
}
pub(crate) use deal_searched;
