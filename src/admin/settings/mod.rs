//! `/admin/settings` (org.manage): the organization's name, contact details, logo, currency,
//! timezone, working days, rates, thresholds and goals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use self::form::{SettingsForm, as_valid, audit_json, validate};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, write_tx};
use crate::domain::money::currencies;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::form::split;
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

mod form;
pub mod logo;
pub mod loss_reasons;
mod queries;

pub use self::queries::{Settings, load};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/settings", web::get().to(show))
        .route("/admin/settings", web::post().to(update));
    logo::configure(cfg);
}

pub const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

pub struct DayBox {
    pub index: usize,
    pub name: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/settings/show.html")]
struct SettingsPage {
    ctx: Ctx,
    settings: Settings,
    form: SettingsForm,
    errors: FieldErrors,
    days: Vec<DayBox>,
    currencies: Vec<(String, String)>,
    logo_limit_kb: usize,
    logo_error: Option<String>,
}

pub(crate) fn page(
    ctx: Ctx,
    settings: Settings,
    form: SettingsForm,
    errors: FieldErrors,
) -> impl Template {
    SettingsPage {
        days: form
            .days()
            .iter()
            .enumerate()
            .map(|(index, checked)| DayBox {
                index,
                name: DAYS[index],
                checked: *checked,
            })
            .collect(),
        currencies: currencies(),
        logo_limit_kb: logo::MAX_BYTES / 1024,
        logo_error: errors.get("logo").map(str::to_string),
        ctx,
        settings,
        form,
        errors,
    }
}

async fn show(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let scope = ctx.scope()?;
    let settings = db::run(&state.pool, move |c| Ok(load(c, scope)?)).await?;
    let f = SettingsForm::of(&settings);
    render(&page(ctx, settings, f, FieldErrors::default()))
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::OrgManage)?;
    let scope = ctx.scope()?;
    let settings = db::run(&state.pool, move |c| Ok(load(c, scope)?)).await?;
    let f = form.into_inner();
    let v = match validate(&f) {
        Ok(v) => v,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(ctx, settings, f, errors),
            );
        }
    };
    let old = as_valid(&settings);
    let (actor, public_id) = (ctx.actor(), settings.public_id);
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            let Some((before, after)) = audit::changes(&audit_json(&old), &audit_json(&v)) else {
                return Ok(false);
            };
            queries::save(conn, scope, &old, &v)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(scope.id()), actions::UPDATE, "settings")
                    .entity(public_id)
                    .old(before)
                    .new_values(after),
            )?;
            Ok(true)
        }))
    })
    .await?;
    match outcome {
        Ok(changed) => {
            Flash::success(
                &ctx.session,
                if changed {
                    "The settings are saved."
                } else {
                    "Nothing changed."
                },
            );
            Ok(see_other("/admin/settings"))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(ctx, settings, f, errors),
        ),
    }
}
