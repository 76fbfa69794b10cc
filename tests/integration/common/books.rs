//! Whether the books agree after people acted at once: each deal's paid figure is its verified
//! payments, no cancelled deal holds verified money, each payment has one invoice with its
//! amount, each commission stands on its deal's verified money, and every kept figure (owner
//! days and totals, the verifier's days and waits) equals a rebuild from the rows themselves.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::TestApp;
use dealdesk::db::AnyConnection;
use dealdesk::schema::{
    commissions, deals, decision_waits, invoices, payments, sales_days, sales_owner_stats,
    verification_days,
};

/// What the books say of a set of deals, for the run's closing counts.
#[derive(Debug, Default)]
pub struct Books {
    pub deals: usize,
    pub payments: usize,
    pub verified: usize,
    pub invoice_numbers: usize,
}

/// A row of `sales_days`: owner, day, then counts and sums by status.
type Day = (i64, chrono::NaiveDate, i64, i64, i64, i64, i64, i64);

type Kept = (
    Vec<Day>,
    Vec<(i64, i64, i64, i64, i64)>,
    Vec<(chrono::NaiveDate, String, String, String, i64, i64)>,
    Vec<(chrono::NaiveDate, i32, i64)>,
);

/// The kept figures of the organization (sorted, ids left out).
fn kept(conn: &mut AnyConnection, org: i64) -> QueryResult<Kept> {
    let mut days: Vec<Day> = sales_days::table
        .filter(sales_days::organization_id.eq(org))
        .select((
            sales_days::user_id,
            sales_days::day,
            sales_days::verified_count,
            sales_days::verified_minor,
            sales_days::pending_count,
            sales_days::pending_minor,
            sales_days::rejected_count,
            sales_days::rejected_minor,
        ))
        .load(conn)?;
    // A day with nothing left is kept as a row of zeros, or not at all: the same to its readers.
    days.retain(|d| (d.2, d.4, d.6) != (0, 0, 0));
    days.sort();
    let mut owners: Vec<_> = sales_owner_stats::table
        .filter(sales_owner_stats::organization_id.eq(org))
        .select((
            sales_owner_stats::user_id,
            sales_owner_stats::open_deals,
            sales_owner_stats::outstanding_minor,
            sales_owner_stats::pending_payments,
            sales_owner_stats::pending_minor,
        ))
        .load(conn)?;
    owners.sort();
    let mut vdays: Vec<_> = verification_days::table
        .filter(verification_days::organization_id.eq(org))
        .select((
            verification_days::day,
            verification_days::method,
            verification_days::status,
            verification_days::failure_reason,
            verification_days::payments,
            verification_days::amount_minor,
        ))
        .load(conn)?;
    vdays.sort();
    let mut waits: Vec<_> = decision_waits::table
        .filter(decision_waits::organization_id.eq(org))
        .select((
            decision_waits::day,
            decision_waits::bucket,
            decision_waits::payments,
        ))
        .load(conn)?;
    waits.sort();
    Ok((days, owners, vdays, waits))
}

/// The kept figures as a rebuild from the payments finds them (rolled back afterwards).
fn rebuilt(conn: &mut AnyConnection, org: i64) -> Kept {
    let mut out = None;
    let _ = conn.transaction::<(), diesel::result::Error, _>(|c| {
        let keys: Vec<(i64, chrono::NaiveDate)> = payments::table
            .inner_join(deals::table)
            .filter(payments::organization_id.eq(org))
            .select((deals::created_by_id, payments::payment_date))
            .distinct()
            .load(c)?;
        diesel::delete(sales_days::table.filter(sales_days::organization_id.eq(org))).execute(c)?;
        for (owner, day) in &keys {
            dealdesk::sales::balance::recompute_day(c, org, *owner, *day)?;
        }
        let owners: Vec<i64> = sales_owner_stats::table
            .filter(sales_owner_stats::organization_id.eq(org))
            .select(sales_owner_stats::user_id)
            .load(c)?;
        for owner in owners {
            dealdesk::sales::balance::recompute_owner(c, org, owner)?;
        }
        dealdesk::verifier::rollup::rebuild(c, org)?;
        out = Some(kept(c, org)?);
        Err(diesel::result::Error::RollbackTransaction)
    });
    out.expect("rebuilt figures")
}

/// Asserts that the organization's books agree, looking closely at `deal_ids`; what they hold.
pub fn assert_agree(app: &TestApp, org: i64, deal_ids: &[i64]) -> Books {
    let mut conn = app.conn();
    let mut books = Books {
        deals: deal_ids.len(),
        ..Books::default()
    };
    for &deal in deal_ids {
        let (amount, paid, status): (i64, i64, String) = deals::table
            .find(deal)
            .select((deals::amount_minor, deals::paid_minor, deals::status))
            .first(&mut conn)
            .expect("deal");
        let rows: Vec<(i64, String, i64, i64, Option<i64>)> = payments::table
            .filter(payments::deal_id.eq(deal))
            .select((
                payments::id,
                payments::status,
                payments::counted_minor,
                payments::amount_minor,
                payments::received_amount_minor,
            ))
            .load(&mut conn)
            .expect("payments");
        books.payments += rows.len();
        let verified: i64 = rows.iter().filter(|r| r.1 == "verified").map(|r| r.2).sum();
        books.verified += rows.iter().filter(|r| r.1 == "verified").count();
        assert_eq!(paid, verified.min(amount), "deal {deal}: paid = verified");
        let committed: i64 = rows
            .iter()
            .filter(|r| r.1 == "verified" || r.1 == "pending")
            .map(|r| r.2)
            .sum();
        assert!(committed <= amount, "deal {deal}: {committed} > {amount}");
        assert!(
            !(status == "cancelled" && verified > 0),
            "deal {deal} is cancelled but holds verified money"
        );
        for (id, pstatus, _, amount, received) in &rows {
            let found: Vec<(String, i64)> = invoices::table
                .filter(invoices::payment_id.eq(id))
                .select((invoices::status, invoices::amount_minor))
                .load(&mut conn)
                .expect("invoices");
            assert_eq!(found.len(), 1, "payment {id}: one invoice");
            let expected = if pstatus == "pending" || pstatus == "verified" {
                received.unwrap_or(*amount)
            } else {
                found[0].1
            };
            assert_eq!(found[0].1, expected, "payment {id}: the invoice's amount");
            let issued = found[0].0 == "issued";
            assert_eq!(
                issued,
                pstatus == "verified",
                "payment {id}: issued iff verified"
            );
        }
        let commission: Option<(i64, String)> = commissions::table
            .filter(commissions::deal_id.eq(deal))
            .select((commissions::base_minor, commissions::status))
            .first(&mut conn)
            .optional()
            .expect("commission");
        match commission {
            Some((base, _)) => assert_eq!(base, paid, "deal {deal}: commission base = paid"),
            None => assert_eq!(paid, 0, "deal {deal}: paid without a commission"),
        }
    }
    // Issued invoices, and only they, are numbered: each year 1, 2, 3 … with no hole and no
    // number twice, whatever was deleted or rejected on the way.
    let numbers: Vec<(Option<String>, String)> = invoices::table
        .filter(invoices::organization_id.eq(org))
        .select((invoices::invoice_number, invoices::status))
        .load(&mut conn)
        .expect("numbers");
    let mut years: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (number, status) in numbers {
        let numbered = matches!(status.as_str(), "issued" | "refunded" | "void");
        assert_eq!(
            number.is_some(),
            numbered,
            "{status} invoice numbered: {number:?}"
        );
        if let Some(n) = number {
            let (year, seq) = n
                .strip_prefix("INV-")
                .and_then(|r| r.split_once('-'))
                .expect("INV-year-n");
            years
                .entry(year.to_string())
                .or_default()
                .push(seq.parse().expect("a number"));
        }
    }
    books.invoice_numbers = years.values().map(Vec::len).sum();
    for (year, mut seqs) in years {
        seqs.sort_unstable();
        let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
        assert_eq!(
            seqs, expected,
            "invoice numbers of {year}: a hole or a number twice"
        );
    }
    let now = kept(&mut conn, org).expect("kept figures");
    let rebuilt = rebuilt(&mut conn, org);
    assert_eq!(now.0, rebuilt.0, "sales_days = a rebuild");
    assert_eq!(now.1, rebuilt.1, "sales_owner_stats = a rebuild");
    assert_eq!(now.2, rebuilt.2, "verification_days = a rebuild");
    assert_eq!(now.3, rebuilt.3, "decision_waits = a rebuild");
    books
}
