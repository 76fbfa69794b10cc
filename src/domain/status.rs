//! The statuses records keep, one enum each (DESIGN.md, "How records move"). What moves a record
//! from one to the next is its area's rule; here are only the words.

use crate::coded;

coded! {
    /// A payment's place in verification.
    pub enum PaymentStatus {
        Pending = "pending" => "Pending",
        Verified = "verified" => "Verified",
        Rejected = "rejected" => "Rejected",
        Refunded = "refunded" => "Refunded",
        BadDebt = "bad_debt" => "Bad debt",
    }
}

/// A payment starts waiting for a decision, and the verifier's queue shows those first.
impl Default for PaymentStatus {
    fn default() -> Self {
        Self::Pending
    }
}

coded! {
    /// Where a deal stands, from its payments (a cancelled deal stays cancelled).
    pub enum DealStatus {
        Pending = "pending" => "Pending",
        InProgress = "in_progress" => "In progress",
        Completed = "completed" => "Completed",
        Cancelled = "cancelled" => "Cancelled",
    }
}

coded! {
    /// How much of a deal its verified payments cover.
    pub enum DealPayment {
        Initial = "initial" => "Not paid",
        Partial = "partial" => "Partly paid",
        Full = "full" => "Paid",
    }
}

coded! {
    /// Whether a deal's payments wait for, passed or failed verification.
    pub enum DealVerification {
        Pending = "pending" => "Pending",
        Verified = "verified" => "Verified",
        Rejected = "rejected" => "Rejected",
    }
}

coded! {
    /// A client's balance: nothing owed, owing, or owed long enough to count as bad debt.
    pub enum BalanceStatus {
        Clear = "clear" => "Clear",
        Pending = "pending" => "Pending",
        BadDebt = "bad_debt" => "Bad debt",
    }
}

coded! {
    /// An invoice follows its payment: a draft until issued on approval.
    pub enum InvoiceStatus {
        Pending = "pending" => "Pending",
        Issued = "issued" => "Issued",
        Rejected = "rejected" => "Rejected",
        Refunded = "refunded" => "Refunded",
        Void = "void" => "Void",
    }
}

coded! {
    /// A commission's way to being paid.
    pub enum CommissionStatus {
        Pending = "pending" => "Pending",
        Approved = "approved" => "Approved",
        Paid = "paid" => "Paid",
    }
}

coded! {
    /// A contract's stored status; an active one past its date reads as expired.
    pub enum ContractStatus {
        Active = "active" => "Active",
        Expired = "expired" => "Expired",
        Upgraded = "upgraded" => "Upgraded",
        Downgraded = "downgraded" => "Downgraded",
        Cancelled = "cancelled" => "Cancelled",
        Lost = "lost" => "Lost",
    }
}

coded! {
    /// Where a team's project stands.
    pub enum ProjectStatus {
        Active = "active" => "Active",
        OnHold = "on_hold" => "On hold",
        Completed = "completed" => "Completed",
        Cancelled = "cancelled" => "Cancelled",
    }
}

coded! {
    /// An e-mail's place in the outbox (`mail::outbox`): unconfirmed is a send the server may
    /// have taken after the timeout, which is never retried on its own.
    pub enum MailStatus {
        Pending = "pending" => "Queued",
        Sending = "sending" => "Being sent",
        Sent = "sent" => "Sent",
        Failed = "failed" => "Failed",
        Unconfirmed = "unconfirmed" => "Unconfirmed",
    }
}

coded! {
    /// A provider's webhook event on its way into the records.
    pub enum EventStatus {
        Pending = "pending" => "Pending",
        Processing = "processing" => "Processing",
        Processed = "processed" => "Processed",
        Failed = "failed" => "Failed",
    }
}
