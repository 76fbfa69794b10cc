//! `/platform` (platform admins): organizations with their figures; create one with its first
//! admin; edit; deactivate (every session of its users ends, sign-in is refused) and reactivate.

mod form;
pub mod queries;
mod save;
mod status;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use self::form::{OrgForm, validate_admin, validate_org};
use self::queries::{Filter, OrgLine, OrgRecord};
use self::status::{confirm_deactivate, deactivate, reactivate};
use crate::AppState;
use crate::auth::passwords;
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::domain::money::currencies;
use crate::error::AppError;
use crate::web::form::split;
use crate::web::pager::{self, Pages};
use crate::web::{Ctx, FieldErrors, Flash, render, render_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/platform", web::get().to(list))
        .route("/platform/organizations", web::post().to(create))
        .route("/platform/organizations/new", web::get().to(new))
        .route("/platform/organizations/{id}", web::get().to(edit))
        .route("/platform/organizations/{id}", web::post().to(update))
        .route(
            "/platform/organizations/{id}/deactivate",
            web::get().to(confirm_deactivate),
        )
        .route(
            "/platform/organizations/{id}/deactivate",
            web::post().to(deactivate),
        )
        .route(
            "/platform/organizations/{id}/reactivate",
            web::post().to(reactivate),
        );
}

const PAGE_SIZE: i64 = 50;
const FIRST_ADMIN: &str = "first_admin_password";

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

#[derive(Template)]
#[template(path = "platform/list.html")]
struct ListPage {
    ctx: Ctx,
    query: ListQuery,
    orgs: Vec<OrgLine>,
    status_options: Vec<(String, String)>,
    next: Option<String>,
    first: Option<String>,
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_platform_admin()?;
    let query = query.into_inner();
    let f = Filter {
        q: query.q.chars().take(100).collect(),
        active: match query.status.as_str() {
            "active" => Some(true),
            "inactive" => Some(false),
            _ => None,
        },
        after: query.after.parse().ok(),
    };
    let mut orgs = db::run(&state.pool, move |c| {
        Ok(queries::list(c, &f, PAGE_SIZE + 1)?)
    })
    .await?;
    let Pages { first, next } = pager::keyset(
        "/platform",
        &ListQuery {
            after: String::new(),
            ..query.clone()
        },
        &query.after,
        &mut orgs,
        PAGE_SIZE as usize,
        |o| o.public_id.to_string(),
    );
    render(&ListPage {
        ctx,
        query,
        orgs,
        status_options: vec![
            (String::new(), "Any status".into()),
            ("active".into(), "Active".into()),
            ("inactive".into(), "Inactive".into()),
        ],
        next,
        first,
    })
}

#[derive(Template)]
#[template(path = "platform/form.html")]
struct FormPage {
    ctx: Ctx,
    org: Option<OrgRecord>,
    form: OrgForm,
    errors: FieldErrors,
    currencies: Vec<(String, String)>,
    first_admin: Option<(String, String)>,
}

fn form_page(ctx: Ctx, org: Option<OrgRecord>, form: OrgForm, errors: FieldErrors) -> FormPage {
    FormPage {
        ctx,
        org,
        form,
        errors,
        currencies: currencies(),
        first_admin: None,
    }
}

async fn new(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_platform_admin()?;
    let form = OrgForm {
        currency: "USD".into(),
        timezone: "UTC".into(),
        ..OrgForm::default()
    };
    render(&form_page(ctx, None, form, FieldErrors::default()))
}

async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<OrgForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_platform_admin()?;
    let f = form.into_inner();
    let mut e = FieldErrors::default();
    let org = validate_org(&f, &mut e);
    let admin = validate_admin(&f, &mut e);
    let (Some(org), Some((first, last, email)), true) = (org, admin, e.is_empty()) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, None, f, e),
        );
    };
    let actor = ctx.actor();
    let admin = save::FirstAdmin {
        first,
        last,
        email: email.clone(),
    };
    let outcome = db::run(&state.pool, move |conn| {
        let temporary = passwords::temporary();
        let hash = passwords::hash(&temporary).map_err(AppError::internal)?;
        let created = write_tx(conn, |conn| save::create(conn, &actor, &org, &admin, &hash));
        Ok(split(created)?.map(|public_id| (public_id, temporary)))
    })
    .await?;
    match outcome {
        Ok((public_id, temporary)) => {
            let _ = ctx
                .session
                .insert(FIRST_ADMIN, (public_id.to_string(), email, temporary));
            Flash::success(
                &ctx.session,
                "The organization and its first admin are created.",
            );
            Ok(see_other(&format!("/platform/organizations/{public_id}")))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, None, f, errors),
        ),
    }
}

fn find(conn: &mut AnyConnection, id: PublicId) -> Result<OrgRecord, AppError> {
    Ok(queries::find(conn, id)?)
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require_platform_admin()?;
    let raw = path.into_inner();
    let org = db::run(&state.pool, move |c| find(c, raw)).await?;
    let form = OrgForm {
        name: org.name.clone(),
        currency: org.currency.clone(),
        timezone: org.timezone.clone(),
        ..OrgForm::default()
    };
    let first_admin = ctx
        .session
        .remove_as::<(String, String, String)>(FIRST_ADMIN)
        .and_then(Result::ok)
        .filter(|(id, _, _)| *id == org.public_id.to_string())
        .map(|(_, email, pw)| (email, pw));
    let mut page = form_page(ctx, Some(org), form, FieldErrors::default());
    page.first_admin = first_admin;
    render(&page)
}

async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<OrgForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_platform_admin()?;
    let raw = path.into_inner();
    let org = db::run(&state.pool, move |c| find(c, raw)).await?;
    let f = form.into_inner();
    let mut e = FieldErrors::default();
    let Some(v) = validate_org(&f, &mut e) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, Some(org), f, e),
        );
    };
    let actor = ctx.actor();
    let public_id = org.public_id;
    let record = org.clone();
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            save::update(conn, &actor, &record, &v)
        }))
    })
    .await?;
    match outcome {
        Ok(changed) => {
            Flash::success(
                &ctx.session,
                if changed {
                    "The organization is saved."
                } else {
                    "Nothing changed."
                },
            );
            Ok(see_other(&format!("/platform/organizations/{public_id}")))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, Some(org), f, errors),
        ),
    }
}
