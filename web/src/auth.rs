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
