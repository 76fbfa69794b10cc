//! One binary, two databases. The backend is chosen from the URL scheme by our own pool manager
//! (never by trying each backend in turn, which would silently fall back to SQLite), SQLite gets
//! its pragmas on every pooled connection, and each backend has its own embedded migration set.

mod public_id;
mod tx;

use std::time::Duration;

use chrono::{NaiveDateTime, Timelike, Utc};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use public_id::{PublicId, PublicIdSql};
pub use tx::{Books, money_tx, write_tx};

use crate::error::AppError;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Which database a URL names; decided once, from the scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    Postgres(String),
    /// A file path (or `:memory:`), with any `sqlite://` prefix removed.
    Sqlite(String),
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("is empty; leave it unset for the SQLite file dealdesk.db".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err("names no SQLite file (expected sqlite://path/to/file.db)".into());
            }
            return Ok(Self::Sqlite(path.to_string()));
        }
        if url.contains("://") {
            return Err(format!(
                "has an unsupported scheme in {url:?}; use postgres://… or a SQLite file path"
            ));
        }
        Ok(Self::Sqlite(url.to_string()))
    }

    /// The URL for messages and logs, without its password.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => path.clone(),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end => {
                    let userinfo = &url[scheme_end + 3..at];
                    let user = userinfo.split(':').next().unwrap_or_default();
                    format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                _ => url.clone(),
            },
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    pub fn establish(&self) -> diesel::ConnectionResult<AnyConnection> {
        match self {
            Self::Postgres(url) => PgConnection::establish(url).map(AnyConnection::Postgresql),
            Self::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                // Per connection: a writer waits for the lock instead of failing at once (set
                // first: switching a new file to WAL needs the lock while the pool opens
                // connections in parallel), WAL for concurrent readers, foreign keys enforced.
                // `optimize` refreshes the planner's statistics where they are missing or stale
                // (bounded by analysis_limit): without them SQLite may walk the audit log's id
                // index instead of the actor's and read a million rows for one filtered page.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                     PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;",
                )
                .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }
}

pub struct Manager {
    url: DbUrl,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        self.url.establish().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

/// Builds the pool after one direct connection, so that an unreachable or misconfigured
/// database fails at once with its own error rather than after the pool's retries.
pub fn build_pool(url: &DbUrl, size: u32) -> Result<Pool, String> {
    url.establish().map_err(|e| {
        format!(
            "cannot connect to the database {} (DATABASE_URL): {e}",
            url.redacted()
        )
    })?;
    r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager { url: url.clone() })
        .map_err(|e| format!("cannot connect to the database: {e}"))
}

pub fn run_migrations(conn: &mut AnyConnection) -> Result<usize, String> {
    let applied = match conn {
        AnyConnection::Postgresql(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    applied.map_err(|e| format!("migration failed: {e}"))
}

/// Reverts the migrations applied after `version` (as diesel names it: the folder's date and
/// number without dashes, `20261201000012`), newest first, so a test can run a migration's data
/// step on rows that exist before it.
pub fn revert_migrations_after(conn: &mut AnyConnection, version: &str) -> Result<usize, String> {
    let mut reverted = 0;
    loop {
        let newest = match conn {
            AnyConnection::Postgresql(c) => c.applied_migrations(),
            AnyConnection::Sqlite(c) => c.applied_migrations(),
        }
        .map_err(|e| format!("reading the applied migrations failed: {e}"))?
        .into_iter()
        .map(|v| v.to_string())
        .max();
        if newest.is_none_or(|v| v.as_str() <= version) {
            return Ok(reverted);
        }
        match conn {
            AnyConnection::Postgresql(c) => c.revert_last_migration(PG_MIGRATIONS).map(|_| ()),
            AnyConnection::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS).map(|_| ()),
        }
        .map_err(|e| format!("reverting a migration failed: {e}"))?;
        reverted += 1;
    }
}

pub fn revert_all_migrations(conn: &mut AnyConnection) -> Result<usize, String> {
    let reverted = match conn {
        AnyConnection::Postgresql(c) => c.revert_all_migrations(PG_MIGRATIONS).map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    reverted.map_err(|e| format!("reverting migrations failed: {e}"))
}

/// True when every embedded migration has been applied.
pub fn is_migrated(conn: &mut AnyConnection) -> bool {
    let pending = match conn {
        AnyConnection::Postgresql(c) => c.pending_migrations(PG_MIGRATIONS).map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    matches!(pending, Ok(0))
}

diesel::define_sql_function!(
    /// SQL `lower()`, the same on both databases (for case-insensitive comparisons).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// `expr` holds `pattern` (a `contains_pattern`) whatever the case: `ILIKE` on PostgreSQL,
/// `LIKE` on SQLite, whose `LIKE` ignores case already. Unlike `lower(expr) LIKE`, it costs
/// SQLite no function call per row: a search through 10,000 client names takes 2.5 ms, not 11.
pub fn contains<E>(expr: E, pattern: String) -> Contains<E> {
    Contains { expr, pattern }
}

#[derive(Debug, Clone)]
pub struct Contains<E> {
    expr: E,
    pattern: String,
}

impl<E: diesel::Expression> diesel::Expression for Contains<E> {
    type SqlType = diesel::sql_types::Bool;
}

impl<E, QS> diesel::AppearsOnTable<QS> for Contains<E> where E: diesel::AppearsOnTable<QS> {}

impl<E, QS> diesel::SelectableExpression<QS> for Contains<E> where
    E: diesel::SelectableExpression<QS>
{
}

impl<E, GB> diesel::expression::ValidGrouping<GB> for Contains<E>
where
    E: diesel::expression::ValidGrouping<GB>,
{
    type IsAggregate = E::IsAggregate;
}

impl<E> diesel::query_builder::QueryId for Contains<E> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<E> Contains<E> {
    fn walk<'b, DB>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
        operator: &str,
    ) -> diesel::QueryResult<()>
    where
        DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
        E: diesel::query_builder::QueryFragment<DB>,
        String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    {
        out.push_sql("(");
        self.expr.walk_ast(out.reborrow())?;
        out.push_sql(operator);
        out.push_bind_param::<diesel::sql_types::Text, String>(&self.pattern)?;
        out.push_sql(" ESCAPE '\\')");
        Ok(())
    }
}

impl<E> diesel::query_builder::QueryFragment<diesel::pg::Pg> for Contains<E>
where
    E: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(
        &'b self,
        out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        self.walk(out, " ILIKE ")
    }
}

impl<E> diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for Contains<E>
where
    E: diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>,
{
    fn walk_ast<'b>(
        &'b self,
        out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> diesel::QueryResult<()> {
        self.walk(out, " LIKE ")
    }
}

impl<E> diesel::query_builder::QueryFragment<MultiBackend> for Contains<E>
where
    E: diesel::query_builder::QueryFragment<diesel::pg::Pg>
        + diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>,
{
    fn walk_ast<'b>(
        &'b self,
        out: diesel::query_builder::AstPass<'_, 'b, MultiBackend>,
    ) -> diesel::QueryResult<()> {
        MultiBackend::walk_variant_ast(self, out)
    }
}

/// A `LIKE` pattern matching `term` anywhere, with `%`, `_` and `\` taken literally; use it
/// with `.escape('\\')`.
pub fn contains_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The current time as stored: UTC, truncated to microseconds so that a value read back from
/// either database equals the value written (the audit hash chain depends on it).
pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t.with_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

/// A stored time as an SQL literal both databases read, for the bulk inserts of the demo and the
/// load generator (values the program made, never user input).
pub fn sql_time(t: NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// Runs blocking database work on actix's blocking pool, with one pooled connection for the
/// whole closure, so that a page's queries share a connection and a thread hop.
pub async fn run<T, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(AppError::pool)?;
        f(&mut conn)
    })
    .await
    .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))?
}

/// Inserts `rows` (a `Vec` of insertable tuples) into `table`, 500 to a statement. A batch insert
/// does not compile through the connection enum, so it runs on the backend's own connection
/// (DIESEL-NOTES.md). Evaluates to `QueryResult<()>`.
#[macro_export]
macro_rules! insert_batches {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut done: diesel::QueryResult<()> = Ok(());
        for chunk in $rows.chunks(500) {
            let q = diesel::insert_into($table).values(chunk.to_vec());
            let r = match &mut *$conn {
                $crate::db::AnyConnection::Postgresql(c) => q.execute(c),
                $crate::db::AnyConnection::Sqlite(c) => q.execute(c),
            };
            if let Err(e) = r {
                done = Err(e);
                break;
            }
        }
        done
    }};
}

#[cfg(test)]
mod tests {
    use super::DbUrl;

    #[test]
    fn urls_choose_the_backend_by_scheme() {
        assert!(DbUrl::parse("postgres://u@h/db").is_ok_and(|u| u.is_postgres()));
        assert!(DbUrl::parse("postgresql://u@h/db").is_ok_and(|u| u.is_postgres()));
        assert_eq!(
            DbUrl::parse("sqlite://data/x.db"),
            Ok(DbUrl::Sqlite("data/x.db".into()))
        );
        assert_eq!(
            DbUrl::parse("dealdesk.db"),
            Ok(DbUrl::Sqlite("dealdesk.db".into()))
        );
        assert!(DbUrl::parse("").is_err());
        assert!(DbUrl::parse("mysql://x").is_err());
    }

    #[test]
    fn passwords_never_reach_messages() {
        let url = DbUrl::Postgres("postgres://app:s3cret@db:5432/dealdesk".into());
        assert_eq!(url.redacted(), "postgres://app:***@db:5432/dealdesk");
    }
}
