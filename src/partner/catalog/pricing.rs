//! The price of a quantity of a product for a duration: the one rule the calculator, a quote's
//! items and an order's totals all use. Prices are exact: tier prices carry four decimals
//! (`unit_price_e4`), every product of quantities and durations is an integer in `i128`, and the
//! only rounding (half up) turns the line's net amount into minor units of the currency. Tax is
//! then taken, rounded half up, on the net total.
//!
//! Volume pricing prices every unit at the tier covering the quantity (the source's rule);
//! graduated pricing prices each unit at the tier its position falls in.

use std::fmt;

use crate::domain::money::{self, at_rate_bp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Volume,
    Graduated,
}

impl Model {
    pub const CHOICES: [(&'static str, &'static str); 2] = [
        (
            "volume",
            "Volume: the tier of the quantity prices every unit",
        ),
        ("graduated", "Graduated: each unit priced by its own tier"),
    ];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "volume" => Some(Self::Volume),
            "graduated" => Some(Self::Graduated),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Volume => "volume",
            Self::Graduated => "graduated",
        }
    }
}

/// What a tier's price is per: a month or a year of the subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    Month,
    Year,
}

impl Per {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(Self::Month),
            "year" => Some(Self::Year),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Year => "year",
        }
    }
}

/// A quantity range and its price per unit; `max` is inclusive, `None` for "and above".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    pub min: i32,
    pub max: Option<i32>,
    pub unit_price_e4: i64,
    pub per: Per,
}

impl Tier {
    fn covers(&self, n: i32) -> bool {
        n >= self.min && self.max.is_none_or(|m| n <= m)
    }
}

/// Checks tiers as a product form gives them (sorted by `min`): they start at 1, each begins
/// right after the previous ends (no gap, no overlap), only the last may be open-ended, and all
/// are priced per the same period. The message says which tier to fix.
pub fn check_tiers(tiers: &[Tier]) -> Result<(), String> {
    let Some(first) = tiers.first() else {
        return Err("Give the product at least one price tier.".into());
    };
    if first.min != 1 {
        return Err("The first tier starts at 1 unit.".into());
    }
    for (i, t) in tiers.iter().enumerate() {
        let n = i + 1;
        if t.unit_price_e4 <= 0 {
            return Err(format!("Tier {n} needs a price above zero."));
        }
        if t.per != first.per {
            return Err("Price every tier per the same period (month or year).".into());
        }
        match (t.max, tiers.get(i + 1)) {
            (Some(max), _) if max <= t.min => {
                return Err(format!("Tier {n} ends below or at its start ({}).", t.min));
            }
            (None, Some(_)) => {
                return Err(format!(
                    "Only the last tier may be open-ended; give tier {n} a maximum."
                ));
            }
            (Some(max), Some(next)) if next.min != max + 1 => {
                return Err(format!(
                    "Tier {} must start at {} (right after tier {n} ends): tiers may not overlap or leave a gap.",
                    n + 1,
                    max + 1
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Units priced at one tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierUse {
    /// Index into the product's tiers.
    pub tier: usize,
    pub units: i32,
    pub unit_price_e4: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priced {
    pub uses: Vec<TierUse>,
    /// The price of one unit for one period (the tier's price under volume pricing; the average,
    /// to four decimals, under graduated pricing).
    pub unit_price_e4: i64,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    /// Subtotal less discount: the line total, rounded once.
    pub net_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceError {
    NoTiers,
    NoUnits,
    AboveLastTier(i32),
    TooLarge,
}

impl fmt::Display for PriceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTiers => write!(
                f,
                "This product has no price yet; ask an admin to add its tiers."
            ),
            Self::NoUnits => write!(f, "Choose a quantity of at least 1."),
            Self::AboveLastTier(max) => write!(
                f,
                "This product is priced up to {max} units; for more, split the order or ask an admin for a larger tier."
            ),
            Self::TooLarge => write!(
                f,
                "That amount is too large to price; choose a smaller quantity."
            ),
        }
    }
}

/// How long the price runs: `months` of a subscription, or a one-off sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    OneOff,
    Months(i32),
}

/// Prices `quantity` units over `term` with a discount of `discount_bp` (basis points), in a
/// currency with `exponent` decimals.
pub fn price(
    model: Model,
    tiers: &[Tier],
    quantity: i32,
    term: Term,
    discount_bp: i32,
    exponent: u32,
) -> Result<Priced, PriceError> {
    let last = tiers.last().ok_or(PriceError::NoTiers)?;
    if quantity < 1 {
        return Err(PriceError::NoUnits);
    }
    if let Some(max) = last.max.filter(|m| quantity > *m) {
        return Err(PriceError::AboveLastTier(max));
    }
    let uses: Vec<TierUse> = match model {
        Model::Volume => {
            let (i, t) = tiers
                .iter()
                .enumerate()
                .find(|(_, t)| t.covers(quantity))
                .ok_or(PriceError::AboveLastTier(last.max.unwrap_or(quantity)))?;
            vec![TierUse {
                tier: i,
                units: quantity,
                unit_price_e4: t.unit_price_e4,
            }]
        }
        Model::Graduated => tiers
            .iter()
            .enumerate()
            .filter(|(_, t)| t.min <= quantity)
            .map(|(i, t)| TierUse {
                tier: i,
                units: t.max.map_or(quantity, |m| m.min(quantity)) - t.min + 1,
                unit_price_e4: t.unit_price_e4,
            })
            .collect(),
    };
    let per_period: i128 = uses
        .iter()
        .map(|u| i128::from(u.units) * i128::from(u.unit_price_e4))
        .sum();
    // The term as a fraction of the tier's period: months of a monthly price, months / 12 of a
    // yearly one, once for a one-off sale.
    let (num, den): (i128, i128) = match (term, last.per) {
        (Term::OneOff, _) => (1, 1),
        (Term::Months(m), Per::Month) => (i128::from(m), 1),
        (Term::Months(m), Per::Year) => (i128::from(m), 12),
    };
    let scale = 10_i128.pow(exponent);
    let gross = per_period * num * scale;
    let den = den * 10_000;
    let keep = 10_000 - i128::from(discount_bp.clamp(0, 10_000));
    let subtotal = half_up(gross, den)?;
    let net = half_up(gross * keep, den * 10_000)?;
    Ok(Priced {
        unit_price_e4: i64::try_from(money::half_up(per_period, i128::from(quantity)))
            .map_err(|_| PriceError::TooLarge)?,
        subtotal_minor: subtotal,
        discount_minor: subtotal - net,
        net_minor: net,
        uses,
    })
}

/// Tax on a net amount, rounded half up.
pub fn tax(net_minor: i64, rate_bp: i32) -> i64 {
    at_rate_bp(net_minor, i64::from(rate_bp))
}

/// `n / d` by the books' one rounding, refused where it passes what an amount holds.
fn half_up(n: i128, d: i128) -> Result<i64, PriceError> {
    i64::try_from(money::half_up(n, d)).map_err(|_| PriceError::TooLarge)
}

/// "12.5" for 125000 e4: a four-decimal price as a form shows it, without trailing zeros.
pub fn e4_to_input(e4: i64) -> String {
    let s = format!("{}.{:04}", e4 / 10_000, (e4 % 10_000).abs());
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiers(per: Per) -> Vec<Tier> {
        vec![
            Tier {
                min: 1,
                max: Some(10),
                unit_price_e4: 100_000,
                per,
            },
            Tier {
                min: 11,
                max: Some(50),
                unit_price_e4: 80_000,
                per,
            },
            Tier {
                min: 51,
                max: None,
                unit_price_e4: 62_500,
                per,
            },
        ]
    }

    #[test]
    fn volume_prices_every_unit_at_the_tier_of_the_quantity_edges_included() {
        let t = tiers(Per::Month);
        let p = |q| price(Model::Volume, &t, q, Term::Months(1), 0, 2).unwrap();
        assert_eq!(p(10).unit_price_e4, 100_000);
        assert_eq!(p(10).subtotal_minor, 10_000);
        assert_eq!(p(11).unit_price_e4, 80_000);
        assert_eq!(p(11).subtotal_minor, 8_800);
        assert_eq!(p(50).subtotal_minor, 40_000);
        assert_eq!(p(51).subtotal_minor, 51 * 625);
        assert_eq!(
            p(1_000).uses,
            vec![TierUse {
                tier: 2,
                units: 1_000,
                unit_price_e4: 62_500
            }]
        );
    }

    #[test]
    fn graduated_prices_each_unit_by_its_position_across_three_tiers() {
        let t = tiers(Per::Month);
        let p = price(Model::Graduated, &t, 60, Term::Months(1), 0, 2).unwrap();
        assert_eq!(
            p.uses.iter().map(|u| u.units).collect::<Vec<_>>(),
            [10, 40, 10]
        );
        // 10 × 10.00 + 40 × 8.00 + 10 × 6.25 = 482.50
        assert_eq!(p.subtotal_minor, 48_250);
        assert_eq!(p.unit_price_e4, 80_417); // 8.04166… to four decimals
        let at_edge = price(Model::Graduated, &t, 10, Term::Months(1), 0, 2).unwrap();
        assert_eq!(at_edge.uses.len(), 1);
        assert_eq!(at_edge.subtotal_minor, 10_000);
        let one_past = price(Model::Graduated, &t, 11, Term::Months(1), 0, 2).unwrap();
        assert_eq!(one_past.subtotal_minor, 10_800);
    }

    #[test]
    fn beyond_a_closed_last_tier_is_refused_and_an_open_one_covers_everything() {
        let mut t = tiers(Per::Month);
        t[2].max = Some(100);
        assert_eq!(
            price(Model::Volume, &t, 101, Term::OneOff, 0, 2),
            Err(PriceError::AboveLastTier(100))
        );
        assert_eq!(
            price(Model::Graduated, &t, 101, Term::OneOff, 0, 2),
            Err(PriceError::AboveLastTier(100))
        );
        assert!(price(Model::Volume, &t, 100, Term::OneOff, 0, 2).is_ok());
        assert_eq!(
            price(Model::Volume, &t, 0, Term::OneOff, 0, 2),
            Err(PriceError::NoUnits)
        );
        assert_eq!(
            price(Model::Volume, &[], 1, Term::OneOff, 0, 2),
            Err(PriceError::NoTiers)
        );
    }

    #[test]
    fn the_line_is_rounded_once_half_up_after_the_discount() {
        // 3 units at 0.3335 a month for 1 month: 1.0005 exactly; 10% off: 0.90045 → 0.90.
        let t = [Tier {
            min: 1,
            max: None,
            unit_price_e4: 3_335,
            per: Per::Month,
        }];
        let p = price(Model::Volume, &t, 3, Term::Months(1), 1_000, 2).unwrap();
        assert_eq!(p.subtotal_minor, 100); // 1.0005 → 1.00
        assert_eq!(p.net_minor, 90); // 0.90045 → 0.90, not 1.00 − 0.10 of rounded parts
        assert_eq!(p.discount_minor, 10);
        // 0.0005 rounds up: one unit at 0.0125 for 1 month is 0.0125 → 0.01; five is 0.0625 → 0.06;
        // 0.005 exactly → 0.01.
        let t = [Tier {
            min: 1,
            max: None,
            unit_price_e4: 50,
            per: Per::Month,
        }];
        assert_eq!(
            price(Model::Volume, &t, 1, Term::Months(1), 0, 2)
                .unwrap()
                .net_minor,
            1
        );
    }

    #[test]
    fn a_yearly_price_runs_for_its_share_of_the_months_and_a_one_off_once() {
        let t = tiers(Per::Year);
        let p = price(Model::Volume, &t, 12, Term::Months(18), 0, 2).unwrap();
        assert_eq!(p.subtotal_minor, 12 * 800 * 18 / 12);
        let once = price(Model::Volume, &t, 12, Term::OneOff, 0, 2).unwrap();
        assert_eq!(once.subtotal_minor, 9_600);
        // A currency without decimals.
        let yen = price(Model::Volume, &t, 1, Term::Months(1), 0, 0).unwrap();
        assert_eq!(yen.subtotal_minor, 1); // 10 / 12 = 0.83 → 1
    }

    #[test]
    fn tax_is_taken_on_the_net_half_up() {
        assert_eq!(tax(90, 2_000), 18);
        assert_eq!(tax(25, 2_000), 5);
        assert_eq!(tax(5, 1_000), 1); // 0.5 → 1
        assert_eq!(tax(4, 1_000), 0);
    }

    #[test]
    fn tiers_start_at_one_and_leave_no_gap_or_overlap() {
        let ok = tiers(Per::Month);
        assert!(check_tiers(&ok).is_ok());
        let mut gap = ok.clone();
        gap[1].min = 12;
        assert!(
            check_tiers(&gap)
                .unwrap_err()
                .contains("Tier 2 must start at 11")
        );
        let mut overlap = ok.clone();
        overlap[1].min = 10;
        assert!(check_tiers(&overlap).is_err());
        let mut open_middle = ok.clone();
        open_middle[1].max = None;
        assert!(check_tiers(&open_middle).unwrap_err().contains("tier 2"));
        let mut late = ok.clone();
        late[0].min = 2;
        assert!(check_tiers(&late).is_err());
        let mut mixed = ok.clone();
        mixed[2].per = Per::Year;
        assert!(check_tiers(&mixed).is_err());
        assert!(check_tiers(&[]).is_err());
        assert_eq!(e4_to_input(125_000), "12.5");
        assert_eq!(e4_to_input(3_335), "0.3335");
        assert_eq!(e4_to_input(100_000), "10");
    }
}
