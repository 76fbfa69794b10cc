//! `/partner`: the portal's dashboard for the channel scope: open leads by stage, orders by
//! status, active contracts and those expiring within 30 days, revenue of fulfilled orders over
//! a period against the one before (from `partner_days`, with its chart), the user's overdue
//! activities, the fulfiller's queue for fulfillers and, for catalog managers, what runs low.

pub mod rollup;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::QueryResult;

use crate::AppState;
use crate::dashboards::chart;
use crate::dashboards::period::{self, KINDS, Period};
use crate::dashboards::{Figure, PeriodQuery, change, range_text};
use crate::db::{self, AnyConnection};
use crate::domain::money::{Money, money};
use crate::error::AppError;
use crate::partner::catalog;
use crate::partner::contracts::queries as contracts;
use crate::partner::leads::activities::ActivityRow;
use crate::partner::leads::queries as leads;
use crate::partner::leads::show::{ActivityLine, activity_line};
use crate::partner::leads::status::Status as LeadStatus;
use crate::partner::orders::queries::{self as orders, Filter, OrderRow};
use crate::partner::orders::status::Status as OrderStatus;
use crate::partner::scope::{ChannelRequest, ChannelScope};
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
    /// The chart's figures as a table: when, orders fulfilled, revenue.
    trend: Vec<(String, i64, String)>,
    stages: Vec<(LeadStatus, i64)>,
    open: String,
    statuses: Vec<(OrderStatus, i64)>,
    contracts: Option<(i64, i64)>,
    overdue: Vec<ActivityLine>,
    queue: Vec<(OrderRow, Money)>,
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
    let parts = Parts::of(&ctx);
    let user_id = ctx.user.id;
    let data = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        Ok(Data::read(conn, &scope, parts, &current, user_id)?)
    })
    .await?;
    let page = HomePage::build(ctx, query, errors, &current, parts, data);
    render_status(page.errors.status(), &page)
}

/// Which parts of the dashboard the user's work needs.
#[derive(Debug, Clone, Copy)]
struct Parts {
    leads: bool,
    orders: bool,
    queue: bool,
    low_stock: bool,
}

impl Parts {
    fn of(ctx: &Ctx) -> Self {
        Self {
            leads: ctx.can(Permission::LeadsManage),
            orders: ctx.perms.any(&[
                Permission::OrdersCreate,
                Permission::OrdersFulfill,
                Permission::ContractsManage,
            ]),
            queue: ctx.can(Permission::OrdersFulfill),
            low_stock: ctx.can(Permission::CatalogManage),
        }
    }
}

/// What the page reads, each part only for those who see it.
#[derive(Default)]
struct Data {
    lead_counts: Vec<(String, i64)>,
    overdue: Vec<ActivityRow>,
    order_counts: Vec<(String, i64)>,
    contract_counts: Option<(i64, i64)>,
    /// Per day of this period and the one before: fulfilled orders and their revenue.
    days: Vec<(NaiveDate, i64, i64)>,
    queue: Vec<OrderRow>,
    low_stock: Option<usize>,
}

impl Data {
    fn read(
        conn: &mut AnyConnection,
        scope: &ChannelScope,
        parts: Parts,
        current: &Period,
        user_id: i64,
    ) -> QueryResult<Self> {
        let mut data = Data::default();
        if parts.leads {
            data.lead_counts = leads::counts(conn, scope)?;
            data.overdue = crate::partner::leads::activities::overdue(conn, scope, SHORT)?;
        }
        if parts.orders {
            data.order_counts = orders::counts(conn, scope)?;
            data.contract_counts = Some(contracts::active_counts(conn, scope)?);
            let from = current.previous().start;
            data.days = rollup::days(conn, scope, from, current.end)?;
        }
        if parts.queue {
            let f = Filter {
                queue: true,
                ..Filter::default()
            };
            data.queue = orders::list(conn, scope, &f, SHORT)?;
        }
        if parts.low_stock {
            let threshold = catalog::low_stock_threshold(conn, user_id)?;
            data.low_stock = Some(catalog::queries::low_stock(conn, scope.org(), threshold)?.len());
        }
        Ok(data)
    }
}

impl HomePage {
    fn build(
        ctx: Ctx,
        query: PeriodQuery,
        errors: FieldErrors,
        current: &Period,
        parts: Parts,
        data: Data,
    ) -> Self {
        let currency = ctx.user.currency.map_or("USD", |c| c.code());
        let (figures, chart, trend) = if parts.orders {
            revenue(&data.days, current, currency)
        } else {
            (Vec::new(), String::new(), Vec::new())
        };
        let stages = count_of(LeadStatus::ALL, &data.lead_counts, LeadStatus::code);
        let open: i64 = stages
            .iter()
            .filter(|(s, _)| s.is_open())
            .map(|(_, n)| n)
            .sum();
        let queue = data
            .queue
            .into_iter()
            .map(|r| {
                let total = Money::new(r.total_minor, currency);
                (r, total)
            })
            .collect();
        Self {
            period_options: crate::domain::choices::options(&KINDS),
            range: range_text(current, &current.previous()),
            figures,
            chart,
            trend,
            stages,
            open: crate::web::count(open, "lead is", "leads are"),
            statuses: count_of(OrderStatus::ALL, &data.order_counts, OrderStatus::code),
            contracts: data.contract_counts,
            overdue: data
                .overdue
                .into_iter()
                .map(|a| activity_line(&ctx, a))
                .collect(),
            queue,
            low_stock: data.low_stock,
            ctx,
            query,
            errors,
        }
    }
}

/// Revenue and orders fulfilled against the period before, the chart of the revenue and its
/// figures per bar.
fn revenue(
    days: &[(NaiveDate, i64, i64)],
    current: &Period,
    currency: &str,
) -> (Vec<Figure>, String, Vec<(String, i64, String)>) {
    let m = |minor: i64| money(minor, currency);
    let sum = |p: &Period| {
        days.iter()
            .filter(|(d, _, _)| p.contains(*d))
            .fold((0, 0), |(n, s), (_, o, r)| (n + o, s + r))
    };
    let (now_orders, now_revenue) = sum(current);
    let (before_orders, before_revenue) = sum(&current.previous());
    let figures = vec![
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
    ];
    let mut buckets = chart::buckets(current);
    let mut orders = chart::buckets(current);
    for (day, n, revenue) in days.iter().filter(|(d, _, _)| current.contains(*d)) {
        chart::add(&mut buckets, *day, *revenue);
        chart::add(&mut orders, *day, *n);
    }
    let chart = chart::svg(
        "partner-revenue",
        "Revenue of fulfilled orders",
        &buckets,
        currency,
    );
    let trend = buckets
        .iter()
        .zip(&orders)
        .map(|(b, o)| (b.label.clone(), o.minor, m(b.minor)))
        .collect();
    (figures, chart, trend)
}
