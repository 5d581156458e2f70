//! The credentials a citizen holds ("holdings"), each with its live state
//! as the verifier sees it now.
//!
//! | route | what |
//! |---|---|
//! | `GET /wallet/holdings` | newest first; `tag`, `before`, `limit` |
//! | `GET /wallet/holdings/{id}` | one, with the credential as stored and the full report |
//! | `PUT /wallet/holdings/{id}/tags` | replace its tags |
//! | `DELETE /wallet/holdings/{id}` | forget it (entries it certified are unlinked) |
//! | `POST /wallet/holdings/import` | keep a credential issued elsewhere, verified first |
//!
//! Import rules:
//! * the body is the credential: JSON (a Data Integrity credential or an
//!   `EnvelopedVerifiableCredential`) as `application/json` (or
//!   `application/ld+json`, `application/vc`, `application/vc+ld+json`), or
//!   a compact JWT as `application/jwt`, `application/vc+jwt` or
//!   `text/plain`;
//! * JSON is stored byte for byte as received; a JWT without the
//!   whitespace around it;
//! * not a credential at all: 422 `invalid-credential`; a check that fails
//!   (altered content, a key that is not the issuer's, a context that
//!   cannot be interpreted, a schema it does not match): 422
//!   `credential-not-verified` with the failing checks, and nothing is
//!   stored;
//! * revoked, suspended, expired, not yet valid, from an issuer outside the
//!   trust registry, or not checkable now (the issuer's DID document or
//!   status list did not answer): kept, with that result as its
//!   `importReport`, and its state shown (and re-checked) like any other;
//! * the same credential twice (same issuer and `id`, or, without `id`,
//!   the same bytes): 409 `already-held` naming the holding kept.

use atout_core::{
    ids::new_id,
    registry::LocalizedName,
    store::{HoldingFilter, HoldingRecord},
};
use atout_web::{
    auth::Citizen,
    check::{CheckOutcome, LiveState},
    problem::ProblemBody,
    ApiError, AppState, Json, Path, Query,
};
use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Largest credential accepted for import.
pub const MAX_IMPORT_BYTES: usize = 512 * 1024;
/// Most tags on one holding.
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// Default and largest page.
const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 100;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_holdings))
        .routes(routes!(get_holding, delete_holding))
        .routes(routes!(set_tags))
        .routes(routes!(import_holding))
}

/// A credential in the wallet, as lists show it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoldingItem {
    pub id: String,
    /// `ldp_vc` (Data Integrity) or `vc+jwt`.
    pub format: String,
    /// The issuer's DID.
    pub issuer: String,
    /// The issuer's official names from the trust registry (never from the
    /// credential's own claims); null for an issuer outside the registry.
    pub issuer_name: Option<LocalizedName>,
    pub types: Vec<String>,
    /// The achievement's or degree's name, else the credential's name or
    /// its most specific type.
    pub title: String,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    pub tags: Vec<String>,
    /// `offer`, `oid4vci`, `import` or `archive`.
    pub source: String,
    pub received_at: DateTime<Utc>,
    /// The live state, as the verifier sees it now (answers are reused for
    /// up to 30 seconds).
    pub state: LiveState,
    /// When that state was established.
    pub checked_at: DateTime<Utc>,
}

/// One credential with everything known about it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoldingView {
    #[serde(flatten)]
    pub item: HoldingItem,
    /// The credential exactly as stored: JSON text (Data Integrity or
    /// enveloped) or a compact JWT.
    pub credential: String,
    /// The verifier's full report, now.
    #[schema(value_type = Object)]
    pub report: Value,
    /// The report made when it was imported (imports only).
    #[schema(value_type = Option<Object>)]
    pub import_report: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoldingPage {
    pub items: Vec<HoldingItem>,
    /// Pass as `before` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HoldingQuery {
    /// Only holdings with this tag (normalised like tags are).
    pub tag: Option<String>,
    /// The `next` of the previous page.
    pub before: Option<String>,
    /// 1 to 100 (default 20).
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsRequest {
    /// At most 20 tags of 1 to 40 characters: letters, digits, spaces and
    /// `- . + # / '`. Trimmed, lower-cased, inner spaces collapsed,
    /// duplicates dropped.
    pub tags: Vec<String>,
}

pub(crate) fn parse_json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn item_of(h: &HoldingRecord, outcome: &CheckOutcome) -> HoldingItem {
    HoldingItem {
        id: h.id.clone(),
        format: h.format.clone(),
        issuer: h.issuer.clone(),
        issuer_name: outcome.issuer_name.clone(),
        types: parse_json_list(&h.types),
        title: h.title.clone(),
        valid_from: h.valid_from,
        valid_until: h.valid_until,
        tags: parse_json_list(&h.tags),
        source: h.source.clone(),
        received_at: h.received_at,
        state: outcome.state,
        checked_at: outcome.checked_at,
    }
}

/// The live states of several holdings, checked concurrently.
pub(crate) async fn check_all(state: &AppState, holdings: &[HoldingRecord]) -> Vec<CheckOutcome> {
    let mut set = tokio::task::JoinSet::new();
    for (i, h) in holdings.iter().enumerate() {
        let checker = state.checker.clone();
        let (body, format) = (h.body.clone(), h.format.clone());
        set.spawn(async move { (i, checker.check(&body, &format).await) });
    }
    let mut out: Vec<Option<CheckOutcome>> = vec![None; holdings.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((i, outcome)) = joined {
            out[i] = Some(outcome);
        }
    }
    // A check task that panicked: checked again here, inline.
    let mut done = Vec::with_capacity(holdings.len());
    for (h, outcome) in holdings.iter().zip(out) {
        done.push(match outcome {
            Some(o) => o,
            None => state.checker.check(&h.body, &h.format).await,
        });
    }
    done
}

/// A tag as stored: trimmed, lower-cased, inner whitespace collapsed.
pub fn normalise_tag(raw: &str) -> Result<String, String> {
    let tag = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let chars = tag.chars().count();
    if chars == 0 || chars > MAX_TAG_CHARS {
        return Err(format!(
            "A tag has 1 to {MAX_TAG_CHARS} characters (after trimming)."
        ));
    }
    if let Some(bad) = tag
        .chars()
        .find(|c| !(c.is_alphanumeric() || " -.+#/'".contains(*c)))
    {
        return Err(format!(
            "The tag {tag:?} contains {bad:?}: use letters, digits, spaces and - . + # / '."
        ));
    }
    Ok(tag)
}

fn not_found() -> ApiError {
    ApiError::not_found("You hold no credential with this id.")
}

/// An id from the path: plausible, or certainly unknown.
fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 100
}

/// The credentials held, newest first, each with its live state.
#[utoipa::path(
    get, path = "/wallet/holdings", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(HoldingQuery),
    responses(
        (status = 200, body = HoldingPage),
        (status = 400, body = ProblemBody, description = "A bad query parameter", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
    )
)]
async fn list_holdings(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(query): Query<HoldingQuery>,
) -> Result<Json<HoldingPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}."
        )));
    }
    let tag = query
        .tag
        .as_deref()
        .map(normalise_tag)
        .transpose()
        .map_err(ApiError::bad_request)?;
    if query.before.as_deref().is_some_and(|b| !plausible_id(b)) {
        return Err(ApiError::bad_request("before is not a holding id."));
    }
    let mut holdings = state
        .store
        .list_holdings(
            citizen.id(),
            &HoldingFilter {
                tag,
                before: query.before,
                limit: limit + 1,
            },
        )
        .await?;
    let more = holdings.len() > limit as usize;
    holdings.truncate(limit as usize);
    let outcomes = check_all(&state, &holdings).await;
    let items: Vec<HoldingItem> = holdings
        .iter()
        .zip(&outcomes)
        .map(|(h, o)| item_of(h, o))
        .collect();
    let next = more.then(|| items.last().map(|i| i.id.clone())).flatten();
    Ok(Json(HoldingPage { items, next }))
}

fn view_of(h: HoldingRecord, outcome: &CheckOutcome) -> HoldingView {
    HoldingView {
        item: item_of(&h, outcome),
        report: (*outcome.report).clone(),
        import_report: h
            .import_report
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok()),
        credential: h.body,
    }
}

/// One credential: the credential exactly as stored, its live state and
/// the verifier's full report.
#[utoipa::path(
    get, path = "/wallet/holdings/{id}", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The holding's id")),
    responses(
        (status = 200, body = HoldingView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "Not a credential of yours", content_type = "application/problem+json"),
    )
)]
async fn get_holding(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<HoldingView>, ApiError> {
    if !plausible_id(&id) {
        return Err(not_found());
    }
    let holding = state
        .store
        .get_holding(citizen.id(), &id)
        .await?
        .ok_or_else(not_found)?;
    let outcome = state.checker.check(&holding.body, &holding.format).await;
    Ok(Json(view_of(holding, &outcome)))
}

/// Replace a credential's tags.
#[utoipa::path(
    put, path = "/wallet/holdings/{id}/tags", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The holding's id")),
    request_body = TagsRequest,
    responses(
        (status = 200, body = HoldingItem, description = "The holding with its new tags"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Too many, too long or odd tags", content_type = "application/problem+json"),
    )
)]
async fn set_tags(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(request): Json<TagsRequest>,
) -> Result<Json<HoldingItem>, ApiError> {
    if !plausible_id(&id) {
        return Err(not_found());
    }
    if request.tags.len() > MAX_TAGS * 4 {
        return Err(ApiError::unprocessable(format!("At most {MAX_TAGS} tags.")));
    }
    let mut tags: Vec<String> = Vec::new();
    for raw in &request.tags {
        let tag =
            normalise_tag(raw).map_err(|e| ApiError::unprocessable(e).with("field", "tags"))?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(
            ApiError::unprocessable(format!("At most {MAX_TAGS} tags.")).with("field", "tags")
        );
    }
    let text = serde_json::to_string(&tags).map_err(ApiError::internal)?;
    if !state
        .store
        .set_holding_tags(citizen.id(), &id, &text)
        .await?
    {
        return Err(not_found());
    }
    let holding = state
        .store
        .get_holding(citizen.id(), &id)
        .await?
        .ok_or_else(not_found)?;
    let outcome = state.checker.check(&holding.body, &holding.format).await;
    Ok(Json(item_of(&holding, &outcome)))
}

/// Forget a credential. Entries it certified stay, unlinked (and so no
/// longer certified). The issuer is not told.
#[utoipa::path(
    delete, path = "/wallet/holdings/{id}", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The holding's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_holding(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if !plausible_id(&id) || !state.store.delete_holding(citizen.id(), &id).await? {
        return Err(not_found());
    }
    tracing::info!(citizen = %citizen.id(), holding = %id, "holding deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// How the body says it is written.
enum Media {
    Json,
    Jwt,
    /// An SD-JWT VC as issued (`<jwt>~<disclosure>~...~`).
    SdJwt,
}

fn media(headers: &HeaderMap) -> Result<Media, ApiError> {
    let unsupported = || {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
        )
        .detail(
            "Send a JSON credential as application/json (or application/ld+json, application/vc), \
             or a compact JWT as application/jwt (or application/vc+jwt, text/plain).",
        )
    };
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unsupported)?;
    let mime = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json"
        | "application/ld+json"
        | "application/vc"
        | "application/vc+ld+json" => Ok(Media::Json),
        "application/jwt" | "application/vc+jwt" | "text/plain" => Ok(Media::Jwt),
        "application/dc+sd-jwt" | "application/vc+sd-jwt" => Ok(Media::SdJwt),
        _ => Err(unsupported()),
    }
}

/// Refuses JSON whose objects repeat a member: readers disagree on which
/// one counts (the signature could cover one and a display show the other).
pub(crate) fn duplicate_member(text: &str) -> Result<(), String> {
    use serde::de::{self, Deserializer as _, MapAccess, SeqAccess, Visitor};
    struct Walk;
    impl<'de> de::Deserialize<'de> for Walk {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Walk)
        }
    }
    impl<'de> Visitor<'de> for Walk {
        type Value = Walk;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Walk, E> {
            Ok(Walk)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Walk, E> {
            Ok(Walk)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Walk, E> {
            Ok(Walk)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Walk, E> {
            Ok(Walk)
        }
        fn visit_str<E>(self, _: &str) -> Result<Walk, E> {
            Ok(Walk)
        }
        fn visit_unit<E>(self) -> Result<Walk, E> {
            Ok(Walk)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Walk, A::Error> {
            while seq.next_element::<Walk>()?.is_some() {}
            Ok(Walk)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Walk, A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !seen.insert(key.clone()) {
                    let shown: String = key.chars().take(60).collect();
                    return Err(de::Error::custom(format!(
                        "the member {shown:?} appears twice in one object"
                    )));
                }
                map.next_value::<Walk>()?;
            }
            Ok(Walk)
        }
    }
    let mut d = serde_json::Deserializer::from_str(text);
    d.deserialize_any(Walk)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn invalid_credential(detail: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-credential",
        "Not a verifiable credential",
    )
    .detail(detail)
}

/// The body of an import: what the verifier reads, and the text stored.
fn read_import(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(Value, String), ApiError> {
    let media = media(headers)?;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
        )
        .detail(format!(
            "A credential to import may have at most {MAX_IMPORT_BYTES} bytes."
        ))
    };
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request("The body could not be read.")
        }
    })?;
    if body.len() > MAX_IMPORT_BYTES {
        return Err(too_large());
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("The body is not UTF-8 text."))?;
    if text.trim().is_empty() {
        return Err(invalid_credential(
            "The body is empty: send the credential.",
        ));
    }
    if text.contains('\0') {
        return Err(ApiError::bad_request("NUL bytes are not allowed."));
    }
    match media {
        Media::Json => {
            let value: Value = serde_json::from_str(text).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed-request",
                    "The body is not valid JSON",
                )
                .detail(e.to_string().chars().take(300).collect::<String>())
            })?;
            if !value.is_object() {
                return Err(invalid_credential(
                    "A JSON credential is an object; send a compact JWT as application/jwt.",
                ));
            }
            duplicate_member(text)
                .map_err(|e| invalid_credential(format!("The JSON is ambiguous: {e}.")))?;
            // Stored exactly as received.
            Ok((value, text.to_owned()))
        }
        Media::SdJwt => {
            let sd = text.trim();
            if !atout_vc::sd_jwt::looks_like(sd)
                || !sd.ends_with('~')
                || !sd
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
            {
                return Err(invalid_credential(
                    "This is not an SD-JWT VC as issued (a JWT, then its disclosures, each followed by ~, without a Key Binding JWT).",
                ));
            }
            Ok((Value::String(sd.to_owned()), sd.to_owned()))
        }
        Media::Jwt => {
            let jwt = text.trim();
            let parts = jwt.split('.').count();
            if parts != 3
                || !jwt
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
            {
                return Err(invalid_credential(
                    "This is not a compact JWT (three base64url parts separated by dots).",
                ));
            }
            Ok((Value::String(jwt.to_owned()), jwt.to_owned()))
        }
    }
}

/// Import a credential issued elsewhere: verified first, then kept with
/// its verification report. See the module documentation for what is
/// refused and what is kept.
#[utoipa::path(
    post, path = "/wallet/holdings/import", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    request_body(
        description = "The credential: JSON (Data Integrity or EnvelopedVerifiableCredential), or a compact JWT",
        content(
            (Object = "application/json"),
            (String = "application/jwt"),
            (String = "text/plain"),
        )
    ),
    responses(
        (status = 201, body = HoldingView, description = "Kept; its state says what the verifier found"),
        (status = 400, body = ProblemBody, description = "Not JSON, not UTF-8", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Already held (`holdingId` names it)", content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 415, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Not a credential, or a check failed (`checks` lists them); nothing stored", content_type = "application/problem+json"),
    )
)]
async fn import_holding(
    State(state): State<AppState>,
    citizen: Citizen,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (input, stored) = read_import(&headers, body)?;
    let inspected = state.checker.inspect(&input).await.map_err(|e| {
        invalid_credential(format!("This is not a credential Atout can read: {e}."))
    })?;
    let outcome = &inspected.outcome;
    if outcome.state == LiveState::Invalid {
        let failing: Vec<Value> = outcome.report["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["status"] == "failed")
            .cloned()
            .collect();
        let reasons: Vec<String> = failing
            .iter()
            .filter_map(|c| {
                Some(format!(
                    "{}: {}",
                    c["check"].as_str()?,
                    c["reason"].as_str()?
                ))
            })
            .collect();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "credential-not-verified",
            "The credential does not verify",
        )
        .detail(format!(
            "Nothing was stored. {}",
            if reasons.is_empty() {
                "A check failed.".to_owned()
            } else {
                reasons.join(" ")
            }
        ))
        .with("checks", failing));
    }
    let now = state.clock.now();
    let holding = HoldingRecord {
        id: new_id(),
        citizen_id: citizen.id().to_owned(),
        format: inspected.format.to_owned(),
        body: stored,
        credential_id: inspected.credential_id.clone(),
        issuer: inspected.issuer.clone(),
        types: serde_json::to_string(&inspected.types).map_err(ApiError::internal)?,
        title: inspected.title.clone(),
        valid_from: inspected.valid_from,
        valid_until: inspected.valid_until,
        source: "import".to_owned(),
        tags: "[]".to_owned(),
        import_report: Some(outcome.report.to_string()),
        received_at: now,
    };
    if let Some(held) = state.store.insert_holding_once(&holding).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already-held",
            "Already in your wallet",
        )
        .detail("You already hold this credential; nothing was stored.")
        .with("holdingId", held));
    }
    tracing::info!(
        citizen = %citizen.id(),
        holding = %holding.id,
        state = outcome.state.as_str(),
        "credential imported"
    );
    let location = format!("/wallet/holdings/{}", holding.id);
    let view = view_of(holding, outcome);
    let mut response = (StatusCode::CREATED, Json(view)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_bounded() {
        assert_eq!(
            normalise_tag("  Premiers   Secours ").unwrap(),
            "premiers secours"
        );
        assert_eq!(normalise_tag("C++").unwrap(), "c++");
        assert_eq!(normalise_tag("Études").unwrap(), "études");
        assert!(normalise_tag("   ").is_err());
        assert!(normalise_tag(&"a".repeat(41)).is_err());
        assert!(normalise_tag("50%").is_err());
        assert!(normalise_tag("a_b").is_err());
        assert!(normalise_tag("x\"y").is_err());
        assert!(normalise_tag("tab\u{7}").is_err());
    }

    #[test]
    fn repeated_members_are_found_at_any_depth() {
        assert!(duplicate_member(r#"{"a":1,"b":{"c":[{"d":1}]}}"#).is_ok());
        assert!(duplicate_member(r#"{"a":1,"a":2}"#).is_err());
        assert!(duplicate_member(r#"{"a":[{"x":1,"x":1}]}"#).is_err());
        assert!(duplicate_member(r#"{"a":{"b":1},"c":{"b":2}}"#).is_ok());
    }
}
