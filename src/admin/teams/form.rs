//! The team and member forms: what is typed, checked, with a message per field.

use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use super::queries::{Member, user_by_email};
use crate::db::AnyConnection;
use crate::schema::teams;
use crate::web::form::{self, FormError};
use crate::web::{FieldErrors, OrgScope};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TeamForm {
    pub name: String,
    pub description: String,
    /// The lead's e-mail; empty for none.
    pub lead: String,
    pub is_active: Option<String>,
}

pub(super) struct ValidTeam {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) lead: Option<Member>,
    pub(super) is_active: bool,
}

pub(super) fn validate_team(
    conn: &mut AnyConnection,
    scope: OrgScope,
    f: &TeamForm,
    except: Option<i64>,
) -> Result<ValidTeam, FormError> {
    let mut e = FieldErrors::default();
    let name = e.check("name", form::required(&f.name, "a name", 100));
    let description = e.check("description", form::optional(&f.description, 1000));
    let lead = if f.lead.trim().is_empty() {
        None
    } else {
        let found = user_by_email(conn, scope, &f.lead)?;
        if found.is_none() {
            e.add(
                "lead",
                "No active user of your organization has this e-mail.",
            );
        }
        found
    };
    if let Some(n) = &name {
        let taken: Option<i64> = teams::table
            .filter(teams::organization_id.eq(scope.id()))
            .filter(crate::db::lower(teams::name).eq(n.to_lowercase()))
            .select(teams::id)
            .first(conn)
            .optional()?;
        if taken.is_some_and(|id| Some(id) != except) {
            e.add("name", "Another team has this name.");
        }
    }
    match (name, description, e.is_empty()) {
        (Some(name), Some(description), true) => Ok(ValidTeam {
            name,
            description,
            lead,
            is_active: f.is_active.is_some(),
        }),
        _ => Err(FormError::Invalid(e)),
    }
}

pub(super) fn team_json(v: &ValidTeam) -> Value {
    json!({
        "name": v.name,
        "description": v.description,
        "lead": v.lead.as_ref().map(|l| l.2.clone()),
        "is_active": v.is_active,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub email: String,
}
