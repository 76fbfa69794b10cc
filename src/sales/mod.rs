//! The sales area (`/sales`): what a salesperson works with all day. `scope.rs` holds the one
//! rule of which rows a user sees; each kind of record has its folder (handlers, queries, form).

pub mod balance;
pub mod calls;
pub mod choices;
pub mod clients;
pub mod dashboard;
pub mod deals;
pub mod payments;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(clients::configure)
        .configure(deals::configure)
        .configure(payments::configure)
        .configure(calls::configure)
        .configure(dashboard::configure);
}
