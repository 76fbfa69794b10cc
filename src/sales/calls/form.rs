//! The call form and its rules (DESIGN.md, "Call"): an outcome only for a completed call, a
//! loss reason of the organization for a lost one, the new time for a rescheduled one, notes up
//! to 1,000 characters. Times are typed in the user's zone and stored in UTC.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde::Deserialize;

use super::queries::{CallRecord, CallValues};
use crate::db::PublicId;
use crate::domain::{CallOutcome, CallStatus, CallType, money};
use crate::sales::choices::ClientPicker;
use crate::web::FieldErrors;
use crate::web::dates;
use crate::web::form;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CallForm {
    pub client: String,
    /// Typed to find a client, and `find` = "client" when the form was sent to find one.
    pub client_q: String,
    pub find: String,
    pub prospect_name: String,
    pub prospect_email: String,
    pub prospect_phone: String,
    pub call_type: String,
    pub status: String,
    pub outcome: String,
    pub loss_reason: String,
    pub when: String,
    pub rescheduled_to: String,
    pub duration_minutes: String,
    pub notes: String,
}

/// What the form may point at: the scope's clients, the organization's active loss reasons.
pub struct Choices {
    pub picker: ClientPicker,
    pub reasons: Vec<(i64, PublicId, String)>,
}

fn pick(items: &[(i64, PublicId, String)], value: &str) -> Option<(i64, String)> {
    items
        .iter()
        .find(|(_, p, _)| p.to_string() == value)
        .map(|(id, _, name)| (*id, name.clone()))
}

impl CallForm {
    /// Whether the form was sent to find a client, not to be saved.
    pub fn finding(&self) -> bool {
        self.find == "client"
    }

    /// A new call: outbound, completed, now (DESIGN.md's defaults).
    pub fn blank(now_local: String, client: Option<String>) -> Self {
        Self {
            client: client.unwrap_or_default(),
            call_type: "outbound".into(),
            status: "completed".into(),
            when: now_local,
            ..Self::default()
        }
    }

    pub fn of(c: &CallRecord, client: Option<PublicId>, reason: Option<PublicId>, tz: Tz) -> Self {
        Self {
            client: client.map(|p| p.to_string()).unwrap_or_default(),
            prospect_name: c.prospect_name.clone(),
            prospect_email: c.prospect_email.clone().unwrap_or_default(),
            prospect_phone: c.prospect_phone.clone().unwrap_or_default(),
            call_type: c.call_type.code().into(),
            status: c.status.code().into(),
            outcome: c.outcome.map(|o| o.code().to_string()).unwrap_or_default(),
            loss_reason: reason.map(|p| p.to_string()).unwrap_or_default(),
            when: c
                .completed_at
                .map(|t| dates::datetime_input(t, tz))
                .unwrap_or_default(),
            rescheduled_to: c
                .rescheduled_to
                .map(|t| dates::datetime_input(t, tz))
                .unwrap_or_default(),
            duration_minutes: c
                .duration_seconds
                .map(|s| (s / 60).to_string())
                .unwrap_or_default(),
            notes: c.notes.clone().unwrap_or_default(),
            ..Self::default()
        }
    }

    pub fn validate(&self, c: &Choices, tz: Tz, e: &mut FieldErrors) -> Option<CallValues> {
        let client = match self.client.trim() {
            "" => Some(None),
            v => match pick(&c.picker.clients, v) {
                Some(found) => Some(Some(found)),
                None => {
                    e.add(
                        "client",
                        "Choose one of your clients, or none for a prospect.",
                    );
                    None
                }
            },
        };
        let typed_name = e.check(
            "prospect_name",
            form::optional(&form::single_line(&self.prospect_name), 255),
        );
        let prospect_name = match (&client, typed_name) {
            (_, Some(Some(name))) => Some(name),
            (Some(Some((_, client_name))), Some(None)) => Some(client_name.clone()),
            (_, Some(None)) => {
                e.add("prospect_name", "Enter who was called, or choose a client.");
                None
            }
            (_, None) => None,
        };
        let prospect_email = match self.prospect_email.trim() {
            "" => Some(None),
            v => e.check("prospect_email", form::email(v)).map(Some),
        };
        let prospect_phone = e.check("prospect_phone", form::phone(&self.prospect_phone));
        let call_type = CallType::parse(&self.call_type);
        if call_type.is_none() {
            e.add("call_type", "Choose inbound or outbound.");
        }
        let status = CallStatus::parse(&self.status);
        if status.is_none() {
            e.add("status", "Choose completed, no-show or rescheduled.");
        }
        let outcome = match (self.outcome.as_str(), CallOutcome::parse(&self.outcome)) {
            ("", _) => Some(None),
            (_, Some(o)) if status == Some(CallStatus::Completed) => Some(Some(o)),
            (_, Some(_)) => {
                e.add("outcome", "Only a completed call has an outcome.");
                None
            }
            (_, None) => {
                e.add("outcome", "Choose an outcome from the list.");
                None
            }
        };
        let loss_reason = match (outcome.flatten(), self.loss_reason.trim()) {
            (Some(CallOutcome::Lost), "") => {
                e.add("loss_reason", "Say why the deal was lost.");
                None
            }
            (Some(CallOutcome::Lost), v) => match pick(&c.reasons, v) {
                Some((id, _)) => Some(Some(id)),
                None => {
                    e.add(
                        "loss_reason",
                        "Choose one of the organization's loss reasons.",
                    );
                    None
                }
            },
            _ => Some(None),
        };
        let when = match dates::local_datetime(&self.when, tz) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                e.add("when", "Enter when the call took place (or was due).");
                None
            }
            Err(msg) => {
                e.add("when", msg);
                None
            }
        };
        let rescheduled_to = match (status, dates::local_datetime(&self.rescheduled_to, tz)) {
            (Some(CallStatus::Rescheduled), Ok(Some(t))) => Some(Some(t)),
            (Some(CallStatus::Rescheduled), Ok(None)) => {
                e.add("rescheduled_to", "Enter the new time of the call.");
                None
            }
            (_, Err(msg)) => {
                e.add("rescheduled_to", msg);
                None
            }
            _ => Some(None),
        };
        let duration = match money::scaled_decimal(&self.duration_minutes, 0, 24 * 60) {
            Ok(m) => Some(m.map(|m| (m * 60) as i32)),
            Err(_) => {
                e.add("duration_minutes", "Enter whole minutes, up to a day.");
                None
            }
        };
        let notes = match self.notes.trim() {
            n if n.chars().count() > 1000 => {
                e.add("notes", "Notes can be at most 1,000 characters.");
                None
            }
            "" => Some(None),
            n => Some(Some(n.to_string())),
        };
        let values = CallValues {
            client_id: client?.map(|(id, _)| id),
            prospect_name: prospect_name?,
            prospect_email: prospect_email?,
            prospect_phone: prospect_phone?,
            call_type: call_type?,
            status: status?,
            outcome: outcome?,
            loss_reason_id: loss_reason?,
            completed_at: when?,
            rescheduled_to: rescheduled_to?,
            duration_seconds: duration?,
            notes: notes?,
        };
        Some(values).filter(|_| e.is_empty())
    }
}

/// The call's time shown back in a form after a refusal keeps what was typed; this is for lists,
/// in the viewer's zone and naming it.
pub fn when_local(t: Option<NaiveDateTime>, tz: Tz) -> String {
    t.map_or_else(|| "—".into(), |t| crate::web::time::exact(t, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Choices {
        Choices {
            picker: ClientPicker {
                clients: vec![(3, PublicId::new(), "Northwind".into())],
                ..ClientPicker::default()
            },
            reasons: vec![(9, PublicId::new(), "Price".into())],
        }
    }

    #[test]
    fn the_seed_rules_hold() {
        let c = choices();
        let tz: Tz = "Europe/Berlin".parse().expect("zone");
        let base = CallForm::blank("2026-11-30T10:00".into(), None);
        let mut e = FieldErrors::default();
        let f = CallForm {
            status: "no_show".into(),
            outcome: "won".into(),
            ..base.clone()
        };
        assert!(f.validate(&c, tz, &mut e).is_none());
        assert!(e.has("outcome") && e.has("prospect_name"));
        let mut e = FieldErrors::default();
        let f = CallForm {
            prospect_name: "Ada".into(),
            outcome: "lost".into(),
            ..base.clone()
        };
        assert!(f.validate(&c, tz, &mut e).is_none() && e.has("loss_reason"));
        let mut e = FieldErrors::default();
        let f = CallForm {
            prospect_name: "Ada".into(),
            status: "rescheduled".into(),
            notes: "x".repeat(1001),
            ..base.clone()
        };
        assert!(f.validate(&c, tz, &mut e).is_none());
        assert!(e.has("rescheduled_to") && e.has("notes"));
        let mut e = FieldErrors::default();
        let ok = CallForm {
            client: c.picker.clients[0].1.to_string(),
            outcome: "lost".into(),
            loss_reason: c.reasons[0].1.to_string(),
            duration_minutes: "12".into(),
            ..base
        }
        .validate(&c, tz, &mut e)
        .expect("valid");
        assert_eq!(ok.prospect_name, "Northwind", "a client's name by default");
        assert_eq!(
            (ok.loss_reason_id, ok.duration_seconds),
            (Some(9), Some(720))
        );
        // 10:00 in Berlin in winter is 09:00 UTC.
        assert_eq!(ok.completed_at.format("%H:%M").to_string(), "09:00");
    }
}
