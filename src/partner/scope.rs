//! Which rows of the partner channel a user sees (DESIGN.md, "Tenancy and scope"): a partner
//! user only their partner's; a distributor user their distributor's and those of the partners
//! actively assigned to it (an ended assignment hides them again at once, since the assignments
//! are read with every request); organization staff (fulfillers, admins: users who belong to no
//! partner or distributor) every partner row of the organization. This is the one place the rule
//! lives: every query over leads, orders and contracts filters through `channel!`, so a list, a
//! count, a board, a sum, a select option or a single record cannot show what the scope does not
//! hold; outside it is a 404.

use diesel::prelude::*;
use iso_currency::Currency;

use crate::db::AnyConnection;
use crate::error::AppError;
use crate::permissions::Permission::{self, *};
use crate::schema::{distributor_partners, users};
use crate::web::{Ctx, OrgScope};

/// The permissions that open the partner portal; any one of them lets a user in.
pub const PORTAL: [Permission; 5] = [
    LeadsManage,
    OrdersCreate,
    OrdersFulfill,
    ContractsManage,
    CatalogManage,
];

/// What is needed to build a `ChannelScope`, taken from the signed-in user; `Send`, so it moves
/// into the blocking database work where the user's partner or distributor is read.
#[derive(Debug, Clone, Copy)]
pub struct ChannelRequest {
    org: OrgScope,
    user_id: i64,
    currency: Currency,
}

impl ChannelRequest {
    /// The scope of a user who holds `need`.
    pub fn of(ctx: &Ctx, need: Permission) -> Result<Self, AppError> {
        ctx.require(need)?;
        Self::portal(ctx)
    }

    /// The scope of anyone in the portal (the catalog, the calculator, the dashboard).
    pub fn portal(ctx: &Ctx) -> Result<Self, AppError> {
        ctx.require_any(&PORTAL)?;
        Ok(Self {
            org: ctx.scope()?,
            user_id: ctx.user.id,
            currency: ctx.user.currency.unwrap_or(Currency::USD),
        })
    }

    /// A scope for trusted code (demo data, the load generator) acting as `user_id`.
    pub fn trusted(org: OrgScope, user_id: i64, currency: &str) -> Self {
        Self {
            org,
            user_id,
            currency: Currency::from_code(currency).unwrap_or(Currency::USD),
        }
    }

    pub fn resolve(self, conn: &mut AnyConnection) -> QueryResult<ChannelScope> {
        let (partner, distributor): (Option<i64>, Option<i64>) = users::table
            .find(self.user_id)
            .filter(users::organization_id.eq(self.org.id()))
            .select((users::partner_id, users::distributor_id))
            .first(conn)?;
        let reach = match (partner, distributor) {
            (Some(p), _) => Reach::Partner(p),
            (None, Some(d)) => Reach::Distributor {
                id: d,
                partners: distributor_partners::table
                    .filter(distributor_partners::organization_id.eq(self.org.id()))
                    .filter(distributor_partners::distributor_id.eq(d))
                    .filter(distributor_partners::is_active.eq(true))
                    .select(distributor_partners::partner_id)
                    .order(distributor_partners::partner_id)
                    .load(conn)?,
            },
            (None, None) => Reach::Organization,
        };
        Ok(ChannelScope {
            org: self.org,
            user_id: self.user_id,
            reach,
            currency: self.currency,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Staff of the organization: every partner row.
    Organization,
    Partner(i64),
    /// The distributor's own rows and its active partners'.
    Distributor {
        id: i64,
        partners: Vec<i64>,
    },
}

/// The partner rows a user may see.
#[derive(Debug, Clone)]
pub struct ChannelScope {
    org: OrgScope,
    user_id: i64,
    reach: Reach,
    currency: Currency,
}

impl ChannelScope {
    pub fn org(&self) -> OrgScope {
        self.org
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn reach(&self) -> &Reach {
        &self.reach
    }

    pub fn currency(&self) -> &'static str {
        self.currency.code()
    }

    /// Whether a row with this partner and distributor is inside the scope (for a row already
    /// loaded, such as a partner chosen on a form).
    pub fn holds(&self, partner: Option<i64>, distributor: Option<i64>) -> bool {
        match &self.reach {
            Reach::Organization => true,
            Reach::Partner(p) => partner == Some(*p),
            Reach::Distributor { id, partners } => {
                distributor == Some(*id) || partner.is_some_and(|p| partners.contains(&p))
            }
        }
    }

    /// The partner and distributor a new row of this user belongs to, before any choice on the
    /// form: a partner user's rows are their partner's, a distributor user's their distributor's.
    pub fn owner_channel(&self) -> (Option<i64>, Option<i64>) {
        match &self.reach {
            Reach::Organization => (None, None),
            Reach::Partner(p) => (Some(*p), None),
            Reach::Distributor { id, .. } => (None, Some(*id)),
        }
    }
}

/// Narrows a boxed query over `$table` (which has `partner_id` and `distributor_id`) to the
/// scope's rows; the organization filter is the caller's, first, so every index starts with it.
#[macro_export]
macro_rules! channel {
    ($query:expr, $scope:expr, $table:ident) => {{
        let q = $query.filter($table::organization_id.eq($scope.org().id()));
        match $scope.reach() {
            $crate::partner::scope::Reach::Organization => q,
            $crate::partner::scope::Reach::Partner(p) => q.filter($table::partner_id.eq(*p)),
            $crate::partner::scope::Reach::Distributor { id, partners } => q.filter(
                $table::distributor_id
                    .eq(*id)
                    .or($table::partner_id.eq_any(partners.clone())),
            ),
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(reach: Reach) -> ChannelScope {
        ChannelScope {
            org: OrgScope::trusted(1),
            user_id: 1,
            reach,
            currency: Currency::USD,
        }
    }

    #[test]
    fn a_row_is_held_by_its_partner_its_distributor_and_the_staff() {
        let staff = scope(Reach::Organization);
        let partner = scope(Reach::Partner(7));
        let distributor = scope(Reach::Distributor {
            id: 3,
            partners: vec![7],
        });
        assert!(staff.holds(Some(8), None));
        assert!(partner.holds(Some(7), None) && !partner.holds(Some(8), Some(3)));
        assert!(distributor.holds(Some(7), None));
        assert!(distributor.holds(None, Some(3)));
        assert!(!distributor.holds(Some(8), None));
        assert_eq!(partner.owner_channel(), (Some(7), None));
        assert_eq!(distributor.owner_channel(), (None, Some(3)));
    }
}
