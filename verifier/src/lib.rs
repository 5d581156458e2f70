//! The verifier: stateless verification of credentials and presentations,
//! deployable on its own. Its endpoints (`/credentials/verify`,
//! `/presentations/verify`) arrive with the verifier issue; the DID
//! resolution it will use lives in `atout-did-docs`.

use atout_web::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The verifier's routes (none yet).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
