//! The partner portal (`/partner`): the catalog and its price calculator (`catalog`), the leads
//! pipeline (`leads`), for partner and distributor users within their channel (`scope`) and for
//! the organization's staff across every partner.

pub mod catalog;
pub mod choices;
pub mod contracts;
pub mod counts;
pub mod dashboard;
pub mod leads;
pub mod orders;
pub mod scope;

use actix_web::web;

use crate::permissions::Permission;
use crate::web::Ctx;
use crate::web::context::NavItem;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partner", web::get().to(dashboard::home));
    catalog::configure(cfg);
    leads::configure(cfg);
    orders::configure(cfg);
    contracts::configure(cfg);
}

/// The portal's sections this user's permissions open.
pub fn nav(ctx: &Ctx) -> Vec<NavItem> {
    let mut items = vec![NavItem {
        href: "/partner",
        label: "Overview",
        active: ctx.path == "/partner",
    }];
    let mut add = |href: &'static str, label: &'static str, shown: bool, active: bool| {
        if shown {
            items.push(NavItem {
                href,
                label,
                active,
            });
        }
    };
    let leads = ctx.can(Permission::LeadsManage);
    add(
        "/partner/leads/board",
        "Board",
        leads,
        ctx.path == "/partner/leads/board",
    );
    add(
        "/partner/leads",
        "Leads",
        leads,
        ctx.path.starts_with("/partner/leads") && ctx.path != "/partner/leads/board",
    );
    add(
        "/partner/activities/overdue",
        "My overdue activities",
        leads,
        ctx.path.starts_with("/partner/activities"),
    );
    let orders = ctx.perms.any(&[
        Permission::OrdersCreate,
        Permission::OrdersFulfill,
        Permission::ContractsManage,
    ]);
    add(
        "/partner/orders/queue",
        "Fulfillment queue",
        ctx.can(Permission::OrdersFulfill),
        ctx.path == "/partner/orders/queue",
    );
    add(
        "/partner/orders",
        "Quotes and orders",
        orders,
        ctx.path.starts_with("/partner/orders") && ctx.path != "/partner/orders/queue",
    );
    add(
        "/partner/contracts",
        "Contracts",
        orders,
        ctx.path.starts_with("/partner/contracts"),
    );
    add(
        "/partner/catalog",
        "Catalog",
        true,
        ctx.path.starts_with("/partner/catalog") || ctx.path.starts_with("/partner/durations"),
    );
    add(
        "/partner/calculator",
        "Price calculator",
        true,
        ctx.path == "/partner/calculator",
    );
    items
}
