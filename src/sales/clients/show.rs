//! The client page: its figures, deals, payments, calls, possible duplicates and history.

use crate::domain::Money;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;

use super::queries::{self, ClientRecord};
use super::scope_request;
use crate::AppState;
use crate::db::{self, AnyConnection, PublicId};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::sales::calls::queries::CallRow;
use crate::sales::deals::queries::DealRow;
use crate::sales::payments::queries::PaymentRow;
use crate::schema::audit_log;
use crate::scope::{RecordScope, ScopeRequest};
use crate::web::time::When;
use crate::web::{Ctx, render};

/// A change to a client, as the history on its page shows it.
pub struct HistoryLine {
    pub when: When,
    pub what: &'static str,
    pub by: String,
}

#[derive(Template)]
#[template(path = "sales/clients/show.html")]
struct ShowPage {
    ctx: Ctx,
    client: ClientRecord,
    owner: String,
    added: When,
    duplicates: Vec<(PublicId, String)>,
    hidden_duplicates: i64,
    history: Vec<HistoryLine>,
    money: Totals,
    /// The client's deals: row, amount, paid, outstanding.
    deals: Vec<(DealRow, Money, Money, Money)>,
    payments: Vec<(PaymentRow, Money)>,
    /// Calls with the client, when the user may see calls: row and time.
    calls: Option<Vec<(CallRow, String)>>,
}

/// The client's figures.
struct Totals {
    purchase_total: Money,
    outstanding: Money,
    balance: &'static str,
}

struct Loaded {
    client: ClientRecord,
    owner: String,
    duplicates: (Vec<(PublicId, String)>, i64),
    history: Vec<(chrono::NaiveDateTime, String, Option<String>)>,
    currency: String,
    deals: Vec<DealRow>,
    payments: Vec<PaymentRow>,
    calls: Option<Vec<CallRow>>,
}

/// How many deals, payments and calls the client's page lists (the latest).
const RELATED: i64 = 20;

fn load_page(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    calls_scope: Option<ScopeRequest>,
    id: PublicId,
) -> Result<Loaded, AppError> {
    let client = queries::find(conn, scope, id)?;
    let currency = scope.currency().to_string();
    let deal_filter = crate::sales::deals::queries::Filter {
        client: Some(client.id),
        ..Default::default()
    };
    let deals = crate::sales::deals::queries::list(conn, scope, &deal_filter, RELATED)?;
    let payments = crate::sales::payments::queries::of_client(conn, scope, client.id, RELATED)?;
    let calls = match calls_scope {
        Some(request) => {
            let calls_scope = request.resolve(conn)?;
            Some(crate::sales::calls::queries::of_client(
                conn,
                &calls_scope,
                client.id,
                RELATED,
            )?)
        }
        None => None,
    };
    let owner = queries::owner_name(conn, client.organization_id, client.created_by_id)?;
    let duplicates = queries::duplicates(
        conn,
        scope,
        client.email.as_deref(),
        client.phone.as_deref(),
        Some(client.id),
    )?;
    let history = audit_log::table
        .filter(audit_log::organization_id.eq(scope.org().id()))
        .filter(audit_log::entity_type.eq("client"))
        .filter(audit_log::entity_id.eq(client.public_id.to_string()))
        .order(audit_log::id.desc())
        .limit(20)
        .select((
            audit_log::created_at,
            audit_log::action,
            audit_log::actor_email,
        ))
        .load(conn)?;
    Ok(Loaded {
        client,
        owner,
        duplicates,
        history,
        currency,
        deals,
        payments,
        calls,
    })
}

pub(super) async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let request = scope_request(&ctx)?;
    let calls_request = ctx
        .perms
        .any(&[Permission::CallsLog, Permission::CallsViewAll])
        .then(|| ScopeRequest::of(&ctx, Permission::CallsViewAll))
        .transpose()?;
    let id = path.into_inner();
    let loaded = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        load_page(conn, &scope, calls_request, id)
    })
    .await?;
    render(&ShowPage::build(ctx, loaded))
}

impl ShowPage {
    fn build(ctx: Ctx, loaded: Loaded) -> Self {
        let currency = loaded.currency.clone();
        let m = |minor: i64| Money::new(minor, &currency);
        let money = Totals {
            purchase_total: m(loaded.client.purchase_total_minor),
            outstanding: m(loaded.client.outstanding_minor),
            balance: loaded.client.balance_status.label(),
        };
        let deals = loaded
            .deals
            .into_iter()
            .map(|d| {
                let amount = Money::new(d.amount_minor, &d.currency);
                let paid = Money::new(d.paid_minor, &d.currency);
                let left = Money::new(d.amount_minor - d.paid_minor, &d.currency);
                (d, amount, paid, left)
            })
            .collect();
        let payments = loaded
            .payments
            .into_iter()
            .map(|p| {
                let amount = Money::new(p.amount_minor, &p.currency);
                (p, amount)
            })
            .collect();
        let tz = ctx.timezone();
        let calls = loaded.calls.map(|calls| {
            calls
                .into_iter()
                .map(|c| {
                    let when = crate::sales::calls::form::when_local(c.completed_at, tz);
                    (c, when)
                })
                .collect()
        });
        let history = loaded
            .history
            .into_iter()
            .map(|(t, action, by)| HistoryLine {
                when: ctx.local_time(Some(t)),
                what: crate::admin::audit::present::action_label(&action),
                by: by.unwrap_or_else(|| "Dealdesk".into()),
            })
            .collect();
        ShowPage {
            added: ctx.local_time(Some(loaded.client.created_at)),
            ctx,
            owner: loaded.owner,
            client: loaded.client,
            duplicates: loaded.duplicates.0,
            hidden_duplicates: loaded.duplicates.1,
            history,
            money,
            deals,
            payments,
            calls,
        }
    }
}
