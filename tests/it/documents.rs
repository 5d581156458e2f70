//! The document vault over real HTTP, on both databases: uploads (multipart
//! and raw) of PDF, PNG, MP4 and WebM files read back byte for byte,
//! encryption at rest under each citizen's key, types judged from the
//! content, size and quota limits, hostile names, attachment to entries,
//! and erasure of the objects with the document or the account.

use crate::common::*;
use atout_core::vault;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Appears in every test file's plaintext; must never appear on disk.
const MARKER: &[u8] = b"ATOUT-PLAINTEXT-MARKER-5f1c0e9d";

pub fn pdf(padding: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%".to_vec();
    out.extend_from_slice(MARKER);
    out.extend_from_slice(
        b"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n",
    );
    let mut line = 0usize;
    while out.len() < padding {
        out.extend_from_slice(format!("% padding line {line} ").as_bytes());
        out.extend_from_slice(MARKER);
        out.push(b'\n');
        line += 1;
    }
    out.extend_from_slice(b"trailer<</Root 1 0 R>>\n%%EOF\n");
    out
}

/// A valid 1x1 PNG, with the marker in a text chunk (CRC not checked by
/// the server; viewers skip unknown chunks anyway).
pub fn png() -> Vec<u8> {
    let mut out = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89".to_vec();
    out.extend_from_slice(&(8 + MARKER.len() as u32).to_be_bytes());
    out.extend_from_slice(b"tEXtComment\0");
    out.extend_from_slice(MARKER);
    out.extend_from_slice(b"\0\0\0\0");
    out.extend_from_slice(b"\x00\x00\x00\x0d\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99\x3d\x1d\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82");
    out
}

/// A PNG carrying a script in a text chunk: an image to a viewer, HTML
/// to a browser that sniffs.
fn png_with_script() -> Vec<u8> {
    let base = png();
    let mut out = base[..33].to_vec();
    out.extend_from_slice(b"\x00\x00\x00\x21\x74\x45\x58\x74\x43\x6f\x6d\x6d\x65\x6e\x74\x00\x3c\x73\x63\x72\x69\x70\x74\x3e\x61\x6c\x65\x72\x74\x28\x31\x29\x3c\x2f\x73\x63\x72\x69\x70\x74\x3e\x03\x00\x28\x80");
    out.extend_from_slice(&base[33..]);
    out
}

/// An ISO base media file: `ftyp` (isom), then `free` and `mdat` boxes.
pub fn mp4() -> Vec<u8> {
    let mut out = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2".to_vec();
    out.extend_from_slice(b"\x00\x00\x00\x08free");
    let payload = [MARKER, &[0u8; 64][..]].concat();
    out.extend_from_slice(&(8 + payload.len() as u32).to_be_bytes());
    out.extend_from_slice(b"mdat");
    out.extend_from_slice(&payload);
    out
}

/// An EBML header with DocType `webm`, a Segment of unknown size and a
/// Void element (the marker inside).
pub fn webm() -> Vec<u8> {
    let mut out = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02".to_vec();
    out.extend_from_slice(b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff");
    let void = [MARKER, &[0u8; 300][..]].concat();
    out.push(0xec);
    out.extend_from_slice(&(0x4000u16 | void.len() as u16).to_be_bytes());
    out.extend_from_slice(&void);
    out
}

pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub data: &'a [u8],
}

pub fn file_part<'a>(filename: &'a str, content_type: Option<&'a str>, data: &'a [u8]) -> Part<'a> {
    Part {
        name: "file",
        filename: Some(filename),
        content_type,
        data,
    }
}

/// A multipart/form-data body, built by hand so that tests control every byte.
pub fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "atout-test-boundary-7d3f0c";
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{}\"", p.name).as_bytes(),
        );
        if let Some(f) = p.filename {
            body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        if let Some(ct) = p.content_type {
            body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(p.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload_form(app: &TestApp, token: &str, parts: &[Part<'_>]) -> reqwest::Response {
    let (ct, body) = multipart(parts);
    app.client
        .post(app.url("/wallet/documents"))
        .bearer_auth(token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    filename: &str,
    content_type: Option<&str>,
    data: &[u8],
) -> reqwest::Response {
    upload_form(app, token, &[file_part(filename, content_type, data)]).await
}

async fn upload_raw(
    app: &TestApp,
    token: &str,
    name: &str,
    content_type: &str,
    data: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url("/wallet/documents"))
        .query(&[("name", name)])
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(data)
        .send()
        .await
        .unwrap()
}

/// Uploads and returns the document's JSON (asserting 201).
pub async fn stored(res: reqwest::Response) -> Value {
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        location.as_deref(),
        Some(format!("/wallet/documents/{}", body["id"].as_str().unwrap()).as_str())
    );
    body
}

async fn citizen(app: &TestApp, email: &str) -> atout_core::store::CitizenRecord {
    app.store().citizen_by_email(email).await.unwrap().unwrap()
}

pub fn documents_dir(app: &TestApp) -> PathBuf {
    app.data_dir.join("documents")
}

/// Every file under the document folder.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

async fn object_path(
    app: &TestApp,
    citizen_id: &str,
    id: &str,
) -> (PathBuf, atout_core::store::DocumentRecord) {
    let record = app
        .store()
        .get_document(citizen_id, id)
        .await
        .unwrap()
        .unwrap();
    let path = app.state.vault.local_path(&record.object_key).unwrap();
    (path, record)
}

/// An entry, written straight into the database (the entries API is
/// another part of the wallet).
pub async fn insert_entry(app: &TestApp, citizen_id: &str, title: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let now = start_time();
    let sql = "INSERT INTO entries (id, citizen_id, kind, title, details, created_at, updated_at) \
               VALUES ($1, $2, 'project', $3, '{}', $4, $4)";
    use sqlx::Connection;
    if app.db.is_postgres() {
        let mut c = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
        sqlx::query(sql)
            .bind(&id)
            .bind(citizen_id)
            .bind(title)
            .bind(now)
            .execute(&mut c)
            .await
            .unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
        sqlx::query(sql)
            .bind(&id)
            .bind(citizen_id)
            .bind(title)
            .bind(now)
            .execute(&mut c)
            .await
            .unwrap();
    }
    id
}

fn sha256_hex(data: &[u8]) -> String {
    atout_core::crypto::sha256_hex(data)
}

#[tokio::test]
async fn uploads_come_back_byte_for_byte_and_are_encrypted_at_rest() {
    let app = TestApp::spawn().await;
    let alice = app.sign_up("alice@example.org").await;
    let bob = app.sign_up("bob@example.org").await;
    let alice_record = citizen(&app, "alice@example.org").await;
    let bob_record = citizen(&app, "bob@example.org").await;

    let big_pdf = pdf(300 * 1024); // several 64 KiB segments
    let files: Vec<(&str, &str, Option<&str>, Vec<u8>)> = vec![
        ("cv.pdf", "application/pdf", Some("application/pdf"), pdf(0)),
        ("portfolio.pdf", "application/pdf", None, big_pdf.clone()),
        ("photo.png", "image/png", Some("image/png"), png()),
        ("clip.mp4", "video/mp4", Some("video/mp4"), mp4()),
        (
            "talk.webm",
            "video/webm",
            Some("application/octet-stream"),
            webm(),
        ),
    ];
    let mut ids = Vec::new();
    for (name, sniffed, declared, bytes) in &files {
        let doc = stored(upload(&app, &alice, name, *declared, bytes).await).await;
        assert_eq!(doc["name"], *name);
        assert_eq!(doc["contentType"], *sniffed, "{name}");
        assert_eq!(doc["size"], bytes.len());
        assert_eq!(doc["sha256"], sha256_hex(bytes));
        assert_eq!(doc["entries"], json!([]));
        assert!(doc["createdAt"].is_string());
        ids.push(doc["id"].as_str().unwrap().to_owned());
    }
    // The raw form: bytes with their type, the name in the query.
    let doc = stored(upload_raw(&app, &alice, "raw photo.png", "image/png", png()).await).await;
    assert_eq!(doc["name"], "raw photo.png");
    assert_eq!(doc["contentType"], "image/png");

    for ((name, sniffed, _, bytes), id) in files.iter().zip(&ids) {
        let res = app
            .get(&format!("/wallet/documents/{id}/content"), Some(&alice))
            .await;
        assert_eq!(res.status(), 200, "{name}");
        let h = res.headers().clone();
        assert_eq!(h["content-type"], *sniffed);
        assert_eq!(h["content-length"], bytes.len().to_string().as_str());
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox"));
        assert_eq!(h["cache-control"], "private, no-store");
        assert_eq!(
            h["content-disposition"].to_str().unwrap(),
            format!("attachment; filename=\"{name}\"; filename*=UTF-8''{name}")
        );
        assert_eq!(
            &res.bytes().await.unwrap()[..],
            &bytes[..],
            "{name} byte for byte"
        );

        // On disk: inside the store's folder, never the plaintext, and
        // only the owner's key opens it.
        let (path, record) = object_path(&app, &alice_record.id, id).await;
        assert!(path.starts_with(documents_dir(&app)), "{}", path.display());
        let on_disk = std::fs::read(&path).unwrap();
        assert!(
            !on_disk.windows(MARKER.len()).any(|w| w == MARKER),
            "{name} in clear on disk"
        );
        let alice_key = app.state.citizens.vault_key(&alice_record).unwrap();
        let bob_key = app.state.citizens.vault_key(&bob_record).unwrap();
        let opened = vault::open_object(&alice_key, id, &record.wrapped_key, &on_disk).unwrap();
        assert_eq!(&opened[..], &bytes[..]);
        assert!(vault::open_object(&bob_key, id, &record.wrapped_key, &on_disk).is_err());
        assert!(!record
            .wrapped_key
            .windows(8)
            .any(|w| alice_key.windows(8).any(|k| k == w)));
    }

    // Metadata and the list, with the quota.
    let meta: Value = app
        .get(&format!("/wallet/documents/{}", ids[0]), Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(meta["id"], ids[0].as_str());
    assert_eq!(meta["contentType"], "application/pdf");
    let list: Value = app
        .get("/wallet/documents", Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 6);
    assert_eq!(list["items"][0]["name"], "raw photo.png", "newest first");
    let used: u64 = files.iter().map(|f| f.3.len() as u64).sum::<u64>() + png().len() as u64;
    assert_eq!(list["quota"]["usedBytes"], used);
    assert_eq!(
        list["quota"]["totalBytes"],
        app.state.config.wallet.document_quota_bytes
    );
    assert_eq!(
        list["quota"]["maxDocumentBytes"],
        app.state.config.wallet.document_max_bytes
    );
    assert!(list["quota"]["allowedTypes"]
        .as_array()
        .unwrap()
        .contains(&json!("video/webm")));

    // Bob sees none of it, and cannot tell it exists.
    let theirs: Value = app
        .get("/wallet/documents", Some(&bob))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], json!([]));
    assert_eq!(theirs["quota"]["usedBytes"], 0);
    let id = &ids[0];
    for (method, path) in [
        ("GET", format!("/wallet/documents/{id}")),
        ("GET", format!("/wallet/documents/{id}/content")),
        ("DELETE", format!("/wallet/documents/{id}")),
        ("GET", "/wallet/documents/no-such-document".to_owned()),
    ] {
        let res = app
            .client
            .request(method.parse().unwrap(), app.url(&path))
            .bearer_auth(&bob)
            .send()
            .await
            .unwrap();
        let body = assert_problem(res, 404).await;
        assert_eq!(body["detail"], "No such document.", "{method} {path}");
    }
    // Still there for Alice.
    assert_eq!(
        app.get(&format!("/wallet/documents/{id}/content"), Some(&alice))
            .await
            .status(),
        200
    );

    // Organisation keys and the admin are not citizens; nobody is nobody.
    app.create_org("univ").await;
    let (_, org_key) = app.create_api_key("univ").await;
    for token in [Some(org_key.as_str()), Some(ADMIN_TOKEN)] {
        assert_problem(
            upload(&app, token.unwrap(), "x.pdf", None, &pdf(0)).await,
            403,
        )
        .await;
        assert_problem(
            app.get(&format!("/wallet/documents/{id}/content"), token)
                .await,
            403,
        )
        .await;
    }
    let res = app
        .client
        .post(app.url("/wallet/documents"))
        .body(pdf(0))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;
    assert_problem(
        app.get(&format!("/wallet/documents/{id}/content"), None)
            .await,
        401,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn types_are_judged_from_the_content() {
    let app = TestApp::spawn().await;
    let alice = app.sign_up("alice@example.org").await;
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
        .to_vec();
    let mut html_with_pdf_header = b"<html><body>hello</body></html>\n".to_vec();
    html_with_pdf_header.extend_from_slice(&pdf(0));
    let mut png_pdf = png();
    png_pdf.extend_from_slice(b"\n%PDF-1.4\n");
    let cases: Vec<(&str, Option<&str>, Vec<u8>, &str)> = vec![
        // A PNG declared as a PDF.
        (
            "x.pdf",
            Some("application/pdf"),
            png(),
            "document-type-mismatch",
        ),
        // A PDF declared as an image.
        ("x.png", Some("image/png"), pdf(0), "document-type-mismatch"),
        // HTML declared as an image, or as nothing.
        (
            "x.png",
            Some("image/png"),
            html.clone(),
            "unsupported-document-type",
        ),
        ("x.html", None, html.clone(), "unsupported-document-type"),
        // Other kinds: text, SVG (scriptable), a ZIP.
        (
            "x.txt",
            Some("text/plain"),
            b"just some text".to_vec(),
            "unsupported-document-type",
        ),
        (
            "x.svg",
            Some("image/svg+xml"),
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            "unsupported-document-type",
        ),
        (
            "x.zip",
            None,
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00rest".to_vec(),
            "unsupported-document-type",
        ),
        // Polyglots.
        (
            "x.png",
            Some("image/png"),
            png_with_script(),
            "document-polyglot",
        ),
        ("x.pdf", None, html_with_pdf_header, "document-polyglot"),
        ("x.png", None, png_pdf, "document-polyglot"),
    ];
    for (name, declared, bytes, kind) in cases {
        let res = upload(&app, &alice, name, declared, &bytes).await;
        let body = assert_problem(res, 415).await;
        assert_eq!(
            body["type"],
            format!("urn:atout:problem:{kind}"),
            "{name} {declared:?}"
        );
        assert!(
            body["detail"].as_str().unwrap().contains("application/pdf"),
            "{body}"
        );
        assert!(body["allowedTypes"].is_array());
        // The same over the raw form.
        let res = upload_raw(
            &app,
            &alice,
            name,
            declared.unwrap_or("application/octet-stream"),
            bytes,
        )
        .await;
        let raw = assert_problem(res, 415).await;
        assert_eq!(raw["type"], body["type"]);
    }
    let body = assert_problem(
        upload(&app, &alice, "x.pdf", Some("application/pdf"), &png()).await,
        415,
    )
    .await;
    assert_eq!(body["declaredType"], "application/pdf");
    assert_eq!(body["sniffedType"], "image/png");
    // Empty file, no file part, two file parts, an unknown field.
    assert_problem(upload(&app, &alice, "empty.pdf", None, b"").await, 422).await;
    let name_only = [Part {
        name: "name",
        filename: None,
        content_type: None,
        data: b"x",
    }];
    assert_problem(upload_form(&app, &alice, &name_only).await, 422).await;
    let two = [
        file_part("a.pdf", None, b"%PDF-1.4\n"),
        file_part("b.pdf", None, b"%PDF-1.4\n"),
    ];
    assert_problem(upload_form(&app, &alice, &two).await, 422).await;
    let a_pdf = pdf(0);
    let odd = [
        Part {
            name: "owner",
            filename: None,
            content_type: None,
            data: b"admin",
        },
        file_part("a.pdf", None, &a_pdf),
    ];
    assert_problem(upload_form(&app, &alice, &odd).await, 422).await;
    // A broken multipart body.
    let res = app
        .client
        .post(app.url("/wallet/documents"))
        .bearer_auth(&alice)
        .header("content-type", "multipart/form-data; boundary=xyz")
        .body("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%PDF-1.4 no closing boundary")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let res = app
        .client
        .post(app.url("/wallet/documents"))
        .bearer_auth(&alice)
        .header("content-type", "multipart/form-data")
        .body("no boundary")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;

    // Nothing was stored: no row, no object.
    let list: Value = app
        .get("/wallet/documents", Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    assert_eq!(files_under(&documents_dir(&app)), Vec::<PathBuf>::new());
    app.stop().await;
}

#[tokio::test]
async fn oversize_and_over_quota_uploads_are_refused_while_streaming() {
    let app = TestApp::spawn_with(&[
        ("ATOUT_DOCUMENT_MAX_BYTES", "100000"),
        ("ATOUT_DOCUMENT_QUOTA_BYTES", "250000"),
    ])
    .await;
    let alice = app.sign_up("alice@example.org").await;
    let too_big = pdf(150_000);

    // Declared length, multipart and raw.
    let body = assert_problem(upload(&app, &alice, "big.pdf", None, &too_big).await, 413).await;
    assert_eq!(body["type"], "urn:atout:problem:document-too-large");
    assert_eq!(body["maxBytes"], 100000);
    let body = assert_problem(
        upload_raw(&app, &alice, "big.pdf", "application/pdf", too_big.clone()).await,
        413,
    )
    .await;
    assert_eq!(body["type"], "urn:atout:problem:document-too-large");
    // No declared length (chunked): counted as it streams.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        too_big.chunks(8192).map(|c| Ok(c.to_vec())).collect();
    let res = app
        .client
        .post(app.url("/wallet/documents?name=big.pdf"))
        .bearer_auth(&alice)
        .header("content-type", "application/pdf")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 413).await;
    assert_eq!(body["type"], "urn:atout:problem:document-too-large");
    // Exactly the limit is fine.
    let mut exact = pdf(99_000);
    exact.resize(100_000, b' ');
    let first = stored(upload(&app, &alice, "exact.pdf", None, &exact).await).await;
    assert_eq!(first["size"], 100000);

    // The quota: 100 000 used, 90 000 fits, the next 90 000 does not.
    let mut ninety = pdf(89_000);
    ninety.resize(90_000, b' ');
    stored(upload(&app, &alice, "second.pdf", None, &ninety).await).await;
    let body = assert_problem(upload(&app, &alice, "third.pdf", None, &ninety).await, 413).await;
    assert_eq!(body["type"], "urn:atout:problem:quota-exceeded");
    assert_eq!(body["quotaBytes"], 250000);
    assert_eq!(body["usedBytes"], 190000);
    assert!(
        body["detail"].as_str().unwrap().contains("250000"),
        "{body}"
    );
    // Chunked, past the quota but under the size limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        ninety.chunks(8192).map(|c| Ok(c.to_vec())).collect();
    let res = app
        .client
        .post(app.url("/wallet/documents?name=third.pdf"))
        .bearer_auth(&alice)
        .header("content-type", "application/pdf")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 413).await;
    assert_eq!(body["type"], "urn:atout:problem:quota-exceeded");
    // What still fits is accepted.
    stored(upload(&app, &alice, "small.pdf", None, &pdf(1000)).await).await;
    // Only the three stored documents have objects.
    assert_eq!(files_under(&documents_dir(&app)).len(), 3);
    // Another citizen has a quota of their own.
    let bob = app.sign_up("bob@example.org").await;
    stored(upload(&app, &bob, "bob.pdf", None, &ninety).await).await;
    app.stop().await;
}

#[tokio::test]
async fn concurrent_uploads_cannot_both_squeeze_under_the_quota() {
    let app = TestApp::spawn_with(&[
        ("ATOUT_DOCUMENT_MAX_BYTES", "100000"),
        ("ATOUT_DOCUMENT_QUOTA_BYTES", "250000"),
    ])
    .await;
    let alice = app.sign_up("alice@example.org").await;
    let mut first = pdf(99_000);
    first.resize(100_000, b' ');
    stored(upload(&app, &alice, "first.pdf", None, &first).await).await;
    // 150 000 bytes left: each of these fits alone, not both.
    let mut ninety = pdf(89_000);
    ninety.resize(90_000, b' ');
    let (a, b) = tokio::join!(
        upload(&app, &alice, "a.pdf", None, &ninety),
        upload(&app, &alice, "b.pdf", None, &ninety)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 413]);
    let refused = if a.status() == 413 { a } else { b };
    let body = assert_problem(refused, 413).await;
    assert_eq!(body["type"], "urn:atout:problem:quota-exceeded");
    let list: Value = app
        .get("/wallet/documents", Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["quota"]["usedBytes"], 190000);
    // The refused upload's object was removed.
    assert_eq!(files_under(&documents_dir(&app)).len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn the_routes_are_described_in_openapi() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    for (path, methods) in [
        ("/wallet/documents", &["get", "post"][..]),
        ("/wallet/documents/{id}", &["get", "delete"][..]),
        ("/wallet/documents/{id}/content", &["get"][..]),
        ("/wallet/entries/{id}/documents", &["get"][..]),
        (
            "/wallet/entries/{id}/documents/{document}",
            &["put", "delete"][..],
        ),
    ] {
        for method in methods {
            let op = &doc["paths"][path][method];
            assert_eq!(op["tags"], json!(["documents"]), "{method} {path}");
            assert_eq!(
                op["security"],
                json!([{"bearer": []}, {"cookie": []}]),
                "{method} {path}"
            );
        }
    }
    let upload = &doc["paths"]["/wallet/documents"]["post"]["requestBody"]["content"];
    assert!(upload["multipart/form-data"].is_object(), "{upload}");
    assert!(upload["application/octet-stream"].is_object(), "{upload}");
    app.stop().await;
}

#[tokio::test]
async fn a_large_document_streams_through_in_parts() {
    let app = TestApp::spawn().await;
    let alice = app.sign_up("alice@example.org").await;
    // Larger than the 8 MiB part size: the object goes up as a multipart
    // upload and comes back decrypted as a stream.
    let big = pdf(9 * 1024 * 1024 + 12345);
    let doc =
        stored(upload_raw(&app, &alice, "big.pdf", "application/pdf", big.clone()).await).await;
    let id = doc["id"].as_str().unwrap();
    let res = app
        .get(&format!("/wallet/documents/{id}/content"), Some(&alice))
        .await;
    assert_eq!(res.status(), 200);
    let back = res.bytes().await.unwrap();
    assert!(back[..] == big[..], "byte for byte");
    assert_eq!(files_under(&documents_dir(&app)).len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn hostile_names_are_only_display_names() {
    let app = TestApp::spawn().await;
    let alice = app.sign_up("alice@example.org").await;
    let long = "é".repeat(5000);
    // (Each name also ends with the extension of the sniffed type.)
    let cases: Vec<(Vec<u8>, String)> = vec![
        (b"../../etc/passwd".to_vec(), "../../etc/passwd.pdf".into()),
        (
            b"..\\..\\windows\\system32".to_vec(),
            "..\\..\\windows\\system32.pdf".into(),
        ),
        (b"a\0b.pdf".to_vec(), "ab.pdf".into()),
        (
            "invoice\u{202e}fdp.exe".as_bytes().to_vec(),
            "invoicefdp.pdf".into(),
        ),
        (long.as_bytes().to_vec(), format!("{}.pdf", "é".repeat(251))),
        (b"  \r\n ".to_vec(), "document.pdf".into()),
        (
            b"\"; filename=evil.html".to_vec(),
            "\"; filename=evil.pdf".into(),
        ),
    ];
    let bytes = pdf(0);
    let root = documents_dir(&app);
    for (raw, shown) in cases {
        let parts = [
            Part {
                name: "name",
                filename: None,
                content_type: None,
                data: &raw,
            },
            file_part("ignored.pdf", None, &bytes),
        ];
        let doc = stored(upload_form(&app, &alice, &parts).await).await;
        assert_eq!(doc["name"], shown.as_str());
        let id = doc["id"].as_str().unwrap();
        let res = app
            .get(&format!("/wallet/documents/{id}/content"), Some(&alice))
            .await;
        assert_eq!(res.status(), 200);
        let disposition = res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        let rest = disposition.strip_prefix("attachment; filename=\"").unwrap();
        let (ascii, tail) = rest.split_once('"').unwrap();
        assert!(!ascii.contains(['/', '\\', '"']), "{disposition}");
        let encoded = tail.strip_prefix("; filename*=UTF-8''").unwrap();
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~%".contains(&b)),
            "{disposition}"
        );
        assert_eq!(&res.bytes().await.unwrap()[..], &bytes[..]);
    }
    // A name in the query goes through the same cleaning.
    let doc = stored(
        upload_raw(
            &app,
            &alice,
            "../../../../tmp/x\u{202e}.pdf",
            "application/pdf",
            pdf(0),
        )
        .await,
    )
    .await;
    assert_eq!(doc["name"], "../../../../tmp/x.pdf");
    // NUL in the URL is refused before anything else.
    let res = app
        .client
        .post(format!("{}/wallet/documents?name=a%00b", app.base))
        .bearer_auth(&alice)
        .header("content-type", "application/pdf")
        .body(pdf(0))
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    // The file part's own file name is used when no name is given.
    let doc = stored(upload(&app, &alice, "from-the-part.pdf", None, &bytes).await).await;
    assert_eq!(doc["name"], "from-the-part.pdf");

    // Every object sits inside the store's folder under a random name.
    let files = files_under(&root);
    assert_eq!(files.len(), 9);
    for f in &files {
        let relative = f.strip_prefix(&root).unwrap().to_str().unwrap().to_owned();
        assert!(vault::is_object_key(&relative), "{relative}");
    }
    assert!(!app.data_dir.join("etc").exists() && !root.join("etc").exists());
    app.stop().await;
}

#[tokio::test]
async fn documents_attach_to_the_owners_entries_only() {
    let app = TestApp::spawn().await;
    let alice = app.sign_up("alice@example.org").await;
    let bob = app.sign_up("bob@example.org").await;
    let alice_id = citizen(&app, "alice@example.org").await.id;
    let bob_id = citizen(&app, "bob@example.org").await.id;
    let entry = insert_entry(&app, &alice_id, "Thesis").await;
    let other_entry = insert_entry(&app, &alice_id, "Internship").await;
    let bobs_entry = insert_entry(&app, &bob_id, "Bob's").await;
    let doc = stored(upload(&app, &alice, "thesis.pdf", None, &pdf(0)).await).await;
    let doc = doc["id"].as_str().unwrap().to_owned();
    let bobs_doc = stored(upload(&app, &bob, "bob.png", None, &png()).await).await;
    let bobs_doc = bobs_doc["id"].as_str().unwrap().to_owned();
    let put = |token: &str, entry: &str, doc: &str| {
        app.client
            .put(app.url(&format!("/wallet/entries/{entry}/documents/{doc}")))
            .bearer_auth(token)
            .send()
    };

    assert_eq!(put(&alice, &entry, &doc).await.unwrap().status(), 204);
    assert_eq!(
        put(&alice, &entry, &doc).await.unwrap().status(),
        204,
        "idempotent"
    );
    assert_eq!(put(&alice, &other_entry, &doc).await.unwrap().status(), 204);
    let listed: Value = app
        .get(&format!("/wallet/entries/{entry}/documents"), Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], doc.as_str());
    let meta: Value = app
        .get(&format!("/wallet/documents/{doc}"), Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    let mut entries: Vec<String> = serde_json::from_value(meta["entries"].clone()).unwrap();
    entries.sort();
    let mut expected = vec![entry.clone(), other_entry.clone()];
    expected.sort();
    assert_eq!(entries, expected);
    let list: Value = app
        .get("/wallet/documents", Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["entries"].as_array().unwrap().len(), 2);

    // Someone else's entry or document: not found, whoever asks.
    let body = assert_problem(put(&alice, &bobs_entry, &doc).await.unwrap(), 404).await;
    assert_eq!(body["detail"], "No such entry.");
    let body = assert_problem(put(&alice, &entry, &bobs_doc).await.unwrap(), 404).await;
    assert_eq!(body["detail"], "No such document.");
    assert_problem(put(&bob, &entry, &bobs_doc).await.unwrap(), 404).await;
    assert_problem(put(&bob, &entry, &doc).await.unwrap(), 404).await;
    assert_problem(
        app.get(&format!("/wallet/entries/{entry}/documents"), Some(&bob))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.delete(
            &format!("/wallet/entries/{entry}/documents/{doc}"),
            Some(&bob),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.get("/wallet/entries/no-such-entry/documents", Some(&alice))
            .await,
        404,
    )
    .await;
    let theirs: Value = app
        .get(
            &format!("/wallet/entries/{bobs_entry}/documents"),
            Some(&bob),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs["items"],
        json!([]),
        "nothing of Alice's landed on Bob's entry"
    );

    // Detach; then it is no longer attached.
    assert_eq!(
        app.delete(
            &format!("/wallet/entries/{entry}/documents/{doc}"),
            Some(&alice)
        )
        .await
        .status(),
        204
    );
    let body = assert_problem(
        app.delete(
            &format!("/wallet/entries/{entry}/documents/{doc}"),
            Some(&alice),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(
        body["detail"],
        "This document is not attached to this entry."
    );
    let listed: Value = app
        .get(&format!("/wallet/entries/{entry}/documents"), Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    // Erasing the document detaches it everywhere.
    assert_eq!(
        app.delete(&format!("/wallet/documents/{doc}"), Some(&alice))
            .await
            .status(),
        204
    );
    let listed: Value = app
        .get(
            &format!("/wallet/entries/{other_entry}/documents"),
            Some(&alice),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn erasing_a_document_or_the_account_removes_the_objects() {
    let app = TestApp::spawn().await;
    let alice = app.sign_up("alice@example.org").await;
    let bob = app.sign_up("bob@example.org").await;
    let alice_id = citizen(&app, "alice@example.org").await.id;
    let first = stored(upload(&app, &alice, "a.pdf", None, &pdf(0)).await).await;
    let first = first["id"].as_str().unwrap().to_owned();
    let second = stored(upload(&app, &alice, "b.png", None, &png()).await).await;
    let second = second["id"].as_str().unwrap().to_owned();
    let kept = stored(upload(&app, &bob, "bob.pdf", None, &pdf(0)).await).await;
    let (first_path, _) = object_path(&app, &alice_id, &first).await;
    let (second_path, _) = object_path(&app, &alice_id, &second).await;
    assert!(first_path.exists() && second_path.exists());

    assert_eq!(
        app.delete(&format!("/wallet/documents/{first}"), Some(&alice))
            .await
            .status(),
        204
    );
    assert!(!first_path.exists(), "the object went with the row");
    assert_problem(
        app.get(&format!("/wallet/documents/{first}"), Some(&alice))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&format!("/wallet/documents/{first}/content"), Some(&alice))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.delete(&format!("/wallet/documents/{first}"), Some(&alice))
            .await,
        404,
    )
    .await;
    let list: Value = app
        .get("/wallet/documents", Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["quota"]["usedBytes"], png().len());

    // The account goes, and its objects with it; Bob's stay.
    let res = app
        .client
        .delete(app.url("/wallet/me"))
        .bearer_auth(&alice)
        .json(&json!({"password": CITIZEN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(!second_path.exists(), "the account's objects are removed");
    assert!(app
        .store()
        .document_object_keys(&alice_id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(files_under(&documents_dir(&app)).len(), 1);
    let id = kept["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/wallet/documents/{id}/content"), Some(&bob))
            .await
            .status(),
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn orphan_objects_are_swept() {
    let app = TestApp::spawn().await;
    let alice = app.sign_up("alice@example.org").await;
    let doc = stored(upload(&app, &alice, "a.pdf", None, &pdf(0)).await).await;
    // An object without a row, as a crash between the two would leave.
    let key = vault::new_file_key().unwrap();
    let mut up = app.state.vault.upload("lost", &key).unwrap();
    up.write(b"%PDF-1.4 lost").await.unwrap();
    let orphan = up.finish().await.unwrap();
    assert_eq!(files_under(&documents_dir(&app)).len(), 2);
    // Young objects are spared (uploads in progress).
    let long_ago = chrono::DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    assert_eq!(
        app.state
            .vault
            .sweep_orphans(app.store().as_ref(), long_ago)
            .await
            .unwrap(),
        0
    );
    let later = chrono::DateTime::parse_from_rfc3339("2100-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    assert_eq!(
        app.state
            .vault
            .sweep_orphans(app.store().as_ref(), later)
            .await
            .unwrap(),
        1
    );
    assert!(app.state.vault.raw(&orphan.object_key).await.is_err());
    let id = doc["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/wallet/documents/{id}/content"), Some(&alice))
            .await
            .status(),
        200
    );
    app.stop().await;
}
