//! The users list: search, filters, sort and keyset pages.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::queries;
use super::queries::{Filter, Sort, Status, TeamFilter, UserRow};
use super::{PAGE_SIZE, status_of};
use crate::AppState;
use crate::db;
use crate::domain::choices::options;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::pager::{self, Pages};
use crate::web::time::When;
use crate::web::{Ctx, render};

#[derive(Debug, Default, Deserialize, serde::Serialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub role: String,
    pub team: String,
    pub status: String,
    pub sort: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

pub struct ListRow {
    pub row: UserRow,
    pub status: &'static str,
    pub status_class: &'static str,
    pub last_login: When,
}

#[derive(Template)]
#[template(path = "admin/users/list.html")]
pub(super) struct ListPage {
    pub(super) ctx: Ctx,
    pub(super) query: ListQuery,
    pub(super) rows: Vec<ListRow>,
    pub(super) role_options: Vec<(String, String)>,
    pub(super) team_options: Vec<(String, String)>,
    pub(super) status_options: Vec<(String, String)>,
    pub(super) sort_options: Vec<(String, String)>,
    pub(super) next: Option<String>,
    pub(super) first: Option<String>,
    pub(super) total: i64,
    pub(super) active: i64,
}

pub(super) async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let query = query.into_inner();
    let q = query.clone();
    let read = db::run(&state.pool, move |conn| {
        let roles = queries::role_choices(conn, scope)?;
        let teams = queries::team_choices(conn, scope)?;
        let filter = filter_of(&q, &roles, &teams);
        Ok(Read {
            rows: queries::list(conn, scope, &filter, PAGE_SIZE + 1)?,
            counts: queries::user_counts(conn, scope)?,
            roles,
            teams,
        })
    })
    .await?;
    render(&ListPage::build(ctx, query, read))
}

/// What the list reads: a page of rows (and one more), the filters' choices, the counts.
struct Read {
    rows: Vec<UserRow>,
    roles: Vec<queries::Choice>,
    teams: Vec<queries::Choice>,
    counts: (i64, i64),
}

/// The query's filters; a role or team the organization does not have matches nobody.
fn filter_of(q: &ListQuery, roles: &[queries::Choice], teams: &[queries::Choice]) -> Filter {
    let find = |items: &[queries::Choice], v: &str| {
        items
            .iter()
            .find(|c| c.1.to_string() == v)
            .map_or(-1, |c| c.0)
    };
    Filter {
        q: q.q.chars().take(100).collect(),
        role_id: (!q.role.is_empty()).then(|| find(roles, &q.role)),
        team: match q.team.as_str() {
            "" => TeamFilter::Any,
            "none" => TeamFilter::NoTeam,
            other => TeamFilter::Team(find(teams, other)),
        },
        status: Status::parse(&q.status),
        sort: Sort::parse(&q.sort),
        after: q.after.parse().ok(),
    }
}

impl ListPage {
    fn build(ctx: Ctx, query: ListQuery, read: Read) -> Self {
        let Read {
            mut rows,
            roles,
            teams,
            counts: (total, active),
        } = read;
        let Pages { first, next } = pager::keyset(
            "/admin/users",
            &ListQuery {
                after: String::new(),
                ..query.clone()
            },
            &query.after,
            &mut rows,
            PAGE_SIZE as usize,
            |r| r.public_id.to_string(),
        );
        let rows: Vec<ListRow> = rows
            .into_iter()
            .map(|row| {
                let (status, status_class) = status_of(row.is_active, row.locked_until);
                ListRow {
                    last_login: ctx.local_time(row.last_login_at),
                    status,
                    status_class,
                    row,
                }
            })
            .collect();
        let mut role_options = vec![(String::new(), "All roles".to_string())];
        role_options.extend(roles.iter().map(|(_, p, n)| (p.to_string(), n.clone())));
        let mut team_options = options(&[("", "All teams"), ("none", "No team")]);
        team_options.extend(teams.iter().map(|(_, p, n)| (p.to_string(), n.clone())));
        ListPage {
            ctx,
            query,
            rows,
            role_options,
            team_options,
            status_options: options(&[
                ("", "Any status"),
                ("active", "Active"),
                ("inactive", "Inactive"),
                ("locked", "Locked"),
            ]),
            sort_options: options(&[
                ("name", "Name"),
                ("email", "E-mail"),
                ("newest", "Newest first"),
            ]),
            next,
            first,
            total,
            active,
        }
    }
}
