//! `/partner/leads` (leads.manage): the leads the channel scope holds, as a list with filters and
//! keyset pages (`list.rs`, and as CSV in `export.rs`), and as a board with a column per stage
//! (`board.rs`); a lead's page with its moves, activities, notes and history (`show.rs`); here,
//! adding and editing a lead.

pub mod activities;
mod board;
mod bulk;
mod export;
pub mod form;
mod history;
mod list;
mod moves;
pub mod queries;
pub mod show;
pub mod status;

use actix_web::{HttpResponse, web};
use askama::Template;

use self::form::{Checked, LeadForm};
use self::queries::{LeadRecord, LeadValues};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::error::AppError;
use crate::partner::choices::partner_options;
use crate::partner::scope::{ChannelRequest, ChannelScope};
use crate::permissions::Permission;
use crate::web::form::{FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partner/leads", web::get().to(list::list))
        .route("/partner/leads", web::post().to(add))
        .route("/partner/leads/new", web::get().to(new))
        .route("/partner/leads/export.csv", web::get().to(export::export))
        .route("/partner/leads/board", web::get().to(board::board))
        .route("/partner/leads/bulk", web::post().to(bulk::bulk))
        .route("/partner/activities/overdue", web::get().to(board::overdue))
        .route("/partner/leads/{id}", web::get().to(show::show))
        .route("/partner/leads/{id}", web::post().to(update))
        .route("/partner/leads/{id}/edit", web::get().to(edit))
        .route("/partner/leads/{id}/move", web::post().to(moves::move_lead))
        .route(
            "/partner/leads/{id}/activities",
            web::post().to(show::add_activity),
        )
        .route(
            "/partner/leads/{id}/activities/{activity}/done",
            web::post().to(show::activity_done),
        )
        .route("/partner/leads/{id}/notes", web::post().to(show::add_note));
}

const PAGE_SIZE: i64 = 50;

pub(crate) fn request(ctx: &Ctx) -> Result<ChannelRequest, AppError> {
    ChannelRequest::of(ctx, Permission::LeadsManage)
}

pub fn money(minor: Option<i64>, currency: &str) -> String {
    minor.map_or_else(|| "—".into(), |m| crate::domain::money::money(m, currency))
}

#[derive(Template)]
#[template(path = "partner/leads/form.html")]
struct FormPage {
    ctx: Ctx,
    lead: Option<LeadRecord>,
    form: LeadForm,
    errors: FieldErrors,
    /// `None` when the user files leads only under their own partner (nothing to choose).
    partner_options: Option<Vec<(String, String)>>,
    currency: String,
}

/// The form page; the partner select is read from the scope.
async fn form_page(
    ctx: Ctx,
    state: &AppState,
    lead: Option<LeadRecord>,
    form: LeadForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let (partners, reach_partner) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let is_partner = matches!(scope.reach(), crate::partner::scope::Reach::Partner(_));
        Ok((partner_options(conn, &scope)?, is_partner))
    })
    .await?;
    let partner_options = (!reach_partner).then(|| {
        let mut o = vec![(String::new(), "No partner (our own lead)".to_string())];
        o.extend(partners.into_iter().map(|(_, id, n)| (id.to_string(), n)));
        o
    });
    let currency = lead.as_ref().map_or_else(
        || ctx.user.currency.map_or("USD", |c| c.code()).to_string(),
        |l| l.currency.clone(),
    );
    render_status(
        errors.status(),
        &FormPage {
            ctx,
            lead,
            form,
            errors,
            partner_options,
            currency,
        },
    )
}

async fn new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    form_page(
        ctx,
        &state,
        None,
        LeadForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// The lead's partner and distributor from the form's choice, within the scope: a partner user's
/// leads are their partner's; a distributor files its own or one of its partners'; staff choose
/// any active partner, and an edited lead keeps its distributor.
pub(crate) fn channel_of(
    conn: &mut AnyConnection,
    scope: &ChannelScope,
    chosen: &str,
    existing: Option<&LeadRecord>,
) -> Result<(Option<i64>, Option<i64>), FormError> {
    let (own_partner, own_distributor) = scope.owner_channel();
    if own_partner.is_some() {
        return Ok((own_partner, None));
    }
    let partner = if chosen.is_empty() {
        None
    } else {
        let options = partner_options(conn, scope)?;
        let found = options
            .iter()
            .find(|(_, id, _)| id.to_string() == chosen)
            .map(|(id, _, _)| *id);
        match found {
            Some(id) => Some(id),
            None => {
                return Err(FormError::field(
                    "partner",
                    "Choose one of the partners offered.",
                ));
            }
        }
    };
    let distributor = own_distributor.or(existing.and_then(|l| l.distributor_id));
    Ok((partner, distributor))
}

fn values(c: Checked, channel: (Option<i64>, Option<i64>)) -> LeadValues {
    LeadValues {
        title: c.title,
        company_name: c.company_name,
        contact_name: c.contact_name,
        contact_email: c.contact_email,
        contact_phone: c.contact_phone,
        value_minor: c.value_minor,
        probability: c.probability,
        expected_close_date: c.expected_close_date,
        partner_id: channel.0,
        distributor_id: channel.1,
    }
}

pub fn audit_json(v: &LeadValues) -> serde_json::Value {
    serde_json::json!({
        "title": v.title,
        "company_name": v.company_name,
        "contact_name": v.contact_name,
        "contact_email": v.contact_email,
        "contact_phone": v.contact_phone,
        "value_minor": v.value_minor,
        "probability": v.probability,
        "expected_close_date": v.expected_close_date.map(|d| d.to_string()),
        "partner_id": v.partner_id,
        "distributor_id": v.distributor_id,
    })
}

async fn add(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<LeadForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let currency = ctx.user.currency.map_or("USD", |c| c.code());
    let Some(checked) = form.validate(currency, &mut errors) else {
        return form_page(ctx, &state, None, form, errors).await;
    };
    let actor = ctx.actor();
    let chosen = form.partner.clone();
    let saved = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        split(write_tx(conn, |conn| {
            let channel = channel_of(conn, &scope, &chosen, None)?;
            let v = values(checked.clone(), channel);
            let lead = queries::insert(conn, &scope, &v)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.org().id()), actions::CREATE, "lead")
                    .entity(lead.public_id)
                    .new_values(audit_json(&v)),
            )?;
            Ok::<_, FormError>(lead)
        }))
    })
    .await?;
    match saved {
        Ok(lead) => {
            Flash::success(&ctx.session, format!("The lead “{}” is added.", lead.title));
            Ok(see_other(&format!("/partner/leads/{}", lead.public_id)))
        }
        Err(errors) => form_page(ctx, &state, None, form, errors).await,
    }
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let id = path.into_inner();
    let (lead, partner) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = queries::find(conn, &scope, id)?;
        let partner = partner_options(conn, &scope)?
            .into_iter()
            .find(|(pid, _, _)| Some(*pid) == lead.partner_id)
            .map(|(_, p, _)| p.to_string());
        Ok((lead, partner))
    })
    .await?;
    let form = LeadForm::of(&lead, partner);
    form_page(ctx, &state, Some(lead), form, FieldErrors::default()).await
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<LeadForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let actor = ctx.actor();
    let f = form.clone();
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = queries::find(conn, &scope, id)?;
        let mut errors = FieldErrors::default();
        let Some(checked) = f.validate(&lead.currency, &mut errors) else {
            return Ok((lead, Err(errors)));
        };
        let saved = split(write_tx(conn, |conn| {
            let channel = channel_of(conn, &scope, &f.partner, Some(&lead))?;
            let v = values(checked.clone(), channel);
            let old = audit_json(&LeadValues {
                title: lead.title.clone(),
                company_name: lead.company_name.clone(),
                contact_name: lead.contact_name.clone(),
                contact_email: lead.contact_email.clone(),
                contact_phone: lead.contact_phone.clone(),
                value_minor: lead.value_minor,
                probability: lead.probability,
                expected_close_date: lead.expected_close_date,
                partner_id: lead.partner_id,
                distributor_id: lead.distributor_id,
            });
            queries::update(conn, &lead, &v)?;
            if let Some((old, new)) = audit::changes(&old, &audit_json(&v)) {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(scope.org().id()), actions::UPDATE, "lead")
                        .entity(lead.public_id)
                        .old(old)
                        .new_values(new),
                )?;
            }
            Ok::<_, FormError>(())
        }))?;
        Ok((lead, saved))
    })
    .await?;
    match outcome {
        (lead, Ok(())) => {
            Flash::success(&ctx.session, "The lead is saved.");
            Ok(see_other(&format!("/partner/leads/{}", lead.public_id)))
        }
        (lead, Err(errors)) => form_page(ctx, &state, Some(lead), form, errors).await,
    }
}
