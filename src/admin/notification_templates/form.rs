//! The template form: a title and a message using only the kind's variables, switched on or off.

use serde::{Deserialize, Serialize};

use crate::notifications::templates::{Kind, check};
use crate::web::FieldErrors;
use crate::web::form::required;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TemplateForm {
    pub title: String,
    pub message: String,
    /// "on" when the organization's words replace the default.
    pub active: Option<String>,
    /// "preview" shows the words with example values; anything else saves them.
    pub intent: String,
}

#[derive(Debug)]
pub struct Valid {
    pub title: String,
    pub message: String,
    pub active: bool,
}

impl TemplateForm {
    pub fn validate(&self, kind: &Kind) -> Result<Valid, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = e.check("title", required(&self.title, "a title", 200));
        let message = e.check("message", required(&self.message, "the message", 2_000));
        if let Some(t) = &title {
            e.check("title", check(kind, t));
        }
        if let Some(m) = &message {
            e.check("message", check(kind, m));
        }
        match (title, message) {
            (Some(title), Some(message)) if e.is_empty() => Ok(Valid {
                title,
                message,
                active: self.active.is_some(),
            }),
            _ => Err(e),
        }
    }

    pub fn is_preview(&self) -> bool {
        self.intent == "preview"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::templates::PAYMENT_REJECTED;

    #[test]
    fn a_template_is_checked_for_its_kinds_variables() {
        let form = |title: &str, message: &str| TemplateForm {
            title: title.into(),
            message: message.into(),
            active: Some("on".into()),
            intent: String::new(),
        };
        let v = form("Rejected: {{number}}", "{{reason}}: {{comment}}")
            .validate(PAYMENT_REJECTED)
            .expect("valid");
        assert!(v.active);
        let e = form(" ", "{{bonus}} for {{recipient}}")
            .validate(PAYMENT_REJECTED)
            .expect_err("invalid");
        assert!(e.has("title"));
        assert!(
            e.get("message")
                .is_some_and(|m| m.starts_with("Unknown variable: {{bonus}}."))
        );
    }
}
