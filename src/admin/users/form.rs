//! The user form: its fields as typed, the choices it offers, and validation into a `ValidUser`.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use super::queries::{self, UserRecord};
use crate::db::{AnyConnection, PublicId};
use crate::domain::money;
use crate::error::AppError;
use crate::permissions::{Permission, PermissionSet};
use crate::schema::{role_permissions, roles};
use crate::web::OrgScope;
use crate::web::form::{self, FieldErrors};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// A role's public id.
    pub role: String,
    /// A team's public id, or empty for none.
    pub team: String,
    pub sales_target: String,
    pub commission_rate: String,
    pub partner: String,
    pub distributor: String,
    /// "on" when the checkbox is ticked; absent otherwise.
    pub is_active: Option<String>,
}

pub struct RoleChoice {
    pub id: i64,
    pub public_id: PublicId,
    pub name: String,
    pub system_key: Option<String>,
    pub perms: PermissionSet,
}

/// What the form offers, loaded once per page.
pub struct Choices {
    pub roles: Vec<RoleChoice>,
    pub teams: Vec<queries::Choice>,
    pub partners: Vec<queries::Choice>,
    pub distributors: Vec<queries::Choice>,
    pub currency: String,
    pub exponent: u32,
}

pub fn load_choices(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<Choices> {
    let role_rows: Vec<(i64, PublicId, String, Option<String>)> = roles::table
        .filter(roles::organization_id.eq(scope.id()))
        .filter(roles::is_active.eq(true))
        .order(roles::name)
        .select((roles::id, roles::public_id, roles::name, roles::system_key))
        .load(conn)?;
    let grants: Vec<(i64, String)> = role_permissions::table
        .filter(role_permissions::organization_id.eq(scope.id()))
        .select((role_permissions::role_id, role_permissions::permission))
        .load(conn)?;
    let mut by_role: HashMap<i64, Vec<&str>> = HashMap::new();
    for (role_id, key) in &grants {
        by_role.entry(*role_id).or_default().push(key);
    }
    let roles = role_rows
        .into_iter()
        .map(|(id, public_id, name, system_key)| RoleChoice {
            perms: PermissionSet::from_keys(by_role.get(&id).into_iter().flatten().copied()),
            id,
            public_id,
            name,
            system_key,
        })
        .collect();
    let currency = queries::currency(conn, scope)?;
    Ok(Choices {
        roles,
        teams: queries::team_choices(conn, scope)?,
        partners: queries::partner_choices(conn, scope)?,
        distributors: queries::distributor_choices(conn, scope)?,
        exponent: money::currency_exponent(&currency),
        currency,
    })
}

type Options = Vec<(String, String)>;

fn options(items: &[queries::Choice], none: &str) -> Options {
    let mut out = vec![(String::new(), none.to_string())];
    out.extend(items.iter().map(|(_, p, n)| (p.to_string(), n.clone())));
    out
}

impl Choices {
    /// Roles the actor may give: those holding no permission the actor lacks.
    pub fn role_options(&self, actor: PermissionSet) -> Options {
        let mut out = vec![(String::new(), "Choose a role".to_string())];
        out.extend(
            self.roles
                .iter()
                .filter(|r| crate::admin::policy::covers(actor, r.perms))
                .map(|r| (r.public_id.to_string(), r.name.clone())),
        );
        out
    }

    pub fn team_options(&self) -> Options {
        options(&self.teams, "No team")
    }

    pub fn partner_options(&self) -> Options {
        options(&self.partners, "None")
    }

    pub fn distributor_options(&self) -> Options {
        options(&self.distributors, "None")
    }

    fn name_of(items: &[queries::Choice], id: Option<i64>) -> Option<String> {
        id.and_then(|id| items.iter().find(|c| c.0 == id).map(|c| c.2.clone()))
    }

    fn public_of(items: &[queries::Choice], id: Option<i64>) -> String {
        id.and_then(|id| items.iter().find(|c| c.0 == id))
            .map(|c| c.1.to_string())
            .unwrap_or_default()
    }

    pub fn role_name(&self, id: i64) -> String {
        self.roles
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| "(inactive role)".into())
    }

    /// The form as it shows an existing user.
    pub fn form_for(&self, u: &UserRecord) -> UserForm {
        UserForm {
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            email: u.email.clone(),
            phone: u.phone.clone().unwrap_or_default(),
            role: self
                .roles
                .iter()
                .find(|r| r.id == u.role_id)
                .map(|r| r.public_id.to_string())
                .unwrap_or_default(),
            team: Self::public_of(&self.teams, u.team_id),
            sales_target: u
                .sales_target_minor
                .map(|m| money::minor_to_input(m, self.exponent))
                .unwrap_or_default(),
            commission_rate: u
                .commission_rate_bp
                .map(|bp| money::bp_to_percent(bp.into()))
                .unwrap_or_default(),
            partner: Self::public_of(&self.partners, u.partner_id),
            distributor: Self::public_of(&self.distributors, u.distributor_id),
            is_active: u.is_active.then(|| "on".to_string()),
        }
    }

    /// The audit record of a user's editable fields, with names rather than ids.
    pub fn audit_json(&self, v: &ValidUser) -> Value {
        json!({
            "email": v.email,
            "first_name": v.first_name,
            "last_name": v.last_name,
            "phone": v.phone,
            "role": self.role_name(v.role_id),
            "team": Self::name_of(&self.teams, v.team_id),
            "partner": Self::name_of(&self.partners, v.partner_id),
            "distributor": Self::name_of(&self.distributors, v.distributor_id),
            "sales_target": v.sales_target_minor.map(|m| money::minor_to_input(m, self.exponent)),
            "commission_rate": v.commission_rate_bp.map(|bp| format!("{}%", money::bp_to_percent(bp.into()))),
            "is_active": v.is_active,
        })
    }
}

/// A user's fields, checked and resolved to ids of this organization.
#[derive(Debug, Clone)]
pub struct ValidUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role_id: i64,
    pub role_perms: PermissionSet,
    pub team_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub distributor_id: Option<i64>,
    pub sales_target_minor: Option<i64>,
    pub commission_rate_bp: Option<i32>,
    pub is_active: bool,
}

impl ValidUser {
    pub fn from_record(u: &UserRecord, role_perms: PermissionSet) -> Self {
        Self {
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            email: u.email.clone(),
            phone: u.phone.clone(),
            role_id: u.role_id,
            role_perms,
            team_id: u.team_id,
            partner_id: u.partner_id,
            distributor_id: u.distributor_id,
            sales_target_minor: u.sales_target_minor,
            commission_rate_bp: u.commission_rate_bp,
            is_active: u.is_active,
        }
    }
}

fn resolve(items: &[queries::Choice], value: &str) -> Result<Option<i64>, ()> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    items
        .iter()
        .find(|c| c.1.to_string() == value.trim())
        .map(|c| Some(c.0))
        .ok_or(())
}

/// Checks the form. A role the actor may not give is refused outright (403): the form never
/// offers it, so only a forged request sends it.
pub fn validate(
    f: &mut UserForm,
    choices: &Choices,
    actor: PermissionSet,
) -> Result<Result<ValidUser, FieldErrors>, AppError> {
    let mut e = FieldErrors::default();
    let first_name = e.check(
        "first_name",
        form::required(&f.first_name, "a first name", 150),
    );
    let last_name = e.check(
        "last_name",
        form::required(&f.last_name, "a last name", 150),
    );
    let email = e.check("email", form::email(&f.email));
    let phone = e.check("phone", form::phone(&f.phone)).flatten();
    let role = choices
        .roles
        .iter()
        .find(|r| !f.role.is_empty() && r.public_id.to_string() == f.role.trim());
    match role {
        None => e.add("role", "Choose a role from the list."),
        Some(r) if !crate::admin::policy::covers(actor, r.perms) => {
            return Err(AppError::Forbidden);
        }
        Some(_) => {}
    }
    let team_id = resolve(&choices.teams, &f.team).unwrap_or_else(|_| {
        e.add("team", "Choose a team from the list.");
        None
    });
    let partner_id = resolve(&choices.partners, &f.partner).unwrap_or_else(|_| {
        e.add("partner", "Choose a partner from the list.");
        None
    });
    let distributor_id = resolve(&choices.distributors, &f.distributor).unwrap_or_else(|_| {
        e.add("distributor", "Choose a distributor from the list.");
        None
    });
    let sales_target_minor = e
        .check(
            "sales_target",
            money::scaled_decimal(&f.sales_target, choices.exponent, i64::MAX / 10_000),
        )
        .flatten();
    let commission_rate_bp = e
        .check("commission_rate", money::percent_bp(&f.commission_rate))
        .flatten()
        .and_then(|bp| i32::try_from(bp).ok());
    if let Some(r) = role {
        let key = r.system_key.as_deref();
        let partner_side = r.perms.any(&[
            Permission::LeadsManage,
            Permission::OrdersCreate,
            Permission::ContractsManage,
        ]);
        if partner_id.is_some() && distributor_id.is_some() {
            e.add(
                "distributor",
                "Link the user to a partner or to a distributor, not both.",
            );
        } else if key == Some("partner") && partner_id.is_none() {
            e.add(
                "partner",
                "A partner user belongs to a partner: choose one.",
            );
        } else if key == Some("distributor") && distributor_id.is_none() {
            e.add(
                "distributor",
                "A distributor user belongs to a distributor: choose one.",
            );
        } else if !partner_side && partner_id.or(distributor_id).is_some() {
            e.add(
                "partner",
                "Only partner-side roles (leads, orders, contracts) link to a partner or distributor.",
            );
        }
    }
    match (first_name, last_name, email, role, e.is_empty()) {
        (Some(first_name), Some(last_name), Some(email), Some(r), true) => {
            f.email = email.clone();
            Ok(Ok(ValidUser {
                first_name,
                last_name,
                email,
                phone,
                role_id: r.id,
                role_perms: r.perms,
                team_id,
                partner_id,
                distributor_id,
                sales_target_minor,
                commission_rate_bp,
                is_active: f.is_active.is_some(),
            }))
        }
        _ => Ok(Err(e)),
    }
}
