//! An audit entry as a person reads it: a sentence ("Ada Admin created user Nora Newcomer"),
//! when and from where, and its changes as "label: old → new". Records are named and linked
//! where they still exist and the viewer may open them; field names become words.

use serde_json::Value;

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

/// One changed field: `old` is `None` where the entry only records the new value (a creation).
pub struct Change {
    pub label: String,
    pub old: Option<String>,
    pub new: String,
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

/// Field names as words: "sales_target" is "Sales target".
pub fn field_label(key: &str) -> String {
    let known = match key {
        "email" => Some("E-mail"),
        "is_active" => Some("Active"),
        "role_id" => Some("Role"),
        "must_change_password" => Some("Must choose a new password"),
        "sessions_ended" => Some("Sessions ended"),
        "other_sessions_ended" => Some("Other sessions ended"),
        "was_temporary" => Some("Replaced a temporary password"),
        "locked_minutes" => Some("Locked for (minutes)"),
        "rows" => Some("Entries"),
        "truncated" => Some("Cut at the export limit"),
        "second_approval_threshold" => Some("Second approval above"),
        "url" | "website" => Some("Website"),
        _ => None,
    };
    if let Some(k) = known {
        return k.to_string();
    }
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Values as words: permission keys become their labels, reasons lose their underscores.
fn value_text(key: &str, v: &Value, names: &Names) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        // Stored codes ("on_hold", "wrong_password") read as words.
        Value::String(s)
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_') =>
        {
            s.replace('_', " ")
        }
        Value::String(s) => {
            if s.is_empty() {
                "—".into()
            } else {
                s.clone()
            }
        }
        Value::Number(n) if key == "role_id" => n
            .as_i64()
            .and_then(|id| names.role_names_by_id.get(&id).cloned())
            .unwrap_or_else(|| n.to_string()),
        Value::Array(items) if items.is_empty() => "none".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| item_text(key, i))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", field_label(k), value_text(k, v, names)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Number(n) => n.to_string(),
    }
}

fn item_text(key: &str, v: &Value) -> String {
    match v {
        Value::String(s) if key == "permissions" => {
            Permission::from_key(s).map_or_else(|| s.clone(), |p| p.label().to_string())
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A list that changed reads as what was added and removed, not two long lists.
fn list_change(key: &str, old: &[Value], new: &[Value]) -> String {
    let added: Vec<String> = new
        .iter()
        .filter(|v| !old.contains(v))
        .map(|v| item_text(key, v))
        .collect();
    let removed: Vec<String> = old
        .iter()
        .filter(|v| !new.contains(v))
        .map(|v| item_text(key, v))
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", removed.join(", ")));
    }
    if parts.is_empty() {
        "reordered".into()
    } else {
        parts.join("; ")
    }
}

/// The entry's fields by name (new values first, then any only in the old ones).
pub fn changes(old: Option<&str>, new: Option<&str>, names: &Names) -> Vec<Change> {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<Value>(s).ok())
            .and_then(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
    };
    let (old, new) = (parse(old), parse(new));
    let mut keys: Vec<&String> = Vec::new();
    for m in [&new, &old].into_iter().flatten() {
        for k in m.keys() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys.into_iter()
        .filter_map(|k| {
            let n = new.as_ref().and_then(|m| m.get(k)).unwrap_or(&Value::Null);
            let label = field_label(k);
            let Some(old) = &old else {
                return Some(Change {
                    label,
                    old: None,
                    new: value_text(k, n, names),
                });
            };
            let o = old.get(k).unwrap_or(&Value::Null);
            if o == n {
                return None;
            }
            if let (Value::Array(a), Value::Array(b)) = (o, n) {
                return Some(Change {
                    label,
                    old: None,
                    new: list_change(k, a, b),
                });
            }
            Some(Change {
                label,
                old: Some(value_text(k, o, names)),
                new: value_text(k, n, names),
            })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn view(c: &[Change]) -> Vec<(String, Option<String>, String)> {
        c.iter()
            .map(|c| (c.label.clone(), c.old.clone(), c.new.clone()))
            .collect()
    }

    #[test]
    fn field_names_read_as_words() {
        assert_eq!(field_label("sales_target"), "Sales target");
        assert_eq!(field_label("commission_rate"), "Commission rate");
        assert_eq!(field_label("is_active"), "Active");
        assert_eq!(field_label("email"), "E-mail");
    }

    #[test]
    fn updates_show_only_what_changed_old_to_new() {
        let names = Names::default();
        let c = changes(
            Some(r#"{"name":"A","is_active":true,"tags":["x"]}"#),
            Some(r#"{"name":"B","is_active":false,"tags":["x"]}"#),
            &names,
        );
        assert_eq!(
            view(&c),
            [
                ("Active".into(), Some("yes".into()), "no".into()),
                ("Name".into(), Some("A".into()), "B".into()),
            ]
        );
    }

    #[test]
    fn creations_list_new_values_and_permissions_in_words() {
        let mut names = Names::default();
        names.role_names_by_id.insert(4, "Salesperson".into());
        let c = changes(
            None,
            Some(r#"{"role_id":4,"permissions":["calls.log","deals.create"],"phone":null}"#),
            &names,
        );
        assert_eq!(
            view(&c),
            [
                ("Permissions".into(), None, "Log calls, Create deals".into()),
                ("Phone".into(), None, "—".into()),
                ("Role".into(), None, "Salesperson".into()),
            ]
        );
    }

    #[test]
    fn changed_lists_say_what_was_added_and_removed() {
        let c = changes(
            Some(r#"{"permissions":["calls.log","deals.create"]}"#),
            Some(r#"{"permissions":["calls.log","reports.view"]}"#),
            &Names::default(),
        );
        assert_eq!(
            view(&c),
            [(
                "Permissions".into(),
                None,
                "added Reports; removed Create deals".into()
            )]
        );
    }
}
