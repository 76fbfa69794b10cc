//! The lead form, the move form and the activity form: what is typed, checked into values, with
//! a message per field.

use serde::Deserialize;

use super::activities::ActivityValues;
use super::queries::LeadRecord;
use crate::domain::money::{currency_exponent, minor_to_input, scaled_decimal};
use crate::web::FieldErrors;
use crate::web::dates;
use crate::web::form;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LeadForm {
    pub title: String,
    pub company_name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub value: String,
    pub probability: String,
    pub expected_close_date: String,
    /// The partner's public id; empty for none.
    pub partner: String,
}

/// A lead's fields as typed and checked; the partner is resolved against the scope afterwards.
#[derive(Clone)]
pub struct Checked {
    pub title: String,
    pub company_name: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub value_minor: Option<i64>,
    pub probability: Option<i32>,
    pub expected_close_date: Option<chrono::NaiveDate>,
}

impl LeadForm {
    pub fn of(l: &LeadRecord, partner: Option<String>) -> Self {
        Self {
            title: l.title.clone(),
            company_name: l.company_name.clone().unwrap_or_default(),
            contact_name: l.contact_name.clone().unwrap_or_default(),
            contact_email: l.contact_email.clone().unwrap_or_default(),
            contact_phone: l.contact_phone.clone().unwrap_or_default(),
            value: l
                .value_minor
                .map(|v| minor_to_input(v, currency_exponent(&l.currency)))
                .unwrap_or_default(),
            probability: l.probability.map(|p| p.to_string()).unwrap_or_default(),
            expected_close_date: l
                .expected_close_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            partner: partner.unwrap_or_default(),
        }
    }

    pub fn validate(&self, currency: &str, e: &mut FieldErrors) -> Option<Checked> {
        let title = e.check(
            "title",
            form::required(&self.title, "a title for the lead", 200),
        );
        let company_name = e.check("company_name", form::optional(&self.company_name, 200));
        let contact_name = e.check("contact_name", form::optional(&self.contact_name, 200));
        let contact_email = if self.contact_email.trim().is_empty() {
            Some(None)
        } else {
            e.check("contact_email", form::email(&self.contact_email))
                .map(Some)
        };
        let contact_phone = e.check("contact_phone", form::phone(&self.contact_phone));
        let value_minor = e.check(
            "value",
            scaled_decimal(
                &self.value,
                currency_exponent(currency),
                1_000_000_000_000_000,
            ),
        );
        let probability = match self.probability.trim() {
            "" => Some(None),
            p => match p.trim_end_matches('%').trim().parse::<i32>() {
                Ok(n) if (0..=100).contains(&n) => Some(Some(n)),
                _ => {
                    e.add("probability", "Give a whole percentage from 0 to 100.");
                    None
                }
            },
        };
        let expected_close_date = e.check(
            "expected_close_date",
            dates::date(&self.expected_close_date),
        );
        Some(Checked {
            title: title?,
            company_name: company_name?,
            contact_name: contact_name?,
            contact_email: contact_email?,
            contact_phone: contact_phone?,
            value_minor: value_minor?,
            probability: probability?,
            expected_close_date: expected_close_date?,
        })
        .filter(|_| e.is_empty())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    pub to: String,
    pub reason: String,
    /// Where to go back to: the board or the lead's page.
    pub back: String,
}

pub const ACTIVITY_TYPES: [(&str, &str); 4] = [
    ("call", "Call"),
    ("email", "E-mail"),
    ("meeting", "Meeting"),
    ("task", "Task"),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActivityForm {
    pub activity_type: String,
    pub subject: String,
    pub description: String,
    pub due_at: String,
}

impl ActivityForm {
    pub fn validate(&self, tz: chrono_tz::Tz, e: &mut FieldErrors) -> Option<ActivityValues> {
        let activity_type = ACTIVITY_TYPES
            .iter()
            .find(|(c, _)| *c == self.activity_type)
            .map(|(c, _)| *c);
        if activity_type.is_none() {
            e.add(
                "activity_type",
                "Choose a call, an e-mail, a meeting or a task.",
            );
        }
        let subject = e.check(
            "subject",
            form::required(&self.subject, "what it is about", 200),
        );
        let description = e.check("description", form::optional(&self.description, 2000));
        let due_at = e.check("due_at", dates::local_datetime(&self.due_at, tz));
        Some(ActivityValues {
            activity_type: activity_type?,
            subject: subject?,
            description: description?,
            due_at: due_at?,
        })
        .filter(|_| e.is_empty())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    pub content: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_needs_a_title_and_sane_figures() {
        let mut e = FieldErrors::default();
        let bad = LeadForm {
            title: " ".into(),
            contact_email: "nope".into(),
            value: "12.345".into(),
            probability: "120".into(),
            expected_close_date: "tomorrow".into(),
            ..Default::default()
        };
        assert!(bad.validate("USD", &mut e).is_none());
        for f in [
            "title",
            "contact_email",
            "value",
            "probability",
            "expected_close_date",
        ] {
            assert!(e.has(f), "{f}");
        }
        let mut e = FieldErrors::default();
        let ok = LeadForm {
            title: "Backup for 40 seats".into(),
            value: "1250.50".into(),
            probability: "40%".into(),
            ..Default::default()
        }
        .validate("USD", &mut e)
        .expect("valid");
        assert_eq!((ok.value_minor, ok.probability), (Some(125_050), Some(40)));
    }
}
