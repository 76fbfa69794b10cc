//! What an admin asks a configured provider to do now: answer its health address, or hand over
//! a CRM's leads. The provider is called on a blocking thread holding no connection; what it
//! answered is saved afterwards.

use actix_web::{HttpResponse, web};

use crate::AppState;
use crate::db::{self, PublicId, now, write_tx};
use crate::error::AppError;
use crate::integrations::queries::ProviderRecord;
use crate::integrations::secrets::Vault;
use crate::integrations::{health, queries};
use crate::permissions::Permission;
use crate::web::{Ctx, Flash, see_other};

/// The provider an admin of its organization asks for, and whether the organization lets it
/// be called on a private network.
async fn provider(
    ctx: &Ctx,
    state: &AppState,
    id: PublicId,
) -> Result<(PublicId, ProviderRecord, bool), AppError> {
    ctx.require(Permission::IntegrationsManage)?;
    let org = ctx.scope()?;
    db::run(&state.pool, move |conn| {
        Ok((
            id,
            queries::find(conn, org, id)?,
            queries::allows_private(conn, org)?,
        ))
    })
    .await
}

/// Calls the provider's health address now and records the verdict.
pub(super) async fn check(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let (id, p, allow) = provider(&ctx, &state, *path).await?;
    let provider = p.id;
    // The call waits at most `health::TIMEOUT` on a blocking thread, holding no connection.
    let (status, error) = web::block(move || health::check(&p, allow))
        .await
        .map_err(AppError::internal)?;
    let saved = error.clone();
    db::run(&state.pool, move |conn| {
        Ok(queries::set_health(
            conn,
            provider,
            status,
            saved.as_deref(),
        )?)
    })
    .await?;
    let message = match error {
        None => format!("The provider is {status}."),
        Some(e) => format!("The provider is {status}: {e}."),
    };
    if status == "healthy" {
        Flash::success(&ctx.session, message);
    } else {
        Flash::error(&ctx.session, message);
    }
    Ok(see_other(&format!("/admin/integrations/{id}")))
}

/// Pulls a CRM's leads now, with a sync log of what came and what failed.
pub(super) async fn sync(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    let (id, p, allow) = provider(&ctx, &state, *path).await?;
    let vault = Vault::new(&state.config.integrations_key);
    let pulled = if p.provider_type != "crm" {
        None
    } else {
        match p.credentials_encrypted.as_deref().map(|s| vault.open(s)) {
            Some(Err(e)) => Some((0, 0, Some(e))),
            credential => {
                let credential = credential.and_then(Result::ok);
                let started = now();
                // The provider answers on a blocking thread; the leads are saved afterwards, so
                // no connection or write lock is held while it answers.
                let (p, fetched) = web::block(move || {
                    let fetched = health::fetch_leads(&p, credential.as_deref(), allow);
                    (p, fetched)
                })
                .await
                .map_err(AppError::internal)?;
                let saved = db::run(&state.pool, move |conn| {
                    write_tx(conn, |conn| {
                        let pulled = health::apply_leads(conn, &p, fetched.clone());
                        let errors = (!pulled.errors.is_empty()).then(|| pulled.errors.join("; "));
                        queries::log_sync(
                            conn,
                            &p,
                            "manual",
                            pulled.synced,
                            pulled.failed,
                            errors.as_deref(),
                            started,
                        )?;
                        Ok::<_, AppError>((pulled.synced, pulled.failed, errors))
                    })
                })
                .await?;
                Some(saved)
            }
        }
    };
    match pulled {
        None => Flash::error(&ctx.session, "Only a CRM's leads are synced."),
        Some((synced, failed, None)) => Flash::success(
            &ctx.session,
            format!("{synced} leads synced, {failed} refused."),
        ),
        Some((synced, _, Some(e))) => {
            Flash::error(&ctx.session, format!("{synced} leads synced; {e}"))
        }
    }
    Ok(see_other(&format!("/admin/integrations/{id}")))
}
