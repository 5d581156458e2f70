//! Passkeys over HTTP: a logged-in citizen adds (and removes) passkeys; a
//! passkey then logs in without the password.
//!
//! | route | caller |
//! |---|---|
//! | `POST /wallet/passkeys/register/start`, `POST /wallet/passkeys/register/finish` | the logged-in citizen |
//! | `GET /wallet/passkeys`, `DELETE /wallet/passkeys/{id}` | the logged-in citizen |
//! | `POST /auth/passkey/start`, `POST /auth/passkey/finish` | anyone (the passkey proves who) |

use crate::accounts::{open_session, SessionChoice};
use atout_core::{passkeys::PasskeyError, store::PasskeyRecord};
use atout_web::{auth::Citizen, problem::ProblemBody, ApiError, AppState, Json, Path};
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_registration))
        .routes(routes!(finish_registration))
        .routes(routes!(list_passkeys))
        .routes(routes!(delete_passkey))
        .routes(routes!(start_login))
        .routes(routes!(finish_login))
}

fn passkey_error(e: PasskeyError) -> ApiError {
    match e {
        PasskeyError::Invalid(message) => ApiError::unprocessable(message),
        PasskeyError::CeremonyGone => ApiError::new(
            StatusCode::GONE,
            "ceremony-gone",
            "This passkey request no longer works",
        )
        .detail("It is unknown, was already used, or has expired (five minutes). Start again."),
        PasskeyError::Rejected | PasskeyError::NoPasskey => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "passkey-rejected",
            "The passkey was not accepted",
        )
        .detail(
            "This passkey cannot log in to this account. Use the password, or another passkey.",
        ),
        PasskeyError::Unavailable(why) => ApiError::unavailable(format!(
            "Passkeys need the service to run under a domain name: {why}"
        )),
        PasskeyError::Store(e) => ApiError::internal(e),
        PasskeyError::Corrupt(e) => ApiError::internal(e),
    }
}

/// A registered passkey (the key itself stays on the server).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyView {
    /// The credential id (base64url).
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<&PasskeyRecord> for PasskeyView {
    fn from(p: &PasskeyRecord) -> Self {
        Self {
            id: p.id.clone(),
            name: p.name.clone(),
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        }
    }
}

/// A WebAuthn ceremony to complete in the browser.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ceremony {
    /// Send it back with the authenticator's answer.
    pub ceremony_id: String,
    /// `PublicKeyCredentialCreationOptions` or `...RequestOptions` for
    /// `navigator.credentials.create()` / `.get()` (under `publicKey`).
    #[schema(value_type = Object)]
    pub options: Value,
}

fn ceremony(id: String, options: impl Serialize) -> Result<Json<Ceremony>, ApiError> {
    Ok(Json(Ceremony {
        ceremony_id: id,
        options: serde_json::to_value(options).map_err(ApiError::internal)?,
    }))
}

/// Start adding a passkey to the account.
#[utoipa::path(
    post, path = "/wallet/passkeys/register/start", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = Ceremony),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Too many passkeys", content_type = "application/problem+json"),
    )
)]
async fn start_registration(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<Ceremony>, ApiError> {
    let (id, challenge) = state
        .passkeys
        .start_registration(&citizen.record)
        .await
        .map_err(passkey_error)?;
    ceremony(id, challenge)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FinishRegistration {
    pub ceremony_id: String,
    /// A name to recognise it by, e.g. "Phone".
    pub name: String,
    /// The `PublicKeyCredential` from `navigator.credentials.create()`.
    #[schema(value_type = Object)]
    pub credential: Value,
}

/// Finish adding a passkey with the authenticator's answer.
#[utoipa::path(
    post, path = "/wallet/passkeys/register/finish", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    request_body = FinishRegistration,
    responses(
        (status = 201, body = PasskeyView),
        (status = 401, body = ProblemBody, description = "Not logged in, or the answer does not verify", content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Already registered", content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, description = "Unknown, used or expired ceremony", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn finish_registration(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(request): Json<FinishRegistration>,
) -> Result<Response, ApiError> {
    let credential = serde_json::from_value(request.credential).map_err(|e| {
        ApiError::unprocessable(format!(
            "`credential` is not a WebAuthn registration answer: {e}"
        ))
    })?;
    let record = state
        .passkeys
        .finish_registration(
            &citizen.record,
            &request.ceremony_id,
            &request.name,
            &credential,
        )
        .await
        .map_err(|e| match e {
            PasskeyError::Store(atout_core::store::StoreError::Conflict(_)) => {
                ApiError::conflict("This passkey is already registered.")
            }
            other => passkey_error(other),
        })?;
    tracing::info!(citizen = %citizen.record.id, "passkey added");
    Ok((StatusCode::CREATED, Json(PasskeyView::from(&record))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct PasskeyList {
    pub items: Vec<PasskeyView>,
}

/// The account's passkeys.
#[utoipa::path(
    get, path = "/wallet/passkeys", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = PasskeyList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_passkeys(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<PasskeyList>, ApiError> {
    let items = state
        .store
        .passkeys(&citizen.record.id)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(PasskeyList {
        items: items.iter().map(PasskeyView::from).collect(),
    }))
}

/// Remove a passkey.
#[utoipa::path(
    delete, path = "/wallet/passkeys/{id}", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The credential id")),
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_passkey(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state
        .store
        .delete_passkey(&citizen.record.id, &id)
        .await
        .map_err(ApiError::internal)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("No such passkey on this account."))
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartLogin {
    pub email: String,
}

/// Start logging in with a passkey.
#[utoipa::path(
    post, path = "/auth/passkey/start", tag = "accounts",
    request_body = StartLogin,
    responses(
        (status = 200, body = Ceremony),
        (status = 401, body = ProblemBody, description = "No passkey can log in to this account", content_type = "application/problem+json"),
    )
)]
async fn start_login(
    State(state): State<AppState>,
    Json(request): Json<StartLogin>,
) -> Result<Json<Ceremony>, ApiError> {
    let (id, challenge) = state
        .passkeys
        .start_login(&request.email)
        .await
        .map_err(passkey_error)?;
    ceremony(id, challenge)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FinishLogin {
    pub ceremony_id: String,
    /// The `PublicKeyCredential` from `navigator.credentials.get()`.
    #[schema(value_type = Object)]
    pub credential: Value,
    #[serde(default)]
    pub session: SessionChoice,
}

/// Finish logging in with a passkey: opens a session like `/auth/login`.
#[utoipa::path(
    post, path = "/auth/passkey/finish", tag = "accounts",
    request_body = FinishLogin,
    responses(
        (status = 200, body = crate::accounts::SessionResponse),
        (status = 401, body = ProblemBody, description = "The answer does not verify", content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, description = "Unknown, used or expired ceremony", content_type = "application/problem+json"),
    )
)]
async fn finish_login(
    State(state): State<AppState>,
    Json(request): Json<FinishLogin>,
) -> Result<Response, ApiError> {
    let credential = serde_json::from_value(request.credential).map_err(|e| {
        ApiError::unprocessable(format!("`credential` is not a WebAuthn answer: {e}"))
    })?;
    let citizen = state
        .passkeys
        .finish_login(&request.ceremony_id, &credential)
        .await
        .map_err(passkey_error)?;
    open_session(&state, citizen, request.session, None, StatusCode::OK).await
}
