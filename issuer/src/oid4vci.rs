//! OpenID for Verifiable Credential Issuance 1.0 (final, 2025): the
//! pre-authorized code flow, with an optional transaction code, so that
//! external wallets can receive the credentials Atout offers.
//!
//! | route | caller |
//! |---|---|
//! | `GET /.well-known/openid-credential-issuer` | anyone (Credential Issuer Metadata) |
//! | `GET /.well-known/oauth-authorization-server` | anyone (RFC 8414 metadata) |
//! | `GET /oid4vci/credential-offer/{code}` | a wallet holding the offer (`credential_offer_uri`) |
//! | `POST /oid4vci/token` | a wallet with a pre-authorized code (and tx_code) |
//! | `POST /oid4vci/nonce` | anyone |
//! | `POST /oid4vci/credential` | a wallet with an access token |
//!
//! Atout is one Credential Issuer (its base URL) for every organisation, and
//! its own authorization server. A credential offer (see [`crate::offers`])
//! carries a pre-authorized code (32 random bytes); the token endpoint
//! exchanges it once, within the offer's lifetime, for an access token that
//! lives five minutes and issues one credential. Nonces (`c_nonce`) are
//! single use and live five minutes; handing one out writes nothing (the
//! nonce is its expiry sealed under a key derived from the master key), so
//! the public nonce endpoint cannot be used to fill the database: a nonce
//! is recorded only when an authenticated wallet spends it. Every secret
//! is stored as SHA-256.
//!
//! The key proof is a JWT (`typ: openid4vci-proof+jwt`, `alg` EdDSA or
//! ES256, `kid` a did:key verification method) over the issuer's
//! identifier (`aud`), a recent `iat` and a live `nonce`; its signature is
//! checked with ring. The credential's subject is the DID of that key.
//!
//! Formats: `ldp_vc` is a VC Data Model 2.0 credential with a Data
//! Integrity proof. OpenID4VCI's `jwt_vc_json` profile was written for
//! VCDM 1.1 JWTs (a `vc` claim); Atout signs VC 2.0 with VC-JOSE
//! (`typ: vc+jwt`, the credential is the JWT payload, VC 2.0 `@context`).
//! We deliver that compact JWT under the `jwt_vc_json` configuration and
//! say so in its metadata: a wallet that only knows VCDM 1.1 JWTs will not
//! find a `vc` claim.
//!
//! Errors follow the specifications (RFC 6749 §5.2 at the token endpoint,
//! OpenID4VCI §8.3.1 at the credential endpoint, RFC 6750 for the access
//! token): a JSON object with `error` and `error_description`, not RFC 9457.

use crate::offers::{issue_for, tx_code_hash, Oid4vciOffer};
use atout_core::{
    audit::action,
    crypto::{random_token, sha256_hex, KeyAlgorithm, PublicKey},
    store::{AccessTokenRecord, OfferRecord, Redeem, OFFER_PENDING},
};
use atout_vc::sign::ProofFormat;
use atout_web::{middleware::DeliberateBody, problem::ProblemBody, ApiError, AppState, Path};
use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use chrono::Duration;
use serde_json::{json, Map, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issuer_metadata))
        .routes(routes!(authorization_server_metadata))
        .routes(routes!(credential_offer))
        .routes(routes!(token))
        .routes(routes!(nonce))
        .routes(routes!(credential))
}

/// The grant type of the pre-authorized code flow.
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// The configuration of Data Integrity credentials.
pub const CONFIG_LDP_VC: &str = "atout_ldp_vc";
/// The configuration of VC-JOSE credentials (delivered as `jwt_vc_json`).
pub const CONFIG_JWT_VC_JSON: &str = "atout_jwt_vc_json";
/// Not offered (yet): offers refuse `dc+sd-jwt`.
const CONFIG_DC_SD_JWT: &str = "atout_dc_sd_jwt";
/// How long an access token and a nonce live.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(5);
pub const NONCE_TTL: Duration = Duration::minutes(5);
/// How old a key proof may be, and how far in the future (clock skew).
pub const PROOF_MAX_AGE: Duration = Duration::minutes(5);
pub const PROOF_SKEW: Duration = Duration::seconds(60);
/// Wrong tx_codes allowed before the code is burnt.
pub const TX_CODE_ATTEMPTS: i64 = 5;
/// A proof JWT longer than this is refused unread.
const MAX_PROOF_LEN: usize = 8 * 1024;
const TX_CODE_LENGTH: usize = 6;

/// The configuration a proof format is offered under.
pub fn configuration_id(format: ProofFormat) -> &'static str {
    match format {
        ProofFormat::DataIntegrity(_) => CONFIG_LDP_VC,
        ProofFormat::VcJwt(_) => CONFIG_JWT_VC_JSON,
        // Offers refuse dc+sd-jwt (see offers.rs); never advertised.
        ProofFormat::SdJwt(_) => CONFIG_DC_SD_JWT,
    }
}

fn issuer_id(state: &AppState) -> String {
    state.config.base().to_owned()
}

/// The Credential Offer object of an offer.
pub fn credential_offer_object(
    state: &AppState,
    config_id: &str,
    code: &str,
    tx_code: bool,
) -> Value {
    let mut grant = json!({ "pre-authorized_code": code });
    if tx_code {
        grant["tx_code"] = json!({
            "input_mode": "numeric",
            "length": TX_CODE_LENGTH,
            "description": "Le code reçu de l’organisme / The code the organisation gave you",
        });
    }
    json!({
        "credential_issuer": issuer_id(state),
        "credential_configuration_ids": [config_id],
        "grants": { PRE_AUTHORIZED_GRANT: grant },
    })
}

fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The offer by value and by reference.
pub fn offer_uris(state: &AppState, config_id: &str, code: &str, tx_code: bool) -> Oid4vciOffer {
    let object = credential_offer_object(state, config_id, code, tx_code);
    let by_reference = format!("{}/oid4vci/credential-offer/{code}", state.config.base());
    Oid4vciOffer {
        offer_uri: format!(
            "openid-credential-offer://?credential_offer={}",
            form_encode(&object.to_string())
        ),
        offer_by_reference_uri: format!(
            "openid-credential-offer://?credential_offer_uri={}",
            form_encode(&by_reference)
        ),
        credential_offer_uri: by_reference,
        credential_offer: object,
    }
}

/// A JSON document for wallets: cacheable briefly, readable from any origin.
fn public_json(value: Value) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        value.to_string(),
    )
        .into_response()
}

fn no_store_json(status: StatusCode, body: String) -> Response {
    let mut response = (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response();
    response.extensions_mut().insert(DeliberateBody);
    response
}

/// An OAuth 2.0 / OpenID4VCI error: `{error, error_description}`.
#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: String,
}

impl OAuthError {
    fn new(code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            description: description.into(),
        }
    }

    fn invalid_token(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "invalid_token",
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.code, "error_description": self.description});
        let mut response = no_store_json(self.status, body.to_string());
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "Bearer realm=\"atout\", error=\"invalid_token\", \
                     error_description=\"The access token is missing, unknown, expired or used\"",
                ),
            );
        }
        response
    }
}

impl From<ApiError> for OAuthError {
    fn from(e: ApiError) -> Self {
        if e.status.is_server_error() {
            // The cause is logged, never sent.
            tracing::error!(
                status = e.status.as_u16(),
                cause = e.source.as_deref().unwrap_or("-"),
                "request failed"
            );
            return Self {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "server_error",
                description: "The credential could not be issued; try again later.".into(),
            };
        }
        Self::new(
            "invalid_credential_request",
            e.detail.clone().unwrap_or_else(|| e.title.clone()),
        )
    }
}

impl From<atout_core::store::StoreError> for OAuthError {
    fn from(e: atout_core::store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

/// Credential Issuer Metadata (OpenID4VCI 1.0 §12.2).
#[utoipa::path(
    get, path = "/.well-known/openid-credential-issuer", tag = "openid4vci",
    responses((status = 200, description = "Credential Issuer Metadata", content_type = "application/json", body = Object))
)]
async fn issuer_metadata(State(state): State<AppState>) -> Response {
    let base = issuer_id(&state);
    let binding = json!(["did:key"]);
    let proof_types = json!({"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}});
    public_json(json!({
        "credential_issuer": base,
        "credential_endpoint": format!("{base}/oid4vci/credential"),
        "nonce_endpoint": format!("{base}/oid4vci/nonce"),
        "display": [
            {"name": "Atout", "locale": "fr", "description": "Portefeuille de compétences citoyen"},
            {"name": "Atout", "locale": "en", "description": "Citizen e-portfolio"},
        ],
        "credential_configurations_supported": {
            CONFIG_LDP_VC: {
                "format": "ldp_vc",
                "cryptographic_binding_methods_supported": binding,
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"],
                "proof_types_supported": proof_types,
                "credential_definition": {
                    "@context": [atout_vc::contexts::CREDENTIALS_V2],
                    "type": ["VerifiableCredential"],
                },
                "credential_metadata": {
                    "display": [
                        {"name": "Attestation Atout (Data Integrity)", "locale": "fr",
                         "description": "Attestation VC Data Model 2.0 avec une preuve Data Integrity \
                                         (eddsa-rdfc-2022 ou ecdsa-rdfc-2019). Le type précis dépend de l’offre."},
                        {"name": "Atout credential (Data Integrity)", "locale": "en",
                         "description": "A VC Data Model 2.0 credential with a Data Integrity proof \
                                         (eddsa-rdfc-2022 or ecdsa-rdfc-2019). The exact type depends on the offer."},
                    ],
                },
            },
            CONFIG_JWT_VC_JSON: {
                "format": "jwt_vc_json",
                "cryptographic_binding_methods_supported": binding,
                "credential_signing_alg_values_supported": ["EdDSA", "ES256"],
                "proof_types_supported": proof_types,
                "credential_definition": {
                    "type": ["VerifiableCredential"],
                },
                "credential_metadata": {
                    "display": [
                        {"name": "Attestation Atout (VC-JOSE)", "locale": "fr",
                         "description": "Attestation VC Data Model 2.0 sécurisée par VC-JOSE : un JWT compact \
                                         (typ vc+jwt) dont la charge utile est l’attestation elle-même, avec le \
                                         @context VC 2.0, et non un JWT VCDM 1.1 avec une revendication vc."},
                        {"name": "Atout credential (VC-JOSE)", "locale": "en",
                         "description": "A VC Data Model 2.0 credential secured with VC-JOSE: a compact JWT \
                                         (typ vc+jwt) whose payload is the credential itself, with the VC 2.0 \
                                         @context, not a VCDM 1.1 JWT with a vc claim."},
                    ],
                },
            },
        },
    }))
}

/// OAuth 2.0 Authorization Server Metadata (RFC 8414): the token endpoint
/// of the pre-authorized code flow.
#[utoipa::path(
    get, path = "/.well-known/oauth-authorization-server", tag = "openid4vci",
    responses((status = 200, description = "Authorization Server Metadata", content_type = "application/json", body = Object))
)]
async fn authorization_server_metadata(State(state): State<AppState>) -> Response {
    let base = issuer_id(&state);
    public_json(json!({
        "issuer": base,
        "token_endpoint": format!("{base}/oid4vci/token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": true,
        "token_endpoint_auth_methods_supported": ["none"],
        "response_types_supported": [],
    }))
}

fn plausible_code(code: &str) -> bool {
    code.len() == 43
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn offer_config_id(offer: &OfferRecord) -> Result<&'static str, ApiError> {
    let options: crate::offers::OfferOptions =
        serde_json::from_str(&offer.options).map_err(ApiError::internal)?;
    Ok(configuration_id(options.proof_format()?))
}

/// The Credential Offer object, for wallets given `credential_offer_uri`.
#[utoipa::path(
    get, path = "/oid4vci/credential-offer/{code}", tag = "openid4vci",
    params(("code" = String, Path, description = "The offer's pre-authorized code")),
    responses(
        (status = 200, description = "Credential Offer", content_type = "application/json", body = Object),
        (status = 404, body = ProblemBody, description = "Unknown, used, ended or expired", content_type = "application/problem+json"),
    )
)]
async fn credential_offer(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let gone = || ApiError::not_found("No live credential offer has this code.");
    if !plausible_code(&code) {
        return Err(gone());
    }
    let offer = state
        .store
        .offer_by_pre_auth(&sha256_hex(code.as_bytes()))
        .await?
        .ok_or_else(gone)?;
    if offer.state_at(state.clock.now()) != OFFER_PENDING || offer.pre_auth_used_at.is_some() {
        return Err(gone());
    }
    let object = credential_offer_object(
        &state,
        offer_config_id(&offer)?,
        &code,
        offer.tx_code_hash.is_some(),
    );
    Ok(no_store_json(StatusCode::OK, object.to_string()))
}

fn content_type_is(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(expected))
}

/// Token endpoint (OpenID4VCI 1.0 §6): exchanges a pre-authorized code
/// (and its tx_code) for an access token. Form-encoded; RFC 6749 errors.
#[utoipa::path(
    post, path = "/oid4vci/token", tag = "openid4vci",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "`grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code&pre-authorized_code=...&tx_code=...`"),
    responses(
        (status = 200, description = "`{access_token, token_type: Bearer, expires_in}`", content_type = "application/json", body = Object),
        (status = 400, description = "`invalid_request`, `invalid_grant` or `unsupported_grant_type` (RFC 6749 §5.2)", content_type = "application/json", body = Object),
    )
)]
async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    if !content_type_is(&headers, "application/x-www-form-urlencoded") {
        return Err(OAuthError::new(
            "invalid_request",
            "Send the token request as application/x-www-form-urlencoded.",
        ));
    }
    let mut params: Map<String, Value> = Map::new();
    for (name, value) in url::form_urlencoded::parse(&body) {
        if params
            .insert(name.clone().into_owned(), Value::String(value.into_owned()))
            .is_some()
        {
            return Err(OAuthError::new(
                "invalid_request",
                format!(
                    "The parameter {:?} is repeated.",
                    name.chars().take(40).collect::<String>()
                ),
            ));
        }
    }
    let param = |name: &str| params.get(name).and_then(Value::as_str);
    match param("grant_type") {
        None => return Err(OAuthError::new("invalid_request", "grant_type is missing.")),
        Some(PRE_AUTHORIZED_GRANT) => {}
        Some(_) => {
            return Err(OAuthError::new(
                "unsupported_grant_type",
                format!(
                    "Only the pre-authorized code grant ({PRE_AUTHORIZED_GRANT}) is supported."
                ),
            ))
        }
    }
    let code = match param("pre-authorized_code") {
        Some(c) if !c.is_empty() => c,
        _ => {
            return Err(OAuthError::new(
                "invalid_request",
                "pre-authorized_code is missing.",
            ))
        }
    };
    let tx_code = param("tx_code");
    if tx_code.is_some_and(|t| t.is_empty() || t.len() > 64) {
        return Err(OAuthError::new(
            "invalid_request",
            "tx_code must have 1 to 64 characters.",
        ));
    }
    let invalid_grant = || {
        OAuthError::new(
            "invalid_grant",
            "The pre-authorized code is unknown, was already used, or its offer ended or expired.",
        )
    };
    if !plausible_code(code) {
        return Err(invalid_grant());
    }
    let pre_auth_hash = sha256_hex(code.as_bytes());
    let now = state.clock.now();
    let access_token = random_token(32).map_err(ApiError::internal)?;
    let record = AccessTokenRecord {
        token_hash: sha256_hex(access_token.as_bytes()),
        offer_id: String::new(),
        created_at: now,
        expires_at: now + ACCESS_TOKEN_TTL,
    };
    let outcome = state
        .store
        .redeem_pre_authorized_code(
            &pre_auth_hash,
            tx_code.map(|t| tx_code_hash(&pre_auth_hash, t)).as_deref(),
            &record,
            TX_CODE_ATTEMPTS,
            now,
        )
        .await?;
    match outcome {
        Redeem::Issued(offer) => {
            tracing::info!(offer = %offer.id, "pre-authorized code exchanged");
            let body = json!({
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_TTL.num_seconds(),
            });
            Ok(no_store_json(StatusCode::OK, body.to_string()))
        }
        Redeem::Unknown | Redeem::Spent => Err(invalid_grant()),
        Redeem::TxCodeMissing => Err(OAuthError::new(
            "invalid_request",
            "This offer needs its tx_code (the code the organisation gave you).",
        )),
        Redeem::TxCodeUnexpected => Err(OAuthError::new(
            "invalid_request",
            "This offer has no tx_code: leave it out.",
        )),
        Redeem::TxCodeWrong { burnt } => Err(OAuthError::new(
            "invalid_grant",
            if burnt {
                "Wrong tx_code, too many times: this pre-authorized code no longer works."
            } else {
                "Wrong tx_code."
            },
        )),
    }
}

/// Nonce endpoint (OpenID4VCI 1.0 §7): a fresh, single-use `c_nonce`.
#[utoipa::path(
    post, path = "/oid4vci/nonce", tag = "openid4vci",
    responses((status = 200, description = "`{c_nonce}`, `Cache-Control: no-store`", content_type = "application/json", body = Object))
)]
async fn nonce(State(state): State<AppState>) -> Result<Response, ApiError> {
    let expires_at = state.clock.now() + NONCE_TTL;
    let sealed = state
        .token_key
        .seal(&expires_at.timestamp().to_be_bytes(), C_NONCE_AAD)
        .map_err(ApiError::internal)?;
    let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed);
    Ok(no_store_json(
        StatusCode::OK,
        json!({ "c_nonce": nonce }).to_string(),
    ))
}

/// Associated data of sealed nonces.
const C_NONCE_AAD: &[u8] = b"atout oid4vci c_nonce";

/// The expiry sealed in a nonce of ours; `None` for anything else.
fn nonce_expiry(state: &AppState, nonce: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if nonce.len() > 200 {
        return None;
    }
    let sealed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(nonce)
        .ok()?;
    let plain = state.token_key.open(&sealed, C_NONCE_AAD).ok()?;
    let seconds = i64::from_be_bytes(plain.as_slice().try_into().ok()?);
    chrono::DateTime::from_timestamp(seconds, 0)
}

fn bearer_token(headers: &HeaderMap) -> Result<&str, OAuthError> {
    let missing = || OAuthError::invalid_token("Send `Authorization: Bearer <access token>`.");
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, token) = value.split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(missing());
    }
    Ok(token.trim())
}

fn b64(part: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .ok()
}

fn invalid_proof(description: impl Into<String>) -> OAuthError {
    OAuthError::new("invalid_proof", description)
}

/// A checked key proof: the holder's DID and the proof's nonce.
struct KeyProof {
    holder: String,
    nonce: String,
}

/// Checks a key proof JWT (OpenID4VCI 1.0 Appendix F.1) but not its nonce
/// (the caller consumes it).
fn check_proof(
    jwt: &str,
    audience: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<KeyProof, OAuthError> {
    if jwt.len() > MAX_PROOF_LEN {
        return Err(invalid_proof("The proof JWT is too long."));
    }
    let parts: Vec<&str> = jwt.split('.').collect();
    let &[header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        return Err(invalid_proof(
            "The proof is not a compact JWS (three parts).",
        ));
    };
    let object = |part: &str, what: &str| -> Result<Map<String, Value>, OAuthError> {
        b64(part)
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .and_then(|v| match v {
                Value::Object(map) => Some(map),
                _ => None,
            })
            .ok_or_else(|| invalid_proof(format!("The proof's {what} is not base64url JSON.")))
    };
    let header = object(header_b64, "header")?;
    let claims = object(payload_b64, "payload")?;
    if header.get("typ").and_then(Value::as_str) != Some("openid4vci-proof+jwt") {
        return Err(invalid_proof(
            "The proof's typ must be openid4vci-proof+jwt.",
        ));
    }
    let algorithm = match header.get("alg").and_then(Value::as_str) {
        Some("EdDSA") => KeyAlgorithm::Ed25519,
        Some("ES256") => KeyAlgorithm::P256,
        _ => {
            return Err(invalid_proof(
                "The proof's alg must be EdDSA or ES256 (never none or a MAC).",
            ))
        }
    };
    for forbidden in ["jwk", "x5c", "crit", "trust_chain", "key_attestation"] {
        if header.contains_key(forbidden) {
            return Err(invalid_proof(format!(
                "The proof's header must not carry {forbidden}: name a did:key in kid."
            )));
        }
    }
    let kid = header.get("kid").and_then(Value::as_str).ok_or_else(|| {
        invalid_proof("The proof's kid is missing (a did:key verification method).")
    })?;
    let (did, fragment) = kid.split_once('#').ok_or_else(|| {
        invalid_proof("The proof's kid must be a did:key DID URL with a fragment.")
    })?;
    let multibase = did
        .strip_prefix("did:key:")
        .ok_or_else(|| invalid_proof("The proof's kid must be a did:key verification method."))?;
    let key = PublicKey::from_multibase(multibase)
        .map_err(|e| invalid_proof(format!("The proof's did:key is not usable: {e}.")))?;
    // One canonical form: the fragment is the key itself, and the key's
    // encoding is the one we would write.
    if fragment != multibase || key.to_multibase() != multibase {
        return Err(invalid_proof(
            "The proof's kid must be did:key:<key>#<key> in canonical form.",
        ));
    }
    if key.algorithm() != algorithm {
        return Err(invalid_proof("The proof's alg does not match its key."));
    }
    let signature = b64(signature_b64)
        .ok_or_else(|| invalid_proof("The proof's signature is not base64url."))?;
    key.verify(format!("{header_b64}.{payload_b64}").as_bytes(), &signature)
        .map_err(|_| invalid_proof("The proof's signature does not verify."))?;
    let audience_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == audience,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !audience_ok {
        return Err(invalid_proof(format!(
            "The proof's aud must be the credential issuer, {audience}."
        )));
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .ok_or_else(|| invalid_proof("The proof's iat is missing or not a number of seconds."))?;
    if iat > now + PROOF_SKEW {
        return Err(invalid_proof("The proof's iat is in the future."));
    }
    if iat < now - PROOF_MAX_AGE {
        return Err(invalid_proof("The proof is too old (iat): make a new one."));
    }
    let nonce = match claims.get("nonce") {
        Some(Value::String(n)) if !n.is_empty() && n.len() <= 200 => n.clone(),
        _ => {
            return Err(OAuthError::new(
                "invalid_nonce",
                "The proof has no nonce: get one from the nonce endpoint.",
            ))
        }
    };
    Ok(KeyProof {
        holder: did.to_owned(),
        nonce,
    })
}

/// Credential endpoint (OpenID4VCI 1.0 §8): one credential for the offer
/// of the access token, bound to the key of the proof.
#[utoipa::path(
    post, path = "/oid4vci/credential", tag = "openid4vci",
    security(("bearer" = [])),
    request_body(content = Object, content_type = "application/json",
        description = "`{credential_configuration_id, proofs: {jwt: [<key proof>]}}`"),
    responses(
        (status = 200, description = "`{credentials: [{credential}]}`", content_type = "application/json", body = Object),
        (status = 400, description = "`invalid_credential_request`, `unknown_credential_configuration`, `invalid_proof` or `invalid_nonce`", content_type = "application/json", body = Object),
        (status = 401, description = "`invalid_token` (see `WWW-Authenticate`)", content_type = "application/json", body = Object),
    )
)]
async fn credential(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let token = bearer_token(&headers)?;
    let now = state.clock.now();
    let token_hash = sha256_hex(token.as_bytes());
    let offer = if token.len() <= 100 {
        state.store.offer_for_access_token(&token_hash, now).await?
    } else {
        None
    };
    let offer = offer.ok_or_else(|| {
        OAuthError::invalid_token("The access token is unknown, expired or already used.")
    })?;
    let bad_request = |d: &str| OAuthError::new("invalid_credential_request", d.to_owned());
    if !content_type_is(&headers, "application/json") {
        return Err(bad_request(
            "Send the credential request as application/json.",
        ));
    }
    let request: Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(Value::Object(map)) => map,
        _ => return Err(bad_request("The credential request is not a JSON object.")),
    };
    if request.contains_key("credential_identifier") {
        return Err(bad_request(
            "This issuer gives no credential identifiers: send credential_configuration_id.",
        ));
    }
    if request.contains_key("credential_response_encryption") {
        return Err(OAuthError::new(
            "invalid_encryption_parameters",
            "Credential response encryption is not supported.",
        ));
    }
    let config_id = match request.get("credential_configuration_id") {
        Some(Value::String(id)) => id.as_str(),
        _ => return Err(bad_request("credential_configuration_id is missing.")),
    };
    if config_id != CONFIG_LDP_VC && config_id != CONFIG_JWT_VC_JSON {
        return Err(OAuthError::new(
            "unknown_credential_configuration",
            format!("Known configurations: {CONFIG_LDP_VC}, {CONFIG_JWT_VC_JSON}."),
        ));
    }
    if config_id != offer_config_id(&offer)? {
        return Err(bad_request(
            "This offer is for another credential configuration (see the credential offer).",
        ));
    }
    if request.contains_key("proof") {
        return Err(invalid_proof(
            "Send the key proof in proofs.jwt (OpenID4VCI 1.0), not proof.",
        ));
    }
    let jwt = match request.get("proofs") {
        Some(Value::Object(proofs)) => match (proofs.len(), proofs.get("jwt")) {
            (1, Some(Value::Array(list))) if list.len() == 1 => match &list[0] {
                Value::String(jwt) => jwt.clone(),
                _ => return Err(invalid_proof("proofs.jwt must hold JWT strings.")),
            },
            (1, Some(Value::Array(_))) => {
                return Err(invalid_proof(
                    "Send exactly one key proof: batch issuance is not offered.",
                ))
            }
            _ => return Err(invalid_proof("proofs must be {\"jwt\": [<key proof>]}.")),
        },
        _ => {
            return Err(invalid_proof(
                "proofs is missing: send {\"jwt\": [<key proof>]}.",
            ))
        }
    };
    let proof = check_proof(&jwt, &issuer_id(&state), now)?;
    let spent = match nonce_expiry(&state, &proof.nonce) {
        Some(expires_at) if expires_at > now => {
            state
                .store
                .spend_nonce(&sha256_hex(proof.nonce.as_bytes()), expires_at, now)
                .await?
        }
        _ => false,
    };
    if !spent {
        return Err(OAuthError::new(
            "invalid_nonce",
            "The proof's nonce is unknown, expired or already used: get a new one.",
        ));
    }
    let org = state
        .store
        .get_org(&offer.org_id)
        .await?
        .ok_or_else(|| ApiError::internal("offer without organisation"))?;
    let template = state
        .store
        .get_template(&org.id, &offer.template_id)
        .await?
        .ok_or_else(|| ApiError::internal("offer without template"))?;
    let request_id = atout_web::middleware::current_request_id();
    let signed = issue_for(
        &state,
        &offer,
        &org,
        &template,
        &proof.holder,
        request_id.clone(),
    )
    .await?;
    let accepted = atout_core::audit::Actor {
        label: "oid4vci".into(),
        request_id,
    }
    .entry(
        now,
        Some(&org.id),
        action::OFFER_ACCEPTED,
        format!("offer:{}", offer.id),
        Some(json!({"credential": signed.record.id, "channel": "oid4vci"})),
    );
    let done = state
        .store
        .complete_oid4vci(
            &token_hash,
            &offer.id,
            &signed.record,
            &[signed.audit.clone(), accepted],
            now,
        )
        .await;
    match done {
        Ok(true) => {}
        Ok(false) => {
            crate::credentials::discard(&state, &signed.record.id).await;
            return Err(OAuthError::invalid_token(
                "The access token was used meanwhile.",
            ));
        }
        Err(e) => {
            crate::credentials::discard(&state, &signed.record.id).await;
            return Err(e.into());
        }
    }
    tracing::info!(offer = %offer.id, credential = %signed.record.id, "credential issued through OpenID4VCI");
    // The credential exactly as stored: the Data Integrity JSON text
    // verbatim, or the compact JWT as a JSON string.
    let credential = if signed.record.format == "ldp_vc" {
        signed.record.body.clone()
    } else {
        Value::String(signed.record.body.clone()).to_string()
    };
    Ok(no_store_json(
        StatusCode::OK,
        format!("{{\"credentials\":[{{\"credential\":{credential}}}]}}"),
    ))
}
