//! Finding demo records' public ids and audit rows, for tests that build URLs from them.

use diesel::prelude::*;

use super::{DEMO_HISTORY_IP, TestApp};
use dealdesk::schema::{audit_log, organizations, roles, users};

pub fn user(app: &TestApp, email: &str) -> String {
    users::table
        .filter(users::email.eq(email))
        .select(users::public_id)
        .first::<dealdesk::db::PublicId>(&mut app.conn())
        .expect("user")
        .to_string()
}

pub fn role(app: &TestApp, org: &str, name: &str) -> String {
    roles::table
        .inner_join(organizations::table)
        .filter(organizations::name.eq(org))
        .filter(roles::name.eq(name))
        .select(roles::public_id)
        .first::<dealdesk::db::PublicId>(&mut app.conn())
        .expect("role")
        .to_string()
}

/// (action, entity_id, old_values, new_values) of the tests' own audit entries of a kind of
/// record, oldest first.
pub type Entry = (String, Option<String>, Option<String>, Option<String>);

pub fn audit(app: &TestApp, entity_type: &str) -> Vec<Entry> {
    audit_log::table
        .filter(audit_log::entity_type.eq(entity_type))
        .filter(audit_log::ip_address.ne(DEMO_HISTORY_IP))
        .filter(audit_log::actor_user_id.is_not_null())
        .order(audit_log::id)
        .select((
            audit_log::action,
            audit_log::entity_id,
            audit_log::old_values,
            audit_log::new_values,
        ))
        .load(&mut app.conn())
        .expect("audit rows")
}

/// The JSON of an audit value, parsed.
pub fn json(v: &Option<String>) -> serde_json::Value {
    serde_json::from_str(v.as_deref().unwrap_or("null")).expect("json")
}
