//! How every page shows a stored time: in the viewer's time zone, always naming the zone, and for
//! recent times also as "2 hours ago" with the exact time on hover. Rendered on the server, so it
//! reads the same without JavaScript. Templates show a `When` with `ui::time` (templates/ui.html).

use std::fmt;

use chrono::{NaiveDateTime, TimeDelta};
use chrono_tz::Tz;

/// Times at most this old (or this far ahead) are also said relative to now.
const RELATIVE_WITHIN: TimeDelta = TimeDelta::days(7);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    /// RFC 3339 in UTC, for the `datetime` attribute; empty for no time.
    pub iso: String,
    /// "22 Nov 2026 09:58 CET", or "—" for no time.
    pub exact: String,
    /// "2 hours ago", "in 5 minutes"; only for recent times.
    pub relative: Option<String>,
}

impl When {
    pub fn none() -> Self {
        Self {
            iso: String::new(),
            exact: "—".into(),
            relative: None,
        }
    }

    /// `t` (stored in UTC) as seen in `tz` at `now` (UTC).
    pub fn at(t: NaiveDateTime, tz: Tz, now: NaiveDateTime) -> Self {
        Self {
            iso: t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            exact: exact(t, tz),
            relative: relative(t, now),
        }
    }

    pub fn of(t: Option<NaiveDateTime>, tz: Tz, now: NaiveDateTime) -> Self {
        t.map_or_else(Self::none, |t| Self::at(t, tz, now))
    }

    pub fn is_none(&self) -> bool {
        self.iso.is_empty()
    }
}

/// A stored time as every page writes it, in `tz` and naming it: "22 Nov 2026 09:58 CET".
pub fn exact(t: NaiveDateTime, tz: Tz) -> String {
    t.and_utc()
        .with_timezone(&tz)
        .format("%-d %b %Y %H:%M %Z")
        .to_string()
}

/// The day a stored time falls on in `tz`, written as pages write dates ("2 Dec 2026").
pub fn local_day(t: NaiveDateTime, tz: Tz) -> String {
    super::dates::day(t.and_utc().with_timezone(&tz).date_naive())
}

/// Plain text (flash messages, titles): the exact time.
impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.exact)
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

fn relative(t: NaiveDateTime, now: NaiveDateTime) -> Option<String> {
    let delta = now - t;
    let ahead = delta < TimeDelta::zero();
    let span = delta.abs();
    if span > RELATIVE_WITHIN {
        return None;
    }
    if span < TimeDelta::minutes(1) {
        return Some("just now".into());
    }
    let amount = if span < TimeDelta::hours(1) {
        plural(span.num_minutes(), "minute")
    } else if span < TimeDelta::days(1) {
        plural(span.num_hours(), "hour")
    } else {
        plural(span.num_days(), "day")
    };
    Some(if ahead {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn exact_times_name_the_viewers_zone() {
        let now = t("2026-11-22 10:00:00");
        let w = When::at(t("2026-11-22 08:57:00"), chrono_tz::Europe::Berlin, now);
        assert_eq!(w.exact, "22 Nov 2026 09:57 CET");
        assert_eq!(w.iso, "2026-11-22T08:57:00Z");
        assert_eq!(w.relative.as_deref(), Some("1 hour ago"));
        let summer = When::at(t("2026-07-01 08:00:00"), chrono_tz::Europe::Berlin, now);
        assert_eq!(summer.exact, "1 Jul 2026 10:00 CEST");
        assert_eq!(summer.relative, None);
        assert_eq!(When::of(None, chrono_tz::UTC, now).to_string(), "—");
    }

    #[test]
    fn recent_times_read_relative_to_now() {
        let now = t("2026-11-22 10:00:00");
        let rel = |s: &str| When::at(t(s), chrono_tz::UTC, now).relative;
        assert_eq!(rel("2026-11-22 09:59:30").as_deref(), Some("just now"));
        assert_eq!(rel("2026-11-22 09:59:00").as_deref(), Some("1 minute ago"));
        assert_eq!(
            rel("2026-11-22 09:15:00").as_deref(),
            Some("45 minutes ago")
        );
        assert_eq!(rel("2026-11-22 07:59:00").as_deref(), Some("2 hours ago"));
        assert_eq!(rel("2026-11-19 10:00:00").as_deref(), Some("3 days ago"));
        assert_eq!(rel("2026-11-22 10:30:00").as_deref(), Some("in 30 minutes"));
        assert_eq!(rel("2026-11-10 10:00:00"), None);
    }
}
