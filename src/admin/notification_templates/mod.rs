//! `/admin/notification-templates` (org.manage): the words of each notification an event sends.
//! An administrator rewrites a kind's title and message with its `{{variables}}`, previews them
//! with example values, and saves them only when every variable is one the kind offers; a kind
//! the organization has not changed (or switched off) uses the default, and "Use the default"
//! deletes its words again. Every save and reset is audited.

mod form;
mod queries;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::json;

use self::form::TemplateForm;
use self::queries::Saved;
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, write_tx};
use crate::error::AppError;
use crate::notifications::templates::{self, KINDS, Kind, render};
use crate::permissions::Permission;
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/notification-templates", web::get().to(list))
        .service(
            web::resource("/admin/notification-templates/{kind}")
                .route(web::get().to(edit))
                .route(web::post().to(submit)),
        )
        .route(
            "/admin/notification-templates/{kind}/reset",
            web::post().to(reset),
        );
}

fn kind_of(raw: &str) -> Result<&'static Kind, AppError> {
    templates::kind(raw).ok_or(AppError::NotFound)
}

/// A kind as the list shows it.
pub struct Line {
    pub kind: &'static Kind,
    /// "Default", "Custom" or "Custom, switched off".
    pub state: &'static str,
    pub title: String,
    pub changed: Option<When>,
}

#[derive(Template)]
#[template(path = "admin/notification_templates/list.html")]
struct ListPage {
    ctx: Ctx,
    lines: Vec<Line>,
}

async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let org = ctx.scope()?;
    let saved = db::run(&state.pool, move |conn| Ok(queries::all(conn, org)?)).await?;
    let lines = KINDS
        .iter()
        .map(|kind| match saved.iter().find(|s| s.kind == kind.code) {
            Some(s) => Line {
                kind,
                state: if s.is_active {
                    "Custom"
                } else {
                    "Custom, switched off"
                },
                title: s.title.clone(),
                changed: Some(ctx.local_time(Some(s.updated_at))),
            },
            None => Line {
                kind,
                state: "Default",
                title: kind.title.to_string(),
                changed: None,
            },
        })
        .collect();
    render_status(StatusCode::OK, &ListPage { ctx, lines })
}

#[derive(Template)]
#[template(path = "admin/notification_templates/edit.html")]
struct EditPage {
    ctx: Ctx,
    kind: &'static Kind,
    form: TemplateForm,
    errors: FieldErrors,
    /// The words with example values: (title, message).
    preview: Option<(String, String)>,
    /// Whether the organization has words of its own for this kind.
    custom: bool,
}

fn preview(kind: &Kind, title: &str, message: &str) -> (String, String) {
    let sample = kind.sample();
    (render(title, &sample), render(message, &sample))
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let org = ctx.scope()?;
    let kind = kind_of(&path)?;
    let saved = db::run(&state.pool, move |conn| Ok(queries::find(conn, org, kind)?)).await?;
    let custom = saved.is_some();
    let form = match saved {
        Some(Saved {
            title,
            message,
            is_active,
            ..
        }) => TemplateForm {
            title,
            message,
            active: is_active.then(|| "on".into()),
            intent: String::new(),
        },
        None => TemplateForm {
            title: kind.title.into(),
            message: kind.message.into(),
            active: Some("on".into()),
            intent: String::new(),
        },
    };
    let page = EditPage {
        preview: Some(preview(kind, &form.title, &form.message)),
        ctx,
        kind,
        form,
        errors: FieldErrors::default(),
        custom,
    };
    render_status(StatusCode::OK, &page)
}

async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    // Read after the permission check: someone who may not edit templates is refused (403)
    // whatever they sent, as everywhere else.
    form: Result<web::Form<TemplateForm>, actix_web::Error>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let org = ctx.scope()?;
    let kind = kind_of(&path)?;
    let form = form
        .map_err(|e| AppError::BadRequest(format!("The form could not be read ({e}).")))?
        .into_inner();
    let actor = ctx.actor();
    // A preview, or words that cannot be saved, come back on the form with what it shows.
    let v = match form.validate(kind) {
        Ok(v) if !form.is_preview() => v,
        outcome => {
            let custom = db::run(&state.pool, move |conn| Ok(queries::find(conn, org, kind)?))
                .await?
                .is_some();
            let (status, preview, errors) = match outcome {
                Ok(v) => (
                    StatusCode::OK,
                    Some(preview(kind, &v.title, &v.message)),
                    FieldErrors::default(),
                ),
                Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, None, errors),
            };
            let page = EditPage {
                preview,
                ctx,
                kind,
                form,
                errors,
                custom,
            };
            return render_status(status, &page);
        }
    };
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| save_audited(conn, &actor, org, kind, &v))
    })
    .await?;
    Flash::success(
        &ctx.session,
        format!("The words of “{}” are saved.", kind.label),
    );
    Ok(see_other("/admin/notification-templates"))
}

/// Saves the organization's words for `kind`, recorded in the audit log.
fn save_audited(
    conn: &mut AnyConnection,
    actor: &Actor,
    org: OrgScope,
    kind: &Kind,
    v: &form::Valid,
) -> Result<(), AppError> {
    let created = queries::save(conn, org, kind, v)?;
    let action = if created {
        actions::CREATE
    } else {
        actions::UPDATE
    };
    audit::record(
        conn,
        actor,
        Event::new(Some(org.id()), action, "notification_template").new_values(json!({
            "kind": kind.code,
            "title": v.title,
            "message": v.message,
            "active": v.active,
        })),
    )?;
    Ok(())
}

async fn reset(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let org = ctx.scope()?;
    let kind = kind_of(&path)?;
    let actor = ctx.actor();
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            if queries::reset(conn, org, kind)? > 0 {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(org.id()), actions::DELETE, "notification_template")
                        .old(json!({ "kind": kind.code })),
                )?;
            }
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Flash::success(
        &ctx.session,
        format!("“{}” uses the default words again.", kind.label),
    );
    Ok(see_other("/admin/notification-templates"))
}
