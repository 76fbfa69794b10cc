//! The leaderboard as the dashboard shows it: people and teams ranked by verified sales in the
//! period, the viewer marked, and kept in sight when they are not among the first.

use std::collections::BTreeMap;

use super::figures::Leader;

/// How many people the board lists before the viewer's own line.
const SHOWN: usize = 10;

pub struct Line {
    pub rank: usize,
    pub name: String,
    pub value: String,
    pub is_you: bool,
}

pub struct Board {
    pub people: Vec<Line>,
    pub teams: Vec<Line>,
}

/// Ranks `leaders` (best first, as loaded); equal sums share a rank.
pub fn board(
    leaders: &[Leader],
    you: i64,
    you_team: Option<&str>,
    m: impl Fn(i64) -> String,
) -> Board {
    let person_ranks = ranks(leaders.iter().map(|l| l.verified_minor));
    let people = leaders
        .iter()
        .zip(&person_ranks)
        .enumerate()
        .filter(|(i, (l, _))| *i < SHOWN || l.user_id == you)
        .map(|(_, (l, rank))| Line {
            rank: *rank,
            name: format!("{} {}", l.first_name, l.last_name),
            value: m(l.verified_minor),
            is_you: l.user_id == you,
        })
        .collect();
    let mut by_team: BTreeMap<&str, i64> = BTreeMap::new();
    for l in leaders {
        *by_team
            .entry(l.team.as_deref().unwrap_or("No team"))
            .or_default() += l.verified_minor;
    }
    let mut teams: Vec<(&str, i64)> = by_team.into_iter().collect();
    teams.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let team_ranks = ranks(teams.iter().map(|t| t.1));
    Board {
        teams: teams
            .iter()
            .zip(team_ranks)
            .map(|((name, minor), rank)| Line {
                rank,
                name: name.to_string(),
                value: m(*minor),
                is_you: you_team == Some(*name),
            })
            .collect(),
        people,
    }
}

/// Competition ranks of values sorted best first: 1, 2, 2, 4.
fn ranks(values: impl Iterator<Item = i64>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut last: Option<i64> = None;
    for (i, v) in values.enumerate() {
        let rank = match (last, out.last()) {
            (Some(l), Some(r)) if l == v => *r,
            _ => i + 1,
        };
        out.push(rank);
        last = Some(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leader(user_id: i64, team: Option<&str>, minor: i64) -> Leader {
        Leader {
            user_id,
            first_name: format!("P{user_id}"),
            last_name: "X".into(),
            team: team.map(str::to_string),
            verified_minor: minor,
        }
    }

    #[test]
    fn ties_share_a_rank_and_the_viewer_stays_in_sight() {
        let mut leaders: Vec<Leader> = (1..=12)
            .map(|i| leader(i, Some("North"), 1_000 - i))
            .collect();
        leaders.insert(1, leader(99, None, 999));
        leaders.push(leader(50, Some("South"), 5));
        let b = board(&leaders, 50, Some("South"), |v| v.to_string());
        assert_eq!(b.people.len(), 11);
        let last = b.people.last().expect("viewer");
        assert!(last.is_you);
        assert_eq!(last.rank, 14);
        // 999 twice: both first, the next one third.
        assert_eq!(
            (b.people[0].rank, b.people[1].rank, b.people[2].rank),
            (1, 1, 3)
        );
        let teams: Vec<(&str, usize, bool)> = b
            .teams
            .iter()
            .map(|t| (t.name.as_str(), t.rank, t.is_you))
            .collect();
        assert_eq!(
            teams,
            vec![
                ("North", 1, false),
                ("No team", 2, false),
                ("South", 3, true)
            ]
        );
    }
}
