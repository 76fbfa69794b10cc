//! `POST /sales/clients/bulk`: archive or restore the clients selected in the list, or give them
//! to another owner, all or none, each change audited on its own. A client already as asked, or
//! outside the user's clients, is named with why and nothing is changed. A client given away
//! keeps its deals with the people who made them: a deal's owner earns its commission.

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
use crate::web::bulk::Refused;
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
            "owner" => bulk.to = v.clone(),
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
    let change = match bulk.action.as_str() {
        "archive" => Some(Change::Active(false)),
        "restore" => Some(Change::Active(true)),
        "assign" => match bulk.to.parse::<PublicId>() {
            Ok(owner) => Some(Change::Owner(owner)),
            Err(_) => {
                errors.add("owner", "Choose whom to give the selected clients to.");
                None
            }
        },
        _ => {
            errors.add(
                "action",
                "Choose to archive, restore or give them to someone.",
            );
            None
        }
    };
    let Some(change) = change.filter(|_| errors.is_empty()) else {
        bulk.errors = errors;
        return list::show(ctx, &state, query, bulk).await;
    };
    let actor = ctx.actor();
    let result = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let done = apply(conn, &scope, &actor, &ids, change);
        match done {
            Ok(names) => Ok(Ok(names)),
            Err(Refused::Rows(rows)) => Ok(Err(rows)),
            Err(Refused::App(e)) => Err(e),
        }
    })
    .await?;
    match result {
        Ok((names, done)) => {
            let what = crate::web::count(names.len() as i64, "client", "clients");
            let names = names.join(", ");
            Flash::success(
                &ctx.session,
                match done {
                    Done::Active(true) => format!("{what} active again: {names}."),
                    Done::Active(false) => format!(
                        "{what} archived: {names}. They stay on their records and can be restored."
                    ),
                    Done::Owner(owner) => format!(
                        "{what} given to {owner}: {names}. Their deals stay with the people who made them."
                    ),
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

/// What the form asks of every selected client.
#[derive(Clone, Copy)]
enum Change {
    Active(bool),
    /// To the user with this public id, one of the scope's active people.
    Owner(PublicId),
}

/// What was done, for the message: the owner by name.
enum Done {
    Active(bool),
    Owner(String),
}

/// Applies `change` to the scope's clients `ids` in one transaction, each audited; if any cannot
/// change, none does and those are named with why.
fn apply(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    actor: &Actor,
    ids: &[PublicId],
    change: Change,
) -> Result<(Vec<String>, Done), Refused> {
    write_tx(conn, |conn| {
        let owner = match change {
            Change::Owner(p) => Some(
                crate::sales::choices::assignee_choices(conn, scope)?
                    .into_iter()
                    .find(|(_, id, _)| *id == p)
                    .ok_or(Refused::Rows(vec![(
                        "The owner chosen".to_string(),
                        "is not one of the active people whose clients you manage.".to_string(),
                    )]))?,
            ),
            Change::Active(_) => None,
        };
        let mut found = Vec::with_capacity(ids.len());
        let mut refused = Vec::new();
        for id in ids {
            match queries::find(conn, scope, *id) {
                Ok(c) => match refusal(&c, change, owner.as_ref()) {
                    Some(why) => refused.push((c.name.clone(), why)),
                    None => found.push(c),
                },
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
            let (old, new) = match (change, &owner) {
                (Change::Owner(_), Some((to, to_public, to_name))) => {
                    let from_name = queries::owner_name(conn, scope.org().id(), c.created_by_id)?;
                    queries::set_owner(conn, c, *to)?;
                    (
                        json!({ "owner_id": c.created_by_id, "owner": from_name }),
                        json!({ "owner_id": to, "owner": to_name, "owner_public_id": to_public.to_string() }),
                    )
                }
                (_, _) => {
                    let active = matches!(change, Change::Active(true));
                    queries::set_active(conn, c, active)?;
                    (
                        json!({ "is_active": c.is_active }),
                        json!({ "is_active": active }),
                    )
                }
            };
            audit::record(
                conn,
                actor,
                Event::new(Some(scope.org().id()), actions::UPDATE, "client")
                    .entity(c.public_id)
                    .old(old)
                    .new_values(new),
            )?;
        }
        let done = match (change, owner) {
            (Change::Owner(_), Some((_, _, name))) => Done::Owner(name),
            _ => Done::Active(matches!(change, Change::Active(true))),
        };
        Ok((found.into_iter().map(|c| c.name).collect::<Vec<_>>(), done))
    })
}

/// Why `client` cannot take `change`, if it cannot.
fn refusal(
    client: &crate::sales::clients::queries::ClientRecord,
    change: Change,
    owner: Option<&crate::sales::choices::Owner>,
) -> Option<String> {
    match (change, owner) {
        (Change::Active(true), _) if client.is_active => Some("is active already.".into()),
        (Change::Active(false), _) if !client.is_active => Some("is archived already.".into()),
        (Change::Owner(_), Some((to, _, name))) if client.created_by_id == *to => {
            Some(format!("belongs to {name} already."))
        }
        _ => None,
    }
}
