//! Export and import of a whole wallet as one ZIP archive.
//!
//! | route | what |
//! |---|---|
//! | `GET /wallet/export` | the archive of everything the citizen keeps |
//! | `POST /wallet/import` | restores such an archive into the caller's account |
//!
//! The archive (`atout-export/1`):
//! * `manifest.json`: the format, `exportedAt`, the account (display name,
//!   email, holder DID; never a key or a password hash), each credential's
//!   tags, source, `receivedAt` and import report, and every other file's
//!   path, size and SHA-256;
//! * `credentials/<id>.json` (Data Integrity, or an enveloped credential)
//!   and `credentials/<id>.jwt` (a compact JWT): the credential exactly as
//!   it is held, byte for byte;
//! * `resume.json`: the entries as a JSON Resume 1.x document (see
//!   [`crate::jsonresume`]), which names the documents attached to each;
//! * `cvs/<title>.json` and `cvs/<title>.pdf`: each CV's settings, lines
//!   and JSON Resume, and its PDF (read back by an import's checks, not
//!   restored: the lines' ids change on import);
//! * `careers/plans.json` and `careers/skills.json`: the career plans (with
//!   their gap as computed at export) and the skills with their evidence
//!   (for the citizen's own use; not restored by an import);
//! * `documents/<name>.<ext>`: the documents of the vault, decrypted, byte
//!   for byte as uploaded, named by their display names made safe for a
//!   file name and unique (`CV.pdf`, `CV (2).pdf`); the manifest maps each
//!   file to the document's id, display name, type and date (archives made
//!   before 2026-12 name them `documents/<id>.<ext>`: both are read).
//!
//! The export is written to a spool (memory, then an unnamed temporary
//! file past [`SPOOL_IN_MEMORY`]) and streamed from it, so a wallet of
//! large documents never sits in memory; an import is spooled the same
//! way, and its documents go to the vault as a stream, encrypted under
//! new keys.
//!
//! Import is all or nothing: the whole archive is read and checked first
//! (its shape, the manifest's sizes and hashes, every credential verified
//! again, every entry checked like a new one), then written in one
//! transaction (documents are stored first, and removed again if
//! anything fails). Into an account that already holds things it merges:
//! a credential already held (same issuer and id, or the same bytes) is
//! skipped and entries that cite it are linked to the one held; entries
//! and documents are always added (with new ids).

use crate::{
    documents::{over_quota, receive, stored_name, Limits, Source},
    entries::{check_fields, views, MAX_ENTRIES},
    holdings::{duplicate_member, normalise_tag, MAX_IMPORT_BYTES, MAX_TAGS},
    jsonresume,
};
use atout_core::{
    crypto::sha256_hex,
    ids::new_id,
    store::{
        DocumentRecord, EndorsementRecord, EntryRecord, HoldingRecord, RestoreOutcome, ShareItem,
        WalletRestore,
    },
    vault::{self, extension},
};
use atout_web::{auth::Citizen, check::LiveState, problem::ProblemBody, ApiError, AppState, Json};
use axum::{
    body::Body,
    extract::{DefaultBodyLimit, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use chrono::{DateTime, Datelike, Timelike, Utc};
use futures_util::{stream::BoxStream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::{
    collections::{HashMap, HashSet},
    fs::File,
    io::{Read, Seek, SeekFrom, Write},
    sync::{Arc, Mutex},
};
use tempfile::{SpooledData, SpooledTempFile};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The archive format this version writes and reads.
pub const FORMAT: &str = "atout-export/1";
/// Most files in an archive.
pub const MAX_FILES: usize = 2_000;
/// Largest CV's PDF in an archive.
const MAX_CV_PDF_BYTES: u64 = 32 * 1024 * 1024;

/// Largest `manifest.json` or `resume.json`, inflated.
pub const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;
/// Most a file may grow when inflated, beyond the first mebibyte.
pub const MAX_RATIO: u64 = 100;
/// Allowance above the document quota for an archive's body and for all
/// its files inflated (credentials, résumé, manifest, ZIP overhead).
pub const MARGIN_BYTES: u64 = 32 * 1024 * 1024;
/// An export or import bigger than this goes to an unnamed temporary file
/// instead of memory.
pub const SPOOL_IN_MEMORY: usize = 8 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_wallet)).merge(
        // Its own limit, from the configuration (checked in the handler).
        OpenApiRouter::new()
            .routes(routes!(import_wallet))
            .layer(DefaultBodyLimit::disable()),
    )
}

/// The account, as the archive carries it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ManifestAccount {
    pub display_name: String,
    /// The line under the name on the citizen's shares (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    pub email: String,
    pub holder_did: String,
}

/// A credential of the archive and what the wallet knew of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ManifestCredential {
    /// Its id in the exporting wallet; entries cite it (`x-atout.credential`).
    pub id: String,
    /// `credentials/<id>.json` or `credentials/<id>.jwt`.
    pub path: String,
    /// `ldp_vc` or `vc+jwt`.
    pub format: String,
    pub tags: Vec<String>,
    /// `offer`, `oid4vci`, `import` or `archive`.
    pub source: String,
    pub received_at: DateTime<Utc>,
    #[schema(value_type = Option<Object>)]
    pub import_report: Option<Value>,
}

/// A document of the vault, as the archive carries it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ManifestDocument {
    /// Its id in the exporting wallet; entries cite it
    /// (`x-atout.documents`).
    pub id: String,
    /// `documents/<name>.<ext>`: the display name made safe for a file
    /// name and unique in the archive (`CV.pdf`, `CV (2).pdf`); archives
    /// made before names were used have `documents/<id>.<ext>`.
    pub path: String,
    /// The display name given at upload.
    pub name: String,
    /// As sniffed at upload; checked again on import.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

/// A peer endorsement of an entry, as the archive carries it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ManifestEndorsement {
    pub id: String,
    /// `endorsements/<id>.json`: the signed credential, byte for byte.
    pub path: String,
    /// The endorsed entry's id in the archive (`x-atout.id` in the résumé).
    pub entry: String,
    pub author_name: String,
    pub author_did: String,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    /// You had hidden it.
    pub hidden: bool,
    /// Its author had withdrawn it.
    pub revoked: bool,
}

/// A file of the archive.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ManifestFile {
    pub path: String,
    /// Bytes.
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Manifest {
    /// `atout-export/1`.
    pub format: String,
    pub exported_at: DateTime<Utc>,
    pub account: ManifestAccount,
    pub credentials: Vec<ManifestCredential>,
    pub documents: Vec<ManifestDocument>,
    /// Peer endorsements of the entries (absent from archives made before
    /// endorsements existed).
    #[serde(default)]
    pub endorsements: Vec<ManifestEndorsement>,
    /// Every file but the manifest itself.
    pub files: Vec<ManifestFile>,
}

/// What an import did with one credential.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedCredential {
    /// Its id in the archive.
    pub archive_id: String,
    /// Its id in your wallet now.
    pub holding_id: String,
    /// You held it already: nothing was added.
    pub already_held: bool,
    /// Its live state now.
    pub state: LiveState,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub credentials: Vec<ImportedCredential>,
    pub documents: Vec<ImportedDocument>,
    /// The new ids of the entries, in the résumé's order, with their id in
    /// the archive where it had one.
    pub entries: Vec<ImportedEntry>,
}

/// A document restored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedDocument {
    pub archive_id: String,
    /// Its id in your vault now.
    pub document_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedEntry {
    pub archive_id: Option<String>,
    pub entry_id: String,
}

fn export_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("export: {e}"))
}

/// A ZIP timestamp (UTC).
fn zip_time(at: DateTime<Utc>) -> zip::DateTime {
    zip::DateTime::from_date_and_time(
        at.year().clamp(1980, 2107) as u16,
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .unwrap_or_default()
}

/// A credential's file name: by its shape (a JSON object or a compact JWT),
/// not its format (an enveloped credential is JSON carrying a JWT).
fn credential_path(h: &HoldingRecord) -> String {
    let ext = if h.body.trim_start().starts_with('{') {
        "json"
    } else if h.format == atout_vc::sd_jwt::TYP {
        "sd-jwt"
    } else {
        "jwt"
    };
    format!("credentials/{}.{ext}", h.id)
}

/// Longest stem (characters) of a document's file name in the archive.
const MAX_NAME_STEM: usize = 100;
/// Longest stem in bytes.
const MAX_NAME_BYTES: usize = 200;

/// A document's file name in the archive: its display name made safe for
/// any unpacker (no folder, no control or invisible reordering character,
/// none of `\ / : * ? " < > |`, no leading or trailing dot or space, not a reserved Windows
/// device name, at most [`MAX_NAME_STEM`] characters before the type's
/// extension), and unique without regard to case among `taken` ("CV.pdf",
/// "CV (2).pdf"). The manifest maps it back to the document's id.
fn document_path(name: &str, content_type: &str, taken: &mut HashSet<String>) -> String {
    let ext = extension(content_type).unwrap_or("bin");
    let cleaned: String = name
        .chars()
        // Control characters, and the invisible ones that reorder or hide
        // text (a name that reads `cv.pdf` but ends in `.exe`).
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        })
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    // One dot at a time: no `..` anywhere, even inside a name.
    let mut single = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        if !(c == '.' && single.ends_with('.')) {
            single.push(c);
        }
    }
    let trim = |t: &str| {
        t.trim_matches(|c: char| c == '.' || c.is_whitespace())
            .to_owned()
    };
    let cleaned = trim(&single);
    // The stem, without the type's extension (its usual one is put back
    // below: `photo.jpeg` is `photo.jpg`).
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, e))
            if vault::extensions(content_type).contains(&e.to_ascii_lowercase().as_str())
                || e.eq_ignore_ascii_case(ext) =>
        {
            trim(stem)
        }
        _ => cleaned,
    };
    // Bounded in characters and in bytes (the archive's paths are at most
    // 300 bytes).
    let mut bytes = 0;
    let mut stem: String = stem
        .chars()
        .take(MAX_NAME_STEM)
        .take_while(|c| {
            bytes += c.len_utf8();
            bytes <= MAX_NAME_BYTES
        })
        .collect();
    stem = trim(&stem);
    if stem.is_empty() {
        stem = "document".to_owned();
    }
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    let device = stem
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if RESERVED.contains(&device.trim()) {
        stem.insert(0, '_');
    }
    let mut n = 1;
    loop {
        let file = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem} ({n}).{ext}")
        };
        if taken.insert(file.to_lowercase()) {
            return format!("documents/{file}");
        }
        n += 1;
    }
}

/// A document to export: its row and its file key.
struct ExportedDocument {
    record: DocumentRecord,
    path: String,
    file_key: zeroize::Zeroizing<Vec<u8>>,
}

/// Writes the archive into a spool, in a blocking thread (the documents
/// are read from the vault through `runtime`).
fn write_archive(
    runtime: tokio::runtime::Handle,
    vault: Arc<vault::Vault>,
    now: DateTime<Utc>,
    manifest: Vec<u8>,
    files: Vec<(String, Vec<u8>)>,
    documents: Vec<ExportedDocument>,
) -> Result<SpooledTempFile, ApiError> {
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_time(now))
        .unix_permissions(0o644);
    // PDFs, images and videos are compressed already.
    let stored = deflated.compression_method(zip::CompressionMethod::Stored);
    let mut zip = zip::ZipWriter::new(SpooledTempFile::new(SPOOL_IN_MEMORY));
    zip.start_file("manifest.json", deflated)
        .map_err(export_failed)?;
    zip.write_all(&manifest).map_err(export_failed)?;
    for (path, bytes) in files {
        zip.start_file(path, deflated).map_err(export_failed)?;
        zip.write_all(&bytes).map_err(export_failed)?;
    }
    for d in documents {
        let options = stored.large_file(d.record.size >= i64::from(u32::MAX));
        zip.start_file(d.path.as_str(), options)
            .map_err(export_failed)?;
        let mut content = runtime
            .block_on(vault.download(&d.record.object_key, &d.record.id, &d.file_key))
            .map_err(|e| export_failed(format!("document {}: {e}", d.record.id)))?;
        let mut sha256 = ring::digest::Context::new(&ring::digest::SHA256);
        while let Some(chunk) = runtime.block_on(content.next()) {
            let chunk =
                chunk.map_err(|e| export_failed(format!("document {}: {e}", d.record.id)))?;
            sha256.update(&chunk);
            zip.write_all(&chunk).map_err(export_failed)?;
        }
        let digest = sha256.finish();
        if sha256_hex_of_digest(digest.as_ref()) != d.record.sha256 {
            return Err(export_failed(format!(
                "document {} does not have the SHA-256 it was stored with",
                d.record.id
            )));
        }
    }
    let mut spool = zip.finish().map_err(export_failed)?;
    spool.seek(SeekFrom::Start(0)).map_err(export_failed)?;
    Ok(spool)
}

fn sha256_hex_of_digest(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Everything you keep, in one ZIP archive: your credentials exactly as
/// issued, your entries as a JSON Resume document, your documents as you
/// uploaded them, and a manifest with every file's size and SHA-256.
#[utoipa::path(
    get, path = "/wallet/export", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The archive (`atout-export-YYYY-MM-DD.zip`)", content_type = "application/zip", body = Vec<u8>),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An organisation or admin token", content_type = "application/problem+json"),
    )
)]
async fn export_wallet(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let holdings = state.store.all_holdings(citizen.id()).await?;
    let entries = state.store.list_entries(citizen.id(), None).await?;
    let entries = views(&state, citizen.id(), entries).await?;
    let mut documents = state.store.list_documents(citizen.id()).await?;
    documents.reverse(); // oldest first
    let mut attached: HashMap<String, Vec<String>> = HashMap::new();
    for (document, entry) in state.store.document_attachments(citizen.id()).await? {
        attached.entry(entry).or_default().push(document);
    }
    let record = &citizen.record;
    let resume = jsonresume::to_resume(
        &record.display_name,
        record.headline.as_deref(),
        &record.email,
        &entries,
        &attached,
        now,
    );
    // The skills with their evidence, after the entries' own skills.
    let skills = crate::skills::skills_of(&state, citizen.id(), "fr").await?;
    let mut resume = resume;
    if let Some(list) = resume.get_mut("skills").and_then(Value::as_array_mut) {
        list.extend(skills.iter().map(crate::skills::resume_item));
    }
    let resume = serde_json::to_vec_pretty(&resume).map_err(export_failed)?;

    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(holdings.len() + 1);
    let mut credentials = Vec::with_capacity(holdings.len());
    for h in &holdings {
        let path = credential_path(h);
        credentials.push(ManifestCredential {
            id: h.id.clone(),
            path: path.clone(),
            format: h.format.clone(),
            tags: serde_json::from_str(&h.tags).unwrap_or_default(),
            source: h.source.clone(),
            received_at: h.received_at,
            import_report: h
                .import_report
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
        });
        files.push((path, h.body.clone().into_bytes()));
    }
    let mut manifest_endorsements = Vec::new();
    for e in state.store.citizen_endorsements(citizen.id()).await? {
        let path = format!("endorsements/{}.json", e.id);
        manifest_endorsements.push(ManifestEndorsement {
            id: e.id,
            path: path.clone(),
            entry: e.entry_id,
            author_name: e.author_name,
            author_did: e.author_did,
            comment: e.comment,
            created_at: e.created_at,
            hidden: e.hidden_at.is_some(),
            revoked: e.revoked_at.is_some(),
        });
        files.push((path, e.credential.into_bytes()));
    }
    files.push(("resume.json".to_owned(), resume));
    // The career plans and the skills with their evidence (the citizen's
    // own reading; an import does not restore them: plans name codes, the
    // evidence is derived again from what is imported).
    let lang = "fr";
    let mut plans = Vec::new();
    for full in state.store.list_plans(citizen.id()).await? {
        plans.push(crate::plans::plan_view(&state, full, &skills, lang, true).await?);
    }
    if !plans.is_empty() {
        files.push((
            "careers/plans.json".to_owned(),
            serde_json::to_vec_pretty(&serde_json::json!({ "plans": plans }))
                .map_err(export_failed)?,
        ));
    }
    if !skills.is_empty() {
        files.push((
            "careers/skills.json".to_owned(),
            serde_json::to_vec_pretty(&serde_json::json!({ "skills": skills }))
                .map_err(export_failed)?,
        ));
    }
    // The CVs: each one's settings, lines and JSON Resume, and its PDF.
    let mut cv_taken = HashSet::new();
    for (cv, items, resume) in crate::cvs::export_all(&state, record).await? {
        let pdf_path = document_path(&cv.title, "application/pdf", &mut cv_taken).replacen(
            "documents/",
            "cvs/",
            1,
        );
        let json_path = format!("{}.json", pdf_path.trim_end_matches(".pdf"));
        let body = serde_json::json!({
            "id": cv.id,
            "title": cv.title,
            "lang": cv.lang,
            "design": cv.design,
            "target": cv.target.as_deref().and_then(|t| serde_json::from_str::<Value>(t).ok()),
            "headline": cv.headline,
            "presentation": cv.presentation,
            "contact": serde_json::from_str::<Value>(&cv.contact).unwrap_or_default(),
            "photo": cv.photo_document_id,
            "sections": serde_json::from_str::<Value>(&cv.sections).unwrap_or_default(),
            "items": items.iter().map(|i| serde_json::json!({"kind": if matches!(i, ShareItem::Holding(_)) { "credential" } else { "entry" }, "id": i.id()})).collect::<Vec<_>>(),
            "createdAt": cv.created_at,
            "updatedAt": cv.updated_at,
            "resume": resume,
        });
        files.push((
            json_path,
            serde_json::to_vec_pretty(&body).map_err(export_failed)?,
        ));
        if let Some(pdf) = crate::cvs::export_pdf(&state, record, &cv, &items).await? {
            files.push((pdf_path, pdf));
        }
    }
    let mut listed: Vec<ManifestFile> = files
        .iter()
        .map(|(path, bytes)| ManifestFile {
            path: path.clone(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
        .collect();
    let vault_key = if documents.is_empty() {
        None
    } else {
        Some(
            state
                .citizens
                .vault_key(record)
                .map_err(ApiError::internal)?,
        )
    };
    let mut exported = Vec::with_capacity(documents.len());
    let mut manifest_documents = Vec::with_capacity(documents.len());
    let mut taken = HashSet::new();
    for d in documents {
        let path = document_path(&d.name, &d.content_type, &mut taken);
        let file_key = match &vault_key {
            Some(k) => vault::unwrap_key(k, &d.id, &d.wrapped_key).map_err(ApiError::internal)?,
            None => return Err(ApiError::internal("no vault key")),
        };
        let size = u64::try_from(d.size).unwrap_or_default();
        listed.push(ManifestFile {
            path: path.clone(),
            size,
            sha256: d.sha256.clone(),
        });
        manifest_documents.push(ManifestDocument {
            id: d.id.clone(),
            path: path.clone(),
            name: d.name.clone(),
            content_type: d.content_type.clone(),
            size,
            sha256: d.sha256.clone(),
            created_at: d.created_at,
        });
        exported.push(ExportedDocument {
            record: d,
            path,
            file_key,
        });
    }
    let document_count = exported.len();
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        exported_at: now,
        account: ManifestAccount {
            display_name: record.display_name.clone(),
            headline: record.headline.clone(),
            email: record.email.clone(),
            holder_did: record.holder_did.clone(),
        },
        credentials,
        documents: manifest_documents,
        endorsements: manifest_endorsements,
        files: listed,
    };
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(export_failed)?;
    let runtime = tokio::runtime::Handle::current();
    let vault = state.vault.clone();
    let spool = tokio::task::spawn_blocking(move || {
        write_archive(runtime, vault, now, manifest, files, exported)
    })
    .await
    .map_err(export_failed)??;
    let (body, length) = match spool.into_inner() {
        SpooledData::InMemory(cursor) => {
            let bytes = cursor.into_inner();
            let length = bytes.len() as u64;
            (Body::from(bytes), length)
        }
        SpooledData::OnDisk(mut file) => {
            let length = file.seek(SeekFrom::End(0)).map_err(export_failed)?;
            file.seek(SeekFrom::Start(0)).map_err(export_failed)?;
            let file = tokio::fs::File::from_std(file);
            (
                Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024)),
                length,
            )
        }
    };
    tracing::info!(
        citizen = %citizen.id(),
        credentials = holdings.len(),
        entries = entries.len(),
        documents = document_count,
        bytes = length,
        "wallet exported"
    );
    let disposition = format!(
        "attachment; filename=\"atout-export-{}.zip\"",
        now.format("%Y-%m-%d")
    );
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

fn invalid_archive(detail: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid-archive",
        "Not a readable ZIP archive",
    )
    .detail(detail)
}

fn unsafe_archive(detail: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unsafe-archive",
        "The archive is refused",
    )
    .detail(format!("Nothing was imported. {}", detail.into()))
}

fn mismatch(detail: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "archive-manifest-mismatch",
        "The archive does not match its manifest",
    )
    .detail(format!("Nothing was imported. {}", detail.into()))
}

fn invalid_content(kind: &'static str, title: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, kind, title)
        .detail(format!("Nothing was imported. {}", detail.into()))
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "Payload too large",
    )
    .detail(format!(
        "An archive to import may have at most {limit} bytes."
    ))
    .with("maxBytes", limit)
}

/// A path as the archive may name it: relative, `/`-separated, no `.`,
/// `..` or empty segment, printable, no backslash, of bounded length.
fn safe_path(raw: &[u8]) -> Result<&str, String> {
    let path = std::str::from_utf8(raw).map_err(|_| "a file name is not UTF-8".to_owned())?;
    let shown: String = path
        .chars()
        .take(80)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if path.is_empty() || path.len() > 300 {
        return Err(format!("the file name \"{shown}\" is empty or too long"));
    }
    if path
        .chars()
        .any(|c| c.is_control() || c == '\\' || c == ':')
    {
        return Err(format!(
            "the file name \"{shown}\" holds a control character, a backslash or a colon"
        ));
    }
    if path.starts_with('/') {
        return Err(format!("the file name \"{shown}\" is an absolute path"));
    }
    if path
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err(format!(
            "the file name \"{shown}\" has an empty, \".\" or \"..\" segment"
        ));
    }
    Ok(path)
}

/// Starts like an archive or compressed stream (archives inside archives
/// are refused: they would escape the size limits).
fn nested_archive(bytes: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"PK\x03\x04",
        b"PK\x05\x06",
        b"PK\x07\x08",
        b"\x1f\x8b",
        b"BZh",
        b"\xfd7zXZ\x00",
        b"7z\xbc\xaf\x27\x1c",
        b"Rar!\x1a\x07",
        b"\x28\xb5\x2f\xfd",
    ];
    MAGIC.iter().any(|m| bytes.starts_with(m))
        || (bytes.len() > 262 && &bytes[257..262] == b"ustar")
}

/// A credential's id in the archive: what `new_id` and earlier versions
/// produce (letters, digits, `-`, `_`).
fn plausible_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The number of files the end of central directory record declares
/// (`None` for ZIP64 or when it cannot be found).
fn declared_entries(bytes: &[u8]) -> Option<usize> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let from = bytes.len().saturating_sub(22 + 65_535);
    let at = (from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| &bytes[i..i + 4] == EOCD)?;
    let total = u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]);
    (total != u16::MAX).then_some(usize::from(total))
}

/// An archive read and checked for its shape; contents not yet checked.
struct Unpacked {
    manifest: Manifest,
    /// Path to content: `resume.json` and the credentials.
    files: HashMap<String, Vec<u8>>,
    /// Path to index in the archive: the documents, read later, as they
    /// go to the vault.
    documents: HashMap<String, usize>,
    zip: zip::ZipArchive<File>,
}

/// Limits of one import.
#[derive(Debug, Clone, Copy)]
struct ImportLimits {
    /// All files inflated.
    total: u64,
    /// One document.
    document: u64,
}

/// The number of files the end of central directory record of `file`
/// declares.
fn declared_entries_of(file: &mut File) -> std::io::Result<Option<usize>> {
    let length = file.seek(SeekFrom::End(0))?;
    let from = length.saturating_sub(22 + 65_535);
    file.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::with_capacity((length - from) as usize);
    file.read_to_end(&mut tail)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(declared_entries(&tail))
}

/// Reads the archive's index and its small files (manifest, résumé,
/// credentials), counting the bytes actually inflated (declared sizes are
/// not trusted), and checks its shape and manifest. Documents are only
/// located here; their content is checked as it streams to the vault.
fn unpack(mut file: File, limits: ImportLimits) -> Result<Unpacked, ApiError> {
    let declared = declared_entries_of(&mut file)
        .map_err(|e| invalid_archive(format!("The archive cannot be read ({e}).")))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| invalid_archive(format!("This is not a ZIP archive it can read ({e}).")))?;
    // Readers keep one of two files of the same name: which one differs.
    // The end of central directory record says how many there are.
    if declared.is_some_and(|n| n != zip.len()) {
        return Err(unsafe_archive("A file name appears twice."));
    }
    if zip.len() > MAX_FILES {
        return Err(unsafe_archive(format!(
            "It has {} files; at most {MAX_FILES} are allowed.",
            zip.len()
        )));
    }
    let max_total = limits.total;
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    let mut documents: HashMap<String, usize> = HashMap::new();
    let mut manifest: Option<Vec<u8>> = None;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut file = zip
            .by_index(i)
            .map_err(|e| invalid_archive(format!("A file cannot be read ({e}).")))?;
        let path = safe_path(file.name_raw())
            .map_err(unsafe_archive)?
            .to_owned();
        if file.is_dir() {
            if file.size() != 0 {
                return Err(unsafe_archive(format!("The folder {path:?} has content.")));
            }
            continue;
        }
        if file.is_symlink() || file.unix_mode().is_some_and(|m| m & 0o170000 == 0o120000) {
            return Err(unsafe_archive(format!("{path:?} is a symbolic link.")));
        }
        if files.contains_key(&path)
            || documents.contains_key(&path)
            || (path == "manifest.json" && manifest.is_some())
        {
            return Err(unsafe_archive(format!("{path:?} appears twice.")));
        }
        let compressed = file.compressed_size();
        if path.starts_with("documents/") {
            // Declared sizes bound the plan; the stream is checked again.
            let size = file.size();
            if size > limits.document {
                return Err(unsafe_archive(format!(
                    "{path:?} is larger than the {} bytes a document may have.",
                    limits.document
                )));
            }
            if size > 1024 * 1024 && size > compressed.saturating_mul(MAX_RATIO) {
                return Err(unsafe_archive(format!(
                    "{path:?} inflates more than {MAX_RATIO} times: a ZIP bomb?"
                )));
            }
            total = total.saturating_add(size);
            if total > max_total {
                return Err(unsafe_archive(format!(
                    "Its files hold more than the {max_total} bytes allowed in all."
                )));
            }
            documents.insert(path, i);
            continue;
        }
        let cap: u64 = if path == "manifest.json" || path == "resume.json" {
            MAX_JSON_BYTES as u64
        } else if path.starts_with("cvs/") && path.ends_with(".json") {
            // The CVs travel for the citizen's own use; an import does not
            // restore them (their lines' ids change on import).
            MAX_JSON_BYTES as u64
        } else if path.starts_with("cvs/") && path.ends_with(".pdf") {
            MAX_CV_PDF_BYTES
        } else if path == "careers/plans.json" || path == "careers/skills.json" {
            // Read for the citizen, not restored (see the export).
            MAX_JSON_BYTES as u64
        } else if path.starts_with("credentials/") || path.starts_with("endorsements/") {
            MAX_IMPORT_BYTES as u64
        } else {
            return Err(unsafe_archive(format!(
                "{path:?} has no place in an {FORMAT} archive (manifest.json, resume.json, credentials/..., documents/..., endorsements/..., cvs/..., careers/...)."
            )));
        };
        let budget = cap.min(max_total.saturating_sub(total));
        let mut content = Vec::new();
        (&mut file)
            .take(budget + 1)
            .read_to_end(&mut content)
            .map_err(|e| invalid_archive(format!("{path:?} cannot be inflated ({e}).")))?;
        let size = content.len() as u64;
        if size > budget {
            return Err(unsafe_archive(if size > cap {
                format!("{path:?} is larger than the {cap} bytes allowed for it.")
            } else {
                format!("Its files hold more than the {max_total} bytes allowed in all.")
            }));
        }
        if size > 1024 * 1024 && size > compressed.saturating_mul(MAX_RATIO) {
            return Err(unsafe_archive(format!(
                "{path:?} inflates more than {MAX_RATIO} times: a ZIP bomb?"
            )));
        }
        if size != file.size() {
            return Err(invalid_archive(format!(
                "{path:?} does not have the size its header declares."
            )));
        }
        if nested_archive(&content) {
            return Err(unsafe_archive(format!(
                "{path:?} is itself an archive or compressed: archives inside archives are refused."
            )));
        }
        total += size;
        if path == "manifest.json" {
            manifest = Some(content);
        } else {
            files.insert(path, content);
        }
    }
    let manifest = manifest.ok_or_else(|| unsafe_archive("It has no manifest.json."))?;
    let value: Value = serde_json::from_slice(&manifest)
        .map_err(|e| mismatch(format!("manifest.json is not JSON ({e}).")))?;
    match value.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unsupported-archive-version",
                "Unsupported archive format",
            )
            .detail(format!(
                "Nothing was imported. This wallet reads {FORMAT} archives; this one says {}.",
                other.map_or_else(
                    || "nothing".to_owned(),
                    |f| format!("{:?}", f.chars().take(40).collect::<String>())
                )
            ))
            .with("supported", FORMAT));
        }
    }
    let manifest: Manifest = serde_json::from_value(value)
        .map_err(|e| mismatch(format!("manifest.json is not an {FORMAT} manifest ({e}).")))?;
    // The manifest names every file exactly once, with its true size and
    // hash (documents: checked as they are read).
    let mut listed = HashSet::new();
    for f in &manifest.files {
        if !listed.insert(f.path.as_str()) {
            return Err(mismatch(format!("The manifest lists {:?} twice.", f.path)));
        }
        if let Some(&index) = documents.get(&f.path) {
            let declared = zip.by_index(index).map(|d| d.size()).unwrap_or(u64::MAX);
            if declared != f.size {
                return Err(mismatch(format!(
                    "{:?} has {declared} bytes; the manifest says {}.",
                    f.path, f.size
                )));
            }
            continue;
        }
        let content = files.get(&f.path).ok_or_else(|| {
            mismatch(format!(
                "The manifest lists {:?}, which is not in the archive.",
                f.path
            ))
        })?;
        if content.len() as u64 != f.size {
            return Err(mismatch(format!(
                "{:?} has {} bytes; the manifest says {}.",
                f.path,
                content.len(),
                f.size
            )));
        }
        if sha256_hex(content) != f.sha256.to_ascii_lowercase() {
            return Err(mismatch(format!(
                "{:?} does not have the SHA-256 the manifest gives: it was altered.",
                f.path
            )));
        }
    }
    if let Some(extra) = files
        .keys()
        .chain(documents.keys())
        .find(|p| !listed.contains(p.as_str()))
    {
        return Err(mismatch(format!("{extra:?} is not in the manifest.")));
    }
    Ok(Unpacked {
        manifest,
        files,
        documents,
        zip,
    })
}

/// The content of a document of the archive, inflated in a blocking
/// thread: no more than the manifest's `size` bytes, no faster growth
/// than [`MAX_RATIO`] (the ZIP reader checks the CRC at the end).
fn document_stream(
    zip: Arc<Mutex<zip::ZipArchive<File>>>,
    index: usize,
    path: String,
    size: u64,
) -> BoxStream<'static, Result<Bytes, ApiError>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, ApiError>>(4);
    tokio::task::spawn_blocking(move || {
        let mut zip = zip.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut file = match zip.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                let _ = tx.blocking_send(Err(invalid_archive(format!(
                    "{path:?} cannot be read ({e})."
                ))));
                return;
            }
        };
        let compressed = file.compressed_size();
        let mut total: u64 = 0;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = match file.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = tx.blocking_send(Err(invalid_archive(format!(
                        "{path:?} cannot be inflated ({e})."
                    ))));
                    return;
                }
            };
            total += n as u64;
            let refusal = if total > size {
                Some(mismatch(format!(
                    "{path:?} holds more than the {size} bytes the manifest says."
                )))
            } else if total > 1024 * 1024 && total > compressed.saturating_mul(MAX_RATIO) {
                Some(unsafe_archive(format!(
                    "{path:?} inflates more than {MAX_RATIO} times: a ZIP bomb?"
                )))
            } else {
                None
            };
            if let Some(refusal) = refusal {
                let _ = tx.blocking_send(Err(refusal));
                return;
            }
            if tx
                .blocking_send(Ok(Bytes::copy_from_slice(&buffer[..n])))
                .is_err()
            {
                return;
            }
        }
        if total != size {
            let _ = tx.blocking_send(Err(mismatch(format!(
                "{path:?} has {total} bytes; the manifest says {size}."
            ))));
        }
    });
    // Fused: a refusal at the end is followed by a drain that polls again.
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .fuse()
    .boxed()
}

/// The body, spooled to an unnamed temporary file, up to
/// `limit` bytes.
async fn spool_body(headers: &HeaderMap, body: Body, limit: u64) -> Result<File, ApiError> {
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !matches!(
        mime.as_deref(),
        Some("application/zip" | "application/x-zip-compressed")
    ) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
        )
        .detail("Send the archive exported by a wallet as application/zip."));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let spool = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let mut spool = tokio::fs::File::from_std(spool);
    let mut stream = body.into_data_stream();
    let mut received: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("The body could not be read."))?;
        received += chunk.len() as u64;
        if received > limit {
            return Err(too_large(limit));
        }
        tokio::io::AsyncWriteExt::write_all(&mut spool, &chunk)
            .await
            .map_err(ApiError::internal)?;
    }
    if received == 0 {
        return Err(invalid_archive("The body is empty: send the archive."));
    }
    tokio::io::AsyncWriteExt::flush(&mut spool)
        .await
        .map_err(ApiError::internal)?;
    Ok(spool.into_std().await)
}

/// A credential of the archive, checked: its holding, ready to store.
struct CheckedCredential {
    archive_id: String,
    holding: HoldingRecord,
    state: LiveState,
}

async fn check_credential(
    state: &AppState,
    citizen_id: &str,
    c: &ManifestCredential,
    content: &[u8],
) -> Result<CheckedCredential, ApiError> {
    let at = &c.path;
    let invalid = |detail: String| {
        invalid_content(
            "invalid-credential",
            "Not a verifiable credential",
            format!("{at}: {detail}"),
        )
        .with("path", at.clone())
    };
    let text = std::str::from_utf8(content).map_err(|_| invalid("not UTF-8 text.".into()))?;
    if text.contains('\0') {
        return Err(invalid("NUL bytes are not allowed.".into()));
    }
    let input = if at.ends_with(".json") {
        let value: Value =
            serde_json::from_str(text).map_err(|e| invalid(format!("not JSON ({e}).")))?;
        if !value.is_object() {
            return Err(invalid("a JSON credential is an object.".into()));
        }
        duplicate_member(text).map_err(|e| invalid(format!("the JSON is ambiguous: {e}.")))?;
        value
    } else if at.ends_with(".sd-jwt") {
        let sd = text.trim();
        if !atout_vc::sd_jwt::looks_like(sd)
            || !sd
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        {
            return Err(invalid("not an SD-JWT VC.".into()));
        }
        Value::String(sd.to_owned())
    } else {
        let jwt = text;
        if jwt.split('.').count() != 3
            || !jwt
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            return Err(invalid("not a compact JWT.".into()));
        }
        Value::String(jwt.to_owned())
    };
    let inspected = state
        .checker
        .inspect(&input)
        .await
        .map_err(|e| invalid(format!("not a credential Atout can read: {e}.")))?;
    let outcome = &inspected.outcome;
    if outcome.state == LiveState::Invalid {
        let failing: Vec<Value> = outcome.report["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["status"] == "failed")
            .cloned()
            .collect();
        let reasons: Vec<String> = failing
            .iter()
            .filter_map(|r| {
                Some(format!(
                    "{}: {}",
                    r["check"].as_str()?,
                    r["reason"].as_str()?
                ))
            })
            .collect();
        return Err(invalid_content(
            "credential-not-verified",
            "A credential does not verify",
            format!("{at} does not verify (altered?). {}", reasons.join(" ")),
        )
        .with("path", at.clone())
        .with("checks", failing));
    }
    if inspected.format != c.format {
        return Err(mismatch(format!(
            "{at} is a {} credential; the manifest says {}.",
            inspected.format, c.format
        )));
    }
    if !["offer", "oid4vci", "import", "archive"].contains(&c.source.as_str()) {
        return Err(mismatch(format!(
            "{at}: the source {:?} is unknown.",
            c.source.chars().take(40).collect::<String>()
        )));
    }
    let mut tags = Vec::new();
    for raw in &c.tags {
        let tag = normalise_tag(raw).map_err(|e| mismatch(format!("{at}: {e}")))?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(mismatch(format!("{at}: at most {MAX_TAGS} tags.")));
    }
    Ok(CheckedCredential {
        archive_id: c.id.clone(),
        state: outcome.state,
        holding: HoldingRecord {
            id: new_id(),
            citizen_id: citizen_id.to_owned(),
            format: inspected.format.to_owned(),
            body: text.to_owned(),
            credential_id: inspected.credential_id.clone(),
            issuer: inspected.issuer.clone(),
            types: serde_json::to_string(&inspected.types).map_err(ApiError::internal)?,
            title: inspected.title.clone(),
            valid_from: inspected.valid_from,
            valid_until: inspected.valid_until,
            source: c.source.clone(),
            tags: serde_json::to_string(&tags).map_err(ApiError::internal)?,
            // What the verifier found now, on this import.
            import_report: Some(outcome.report.to_string()),
            received_at: c.received_at,
        },
    })
}

/// Checks the manifest's documents against the archive: each at
/// `documents/<a file name>.<the extension of its type>` (its display name
/// or, in older archives, its id), of a type the vault accepts, listed
/// once, present. Returns their archive ids.
fn check_documents(
    manifest: &Manifest,
    files: &HashMap<String, usize>,
) -> Result<HashSet<String>, ApiError> {
    let mut ids = HashSet::new();
    let mut paths = HashSet::new();
    for d in &manifest.documents {
        let shown = d.id.chars().take(100).collect::<String>();
        let Some(ext) = extension(&d.content_type) else {
            return Err(mismatch(format!(
                "The document {shown:?} has the type {:?}, which the vault does not keep.",
                d.content_type.chars().take(60).collect::<String>()
            )));
        };
        // Every path of the archive passed `safe_path` already.
        let file = d.path.strip_prefix("documents/").unwrap_or_default();
        if !plausible_id(&d.id)
            || file.contains('/')
            || !file
                .strip_suffix(ext)
                .is_some_and(|stem| stem.len() > 1 && stem.ends_with('.'))
        {
            return Err(mismatch(format!(
                "The document {shown:?} is not at documents/<a name>.{ext}."
            )));
        }
        if !paths.insert(d.path.as_str()) {
            return Err(mismatch(format!("{:?} is listed twice.", d.path)));
        }
        if !ids.insert(d.id.clone()) {
            return Err(mismatch(format!("The document {shown:?} is listed twice.")));
        }
        if !files.contains_key(&d.path) {
            return Err(mismatch(format!("{:?} is not in the archive.", d.path)));
        }
        let listed = manifest.files.iter().find(|f| f.path == d.path);
        if listed.is_none_or(|f| f.size != d.size || !f.sha256.eq_ignore_ascii_case(&d.sha256)) {
            return Err(mismatch(format!(
                "{:?}: the manifest's documents and files disagree.",
                d.path
            )));
        }
    }
    if let Some(stray) = files
        .keys()
        .find(|p| !manifest.documents.iter().any(|d| &d.path == *p))
    {
        return Err(mismatch(format!(
            "{stray:?} is not one of the manifest's documents."
        )));
    }
    Ok(ids)
}

/// Streams one document of the archive into the vault, encrypted under a
/// new key: its type sniffed again, its size and hash checked against the
/// manifest. On error nothing of it is left in the vault.
async fn store_document(
    state: &AppState,
    citizen: &Citizen,
    zip: Arc<Mutex<zip::ZipArchive<File>>>,
    index: usize,
    d: &ManifestDocument,
    before: &[DocumentRecord],
) -> Result<DocumentRecord, ApiError> {
    let wallet = &state.config.wallet;
    let vault_key = state
        .citizens
        .vault_key(&citizen.record)
        .map_err(ApiError::internal)?;
    let id = new_id();
    let file_key = vault::new_file_key().map_err(ApiError::internal)?;
    let used = state.store.documents_used_bytes(citizen.id()).await?
        + before.iter().map(|r| r.size).sum::<i64>();
    let limits = Limits {
        max: wallet.document_max_bytes,
        quota: wallet.document_quota_bytes,
        used,
    };
    let mut source = Source::Stream(document_stream(zip, index, d.path.clone(), d.size));
    let (stored, mime) = receive(
        &state.vault,
        &id,
        &file_key,
        Some(d.content_type.clone()),
        &mut source,
        &limits,
    )
    .await
    .map_err(|mut e| {
        // Said of an upload; here, of a file of the archive.
        if !e
            .detail
            .as_deref()
            .is_some_and(|t| t.starts_with("Nothing was imported"))
        {
            e.detail = Some(format!(
                "Nothing was imported. {}: {}",
                d.path,
                e.detail.clone().unwrap_or_else(|| e.title.clone())
            ));
        }
        if e.status.is_client_error() {
            e.status = StatusCode::UNPROCESSABLE_ENTITY;
        }
        e.with("path", d.path.clone())
    })?;
    let refusal = if stored.sha256 != d.sha256.to_ascii_lowercase() {
        Some(format!(
            "{:?} does not have the SHA-256 the manifest gives: it was altered.",
            d.path
        ))
    } else if mime != d.content_type {
        Some(format!(
            "{:?} is {mime}; the manifest says {}.",
            d.path, d.content_type
        ))
    } else {
        None
    };
    let wrapped_key = match refusal {
        Some(refusal) => Err(mismatch(refusal)),
        None => vault::wrap_key(&vault_key, &id, &file_key).map_err(ApiError::internal),
    };
    let wrapped_key = match wrapped_key {
        Ok(w) => w,
        Err(e) => {
            state.vault.delete_all(&[stored.object_key]).await;
            return Err(e);
        }
    };
    Ok(DocumentRecord {
        id,
        citizen_id: citizen.id().to_owned(),
        name: stored_name(Some(&d.name), mime),
        content_type: mime.to_owned(),
        size: i64::try_from(stored.size).unwrap_or(i64::MAX),
        sha256: stored.sha256,
        object_key: stored.object_key,
        wrapped_key,
        created_at: d.created_at,
    })
}

/// An endorsement of the archive, checked: its signature verified again
/// (a peer is not in the trust registry: only a failed check refuses it),
/// its entry one of the archive's.
async fn check_endorsement(
    state: &AppState,
    citizen_id: &str,
    e: &ManifestEndorsement,
    files: &mut HashMap<String, Vec<u8>>,
    entry_ids: &HashMap<&str, &str>,
    now: DateTime<Utc>,
) -> Result<EndorsementRecord, ApiError> {
    let at = &e.path;
    let content = files
        .remove(at)
        .ok_or_else(|| mismatch(format!("{at:?} is not in the archive.")))?;
    let invalid = |detail: String| {
        invalid_content(
            "invalid-endorsement",
            "Not an endorsement",
            format!("{at}: {detail}"),
        )
        .with("path", at.clone())
    };
    let text = String::from_utf8(content).map_err(|_| invalid("not UTF-8 text.".into()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON ({e}).")))?;
    let types = value["type"].as_array().cloned().unwrap_or_default();
    if !types.iter().any(|t| t == "EndorsementCredential") {
        return Err(invalid("not an EndorsementCredential.".into()));
    }
    let inspected = state
        .checker
        .inspect(&value)
        .await
        .map_err(|err| invalid(format!("not a credential Atout can read: {err}.")))?;
    if inspected.outcome.state == LiveState::Invalid {
        return Err(invalid_content(
            "endorsement-not-verified",
            "An endorsement does not verify",
            format!("{at} does not verify (altered?)."),
        )
        .with("path", at.clone()));
    }
    if inspected.issuer != e.author_did {
        return Err(mismatch(format!(
            "{at}: its issuer is not the manifest's author."
        )));
    }
    let entry_id = entry_ids.get(e.entry.as_str()).ok_or_else(|| {
        mismatch(format!(
            "{at}: the entry {:?} is not in resume.json.",
            e.entry.chars().take(100).collect::<String>()
        ))
    })?;
    let clip = |text: &str, n: usize| -> String {
        text.chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .take(n)
            .collect()
    };
    Ok(EndorsementRecord {
        id: new_id(),
        citizen_id: citizen_id.to_owned(),
        entry_id: (*entry_id).to_owned(),
        invitation_id: None,
        author_did: e.author_did.clone(),
        author_name: clip(&e.author_name, 120),
        comment: clip(&e.comment, 2000),
        credential: text,
        created_at: e.created_at,
        hidden_at: e.hidden.then_some(now),
        revoked_at: e.revoked.then_some(now),
    })
}

/// Removes the objects of documents that will not be kept.
async fn remove_objects(state: &AppState, documents: &[DocumentRecord]) {
    let keys: Vec<String> = documents.iter().map(|d| d.object_key.clone()).collect();
    state.vault.delete_all(&keys).await;
}

/// Restore an archive made by `GET /wallet/export` into your account.
///
/// All or nothing: the archive is checked as a whole (paths, sizes, the
/// manifest's hashes, every credential verified again, every entry
/// checked, every document's type sniffed and hash checked), then
/// written in one transaction. A credential you hold already is not
/// added again; entries citing it are linked to yours. Entries and
/// documents are added with new ids; documents count against your quota.
#[utoipa::path(
    post, path = "/wallet/import", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    request_body(description = "An `atout-export/1` archive", content_type = "application/zip", content = Vec<u8>),
    responses(
        (status = 201, body = ImportReport, description = "Restored"),
        (status = 400, body = ProblemBody, description = "Not a readable ZIP archive", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 415, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Refused (unsafe paths, a ZIP bomb, a manifest that does not match, an unknown format, a credential that does not verify, an invalid résumé, a document of a refused type, too many entries, over the document quota); nothing was imported", content_type = "application/problem+json"),
    )
)]
async fn import_wallet(
    State(state): State<AppState>,
    citizen: Citizen,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let wallet = &state.config.wallet;
    let limit = wallet.document_quota_bytes.saturating_add(MARGIN_BYTES);
    let spool = spool_body(&headers, body, limit).await?;
    let limits = ImportLimits {
        total: limit,
        document: wallet.document_max_bytes,
    };
    let Unpacked {
        manifest,
        mut files,
        documents: document_files,
        zip,
    } = tokio::task::spawn_blocking(move || unpack(spool, limits))
        .await
        .map_err(ApiError::internal)??;

    // Credentials: each listed once, each file a credential, each verified.
    let mut checked: Vec<CheckedCredential> = Vec::with_capacity(manifest.credentials.len());
    let mut by_archive_id: HashMap<String, String> = HashMap::new();
    for c in &manifest.credentials {
        let ok_path = c
            .path
            .strip_prefix("credentials/")
            .and_then(|name| {
                name.strip_suffix(".json")
                    .or_else(|| name.strip_suffix(".sd-jwt"))
                    .or_else(|| name.strip_suffix(".jwt"))
            })
            .is_some_and(|id| id == c.id && plausible_id(id));
        if !ok_path {
            return Err(mismatch(format!(
                "The credential {:?} is not at credentials/<its id>.json or .jwt.",
                c.id.chars().take(100).collect::<String>()
            )));
        }
        if by_archive_id.contains_key(&c.id) {
            return Err(mismatch(format!(
                "The credential {:?} is listed twice.",
                c.id
            )));
        }
        let content = files
            .remove(&c.path)
            .ok_or_else(|| mismatch(format!("{:?} is not in the archive.", c.path)))?;
        let credential = check_credential(&state, citizen.id(), c, &content).await?;
        by_archive_id.insert(c.id.clone(), credential.holding.id.clone());
        checked.push(credential);
    }
    if let Some(stray) = files.keys().find(|p| p.starts_with("credentials/")) {
        return Err(mismatch(format!(
            "{stray:?} is not one of the manifest's credentials."
        )));
    }

    // Entries, checked like new ones.
    let resume = files
        .remove("resume.json")
        .ok_or_else(|| unsafe_archive("It has no resume.json."))?;
    let invalid_resume =
        |detail: String| invalid_content("invalid-resume", "resume.json is not valid", detail);
    let resume = std::str::from_utf8(&resume)
        .map_err(|_| invalid_resume("resume.json is not UTF-8.".into()))?;
    let read = jsonresume::from_resume(resume).map_err(invalid_resume)?;
    if read.len() as i64 > MAX_ENTRIES {
        return Err(invalid_resume(format!(
            "It has {} entries; a wallet holds at most {MAX_ENTRIES}.",
            read.len()
        )));
    }
    let now = state.clock.now();
    let mut entries = Vec::with_capacity(read.len());
    let mut imported_entries = Vec::with_capacity(read.len());
    // (document id in the archive, new entry id)
    let mut attachments: Vec<(String, String)> = Vec::new();
    let archive_documents = check_documents(&manifest, &document_files)?;
    for r in read {
        let holding_id = match &r.credential {
            None => None,
            Some(id) => Some(by_archive_id.get(id).cloned().ok_or_else(|| {
                invalid_resume(format!(
                    "resume.json: {}: x-atout.credential names no credential of the archive.",
                    r.at
                ))
            })?),
        };
        let f = check_fields(
            r.kind,
            r.title,
            r.organisation,
            r.place,
            r.start_date,
            r.end_date,
            r.description,
            r.details,
            holding_id,
        )
        .map_err(|e| {
            let body = e.body();
            let field = body
                .extensions
                .get("field")
                .and_then(Value::as_str)
                .map(|f| format!(" ({f})"))
                .unwrap_or_default();
            invalid_resume(format!(
                "resume.json: {}{field}: {}",
                r.at,
                body.detail.unwrap_or(body.title)
            ))
        })?;
        let entry = EntryRecord {
            id: new_id(),
            citizen_id: citizen.id().to_owned(),
            kind: r.kind.as_str().to_owned(),
            title: f.title,
            organisation: f.organisation,
            place: f.place,
            start_date: f.start_date,
            end_date: f.end_date,
            description: f.description,
            details: serde_json::to_string(&f.details).map_err(ApiError::internal)?,
            holding_id: f.holding_id,
            created_at: r.created_at.unwrap_or(now),
            updated_at: r.updated_at.or(r.created_at).unwrap_or(now),
        };
        for document in &r.documents {
            if !archive_documents.contains(document.as_str()) {
                return Err(invalid_resume(format!(
                    "resume.json: {}: x-atout.documents names no document of the archive.",
                    r.at
                )));
            }
            attachments.push((document.clone(), entry.id.clone()));
        }
        imported_entries.push(ImportedEntry {
            archive_id: r.archive_id,
            entry_id: entry.id.clone(),
        });
        entries.push(entry);
    }

    // Endorsements: each verified again, tied to its entry of the archive.
    let entry_ids: HashMap<&str, &str> = imported_entries
        .iter()
        .filter_map(|e| Some((e.archive_id.as_deref()?, e.entry_id.as_str())))
        .collect();
    let mut endorsements = Vec::with_capacity(manifest.endorsements.len());
    for e in &manifest.endorsements {
        if !plausible_id(&e.id) || e.path != format!("endorsements/{}.json", e.id) {
            return Err(mismatch(format!(
                "The endorsement {:?} is not at endorsements/<its id>.json.",
                e.id.chars().take(100).collect::<String>()
            )));
        }
        endorsements
            .push(check_endorsement(&state, citizen.id(), e, &mut files, &entry_ids, now).await?);
    }
    if let Some(stray) = files.keys().find(|p| p.starts_with("endorsements/")) {
        return Err(mismatch(format!(
            "{stray:?} is not one of the manifest's endorsements."
        )));
    }

    // Documents, streamed to the vault under new keys; removed again if
    // anything fails from here on.
    let used = state.store.documents_used_bytes(citizen.id()).await?;
    let adding = manifest
        .documents
        .iter()
        .map(|d| d.size)
        .fold(0u64, u64::saturating_add);
    if u64::try_from(used)
        .unwrap_or_default()
        .saturating_add(adding)
        > wallet.document_quota_bytes
    {
        let mut e = over_quota(used, wallet.document_quota_bytes);
        e.status = StatusCode::UNPROCESSABLE_ENTITY;
        e.detail = Some(format!(
            "Nothing was imported. {}",
            e.detail.clone().unwrap_or_default()
        ));
        return Err(e.with("archiveDocumentBytes", adding));
    }
    let zip = Arc::new(Mutex::new(zip));
    let mut stored_documents: Vec<DocumentRecord> = Vec::with_capacity(manifest.documents.len());
    let mut document_ids: HashMap<String, String> = HashMap::new();
    for d in &manifest.documents {
        let index = document_files[&d.path];
        let stored =
            store_document(&state, &citizen, zip.clone(), index, d, &stored_documents).await;
        match stored {
            Ok(record) => {
                document_ids.insert(d.id.clone(), record.id.clone());
                stored_documents.push(record);
            }
            Err(e) => {
                remove_objects(&state, &stored_documents).await;
                return Err(e);
            }
        }
    }
    let attachments: Vec<(String, String)> = attachments
        .into_iter()
        .map(|(document, entry)| (document_ids[&document].clone(), entry))
        .collect();

    let holdings: Vec<HoldingRecord> = checked.iter().map(|c| c.holding.clone()).collect();
    // Checked like one typed on the account page (never trusted as given).
    let headline = match manifest.account.headline.as_deref() {
        Some(text) => match atout_core::citizens::check_headline(text) {
            Ok(headline) => headline,
            Err(_) => {
                remove_objects(&state, &stored_documents).await;
                return Err(ApiError::unprocessable(format!(
                    "The archive's headline has more than {} characters or several lines; nothing was imported.",
                    atout_core::citizens::MAX_HEADLINE
                ))
                .with("field", "account.headline"));
            }
        },
        None => None,
    };
    let restore = WalletRestore {
        holdings: &holdings,
        entries: &entries,
        documents: &stored_documents,
        attachments: &attachments,
        endorsements: &endorsements,
        max_entries: MAX_ENTRIES,
        document_quota: i64::try_from(wallet.document_quota_bytes).unwrap_or(i64::MAX),
        headline: headline.as_deref(),
    };
    let outcome = state.store.restore_wallet(citizen.id(), restore).await;
    let skipped = match outcome {
        Ok(RestoreOutcome::Done { skipped }) => skipped,
        Ok(RestoreOutcome::TooManyEntries { existing }) => {
            remove_objects(&state, &stored_documents).await;
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "too-many-entries",
                "Too many entries",
            )
            .detail(format!(
                "Nothing was imported. You have {existing} entries and the archive {}; a wallet holds at most {MAX_ENTRIES}.",
                entries.len()
            )));
        }
        Ok(RestoreOutcome::OverQuota { used }) => {
            remove_objects(&state, &stored_documents).await;
            let mut e = over_quota(used, wallet.document_quota_bytes);
            e.status = StatusCode::UNPROCESSABLE_ENTITY;
            return Err(e);
        }
        Err(e) => {
            remove_objects(&state, &stored_documents).await;
            return Err(e.into());
        }
    };
    let credentials: Vec<ImportedCredential> = checked
        .into_iter()
        .map(|c| {
            let held = skipped.get(&c.holding.id);
            ImportedCredential {
                archive_id: c.archive_id,
                already_held: held.is_some(),
                holding_id: held.cloned().unwrap_or(c.holding.id),
                state: c.state,
            }
        })
        .collect();
    let documents: Vec<ImportedDocument> = manifest
        .documents
        .iter()
        .map(|d| ImportedDocument {
            archive_id: d.id.clone(),
            document_id: document_ids[&d.id].clone(),
        })
        .collect();
    tracing::info!(
        citizen = %citizen.id(),
        credentials = credentials.len(),
        already_held = skipped.len(),
        entries = entries.len(),
        documents = documents.len(),
        "wallet archive imported"
    );
    Ok((
        StatusCode::CREATED,
        Json(ImportReport {
            credentials,
            documents,
            entries: imported_entries,
        }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_confined() {
        assert!(safe_path(b"credentials/abc.json").is_ok());
        for bad in [
            &b"../x"[..],
            b"/etc/passwd",
            b"a/../../b",
            b"a\\b",
            b"a\0b",
            b"./a",
            b"a//b",
            b"C:/x",
            b"",
            b"\xff",
        ] {
            assert!(safe_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn nested_archives_are_recognised() {
        assert!(nested_archive(b"PK\x03\x04rest"));
        assert!(nested_archive(b"\x1f\x8b\x08"));
        assert!(!nested_archive(b"{\"a\":1}"));
    }

    #[test]
    fn document_names_are_safe_and_unique() {
        let mut taken = HashSet::new();
        let mut name = |n: &str, t: &str| document_path(n, t, &mut taken);
        assert_eq!(name("CV.pdf", "application/pdf"), "documents/CV.pdf");
        assert_eq!(name("CV.pdf", "application/pdf"), "documents/CV (2).pdf");
        assert_eq!(name("cv.PDF", "application/pdf"), "documents/cv (3).pdf");
        assert_eq!(name("CV", "application/pdf"), "documents/CV (4).pdf");
        assert_eq!(name("../x.pdf", "application/pdf"), "documents/_x.pdf");
        assert_eq!(name("..\\..\\x", "application/pdf"), "documents/_._x.pdf");
        assert_eq!(
            name("a/b\u{1}\tc.pdf", "application/pdf"),
            "documents/a_bc.pdf"
        );
        assert_eq!(name("CON.pdf", "application/pdf"), "documents/_CON.pdf");
        assert_eq!(name("nul", "application/pdf"), "documents/_nul.pdf");
        assert_eq!(name(" . ", "application/pdf"), "documents/document.pdf");
        assert_eq!(name("", "application/pdf"), "documents/document (2).pdf");
        assert_eq!(
            name("x\u{202e}fdp.exe", "application/pdf"),
            "documents/xfdp.exe.pdf"
        );
        assert_eq!(name("photo.JPEG", "image/jpeg"), "documents/photo.jpg");
        let long = name(&"é".repeat(500), "application/pdf");
        assert!(long.len() <= 300 && long.ends_with(".pdf"), "{long}");
        for path in [long.as_str(), "documents/_x.pdf"] {
            assert!(safe_path(path.as_bytes()).is_ok(), "{path}");
        }
    }
}
