//! The issued-credential registry of an organisation: list and search by
//! subject name or email, reference, credential id and template, with each
//! credential's current status.
//!
//! `GET /orgs/{slug}/credentials[?q=&template=&limit=&before=]` and
//! `GET /orgs/{slug}/credentials/{id}`: the admin, or that organisation's key.

use atout_core::store::{CredentialFilter, IssuedCredential};
use atout_web::{auth::Principal, problem::ProblemBody, ApiError, AppState, Json, Path, Query};
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_credentials))
        .routes(routes!(get_credential))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RegistryQuery {
    /// Substring of the subject's name or email, the reference or the credential id.
    pub q: Option<String>,
    /// Template id.
    pub template: Option<String>,
    /// 1-100, default 50.
    pub limit: Option<u32>,
    /// `next_before` of the previous page.
    pub before: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryEntry {
    /// Registry id.
    pub id: String,
    /// The credential's own `id`.
    pub credential_id: String,
    pub format: String,
    pub issued_at: DateTime<Utc>,
    pub template_id: Option<String>,
    pub reference: Option<String>,
    pub subject_name: Option<String>,
    pub subject_email: Option<String>,
    pub revoked: bool,
    pub suspended: bool,
    /// Only in `GET /orgs/{slug}/credentials/{id}`: the credential as issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub credential: Option<Value>,
    /// Only in `GET /orgs/{slug}/credentials/{id}`: the public verification
    /// link and its QR codes, to print or send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationLinks>,
}

/// A credential's public verification link (a random token, never the
/// credential) and its QR codes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerificationLinks {
    /// `{base}/verify/{token}`: the verification page.
    #[schema(example = "https://portfolio.example.org/verify/3q2-7wAAAAAAAAAAAAAAAA")]
    pub url: String,
    /// The QR code of `url`, as SVG (vector, for print).
    pub qr_svg: String,
    /// The QR code of `url`, as PNG (`?size=` in pixels, 128 to 2048).
    pub qr_png: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryPage {
    pub items: Vec<RegistryEntry>,
    pub next_before: Option<String>,
}

async fn entry(
    state: &AppState,
    c: IssuedCredential,
    full: bool,
) -> Result<RegistryEntry, ApiError> {
    let statuses = state.store.status_entries(&c.id).await?;
    let bit =
        |p: atout_core::store::StatusPurpose| statuses.iter().any(|s| s.purpose == p && s.status);
    let credential = full.then(|| match c.format.as_str() {
        "vc+jwt" | "dc+sd-jwt" => Value::String(c.body.clone()),
        _ => serde_json::from_str(&c.body).unwrap_or(Value::Null),
    });
    Ok(RegistryEntry {
        revoked: bit(atout_core::store::StatusPurpose::Revocation),
        suspended: bit(atout_core::store::StatusPurpose::Suspension),
        id: c.id,
        credential_id: c.credential_id,
        format: c.format,
        issued_at: c.issued_at,
        template_id: c.template_id,
        reference: c.reference,
        subject_name: c.subject_name,
        subject_email: c.subject_email,
        credential,
        verification: None,
    })
}

/// The organisation's issued credentials, newest first.
#[utoipa::path(
    get, path = "/orgs/{slug}/credentials", tag = "registry",
    security(("bearer" = [])),
    params(("slug" = String, Path), RegistryQuery),
    responses(
        (status = 200, body = RegistryPage),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_credentials(
    State(state): State<AppState>,
    principal: Principal,
    Path(slug): Path<String>,
    Query(q): Query<RegistryQuery>,
) -> Result<Json<RegistryPage>, ApiError> {
    principal.require_org(&slug)?;
    let org = state.orgs.find(&slug).await?;
    let limit = match q.limit {
        None => 50,
        Some(n @ 1..=100) => n,
        Some(_) => return Err(ApiError::bad_request("limit must be between 1 and 100")),
    };
    if q.q.as_ref().is_some_and(|s| s.len() > 200)
        || q.before.as_ref().is_some_and(|s| s.len() > 100)
    {
        return Err(ApiError::bad_request(
            "q and before are at most 200 characters",
        ));
    }
    let found = state
        .store
        .list_issued(
            &org.id,
            &CredentialFilter {
                query: q.q.filter(|s| !s.trim().is_empty()),
                template_id: q.template,
                before: q.before,
                limit,
            },
        )
        .await?;
    let next_before = (found.len() as u32 == limit)
        .then(|| found.last().map(|c| c.id.clone()))
        .flatten();
    let mut items = Vec::with_capacity(found.len());
    for c in found {
        items.push(entry(&state, c, false).await?);
    }
    Ok(Json(RegistryPage { items, next_before }))
}

/// One issued credential, as issued, with its status and its public
/// verification link (created on first request).
#[utoipa::path(
    get, path = "/orgs/{slug}/credentials/{id}", tag = "registry",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path, description = "Registry id or the credential's own id")),
    responses(
        (status = 200, body = RegistryEntry),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_credential(
    State(state): State<AppState>,
    principal: Principal,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<RegistryEntry>, ApiError> {
    principal.require_org(&slug)?;
    let org = state.orgs.find(&slug).await?;
    let by_record = state
        .store
        .get_issued_credential(&id)
        .await?
        .filter(|c| c.org_id == org.id);
    let found = match by_record {
        Some(c) => Some(c),
        None => state.store.find_issued_credential(&org.id, &id).await?,
    };
    let c =
        found.ok_or_else(|| ApiError::not_found("This organisation issued no such credential."))?;
    let token = state
        .store
        .verification_link_for(&c.id, state.clock.now())
        .await?;
    let url = format!("{}/verify/{token}", state.config.base());
    let mut entry = entry(&state, c, true).await?;
    entry.verification = Some(VerificationLinks {
        qr_svg: format!("{url}/qr.svg"),
        qr_png: format!("{url}/qr.png"),
        url,
    });
    Ok(Json(entry))
}
