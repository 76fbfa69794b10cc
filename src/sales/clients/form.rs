//! The client form: what is typed, checked into `ClientValues`, with a message per field.

use serde::Deserialize;

use super::queries::{ClientRecord, ClientValues};
use crate::web::FieldErrors;
use crate::web::form;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClientForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub satisfaction: String,
    pub notes: String,
}

/// Stars, with "not rated".
pub const SATISFACTION: [(&str, &str); 7] = [
    ("", "Not rated"),
    ("0", "0 stars"),
    ("1", "1 star"),
    ("2", "2 stars"),
    ("3", "3 stars"),
    ("4", "4 stars"),
    ("5", "5 stars"),
];

impl ClientForm {
    pub fn of(c: &ClientRecord) -> Self {
        Self {
            name: c.name.clone(),
            email: c.email.clone().unwrap_or_default(),
            phone: c.phone.clone().unwrap_or_default(),
            address: c.address.clone().unwrap_or_default(),
            satisfaction: c
                .satisfaction_rating
                .map(|r| r.to_string())
                .unwrap_or_default(),
            notes: c.notes.clone().unwrap_or_default(),
        }
    }

    pub fn validate(&self, e: &mut FieldErrors) -> Option<ClientValues> {
        let name = e.check("name", form::required(&self.name, "the client's name", 200));
        let email = if self.email.trim().is_empty() {
            Some(None)
        } else {
            e.check("email", form::email(&self.email)).map(Some)
        };
        let phone = e.check("phone", form::phone(&self.phone));
        let address = e.check("address", form::optional(&self.address, 500));
        let notes = e.check("notes", form::optional(&self.notes, 2000));
        let satisfaction = match self.satisfaction.trim() {
            "" => Some(None),
            s => match s.parse::<i32>() {
                Ok(n) if (0..=5).contains(&n) => Some(Some(n)),
                _ => {
                    e.add("satisfaction", "Choose from 0 to 5 stars, or not rated.");
                    None
                }
            },
        };
        Some(ClientValues {
            name: name?,
            email: email?,
            phone: phone?,
            address: address?,
            satisfaction_rating: satisfaction?,
            notes: notes?,
        })
        .filter(|_| e.is_empty())
    }
}

/// The audited fields of a client, in words an admin reads in the audit log.
pub fn audit_json(v: &ClientValues) -> serde_json::Value {
    serde_json::json!({
        "name": v.name,
        "email": v.email,
        "phone": v.phone,
        "address": v.address,
        "satisfaction": v.satisfaction_rating,
        "notes": v.notes,
    })
}

impl ClientValues {
    pub fn of(c: &ClientRecord) -> Self {
        Self {
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            address: c.address.clone(),
            satisfaction_rating: c.satisfaction_rating,
            notes: c.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_needs_a_name_and_valid_contact_details() {
        let mut e = FieldErrors::default();
        let f = ClientForm {
            name: "  ".into(),
            email: "not-an-email".into(),
            phone: "call me".into(),
            satisfaction: "7".into(),
            ..Default::default()
        };
        assert!(f.validate(&mut e).is_none());
        for field in ["name", "email", "phone", "satisfaction"] {
            assert!(e.has(field), "{field}");
        }
        let mut e = FieldErrors::default();
        let ok = ClientForm {
            name: " Northwind\tTraders ".into(),
            email: "Buyer@Northwind.example".into(),
            satisfaction: "4".into(),
            ..Default::default()
        }
        .validate(&mut e)
        .expect("valid");
        assert_eq!(ok.name, "Northwind Traders");
        assert_eq!(ok.email.as_deref(), Some("buyer@northwind.example"));
        assert_eq!(ok.satisfaction_rating, Some(4));
        assert_eq!(ok.phone, None);
    }
}
