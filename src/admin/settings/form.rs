//! The settings form: what is typed, checked field by field, and what the audit log keeps of it.

use serde::Deserialize;
use serde_json::{Value, json};

use super::DAYS;
use super::queries::Settings;
use crate::domain::money;
use crate::web::FieldErrors;
use crate::web::dates;
use crate::web::form;

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
    /// "on": the amounts recorded include tax, which an invoice takes out of them.
    pub prices_include_tax: Option<String>,
    pub default_commission: String,
    pub target_bonus: String,
    pub second_approval_threshold: String,
    pub sales_goal: String,
    pub low_stock_warning: String,
    pub low_stock_critical: String,
    /// "on": integrations may reach private network addresses (`integrations::address`).
    pub allow_private_providers: Option<String>,
}

impl SettingsForm {
    pub(super) fn days(&self) -> [bool; 7] {
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

    pub(super) fn of(s: &Settings) -> Self {
        let exp = money::currency_exponent(&s.currency);
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
            tax_rate: money::bp_to_percent(s.tax_rate_bp.into()),
            prices_include_tax: s.prices_include_tax.then(|| "on".to_string()),
            default_commission: money::bp_to_percent(s.default_commission_bp.into()),
            target_bonus: money::bp_to_percent(s.target_bonus_bp.into()),
            second_approval_threshold: s
                .second_approval_threshold_minor
                .map(|m| money::minor_to_input(m, exp))
                .unwrap_or_default(),
            sales_goal: s
                .sales_goal_minor
                .map(|m| money::minor_to_input(m, exp))
                .unwrap_or_default(),
            low_stock_warning: s.low_stock_warning.to_string(),
            low_stock_critical: s.low_stock_critical.to_string(),
            allow_private_providers: s.allow_private_providers.then(|| "on".to_string()),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Valid {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) email: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) address: Option<String>,
    pub(super) website: Option<String>,
    pub(super) currency: String,
    pub(super) timezone: String,
    pub(super) working_days_mask: i32,
    pub(super) tax_rate_bp: i32,
    pub(super) prices_include_tax: bool,
    pub(super) default_commission_bp: i32,
    pub(super) target_bonus_bp: i32,
    pub(super) second_approval_threshold_minor: Option<i64>,
    pub(super) sales_goal_minor: Option<i64>,
    pub(super) low_stock_warning: i32,
    pub(super) low_stock_critical: i32,
    pub(super) allow_private_providers: bool,
}

pub(super) fn count(value: &str, field: &'static str, e: &mut FieldErrors) -> i32 {
    match money::scaled_decimal(value, 0, 1_000_000) {
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

pub(super) fn percent(value: &str, field: &'static str, e: &mut FieldErrors) -> i32 {
    match money::percent_bp(value) {
        Ok(v) => v.unwrap_or(0) as i32,
        Err(msg) => {
            e.add(field, msg);
            0
        }
    }
}

pub(super) fn validate(f: &SettingsForm) -> Result<Valid, FieldErrors> {
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
    if !money::is_currency(&currency) {
        e.add("currency", "Choose a currency from the list (ISO 4217).");
    }
    let timezone = e
        .check("timezone", dates::required_timezone(&f.timezone))
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
    let exp = money::currency_exponent(&currency);
    let money = |v: &str| money::scaled_decimal(v, exp, i64::MAX / 10_000);
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
            prices_include_tax: f.prices_include_tax.is_some(),
            default_commission_bp,
            target_bonus_bp,
            second_approval_threshold_minor: threshold,
            sales_goal_minor: goal,
            low_stock_warning: warning,
            low_stock_critical: critical,
            allow_private_providers: f.allow_private_providers.is_some(),
        }),
        _ => Err(e),
    }
}

pub(super) fn audit_json(v: &Valid) -> Value {
    let exp = money::currency_exponent(&v.currency);
    let days: Vec<&str> = (0..7)
        .filter(|i| v.working_days_mask & (1 << i) != 0)
        .map(|i| DAYS[i])
        .collect();
    let pct = |bp: i32| format!("{}%", money::bp_to_percent(bp.into()));
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
        "prices_include_tax": v.prices_include_tax,
        "default_commission": pct(v.default_commission_bp),
        "target_bonus": pct(v.target_bonus_bp),
        "second_approval_threshold": v.second_approval_threshold_minor.map(|m| money::minor_to_input(m, exp)),
        "sales_goal": v.sales_goal_minor.map(|m| money::minor_to_input(m, exp)),
        "low_stock_warning": v.low_stock_warning,
        "low_stock_critical": v.low_stock_critical,
        "allow_private_providers": v.allow_private_providers,
    })
}

pub(super) fn as_valid(s: &Settings) -> Valid {
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
        prices_include_tax: s.prices_include_tax,
        default_commission_bp: s.default_commission_bp,
        target_bonus_bp: s.target_bonus_bp,
        second_approval_threshold_minor: s.second_approval_threshold_minor,
        sales_goal_minor: s.sales_goal_minor,
        low_stock_warning: s.low_stock_warning,
        low_stock_critical: s.low_stock_critical,
        allow_private_providers: s.allow_private_providers,
    }
}
