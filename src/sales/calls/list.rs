//! The calls list: filters, keyset pages and the metrics over the chosen range.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::form::when_local;
use super::metrics::{self, Metrics};
use super::queries::{self, CallRow, Filter, Tally};
use super::rollup;
use super::scope_request;
use crate::AppState;
use crate::db::{self, AnyConnection};
use crate::domain::choices::options;
use crate::domain::{CallOutcome, CallStatus, CallType, choices};
use crate::error::AppError;
use crate::sales::choices::{Owner, owner_choices};
use crate::scope::RecordScope;
use crate::web::dates::{date, local_days};
use crate::web::listing::{
    Dir, Found, Search, Sorts, page_holds_all, page_size, page_size_options,
};
use crate::web::pager;
use crate::web::{Ctx, FieldErrors, render_status};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    pub from: String,
    pub to: String,
    pub call_type: String,
    pub status: String,
    pub outcome: String,
    pub user: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub size: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

impl ListQuery {
    fn without_cursor(&self) -> Self {
        Self {
            after: String::new(),
            ..self.clone()
        }
    }

    /// The filters alone: what the "When" heading keeps when it turns the order round.
    fn without_order(&self) -> Self {
        Self {
            dir: String::new(),
            ..self.without_cursor()
        }
    }
}

pub struct ListRow {
    pub row: CallRow,
    pub when: String,
}

#[derive(Template)]
#[template(path = "sales/calls/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    errors: FieldErrors,
    rows: Vec<ListRow>,
    metrics: Metrics,
    range: String,
    user_options: Vec<(String, String)>,
    type_options: Vec<(String, String)>,
    status_options: Vec<(String, String)>,
    outcome_options: Vec<(String, String)>,
    dir_options: Vec<(String, String)>,
    size_options: Vec<(String, String)>,
    sorts: Sorts,
    found: Found,
    next: Option<String>,
    first: Option<String>,
}

pub(super) async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let (from_day, to_day) = range_of(&query, ctx.today(), &mut errors);
    let Some((from, to)) = local_days(from_day, to_day, ctx.timezone()) else {
        return Err(AppError::BadRequest("That range cannot be read.".into()));
    };
    let filter = filter_of(&query, from, to, &mut errors);
    let user = query.user.clone();
    let after = query.after.clone();
    let size = page_size(&query.size);
    let (rows, found, owners, metrics) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let owners = owner_choices(conn, &scope)?;
        let filter = Filter {
            user: chosen_owner(&owners, &user),
            ..filter
        };
        let rows = queries::list(conn, &scope, &filter, size + 1)?;
        let found = if page_holds_all(&after, rows.len(), size) {
            Found::rows(rows.len())
        } else {
            queries::found(conn, &scope, &filter)?
        };
        let metrics = load_metrics(conn, &scope, from, to)?;
        Ok((rows, found, owners, metrics))
    })
    .await?;
    let range = format!(
        "{} to {}",
        crate::web::dates::day(from_day),
        crate::web::dates::day(to_day)
    );
    let page = ListPage::build(ctx, query, errors, range, (rows, found), owners, metrics);
    render_status(page.errors.status(), &page)
}

/// The days the list covers: the last 30 unless the query says otherwise.
fn range_of(
    query: &ListQuery,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> (NaiveDate, NaiveDate) {
    let from_day = errors.check("from", date(&query.from)).flatten();
    let to_day = errors.check("to", date(&query.to)).flatten();
    match (from_day, to_day) {
        (None, None) => (today - Duration::days(29), today),
        (Some(f), None) => (f, today.max(f)),
        (None, Some(t)) => (t - Duration::days(29), t),
        (Some(f), Some(t)) if t < f => {
            errors.add("to", "The end date is before the start date.");
            (f, f)
        }
        (Some(f), Some(t)) => (f, t),
    }
}

fn filter_of(
    query: &ListQuery,
    from: NaiveDateTime,
    to: NaiveDateTime,
    errors: &mut FieldErrors,
) -> Filter {
    Filter {
        from: Some(from),
        to: Some(to),
        call_type: errors
            .check("call_type", choices::pick::<CallType>(&query.call_type))
            .flatten(),
        status: errors
            .check("status", choices::pick::<CallStatus>(&query.status))
            .flatten(),
        outcome: errors
            .check("outcome", choices::pick::<CallOutcome>(&query.outcome))
            .flatten(),
        user: None,
        search: Search::parse(&query.q),
        dir: Some(Dir::parse(&query.dir, Dir::Desc)),
        after: query.after.parse().ok(),
    }
}

/// The caller the query names among those the scope sees; someone it does not see matches
/// no call rather than every call.
fn chosen_owner(owners: &[Owner], user: &str) -> Option<i64> {
    (!user.is_empty()).then(|| {
        owners
            .iter()
            .find(|(_, p, _)| p.to_string() == user)
            .map_or(-1, |(id, _, _)| *id)
    })
}

impl ListPage {
    fn build(
        ctx: Ctx,
        query: ListQuery,
        errors: FieldErrors,
        range: String,
        (mut rows, found): (Vec<CallRow>, Found),
        owners: Vec<Owner>,
        metrics: Metrics,
    ) -> Self {
        let pages = pager::keyset(
            "/sales/calls",
            &query.without_cursor(),
            &query.after,
            &mut rows,
            page_size(&query.size) as usize,
            |r| r.public_id.to_string(),
        );
        let sorts = Sorts::new(
            "/sales/calls",
            &query.without_order(),
            &[("", "When", Dir::Desc)],
            "",
            Dir::parse(&query.dir, Dir::Desc),
        );
        let tz = ctx.timezone();
        let rows = rows
            .into_iter()
            .map(|row| ListRow {
                when: when_local(row.completed_at, tz),
                row,
            })
            .collect();
        let user_options = choices::people("Everyone", &owners);
        ListPage {
            ctx,
            query,
            errors,
            rows,
            metrics,
            range,
            user_options,
            type_options: choices::any_of::<CallType>("Any type"),
            status_options: choices::any_of::<CallStatus>("Any status"),
            outcome_options: choices::any_of::<CallOutcome>("Any outcome"),
            dir_options: options(&[("", "Latest first"), ("asc", "Earliest first")]),
            size_options: page_size_options(),
            sorts,
            found,
            next: pages.next,
            first: pages.first,
        }
    }
}

pub(crate) fn load_metrics(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> Result<Metrics, AppError> {
    let counts = rollup::counts(conn, scope, from, to)?;
    let tallies: Vec<Tally> = counts
        .iter()
        .map(|c| (c.user_id, c.status, c.outcome, c.calls))
        .collect();
    let mut ids: Vec<i64> = counts.iter().map(|c| c.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let who: BTreeMap<i64, (String, Option<String>)> = queries::people(conn, scope, &ids)?
        .into_iter()
        .map(|(id, first, last, team)| (id, (format!("{first} {last}"), team)))
        .collect();
    let mut lost: BTreeMap<i64, i64> = BTreeMap::new();
    for c in &counts {
        if let (Some(CallOutcome::Lost), Some(reason)) = (c.outcome, c.loss_reason_id) {
            *lost.entry(reason).or_default() += c.calls;
        }
    }
    let reasons: Vec<i64> = lost.keys().copied().collect();
    let losses: Vec<(String, i64)> = queries::reason_names(conn, scope, &reasons)?
        .into_iter()
        .map(|(id, name)| (name, lost.get(&id).copied().unwrap_or(0)))
        .collect();
    Ok(metrics::compute(&tallies, &who, &losses))
}
