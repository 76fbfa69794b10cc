//! Form plumbing shared by every area: field errors carried to the template, and parsers that
//! turn what people type (names, e-mails, phones) into stored values, each with a message that
//! says how to fix the input. Amounts are in `web::money`, dates and time zones in `web::dates`.

use std::collections::BTreeMap;

use crate::error::Contention;

/// Errors by field name; the template shows each beside its field.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        // The first problem found is the one to fix first.
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The status of a page shown with these errors: 422 when there are any, else 200.
    pub fn status(&self) -> actix_web::http::StatusCode {
        if self.is_empty() {
            actix_web::http::StatusCode::OK
        } else {
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// Adds another set of errors (those of a check made elsewhere).
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.add(field, message);
        }
    }

    /// Adds another set of errors under other field names (`rename` maps theirs to ours);
    /// fields `rename` leaves out land on `fallback`.
    pub fn merge_renamed(
        &mut self,
        other: FieldErrors,
        rename: &[(&str, &'static str)],
        fallback: &'static str,
    ) {
        for (field, message) in other.0 {
            let ours = rename
                .iter()
                .find(|(theirs, _)| *theirs == field)
                .map_or(fallback, |(_, ours)| ours);
            self.add(ours, message);
        }
    }

    /// Records `Err` results as the field's error and gives back the value.
    pub fn check<T>(&mut self, field: &'static str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }
}

/// A single-line value (a name, a title): tabs and line breaks become spaces, runs of white
/// space one space, ends trimmed. Other control characters never get this far (web::clean).
pub fn single_line(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A required single-line text field, checked for length.
pub fn required(value: &str, what: &str, max: usize) -> Result<String, String> {
    let v = single_line(value);
    let v = v.as_str();
    if v.is_empty() {
        Err(format!("Enter {what}."))
    } else if v.chars().count() > max {
        Err(format!("Use at most {max} characters."))
    } else {
        Ok(v.to_string())
    }
}

/// Trims an optional text field; empty becomes `None`.
pub fn optional(value: &str, max: usize) -> Result<Option<String>, String> {
    let v = value.trim();
    if v.is_empty() {
        Ok(None)
    } else if v.chars().count() > max {
        Err(format!("Use at most {max} characters."))
    } else {
        Ok(Some(v.to_string()))
    }
}

/// A plausible e-mail address: one @, something on both sides, a dot in the domain, no spaces.
pub fn email(value: &str) -> Result<String, String> {
    let v = value.trim().to_lowercase();
    let ok = v.len() <= 254
        && !v.contains(char::is_whitespace)
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if v.is_empty() {
        Err("Enter an e-mail address.".into())
    } else if ok {
        Ok(v)
    } else {
        Err("Enter an e-mail address like name@example.com.".into())
    }
}

pub fn phone(value: &str) -> Result<Option<String>, String> {
    let v = optional(value, 20)?;
    match v {
        Some(p)
            if !p
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c)) =>
        {
            Err("Use digits, spaces and + - ( ) only.".into())
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_on_one_line() {
        assert_eq!(
            required(" Ada\t\r\n  Admin ", "a name", 50),
            Ok("Ada Admin".into())
        );
        assert!(required(" \t\n", "a name", 50).is_err());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(email(" Jane@Example.COM "), Ok("jane@example.com".into()));
        assert!(email("jane@localhost").is_err());
        assert!(email("jane example@x.com").is_err());
        assert!(email("").is_err());
    }
}

/// Why saving a form did not happen: the input breaks a rule (show the form again with these
/// errors, 422), or something else went wrong (the error page).
#[derive(Debug)]
pub enum FormError {
    Invalid(FieldErrors),
    App(crate::error::AppError),
}

impl FormError {
    pub fn field(name: &'static str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.add(name, message);
        Self::Invalid(e)
    }
}

impl From<diesel::result::Error> for FormError {
    fn from(e: diesel::result::Error) -> Self {
        Self::App(e.into())
    }
}

impl From<crate::error::AppError> for FormError {
    fn from(e: crate::error::AppError) -> Self {
        Self::App(e)
    }
}

impl Contention for FormError {
    fn is_contention(&self) -> bool {
        matches!(self, Self::App(e) if e.is_contention())
    }
}

/// Whether a database error is a UNIQUE constraint refusing a duplicate.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Splits a save's outcome for `db::run`: rule violations stay a value for the handler to
/// re-render, anything else becomes the request's error.
pub fn split<T>(r: Result<T, FormError>) -> Result<Result<T, FieldErrors>, crate::error::AppError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(FormError::Invalid(e)) => Ok(Err(e)),
        Err(FormError::App(e)) => Err(e),
    }
}
