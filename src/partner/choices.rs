//! The select options of the partner portal's forms and filters: each takes the channel scope,
//! so a form never offers a partner the user may not work for.

use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId};
use crate::partner::scope::{ChannelScope, Reach};
use crate::schema::{distributor_partners, partners};

/// A partner as a select option: id, public id, name.
pub type PartnerOption = (i64, PublicId, String);

/// The partners a user may file a lead (or an order) under, or filter a list by: every active
/// partner for staff, the distributor's active partners for a distributor, none to choose for a
/// partner user.
pub fn partner_options(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
) -> QueryResult<Vec<PartnerOption>> {
    let base = partners::table
        .filter(partners::organization_id.eq(scope.org().id()))
        .filter(partners::is_active.eq(true))
        .select((partners::id, partners::public_id, partners::name))
        .order(partners::name)
        .into_boxed::<crate::db::MultiBackend>();
    match scope.reach() {
        Reach::Organization => base.load(conn),
        Reach::Partner(_) => Ok(Vec::new()),
        Reach::Distributor { id, .. } => base
            .filter(
                partners::id.eq_any(
                    distributor_partners::table
                        .filter(distributor_partners::distributor_id.eq(*id))
                        .filter(distributor_partners::is_active.eq(true))
                        .select(distributor_partners::partner_id),
                ),
            )
            .load(conn),
    }
}

/// A list's partner filter: "Every partner" first, then the scope's partners.
pub fn partner_filter(partners: Vec<PartnerOption>) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "Every partner".to_string())];
    options.extend(partners.into_iter().map(|(_, id, n)| (id.to_string(), n)));
    options
}
