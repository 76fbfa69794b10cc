//! `/sales`: the salesperson's dashboard, and a manager's for the organization (or one
//! salesperson of it). Every figure is the user's scope over the chosen period with its change
//! against the period before; money comes from the rollups `sales::balance` keeps (a few rows
//! per person and day), never from adding up payments per request.

pub mod figures;
mod leaders;
mod read;

use crate::domain::Money;
use crate::domain::choices::{self, options};
use crate::domain::money::money;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use self::figures::DayRow;
use self::read::{Ask, Loaded, Periods};
use super::calls::metrics::Metrics;
use super::payments::queries::PaymentRow;
use crate::AppState;
use crate::dashboards::period::{self, KINDS, Period};
use crate::dashboards::{Figure, change, chart, range_text};
use crate::db::{self, PublicId};
use crate::error::AppError;
use crate::permissions::Permission::{self, *};
use crate::scope::ScopeRequest;
use crate::web::{Ctx, FieldErrors, render_status};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sales", web::get().to(show));
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub period: String,
    pub from: String,
    pub to: String,
    /// One salesperson of the scope (a manager's view of them).
    pub user: String,
}

/// Counts and sums of payments by status over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub verified: (i64, i64),
    pub pending: (i64, i64),
    pub rejected: (i64, i64),
}

impl Totals {
    fn add(&mut self, r: &DayRow) {
        self.verified.0 += r.verified_count;
        self.verified.1 += r.verified_minor;
        self.pending.0 += r.pending_count;
        self.pending.1 += r.pending_minor;
        self.rejected.0 += r.rejected_count;
        self.rejected.1 += r.rejected_minor;
    }
}

#[derive(Template)]
#[template(path = "sales/dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    query: DashboardQuery,
    errors: FieldErrors,
    heading: String,
    range: String,
    figures: Vec<Figure>,
    /// Verified this month against the monthly target: (verified, target, percent, the bar's
    /// tenths, at most 10).
    target: Option<(Money, Money, i64, i64)>,
    open_deals: i64,
    outstanding: Money,
    waiting: i64,
    waiting_sum: Money,
    latest: Vec<(PaymentRow, Money)>,
    top_clients: Vec<(PublicId, String, Money, Money)>,
    calls: Option<Metrics>,
    chart: String,
    buckets: Vec<(String, Money)>,
    /// Everyone's and every team's verified sales in the period, ranked.
    board: leaders::Board,
    /// The streak shown, and whose: ("Your streak" or "Streak of …", working days).
    streak: (String, i64),
    /// Commission of the scope created in the period: pending, approved, paid, total.
    commission: [Money; 4],
    people_options: Vec<(String, String)>,
    period_options: Vec<(String, String)>,
    /// The period chosen, "month" when none is (the default range).
    period_value: String,
}

const SALES_STAFF: [Permission; 4] = [DealsCreate, PaymentsRecord, CallsLog, ClientsManage];

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_any(&SALES_STAFF)?;
    let ask = Ask {
        sales: ScopeRequest::of(&ctx, DealsViewAll)?,
        calls: ctx
            .perms
            .any(&[CallsLog, CallsViewAll])
            .then(|| ScopeRequest::of(&ctx, CallsViewAll))
            .transpose()?,
        user: query.user.clone(),
        viewer: ctx.user.id,
        tz: ctx.timezone(),
    };
    let query = query.into_inner();
    let today = ctx.today();
    let mut errors = FieldErrors::default();
    let current = period::parse(&query.period, &query.from, &query.to, today, &mut errors);
    let periods = Periods {
        current,
        previous: current.previous(),
        month: Period {
            start: today.with_day(1).unwrap_or(today),
            end: today,
        },
    };
    let l = db::run(&state.pool, move |conn| Loaded::read(conn, &ask, &periods)).await?;
    let page = build(ctx, query, errors, &periods, l);
    render_status(page.errors.status(), &page)
}

fn build(
    ctx: Ctx,
    query: DashboardQuery,
    errors: FieldErrors,
    periods: &Periods,
    l: Loaded,
) -> DashboardPage {
    let Periods {
        current,
        previous,
        month,
    } = *periods;
    let m = |minor: i64| Money::new(minor, &l.currency);
    let text = |minor: i64| money(minor, &l.currency);
    let (mut now, mut before, mut this_month) = (Totals::default(), Totals::default(), 0_i64);
    let mut buckets = chart::buckets(&current);
    for r in &l.rows {
        if current.contains(r.day) {
            now.add(r);
            chart::add(&mut buckets, r.day, r.verified_minor);
        }
        if previous.contains(r.day) {
            before.add(r);
        }
        if month.contains(r.day) {
            this_month += r.verified_minor;
        }
    }
    let figure = |label, (count, minor): (i64, i64), (bc, bm): (i64, i64)| Figure {
        label,
        value: text(minor),
        detail: format!(
            "{} ({bc} in the previous period)",
            crate::web::count(count, "payment", "payments")
        ),
        change: change(minor, bm),
    };
    let figures = vec![
        figure("Verified sales", now.verified, before.verified),
        figure("Pending", now.pending, before.pending),
        figure("Rejected", now.rejected, before.rejected),
    ];
    let target = l.target.filter(|t| *t > 0).map(|t| {
        // Said as it is (120 % of the target), drawn as at most a full bar.
        let percent = (this_month * 100 / t).max(0);
        (m(this_month), m(t), percent, percent.min(100) / 10)
    });
    let heading = match (&l.looking_at, l.sees_everyone) {
        (Some(name), _) => format!("Sales of {name}"),
        (None, true) => "Sales of the organization".into(),
        (None, false) if l.people.len() > 1 => "Sales of your team".into(),
        (None, false) => "Your sales".into(),
    };
    let you_team = l
        .leaders
        .iter()
        .find(|x| x.user_id == ctx.user.id)
        .and_then(|x| x.team.as_deref());
    let board = leaders::board(&l.leaders, ctx.user.id, you_team, text);
    let streak = match &l.looking_at {
        Some(name) => (format!("Streak of {name}"), l.streak.into()),
        None => ("Your streak".to_string(), l.streak.into()),
    };
    let c = l.commission;
    let commission = [m(c[0]), m(c[1]), m(c[2]), m(c[0] + c[1] + c[2])];
    let title = format!(
        "Verified sales, {} to {}",
        crate::web::dates::day(current.start),
        crate::web::dates::day(current.end)
    );
    let svg = chart::svg("sales-chart", &title, &buckets, &l.currency);
    let people_options = choices::people("Everyone I see", &l.people);
    DashboardPage {
        range: range_text(&current, &previous),
        heading,
        figures,
        target,
        open_deals: l.waiting[0],
        outstanding: m(l.waiting[1]),
        waiting: l.waiting[2],
        waiting_sum: m(l.waiting[3]),
        latest: l
            .latest
            .into_iter()
            .map(|p| {
                let amount = Money::new(p.amount_minor, &p.currency);
                (p, amount)
            })
            .collect(),
        top_clients: l
            .top
            .into_iter()
            .map(|(id, name, total, owed)| (id, name, m(total), m(owed)))
            .collect(),
        calls: l.calls,
        chart: svg,
        buckets: buckets
            .iter()
            .map(|b| (b.label.clone(), m(b.minor)))
            .collect(),
        board,
        streak,
        commission,
        people_options,
        period_options: options(&KINDS),
        period_value: if query.period.is_empty() {
            "month".into()
        } else {
            query.period.clone()
        },
        ctx,
        query,
        errors,
    }
}
