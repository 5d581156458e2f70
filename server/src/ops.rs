//! Operations endpoints: `/healthz` (the process is up), `/readyz` (the
//! database answers), `/metrics` (Prometheus; admin token, unless served on
//! its own `metrics_listen` address), `/openapi.json`. Health, readiness and
//! the OpenAPI document are public.

use atout_web::{auth::AdminOnly, ApiError, AppState, Json};
use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Serialize;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

pub fn router(metrics_on_main_port: bool) -> OpenApiRouter<AppState> {
    let router = OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz));
    if metrics_on_main_port {
        router.routes(routes!(metrics))
    } else {
        router
    }
}

pub fn openapi_router(doc: utoipa::openapi::OpenApi) -> OpenApiRouter<AppState> {
    let json = std::sync::Arc::new(doc.to_pretty_json().unwrap_or_else(|_| "{}".to_owned()));
    OpenApiRouter::new().route(
        "/openapi.json",
        get(move || {
            let json = json.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    )],
                    (*json).clone(),
                )
            }
        }),
    )
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The process can serve: the database answers.
#[utoipa::path(
    get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, body = Health),
        (status = 503, body = atout_web::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    match tokio::time::timeout(std::time::Duration::from_secs(3), state.store.ping()).await {
        Ok(Ok(())) => Ok(Json(Health { status: "ready" })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError::unavailable("The database does not answer."))
        }
        Err(_) => Err(ApiError::unavailable(
            "The database did not answer in time.",
        )),
    }
}

/// Prometheus metrics (platform admin).
#[utoipa::path(
    get, path = "/metrics", tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Prometheus text exposition", content_type = "text/plain"),
        (status = 401, body = atout_web::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = atout_web::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn metrics(State(state): State<AppState>, AdminOnly(_admin): AdminOnly) -> Response {
    metrics_text(&state)
}

fn metrics_text(state: &AppState) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        state.metrics.render(state.store.as_ref()),
    )
        .into_response()
}

/// The router for a separate metrics listener (no authentication: bind it
/// to an internal address).
pub fn metrics_only(state: AppState) -> Router {
    let router = Router::new()
        .route(
            "/metrics",
            get(|State(state): State<AppState>| async move { metrics_text(&state) }),
        )
        .fallback(atout_web::middleware::not_found)
        .method_not_allowed_fallback(atout_web::middleware::method_not_allowed)
        .with_state(state.clone());
    crate::app::with_plumbing(router, &state.config, state.metrics.clone())
}
