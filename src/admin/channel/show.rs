//! A partner's or distributor's page: its users, its assignments (a distributor's partners)
//! and their history from the audit log; and the assigning and ending of a partner.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use super::kind_of;
use super::queries::{self, Assignment, Company, Kind};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, PublicId, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::time::When;
use crate::web::{Ctx, Flash, render, see_other};

pub struct HistoryLine {
    pub at: When,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "admin/channel/show.html")]
struct ShowPage {
    ctx: Ctx,
    kind: Kind,
    company: Company,
    members: Vec<(PublicId, String, String, String)>,
    assignments: Vec<(Assignment, When)>,
    history: Vec<HistoryLine>,
    partner_options: Vec<(String, String)>,
}

pub(super) async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&ctx)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let read = db::run(&state.pool, move |conn| {
        let company = queries::find(conn, org, kind, id)?;
        Ok(Read {
            members: queries::members(conn, org, kind, company.id)?,
            assignments: queries::assignments(conn, org, kind, company.id)?,
            history: queries::assignment_history(conn, org, company.public_id, 100)?,
            partners: if kind == Kind::Distributor {
                queries::list(conn, org, Kind::Partner)?
            } else {
                Vec::new()
            },
            company,
        })
    })
    .await?;
    render(&ShowPage::build(ctx, kind, read))
}

/// What a partner's or distributor's page reads.
struct Read {
    company: Company,
    members: Vec<(PublicId, String, String, String)>,
    assignments: Vec<Assignment>,
    history: Vec<queries::AssignmentEvent>,
    /// The organization's partners, for a distributor's "assign a partner".
    partners: Vec<Company>,
}

impl ShowPage {
    fn build(ctx: Ctx, kind: Kind, read: Read) -> Self {
        let assigned: Vec<PublicId> = read
            .assignments
            .iter()
            .filter(|a| a.is_active)
            .map(|a| a.partner)
            .collect();
        let partner_options = read
            .partners
            .into_iter()
            .filter(|p| p.is_active && !assigned.contains(&p.public_id))
            .map(|p| (p.public_id.to_string(), p.name))
            .collect();
        let history = read
            .history
            .into_iter()
            .map(|(at, who, values)| history_line(&ctx, at, who, values))
            .collect();
        let assignments = read
            .assignments
            .into_iter()
            .map(|a| {
                let since = ctx.local_time(Some(a.assigned_at));
                (a, since)
            })
            .collect();
        ShowPage {
            ctx,
            kind,
            company: read.company,
            members: read.members,
            assignments,
            history,
            partner_options,
        }
    }
}

/// "Assigned Acme" or "Ended Acme", from an assignment's audit entry.
fn history_line(
    ctx: &Ctx,
    at: chrono::NaiveDateTime,
    who: Option<String>,
    values: Option<String>,
) -> HistoryLine {
    let v: serde_json::Value = values
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let what = if v["active"].as_bool() == Some(true) {
        "Assigned"
    } else {
        "Ended"
    };
    HistoryLine {
        at: ctx.local_time(Some(at)),
        who: who.unwrap_or_else(|| "—".into()),
        what: format!("{what} {}", v["partner"].as_str().unwrap_or("a partner")),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignmentForm {
    partner: String,
    /// "assign" or "end".
    intent: String,
}

pub(super) async fn assignment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<AssignmentForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let form = form.into_inner();
    // A partner chosen on the form, by its public id; one this organization lacks is not found.
    let partner_id: PublicId = form.partner.parse().map_err(|_| AppError::NotFound)?;
    let assign = match form.intent.as_str() {
        "assign" => true,
        "end" => false,
        _ => return Err(AppError::BadRequest("Choose to assign or to end.".into())),
    };
    let actor = ctx.actor();
    let by = ctx.user.id;
    let (changed, partner_name, distributor) = db::run(&state.pool, move |conn| {
        let distributor = queries::find(conn, org, Kind::Distributor, id)?;
        let partner = queries::find(conn, org, Kind::Partner, partner_id)?;
        write_tx(conn, |conn| {
            let changed = if assign {
                queries::assign(conn, org, distributor.id, partner.id, by)?
            } else {
                queries::end(conn, org, distributor.id, partner.id)?
            };
            if changed {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(org.id()), actions::UPDATE, "assignment")
                        .entity(distributor.public_id)
                        .new_values(json!({
                            "partner": partner.name,
                            "partner_id": partner.public_id.to_string(),
                            "active": assign,
                        })),
                )?;
            }
            Ok::<_, AppError>((changed, partner.name.clone(), distributor.public_id))
        })
    })
    .await?;
    let message = match (assign, changed) {
        (true, true) => format!(
            "{partner_name} is assigned: the distributor sees its leads, orders and contracts."
        ),
        (false, true) => {
            format!("{partner_name}'s assignment ended: the distributor no longer sees its rows.")
        }
        (true, false) => format!("{partner_name} was assigned already."),
        (false, false) => format!("{partner_name} was not assigned."),
    };
    Flash::success(&ctx.session, message);
    Ok(see_other(&format!("/admin/distributors/{distributor}")))
}
