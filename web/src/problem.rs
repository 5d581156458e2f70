//! One error type for the HTTP surface, rendered as RFC 9457
//! `application/problem+json`. Causes of 5xx errors are logged, never sent.

use crate::{middleware::current_request_id, PROBLEM_JSON};
use atout_core::{orgs::OrgError, store::StoreError};
use axum::{
    http::{header, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// An RFC 9457 problem (boxed: errors travel in `Result`s everywhere).
#[derive(Debug)]
pub struct ApiError(Box<Problem>);

impl std::ops::Deref for ApiError {
    type Target = Problem;
    fn deref(&self) -> &Problem {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut Problem {
        &mut self.0
    }
}

/// The parts of a problem.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    /// Short machine-readable kind, rendered as `type: urn:atout:problem:<kind>`.
    pub kind: &'static str,
    pub title: String,
    pub detail: Option<String>,
    /// Extra members (e.g. which field was wrong).
    pub extensions: serde_json::Map<String, serde_json::Value>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The cause of a 5xx error: logged, never sent.
    pub source: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    /// `urn:atout:problem:<kind>`
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request id, also sent in the `x-request-id` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, title: impl Into<String>) -> Self {
        Self(Box::new(Problem {
            status,
            kind,
            title: title.into(),
            detail: None,
            extensions: Default::default(),
            headers: Vec::new(),
            source: None,
        }))
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.extensions.insert(key.to_owned(), value.into());
        self
    }

    pub fn header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }

    /// `Retry-After: secs` (at least 1) and the same as `retryAfter` in the
    /// body, for 429 and 503.
    pub fn retry_after(mut self, secs: u64) -> Self {
        let secs = secs.max(1);
        self.headers
            .push((header::RETRY_AFTER, HeaderValue::from(secs)));
        self.with("retryAfter", secs)
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", "Bad request").detail(detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
        )
        .detail(detail)
        .header(header::WWW_AUTHENTICATE, "Bearer realm=\"atout\"")
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden").detail(detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found").detail(detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict").detail(detail)
    }

    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
            "Invalid input",
        )
        .detail(detail)
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
        )
        .detail(detail)
    }

    /// A 500 whose cause is logged but not sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal server error",
        )
        .detail(
            "The server could not complete the request. Quote the request id when reporting it.",
        );
        e.source = Some(cause.to_string());
        e
    }

    /// The problem for a bare status code (fallback for errors produced by
    /// layers outside our handlers).
    pub fn from_status(status: StatusCode) -> Self {
        let (kind, detail) = match status {
            StatusCode::METHOD_NOT_ALLOWED => (
                "method-not-allowed",
                "This method is not allowed on this resource; see the Allow header.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "payload-too-large",
                "The request body is larger than this server accepts.",
            ),
            StatusCode::NOT_FOUND => ("not-found", "No resource at this path."),
            StatusCode::REQUEST_TIMEOUT => ("timeout", "The request took too long."),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported-media-type",
                "Send the body as application/json.",
            ),
            s if s.is_server_error() => ("internal", "The server could not complete the request."),
            _ => ("error", "The request failed."),
        };
        Self::new(
            status,
            kind,
            status.canonical_reason().unwrap_or("Error").to_owned(),
        )
        .detail(detail)
    }

    pub fn body(&self) -> ProblemBody {
        ProblemBody {
            type_: format!("urn:atout:problem:{}", self.kind),
            title: self.title.clone(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            request_id: current_request_id(),
            extensions: self.extensions.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.title)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(
                status = self.status.as_u16(),
                cause = self.source.as_deref().unwrap_or("-"),
                "request failed"
            );
        }
        let body = serde_json::to_vec(&self.body()).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
            body,
        )
            .into_response();
        for (name, value) in self.0.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => Self::conflict(what),
            StoreError::NotFound => Self::not_found("No such resource."),
            // PostgreSQL refuses NUL and invalid bytes in text: the input's fault.
            StoreError::Database(sqlx::Error::Database(db))
                if matches!(db.code().as_deref(), Some("22021") | Some("22P05")) =>
            {
                Self::bad_request("The request contains characters that cannot be stored (NUL).")
            }
            StoreError::Database(sqlx::Error::PoolTimedOut) => {
                Self::unavailable("The database is busy; try again shortly.")
                    .header(header::RETRY_AFTER, "2")
            }
            other => Self::internal(other),
        }
    }
}

impl From<OrgError> for ApiError {
    fn from(e: OrgError) -> Self {
        match e {
            OrgError::Slug(_)
            | OrgError::InvalidName(_)
            | OrgError::InvalidApiKeyName(_)
            | OrgError::Unsupported(_) => Self::unprocessable(e.to_string()),
            OrgError::Invalid(i) => Self::unprocessable(i.message).with("field", i.field),
            OrgError::DuplicateSlug(_) => Self::conflict(e.to_string()),
            OrgError::NotFound(_) | OrgError::KeyNotFound(_) | OrgError::ApiKeyNotFound(_) => {
                Self::not_found(e.to_string())
            }
            OrgError::KeyIsActive(_) | OrgError::KeyAlreadyWithdrawn(_) => {
                Self::conflict(e.to_string())
            }
            OrgError::DidKeyIsFixed(_) => Self::conflict(e.to_string()).with("didMethod", "key"),
            OrgError::Store(s) => s.into(),
            OrgError::WrongMasterKey | OrgError::Crypto(_) => Self::internal(e),
        }
    }
}
