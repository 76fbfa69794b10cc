//! Amounts as people type and read them: exact decimals scaled to minor units, percentages as
//! basis points.

use std::str::FromStr;

use bigdecimal::{BigDecimal, ToPrimitive};

/// The largest amount one record counts for in its organization's currency, in minor units
/// (10¹⁵: ten trillion in a currency of cents): a million such records still sum within an i64.
pub const MAX_BOOKED: i64 = 1_000_000_000_000_000;

/// The error of a number above the field's maximum.
pub const TOO_LARGE: &str = "That number is too large.";

/// What a separator in the wrong place is told.
pub const GROUPING: &str = "Use a point for decimals, like 1250.50; a comma (or space) may only \
                            separate thousands, like 1,250.50.";

/// The number without its thousands separators (comma, space, underscore), which are taken only
/// where they group the whole part in threes ("1,250", "12 500 000"): "1,5" is not fifteen, and
/// not one and a half either (this site writes decimals with a point), so it is refused.
fn ungrouped(value: &str) -> Result<String, String> {
    let is_sep = |c: char| matches!(c, ',' | ' ' | '_');
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.contains(is_sep) {
        return Err(GROUPING.into());
    }
    if whole.contains(is_sep) {
        let digits = whole.strip_prefix('-').unwrap_or(whole);
        let mut groups = digits.split(is_sep);
        let first_ok = groups
            .next()
            .is_some_and(|g| (1..=3).contains(&g.len()) && g.chars().all(|c| c.is_ascii_digit()));
        let rest_ok = groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
        if !(first_ok && rest_ok) {
            return Err(GROUPING.into());
        }
    }
    Ok(value.chars().filter(|c| !is_sep(*c)).collect())
}

/// A non-negative decimal with at most `scale` decimals, returned multiplied by 10^scale:
/// "1,250.5" with scale 2 is 125050. Thousands separators (comma, space, underscore) are allowed
/// where they group in threes (`ungrouped`).
pub fn scaled_decimal(value: &str, scale: u32, max: i64) -> Result<Option<i64>, String> {
    let cleaned = ungrouped(value.trim())?;
    if cleaned.is_empty() {
        return Ok(None);
    }
    let number = |msg: &str| -> String {
        if scale == 0 {
            format!("Enter a whole number{msg}.")
        } else {
            format!("Enter a number with at most {scale} decimals{msg}.")
        }
    };
    let d = BigDecimal::from_str(&cleaned).map_err(|_| number(""))?;
    if cleaned.contains(['e', 'E']) {
        return Err(number(""));
    }
    if cleaned.starts_with('-') {
        return Err("Enter a number that is not negative.".into());
    }
    let scaled = &d * BigDecimal::from(10_i64.pow(scale));
    if !scaled.is_integer() {
        return Err(number(""));
    }
    match scaled.to_i64() {
        Some(v) if v <= max => Ok(Some(v)),
        _ => Err(TOO_LARGE.into()),
    }
}

/// A percentage 0–100 with up to 2 decimals, as basis points (5.25 % = 525).
pub fn percent_bp(value: &str) -> Result<Option<i64>, String> {
    match scaled_decimal(value.trim().trim_end_matches('%'), 2, 10_000) {
        Err(e) if e == TOO_LARGE => Err("Enter a percentage from 0 to 100.".into()),
        other => other,
    }
}

/// Formats basis points back into the percentage people typed: 525 → "5.25", 500 → "5".
pub fn bp_to_percent(bp: i64) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// Formats minor units with the currency's exponent for a form field: 125050 → "1250.50".
pub fn minor_to_input(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let unit = 10_i64.pow(exponent);
    format!(
        "{}.{:0width$}",
        minor / unit,
        minor % unit,
        width = exponent as usize
    )
}

/// Formats minor units for reading, with thousands separators: 125050 → "1,250.50".
pub fn minor_to_display(minor: i64, exponent: u32) -> String {
    let plain = minor_to_input(minor.abs(), exponent);
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_scale_exactly_and_refuse_what_does_not_fit() {
        assert_eq!(scaled_decimal("1,250.5", 2, i64::MAX), Ok(Some(125_050)));
        assert_eq!(scaled_decimal(" 7 ", 0, i64::MAX), Ok(Some(7)));
        assert_eq!(scaled_decimal("", 2, i64::MAX), Ok(None));
        assert!(scaled_decimal("1.234", 2, i64::MAX).is_err());
        assert!(scaled_decimal("-1", 2, i64::MAX).is_err());
        assert!(scaled_decimal("1e3", 2, i64::MAX).is_err());
        assert!(scaled_decimal("abc", 2, i64::MAX).is_err());
        assert!(scaled_decimal("99999999999999999999", 2, i64::MAX).is_err());
    }

    #[test]
    fn a_comma_only_groups_thousands() {
        assert_eq!(
            scaled_decimal("1,234,567.89", 2, i64::MAX),
            Ok(Some(123_456_789))
        );
        assert_eq!(scaled_decimal("12 500", 0, i64::MAX), Ok(Some(12_500)));
        assert_eq!(scaled_decimal("100", 2, i64::MAX), Ok(Some(10_000)));
        for bad in [
            "1,5", "0,5", "1,50", "1,5000", ",500", "1,,000", "1.000,50", "1.5,0",
        ] {
            assert_eq!(
                scaled_decimal(bad, 2, i64::MAX),
                Err(GROUPING.into()),
                "{bad}"
            );
        }
        assert_eq!(percent_bp("1,5"), Err(GROUPING.into()));
        assert_eq!(percent_bp("1.5"), Ok(Some(150)));
    }

    #[test]
    fn percentages_are_basis_points_and_round_trip() {
        assert_eq!(percent_bp("5.25"), Ok(Some(525)));
        assert_eq!(percent_bp("12%"), Ok(Some(1200)));
        assert!(percent_bp("100.01").is_err());
        assert_eq!(bp_to_percent(525), "5.25");
        assert_eq!(bp_to_percent(550), "5.5");
        assert_eq!(bp_to_percent(500), "5");
        assert_eq!(bp_to_percent(5), "0.05");
    }

    #[test]
    fn money_formats_with_the_currency_exponent() {
        assert_eq!(minor_to_input(125_050, 2), "1250.50");
        assert_eq!(minor_to_input(7, 2), "0.07");
        assert_eq!(minor_to_input(1500, 0), "1500");
        assert_eq!(minor_to_display(123_456_789, 2), "1,234,567.89");
        assert_eq!(minor_to_display(-100_000, 0), "-100,000");
    }
}
