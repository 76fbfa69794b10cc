//! `dealdesk generate-load`: fills one organization with data at scale, to measure the pages
//! as a large customer would use them. Rows go in as multi-row INSERTs of generated values only
//! (no user input reaches this SQL); what follows from them (statuses, balances, rollups) is
//! computed by the same functions the site uses.

mod admin;
mod commissions;
mod sales;

pub use self::admin::{audit, users};
pub use self::sales::{Sizes, sales};
