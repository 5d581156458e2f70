//! Extractors whose rejections are RFC 9457 problems, with the precise
//! status: 400 malformed JSON, 413 too large, 415 wrong content type,
//! 422 well-formed but wrong fields (unknown, missing, mistyped).

use crate::ApiError;
use axum::{
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        FromRequest, FromRequestParts, Request,
    },
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{de::DeserializeOwned, Serialize};

/// JSON body (in) and JSON response (out).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

fn kind_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid-input",
        StatusCode::BAD_REQUEST => "malformed-request",
        _ => "bad-request",
    }
}

/// Keeps serde's message but never echoes more than a few hundred characters.
fn clip(text: String) -> String {
    if text.chars().count() > 300 {
        text.chars().take(300).collect::<String>() + "…"
    } else {
        text
    }
}

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // The type first, as axum does: a wrong type is refused unread.
        if !json_content_type(req.headers()) {
            return Err(json_rejection(JsonRejection::MissingJsonContentType(
                Default::default(),
            )));
        }
        let bytes = read_body(req, state).await?;
        parse_json(&bytes).map(Self)
    }
}

/// `application/json` or any `application/...+json`.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let mime = v
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

/// The body, within the route's limit (413 past it).
async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<axum::body::Bytes, ApiError> {
    axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(status, kind_for(status), "Payload too large")
                    .detail("The request body is larger than this server accepts.")
            } else {
                ApiError::new(status, kind_for(status), "The body could not be read")
                    .detail(clip(rejection.body_text()))
            }
        })
}

/// A JSON body as `T`. serde_json reports some mistakes in well-formed JSON
/// as syntax errors (a number where an enumeration's name is expected:
/// "expected value"); a body that is valid JSON is never called malformed:
/// such a mistake is a 422 `invalid-value` naming its field.
fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match axum::Json::<T>::from_bytes(bytes) {
        Ok(axum::Json(value)) => Ok(value),
        Err(JsonRejection::JsonSyntaxError(_))
            if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() =>
        {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Ok(_) => (String::new(), "a value of the wrong kind".to_owned()),
                Err(e) => (e.path().to_string(), e.inner().to_string()),
            };
            let path = if path == "." { String::new() } else { path };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let mut problem = ApiError::new(
                status,
                kind_for(status),
                "The JSON body does not have the expected fields",
            )
            .detail(clip(format!(
                "Failed to deserialize the JSON body into the target type: {path}: {message}"
            )))
            .with("code", "invalid-value");
            if !path.is_empty() {
                problem = problem.with("field", path);
            }
            Err(problem)
        }
        Err(rejection) => Err(json_rejection(rejection)),
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let (title, detail) = match &rejection {
        JsonRejection::JsonDataError(_) => (
            "The JSON body does not have the expected fields",
            clip(rejection.body_text()),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            ("The body is not valid JSON", clip(rejection.body_text()))
        }
        JsonRejection::MissingJsonContentType(_) => (
            "Unsupported media type",
            "Send the body with `Content-Type: application/json`.".to_owned(),
        ),
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => (
            "Payload too large",
            "The request body is larger than this server accepts.".to_owned(),
        ),
        _ => ("The body could not be read", clip(rejection.body_text())),
    };
    let mut problem = ApiError::new(status, kind_for(status), title).detail(detail);
    if let JsonRejection::JsonDataError(_) = &rejection {
        if let Some((code, field)) = data_error_of(&rejection) {
            problem = problem.with("code", code);
            if !field.is_empty() {
                problem = problem.with("field", field);
            }
        }
    } else if let JsonRejection::JsonSyntaxError(_) = &rejection {
        problem = problem.with("code", "malformed-json");
    }
    problem
}

/// A JSON body's data error as a stable code and the field it is about
/// (a dotted path, `details.cefr.reading`, `items[2].code`; empty for the
/// body as a whole), for clients (and Atout's pages) to say what to change
/// in their own words: `invalid-value` (a value of the wrong type or not
/// among the allowed ones), `missing-field`, `unknown-field`,
/// `duplicate-field`, else `invalid-data`.
pub fn data_error_of(error: &(dyn std::error::Error + 'static)) -> Option<(&'static str, String)> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(e) = e.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            return Some(classify(&e.inner().to_string(), path));
        }
        cause = e.source();
    }
    None
}

/// serde's own messages (`serde::de::Error`'s defaults) are stable: the
/// kind of mistake is read from their first words.
fn classify(message: &str, path: String) -> (&'static str, String) {
    // `missing field `x``, `unknown field `x`, expected ...`: the field is
    // named inside the message, below the path.
    // serde_path_to_error has the unknown field in its path already.
    let named = |message: &str| {
        message
            .split('`')
            .nth(1)
            .map(|name| {
                if path.is_empty() {
                    name.to_owned()
                } else if path == name || path.ends_with(&format!(".{name}")) {
                    path.clone()
                } else {
                    format!("{path}.{name}")
                }
            })
            .unwrap_or_else(|| path.clone())
    };
    if message.starts_with("missing field") {
        ("missing-field", named(message))
    } else if message.starts_with("unknown field") {
        ("unknown-field", named(message))
    } else if message.starts_with("duplicate field") {
        ("duplicate-field", named(message))
    } else if message.starts_with("unknown variant")
        || message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid length")
    {
        ("invalid-value", path)
    } else {
        ("invalid-data", path)
    }
}

/// A JSON body that may be absent (empty body): `None` then.
#[derive(Debug, Clone, Default)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let has_json_type = json_content_type(req.headers());
        let bytes = read_body(req, state).await?;
        if bytes.is_empty() {
            return Ok(Self(None));
        }
        if !has_json_type {
            return Err(json_rejection(JsonRejection::MissingJsonContentType(
                Default::default(),
            )));
        }
        parse_json(&bytes).map(|value| Self(Some(value)))
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Path parameters.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => {
                let status = match rejection {
                    PathRejection::FailedToDeserializePathParams(_) => StatusCode::BAD_REQUEST,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                if status.is_server_error() {
                    return Err(ApiError::internal(rejection.body_text()));
                }
                Err(ApiError::new(status, "bad-path", "Invalid path parameter")
                    .detail(clip(rejection.body_text())))
            }
        }
    }
}

/// Query string parameters.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad-query",
                "Invalid query parameter",
            )
            .detail(clip(e.body_text()))),
            Err(other) => Err(ApiError::bad_request(clip(other.body_text()))),
        }
    }
}

/// The client's address: the peer of the connection, when the server was
/// started with connection info (`into_make_service_with_connect_info`);
/// `None` otherwise. `X-Forwarded-For` counts only when the peer is one of
/// the configured [`TrustedProxies`] (otherwise it is the client's to
/// write): then the client is the nearest address in it that is not a
/// trusted proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<std::net::IpAddr>);

/// The reverse proxies whose `X-Forwarded-For` is believed (a request
/// extension the server adds; `trusted_proxies` in the configuration).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub std::sync::Arc<Vec<ipnet::IpNet>>);

/// The client behind `peer`, given `X-Forwarded-For` and the trusted
/// proxies: the rightmost address not a trusted proxy, walking from the
/// peer outwards (entries left of it could be written by the client).
pub fn client_address(
    peer: std::net::IpAddr,
    forwarded: Option<&str>,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.unwrap_or_default().rsplit(',') {
        match hop.trim().parse::<std::net::IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // Unreadable: the chain cannot be trusted past this point.
            Err(_) => break,
        }
    }
    client
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip())
        else {
            return Ok(Self(None));
        };
        let trusted = parts.extensions.get::<TrustedProxies>();
        Ok(Self(Some(match trusted {
            Some(t) if !t.0.is_empty() => {
                let forwarded = parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .collect::<Vec<_>>()
                    .join(",");
                client_address(peer, Some(&forwarded), &t.0)
            }
            _ => peer,
        })))
    }
}

#[cfg(test)]
mod client_tests {
    use super::client_address;

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        // A direct client: its header is ignored.
        assert_eq!(
            client_address(ip("192.0.2.7"), Some("203.0.113.9"), &trusted),
            ip("192.0.2.7")
        );
        // Behind the proxy: the nearest untrusted hop.
        assert_eq!(
            client_address(ip("10.0.0.1"), Some("203.0.113.9"), &trusted),
            ip("203.0.113.9")
        );
        // A client's own forged entries, left of the real one, do not count.
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                Some("1.1.1.1, 203.0.113.9, 10.0.0.2"),
                &trusted
            ),
            ip("203.0.113.9")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.1"), None, &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), Some("nonsense"), &trusted),
            ip("10.0.0.1")
        );
        // No trusted proxy configured: the peer.
        assert_eq!(
            client_address(ip("10.0.0.1"), Some("203.0.113.9"), &[]),
            ip("10.0.0.1")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Grid {
        level: Level,
        inner: Option<Inner>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        items: Vec<Level>,
        name: String,
    }
    #[derive(Debug, serde::Deserialize)]
    enum Level {
        A1,
    }

    async fn problem_of(body: &str) -> serde_json::Value {
        let request = axum::http::Request::builder()
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap();
        let Err(e) = Json::<Grid>::from_request(request, &()).await else {
            panic!("{body} was accepted")
        };
        serde_json::to_value(e.body()).unwrap()
    }

    #[tokio::test]
    async fn data_errors_name_their_field_and_a_stable_code() {
        for (body, code, field) in [
            (r#"{"level": ""}"#, "invalid-value", Some("level")),
            (r#"{"level": 3}"#, "invalid-value", Some("level")),
            (
                r#"{"level": "A1", "inner": {"items": ["A1", "Z"], "name": "x"}}"#,
                "invalid-value",
                Some("inner.items[1]"),
            ),
            (
                r#"{"level": "A1", "inner": {"items": []}}"#,
                "missing-field",
                Some("inner.name"),
            ),
            (r#"{}"#, "missing-field", Some("level")),
            (
                r#"{"level": "A1", "other": 1}"#,
                "unknown-field",
                Some("other"),
            ),
            (r#"{"level": "A1""#, "malformed-json", None),
        ] {
            let p = problem_of(body).await;
            assert_eq!(p["code"], code, "{body}: {p}");
            assert_eq!(p["field"].as_str(), field, "{body}: {p}");
        }
    }
}
