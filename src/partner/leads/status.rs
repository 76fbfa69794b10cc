//! A lead's pipeline: new → contacted → qualified → proposal → negotiation → won | lost. The one
//! rule of which moves are allowed: an open lead may move to any other open stage (forward, or
//! back to correct a mistake), to lost from any open stage (with a reason), and to won from a
//! proposal or a negotiation; won and lost are final.

use crate::coded;

coded! {
    /// A lead's stage in the pipeline.
    pub enum Status {
        New = "new" => "New",
        Contacted = "contacted" => "Contacted",
        Qualified = "qualified" => "Qualified",
        Proposal = "proposal" => "Proposal",
        Negotiation = "negotiation" => "Negotiation",
        Won = "won" => "Won",
        Lost = "lost" => "Lost",
    }
}

use Status::*;

impl Status {
    pub const OPEN: [Status; 5] = [New, Contacted, Qualified, Proposal, Negotiation];

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
            .iter()
            .copied()
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
