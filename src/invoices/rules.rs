//! The rules of an invoice's figures and status, as pure functions.

use crate::domain::money::at_rate_bp;
use crate::domain::{InvoiceStatus, PaymentStatus};

/// The invoice status that follows from a payment status.
pub fn status_for(payment: PaymentStatus) -> InvoiceStatus {
    match payment {
        PaymentStatus::Pending => InvoiceStatus::Pending,
        PaymentStatus::Verified => InvoiceStatus::Issued,
        PaymentStatus::Rejected => InvoiceStatus::Rejected,
        PaymentStatus::Refunded => InvoiceStatus::Refunded,
        PaymentStatus::BadDebt => InvoiceStatus::Void,
    }
}

/// Whether an invoice in this status carries a number. Numbers are taken when an invoice is
/// issued, so the sequence has no holes: a draft (pending) can vanish with its deleted payment and
/// a rejected payment is never billed, but an issued invoice stays, refunded or void, with its
/// number.
pub fn is_numbered(status: InvoiceStatus) -> bool {
    matches!(
        status,
        InvoiceStatus::Issued | InvoiceStatus::Refunded | InvoiceStatus::Void
    )
}

/// How an invoice is named: its number, or "Draft" before it has one.
pub fn number_label(number: Option<&str>) -> &str {
    number.unwrap_or("Draft")
}

/// Tax on an amount at a rate in basis points (1 % = 100), exact and rounded half up once.
pub fn tax_minor(amount_minor: i64, rate_bp: i32) -> i64 {
    at_rate_bp(amount_minor, i64::from(rate_bp))
}

/// (tax, total) of an invoice on `amount_minor`.
pub fn figures(amount_minor: i64, rate_bp: i32) -> (i64, i64) {
    let tax = tax_minor(amount_minor, rate_bp);
    (tax, amount_minor.saturating_add(tax))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_is_rounded_half_up_once() {
        // 18 % of 10.05 = 1.809 → 1.81; of 0.25 = 0.045 → 0.05 (half up), of 0.24 = 0.0432 → 0.04.
        assert_eq!(figures(1_005, 1_800), (181, 1_186));
        assert_eq!(tax_minor(25, 1_800), 5);
        assert_eq!(tax_minor(24, 1_800), 4);
        // 7.25 % of 333.33 = 24.1664... → 24.17
        assert_eq!(tax_minor(33_333, 725), 2_417);
        assert_eq!(figures(50_000, 0), (0, 50_000));
    }

    #[test]
    fn invoices_follow_their_payment_and_only_issued_ones_are_numbered() {
        let follows: Vec<(&str, &str, bool)> = PaymentStatus::ALL
            .iter()
            .map(|p| {
                let i = status_for(*p);
                (p.code(), i.code(), is_numbered(i))
            })
            .collect();
        assert_eq!(
            follows,
            [
                ("pending", "pending", false),
                ("verified", "issued", true),
                ("rejected", "rejected", false),
                ("refunded", "refunded", true),
                ("bad_debt", "void", true),
            ]
        );
    }
}
