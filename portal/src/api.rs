//! The pages act through Atout's HTTP API, called in process: a request is
//! built as any client would send it (the visitor's session as a bearer
//! token, their address and request id carried along) and handed to the
//! API router. Its answer is JSON or an RFC 9457 problem.

use crate::{ctx::Ctx, page::PageError, PortalState};
use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode},
};
use bytes::Bytes;
use http_body_util::BodyExt as _;
use serde::de::DeserializeOwned;
use tower::ServiceExt as _;

/// Who the API call is made as.
#[derive(Debug, Clone)]
pub enum As {
    Nobody,
    /// A bearer token: the citizen's session, an API key, the admin token.
    Bearer(zeroize::Zeroizing<String>),
}

/// The most a page reads of an API answer (exports and downloads are
/// streamed straight through instead, see [`Reply::into_response`]).
const MAX_READ: usize = 64 * 1024 * 1024;

/// An API answer.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    body: Body,
}

/// A problem the API answered, for a page to show.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub status: u16,
    pub kind: String,
    pub title: String,
    pub detail: Option<String>,
    pub field: Option<String>,
    /// What is wrong with `field` (`invalid-value`, `missing-field`...).
    pub code: Option<String>,
    pub request_id: Option<String>,
    pub raw: serde_json::Value,
}

impl Reply {
    pub fn ok(&self) -> bool {
        self.status.is_success()
    }

    pub async fn bytes(self) -> Result<Bytes, PageError> {
        let limited = http_body_util::Limited::new(self.body, MAX_READ);
        limited
            .collect()
            .await
            .map(|c| c.to_bytes())
            .map_err(|e| PageError::Internal(format!("reading an API answer: {e}")))
    }

    /// The JSON of a successful answer; a problem becomes a page error.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, PageError> {
        if !self.status.is_success() {
            return Err(PageError::from_problem(self.problem().await));
        }
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            PageError::Internal(format!("an API answer is not what was expected: {e}"))
        })
    }

    /// The problem of a failed answer.
    pub async fn problem(self) -> Problem {
        let status = self.status.as_u16();
        let bytes = self.bytes().await.unwrap_or_default();
        let raw: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let text = |k: &str| raw.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        Problem {
            status,
            kind: text("type")
                .and_then(|t| t.strip_prefix("urn:atout:problem:").map(str::to_owned))
                .unwrap_or_default(),
            title: text("title").unwrap_or_default(),
            detail: text("detail"),
            field: text("field"),
            code: text("code"),
            request_id: text("request_id"),
            raw,
        }
    }

    /// The answer as it is, for downloads (files, QR codes, exports).
    pub fn into_response(self) -> axum::response::Response {
        let mut response = axum::response::Response::new(self.body);
        *response.status_mut() = self.status;
        for name in [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_DISPOSITION,
            header::CACHE_CONTROL,
            header::CONTENT_SECURITY_POLICY,
            header::X_CONTENT_TYPE_OPTIONS,
            header::HeaderName::from_static("cross-origin-resource-policy"),
        ] {
            if let Some(v) = self.headers.get(&name) {
                response.headers_mut().insert(name, v.clone());
            }
        }
        response
    }
}

impl PortalState {
    /// Calls the API as `who`.
    pub async fn call(
        &self,
        ctx: &Ctx,
        who: &As,
        method: Method,
        path: &str,
        body: Body,
        content_type: Option<&str>,
    ) -> Result<Reply, PageError> {
        self.call_with(ctx, who, method, path, body, content_type, Vec::new())
            .await
    }

    /// Calls the API as `who`, with headers of its own (an organisation's
    /// key for an endorsement: mark such values sensitive).
    #[allow(clippy::too_many_arguments)]
    pub async fn call_with(
        &self,
        ctx: &Ctx,
        who: &As,
        method: Method,
        path: &str,
        body: Body,
        content_type: Option<&str>,
        extra: Vec<(header::HeaderName, HeaderValue)>,
    ) -> Result<Reply, PageError> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .body(body)
            // Not the path: it may carry a share's or an invitation's token,
            // and this message is logged.
            .map_err(|e| PageError::Internal(format!("building an API call: {e}")))?;
        let headers = request.headers_mut();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
            headers.insert(header::CONTENT_TYPE, ct);
        }
        if let As::Bearer(token) = who {
            let value = HeaderValue::from_str(&format!("Bearer {}", token.as_str()))
                .map_err(|_| PageError::Unauthorized)?;
            headers.insert(header::AUTHORIZATION, value);
        }
        for (name, value) in &ctx.forward.headers {
            headers.insert(name.clone(), value.clone());
        }
        for (name, value) in extra {
            headers.insert(name, value);
        }
        let ext = request.extensions_mut();
        if let Some(c) = ctx.forward.connect {
            ext.insert(c);
        }
        if let Some(p) = ctx.forward.proxies.clone() {
            ext.insert(p);
        }
        if let Some(r) = ctx.forward.request_id.clone() {
            ext.insert(r);
        }
        let response = self
            .api
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| PageError::Internal(format!("API call: {e}")))?;
        let (parts, body) = response.into_parts();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// An action without a body (delete, accept, revoke...) as `who`: its
    /// answer when it succeeded, else the problem as a page error.
    pub async fn act(
        &self,
        ctx: &Ctx,
        who: &As,
        method: Method,
        path: &str,
    ) -> Result<Reply, PageError> {
        let reply = self
            .call(ctx, who, method, path, Body::empty(), None)
            .await?;
        if reply.ok() {
            Ok(reply)
        } else {
            Err(PageError::from_problem(reply.problem().await))
        }
    }

    /// GET as `who`.
    pub async fn get(&self, ctx: &Ctx, who: &As, path: &str) -> Result<Reply, PageError> {
        self.call(ctx, who, Method::GET, path, Body::empty(), None)
            .await
    }

    /// A JSON request as `who`.
    pub async fn send_json(
        &self,
        ctx: &Ctx,
        who: &As,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Reply, PageError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| PageError::Internal(format!("encoding an API call: {e}")))?;
        self.call(
            ctx,
            who,
            method,
            path,
            Body::from(bytes),
            Some("application/json"),
        )
        .await
    }
}

/// Percent-encodes one path segment.
pub fn seg(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
