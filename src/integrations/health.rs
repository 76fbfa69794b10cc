//! Talking to a provider: the health check (GET `{base_url}/health` within a timeout: a quick
//! 2xx is healthy, a slow or failing answer degraded, no answer offline) and a CRM's lead sync
//! (GET `{base_url}/leads` with the credential as a bearer token), each recorded. Nothing else
//! waits on a provider: sign-in and every page work when all of them are offline.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::queries::ProviderRecord;
use super::{address, inbound};

/// How long a provider may take before it counts as offline.
pub const TIMEOUT: Duration = Duration::from_secs(3);
/// An answer slower than this is degraded.
const SLOW: Duration = Duration::from_millis(1_000);

fn agent() -> ureq::Agent {
    // aws-lc-rs, the provider lettre brings, so the process holds one TLS provider.
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// The check's verdict: status and, when not healthy, why. `allow_private`: the organization
/// lets its providers live on a private network (`address`).
pub fn check(p: &ProviderRecord, allow_private: bool) -> (&'static str, Option<String>) {
    let Some(base) = p.base_url() else {
        return (
            "offline",
            Some("No address is set for this provider.".into()),
        );
    };
    if let Err(e) = address::check_resolved(&base, allow_private) {
        return ("offline", Some(e));
    }
    let started = Instant::now();
    match agent()
        .get(format!("{}/health", base.trim_end_matches('/')))
        .call()
    {
        Ok(resp) => {
            let took = started.elapsed();
            let code = resp.status().as_u16();
            match (resp.status().is_success(), took > SLOW) {
                (true, false) => ("healthy", None),
                (true, true) => (
                    "degraded",
                    Some(format!("answered in {} ms", took.as_millis())),
                ),
                (false, _) => ("degraded", Some(format!("answered with status {code}"))),
            }
        }
        Err(e) => ("offline", Some(format!("no answer: {e}"))),
    }
}

/// What a sync pulled: leads created or updated, those refused, and the errors.
pub struct Pulled {
    pub synced: i32,
    pub failed: i32,
    pub errors: Vec<String>,
}

/// Fetches the CRM's leads (no database work: nothing is held while the provider answers).
pub fn fetch_leads(
    p: &ProviderRecord,
    credential: Option<&str>,
    allow_private: bool,
) -> Result<Vec<Value>, String> {
    let base = p.base_url().ok_or("No address is set for this provider.")?;
    address::check_resolved(&base, allow_private)?;
    let mut req = agent().get(format!("{}/leads", base.trim_end_matches('/')));
    if let Some(c) = credential {
        req = req.header("Authorization", &format!("Bearer {c}"));
    }
    let mut r = req.call().map_err(|e| format!("no answer: {e}"))?;
    if !r.status().is_success() {
        return Err(format!("answered with status {}", r.status().as_u16()));
    }
    let text = r
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("the answer could not be read: {e}"))?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(_) => Err("the answer is not a list of leads".into()),
        Err(e) => Err(format!("the answer is not JSON: {e}")),
    }
}

/// Saves fetched leads into the organization (each by its id at the provider).
pub fn apply_leads(
    conn: &mut crate::db::AnyConnection,
    p: &ProviderRecord,
    fetched: Result<Vec<Value>, String>,
) -> Pulled {
    let mut out = Pulled {
        synced: 0,
        failed: 0,
        errors: Vec::new(),
    };
    let leads = match fetched {
        Ok(leads) => leads,
        Err(e) => {
            out.errors.push(e);
            return out;
        }
    };
    for lead in &leads {
        match inbound::upsert_lead(conn, p.organization_id, &p.provider_name, lead) {
            Ok(_) => out.synced += 1,
            Err(e) => {
                out.failed += 1;
                if out.errors.len() < 10 {
                    out.errors.push(e);
                }
            }
        }
    }
    out
}
