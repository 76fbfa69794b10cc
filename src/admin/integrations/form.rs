//! The provider configuration form. Secrets typed here are sealed before they are stored and
//! never shown back: an empty secret field keeps the stored one.

use serde::Deserialize;

use crate::integrations::queries::{ProviderRecord, TYPES};
use crate::web::FieldErrors;
use crate::web::form;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProviderForm {
    pub provider_type: String,
    pub provider_name: String,
    pub base_url: String,
    pub is_active: String,
    pub credentials: String,
    pub webhook_secret: String,
}

/// The form's values, secrets still in the clear (sealed by the handler).
pub struct Checked {
    pub provider_type: &'static str,
    pub provider_name: String,
    pub base_url: Option<String>,
    pub is_active: bool,
    pub credentials: Option<String>,
    pub webhook_secret: Option<String>,
}

impl ProviderForm {
    pub fn of(p: &ProviderRecord) -> Self {
        Self {
            provider_type: p.provider_type.clone(),
            provider_name: p.provider_name.clone(),
            base_url: p.base_url().unwrap_or_default(),
            is_active: if p.is_active {
                "on".into()
            } else {
                String::new()
            },
            credentials: String::new(),
            webhook_secret: String::new(),
        }
    }

    /// The form as shown again after a refusal: the secrets typed are not sent back.
    pub fn without_secrets(mut self) -> Self {
        self.credentials.clear();
        self.webhook_secret.clear();
        self
    }

    pub fn validate(&self, e: &mut FieldErrors) -> Option<Checked> {
        let provider_type = TYPES
            .iter()
            .find(|(c, _)| *c == self.provider_type)
            .map(|(c, _)| *c);
        if provider_type.is_none() {
            e.add("provider_type", "Choose sign-in, CRM or billing.");
        }
        let provider_name = match form::required(&self.provider_name, "the provider's name", 50) {
            Ok(n)
                if n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_ .".contains(c)) =>
            {
                Some(n)
            }
            Ok(_) => {
                e.add(
                    "provider_name",
                    "Use letters, digits, spaces, - and _ only.",
                );
                None
            }
            Err(m) => {
                e.add("provider_name", m);
                None
            }
        };
        let base_url = match form::optional(&self.base_url, 300) {
            Ok(Some(u)) if u.starts_with("https://") || u.starts_with("http://") => Some(Some(u)),
            Ok(Some(_)) => {
                e.add(
                    "base_url",
                    "Give the address with https://, like https://api.example.com.",
                );
                None
            }
            Ok(None) => Some(None),
            Err(m) => {
                e.add("base_url", m);
                None
            }
        };
        let secret = |v: &str, field: &'static str, e: &mut FieldErrors| match v.trim() {
            "" => Some(None),
            s if s.len() > 2000 => {
                e.add(field, "Use at most 2,000 characters.");
                None
            }
            s if field == "webhook_secret" && s.len() < 16 => {
                e.add(field, "A webhook secret has at least 16 characters.");
                None
            }
            s => Some(Some(s.to_string())),
        };
        let credentials = secret(&self.credentials, "credentials", e);
        let webhook_secret = secret(&self.webhook_secret, "webhook_secret", e);
        Some(Checked {
            provider_type: provider_type?,
            provider_name: provider_name?,
            base_url: base_url?,
            is_active: self.is_active == "on",
            credentials: credentials?,
            webhook_secret: webhook_secret?,
        })
        .filter(|_| e.is_empty())
    }
}
