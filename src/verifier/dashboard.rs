//! `/verifier/dashboard`: the organization's decisions over a period against the period before
//! (verified, rejected, refunded and bad debt, average verified amount, median wait for a
//! decision), the trend, the split by method and failure reason, the invoices they left, and
//! what waits now with the oldest of it. Read from the day rollups (`rollup.rs`) and the owners'
//! waiting figures: a handful of indexed reads whatever the number of payments.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::queries::{self, Filter, QueueRow};
use super::rollup;
use super::summary::{Sum, Summary, by_day, median_text};
use crate::AppState;
use crate::dashboards::period::{self, KINDS};
use crate::dashboards::{Figure, PeriodQuery, change, chart, range_text};
use crate::db;
use crate::domain::FailureReason;
use crate::domain::PaymentStatus;
use crate::domain::choices::options;
use crate::domain::money::money;
use crate::domain::ratio::percent;
use crate::error::AppError;
use crate::invoices::rules::status_for;
use crate::permissions::Permission;
use crate::sales::payments::form::label;
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, render_status};

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
    pub amount: String,
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
    waiting: (i64, String),
    oldest: Vec<(QueueRow, String, When, bool)>,
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
    let previous = current.previous();
    let (rows, waits, before_waits, waiting, oldest) = db::run(&state.pool, move |conn| {
        let rows = rollup::days(conn, org.id(), previous.start, current.end)?;
        let waits = rollup::waits(conn, org.id(), current.start, current.end)?;
        let before = rollup::waits(conn, org.id(), previous.start, previous.end)?;
        let waiting = queries::waiting(conn, org)?;
        let pending = Filter {
            status: "pending".into(),
            ..Filter::default()
        };
        let oldest = queries::queue(conn, org, &pending, OLDEST)?;
        Ok((rows, waits, before, waiting, oldest))
    })
    .await?;
    let currency = ctx.user.currency.map_or("USD", |c| c.code());
    let m = |minor: i64| money(minor, currency);
    let now = Summary::in_period(&rows, &current);
    let before = Summary::in_period(&rows, &previous);
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
    let figures = vec![
        figure("Verified", now.verified, before.verified),
        figure("Rejected", now.rejected, before.rejected),
        Figure {
            label: "Since refunded or bad debt",
            value: m(written_off(&now).minor),
            detail: format!(
                "{} refunded ({}), {} bad debt ({})",
                now.refunded.payments,
                m(now.refunded.minor),
                now.bad_debt.payments,
                m(now.bad_debt.minor)
            ),
            change: change(written_off(&now).minor, written_off(&before).minor),
        },
        Figure {
            label: "Average verified amount",
            value: m(now.verified.average()),
            detail: format!("{} in the previous period", m(before.verified.average())),
            change: change(now.verified.average(), before.verified.average()),
        },
        Figure {
            label: "Median time to a decision",
            value: median_text(rollup::median_bucket(&waits)),
            detail: format!(
                "from recording to decision, over {}",
                crate::web::count(now.decided(), "decision", "decisions")
            ),
            change: format!(
                "{} in the previous period",
                median_text(rollup::median_bucket(&before_waits))
            ),
        },
    ];
    let mut amounts = chart::buckets(&current);
    let mut verified = chart::buckets(&current);
    let mut rejected = chart::buckets(&current);
    for (day, (v, r)) in by_day(&rows, &current) {
        chart::add(&mut amounts, day, v.minor);
        chart::add(&mut verified, day, v.payments);
        chart::add(&mut rejected, day, r.payments);
    }
    let title = format!(
        "Verified payments, {} to {}",
        current.start.format("%d %b %Y"),
        current.end.format("%d %b %Y")
    );
    let svg = chart::svg("verification-chart", &title, &amounts, m);
    let trend = amounts
        .iter()
        .zip(verified.iter().zip(rejected.iter()))
        .map(|(a, (v, r))| Trend {
            label: a.label.clone(),
            verified: v.minor,
            amount: m(a.minor),
            rejected: r.minor,
        })
        .collect();
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
    invoices.push((status_for(PaymentStatus::Pending).label(), waiting.0));
    let methods = now
        .methods
        .iter()
        .map(|(method, (v, r))| Line {
            name: label(method),
            cells: vec![
                v.payments.to_string(),
                m(v.minor),
                percent(v.minor, now.verified.minor),
                r.payments.to_string(),
            ],
        })
        .collect();
    let mut reasons: Vec<(&String, &i64)> = now.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let reasons = reasons
        .into_iter()
        .map(|(reason, n)| Line {
            name: FailureReason::parse(reason).map_or("Other", FailureReason::label),
            cells: vec![n.to_string(), percent(*n, now.rejected.payments)],
        })
        .collect();
    let oldest = oldest
        .into_iter()
        .map(|r| {
            let amount = money(r.amount_minor, &r.currency);
            let arrived = ctx.local_time(Some(r.created_at));
            let second = r.first_approver.is_some();
            (r, amount, arrived, second)
        })
        .collect();
    let page = DashboardPage {
        currency,
        range: range_text(&current, &previous),
        figures,
        waiting: (waiting.0, m(waiting.1)),
        oldest,
        invoices,
        methods,
        reasons,
        chart: svg,
        trend,
        period_options: options(&KINDS),
        ctx,
        query,
        errors,
    };
    render_status(page.errors.status(), &page)
}
