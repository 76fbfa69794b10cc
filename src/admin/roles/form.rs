//! The role form: a name, a description and permission checkboxes grouped by area, checked against what the actor may grant.

use serde_json::{Value, json};

use super::queries::RoleRecord;
use crate::domain::money;
use crate::error::AppError;
use crate::permissions::{ALL, Permission, PermissionSet};
use crate::web::FieldErrors;
use crate::web::form;

pub struct PermItem {
    pub key: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub checked: bool,
    /// The actor holds it, so may grant or remove it.
    pub allowed: bool,
}

pub struct PermGroup {
    pub area: &'static str,
    pub items: Vec<PermItem>,
}

pub(super) fn groups(selected: PermissionSet, actor: PermissionSet) -> Vec<PermGroup> {
    let mut out: Vec<PermGroup> = Vec::new();
    for p in ALL {
        let item = PermItem {
            key: p.key(),
            label: p.label(),
            description: p.description(),
            checked: selected.contains(p),
            allowed: actor.contains(p),
        };
        match out.iter_mut().find(|g| g.area == p.area()) {
            Some(g) => g.items.push(item),
            None => out.push(PermGroup {
                area: p.area(),
                items: vec![item],
            }),
        }
    }
    out
}

#[derive(Debug, Clone, Default)]
pub struct RoleForm {
    pub name: String,
    pub description: String,
    pub commission_rate: String,
    pub is_active: bool,
    pub permissions: PermissionSet,
    /// Keys sent that are not in the catalog: a forged or stale form.
    pub unknown: bool,
}

impl RoleForm {
    /// Reads the posted pairs; permissions come as `perm=<key>` repeated.
    pub(super) fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = RoleForm::default();
        let mut keys = Vec::new();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v.clone(),
                "description" => f.description = v.clone(),
                "commission_rate" => f.commission_rate = v.clone(),
                "is_active" => f.is_active = true,
                "perm" => {
                    if Permission::from_key(v).is_none() {
                        f.unknown = true;
                    }
                    keys.push(v.as_str());
                }
                _ => {}
            }
        }
        f.permissions = PermissionSet::from_keys(keys);
        f
    }

    pub(super) fn of(role: &RoleRecord, perms: PermissionSet) -> Self {
        RoleForm {
            name: role.name.clone(),
            description: role.description.clone().unwrap_or_default(),
            commission_rate: role
                .commission_rate_bp
                .map(|bp| money::bp_to_percent(bp.into()))
                .unwrap_or_default(),
            is_active: role.is_active,
            permissions: perms,
            unknown: false,
        }
    }
}

pub(crate) struct ValidRole {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) commission_rate_bp: Option<i32>,
    pub(crate) is_active: bool,
    pub(crate) permissions: PermissionSet,
}

impl ValidRole {
    /// The role as stored, to compare the form's values with.
    pub(super) fn of(role: &RoleRecord, permissions: PermissionSet) -> Self {
        ValidRole {
            name: role.name.clone(),
            description: role.description.clone(),
            commission_rate_bp: role.commission_rate_bp,
            is_active: role.is_active,
            permissions,
        }
    }
}

pub(super) fn audit_json(v: &ValidRole) -> Value {
    let keys: Vec<&str> = v.permissions.iter().map(|p| p.key()).collect();
    json!({
        "name": v.name,
        "description": v.description,
        "commission_rate": v.commission_rate_bp.map(|bp| format!("{}%", money::bp_to_percent(bp.into()))),
        "is_active": v.is_active,
        "permissions": keys,
    })
}

/// Checks the form. The permissions saved are what the actor may decide (those they hold, as
/// ticked) plus what the role already had beyond the actor's reach; ticking a permission the
/// actor lacks is refused outright (403), since the form never offers it.
pub(super) fn validate(
    f: &RoleForm,
    actor: PermissionSet,
    existing: PermissionSet,
) -> Result<Result<ValidRole, FieldErrors>, AppError> {
    if f.unknown {
        return Err(AppError::BadRequest(
            "The form named a permission that does not exist. Reload the page and try again."
                .into(),
        ));
    }
    let escalates = f
        .permissions
        .iter()
        .any(|p| !actor.contains(p) && !existing.contains(p));
    if escalates {
        return Err(AppError::Forbidden);
    }
    let kept = existing.iter().filter(|p| !actor.contains(*p));
    let decided = f.permissions.iter().filter(|p| actor.contains(*p));
    let permissions = PermissionSet::of(&kept.chain(decided).collect::<Vec<_>>());
    let mut e = FieldErrors::default();
    let name = e.check("name", form::required(&f.name, "a name", 50));
    let description = e.check("description", form::optional(&f.description, 500));
    let commission = e.check("commission_rate", money::percent_bp(&f.commission_rate));
    match (name, description, commission, e.is_empty()) {
        (Some(name), Some(description), Some(commission), true) => Ok(Ok(ValidRole {
            name,
            description,
            commission_rate_bp: commission.and_then(|bp| i32::try_from(bp).ok()),
            is_active: f.is_active,
            permissions,
        })),
        _ => Ok(Err(e)),
    }
}
