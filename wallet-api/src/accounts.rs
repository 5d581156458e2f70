//! Citizens' accounts over HTTP: sign-up, login (cookie or bearer session),
//! logout, email verification, password reset and change, the account
//! itself, and its deletion.
//!
//! | route | caller |
//! |---|---|
//! | `POST /auth/signup`, `POST /auth/login` | anyone |
//! | `POST /auth/verify-email`, `POST /auth/forgot-password`, `POST /auth/reset-password` | anyone holding the emailed link |
//! | `POST /auth/logout`, `POST /auth/verify-email/resend` | the logged-in citizen |
//! | `GET`, `PATCH`, `DELETE /wallet/me`, `POST /wallet/me/password` | the logged-in citizen |

use atout_core::{
    citizens::{AccountError, SignUp},
    store::{CitizenRecord, SessionKind},
};
use atout_web::{
    auth::{session_cookie_name, Citizen},
    extract::ClientIp,
    limits::{check_api, Action},
    problem::ProblemBody,
    ApiError, AppState, Json,
};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use zeroize::Zeroizing;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(me, update_me, delete_me))
        .routes(routes!(change_password))
}

/// Maps account errors to problems. Wrong credentials never say which part
/// was wrong.
pub fn account_error(e: AccountError) -> ApiError {
    match e {
        AccountError::Invalid(message) => ApiError::unprocessable(message),
        AccountError::EmailTaken => ApiError::conflict(
            "An account with this email address exists. Log in, or reset the password.",
        ),
        AccountError::BadCredentials => {
            ApiError::new(StatusCode::UNAUTHORIZED, "bad-credentials", "Wrong email or password")
                .detail("The email or the password is wrong.")
        }
        AccountError::RateLimited { retry_after_secs } => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-attempts",
            "Too many failed attempts",
        )
        .detail(format!(
            "Too many attempts for this account or address. Try again in {} minutes (for a login: or reset the password).",
            retry_after_secs.div_ceil(60)
        ))
        .retry_after(retry_after_secs),
        AccountError::Busy { retry_after_secs } => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "The server is busy",
        )
        .detail("Too many password checks are running at once. Try again in a moment.")
        .retry_after(retry_after_secs),
        AccountError::TokenInvalid => ApiError::new(
            StatusCode::GONE,
            "link-invalid",
            "This link no longer works",
        )
        .detail("The link is unknown, was already used, or has expired. Ask for a new one."),
        AccountError::NotFound => ApiError::not_found("No such account."),
        other => ApiError::internal(other),
    }
}

/// The account, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub email_verified: bool,
    /// The citizen's holder DID (did:key): presentations are signed with it
    /// and credentials can be bound to it.
    pub holder_did: String,
    /// One line beside the name on the pages of the citizen's shares
    /// (`null`: none).
    pub headline: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Unread notifications, counted up to 100 (`GET /wallet/me` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread_notifications: Option<i64>,
}

impl From<&CitizenRecord> for Me {
    fn from(c: &CitizenRecord) -> Self {
        Self {
            id: c.id.clone(),
            email: c.email.clone(),
            display_name: c.display_name.clone(),
            email_verified: c.email_verified_at.is_some(),
            holder_did: c.holder_did.clone(),
            headline: c.headline.clone(),
            created_at: c.created_at,
            unread_notifications: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SessionChoice {
    /// A session cookie (`Secure`, `HttpOnly`, `SameSite=Strict`).
    #[default]
    Cookie,
    /// A bearer token in the response body, for API clients.
    Bearer,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignUpRequest {
    pub email: String,
    /// At least 10 characters.
    #[schema(value_type = String)]
    pub password: Zeroizing<String>,
    pub display_name: String,
    #[serde(default)]
    pub session: SessionChoice,
    /// A path of this site (e.g. `/me/offers/{token}`) that the address
    /// confirmation link leads back to once confirmed.
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoginRequest {
    pub email: String,
    #[schema(value_type = String)]
    pub password: Zeroizing<String>,
    #[serde(default)]
    pub session: SessionChoice,
    /// A name for a bearer token (e.g. the client's name).
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    pub citizen: Me,
    /// The bearer token (`atc_...`), shown once; absent for cookie sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// Opens a session and answers with its token (bearer) or cookie.
pub(crate) async fn open_session(
    state: &AppState,
    citizen: CitizenRecord,
    choice: SessionChoice,
    label: Option<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let kind = match choice {
        SessionChoice::Cookie => SessionKind::Cookie,
        SessionChoice::Bearer => SessionKind::Bearer,
    };
    if label.as_ref().is_some_and(|l| l.chars().count() > 100) {
        return Err(ApiError::unprocessable(
            "The label must have at most 100 characters.",
        ));
    }
    let new = state
        .citizens
        .open_session(citizen, kind, label)
        .await
        .map_err(account_error)?;
    let body = SessionResponse {
        citizen: Me::from(&new.citizen),
        token: (kind == SessionKind::Bearer).then(|| new.token.to_string()),
        expires_at: new.session.expires_at,
    };
    let mut response = (status, Json(body)).into_response();
    if kind == SessionKind::Cookie {
        let cookie = session_cookie(state, &new.token, state.config.wallet.session_ttl.as_secs());
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn session_cookie(state: &AppState, value: &str, max_age: u64) -> HeaderValue {
    let secure = if state.config.base_url.scheme() == "https" {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        session_cookie_name(state)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Create an account. The citizen is logged in at once; a link to confirm
/// the email address is sent. A holder key (did:key) is created for them.
#[utoipa::path(
    post, path = "/auth/signup", tag = "accounts",
    request_body = SignUpRequest,
    responses(
        (status = 201, body = SessionResponse, description = "Account created and logged in"),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "The email is taken", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Invalid email, short password or name", content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, description = "Too many sign-ups from this address (`Retry-After`)", content_type = "application/problem+json"),
        (status = 503, body = ProblemBody, description = "Too many password hashes at once (`Retry-After`)", content_type = "application/problem+json"),
    )
)]
async fn sign_up(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(request): Json<SignUpRequest>,
) -> Result<Response, ApiError> {
    check_api(&state.address_limits, Action::SignUp, client)?;
    let citizen = state
        .citizens
        .sign_up(SignUp {
            email: request.email,
            password: request.password,
            display_name: request.display_name,
            next: request.next,
        })
        .await
        .map_err(account_error)?;
    tracing::info!(citizen = %citizen.id, "citizen signed up");
    open_session(&state, citizen, request.session, None, StatusCode::CREATED).await
}

/// Log in with email and password. After too many failures for one
/// account, 429 until the window passes.
#[utoipa::path(
    post, path = "/auth/login", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, body = ProblemBody, description = "Wrong email or password", content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, description = "Too many attempts for this account, or from this address (`Retry-After`)", content_type = "application/problem+json"),
        (status = 503, body = ProblemBody, description = "Too many password checks at once (`Retry-After`)", content_type = "application/problem+json"),
    )
)]
async fn login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(request): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    check_api(&state.address_limits, Action::Login, client)?;
    let citizen = state
        .citizens
        .check_login(&request.email, request.password)
        .await
        .map_err(account_error)?;
    open_session(
        &state,
        citizen,
        request.session,
        request.label,
        StatusCode::OK,
    )
    .await
}

/// End this session (the cookie is cleared too).
#[utoipa::path(
    post, path = "/auth/logout", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn logout(State(state): State<AppState>, citizen: Citizen) -> Result<Response, ApiError> {
    state
        .citizens
        .logout(&citizen.session.token_hash)
        .await
        .map_err(account_error)?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The token from the emailed link.
    pub token: String,
}

/// What a confirmation link confirmed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailVerified {
    /// The address the link belonged to, masked (`r***@example.org`): its
    /// owner recognises it; whoever else holds the link learns nothing more.
    pub email: String,
    /// Whether that address is the account of the request's session:
    /// `true` for the logged-in owner, `false` when someone logged in to
    /// another account used the link (their own account is untouched),
    /// absent without a session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_account: Option<bool>,
}

/// Confirm the email address with the emailed link's token (single use).
/// The link confirms the account it was mailed for, whoever sends it; the
/// answer names that address (masked) and says whether it is the caller's
/// own account when the request carries a session.
#[utoipa::path(
    post, path = "/auth/verify-email", tag = "accounts",
    request_body = TokenRequest,
    responses(
        (status = 200, body = EmailVerified, description = "Email verified"),
        (status = 410, body = ProblemBody, description = "Unknown, used or expired link", content_type = "application/problem+json"),
    )
)]
async fn verify_email(
    State(state): State<AppState>,
    // Anyone may use a link: a session only tells whose account it is.
    session: Result<Citizen, ApiError>,
    ClientIp(client): ClientIp,
    Json(request): Json<TokenRequest>,
) -> Result<Json<EmailVerified>, ApiError> {
    check_api(&state.address_limits, Action::Link, client)?;
    let citizen_id = state
        .citizens
        .verify_email(&request.token)
        .await
        .map_err(account_error)?;
    let confirmed = state
        .store
        .citizen_by_id(&citizen_id)
        .await?
        // Erased in the meantime: the link no longer leads anywhere.
        .ok_or_else(|| account_error(AccountError::TokenInvalid))?;
    Ok(Json(EmailVerified {
        email: atout_core::mail::masked_address(&confirmed.email),
        your_account: session.ok().map(|c| c.id() == citizen_id),
    }))
}

/// Send a new confirmation link (earlier links stop working).
#[utoipa::path(
    post, path = "/auth/verify-email/resend", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 202, description = "A new link is on its way"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Already verified", content_type = "application/problem+json"),
    )
)]
async fn resend_verification(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    citizen: Citizen,
) -> Result<StatusCode, ApiError> {
    check_api(&state.address_limits, Action::Mail, client)?;
    state
        .citizens
        .resend_verification(&citizen.record)
        .await
        .map_err(account_error)?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotRequest {
    pub email: String,
}

/// Ask for a password reset link. The answer is the same whether or not
/// the account exists.
#[utoipa::path(
    post, path = "/auth/forgot-password", tag = "accounts",
    request_body = ForgotRequest,
    responses(
        (status = 202, description = "If the account exists, a link is on its way"),
        (status = 429, body = ProblemBody, description = "Too many reset mails for this address (3 an hour, whether or not it has an account), or too many requests from this network address (`Retry-After`)", content_type = "application/problem+json"),
    )
)]
async fn forgot_password(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(request): Json<ForgotRequest>,
) -> Result<StatusCode, ApiError> {
    check_api(&state.address_limits, Action::Mail, client)?;
    state
        .citizens
        .forgot_password(&request.email)
        .await
        .map_err(account_error)?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub token: String,
    #[schema(value_type = String)]
    pub password: Zeroizing<String>,
}

/// Choose a new password with the emailed link's token (single use, one
/// hour). Every session ends.
#[utoipa::path(
    post, path = "/auth/reset-password", tag = "accounts",
    request_body = ResetRequest,
    responses(
        (status = 204, description = "Password changed; log in again"),
        (status = 410, body = ProblemBody, description = "Unknown, used or expired link", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Password too short", content_type = "application/problem+json"),
    )
)]
async fn reset_password(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(request): Json<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    check_api(&state.address_limits, Action::Link, client)?;
    state
        .citizens
        .reset_password(&request.token, request.password)
        .await
        .map_err(account_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in citizen's account.
#[utoipa::path(
    get, path = "/wallet/me", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = Me),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
    )
)]
async fn me(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Me>, ApiError> {
    let mut me = Me::from(&citizen.record);
    me.unread_notifications = Some(state.store.unread_notifications(citizen.id(), 100).await?);
    Ok(Json(me))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateMe {
    /// 1 to 120 characters.
    pub display_name: Option<String>,
    /// At most 160 characters on one line; `""` removes it.
    pub headline: Option<String>,
}

/// Change the display name and/or the headline (each only if given; both
/// are checked before either is written).
#[utoipa::path(
    patch, path = "/wallet/me", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, body = Me),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_me(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(request): Json<UpdateMe>,
) -> Result<Json<Me>, ApiError> {
    if request.display_name.is_none() && request.headline.is_none() {
        return Err(
            ApiError::unprocessable("Send displayName, headline or both.")
                .with("field", "displayName")
                .with("code", "missing-field"),
        );
    }
    let record = state
        .citizens
        .update_profile(
            &citizen.record,
            request.display_name.as_deref(),
            request.headline.as_deref(),
        )
        .await
        .map_err(|(e, field)| match field {
            "" => account_error(e),
            field => account_error(e).with("field", field),
        })?;
    Ok(Json(Me::from(&record)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfirmation {
    #[schema(value_type = String)]
    pub password: Zeroizing<String>,
}

/// Delete the account: the credentials held, entries, documents, sessions
/// and passkeys are erased, and every share ends. The password confirms.
#[utoipa::path(
    delete, path = "/wallet/me", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PasswordConfirmation,
    responses(
        (status = 204, description = "Erased"),
        (status = 401, body = ProblemBody, description = "Not logged in, or wrong password", content_type = "application/problem+json"),
    )
)]
async fn delete_me(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(request): Json<PasswordConfirmation>,
) -> Result<Response, ApiError> {
    // The vault's object keys are in rows that the erasure cascades away.
    let erasure = crate::before_account_deleted(&state, &citizen.record).await?;
    state
        .citizens
        .delete(&citizen.record, request.password)
        .await
        .map_err(account_error)?;
    crate::on_account_deleted(&state, &citizen.record, erasure).await;
    tracing::info!(citizen = %citizen.record.id, "citizen account erased");
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    #[schema(value_type = String)]
    pub current: Zeroizing<String>,
    #[schema(value_type = String)]
    pub new: Zeroizing<String>,
}

/// Change the password (the current one is required). Other sessions end.
#[utoipa::path(
    post, path = "/wallet/me/password", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, description = "Not logged in, or wrong current password", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn change_password(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(request): Json<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    state
        .citizens
        .change_password(
            &citizen.record,
            request.current,
            request.new,
            &citizen.session.token_hash,
        )
        .await
        .map_err(account_error)?;
    Ok(StatusCode::NO_CONTENT)
}
