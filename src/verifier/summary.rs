//! The verifier's dashboard figures, as pure functions of the day rollups (`rollup.rs`): counts
//! and sums by status, method and failure reason over a period, and how a wait reads.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::rollup::DayRow;
use crate::dashboards::period::Period;

/// A count of payments and what they count for in the organization's currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sum {
    pub payments: i64,
    pub minor: i64,
}

impl Sum {
    fn add(&mut self, r: &DayRow) {
        self.payments += r.payments;
        self.minor += r.amount_minor;
    }

    /// The mean amount, rounded half up; 0 when there is none.
    pub fn average(&self) -> i64 {
        match self.payments {
            0 => 0,
            n => (self.minor + n / 2).div_euclid(n),
        }
    }
}

/// A period's decisions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub verified: Sum,
    pub rejected: Sum,
    pub refunded: Sum,
    pub bad_debt: Sum,
    /// By method: (verified, rejected).
    pub methods: BTreeMap<String, (Sum, Sum)>,
    /// Rejections by failure reason.
    pub reasons: BTreeMap<String, i64>,
}

impl Summary {
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a DayRow>) -> Summary {
        let mut s = Summary::default();
        for r in rows {
            let by_method = s.methods.entry(r.method.clone()).or_default();
            match r.status.as_str() {
                "verified" => {
                    s.verified.add(r);
                    by_method.0.add(r);
                }
                "rejected" => {
                    s.rejected.add(r);
                    by_method.1.add(r);
                    *s.reasons.entry(r.failure_reason.clone()).or_default() += r.payments;
                }
                "refunded" => s.refunded.add(r),
                _ => s.bad_debt.add(r),
            }
        }
        s
    }

    /// The rows of `rows` that fall in `period`.
    pub fn in_period(rows: &[DayRow], period: &Period) -> Summary {
        Summary::of(rows.iter().filter(|r| period.contains(r.day)))
    }

    /// Decisions taken: everything but what still waits.
    pub fn decided(&self) -> i64 {
        self.verified.payments
            + self.rejected.payments
            + self.refunded.payments
            + self.bad_debt.payments
    }
}

/// Per day of `rows`: (verified, rejected), for the trend chart.
pub fn by_day(rows: &[DayRow], period: &Period) -> BTreeMap<NaiveDate, (Sum, Sum)> {
    let mut out: BTreeMap<NaiveDate, (Sum, Sum)> = BTreeMap::new();
    for r in rows.iter().filter(|r| period.contains(r.day)) {
        let slot = out.entry(r.day).or_default();
        match r.status.as_str() {
            "verified" => slot.0.add(r),
            "rejected" => slot.1.add(r),
            _ => {}
        }
    }
    out
}

/// A wait in minutes as read: "25 min", "2 h 30 min", "3 d 6 h".
pub fn wait_text(minutes: i32) -> String {
    let (d, h, m) = (minutes / 1_440, (minutes % 1_440) / 60, minutes % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} d"));
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 || parts.is_empty() {
        parts.push(format!("{m} min"));
    }
    parts.join(" ")
}

/// The median wait as the range of its bucket: "between 1 h 30 min and 2 h", "over 60 d".
pub fn median_text(bucket: Option<i32>) -> String {
    match bucket {
        None => "no decision".into(),
        Some(b) => match super::rollup::bucket_end(b) {
            Some(end) => format!("{} to {}", wait_text(b), wait_text(end)),
            None => format!("over {}", wait_text(b)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(day: u32, method: &str, status: &str, reason: &str, n: i64, minor: i64) -> DayRow {
        DayRow {
            day: NaiveDate::from_ymd_opt(2026, 11, day).expect("day"),
            method: method.into(),
            status: status.into(),
            failure_reason: reason.into(),
            payments: n,
            amount_minor: minor,
        }
    }

    #[test]
    fn a_period_adds_up_by_status_method_and_reason() {
        let rows = vec![
            row(2, "cash", "verified", "", 2, 1_001),
            row(3, "card", "verified", "", 1, 500),
            row(3, "card", "rejected", "bank_decline", 2, 300),
            row(4, "cash", "refunded", "", 1, 200),
            row(20, "cash", "verified", "", 5, 9_999),
        ];
        let p = Period {
            start: NaiveDate::from_ymd_opt(2026, 11, 1).expect("d"),
            end: NaiveDate::from_ymd_opt(2026, 11, 10).expect("d"),
        };
        let s = Summary::in_period(&rows, &p);
        assert_eq!(
            s.verified,
            Sum {
                payments: 3,
                minor: 1_501
            }
        );
        // 1,501 / 3 = 500.33… → 500; half up at .5.
        assert_eq!(s.verified.average(), 500);
        assert_eq!(
            Sum {
                payments: 2,
                minor: 3
            }
            .average(),
            2
        );
        assert_eq!(s.rejected.payments, 2);
        assert_eq!(s.refunded.minor, 200);
        assert_eq!(s.reasons.get("bank_decline"), Some(&2));
        assert_eq!(s.methods["card"].0.minor, 500);
        assert_eq!(s.methods["card"].1.payments, 2);
        assert_eq!(s.decided(), 6);
        assert_eq!(by_day(&rows, &p).len(), 3);
    }

    #[test]
    fn waits_read_in_days_hours_and_minutes() {
        assert_eq!(wait_text(0), "0 min");
        assert_eq!(wait_text(25), "25 min");
        assert_eq!(wait_text(150), "2 h 30 min");
        assert_eq!(wait_text(1_440 * 3 + 360), "3 d 6 h");
        assert_eq!(median_text(Some(90)), "1 h 30 min to 2 h");
        assert_eq!(median_text(Some(1_440)), "1 d to 1 d 12 h");
        assert_eq!(median_text(Some(86_400)), "over 60 d");
        assert_eq!(median_text(None), "no decision");
    }
}
