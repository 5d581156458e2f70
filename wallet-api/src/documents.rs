//! The document vault over HTTP: a citizen's files (PDF, images, video),
//! encrypted at rest, and their attachment to entries.
//!
//! | route | what |
//! |---|---|
//! | `POST /wallet/documents` | upload (multipart/form-data, or the raw bytes with `?name=`) |
//! | `GET /wallet/documents` | list, with the quota |
//! | `GET`, `DELETE /wallet/documents/{id}` | metadata; erase (row and object) |
//! | `GET /wallet/documents/{id}/content` | the decrypted bytes, as an attachment |
//! | `GET /wallet/entries/{id}/documents` | the documents attached to an entry |
//! | `PUT`, `DELETE /wallet/entries/{id}/documents/{document}` | attach, detach |
//!
//! (The entry is `{id}`, as in the entries routes.)
//!
//! Every route is the logged-in citizen's own: another citizen's document
//! or entry is "not found".
//!
//! Uploads stream: the body is read chunk by chunk, the type is decided on
//! the first 8 KiB (sniffed, never trusted from the client), and every
//! chunk is encrypted and sent to the object store as it comes, while a
//! blocking thread searches the whole file for web page or script markup
//! (`vault::BackgroundScan`: a find refuses the file, whose object is then
//! removed); at most `document_max_bytes` are ever read. The object is written first, then
//! the row; if the row cannot be written the object is removed. A crash
//! between the two leaves an object no row names, which
//! `Vault::sweep_orphans` removes.

use atout_core::{
    ids::new_id,
    store::{Attach, DocumentInsert, DocumentRecord},
    vault::{
        self, BackgroundScan, ScanError, TypeRefusal, Upload, Vault, ALLOWED_TYPES, SNIFF_BYTES,
    },
};
use atout_web::{auth::Citizen, problem::ProblemBody, ApiError, AppState, Json, Path, Query};
use axum::{
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// A display name is cut to this many characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Room for the multipart framing and the `name` field around the file.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// After a refusal, up to this much of the rest of the body is read and
/// discarded (never kept), so that a client still sending reads the
/// problem instead of a reset connection. Past it, the connection closes.
const DRAIN_BYTES: u64 = 1024 * 1024;
/// The `name` form field is read whole, up to this size (then cut).
const NAME_FIELD_BYTES: u64 = 16 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    // The upload route reads up to `document_max_bytes` itself, counting
    // as it streams; the global 1 MiB limit does not apply to it.
    let upload = OpenApiRouter::new()
        .routes(routes!(list_documents, upload_document))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(get_document, delete_document))
        .routes(routes!(document_content))
        .routes(routes!(entry_documents))
        .routes(routes!(attach_document, detach_document))
}

/// A document, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: String,
    /// The name given at upload (display only).
    pub name: String,
    /// Sniffed from the bytes at upload.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    /// Ids of the entries it is attached to.
    pub entries: Vec<String>,
}

impl Document {
    fn new(d: DocumentRecord, entries: Vec<String>) -> Self {
        Self {
            id: d.id,
            name: d.name,
            content_type: d.content_type,
            size: d.size,
            sha256: d.sha256,
            created_at: d.created_at,
            entries,
        }
    }
}

/// How much of the vault is used.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    pub used_bytes: i64,
    pub total_bytes: u64,
    /// The largest single document accepted.
    pub max_document_bytes: u64,
    /// The accepted types (sniffed from the content).
    pub allowed_types: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    pub items: Vec<Document>,
    pub quota: Quota,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryDocuments {
    pub items: Vec<Document>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name, for display (raw uploads; a multipart upload takes
    /// it from the `name` field or the file part's file name).
    pub name: Option<String>,
}

/// The multipart form of an upload.
#[derive(ToSchema)]
pub struct UploadForm {
    /// The file. Its part's `Content-Type`, if given and not generic, must
    /// agree with the content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// A display name (default: the part's file name).
    pub name: Option<String>,
}

fn document_not_found() -> ApiError {
    ApiError::not_found("No such document.")
}

fn entry_not_found() -> ApiError {
    ApiError::not_found("No such entry.")
}

/// A display name: control and bidirectional-override characters removed
/// (no `invoice<U+202E>fdp.exe` spoofs), trimmed, cut to [`MAX_NAME_CHARS`].
/// It is never used as a path.
pub fn display_name(raw: Option<&str>) -> String {
    let cleaned: String = raw
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let name: String = cleaned.trim().chars().take(MAX_NAME_CHARS).collect();
    let name = name.trim().to_owned();
    if name.is_empty() {
        "document".into()
    } else {
        name
    }
}

/// The name a document is stored under: its [`display_name`], made to end
/// with the extension of its sniffed type (`x.html` sniffed as a GIF is
/// `x.gif`), so that the saved file opens as what it is.
pub fn stored_name(raw: Option<&str>, mime: &str) -> String {
    vault::name_with_extension(&display_name(raw), mime, MAX_NAME_CHARS)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

pub use atout_web::download::content_disposition;

fn too_large(max: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "document-too-large",
        "Document too large",
    )
    .detail(format!(
        "A document may have at most {max} bytes ({}).",
        human(max)
    ))
    .with("maxBytes", max)
}

pub(crate) fn over_quota(used: i64, quota: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "quota-exceeded",
        "Document quota exceeded",
    )
    .detail(format!(
        "Your documents may take at most {quota} bytes ({}) in all, and {used} are used. \
         Delete documents to make room.",
        human(quota)
    ))
    .with("quotaBytes", quota)
    .with("usedBytes", used)
}

fn human(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

fn type_refused(refusal: TypeRefusal) -> ApiError {
    let allowed = ALLOWED_TYPES.join(", ");
    let (kind, title) = match &refusal {
        TypeRefusal::Empty => {
            return ApiError::unprocessable("The file is empty.");
        }
        TypeRefusal::Unsupported { .. } => {
            ("unsupported-document-type", "Unsupported document type")
        }
        TypeRefusal::Mismatch { .. } => (
            "document-type-mismatch",
            "The declared type does not match the content",
        ),
        TypeRefusal::Polyglot(_) | TypeRefusal::Markup { .. } => {
            ("document-polyglot", "Ambiguous document")
        }
    };
    let mut e = ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, kind, title)
        .detail(format!(
            "{}. Accepted, judged from the content: {allowed}.",
            capitalised(&refusal.to_string())
        ))
        .with("allowedTypes", ALLOWED_TYPES.to_vec());
    match refusal {
        TypeRefusal::Unsupported { sniffed: Some(t) } => e = e.with("sniffedType", t),
        TypeRefusal::Markup { mime, markup } => {
            e = e
                .with("sniffedType", mime)
                .with("marker", markup.marker)
                .with("offset", markup.offset)
        }
        TypeRefusal::Mismatch { declared, sniffed } => {
            e = e
                .with("declaredType", declared)
                .with("sniffedType", sniffed)
        }
        _ => {}
    }
    e
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Where the file's bytes come from.
pub(crate) enum Source {
    Raw(axum::body::BodyDataStream),
    Part(Box<multer::Field<'static>>),
    /// A file of an imported archive (`crate::archive`).
    Stream(futures_util::stream::BoxStream<'static, Result<Bytes, ApiError>>),
}

impl Source {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, ApiError> {
        match self {
            Self::Raw(stream) => stream.next().await.transpose().map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed-request",
                    "The body could not be read",
                )
                .detail(clip(&e.to_string()))
            }),
            Self::Part(field) => field.chunk().await.map_err(multipart_error),
            Self::Stream(stream) => stream.next().await.transpose(),
        }
    }
}

/// Reads and discards what is left of a refused body, up to [`DRAIN_BYTES`].
async fn drain(source: &mut Source) {
    let mut read = 0u64;
    while read < DRAIN_BYTES {
        match source.next_chunk().await {
            Ok(Some(chunk)) => read += chunk.len() as u64,
            _ => break,
        }
    }
}

fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}

fn multipart_error(e: multer::Error) -> ApiError {
    match e {
        multer::Error::FieldSizeExceeded { field_name, .. } if field_name.as_deref() == Some("name") => {
            ApiError::unprocessable(format!(
                "The `name` field may have at most {NAME_FIELD_BYTES} bytes (names are cut to {MAX_NAME_CHARS} characters)."
            ))
        }
        multer::Error::StreamSizeExceeded { limit } | multer::Error::FieldSizeExceeded { limit, .. } => {
            too_large(limit)
        }
        other => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed-multipart",
            "The multipart body could not be read",
        )
        .detail(clip(&other.to_string())),
    }
}

/// The limits of one upload.
pub(crate) struct Limits {
    pub max: u64,
    pub quota: u64,
    pub used: i64,
}

impl Limits {
    /// The bytes this upload may have, and the problem past them.
    fn allowance(&self) -> (u64, ApiError) {
        let room = self
            .quota
            .saturating_sub(u64::try_from(self.used).unwrap_or(0));
        if room < self.max {
            (room, over_quota(self.used, self.quota))
        } else {
            (self.max, too_large(self.max))
        }
    }
}

/// Reads, sniffs, encrypts and stores one file. On any error nothing is
/// left in the object store.
pub(crate) async fn receive(
    vault: &Vault,
    document_id: &str,
    file_key: &[u8],
    declared: Option<String>,
    source: &mut Source,
    limits: &Limits,
) -> Result<(vault::Stored, &'static str), ApiError> {
    let (allowance, past_allowance) = limits.allowance();
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
    // Once the type is known: the upload, and the search of the whole file
    // for markup that runs beside it (`vault::BackgroundScan`), whose
    // verdict is awaited before the object is kept.
    let mut upload: Option<(Upload, &'static str, BackgroundScan)> = None;
    let mut total: u64 = 0;
    let result: Result<(), ApiError> = async {
        loop {
            let chunk = source.next_chunk().await?;
            if let Some(chunk) = &chunk {
                total += chunk.len() as u64;
                if total > allowance {
                    return Err(past_allowance);
                }
            }
            if let Some((up, mime, scan)) = upload.as_mut() {
                match chunk {
                    Some(chunk) => {
                        let mime: &'static str = mime;
                        scan.feed(chunk.clone())
                            .await
                            .map_err(|e| scan_refused(mime, e))?;
                        up.write(&chunk).await.map_err(ApiError::internal)?
                    }
                    None => return Ok(()),
                }
                continue;
            }
            let end = chunk.is_none();
            if let Some(chunk) = chunk {
                head.extend_from_slice(&chunk);
            }
            if head.len() >= SNIFF_BYTES || end {
                let mime = vault::sniff(&head, declared.as_deref()).map_err(type_refused)?;
                let head = Bytes::from(std::mem::take(&mut head));
                let mut scan = BackgroundScan::start(mime);
                scan.feed(head.clone())
                    .await
                    .map_err(|e| scan_refused(mime, e))?;
                let mut up = vault
                    .upload(document_id, file_key)
                    .map_err(ApiError::internal)?;
                let written = up.write(&head).await.map_err(ApiError::internal);
                upload = Some((up, mime, scan));
                written?;
                if end {
                    return Ok(());
                }
            }
        }
    }
    .await;
    match (result, upload) {
        (Ok(()), Some((up, mime, scan))) => {
            // Kept only if nothing was found anywhere in the file.
            if let Err(e) = scan.finish().await {
                up.abort().await;
                return Err(scan_refused(mime, e));
            }
            let object_key = up.object_key().to_owned();
            match up.finish().await {
                Ok(stored) => Ok((stored, mime)),
                Err(e) => {
                    vault.delete_all(&[object_key]).await;
                    Err(ApiError::internal(e))
                }
            }
        }
        (Ok(()), None) => Err(type_refused(TypeRefusal::Empty)),
        (Err(e), upload) => {
            if let Some((up, _, _)) = upload {
                up.abort().await;
            }
            drain(source).await;
            Err(e)
        }
    }
}

/// The problem for a file the markup scan refused (or could not finish).
fn scan_refused(mime: &'static str, e: ScanError) -> ApiError {
    match e {
        ScanError::Markup(markup) => type_refused(TypeRefusal::Markup { mime, markup }),
        ScanError::Failed(cause) => ApiError::internal(cause),
    }
}

fn is_multipart(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mime = ct.split(';').next()?.trim().to_ascii_lowercase();
    (mime == "multipart/form-data").then(|| ct.to_owned())
}

/// Upload a document: a PDF, an image (PNG, JPEG, WebP, GIF) or a video
/// (MP4, WebM, QuickTime), at most `document_max_bytes`, within the
/// citizen's quota. Send `multipart/form-data` with a `file` part (and an
/// optional `name` field), or the raw bytes with their `Content-Type` and
/// `?name=`. The type is judged from the content; a declared type that
/// disagrees is refused. The file is encrypted with a key of its own.
#[utoipa::path(
    post, path = "/wallet/documents", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    params(UploadQuery),
    request_body(
        description = "multipart/form-data with a `file` part, or the raw bytes",
        content(
            (UploadForm = "multipart/form-data"),
            (Vec<u8> = "application/octet-stream"),
        )
    ),
    responses(
        (status = 201, body = Document, description = "Stored; `Location` names it"),
        (status = 400, body = ProblemBody, description = "Malformed multipart body", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, description = "Larger than `document_max_bytes` (`document-too-large`), or over the quota (`quota-exceeded`)", content_type = "application/problem+json"),
        (status = 415, body = ProblemBody, description = "A type outside the list, a declared type that disagrees with the content, or an ambiguous (polyglot) file", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Empty file, or a multipart body without a single `file` part", content_type = "application/problem+json"),
    )
)]
async fn upload_document(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let wallet = &state.config.wallet;
    let used = state.store.documents_used_bytes(citizen.id()).await?;
    let limits = Limits {
        max: wallet.document_max_bytes,
        quota: wallet.document_quota_bytes,
        used,
    };
    let (allowance, past_allowance) = limits.allowance();
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let multipart = is_multipart(&headers);
    let overhead = if multipart.is_some() {
        MULTIPART_OVERHEAD
    } else {
        0
    };
    if allowance == 0 || length.is_some_and(|n| n > allowance + overhead) {
        if length.is_none_or(|n| n <= allowance + overhead + DRAIN_BYTES) {
            drain(&mut Source::Raw(body.into_data_stream())).await;
        }
        return Err(past_allowance);
    }
    let vault_key = state
        .citizens
        .vault_key(&citizen.record)
        .map_err(ApiError::internal)?;
    let id = new_id();
    let file_key = vault::new_file_key().map_err(ApiError::internal)?;

    let mut name = query.name;
    let (stored, mime) = match multipart {
        None => {
            let declared = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let mut source = Source::Raw(body.into_data_stream());
            receive(&state.vault, &id, &file_key, declared, &mut source, &limits).await?
        }
        Some(content_type) => {
            let boundary = multer::parse_boundary(&content_type).map_err(multipart_error)?;
            let constraints = multer::Constraints::new().size_limit(
                multer::SizeLimit::new()
                    .whole_stream(limits.max + MULTIPART_OVERHEAD)
                    .for_field("name", NAME_FIELD_BYTES),
            );
            let mut form =
                multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
            let mut stored = None;
            let outcome: Result<(), ApiError> = async {
                while let Some(field) = form.next_field().await.map_err(multipart_error)? {
                    let field_name = field.name().map(str::to_owned);
                    match field_name.as_deref() {
                        Some("file") if stored.is_none() => {
                            let declared = field.content_type().map(|m| m.to_string());
                            if name.is_none() {
                                name = field.file_name().map(str::to_owned);
                            }
                            let mut source = Source::Part(Box::new(field));
                            stored = Some(
                                receive(
                                    &state.vault,
                                    &id,
                                    &file_key,
                                    declared,
                                    &mut source,
                                    &limits,
                                )
                                .await?,
                            );
                        }
                        Some("file") => {
                            return Err(ApiError::unprocessable(
                                "Send one `file` part per upload.",
                            ));
                        }
                        Some("name") => {
                            let text = field.text().await.map_err(multipart_error)?;
                            name = Some(text);
                        }
                        other => {
                            return Err(ApiError::unprocessable(format!(
                                "Unexpected form field {:?}: send `file` and, optionally, `name`.",
                                clip(other.unwrap_or_default())
                            )));
                        }
                    }
                }
                Ok(())
            }
            .await;
            match (outcome, stored) {
                (Ok(()), Some(stored)) => stored,
                (Ok(()), None) => {
                    return Err(ApiError::unprocessable(
                        "The form has no `file` part: send the document in a part named `file`.",
                    ))
                }
                (Err(e), stored) => {
                    if let Some((s, _)) = stored {
                        state.vault.delete_all(&[s.object_key]).await;
                    }
                    return Err(e);
                }
            }
        }
    };

    // The object is stored; now the row. If it cannot be written, the
    // object goes.
    let record = DocumentRecord {
        wrapped_key: match vault::wrap_key(&vault_key, &id, &file_key) {
            Ok(w) => w,
            Err(e) => {
                state.vault.delete_all(&[stored.object_key]).await;
                return Err(ApiError::internal(e));
            }
        },
        id: id.clone(),
        citizen_id: citizen.id().to_owned(),
        name: stored_name(name.as_deref(), mime),
        content_type: mime.to_owned(),
        size: i64::try_from(stored.size).unwrap_or(i64::MAX),
        sha256: stored.sha256.clone(),
        object_key: stored.object_key.clone(),
        created_at: state.clock.now(),
    };
    let quota = i64::try_from(limits.quota).unwrap_or(i64::MAX);
    match state.store.insert_document(&record, quota).await {
        Ok(DocumentInsert::Stored) => {}
        Ok(DocumentInsert::OverQuota { used }) => {
            state.vault.delete_all(&[stored.object_key]).await;
            return Err(over_quota(used, limits.quota));
        }
        Err(e) => {
            state.vault.delete_all(&[stored.object_key]).await;
            return Err(e.into());
        }
    }
    tracing::info!(
        citizen = %citizen.id(),
        document = %id,
        content_type = mime,
        size = stored.size,
        "document stored"
    );
    let location =
        HeaderValue::from_str(&format!("/wallet/documents/{id}")).map_err(ApiError::internal)?;
    let mut response =
        (StatusCode::CREATED, Json(Document::new(record, Vec::new()))).into_response();
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// The citizen's documents, newest first, with the quota.
#[utoipa::path(
    get, path = "/wallet/documents", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = DocumentList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
    )
)]
async fn list_documents(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<DocumentList>, ApiError> {
    let records = state.store.list_documents(citizen.id()).await?;
    let mut attached: HashMap<String, Vec<String>> = HashMap::new();
    for (document, entry) in state.store.document_attachments(citizen.id()).await? {
        attached.entry(document).or_default().push(entry);
    }
    let used: i64 = records.iter().map(|d| d.size).sum();
    let items = records
        .into_iter()
        .map(|d| {
            let entries = attached.remove(&d.id).unwrap_or_default();
            Document::new(d, entries)
        })
        .collect();
    let wallet = &state.config.wallet;
    Ok(Json(DocumentList {
        items,
        quota: Quota {
            used_bytes: used,
            total_bytes: wallet.document_quota_bytes,
            max_document_bytes: wallet.document_max_bytes,
            allowed_types: ALLOWED_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        },
    }))
}

async fn owned(state: &AppState, citizen: &Citizen, id: &str) -> Result<DocumentRecord, ApiError> {
    state
        .store
        .get_document(citizen.id(), id)
        .await?
        .ok_or_else(document_not_found)
}

async fn entries_of(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
) -> Result<Vec<String>, ApiError> {
    Ok(state
        .store
        .document_attachments(citizen.id())
        .await?
        .into_iter()
        .filter(|(d, _)| d == id)
        .map(|(_, e)| e)
        .collect())
}

/// A document's details.
#[utoipa::path(
    get, path = "/wallet/documents/{id}", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The document id")),
    responses(
        (status = 200, body = Document),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such document (or not yours)", content_type = "application/problem+json"),
    )
)]
async fn get_document(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Document>, ApiError> {
    let record = owned(&state, &citizen, &id).await?;
    let entries = entries_of(&state, &citizen, &id).await?;
    Ok(Json(Document::new(record, entries)))
}

/// A document's content, decrypted, as a download: never rendered by the
/// browser in the site's origin (`attachment`, `nosniff`, a sandboxing
/// CSP), never cached.
#[utoipa::path(
    get, path = "/wallet/documents/{id}/content", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The document id")),
    responses(
        (status = 200, description = "The bytes, with the sniffed type", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such document (or not yours)", content_type = "application/problem+json"),
    )
)]
async fn document_content(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = owned(&state, &citizen, &id).await?;
    atout_web::download::document(&state, &citizen.record, &record).await
}

/// A document's content as a download that no browser renders as a page
/// of the site (see [`atout_web::download::attachment`]).
pub(crate) fn document_response(
    name: &str,
    content_type: &str,
    size: i64,
    body: Body,
) -> Result<Response, ApiError> {
    atout_web::download::attachment(name, content_type, size, body)
}

/// Erase a document: its row, its attachments and its encrypted object.
#[utoipa::path(
    delete, path = "/wallet/documents/{id}", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The document id")),
    responses(
        (status = 204, description = "Erased"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such document (or not yours)", content_type = "application/problem+json"),
    )
)]
async fn delete_document(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let object_key = state
        .store
        .delete_document(citizen.id(), &id)
        .await?
        .ok_or_else(document_not_found)?;
    // The row is gone, so the object can no longer be opened (its key was
    // in the row); a failed removal leaves an orphan for the sweep.
    state.vault.delete_all(&[object_key]).await;
    tracing::info!(citizen = %citizen.id(), document = %id, "document erased");
    Ok(StatusCode::NO_CONTENT)
}

/// The documents attached to an entry, oldest first.
#[utoipa::path(
    get, path = "/wallet/entries/{id}/documents", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The entry id")),
    responses(
        (status = 200, body = EntryDocuments),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such entry (or not yours)", content_type = "application/problem+json"),
    )
)]
async fn entry_documents(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(entry): Path<String>,
) -> Result<Json<EntryDocuments>, ApiError> {
    let records = state
        .store
        .entry_documents(citizen.id(), &entry)
        .await?
        .ok_or_else(entry_not_found)?;
    let mut attached: HashMap<String, Vec<String>> = HashMap::new();
    for (document, e) in state.store.document_attachments(citizen.id()).await? {
        attached.entry(document).or_default().push(e);
    }
    Ok(Json(EntryDocuments {
        items: records
            .into_iter()
            .map(|d| {
                let entries = attached.remove(&d.id).unwrap_or_default();
                Document::new(d, entries)
            })
            .collect(),
    }))
}

/// Attach one of the citizen's documents to one of their entries
/// (idempotent).
#[utoipa::path(
    put, path = "/wallet/entries/{id}/documents/{document}", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("id" = String, Path, description = "The entry id"),
        ("document" = String, Path, description = "The document id"),
    ),
    responses(
        (status = 204, description = "Attached (or already was)"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such entry or document (or not yours)", content_type = "application/problem+json"),
    )
)]
async fn attach_document(
    State(state): State<AppState>,
    citizen: Citizen,
    Path((entry, document)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    match state
        .store
        .attach_document(citizen.id(), &entry, &document)
        .await?
    {
        Attach::Attached | Attach::AlreadyAttached => Ok(StatusCode::NO_CONTENT),
        Attach::NoEntry => Err(entry_not_found()),
        Attach::NoDocument => Err(document_not_found()),
    }
}

/// Detach a document from an entry (the document stays in the vault).
#[utoipa::path(
    delete, path = "/wallet/entries/{id}/documents/{document}", tag = "documents",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("id" = String, Path, description = "The entry id"),
        ("document" = String, Path, description = "The document id"),
    ),
    responses(
        (status = 204, description = "Detached"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such entry (or not yours), or the document is not attached to it", content_type = "application/problem+json"),
    )
)]
async fn detach_document(
    State(state): State<AppState>,
    citizen: Citizen,
    Path((entry, document)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    match state
        .store
        .detach_document(citizen.id(), &entry, &document)
        .await?
    {
        Some(true) => Ok(StatusCode::NO_CONTENT),
        Some(false) => Err(ApiError::not_found(
            "This document is not attached to this entry.",
        )),
        None => Err(entry_not_found()),
    }
}

/// The object keys of a citizen's documents, read before the account (and
/// with it, by cascade, the rows) is erased.
pub async fn object_keys_before_erasure(
    state: &AppState,
    citizen_id: &str,
) -> Result<Vec<String>, ApiError> {
    Ok(state.store.document_object_keys(citizen_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_for_display_only() {
        assert_eq!(display_name(Some("../../etc/passwd")), "../../etc/passwd");
        assert_eq!(display_name(Some("a\0b\r\nc")), "abc");
        assert_eq!(
            display_name(Some("invoice\u{202e}fdp.exe")),
            "invoicefdp.exe"
        );
        assert_eq!(display_name(Some("   ")), "document");
        assert_eq!(display_name(None), "document");
        assert_eq!(
            display_name(Some(&"é".repeat(1000))).chars().count(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn content_disposition_is_safely_encoded() {
        let v = content_disposition("../../etc/pa\"ss;wd é.pdf");
        let text = v.to_str().unwrap();
        assert_eq!(
            text,
            "attachment; filename=\".._.._etc_pa_ss_wd _.pdf\"; filename*=UTF-8''.._.._etc_pa%22ss%3Bwd%20%C3%A9.pdf"
        );
        assert!(content_disposition(&"x".repeat(10_000)).to_str().is_ok());
    }
}
