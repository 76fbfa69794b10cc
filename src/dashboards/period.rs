//! The dashboard's period: today, this week (from Monday), this month, this year, or a custom
//! range, each compared with the period before it (`Period::previous`).

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

use crate::web::FieldErrors;
use crate::web::dates::date;

pub const KINDS: [(&str, &str); 5] = [
    ("today", "Today"),
    ("week", "This week"),
    ("month", "This month"),
    ("year", "This year"),
    ("custom", "Custom range"),
];

/// A custom range is at most this long, so a page stays a bounded read.
pub const MAX_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    /// Inclusive.
    pub end: NaiveDate,
}

impl Period {
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// The period this one is compared with. A stretch from the start of a calendar week,
    /// month or year (this week, this month, this year so far, or a range shaped alike) is
    /// compared with the same stretch of the week, month or year before: 1 Jan–3 Dec 2026 with
    /// 1 Jan–3 Dec 2025, 1–17 Nov with 1–17 Oct (the day clamped to a shorter month's end). Any
    /// other range, and a single day, with the days of the same number just before it.
    pub fn previous(&self) -> Period {
        let same_year = self.start.year() == self.end.year();
        let same_month = same_year && self.start.month() == self.end.month();
        let back = if self.start == self.end {
            None
        } else if same_year && self.start.ordinal() == 1 {
            Some(Months::new(12))
        } else if same_month && self.start.day() == 1 {
            Some(Months::new(1))
        } else {
            None
        };
        let week = self.start.weekday() == Weekday::Mon && self.days() <= 7 && self.days() > 1;
        // Subtracting months clamps the day to the month's last (29 Feb → 28 Feb).
        let shifted = match back {
            Some(m) => self
                .start
                .checked_sub_months(m)
                .zip(self.end.checked_sub_months(m)),
            None if week => Some((self.start - Duration::days(7), self.end - Duration::days(7))),
            None => None,
        };
        match shifted {
            Some((start, end)) => Period { start, end },
            None => {
                let end = self.start - Duration::days(1);
                Period {
                    start: end - Duration::days(self.days() - 1),
                    end,
                }
            }
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
}

/// The period asked for; a bad custom range is a field error and this month is used instead.
pub fn parse(kind: &str, from: &str, to: &str, today: NaiveDate, e: &mut FieldErrors) -> Period {
    let month = Period {
        start: today.with_day(1).unwrap_or(today),
        end: today,
    };
    match kind {
        "today" => Period {
            start: today,
            end: today,
        },
        "week" => Period {
            start: today - Duration::days(i64::from(today.weekday().num_days_from_monday())),
            end: today,
        },
        "year" => Period {
            start: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            end: today,
        },
        "custom" => {
            let start = e.check("from", date(from)).flatten();
            let end = e.check("to", date(to)).flatten();
            match (start, end) {
                (Some(s), Some(t)) if t < s => {
                    e.add("to", "The end date is before the start date.");
                    month
                }
                (Some(s), Some(t)) if (t - s).num_days() >= MAX_DAYS => {
                    e.add("to", "Choose a range of at most three years.");
                    month
                }
                (Some(s), Some(t)) => Period { start: s, end: t },
                _ => {
                    if !e.has("from") && !e.has("to") {
                        e.add("from", "Enter both dates of the range.");
                    }
                    month
                }
            }
        }
        "" | "month" => month,
        _ => {
            e.add("period", "Choose a period from the list.");
            month
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn periods_and_their_previous_ones() {
        let today = d(2026, 11, 26); // a Thursday
        let mut e = FieldErrors::default();
        let week = parse("week", "", "", today, &mut e);
        assert_eq!((week.start, week.end), (d(2026, 11, 23), today));
        // Monday to Thursday, against Monday to Thursday of the week before.
        assert_eq!(
            week.previous(),
            Period {
                start: d(2026, 11, 16),
                end: d(2026, 11, 19)
            }
        );
        let month = parse("", "", "", today, &mut e);
        assert_eq!((month.start, month.days()), (d(2026, 11, 1), 26));
        assert_eq!(
            month.previous(),
            Period {
                start: d(2026, 10, 1),
                end: d(2026, 10, 26)
            }
        );
        let year = parse("year", "", "", today, &mut e);
        assert_eq!(year.start, d(2026, 1, 1));
        assert_eq!(
            year.previous(),
            Period {
                start: d(2025, 1, 1),
                end: d(2025, 11, 26)
            }
        );
        let day = parse("today", "", "", today, &mut e);
        assert_eq!(day.previous().start, d(2026, 11, 25));
        // 1–31 March against 1–28 February: the day clamps to the shorter month's end.
        let march = Period {
            start: d(2026, 3, 1),
            end: d(2026, 3, 31),
        };
        assert_eq!(march.previous().end, d(2026, 2, 28));
        assert!(e.is_empty());
        let custom = parse("custom", "2026-01-10", "2026-01-19", today, &mut e);
        assert_eq!(
            custom.previous(),
            Period {
                start: d(2025, 12, 31),
                end: d(2026, 1, 9)
            }
        );
        parse("custom", "2026-02-01", "2026-01-01", today, &mut e);
        assert!(e.has("to"));
        let mut e = FieldErrors::default();
        parse("decade", "", "", today, &mut e);
        assert!(e.has("period"));
    }
}
