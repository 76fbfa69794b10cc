//! `/admin/broadcasts`: an administrator (`users.manage`) sends a notification to everyone of
//! the organization, a role or a team, with a priority; the page lists the latest ones with how
//! many received each.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde_json::json;

mod form;

use self::form::{BroadcastForm, PRIORITIES, audiences};
use crate::AppState;
use crate::admin::users::queries::{Choice, role_choices, team_choices};
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, write_tx};
use crate::error::AppError;
use crate::notifications::broadcast::{self, KIND};
use crate::permissions::Permission;
use crate::schema::{notifications, user_notifications, users};
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/broadcasts")
            .route(web::get().to(show))
            .route(web::post().to(send)),
    );
}

/// A broadcast sent: title, priority, sender, when, recipients.
pub struct Sent {
    pub title: String,
    pub message: String,
    pub priority: String,
    pub sender: String,
    pub when: When,
    pub recipients: i64,
}

#[derive(Template)]
#[template(path = "admin/broadcasts.html")]
struct BroadcastsPage {
    ctx: Ctx,
    form: BroadcastForm,
    errors: FieldErrors,
    audience_options: Vec<(String, String)>,
    priority_options: Vec<(String, String)>,
    sent: Vec<Sent>,
}

type Loaded = (Vec<Choice>, Vec<Choice>, Vec<RawSent>);
type RawSent = (
    String,
    String,
    String,
    Option<String>,
    chrono::NaiveDateTime,
    i64,
);

#[derive(Queryable)]
struct SentRow {
    id: i64,
    title: String,
    message: String,
    priority: String,
    first: Option<String>,
    last: Option<String>,
    at: chrono::NaiveDateTime,
}

/// The latest broadcasts of the organization, each with its number of recipients.
fn latest(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Vec<RawSent>> {
    let rows: Vec<SentRow> = notifications::table
        .left_join(users::table.on(users::id.nullable().eq(notifications::created_by_id)))
        .filter(notifications::organization_id.eq(org.id()))
        .filter(notifications::kind.eq(KIND))
        .order(notifications::id.desc())
        .limit(20)
        .select((
            notifications::id,
            notifications::title,
            notifications::message,
            notifications::priority,
            users::first_name.nullable(),
            users::last_name.nullable(),
            notifications::created_at,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts: Vec<(i64, i64)> = user_notifications::table
        .filter(user_notifications::notification_id.eq_any(ids))
        .group_by(user_notifications::notification_id)
        .select((user_notifications::notification_id, count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = counts.iter().find(|(i, _)| *i == r.id).map_or(0, |c| c.1);
            let sender = r.first.zip(r.last).map(|(f, l)| format!("{f} {l}"));
            (r.title, r.message, r.priority, sender, r.at, n)
        })
        .collect())
}

fn load(conn: &mut AnyConnection, org: OrgScope) -> QueryResult<Loaded> {
    Ok((
        role_choices(conn, org)?,
        team_choices(conn, org)?,
        latest(conn, org)?,
    ))
}

fn page(ctx: Ctx, form: BroadcastForm, errors: FieldErrors, l: Loaded) -> BroadcastsPage {
    let (roles, teams, raw) = l;
    BroadcastsPage {
        audience_options: audiences(&roles, &teams),
        priority_options: PRIORITIES
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        sent: raw
            .into_iter()
            .map(|(title, message, priority, sender, at, recipients)| Sent {
                title,
                message,
                priority,
                sender: sender.unwrap_or_else(|| "someone no longer here".into()),
                when: ctx.local_time(Some(at)),
                recipients,
            })
            .collect(),
        ctx,
        form,
        errors,
    }
}

async fn show(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let org = ctx.scope()?;
    let l = db::run(&state.pool, move |conn| Ok(load(conn, org)?)).await?;
    let form = BroadcastForm {
        audience: "everyone".into(),
        priority: "medium".into(),
        ..Default::default()
    };
    render_status(StatusCode::OK, &page(ctx, form, FieldErrors::default(), l))
}

async fn send(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<BroadcastForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let org = ctx.scope()?;
    let actor = ctx.actor();
    let sender = ctx.user.id;
    let f = form.into_inner();
    let submitted = f.clone();
    let outcome = db::run(&state.pool, move |conn| {
        let (roles, teams) = (role_choices(conn, org)?, team_choices(conn, org)?);
        let v = match f.validate(&roles, &teams) {
            Ok(v) => v,
            Err(errors) => return Ok(Err((errors, load(conn, org)?))),
        };
        let counts = write_tx(conn, |conn| {
            let counts = broadcast::send(
                conn, org, sender, v.audience, &v.title, &v.message, v.priority,
            )?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(org.id()), actions::CREATE, "broadcast").new_values(json!({
                    "title": v.title,
                    "audience": v.audience_name,
                    "priority": v.priority,
                    "recipients": counts.0,
                    "emailed": counts.1,
                })),
            )?;
            Ok::<_, AppError>(counts)
        })?;
        Ok(Ok((counts, v.audience_name)))
    })
    .await?;
    match outcome {
        Ok(((in_app, emailed), to)) => {
            Flash::success(
                &ctx.session,
                format!(
                    "Sent to {to}: {} in the app, {} by e-mail.",
                    crate::web::count(in_app as i64, "person", "people"),
                    emailed
                ),
            );
            Ok(see_other("/admin/broadcasts"))
        }
        Err((errors, l)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(ctx, submitted, errors, l),
        ),
    }
}
