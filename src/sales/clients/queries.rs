//! Clients as the record scope shows them: every query takes a `RecordScope`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, contains, contains_pattern, now};
use crate::domain::BalanceStatus;
use crate::schema::{clients, users};
use crate::scope::RecordScope;
use crate::web::listing::{COUNT_CAP, Found};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clients)]
pub struct ClientRecord {
    pub id: i64,
    pub public_id: PublicId,
    pub organization_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub satisfaction_rating: Option<i32>,
    pub notes: Option<String>,
    pub purchase_total_minor: i64,
    pub is_active: bool,
    pub created_by_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub outstanding_minor: i64,
    pub balance_status: BalanceStatus,
}

/// A list row: the client and who owns it.
#[derive(Debug, Clone, Queryable)]
pub struct ClientRow {
    pub public_id: PublicId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub satisfaction_rating: Option<i32>,
    pub purchase_total_minor: i64,
    pub is_active: bool,
    pub owner_first: String,
    pub owner_last: String,
    pub created_at: NaiveDateTime,
    pub outstanding_minor: i64,
    pub balance_status: BalanceStatus,
}

/// "★★★★☆" for 4 of 5; `None` when not rated.
pub fn stars(rating: Option<i32>) -> Option<String> {
    let r = usize::try_from(rating?.clamp(0, 5)).ok()?;
    Some(format!("{}{}", "★".repeat(r), "☆".repeat(5 - r)))
}

impl ClientRow {
    pub fn stars(&self) -> Option<String> {
        stars(self.satisfaction_rating)
    }
}

impl ClientRecord {
    pub fn stars(&self) -> Option<String> {
        stars(self.satisfaction_rating)
    }

    /// The phone number as a `tel:` link dials it: a leading `+` and the digits, no spaces or
    /// dashes (which make the link invalid). `None` when there are no digits to dial.
    pub fn tel(&self) -> Option<String> {
        let phone = self.phone.as_deref()?;
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        let plus = if phone.trim_start().starts_with('+') {
            "+"
        } else {
            ""
        };
        Some(format!("tel:{plus}{digits}"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    Newest,
}

impl Sort {
    pub fn parse(s: &str) -> Self {
        match s {
            "newest" => Self::Newest,
            _ => Self::Name,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Active {
    Any,
    Active,
    Archived,
}

impl Active {
    pub fn parse(s: &str) -> Self {
        match s {
            "active" => Self::Active,
            "archived" => Self::Archived,
            _ => Self::Any,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Filter {
    pub q: String,
    pub active: Active,
    /// clear, pending or bad_debt (`sales::balance`).
    pub balance: Option<BalanceStatus>,
    pub sort: Sort,
    /// Keyset cursor: the last row of the previous page.
    pub after: Option<PublicId>,
}

/// The scope's rows of `clients`, as a boxed query to add to.
macro_rules! scoped {
    ($scope:expr) => {{
        $crate::owned!(
            clients::table.into_boxed(),
            $scope,
            clients::organization_id,
            clients::created_by_id
        )
    }};
}

/// The scope's clients that pass the filter (not its order or cursor). A search matches a part
/// of the name, e-mail or phone, whatever the case.
macro_rules! matching {
    ($scope:expr, $f:expr) => {{
        let f: &Filter = $f;
        let mut q = scoped!($scope);
        let term = f.q.trim();
        if !term.is_empty() {
            let p = contains_pattern(term);
            q = q.filter(
                contains(clients::name, p.clone())
                    .or(contains(clients::email.assume_not_null(), p.clone()))
                    .or(contains(clients::phone.assume_not_null(), p)),
            );
        }
        if let Some(b) = f.balance {
            q = q.filter(clients::balance_status.eq(b));
        }
        match f.active {
            Active::Any => q,
            Active::Active => q.filter(clients::is_active.eq(true)),
            Active::Archived => q.filter(clients::is_active.eq(false)),
        }
    }};
}

/// How many of the scope's clients pass the filter, up to the cap.
pub fn found(conn: &mut AnyConnection, scope: &RecordScope, f: &Filter) -> QueryResult<Found> {
    let ids: Vec<i64> = matching!(scope, f)
        .select(clients::id)
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    Ok(Found::rows(ids.len()))
}

/// One page in the filter's order, `limit` rows after the cursor.
pub fn list(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    f: &Filter,
    limit: i64,
) -> QueryResult<Vec<ClientRow>> {
    let mut q = matching!(scope, f)
        .inner_join(users::table.on(users::id.eq(clients::created_by_id)))
        .select((
            clients::public_id,
            clients::name,
            clients::email,
            clients::phone,
            clients::satisfaction_rating,
            clients::purchase_total_minor,
            clients::is_active,
            users::first_name,
            users::last_name,
            clients::created_at,
            clients::outstanding_minor,
            clients::balance_status,
        ));
    let cursor = match f.after {
        Some(p) => scoped!(scope)
            .filter(clients::public_id.eq(p))
            .select((clients::id, clients::name))
            .first::<(i64, String)>(conn)
            .optional()?,
        None => None,
    };
    match f.sort {
        Sort::Name => {
            if let Some((id, name)) = cursor {
                q = q.filter(
                    clients::name
                        .gt(name.clone())
                        .or(clients::name.eq(name).and(clients::id.gt(id))),
                );
            }
            q.order((clients::name, clients::id))
                .limit(limit)
                .load(conn)
        }
        Sort::Newest => {
            if let Some((id, _)) = cursor {
                q = q.filter(clients::id.lt(id));
            }
            q.order(clients::id.desc()).limit(limit).load(conn)
        }
    }
}

/// One client of the scope; outside it, not found.
pub fn find(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    public_id: PublicId,
) -> QueryResult<ClientRecord> {
    scoped!(scope)
        .filter(clients::public_id.eq(public_id))
        .select(ClientRecord::as_select())
        .first(conn)
}

/// Other clients of the organization with this e-mail or phone: a warning, not a refusal. The
/// whole organization is searched (a duplicate is one whoever owns it), but only clients the
/// user may open are linked; the others are counted.
pub fn duplicates(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    email: Option<&str>,
    phone: Option<&str>,
    except: Option<i64>,
) -> QueryResult<(Vec<(PublicId, String)>, i64)> {
    if email.is_none() && phone.is_none() {
        return Ok((Vec::new(), 0));
    }
    let mut q = clients::table
        .filter(clients::organization_id.eq(scope.org().id()))
        .filter(
            clients::email
                .eq(email.map(str::to_string))
                .or(clients::phone.eq(phone.map(str::to_string))),
        )
        .select((clients::public_id, clients::name, clients::created_by_id))
        .limit(20)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(clients::id.ne(id));
    }
    let found: Vec<(PublicId, String, i64)> = q.load(conn)?;
    let hidden = found.iter().filter(|(_, _, o)| !scope.holds(*o)).count() as i64;
    let shown = found
        .into_iter()
        .filter(|(_, _, o)| scope.holds(*o))
        .map(|(p, n, _)| (p, n))
        .collect();
    Ok((shown, hidden))
}

#[derive(Debug, Clone)]
pub struct ClientValues {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub satisfaction_rating: Option<i32>,
    pub notes: Option<String>,
}

pub fn insert(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    v: &ClientValues,
) -> QueryResult<ClientRecord> {
    let t = now();
    diesel::insert_into(clients::table)
        .values((
            clients::public_id.eq(PublicId::new()),
            clients::organization_id.eq(scope.org().id()),
            clients::name.eq(&v.name),
            clients::email.eq(&v.email),
            clients::phone.eq(&v.phone),
            clients::address.eq(&v.address),
            clients::satisfaction_rating.eq(v.satisfaction_rating),
            clients::notes.eq(&v.notes),
            clients::purchase_total_minor.eq(0_i64),
            clients::is_active.eq(true),
            clients::created_by_id.eq(scope.user_id()),
            clients::created_at.eq(t),
            clients::updated_at.eq(t),
        ))
        .returning(clients::all_columns)
        .get_result(conn)
}

/// The client's own row, by its id and organization (every write names both).
macro_rules! in_org {
    ($client:expr) => {
        clients::table
            .find($client.id)
            .filter(clients::organization_id.eq($client.organization_id))
    };
}

pub fn update(
    conn: &mut AnyConnection,
    client: &ClientRecord,
    v: &ClientValues,
) -> QueryResult<()> {
    diesel::update(in_org!(client))
        .set((
            clients::name.eq(&v.name),
            clients::email.eq(&v.email),
            clients::phone.eq(&v.phone),
            clients::address.eq(&v.address),
            clients::satisfaction_rating.eq(v.satisfaction_rating),
            clients::notes.eq(&v.notes),
            clients::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_active(
    conn: &mut AnyConnection,
    client: &ClientRecord,
    active: bool,
) -> QueryResult<()> {
    diesel::update(in_org!(client))
        .set((clients::is_active.eq(active), clients::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// Gives the client to `owner` (a user of its organization, checked by the caller's scope).
pub fn set_owner(conn: &mut AnyConnection, client: &ClientRecord, owner: i64) -> QueryResult<()> {
    diesel::update(in_org!(client))
        .set((
            clients::created_by_id.eq(owner),
            clients::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The owner's name, for the client's page.
pub fn owner_name(conn: &mut AnyConnection, org: i64, user_id: i64) -> QueryResult<String> {
    let (first, last): (String, String) = users::table
        .find(user_id)
        .filter(users::organization_id.eq(org))
        .select((users::first_name, users::last_name))
        .first(conn)?;
    Ok(format!("{first} {last}").trim().to_string())
}
