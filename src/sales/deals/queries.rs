//! Deals as the record scope shows them: every query takes a `RecordScope`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, now};
use crate::domain::{
    BalanceStatus, DealPayment, DealSource, DealStatus, DealVerification, PaymentMethod,
};
use crate::schema::{clients, deals, projects, users};
use crate::scope::RecordScope;
use crate::web::OrgScope;
use crate::web::listing::{COUNT_CAP, Column, Dir, Found, keyset};

use super::search::deal_searched;
pub use super::search::{DealSearch, LISTED, deal_search};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deals)]
pub struct DealRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub deal_number: String,
    pub client_id: i64,
    pub project_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    pub description: Option<String>,
    pub status: DealStatus,
    pub payment_method: Option<PaymentMethod>,
    pub payment_status: DealPayment,
    pub verification_status: DealVerification,
    pub client_status: BalanceStatus,
    pub paid_minor: i64,
    pub is_original: bool,
    pub deal_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub source: DealSource,
    pub created_by_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// One unit of the deal's currency in the organization's, × 10⁴ (10,000 when the same).
    pub exchange_rate_e4: i64,
    /// The amount and what is paid, in the organization's currency (kept by `sales::balance`).
    pub amount_org_minor: i64,
    pub paid_org_minor: i64,
}

impl DealRecord {
    /// A deal may be edited or cancelled until a payment on it is verified, and not once it is
    /// completed or cancelled: the one rule both actions and the deal page ask.
    pub fn can_change(&self) -> bool {
        self.paid_minor == 0
            && !matches!(self.status, DealStatus::Completed | DealStatus::Cancelled)
    }
}

/// A list row: the deal, its client and its owner.
#[derive(Debug, Clone, Queryable)]
pub struct DealRow {
    pub public_id: PublicId,
    pub deal_number: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: DealStatus,
    pub payment_status: DealPayment,
    pub verification_status: DealVerification,
    pub deal_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub client_public_id: PublicId,
    pub client_name: String,
    pub owner_first: String,
    pub owner_last: String,
    pub paid_minor: i64,
    /// The amount in the organization's currency, what totals add up.
    pub amount_org_minor: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    DealDate,
    Amount,
}

impl Sort {
    /// The columns a person can sort the list by, with the way each sorts first.
    pub const COLUMNS: [Column; 3] = [
        ("", "Deal", Dir::Desc),
        ("date", "Deal date", Dir::Desc),
        ("amount", "Amount", Dir::Desc),
    ];

    pub fn parse(s: &str) -> Self {
        match s {
            "date" => Self::DealDate,
            "amount" => Self::Amount,
            _ => Self::Newest,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub search: Option<DealSearch>,
    pub status: Option<DealStatus>,
    pub payment: Option<DealPayment>,
    pub verification: Option<DealVerification>,
    /// A client's id (its public id resolved by `client_id`); -1 for none of the organization.
    pub client: Option<i64>,
    /// A user of the scope; -1 for one it does not hold (no rows).
    pub owner: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Option<Sort>,
    /// None: the order's own direction (latest and largest first).
    pub dir: Option<Dir>,
    pub after: Option<PublicId>,
}

/// The scope's rows of `deals`, as a boxed query to add to.
macro_rules! scoped {
    ($scope:expr) => {{
        $crate::owned!(
            deals::table.into_boxed(),
            $scope,
            deals::organization_id,
            deals::created_by_id
        )
    }};
}

/// The scope's deals that pass the filter (not its order or cursor): the rows a list pages
/// through and counts. A search matches a deal's number whole, or a part of its client's name
/// (the organization's clients are read once by an index on their name's organization).
macro_rules! matching {
    ($scope:expr, $f:expr) => {{
        let f: &Filter = $f;
        let mut q = scoped!($scope);
        if let Some(s) = &f.search {
            q = deal_searched!(q, $scope.org().id(), s);
        }
        if let Some(s) = f.status {
            q = q.filter(deals::status.eq(s));
        }
        if let Some(s) = f.payment {
            q = q.filter(deals::payment_status.eq(s));
        }
        if let Some(s) = f.verification {
            q = q.filter(deals::verification_status.eq(s));
        }
        if let Some(c) = f.client {
            q = q.filter(deals::client_id.eq(c));
        }
        if let Some(o) = f.owner {
            q = q.filter(deals::created_by_id.eq(o));
        }
        if let Some(m) = f.min {
            q = q.filter(deals::amount_org_minor.ge(m));
        }
        if let Some(m) = f.max {
            q = q.filter(deals::amount_org_minor.le(m));
        }
        if let Some(d) = f.from {
            q = q.filter(deals::deal_date.ge(d));
        }
        if let Some(d) = f.to {
            q = q.filter(deals::deal_date.le(d));
        }
        q
    }};
}

/// The organization's client with this public id, as a filter takes it: -1 for none.
pub fn client_id(conn: &mut AnyConnection, org: OrgScope, client: PublicId) -> QueryResult<i64> {
    Ok(clients::table
        .filter(clients::organization_id.eq(org.id()))
        .filter(clients::public_id.eq(client))
        .select(clients::id)
        .first(conn)
        .optional()?
        .unwrap_or(-1))
}

/// How many of the scope's deals pass the filter, up to the cap, with their total.
pub fn found(conn: &mut AnyConnection, scope: &RecordScope, f: &Filter) -> QueryResult<Found> {
    let amounts: Vec<i64> = matching!(scope, f)
        .select(deals::amount_org_minor)
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    Ok(Found::of(&amounts))
}

/// One page in the filter's order and direction, `limit` rows after the cursor. Each order is
/// an index range scan continued from the cursor (keyset), so a deep page costs what the first
/// does.
pub fn list(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<DealRow>> {
    let sort = f.sort.unwrap_or(Sort::Newest);
    let dir = f.dir.unwrap_or(Dir::Desc);
    let cursor: Option<(i64, NaiveDate, i64)> = match f.after {
        Some(p) => scoped!(scope)
            .filter(deals::public_id.eq(p))
            .select((deals::id, deals::deal_date, deals::amount_org_minor))
            .first(conn)
            .optional()?,
        None => None,
    };
    let q = matching!(scope, f)
        .inner_join(clients::table.on(clients::id.eq(deals::client_id)))
        .inner_join(users::table.on(users::id.eq(deals::created_by_id)))
        .select((
            deals::public_id,
            deals::deal_number,
            deals::amount_minor,
            deals::currency,
            deals::status,
            deals::payment_status,
            deals::verification_status,
            deals::deal_date,
            deals::due_date,
            clients::public_id,
            clients::name,
            users::first_name,
            users::last_name,
            deals::paid_minor,
            deals::amount_org_minor,
        ));
    let q = match sort {
        Sort::Newest => keyset!(q, dir, deals::id, cursor.map(|c| c.0)),
        Sort::DealDate => keyset!(
            q,
            dir,
            deals::deal_date,
            deals::id,
            cursor.map(|c| (c.1, c.0))
        ),
        Sort::Amount => keyset!(
            q,
            dir,
            deals::amount_org_minor,
            deals::id,
            cursor.map(|c| (c.2, c.0))
        ),
    };
    q.limit(limit).load(conn)
}

/// One deal of the scope; outside it, not found.
pub fn find(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    public_id: PublicId,
) -> QueryResult<DealRecord> {
    scoped!(scope)
        .filter(deals::public_id.eq(public_id))
        .select(DealRecord::as_select())
        .first(conn)
}

/// The deal of the scope with this internal id (a payment's deal).
pub fn find_id(conn: &mut AnyConnection, scope: &RecordScope, id: i64) -> QueryResult<DealRecord> {
    scoped!(scope)
        .filter(deals::id.eq(id))
        .select(DealRecord::as_select())
        .first(conn)
}

/// A deal of the organization, for work that acts on all of it (a verifier's decision).
pub fn find_in_org(conn: &mut AnyConnection, org: OrgScope, id: i64) -> QueryResult<DealRecord> {
    deals::table
        .filter(deals::organization_id.eq(org.id()))
        .filter(deals::id.eq(id))
        .select(DealRecord::as_select())
        .first(conn)
}

#[derive(Debug, Clone)]
pub struct NewDeal {
    pub client_id: i64,
    pub project_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    /// One unit of `currency` in the organization's currency, × 10⁴.
    pub exchange_rate_e4: i64,
    pub description: Option<String>,
    pub payment_method: Option<PaymentMethod>,
    pub deal_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub source: DealSource,
}

pub fn insert(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    number: &str,
    d: &NewDeal,
) -> QueryResult<DealRecord> {
    let t = now();
    diesel::insert_into(deals::table)
        .values((
            deals::public_id.eq(PublicId::new()),
            deals::organization_id.eq(scope.org().id()),
            deals::deal_number.eq(number),
            deals::client_id.eq(d.client_id),
            deals::project_id.eq(d.project_id),
            deals::amount_minor.eq(d.amount_minor),
            deals::currency.eq(&d.currency),
            deals::exchange_rate_e4.eq(d.exchange_rate_e4),
            deals::description.eq(&d.description),
            deals::payment_method.eq(&d.payment_method),
            deals::deal_date.eq(d.deal_date),
            deals::due_date.eq(d.due_date),
            deals::source.eq(&d.source),
            deals::created_by_id.eq(scope.user_id()),
            deals::created_at.eq(t),
            deals::updated_at.eq(t),
        ))
        .returning(deals::all_columns)
        .get_result(conn)
}

/// The deal's editable fields, as a form would give them.
pub fn as_new(d: &DealRecord) -> NewDeal {
    NewDeal {
        client_id: d.client_id,
        project_id: d.project_id,
        amount_minor: d.amount_minor,
        currency: d.currency.clone(),
        exchange_rate_e4: d.exchange_rate_e4,
        description: d.description.clone(),
        payment_method: d.payment_method,
        deal_date: d.deal_date,
        due_date: d.due_date,
        source: d.source,
    }
}

/// Saves an edit: the deal is no longer the original version.
/// The deal, while it may still change (`DealRecord::can_change`, as a condition of the write).
macro_rules! while_changeable {
    ($deal:expr) => {
        deals::table
            .filter(deals::organization_id.eq($deal.organization_id))
            .filter(deals::id.eq($deal.id))
            .filter(deals::paid_minor.eq(0))
            .filter(deals::status.ne_all([DealStatus::Completed, DealStatus::Cancelled]))
    };
}

/// Saves an edit; false when the deal can no longer change (a payment verified meanwhile).
pub fn update(conn: &mut AnyConnection, deal: &DealRecord, d: &NewDeal) -> QueryResult<bool> {
    let moved = diesel::update(while_changeable!(deal))
        .set((
            deals::client_id.eq(d.client_id),
            deals::project_id.eq(d.project_id),
            deals::amount_minor.eq(d.amount_minor),
            deals::currency.eq(&d.currency),
            deals::exchange_rate_e4.eq(d.exchange_rate_e4),
            deals::description.eq(&d.description),
            deals::payment_method.eq(&d.payment_method),
            deals::deal_date.eq(d.deal_date),
            deals::due_date.eq(d.due_date),
            deals::source.eq(&d.source),
            deals::is_original.eq(false),
            deals::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(moved == 1)
}

/// Cancels the deal; false when it can no longer change (a payment verified meanwhile).
pub fn cancel(conn: &mut AnyConnection, deal: &DealRecord) -> QueryResult<bool> {
    let moved = diesel::update(while_changeable!(deal))
        .set((
            deals::status.eq(DealStatus::Cancelled),
            deals::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(moved == 1)
}

/// The public ids of a deal's client and project, for its edit form.
pub fn form_ids(
    conn: &mut AnyConnection,
    deal: &DealRecord,
) -> QueryResult<(PublicId, String, Option<PublicId>)> {
    let (client, name): (PublicId, String) = clients::table
        .find(deal.client_id)
        .filter(clients::organization_id.eq(deal.organization_id))
        .select((clients::public_id, clients::name))
        .first(conn)?;
    let project = match deal.project_id {
        Some(p) => Some(
            projects::table
                .find(p)
                .filter(projects::organization_id.eq(deal.organization_id))
                .select(projects::public_id)
                .first(conn)?,
        ),
        None => None,
    };
    Ok((client, name, project))
}

/// The client's and the owner's names for the deal page.
pub fn names(
    conn: &mut AnyConnection,
    deal: &DealRecord,
) -> QueryResult<(PublicId, String, String)> {
    let (client_public, client_name): (PublicId, String) = clients::table
        .find(deal.client_id)
        .filter(clients::organization_id.eq(deal.organization_id))
        .select((clients::public_id, clients::name))
        .first(conn)?;
    let (first, last): (String, String) = users::table
        .find(deal.created_by_id)
        .filter(users::organization_id.eq(deal.organization_id))
        .select((users::first_name, users::last_name))
        .first(conn)?;
    Ok((
        client_public,
        client_name,
        format!("{first} {last}").trim().to_string(),
    ))
}
