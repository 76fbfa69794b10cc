//! `/admin/settings` (org.manage): the organization's name, contact details, logo, currency,
//! timezone, working days, rates, thresholds and goals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, AnyConnection, PublicId, now, write_tx};
use crate::error::AppError;
use crate::permissions::Permission;
use crate::schema::organizations;
use crate::web::form::{self, FormError, split};
use crate::web::{Ctx, FieldErrors, Flash, OrgScope, render, render_status, see_other};

pub mod logo;

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

#[derive(Debug, Clone, Queryable)]
pub struct Settings {
    pub public_id: PublicId,
    pub name: String,
    pub description: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub logo_path: Option<String>,
    pub currency: String,
    pub timezone: String,
    pub working_days_mask: i32,
    pub tax_rate_bp: i32,
    pub default_commission_bp: i32,
    pub target_bonus_bp: i32,
    pub second_approval_threshold_minor: Option<i64>,
    pub sales_goal_minor: Option<i64>,
    pub low_stock_warning: i32,
    pub low_stock_critical: i32,
}

pub fn load(conn: &mut AnyConnection, scope: OrgScope) -> QueryResult<Settings> {
    organizations::table
        .find(scope.id())
        .select((
            organizations::public_id,
            organizations::name,
            organizations::description,
            organizations::email,
            organizations::phone,
            organizations::address,
            organizations::website,
            organizations::logo_path,
            organizations::currency,
            organizations::timezone,
            organizations::working_days_mask,
            organizations::tax_rate_bp,
            organizations::default_commission_bp,
            organizations::target_bonus_bp,
            organizations::second_approval_threshold_minor,
            organizations::sales_goal_minor,
            organizations::low_stock_warning,
            organizations::low_stock_critical,
        ))
        .first(conn)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub name: String,
    pub description: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub currency: String,
    pub timezone: String,
    pub day_0: Option<String>,
    pub day_1: Option<String>,
    pub day_2: Option<String>,
    pub day_3: Option<String>,
    pub day_4: Option<String>,
    pub day_5: Option<String>,
    pub day_6: Option<String>,
    pub tax_rate: String,
    pub default_commission: String,
    pub target_bonus: String,
    pub second_approval_threshold: String,
    pub sales_goal: String,
    pub low_stock_warning: String,
    pub low_stock_critical: String,
}

impl SettingsForm {
    fn days(&self) -> [bool; 7] {
        [
            &self.day_0,
            &self.day_1,
            &self.day_2,
            &self.day_3,
            &self.day_4,
            &self.day_5,
            &self.day_6,
        ]
        .map(Option::is_some)
    }

    fn of(s: &Settings) -> Self {
        let exp = form::currency_exponent(&s.currency);
        let day = |i: u32| (s.working_days_mask & (1 << i) != 0).then(|| "on".to_string());
        Self {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            email: s.email.clone().unwrap_or_default(),
            phone: s.phone.clone().unwrap_or_default(),
            address: s.address.clone().unwrap_or_default(),
            website: s.website.clone().unwrap_or_default(),
            currency: s.currency.clone(),
            timezone: s.timezone.clone(),
            day_0: day(0),
            day_1: day(1),
            day_2: day(2),
            day_3: day(3),
            day_4: day(4),
            day_5: day(5),
            day_6: day(6),
            tax_rate: form::bp_to_percent(s.tax_rate_bp.into()),
            default_commission: form::bp_to_percent(s.default_commission_bp.into()),
            target_bonus: form::bp_to_percent(s.target_bonus_bp.into()),
            second_approval_threshold: s
                .second_approval_threshold_minor
                .map(|m| form::minor_to_input(m, exp))
                .unwrap_or_default(),
            sales_goal: s
                .sales_goal_minor
                .map(|m| form::minor_to_input(m, exp))
                .unwrap_or_default(),
            low_stock_warning: s.low_stock_warning.to_string(),
            low_stock_critical: s.low_stock_critical.to_string(),
        }
    }
}

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
        currencies: form::currencies(),
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

#[derive(Debug, Clone)]
struct Valid {
    name: String,
    description: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    website: Option<String>,
    currency: String,
    timezone: String,
    working_days_mask: i32,
    tax_rate_bp: i32,
    default_commission_bp: i32,
    target_bonus_bp: i32,
    second_approval_threshold_minor: Option<i64>,
    sales_goal_minor: Option<i64>,
    low_stock_warning: i32,
    low_stock_critical: i32,
}

fn count(value: &str, field: &'static str, e: &mut FieldErrors) -> i32 {
    match form::scaled_decimal(value, 0, 1_000_000) {
        Ok(Some(v)) => v as i32,
        Ok(None) => {
            e.add(field, "Enter a whole number (0 or more).");
            0
        }
        Err(msg) => {
            e.add(field, msg);
            0
        }
    }
}

fn percent(value: &str, field: &'static str, e: &mut FieldErrors) -> i32 {
    match form::percent_bp(value) {
        Ok(v) => v.unwrap_or(0) as i32,
        Err(msg) => {
            e.add(field, msg);
            0
        }
    }
}

fn validate(f: &SettingsForm) -> Result<Valid, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = e.check(
        "name",
        form::required(&f.name, "the organization's name", 100),
    );
    let description = e.check("description", form::optional(&f.description, 2000));
    let email = match f.email.trim() {
        "" => Some(None),
        other => e.check("email", form::email(other)).map(Some),
    };
    let phone = e.check("phone", form::phone(&f.phone));
    let address = e.check("address", form::optional(&f.address, 500));
    let website = e.check("website", form::optional(&f.website, 200));
    if let Some(Some(w)) = &website
        && !(w.starts_with("https://") || w.starts_with("http://"))
    {
        e.add("website", "Enter the full address, starting with https://.");
    }
    let currency = f.currency.trim().to_string();
    if !form::is_currency(&currency) {
        e.add("currency", "Choose a currency from the list (ISO 4217).");
    }
    let timezone = e
        .check("timezone", form::required_timezone(&f.timezone))
        .unwrap_or_default();
    let mask = f
        .days()
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .fold(0, |m, (i, _)| m | (1 << i));
    if mask == 0 {
        e.add("working_days", "Choose at least one working day.");
    }
    let tax_rate_bp = percent(&f.tax_rate, "tax_rate", &mut e);
    let default_commission_bp = percent(&f.default_commission, "default_commission", &mut e);
    let target_bonus_bp = percent(&f.target_bonus, "target_bonus", &mut e);
    let exp = form::currency_exponent(&currency);
    let money = |v: &str| form::scaled_decimal(v, exp, i64::MAX / 10_000);
    let threshold = e
        .check(
            "second_approval_threshold",
            money(&f.second_approval_threshold),
        )
        .flatten();
    let goal = e.check("sales_goal", money(&f.sales_goal)).flatten();
    if threshold == Some(0) {
        e.add(
            "second_approval_threshold",
            "Enter an amount above zero, or leave it empty for no second approval.",
        );
    }
    if goal == Some(0) {
        e.add(
            "sales_goal",
            "Enter an amount above zero, or leave it empty.",
        );
    }
    let warning = count(&f.low_stock_warning, "low_stock_warning", &mut e);
    let critical = count(&f.low_stock_critical, "low_stock_critical", &mut e);
    if critical > warning {
        e.add(
            "low_stock_critical",
            "The critical level must not be above the warning level.",
        );
    }
    match (
        name,
        description,
        email,
        phone,
        address,
        website,
        e.is_empty(),
    ) {
        (
            Some(name),
            Some(description),
            Some(email),
            Some(phone),
            Some(address),
            Some(website),
            true,
        ) => Ok(Valid {
            name,
            description,
            email,
            phone,
            address,
            website,
            currency,
            timezone,
            working_days_mask: mask,
            tax_rate_bp,
            default_commission_bp,
            target_bonus_bp,
            second_approval_threshold_minor: threshold,
            sales_goal_minor: goal,
            low_stock_warning: warning,
            low_stock_critical: critical,
        }),
        _ => Err(e),
    }
}

fn audit_json(v: &Valid) -> Value {
    let exp = form::currency_exponent(&v.currency);
    let days: Vec<&str> = (0..7)
        .filter(|i| v.working_days_mask & (1 << i) != 0)
        .map(|i| DAYS[i])
        .collect();
    let pct = |bp: i32| format!("{}%", form::bp_to_percent(bp.into()));
    json!({
        "name": v.name,
        "description": v.description,
        "email": v.email,
        "phone": v.phone,
        "address": v.address,
        "website": v.website,
        "currency": v.currency,
        "timezone": v.timezone,
        "working_days": days,
        "tax_rate": pct(v.tax_rate_bp),
        "default_commission": pct(v.default_commission_bp),
        "target_bonus": pct(v.target_bonus_bp),
        "second_approval_threshold": v.second_approval_threshold_minor.map(|m| form::minor_to_input(m, exp)),
        "sales_goal": v.sales_goal_minor.map(|m| form::minor_to_input(m, exp)),
        "low_stock_warning": v.low_stock_warning,
        "low_stock_critical": v.low_stock_critical,
    })
}

fn as_valid(s: &Settings) -> Valid {
    Valid {
        name: s.name.clone(),
        description: s.description.clone(),
        email: s.email.clone(),
        phone: s.phone.clone(),
        address: s.address.clone(),
        website: s.website.clone(),
        currency: s.currency.clone(),
        timezone: s.timezone.clone(),
        working_days_mask: s.working_days_mask,
        tax_rate_bp: s.tax_rate_bp,
        default_commission_bp: s.default_commission_bp,
        target_bonus_bp: s.target_bonus_bp,
        second_approval_threshold_minor: s.second_approval_threshold_minor,
        sales_goal_minor: s.sales_goal_minor,
        low_stock_warning: s.low_stock_warning,
        low_stock_critical: s.low_stock_critical,
    }
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
    let changes = audit::changes(&audit_json(&old), &audit_json(&v));
    let (actor, public_id) = (ctx.actor(), settings.public_id);
    let outcome = db::run(&state.pool, move |conn| {
        split(write_tx(conn, |conn| {
            let Some((before, after)) = changes else {
                return Ok(false);
            };
            if v.currency != old.currency && crate::platform::queries::has_money(conn, scope.id())?
            {
                return Err(FormError::field(
                    "currency",
                    "Deals or payments are recorded in the current currency, so it cannot change.",
                ));
            }
            if crate::platform::queries::name_taken(conn, &v.name, Some(scope.id()))? {
                return Err(FormError::field(
                    "name",
                    "Another organization on this server has this name.",
                ));
            }
            diesel::update(organizations::table.find(scope.id()))
                .set((
                    organizations::name.eq(&v.name),
                    organizations::description.eq(&v.description),
                    organizations::email.eq(&v.email),
                    organizations::phone.eq(&v.phone),
                    organizations::address.eq(&v.address),
                    organizations::website.eq(&v.website),
                    organizations::currency.eq(&v.currency),
                    organizations::timezone.eq(&v.timezone),
                    organizations::working_days_mask.eq(v.working_days_mask),
                    organizations::tax_rate_bp.eq(v.tax_rate_bp),
                    organizations::default_commission_bp.eq(v.default_commission_bp),
                    organizations::target_bonus_bp.eq(v.target_bonus_bp),
                    organizations::second_approval_threshold_minor
                        .eq(v.second_approval_threshold_minor),
                    organizations::sales_goal_minor.eq(v.sales_goal_minor),
                    organizations::low_stock_warning.eq(v.low_stock_warning),
                    organizations::low_stock_critical.eq(v.low_stock_critical),
                    organizations::updated_at.eq(now()),
                ))
                .execute(conn)?;
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
