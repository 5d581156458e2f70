//! DID documents served by Atout (the platform's and each organisation's
//! did:web) and DID resolution for the verifier.

pub mod document;
pub mod resolver;
pub mod routes;
#[cfg(test)]
mod ssi_bridge;

pub use document::document_for;
pub use resolver::{GuardedHttp, Resolver, WebResolver};
pub use routes::router;
