//! An audit entry as a person reads it: a sentence ("Ada Admin created user Nora Newcomer"),
//! when and from where, and its changes as "label: old → new". Records are named and linked
//! where they still exist and the viewer may open them; field names become words.

use serde_json::Value;

use super::changes::{Change, changes};
use super::queries::Names;
use crate::audit::{AuditRow, actions};
use crate::permissions::Permission;
use crate::web::Ctx;
use crate::web::time::When;

/// A piece of an entry's sentence: plain words, or a record's name with its page.
pub struct Part {
    pub text: String,
    pub href: Option<String>,
    pub strong: bool,
}

impl Part {
    fn words(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: None,
            strong: false,
        }
    }

    fn name(text: impl Into<String>, href: Option<String>) -> Self {
        Self {
            text: text.into(),
            href,
            strong: true,
        }
    }
}

pub struct EntryView {
    pub tag: &'static str,
    /// "security" (sign-ins, passwords, sessions), "danger" (failures, locks, deletions) or "".
    pub tone: &'static str,
    pub sentence: Vec<Part>,
    pub when: When,
    pub ip: Option<String>,
    pub changes: Vec<Change>,
}

/// The filter's plain words for an action.
pub fn action_label(action: &str) -> &'static str {
    match action {
        actions::CREATE => "Created",
        actions::UPDATE => "Changed",
        actions::DELETE => "Deleted",
        actions::EXPORT => "Exported",
        actions::VIEW => "Opened",
        actions::LOGIN => "Signed in",
        actions::LOGIN_FAILED => "Failed sign-in",
        actions::LOGOUT => "Signed out",
        actions::LOGOUT_ALL => "Signed out everywhere",
        actions::PASSWORD_CHANGE => "Password changed",
        actions::PASSWORD_RESET => "Password reset",
        actions::PASSWORD_CHANGE_FAILED => "Wrong current password",
        actions::ACCOUNT_LOCK => "Account locked",
        actions::SESSION_REVOKED => "Session ended",
        actions::REGISTER => "Registered",
        _ => "Other",
    }
}

/// The filter's plain words for a kind of record.
pub fn kind_label(entity_type: &str) -> &'static str {
    match entity_type {
        "audit_log" => "audit log",
        "call" => "call",
        "client" => "client",
        "deal" => "deal",
        "payment" => "payment",
        "receipt" => "receipt",
        "loss_reason" => "loss reason",
        "organization" => "organization",
        "platform_admin" => "platform administrator",
        "profile" => "profile",
        "project" => "project",
        "role" => "role",
        "session" => "session",
        "settings" => "settings",
        "team" => "team",
        "user" => "user",
        "logo" => "logo",
        _ => "record",
    }
}

fn tone(action: &str) -> &'static str {
    match action {
        actions::LOGIN_FAILED
        | actions::PASSWORD_CHANGE_FAILED
        | actions::ACCOUNT_LOCK
        | actions::DELETE => "danger",
        actions::LOGIN
        | actions::LOGOUT
        | actions::LOGOUT_ALL
        | actions::PASSWORD_CHANGE
        | actions::PASSWORD_RESET
        | actions::SESSION_REVOKED
        | actions::REGISTER => "security",
        _ => "",
    }
}

/// The record an entry is about: its name (from the organization's rows, else from the entry's
/// own values for a removed one) and its page when the viewer may open it.
fn subject(row: &AuditRow, names: &Names, ctx: &Ctx) -> Part {
    let id = row.entity_id.as_deref().unwrap_or_default();
    let from_values = || {
        [row.new_values.as_deref(), row.old_values.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|v| serde_json::from_str::<Value>(v).ok())
            .find_map(|v| {
                let name = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
                name("name")
                    .or_else(|| name("email"))
                    .or_else(|| name("user"))
            })
    };
    let link = |perm: Permission, href: String| ctx.can(perm).then_some(href);
    let named = |found: Option<&String>, perm: Permission, href: String| match found {
        Some(n) => (Some(n.clone()), link(perm, href)),
        None => (from_values(), None),
    };
    let (name, href) = match row.entity_type.as_str() {
        "user" | "profile" => named(
            names.users.get(id),
            Permission::UsersManage,
            format!("/admin/users/{id}"),
        ),
        "role" => named(
            names.roles.get(id),
            Permission::RolesManage,
            format!("/admin/roles/{id}"),
        ),
        "team" => named(
            names.teams.get(id),
            Permission::TeamsManage,
            format!("/admin/teams/{id}"),
        ),
        "project" => named(
            names.projects.get(id),
            Permission::TeamsManage,
            format!("/admin/projects/{id}"),
        ),
        "loss_reason" => named(
            names.loss_reasons.get(id),
            Permission::OrgManage,
            format!("/admin/settings/loss-reasons/{id}"),
        ),
        // Only whoever sees every client can open any of them.
        "client" if ctx.can(Permission::DealsViewAll) => named(
            names.clients.get(id),
            Permission::ClientsManage,
            format!("/sales/clients/{id}"),
        ),
        "client" => (names.clients.get(id).cloned().or_else(from_values), None),
        "session" => match names.sessions.get(id) {
            Some((uid, n)) => (
                Some(format!("of {n}")),
                link(Permission::UsersManage, format!("/admin/users/{uid}")),
            ),
            None => (from_values().map(|u| format!("of {u}")), None),
        },
        "settings" | "logo" | "organization" => (
            ctx.user.organization_name.clone(),
            link(Permission::OrgManage, "/admin/settings".into()),
        ),
        _ => (from_values(), None),
    };
    Part::name(name.unwrap_or_else(|| "(removed)".into()), href)
}

fn actor(row: &AuditRow, names: &Names, ctx: &Ctx) -> Part {
    match row.actor_user_id.and_then(|id| names.users_by_id.get(&id)) {
        Some((public_id, name)) => Part::name(
            name.clone(),
            ctx.can(Permission::UsersManage)
                .then(|| format!("/admin/users/{public_id}")),
        ),
        None => Part::name(
            row.actor_email.clone().unwrap_or_else(|| "Dealdesk".into()),
            None,
        ),
    }
}

pub fn entry(row: AuditRow, names: &Names, ctx: &Ctx) -> EntryView {
    let who = actor(&row, names, ctx);
    let kind = kind_label(&row.entity_type);
    let sentence = match row.action.as_str() {
        actions::LOGIN => vec![who, Part::words("signed in")],
        actions::LOGOUT => vec![who, Part::words("signed out")],
        actions::LOGOUT_ALL => vec![who, Part::words("signed out of every other session")],
        actions::REGISTER => vec![who, Part::words("registered")],
        actions::PASSWORD_CHANGE => vec![who, Part::words("changed their password")],
        actions::PASSWORD_CHANGE_FAILED => vec![
            who,
            Part::words("gave a wrong current password when changing their password"),
        ],
        actions::LOGIN_FAILED => {
            let typed = row.actor_email.clone().unwrap_or_default();
            vec![
                Part::words("Failed sign-in as"),
                Part::name(typed, who.href),
            ]
        }
        actions::ACCOUNT_LOCK => vec![
            subject(&row, names, ctx),
            Part::words("was locked out after repeated failed sign-ins"),
        ],
        actions::PASSWORD_RESET => vec![
            who,
            Part::words("reset the password of"),
            subject(&row, names, ctx),
        ],
        actions::SESSION_REVOKED => vec![who, Part::words("ended a session"), {
            let mut s = subject(&row, names, ctx);
            s.strong = false;
            s
        }],
        actions::EXPORT => vec![who, Part::words(format!("exported the {kind}"))],
        _ if matches!(row.entity_type.as_str(), "settings" | "logo") => vec![
            who,
            Part::words(format!(
                "{} the {kind} of",
                action_label(&row.action).to_lowercase()
            )),
            subject(&row, names, ctx),
        ],
        _ if row.entity_type == "profile" => {
            vec![who, Part::words("changed their profile")]
        }
        _ => vec![
            who,
            Part::words(format!(
                "{} {kind}",
                action_label(&row.action).to_lowercase()
            )),
            subject(&row, names, ctx),
        ],
    };
    EntryView {
        tag: action_label(&row.action),
        tone: tone(&row.action),
        sentence,
        when: ctx.local_time(Some(row.created_at)),
        ip: row.ip_address.clone(),
        changes: changes(row.old_values.as_deref(), row.new_values.as_deref(), names),
    }
}
