//! The streak rule (DESIGN.md, "Streak") on dates alone: which days are working days, how a
//! counted day extends the streak before it, and what the streak is today.

use chrono::{Datelike, Duration, NaiveDate};

/// Whether `day` is one of the organization's working days (bit 0 is Monday, bit 6 Sunday).
pub fn is_working_day(mask: i32, day: NaiveDate) -> bool {
    mask & (1 << day.weekday().num_days_from_monday()) != 0
}

/// The working day before `day`; `None` when the organization has no working day at all.
pub fn previous_working_day(mask: i32, day: NaiveDate) -> Option<NaiveDate> {
    (1..=7)
        .map(|back| day - Duration::days(back))
        .find(|d| is_working_day(mask, *d))
}

/// The streak a newly counted `day` reaches, given the latest counted day before it and its
/// streak: one more when that was the working day just before, else a new streak of one.
/// Days off in between neither count nor break it.
pub fn extend(mask: i32, day: NaiveDate, before: Option<(NaiveDate, i32)>) -> i32 {
    match before {
        Some((last, count)) if previous_working_day(mask, day) == Some(last) => count + 1,
        _ => 1,
    }
}

/// The streak as of `today`, from the latest counted day up to today: it still stands while
/// today's work may yet count (the last counted day is today or the working day before it),
/// and is broken once a whole working day passed without one.
pub fn current(mask: i32, today: NaiveDate, latest: Option<(NaiveDate, i32)>) -> i32 {
    match latest {
        Some((day, count))
            if day == today || previous_working_day(mask, today).is_some_and(|p| day >= p) =>
        {
            count
        }
        _ => 0,
    }
}

/// Streak counts for days in order (each day: whether it counts), as `extend` would have
/// written them one by one; non-counted days get 0. Used to rebuild a user's records at once.
pub fn counts(mask: i32, days: &[(NaiveDate, bool)]) -> Vec<i32> {
    let mut last: Option<(NaiveDate, i32)> = None;
    days.iter()
        .map(|(day, counted)| {
            if !counted {
                return 0;
            }
            let n = extend(mask, *day, last);
            last = Some((*day, n));
            n
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEKDAYS: i32 = 0b001_1111;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_weekend_neither_counts_nor_breaks_the_streak() {
        // Thursday 2026-11-26, Friday 27, Monday 30.
        let fri = extend(WEEKDAYS, d("2026-11-27"), Some((d("2026-11-26"), 4)));
        assert_eq!(fri, 5);
        assert_eq!(
            extend(WEEKDAYS, d("2026-11-30"), Some((d("2026-11-27"), 5))),
            6
        );
        assert_eq!(
            current(WEEKDAYS, d("2026-11-28"), Some((d("2026-11-27"), 5))),
            5
        );
        assert_eq!(
            current(WEEKDAYS, d("2026-11-29"), Some((d("2026-11-27"), 5))),
            5
        );
        assert!(!is_working_day(WEEKDAYS, d("2026-11-29")));
    }

    #[test]
    fn a_missed_working_day_starts_again() {
        // Nothing on Tuesday 2026-11-24: Wednesday starts a new streak.
        assert_eq!(
            extend(WEEKDAYS, d("2026-11-25"), Some((d("2026-11-23"), 9))),
            1
        );
        // On Wednesday, with Monday the last counted day, the streak is already broken.
        assert_eq!(
            current(WEEKDAYS, d("2026-11-25"), Some((d("2026-11-23"), 9))),
            0
        );
        // On Tuesday it still stands: Tuesday's work may yet count.
        assert_eq!(
            current(WEEKDAYS, d("2026-11-24"), Some((d("2026-11-23"), 9))),
            9
        );
        assert_eq!(current(WEEKDAYS, d("2026-11-24"), None), 0);
    }

    #[test]
    fn other_working_weeks_and_long_streaks() {
        // Sunday to Thursday.
        let mask = 0b100_1111;
        assert_eq!(
            previous_working_day(mask, d("2026-11-29")),
            Some(d("2026-11-26"))
        );
        assert_eq!(extend(mask, d("2026-11-29"), Some((d("2026-11-26"), 2))), 3);
        assert_eq!(previous_working_day(0, d("2026-11-29")), None);
        // No cap: a year of working days is a streak of 261.
        let days: Vec<(NaiveDate, bool)> = (0..365)
            .map(|i| d("2026-01-01") + Duration::days(i))
            .map(|day| (day, is_working_day(WEEKDAYS, day)))
            .collect();
        assert_eq!(counts(WEEKDAYS, &days).into_iter().max(), Some(261));
    }
}
