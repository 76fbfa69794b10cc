//! What connects an organization to outside systems: provider configurations and their
//! records (`queries`), sealed credentials and webhook signatures (`secrets`), which addresses
//! may be called (`address`), health checks and lead syncs (`health`), inbound webhooks
//! (`/webhooks/{id}`: received, then processed with retries, in `webhooks`) and a provider's
//! lead (`inbound`). The admin's pages are `crate::admin::integrations`.

pub mod address;
pub mod health;
pub mod inbound;
pub mod queries;
pub mod secrets;
pub mod webhooks;

pub use self::webhooks::configure;
