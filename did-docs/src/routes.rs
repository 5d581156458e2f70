//! `GET /.well-known/did.json` (the platform) and
//! `GET /orgs/{slug}/did.json` (each organisation). Public.

use crate::document::local_document;
use atout_core::did::DidDocument;
use atout_web::{ApiError, AppState, Path};
use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(platform_did))
        .routes(routes!(org_did))
}

fn did_json(doc: &DidDocument) -> Response {
    let mut response = axum::Json(doc).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/did+json"),
    );
    // Verifiers anywhere (including browsers) fetch these.
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    response
}

/// The platform's DID document (did:web of the base URL).
#[utoipa::path(
    get,
    path = "/.well-known/did.json",
    tag = "did",
    responses((status = 200, description = "DID document", content_type = "application/did+json"))
)]
async fn platform_did(State(state): State<AppState>) -> Result<Response, ApiError> {
    let doc = local_document(state.store.as_ref(), state.orgs.did_web(), None)
        .await?
        .ok_or_else(|| ApiError::internal("the platform has no document"))?;
    Ok(did_json(&doc))
}

/// An organisation's DID document: Multikey verification methods; active
/// keys for assertion and authentication, retired keys for assertion only.
#[utoipa::path(
    get,
    path = "/orgs/{slug}/did.json",
    tag = "did",
    params(("slug" = String, Path, description = "Organisation slug")),
    responses(
        (status = 200, description = "DID document", content_type = "application/did+json"),
        (status = 404, description = "No such organisation", body = atout_web::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_did(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let doc = local_document(state.store.as_ref(), state.orgs.did_web(), Some(&slug))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "No organisation with a did:web DID has this slug (an organisation identified \
                 by a did:key has no DID document here: a did:key resolves itself).",
            )
        })?;
    Ok(did_json(&doc))
}
