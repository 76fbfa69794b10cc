//! Integration tests through the real HTTP stack. Each `dual!` test runs on SQLite and on
//! PostgreSQL, each on its own fresh database.

mod common;

mod account;
mod audit;
mod auth;
mod browser;
mod schema;
mod security;
mod sessions;
