//! The sales chart, drawn on the server as SVG: bars of verified sales per day, week or month of
//! the period, with a title and description for screen readers; the page adds the same figures
//! as a table. No script, nothing fetched.

use chrono::{Datelike, Duration, NaiveDate};

use super::period::Period;

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
            (d.format("%d %b").to_string(), d + Duration::days(1))
        } else if days <= 186 {
            (
                format!("week of {}", d.format("%d %b")),
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

/// The chart as an `<svg>` element; `format` writes an amount for its labels.
/// `id` tells the chart's title and description apart from another chart's on the same page.
pub fn svg(id: &str, title: &str, buckets: &[Bucket], format: impl Fn(i64) -> String) -> String {
    const W: i64 = 720;
    const H: i64 = 220;
    const TOP: i64 = 16;
    const BOTTOM: i64 = 28;
    let highest = buckets.iter().map(|b| b.minor).max().unwrap_or(0);
    // The bars' scale; at least 1 so that a period with nothing draws flat bars.
    let max = highest.max(1);
    let n = buckets.len().max(1) as i64;
    let slot = W / n;
    let bar = (slot * 7 / 10).max(1);
    let plot = H - TOP - BOTTOM;
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title>\
         <desc id=\"{id}-desc\">Highest: {}. The table below lists every value.</desc>\
         <line x1=\"0\" y1=\"{}\" x2=\"{W}\" y2=\"{}\" class=\"chart-axis\"/>",
        escape(title),
        escape(&format(highest)),
        H - BOTTOM,
        H - BOTTOM
    );
    // Label every bucket when they fit, else about eight of them.
    let every = (n / 8).max(1);
    for (i, b) in buckets.iter().enumerate() {
        let i = i as i64;
        let h = b.minor * plot / max;
        let x = i * slot + (slot - bar) / 2;
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{bar}\" height=\"{h}\" class=\"chart-bar\"><title>{}: {}</title></rect>",
            H - BOTTOM - h,
            escape(&b.label),
            escape(&format(b.minor))
        ));
        if i % every == 0 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" class=\"chart-label\" text-anchor=\"middle\">{}</text>",
                i * slot + slot / 2,
                H - 8,
                escape(b.label.trim_start_matches("week of "))
            ));
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
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
        let drawn = svg("chart", "Sales <test>", &months, |m| format!("{m} USD"));
        assert!(drawn.contains("<title id=\"chart-title\">Sales &lt;test&gt;</title>"));
        assert_eq!(drawn.matches("<rect").count(), 11);
        assert!(drawn.contains("Mar 2026: 750 USD"));
        assert!(drawn.contains("Highest: 750 USD."));
        let empty = svg(
            "chart",
            "Nothing",
            &buckets(&Period {
                start: d(12, 1),
                end: d(12, 1),
            }),
            |m| format!("{m} USD"),
        );
        assert!(empty.contains("Highest: 0 USD."), "{empty}");
    }
}
