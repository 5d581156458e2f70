//! Atout's domain core.
//!
//! Everything here is independent of HTTP: configuration, the clock, keys and
//! their encryption at rest, the storage layer (SQLite and PostgreSQL behind
//! one [`store::Store`] trait), organisations, the trust registry of
//! accredited issuers and the audit log. Services
//! (`issuer`, `verifier`, `wallet-api`, `did-docs`) depend on this crate,
//! never on one another.

pub mod audit;
pub mod citizens;
pub mod clock;
pub mod config;
pub mod cpu;
pub mod crypto;
pub mod did;
pub mod directory;
pub mod ids;
pub mod mail;
pub mod notify;
pub mod orgs;
pub mod passkeys;
pub mod passwords;
pub mod registry;
pub mod store;
pub mod vault;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::Config;
