//! `/verifier/dashboard`: the organization's decisions over a period against the period before
//! (verified, rejected, refunded and bad debt, average verified amount, median wait for a
//! decision), the trend, the split by method and failure reason, the invoices they left, and
//! what waits now with the oldest of it. Read from the day rollups (`rollup.rs`) and the owners'
//! waiting figures: a handful of indexed reads whatever the number of payments.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::QueryResult;

use super::queries::{self, Filter, QueueRow};
use super::rollup::{self, DayRow};
use super::summary::{Sum, Summary, by_day, median_text};
use crate::AppState;
use crate::dashboards::period::{self, KINDS, Period};
use crate::dashboards::{Figure, PeriodQuery, change, chart, range_text};
use crate::db::{self, AnyConnection};
use crate::domain::FailureReason;
use crate::domain::choices::options;
use crate::domain::money::{Money, money};
use crate::domain::ratio::percent;
use crate::domain::{PaymentMethod, PaymentStatus};
use crate::error::AppError;
use crate::invoices::rules::status_for;
use crate::permissions::Permission;
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, OrgScope, render_status};

/// The oldest waiting payments shown.
const OLDEST: i64 = 5;

/// One line of a breakdown table.
pub struct Line {
    pub name: &'static str,
    pub cells: Vec<String>,
}

/// A bucket of the trend: when, verified (count, amount), rejected count.
pub struct Trend {
    pub label: String,
    pub verified: i64,
    pub amount: Money,
    pub rejected: i64,
}

#[derive(Template)]
#[template(path = "verifier/dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    query: PeriodQuery,
    errors: FieldErrors,
    currency: &'static str,
    range: String,
    figures: Vec<Figure>,
    waiting: (i64, Money),
    oldest: Vec<(QueueRow, Money, When, bool)>,
    invoices: Vec<(&'static str, i64)>,
    methods: Vec<Line>,
    reasons: Vec<Line>,
    chart: String,
    trend: Vec<Trend>,
    period_options: Vec<(String, String)>,
}

pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::PaymentsVerify)?;
    let org = ctx.scope()?;
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let current = period::parse(
        &query.period,
        &query.from,
        &query.to,
        ctx.today(),
        &mut errors,
    );
    let data = db::run(&state.pool, move |conn| {
        Ok(Data::read(conn, org, &current)?)
    })
    .await?;
    let page = DashboardPage::build(ctx, query, errors, &current, data);
    render_status(page.errors.status(), &page)
}

/// What the page reads: the day rollups of the period and the one before, the waits for a
/// decision in both, and what waits now (count, amount) with the oldest of it.
struct Data {
    rows: Vec<DayRow>,
    waits: BTreeMap<i32, i64>,
    before_waits: BTreeMap<i32, i64>,
    waiting: (i64, i64),
    oldest: Vec<QueueRow>,
}

impl Data {
    fn read(conn: &mut AnyConnection, org: OrgScope, current: &Period) -> QueryResult<Self> {
        let previous = current.previous();
        let pending = Filter::pending();
        Ok(Self {
            rows: rollup::days(conn, org.id(), previous.start, current.end)?,
            waits: rollup::waits(conn, org.id(), current.start, current.end)?,
            before_waits: rollup::waits(conn, org.id(), previous.start, previous.end)?,
            waiting: queries::waiting(conn, org)?,
            oldest: queries::queue(conn, org, &pending, OLDEST)?,
        })
    }
}

impl DashboardPage {
    fn build(
        ctx: Ctx,
        query: PeriodQuery,
        errors: FieldErrors,
        current: &Period,
        data: Data,
    ) -> Self {
        let currency = ctx.user.currency.map_or("USD", |c| c.code());
        let previous = current.previous();
        let now = Summary::in_period(&data.rows, current);
        let before = Summary::in_period(&data.rows, &previous);
        let (chart, trend) = trend(&data.rows, current, currency);
        let oldest = data
            .oldest
            .into_iter()
            .map(|r| {
                let amount = Money::new(r.amount_minor, &r.currency);
                let arrived = ctx.local_time(Some(r.created_at));
                let second = r.first_approver.is_some();
                (r, amount, arrived, second)
            })
            .collect();
        Self {
            currency,
            range: range_text(current, &previous),
            figures: figures(&now, &before, &data.waits, &data.before_waits, currency),
            waiting: (data.waiting.0, Money::new(data.waiting.1, currency)),
            oldest,
            invoices: invoices(&now, data.waiting.0),
            methods: methods(&now, currency),
            reasons: reasons(&now),
            chart,
            trend,
            period_options: options(&KINDS),
            ctx,
            query,
            errors,
        }
    }
}

/// The headline figures: each against the period before.
fn figures(
    now: &Summary,
    before: &Summary,
    waits: &BTreeMap<i32, i64>,
    before_waits: &BTreeMap<i32, i64>,
    currency: &str,
) -> Vec<Figure> {
    let m = |minor: i64| money(minor, currency);
    let figure = |label, s: Sum, b: Sum| Figure {
        label,
        value: m(s.minor),
        detail: format!(
            "{} ({} in the previous period)",
            crate::web::count(s.payments, "payment", "payments"),
            b.payments
        ),
        change: change(s.minor, b.minor),
    };
    let written_off = |s: &Summary| Sum {
        payments: s.refunded.payments + s.bad_debt.payments,
        minor: s.refunded.minor + s.bad_debt.minor,
    };
    vec![
        figure("Verified", now.verified, before.verified),
        figure("Rejected", now.rejected, before.rejected),
        Figure {
            label: "Since refunded or bad debt",
            value: m(written_off(now).minor),
            detail: format!(
                "{} refunded ({}), {} bad debt ({})",
                now.refunded.payments,
                m(now.refunded.minor),
                now.bad_debt.payments,
                m(now.bad_debt.minor)
            ),
            change: change(written_off(now).minor, written_off(before).minor),
        },
        Figure {
            label: "Average verified amount",
            value: m(now.verified.average()),
            detail: format!("{} in the previous period", m(before.verified.average())),
            change: change(now.verified.average(), before.verified.average()),
        },
        Figure {
            label: "Median time to a decision",
            value: median_text(rollup::median_bucket(waits)),
            detail: format!(
                "from recording to decision, over {}",
                crate::web::count(now.decided(), "decision", "decisions")
            ),
            change: format!(
                "{} in the previous period",
                median_text(rollup::median_bucket(before_waits))
            ),
        },
    ]
}

/// The chart of verified amounts and the table beside it: per bucket, verified (count,
/// amount) and rejected.
fn trend(rows: &[DayRow], current: &Period, currency: &str) -> (String, Vec<Trend>) {
    let mut amounts = chart::buckets(current);
    let mut verified = chart::buckets(current);
    let mut rejected = chart::buckets(current);
    for (day, (v, r)) in by_day(rows, current) {
        chart::add(&mut amounts, day, v.minor);
        chart::add(&mut verified, day, v.payments);
        chart::add(&mut rejected, day, r.payments);
    }
    let title = format!(
        "Verified payments, {} to {}",
        crate::web::dates::day(current.start),
        crate::web::dates::day(current.end)
    );
    let svg = chart::svg("verification-chart", &title, &amounts, currency);
    let trend = amounts
        .iter()
        .zip(verified.iter().zip(rejected.iter()))
        .map(|(a, (v, r))| Trend {
            label: a.label.clone(),
            verified: v.minor,
            amount: Money::new(a.minor, currency),
            rejected: r.minor,
        })
        .collect();
    (svg, trend)
}

/// The invoices the period's decisions left, by their status, and those still drafts.
fn invoices(now: &Summary, waiting: i64) -> Vec<(&'static str, i64)> {
    let decided = [
        (PaymentStatus::Verified, now.verified),
        (PaymentStatus::Rejected, now.rejected),
        (PaymentStatus::Refunded, now.refunded),
        (PaymentStatus::BadDebt, now.bad_debt),
    ];
    let mut invoices: Vec<(&'static str, i64)> = decided
        .iter()
        .map(|(status, sum)| (status_for(*status).label(), sum.payments))
        .collect();
    invoices.push((status_for(PaymentStatus::Pending).label(), waiting));
    invoices
}

/// Per method: verified (count, amount, share of the amount) and rejected.
fn methods(now: &Summary, currency: &str) -> Vec<Line> {
    now.methods
        .iter()
        .map(|(method, (v, r))| Line {
            name: PaymentMethod::parse(method).map_or("Other", PaymentMethod::label),
            cells: vec![
                v.payments.to_string(),
                money(v.minor, currency),
                percent(v.minor, now.verified.minor),
                r.payments.to_string(),
            ],
        })
        .collect()
}

/// Rejections per failure reason, most first.
fn reasons(now: &Summary) -> Vec<Line> {
    let mut reasons: Vec<(&String, &i64)> = now.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    reasons
        .into_iter()
        .map(|(reason, n)| Line {
            name: FailureReason::parse(reason).map_or("Other", FailureReason::label),
            cells: vec![n.to_string(), percent(*n, now.rejected.payments)],
        })
        .collect()
}
