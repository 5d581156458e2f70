//! Atout's *Construire* function: the reference frameworks (search,
//! concepts, imports), and what a person builds on them.

pub mod frameworks;
pub mod trainings;

use atout_web::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(frameworks::router())
        .merge(trainings::router())
}
