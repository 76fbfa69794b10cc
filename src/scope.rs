//! Which sales records (clients, deals, payments, calls, and the invoices, commissions and
//! reports made of them) a user sees (DESIGN.md, "Tenancy and scope"): the ones they created; a
//! team lead also their team members'; a `*.view_all` permission widens it to the organization. This is the one place the rule lives: `RecordScope` is made only from a `Ctx`
//! (through `ScopeRequest`), and every query of the area takes it, so a list, a count, a select
//! option or a single record cannot show what the scope does not hold; outside it is a 404.

use diesel::prelude::*;

use iso_currency::Currency;

use crate::db::AnyConnection;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::{teams, users};
use crate::web::{Ctx, OrgScope};

/// What is needed to build a `RecordScope`, taken from the signed-in user. Cheap and `Send`, so
/// it moves into the blocking database work where the team is looked up.
#[derive(Debug, Clone, Copy)]
pub struct ScopeRequest {
    org: OrgScope,
    user_id: i64,
    view_all: bool,
    currency: Currency,
}

impl ScopeRequest {
    /// `widen` is the permission that opens every row of the organization (`DealsViewAll` for
    /// clients and deals, `CallsViewAll` for calls).
    pub fn of(ctx: &Ctx, widen: Permission) -> Result<Self, AppError> {
        Self::of_any(ctx, &[widen])
    }

    /// As `of`, where any of several permissions opens the organization.
    pub fn of_any(ctx: &Ctx, widen: &[Permission]) -> Result<Self, AppError> {
        Ok(Self {
            org: ctx.scope()?,
            user_id: ctx.user.id,
            view_all: ctx.perms.any(widen),
            currency: ctx.user.currency.unwrap_or(Currency::USD),
        })
    }

    /// The whole organization: for figures that add its records up (reports.view: a reader of
    /// the reports sees totals and rankings, never a record itself), and for the people whose
    /// work spans every record (a verifier's invoices). The caller has checked the permission.
    pub fn organization(ctx: &Ctx) -> Result<Self, AppError> {
        Ok(Self {
            view_all: true,
            ..Self::of_any(ctx, &[])?
        })
    }

    /// The user's own records and no team's, unless the request opens the organization: for
    /// what is personal (a commission is its earner's alone, a team lead does not see them).
    pub fn personal(self) -> RecordScope {
        RecordScope {
            org: self.org,
            user_id: self.user_id,
            owners: (!self.view_all).then(|| vec![self.user_id]),
            currency: self.currency,
        }
    }

    /// The organization's currency (as `RecordScope::currency`), before the scope is resolved.
    pub fn currency(&self) -> &'static str {
        self.currency.code()
    }

    pub fn resolve(self, conn: &mut AnyConnection) -> QueryResult<RecordScope> {
        if self.view_all {
            return Ok(RecordScope {
                org: self.org,
                user_id: self.user_id,
                owners: None,
                currency: self.currency,
            });
        }
        // A lead sees the members of the teams they lead (active or not: their records stay).
        let led: Vec<i64> = teams::table
            .filter(teams::organization_id.eq(self.org.id()))
            .filter(teams::lead_user_id.eq(self.user_id))
            .select(teams::id)
            .load(conn)?;
        let mut owners: Vec<i64> = if led.is_empty() {
            Vec::new()
        } else {
            users::table
                .filter(users::organization_id.eq(self.org.id()))
                .filter(users::team_id.eq_any(&led))
                .select(users::id)
                .load(conn)?
        };
        owners.push(self.user_id);
        owners.sort_unstable();
        owners.dedup();
        Ok(RecordScope {
            org: self.org,
            user_id: self.user_id,
            owners: Some(owners),
            currency: self.currency,
        })
    }
}

/// The rows a user may see: one organization, and within it every owner (`None`) or these.
#[derive(Debug, Clone)]
pub struct RecordScope {
    org: OrgScope,
    user_id: i64,
    owners: Option<Vec<i64>>,
    currency: Currency,
}

impl RecordScope {
    pub fn org(&self) -> OrgScope {
        self.org
    }

    /// The signed-in user, who becomes the owner of what they create.
    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    /// `None`: the whole organization; else the users whose records are visible.
    pub fn owners(&self) -> Option<&[i64]> {
        self.owners.as_deref()
    }

    /// The organization's currency, that balances and rollups add up in (a deal may be in
    /// another, at its rate).
    pub fn currency(&self) -> &'static str {
        self.currency.code()
    }

    pub fn sees_everyone(&self) -> bool {
        self.owners.is_none()
    }

    /// Whether a row owned by `owner` is in the scope.
    pub fn holds(&self, owner: i64) -> bool {
        self.owners.as_ref().is_none_or(|o| o.contains(&owner))
    }

    /// The same scope narrowed to one of its people (a manager looking at one salesperson);
    /// `None` when the scope does not hold them.
    pub fn only(&self, user_id: i64) -> Option<RecordScope> {
        self.holds(user_id).then(|| RecordScope {
            org: self.org,
            user_id: self.user_id,
            owners: Some(vec![user_id]),
            currency: self.currency,
        })
    }
}

/// Narrows a boxed query to the scope's rows: `$org` is the organization column (first, so
/// every index starts with it), `$owner` the column naming whose row it is (the creator of a
/// deal, the caller of a call, the earner of a commission). The one way the record scope
/// reaches a query, as `channel!` is for the partner area.
#[macro_export]
macro_rules! owned {
    ($query:expr, $scope:expr, $org:path, $owner:path) => {{
        let q = $query.filter($org.eq($scope.org().id()));
        match $scope.owners() {
            None => q,
            // One owner (a salesperson's own rows) as `= $1`, not `= ANY($1)`: PostgreSQL's
            // generic plan for an array parameter cannot count on one value and reads more.
            Some(&[one]) => q.filter($owner.eq(one)),
            Some(owners) => q.filter($owner.eq_any(owners.to_vec())),
        }
    }};
}
