//! Authentication: a bearer token is either the platform admin token or an
//! organisation API key. Each route states who may call it:
//!
//! * [`AdminOnly`]: the platform admin;
//! * [`Principal::require_org`]: the admin, or an API key of that organisation.
//!
//! No token, or an unknown token: 401. A valid token without the right: 403.

use crate::{middleware::RequestId, ApiError, AppState};
use atout_core::{
    audit::Actor,
    crypto::sha256_hex,
    store::{ApiKeyRecord, Organisation},
};
use axum::{extract::FromRequestParts, http::request::Parts};
use secrecy::ExposeSecret;

#[derive(Debug, Clone)]
pub enum Principal {
    Admin {
        request_id: Option<String>,
    },
    Org {
        org: Box<Organisation>,
        key: Box<ApiKeyRecord>,
        request_id: Option<String>,
    },
}

impl Principal {
    /// The actor recorded in the audit log.
    pub fn actor(&self) -> Actor {
        match self {
            Self::Admin { request_id } => Actor::admin(request_id.clone()),
            Self::Org {
                key, request_id, ..
            } => Actor::api_key(&key.id, request_id.clone()),
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(self, Self::Admin { .. })
    }

    /// Admin, or an API key of the organisation `slug`; else 403.
    pub fn require_org(&self, slug: &str) -> Result<(), ApiError> {
        match self {
            Self::Admin { .. } => Ok(()),
            Self::Org { org, .. } if org.slug == slug => Ok(()),
            Self::Org { .. } => Err(ApiError::forbidden(
                "This API key belongs to another organisation.",
            )),
        }
    }
}

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Send `Authorization: Bearer <token>`."))?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("The Authorization header is not valid text."))?;
    let (scheme, token) = text.split_once(' ').ok_or_else(|| {
        ApiError::unauthorized("Use the Bearer scheme: `Authorization: Bearer <token>`.")
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized(
            "Use the Bearer scheme: `Authorization: Bearer <token>`.",
        ));
    }
    Ok(token.trim())
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        let request_id = parts.extensions.get::<RequestId>().map(|r| r.0.clone());
        // Compare digests: equal-length inputs, no early exit on the secret.
        let presented = sha256_hex(token.as_bytes());
        let admin = sha256_hex(state.admin_token.expose_secret().as_bytes());
        if ring_eq(presented.as_bytes(), admin.as_bytes()) {
            return Ok(Self::Admin { request_id });
        }
        match state.orgs.authenticate(token).await? {
            Some((org, key)) => Ok(Self::Org {
                org: Box::new(org),
                key: Box::new(key),
                request_id,
            }),
            None => Err(ApiError::unauthorized(
                "The token is not valid or was revoked.",
            )),
        }
    }
}

fn ring_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Only the platform admin.
#[derive(Debug, Clone)]
pub struct AdminOnly(pub Principal);

impl FromRequestParts<AppState> for AdminOnly {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        if principal.is_admin() {
            Ok(Self(principal))
        } else {
            Err(ApiError::forbidden(
                "Only the platform administrator may do this.",
            ))
        }
    }
}

/// The `{slug}` of the route, if any.
async fn route_slug(parts: &mut Parts, state: &AppState) -> Result<String, ApiError> {
    let params = axum::extract::RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::bad_request("The path cannot be read."))?;
    params
        .iter()
        .find(|(name, _)| *name == "slug")
        .map(|(_, value)| value.to_owned())
        .ok_or_else(|| ApiError::internal("route without {slug}"))
}

/// The admin, or an API key of the organisation named by the route's
/// `{slug}`. Checked before the body is read.
#[derive(Debug, Clone)]
pub struct OrgMember(pub Principal);

impl FromRequestParts<AppState> for OrgMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let slug = route_slug(parts, state).await?;
        principal.require_org(&slug)?;
        Ok(Self(principal))
    }
}

/// Only an API key of the organisation named by the route's `{slug}` (it
/// acts as that organisation, e.g. to issue). Checked before the body is read.
#[derive(Debug, Clone)]
pub struct OrgKey(pub Principal);

impl FromRequestParts<AppState> for OrgKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let slug = route_slug(parts, state).await?;
        match &principal {
            Principal::Org { org, .. } if org.slug == slug => Ok(Self(principal)),
            Principal::Org { .. } => Err(ApiError::forbidden(
                "This API key belongs to another organisation.",
            )),
            Principal::Admin { .. } => Err(ApiError::forbidden(
                "This is done with the organisation's own API key.",
            )),
        }
    }
}

/// The name of the session cookie: `__Host-` prefixed (Secure, no Domain,
/// Path=/) when the service is served over https.
pub fn session_cookie_name(state: &AppState) -> &'static str {
    if state.config.base_url.scheme() == "https" {
        "__Host-atout_session"
    } else {
        "atout_session"
    }
}

/// A cookie's value, if the request carries it (every `Cookie` header).
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// A logged-in citizen: a session token as `Authorization: Bearer atc_...`
/// (API clients) or as the session cookie (pages).
///
/// * no credentials, or an unknown or expired session: 401;
/// * the platform admin token or an organisation API key: 403 (wallet
///   routes belong to citizens);
/// * a cookie on a state-changing request from another origin: 403.
#[derive(Debug, Clone)]
pub struct Citizen {
    pub record: atout_core::store::CitizenRecord,
    pub session: atout_core::store::SessionRecord,
    pub request_id: Option<String>,
}

impl Citizen {
    pub fn id(&self) -> &str {
        &self.record.id
    }

    pub fn actor(&self) -> Actor {
        Actor {
            label: format!("citizen:{}", self.record.id),
            request_id: self.request_id.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let request_id = parts.extensions.get::<RequestId>().map(|r| r.0.clone());
        let has_auth = parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION);
        let token = if has_auth {
            bearer(parts)?.to_owned()
        } else if let Some(cookie) = cookie(&parts.headers, session_cookie_name(state)) {
            if !parts.method.is_safe() {
                // SameSite=Strict already keeps the cookie off cross-site
                // requests; an Origin from elsewhere is refused as well.
                if let Some(origin) = parts.headers.get(axum::http::header::ORIGIN) {
                    if origin.as_bytes() != state.config.base().as_bytes() {
                        return Err(ApiError::forbidden(
                            "A request carrying the session cookie must come from this site.",
                        ));
                    }
                }
            }
            cookie.to_owned()
        } else {
            return Err(ApiError::unauthorized(
                "Log in first: send `Authorization: Bearer atc_...` or the session cookie.",
            ));
        };
        if !token.starts_with(atout_core::citizens::SESSION_PREFIX) {
            // An admin or organisation token is valid elsewhere, not here.
            return match Principal::from_request_parts(parts, state).await {
                Ok(_) if has_auth => Err(ApiError::forbidden(
                    "This route belongs to citizens; organisation and admin tokens cannot use it.",
                )),
                _ => Err(ApiError::unauthorized(
                    "The session is not valid or has ended; log in again.",
                )),
            };
        }
        match state.citizens.authenticate(&token).await {
            Ok(Some((session, record))) => Ok(Self {
                record,
                session,
                request_id,
            }),
            Ok(None) => Err(ApiError::unauthorized(
                "The session is not valid or has ended; log in again.",
            )),
            Err(e) => Err(ApiError::internal(e)),
        }
    }
}

/// A citizen, if the request carries a live session; `None` otherwise (for
/// routes that anyone may call but that say more to the logged-in owner).
#[derive(Debug, Clone)]
pub struct MaybeCitizen(pub Option<Citizen>);

impl FromRequestParts<AppState> for MaybeCitizen {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Citizen::from_request_parts(parts, state).await {
            Ok(c) => Ok(Self(Some(c))),
            Err(e) if e.status == axum::http::StatusCode::UNAUTHORIZED => Ok(Self(None)),
            Err(e) => Err(e),
        }
    }
}
