//! The shared vocabulary every area speaks: money and its rounding, the stored statuses and
//! kinds as enums with their words, select lists, percentages. This floor uses no area and no web
//! plumbing, so an area that needs a word takes it from here, never from another area.

pub mod choices;
pub mod codes;
pub mod kinds;
pub mod money;
pub mod ratio;
pub mod status;

pub use codes::Coded;
pub use kinds::*;
pub use money::Money;
pub use status::*;
