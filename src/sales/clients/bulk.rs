//! `POST /sales/clients/bulk`: archive or restore the clients selected in the list, all or
//! none, each change audited on its own. A client already as asked, or outside the user's
//! clients, is named with why and nothing is changed.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::list::{self, Bulk, ListQuery};
use super::{queries, scope_request};
use crate::AppState;
use crate::audit::Actor;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::error::AppError;
use crate::scope::RecordScope;
use crate::web::listing::Refused;
use crate::web::{Ctx, FieldErrors, Flash, see_other};

/// A page's worth: the list shows at most 200 rows.
const MOST: usize = 200;

/// The form from its posted pairs (`client` repeated) and the list's address it came from.
fn read(pairs: &[(String, String)]) -> (Bulk, ListQuery, String) {
    let mut bulk = Bulk::default();
    let mut back = String::new();
    for (k, v) in pairs {
        match k.as_str() {
            "client" => bulk.selected.push(v.clone()),
            "action" => bulk.action = v.clone(),
            "back" => back = v.clone(),
            _ => {}
        }
    }
    let query: ListQuery = back
        .strip_prefix("/sales/clients?")
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    // The list's address as it was, its page (cursor) included.
    let address = format!(
        "/sales/clients?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    (bulk, query, address)
}

pub async fn bulk(
    ctx: Ctx,
    state: web::Data<AppState>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let (mut bulk, query, address) = read(&pairs);
    let mut errors = FieldErrors::default();
    let ids: Vec<PublicId> = bulk
        .selected
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    if ids.is_empty() {
        errors.add(
            "client",
            "Select the clients to change, then choose what to do.",
        );
    } else if ids.len() > MOST {
        errors.add("client", "Select at most 200 clients at a time.");
    }
    let active = match bulk.action.as_str() {
        "archive" => false,
        "restore" => true,
        _ => {
            errors.add("action", "Choose to archive or to restore them.");
            false
        }
    };
    if !errors.is_empty() {
        bulk.errors = errors;
        return list::show(ctx, &state, query, bulk).await;
    }
    let actor = ctx.actor();
    let result = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let done = change(conn, &scope, &actor, &ids, active);
        match done {
            Ok(names) => Ok(Ok(names)),
            Err(Refused::Rows(rows)) => Ok(Err(rows)),
            Err(Refused::App(e)) => Err(e),
        }
    })
    .await?;
    match result {
        Ok(names) => {
            let what = crate::web::count(names.len() as i64, "client", "clients");
            Flash::success(
                &ctx.session,
                if active {
                    format!("{what} active again: {}.", names.join(", "))
                } else {
                    format!(
                        "{what} archived: {}. They stay on their records and can be restored.",
                        names.join(", ")
                    )
                },
            );
            Ok(see_other(&address))
        }
        Err(rows) => {
            bulk.refused = rows;
            list::show(ctx, &state, query, bulk).await
        }
    }
}

/// Sets `active` on the scope's clients `ids` in one transaction, each audited; if any cannot
/// change, none does and those are named with why.
fn change(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    actor: &Actor,
    ids: &[PublicId],
    active: bool,
) -> Result<Vec<String>, Refused> {
    write_tx(conn, |conn| {
        let mut found = Vec::with_capacity(ids.len());
        let mut refused = Vec::new();
        for id in ids {
            match queries::find(conn, scope, *id) {
                Ok(c) if c.is_active == active => refused.push((
                    c.name.clone(),
                    if active {
                        "is active already.".to_string()
                    } else {
                        "is archived already.".to_string()
                    },
                )),
                Ok(c) => found.push(c),
                Err(diesel::result::Error::NotFound) => refused.push((
                    id.to_string(),
                    "is not one of your clients (any more).".to_string(),
                )),
                Err(e) => return Err(e.into()),
            }
        }
        if !refused.is_empty() {
            return Err(Refused::Rows(refused));
        }
        for c in &found {
            queries::set_active(conn, c, active)?;
            audit::record(
                conn,
                actor,
                Event::new(Some(scope.org().id()), actions::UPDATE, "client")
                    .entity(c.public_id)
                    .old(json!({ "is_active": c.is_active }))
                    .new_values(json!({ "is_active": active })),
            )?;
        }
        Ok(found.into_iter().map(|c| c.name).collect::<Vec<_>>())
    })
}
