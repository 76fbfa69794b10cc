//! GET/POST /account: name, phone, timezone and language.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, now, write_tx};
use crate::error::AppError;
use crate::schema::{user_profiles, users};
use crate::web::{Ctx, Flash, render, render_status, see_other};

pub const LANGUAGES: [(&str, &str); 4] = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
];

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct ProfileForm {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    /// Empty: the organization's timezone.
    pub timezone: String,
    pub language: String,
}

#[derive(Default)]
pub struct ProfileErrors {
    pub first_name: Option<&'static str>,
    pub last_name: Option<&'static str>,
    pub phone: Option<&'static str>,
    pub timezone: Option<&'static str>,
    pub language: Option<&'static str>,
}

impl ProfileErrors {
    fn any(&self) -> bool {
        self.first_name.is_some()
            || self.last_name.is_some()
            || self.phone.is_some()
            || self.timezone.is_some()
            || self.language.is_some()
    }
}

#[derive(Template)]
#[template(path = "account/profile.html")]
struct ProfilePage {
    ctx: Ctx,
    form: ProfileForm,
    errors: ProfileErrors,
    languages: [(&'static str, &'static str); 4],
}

fn load(conn: &mut AnyConnection, user_id: i64) -> Result<ProfileForm, AppError> {
    let (first_name, last_name, phone): (String, String, Option<String>) = users::table
        .find(user_id)
        .select((users::first_name, users::last_name, users::phone))
        .first(conn)?;
    let profile: Option<(Option<String>, String)> = user_profiles::table
        .find(user_id)
        .select((user_profiles::timezone, user_profiles::language))
        .first(conn)
        .optional()?;
    let (timezone, language) = profile.unwrap_or((None, "en".into()));
    Ok(ProfileForm {
        first_name,
        last_name,
        phone: phone.unwrap_or_default(),
        timezone: timezone.unwrap_or_default(),
        language,
    })
}

fn page(ctx: Ctx, form: ProfileForm, errors: ProfileErrors) -> ProfilePage {
    ProfilePage {
        ctx,
        form,
        errors,
        languages: LANGUAGES,
    }
}

pub async fn show(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.user.id;
    let form = db::run(&state.pool, move |conn| load(conn, user_id)).await?;
    render(&page(ctx, form, ProfileErrors::default()))
}

fn validate(form: &mut ProfileForm) -> ProfileErrors {
    form.first_name = crate::web::form::single_line(&form.first_name);
    form.last_name = crate::web::form::single_line(&form.last_name);
    form.phone = form.phone.trim().to_string();
    let mut e = ProfileErrors::default();
    if form.first_name.is_empty() {
        e.first_name = Some("Enter your first name.");
    } else if form.first_name.chars().count() > 150 {
        e.first_name = Some("Use at most 150 characters.");
    }
    if form.last_name.is_empty() {
        e.last_name = Some("Enter your last name.");
    } else if form.last_name.chars().count() > 150 {
        e.last_name = Some("Use at most 150 characters.");
    }
    if form.phone.chars().count() > 20 {
        e.phone = Some("Use at most 20 characters.");
    } else if !form
        .phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        e.phone = Some("Use digits, spaces and + - ( ) only.");
    }
    match crate::web::dates::timezone(&form.timezone) {
        Ok(tz) => form.timezone = tz.unwrap_or_default(),
        Err(_) => {
            e.timezone = Some(
                "No time zone has that name. Type a name like Europe/Paris or America/Chicago, or leave it empty for the organization's.",
            )
        }
    }
    if !LANGUAGES.iter().any(|(code, _)| *code == form.language) {
        e.language = Some("Choose a language from the list.");
    }
    e
}

pub async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    let errors = validate(&mut form);
    if errors.any() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(ctx, form, errors));
    }
    let (user_id, org, public_id, actor) = (
        ctx.user.id,
        ctx.user.organization_id,
        ctx.user.public_id,
        ctx.actor(),
    );
    let new = form.clone();
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            let old = load(conn, user_id)?;
            save(conn, user_id, org, &new)?;
            let as_json = |f: &ProfileForm| {
                json!({ "first_name": f.first_name, "last_name": f.last_name, "phone": f.phone,
                        "timezone": f.timezone, "language": f.language })
            };
            audit::record(
                conn,
                &actor,
                Event::new(org, actions::UPDATE, "profile")
                    .entity(public_id)
                    .old(as_json(&old))
                    .new_values(as_json(&new)),
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Flash::success(&ctx.session, "Your profile is saved.");
    Ok(see_other("/account"))
}

/// Writes the person's name and phone, and their profile (made on the first save).
fn save(
    conn: &mut AnyConnection,
    user_id: i64,
    org: Option<i64>,
    new: &ProfileForm,
) -> QueryResult<()> {
    let t = now();
    let phone = (!new.phone.is_empty()).then_some(new.phone.as_str());
    let tz = (!new.timezone.is_empty()).then_some(new.timezone.as_str());
    diesel::update(users::table.find(user_id))
        .set((
            users::first_name.eq(&new.first_name),
            users::last_name.eq(&new.last_name),
            users::phone.eq(phone),
            users::updated_at.eq(t),
        ))
        .execute(conn)?;
    let updated = diesel::update(user_profiles::table.find(user_id))
        .set((
            user_profiles::timezone.eq(tz),
            user_profiles::language.eq(&new.language),
            user_profiles::updated_at.eq(t),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(user_profiles::table)
            .values((
                user_profiles::user_id.eq(user_id),
                user_profiles::organization_id.eq(org),
                user_profiles::timezone.eq(tz),
                user_profiles::language.eq(&new.language),
                user_profiles::created_at.eq(t),
                user_profiles::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(())
}
