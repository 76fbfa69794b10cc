//! Streaks (DESIGN.md, "Streak"): a working day of the organization (its time zone and working
//! days) counts for a user who created a deal or had a payment on their deal verified; the
//! streak is the run of counted working days up to today, without a cap. `record` is called in
//! the transaction of each such event; the sales dashboard reads `streak_of`.

pub mod queries;
pub mod rules;

pub use self::queries::{Calendar, Event, calendar, rebuild, record, streak_of};
