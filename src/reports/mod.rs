//! `/reports` (reports.view, read-only): the organization over a period against the period
//! before, for the CEO and managers: verified revenue and its trend, the pipeline (open deals'
//! outstanding), payments waiting for a verifier, call show and close rates, the top loss
//! reasons, the team ranking and the top salespeople; each table also as CSV
//! (`/reports/{table}.csv`, audited). Read from the rollups the sales area keeps.

mod export;
mod tables;

use actix_web::{HttpResponse, web};
use askama::Template;

use self::tables::{Loaded, Ranked};
use crate::AppState;
use crate::dashboards::period::{self, KINDS, Period};
use crate::dashboards::{Figure, PeriodQuery, change, chart, range_text};
use crate::db;
use crate::domain::choices::options;
use crate::domain::money::money;
use crate::domain::ratio::percent;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::sales::calls::metrics::Metrics;
use crate::scope::ScopeRequest;
use crate::web::{Ctx, FieldErrors, render_status};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports", web::get().to(show))
        .route("/reports/{table}.csv", web::get().to(export::download));
}

/// The people shown on the page; the CSV holds everyone.
const TOP_PEOPLE: usize = 10;

/// A ranking line as shown: rank, name, detail, verified, share of the total, change.
pub struct Line {
    pub rank: usize,
    pub name: String,
    pub detail: String,
    pub value: String,
    pub share: String,
    pub change: String,
}

#[derive(Template)]
#[template(path = "reports/report.html")]
struct ReportPage {
    ctx: Ctx,
    query: PeriodQuery,
    errors: FieldErrors,
    currency: &'static str,
    range: String,
    figures: Vec<Figure>,
    chart: String,
    revenue: Vec<(String, i64, String)>,
    teams: Vec<Line>,
    people: Vec<Line>,
    calls: Option<Metrics>,
    /// Show and close rates of the previous period.
    calls_before: (String, String),
    period_options: Vec<(String, String)>,
    /// The period's query, for the CSV links.
    csv_query: String,
}

/// The period asked for, and the one before it.
fn periods(ctx: &Ctx, q: &PeriodQuery, errors: &mut FieldErrors) -> (Period, Period) {
    let current = period::parse(&q.period, &q.from, &q.to, ctx.today(), errors);
    (current, current.previous())
}

async fn load(
    ctx: &Ctx,
    state: &web::Data<AppState>,
    current: Period,
    previous: Period,
) -> Result<Loaded, AppError> {
    ctx.require(Permission::ReportsView)?;
    let request = ScopeRequest::organization(ctx)?;
    let tz = ctx.timezone();
    db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        tables::load(conn, &scope, current, previous, tz)
    })
    .await
}

fn lines(ranked: &[Ranked], total: i64, m: impl Fn(i64) -> String) -> Vec<Line> {
    ranked
        .iter()
        .map(|r| Line {
            rank: r.rank,
            name: r.name.clone(),
            detail: r.detail.clone(),
            value: m(r.minor),
            share: percent(r.minor, total),
            change: change(r.minor, r.before),
        })
        .collect()
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let (current, previous) = periods(&ctx, &query, &mut errors);
    let l = load(&ctx, &state, current, previous).await?;
    let page = ReportPage::build(ctx, query, errors, (current, previous), l);
    render_status(page.errors.status(), &page)
}

impl ReportPage {
    fn build(
        ctx: Ctx,
        query: PeriodQuery,
        errors: FieldErrors,
        (current, previous): (Period, Period),
        l: Loaded,
    ) -> Self {
        let currency = ctx.user.currency.map_or("USD", |c| c.code());
        let m = |minor: i64| money(minor, currency);
        let minor = tables::verified(&l.days, &current).1;
        let figures = figures(&l, &current, &previous, m);
        let (buckets, counts) = tables::revenue(&l.days, &current);
        let title = format!(
            "Verified revenue, {} to {}",
            crate::web::dates::day(current.start),
            crate::web::dates::day(current.end)
        );
        let svg = chart::svg("revenue-chart", &title, &buckets, currency);
        let revenue = buckets
            .iter()
            .zip(counts)
            .map(|(b, n)| (b.label.clone(), n, m(b.minor)))
            .collect();
        let teams = lines(&tables::teams(&l.leaders, &l.leaders_before), minor, m);
        let mut people = lines(&tables::people(&l.leaders, &l.leaders_before), minor, m);
        people.truncate(TOP_PEOPLE);
        let calls_before = l.calls_before.as_ref().map_or_else(
            || ("0 %".to_string(), "0 %".to_string()),
            |c| (c.all.show_rate(), c.all.close_rate()),
        );
        ReportPage {
            currency,
            range: range_text(&current, &previous),
            figures,
            chart: svg,
            revenue,
            teams,
            people,
            calls: l.calls,
            calls_before,
            period_options: options(&KINDS),
            csv_query: query.as_query(),
            ctx,
            query,
            errors,
        }
    }
}

/// The three headline figures: verified revenue, the pipeline, calls; each against the period
/// before.
fn figures(
    l: &Loaded,
    current: &Period,
    previous: &Period,
    m: impl Fn(i64) -> String,
) -> Vec<Figure> {
    let (count, minor) = tables::verified(&l.days, current);
    let (count_before, minor_before) = tables::verified(&l.days, previous);
    let calls_total = |c: &Option<Metrics>| c.as_ref().map_or(0, |c| c.all.total);
    vec![
        Figure {
            label: "Verified revenue",
            value: m(minor),
            detail: format!(
                "{} ({count_before} in the previous period)",
                crate::web::count(count, "payment", "payments")
            ),
            change: change(minor, minor_before),
        },
        Figure {
            label: "Pipeline",
            value: m(l.waiting[1]),
            detail: format!(
                "outstanding on {} open now",
                crate::web::count(l.waiting[0], "deal", "deals")
            ),
            change: format!("{} waiting for a verifier", m(l.waiting[3])),
        },
        Figure {
            label: "Calls",
            value: calls_total(&l.calls).to_string(),
            detail: format!("{} in the previous period", calls_total(&l.calls_before)),
            change: change(calls_total(&l.calls), calls_total(&l.calls_before)),
        },
    ]
}
