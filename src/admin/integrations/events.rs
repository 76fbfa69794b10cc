//! `/admin/integrations/events`: the webhook events the organization received, newest first,
//! by status, and retrying a failed one (back in line, due now, attempts counted afresh).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, PublicId, write_tx};
use crate::domain::{EventStatus, choices};
use crate::error::AppError;
use crate::integrations::queries::{self, EventRecord};
use crate::permissions::Permission;
use crate::web::time::When;
use crate::web::{Ctx, Flash, pager, render, see_other};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EventsQuery {
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

#[derive(Template)]
#[template(path = "admin/integrations/events.html")]
struct EventsPage {
    ctx: Ctx,
    query: EventsQuery,
    rows: Vec<(EventRecord, When)>,
    status_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
}

pub(super) async fn events(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<EventsQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::IntegrationsManage)?;
    let org = ctx.scope()?;
    let query = query.into_inner();
    let status = EventStatus::parse(&query.status);
    let before: Option<i64> = query.after.parse().ok();
    let mut rows = db::run(&state.pool, move |conn| {
        Ok(queries::events(conn, org, status, before, 51)?)
    })
    .await?;
    let filters = EventsQuery {
        after: String::new(),
        ..query.clone()
    };
    let pages = pager::keyset(
        "/admin/integrations/events",
        &filters,
        &query.after,
        &mut rows,
        50,
        |r| r.id.to_string(),
    );
    let rows = rows
        .into_iter()
        .map(|e| {
            let w = ctx.local_time(Some(e.received_at));
            (e, w)
        })
        .collect();
    render(&EventsPage {
        ctx,
        query,
        rows,
        status_options: choices::any_of::<EventStatus>("Every status"),
        next: pages.next,
        first: pages.first,
    })
}

pub(super) async fn retry(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::IntegrationsManage)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let actor = ctx.actor();
    let retried = db::run(&state.pool, move |conn| {
        let e = queries::find_event(conn, org, id)?;
        write_tx(conn, |conn| {
            let retried = queries::retry(conn, e.id)?;
            if retried {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(org.id()), actions::UPDATE, "webhook_event")
                        .entity(e.public_id)
                        .new_values(json!({ "retry": e.event_id })),
                )?;
            }
            Ok::<_, AppError>(retried)
        })
    })
    .await?;
    if retried {
        Flash::success(
            &ctx.session,
            "The event is queued again; it is processed within seconds.",
        );
    } else {
        Flash::error(&ctx.session, "Only a failed event is retried.");
    }
    Ok(see_other("/admin/integrations/events?status=failed"))
}
