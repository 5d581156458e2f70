//! Middleware: request ids, tracing spans, problem fallback, security
//! headers, panic catching.

use crate::{ApiError, PROBLEM_JSON};
use axum::{
    extract::{MatchedPath, Request},
    http::{header, HeaderName, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served by this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// The request id, as an extension on every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

fn acceptable_request_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let ok = (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then(|| text.to_owned())
}

/// Gives every request an id (keeping a well-formed incoming
/// `x-request-id`, replacing anything else), and returns it on the response.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(acceptable_request_id)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    if let Ok(value) = HeaderValue::from_str(&id) {
        req.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let mut response = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    response
}

/// The matched route template, or `unmatched`: never the raw path, which
/// may carry tokens.
pub fn route_of(req: &Request) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned())
}

/// One span per request with the method, route template and request id.
pub async fn trace(req: Request, next: Next) -> Response {
    let route = route_of(&req);
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let span = tracing::info_span!(
        "http",
        method = %req.method(),
        route = %route,
        request_id = %request_id,
    );
    let start = Instant::now();
    async move {
        let response = next.run(req).await;
        let status = response.status().as_u16();
        let micros = start.elapsed().as_micros() as u64;
        if response.status().is_server_error() {
            tracing::warn!(status, micros, "response");
        } else {
            tracing::info!(status, micros, "response");
        }
        response
    }
    .instrument(span)
    .await
}

/// A response extension: this error status carries a body the client
/// expects (e.g. a VC-API verification result with 422), to be kept as is.
#[derive(Debug, Clone, Copy)]
pub struct DeliberateBody;

/// Turns any error response that is not already a problem (e.g. axum's 405,
/// a layer's 413 or 408) into `application/problem+json`, keeping headers
/// such as `Allow`. HTML error pages written for people (the verification
/// page's 404, 413, ...) and [`DeliberateBody`] responses are left as they
/// are.
pub async fn problem_fallback(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if status.as_u16() < 400 {
        return response;
    }
    let is_problem_or_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(PROBLEM_JSON.as_bytes())
                || v.as_bytes().starts_with(b"text/html")
        });
    if is_problem_or_page || response.extensions().get::<DeliberateBody>().is_some() {
        return response;
    }
    let (parts, _body) = response.into_parts();
    let mut problem = ApiError::from_status(status).into_response();
    for name in [header::ALLOW, header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            problem.headers_mut().insert(name, value.clone());
        }
    }
    problem
}

/// Refuses URLs carrying NUL bytes (`%00`): no legitimate path or query
/// has one, and PostgreSQL cannot store them in text.
pub async fn reject_nul(req: Request, next: Next) -> Response {
    let has_nul = req
        .uri()
        .path_and_query()
        .is_some_and(|pq| pq.as_str().to_ascii_lowercase().contains("%00"));
    if has_nul {
        return ApiError::bad_request("NUL bytes are not allowed in URLs.").into_response();
    }
    next.run(req).await
}

/// Security headers, set unless a handler chose its own.
pub async fn security_headers(hsts: bool, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let defaults: [(HeaderName, &'static str); 7] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in defaults {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if hsts {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(
                "max-age=63072000; includeSubDomains",
            ));
    }
    response
}

/// The response for a panic inside a handler: a 500 problem; the panic
/// message is logged, not sent.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".to_owned());
    ApiError::internal(format!("panic: {message}")).into_response()
}

/// 404 for paths that match no route.
pub async fn not_found() -> ApiError {
    ApiError::not_found("No resource at this path.")
}

/// 405 problem; axum adds the `Allow` header.
pub async fn method_not_allowed() -> ApiError {
    ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{middleware::from_fn, routing::get, Router};
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_becomes_a_500_problem_without_the_message() {
        let app = Router::new()
            .route(
                "/boom",
                get(|| async {
                    panic!("secret detail");
                    #[allow(unreachable_code)]
                    ""
                }),
            )
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                panic_response,
            ))
            .layer(from_fn(problem_fallback))
            .layer(from_fn(request_id));
        let response = app
            .oneshot(
                Request::builder()
                    .uri("/boom")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let id = response.headers()[REQUEST_ID_HEADER]
            .to_str()
            .unwrap()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["status"], 500);
        assert_eq!(body["request_id"], id.as_str());
        assert!(!body.to_string().contains("secret detail"));
    }

    #[tokio::test]
    async fn plain_error_responses_become_problems_keeping_their_headers() {
        let app = Router::new()
            .route(
                "/teapot",
                get(|| async {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "7")],
                        "slow down",
                    )
                }),
            )
            .layer(from_fn(problem_fallback));
        let response = app
            .oneshot(
                Request::builder()
                    .uri("/teapot")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
    }

    #[test]
    fn request_ids_are_sanitised() {
        let ok = HeaderValue::from_static("abc-123_x.y");
        assert_eq!(acceptable_request_id(&ok).as_deref(), Some("abc-123_x.y"));
        for bad in ["", "a b", "<script>", "a/b"] {
            let v = HeaderValue::from_str(bad).unwrap();
            assert_eq!(acceptable_request_id(&v), None, "{bad:?}");
        }
        let long = HeaderValue::from_str(&"a".repeat(65)).unwrap();
        assert_eq!(acceptable_request_id(&long), None);
    }
}
