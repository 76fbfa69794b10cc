//! Dates and time zones as people type them: ISO dates from `<input type="date">`, local times
//! from `<input type="datetime-local">` read in the user's zone, day bounds for filters, and IANA
//! zone names. Each parser keeps to `YEARS` and says how to fix what it refuses. Showing a stored
//! time is `web::time`.

use chrono::NaiveDate;

/// The years a date may be in, everywhere: wide enough for any business date, narrow enough that
/// date arithmetic (a period before a period, a due date plus a term) never leaves chrono's range,
/// both databases store it alike, and SQLite's text dates sort as dates (four-digit years).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A date inside `YEARS`, or the message saying which dates are accepted.
pub fn in_range(d: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!(
            "Enter a date between {} and {}.",
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// A date as every page writes it: "2 Dec 2026". Forms and files keep ISO (`2026-12-02`), the
/// form a date field and a spreadsheet read back.
/// Takes a date or a reference to one, as templates hold either.
pub fn day(d: impl std::borrow::Borrow<NaiveDate>) -> String {
    d.borrow().format("%-d %b %Y").to_string()
}

/// An optional date as pages write it, "—" for none.
pub fn day_or_dash(d: impl std::borrow::Borrow<Option<NaiveDate>>) -> String {
    d.borrow().map_or_else(|| "—".to_string(), day)
}

/// An optional date in ISO form (what `<input type="date">` sends), within `YEARS`.
pub fn date(value: &str) -> Result<Option<NaiveDate>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    // A year of four digits exactly: chrono also reads "+10000-01-01" and "-262143-01-01".
    let well_formed = v.len() == 10 && v.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    let parsed = NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .filter(|_| well_formed)
        .ok_or_else(|| "Enter a date as YYYY-MM-DD.".to_string())?;
    in_range(parsed).map(Some)
}

/// An optional date and time as `<input type="datetime-local">` sends it, read in the user's
/// zone and returned in UTC, as times are stored.
pub fn local_datetime(
    value: &str,
    tz: chrono_tz::Tz,
) -> Result<Option<chrono::NaiveDateTime>, String> {
    use chrono::TimeZone;
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let local = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .filter(|_| {
            v.as_bytes()
                .get(..4)
                .is_some_and(|y| y.iter().all(u8::is_ascii_digit))
        })
        .ok_or_else(|| "Enter a date and time, such as 2026-11-30 14:30.".to_string())?;
    in_range(local.date())?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| Some(t.naive_utc()))
        .ok_or_else(|| "That time does not exist in your time zone (a clock change).".into())
}

/// The UTC bounds of the user's days `from` to `to` (inclusive): from the first's midnight to
/// the midnight after the last; `None` when a midnight does not exist there (a clock change).
pub fn local_days(
    from: NaiveDate,
    to: NaiveDate,
    tz: chrono_tz::Tz,
) -> Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
    let midnight = |d: NaiveDate| local_datetime(&format!("{d}T00:00"), tz).ok().flatten();
    Some((midnight(from)?, midnight(to + chrono::Duration::days(1))?))
}

/// A stored UTC time for a `datetime-local` field in the user's zone.
pub fn datetime_input(t: chrono::NaiveDateTime, tz: chrono_tz::Tz) -> String {
    t.and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The zones a time-zone field suggests (forms.html, `timezone`): where most teams work, west to
/// east. Any other IANA name can be typed; a page does not carry all ~600 of them.
pub const COMMON_TIMEZONES: [&str; 52] = [
    "UTC",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Reykjavik",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Africa/Lagos",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Zurich",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Africa/Johannesburg",
    "Africa/Cairo",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "Africa/Nairobi",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Australia/Perth",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Pacific/Auckland",
];

/// An IANA time zone name as typed ("europe/paris " is Europe/Paris); empty is `None`.
pub fn timezone(value: &str) -> Result<Option<String>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(v))
        .map(|tz| Some(tz.name().to_string()))
        .ok_or_else(|| {
            "No time zone has that name. Type a name like Europe/Paris or America/Chicago, \
             or pick one from the suggestions."
                .into()
        })
}

/// A time zone that must be given.
pub fn required_timezone(value: &str) -> Result<String, String> {
    timezone(value)?.ok_or_else(|| "Enter a time zone, like Europe/Paris.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_any_iana_name_in_any_case() {
        assert_eq!(timezone(" europe/paris "), Ok(Some("Europe/Paris".into())));
        assert_eq!(timezone(""), Ok(None));
        assert!(timezone("Mars/Olympus").is_err());
        assert!(required_timezone("").is_err());
        for name in COMMON_TIMEZONES {
            assert_eq!(timezone(name), Ok(Some(name.to_string())), "{name}");
        }
    }

    #[test]
    fn dates_keep_to_one_sane_range() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(date(" 2026-11-30 "), Ok(Some(d(2026, 11, 30))));
        assert_eq!(date("1900-01-01"), Ok(Some(d(1900, 1, 1))));
        assert_eq!(date("2200-12-31"), Ok(Some(d(2200, 12, 31))));
        assert_eq!(date(""), Ok(None));
        for bad in [
            "1899-12-31",
            "2201-01-01",
            "-262143-01-01",
            "+262142-12-31",
            "+10000-01-01",
            "0001-01-01",
            "-4714-11-24",
            "2026-02-30",
            "26-11-30",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
        let tz = chrono_tz::UTC;
        assert!(local_datetime("+262142-12-31T10:00", tz).is_err());
        assert!(local_datetime("1850-01-01T10:00", tz).is_err());
        assert!(local_datetime("2026-01-01T10:00", tz).is_ok_and(|t| t.is_some()));
    }
}
