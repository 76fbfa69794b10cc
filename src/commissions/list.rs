//! `/commissions`: a statement: the commissions of one person (one's own, or anyone's for those
//! who see everyone) or of everyone, created over a period (this month unless chosen), with the
//! totals of the whole period and keyset pages; `/commissions/export.csv` the same as CSV.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::lookup::{self, CommissionRow, Filter, Totals};
use super::viewer;
use crate::AppState;
use crate::db::{self, AnyConnection, PublicId};
use crate::domain::money::{bp_to_percent, currency_exponent, minor_to_input};
use crate::domain::{CommissionStatus, Money, choices};
use crate::error::AppError;
use crate::scope::RecordScope;
use crate::web::dates::{date, local_days};
use crate::web::export::{CsvFile, EXPORT_LIMIT, cell, csv_response};
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, pager, render_status};

const PAGE_SIZE: i64 = 50;
/// A statement covers at most this many days, so that its totals stay a bounded read.
const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub person: String,
    pub status: String,
    pub from: String,
    pub to: String,
    /// The cursor: never part of the links a page builds.
    #[serde(skip_serializing)]
    pub after: String,
}

/// The statement's period and filter, checked.
#[derive(Clone)]
struct Statement {
    from: NaiveDate,
    to: NaiveDate,
    person: String,
    status: Option<CommissionStatus>,
}

impl ListQuery {
    fn statement(&self, today: NaiveDate, e: &mut FieldErrors) -> Statement {
        let month = today.with_day(1).unwrap_or(today);
        let from = e.check("from", date(&self.from)).flatten().unwrap_or(month);
        let mut to = e.check("to", date(&self.to)).flatten().unwrap_or(today);
        if to < from {
            e.add("to", "The end date is before the start date.");
            to = from;
        } else if (to - from).num_days() >= MAX_DAYS {
            e.add(
                "to",
                "A statement covers at most a year; choose a shorter period.",
            );
            to = from;
        }
        Statement {
            from,
            to,
            person: self.person.clone(),
            status: e.check("status", choices::pick(&self.status)).flatten(),
        }
    }
}

/// A person to pick: id, public id, name.
type Person = (i64, PublicId, String);

/// The filter of a statement within what the viewer sees: `None` when the person chosen is not
/// one of the organization's (a 404 rather than everyone's lines).
fn filter(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    s: &Statement,
    tz: chrono_tz::Tz,
) -> Result<(Filter, Vec<Person>), AppError> {
    let people = match scope.sees_everyone() {
        false => Vec::new(),
        true => lookup::people(conn, scope.org())?,
    };
    let person = match s.person.as_str() {
        "" => None,
        p => Some(
            people
                .iter()
                .find(|(_, id, _)| id.to_string() == p)
                .map(|(id, _, _)| *id)
                .ok_or(AppError::NotFound)?,
        ),
    };
    let (from, to) = local_days(s.from, s.to, tz).ok_or(AppError::NotFound)?;
    Ok((
        Filter {
            person,
            status: s.status,
            from,
            to,
            after: None,
        },
        people,
    ))
}

pub struct Line {
    pub row: CommissionRow,
    pub base: Money,
    pub rate: String,
    pub converted: Money,
    pub bonus: Money,
    pub penalty: Money,
    pub final_amount: Money,
    pub created: When,
}

#[derive(Template)]
#[template(path = "commissions/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    errors: FieldErrors,
    heading: String,
    range: String,
    lines: Vec<Line>,
    /// Count, converted, bonus, penalty, final; then final by status (pending, approved, paid).
    totals: (i64, [Money; 4], [Money; 3]),
    status_options: Vec<(String, String)>,
    people_options: Vec<(String, String)>,
    export: String,
    next: Option<String>,
    first: Option<String>,
}

pub async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let viewer = viewer(&ctx)?;
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let s = query.statement(ctx.today(), &mut errors);
    let tz = ctx.timezone();
    let after = query.after.parse().ok();
    let statement = s.clone();
    let seen = viewer.clone();
    let read = db::run(&state.pool, move |conn| {
        let (mut f, people) = filter(conn, &seen, &statement, tz)?;
        let totals = lookup::totals(conn, &seen, &f)?;
        f.after = after;
        Ok(Read {
            rows: lookup::list(conn, &seen, &f, PAGE_SIZE + 1)?,
            totals,
            people,
        })
    })
    .await?;
    let page = ListPage::build(ctx, &viewer, query, errors, &s, read);
    render_status(page.errors.status(), &page)
}

/// What a statement's page reads: a page of lines (and one more), the period's totals and the
/// people the viewer may choose from.
struct Read {
    rows: Vec<CommissionRow>,
    totals: Totals,
    people: Vec<Person>,
}

impl ListPage {
    fn build(
        ctx: Ctx,
        viewer: &RecordScope,
        query: ListQuery,
        errors: FieldErrors,
        s: &Statement,
        read: Read,
    ) -> Self {
        let Read {
            mut rows,
            totals,
            people,
        } = read;
        let pages = pager::keyset(
            "/commissions",
            &query,
            &query.after,
            &mut rows,
            PAGE_SIZE as usize,
            |r| r.public_id.to_string(),
        );
        let currency = viewer.currency();
        let m = |minor: i64| Money::new(minor, currency);
        let whose = people
            .iter()
            .find(|(_, id, _)| id.to_string() == query.person)
            .map(|(_, _, name)| name.clone());
        let heading = match (&whose, people.is_empty()) {
            (Some(name), _) => format!("Commissions of {name}"),
            (None, true) => "Your commissions".into(),
            (None, false) => "Commissions of everyone".into(),
        };
        let people_options = choices::people("Everyone", &people);
        let Totals {
            count,
            converted,
            bonus,
            penalty,
            final_minor,
            by_status,
        } = totals;
        ListPage {
            heading,
            range: format!(
                "Created {} to {}",
                crate::web::dates::day(s.from),
                crate::web::dates::day(s.to)
            ),
            lines: rows
                .into_iter()
                .map(|row| line(&ctx, row, currency))
                .collect(),
            totals: (
                count,
                [m(converted), m(bonus), m(penalty), m(final_minor)],
                by_status.map(m),
            ),
            status_options: choices::any_of::<CommissionStatus>("Any status"),
            people_options,
            export: format!(
                "/commissions/export.csv?{}",
                serde_urlencoded::to_string(&query).unwrap_or_default()
            ),
            next: pages.next,
            first: pages.first,
            ctx,
            query,
            errors,
        }
    }
}

pub fn line(ctx: &Ctx, row: CommissionRow, org_currency: &str) -> Line {
    let m = |minor: i64| Money::new(minor, org_currency);
    Line {
        base: Money::new(row.base_minor, &row.currency),
        rate: format!("{} %", bp_to_percent(row.rate_bp.into())),
        converted: m(row.converted_minor),
        bonus: m(row.bonus_minor),
        penalty: m(row.penalty_minor),
        final_amount: m(row.final_minor),
        created: ctx.local_time(Some(row.created_at)),
        row,
    }
}

/// The statement as CSV: every line of the period and filter, and a last line of totals.
/// Earnings leaving the application are a sensitive read: the export is audited.
pub async fn export(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let viewer = viewer(&ctx)?;
    let query = ListQuery {
        after: String::new(),
        ..query.into_inner()
    };
    let mut errors = FieldErrors::default();
    let s = query.statement(ctx.today(), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::BadRequest(
            "The statement's period or filter is not valid; correct it on the page first.".into(),
        ));
    }
    let tz = ctx.timezone();
    let actor = ctx.actor();
    let body = db::run(&state.pool, move |conn| {
        let file = statement_csv(conn, &viewer, &s, tz)?;
        file.finish_audited(
            conn,
            &actor,
            viewer.org(),
            "commission",
            &query,
            EXPORT_LIMIT,
        )
    })
    .await?;
    Ok(csv_response("commissions.csv", body))
}

/// The statement's lines (at most `EXPORT_LIMIT`, read in batches) and a last line of totals.
fn statement_csv(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    s: &Statement,
    tz: chrono_tz::Tz,
) -> Result<CsvFile, AppError> {
    let (mut f, _) = filter(conn, scope, s, tz)?;
    let totals = lookup::totals(conn, scope, &f)?;
    let exp = currency_exponent(scope.currency());
    let amount = |minor: i64| minor_to_input(minor, exp);
    let mut file = CsvFile::new(&[
        "created",
        "person",
        "deal",
        "base",
        "currency",
        "rate_percent",
        "commission",
        "exchange_rate",
        "converted",
        "bonus",
        "penalty",
        "penalty_reason",
        "final",
        "status",
        "paid",
    ])?;
    while file.rows < EXPORT_LIMIT {
        let batch = lookup::list(conn, scope, &f, 2_000.min(EXPORT_LIMIT - file.rows))?;
        for r in &batch {
            file.row(csv_line(r, tz, exp))?;
        }
        match batch.last() {
            Some(last) if batch.len() == 2_000 => f.after = Some(last.public_id),
            _ => break,
        }
    }
    file.row([
        "total".to_string(),
        String::new(),
        format!("{} commissions", totals.count),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        amount(totals.converted),
        amount(totals.bonus),
        amount(totals.penalty),
        String::new(),
        amount(totals.final_minor),
        String::new(),
        String::new(),
    ])?;
    Ok(file)
}

/// A commission as a CSV line: times in the viewer's zone, the base and commission in the
/// deal's currency, the rest in the organization's (`exp` its decimals).
fn csv_line(r: &CommissionRow, tz: chrono_tz::Tz, exp: u32) -> [String; 15] {
    let deal_exp = currency_exponent(&r.currency);
    let amount = |minor: i64| minor_to_input(minor, exp);
    let local = |t: chrono::NaiveDateTime| {
        t.and_utc()
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    [
        local(r.created_at),
        cell(&r.person()),
        cell(&r.deal_number),
        minor_to_input(r.base_minor, deal_exp),
        r.currency.clone(),
        bp_to_percent(r.rate_bp.into()),
        minor_to_input(r.commission_minor, deal_exp),
        minor_to_input(r.exchange_rate_e4, 4),
        amount(r.converted_minor),
        amount(r.bonus_minor),
        amount(r.penalty_minor),
        cell(r.penalty_reason.as_deref().unwrap_or_default()),
        amount(r.final_minor),
        r.status.code().to_string(),
        r.paid_at.map(local).unwrap_or_default(),
    ]
}
