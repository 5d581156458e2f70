//! Revocation and suspension with Bitstring Status List v1.0.
//!
//! * Every issued credential gets two `BitstringStatusListEntry`s (revocation
//!   and suspension) at random indexes of the organisation's lists.
//! * `GET /orgs/{slug}/status/{purpose}-{n}`: the signed
//!   `BitstringStatusListCredential` (public, cacheable, with `ttl`).
//! * `POST /credentials/status` (VC-API): revoke, suspend, unsuspend, with
//!   the organisation's API key. Revocation is irreversible.
//! * Entries allocated for credentials never recorded (a crash between
//!   allocating and recording) are reclaimed after [`ALLOCATION_LEASE`]:
//!   [`reclaim_forever`] runs in the server.

use atout_core::{
    audit::action,
    clock::Clock,
    crypto::{random_bytes, KeyAlgorithm},
    store::{Organisation, StatusList, StatusPurpose, StatusUpdate, Store, StoreError},
};
use atout_vc::{
    sign::{self, ProofFormat},
    ssi_bridge::Cryptosuite,
    status,
};
use atout_web::{auth::Principal, problem::ProblemBody, ApiError, AppState, Json, Path};
use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status_list))
        .routes(routes!(update_status))
}

/// Bits per list (the specification's minimum, 16 KiB).
pub const LIST_SIZE: i64 = status::MIN_LIST_SIZE as i64;

fn random_index() -> i64 {
    random_bytes(4)
        .map(|b| i64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
        .unwrap_or(0)
}

pub fn list_url(state: &AppState, slug: &str, purpose: StatusPurpose, number: i64) -> String {
    format!(
        "{}/orgs/{slug}/status/{}-{number}",
        state.config.base(),
        purpose.as_str()
    )
}

/// Allocates the revocation and suspension entries of the credentials
/// `refs` (record ids); returns each credential's `credentialStatus`.
///
/// The allocation is leased to this process for [`ALLOCATION_LEASE`]: the
/// credentials must be recorded within it, or their entries are reclaimed
/// (see [`reclaim`]) and recording them is refused.
pub async fn assign(
    state: &AppState,
    org: &Organisation,
    refs: &[String],
) -> Result<Vec<Value>, ApiError> {
    let now = state.clock.now();
    let purposes = [StatusPurpose::Revocation, StatusPurpose::Suspension];
    let mut per_credential: Vec<Vec<Value>> = vec![Vec::new(); refs.len()];
    let allocated = state
        .store
        .allocate_status(&org.id, &purposes, refs, LIST_SIZE, &random_index, now)
        .await?;
    for (purpose, entries) in purposes.into_iter().zip(allocated) {
        for (i, e) in entries.iter().enumerate() {
            per_credential[i].push(status::entry(
                &list_url(state, &org.slug, purpose, e.list_number),
                purpose,
                e.index as u64,
            ));
        }
    }
    Ok(per_credential.into_iter().map(Value::Array).collect())
}

/// How long status entries belong to the process that allocated them
/// before their credential is recorded. Far longer than any issuance takes
/// (a chunk of 512 is signed in well under a second); a credential recorded
/// later is refused, so a process that stalls longer loses its chunk
/// (redone), never a credential's bits.
pub const ALLOCATION_LEASE: chrono::Duration = chrono::Duration::minutes(15);

/// How often a server reclaims leaked entries (also once at start-up).
pub const RECLAIM_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Credentials reclaimed per transaction.
const RECLAIM_CHUNK: u32 = 500;

/// Frees the status entries of credentials that were allocated more than
/// [`ALLOCATION_LEASE`] before `now` and never recorded (a process killed
/// between allocating and recording), and counts them out of their lists.
/// Returns the number of entries freed.
pub async fn reclaim(store: &dyn Store, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let cutoff = now - ALLOCATION_LEASE;
    let mut freed = 0;
    loop {
        let done = store.reclaim_status(cutoff, now, RECLAIM_CHUNK).await?;
        if done.is_empty() {
            return Ok(freed);
        }
        for r in &done {
            tracing::info!(
                org = %r.org_id,
                credentials = r.credentials,
                entries = r.entries,
                "reclaimed the status entries of credentials never recorded"
            );
            freed += r.entries as u64;
        }
    }
}

/// Reclaims leaked status entries now, then every [`RECLAIM_EVERY`].
pub async fn reclaim_forever(store: Arc<dyn Store>, clock: Arc<dyn Clock>) {
    loop {
        if let Err(e) = reclaim(store.as_ref(), clock.now()).await {
            tracing::warn!(error = %e, "reclaiming leaked status entries failed");
        }
        tokio::time::sleep(RECLAIM_EVERY).await;
    }
}

/// Every status list of every organisation, signed and current, by URL:
/// what an offline verifier bundle carries.
pub async fn all_signed_lists(state: &AppState) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    for org in state.store.list_orgs().await? {
        for purpose in [StatusPurpose::Revocation, StatusPurpose::Suspension] {
            let mut number = 1;
            while let Some(list) = state
                .store
                .get_status_list(&org.id, purpose, number)
                .await?
            {
                let url = list_url(state, &org.slug, purpose, number);
                out.push((url, signed_list(state, &org, &list).await?));
                number += 1;
            }
        }
    }
    Ok(out)
}

/// The signed list credential for the list's current version (re-signed
/// only when a status changed since).
async fn signed_list(
    state: &AppState,
    org: &Organisation,
    list: &StatusList,
) -> Result<String, ApiError> {
    if list.signed_version == list.version {
        if let Some(signed) = &list.signed {
            return Ok(signed.clone());
        }
    }
    let bits = state.store.status_list_set_bits(&list.id).await?;
    let encoded = status::encode(list.size as usize, bits.iter().map(|i| *i as u64))
        .map_err(ApiError::internal)?;
    let did = state.orgs.did_of(org);
    let url = list_url(state, &org.slug, list.purpose, list.number);
    let unsigned = status::list_credential(&url, &did, list.purpose, &encoded, state.clock.now());
    let key = state
        .orgs
        .org_signing_key(&org.slug, KeyAlgorithm::Ed25519)
        .await?;
    let secured = sign::secure(
        &state.vc.engine,
        &unsigned,
        ProofFormat::DataIntegrity(Cryptosuite::EddsaRdfc2022),
        &key,
        &did,
        state.clock.now(),
    )
    .await
    .map_err(ApiError::internal)?;
    state
        .store
        .save_signed_status_list(&list.id, list.version, &secured.stored)
        .await?;
    Ok(secured.stored)
}

/// A status list: a signed `BitstringStatusListCredential` (eddsa-rdfc-2022),
/// re-signed when a status changes. Public; cache it for its `ttl`.
#[utoipa::path(
    get, path = "/orgs/{slug}/status/{list}", tag = "status",
    params(("slug" = String, Path), ("list" = String, Path, description = "`revocation-1`, `suspension-1`, ...")),
    responses(
        (status = 200, description = "BitstringStatusListCredential", content_type = "application/vc+ld+json"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn status_list(
    State(state): State<AppState>,
    Path((slug, list)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("No such status list.");
    let (purpose, number) = list.rsplit_once('-').ok_or_else(not_found)?;
    let purpose = StatusPurpose::parse(purpose).ok_or_else(not_found)?;
    // One URL per list: digits only, no leading zero.
    if number.is_empty()
        || number.len() > 9
        || !number.bytes().all(|b| b.is_ascii_digit())
        || number.starts_with('0')
    {
        return Err(not_found());
    }
    let number: i64 = number.parse().map_err(|_| not_found())?;
    let org = state.orgs.find(&slug).await.map_err(|_| not_found())?;
    let list = state
        .store
        .get_status_list(&org.id, purpose, number)
        .await?
        .ok_or_else(not_found)?;
    let etag = format!("\"{}-v{}\"", list.id, list.version);
    let cache = format!("public, max-age={}", status::TTL_MS / 1000);
    let common = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, cache),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_owned()),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let body = signed_list(&state, &org, &list).await?;
    let mut response = (common, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vc+ld+json"),
    );
    Ok(response)
}

/// `POST /credentials/status` body (W3C VC-API).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateStatus {
    /// The credential's `id`.
    pub credential_id: String,
    pub credential_status: Vec<StatusChange>,
    /// Why (up to 500 characters): the holder in Atout is told, with it.
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StatusChange {
    /// `BitstringStatusListEntry`
    #[serde(rename = "type")]
    pub type_: String,
    /// `true` to revoke or suspend, `false` to unsuspend.
    pub status: bool,
    pub status_purpose: StatusPurpose,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusResult {
    pub credential_id: String,
    pub credential_status: Vec<StatusChange>,
}

/// Revoke (irreversible), suspend or unsuspend a credential this
/// organisation issued.
#[utoipa::path(
    post, path = "/credentials/status", tag = "status",
    security(("bearer" = [])),
    request_body = UpdateStatus,
    responses(
        (status = 200, body = StatusResult, description = "The credential's statuses now"),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not an organisation API key", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "This organisation issued no such credential", content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Un-revoking: revocation is irreversible", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_status(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<UpdateStatus>,
) -> Result<Json<StatusResult>, ApiError> {
    let Principal::Org { org, .. } = &principal else {
        return Err(ApiError::forbidden(
            "Statuses are changed with the issuing organisation's API key.",
        ));
    };
    if body.credential_status.is_empty() || body.credential_status.len() > 2 {
        return Err(ApiError::unprocessable(
            "credentialStatus lists one or two changes (revocation, suspension).",
        ));
    }
    for change in &body.credential_status {
        if change.type_ != "BitstringStatusListEntry" {
            return Err(ApiError::unprocessable(format!(
                "{:?} is not supported: use BitstringStatusListEntry",
                change.type_.chars().take(80).collect::<String>()
            )));
        }
    }
    let reason = body
        .reason
        .as_deref()
        .map(|r| {
            r.chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(
            ApiError::unprocessable("reason: at most 500 characters.").with("field", "reason")
        );
    }
    let mut purposes = std::collections::HashSet::new();
    if !body
        .credential_status
        .iter()
        .all(|c| purposes.insert(c.status_purpose))
    {
        return Err(ApiError::unprocessable(
            "Each status purpose may appear once in credentialStatus.",
        ));
    }
    let record = state
        .store
        .find_issued_credential(&org.id, &body.credential_id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("This organisation issued no credential with this id.")
        })?;
    // Refuse before changing anything: un-revoking, or a purpose the
    // credential has no entry for.
    let current = state.store.status_entries(&record.id).await?;
    for change in &body.credential_status {
        match current.iter().find(|e| e.purpose == change.status_purpose) {
            None => {
                return Err(ApiError::unprocessable(format!(
                    "This credential has no {} status entry.",
                    change.status_purpose.as_str()
                )))
            }
            Some(e) if e.purpose == StatusPurpose::Revocation && e.status && !change.status => {
                return Err(ApiError::conflict(
                    "This credential is revoked, and revocation is irreversible.",
                ))
            }
            Some(_) => {}
        }
    }
    let mut changed = Vec::new();
    for change in &body.credential_status {
        let now = state.clock.now();
        let verb = match (change.status_purpose, change.status) {
            (StatusPurpose::Revocation, true) => action::CREDENTIAL_REVOKED,
            (StatusPurpose::Revocation, false) => "credential.unrevoked",
            (StatusPurpose::Suspension, true) => action::CREDENTIAL_SUSPENDED,
            (StatusPurpose::Suspension, false) => action::CREDENTIAL_UNSUSPENDED,
        };
        let audit = principal.actor().entry(
            now,
            Some(&org.id),
            verb,
            format!("credential:{}", record.id),
            Some(serde_json::json!({"credential_id": record.credential_id})),
        );
        match state
            .store
            .set_status(
                &record.id,
                change.status_purpose,
                change.status,
                now,
                &audit,
            )
            .await?
        {
            StatusUpdate::Changed => changed.push((change.status_purpose, change.status)),
            StatusUpdate::Unchanged => {}
            StatusUpdate::NotFound => {
                return Err(ApiError::unprocessable(format!(
                    "This credential has no {} status entry.",
                    change.status_purpose.as_str()
                )))
            }
            StatusUpdate::Irreversible => {
                return Err(ApiError::conflict(
                    "This credential is revoked, and revocation is irreversible.",
                ))
            }
        }
    }
    // The holders in Atout are told, once the change is made.
    for (purpose, on) in changed {
        let kind = match (purpose, on) {
            (StatusPurpose::Revocation, _) => atout_core::notify::Kind::CredentialRevoked,
            (StatusPurpose::Suspension, true) => atout_core::notify::Kind::CredentialSuspended,
            (StatusPurpose::Suspension, false) => atout_core::notify::Kind::CredentialReinstated,
        };
        atout_core::notify::credential_status_changed(
            state.store.as_ref(),
            state.clock.now(),
            &record.credential_id,
            kind,
            org,
            reason.as_deref(),
        )
        .await;
    }
    let entries = state.store.status_entries(&record.id).await?;
    Ok(Json(StatusResult {
        credential_id: record.credential_id,
        credential_status: entries
            .into_iter()
            .map(|e| StatusChange {
                type_: "BitstringStatusListEntry".into(),
                status: e.status,
                status_purpose: e.purpose,
            })
            .collect(),
    }))
}
