//! The broadcast form: title, message, audience and priority, checked.

use serde::{Deserialize, Serialize};

use crate::admin::users::queries::Choice;
use crate::notifications::broadcast::Audience;
use crate::web::FieldErrors;
use crate::web::form::required;

pub const PRIORITIES: [(&str, &str); 3] = [
    ("low", "Low"),
    ("medium", "Normal"),
    ("high", "High: stands out"),
];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BroadcastForm {
    pub title: String,
    pub message: String,
    /// "everyone", "role:ID" or "team:ID" (public ids).
    pub audience: String,
    pub priority: String,
}

pub struct Valid {
    pub title: String,
    pub message: String,
    pub audience: Audience,
    /// Who it went to, in words, for the audit log and the message.
    pub audience_name: String,
    pub priority: &'static str,
}

/// The audience options: everyone, then each role and each team.
pub fn audiences(roles: &[Choice], teams: &[Choice]) -> Vec<(String, String)> {
    let mut out = vec![(
        "everyone".to_string(),
        "Everyone in the organization".to_string(),
    )];
    out.extend(
        roles
            .iter()
            .map(|(_, p, n)| (format!("role:{p}"), format!("Role: {n}"))),
    );
    out.extend(
        teams
            .iter()
            .map(|(_, p, n)| (format!("team:{p}"), format!("Team: {n}"))),
    );
    out
}

impl BroadcastForm {
    pub fn validate(&self, roles: &[Choice], teams: &[Choice]) -> Result<Valid, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = e.check("title", required(&self.title, "a title", 200));
        let message = e.check("message", required(&self.message, "the message", 2_000));
        let find = |list: &[Choice], id: &str| {
            list.iter()
                .find(|(_, p, _)| p.to_string() == id)
                .map(|(i, _, n)| (*i, n.clone()))
        };
        let audience = match self.audience.split_once(':') {
            _ if self.audience == "everyone" => Some((Audience::Everyone, "everyone".to_string())),
            Some(("role", id)) => {
                find(roles, id).map(|(i, n)| (Audience::Role(i), format!("the role {n}")))
            }
            Some(("team", id)) => {
                find(teams, id).map(|(i, n)| (Audience::Team(i), format!("the team {n}")))
            }
            _ => None,
        };
        if audience.is_none() {
            e.add("audience", "Choose who receives it from the list.");
        }
        let priority = PRIORITIES
            .iter()
            .find(|(k, _)| *k == self.priority)
            .map(|(k, _)| *k);
        if priority.is_none() {
            e.add("priority", "Choose a priority from the list.");
        }
        match (title, message, audience, priority) {
            (Some(title), Some(message), Some((audience, audience_name)), Some(priority))
                if e.is_empty() =>
            {
                Ok(Valid {
                    title,
                    message,
                    audience,
                    audience_name,
                    priority,
                })
            }
            _ => Err(e),
        }
    }
}
