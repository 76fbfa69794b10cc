//! The organization's logo: uploaded as multipart (CSRF token in the query string), limited in
//! size while it streams in, accepted only when its bytes are a PNG, JPEG, GIF or WebP image
//! (SVG can carry scripts), stored under `UPLOAD_DIR/logos/` and served to the organization's
//! signed-in users.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use futures_util::StreamExt;
use serde_json::json;

use super::{SettingsForm, load, page};
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, now, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::organizations;
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render_status, see_other};

pub const MAX_BYTES: usize = 512 * 1024;
const ACCEPTED: [(&str, &str); 4] = [
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/settings/logo", web::post().to(upload))
        .route("/admin/settings/logo", web::get().to(serve))
        .route("/admin/settings/logo/remove", web::post().to(remove));
}

/// Reads the `logo` field, refusing more than `MAX_BYTES` as soon as they arrive.
async fn read_logo(mut payload: Multipart) -> Result<Option<Vec<u8>>, AppError> {
    let bad = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("The upload could not be read ({e}). Try again."))
    };
    let mut found = None;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(bad)?;
        let is_logo = field.name() == Some("logo");
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(bad)?;
            if is_logo {
                if bytes.len() + chunk.len() > MAX_BYTES {
                    return Err(AppError::PayloadTooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
        }
        if is_logo {
            found = Some(bytes);
        }
    }
    Ok(found.filter(|b| !b.is_empty()))
}

fn logo_dir(state: &AppState) -> std::path::PathBuf {
    state.config.upload_dir.join("logos")
}

async fn upload(
    ctx: Ctx,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let scope = ctx.scope()?;
    let bytes = read_logo(payload).await?;
    let kind = bytes
        .as_deref()
        .and_then(infer::get)
        .and_then(|t| ACCEPTED.iter().find(|(m, _)| *m == t.mime_type()));
    let (Some(bytes), Some(&(mime, ext))) = (bytes, kind) else {
        let settings = db::run(&state.pool, move |c| Ok(load(c, scope)?)).await?;
        let mut errors = FieldErrors::default();
        errors.add(
            "logo",
            "Choose a PNG, JPEG, GIF or WebP image (the file's content is checked, not its name).",
        );
        let f = SettingsForm::of(&settings);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(ctx, settings, f, errors),
        );
    };
    let logo = Logo {
        dir: logo_dir(&state),
        bytes,
        mime,
        ext,
    };
    let actor = ctx.actor();
    db::run(&state.pool, move |conn| logo.store(conn, &actor, scope)).await?;
    Flash::success(&ctx.session, "The logo is saved.");
    Ok(see_other("/admin/settings"))
}

async fn serve(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let scope = ctx.scope()?;
    let dir = logo_dir(&state);
    let (bytes, name) = db::run(&state.pool, move |conn| {
        let name: Option<String> = organizations::table
            .find(scope.id())
            .select(organizations::logo_path)
            .first(conn)?;
        let name = name.ok_or(AppError::NotFound)?;
        // Names are ours (public id, random suffix, extension); refuse anything else.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(AppError::NotFound);
        }
        let bytes = std::fs::read(dir.join(&name)).map_err(|_| AppError::NotFound)?;
        Ok((bytes, name))
    })
    .await?;
    let mime = ACCEPTED
        .iter()
        .find(|(_, ext)| name.ends_with(&format!(".{ext}")))
        .map_or("application/octet-stream", |(m, _)| m);
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(bytes))
}

async fn remove(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let scope = ctx.scope()?;
    let dir = logo_dir(&state);
    let actor = ctx.actor();
    db::run(&state.pool, move |conn| {
        let settings = load(conn, scope)?;
        let Some(old) = settings.logo_path else {
            return Ok(());
        };
        write_tx(conn, |conn| {
            diesel::update(organizations::table.find(scope.id()))
                .set((
                    organizations::logo_path.eq(None::<String>),
                    organizations::updated_at.eq(now()),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::DELETE, "logo")
                    .entity(settings.public_id)
                    .old(json!({ "file": old })),
            )
        })?;
        let _ = std::fs::remove_file(dir.join(&old));
        Ok(())
    })
    .await?;
    Flash::success(&ctx.session, "The logo is removed.");
    Ok(see_other("/admin/settings"))
}

/// An image checked by its content, and where logos are kept.
struct Logo {
    dir: std::path::PathBuf,
    bytes: Vec<u8>,
    mime: &'static str,
    ext: &'static str,
}

impl Logo {
    /// Writes the file under a new name, then points the organization at it (audited); the
    /// old file goes once nothing refers to it, the new one if the database refused it.
    fn store(
        &self,
        conn: &mut db::AnyConnection,
        actor: &Actor,
        scope: OrgScope,
    ) -> Result<(), AppError> {
        let settings = load(conn, scope)?;
        let dir = &self.dir;
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::internal(format!("create {}: {e}", dir.display())))?;
        let name = format!(
            "{}-{}.{}",
            settings.public_id,
            uuid::Uuid::new_v4().simple(),
            self.ext
        );
        let path = dir.join(&name);
        std::fs::write(&path, &self.bytes)
            .map_err(|e| AppError::internal(format!("write {}: {e}", path.display())))?;
        let saved = write_tx(conn, |conn| {
            diesel::update(organizations::table.find(scope.id()))
                .set((
                    organizations::logo_path.eq(&name),
                    organizations::updated_at.eq(now()),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                actor,
                Event::new(Some(scope.id()), actions::UPDATE, "logo")
                    .entity(settings.public_id)
                    .old(json!({ "file": settings.logo_path }))
                    .new_values(json!({
                        "file": name, "type": self.mime, "bytes": self.bytes.len(),
                    })),
            )
        });
        match saved {
            Ok(()) => {
                // The old file is no longer referenced; failing to remove it only wastes space.
                if let Some(old) = settings.logo_path {
                    let _ = std::fs::remove_file(dir.join(old));
                }
                Ok(())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                Err(e.into())
            }
        }
    }
}
