//! `/admin/integrations` (integrations.manage): provider configurations per organization (one
//! active per type), their sealed credentials, health checks and lead syncs (asked for in
//! `calls`), and the webhook events they received (`events`), which an admin lists and retries.
//! The machinery the pages drive lives in `crate::integrations`.

mod calls;
mod events;
mod form;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::json;

use self::form::ProviderForm;
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, PublicId, write_tx};
use crate::domain::choices::options;
use crate::error::AppError;
use crate::integrations::address;
use crate::integrations::queries::{self, ProviderRecord, ProviderValues, SyncLog};
use crate::integrations::secrets::Vault;
use crate::permissions::Permission;
use crate::web::form::{FormError, is_unique_violation, split};
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/integrations", web::get().to(list))
        .route("/admin/integrations", web::post().to(add))
        .route("/admin/integrations/new", web::get().to(new))
        .route("/admin/integrations/events", web::get().to(events::events))
        .route(
            "/admin/integrations/events/{id}/retry",
            web::post().to(events::retry),
        )
        .route("/admin/integrations/{id}", web::get().to(show))
        .route("/admin/integrations/{id}", web::post().to(update))
        .route(
            "/admin/integrations/{id}/check",
            web::post().to(calls::check),
        )
        .route("/admin/integrations/{id}/sync", web::post().to(calls::sync));
}

#[derive(Template)]
#[template(path = "admin/integrations/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<(ProviderRecord, When)>,
}

async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::IntegrationsManage)?;
    let org = ctx.scope()?;
    let rows = db::run(&state.pool, move |conn| Ok(queries::list(conn, org)?)).await?;
    let rows = rows
        .into_iter()
        .map(|p| {
            let w = ctx.local_time(p.last_health_check);
            (p, w)
        })
        .collect();
    render(&ListPage { ctx, rows })
}

#[derive(Template)]
#[template(path = "admin/integrations/form.html")]
struct FormPage {
    ctx: Ctx,
    /// Whether a credential and a webhook secret are stored (never what they are).
    stored: Option<(bool, bool)>,
    form: ProviderForm,
    errors: FieldErrors,
    type_options: Vec<(String, String)>,
}

fn form_page(ctx: Ctx, form: ProviderForm, errors: FieldErrors) -> Result<HttpResponse, AppError> {
    render_status(
        errors.status(),
        &FormPage {
            ctx,
            stored: None,
            form: form.without_secrets(),
            errors,
            type_options: options(&queries::TYPES),
        },
    )
}

async fn new(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::IntegrationsManage)?;
    form_page(
        ctx,
        ProviderForm {
            provider_type: "crm".into(),
            ..ProviderForm::default()
        },
        FieldErrors::default(),
    )
}

fn values(c: form::Checked, vault: &Vault) -> ProviderValues {
    ProviderValues {
        provider_type: c.provider_type,
        provider_name: c.provider_name,
        base_url: c.base_url,
        is_active: c.is_active,
        credentials: c.credentials.map(|s| vault.seal(&s)),
        webhook_secret: c.webhook_secret.map(|s| vault.seal(&s)),
    }
}

/// What the audit log keeps of a configuration: never a secret, only whether one was set.
fn audit_json(v: &ProviderValues) -> serde_json::Value {
    json!({
        "type": v.provider_type, "name": v.provider_name, "base_url": v.base_url,
        "active": v.is_active, "credentials_changed": v.credentials.is_some(),
        "webhook_secret_changed": v.webhook_secret.is_some(),
    })
}

/// The provider's address as written, against the organization's choice on private networks.
fn written_address(
    conn: &mut db::AnyConnection,
    org: crate::web::OrgScope,
    v: &ProviderValues,
) -> Result<(), FormError> {
    let Some(url) = &v.base_url else {
        return Ok(());
    };
    let allow = queries::allows_private(conn, org)?;
    address::check_written(url, allow).map_err(|m| FormError::field("base_url", m))
}

fn duplicate(e: diesel::result::Error) -> FormError {
    if is_unique_violation(&e) {
        FormError::field(
            "provider_name",
            "A provider of this type and name is configured already.",
        )
    } else {
        e.into()
    }
}

async fn add(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ProviderForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::IntegrationsManage)?;
    let org = ctx.scope()?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let Some(checked) = form.validate(&mut errors) else {
        return form_page(ctx, form, errors);
    };
    let v = values(checked, &Vault::new(&state.config.integrations_key));
    let actor = ctx.actor();
    let saved = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            written_address(conn, org, &v)?;
            let id = queries::insert(conn, org, &v).map_err(duplicate)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(org.id()), actions::CREATE, "integration")
                    .entity(id)
                    .new_values(audit_json(&v)),
            )?;
            Ok::<_, FormError>(id)
        }))
    })
    .await?;
    match saved {
        Ok(id) => {
            Flash::success(&ctx.session, "The provider is configured.");
            Ok(see_other(&format!("/admin/integrations/{id}")))
        }
        Err(errors) => form_page(ctx, form, errors),
    }
}

#[derive(Template)]
#[template(path = "admin/integrations/show.html")]
struct ShowPage {
    ctx: Ctx,
    provider: ProviderRecord,
    stored: Option<(bool, bool)>,
    checked: When,
    form: ProviderForm,
    errors: FieldErrors,
    type_options: Vec<(String, String)>,
    logs: Vec<(SyncLog, When)>,
    webhook_url: String,
}

async fn show_page(
    ctx: Ctx,
    state: &AppState,
    id: PublicId,
    form: Option<ProviderForm>,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::IntegrationsManage)?;
    let org = ctx.scope()?;
    let (provider, logs) = db::run(&state.pool, move |conn| {
        let p = queries::find(conn, org, id)?;
        let logs = queries::sync_logs(conn, p.id)?;
        Ok((p, logs))
    })
    .await?;
    let logs = logs
        .into_iter()
        .map(|l| {
            let w = ctx.local_time(Some(l.started_at));
            (l, w)
        })
        .collect();
    let form = form.unwrap_or_else(|| ProviderForm::of(&provider));
    render_status(
        errors.status(),
        &ShowPage {
            checked: ctx.local_time(provider.last_health_check),
            stored: Some((
                provider.credentials_encrypted.is_some(),
                provider.webhook_secret_encrypted.is_some(),
            )),
            webhook_url: crate::mail::link(&format!("/webhooks/{}", provider.public_id)),
            ctx,
            provider,
            form: form.without_secrets(),
            errors,
            type_options: options(&queries::TYPES),
            logs,
        },
    )
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    show_page(ctx, &state, id, None, FieldErrors::default()).await
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<ProviderForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::IntegrationsManage)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let Some(checked) = form.validate(&mut errors) else {
        return show_page(ctx, &state, id, Some(form), errors).await;
    };
    let v = values(checked, &Vault::new(&state.config.integrations_key));
    let actor = ctx.actor();
    let saved = db::run(&state.pool, move |conn| {
        let p = queries::find(conn, org, id)?;
        split(write_tx(conn, |conn| {
            written_address(conn, org, &v)?;
            queries::update(conn, org, &p, &v).map_err(duplicate)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(org.id()), actions::UPDATE, "integration")
                    .entity(p.public_id)
                    .new_values(audit_json(&v)),
            )?;
            Ok::<_, FormError>(())
        }))
    })
    .await?;
    match saved {
        Ok(()) => {
            Flash::success(&ctx.session, "The provider is saved.");
            Ok(see_other(&format!("/admin/integrations/{id}")))
        }
        Err(errors) => show_page(ctx, &state, id, Some(form), errors).await,
    }
}
