//! The organization form: name, currency, timezone and first admin, checked field by field.

use serde::Deserialize;

use crate::domain::money;
use crate::web::FieldErrors;
use crate::web::dates;
use crate::web::form;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OrgForm {
    pub name: String,
    pub currency: String,
    pub timezone: String,
    pub admin_first_name: String,
    pub admin_last_name: String,
    pub admin_email: String,
}

pub(super) struct ValidOrg {
    pub(super) name: String,
    pub(super) currency: String,
    pub(super) timezone: String,
}

pub(super) fn validate_org(f: &OrgForm, e: &mut FieldErrors) -> Option<ValidOrg> {
    let name = e.check(
        "name",
        form::required(&f.name, "the organization's name", 100),
    );
    if !money::is_currency(f.currency.trim()) {
        e.add("currency", "Choose a currency from the list (ISO 4217).");
    }
    let timezone = e.check("timezone", dates::required_timezone(&f.timezone));
    Some(ValidOrg {
        name: name?,
        currency: f.currency.trim().to_string(),
        timezone: timezone?,
    })
    .filter(|_| e.is_empty())
}

/// The first admin's names and e-mail, on a new organization.
pub(super) fn validate_admin(f: &OrgForm, e: &mut FieldErrors) -> Option<(String, String, String)> {
    let first = e.check(
        "admin_first_name",
        form::required(&f.admin_first_name, "the admin's first name", 150),
    );
    let last = e.check(
        "admin_last_name",
        form::required(&f.admin_last_name, "the admin's last name", 150),
    );
    let email = e.check("admin_email", form::email(&f.admin_email));
    Some((first?, last?, email?))
}
