//! The test harness: every test gets its own fresh database (a temporary SQLite file, or a new
//! PostgreSQL database dropped afterwards) and its own server on a loopback port, and talks to it
//! over real HTTP through the same forms a user fills in.

pub mod books;
pub mod client;
pub mod lookup;
pub mod queries;

use std::net::TcpListener;
use std::sync::{Arc, OnceLock, mpsc};
use std::thread::JoinHandle;

use actix_web::{HttpServer, web};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};

use dealdesk::config::Config;
use dealdesk::db::{self, DbUrl, Pool, PooledConn};
use dealdesk::{AppState, server};

pub use client::{Client, Resp};

pub const DEMO_PASSWORD: &str = "demo-pass-2026";
/// The address the demo data's audit history is recorded from, told apart from the tests' own.
pub const DEMO_HISTORY_IP: &str = "203.0.113.10";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

fn pg_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Whether PostgreSQL tests run. Unreachable PostgreSQL is one clear line and a skip locally,
/// and a failure under CI.
fn postgres_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| match PgConnection::establish(&pg_admin_url()) {
        Ok(_) => true,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "CI is set and PostgreSQL is unreachable at {}: {e}",
                    pg_admin_url()
                );
            }
            eprintln!(
                "PostgreSQL tests SKIPPED: cannot reach {} ({e}); set TEST_DATABASE_URL",
                pg_admin_url()
            );
            false
        }
    })
}

/// A fresh, migrated database that disappears with this value.
pub struct TestDb {
    pub url: DbUrl,
    pub pool: Pool,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

/// A database holding the migrations and the demo data, made once per test process and
/// backend. Each test's database is a copy of it (a file copy, or PostgreSQL's `CREATE DATABASE
/// … TEMPLATE`): a few milliseconds, where loading the demo takes a second or more.
fn demo_template(backend: Backend) -> &'static str {
    static SQLITE: OnceLock<String> = OnceLock::new();
    static POSTGRES: OnceLock<String> = OnceLock::new();
    let (cell, prefix) = match backend {
        Backend::Sqlite => (&SQLITE, "demo-template-"),
        Backend::Postgres => (&POSTGRES, "dealdesk_tmpl_"),
    };
    cell.get_or_init(|| {
        let name = format!("{prefix}{}", std::process::id());
        let url = match backend {
            Backend::Sqlite => {
                let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
                for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                    let file = entry.file_name().to_string_lossy().into_owned();
                    if stale(&file, prefix) || file.starts_with(&name) {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
                DbUrl::Sqlite(
                    dir.join(format!("{name}.db"))
                        .to_string_lossy()
                        .into_owned(),
                )
            }
            Backend::Postgres => {
                let mut admin = pg_admin();
                let existing: Vec<String> = diesel::sql_query(
                    "SELECT datname AS name FROM pg_database WHERE datname LIKE 'dealdesk_tmpl_%'",
                )
                .load::<DbName>(&mut admin)
                .expect("list templates")
                .into_iter()
                .map(|d| d.name)
                .collect();
                for old in existing {
                    if stale(&old, prefix) || old == name {
                        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {old}"));
                    }
                }
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create template database");
                DbUrl::Postgres(pg_url(&name))
            }
        };
        let mut conn = url.establish().expect("template connection");
        db::run_migrations(&mut conn).expect("migrations");
        dealdesk::demo::load(&mut conn, demo_hash()).expect("demo data");
        if backend == Backend::Sqlite {
            // Everything into the main file, so that copying it copies it all.
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
                .expect("checkpoint");
        }
        // Closed before any copy: PostgreSQL copies only a database nobody is connected to.
        drop(conn);
        match url {
            DbUrl::Sqlite(path) => path,
            DbUrl::Postgres(_) => name,
        }
    })
}

/// A template left by a test process that has ended.
fn stale(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.split('.').next())
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
}

#[derive(diesel::QueryableByName)]
struct DbName {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

fn pg_admin() -> PgConnection {
    PgConnection::establish(&pg_admin_url()).expect("PostgreSQL admin connection")
}

fn pg_url(name: &str) -> String {
    let admin_url = pg_admin_url();
    let base = admin_url.split('?').next().unwrap_or_default();
    format!(
        "{}/{name}",
        base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base)
    )
}

impl TestDb {
    /// An empty, migrated database.
    pub fn new(backend: Backend) -> Option<Self> {
        Self::make(backend, false)
    }

    /// A migrated database holding the demo data.
    pub fn with_demo(backend: Backend) -> Option<Self> {
        Self::make(backend, true)
    }

    fn make(backend: Backend, demo: bool) -> Option<Self> {
        let (url, dir, pg_name) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join("test.db");
                if demo {
                    std::fs::copy(demo_template(backend), &path).expect("copy the demo template");
                }
                (
                    DbUrl::Sqlite(path.to_string_lossy().into_owned()),
                    Some(dir),
                    None,
                )
            }
            Backend::Postgres => {
                if !postgres_available() {
                    return None;
                }
                let name = format!("dealdesk_test_{}", uuid::Uuid::new_v4().simple());
                let create = if demo {
                    format!("CREATE DATABASE {name} TEMPLATE {}", demo_template(backend))
                } else {
                    format!("CREATE DATABASE {name}")
                };
                pg_admin()
                    .batch_execute(&create)
                    .expect("create test database");
                (DbUrl::Postgres(pg_url(&name)), None, Some(name))
            }
        };
        let pool = db::build_pool(&url, 4).expect("pool");
        if !demo {
            db::run_migrations(&mut pool.get().expect("connection")).expect("migrations");
        }
        Some(Self {
            url,
            pool,
            _dir: dir,
            pg_name,
        })
    }

    pub fn conn(&self) -> PooledConn {
        self.pool.get().expect("database connection")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name
            && let Ok(mut admin) = PgConnection::establish(&pg_admin_url())
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The demo password's hash, computed once per test process.
pub fn demo_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| dealdesk::auth::passwords::hash(DEMO_PASSWORD).expect("hash"))
}

pub struct TestApp {
    pub backend: Backend,
    pub base: String,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<()>>,
    // Dropped last: the server must stop before its database goes.
    pub db: TestDb,
    uploads: tempfile::TempDir,
}

impl TestApp {
    /// A server on a fresh database with the demo data loaded; `None` when this backend is
    /// unavailable locally (see `postgres_available`).
    pub fn start(backend: Backend) -> Option<Self> {
        queries::install();
        let db = TestDb::with_demo(backend)?;
        let uploads = tempfile::tempdir().expect("upload directory");
        let config = Config {
            database: db.url.clone(),
            pool_size: 4,
            bind: "127.0.0.1:0".parse().expect("address"),
            session_key: b"test session key that is long enough for cookies".to_vec(),
            upload_dir: uploads.path().to_path_buf(),
            demo_password: None,
            cookie_secure: false,
            mail: dealdesk::mail::MailConfig {
                smtp_url: None,
                dir: std::env::temp_dir(),
                from: dealdesk::mail::DEFAULT_FROM.into(),
                public_url: None,
            },
            integrations_key: [7; 32],
        };
        let state = web::Data::new(AppState {
            pool: db.pool.clone(),
            config: Arc::new(config),
        });
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || server::build_app(state.clone()))
                    .workers(1)
                    .disable_signals()
                    .listen(listener)
                    .expect("listen")
                    .run();
                tx.send(server.handle()).expect("send handle");
                let _ = server.await;
            });
        });
        let handle = rx.recv().expect("server handle");
        Some(Self {
            backend,
            base,
            handle,
            thread: Some(thread),
            db,
            uploads,
        })
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client signed in through the login form.
    pub fn signed_in(&self, email: &str) -> Client {
        let mut c = self.client();
        let r = c.login(email, DEMO_PASSWORD);
        assert_eq!(r.status, 303, "sign-in of {email} failed: {}", r.body);
        c
    }

    pub fn conn(&self) -> PooledConn {
        self.db.conn()
    }

    /// This server's own upload folder (receipts, pictures).
    pub fn upload_dir(&self) -> &std::path::Path {
        self.uploads.path()
    }

    /// The files stored under the upload folder's `sub` folder.
    pub fn stored_files(&self, sub: &str) -> usize {
        std::fs::read_dir(self.upload_dir().join(sub)).map_or(0, |d| d.count())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; joining waits for the server to finish.
        drop(self.handle.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Runs `body` against a fresh app on `backend`, or skips when the backend is unavailable.
pub fn run(backend: Backend, body: fn(&TestApp)) {
    if let Some(app) = TestApp::start(backend) {
        body(&app);
    }
}

/// Declares one test per backend: `dual!(name, |app| { ... })`.
#[macro_export]
macro_rules! dual {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                $crate::common::run($crate::common::Backend::Sqlite, $body)
            }
            #[test]
            fn postgres() {
                $crate::common::run($crate::common::Backend::Postgres, $body)
            }
        }
    };
}

/// The smallest valid PNG: one transparent pixel.
pub const PNG: [u8; 67] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];
