//! The `dealdesk` command: serve the site, migrate, load demo data, manage platform admins and
//! verify the audit chain.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use actix_web::{HttpServer, web};
use clap::{Parser, Subcommand};

use dealdesk::audit::{self, Actor};
use dealdesk::config::Config;
use dealdesk::db::{self, AnyConnection, Pool};
use dealdesk::{AppState, auth, demo, loadgen, orgs, server};

#[derive(Parser)]
#[command(
    name = "dealdesk",
    version,
    about = "Self-hosted sales operations: deals, payments, partners"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, then serve the site (the default).
    Serve {
        /// Load the demo organizations and accounts first, and print the logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Load the demo data into the configured database (idempotent).
    Demo,
    /// Create a platform admin; the password comes from DEALDESK_PASSWORD or a prompt.
    CreatePlatformAdmin {
        #[arg(long)]
        email: String,
    },
    /// Verify the audit log's hash chains and report the first broken link of each.
    AuditVerify,
    /// List every route: method, path, what it requires, handler (file:line), templates.
    Routes,
    /// Fill an organization with users, audit entries, clients, deals, payments and calls, to
    /// measure pages at scale (every count defaults to 0).
    GenerateLoad {
        /// The organization's exact name.
        #[arg(long, default_value = "Demo Traders")]
        organization: String,
        #[arg(long, default_value_t = 0)]
        users: usize,
        #[arg(long, default_value_t = 0)]
        audit_entries: usize,
        /// Clients, owned by the organization's salespeople and managers in turn.
        #[arg(long, default_value_t = 0)]
        clients: usize,
        /// Deals over the last year, on the organization's clients.
        #[arg(long, default_value_t = 0)]
        deals: usize,
        /// Payments, spread over the new deals (about this many in all).
        #[arg(long, default_value_t = 0)]
        payments: usize,
        /// Calls over the last six months.
        #[arg(long, default_value_t = 0)]
        calls: usize,
        /// Partner-channel leads over the last two years.
        #[arg(long, default_value_t = 0)]
        leads: usize,
        /// Quotes and orders (with their contracts) over the last two years.
        #[arg(long, default_value_t = 0)]
        orders: usize,
    },
}

/// glibc keeps freed memory in per-thread arenas and, after the first large free, raises its
/// mmap threshold so that argon2's 19 MiB work area stays resident after every sign-in. Two
/// arenas and a fixed threshold keep an idle instance small at the same throughput.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only sets allocator parameters; called once before any other thread runs.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 8);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn main() -> ExitCode {
    tune_allocator();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    // The route table is read from the source at build time: no database needed.
    if let Some(Command::Routes) = cli.command {
        print!("{}", dealdesk::routes::table());
        return Ok(ExitCode::SUCCESS);
    }
    let config = Config::from_env().map_err(|e| e.to_string())?;
    // Links in e-mails, queued by any command (the demo's too).
    dealdesk::mail::set_public_url(
        &config
            .mail
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.bind)),
    );
    let pool = db::build_pool(&config.database, config.pool_size)?;
    let mut conn = pool
        .get()
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        log::info!("applied {applied} migration(s)");
    }
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Migrate => {
            println!("database is up to date ({applied} migration(s) applied now)");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let password = load_demo(&mut conn, &config)?;
            print_logins(&password);
            Ok(ExitCode::SUCCESS)
        }
        Command::CreatePlatformAdmin { email } => {
            create_platform_admin(&mut conn, &email)?;
            println!("platform admin {email} created");
            Ok(ExitCode::SUCCESS)
        }
        Command::AuditVerify => audit_verify(&mut conn),
        Command::Routes => Ok(ExitCode::SUCCESS),
        Command::GenerateLoad {
            organization,
            users,
            audit_entries,
            clients,
            deals,
            payments,
            calls,
            leads,
            orders,
        } => {
            let started = std::time::Instant::now();
            let ids = loadgen::users(&mut conn, &organization, users)?;
            println!(
                "{users} users added in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            let started = std::time::Instant::now();
            loadgen::audit(&mut conn, &organization, audit_entries, &ids)?;
            println!(
                "{audit_entries} audit entries added in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            let sizes = loadgen::Sizes {
                clients,
                deals,
                payments,
                calls,
            };
            loadgen::sales(&mut conn, &organization, sizes)?;
            loadgen::partner(&mut conn, &organization, leads, orders)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { demo } => {
            let demo_password = if demo {
                Some(load_demo(&mut conn, &config)?)
            } else {
                None
            };
            drop(conn);
            serve(config, pool, demo_password)
        }
    }
}

fn load_demo(conn: &mut AnyConnection, config: &Config) -> Result<String, String> {
    let password = config
        .demo_password
        .clone()
        .unwrap_or_else(dealdesk::auth::passwords::temporary);
    let hash = auth::passwords::hash(&password)?;
    demo::load(conn, &hash).map_err(|e| format!("loading demo data failed: {e}"))?;
    demo::write_receipts(conn, &config.upload_dir)?;
    Ok(password)
}

fn print_logins(password: &str) {
    println!("Demo accounts (password for all: {password}):");
    for email in demo::logins() {
        println!("  {email}");
    }
}

fn create_platform_admin(conn: &mut AnyConnection, email: &str) -> Result<(), String> {
    let email = email.trim();
    if !email.contains('@') || email.len() > 254 {
        return Err(format!("{email:?} is not an e-mail address"));
    }
    if auth::users::find_by_email(conn, email)
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(format!("an account with the e-mail {email} exists already"));
    }
    let password = match std::env::var("DEALDESK_PASSWORD") {
        Ok(p) => p,
        Err(_) if std::io::stdin().is_terminal() => {
            let p = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
            let again =
                rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
            if p != again {
                return Err("the passwords differ".into());
            }
            p
        }
        Err(_) => return Err("set DEALDESK_PASSWORD or run in a terminal to be asked".into()),
    };
    auth::passwords::check_policy(&password, email).map_err(str::to_string)?;
    let hash = auth::passwords::hash(&password)?;
    orgs::create_platform_admin(conn, &Actor::system(), email, &hash).map_err(|e| e.to_string())?;
    Ok(())
}

fn audit_verify(conn: &mut AnyConnection) -> Result<ExitCode, String> {
    use dealdesk::schema::audit_chain_heads;
    use diesel::prelude::*;
    let keys: Vec<i64> = audit_chain_heads::table
        .select(audit_chain_heads::chain_key)
        .order(audit_chain_heads::chain_key)
        .load(conn)
        .map_err(|e| e.to_string())?;
    let mut intact = true;
    for key in &keys {
        // The full check also records its result where the audit page continues from.
        let status = audit::checkpoint::check_full(conn, *key).map_err(|e| e.to_string())?;
        let name = if *key == 0 {
            "platform".to_string()
        } else {
            format!("organization {key}")
        };
        let verified = status.checkpoint.verified_entries;
        match (
            status.checkpoint.broken_at_id,
            status.checkpoint.head_mismatch,
        ) {
            (None, false) => println!("{name}: intact ({verified} entries)"),
            (Some(id), _) => {
                intact = false;
                println!("{name}: BROKEN at audit_log id {id} (after {verified} entries checked)");
            }
            (None, true) => {
                intact = false;
                println!(
                    "{name}: BROKEN: the last {verified} entries are intact but entries after them were removed"
                );
            }
        }
    }
    if keys.is_empty() {
        println!("the audit log is empty");
    }
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn serve(config: Config, pool: Pool, demo_password: Option<String>) -> Result<ExitCode, String> {
    let bind = config.bind;
    // Database work runs on the workers' blocking threads, each needing a pooled connection: as
    // many threads as connections, so a request never wakes a thread only to wait for one (with
    // actix's default of hundreds, the threads spent more time switching than working).
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let blocking = (config.pool_size as usize / workers).max(1);
    let mailer = config.mail.mailer()?;
    let mail_to = match &config.mail.smtp_url {
        Some(_) => "sent by SMTP (SMTP_URL)".to_string(),
        None => format!("written to {} (MAIL_DIR)", config.mail.dir.display()),
    };
    dealdesk::mail::worker::spawn(pool.clone(), mailer)
        .map_err(|e| format!("cannot start the mail sender: {e}"))?;
    dealdesk::partner::contracts::expiry::spawn(pool.clone())
        .map_err(|e| format!("cannot start the contracts task: {e}"))?;
    dealdesk::integrations::webhooks::spawn(pool.clone())
        .map_err(|e| format!("cannot start the webhook processor: {e}"))?;
    let state = web::Data::new(AppState {
        pool,
        config: Arc::new(config),
    });
    actix_web::rt::System::new()
        .block_on(async move {
            let server = HttpServer::new(move || server::build_app(state.clone()))
                .workers(workers)
                .worker_max_blocking_threads(blocking)
                .bind(bind)
                .map_err(|e| {
                    std::io::Error::new(e.kind(), format!("cannot listen on {bind} (BIND): {e}"))
                })?
                .run();
            println!("Dealdesk is serving on http://{bind}/");
            println!("E-mail is {mail_to}.");
            if let Some(password) = &demo_password {
                print_logins(password);
            }
            server.await
        })
        .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}
