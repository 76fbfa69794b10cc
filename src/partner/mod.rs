//! The partner portal (`/partner`): the catalog and its price calculator (`catalog`), the leads
//! pipeline (`leads`), for partner and distributor users within their channel (`scope`) and for
//! the organization's staff across every partner.

pub mod catalog;
pub mod contracts;
pub mod leads;
pub mod orders;
pub mod scope;

use actix_web::{HttpResponse, web};
use askama::Template;

use self::leads::queries as lead_queries;
use self::leads::show::ActivityLine;
use self::leads::status::Status;
use self::scope::ChannelRequest;
use crate::AppState;
use crate::db;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::context::NavItem;
use crate::web::{Ctx, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partner", web::get().to(home));
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

#[derive(Template)]
#[template(path = "partner/home.html")]
struct HomePage {
    ctx: Ctx,
    stages: Vec<(Status, i64)>,
    open: String,
    overdue: Vec<ActivityLine>,
    low_stock: Option<String>,
}

/// The portal's landing page: open leads by stage, the user's overdue activities and, for a
/// catalog manager, how many products run low.
async fn home(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let request = ChannelRequest::portal(&ctx)?;
    let leads = ctx.can(Permission::LeadsManage);
    let catalog = ctx.can(Permission::CatalogManage);
    let user_id = ctx.user.id;
    let (counts, overdue, low) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let (counts, overdue) = if leads {
            (
                lead_queries::counts(conn, &scope)?,
                lead_queries::overdue(conn, &scope, 5)?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let low = if catalog {
            let threshold = catalog::low_stock_threshold(conn, user_id)?;
            Some(catalog::queries::low_stock(conn, scope.org(), threshold)?.len())
        } else {
            None
        };
        Ok((counts, overdue, low))
    })
    .await?;
    let stages: Vec<(Status, i64)> = Status::ALL
        .into_iter()
        .map(|s| {
            (
                s,
                counts
                    .iter()
                    .find(|(c, _)| c == s.code())
                    .map_or(0, |(_, n)| *n),
            )
        })
        .collect();
    let open: i64 = stages
        .iter()
        .filter(|(s, _)| s.is_open())
        .map(|(_, n)| n)
        .sum();
    let open = crate::web::count(open, "lead is", "leads are");
    let overdue = overdue
        .into_iter()
        .map(|a| leads::show::activity_line(&ctx, a))
        .collect();
    render(&HomePage {
        ctx,
        stages,
        open,
        overdue,
        low_stock: low.map(|n| {
            if n == 0 {
                "0".to_string()
            } else {
                crate::web::count(n as i64, "product runs", "products run")
            }
        }),
    })
}
