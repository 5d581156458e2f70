//! Files handed to a browser as downloads that are never rendered as a
//! page of the site: the vault's documents, for their owner, for a share's
//! or an invitation's visitor, and for an organisation asked to certify.

use crate::ApiError;
use axum::{
    body::Body,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`
/// (RFC 6266 and 8187). Path separators become `_` in both forms.
pub fn content_disposition(name: &str) -> HeaderValue {
    let name: String = name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && !matches!(c, '"' | '%' | ';' | '\\')) || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// A download: `attachment` with a safe file name, `nosniff`, a
/// sandboxing CSP, not cached, same-origin only. A vault type's file name
/// always ends with that type's extension (names stored before uploads
/// were renamed too: see `atout_core::vault::name_with_extension`).
pub fn attachment(
    name: &str,
    content_type: &str,
    size: i64,
    body: Body,
) -> Result<Response, ApiError> {
    let name = atout_core::vault::name_with_extension(name, content_type, usize::MAX);
    let content_type = HeaderValue::from_str(content_type).map_err(ApiError::internal)?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(header::CONTENT_DISPOSITION, content_disposition(&name));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    Ok(response)
}

/// A document of the vault, decrypted as it streams: its file key
/// unwrapped with its owner's document key. For whoever the route let in
/// (the owner, a share's or an invitation's visitor, an organisation asked
/// to certify).
pub async fn document_stream(
    state: &crate::AppState,
    owner: &atout_core::store::CitizenRecord,
    record: &atout_core::store::DocumentRecord,
) -> Result<
    futures_util::stream::BoxStream<'static, Result<bytes::Bytes, atout_core::vault::VaultError>>,
    ApiError,
> {
    let vault_key = state
        .citizens
        .vault_key(owner)
        .map_err(ApiError::internal)?;
    let file_key = atout_core::vault::unwrap_key(&vault_key, &record.id, &record.wrapped_key)
        .map_err(ApiError::internal)?;
    state
        .vault
        .download(&record.object_key, &record.id, &file_key)
        .await
        .map_err(ApiError::internal)
}

/// A document of the vault as a download ([`document_stream`], then
/// [`attachment`]).
pub async fn document(
    state: &crate::AppState,
    owner: &atout_core::store::CitizenRecord,
    record: &atout_core::store::DocumentRecord,
) -> Result<Response, ApiError> {
    let stream = document_stream(state, owner, record).await?;
    attachment(
        &record.name,
        &record.content_type,
        record.size,
        Body::from_stream(stream),
    )
}
