//! The kinds records are sorted by: how a payment was made, why it failed, what a call was.

use crate::coded;

coded! {
    /// Where a payment stands in its deal's plan.
    pub enum PaymentCategory {
        Advance = "advance" => "Advance",
        Partial = "partial" => "Partial",
        Final = "final" => "Final",
    }
}

coded! {
    /// How money was paid.
    pub enum PaymentMethod {
        BankTransfer = "bank_transfer" => "Bank transfer",
        Card = "card" => "Card",
        Cash = "cash" => "Cash",
        Cheque = "cheque" => "Cheque",
        Wallet = "wallet" => "Wallet",
    }
}

coded! {
    /// Why a verifier rejected a payment, as the seed names the reasons.
    pub enum FailureReason {
        InsufficientFunds = "insufficient_funds" => "Insufficient funds",
        BankDecline = "bank_decline" => "Bank decline",
        TechnicalError = "technical_error" => "Technical error",
        ChequeBounce = "cheque_bounce" => "Cheque bounce",
        ReceivedNotReflected = "received_not_reflected" => "Received but not reflected",
        Other = "other" => "Other",
    }
}

coded! {
    /// Where a deal came from.
    pub enum DealSource {
        Other = "other" => "Other",
        Referral = "referral" => "Referral",
        Linkedin = "linkedin" => "LinkedIn",
        Instagram = "instagram" => "Instagram",
        Google = "google" => "Google",
    }
}

coded! {
    /// Who called whom.
    pub enum CallType {
        Outbound = "outbound" => "Outbound",
        Inbound = "inbound" => "Inbound",
    }
}

coded! {
    /// Whether a call took place.
    pub enum CallStatus {
        Completed = "completed" => "Completed",
        NoShow = "no_show" => "No-show",
        Rescheduled = "rescheduled" => "Rescheduled",
    }
}

coded! {
    /// What a completed call came to.
    pub enum CallOutcome {
        Won = "won" => "Won",
        Lost = "lost" => "Lost",
        Tbd = "tbd" => "To be decided",
    }
}
