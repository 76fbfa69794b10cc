//! ISO 4217 currencies: their exponents, and which ones people pay with.

/// The decimal exponent of an ISO 4217 currency (2 for USD, 0 for JPY, 3 for BHD).
pub fn currency_exponent(code: &str) -> u32 {
    // Every amount on a list page asks; the crate's lookup walks its whole table, so the
    // common currencies answer first.
    match code {
        "USD" | "EUR" | "GBP" | "CHF" | "CAD" | "AUD" | "INR" | "CNY" | "NPR" | "ZAR" => return 2,
        "JPY" | "KRW" => return 0,
        _ => {}
    }
    iso_currency::Currency::from_code(code)
        .and_then(|c| c.exponent())
        .map(u32::from)
        .unwrap_or(2)
}

/// Whether people pay with this ISO 4217 currency (not a fund, metal, test or retired code).
fn in_use(c: &iso_currency::Currency) -> bool {
    !c.is_fund() && !c.is_special() && c.is_superseded().is_none() && c.exponent().is_some()
}

/// The currencies of `in_use`, by code, for a select list.
pub fn currencies() -> Vec<(String, String)> {
    use iso_currency::IntoEnumIterator;
    let mut out: Vec<(String, String)> = iso_currency::Currency::iter()
        .filter(in_use)
        .map(|c| (c.code().to_string(), format!("{} — {}", c.code(), c.name())))
        .collect();
    out.sort();
    out
}

pub fn is_currency(code: &str) -> bool {
    iso_currency::Currency::from_code(code).is_some_and(|c| in_use(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_and_currencies_in_use() {
        assert_eq!(currency_exponent("JPY"), 0);
        assert_eq!(currency_exponent("BHD"), 3);
        assert!(is_currency("EUR") && !is_currency("XAU") && !is_currency("ABC"));
    }
}
