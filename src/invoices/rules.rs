//! The rules of an invoice's figures and status, as pure functions.

use crate::domain::money::{at_rate_bp, half_up, saturate};
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

/// An invoice's figures: the amount before tax, the tax and the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub net: i64,
    pub tax: i64,
    pub total: i64,
}

/// The figures of an invoice for `amount_minor` received. Where the organization's amounts
/// include tax (its default), the money received is the total and the tax is the part of it the
/// rate makes up: `amount × rate / (100 % + rate)`, rounded half up once, the rest is the net.
/// Otherwise tax is added on top of the amount, as a price before tax would be.
pub fn figures(amount_minor: i64, rate_bp: i32, tax_included: bool) -> Figures {
    if tax_included {
        let rate = i128::from(rate_bp);
        let tax = saturate(half_up(i128::from(amount_minor) * rate, 10_000 + rate));
        Figures {
            net: amount_minor.saturating_sub(tax),
            tax,
            total: amount_minor,
        }
    } else {
        let tax = tax_minor(amount_minor, rate_bp);
        Figures {
            net: amount_minor,
            tax,
            total: amount_minor.saturating_add(tax),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_is_rounded_half_up_once() {
        // 18 % of 10.05 = 1.809 → 1.81; of 0.25 = 0.045 → 0.05 (half up), of 0.24 = 0.0432 → 0.04.
        let on_top = |a, r| {
            let f = figures(a, r, false);
            (f.net, f.tax, f.total)
        };
        assert_eq!(on_top(1_005, 1_800), (1_005, 181, 1_186));
        assert_eq!(tax_minor(25, 1_800), 5);
        assert_eq!(tax_minor(24, 1_800), 4);
        // 7.25 % of 333.33 = 24.1664... → 24.17
        assert_eq!(tax_minor(33_333, 725), 2_417);
        assert_eq!(on_top(50_000, 0), (50_000, 0, 50_000));
    }

    #[test]
    fn included_tax_is_the_part_of_the_money_received_and_the_parts_add_up() {
        let within = |a, r| {
            let f = figures(a, r, true);
            (f.net, f.tax, f.total)
        };
        // 4,361.00 received at 20 %: tax 4,361 × 20 / 120 = 726.8333 → 726.83, net 3,634.17.
        assert_eq!(within(436_100, 2_000), (363_417, 72_683, 436_100));
        // 118.00 at 18 % is 100.00 and 18.00 exactly; 0.01 at 7.25 % has no tax to speak of.
        assert_eq!(within(11_800, 1_800), (10_000, 1_800, 11_800));
        assert_eq!(within(1, 725), (1, 0, 1));
        assert_eq!(within(50_000, 0), (50_000, 0, 50_000));
        for (a, r) in [(1, 1), (99_999, 2_500), (123_456_789, 10_000), (7, 5_000)] {
            let f = figures(a, r, true);
            assert_eq!(f.net + f.tax, f.total, "{a} at {r}");
            assert!(f.tax >= 0 && f.net >= 0, "{a} at {r}");
        }
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
