//! The citizen wallet API. Its endpoints arrive with the wallet issue.

use atout_web::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The wallet's routes (none yet).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
