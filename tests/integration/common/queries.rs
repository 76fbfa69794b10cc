//! Counting the queries a test server runs: every connection the tests open carries an
//! instrumentation that knows its database's URL, and counts into that URL's counter while a
//! test has asked for one (`count`). Installed before any test database is opened.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};

use dealdesk::db::DbUrl;

/// Query counters by database URL; empty (and skipped) outside this test.
fn registry() -> &'static Mutex<HashMap<String, Arc<AtomicU64>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<String, Arc<AtomicU64>>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

static COUNTING: AtomicBool = AtomicBool::new(false);

/// Each connection remembers its URL and counts its queries into that URL's counter, if any.
struct Counter {
    url: String,
}

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => {
                self.url = url.to_string();
            }
            InstrumentationEvent::StartQuery { .. } if COUNTING.load(Ordering::Relaxed) => {
                if let Some(c) = registry()
                    .lock()
                    .ok()
                    .and_then(|r| r.get(&self.url).cloned())
                {
                    c.fetch_add(1, Ordering::Relaxed);
                }
            }
            _ => {}
        }
    }
}

pub fn install() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        set_default_instrumentation(|| Some(Box::new(Counter { url: String::new() })))
            .expect("instrumentation");
    });
}

fn key(url: &DbUrl) -> String {
    match url {
        DbUrl::Postgres(u) | DbUrl::Sqlite(u) => u.clone(),
    }
}

/// Starts counting the queries run on `url`'s database.
pub fn count(url: &DbUrl) -> Arc<AtomicU64> {
    let counter = Arc::new(AtomicU64::new(0));
    registry()
        .lock()
        .expect("registry")
        .insert(key(url), counter.clone());
    COUNTING.store(true, Ordering::SeqCst);
    counter
}

pub fn forget(url: &DbUrl) {
    registry().lock().expect("registry").remove(&key(url));
}
