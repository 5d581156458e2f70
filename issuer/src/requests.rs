//! Certification requests, on the organisation's side: the queue of what
//! citizens asked it to certify, the attached documents, and the decision.
//! Approving issues a credential from one of the organisation's templates
//! (signed like any other, with its status entries), puts it straight into
//! the citizen's wallet and links it to the entry, which becomes certified;
//! rejecting records a reason the citizen reads.
//!
//! | route | caller |
//! |---|---|
//! | `GET /orgs/{slug}/certification-requests` | the organisation (its API key) or the admin |
//! | `GET /orgs/{slug}/certification-requests/{id}` | same |
//! | `GET /orgs/{slug}/certification-requests/{id}/documents/{document}` | same |
//! | `POST /orgs/{slug}/certification-requests/{id}/approve` | same |
//! | `POST /orgs/{slug}/certification-requests/{id}/reject` | same |
//!
//! Another organisation's request is simply not found (404).

use crate::{
    credentials::{discard, sign_credential, IssueInput},
    templates::{build_credential, check_subject, stored_schema, subject_name, subject_validator},
};
use atout_core::{
    audit::{action, Actor},
    ids::new_id,
    store::{CertDecision, CertRequestRecord, HoldingRecord},
};
use atout_vc::sign::ProofFormat;
use atout_web::{auth::OrgMember, problem::ProblemBody, ApiError, AppState, Json, Path, Query};
use axum::{extract::State, response::Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(get_request))
        .routes(routes!(request_document))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

/// A document attached to a request.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestDocument {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub href: String,
}

/// A certification request, as the organisation sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrgRequestView {
    pub id: String,
    /// `pending`, `approved`, `rejected` or `cancelled`.
    pub state: String,
    /// The citizen's display name.
    pub citizen: String,
    pub message: Option<String>,
    /// The entry as the citizen declared it when asking.
    #[schema(value_type = Object)]
    pub entry: Value,
    /// Fields to start the credential's subject from (the entry's title,
    /// organisation, dates, the citizen's name): a console prefills its
    /// form with them; the subject sent on approval is checked against the
    /// template.
    #[schema(value_type = Object)]
    pub prefill: Value,
    pub documents: Vec<RequestDocument>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The credential issued on approval.
    pub credential_ref: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRequestList {
    pub items: Vec<OrgRequestView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// `pending` (default), `approved`, `rejected`, `cancelled` or `all`.
    pub state: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::not_found("No such certification request.")
}

async fn view(
    state: &AppState,
    slug: &str,
    r: CertRequestRecord,
) -> Result<OrgRequestView, ApiError> {
    let entry: Value = serde_json::from_str(&r.entry_snapshot).unwrap_or(Value::Null);
    let prefill = json!({
        "name": r.citizen_name,
        "title": entry["title"],
        "organisation": entry["organisation"],
        "startDate": entry["startDate"],
        "endDate": entry["endDate"],
        "description": entry["description"],
    });
    let documents = state
        .store
        .cert_request_documents(&r.id)
        .await?
        .into_iter()
        .map(|d| RequestDocument {
            href: format!(
                "/orgs/{slug}/certification-requests/{}/documents/{}",
                r.id, d.id
            ),
            id: d.id,
            name: d.name,
            content_type: d.content_type,
            size: d.size,
            sha256: d.sha256,
        })
        .collect();
    Ok(OrgRequestView {
        id: r.id,
        state: r.state,
        citizen: r.citizen_name,
        message: r.message,
        entry,
        prefill,
        documents,
        reason: r.reason,
        created_at: r.created_at,
        decided_at: r.decided_at,
        credential_ref: r.credential_ref,
    })
}

/// The queue: requests to this organisation, oldest first (pending ones
/// unless `state` says otherwise).
#[utoipa::path(
    get, path = "/orgs/{slug}/certification-requests", tag = "certification requests",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug"), QueueQuery),
    responses(
        (status = 200, body = OrgRequestList),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn queue(
    State(state): State<AppState>,
    OrgMember(_principal): OrgMember,
    Path(slug): Path<String>,
    Query(query): Query<QueueQuery>,
) -> Result<Json<OrgRequestList>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let filter = match query.state.as_deref() {
        None => Some("pending"),
        Some("all") => None,
        Some(s @ ("pending" | "approved" | "rejected" | "cancelled")) => Some(s),
        Some(_) => {
            return Err(ApiError::bad_request(
                "state must be pending, approved, rejected, cancelled or all",
            ))
        }
    };
    let mut items = Vec::new();
    for r in state.store.org_cert_requests(&org.id, filter).await? {
        items.push(view(&state, &slug, r).await?);
    }
    Ok(Json(OrgRequestList { items }))
}

/// One request, with the entry, the documents and a prefill.
#[utoipa::path(
    get, path = "/orgs/{slug}/certification-requests/{id}", tag = "certification requests",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The request id")),
    responses(
        (status = 200, body = OrgRequestView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_request(
    State(state): State<AppState>,
    OrgMember(_principal): OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<OrgRequestView>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let r = state
        .store
        .org_cert_request(&org.id, &id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(view(&state, &slug, r).await?))
}

/// A document the citizen attached to the request.
#[utoipa::path(
    get, path = "/orgs/{slug}/certification-requests/{id}/documents/{document}", tag = "certification requests",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        ("id" = String, Path, description = "The request id"),
        ("document" = String, Path, description = "The document id"),
    ),
    responses(
        (status = 200, description = "The document, as an attachment", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn request_document(
    State(state): State<AppState>,
    OrgMember(_principal): OrgMember,
    Path((slug, id, document)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let r = state
        .store
        .org_cert_request(&org.id, &id)
        .await?
        .ok_or_else(not_found)?;
    let record = state
        .store
        .cert_request_documents(&r.id)
        .await?
        .into_iter()
        .find(|d| d.id == document)
        .ok_or_else(|| ApiError::not_found("No such document in this request."))?;
    let citizen = state
        .store
        .citizen_by_id(&r.citizen_id)
        .await?
        .ok_or_else(not_found)?;
    atout_web::download::document(&state, &citizen, &record).await
}

/// Approving: the template and the credential's subject (without `id`:
/// the citizen's holder DID is set).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Approval {
    pub template_id: String,
    #[schema(value_type = Object)]
    pub subject: Value,
    /// `ldp_vc` (default) or `vc+jwt`.
    pub format: Option<String>,
    /// For `vc+jwt`: `EdDSA` (default) or `ES256`.
    pub alg: Option<String>,
    /// For `ldp_vc`: `eddsa-rdfc-2022` (default) or `ecdsa-rdfc-2019`.
    pub cryptosuite: Option<String>,
}

/// Approve: issue the credential from a template, into the citizen's
/// wallet, linked to the entry (now certified).
#[utoipa::path(
    post, path = "/orgs/{slug}/certification-requests/{id}/approve", tag = "certification requests",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The request id")),
    request_body = Approval,
    responses(
        (status = 200, body = OrgRequestView, description = "Approved: the credential is in the wallet"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Not pending any more (`state`)", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A subject the template refuses, an unknown template or format", content_type = "application/problem+json"),
    )
)]
async fn approve(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path((slug, id)): Path<(String, String)>,
    Json(body): Json<Approval>,
) -> Result<Json<OrgRequestView>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let r = state
        .store
        .org_cert_request(&org.id, &id)
        .await?
        .ok_or_else(not_found)?;
    if r.state != "pending" {
        return Err(not_pending(&r.state));
    }
    let template = state
        .store
        .get_template(&org.id, &body.template_id)
        .await?
        .ok_or_else(|| {
            ApiError::unprocessable("templateId is not a template of this organisation.")
                .with("field", "templateId")
        })?;
    let citizen = state
        .store
        .citizen_by_id(&r.citizen_id)
        .await?
        .ok_or_else(not_found)?;
    let mut subject: Map<String, Value> = body.subject.as_object().cloned().ok_or_else(|| {
        ApiError::unprocessable("subject must be an object.").with("field", "subject")
    })?;
    subject.insert("id".into(), Value::String(citizen.holder_did.clone()));
    let subject = Value::Object(subject);
    check_subject(&subject_validator(&stored_schema(&template)?)?, &subject)?;
    let format = ProofFormat::parse(
        body.cryptosuite.as_deref(),
        body.format.as_deref(),
        body.alg.as_deref(),
    )
    .map_err(|e| ApiError::unprocessable(e.message).with("field", e.field))?;
    let credential = build_credential(&state, &org, &template, &subject)?;
    let actor: Actor = principal.actor();
    let signed = sign_credential(
        &state,
        &org,
        &actor,
        IssueInput {
            credential,
            format,
            template_id: Some(template.id.clone()),
            reference: Some(format!("certification-request:{}", r.id)),
            subject_name: subject_name(&subject),
            subject_email: Some(citizen.email.clone()),
        },
    )
    .await?;
    let now = state.clock.now();
    let holding = HoldingRecord {
        id: new_id(),
        citizen_id: citizen.id.clone(),
        format: signed.record.format.clone(),
        body: signed.record.body.clone(),
        credential_id: Some(signed.record.credential_id.clone()).filter(|c| !c.is_empty()),
        issuer: state.orgs.did_of(&org),
        types: serde_json::to_string(&[
            "VerifiableCredential".to_owned(),
            template.credential_type.clone(),
        ])
        .map_err(ApiError::internal)?,
        title: template.name_fr.clone(),
        valid_from: Some(signed.record.issued_at),
        valid_until: None,
        source: "request".into(),
        tags: "[]".into(),
        import_report: None,
        received_at: now,
    };
    let approved = actor.entry(
        now,
        Some(&org.id),
        action::REQUEST_APPROVED,
        format!("certification-request:{}", r.id),
        Some(json!({"credential": signed.record.id})),
    );
    let outcome = state
        .store
        .approve_cert_request(
            &org.id,
            &r.id,
            &actor.label,
            &signed.record,
            &[signed.audit.clone(), approved],
            &holding,
            now,
        )
        .await;
    match outcome {
        Ok(CertDecision::Done) => {}
        Ok(other) => {
            discard(&state, &signed.record.id).await;
            return Err(match other {
                CertDecision::NotPending(s) => not_pending(&s),
                _ => not_found(),
            });
        }
        Err(e) => {
            discard(&state, &signed.record.id).await;
            return Err(e.into());
        }
    }
    tracing::info!(request = %r.id, credential = %signed.record.id, "certification request approved");
    decided(&state, &org, &r, None).await;
    let r = state
        .store
        .org_cert_request(&org.id, &id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(view(&state, &slug, r).await?))
}

/// Tells the citizen their request was decided (issue 19): approved
/// (`reason` `None`), or rejected with the reason.
async fn decided(
    state: &AppState,
    org: &atout_core::store::Organisation,
    r: &CertRequestRecord,
    reason: Option<&str>,
) {
    let entry = serde_json::from_str::<Value>(&r.entry_snapshot)
        .ok()
        .and_then(|e| e.get("title").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    let notice = atout_core::notify::Notice::citizen(
        &r.citizen_id,
        atout_core::notify::Kind::RequestDecided,
        json!({
            "decision": if reason.is_some() { "rejected" } else { "approved" },
            "orgFr": org.name_fr,
            "orgEn": org.name_en,
            "entry": entry,
            "reason": reason,
        }),
    )
    .link(format!("/me/requests/{}", r.id));
    atout_core::notify::notify(state.store.as_ref(), state.clock.now(), vec![notice]).await;
}

fn not_pending(state: &str) -> ApiError {
    ApiError::conflict(format!(
        "This request is {state}: it can no longer be decided."
    ))
    .with("state", state.to_owned())
}

/// Rejecting, with the reason the citizen reads.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// 1 to 2000 characters.
    pub reason: String,
}

/// Reject, with a reason.
#[utoipa::path(
    post, path = "/orgs/{slug}/certification-requests/{id}/reject", tag = "certification requests",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The request id")),
    request_body = Rejection,
    responses(
        (status = 200, body = OrgRequestView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Not pending any more", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn reject(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path((slug, id)): Path<(String, String)>,
    Json(body): Json<Rejection>,
) -> Result<Json<OrgRequestView>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let reason: String = body
        .reason
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .trim()
        .to_owned();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(
            ApiError::unprocessable("reason: 1 to 2000 characters.").with("field", "reason")
        );
    }
    let now = state.clock.now();
    let actor = principal.actor();
    let audit = actor.entry(
        now,
        Some(&org.id),
        action::REQUEST_REJECTED,
        format!("certification-request:{id}"),
        None,
    );
    match state
        .store
        .reject_cert_request(&org.id, &id, &reason, &actor.label, &audit, now)
        .await?
    {
        CertDecision::Done => {}
        CertDecision::NotFound => return Err(not_found()),
        CertDecision::NotPending(s) => return Err(not_pending(&s)),
    }
    let r = state
        .store
        .org_cert_request(&org.id, &id)
        .await?
        .ok_or_else(not_found)?;
    decided(&state, &org, &r, Some(&reason)).await;
    Ok(Json(view(&state, &slug, r).await?))
}
