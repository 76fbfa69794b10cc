//! Commissions (DESIGN.md, "Commission"): one row per deal with a verified payment and its
//! owner, kept by `sync` in the transaction of every verification decision: base = what the deal
//! has verified, commission = base × rate (the user's, else the role's, else the organization's
//! default), converted into the organization's currency at the deal's rate, final = converted +
//! bonus − penalty. Statements, approval and payment come with their pages.

pub mod queries;
pub mod rules;

pub use self::queries::sync;
