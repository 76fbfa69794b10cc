//! Writing an organization from the platform's forms: a new one with its first admin, or a
//! change of its name, currency or time zone; each in the caller's transaction, audited.

use diesel::prelude::*;
use serde_json::json;

use super::form::ValidOrg;
use super::queries::OrgRecord;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{AnyConnection, PublicId, now};
use crate::orgs::{self, NewOrganization};
use crate::schema::organizations;
use crate::web::form::FormError;

/// The first admin of a new organization, who must change the temporary password.
pub(super) struct FirstAdmin {
    pub(super) first: String,
    pub(super) last: String,
    pub(super) email: String,
}

/// Creates the organization (with its roles) and its first admin; a name or an e-mail taken
/// already is the form's error.
pub(super) fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    org: &ValidOrg,
    admin: &FirstAdmin,
    password_hash: &str,
) -> Result<PublicId, FormError> {
    if orgs::name_taken(conn, &org.name, None)? {
        return Err(FormError::field(
            "name",
            "An organization with this name exists already.",
        ));
    }
    if orgs::email_taken(conn, &admin.email, None)? {
        return Err(FormError::field(
            "admin_email",
            "An account with this e-mail address exists already.",
        ));
    }
    let scope = orgs::create_organization(
        conn,
        actor,
        &NewOrganization {
            name: &org.name,
            currency: &org.currency,
            timezone: &org.timezone,
        },
    )?;
    let role_id = orgs::role_id_by_key(conn, scope, "admin")?;
    orgs::create_user(
        conn,
        actor,
        scope,
        &orgs::NewUser {
            email: &admin.email,
            first_name: &admin.first,
            last_name: &admin.last,
            password_hash,
            role_id,
            partner_id: None,
            distributor_id: None,
            must_change_password: true,
        },
    )?;
    Ok(organizations::table
        .find(scope.id())
        .select(organizations::public_id)
        .first(conn)?)
}

/// Saves a change of the organization's name, currency or time zone: `false` when nothing
/// changed. The currency stays once money is recorded in it.
pub(super) fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    org: &OrgRecord,
    v: &ValidOrg,
) -> Result<bool, FormError> {
    let old = json!({ "name": org.name, "currency": org.currency, "timezone": org.timezone });
    let new = json!({ "name": v.name, "currency": v.currency, "timezone": v.timezone });
    let Some((before, after)) = audit::changes(&old, &new) else {
        return Ok(false);
    };
    if orgs::name_taken(conn, &v.name, Some(org.id))? {
        return Err(FormError::field(
            "name",
            "An organization with this name exists already.",
        ));
    }
    if v.currency != org.currency && orgs::has_money(conn, org.id)? {
        return Err(FormError::field(
            "currency",
            "This organization has recorded deals or payments in its currency, which therefore \
             cannot change.",
        ));
    }
    diesel::update(organizations::table.find(org.id))
        .set((
            organizations::name.eq(&v.name),
            organizations::currency.eq(&v.currency),
            organizations::timezone.eq(&v.timezone),
            organizations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(org.id), actions::UPDATE, "organization")
            .entity(org.public_id)
            .old(before)
            .new_values(after),
    )?;
    Ok(true)
}
