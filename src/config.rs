//! Configuration from the environment (and an optional `.env`), validated at start. Every key is
//! documented in `.env.example`; a wrong value stops the program with a message naming the key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::db::DbUrl;

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DbUrl,
    pub pool_size: u32,
    pub bind: SocketAddr,
    /// At least 32 bytes; the cookie keys are derived from it.
    pub session_key: Vec<u8>,
    pub upload_dir: PathBuf,
    pub demo_password: Option<String>,
    pub cookie_secure: bool,
    pub mail: crate::mail::MailConfig,
    /// The AES-256 key the integrations' credentials are sealed with (`INTEGRATIONS_KEY`).
    pub integrations_key: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {key} {problem}")]
pub struct ConfigError {
    pub key: &'static str,
    pub problem: String,
}

fn err(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key,
        problem: problem.into(),
    }
}

/// Reads `KEY`, or the contents of the file named by `KEY_FILE` (for secrets kept in files).
fn var(key: &'static str) -> Result<Option<String>, ConfigError> {
    if let Ok(v) = std::env::var(key) {
        return Ok(Some(v));
    }
    let file_key = format!("{key}_FILE");
    match std::env::var(&file_key) {
        Ok(path) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim_end_matches(['\n', '\r']).to_string()))
            .map_err(|e| {
                err(
                    key,
                    format!("could not be read from {file_key}={path}: {e}"),
                )
            }),
        Err(_) => Ok(None),
    }
}

fn parse_bool(key: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => Err(err(key, format!("must be true or false, not {other:?}"))),
    }
}

impl Config {
    /// Loads `.env` if present, then reads and validates every key.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        let database = DbUrl::parse(&var("DATABASE_URL")?.unwrap_or_else(|| "dealdesk.db".into()))
            .map_err(|p| err("DATABASE_URL", p))?;
        let pool_size = match var("DATABASE_POOL_SIZE")? {
            None => 8,
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=128).contains(n))
                .ok_or_else(|| err("DATABASE_POOL_SIZE", format!("must be 1 to 128, not {v:?}")))?,
        };
        let bind = var("BIND")?
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .trim()
            .parse::<SocketAddr>()
            .map_err(|e| {
                err(
                    "BIND",
                    format!("must be address:port like 127.0.0.1:8080 ({e})"),
                )
            })?;
        let session_key = match var("SESSION_KEY")? {
            Some(k) if k.len() >= 32 => k.into_bytes(),
            Some(_) => return Err(err("SESSION_KEY", "must be at least 32 characters")),
            None => match &database {
                DbUrl::Postgres(_) => {
                    return Err(err(
                        "SESSION_KEY",
                        "is required with PostgreSQL, so that every instance signs cookies alike \
                         (generate one with: openssl rand -hex 32)",
                    ));
                }
                DbUrl::Sqlite(path) => {
                    generated_key(path, ".dealdesk-session-key", "SESSION_KEY")?.into_bytes()
                }
            },
        };
        let integrations_key = match var("INTEGRATIONS_KEY")? {
            Some(k) => parse_key(&k)?,
            None => match &database {
                DbUrl::Postgres(_) => {
                    return Err(err(
                        "INTEGRATIONS_KEY",
                        "is required with PostgreSQL: the integrations' credentials are encrypted \
                         with it (generate one with: openssl rand -hex 32, and keep it: without \
                         it stored credentials cannot be read)",
                    ));
                }
                DbUrl::Sqlite(path) => parse_key(&generated_key(
                    path,
                    ".dealdesk-integrations-key",
                    "INTEGRATIONS_KEY",
                )?)?,
            },
        };
        let upload_dir = PathBuf::from(var("UPLOAD_DIR")?.unwrap_or_else(|| "uploads".into()));
        let demo_password = var("DEMO_PASSWORD")?.filter(|p| !p.is_empty());
        if let Some(p) = &demo_password
            && p.chars().count() < 8
        {
            return Err(err("DEMO_PASSWORD", "must be at least 8 characters"));
        }
        let cookie_secure = match var("COOKIE_SECURE")? {
            Some(v) => parse_bool("COOKIE_SECURE", &v)?,
            None => false,
        };
        let mail = crate::mail::MailConfig {
            smtp_url: var("SMTP_URL")?.filter(|u| !u.trim().is_empty()),
            dir: PathBuf::from(
                var("MAIL_DIR")?
                    .filter(|d| !d.trim().is_empty())
                    .unwrap_or_else(|| "mail".into()),
            ),
            from: var("MAIL_FROM")?
                .filter(|f| !f.trim().is_empty())
                .unwrap_or_else(|| crate::mail::DEFAULT_FROM.into()),
            public_url: var("PUBLIC_URL")?.filter(|u| !u.trim().is_empty()),
        };
        mail.check().map_err(|(key, problem)| err(key, problem))?;
        Ok(Self {
            database,
            pool_size,
            bind,
            session_key,
            upload_dir,
            demo_password,
            cookie_secure,
            mail,
            integrations_key,
        })
    }
}

/// For the embedded default only: a key generated once and kept beside the database file, so
/// that sign-ins (and sealed credentials) survive restarts without any setup.
fn generated_key(db_path: &str, name: &str, key: &'static str) -> Result<String, ConfigError> {
    let dir = Path::new(db_path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty());
    let file = dir.unwrap_or(Path::new(".")).join(name);
    if let Ok(existing) = std::fs::read_to_string(&file)
        && existing.trim().len() >= 32
    {
        return Ok(existing.trim().to_string());
    }
    let value = hex::encode(rand::random::<[u8; 32]>());
    std::fs::write(&file, &value).map_err(|e| {
        err(
            key,
            format!("is unset and {} could not be written: {e}", file.display()),
        )
    })?;
    restrict_permissions(&file);
    log::warn!(
        "{key} is unset: generated one and kept it in {} (set {key} in production)",
        file.display()
    );
    Ok(value)
}

/// A 256-bit key written as 64 hexadecimal digits.
fn parse_key(value: &str) -> Result<[u8; 32], ConfigError> {
    let bytes = hex::decode(value.trim()).map_err(|_| {
        err(
            "INTEGRATIONS_KEY",
            "must be 64 hexadecimal digits (generate one with: openssl rand -hex 32)",
        )
    })?;
    bytes.try_into().map_err(|_| {
        err(
            "INTEGRATIONS_KEY",
            "must be 64 hexadecimal digits, 32 bytes (generate one with: openssl rand -hex 32)",
        )
    })
}

#[cfg(unix)]
fn restrict_permissions(file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_file: &Path) {}
