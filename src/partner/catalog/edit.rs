//! Adding and editing a product (catalog.manage): the form with its tier rows and picture, the
//! checks, the audit entry; a refused form keeps what was typed (the picture is chosen again).

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::form::{PERIODS, ProductForm, TierRow, audit_json};
use super::pricing::Model;
use super::queries::{self, ProductRecord};
use super::{IMAGE_MAX_BYTES, IMAGE_TYPES, image_dir};
use crate::AppState;
use crate::audit::{self, Actor, Event, actions};
use crate::db::{self, AnyConnection, PublicId, write_tx};
use crate::domain::choices::options;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::web::form::{FormError, is_unique_violation, split};
use crate::web::upload::{self, StoredFile, Upload};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

#[derive(Template)]
#[template(path = "partner/catalog/form.html")]
struct FormPage {
    ctx: Ctx,
    product: Option<ProductRecord>,
    form: ProductForm,
    rows: Vec<TierRow>,
    errors: FieldErrors,
    model_options: Vec<(String, String)>,
    period_options: Vec<(String, String)>,
}

fn form_page(
    ctx: Ctx,
    product: Option<ProductRecord>,
    form: ProductForm,
    errors: FieldErrors,
) -> FormPage {
    FormPage {
        ctx,
        product,
        rows: form.tier_rows(),
        form,
        errors,
        model_options: options(&Model::CHOICES),
        period_options: options(&PERIODS),
    }
}

pub(super) async fn new(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    render(&form_page(
        ctx,
        None,
        ProductForm::blank(),
        FieldErrors::default(),
    ))
}

pub(super) async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let id = path.into_inner();
    let (product, tiers) = db::run(&state.pool, move |conn| {
        let product = queries::find(conn, org, id)?;
        let tiers = queries::tiers(conn, &product)?;
        Ok((product, tiers))
    })
    .await?;
    let form = ProductForm::of(&product, &tiers);
    render(&form_page(ctx, Some(product), form, FieldErrors::default()))
}

/// Reads the product form and its image; the image is stored at once when its bytes are a
/// picture (the field's error when they are not), and removed again unless the product naming it
/// is committed (`StoredFile`).
async fn read_form(
    state: &AppState,
    payload: Multipart,
) -> Result<(ProductForm, Result<Option<StoredFile>, FieldErrors>), AppError> {
    let upload = Upload::read(payload, "image", IMAGE_MAX_BYTES).await?;
    let form: ProductForm = upload.form()?;
    let stored = match &upload.file {
        None => Ok(None),
        Some((bytes, _)) => match upload::store(&image_dir(state), bytes, &IMAGE_TYPES)? {
            Some(file) => Ok(Some(file)),
            None => {
                let mut e = FieldErrors::default();
                e.add(
                    "image",
                    "Choose a JPEG, PNG or WebP picture (its content is checked, not its name).",
                );
                Err(e)
            }
        },
    };
    Ok((form, stored))
}

fn duplicate_name(e: diesel::result::Error) -> FormError {
    if is_unique_violation(&e) {
        FormError::field(
            "name",
            "Another product already has this name; choose a different one.",
        )
    } else {
        e.into()
    }
}

pub(super) async fn add(
    ctx: Ctx,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let (form, stored) = read_form(&state, payload).await?;
    let mut errors = FieldErrors::default();
    let values = form.validate(&mut errors);
    let image = match stored {
        Ok(image) => image,
        Err(e) => {
            errors.merge(e);
            None
        }
    };
    let (Some(values), true) = (values, errors.is_empty()) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, None, form, errors),
        );
    };
    let actor = ctx.actor();
    let stored = image.as_ref().map(|f| f.name.clone());
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            let product =
                queries::insert(conn, org, &values, stored.as_deref()).map_err(duplicate_name)?;
            audit::record(
                conn,
                &actor,
                Event::new(Some(org.id()), actions::CREATE, "product")
                    .entity(product.public_id)
                    .new_values(audit_json(&values)),
            )?;
            Ok::<_, FormError>(product)
        }))
    })
    .await;
    match outcome {
        Ok(Ok(product)) => {
            if let Some(file) = image {
                file.keep();
            }
            Flash::success(&ctx.session, format!("{} is in the catalog.", product.name));
            Ok(see_other(&format!(
                "/partner/catalog/{}",
                product.public_id
            )))
        }
        other => {
            let errors = other?.err().unwrap_or_default();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(ctx, None, form, errors),
            )
        }
    }
}

pub(super) async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::CatalogManage)?;
    let org = ctx.scope()?;
    let id = *path;
    let (form, stored) = read_form(&state, payload).await?;
    let mut errors = FieldErrors::default();
    let values = form.validate(&mut errors);
    let image = stored.unwrap_or_else(|e| {
        errors.merge(e);
        None
    });
    let actor = ctx.actor();
    let new_image = image.as_ref().map(|f| f.name.clone());
    let (product, saved) = db::run(&state.pool, move |conn| {
        let product = queries::find(conn, org, id)?;
        let (Some(values), true) = (values, errors.is_empty()) else {
            return Ok((product, Err(errors)));
        };
        let old_tiers = queries::tiers(conn, &product)?;
        let old = queries::ProductValues {
            tiers: old_tiers,
            ..values_of(&product)
        };
        let saved = split(write_tx(conn, |conn| {
            save_product(
                conn,
                &actor,
                org,
                &product,
                &old,
                &values,
                new_image.as_deref(),
            )
        }))?;
        Ok((product, saved))
    })
    .await?;
    if let Err(errors) = saved {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, Some(product), form, errors),
        );
    }
    if let Some(file) = image {
        file.keep();
        if let Some(old) = &product.image_path {
            upload::discard(&image_dir(&state), old);
        }
    }
    Flash::success(&ctx.session, "The product is saved.");
    Ok(see_other(&format!(
        "/partner/catalog/{}",
        product.public_id
    )))
}

/// Writes the product's new values (a name taken is the form's error), audited with what
/// changed.
fn save_product(
    conn: &mut AnyConnection,
    actor: &Actor,
    org: OrgScope,
    product: &ProductRecord,
    old: &queries::ProductValues,
    values: &queries::ProductValues,
    new_image: Option<&str>,
) -> Result<(), FormError> {
    queries::update(conn, org, product.id, values, new_image).map_err(duplicate_name)?;
    if let Some((old, new)) = audit::changes(&audit_json(old), &audit_json(values)) {
        audit::record(
            conn,
            actor,
            Event::new(Some(org.id()), actions::UPDATE, "product")
                .entity(product.public_id)
                .old(old)
                .new_values(new),
        )?;
    }
    Ok(())
}

fn values_of(p: &ProductRecord) -> queries::ProductValues {
    queries::ProductValues {
        name: p.name.clone(),
        product_type: p.product_type.clone(),
        unit: p.unit.clone(),
        category: p.category.clone(),
        description: p.description.clone(),
        model: p.model(),
        is_subscription: p.is_subscription,
        track_stock: p.track_stock,
        stock: p.stock,
        is_active: p.is_active,
        tiers: Vec::new(),
    }
}
