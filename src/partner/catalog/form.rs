//! The product form: fields and its price tiers (rows `tier_N_min`, `tier_N_max`, `tier_N_price`;
//! a row left empty is not a tier), checked into `ProductValues`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::pricing::{Model, Per, Tier, check_tiers, e4_to_input};
use super::queries::{ProductRecord, ProductValues};
use crate::domain::money::scaled_decimal;
use crate::web::FieldErrors;
use crate::web::form;

/// Tier rows a form shows at most.
pub const MAX_TIERS: usize = 10;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    pub name: String,
    pub product_type: String,
    pub unit: String,
    pub category: String,
    pub description: String,
    pub pricing_model: String,
    pub period: String,
    pub is_subscription: String,
    pub track_stock: String,
    pub stock: String,
    pub is_active: String,
    #[serde(flatten)]
    pub rows: BTreeMap<String, String>,
}

/// A tier row as typed.
#[derive(Debug, Clone, Default)]
pub struct TierRow {
    pub min: String,
    pub max: String,
    pub price: String,
}

pub const PERIODS: [(&str, &str); 2] = [("month", "Per month"), ("year", "Per year")];

impl ProductForm {
    pub fn blank() -> Self {
        let mut f = Self {
            pricing_model: "volume".into(),
            period: "month".into(),
            is_subscription: "on".into(),
            is_active: "on".into(),
            stock: "0".into(),
            ..Self::default()
        };
        f.set_row(0, "1", "", "");
        f
    }

    pub fn of(p: &ProductRecord, tiers: &[Tier]) -> Self {
        let on = |b: bool| if b { "on".to_string() } else { String::new() };
        let mut f = Self {
            name: p.name.clone(),
            product_type: p.product_type.clone(),
            unit: p.unit.clone(),
            category: p.category.clone().unwrap_or_default(),
            description: p.description.clone().unwrap_or_default(),
            pricing_model: p.pricing_model.clone(),
            period: tiers.first().map_or("month", |t| t.per.code()).to_string(),
            is_subscription: on(p.is_subscription),
            track_stock: on(p.track_stock),
            stock: p.stock.to_string(),
            is_active: on(p.is_active),
            rows: BTreeMap::new(),
        };
        for (i, t) in tiers.iter().enumerate() {
            f.set_row(
                i,
                &t.min.to_string(),
                &t.max.map(|m| m.to_string()).unwrap_or_default(),
                &e4_to_input(t.unit_price_e4),
            );
        }
        f
    }

    fn set_row(&mut self, i: usize, min: &str, max: &str, price: &str) {
        self.rows.insert(format!("tier_{i}_min"), min.into());
        self.rows.insert(format!("tier_{i}_max"), max.into());
        self.rows.insert(format!("tier_{i}_price"), price.into());
    }

    fn cell(&self, i: usize, what: &str) -> String {
        self.rows
            .get(&format!("tier_{i}_{what}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// The rows to show: every typed one and two empty ones to add tiers, up to `MAX_TIERS`.
    pub fn tier_rows(&self) -> Vec<TierRow> {
        let typed = (0..MAX_TIERS)
            .rev()
            .find(|i| !self.row(*i).is_empty())
            .map_or(0, |i| i + 1);
        (0..(typed + 2).clamp(3, MAX_TIERS))
            .map(|i| TierRow {
                min: self.cell(i, "min"),
                max: self.cell(i, "max"),
                price: self.cell(i, "price"),
            })
            .collect()
    }

    fn row(&self, i: usize) -> String {
        ["min", "max", "price"]
            .iter()
            .map(|w| self.cell(i, w))
            .collect()
    }

    pub fn validate(&self, e: &mut FieldErrors) -> Option<ProductValues> {
        let name = e.check(
            "name",
            form::required(&self.name, "the product's name", 200),
        );
        let product_type = e.check(
            "product_type",
            form::required(
                &self.product_type,
                "a type, such as service or appliance",
                50,
            ),
        );
        let unit = e.check(
            "unit",
            form::required(&self.unit, "a unit, such as user or TB", 30),
        );
        let category = e.check("category", form::optional(&self.category, 100));
        let description = e.check("description", form::optional(&self.description, 4000));
        let model = Model::parse(&self.pricing_model);
        if model.is_none() {
            e.add("pricing_model", "Choose volume or graduated pricing.");
        }
        let per = Per::parse(&self.period);
        if per.is_none() {
            e.add("period", "Choose whether prices are per month or per year.");
        }
        let track_stock = self.track_stock == "on";
        let stock = match self.stock.trim() {
            "" if !track_stock => Some(0),
            s => match s.parse::<i32>() {
                Ok(n) if (0..=1_000_000_000).contains(&n) => Some(n),
                _ => {
                    e.add(
                        "stock",
                        "Give the units in stock as a whole number, 0 or more.",
                    );
                    None
                }
            },
        };
        let tiers = self.tiers(per.unwrap_or(Per::Month), e);
        Some(ProductValues {
            name: name?,
            product_type: product_type?,
            unit: unit?,
            category: category?,
            description: description?,
            model: model?,
            is_subscription: self.is_subscription == "on",
            track_stock,
            stock: stock?,
            is_active: self.is_active == "on",
            tiers: tiers?,
        })
        .filter(|_| e.is_empty())
    }

    fn tiers(&self, per: Per, e: &mut FieldErrors) -> Option<Vec<Tier>> {
        let mut tiers = Vec::new();
        for i in 0..MAX_TIERS {
            if self.row(i).is_empty() {
                continue;
            }
            let n = i + 1;
            let min = self.cell(i, "min").parse::<i32>().ok().filter(|m| *m >= 0);
            let max = match self.cell(i, "max").as_str() {
                "" => Some(None),
                s => s.parse::<i32>().ok().filter(|m| *m > 0).map(Some),
            };
            let price = scaled_decimal(&self.cell(i, "price"), 4, 1_000_000_000_000)
                .ok()
                .flatten();
            match (min, max, price) {
                (Some(min), Some(max), Some(unit_price_e4)) => tiers.push(Tier {
                    min,
                    max,
                    unit_price_e4,
                    per,
                }),
                _ => {
                    e.add(
                        "tiers",
                        format!(
                            "Tier {n}: give whole numbers for the quantities (the last maximum may be empty for “and above”) and a price with at most 4 decimals."
                        ),
                    );
                    return None;
                }
            }
        }
        tiers.sort_by_key(|t| t.min);
        e.check("tiers", check_tiers(&tiers).map(|()| tiers))
    }
}

/// The audited fields of a product.
pub fn audit_json(v: &ProductValues) -> serde_json::Value {
    serde_json::json!({
        "name": v.name,
        "type": v.product_type,
        "unit": v.unit,
        "category": v.category,
        "pricing_model": v.model.code(),
        "is_subscription": v.is_subscription,
        "track_stock": v.track_stock,
        "stock": v.stock,
        "is_active": v.is_active,
        "tiers": v.tiers.iter().map(|t| serde_json::json!({
            "min": t.min, "max": t.max, "price": e4_to_input(t.unit_price_e4), "per": t.per.code(),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_rows(rows: &[(&str, &str, &str)]) -> ProductForm {
        let mut f = ProductForm {
            name: "Backup".into(),
            product_type: "service".into(),
            unit: "TB".into(),
            ..ProductForm::blank()
        };
        f.rows.clear();
        for (i, (a, b, c)) in rows.iter().enumerate() {
            f.set_row(i, a, b, c);
        }
        f
    }

    #[test]
    fn tier_rows_become_sorted_tiers_and_bad_ones_are_refused() {
        let mut e = FieldErrors::default();
        let v = with_rows(&[("11", "", "8.5"), ("1", "10", "10.1234")])
            .validate(&mut e)
            .expect("valid");
        assert_eq!(v.tiers[0].unit_price_e4, 101_234);
        assert_eq!(v.tiers[1].max, None);
        for rows in [
            vec![("1", "10", "10.12345")],
            vec![("1", "10", "10"), ("12", "", "9")],
            vec![("1", "x", "10")],
            vec![],
        ] {
            let mut e = FieldErrors::default();
            assert!(with_rows(&rows).validate(&mut e).is_none(), "{rows:?}");
            assert!(e.has("tiers"));
        }
    }
}
