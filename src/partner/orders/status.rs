//! An order's life (an order in created or sent is a quote): created → sent → in fulfillment →
//! fulfilled; cancelled before it is fulfilled, with a reason. The one rule of who moves it:
//! partners, distributors and staff who create orders send them; fulfillers (and admins) start
//! and finish fulfillment; only admins cancel.

use crate::coded;
use crate::permissions::{Permission, PermissionSet};

coded! {
    /// An order's place between quote and delivery.
    pub enum Status {
        Created = "created" => "Quote (draft)",
        Sent = "sent" => "Quote sent",
        InFulfillment = "in_fulfillment" => "In fulfillment",
        Fulfilled = "fulfilled" => "Fulfilled",
        Cancelled = "cancelled" => "Cancelled",
    }
}

use Status::*;

impl Status {
    pub fn is_quote(self) -> bool {
        matches!(self, Created | Sent)
    }
}

/// A move of an order, as its form names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Send,
    Start,
    Fulfil,
    Cancel,
}

impl Action {
    /// Why the action does not apply to an order in `from`.
    pub fn refusal(self, from: Status) -> String {
        let done = match self {
            Self::Send => "sent",
            Self::Start => "put into fulfillment",
            Self::Fulfil => "fulfilled",
            Self::Cancel => "cancelled",
        };
        format!(
            "An order that is {} cannot be {done}.",
            from.label().to_lowercase()
        )
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "send" => Some(Self::Send),
            "start" => Some(Self::Start),
            "fulfil" => Some(Self::Fulfil),
            "cancel" => Some(Self::Cancel),
            _ => None,
        }
    }

    /// Where the action goes from `from`; `None` when it does not apply there.
    pub fn target(self, from: Status) -> Option<Status> {
        match (self, from) {
            (Self::Send, Created) => Some(Sent),
            (Self::Start, Sent) => Some(InFulfillment),
            (Self::Fulfil, InFulfillment) => Some(Fulfilled),
            (Self::Cancel, Created | Sent | InFulfillment) => Some(Cancelled),
            _ => None,
        }
    }

    /// Whether these permissions allow the action (the scope decides which orders).
    pub fn allowed(self, perms: PermissionSet) -> bool {
        match self {
            Self::Send => perms.contains(Permission::OrdersCreate),
            Self::Start | Self::Fulfil => perms.contains(Permission::OrdersFulfill),
            Self::Cancel => perms.contains(Permission::OrgManage),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Send => "Send the quote",
            Self::Start => "Start fulfillment",
            Self::Fulfil => "Mark fulfilled",
            Self::Cancel => "Cancel the order",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Send => "send",
            Self::Start => "start",
            Self::Fulfil => "fulfil",
            Self::Cancel => "cancel",
        }
    }

    /// The actions this user may take on an order in `from`.
    pub fn available(from: Status, perms: PermissionSet) -> Vec<Action> {
        [Self::Send, Self::Start, Self::Fulfil, Self::Cancel]
            .into_iter()
            .filter(|a| a.target(from).is_some() && a.allowed(perms))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_move_forward_and_are_cancelled_only_before_fulfilled() {
        assert_eq!(Action::Send.target(Created), Some(Sent));
        assert_eq!(Action::Start.target(Created), None);
        assert_eq!(Action::Fulfil.target(Sent), None);
        assert_eq!(Action::Fulfil.target(InFulfillment), Some(Fulfilled));
        assert_eq!(Action::Cancel.target(InFulfillment), Some(Cancelled));
        assert_eq!(Action::Cancel.target(Fulfilled), None);
        assert_eq!(Action::Cancel.target(Cancelled), None);
        for &s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
    }
}
