//! What a provider's data becomes here: a CRM's lead is created or updated by its id at the
//! provider (`provider_name`, `provider_id`), so the same lead arriving twice (a webhook
//! retried, a sync run again) changes nothing the second time.

use diesel::prelude::*;
use serde_json::Value;

use crate::db::{AnyConnection, now};
use crate::partner::leads::queries::{self as lead_rows, LeadValues, Provided};
use crate::schema::{leads, organizations};
use crate::web::clean::clean_text;
use crate::web::form::single_line;

/// Creates or updates the lead a provider describes: `{"id", "title", "company", "email",
/// "value"}` (value in the organization's minor units). The error says what is missing.
pub fn upsert_lead(
    conn: &mut AnyConnection,
    org: i64,
    provider: &str,
    data: &Value,
) -> Result<bool, String> {
    // A provider's text is cleaned as a form's is (`web::clean`): no NUL reaches the database.
    let id = data
        .get("id")
        .and_then(|v| {
            v.as_str()
                .map(clean_text)
                .or_else(|| v.as_i64().map(|n| n.to_string()))
        })
        .filter(|s| !s.is_empty() && s.len() <= 200)
        .ok_or("the lead has no id")?;
    let text = |k: &str| {
        data.get(k)
            .and_then(Value::as_str)
            .map(|s| {
                single_line(&clean_text(s))
                    .chars()
                    .take(200)
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty())
    };
    let title = text("title").ok_or("the lead has no title")?;
    let value = data
        .get("value")
        .and_then(Value::as_i64)
        .filter(|v| *v >= 0);
    let t = now();
    let db = |e: diesel::result::Error| format!("the lead could not be saved: {e}");
    let existing: Option<i64> = leads::table
        .filter(leads::organization_id.eq(org))
        .filter(leads::provider_name.eq(provider))
        .filter(leads::provider_id.eq(&id))
        .select(leads::id)
        .first(conn)
        .optional()
        .map_err(db)?;
    match existing {
        Some(lead) => {
            diesel::update(
                leads::table
                    .find(lead)
                    .filter(leads::organization_id.eq(org)),
            )
            .set((
                leads::title.eq(&title),
                leads::company_name.eq(text("company")),
                leads::contact_email.eq(text("email")),
                leads::value_minor.eq(value),
                leads::provider_metadata.eq(data.to_string()),
                leads::last_sync_at.eq(t),
                leads::sync_status.eq("synced"),
                leads::sync_error.eq(None::<String>),
                leads::updated_at.eq(t),
            ))
            .execute(conn)
            .map_err(db)?;
            Ok(false)
        }
        None => {
            let currency: String = organizations::table
                .find(org)
                .select(organizations::currency)
                .first(conn)
                .map_err(db)?;
            let values = LeadValues {
                title,
                company_name: text("company"),
                contact_name: None,
                contact_email: text("email"),
                contact_phone: None,
                value_minor: value,
                probability: None,
                expected_close_date: None,
                partner_id: None,
                distributor_id: None,
            };
            let metadata = data.to_string();
            let provided = Provided {
                provider,
                id: &id,
                metadata: &metadata,
            };
            lead_rows::create(conn, org, &currency, &values, None, Some(provided)).map_err(db)?;
            Ok(true)
        }
    }
}
