//! Shares: the citizen picks credentials, entries and documents and hands
//! out a link (and its QR code). Whoever holds the link sees them, checked
//! by the verifier, until the share expires or is revoked.
//!
//! | route | caller |
//! |---|---|
//! | `POST /wallet/shares` | the citizen: create one |
//! | `GET /wallet/shares` | the citizen: list, with openings |
//! | `GET /wallet/shares/{id}` | the citizen |
//! | `DELETE /wallet/shares/{id}` | the citizen: revoke it, at once |
//! | `GET /wallet/shares/{id}/accesses` | the citizen: its access log |
//! | `GET /wallet/shares/{id}/qr.svg`, `qr.png` | the citizen: the link's QR code |
//! | `POST /s/{token}/presentation` | whoever holds the link (a verifier's software) |
//! | `GET /s/{token}/documents/{id}` | whoever holds the link |
//!
//! (`GET /s/{token}`, the page for people, is the verifier's: it asks
//! through [`atout_web::share::SharedPortfolios`], implemented here by
//! [`Shares`].)
//!
//! The link is `{base}/s/{token}`: 128 random bits, found by their SHA-256
//! and kept sealed under the citizen's own key so that the citizen can show
//! the link again. The shared credentials travel in a verifiable
//! presentation signed, at each opening, by the citizen's holder key and
//! bound to the verifier's challenge and domain. A PIN (4 to 12 digits) is
//! kept as an argon2id hash; five wrong PINs close the share for 15
//! minutes. Addresses that try many unknown links are refused for a while,
//! and logged. Every opening and refusal is in the share's access log.

use crate::entries::field_error;
use crate::{
    documents::document_response,
    entries::{views, TrustLevel},
};
use atout_core::{
    citizens::AccountError,
    crypto::{random_token, sha256_hex, MasterKey},
    ids::new_id,
    store::{
        Attempt, AttemptLimit, CitizenRecord, CreateShare, ShareAccessRecord, ShareItem,
        ShareRecord, ShareSummary,
    },
};
use atout_web::{
    auth::Citizen,
    extract::ClientIp,
    limits::Action,
    problem::ProblemBody,
    qr,
    share::{
        pass_cookie, plausible_token, ShareRefusal, ShareRequest, SharedContent, SharedDocument,
        SharedEndorsement, SharedEntry, SharedPortfolios, SharedView,
    },
    ApiError, AppState, Json, Path, Query,
};
use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Live (unrevoked, unexpired) shares a citizen may have.
pub const MAX_LIVE_SHARES: i64 = 100;
/// Things one share may show.
pub const MAX_ITEMS: usize = 100;
/// PIN attempts per [`PIN_LOCK`] window (a right PIN forgets the count);
/// past them the share is closed to PINs until the window ends.
pub const PIN_MAX_FAILURES: i64 = 5;
/// The attempts' scope (see `atout_core::store::AttemptStore`).
pub const PIN_SCOPE: &str = "share-pin";
pub const PIN_LOCK: Duration = Duration::minutes(15);
/// How long a right PIN opens the share again without asking (a cookie).
pub const PASS_TTL: Duration = Duration::minutes(30);
/// The longest a share may live.
pub const MAX_LIFETIME: Duration = Duration::days(366);
/// Lines of the access log returned.
const LOG_LIMIT: i64 = 500;
/// The header carrying a PIN to the machine routes.
pub const PIN_HEADER: &str = "x-share-pin";
/// Associated data of sealed passes.
const PASS_AAD: &[u8] = b"atout share pass";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_shares, create_share))
        .routes(routes!(get_share, revoke_share))
        .routes(routes!(share_accesses))
        .routes(routes!(share_qr_svg))
        .routes(routes!(share_qr_png))
        .routes(routes!(present))
        .routes(routes!(shared_document))
}

// ----- the citizen's side ------------------------------------------------

/// A share to create. At least one credential, entry or document; all of
/// them yours.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewShare {
    /// Your name for it ("Candidature Région", "Pour Mme Martin"), 1 to 120
    /// characters.
    pub label: String,
    /// Ids of credentials you hold (`/wallet/holdings`).
    #[serde(default)]
    pub credentials: Vec<String>,
    /// Ids of your entries.
    #[serde(default)]
    pub entries: Vec<String>,
    /// Ids of your documents.
    #[serde(default)]
    pub documents: Vec<String>,
    /// When the link stops working (at most a year ahead); none: until
    /// revoked.
    pub expires_at: Option<DateTime<Utc>>,
    /// 4 to 12 digits the visitor must type.
    pub pin: Option<String>,
    /// Selective disclosure, for SD-JWT VC credentials of the share: by
    /// credential id, the claims to disclose, each a dotted path
    /// (`degree.name`, `givenName`). A credential not named here discloses
    /// every claim; other formats cannot disclose claim by claim.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub disclose: std::collections::BTreeMap<String, Vec<String>>,
}

/// One thing a share shows.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShareItemView {
    /// `credential`, `entry` or `document`.
    pub kind: &'static str,
    pub id: String,
}

/// A share, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShareView {
    pub id: String,
    pub label: String,
    /// The link to give: `{base}/s/{token}`.
    pub url: String,
    pub qr_svg: String,
    pub qr_png: String,
    /// `active`, `expired` or `revoked`.
    pub state: &'static str,
    pub has_pin: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// How many things it shows (listed in full by `GET /wallet/shares/{id}`).
    pub item_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ShareItemView>>,
    /// Openings by people and verifiers.
    pub openings: i64,
    pub last_opened_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareList {
    pub items: Vec<ShareView>,
}

/// A line of a share's access log.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShareAccess {
    pub at: DateTime<Utc>,
    /// `opened` (the page), `presented` (to a verifier's software),
    /// `document`, `pin-required`, `pin-wrong`, `pin-locked`, `expired`,
    /// `revoked`.
    pub outcome: String,
    /// The domain a verifier bound the presentation to.
    pub verifier: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareAccessList {
    pub items: Vec<ShareAccess>,
}

fn share_not_found() -> ApiError {
    ApiError::not_found("No such share.")
}

fn state_of(share: &ShareRecord, now: DateTime<Utc>) -> &'static str {
    if share.revoked_at.is_some() {
        "revoked"
    } else if share.expires_at.is_some_and(|e| e <= now) {
        "expired"
    } else {
        "active"
    }
}

fn token_aad(share_id: &str) -> Vec<u8> {
    format!("share:{share_id}").into_bytes()
}

/// A share about to be written.
pub(crate) struct NewShareRecord<'a> {
    pub label: String,
    pub items: &'a [ShareItem],
    pub pin_hash: Option<String>,
    pub disclosures: &'a [(String, String)],
    pub expires_at: Option<DateTime<Utc>>,
}

/// Writes a new share of the citizen's (a fresh token, sealed under their
/// key): its record and its link's token. Refused (422) when an item is not
/// theirs, (409) when they have the most live shares allowed.
pub(crate) async fn insert_share(
    state: &AppState,
    citizen: &CitizenRecord,
    sealer: &MasterKey,
    new: NewShareRecord<'_>,
) -> Result<(ShareRecord, String), ApiError> {
    let now = state.clock.now();
    let id = new_id();
    let token = random_token(16).map_err(ApiError::internal)?;
    let token_sealed = sealer
        .seal(token.as_bytes(), &token_aad(&id))
        .map_err(ApiError::internal)?;
    let record = ShareRecord {
        id: id.clone(),
        citizen_id: citizen.id.clone(),
        token_hash: sha256_hex(token.as_bytes()),
        token_sealed,
        label: new.label,
        pin_hash: new.pin_hash,
        pin_failures: 0,
        pin_locked_until: None,
        created_at: now,
        expires_at: new.expires_at,
        revoked_at: None,
    };
    match state
        .store
        .create_share(&record, new.items, new.disclosures, MAX_LIVE_SHARES, now)
        .await?
    {
        CreateShare::Created => Ok((record, token.to_string())),
        CreateShare::UnknownItem(item) => Err(ApiError::unprocessable(format!(
            "You have no {} with the id {:?}.",
            item.kind(),
            item.id()
        ))
        .with("item", item.id().to_owned())),
        CreateShare::TooMany => Err(ApiError::conflict(format!(
            "You have {MAX_LIVE_SHARES} live shares, the most allowed: revoke some first."
        ))),
    }
}

/// The link of a share of the citizen's (its token unsealed).
pub(crate) fn link_of(
    state: &AppState,
    sealer: &MasterKey,
    share: &ShareRecord,
) -> Result<String, ApiError> {
    let token = sealer
        .open(&share.token_sealed, &token_aad(&share.id))
        .map_err(ApiError::internal)?;
    let token = String::from_utf8(token.to_vec()).map_err(ApiError::internal)?;
    Ok(share_url(state, &token))
}

/// The citizen's key that seals their shares' tokens.
pub(crate) fn sealer(state: &AppState, citizen: &CitizenRecord) -> Result<MasterKey, ApiError> {
    let key = state
        .citizens
        .vault_key(citizen)
        .map_err(ApiError::internal)?;
    MasterKey::from_bytes(&key).map_err(ApiError::internal)
}

fn share_url(state: &AppState, token: &str) -> String {
    format!("{}/s/{token}", state.config.base())
}

fn view(
    state: &AppState,
    sealer: &MasterKey,
    summary: ShareSummary,
    items: Option<Vec<ShareItem>>,
) -> Result<ShareView, ApiError> {
    let share = summary.share;
    let token = sealer
        .open(&share.token_sealed, &token_aad(&share.id))
        .map_err(ApiError::internal)?;
    let token = String::from_utf8(token.to_vec()).map_err(ApiError::internal)?;
    let own = format!("/wallet/shares/{}", share.id);
    Ok(ShareView {
        url: share_url(state, &token),
        qr_svg: format!("{own}/qr.svg"),
        qr_png: format!("{own}/qr.png"),
        state: state_of(&share, state.clock.now()),
        has_pin: share.pin_hash.is_some(),
        created_at: share.created_at,
        expires_at: share.expires_at,
        revoked_at: share.revoked_at,
        item_count: summary.items,
        items: items.map(|items| {
            items
                .into_iter()
                .map(|i| ShareItemView {
                    kind: i.kind(),
                    id: i.id().to_owned(),
                })
                .collect()
        }),
        openings: summary.openings,
        last_opened_at: summary.last_opened_at,
        id: share.id,
        label: share.label,
    })
}

/// The owner's summary of one share.
async fn summary_of(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
) -> Result<ShareSummary, ApiError> {
    state
        .store
        .list_shares(citizen.id())
        .await?
        .into_iter()
        .find(|s| s.share.id == id)
        .ok_or_else(share_not_found)
}

/// The things chosen for a share or an invitation (`what`: "A share
/// shows", "An invitation covers"), as items: each id well formed, none
/// twice, at least one, at most [`MAX_ITEMS`].
pub(crate) fn collect_items(
    credentials: &[String],
    entries: &[String],
    documents: &[String],
    what: &str,
) -> Result<Vec<ShareItem>, ApiError> {
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    for (field, ids, make) in [
        (
            "credentials",
            credentials,
            ShareItem::Holding as fn(String) -> ShareItem,
        ),
        ("entries", entries, ShareItem::Entry),
        ("documents", documents, ShareItem::Document),
    ] {
        for id in ids {
            if id.is_empty() || id.len() > 100 {
                return Err(field_error(
                    field,
                    format!("{field}: an id has 1 to 100 characters."),
                ));
            }
            let item = make(id.clone());
            if !seen.insert(item.clone()) {
                return Err(field_error(
                    field,
                    format!("{field}: {id:?} is listed twice."),
                ));
            }
            items.push(item);
        }
    }
    if items.is_empty() {
        return Err(ApiError::unprocessable(format!(
            "{what} at least one credential, entry or document."
        )));
    }
    if items.len() > MAX_ITEMS {
        return Err(ApiError::unprocessable(format!(
            "{what} at most {MAX_ITEMS} things."
        )));
    }
    Ok(items)
}

/// Checks a new share's fields; returns its label and items.
fn check_new(new: &NewShare, now: DateTime<Utc>) -> Result<(String, Vec<ShareItem>), ApiError> {
    let label: String = new
        .label
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned();
    if label.is_empty() || label.chars().count() > 120 {
        return Err(field_error("label", "label: 1 to 120 characters."));
    }
    let items = collect_items(
        &new.credentials,
        &new.entries,
        &new.documents,
        "A share shows",
    )?;
    if let Some(expires) = new.expires_at {
        if expires <= now {
            return Err(field_error("expiresAt", "expiresAt is in the past."));
        }
        if expires > now + MAX_LIFETIME {
            return Err(field_error("expiresAt", "expiresAt: at most a year ahead."));
        }
    }
    if let Some(pin) = &new.pin {
        if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(field_error("pin", "pin: 4 to 12 digits."));
        }
    }
    Ok((label, items))
}

/// The stored form of a share's selective disclosures: each named
/// credential one of the share's, an SD-JWT VC of the citizen's, each path
/// one of its claims (tried now, with the holder's key, on a throwaway
/// audience).
async fn check_disclosures(
    state: &AppState,
    citizen: &Citizen,
    credentials: &[String],
    disclose: &std::collections::BTreeMap<String, Vec<String>>,
) -> Result<Vec<(String, String)>, ApiError> {
    if disclose.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = disclose.keys().cloned().collect();
    let held = state.store.holdings_by_ids(citizen.id(), &ids).await?;
    let key = state
        .citizens
        .holder_key(&citizen.record)
        .map_err(ApiError::internal)?;
    let mut out = Vec::new();
    for (id, paths) in disclose {
        if !credentials.contains(id) {
            return Err(field_error(
                "disclose",
                format!("disclose names {id:?}, which is not among the share's credentials."),
            ));
        }
        let Some(h) = held.iter().find(|h| &h.id == id) else {
            return Err(field_error(
                "disclose",
                format!("You have no credential {id:?}."),
            ));
        };
        if h.format != atout_vc::sd_jwt::TYP {
            return Err(field_error(
                "disclose",
                format!(
                    "{id:?} is a {} credential: only SD-JWT VCs disclose claim by claim.",
                    h.format
                ),
            ));
        }
        if paths.is_empty()
            || paths.len() > 100
            || paths.iter().any(|p| p.is_empty() || p.len() > 200)
        {
            return Err(field_error(
                "disclose",
                "disclose: 1 to 100 paths per credential, each 1 to 200 characters.",
            ));
        }
        let split: Vec<Vec<String>> = paths
            .iter()
            .map(|p| p.split('.').map(str::to_owned).collect())
            .collect();
        atout_vc::sd_jwt::present(&h.body, &split, &key, "check", "check", state.clock.now())
            .map_err(|e| field_error("disclose", format!("{id:?}: {e}.")))?;
        out.push((
            id.clone(),
            serde_json::to_string(&split).map_err(ApiError::internal)?,
        ));
    }
    Ok(out)
}

/// Create a share of your credentials, entries and documents. The answer
/// holds its link (`url`) and QR codes.
#[utoipa::path(
    post, path = "/wallet/shares", tag = "shares",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewShare,
    responses(
        (status = 201, body = ShareView, description = "Created (`Location`: the share)"),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Too many live shares", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A field is invalid (`field`), or an item is not yours (`item`)", content_type = "application/problem+json"),
    )
)]
async fn create_share(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewShare>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let (label, items) = check_new(&new, now)?;
    let pin_hash = match new.pin {
        Some(pin) => Some(
            state
                .citizens
                .hash_password(zeroize::Zeroizing::new(pin))
                .await
                .map_err(ApiError::internal)?,
        ),
        None => None,
    };
    let disclosures = check_disclosures(&state, &citizen, &new.credentials, &new.disclose).await?;
    let sealer = sealer(&state, &citizen.record)?;
    let (record, _token) = insert_share(
        &state,
        &citizen.record,
        &sealer,
        NewShareRecord {
            label,
            items: &items,
            pin_hash,
            disclosures: &disclosures,
            expires_at: new.expires_at,
        },
    )
    .await?;
    let id = record.id.clone();
    tracing::info!(citizen = %citizen.id(), share = %id, items = items.len(), "share created");
    let summary = ShareSummary {
        share: record,
        items: items.len() as i64,
        openings: 0,
        last_opened_at: None,
    };
    let body = view(&state, &sealer, summary, Some(items))?;
    let location =
        HeaderValue::from_str(&format!("/wallet/shares/{id}")).map_err(ApiError::internal)?;
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// Your shares, newest first, with their state and openings.
#[utoipa::path(
    get, path = "/wallet/shares", tag = "shares",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = ShareList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_shares(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<ShareList>, ApiError> {
    let sealer = sealer(&state, &citizen.record)?;
    let items = state
        .store
        .list_shares(citizen.id())
        .await?
        .into_iter()
        .map(|s| view(&state, &sealer, s, None))
        .collect::<Result<_, _>>()?;
    Ok(Json(ShareList { items }))
}

/// One of your shares, with what it shows.
#[utoipa::path(
    get, path = "/wallet/shares/{id}", tag = "shares",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The share id")),
    responses(
        (status = 200, body = ShareView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_share(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<ShareView>, ApiError> {
    let summary = summary_of(&state, &citizen, &id).await?;
    let items = state.store.share_items(&id).await?;
    let sealer = sealer(&state, &citizen.record)?;
    Ok(Json(view(&state, &sealer, summary, Some(items))?))
}

/// Revoke a share: its link stops working at once (`410 Gone`). Its
/// access log stays. Revoking a revoked share does nothing.
#[utoipa::path(
    delete, path = "/wallet/shares/{id}", tag = "shares",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The share id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn revoke_share(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    match state
        .store
        .revoke_share(citizen.id(), &id, state.clock.now())
        .await?
    {
        None => Err(share_not_found()),
        Some(newly) => {
            if newly {
                tracing::info!(citizen = %citizen.id(), share = %id, "share revoked");
            }
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

/// Who opened a share, and when (newest first, the last 500 lines).
#[utoipa::path(
    get, path = "/wallet/shares/{id}/accesses", tag = "shares",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The share id")),
    responses(
        (status = 200, body = ShareAccessList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn share_accesses(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<ShareAccessList>, ApiError> {
    let lines = state
        .store
        .share_accesses(citizen.id(), &id, LOG_LIMIT)
        .await?
        .ok_or_else(share_not_found)?;
    Ok(Json(ShareAccessList {
        items: lines
            .into_iter()
            .map(|a| ShareAccess {
                at: a.at,
                outcome: a.outcome,
                verifier: a.verifier,
                user_agent: a.user_agent,
            })
            .collect(),
    }))
}

async fn owned_link(state: &AppState, citizen: &Citizen, id: &str) -> Result<String, ApiError> {
    let share = state
        .store
        .get_share(citizen.id(), id)
        .await?
        .ok_or_else(share_not_found)?;
    let token = sealer(state, &citizen.record)?
        .open(&share.token_sealed, &token_aad(&share.id))
        .map_err(ApiError::internal)?;
    let token = String::from_utf8(token.to_vec()).map_err(ApiError::internal)?;
    Ok(share_url(state, &token))
}

fn image(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// The QR code of a share's link, as SVG.
#[utoipa::path(
    get, path = "/wallet/shares/{id}/qr.svg", tag = "shares",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The share id")),
    responses(
        (status = 200, description = "The QR code", content_type = "image/svg+xml", body = String),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn share_qr_svg(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let link = owned_link(&state, &citizen, &id).await?;
    let matrix = qr::Matrix::new(&link).map_err(ApiError::internal)?;
    Ok(image(
        "image/svg+xml",
        matrix.svg(&format!("QR code: {link}")).into_bytes(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QrSize {
    /// Width and height in pixels, 128 to 2048.
    pub size: Option<u32>,
}

/// The QR code of a share's link, as PNG.
#[utoipa::path(
    get, path = "/wallet/shares/{id}/qr.png", tag = "shares",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The share id"), QrSize),
    responses(
        (status = 200, description = "The QR code", content_type = "image/png", body = Vec<u8>),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn share_qr_png(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Query(query): Query<QrSize>,
) -> Result<Response, ApiError> {
    if let Some(size) = query.size {
        if !(qr::MIN_SIZE..=qr::MAX_SIZE).contains(&size) {
            return Err(ApiError::bad_request(format!(
                "size must be between {} and {} pixels",
                qr::MIN_SIZE,
                qr::MAX_SIZE
            )));
        }
    }
    let link = owned_link(&state, &citizen, &id).await?;
    let matrix = qr::Matrix::new(&link).map_err(ApiError::internal)?;
    Ok(image(
        "image/png",
        matrix.png(query.size).map_err(ApiError::internal)?,
    ))
}

// ----- the visitor's side -------------------------------------------------

/// Opens shares for their visitors: the page (through the verifier) and
/// the machine routes below.
#[derive(Clone)]
pub struct Shares {
    state: AppState,
}

impl Shares {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    async fn log(
        &self,
        share: &ShareRecord,
        outcome: &str,
        request: &ShareRequest,
        verifier: bool,
    ) {
        let access = ShareAccessRecord {
            id: new_id(),
            share_id: share.id.clone(),
            at: self.state.clock.now(),
            outcome: outcome.to_owned(),
            verifier: verifier.then(|| clip(&request.domain, 200)),
            user_agent: request.user_agent.as_deref().map(|ua| clip(ua, 200)),
        };
        if let Err(e) = self.state.store.record_share_access(&access).await {
            tracing::error!(share = %share.id, error = %e, "could not log a share access");
        }
    }

    fn pass_for(&self, share: &ShareRecord) -> Option<String> {
        let until = self.state.clock.now() + PASS_TTL;
        let mut plain = share.id.as_bytes().to_vec();
        plain.extend_from_slice(&until.timestamp().to_be_bytes());
        let sealed = self.state.token_key.seal(&plain, PASS_AAD).ok()?;
        Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed))
    }

    fn pass_opens(&self, share: &ShareRecord, pass: &str) -> bool {
        if pass.len() > 300 {
            return false;
        }
        let Ok(sealed) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(pass) else {
            return false;
        };
        let Ok(plain) = self.state.token_key.open(&sealed, PASS_AAD) else {
            return false;
        };
        let Some((id, until)) = plain.split_at_checked(plain.len().saturating_sub(8)) else {
            return false;
        };
        let until = i64::from_be_bytes(until.try_into().unwrap_or([0; 8]));
        id == share.id.as_bytes() && until > self.state.clock.now().timestamp()
    }

    /// The share a token names, if it may be opened with what the request
    /// brings; logs refusals. On success, a pass when a PIN was typed.
    async fn admit(
        &self,
        token: &str,
        client: Option<std::net::IpAddr>,
        request: &ShareRequest,
    ) -> Result<(ShareRecord, Option<String>), ShareRefusal> {
        // Every opening counts against the address (a right link as a
        // wrong one): guessing links is slowed to the quota.
        if let Err(retry_after_secs) = self.state.address_limits.check(Action::Link, client) {
            return Err(ShareRefusal::TooManyGuesses { retry_after_secs });
        }
        let found = if plausible_token(token) {
            self.state
                .store
                .share_by_token(&sha256_hex(token.as_bytes()))
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "reading a share");
                    ShareRefusal::Unavailable
                })?
        } else {
            None
        };
        let Some(share) = found else {
            tracing::warn!(client = ?client, "an unknown share link was tried");
            return Err(ShareRefusal::Unknown);
        };
        let now = self.state.clock.now();
        if share.revoked_at.is_some() {
            self.log(&share, "revoked", request, false).await;
            return Err(ShareRefusal::Revoked);
        }
        if share.expires_at.is_some_and(|e| e <= now) {
            self.log(&share, "expired", request, false).await;
            return Err(ShareRefusal::Expired);
        }
        let Some(pin_hash) = share.pin_hash.clone() else {
            return Ok((share, None));
        };
        if request
            .pass
            .as_deref()
            .is_some_and(|pass| self.pass_opens(&share, pass))
        {
            return Ok((share, None));
        }
        let Some(pin) = request.pin.clone() else {
            self.log(&share, "pin-required", request, false).await;
            return Err(ShareRefusal::PinRequired);
        };
        // The attempt is counted before the PIN is checked, in one
        // conditional write (any number of concurrent requests, any number
        // of server processes): at most PIN_MAX_FAILURES checks per window.
        let limit = AttemptLimit {
            scope: PIN_SCOPE,
            max: PIN_MAX_FAILURES,
            window: PIN_LOCK,
        };
        let (n, resets_in) = match self
            .state
            .store
            .reserve_attempt(limit, &share.id, now)
            .await
        {
            Ok(Attempt::Reserved { n, resets_in_secs }) => (n, resets_in_secs),
            Ok(Attempt::Refused { retry_after_secs }) => {
                self.log(&share, "pin-locked", request, false).await;
                return Err(ShareRefusal::PinLocked {
                    until: now + Duration::seconds(retry_after_secs as i64),
                });
            }
            Err(e) => {
                tracing::error!(share = %share.id, error = %e, "counting a PIN attempt");
                return Err(ShareRefusal::Unavailable);
            }
        };
        let right = if pin.len() > 12 {
            false
        } else {
            match self
                .state
                .citizens
                .verify_secret(zeroize::Zeroizing::new(pin), pin_hash)
                .await
            {
                Ok(right) => right,
                Err(AccountError::Busy { retry_after_secs }) => {
                    return Err(ShareRefusal::Busy { retry_after_secs })
                }
                Err(e) => {
                    tracing::error!(share = %share.id, error = %e, "checking a PIN");
                    return Err(ShareRefusal::Unavailable);
                }
            }
        };
        if right {
            if let Err(e) = self.state.store.clear_attempts(PIN_SCOPE, &share.id).await {
                tracing::error!(share = %share.id, error = %e, "forgetting PIN attempts");
            }
            let pass = self.pass_for(&share);
            return Ok((share, pass));
        }
        if n >= PIN_MAX_FAILURES {
            self.log(&share, "pin-locked", request, false).await;
            return Err(ShareRefusal::PinLocked {
                until: now + Duration::seconds(resets_in as i64),
            });
        }
        self.log(&share, "pin-wrong", request, false).await;
        Err(ShareRefusal::PinWrong {
            remaining: PIN_MAX_FAILURES - n,
        })
    }

    async fn build_view(
        &self,
        token: &str,
        share: ShareRecord,
        pass: Option<String>,
        request: &ShareRequest,
    ) -> Result<SharedView, ApiError> {
        let state = &self.state;
        let citizen = state
            .store
            .citizen_by_id(&share.citizen_id)
            .await?
            .ok_or_else(|| ApiError::internal("a share without its citizen"))?;
        let items = state.store.share_items(&share.id).await?;
        let holding_ids: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                ShareItem::Holding(id) => Some(id.clone()),
                _ => None,
            })
            .collect();
        let entry_ids: HashSet<&str> = items
            .iter()
            .filter_map(|i| match i {
                ShareItem::Entry(id) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        let document_ids: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                ShareItem::Document(id) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        // Credentials, in the share's order.
        let mut held = state
            .store
            .holdings_by_ids(&citizen.id, &holding_ids)
            .await?;
        held.sort_by_key(|h| holding_ids.iter().position(|id| *id == h.id));
        // SD-JWT VCs are presented on their own (key-bound, with the chosen
        // disclosures); the others go in one signed presentation. Entries
        // point into that order: the presentation's, then the SD-JWTs.
        let (sd_held, held): (Vec<_>, Vec<_>) = held
            .into_iter()
            .partition(|h| h.format == atout_vc::sd_jwt::TYP);
        let key = if held.is_empty() && sd_held.is_empty() {
            None
        } else {
            Some(
                state
                    .citizens
                    .holder_key(&citizen)
                    .map_err(ApiError::internal)?,
            )
        };
        let disclosures: std::collections::HashMap<String, Vec<Vec<String>>> = state
            .store
            .share_disclosures(&share.id)
            .await?
            .into_iter()
            .filter_map(|(h, paths)| Some((h, serde_json::from_str(&paths).ok()?)))
            .collect();
        let mut sd_jwts = Vec::with_capacity(sd_held.len());
        if let Some(key) = &key {
            for h in &sd_held {
                let paths = match disclosures.get(&h.id) {
                    Some(p) => p.clone(),
                    None => atout_vc::sd_jwt::claim_paths(&h.body).map_err(ApiError::internal)?,
                };
                sd_jwts.push(
                    atout_vc::sd_jwt::present(
                        &h.body,
                        &paths,
                        key,
                        &request.domain,
                        &request.challenge,
                        state.clock.now(),
                    )
                    .map_err(ApiError::internal)?,
                );
            }
        }
        let presentation = match (&key, held.is_empty()) {
            (None, _) | (_, true) => None,
            (Some(key), false) => {
                let credentials = held
                    .iter()
                    .map(|h| atout_vc::presentation::embedded(&h.body))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(ApiError::internal)?;
                Some(
                    atout_vc::presentation::sign_presentation(
                        &state.vc.engine,
                        credentials,
                        &citizen.holder_did,
                        key,
                        &request.challenge,
                        &request.domain,
                        state.clock.now(),
                    )
                    .await
                    .map_err(ApiError::internal)?,
                )
            }
        };
        let order: Vec<&str> = held
            .iter()
            .chain(sd_held.iter())
            .map(|h| h.id.as_str())
            .collect();
        // Stored positions (gaps where an item was deleted): a line's link
        // keeps naming its credential.
        let stored: HashMap<String, i64> = state
            .store
            .share_holding_positions(&share.id)
            .await?
            .into_iter()
            .collect();
        let credential_items = order
            .iter()
            .map(|h| stored.get(*h).map_or(0, |p| *p as usize + 1))
            .collect();
        // Entries, with their trust level as the wallet computes it.
        let entries: Vec<_> = state
            .store
            .list_entries(&citizen.id, None)
            .await?
            .into_iter()
            .filter(|e| entry_ids.contains(e.id.as_str()))
            .collect();
        let mut endorsements: HashMap<String, Vec<SharedEndorsement>> = HashMap::new();
        if !entries.is_empty() {
            for e in state.store.citizen_endorsements(&citizen.id).await? {
                if e.hidden_at.is_some()
                    || e.revoked_at.is_some()
                    || !entry_ids.contains(e.entry_id.as_str())
                {
                    continue;
                }
                let credential = serde_json::from_str(&e.credential)
                    .unwrap_or_else(|_| Value::String(e.credential.clone()));
                endorsements
                    .entry(e.entry_id)
                    .or_default()
                    .push(SharedEndorsement {
                        author_name: e.author_name,
                        author_did: e.author_did,
                        comment: e.comment,
                        created_at: e.created_at,
                        credential,
                    });
            }
        }
        let mut entries = views(state, &citizen.id, entries).await?;
        entries.sort_by_key(|e| {
            items
                .iter()
                .position(|i| matches!(i, ShareItem::Entry(id) if *id == e.id))
        });
        let entries = entries
            .into_iter()
            .map(|e| SharedEntry {
                credential_index: e
                    .holding_id
                    .as_ref()
                    .filter(|_| e.trust == TrustLevel::Certified)
                    .and_then(|h| order.iter().position(|x| *x == h.as_str())),
                kind: e.kind.as_str().to_owned(),
                title: e.title,
                organisation: e.organisation,
                place: e.place,
                start_date: e.start_date,
                end_date: e.end_date,
                description: e.description,
                trust: match e.trust {
                    TrustLevel::Declared => "declared",
                    TrustLevel::Endorsed => "endorsed",
                    TrustLevel::Certified => "certified",
                }
                .to_owned(),
                details: serde_json::to_value(&e.details).unwrap_or_default(),
                endorsements: endorsements.remove(&e.id).unwrap_or_default(),
            })
            .collect();
        let mut documents: Vec<SharedDocument> = state
            .store
            .list_documents(&citizen.id)
            .await?
            .into_iter()
            .filter(|d| document_ids.contains(&d.id.as_str()))
            .map(|d| SharedDocument {
                href: format!("/s/{token}/documents/{}", d.id),
                id: d.id,
                name: d.name,
                content_type: d.content_type,
                size: d.size,
                sha256: d.sha256,
            })
            .collect();
        documents.sort_by_key(|d| document_ids.iter().position(|id| *id == d.id));
        Ok(SharedView {
            share_id: share.id,
            owner: citizen.display_name,
            headline: citizen.headline,
            holder: citizen.holder_did,
            presentation,
            sd_jwts,
            credential_items,
            entries,
            documents,
            expires_at: share.expires_at,
            pass,
        })
    }
}

fn clip(text: &str, chars: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(chars)
        .collect()
}

#[async_trait::async_trait]
impl SharedPortfolios for Shares {
    async fn open(
        &self,
        token: &str,
        client: Option<std::net::IpAddr>,
        request: ShareRequest,
    ) -> Result<SharedView, ShareRefusal> {
        let (share, pass) = self.admit(token, client, &request).await?;
        let outcome = if request.machine {
            "presented"
        } else {
            "opened"
        };
        self.log(&share, outcome, &request, request.machine).await;
        // Its owner is told (issue 19; grouped, one mail a day at most).
        atout_core::notify::share_opened(
            self.state.store.as_ref(),
            self.state.clock.now(),
            &share.id,
        )
        .await;
        let id = share.id.clone();
        self.build_view(token, share, pass, &request)
            .await
            .map_err(|e| {
                tracing::error!(share = %id, error = %e, "could not build a share");
                ShareRefusal::Unavailable
            })
    }

    async fn document(
        &self,
        token: &str,
        document_id: &str,
        client: Option<std::net::IpAddr>,
        request: ShareRequest,
    ) -> Result<SharedContent, ShareRefusal> {
        let (share, _) = self.admit(token, client, &request).await?;
        let unavailable = |e: &dyn std::fmt::Display| {
            tracing::error!(share = %share.id, error = %e, "could not read a shared document");
            ShareRefusal::Unavailable
        };
        let items = self
            .state
            .store
            .share_items(&share.id)
            .await
            .map_err(|e| unavailable(&e))?;
        if !items.contains(&ShareItem::Document(document_id.to_owned())) {
            return Err(ShareRefusal::Unknown);
        }
        let record = self
            .state
            .store
            .get_document(&share.citizen_id, document_id)
            .await
            .map_err(|e| unavailable(&e))?
            .ok_or(ShareRefusal::Unknown)?;
        let citizen = self
            .state
            .store
            .citizen_by_id(&share.citizen_id)
            .await
            .map_err(|e| unavailable(&e))?
            .ok_or(ShareRefusal::Unknown)?;
        let stream = atout_web::download::document_stream(&self.state, &citizen, &record)
            .await
            .map_err(|e| unavailable(&e))?;
        self.log(&share, "document", &request, false).await;
        Ok(SharedContent {
            name: record.name,
            content_type: record.content_type,
            size: record.size,
            body: stream
                .map(|chunk| chunk.map_err(std::io::Error::other))
                .boxed(),
        })
    }
}

/// A refusal as a problem, for the machine routes.
pub fn refusal_problem(refusal: ShareRefusal, now: DateTime<Utc>) -> ApiError {
    match refusal {
        ShareRefusal::Unknown => ApiError::not_found("No such share: check the link."),
        ShareRefusal::Revoked => ApiError::new(StatusCode::GONE, "share-revoked", "Share revoked")
            .detail("Its owner revoked this share."),
        ShareRefusal::Expired => ApiError::new(StatusCode::GONE, "share-expired", "Share expired")
            .detail("This share has expired."),
        ShareRefusal::PinRequired => {
            ApiError::new(StatusCode::UNAUTHORIZED, "pin-required", "PIN required").detail(format!(
            "This share asks for a PIN: send it in the `pin` member or the `{PIN_HEADER}` header."
        ))
        }
        ShareRefusal::PinWrong { remaining } => {
            ApiError::new(StatusCode::FORBIDDEN, "pin-wrong", "Wrong PIN")
                .detail(format!("Wrong PIN; {remaining} attempts left."))
                .with("attemptsLeft", remaining)
        }
        ShareRefusal::PinLocked { until } => {
            let seconds = (until - now).num_seconds().max(1);
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "pin-locked",
                "Too many wrong PINs",
            )
            .detail(format!(
                "Too many wrong PINs: try again after {}.",
                until.to_rfc3339()
            ))
            .retry_after(seconds as u64)
        }
        ShareRefusal::TooManyGuesses { retry_after_secs } => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-guesses",
            "Too many unknown links",
        )
        .detail("This address opened too many links: wait before trying again.")
        .retry_after(retry_after_secs),
        ShareRefusal::Busy { retry_after_secs } => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "The server is busy",
        )
        .detail("Too many PIN and password checks are running at once: try again in a moment.")
        .retry_after(retry_after_secs),
        ShareRefusal::Unavailable => {
            ApiError::unavailable("The share cannot be opened right now; try again later.")
        }
    }
}

/// What a verifier's software asks for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresentationRequest {
    /// Your nonce: the presentation's proof carries it (1 to 200 characters).
    pub challenge: String,
    /// Your domain (or origin): the presentation's proof carries it.
    pub domain: String,
    /// The share's PIN, if it asks for one.
    pub pin: Option<String>,
}

/// What a share shows, for a verifier's software.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharedPresentation {
    /// The citizen's name (the share's own label is private to them).
    pub owner: String,
    /// The citizen's headline, if they wrote one.
    pub headline: Option<String>,
    pub holder: String,
    /// A VC 2.0 presentation of the shared credentials, signed by the
    /// holder (`eddsa-rdfc-2022`, purpose `authentication`) with your
    /// challenge and domain: check it with `POST /presentations/verify`
    /// (options `challenge`, `domain`) or any conformant verifier. Absent
    /// when no credential is shared.
    #[schema(value_type = Option<Object>)]
    pub presentation: Option<serde_json::Value>,
    /// The shared SD-JWT VCs, each with only the claims the citizen chose
    /// and a Key Binding JWT for your challenge (`nonce`) and domain
    /// (`aud`): check each with `POST /credentials/verify` (options
    /// `challenge`, `domain`).
    pub sd_jwt_presentations: Vec<String>,
    /// What the citizen wrote, with its trust level: `declared` and
    /// `endorsed` entries are not certified by the presentation.
    pub entries: Vec<SharedEntry>,
    pub documents: Vec<SharedDocument>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn noindex(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow, noarchive"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A share's credentials as a verifiable presentation bound to your
/// challenge and domain, with the entries and documents it shows. Anyone
/// holding the link may call this; every call is in the owner's access log.
#[utoipa::path(
    post, path = "/s/{token}/presentation", tag = "shares",
    params(("token" = String, Path, description = "The share link's token")),
    request_body = PresentationRequest,
    responses(
        (status = 200, body = SharedPresentation),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, description = "The share asks for a PIN", content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Wrong PIN", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, description = "Revoked or expired", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, description = "Too many wrong PINs, or too many unknown links from this address", content_type = "application/problem+json"),
    )
)]
async fn present(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(token): Path<String>,
    headers: HeaderMap,
    Json(body): Json<PresentationRequest>,
) -> Response {
    for (field, value) in [("challenge", &body.challenge), ("domain", &body.domain)] {
        if value.is_empty() || value.len() > 200 || value.chars().any(char::is_control) {
            return noindex(
                field_error(field, format!("{field}: 1 to 200 printable characters."))
                    .into_response(),
            );
        }
    }
    let request = ShareRequest {
        pin: body.pin.or_else(|| {
            headers
                .get(PIN_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        }),
        pass: None,
        challenge: body.challenge,
        domain: body.domain,
        user_agent: user_agent(&headers),
        machine: true,
    };
    let now = state.clock.now();
    let shares = Shares::new(state);
    let response = match shares.open(&token, client, request).await {
        Ok(view) => Json(SharedPresentation {
            owner: view.owner,
            headline: view.headline,
            holder: view.holder,
            presentation: view.presentation,
            sd_jwt_presentations: view.sd_jwts,
            entries: view.entries,
            documents: view.documents,
            expires_at: view.expires_at,
        })
        .into_response(),
        Err(refusal) => refusal_problem(refusal, now).into_response(),
    };
    noindex(response)
}

/// A document of a share. A share with a PIN needs it (`X-Share-Pin`) or
/// the pass cookie its page set.
#[utoipa::path(
    get, path = "/s/{token}/documents/{id}", tag = "shares",
    params(
        ("token" = String, Path, description = "The share link's token"),
        ("id" = String, Path, description = "The document id"),
    ),
    responses(
        (status = 200, description = "The document, as an attachment", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn shared_document(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path((token, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let request = ShareRequest {
        pin: headers
            .get(PIN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        pass: pass_cookie(&headers),
        user_agent: user_agent(&headers),
        ..ShareRequest::default()
    };
    let now = state.clock.now();
    let shares = Shares::new(state);
    let response = match shares.document(&token, &id, client, request).await {
        Ok(content) => document_response(
            &content.name,
            &content.content_type,
            content.size,
            axum::body::Body::from_stream(content.body),
        )
        .unwrap_or_else(IntoResponse::into_response),
        Err(refusal) => refusal_problem(refusal, now).into_response(),
    };
    noindex(response)
}
