//! `/admin/outbox` (org.manage): the organization's e-mails as the sender left them: queued,
//! being sent, sent, failed after their retries, or unconfirmed (the server may have taken them;
//! they are never sent twice on their own). A failed or unconfirmed message can be resent, which
//! the audit log keeps.

mod queries;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use self::queries::{Filter, OutboxRow};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, write_tx};
use crate::domain::{MailStatus, choices};
use crate::error::AppError;
use crate::mail::outbox;
use crate::permissions::Permission;
use crate::web::{Ctx, Flash, render, see_other, url_encode};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/outbox", web::get().to(list))
        .route("/admin/outbox/{id}/resend", web::post().to(resend));
}

/// Rows on one page.
const PAGE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    status: String,
    before: String,
}

#[derive(Template)]
#[template(path = "admin/outbox/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<(OutboxRow, crate::web::time::When)>,
    status: String,
    status_options: Vec<(String, String)>,
    /// Messages waiting or given up on, for the page's summary.
    counts: Vec<(MailStatus, i64)>,
    first: Option<String>,
    next: Option<String>,
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let org = ctx.scope()?;
    let status = MailStatus::parse(&q.status);
    let filter = Filter {
        status,
        before: q.before.parse().ok(),
    };
    let (rows, counts) = db::run(&state.pool, move |conn| {
        Ok((
            queries::page(conn, org, &filter, PAGE + 1)?,
            queries::counts(conn, org)?,
        ))
    })
    .await?;
    let more = rows.len() as i64 > PAGE;
    let rows: Vec<OutboxRow> = rows.into_iter().take(PAGE as usize).collect();
    let status = status.map_or("", MailStatus::code).to_string();
    let next = rows.last().filter(|_| more).map(|r| {
        format!(
            "/admin/outbox?status={}&before={}",
            url_encode(&status),
            r.id
        )
    });
    let first = q
        .before
        .parse::<i64>()
        .is_ok()
        .then(|| format!("/admin/outbox?status={}", url_encode(&status)));
    render(&ListPage {
        rows: rows
            .into_iter()
            .map(|r| {
                let when = ctx.local_time(Some(r.created_at));
                (r, when)
            })
            .collect(),
        counts,
        status,
        status_options: choices::any_of::<MailStatus>("Every status"),
        first,
        next,
        ctx,
    })
}

async fn resend(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let actor = ctx.actor();
    let to = db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let row = queries::find(conn, org, id)?;
            if !outbox::resend(conn, org.id(), id)? {
                return Ok(None);
            }
            audit::record(
                conn,
                &actor,
                Event::new(Some(org.id()), actions::UPDATE, "email")
                    .entity(id.to_string())
                    .old(json!({ "status": row.status, "to": row.to_address }))
                    .new_values(json!({ "status": MailStatus::Pending, "subject": row.subject })),
            )?;
            Ok::<_, AppError>(Some(row.to_address))
        })
    })
    .await?;
    match to {
        Some(to) => Flash::success(&ctx.session, format!("The e-mail to {to} is queued again.")),
        None => Flash::error(
            &ctx.session,
            "Only a failed or unconfirmed e-mail can be resent; here it is as it now stands.",
        ),
    }
    Ok(see_other("/admin/outbox"))
}
