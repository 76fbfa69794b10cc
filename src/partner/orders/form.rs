//! The order (quote) form: its partner, an internal note and item rows (`item_N_product`,
//! `item_N_quantity`, `item_N_duration`; an empty row is not an item). Items are priced against
//! the catalog when saved (`price_items`) and keep a snapshot of the product and its price.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::queries::NewItem;
use crate::db::{AnyConnection, PublicId};
use crate::partner::catalog::queries as catalog;
use crate::partner::catalog::{LineError, price_line};
use crate::web::form::FormError;
use crate::web::{FieldErrors, OrgScope, form};

pub const MAX_ITEMS: usize = 8;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OrderForm {
    pub partner: String,
    /// The won lead this quote converts (its public id), if any.
    pub lead: String,
    pub notes_internal: String,
    #[serde(flatten)]
    pub rows: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct ItemRow {
    pub product: String,
    pub quantity: String,
    pub duration: String,
}

/// An item as typed and checked for form: the product and duration still to be found.
pub struct Wanted {
    pub row: usize,
    pub product: PublicId,
    pub quantity: i32,
    pub duration: Option<PublicId>,
}

impl OrderForm {
    fn cell(&self, i: usize, what: &str) -> String {
        self.rows
            .get(&format!("item_{i}_{what}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    fn empty(&self, i: usize) -> bool {
        self.cell(i, "product").is_empty() && self.cell(i, "quantity").is_empty()
    }

    /// The rows to show: the typed ones and one or two empty, up to `MAX_ITEMS`.
    pub fn item_rows(&self) -> Vec<ItemRow> {
        let typed = (0..MAX_ITEMS)
            .rev()
            .find(|i| !self.empty(*i))
            .map_or(0, |i| i + 1);
        (0..(typed + 1).clamp(3, MAX_ITEMS))
            .map(|i| ItemRow {
                product: self.cell(i, "product"),
                quantity: self.cell(i, "quantity"),
                duration: self.cell(i, "duration"),
            })
            .collect()
    }

    pub fn validate(&self, e: &mut FieldErrors) -> Option<(Vec<Wanted>, Option<String>)> {
        let notes = e.check("notes_internal", form::optional(&self.notes_internal, 2000));
        let mut wanted = Vec::new();
        let mut problems = Vec::new();
        for i in 0..MAX_ITEMS {
            if self.empty(i) {
                continue;
            }
            let n = i + 1;
            let product = self.cell(i, "product").parse::<PublicId>().ok();
            let quantity = self
                .cell(i, "quantity")
                .parse::<i32>()
                .ok()
                .filter(|q| (1..=1_000_000).contains(q));
            let duration = match self.cell(i, "duration").as_str() {
                "" => Some(None),
                d => d.parse::<PublicId>().ok().map(Some),
            };
            match (product, quantity, duration) {
                (Some(product), Some(quantity), Some(duration)) => wanted.push(Wanted {
                    row: n,
                    product,
                    quantity,
                    duration,
                }),
                (None, _, _) => problems.push(format!("Item {n}: choose a product.")),
                (_, None, _) => problems.push(format!(
                    "Item {n}: give a whole number of units, from 1 to 1,000,000."
                )),
                (_, _, None) => problems.push(format!("Item {n}: choose a duration offered.")),
            }
        }
        if wanted.is_empty() && problems.is_empty() {
            problems.push("Add at least one item: a product and its quantity.".into());
        }
        if !problems.is_empty() {
            e.add("items", problems.join(" "));
        }
        Some((wanted, notes?)).filter(|_| e.is_empty())
    }
}

/// Finds each item's product and duration and prices it as the calculator does; one message
/// naming every item that cannot be priced (a retired product, a missing duration, too many
/// units for the tiers).
pub fn price_items(
    conn: &mut AnyConnection,
    org: OrgScope,
    wanted: &[Wanted],
    currency: &str,
) -> Result<Vec<NewItem>, FormError> {
    let durations = catalog::durations(conn, org)?;
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for w in wanted {
        let product = match catalog::find(conn, org, w.product) {
            Ok(p) if p.is_active => p,
            Ok(_) | Err(diesel::result::Error::NotFound) => {
                problems.push(format!(
                    "Item {}: that product is no longer offered.",
                    w.row
                ));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let duration = match w.duration {
            Some(id) => match durations.iter().find(|d| d.public_id == id) {
                Some(d) => Some(d),
                None => {
                    problems.push(format!("Item {}: choose a duration offered.", w.row));
                    continue;
                }
            },
            None => None,
        };
        let tiers = catalog::tiers(conn, &product)?;
        match price_line(&product, &tiers, w.quantity, duration, currency) {
            Ok(line) => items.push(NewItem::priced(&product, w.quantity, duration, &line)),
            Err(LineError::NeedsDuration) => problems.push(format!(
                "Item {}: {} is a subscription; choose how long it runs.",
                w.row, product.name
            )),
            Err(LineError::Price(e)) => problems.push(format!("Item {}: {e}", w.row)),
        }
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(FormError::field("items", problems.join(" ")))
    }
}
