//! The users list: search, filters, sort and keyset pages.

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::queries;
use super::queries::{Filter, Sort, Status, TeamFilter, UserRow};
use super::{PAGE_SIZE, status_of};
use crate::AppState;
use crate::db;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::organization_stats;
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

pub(super) fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
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
    let (rows, roles, teams, (total, active)) = db::run(&state.pool, move |conn| {
        let roles = queries::role_choices(conn, scope)?;
        let teams = queries::team_choices(conn, scope)?;
        let find = |items: &[queries::Choice], v: &str| {
            items
                .iter()
                .find(|c| c.1.to_string() == v)
                .map(|c| c.0)
                .unwrap_or(-1)
        };
        let filter = Filter {
            q: q.q.chars().take(100).collect(),
            role_id: (!q.role.is_empty()).then(|| find(&roles, &q.role)),
            team: match q.team.as_str() {
                "" => TeamFilter::Any,
                "none" => TeamFilter::NoTeam,
                other => TeamFilter::Team(find(&teams, other)),
            },
            status: Status::parse(&q.status),
            sort: Sort::parse(&q.sort),
            after: q.after.parse().ok(),
        };
        let rows = queries::list(conn, scope, &filter, PAGE_SIZE + 1)?;
        let counts = organization_stats::table
            .find(scope.id())
            .select((
                organization_stats::users_total,
                organization_stats::users_active,
            ))
            .first(conn)
            .optional()?
            .unwrap_or((0, 0));
        Ok((rows, roles, teams, counts))
    })
    .await?;
    let mut rows = rows;
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
    let mut team_options = pairs(&[("", "All teams"), ("none", "No team")]);
    team_options.extend(teams.iter().map(|(_, p, n)| (p.to_string(), n.clone())));
    render(&ListPage {
        ctx,
        query,
        rows,
        role_options,
        team_options,
        status_options: pairs(&[
            ("", "Any status"),
            ("active", "Active"),
            ("inactive", "Inactive"),
            ("locked", "Locked"),
        ]),
        sort_options: pairs(&[
            ("name", "Name"),
            ("email", "E-mail"),
            ("newest", "Newest first"),
        ]),
        next,
        first,
        total,
        active,
    })
}
