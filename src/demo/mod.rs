//! Demo data for `serve --demo` and `dealdesk demo`. Idempotent: what exists is kept, what is
//! missing is created, and every demo account gets the current demo password, so that the logins
//! printed at start always work.

mod admin;
mod calls;
mod integrations;
mod orders;
mod partner;
mod payments;
mod receipt;

pub use self::receipt::write_receipts;
mod sales;
mod verification;

pub(crate) use self::verification::commission_settled;

use diesel::prelude::*;

use crate::audit::Actor;
use crate::auth::users::find_by_email;
use crate::db::{AnyConnection, PublicId, now, write_tx};
use crate::orgs::{self, NewOrganization, NewUser};
use crate::schema::{distributor_partners, distributors, partners, users};
use crate::web::OrgScope;

pub const PLATFORM_ADMIN: &str = "platform@dealdesk.test";
/// The default roles that get a demo account, in the order they are printed.
pub const DEMO_ROLES: [(&str, &str, &str); 8] = [
    ("admin", "Ada", "Admin"),
    ("manager", "Max", "Manager"),
    ("sales", "Sam", "Seller"),
    ("verifier", "Vera", "Verifier"),
    ("ceo", "Cleo", "Chief"),
    ("partner", "Pat", "Partner"),
    ("distributor", "Dana", "Distributor"),
    ("fulfiller", "Finn", "Fulfiller"),
];
pub const ORGANIZATIONS: [(&str, &str, &str, &str); 2] = [
    ("Demo Traders", "demo.test", "USD", "America/New_York"),
    ("Acme Corp", "acme.test", "EUR", "Europe/Paris"),
];

/// The e-mail addresses of every demo account, platform admin first.
pub fn logins() -> Vec<String> {
    let mut out = vec![PLATFORM_ADMIN.to_string()];
    for (_, domain, _, _) in ORGANIZATIONS {
        out.extend(
            DEMO_ROLES
                .iter()
                .map(|(role, _, _)| format!("{role}@{domain}")),
        );
    }
    out
}

/// Loads the demo data; `password_hash` is the hash of the demo password.
pub fn load(conn: &mut AnyConnection, password_hash: &str) -> QueryResult<()> {
    let actor = Actor::system();
    write_tx(conn, |conn| {
        match find_by_email(conn, PLATFORM_ADMIN)? {
            Some(u) => set_password(conn, u.id, password_hash)?,
            None => {
                orgs::create_platform_admin(conn, &actor, PLATFORM_ADMIN, password_hash)?;
            }
        }
        for (name, domain, currency, timezone) in ORGANIZATIONS {
            let scope = match orgs::find_organization_by_name(conn, name)? {
                Some(scope) => scope,
                None => orgs::create_organization(
                    conn,
                    &actor,
                    &NewOrganization {
                        name,
                        currency,
                        timezone,
                    },
                )?,
            };
            let (partner_id, distributor_id) = partner_channel(conn, scope, domain)?;
            for (role, first, last) in DEMO_ROLES {
                let email = format!("{role}@{domain}");
                if let Some(u) = find_by_email(conn, &email)? {
                    set_password(conn, u.id, password_hash)?;
                    continue;
                }
                let role_id = orgs::role_id_by_key(conn, scope, role)?;
                orgs::create_user(
                    conn,
                    &actor,
                    scope,
                    &NewUser {
                        email: &email,
                        first_name: first,
                        last_name: last,
                        password_hash,
                        role_id,
                        partner_id: (role == "partner").then_some(partner_id),
                        distributor_id: (role == "distributor").then_some(distributor_id),
                        must_change_password: false,
                    },
                )?;
            }
            admin::load(conn, scope, domain, password_hash)?;
            let demo_traders = domain == "demo.test";
            sales::load(conn, scope, domain, if demo_traders { 150 } else { 30 })?;
            sales::load_deals(conn, scope, if demo_traders { 1_500 } else { 40 })?;
            payments::load(conn, scope, domain)?;
            verification::load(conn, scope, domain)?;
            calls::load(conn, scope, if demo_traders { 800 } else { 120 })?;
            let initech = partner::load(
                conn,
                scope,
                domain,
                partner_id,
                distributor_id,
                if demo_traders { 120 } else { 40 },
            )?;
            orders::load(
                conn,
                scope,
                domain,
                [partner_id, initech],
                distributor_id,
                if demo_traders { 60 } else { 18 },
            )?;
            integrations::load(conn, scope)?;
        }
        Ok(())
    })
}

fn set_password(conn: &mut AnyConnection, user_id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(false),
            users::failed_login_count.eq(0),
            users::locked_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// One partner and one distributor per organization, the distributor actively assigned to it.
fn partner_channel(
    conn: &mut AnyConnection,
    scope: OrgScope,
    domain: &str,
) -> QueryResult<(i64, i64)> {
    let org = scope.id();
    let t = now();
    let partner_name = format!("Northwind Resellers ({domain})");
    let partner_id = match partners::table
        .filter(partners::organization_id.eq(org))
        .filter(partners::name.eq(&partner_name))
        .select(partners::id)
        .first::<i64>(conn)
        .optional()?
    {
        Some(id) => id,
        None => diesel::insert_into(partners::table)
            .values((
                partners::public_id.eq(PublicId::new()),
                partners::organization_id.eq(org),
                partners::name.eq(&partner_name),
                partners::email.eq(format!("contact@northwind.{domain}")),
                partners::city.eq("Lyon"),
                partners::country.eq("FR"),
                partners::created_at.eq(t),
                partners::updated_at.eq(t),
            ))
            .returning(partners::id)
            .get_result(conn)?,
    };
    let distributor_name = format!("Globex Distribution ({domain})");
    let distributor_id = match distributors::table
        .filter(distributors::organization_id.eq(org))
        .filter(distributors::name.eq(&distributor_name))
        .select(distributors::id)
        .first::<i64>(conn)
        .optional()?
    {
        Some(id) => id,
        None => {
            let id = diesel::insert_into(distributors::table)
                .values((
                    distributors::public_id.eq(PublicId::new()),
                    distributors::organization_id.eq(org),
                    distributors::name.eq(&distributor_name),
                    distributors::email.eq(format!("sales@globex.{domain}")),
                    distributors::created_at.eq(t),
                    distributors::updated_at.eq(t),
                ))
                .returning(distributors::id)
                .get_result(conn)?;
            diesel::insert_into(distributor_partners::table)
                .values((
                    distributor_partners::organization_id.eq(org),
                    distributor_partners::distributor_id.eq(id),
                    distributor_partners::partner_id.eq(partner_id),
                    distributor_partners::assigned_at.eq(t),
                    distributor_partners::created_at.eq(t),
                    distributor_partners::updated_at.eq(t),
                ))
                .execute(conn)?;
            id
        }
    };
    Ok((partner_id, distributor_id))
}
