//! `/partner`: the portal's dashboard for the channel scope: open leads by stage, orders by
//! status, active contracts and those expiring within 30 days, revenue of fulfilled orders over
//! a period against the one before (from `partner_days`, with its chart), the user's overdue
//! activities, the fulfiller's queue for fulfillers and, for catalog managers, what runs low.

pub mod rollup;

use crate::domain::money::money;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::AppState;
use crate::dashboards::chart;
use crate::dashboards::period::{self, KINDS};
use crate::dashboards::{Figure, PeriodQuery, change, range_text};
use crate::db;
use crate::error::AppError;
use crate::partner::catalog;
use crate::partner::contracts::queries as contracts;
use crate::partner::leads::queries as leads;
use crate::partner::leads::show::{ActivityLine, activity_line};
use crate::partner::leads::status::Status as LeadStatus;
use crate::partner::orders::queries::{self as orders, Filter, OrderRow};
use crate::partner::orders::status::Status as OrderStatus;
use crate::partner::scope::ChannelRequest;
use crate::permissions::Permission;
use crate::web::{Ctx, FieldErrors, render_status};

/// Rows of the short lists (overdue activities, the queue).
const SHORT: i64 = 5;

#[derive(Template)]
#[template(path = "partner/home.html")]
struct HomePage {
    ctx: Ctx,
    query: PeriodQuery,
    errors: FieldErrors,
    period_options: Vec<(String, String)>,
    range: String,
    figures: Vec<Figure>,
    chart: String,
    stages: Vec<(LeadStatus, i64)>,
    open: String,
    statuses: Vec<(OrderStatus, i64)>,
    contracts: Option<(i64, i64)>,
    overdue: Vec<ActivityLine>,
    queue: Vec<(OrderRow, String)>,
    low_stock: Option<usize>,
}

fn count_of<S: Copy>(
    all: &[S],
    counts: &[(String, i64)],
    code: impl Fn(S) -> &'static str,
) -> Vec<(S, i64)> {
    all.iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(c, _)| c == code(*s))
                .map_or(0, |(_, n)| *n);
            (*s, n)
        })
        .collect()
}

pub async fn home(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let request = ChannelRequest::portal(&ctx)?;
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let current = period::parse(
        &query.period,
        &query.from,
        &query.to,
        ctx.today(),
        &mut errors,
    );
    let previous = current.previous();
    let works_leads = ctx.can(Permission::LeadsManage);
    let reads_orders = ctx.perms.any(&[
        Permission::OrdersCreate,
        Permission::OrdersFulfill,
        Permission::ContractsManage,
    ]);
    let fulfils = ctx.can(Permission::OrdersFulfill);
    let catalog_manager = ctx.can(Permission::CatalogManage);
    let user_id = ctx.user.id;
    let data = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let (lead_counts, overdue) = if works_leads {
            (
                leads::counts(conn, &scope)?,
                crate::partner::leads::activities::overdue(conn, &scope, SHORT)?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let (order_counts, contract_counts, days) = if reads_orders {
            (
                orders::counts(conn, &scope)?,
                Some(contracts::active_counts(conn, &scope)?),
                rollup::days(conn, &scope, previous.start, current.end)?,
            )
        } else {
            (Vec::new(), None, Vec::new())
        };
        let queue = if fulfils {
            let f = Filter {
                queue: true,
                ..Filter::default()
            };
            orders::list(conn, &scope, &f, SHORT)?
        } else {
            Vec::new()
        };
        let low = if catalog_manager {
            let threshold = catalog::low_stock_threshold(conn, user_id)?;
            Some(catalog::queries::low_stock(conn, scope.org(), threshold)?.len())
        } else {
            None
        };
        Ok((
            lead_counts,
            overdue,
            order_counts,
            contract_counts,
            days,
            queue,
            low,
        ))
    })
    .await?;
    let (lead_counts, overdue, order_counts, contract_counts, days, queue, low_stock) = data;
    let currency = ctx.user.currency.map_or("USD", |c| c.code());
    let m = |minor: i64| money(minor, currency);
    let sum = |p: &period::Period| {
        days.iter()
            .filter(|(d, _, _)| p.contains(*d))
            .fold((0, 0), |(n, s), (_, o, r)| (n + o, s + r))
    };
    let (now_orders, now_revenue) = sum(&current);
    let (before_orders, before_revenue) = sum(&previous);
    let figures = if reads_orders {
        vec![
            Figure {
                label: "Revenue (fulfilled orders)",
                value: m(now_revenue),
                detail: format!("{} in the previous period", m(before_revenue)),
                change: change(now_revenue, before_revenue),
            },
            Figure {
                label: "Orders fulfilled",
                value: now_orders.to_string(),
                detail: format!("{before_orders} in the previous period"),
                change: change(now_orders, before_orders),
            },
        ]
    } else {
        Vec::new()
    };
    let mut buckets = chart::buckets(&current);
    for (day, _, revenue) in days.iter().filter(|(d, _, _)| current.contains(*d)) {
        chart::add(&mut buckets, *day, *revenue);
    }
    let chart = if reads_orders {
        chart::svg(
            "partner-revenue",
            "Revenue of fulfilled orders",
            &buckets,
            m,
        )
    } else {
        String::new()
    };
    let stages = count_of(&LeadStatus::ALL, &lead_counts, LeadStatus::code);
    let open: i64 = stages
        .iter()
        .filter(|(s, _)| s.is_open())
        .map(|(_, n)| n)
        .sum();
    let queue = queue
        .into_iter()
        .map(|r| {
            let total = m(r.total_minor);
            (r, total)
        })
        .collect();
    render_status(
        errors.status(),
        &HomePage {
            period_options: crate::domain::choices::options(&KINDS),
            range: range_text(&current, &previous),
            figures,
            chart,
            stages,
            open: crate::web::count(open, "lead is", "leads are"),
            statuses: count_of(&OrderStatus::ALL, &order_counts, OrderStatus::code),
            contracts: contract_counts,
            overdue: overdue
                .into_iter()
                .map(|a| activity_line(&ctx, a))
                .collect(),
            queue,
            low_stock,
            ctx,
            query,
            errors,
        },
    )
}
