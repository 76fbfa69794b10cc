//! A CRM provider configuration and the webhook events it sent: most processed, one failed with
//! its error (retry it from the events page). No credential is stored: the demo cannot know the
//! key this install seals them with, and an admin enters one on the provider's page.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, now};
use crate::domain::EventStatus;
use crate::schema::{provider_configs, webhook_events};
use crate::web::OrgScope;

pub fn load(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<()> {
    let existing: i64 = provider_configs::table
        .filter(provider_configs::organization_id.eq(scope.id()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let t = now();
    let id: i64 = diesel::insert_into(provider_configs::table)
        .values((
            provider_configs::public_id.eq(PublicId::new()),
            provider_configs::organization_id.eq(scope.id()),
            provider_configs::provider_type.eq("crm"),
            provider_configs::provider_name.eq("Pipeline CRM"),
            provider_configs::is_active.eq(true),
            provider_configs::configuration.eq(r#"{"base_url":"http://127.0.0.1:9/pipeline"}"#),
            provider_configs::health_status.eq("offline"),
            provider_configs::last_health_check.eq(t - Duration::minutes(7)),
            provider_configs::health_check_error.eq("no answer: the demo provider is not running"),
            provider_configs::created_at.eq(t - Duration::days(30)),
            provider_configs::updated_at.eq(t - Duration::days(30)),
        ))
        .returning(provider_configs::id)
        .get_result(conn)?;
    for i in 0..12_i64 {
        let failed = i == 11;
        let at = t - Duration::hours(60 - i * 5);
        let payload = if failed {
            r#"{"id":"evt-demo-11","type":"lead.updated","data":{"id":"pl-11"}}"#.to_string()
        } else {
            format!(
                r#"{{"id":"evt-demo-{i}","type":"lead.created","data":{{"id":"pl-{i}","title":"Inbound enquiry {i}"}}}}"#
            )
        };
        if !failed {
            // What processing the event did: the lead it describes exists.
            let data: serde_json::Value = serde_json::from_str(&payload)
                .map(|v: serde_json::Value| v["data"].clone())
                .unwrap_or_default();
            crate::integrations::inbound::upsert_lead(conn, scope.id(), "Pipeline CRM", &data)
                .map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
        }
        diesel::insert_into(webhook_events::table)
            .values((
                webhook_events::public_id.eq(PublicId::new()),
                webhook_events::organization_id.eq(scope.id()),
                webhook_events::provider_name.eq("Pipeline CRM"),
                webhook_events::provider_type.eq("crm"),
                webhook_events::event_type.eq(if failed {
                    "lead.updated"
                } else {
                    "lead.created"
                }),
                webhook_events::event_id.eq(format!("evt-demo-{i}")),
                webhook_events::payload.eq(payload),
                webhook_events::status.eq(if failed {
                    EventStatus::Failed
                } else {
                    EventStatus::Processed
                }),
                webhook_events::processed_at.eq((!failed).then_some(at + Duration::seconds(4))),
                webhook_events::error_message.eq(failed.then_some("the lead has no title")),
                webhook_events::ip_address.eq("203.0.113.7"),
                webhook_events::received_at.eq(at),
                webhook_events::created_at.eq(at),
                webhook_events::attempts.eq(if failed { 5 } else { 1 }),
                webhook_events::next_attempt_at.eq(at + Duration::minutes(31)),
                webhook_events::provider_config_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}
