//! Organisation administration API.

use atout_core::{
    crypto::KeyAlgorithm,
    directory::ProfileUpdate,
    orgs::{DidMethod, KeyInfo, NewAccreditation, NewOrg, OrgDetails},
    registry::{parse_time, InvalidEntry},
    store::{ApiKeyRecord, AuditEntry, AuditFilter, Organisation},
};
use atout_web::{
    auth::{AdminOnly, Principal},
    extract::OptionalJson,
    problem::ProblemBody,
    ApiError, AppState, Json, Path, Query,
};
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_org, list_orgs))
        .routes(routes!(get_org))
        .routes(routes!(rotate_key))
        .routes(routes!(withdraw_key))
        .routes(routes!(create_api_key))
        .routes(routes!(list_api_keys))
        .routes(routes!(revoke_api_key))
        .routes(routes!(org_audit))
        .routes(routes!(platform_audit))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    /// 2-63 characters: a-z, 0-9 and single hyphens, starting with a letter.
    #[schema(example = "univ-orleans")]
    pub slug: String,
    /// Official name in French (defaults to the slug).
    #[schema(example = "Université d'Orléans")]
    pub name_fr: Option<String>,
    /// Official name in English (defaults to the French name).
    #[schema(example = "University of Orléans")]
    pub name_en: Option<String>,
    /// Also create a P-256 key (for ecdsa-rdfc-2019 and ES256); not with
    /// did:key.
    #[serde(default)]
    pub p256: bool,
    /// `web` (default): `did:web:{host}:orgs:{slug}`, its document served
    /// at `/orgs/{slug}/did.json`, keys rotate. `key`: the did:key of the
    /// organisation's one Ed25519 key (for issuers without a domain); it
    /// resolves itself, and cannot rotate or withdraw its key.
    #[serde(default, alias = "didMethod")]
    #[schema(example = "key")]
    pub did_method: DidMethod,
    /// Record the organisation in the trust registry at once (in the same
    /// transaction as its creation): the accreditation in words, with its
    /// reference (e.g. "Certificateur RNCP, arrêté du 12 mars 2024").
    /// Absent: the organisation is created without accreditation.
    #[schema(example = "Certificateur RNCP, arrêté du 12 mars 2024")]
    pub accreditation: Option<String>,
    /// Where the accreditation can be checked (https); with `accreditation`.
    pub accreditation_url: Option<String>,
    /// Accredited from (RFC 3339 or a date; default: now); with `accreditation`.
    pub accredited_from: Option<String>,
    /// Accredited until, inclusive (default: no end); with `accreditation`.
    pub accredited_until: Option<String>,
    /// What the public directory shows (see `PUT /orgs/{slug}/profile`).
    pub description: Option<String>,
    pub town: Option<String>,
    /// `university`, `school`, `training`, `employer`, `public`,
    /// `association` or `other`.
    pub kind: Option<String>,
    /// https.
    pub website: Option<String>,
    /// Whether the public directory lists it (default: true).
    pub listed: Option<bool>,
}

impl CreateOrg {
    /// The accreditation to record, if any (dates parsed, naming their field).
    pub fn accreditation(&self) -> Result<Option<NewAccreditation>, InvalidEntry> {
        let Some(reference) = &self.accreditation else {
            for (field, v) in [
                ("accreditation_url", &self.accreditation_url),
                ("accredited_from", &self.accredited_from),
                ("accredited_until", &self.accredited_until),
            ] {
                if v.is_some() {
                    return Err(InvalidEntry::new(
                        field,
                        "is given without an accreditation",
                    ));
                }
            }
            return Ok(None);
        };
        let time = |field: &str, v: &Option<String>| {
            v.as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| parse_time(field, t))
                .transpose()
        };
        Ok(Some(NewAccreditation {
            reference: reference.clone(),
            url: self
                .accreditation_url
                .clone()
                .filter(|u| !u.trim().is_empty()),
            valid_from: time("accredited_from", &self.accredited_from)?,
            valid_until: time("accredited_until", &self.accredited_until)?,
        }))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgSummary {
    #[serde(flatten)]
    pub org: Organisation,
    pub did: String,
    /// `web` or `key`.
    pub did_method: DidMethod,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgList {
    pub items: Vec<OrgSummary>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RotateKey {
    /// `Ed25519` (default) or `P-256`.
    pub algorithm: Option<KeyAlgorithm>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// What the key is for, e.g. "registrar's office".
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub record: ApiKeyRecord,
    /// The key itself: shown once, stored only as a hash.
    pub key: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyList {
    pub items: Vec<ApiKeyRecord>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// At most this many entries (1-500, default 50).
    pub limit: Option<u32>,
    /// Entries older than this sequence number (for the next page).
    pub before: Option<i64>,
    /// Only this organisation (platform audit only).
    pub org: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

fn created<T: Serialize>(location: String, body: T) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

/// Create an organisation with its Ed25519 key (and P-256 on request),
/// identified by a did:web under the platform or (`did_method: "key"`) by
/// the did:key of its Ed25519 key. With `accreditation`, it enters the
/// trust registry in the same transaction (under its DID and names; audited
/// as `trusted_issuer.upserted` beside `org.created`).
#[utoipa::path(
    post, path = "/admin/orgs", tag = "organisations",
    security(("bearer" = [])),
    request_body = CreateOrg,
    responses(
        (status = 201, body = OrgDetails, description = "Created; `Location` names it"),
        (status = 400, body = ProblemBody, description = "Malformed JSON", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, description = "No or unknown token", content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not the platform admin", content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "The slug is taken", content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, description = "Body too large", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Invalid slug, name, DID method, accreditation or profile field (`field` names it), or unknown field; P-256 with did:key", content_type = "application/problem+json"),
    )
)]
async fn create_org(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    Json(body): Json<CreateOrg>,
) -> Result<Response, ApiError> {
    let accreditation = body
        .accreditation()
        .map_err(|e| ApiError::unprocessable(e.message).with("field", e.field))?;
    let details = state
        .orgs
        .create(
            NewOrg {
                accreditation,
                profile: ProfileUpdate {
                    description: body.description,
                    town: body.town,
                    kind: body.kind,
                    website: body.website,
                    listed: body.listed,
                    public_templates: None,
                },
                slug: body.slug,
                name_fr: body.name_fr,
                name_en: body.name_en,
                p256: body.p256,
                did_method: body.did_method,
            },
            &admin.actor(),
        )
        .await?;
    tracing::info!(org_id = %details.org.id, "organisation created");
    Ok(created(format!("/orgs/{}", details.org.slug), details))
}

/// List organisations.
#[utoipa::path(
    get, path = "/admin/orgs", tag = "organisations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = OrgList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_orgs(
    State(state): State<AppState>,
    AdminOnly(_admin): AdminOnly,
) -> Result<Json<OrgList>, ApiError> {
    Ok(Json(OrgList {
        items: state
            .orgs
            .list()
            .await?
            .into_iter()
            .map(|(org, did)| OrgSummary {
                did_method: DidMethod::of(&org),
                org,
                did,
            })
            .collect(),
    }))
}

/// An organisation with its DID and keys (public parts only).
#[utoipa::path(
    get, path = "/orgs/{slug}", tag = "organisations",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    responses(
        (status = 200, body = OrgDetails),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An API key of another organisation", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_org(
    State(state): State<AppState>,
    principal: Principal,
    Path(slug): Path<String>,
) -> Result<Json<OrgDetails>, ApiError> {
    principal.require_org(&slug)?;
    Ok(Json(state.orgs.get(&slug).await?))
}

/// Rotate: a new key becomes active; the previous one of that algorithm is
/// retired but stays in the DID document, so what it signed keeps verifying.
#[utoipa::path(
    post, path = "/admin/orgs/{slug}/keys", tag = "organisations",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body(content = Option<RotateKey>, description = "Optional; defaults to Ed25519"),
    responses(
        (status = 201, body = KeyInfo, description = "The new active key"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "A did:key organisation: its key cannot rotate", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn rotate_key(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    Path(slug): Path<String>,
    OptionalJson(body): OptionalJson<RotateKey>,
) -> Result<Response, ApiError> {
    let algorithm = body
        .and_then(|b| b.algorithm)
        .unwrap_or(KeyAlgorithm::Ed25519);
    let key = state
        .orgs
        .rotate_key(&slug, algorithm, &admin.actor())
        .await?;
    tracing::info!(key_id = %key.id, "key rotated");
    Ok(created(format!("/orgs/{slug}"), key))
}

/// Withdraw a retired key (e.g. compromised): it leaves the DID document,
/// and what it signed no longer verifies. The active key cannot be
/// withdrawn: rotate first.
#[utoipa::path(
    post, path = "/admin/orgs/{slug}/keys/{key}/withdraw", tag = "organisations",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("key" = String, Path, description = "Key id or fragment (key-2)")),
    responses(
        (status = 200, body = KeyInfo),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Active or already withdrawn, or a did:key organisation (its key cannot be withdrawn)", content_type = "application/problem+json"),
    )
)]
async fn withdraw_key(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    Path((slug, key)): Path<(String, String)>,
) -> Result<Json<KeyInfo>, ApiError> {
    let key = state.orgs.withdraw_key(&slug, &key, &admin.actor()).await?;
    tracing::warn!(key_id = %key.id, "key withdrawn");
    Ok(Json(key))
}

/// Create an API key for the organisation. The key is in the response
/// once; only its hash is stored.
#[utoipa::path(
    post, path = "/admin/orgs/{slug}/api-keys", tag = "organisations",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body = CreateApiKey,
    responses(
        (status = 201, body = CreatedApiKey),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn create_api_key(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    Path(slug): Path<String>,
    Json(body): Json<CreateApiKey>,
) -> Result<Response, ApiError> {
    let created_key = state
        .orgs
        .create_api_key(&slug, &body.name, &admin.actor())
        .await?;
    tracing::info!(api_key_id = %created_key.record.id, "API key created");
    Ok(created(
        format!("/orgs/{slug}/api-keys"),
        CreatedApiKey {
            key: created_key.token.expose_secret().to_owned(),
            record: created_key.record,
        },
    ))
}

/// The organisation's API keys (never the keys themselves).
#[utoipa::path(
    get, path = "/orgs/{slug}/api-keys", tag = "organisations",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    responses(
        (status = 200, body = ApiKeyList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_api_keys(
    State(state): State<AppState>,
    principal: Principal,
    Path(slug): Path<String>,
) -> Result<Json<ApiKeyList>, ApiError> {
    principal.require_org(&slug)?;
    Ok(Json(ApiKeyList {
        items: state.orgs.list_api_keys(&slug).await?,
    }))
}

/// Revoke an API key at once.
#[utoipa::path(
    delete, path = "/orgs/{slug}/api-keys/{id}", tag = "organisations",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such live key", content_type = "application/problem+json"),
    )
)]
async fn revoke_api_key(
    State(state): State<AppState>,
    principal: Principal,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    principal.require_org(&slug)?;
    state
        .orgs
        .revoke_api_key(&slug, &id, &principal.actor())
        .await?;
    tracing::info!(api_key_id = %id, "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}

fn page(items: Vec<AuditEntry>, limit: u32) -> AuditPage {
    let next_before = (items.len() as u32 == limit)
        .then(|| items.last().map(|e| e.seq))
        .flatten();
    AuditPage { items, next_before }
}

fn limit(q: &AuditQuery) -> Result<u32, ApiError> {
    match q.limit {
        None => Ok(50),
        Some(n @ 1..=500) => Ok(n),
        Some(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-query",
            "Invalid query parameter",
        )
        .detail("limit must be between 1 and 500")),
    }
}

/// The organisation's part of the audit log, newest first.
#[utoipa::path(
    get, path = "/orgs/{slug}/audit", tag = "audit",
    security(("bearer" = [])),
    params(("slug" = String, Path), AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_audit(
    State(state): State<AppState>,
    principal: Principal,
    Path(slug): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    principal.require_org(&slug)?;
    if q.org.is_some() {
        return Err(ApiError::bad_request(
            "`org` is only for the platform audit (/admin/audit).",
        ));
    }
    let limit = limit(&q)?;
    let org = state.orgs.find(&slug).await?;
    let items = state
        .store
        .list_audit(&AuditFilter {
            org_id: Some(org.id),
            before_seq: q.before,
            limit,
        })
        .await?;
    Ok(Json(page(items, limit)))
}

/// The whole audit log (optionally one organisation's part), newest first.
#[utoipa::path(
    get, path = "/admin/audit", tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn platform_audit(
    State(state): State<AppState>,
    AdminOnly(_admin): AdminOnly,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = limit(&q)?;
    let org_id = match &q.org {
        Some(slug) => Some(state.orgs.find(slug).await?.id),
        None => None,
    };
    let items = state
        .store
        .list_audit(&AuditFilter {
            org_id,
            before_seq: q.before,
            limit,
        })
        .await?;
    Ok(Json(page(items, limit)))
}
