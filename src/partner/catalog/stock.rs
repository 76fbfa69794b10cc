//! `/partner/catalog/low-stock` (catalog.manage): stock-tracked products at or below the
//! threshold the user chose (5 or 10 units, remembered in their profile's preferences), the
//! fewest first; those at or below the organization's critical level are marked.

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::queries::{self, ProductRecord};
use crate::AppState;
use crate::db::{self, AnyConnection, now, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::{organizations, user_profiles};
use crate::web::{Ctx, Flash, render, see_other};

/// The thresholds a user may choose; the first is the default.
pub const THRESHOLDS: [i32; 2] = [10, 5];
const PREFERENCE: &str = "low_stock_threshold";

#[derive(Template)]
#[template(path = "partner/catalog/low_stock.html")]
struct LowStockPage {
    ctx: Ctx,
    threshold: i32,
    critical: i32,
    rows: Vec<ProductRecord>,
}

pub(super) async fn low_stock(
    ctx: Ctx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let user_id = ctx.user.id;
    let (threshold, critical, rows) = db::run(&state.pool, move |conn| {
        let threshold = preference(conn, user_id)?;
        let critical: i32 = organizations::table
            .find(org.id())
            .select(organizations::low_stock_critical)
            .first(conn)?;
        Ok((
            threshold,
            critical,
            queries::low_stock(conn, org, threshold)?,
        ))
    })
    .await?;
    render(&LowStockPage {
        ctx,
        threshold,
        critical,
        rows,
    })
}

/// The user's chosen threshold, the default when they have not chosen.
pub fn preference(conn: &mut AnyConnection, user_id: i64) -> QueryResult<i32> {
    let stored: Option<Option<String>> = user_profiles::table
        .find(user_id)
        .select(user_profiles::preferences)
        .first(conn)
        .optional()?;
    Ok(stored
        .flatten()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v.get(PREFERENCE)?.as_i64())
        .and_then(|n| THRESHOLDS.into_iter().find(|t| i64::from(*t) == n))
        .unwrap_or(THRESHOLDS[0]))
}

#[derive(Debug, Deserialize)]
pub struct ThresholdForm {
    threshold: String,
}

/// Remembers the threshold in the user's preferences (kept beside whatever else they hold).
pub(super) async fn choose(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ThresholdForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let Some(threshold) = THRESHOLDS
        .into_iter()
        .find(|t| t.to_string() == form.threshold.trim())
    else {
        return Err(AppError::BadRequest(
            "Choose a threshold of 5 or 10 units.".into(),
        ));
    };
    let user_id = ctx.user.id;
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let stored: Option<Option<String>> = user_profiles::table
                .find(user_id)
                .select(user_profiles::preferences)
                .first(conn)
                .optional()?;
            let mut prefs = stored
                .clone()
                .flatten()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                .filter(serde_json::Value::is_object)
                .unwrap_or_else(|| serde_json::json!({}));
            prefs[PREFERENCE] = threshold.into();
            let text = prefs.to_string();
            let t = now();
            if stored.is_some() {
                diesel::update(user_profiles::table.find(user_id))
                    .set((
                        user_profiles::preferences.eq(&text),
                        user_profiles::updated_at.eq(t),
                    ))
                    .execute(conn)?;
            } else {
                diesel::insert_into(user_profiles::table)
                    .values((
                        user_profiles::user_id.eq(user_id),
                        user_profiles::organization_id.eq(org.id()),
                        user_profiles::preferences.eq(&text),
                        user_profiles::created_at.eq(t),
                        user_profiles::updated_at.eq(t),
                    ))
                    .execute(conn)?;
            }
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Flash::success(
        &ctx.session,
        format!("Products at or below {threshold} units are listed."),
    );
    Ok(see_other("/partner/catalog/low-stock"))
}
