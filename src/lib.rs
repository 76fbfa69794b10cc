//! Dealdesk: a self-hosted, multi-tenant sales-operations web application.
//! See ARCHITECTURE.md for the map of the code and the life of a request.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod commissions;
pub mod config;
pub mod dashboards;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod fonts;
pub mod health;
pub mod integrations;
pub mod invoices;
pub mod loadgen;
pub mod login;
pub mod mail;
pub mod notifications;
pub mod numbers;
pub mod orgs;
pub mod partner;
pub mod permissions;
pub mod platform;
pub mod reports;
pub mod routes;
pub mod sales;
pub mod schema;
pub mod scope;
pub mod server;
pub mod streaks;
pub mod verifier;
pub mod web;

use std::sync::Arc;

/// What every request handler can reach: the pool and the validated configuration.
pub struct AppState {
    pub pool: db::Pool,
    pub config: Arc<config::Config>,
}
