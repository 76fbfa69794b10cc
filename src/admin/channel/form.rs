//! The partner and distributor form.

use serde::Deserialize;

use super::queries::{Company, CompanyValues};
use crate::web::FieldErrors;
use crate::web::form;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CompanyForm {
    pub name: String,
    pub legal_name: String,
    pub registration_number: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub city: String,
    pub country: String,
    pub is_active: String,
    pub notes: String,
}

impl CompanyForm {
    pub fn blank() -> Self {
        Self {
            is_active: "on".into(),
            ..Self::default()
        }
    }

    pub fn of(c: &Company) -> Self {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            name: c.name.clone(),
            legal_name: s(&c.legal_name),
            registration_number: s(&c.registration_number),
            email: s(&c.email),
            phone: s(&c.phone),
            website: s(&c.website),
            city: s(&c.city),
            country: s(&c.country),
            is_active: if c.is_active {
                "on".into()
            } else {
                String::new()
            },
            notes: s(&c.notes),
        }
    }

    pub fn validate(&self, e: &mut FieldErrors) -> Option<CompanyValues> {
        let name = e.check(
            "name",
            form::required(&self.name, "the company's name", 200),
        );
        let legal_name = e.check("legal_name", form::optional(&self.legal_name, 200));
        let registration_number = e.check(
            "registration_number",
            form::optional(&self.registration_number, 50),
        );
        let email = if self.email.trim().is_empty() {
            Some(None)
        } else {
            e.check("email", form::email(&self.email)).map(Some)
        };
        let phone = e.check("phone", form::phone(&self.phone));
        let website = match form::optional(&self.website, 200) {
            Ok(Some(w)) if !(w.starts_with("https://") || w.starts_with("http://")) => {
                e.add(
                    "website",
                    "Give the address with https://, like https://example.com.",
                );
                None
            }
            other => e.check("website", other),
        };
        let city = e.check("city", form::optional(&self.city, 100));
        let country = match self.country.trim() {
            "" => Some(None),
            c if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
                Some(Some(c.to_ascii_uppercase()))
            }
            _ => {
                e.add(
                    "country",
                    "Give the two-letter country code, like FR or US.",
                );
                None
            }
        };
        let notes = e.check("notes", form::optional(&self.notes, 2000));
        Some(CompanyValues {
            name: name?,
            legal_name: legal_name?,
            registration_number: registration_number?,
            email: email?,
            phone: phone?,
            website: website?,
            city: city?,
            country: country?,
            is_active: self.is_active == "on",
            notes: notes?,
        })
        .filter(|_| e.is_empty())
    }
}

pub fn audit_json(v: &CompanyValues) -> serde_json::Value {
    serde_json::json!({
        "name": v.name, "legal_name": v.legal_name, "registration_number": v.registration_number,
        "email": v.email, "phone": v.phone, "website": v.website, "city": v.city,
        "country": v.country, "is_active": v.is_active, "notes": v.notes,
    })
}

impl CompanyValues {
    pub fn of(c: &Company) -> Self {
        Self {
            name: c.name.clone(),
            legal_name: c.legal_name.clone(),
            registration_number: c.registration_number.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            website: c.website.clone(),
            city: c.city.clone(),
            country: c.country.clone(),
            is_active: c.is_active,
            notes: c.notes.clone(),
        }
    }
}
