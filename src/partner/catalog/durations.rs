//! `/partner/durations` (catalog.manage): how long subscriptions run, each with its discount.
//! Read by the calculator and a quote's items; one in use by an order stays.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use super::queries::{self, DurationRecord};
use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, PublicId, write_tx};
use crate::domain::money::{bp_to_percent, percent_bp};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::form::{self, FormError, is_unique_violation, split};
use crate::web::{Ctx, FieldErrors, Flash, render_status, see_other};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partner/durations", web::get().to(list))
        .route("/partner/durations", web::post().to(add))
        .route("/partner/durations/{id}/delete", web::post().to(delete));
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DurationForm {
    pub months: String,
    pub name: String,
    pub discount: String,
}

struct Values {
    months: i32,
    name: String,
    discount_bp: i32,
}

impl DurationForm {
    fn validate(&self, e: &mut FieldErrors) -> Option<Values> {
        let months = match self.months.trim().parse::<i32>() {
            Ok(m) if (1..=120).contains(&m) => Some(m),
            _ => {
                e.add("months", "Give the months as a whole number from 1 to 120.");
                None
            }
        };
        let name = match self.name.trim() {
            "" => months.map(|m| format!("{m} months")),
            _ => e.check("name", form::required(&self.name, "a name", 100)),
        };
        let discount_bp = e
            .check("discount", percent_bp(&self.discount))
            .map(|bp| i32::try_from(bp.unwrap_or(0)).unwrap_or(0));
        Some(Values {
            months: months?,
            name: name?,
            discount_bp: discount_bp?,
        })
        .filter(|_| e.is_empty())
    }
}

#[derive(Template)]
#[template(path = "partner/catalog/durations.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<DurationRecord>,
    form: DurationForm,
    errors: FieldErrors,
}

impl ListPage {
    fn discount(&self, d: &DurationRecord) -> String {
        bp_to_percent(d.discount_bp.into())
    }
}

async fn page(
    ctx: Ctx,
    state: &AppState,
    form: DurationForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let org = ctx.scope()?;
    let rows = db::run(&state.pool, move |conn| Ok(queries::durations(conn, org)?)).await?;
    render_status(
        errors.status(),
        &ListPage {
            ctx,
            rows,
            form,
            errors,
        },
    )
}

async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    page(ctx, &state, DurationForm::default(), FieldErrors::default()).await
}

async fn add(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<DurationForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let Some(v) = form.validate(&mut errors) else {
        return page(ctx, &state, form, errors).await;
    };
    let actor = ctx.actor();
    let saved = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            let d = queries::insert_duration(conn, org, v.months, &v.name, v.discount_bp).map_err(
                |e| {
                    if is_unique_violation(&e) {
                        FormError::field("months", "A duration of this many months exists already.")
                    } else {
                        e.into()
                    }
                },
            )?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(org.id()), actions::CREATE, "duration")
                    .entity(d.public_id)
                    .new_values(
                        json!({ "months": d.months, "name": d.name, "discount_bp": d.discount_bp }),
                    ),
            )?;
            Ok::<_, FormError>(d)
        }))
    })
    .await?;
    match saved {
        Ok(d) => {
            Flash::success(&ctx.session, format!("{} can be chosen on quotes.", d.name));
            Ok(see_other("/partner/durations"))
        }
        Err(errors) => page(ctx, &state, form, errors).await,
    }
}

async fn delete(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let actor = ctx.actor();
    let (name, deleted) = db::run(&state.pool, move |conn| {
        let d = queries::find_duration(conn, org, id)?;
        write_tx(conn, |conn| {
            let deleted = queries::delete_duration(conn, org, d.id)?;
            if deleted {
                audit::record(
                    conn,
                    &actor,
                    Event::new(Some(org.id()), actions::DELETE, "duration")
                        .entity(d.public_id)
                        .old(json!({ "months": d.months, "name": d.name })),
                )?;
            }
            Ok::<_, AppError>((d.name.clone(), deleted))
        })
    })
    .await?;
    if deleted {
        Flash::success(&ctx.session, format!("{name} is removed."));
        Ok(see_other("/partner/durations"))
    } else {
        Flash::error(
            &ctx.session,
            format!("{name} is on orders already, so it stays; it can still be chosen."),
        );
        Ok(see_other("/partner/durations"))
    }
}
