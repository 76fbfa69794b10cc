//! `POST /partner/leads/bulk`: the leads selected in the list move to one stage together, all or
//! none, each move audited and in its lead's history as a move from its page is. A lead that
//! cannot make the move from where it is (a won lead, won before a proposal), or that is outside
//! the user's channel, is named with why and nothing moves. Lost is not offered: each lost lead
//! needs its own reason, given on its page.

use actix_web::{HttpResponse, web};

use super::list::{self, ListQuery};
use super::moves::{check_move, record_move};
use super::status::Status;
use super::{PAGE_SIZE, queries, request};
use crate::AppState;
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::error::AppError;
use crate::partner::scope::ChannelScope;
use crate::web::bulk::{Bulk, Refused};
use crate::web::{Ctx, FieldErrors, Flash, see_other};

/// The form from its posted pairs (`lead` repeated) and the list's address it came from.
fn read(pairs: &[(String, String)]) -> (Bulk, ListQuery, String) {
    let mut bulk = Bulk::default();
    let mut back = String::new();
    for (k, v) in pairs {
        match k.as_str() {
            "lead" => bulk.selected.push(v.clone()),
            "to" => bulk.action = v.clone(),
            "back" => back = v.clone(),
            _ => {}
        }
    }
    let query: ListQuery = back
        .strip_prefix("/partner/leads?")
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let address = format!(
        "/partner/leads?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    (bulk, query, address)
}

/// What the form asks, checked: the leads and the stage; else its errors.
fn checked(bulk: &Bulk) -> Result<(Vec<PublicId>, Status), FieldErrors> {
    let mut e = FieldErrors::default();
    let ids: Vec<PublicId> = bulk
        .selected
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    if ids.is_empty() {
        e.add("lead", "Select the leads to move, then choose the stage.");
    } else if ids.len() > PAGE_SIZE as usize {
        e.add(
            "lead",
            format!("Select at most {PAGE_SIZE} leads at a time."),
        );
    }
    let to = Status::parse(&bulk.action).filter(|s| !s.needs_reason());
    if to.is_none() {
        e.add(
            "to",
            "Choose the stage to move them to. A lead is marked lost from its own page, with why.",
        );
    }
    match to {
        Some(to) if e.is_empty() => Ok((ids, to)),
        _ => Err(e),
    }
}

pub(super) async fn bulk(
    ctx: Ctx,
    state: web::Data<AppState>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let (mut bulk, query, address) = read(&pairs);
    let (ids, to) = match checked(&bulk) {
        Ok(ok) => ok,
        Err(errors) => {
            bulk.errors = errors;
            return list::show(ctx, &state, query, bulk).await;
        }
    };
    let actor = ctx.actor();
    let moved = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        match write_tx(conn, |conn| move_all(conn, &scope, &actor, &ids, to)) {
            Ok(titles) => Ok(Ok(titles)),
            Err(Refused::Rows(rows)) => Ok(Err(rows)),
            Err(Refused::App(e)) => Err(e),
        }
    })
    .await?;
    match moved {
        Ok(titles) => {
            Flash::success(
                &ctx.session,
                format!(
                    "{} now {}: {}.",
                    crate::web::count(titles.len() as i64, "lead", "leads"),
                    to.label(),
                    titles.join(", ")
                ),
            );
            Ok(see_other(&address))
        }
        Err(refused) => {
            bulk.refused = refused;
            list::show(ctx, &state, query, bulk).await
        }
    }
}

/// Moves every lead or none: the leads that cannot move are named, with why, and the
/// transaction undone.
fn move_all(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    actor: &crate::audit::Actor,
    ids: &[PublicId],
    to: Status,
) -> Result<Vec<String>, Refused> {
    let mut refused = Vec::new();
    let mut leads = Vec::with_capacity(ids.len());
    for id in ids {
        match queries::find(conn, scope, *id) {
            Ok(lead) => {
                let mut e = FieldErrors::default();
                check_move(lead.status, Some(to), None, &mut e);
                match e.get("to") {
                    Some(why) => refused.push((lead.title.clone(), why.to_string())),
                    None => leads.push(lead),
                }
            }
            Err(diesel::result::Error::NotFound) => refused.push((
                id.to_string(),
                "is not one of your channel's leads (any more).".to_string(),
            )),
            Err(e) => return Err(e.into()),
        }
    }
    if !refused.is_empty() {
        return Err(Refused::Rows(refused));
    }
    for lead in &leads {
        if !record_move(conn, actor, scope, lead, to, None)? {
            // Moved by someone else since it was read: the moves made so far are undone.
            return Err(Refused::Rows(vec![(
                lead.title.clone(),
                "was moved by someone else meanwhile; look at it again.".to_string(),
            )]));
        }
    }
    Ok(leads.into_iter().map(|l| l.title).collect())
}
