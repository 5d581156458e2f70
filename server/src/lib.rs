//! The Atout server: one binary that serves every part (DID documents,
//! issuer, verifier, wallet API) and the command line that administers it.

pub mod app;
pub mod cli;
pub mod ops;
pub mod secrets;
pub mod seed;
pub mod serve;
pub mod verifier_mode;

pub use app::{build, App, Context};
pub use serve::{serve, Running};
