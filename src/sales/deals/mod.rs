//! `/sales/deals` (deals.create, or deals.view_all to look only): the deals the user's scope
//! holds, numbered DLID0001… per organization by the one allocator (`numbers`), each with its
//! activity log.

pub(crate) mod activity;
mod board;
mod change;
pub mod form;
mod list;
pub mod queries;
mod search;

use crate::domain::money::money;
use crate::domain::{DealSource, Money, PaymentMethod, choices};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use self::activity::Change;
use self::form::{Choices, DealForm};
use self::queries::{DealRecord, NewDeal};
use super::balance;
use super::clients;
use super::payments::form as payment_form;
use super::payments::queries::{self as payment_queries, PaymentRow};
use crate::AppState;
use crate::audit::{Actor, actions};
use crate::db::{self, AnyConnection, PublicId, money_tx};
use crate::domain::money::currency_exponent;
use crate::error::AppError;
use crate::numbers;
use crate::permissions::Permission;
use crate::scope::{RecordScope, ScopeRequest};
use crate::streaks;
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sales/deals", web::get().to(list::list))
        .route("/sales/deals/export.csv", web::get().to(list::export))
        .route("/sales/deals", web::post().to(create))
        .route("/sales/deals/new", web::get().to(new))
        .route("/sales/deals/board", web::get().to(board::board))
        .route("/sales/deals/{id}", web::get().to(show))
        .route("/sales/deals/{id}", web::post().to(change::update))
        .route("/sales/deals/{id}/edit", web::get().to(change::edit))
        .route(
            "/sales/deals/{id}/cancel",
            web::get().to(change::confirm_cancel),
        )
        .route("/sales/deals/{id}/cancel", web::post().to(change::cancel));
}

pub(crate) fn scope_request(ctx: &Ctx) -> Result<ScopeRequest, AppError> {
    ctx.require_any(&[Permission::DealsCreate, Permission::DealsViewAll])?;
    ScopeRequest::of(ctx, Permission::DealsViewAll)
}

#[derive(Template)]
#[template(path = "sales/deals/form.html")]
struct FormPage {
    ctx: Ctx,
    /// The deal being edited; `None` for a new one.
    deal: Option<DealRecord>,
    form: DealForm,
    errors: FieldErrors,
    currency: String,
    currency_options: Vec<(String, String)>,
    inline_client: bool,
    client_options: Vec<(String, String)>,
    picker: crate::sales::choices::ClientPicker,
    project_options: Vec<(String, String)>,
    source_options: Vec<(String, String)>,
    method_options: Vec<(String, String)>,
}

/// `inline_client`: whether the form may add a client (a new deal, by someone with
/// clients.manage); `form`: what it was sent with, for its client picker.
pub(crate) fn load_choices(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    inline_client: bool,
    form: &DealForm,
) -> Result<Choices, AppError> {
    let currency = scope.currency().to_string();
    let picker = crate::sales::choices::client_choices(
        conn,
        scope,
        &form.client_q,
        &form.client,
        form.finding(),
    )?;
    Ok(Choices {
        picker,
        inline_client,
        projects: crate::sales::choices::project_choices(conn, scope)?,
        exponent: currency_exponent(&currency),
        currency,
    })
}

/// The form as sent back: with its errors (422), or with the clients found (200), the one
/// found chosen.
fn form_page(
    ctx: Ctx,
    deal: Option<DealRecord>,
    mut form: DealForm,
    errors: FieldErrors,
    c: &Choices,
) -> FormPage {
    c.picker.choose_only(&mut form.client);
    let client_options = crate::sales::choices::picker_options("Choose a client", &c.picker);
    let mut project_options = vec![(String::new(), "No project".to_string())];
    project_options.extend(
        c.projects
            .iter()
            .map(|(_, p, n)| (p.to_string(), n.clone())),
    );
    FormPage {
        ctx,
        deal,
        form,
        errors,
        currency: c.currency.clone(),
        currency_options: crate::domain::money::currencies(),
        inline_client: c.inline_client,
        client_options,
        picker: c.picker.clone(),
        project_options,
        source_options: choices::coded::<DealSource>(),
        method_options: choices::any_of::<PaymentMethod>("Not decided"),
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    client: Option<String>,
}

async fn new(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::DealsCreate)?;
    let request = scope_request(&ctx)?;
    let inline = ctx.perms.contains(Permission::ClientsManage);
    let today = ctx.today();
    let (form, choices) = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let form = DealForm::blank(today, query.into_inner().client, scope.currency());
        let choices = load_choices(conn, &scope, inline, &form)?;
        Ok((form, choices))
    })
    .await?;
    render(&form_page(
        ctx,
        None,
        form,
        FieldErrors::default(),
        &choices,
    ))
}

pub(crate) fn audit_json(d: &NewDeal, number: &str) -> serde_json::Value {
    json!({
        "deal_number": number,
        "amount": money(d.amount_minor, &d.currency),
        "deal_date": d.deal_date.to_string(),
        "due_date": d.due_date.map(|d| d.to_string()),
        "source": d.source,
        "payment_method": d.payment_method,
        "description": d.description,
        "exchange_rate": payment_form::rate_to_input(d.exchange_rate_e4),
    })
}

async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<DealForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::DealsCreate)?;
    let request = scope_request(&ctx)?;
    let form = form.into_inner();
    let actor = ctx.actor();
    let today = ctx.today();
    let f = form.clone();
    let inline = ctx.perms.contains(Permission::ClientsManage);
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let choices = load_choices(conn, &scope, inline, &f)?;
        let mut errors = FieldErrors::default();
        if f.finding() {
            return Ok(Err((errors, choices)));
        }
        let Some((mut new, new_client)) = f.validate(&choices, &mut errors) else {
            return Ok(Err((errors, choices)));
        };
        let deal = insert_deal(conn, &actor, &scope, &mut new, new_client.as_ref(), today)?;
        Ok(Ok(deal))
    })
    .await?;
    match outcome {
        Ok(deal) => {
            Flash::success(
                &ctx.session,
                format!("Deal {} is created.", deal.deal_number),
            );
            Ok(see_other(&format!("/sales/deals/{}", deal.public_id)))
        }
        Err((errors, choices)) => render_status(
            errors.status(),
            &form_page(ctx, None, form, errors, &choices),
        ),
    }
}

/// Creates the deal (and the client typed in with it) under the books lock, with its balances,
/// the creator's streak and its first activity line.
fn insert_deal(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &RecordScope,
    new: &mut NewDeal,
    new_client: Option<&clients::queries::ClientValues>,
    today: NaiveDate,
) -> Result<DealRecord, AppError> {
    money_tx(conn, scope.org().id(), |conn, books| {
        if let Some(values) = new_client {
            new.client_id = clients::create(conn, actor, scope, values)?.id;
        }
        let number = numbers::next(conn, scope.org(), numbers::DEAL)?;
        let deal = queries::insert(conn, scope, &number, new)?;
        balance::recompute(conn, books, deal.id, today, &[])?;
        streaks::record(
            conn,
            deal.organization_id,
            deal.created_by_id,
            streaks::Event::DealCreated,
        )?;
        let change = Change {
            audit: actions::CREATE,
            action: "created",
            description: None,
            old: None,
            new: audit_json(new, &number),
            entity: None,
        };
        activity::log(conn, actor, &deal, change)?;
        Ok::<_, AppError>(deal)
    })
}

pub struct ActivityLine {
    pub when: When,
    pub what: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "sales/deals/show.html")]
struct ShowPage {
    ctx: Ctx,
    deal: DealRecord,
    client_id: PublicId,
    client_name: String,
    owner: String,
    amount: Money,
    /// For a deal in another currency: what it counts for in the organization's, and at what rate.
    in_org: Option<String>,
    paid: Money,
    outstanding: Money,
    pending: Money,
    paid_percent: i64,
    /// The deal's payments: the row, its amount and status in words.
    payments: Vec<(PaymentRow, Money, &'static str)>,
    /// Why no payment can be recorded, if so.
    closed: Option<&'static str>,
    status: &'static str,
    payment: &'static str,
    verification: &'static str,
    source: &'static str,
    method: &'static str,
    activity: Vec<ActivityLine>,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let id = path.into_inner();
    let org_currency = request.currency();
    let (deal, (client_id, client_name, owner), activity, payments, (_, pending)) =
        db::run(&state.pool, move |conn| {
            let scope = request.resolve(conn)?;
            let deal = queries::find(conn, &scope, id)?;
            let names = queries::names(conn, &deal)?;
            let activity = activity::of(conn, &deal)?;
            let payments = payment_queries::of_deal(conn, deal.organization_id, deal.id)?;
            let committed = payment_queries::committed(conn, &deal, None)?;
            Ok((deal, names, activity, payments, committed))
        })
        .await?;
    render(&ShowPage::build(
        ctx,
        org_currency,
        (deal, client_id, client_name, owner),
        activity,
        payments,
        pending,
    ))
}

impl ShowPage {
    fn build(
        ctx: Ctx,
        org_currency: &str,
        (deal, client_id, client_name, owner): (DealRecord, PublicId, String, String),
        activity: Vec<activity::ActivityRow>,
        payments: Vec<PaymentRow>,
        pending: i64,
    ) -> Self {
        let activity = activity
            .into_iter()
            .map(|(t, action, description, first, last)| ActivityLine {
                when: ctx.local_time(Some(t)),
                what: description.unwrap_or_else(|| match action.as_str() {
                    "created" => "Created the deal".to_string(),
                    other => other.replace('_', " "),
                }),
                by: format!("{first} {last}"),
            })
            .collect();
        ShowPage {
            amount: Money::new(deal.amount_minor, &deal.currency),
            in_org: (deal.currency != org_currency).then(|| {
                format!(
                    "{} in the organization's currency, at {} {org_currency} per {}",
                    Money::new(deal.amount_org_minor, org_currency),
                    payment_form::rate_to_input(deal.exchange_rate_e4),
                    deal.currency
                )
            }),
            paid: Money::new(deal.paid_minor, &deal.currency),
            outstanding: Money::new(deal.amount_minor - deal.paid_minor, &deal.currency),
            pending: Money::new(pending, &deal.currency),
            payments: payments
                .into_iter()
                .map(|p| {
                    let amount = Money::new(p.amount_minor, &p.currency);
                    let status = p.status.label();
                    (p, amount, status)
                })
                .collect(),
            closed: crate::sales::payments::closed(&deal),
            paid_percent: deal.paid_minor * 100 / deal.amount_minor.max(1),
            status: deal.status.label(),
            payment: deal.payment_status.label(),
            verification: deal.verification_status.label(),
            source: deal.source.label(),
            method: deal
                .payment_method
                .map_or("Not decided", PaymentMethod::label),
            ctx,
            deal,
            client_id,
            client_name,
            owner,
            activity,
        }
    }
}
