//! The payment form: what is typed, checked into `PaymentValues` with a message per field. The
//! rules that need the deal's other payments (the amount left, a final payment completing the
//! deal, a cheque number used before) are in `rules.rs`.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::queries::PaymentRecord;
use super::store::PaymentValues;
use crate::domain::{PaymentCategory, PaymentMethod, money};
use crate::web::FieldErrors;
use crate::web::dates;
use crate::web::form;

/// How far back a payment date may go.
pub const MAX_AGE_DAYS: i64 = 365;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PaymentForm {
    pub category: String,
    pub method: String,
    pub amount: String,
    pub currency: String,
    pub exchange_rate: String,
    pub payment_date: String,
    pub cheque_number: String,
    pub bank_reference: String,
    pub notes: String,
    /// "1" when an edit drops the stored receipt.
    pub remove_receipt: String,
}

impl PaymentForm {
    /// A new payment on a deal: in its currency, dated today, by the deal's intended method.
    pub fn blank(today: NaiveDate, currency: &str, method: Option<PaymentMethod>) -> Self {
        Self {
            category: PaymentCategory::Partial.code().into(),
            method: method.unwrap_or(PaymentMethod::BankTransfer).code().into(),
            currency: currency.into(),
            exchange_rate: "1".into(),
            payment_date: today.to_string(),
            ..Self::default()
        }
    }

    pub fn of(p: &PaymentRecord) -> Self {
        let exponent = money::currency_exponent(&p.currency);
        Self {
            category: p.category.code().into(),
            method: p.method.code().into(),
            amount: money::minor_to_input(p.amount_minor, exponent),
            currency: p.currency.clone(),
            exchange_rate: rate_to_input(p.exchange_rate_e4),
            payment_date: p.payment_date.to_string(),
            cheque_number: p.cheque_number.clone().unwrap_or_default(),
            bank_reference: p.bank_reference.clone().unwrap_or_default(),
            notes: p.notes.clone().unwrap_or_default(),
            remove_receipt: String::new(),
        }
    }

    /// The values if every field holds; `deal_currency` needs no rate (it is 1).
    pub fn validate(
        &self,
        today: NaiveDate,
        deal_currency: &str,
        e: &mut FieldErrors,
    ) -> Option<PaymentValues> {
        let category = PaymentCategory::parse(&self.category);
        if category.is_none() {
            e.add("category", "Choose advance, partial or final.");
        }
        let method = PaymentMethod::parse(&self.method);
        if method.is_none() {
            e.add("method", "Choose how the client paid.");
        }
        let (currency, rate) =
            currency_and_rate(&self.currency, &self.exchange_rate, deal_currency, e);
        let exponent = money::currency_exponent(currency.as_deref().unwrap_or(deal_currency));
        let amount = match money::scaled_decimal(&self.amount, exponent, 1_000_000_000_000_000) {
            Ok(Some(a)) if a > 0 => Some(a),
            Ok(_) => {
                e.add("amount", "Enter an amount greater than zero.");
                None
            }
            Err(msg) => {
                e.add("amount", msg);
                None
            }
        };
        let payment_date = match dates::date(&self.payment_date) {
            Ok(Some(d)) if d > today => {
                e.add("payment_date", "A payment date cannot be in the future.");
                None
            }
            Ok(Some(d)) if d < today - Duration::days(MAX_AGE_DAYS) => {
                e.add(
                    "payment_date",
                    format!("A payment date can be at most {MAX_AGE_DAYS} days back."),
                );
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                e.add("payment_date", "Enter the date the client paid.");
                None
            }
            Err(msg) => {
                e.add("payment_date", msg);
                None
            }
        };
        let cheque_number = e
            .check("cheque_number", form::optional(&self.cheque_number, 50))
            .flatten();
        let bank_reference = e
            .check("bank_reference", form::optional(&self.bank_reference, 100))
            .flatten();
        match method {
            Some(PaymentMethod::Cheque) if cheque_number.is_none() => {
                e.add("cheque_number", "Enter the cheque's number.")
            }
            Some(PaymentMethod::BankTransfer) if bank_reference.is_none() => e.add(
                "bank_reference",
                "Enter the transfer's bank reference, so the verifier can find it.",
            ),
            _ => {}
        }
        let notes = e.check("notes", form::optional(&self.notes, 2000));
        let method = method?;
        let values = PaymentValues {
            category: category?,
            amount_minor: amount?,
            currency: currency?,
            exchange_rate_e4: rate?,
            payment_date: payment_date?,
            // Only the method's own reference is kept.
            cheque_number: cheque_number.filter(|_| method == PaymentMethod::Cheque),
            bank_reference: bank_reference.filter(|_| method == PaymentMethod::BankTransfer),
            notes: notes?,
            method,
        };
        Some(values).filter(|_| e.is_empty())
    }
}

/// 10850 → "1.085": a rate as typed.
/// A currency typed as its code (empty: `target`) and, for any other than `target`, its rate
/// to it (what one unit is worth, × 10⁴): the fields `currency` and `exchange_rate` of the
/// payment form and of the deal form.
pub(crate) fn currency_and_rate(
    currency: &str,
    exchange_rate: &str,
    target: &str,
    e: &mut FieldErrors,
) -> (Option<String>, Option<i64>) {
    let currency = currency.trim().to_ascii_uppercase();
    let currency = if currency.is_empty() {
        Some(target.to_string())
    } else if money::is_currency(&currency) {
        Some(currency)
    } else {
        e.add("currency", "Enter a currency code such as USD or EUR.");
        None
    };
    let rate = match currency.as_deref() {
        Some(c) if c == target => Some(10_000),
        _ => match money::scaled_decimal(exchange_rate, 4, 1_000_000_000_000) {
            Ok(Some(r)) if r > 0 => Some(r),
            Ok(_) => {
                e.add(
                    "exchange_rate",
                    format!("Enter what one unit is worth in {target}, above zero."),
                );
                None
            }
            Err(msg) => {
                e.add("exchange_rate", msg);
                None
            }
        },
    };
    (currency, rate)
}

pub fn rate_to_input(e4: i64) -> String {
    let s = money::minor_to_input(e4, 4);
    match s.split_once('.') {
        Some((whole, frac)) if frac.trim_end_matches('0').is_empty() => whole.to_string(),
        Some((whole, frac)) => format!("{whole}.{}", frac.trim_end_matches('0')),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
    }

    #[test]
    fn the_form_checks_each_field() {
        let mut e = FieldErrors::default();
        let f = PaymentForm {
            category: "gift".into(),
            method: "cheque".into(),
            amount: "-5".into(),
            currency: "ABC".into(),
            payment_date: "2026-12-01".into(),
            ..Default::default()
        };
        assert!(f.validate(today(), "USD", &mut e).is_none());
        for field in [
            "category",
            "amount",
            "currency",
            "payment_date",
            "cheque_number",
        ] {
            assert!(e.has(field), "{field}");
        }
        let mut e = FieldErrors::default();
        let f = PaymentForm {
            method: "bank_transfer".into(),
            payment_date: "2025-11-29".into(),
            ..PaymentForm::blank(today(), "USD", None)
        };
        assert!(f.validate(today(), "USD", &mut e).is_none());
        assert!(e.has("payment_date") && e.has("bank_reference") && e.has("amount"));
    }

    #[test]
    fn a_foreign_currency_needs_its_rate() {
        let mut e = FieldErrors::default();
        let f = PaymentForm {
            method: "cash".into(),
            amount: "100".into(),
            currency: "eur".into(),
            exchange_rate: "1.085".into(),
            cheque_number: "ignored".into(),
            ..PaymentForm::blank(today(), "USD", None)
        };
        let v = f.validate(today(), "USD", &mut e).expect("valid");
        assert_eq!(
            (v.amount_minor, v.currency.as_str(), v.exchange_rate_e4),
            (10_000, "EUR", 10_850)
        );
        assert_eq!(v.cheque_number, None);
        assert_eq!(rate_to_input(10_850), "1.085");
        assert_eq!(rate_to_input(10_000), "1");
        assert_eq!(rate_to_input(100_000), "10");
        let mut e = FieldErrors::default();
        let f = PaymentForm {
            exchange_rate: "0".into(),
            ..f
        };
        assert!(f.validate(today(), "USD", &mut e).is_none() && e.has("exchange_rate"));
        // A year back to the day is allowed.
        let mut e = FieldErrors::default();
        let f = PaymentForm {
            payment_date: "2025-11-30".into(),
            exchange_rate: "1.1".into(),
            ..f
        };
        assert!(f.validate(today(), "USD", &mut e).is_some(), "{e:?}");
    }
}
