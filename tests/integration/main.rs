//! Integration tests through the real HTTP stack. Each `dual!` test runs on SQLite and on
//! PostgreSQL, each on its own fresh database.

// A test stops at the first thing that is not as it should be: expect and unwrap say where.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod account;
mod admin_access;
mod admin_audit;
mod admin_broadcasts;
mod admin_channel;
mod admin_org;
mod admin_roles;
mod admin_users;
mod architecture;
mod audit;
mod auth;
mod browser;
mod browser_pages;
mod browser_partner;
mod browser_verification;
mod bulk;
mod checkers;
mod client_picker;
mod commissions;
mod day_work;
mod hardening;
mod integrations;
mod invoices;
mod lists;
mod mail;
mod malformed;
mod notification_templates;
mod partner_catalog;
mod partner_dashboard;
mod partner_leads;
mod partner_orders;
mod platform;
mod query_counts;
mod races;
mod refusals;
mod reports;
mod routes;
mod sales_calls;
mod sales_clients;
mod sales_dashboard;
mod sales_deals;
mod sales_payments;
mod schema;
mod security;
mod sessions;
mod snapshots;
mod static_files;
mod streaks;
mod verification;
mod verifier_dashboard;
