//! The W3C VC-API verification endpoints. Public: anyone may verify.
//!
//! * 200: verified;
//! * 422: checked and not verified (a failed check, or one that could not
//!   be made), with the same body: `verified: false` and every check;
//! * 400: malformed input (problem+json).

use crate::{
    engine::{Malformed, VerifyOptions},
    report::{CredentialReport, PresentationReport},
    VerifierState,
};
use atout_web::{problem::ProblemBody, ApiError, Json};
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<VerifierState> {
    OpenApiRouter::new()
        .routes(routes!(verify_credential))
        .routes(routes!(verify_presentation))
}

/// `POST /credentials/verify` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifyCredentialRequest {
    /// A credential with a Data Integrity proof (VC 2.0 or 1.1), a compact
    /// `vc+jwt`, an `EnvelopedVerifiableCredential`, or an SD-JWT VC
    /// (`<jwt>~<disclosure>~...~[<kb-jwt>]`; `options.challenge` is then
    /// the Key Binding JWT's `nonce`, `options.domain` its `aud`).
    #[schema(value_type = Object)]
    pub verifiable_credential: Value,
    #[serde(default)]
    pub options: VerifyOptions,
}

/// `POST /presentations/verify` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifyPresentationRequest {
    #[schema(value_type = Object)]
    pub verifiable_presentation: Value,
    #[serde(default)]
    pub options: VerifyOptions,
}

/// The request's shape: what the W3C test suites expect of a VC-API
/// verifier is 400 for a missing or unknown member, not 422.
fn parse<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, ApiError> {
    serde_json::from_value(body).map_err(|e| {
        let text: String = e.to_string().chars().take(300).collect();
        ApiError::bad_request(format!(
            "The request body does not have the expected members: {text}."
        ))
    })
}

fn bad_input(e: Malformed) -> ApiError {
    ApiError::bad_request(format!(
        "The input is not a well-formed credential or presentation: {e}."
    ))
}

/// A verification that found no free core in time: 503, try again.
fn busy() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "The verifier is busy",
    )
    .detail("Every core is checking other documents: try again in a moment.")
    .header(axum::http::header::RETRY_AFTER, "2")
}

fn is_busy(results: &[crate::report::Check]) -> bool {
    results.iter().any(|c| c.code == crate::engine::BUSY)
}

fn answer<T: serde::Serialize>(verified: bool, report: T) -> Response {
    let status = if verified {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = (status, axum::Json(report)).into_response();
    // A 422 here is a verification result, not an error to rewrite.
    response
        .extensions_mut()
        .insert(atout_web::middleware::DeliberateBody);
    response
}

/// Verify a credential: proof, issuer key, validity period, revocation,
/// suspension, issuer trust, schema. Public.
#[utoipa::path(
    post, path = "/credentials/verify", tag = "verification",
    request_body = VerifyCredentialRequest,
    responses(
        (status = 200, description = "Verified", body = CredentialReport),
        (status = 422, description = "Checked and not verified (or a check could not be made)", body = CredentialReport),
        (status = 400, description = "Malformed input", body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Busy: every core was taken for too long (Retry-After)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn verify_credential(
    State(state): State<VerifierState>,
    Json(body): Json<Value>,
) -> Result<Response, ApiError> {
    let request: VerifyCredentialRequest = parse(body)?;
    if (request.options.challenge.is_some() || request.options.domain.is_some())
        && crate::engine::sd_jwt_text(&request.verifiable_credential).is_none()
    {
        return Err(ApiError::bad_request(
            "challenge and domain apply to presentations (POST /presentations/verify) \
             and to SD-JWT VCs with key binding (the Key Binding JWT's nonce and aud).",
        ));
    }
    let report = state
        .verifier
        .verify_credential(&request.verifiable_credential, &request.options)
        .await
        .map_err(bad_input)?;
    if is_busy(&report.results) {
        return Err(busy());
    }
    Ok(answer(report.verified, report))
}

/// Verify a presentation: the holder's proof (purpose `authentication`,
/// with the requested `challenge` and `domain`) and every credential
/// inside. Public.
#[utoipa::path(
    post, path = "/presentations/verify", tag = "verification",
    request_body = VerifyPresentationRequest,
    responses(
        (status = 200, description = "Verified", body = PresentationReport),
        (status = 422, description = "Checked and not verified", body = PresentationReport),
        (status = 400, description = "Malformed input", body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Busy: every core was taken for too long (Retry-After)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn verify_presentation(
    State(state): State<VerifierState>,
    Json(body): Json<Value>,
) -> Result<Response, ApiError> {
    let request: VerifyPresentationRequest = parse(body)?;
    let report = state
        .verifier
        .verify_presentation(&request.verifiable_presentation, &request.options)
        .await
        .map_err(bad_input)?;
    if is_busy(&report.results) || report.credentials.iter().any(|c| is_busy(&c.results)) {
        return Err(busy());
    }
    Ok(answer(report.verified, report))
}
