//! Call metrics (DESIGN.md, "Call"): over a range, total calls, show rate = completed ÷ all,
//! close rate = won ÷ completed, and the top five loss reasons as a share of lost calls; any
//! division by zero shows 0. Made from a few grouped counts, never from the calls themselves.

use crate::domain::ratio::percent;
use crate::domain::{CallOutcome, CallStatus};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub total: i64,
    pub completed: i64,
    pub won: i64,
    pub lost: i64,
}

impl Figures {
    pub fn add(&mut self, status: CallStatus, outcome: Option<CallOutcome>, n: i64) {
        self.total += n;
        if status == CallStatus::Completed {
            self.completed += n;
            match outcome {
                Some(CallOutcome::Won) => self.won += n,
                Some(CallOutcome::Lost) => self.lost += n,
                _ => {}
            }
        }
    }

    pub fn show_rate(&self) -> String {
        percent(self.completed, self.total)
    }

    pub fn close_rate(&self) -> String {
        percent(self.won, self.completed)
    }
}

/// One line of a breakdown: a person's or a team's name and figures.
pub struct Line {
    pub name: String,
    pub figures: Figures,
}

pub struct Metrics {
    pub all: Figures,
    pub people: Vec<Line>,
    pub teams: Vec<Line>,
    /// The top five loss reasons: name, lost calls, share of lost calls.
    pub reasons: Vec<(String, i64, String)>,
}

/// `tallies`: (user, status, outcome, count); `who`: user → (name, team name).
pub fn compute(
    tallies: &[super::queries::Tally],
    who: &BTreeMap<i64, (String, Option<String>)>,
    losses: &[(String, i64)],
) -> Metrics {
    let mut all = Figures::default();
    let mut people: BTreeMap<String, Figures> = BTreeMap::new();
    let mut teams: BTreeMap<String, Figures> = BTreeMap::new();
    for (user, status, outcome, n) in tallies {
        all.add(*status, *outcome, *n);
        let (name, team) = who
            .get(user)
            .cloned()
            .unwrap_or_else(|| ("Someone".into(), None));
        people.entry(name).or_default().add(*status, *outcome, *n);
        teams
            .entry(team.unwrap_or_else(|| "No team".into()))
            .or_default()
            .add(*status, *outcome, *n);
    }
    let lines = |m: BTreeMap<String, Figures>| {
        let mut v: Vec<Line> = m
            .into_iter()
            .map(|(name, figures)| Line { name, figures })
            .collect();
        v.sort_by(|a, b| {
            b.figures
                .total
                .cmp(&a.figures.total)
                .then(a.name.cmp(&b.name))
        });
        v
    };
    let lost: i64 = losses.iter().map(|(_, n)| n).sum();
    let mut reasons: Vec<(String, i64)> = losses.to_vec();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    reasons.truncate(5);
    Metrics {
        all,
        people: lines(people),
        teams: lines(teams),
        reasons: reasons
            .into_iter()
            .map(|(name, n)| (name, n, percent(n, lost)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_follow_the_formulas_and_zero_divides_to_zero() {
        let mut f = Figures::default();
        assert_eq!(
            (f.show_rate(), f.close_rate()),
            ("0 %".into(), "0 %".into())
        );
        f.add(CallStatus::NoShow, None, 2);
        assert_eq!(
            (f.show_rate(), f.close_rate()),
            ("0 %".into(), "0 %".into())
        );
        f.add(CallStatus::Completed, Some(CallOutcome::Won), 1);
        f.add(CallStatus::Completed, Some(CallOutcome::Lost), 1);
        f.add(CallStatus::Completed, None, 1);
        f.add(CallStatus::Rescheduled, None, 3);
        // 3 of 8 completed; 1 of 3 won.
        assert_eq!(
            (f.show_rate(), f.close_rate()),
            ("37.5 %".into(), "33.3 %".into())
        );
        assert_eq!(percent(2, 3), "66.7 %");
        assert_eq!(percent(1, 1), "100 %");
    }

    #[test]
    fn breakdowns_by_person_team_and_reason() {
        let who = BTreeMap::from([
            (1, ("Sam".to_string(), Some("Inside".to_string()))),
            (2, ("Lena".to_string(), Some("Inside".to_string()))),
            (3, ("Omar".to_string(), None)),
        ]);
        let tallies = vec![
            (1, CallStatus::Completed, Some(CallOutcome::Won), 3),
            (2, CallStatus::Completed, Some(CallOutcome::Lost), 1),
            (3, CallStatus::NoShow, None, 2),
        ];
        let losses: Vec<(String, i64)> = [
            "Price", "Timing", "Price", "Budget", "Fit", "Other", "Rival",
        ]
        .iter()
        .map(|n| (n.to_string(), 1))
        .collect();
        let m = compute(&tallies, &who, &losses);
        assert_eq!(m.all.total, 6);
        assert_eq!(m.teams[0].name, "Inside");
        assert_eq!(m.teams[0].figures.close_rate(), "75 %");
        assert_eq!(m.people[0].name, "Sam");
        assert_eq!(m.reasons.len(), 5);
        assert_eq!(m.reasons[0].2, "14.3 %");
    }
}
