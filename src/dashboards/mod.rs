//! What the dashboards share: the period picker (`period`), the server-drawn chart (`chart`), a
//! figure with its change against the previous period; and `/`, which sends a user to their own
//! dashboard.

pub mod chart;
pub mod period;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use self::period::Period;

use crate::web::Ctx;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(root));
}

async fn root(ctx: Ctx) -> HttpResponse {
    crate::web::see_other(ctx.home())
}

/// The period picker's fields, as a dashboard's address carries them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PeriodQuery {
    pub period: String,
    pub from: String,
    pub to: String,
}

impl PeriodQuery {
    /// The period chosen, "month" when none is (the default range), for the picker's select.
    pub fn value(&self) -> String {
        if self.period.is_empty() {
            "month".into()
        } else {
            self.period.clone()
        }
    }

    /// The same fields as an address's query, for links and CSV downloads of the same period.
    pub fn as_query(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

/// "01 Nov 2026 to 22 Nov 2026 (compared with 10 Oct 2026 to 31 Oct 2026)".
pub fn range_text(current: &Period, previous: &Period) -> String {
    format!(
        "{} to {} (compared with {} to {})",
        crate::web::dates::day(current.start),
        crate::web::dates::day(current.end),
        crate::web::dates::day(previous.start),
        crate::web::dates::day(previous.end)
    )
}

/// "+12.5 % on the previous period", "new", or "no change".
pub fn change(now: i64, before: i64) -> String {
    match (now, before) {
        (n, b) if n == b => "no change on the previous period".into(),
        (_, 0) => "none in the previous period".into(),
        (n, b) => {
            let tenths = ((n - b) as i128 * 1000 / b as i128) as i64;
            let sign = if tenths > 0 { "+" } else { "−" };
            let t = tenths.abs();
            format!("{sign}{}.{} % on the previous period", t / 10, t % 10)
        }
    }
}

/// One figure of a dashboard: its label, value and change.
pub struct Figure {
    pub label: &'static str,
    pub value: String,
    pub detail: String,
    pub change: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_percentages_of_the_previous_period() {
        assert_eq!(change(150, 100), "+50.0 % on the previous period");
        assert_eq!(change(50, 200), "−75.0 % on the previous period");
        assert_eq!(change(7, 0), "none in the previous period");
        assert_eq!(change(0, 0), "no change on the previous period");
        assert_eq!(change(1, 3), "−66.6 % on the previous period");
    }

    #[test]
    fn a_period_query_round_trips_into_an_address() {
        let q = PeriodQuery {
            period: "custom".into(),
            from: "2026-01-01".into(),
            to: "2026 02".into(),
        };
        assert_eq!(q.as_query(), "period=custom&from=2026-01-01&to=2026+02");
        assert_eq!(PeriodQuery::default().value(), "month");
    }
}
