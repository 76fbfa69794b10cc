//! The organization's settings as stored.

use diesel::prelude::*;

use super::form::Valid;
use crate::db::{AnyConnection, PublicId, now};
use crate::schema::organizations;
use crate::web::OrgScope;
use crate::web::form::FormError;

#[derive(Debug, Clone, Queryable)]
pub struct Settings {
    pub public_id: PublicId,
    pub name: String,
    pub description: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub logo_path: Option<String>,
    pub currency: String,
    pub timezone: String,
    pub working_days_mask: i32,
    pub tax_rate_bp: i32,
    pub prices_include_tax: bool,
    pub default_commission_bp: i32,
    pub target_bonus_bp: i32,
    pub second_approval_threshold_minor: Option<i64>,
    pub sales_goal_minor: Option<i64>,
    pub low_stock_warning: i32,
    pub low_stock_critical: i32,
    pub allow_private_providers: bool,
}

pub fn load(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<Settings> {
    organizations::table
        .find(scope.id())
        .select((
            organizations::public_id,
            organizations::name,
            organizations::description,
            organizations::email,
            organizations::phone,
            organizations::address,
            organizations::website,
            organizations::logo_path,
            organizations::currency,
            organizations::timezone,
            organizations::working_days_mask,
            organizations::tax_rate_bp,
            organizations::prices_include_tax,
            organizations::default_commission_bp,
            organizations::target_bonus_bp,
            organizations::second_approval_threshold_minor,
            organizations::sales_goal_minor,
            organizations::low_stock_warning,
            organizations::low_stock_critical,
            organizations::allow_private_providers,
        ))
        .first(conn)
}

/// Writes the checked settings over the organization's; the currency stays once money is
/// recorded in it, and a name stays unique on the server.
pub(super) fn save(
    conn: &mut AnyConnection,
    scope: OrgScope,
    old: &Valid,
    v: &Valid,
) -> Result<(), FormError> {
    if v.currency != old.currency && crate::orgs::has_money(conn, scope.id())? {
        return Err(FormError::field(
            "currency",
            "Deals or payments are recorded in the current currency, so it cannot change.",
        ));
    }
    if crate::orgs::name_taken(conn, &v.name, Some(scope.id()))? {
        return Err(FormError::field(
            "name",
            "Another organization on this server has this name.",
        ));
    }
    diesel::update(organizations::table.find(scope.id()))
        .set((
            organizations::name.eq(&v.name),
            organizations::description.eq(&v.description),
            organizations::email.eq(&v.email),
            organizations::phone.eq(&v.phone),
            organizations::address.eq(&v.address),
            organizations::website.eq(&v.website),
            organizations::currency.eq(&v.currency),
            organizations::timezone.eq(&v.timezone),
            organizations::working_days_mask.eq(v.working_days_mask),
            organizations::tax_rate_bp.eq(v.tax_rate_bp),
            organizations::prices_include_tax.eq(v.prices_include_tax),
            organizations::default_commission_bp.eq(v.default_commission_bp),
            organizations::target_bonus_bp.eq(v.target_bonus_bp),
            organizations::second_approval_threshold_minor.eq(v.second_approval_threshold_minor),
            organizations::sales_goal_minor.eq(v.sales_goal_minor),
            organizations::low_stock_warning.eq(v.low_stock_warning),
            organizations::low_stock_critical.eq(v.low_stock_critical),
            organizations::allow_private_providers.eq(v.allow_private_providers),
            organizations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
