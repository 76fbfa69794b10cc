//! Many users and a long audit history, for the admin pages. The audit rows form a valid hash
//! chain continuing the organization's own, so the verification and every filter behave as on
//! real data.

use chrono::Duration;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::{BATCH, err};
use crate::audit::{GENESIS, compute_hash};
use crate::db::{AnyConnection, PublicId, now};
use crate::orgs;
use crate::schema::{audit_chain_heads, users};

const FIRST: [&str; 12] = [
    "Ana", "Ben", "Chen", "Dora", "Eli", "Fatima", "Gus", "Hana", "Ivo", "Jade", "Kofi", "Lia",
];
const LAST: [&str; 10] = [
    "Alvarez", "Brown", "Cohen", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen",
];
const ACTIONS: [(&str, &str); 6] = [
    ("update", "user"),
    ("LOGIN", "user"),
    ("create", "project"),
    ("update", "settings"),
    ("LOGOUT", "user"),
    ("update", "role"),
];

/// Adds `count` users (role Salesperson) to the organization; returns every user of it, with
/// their e-mail.
pub fn users(
    conn: &mut AnyConnection,
    org_name: &str,
    count: usize,
) -> Result<Vec<(i64, String)>, String> {
    let scope = orgs::find_organization_by_name(conn, org_name)
        .map_err(err)?
        .ok_or_else(|| format!("no organization named {org_name}"))?;
    let role_id = orgs::role_id_by_key(conn, scope, "sales").map_err(err)?;
    let start: i64 = users::table.count().get_result(conn).map_err(err)?;
    let t = now().format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    for chunk_start in (0..count).step_by(BATCH) {
        let mut sql = String::from(
            "INSERT INTO users (public_id, organization_id, role_id, email, password_hash, \
             first_name, last_name, is_active, is_verified, created_at, updated_at) VALUES ",
        );
        for i in chunk_start..(chunk_start + BATCH).min(count) {
            let n = start as usize + i;
            if i > chunk_start {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{}', {}, {}, 'load{n}@load.test', '!', '{}', '{}', {}, {}, '{t}', '{t}')",
                PublicId::new(),
                scope.id(),
                role_id,
                FIRST[n % FIRST.len()],
                LAST[(n / FIRST.len()) % LAST.len()],
                if n.is_multiple_of(10) {
                    "FALSE"
                } else {
                    "TRUE"
                },
                "TRUE",
            ));
        }
        conn.batch_execute(&sql).map_err(err)?;
    }
    users::table
        .filter(users::organization_id.eq(scope.id()))
        .select((users::id, users::email))
        .load(conn)
        .map_err(err)
}

fn sql_text(v: Option<&str>) -> String {
    v.map_or("NULL".into(), |s| format!("'{}'", s.replace('\'', "''")))
}

/// Appends `count` entries to the organization's audit chain, one second apart from now on,
/// made by the given users.
pub fn audit(
    conn: &mut AnyConnection,
    org_name: &str,
    count: usize,
    actors: &[(i64, String)],
) -> Result<(), String> {
    let scope = orgs::find_organization_by_name(conn, org_name)
        .map_err(err)?
        .ok_or_else(|| format!("no organization named {org_name}"))?;
    let org = scope.id();
    let (mut prev, entries): (String, i64) = audit_chain_heads::table
        .find(org)
        .select((audit_chain_heads::last_hash, audit_chain_heads::entries))
        .first(conn)
        .optional()
        .map_err(err)?
        .unwrap_or((GENESIS.into(), 0));
    let start = now();
    for chunk_start in (0..count).step_by(BATCH) {
        let mut sql = String::from(
            "INSERT INTO audit_log (public_id, organization_id, actor_user_id, actor_email, action, \
             entity_type, entity_id, old_values, new_values, ip_address, user_agent, created_at, \
             prev_hash, hash) VALUES ",
        );
        for i in chunk_start..(chunk_start + BATCH).min(count) {
            let (action, entity_type) = ACTIONS[i % ACTIONS.len()];
            let who = actors.get(i % actors.len().max(1));
            let actor = who.map(|w| w.0);
            let email = who.map(|w| w.1.clone());
            let entity = PublicId::new().to_string();
            let old = format!("{{\"step\":{}}}", i);
            let new = format!("{{\"step\":{}}}", i + 1);
            let ip = format!("198.51.100.{}", i % 250);
            let created = start + Duration::milliseconds(i as i64 * 10);
            let public_id = PublicId::new();
            let hash = compute_hash(
                &prev,
                &public_id,
                Some(org),
                actor,
                email.as_deref(),
                action,
                entity_type,
                Some(&entity),
                Some(&old),
                Some(&new),
                Some(&ip),
                Some("load generator"),
                &created,
            );
            if i > chunk_start {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{public_id}', {org}, {}, {}, '{action}', '{entity_type}', '{entity}', '{old}', \
                 '{new}', '{ip}', 'load generator', '{}', '{prev}', '{hash}')",
                actor.map_or("NULL".into(), |a| a.to_string()),
                sql_text(email.as_deref()),
                created.format("%Y-%m-%d %H:%M:%S%.6f"),
            ));
            prev = hash;
        }
        conn.transaction(|conn| {
            conn.batch_execute(&sql)?;
            diesel::sql_query(
                "INSERT INTO audit_chain_heads (chain_key, last_hash, entries) VALUES ($1, $2, 0) \
                 ON CONFLICT (chain_key) DO NOTHING",
            )
            .bind::<diesel::sql_types::BigInt, _>(org)
            .bind::<diesel::sql_types::Text, _>(GENESIS)
            .execute(conn)?;
            let done = (chunk_start + BATCH).min(count) as i64;
            diesel::update(audit_chain_heads::table.find(org))
                .set((
                    audit_chain_heads::last_hash.eq(&prev),
                    audit_chain_heads::entries.eq(entries + done),
                ))
                .execute(conn)
        })
        .map_err(err)?;
    }
    Ok(())
}
