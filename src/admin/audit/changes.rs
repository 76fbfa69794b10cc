//! An audit entry's changes as "label: old → new": field names become words, ids of other
//! records their names, lists say what was added and removed.

use serde_json::Value;

use super::queries::Names;
use crate::permissions::Permission;

/// One changed field: `old` is `None` where the entry only records the new value (a creation).
pub struct Change {
    pub label: String,
    pub old: Option<String>,
    pub new: String,
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
