//! TODO(issue 19)

use crate::PortalState;
use axum::Router;

pub fn router() -> Router<PortalState> {
    Router::new()
}
