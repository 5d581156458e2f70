//! VC-API issuance: `POST /credentials/issue` (an organisation API key),
//! and Atout's own JSON-LD context (public).

use atout_core::{
    audit::{action, Actor},
    ids::new_id,
    orgs::OrgError,
    store::{IssuedCredential, NewAuditEntry, Organisation, StoreError},
};
use atout_vc::{
    contexts::{ATOUT_CONTEXT, ATOUT_CONTEXT_PATH},
    model::{self, DataModel, Invalid},
    sign::{self, ProofFormat},
    ssi_bridge::SignError,
};
use atout_web::{auth::Principal, problem::ProblemBody, ApiError, AppState, Json};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue))
        .route(ATOUT_CONTEXT_PATH, get(atout_context))
}

/// `POST /credentials/issue` body (W3C VC-API).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// A VC Data Model 2.0 credential without proof. `issuer` (this
    /// organisation's DID), `id` (urn:uuid) and `validFrom` (now) are filled
    /// in when absent. A VC 1.1 credential (first context
    /// `https://www.w3.org/2018/credentials/v1`) is accepted for Data
    /// Integrity proofs: `issuanceDate` is filled in instead of `validFrom`,
    /// and it gets no status entries.
    #[schema(value_type = Object)]
    pub credential: Value,
    #[serde(default)]
    pub options: IssueOptions,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IssueOptions {
    /// The proof type: `DataIntegrityProof` (the only one; optional, as
    /// most VC-API clients send it beside `cryptosuite`). Not with
    /// `vc+jwt` or `dc+sd-jwt`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub proof_type: Option<String>,
    /// `eddsa-rdfc-2022` (default) or `ecdsa-rdfc-2019` (needs a P-256 key).
    pub cryptosuite: Option<String>,
    /// `ldp_vc` (default, Data Integrity), `vc+jwt` (VC-JOSE) or
    /// `dc+sd-jwt` (SD-JWT VC, every subject claim selectively disclosable).
    pub format: Option<String>,
    /// For `vc+jwt` and `dc+sd-jwt`: `EdDSA` (default) or `ES256` (needs a
    /// P-256 key).
    pub alg: Option<String>,
    /// The credential's `id`, if the credential has none.
    pub credential_id: Option<String>,
}

impl IssueOptions {
    /// The proof format these options ask for.
    pub fn proof_format(&self) -> Result<ProofFormat, ApiError> {
        ProofFormat::parse_with_type(
            self.proof_type.as_deref(),
            self.cryptosuite.as_deref(),
            self.format.as_deref(),
            self.alg.as_deref(),
        )
        .map_err(invalid)
    }
}

/// What the signer is given (before status entries): the credential
/// checked and completed by [`model::prepare`], and its data model, which
/// `format` must be able to secure.
pub fn prepare_for(
    format: ProofFormat,
    credential: Value,
    did: &str,
    contexts: &atout_vc::Contexts,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(serde_json::Map<String, Value>, DataModel), Invalid> {
    let prepared = model::prepare(credential, did, contexts, now)?;
    let data_model = DataModel::of(&prepared);
    check_format_secures(format, data_model)?;
    Ok((prepared, data_model))
}

/// VC-JOSE (`vc+jwt`) and SD-JWT VC secure VC 2.0 credentials only; Data
/// Integrity secures both data models.
pub fn check_format_secures(format: ProofFormat, model: DataModel) -> Result<(), Invalid> {
    match (format, model) {
        (ProofFormat::DataIntegrity(_), _) | (_, DataModel::V2_0) => Ok(()),
        (ProofFormat::VcJwt(_) | ProofFormat::SdJwt(_), DataModel::V1_1) => Err(Invalid {
            field: "options.format".into(),
            message: format!(
                "{} secures VC Data Model 2.0 credentials only, and this one is VC 1.1 (its \
                 first context is {}): issue it with a Data Integrity proof (cryptosuite \
                 eddsa-rdfc-2022 or ecdsa-rdfc-2019), or make it a VC 2.0 credential",
                format.storage_format(),
                model.context()
            ),
        }),
    }
}

pub fn invalid(e: Invalid) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-credential",
        "The credential cannot be issued",
    )
    .detail(e.to_string())
    .with("field", e.field)
}

/// Issue a credential, signed by the calling organisation, in the requested
/// proof format. The signed credential is stored byte for byte as returned.
#[utoipa::path(
    post, path = "/credentials/issue", tag = "issuance",
    security(("bearer" = [])),
    request_body = IssueRequest,
    responses(
        (status = 201, description = "The verifiable credential (Data Integrity), an EnvelopedVerifiableCredential (vc+jwt), or the SD-JWT itself (dc+sd-jwt, as application/dc+sd-jwt)", content_type = "application/json"),
        (status = 400, body = ProblemBody, description = "Malformed JSON", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, description = "No, unknown or revoked API key", content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not an organisation API key", content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "A credential with this id was already issued", content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Not a valid VC 2.0 credential, unknown context or term, unsupported options, or no key for the format; `field` names the member", content_type = "application/problem+json"),
    )
)]
async fn issue(
    State(state): State<AppState>,
    principal: Principal,
    Json(request): Json<IssueRequest>,
) -> Result<Response, ApiError> {
    let Principal::Org { org, .. } = &principal else {
        return Err(ApiError::forbidden(
            "Credentials are issued with an organisation's API key, as that organisation.",
        ));
    };
    let options = request.options;
    let format = options.proof_format()?;
    let mut credential = request.credential;
    if credential.get("credentialStatus").is_some() {
        return Err(invalid(Invalid {
            field: "credentialStatus".into(),
            message: "is assigned by the platform (revocation and suspension entries)".into(),
        }));
    }
    if let (Some(id), Some(object)) = (options.credential_id, credential.as_object_mut()) {
        object.entry("id").or_insert(Value::String(id));
    }
    let issued = issue_credential(
        &state,
        org,
        &principal.actor(),
        IssueInput {
            credential,
            format,
            template_id: None,
            reference: None,
            subject_name: None,
            subject_email: None,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        )],
        issued.response,
    )
        .into_response())
}

/// What to issue, and the registry fields kept beside it.
pub struct IssueInput {
    pub credential: Value,
    pub format: ProofFormat,
    pub template_id: Option<String>,
    pub reference: Option<String>,
    pub subject_name: Option<String>,
    pub subject_email: Option<String>,
}

/// An issued credential and the VC-API response for it.
pub struct Issued {
    pub record: IssuedCredential,
    pub response: String,
}

/// A signed credential not yet recorded: its registry record, its audit
/// line and the VC-API response. Record it ([`issue_credential`] does) or
/// [`discard`] it.
pub struct Signed {
    pub record: IssuedCredential,
    pub audit: NewAuditEntry,
    pub response: String,
}

/// Frees the status entries of a credential that was signed but not
/// recorded (a lost race, a failed write).
pub async fn discard(state: &AppState, record_id: &str) {
    if let Err(e) = state.store.release_status(record_id).await {
        tracing::warn!(error = %e, "could not release status entries");
    }
}

/// Checks, assigns status entries and signs one credential, without
/// recording it. If signing fails, the status entries are released.
pub async fn sign_credential(
    state: &AppState,
    org: &Organisation,
    actor: &Actor,
    input: IssueInput,
) -> Result<Signed, ApiError> {
    let format = input.format;
    let did = state.orgs.did_of(org);
    let now = state.clock.now();
    let (mut prepared, data_model) =
        prepare_for(format, input.credential, &did, &state.vc.contexts, now).map_err(invalid)?;
    let key = match state
        .orgs
        .org_signing_key(&org.slug, format.key_algorithm())
        .await
    {
        Err(OrgError::KeyNotFound(_)) if org.did_key.is_some() => {
            return Err(ApiError::unprocessable(format!(
                "{} is identified by a did:key, the DID of its one Ed25519 key: it issues with \
                 eddsa-rdfc-2022, or vc+jwt and dc+sd-jwt with EdDSA, not {}.",
                org.slug,
                format.key_algorithm()
            ))
            .with("field", "options"))
        }
        Err(OrgError::KeyNotFound(_)) => {
            return Err(ApiError::unprocessable(format!(
                "This organisation has no {} key: an administrator can create one with \
                 `atout org rotate-key {} --algorithm p256`.",
                format.key_algorithm(),
                org.slug
            ))
            .with("field", "options"))
        }
        other => other?,
    };
    // Status entries are allocated first (they are part of what is signed);
    // if issuance fails after this, they are released.
    // A VC 1.1 credential gets none: Bitstring Status List entries are VC
    // 2.0 terms, and nothing of VC 2.0 is added to a VC 1.1 credential.
    let record_id = new_id();
    if data_model == DataModel::V2_0 {
        let statuses = crate::status::assign(state, org, std::slice::from_ref(&record_id)).await?;
        if let Some(entries) = statuses.into_iter().next() {
            prepared.insert("credentialStatus".into(), entries);
        }
    }
    let secured = match sign::secure(
        &state.vc.engine,
        &prepared,
        format,
        &key,
        &did,
        state.clock.now(),
    )
    .await
    {
        Ok(s) => s,
        Err(e) => {
            discard(state, &record_id).await;
            return Err(sign_error(e));
        }
    };
    let credential_id = prepared
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let record = IssuedCredential {
        id: record_id,
        org_id: org.id.clone(),
        credential_id: credential_id.clone(),
        format: format.storage_format().to_owned(),
        body: secured.stored,
        issued_at: now,
        template_id: input.template_id,
        reference: input.reference,
        subject_name: input.subject_name,
        subject_email: input.subject_email,
    };
    let audit = actor.entry(
        now,
        Some(&org.id),
        action::CREDENTIAL_ISSUED,
        format!("credential:{}", record.id),
        Some(serde_json::json!({
            "credential_id": credential_id,
            "format": record.format,
            "key": key.record.fragment,
            "template": record.template_id,
            "reference": record.reference,
        })),
    );
    Ok(Signed {
        record,
        audit,
        response: secured.response,
    })
}

/// Checks, assigns status entries, signs and stores one credential, with
/// its audit line. Nothing is left half-issued: status entries of a
/// credential that fails are released.
pub async fn issue_credential(
    state: &AppState,
    org: &Organisation,
    actor: &Actor,
    input: IssueInput,
) -> Result<Issued, ApiError> {
    let Signed {
        record,
        audit,
        response,
    } = sign_credential(state, org, actor, input).await?;
    match state.store.insert_issued_credential(&record, &audit).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            discard(state, &record.id).await;
            return Err(ApiError::conflict(
                "A credential with this id or reference was already issued.",
            ));
        }
        Err(e) => {
            discard(state, &record.id).await;
            return Err(e.into());
        }
    }
    tracing::info!(credential = %record.id, format = record.format, "credential issued");
    Ok(Issued { record, response })
}

pub fn sign_error(e: SignError) -> ApiError {
    match e {
        SignError::JsonLd(message) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-json-ld",
            "The credential is not valid JSON-LD under its contexts",
        )
        .detail(format!(
            "{message}. Every term must be defined by one of the credential's contexts \
             (the VC 2.0 context has no @vocab)."
        )),
        SignError::Internal(message) => ApiError::internal(message),
    }
}

/// Atout's JSON-LD context (terms for diplomas and certificates).
async fn atout_context() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/ld+json"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        ATOUT_CONTEXT,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use atout_vc::{contexts::CREDENTIALS_V1, ssi_bridge::Cryptosuite, Contexts};
    use serde_json::json;

    const DID: &str = "did:web:portfolio.example.org:orgs:univ";

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-06-30T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc)
    }

    fn v1() -> Value {
        json!({
            "@context": [CREDENTIALS_V1],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:alice"},
            "expirationDate": "2031-01-01T00:00:00Z"
        })
    }

    /// The end-to-end issuance of a VC 1.1 credential waits for the new
    /// signer (which adds the Data Integrity context VC 1.1 needs); this is
    /// what that signer is given.
    #[test]
    fn a_vc_1_1_credential_reaches_the_signer_as_1_1() {
        let contexts = Contexts::new("https://portfolio.example.org");
        for suite in [Cryptosuite::EddsaRdfc2022, Cryptosuite::EcdsaRdfc2019] {
            let (prepared, model) = prepare_for(
                ProofFormat::DataIntegrity(suite),
                v1(),
                DID,
                &contexts,
                now(),
            )
            .unwrap();
            assert_eq!(model, DataModel::V1_1);
            assert_eq!(DataModel::of(&prepared), DataModel::V1_1);
            assert_eq!(prepared["@context"], json!([CREDENTIALS_V1]));
            assert_eq!(prepared["issuanceDate"], "2026-06-30T12:00:00Z");
            assert_eq!(prepared["expirationDate"], "2031-01-01T00:00:00Z");
            assert_eq!(prepared["issuer"], DID);
            assert!(prepared["id"].as_str().unwrap().starts_with("urn:uuid:"));
            for v2_only in ["validFrom", "validUntil", "credentialStatus"] {
                assert!(!prepared.contains_key(v2_only), "{v2_only}");
            }
        }
    }

    #[test]
    fn jose_formats_secure_vc_2_0_only() {
        use atout_vc::jose::JwtAlg;
        let contexts = Contexts::new("https://portfolio.example.org");
        for format in [
            ProofFormat::VcJwt(JwtAlg::EdDSA),
            ProofFormat::VcJwt(JwtAlg::ES256),
            ProofFormat::SdJwt(JwtAlg::EdDSA),
        ] {
            let err = prepare_for(format, v1(), DID, &contexts, now()).unwrap_err();
            assert_eq!(err.field, "options.format");
            assert!(err.message.contains(format.storage_format()), "{err}");
            let mut v2 = v1();
            v2["@context"] = json!([atout_vc::contexts::CREDENTIALS_V2]);
            v2.as_object_mut().unwrap().remove("expirationDate");
            let (prepared, model) = prepare_for(format, v2, DID, &contexts, now()).unwrap();
            assert_eq!(model, DataModel::V2_0);
            assert_eq!(prepared["validFrom"], "2026-06-30T12:00:00Z");
        }
    }
}
