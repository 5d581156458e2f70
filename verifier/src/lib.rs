//! The verifier: verification of credentials and presentations that works
//! without contacting the issuer, deployable on its own (stateless).
//!
//! * [`engine`]: the checks (proof, issuer key, validity period,
//!   revocation, suspension, issuer trust, schema), each `ok`, `failed` or
//!   `could-not-check`.
//! * [`sources`]: the trust registry and status lists, from the database,
//!   over HTTP, or from an offline snapshot.
//! * [`api`]: `POST /credentials/verify`, `POST /presentations/verify`.

pub mod api;
pub mod engine;
pub mod i18n;
pub mod page;
/// QR codes (shared with the issuer: offer links).
pub use atout_web::qr;
pub mod registry;
pub mod registry_api;
pub mod report;
pub mod snapshot;
pub mod sources;
pub mod wallet_check;

pub use engine::{Malformed, Verifier, VerifierParts, VerifyOptions};

use atout_core::store::Store;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

/// What the verifier's routes need. No database is needed for the API and
/// the paste page; token pages read (only) from `store`.
#[derive(Clone)]
pub struct VerifierState {
    pub verifier: Arc<Verifier>,
    /// Public base URL, without a trailing slash.
    pub base: String,
    /// Read-only use: a verification link's credential.
    pub store: Option<Arc<dyn Store>>,
    /// Shares, opened by their links (`/s/{token}`); none on a verifier
    /// deployed alone.
    pub shares: Option<Arc<dyn atout_web::share::SharedPortfolios>>,
    /// Per-address rate limits (verification links); shared with the
    /// wallet's when the full server runs.
    pub limits: Arc<atout_web::limits::AddressLimits>,
}

/// The verifier's routes, with their state applied.
pub fn router<S: Clone + Send + Sync + 'static>(state: VerifierState) -> OpenApiRouter<S> {
    api::router().merge(page::router()).with_state(state)
}
