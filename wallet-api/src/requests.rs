//! Certification requests, on the citizen's side: ask an organisation to
//! certify an entry you declared, with documents; follow the outcome.
//!
//! | route | caller |
//! |---|---|
//! | `POST /wallet/certification-requests` | the citizen |
//! | `GET /wallet/certification-requests` | the citizen |
//! | `GET /wallet/certification-requests/{id}` | the citizen |
//! | `DELETE /wallet/certification-requests/{id}` | the citizen: withdraw a pending one |
//!
//! The organisation decides through `atout_issuer::requests`; an approved
//! request's credential lands in the wallet and the entry links to it.

use crate::entries::field_error;
use crate::entries::views;
use atout_core::{
    ids::new_id,
    store::{CertDecision, CertRequestRecord, CreateCertRequest},
};
use atout_web::{auth::Citizen, problem::ProblemBody, ApiError, AppState, Json, Path};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, create_request))
        .routes(routes!(get_request, cancel_request))
}

/// A request to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewCertRequest {
    /// One of your entries.
    pub entry_id: String,
    /// The organisation's slug (`/orgs/{slug}`).
    pub org: String,
    /// A word for the organisation (up to 2000 characters).
    pub message: Option<String>,
    /// Ids of your documents to attach (at most 20).
    #[serde(default)]
    pub documents: Vec<String>,
}

/// A request, as the citizen sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertRequestView {
    pub id: String,
    pub entry_id: Option<String>,
    /// The organisation's slug and names.
    pub org: String,
    pub org_name: String,
    /// `pending`, `approved`, `rejected` or `cancelled`.
    pub state: String,
    pub message: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The credential it brought into your wallet.
    pub holding_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CertRequestList {
    pub items: Vec<CertRequestView>,
}

async fn view(state: &AppState, r: CertRequestRecord) -> Result<CertRequestView, ApiError> {
    let org = state.store.get_org(&r.org_id).await?;
    let (slug, name) = org.map(|o| (o.slug, o.name_fr)).unwrap_or_default();
    Ok(CertRequestView {
        id: r.id,
        entry_id: r.entry_id,
        org: slug,
        org_name: name,
        state: r.state,
        message: r.message,
        reason: r.reason,
        created_at: r.created_at,
        decided_at: r.decided_at,
        holding_id: r.holding_id,
    })
}

/// Ask an organisation to certify one of your entries.
#[utoipa::path(
    post, path = "/wallet/certification-requests", tag = "certification requests",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewCertRequest,
    responses(
        (status = 201, body = CertRequestView),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "A pending request for this entry to this organisation exists (`request`)", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "An unknown entry, organisation or document (`field`)", content_type = "application/problem+json"),
    )
)]
async fn create_request(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewCertRequest>,
) -> Result<Response, ApiError> {
    if new.documents.len() > 20 {
        return Err(field_error("documents", "documents: at most 20."));
    }
    let message: Option<String> = new
        .message
        .as_deref()
        .map(|m| {
            m.chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .filter(|m| !m.is_empty());
    if message.as_ref().is_some_and(|m| m.chars().count() > 2000) {
        return Err(field_error("message", "message: at most 2000 characters."));
    }
    let org = state
        .store
        .get_org_by_slug(&new.org)
        .await?
        .ok_or_else(|| field_error("org", "org is not an organisation of this platform."))?;
    let entry = state
        .store
        .get_entry(citizen.id(), &new.entry_id)
        .await?
        .ok_or_else(|| field_error("entryId", "entryId is not one of your entries."))?;
    let snapshot = views(&state, citizen.id(), vec![entry.clone()])
        .await?
        .pop()
        .map(|v| serde_json::to_value(v).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    let now = state.clock.now();
    let record = CertRequestRecord {
        id: new_id(),
        citizen_id: citizen.id().to_owned(),
        entry_id: Some(entry.id.clone()),
        org_id: org.id.clone(),
        message,
        entry_snapshot: snapshot.to_string(),
        citizen_name: citizen.record.display_name.clone(),
        state: "pending".into(),
        reason: None,
        created_at: now,
        decided_at: None,
        decided_by: None,
        credential_ref: None,
        holding_id: None,
    };
    match state
        .store
        .create_cert_request(&record, &new.documents)
        .await?
    {
        CreateCertRequest::Created => {}
        CreateCertRequest::UnknownEntry => {
            return Err(field_error(
                "entryId",
                "entryId is not one of your entries.",
            ))
        }
        CreateCertRequest::UnknownDocument(d) => {
            return Err(field_error(
                "documents",
                format!("You have no document with the id {d:?}."),
            ))
        }
        CreateCertRequest::Duplicate(id) => {
            return Err(ApiError::conflict(
                "You already asked this organisation about this entry; wait for its answer.",
            )
            .with("request", id))
        }
    }
    tracing::info!(citizen = %citizen.id(), request = %record.id, org = %org.slug, "certification requested");
    // The organisation is told (issue 19).
    let notice = atout_core::notify::Notice::org(
        &org.id,
        atout_core::notify::Kind::RequestReceived,
        serde_json::json!({"name": citizen.record.display_name, "entry": entry.title}),
    )
    .link(format!("/console/orgs/{}/requests/{}", org.slug, record.id));
    atout_core::notify::notify(state.store.as_ref(), now, vec![notice]).await;
    let location = HeaderValue::from_str(&format!("/wallet/certification-requests/{}", record.id))
        .map_err(ApiError::internal)?;
    let mut response = (StatusCode::CREATED, Json(view(&state, record).await?)).into_response();
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// Your requests, newest first.
#[utoipa::path(
    get, path = "/wallet/certification-requests", tag = "certification requests",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = CertRequestList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_requests(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<CertRequestList>, ApiError> {
    let mut items = Vec::new();
    for r in state.store.citizen_cert_requests(citizen.id()).await? {
        items.push(view(&state, r).await?);
    }
    Ok(Json(CertRequestList { items }))
}

/// One of your requests, with its outcome.
#[utoipa::path(
    get, path = "/wallet/certification-requests/{id}", tag = "certification requests",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The request id")),
    responses(
        (status = 200, body = CertRequestView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_request(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<CertRequestView>, ApiError> {
    let r = state
        .store
        .citizen_cert_request(citizen.id(), &id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such request."))?;
    Ok(Json(view(&state, r).await?))
}

/// Withdraw a pending request.
#[utoipa::path(
    delete, path = "/wallet/certification-requests/{id}", tag = "certification requests",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The request id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Decided already (`state`)", content_type = "application/problem+json"),
    )
)]
async fn cancel_request(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    match state
        .store
        .cancel_cert_request(citizen.id(), &id, state.clock.now())
        .await?
    {
        CertDecision::Done => Ok(StatusCode::NO_CONTENT),
        CertDecision::NotFound => Err(ApiError::not_found("No such request.")),
        CertDecision::NotPending(s) => Err(ApiError::conflict(format!(
            "This request is {s}: it can no longer be withdrawn."
        ))
        .with("state", s)),
    }
}
