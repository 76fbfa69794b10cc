//! A new quote: from the form, or converting a won lead (which creates the lead's client, or
//! links the organization's client with the same e-mail or name). Items are priced against the
//! catalog and stock is taken in the same transaction as the order, so a refused item leaves
//! nothing behind.

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::form::{ItemRow, OrderForm, Wanted, price_items};
use super::queries::{self, NewOrder, OrderRecord};
use super::stock;
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::partner::catalog::queries as catalog;
use crate::partner::leads::queries::{self as lead_queries, LeadRecord};
use crate::partner::leads::status::Status as LeadStatus;
use crate::partner::scope::{ChannelRequest, ChannelScope};
use crate::permissions::Permission;
use crate::schema::{clients, organizations};
use crate::web::form::{FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, render_status, see_other};

fn request(ctx: &Ctx) -> Result<ChannelRequest, AppError> {
    ChannelRequest::of(ctx, Permission::OrdersCreate)
}

#[derive(Template)]
#[template(path = "partner/orders/form.html")]
struct FormPage {
    ctx: Ctx,
    form: OrderForm,
    rows: Vec<ItemRow>,
    errors: FieldErrors,
    lead: Option<(PublicId, String)>,
    partner_options: Option<Vec<(String, String)>>,
    product_options: Vec<(String, String)>,
    duration_options: Vec<(String, String)>,
}

async fn form_page(
    ctx: Ctx,
    state: &AppState,
    form: OrderForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let lead_id: Option<PublicId> = form.lead.parse().ok();
    let (lead, partners, is_partner, products, durations) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = match lead_id {
            Some(id) => Some(lead_queries::find(conn, &scope, id)?),
            None => None,
        };
        Ok((
            lead.map(|l| (l.public_id, l.title)),
            crate::partner::choices::partner_options(conn, &scope)?,
            matches!(scope.reach(), crate::partner::scope::Reach::Partner(_)),
            catalog::active(conn, scope.org())?,
            catalog::durations(conn, scope.org())?,
        ))
    })
    .await?;
    // A converted lead brings its own partner; a partner user's quotes are its partner's.
    let partner_options = (lead.is_none() && !is_partner).then(|| {
        let mut o = vec![(String::new(), "No partner (our own order)".to_string())];
        o.extend(partners.into_iter().map(|(_, id, n)| (id.to_string(), n)));
        o
    });
    let mut product_options = vec![(String::new(), "Choose a product".to_string())];
    product_options.extend(products.into_iter().map(|(id, n)| (id.to_string(), n)));
    let mut duration_options = vec![(String::new(), "One-off (no duration)".to_string())];
    duration_options.extend(
        durations
            .into_iter()
            .map(|d| (d.public_id.to_string(), d.name)),
    );
    render_status(
        errors.status(),
        &FormPage {
            ctx,
            rows: form.item_rows(),
            form,
            errors,
            lead,
            partner_options,
            product_options,
            duration_options,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    lead: String,
}

pub(super) async fn new(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let form = OrderForm {
        lead: query.into_inner().lead,
        ..OrderForm::default()
    };
    form_page(ctx, &state, form, FieldErrors::default()).await
}

/// The client a converted lead becomes: the organization's client with the lead's e-mail (or,
/// without one, its company's name), else a new client owned by the converting user.
fn client_for(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &ChannelScope,
    lead: &LeadRecord,
) -> QueryResult<i64> {
    let org = scope.org().id();
    let name = lead
        .company_name
        .clone()
        .or_else(|| lead.contact_name.clone())
        .unwrap_or_else(|| lead.title.clone());
    let existing: Option<i64> = match &lead.contact_email {
        Some(email) => clients::table
            .filter(clients::organization_id.eq(org))
            .filter(clients::email.eq(email))
            .select(clients::id)
            .first(conn)
            .optional()?,
        None => clients::table
            .filter(clients::organization_id.eq(org))
            .filter(clients::name.eq(&name))
            .select(clients::id)
            .first(conn)
            .optional()?,
    };
    if let Some(id) = existing {
        return Ok(id);
    }
    let t = now();
    let public_id = PublicId::new();
    let id: i64 = diesel::insert_into(clients::table)
        .values((
            clients::public_id.eq(public_id),
            clients::organization_id.eq(org),
            clients::name.eq(&name),
            clients::email.eq(&lead.contact_email),
            clients::phone.eq(&lead.contact_phone),
            clients::notes.eq(format!("From the lead “{}”.", lead.title)),
            clients::purchase_total_minor.eq(0_i64),
            clients::is_active.eq(true),
            clients::created_by_id.eq(scope.user_id()),
            clients::created_at.eq(t),
            clients::updated_at.eq(t),
        ))
        .returning(clients::id)
        .get_result(conn)?;
    audit::record(
        conn,
        actor,
        Event::new(Some(org), actions::CREATE, "client")
            .entity(public_id)
            .new_values(
                serde_json::json!({ "name": name, "from_lead": lead.public_id.to_string() }),
            ),
    )?;
    Ok(id)
}

pub(super) async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<OrderForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let Some((wanted, notes)) = form.validate(&mut errors) else {
        return form_page(ctx, &state, form, errors).await;
    };
    let actor = ctx.actor();
    let f = form.clone();
    let saved = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = match f.lead.as_str() {
            "" => None,
            id => Some(lead_queries::find(
                conn,
                &scope,
                id.parse().map_err(|_| AppError::NotFound)?,
            )?),
        };
        let quote = Quote {
            lead: lead.as_ref(),
            partner: &f.partner,
            wanted: &wanted,
            notes,
        };
        split(write_tx(conn, |conn| quote.save(conn, &actor, &scope)))
    })
    .await?;
    match saved {
        Ok(order) => {
            Flash::success(
                &ctx.session,
                format!(
                    "Quote {} is saved; send it when it is ready.",
                    order.order_number
                ),
            );
            Ok(see_other(&format!("/partner/orders/{}", order.public_id)))
        }
        Err(errors) => form_page(ctx, &state, form, errors).await,
    }
}

/// A quote as the form asks for it, from a won lead or for the partner chosen.
struct Quote<'a> {
    lead: Option<&'a LeadRecord>,
    partner: &'a str,
    wanted: &'a [Wanted],
    notes: Option<String>,
}

impl Quote<'_> {
    /// Prices the items, takes their stock, makes the lead's client and inserts the order, in
    /// the caller's transaction: a refusal on any item leaves nothing behind.
    fn save(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        scope: &ChannelScope,
    ) -> Result<OrderRecord, FormError> {
        let lead = self.lead;
        if lead.is_some_and(|l| l.status != LeadStatus::Won) {
            return Err(FormError::field(
                "items",
                "Only a won lead becomes a quote; move the lead to won first.",
            ));
        }
        let tax_rate_bp: i32 = organizations::table
            .find(scope.org().id())
            .select(organizations::tax_rate_bp)
            .first(conn)?;
        let items = price_items(conn, scope.org(), self.wanted, scope.currency())?;
        let (partner_id, distributor_id) = match lead {
            Some(l) => (l.partner_id, l.distributor_id),
            None => crate::partner::leads::channel_of(conn, scope, self.partner, None)?,
        };
        let client_id = match lead {
            Some(l) => Some(client_for(conn, actor, scope, l)?),
            None => None,
        };
        for item in &items {
            stock::take_stock(conn, scope.org(), item.product_id, item.snapshot.quantity)?
                .map_err(|short| FormError::field("items", short_words(&short)))?;
        }
        let order = queries::insert(
            conn,
            scope,
            &NewOrder {
                partner_id,
                distributor_id,
                lead_id: lead.map(|l| l.id),
                client_id,
                tax_rate_bp,
                notes_internal: self.notes.clone(),
                items,
            },
        )?;
        audit::record(
            conn,
            actor,
            Event::new(Some(scope.org().id()), actions::CREATE, "order")
                .entity(order.public_id)
                .new_values(serde_json::json!({
                    "order_number": order.order_number,
                    "total_minor": order.total_minor,
                    "lead": lead.map(|l| l.public_id.to_string()),
                })),
        )?;
        Ok(order)
    }
}

fn short_words(short: &stock::Short) -> String {
    if short.left <= 0 {
        return format!(
            "{} is out of stock; take it off the order or wait for new stock.",
            short.product
        );
    }
    format!(
        "Only {} of {} {} left; lower the quantity or split the order.",
        short.left,
        short.product,
        if short.left == 1 { "is" } else { "are" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_left_is_said_as_it_is() {
        let short = |left| stock::Short {
            product: "Router".into(),
            left,
        };
        assert_eq!(
            short_words(&short(0)),
            "Router is out of stock; take it off the order or wait for new stock."
        );
        assert!(short_words(&short(1)).starts_with("Only 1 of Router is left"));
        assert!(short_words(&short(3)).starts_with("Only 3 of Router are left"));
    }
}
