//! Administration of the trust registry (platform admin only).
//!
//! | route | what it does |
//! |---|---|
//! | `GET /admin/registry` | the accredited issuers |
//! | `PUT /admin/registry/issuers/{did}` | add or replace one |
//! | `GET`, `DELETE /admin/registry/issuers/{did}` | read, remove one |
//! | `GET /admin/registry/export` | the registry as a VC signed by the platform |
//! | `POST /admin/registry/import` | replace the registry with a signed document |
//!
//! The DID in the path is percent-encoded: its own `%` (`did:web:host%3A8443`)
//! becomes `%25`.

use crate::registry::{self, EngineVerifier, ImportOutcome, RegistryDocError};
use atout_core::registry::{parse_time, LocalizedName, Registry, RegistryError, TrustedIssuer};
use atout_web::{auth::AdminOnly, problem::ProblemBody, ApiError, AppState, Json, Path};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_issuers))
        .routes(routes!(get_issuer, put_issuer, delete_issuer))
        .routes(routes!(export_registry))
        .routes(routes!(import_registry))
}

fn registry(state: &AppState) -> Registry {
    Registry::new(state.store.clone(), state.clock.clone())
}

/// A registry error as a problem: invalid input names its field.
pub fn registry_problem(e: RegistryError) -> ApiError {
    match e {
        RegistryError::Invalid(invalid) => {
            ApiError::unprocessable(invalid.to_string()).with("field", invalid.field)
        }
        RegistryError::NotFound(_) => ApiError::not_found(e.to_string()),
        RegistryError::Store(s) => s.into(),
    }
}

/// A registry document error as a problem.
pub fn document_problem(e: RegistryDocError) -> ApiError {
    match e {
        RegistryDocError::Malformed(invalid) => {
            ApiError::unprocessable(format!("Not a trust registry document: {invalid}"))
                .with("field", invalid.field)
        }
        RegistryDocError::WrongIssuer { .. } => {
            ApiError::unprocessable(e.to_string()).with("field", "issuer")
        }
        RegistryDocError::Proof(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-signature",
            "The document does not verify",
        )
        .detail(e.to_string())
        .with("field", "proof"),
        RegistryDocError::Registry(r) => registry_problem(r),
        RegistryDocError::Sign(_) => ApiError::internal(e),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuerList {
    pub items: Vec<TrustedIssuer>,
}

/// `PUT /admin/registry/issuers/{did}` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IssuerBody {
    /// Optional; when given, it must be the DID of the path.
    pub did: Option<String>,
    /// Official names (1-200 characters each): what verifiers show.
    pub name: LocalizedName,
    /// The accreditation, in words (1-500 characters).
    #[schema(example = "Certificateur RNCP, France Compétences")]
    pub accreditation: String,
    /// An https URL where the accreditation can be checked.
    pub accreditation_url: Option<String>,
    /// RFC 3339 date-time or date; defaults to the entry's current value, or now.
    #[schema(example = "2026-01-01T00:00:00Z")]
    pub valid_from: Option<String>,
    /// RFC 3339 date-time or date (inclusive), after `validFrom`; absent: no end.
    pub valid_until: Option<String>,
}

/// The accredited issuers, by DID.
#[utoipa::path(
    get, path = "/admin/registry", tag = "trust registry",
    security(("bearer" = [])),
    responses(
        (status = 200, body = IssuerList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_issuers(
    State(state): State<AppState>,
    AdminOnly(_admin): AdminOnly,
) -> Result<Json<IssuerList>, ApiError> {
    Ok(Json(IssuerList {
        items: registry(&state).list().await.map_err(registry_problem)?,
    }))
}

/// One accredited issuer.
#[utoipa::path(
    get, path = "/admin/registry/issuers/{did}", tag = "trust registry",
    security(("bearer" = [])),
    params(("did" = String, Path, description = "The issuer's DID, percent-encoded")),
    responses(
        (status = 200, body = TrustedIssuer),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_issuer(
    State(state): State<AppState>,
    AdminOnly(_admin): AdminOnly,
    Path(did): Path<String>,
) -> Result<Json<TrustedIssuer>, ApiError> {
    Ok(Json(
        registry(&state).get(&did).await.map_err(registry_problem)?,
    ))
}

/// Add an accredited issuer, or replace its entry. 201 when added, 200
/// when replaced.
#[utoipa::path(
    put, path = "/admin/registry/issuers/{did}", tag = "trust registry",
    security(("bearer" = [])),
    params(("did" = String, Path, description = "The issuer's DID (did:web or did:key), percent-encoded")),
    request_body = IssuerBody,
    responses(
        (status = 200, body = TrustedIssuer, description = "Replaced"),
        (status = 201, body = TrustedIssuer, description = "Added"),
        (status = 400, body = ProblemBody, description = "Malformed JSON", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Invalid field (named in `field`) or unknown field", content_type = "application/problem+json"),
    )
)]
async fn put_issuer(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    Path(did): Path<String>,
    Json(body): Json<IssuerBody>,
) -> Result<Response, ApiError> {
    let invalid = |field: &str, message: &str| {
        ApiError::unprocessable(format!("{field}: {message}")).with("field", field)
    };
    if body.did.as_ref().is_some_and(|d| *d != did) {
        return Err(invalid("did", "is not the DID of the path"));
    }
    let registry = registry(&state);
    let time = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| parse_time(field, t))
            .transpose()
            .map_err(|e| registry_problem(e.into()))
    };
    let valid_until = time("validUntil", &body.valid_until)?;
    let valid_from = match time("validFrom", &body.valid_from)? {
        Some(t) => t,
        None => registry
            .default_valid_from(&did)
            .await
            .map_err(registry_problem)?,
    };
    let (entry, created) = registry
        .upsert(
            &admin.actor(),
            TrustedIssuer {
                did,
                name: body.name,
                accreditation: body.accreditation,
                accreditation_url: body.accreditation_url,
                valid_from,
                valid_until,
            },
        )
        .await
        .map_err(registry_problem)?;
    tracing::info!(created, "trusted issuer saved");
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(entry)).into_response())
}

/// Remove an issuer from the registry: verifiers stop naming it at once.
#[utoipa::path(
    delete, path = "/admin/registry/issuers/{did}", tag = "trust registry",
    security(("bearer" = [])),
    params(("did" = String, Path, description = "The issuer's DID, percent-encoded")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_issuer(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    Path(did): Path<String>,
) -> Result<StatusCode, ApiError> {
    registry(&state)
        .remove(&admin.actor(), &did)
        .await
        .map_err(registry_problem)?;
    tracing::info!("trusted issuer removed");
    Ok(StatusCode::NO_CONTENT)
}

/// The registry as a `TrustRegistryCredential` (VC 2.0) issued and signed
/// now by the platform's DID (eddsa-rdfc-2022): for offline verifiers and
/// for import elsewhere.
#[utoipa::path(
    get, path = "/admin/registry/export", tag = "trust registry",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed registry document", content_type = "application/vc+ld+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn export_registry(
    State(state): State<AppState>,
    AdminOnly(_admin): AdminOnly,
) -> Result<Response, ApiError> {
    let signed = registry::export(&state).await.map_err(document_problem)?;
    let mut response = signed.text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vc+ld+json"),
    );
    Ok(response)
}

/// Replace the whole registry with a signed registry document (as
/// exported). Its issuer must be the registry authority and its proof must
/// verify; the replacement is atomic, with one audit line.
#[utoipa::path(
    post, path = "/admin/registry/import", tag = "trust registry",
    security(("bearer" = [])),
    request_body(content = Object, description = "A signed TrustRegistryCredential"),
    responses(
        (status = 200, body = ImportOutcome),
        (status = 400, body = ProblemBody, description = "Malformed JSON", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Not a registry document, wrong issuer, or the proof does not verify", content_type = "application/problem+json"),
    )
)]
async fn import_registry(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    Json(document): Json<Value>,
) -> Result<Json<ImportOutcome>, ApiError> {
    let verifier = EngineVerifier::new(&state);
    let outcome = registry::import(&state, &admin.actor(), &document, &verifier)
        .await
        .map_err(document_problem)?;
    tracing::info!(count = outcome.count, "trust registry imported");
    Ok(Json(outcome))
}
