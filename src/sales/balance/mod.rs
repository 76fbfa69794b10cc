//! The one recomputation of what follows from a deal's payments (DESIGN.md, "How records move"):
//! the deal's `paid_minor`, `payment_status`, `verification_status`, `status` and
//! `client_status`, and its client's outstanding balance, balance status and purchase total.
//! Every change of a payment or of a deal's amount calls `recompute` in its own transaction, the
//! verifier's decisions included, so no figure is ever derived anywhere else.
//!
//! The rules:
//! - paid is the sum of verified payments (the amount received where the verifier recorded one),
//!   never above the deal amount; refunded, rejected and bad-debt payments are not paid;
//! - payment status: nothing paid → initial, part → partial, all → full;
//! - verification status: a payment waiting for a decision → pending; else one verified →
//!   verified; else one rejected (or refunded, or bad debt) → rejected; no payments → pending;
//! - deal status: cancelled stays cancelled; fully paid → completed; a payment recorded that is
//!   not rejected → in progress; else pending;
//! - the client's outstanding balance is what its open deals still miss; its balance status is
//!   clear when nothing is due, bad debt when a payment of its was written off as bad debt or
//!   half or more of what it was billed is due past a due date, pending otherwise; every deal of
//!   the client carries that status as its `client_status`;
//! - the client's purchase total is the amount of its completed deals;
//! - the deal owner's rollups (`rollups.rs`): payments per payment date and status, open deals
//!   and payments waiting for a verifier, which the dashboards read;
//! - a deal in another currency than the organization's counts for its amount at its rate, as
//!   does each of its payments: balances and rollups add up the organization's currency.
//!
//! This file holds the rules as pure functions; `recompute.rs` reads and writes the rows.

mod recompute;
mod rollups;

pub use self::recompute::{DealKeys, recompute, recompute_client, recompute_deal};
pub use self::rollups::{recompute_day, recompute_owner};

use chrono::NaiveDate;

use crate::domain::money::convert;
use crate::domain::{BalanceStatus, DealPayment, DealStatus, DealVerification, PaymentStatus};

/// What a payment counts for on its deal, in the deal's currency: its amount (or the amount
/// received, where the verifier recorded one) as is in the same currency, else converted at the
/// payment's exchange rate (× 10⁴), rounded half up once.
pub fn counted_minor(
    amount_minor: i64,
    currency: &str,
    exchange_rate_e4: i64,
    deal_currency: &str,
) -> i64 {
    convert(amount_minor, currency, exchange_rate_e4, deal_currency)
}

/// The statuses of one deal, from its amount and its payments' (status, amount counted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealFigures {
    pub paid_minor: i64,
    pub payment_status: DealPayment,
    pub verification_status: DealVerification,
    pub status: DealStatus,
}

pub fn deal_figures(
    amount_minor: i64,
    current_status: DealStatus,
    payments: &[(PaymentStatus, i64)],
) -> DealFigures {
    let verified: i64 = payments
        .iter()
        .filter(|(s, _)| *s == PaymentStatus::Verified)
        .map(|(_, a)| *a)
        .sum();
    let paid_minor = verified.clamp(0, amount_minor);
    let has = |status: PaymentStatus| payments.iter().any(|(s, _)| *s == status);
    let payment_status = match paid_minor {
        0 => DealPayment::Initial,
        p if p < amount_minor => DealPayment::Partial,
        _ => DealPayment::Full,
    };
    let verification_status = if has(PaymentStatus::Pending) || payments.is_empty() {
        DealVerification::Pending
    } else if has(PaymentStatus::Verified) {
        DealVerification::Verified
    } else {
        DealVerification::Rejected
    };
    let status = if current_status == DealStatus::Cancelled {
        DealStatus::Cancelled
    } else if payment_status == DealPayment::Full {
        DealStatus::Completed
    } else if payments.iter().any(|(s, _)| *s != PaymentStatus::Rejected) {
        DealStatus::InProgress
    } else {
        DealStatus::Pending
    };
    DealFigures {
        paid_minor,
        payment_status,
        verification_status,
        status,
    }
}

/// One open or closed deal of a client, for its balance; amounts in the organization's currency.
pub struct ClientDeal {
    pub amount_minor: i64,
    pub paid_minor: i64,
    pub status: DealStatus,
    pub due_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFigures {
    pub outstanding_minor: i64,
    pub balance_status: BalanceStatus,
    pub purchase_total_minor: i64,
}

pub fn client_figures(deals: &[ClientDeal], written_off: bool, today: NaiveDate) -> ClientFigures {
    let open = deals.iter().filter(|d| d.status != DealStatus::Cancelled);
    let (mut billed, mut outstanding, mut overdue) = (0_i64, 0_i64, 0_i64);
    for d in open {
        let due = (d.amount_minor - d.paid_minor).max(0);
        billed += d.amount_minor;
        outstanding += due;
        if d.due_date.is_some_and(|date| date < today) {
            overdue += due;
        }
    }
    let balance_status = if outstanding == 0 && !written_off {
        BalanceStatus::Clear
    } else if written_off || (overdue > 0 && overdue * 2 >= billed) {
        BalanceStatus::BadDebt
    } else {
        BalanceStatus::Pending
    };
    ClientFigures {
        outstanding_minor: outstanding,
        balance_status,
        purchase_total_minor: deals
            .iter()
            .filter(|d| d.status == DealStatus::Completed)
            .map(|d| d.amount_minor)
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, a: i64) -> (PaymentStatus, i64) {
        (PaymentStatus::parse(s).expect("a payment status"), a)
    }

    fn deal(s: &str) -> DealStatus {
        DealStatus::parse(s).expect("a deal status")
    }

    /// The figures as their stored codes, to read the rules' table as written.
    fn codes(f: &DealFigures) -> (i64, &str, &str, &str) {
        (
            f.paid_minor,
            f.payment_status.code(),
            f.verification_status.code(),
            f.status.code(),
        )
    }

    #[test]
    fn foreign_payments_count_at_their_rate_rounded_once() {
        assert_eq!(counted_minor(12_345, "USD", 9_999, "USD"), 12_345);
        // 100.00 EUR at 1.0850 → 108.50 USD; 1,000 JPY at 0.0067 → 6.70 USD.
        assert_eq!(counted_minor(10_000, "EUR", 10_850, "USD"), 10_850);
        assert_eq!(counted_minor(1_000, "JPY", 67, "USD"), 670);
        // 0.05 USD at 0.5 → 0.025 → 0.03 (half up).
        assert_eq!(counted_minor(5, "EUR", 5_000, "USD"), 3);
        // 10.000 BHD at 2.6500 → 26.5 JPY, which has no decimals: 27.
        assert_eq!(counted_minor(10_000, "BHD", 26_500, "JPY"), 27);
    }

    #[test]
    fn a_deal_follows_its_payments() {
        let f = deal_figures(1000, deal("pending"), &[]);
        assert_eq!(codes(&f), (0, "initial", "pending", "pending"));
        let f = deal_figures(1000, deal("pending"), &[p("pending", 400)]);
        assert_eq!((codes(&f).1, codes(&f).3), ("initial", "in_progress"));
        let f = deal_figures(
            1000,
            deal("in_progress"),
            &[p("verified", 400), p("rejected", 600)],
        );
        assert_eq!(codes(&f), (400, "partial", "verified", "in_progress"));
        let f = deal_figures(1000, deal("in_progress"), &[p("rejected", 600)]);
        assert_eq!((codes(&f).2, codes(&f).3), ("rejected", "pending"));
        let f = deal_figures(
            1000,
            deal("in_progress"),
            &[p("verified", 400), p("verified", 600)],
        );
        assert_eq!(codes(&f), (1000, "full", "verified", "completed"));
        // Never more than the amount, and a cancelled deal stays cancelled.
        let f = deal_figures(1000, deal("cancelled"), &[p("verified", 1200)]);
        assert_eq!((f.paid_minor, f.status), (1000, DealStatus::Cancelled));
        let f = deal_figures(1000, deal("completed"), &[p("refunded", 1000)]);
        assert_eq!(codes(&f), (0, "initial", "rejected", "in_progress"));
    }

    #[test]
    fn a_client_is_clear_pending_or_bad_debt() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let deal = |amount, paid, status: &str, due: Option<i64>| ClientDeal {
            amount_minor: amount,
            paid_minor: paid,
            status: deal(status),
            due_date: due.map(|d| today + chrono::Duration::days(d)),
        };
        let f = client_figures(&[], false, today);
        assert_eq!((f.outstanding_minor, f.balance_status.code()), (0, "clear"));
        let f = client_figures(
            &[
                deal(1000, 1000, "completed", None),
                deal(500, 0, "cancelled", Some(-9)),
            ],
            false,
            today,
        );
        assert_eq!(
            (
                f.outstanding_minor,
                f.balance_status.code(),
                f.purchase_total_minor
            ),
            (0, "clear", 1000)
        );
        let f = client_figures(&[deal(1000, 0, "pending", Some(5))], false, today);
        assert_eq!(
            (f.outstanding_minor, f.balance_status.code()),
            (1000, "pending")
        );
        let f = client_figures(
            &[
                deal(1000, 0, "pending", Some(-1)),
                deal(1000, 1000, "completed", None),
            ],
            false,
            today,
        );
        assert_eq!(
            f.balance_status,
            BalanceStatus::BadDebt,
            "half billed, overdue"
        );
        let f = client_figures(
            &[
                deal(900, 0, "pending", Some(-1)),
                deal(1000, 1000, "completed", None),
            ],
            false,
            today,
        );
        assert_eq!(
            f.balance_status,
            BalanceStatus::Pending,
            "under half overdue"
        );
        let f = client_figures(&[deal(1000, 1000, "completed", None)], true, today);
        assert_eq!(f.balance_status, BalanceStatus::BadDebt, "written off");
    }
}
