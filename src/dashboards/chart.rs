//! The sales chart, drawn on the server as SVG: bars of verified sales per day, week or month of
//! the period, with a title and description for screen readers; the page adds the same figures
//! as a table. No script, nothing fetched.

use chrono::{Datelike, Duration, NaiveDate};

use super::period::Period;
use crate::domain::money::{currency_exponent, money};

/// One bar: its label ("12 Nov", "week of 3 Nov", "Nov 2026") and value in minor units.
pub struct Bucket {
    pub label: String,
    pub start: NaiveDate,
    pub minor: i64,
}

/// The buckets of a period: days up to a month, weeks up to half a year, months beyond.
pub fn buckets(p: &Period) -> Vec<Bucket> {
    let mut out = Vec::new();
    let mut d = p.start;
    let days = p.days();
    while d <= p.end {
        let (label, next) = if days <= 31 {
            (d.format("%-d %b").to_string(), d + Duration::days(1))
        } else if days <= 186 {
            (
                format!("week of {}", d.format("%-d %b")),
                d + Duration::days(7),
            )
        } else {
            let next = if d.month() == 12 {
                NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
            };
            (
                d.format("%b %Y").to_string(),
                next.unwrap_or(p.end + Duration::days(1)),
            )
        };
        out.push(Bucket {
            label,
            start: d,
            minor: 0,
        });
        d = next;
    }
    out
}

/// Adds a day's value to its bucket (the last whose start is not after the day).
pub fn add(buckets: &mut [Bucket], day: NaiveDate, minor: i64) {
    if let Some(b) = buckets.iter_mut().rev().find(|b| b.start <= day) {
        b.minor += minor;
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The value axis: a round step (1, 2, 2.5 or 5 times a power of ten) and how many of them
/// reach the highest value, so that gridlines fall on numbers a person reads at a glance.
fn scale(highest: i64) -> (i64, i64) {
    const LINES: i64 = 4;
    let raw = (highest.max(1) + LINES - 1) / LINES;
    let mut power = 1i64;
    while power.saturating_mul(10) <= raw {
        power *= 10;
    }
    let step = [power, power * 2, power * 5 / 2, power * 5, power * 10]
        .into_iter()
        .find(|s| *s >= raw && *s > 0)
        .unwrap_or(power * 10);
    (step, (highest + step - 1) / step.max(1))
}

/// A gridline's value, short enough for a phone: "0", "500K", "1.5M", the currency on the top one.
fn tick(minor: i64, currency: &str, top: bool) -> String {
    let major = minor as f64 / 10f64.powi(currency_exponent(currency) as i32);
    let (value, unit) = match major.abs() {
        v if v >= 1e9 => (major / 1e9, "B"),
        v if v >= 1e6 => (major / 1e6, "M"),
        v if v >= 1e3 => (major / 1e3, "K"),
        _ => (major, ""),
    };
    let value = format!("{value:.2}");
    let value = value.trim_end_matches('0').trim_end_matches('.');
    if top {
        format!("{value}{unit} {currency}")
    } else {
        format!("{value}{unit}")
    }
}

/// The chart of amounts in `currency` as an `<svg>` element.
/// `id` tells the chart's title and description apart from another chart's on the same page.
///
/// Across, positions are percentages of the chart's width and down they are CSS pixels, with no
/// `viewBox`: the chart fills any width while its text keeps its size (a scaled drawing would
/// write 5 px labels on a phone and stretched ones on a wide screen). Labels that would crowd a
/// phone carry `chart-wide`, which the style sheet hides on narrow screens. The style sheet's
/// `.chart-ticks` knows the heights below: change them together.
pub fn svg(id: &str, title: &str, buckets: &[Bucket], currency: &str) -> String {
    let format = |minor: i64| money(minor, currency);
    const H: i64 = 240;
    const TOP: i64 = 22;
    const BOTTOM: i64 = 28;
    let highest = buckets.iter().map(|b| b.minor).max().unwrap_or(0);
    let (step, lines) = scale(highest);
    let top = (step * lines).max(1);
    let plot = H - TOP - BOTTOM;
    let y = |v: i64| TOP + plot - v * plot / top;
    let n = buckets.len().max(1);
    let slot = 100.0 / n as f64;
    // The values beside the gridlines, in the page's text so they take the room they need and
    // bars never run under them; spaced by the style sheet to the same 190 px as the lines.
    let mut out = String::from("<div class=\"chart-box\">");
    if lines > 0 {
        out.push_str("<div class=\"chart-ticks\" aria-hidden=\"true\">");
        for k in (0..=lines).rev() {
            let text = tick(k * step, currency, k == lines);
            out.push_str(&format!("<span>{}</span>", escape(&text)));
        }
        out.push_str("</div>");
    }
    out.push_str(&format!(
        "<svg class=\"chart\" width=\"100%\" height=\"{H}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title>\
         <desc id=\"{id}-desc\">Highest: {}. The table below lists every value.</desc>",
        escape(title),
        escape(&format(highest)),
    ));
    for k in 0..=lines {
        let at = y(k * step);
        let class = if k == 0 { "chart-axis" } else { "chart-grid" };
        out.push_str(&format!(
            "<line x1=\"0\" y1=\"{at}\" x2=\"100%\" y2=\"{at}\" class=\"{class}\"/>"
        ));
    }
    for (i, b) in buckets.iter().enumerate() {
        let top_of_bar = y(b.minor.max(0));
        out.push_str(&format!(
            "<rect x=\"{:.3}%\" y=\"{top_of_bar}\" width=\"{:.3}%\" height=\"{}\" class=\"chart-bar\"><title>{}: {}</title></rect>",
            i as f64 * slot + slot * 0.15,
            slot * 0.7,
            H - BOTTOM - top_of_bar,
            escape(&b.label),
            escape(&format(b.minor))
        ));
    }
    // About twelve labels across a wide screen, four on a phone; the phone's are among the wide.
    let wide = n.div_ceil(12);
    let narrow = wide * n.div_ceil(4).div_ceil(wide);
    for (i, b) in buckets.iter().enumerate().filter(|(i, _)| i % wide == 0) {
        let class = if i % narrow == 0 {
            "chart-label"
        } else {
            "chart-label chart-wide"
        };
        out.push_str(&format!(
            "<text x=\"{:.3}%\" y=\"{}\" class=\"{class}\" text-anchor=\"middle\">{}</text>",
            i as f64 * slot + slot / 2.0,
            H - 8,
            escape(b.label.trim_start_matches("week of "))
        ));
    }
    out.push_str("</svg></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    #[test]
    fn the_value_axis_steps_by_round_numbers() {
        assert_eq!(scale(0), (1, 0));
        assert_eq!(scale(750), (200, 4));
        assert_eq!(scale(1_234_567), (500_000, 3));
        assert_eq!(scale(100_000), (25_000, 4));
        assert_eq!(scale(9), (5, 2));
    }

    #[test]
    fn gridline_values_are_short() {
        assert_eq!(tick(200_000_000, "USD", true), "2M USD");
        assert_eq!(tick(150_000_000, "USD", false), "1.5M");
        assert_eq!(tick(50_000_000, "USD", false), "500K");
        assert_eq!(tick(2_500, "JPY", false), "2.5K");
        assert_eq!(tick(250, "USD", false), "2.5");
        assert_eq!(tick(0, "USD", false), "0");
    }

    #[test]
    fn buckets_follow_the_period_length() {
        let days = buckets(&Period {
            start: d(11, 1),
            end: d(11, 30),
        });
        assert_eq!(days.len(), 30);
        let weeks = buckets(&Period {
            start: d(9, 1),
            end: d(11, 30),
        });
        assert_eq!(weeks.len(), 13);
        let mut months = buckets(&Period {
            start: d(1, 1),
            end: d(11, 30),
        });
        assert_eq!(months.len(), 11);
        add(&mut months, d(3, 15), 500);
        add(&mut months, d(3, 31), 250);
        assert_eq!(months[2].minor, 750);
        let drawn = svg("chart", "Sales <test>", &months, "USD");
        assert!(drawn.contains("<title id=\"chart-title\">Sales &lt;test&gt;</title>"));
        assert_eq!(drawn.matches("<rect").count(), 11);
        assert!(drawn.contains("Mar 2026: 7.50 USD"));
        assert!(drawn.contains("Highest: 7.50 USD."));
        // Gridlines at 2, 4, 6 and 8 dollars: round steps above the highest bar.
        assert!(drawn.contains("<span>8 USD</span>") && drawn.contains("<span>2</span>"));
        assert_eq!(drawn.matches("class=\"chart-grid\"").count(), 4);
        let empty = svg(
            "chart",
            "Nothing",
            &buckets(&Period {
                start: d(12, 1),
                end: d(12, 1),
            }),
            "JPY",
        );
        assert!(empty.contains("Highest: 0 JPY."), "{empty}");
        assert!(
            !empty.contains("chart-ticks"),
            "no values beside an empty chart"
        );
    }
}
