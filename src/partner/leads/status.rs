//! A lead's pipeline: new → contacted → qualified → proposal → negotiation → won | lost. The one
//! rule of which moves are allowed: an open lead may move to any other open stage (forward, or
//! back to correct a mistake), to lost from any open stage (with a reason), and to won from a
//! proposal or a negotiation; won and lost are final.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    New,
    Contacted,
    Qualified,
    Proposal,
    Negotiation,
    Won,
    Lost,
}

use Status::*;

impl Status {
    pub const ALL: [Status; 7] = [New, Contacted, Qualified, Proposal, Negotiation, Won, Lost];
    pub const OPEN: [Status; 5] = [New, Contacted, Qualified, Proposal, Negotiation];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn code(self) -> &'static str {
        match self {
            New => "new",
            Contacted => "contacted",
            Qualified => "qualified",
            Proposal => "proposal",
            Negotiation => "negotiation",
            Won => "won",
            Lost => "lost",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            New => "New",
            Contacted => "Contacted",
            Qualified => "Qualified",
            Proposal => "Proposal",
            Negotiation => "Negotiation",
            Won => "Won",
            Lost => "Lost",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Won | Lost)
    }

    /// Whether a lead in `self` may move to `to`.
    pub fn may_move_to(self, to: Status) -> bool {
        self != to
            && self.is_open()
            && match to {
                Lost => true,
                Won => matches!(self, Proposal | Negotiation),
                _ => true,
            }
    }

    /// The stages a lead in `self` may move to, in pipeline order.
    pub fn moves(self) -> Vec<Status> {
        Self::ALL
            .into_iter()
            .filter(|to| self.may_move_to(*to))
            .collect()
    }

    /// The usual next step: the following stage, won after a negotiation; `None` at the end.
    pub fn next(self) -> Option<Status> {
        match self {
            New => Some(Contacted),
            Contacted => Some(Qualified),
            Qualified => Some(Proposal),
            Proposal => Some(Negotiation),
            Negotiation => Some(Won),
            Won | Lost => None,
        }
    }

    /// Moving to lost needs a reason; other moves may give one.
    pub fn needs_reason(self) -> bool {
        self == Lost
    }
}

/// A label for a stored status code (history lines keep codes).
pub fn label(code: &str) -> &'static str {
    Status::parse(code).map_or("—", Status::label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_leads_move_anywhere_open_lost_from_all_won_only_late_and_the_end_is_final() {
        for s in Status::OPEN {
            assert!(s.may_move_to(Lost), "{s:?}");
            assert!(!s.may_move_to(s));
        }
        assert!(New.may_move_to(Qualified));
        assert!(Qualified.may_move_to(Contacted));
        assert!(!New.may_move_to(Won));
        assert!(!Qualified.may_move_to(Won));
        assert!(Proposal.may_move_to(Won) && Negotiation.may_move_to(Won));
        assert!(Won.moves().is_empty() && Lost.moves().is_empty());
        for s in Status::OPEN {
            assert!(s.next().is_some_and(|n| s.may_move_to(n)), "{s:?}");
        }
        assert_eq!(
            Negotiation.moves(),
            [New, Contacted, Qualified, Proposal, Won, Lost]
        );
    }
}
