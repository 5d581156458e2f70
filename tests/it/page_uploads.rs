//! Files sent through the pages (issue 16): streamed from the browser
//! through the portal into the API and the vault, up to the configured
//! limits (documents 25 MiB, import archives their own), far past the
//! server's 1 MiB body limit; past a limit, the same form again with the
//! file's size and the limit in the person's language; broken and aborted
//! forms store nothing.

use crate::common::*;
use crate::documents::{documents_dir, files_under};
use crate::offers::count_rows;
use crate::pages::Visitor;
use reqwest::StatusCode;
use serde_json::Value;

const MIB: usize = 1024 * 1024;

/// Incompressible bytes (xorshift), all at 0x80 or above: no markup
/// marker (ASCII) can occur in them, and a ZIP cannot shrink them.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&(x | 0x8080_8080_8080_8080).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A PDF of `len` bytes: one binary stream, as a scanner writes.
pub fn scanned_pdf(len: usize, seed: u64) -> Vec<u8> {
    let head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n3 0 obj<</Length 0>>stream\n";
    let tail = b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    let mut out = head.to_vec();
    out.extend_from_slice(&noise(len - head.len() - tail.len(), seed));
    out.extend_from_slice(tail);
    assert_eq!(out.len(), len);
    out
}

/// A JPEG of `len` bytes as a phone writes it: SOI, a JFIF APP0 segment,
/// then entropy-coded data, EOI.
pub fn phone_photo(len: usize, seed: u64) -> Vec<u8> {
    let head =
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00\xff\xdb\x00\x43\x00";
    let mut out = head.to_vec();
    out.extend_from_slice(&noise(len - head.len() - 2, seed));
    out.extend_from_slice(b"\xff\xd9");
    out
}

/// A citizen signed up through the pages, on their documents page, in
/// `lang`.
async fn citizen(app: &TestApp, email: &str, lang: &'static str) -> Visitor {
    let mut v = Visitor::new(app);
    v.lang = lang;
    v.sign_up(email, "Camille Martin").await;
    let page = v.get("/me/documents").await;
    assert_eq!(page.status, StatusCode::OK);
    v
}

async fn documents(v: &mut Visitor) -> Vec<Value> {
    let res = v
        .client
        .get(v.url("/wallet/documents"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    list["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_20_mib_pdf_and_a_phone_photo_go_through_the_documents_page() {
    let app = TestApp::spawn().await;
    let mut v = citizen(&app, "camille@example.org", "fr").await;
    let pdf = scanned_pdf(20 * MIB, 1);
    let res = v
        .upload(
            "/me/documents",
            &[],
            "file",
            "diplome-scanne.pdf",
            "application/pdf",
            pdf.clone(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some("/me/documents?done=done-document-uploaded")
    );
    let photo = phone_photo(5 * MIB + 123_457, 2);
    let res = v
        .upload(
            "/me/documents",
            &[],
            "file",
            "IMG_20260703.jpg",
            "image/jpeg",
            photo.clone(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = v.get("/me/documents").await;
    list.expect("diplome-scanne.pdf").expect("IMG_20260703.jpg");
    let docs = documents(&mut v).await;
    assert_eq!(docs.len(), 2);
    let by_name = |n: &str| docs.iter().find(|d| d["name"] == n).unwrap().clone();
    assert_eq!(by_name("diplome-scanne.pdf")["size"], pdf.len());
    assert_eq!(by_name("IMG_20260703.jpg")["size"], photo.len());
    assert_eq!(by_name("IMG_20260703.jpg")["contentType"], "image/jpeg");
    // Byte for byte back through the page.
    let id = by_name("diplome-scanne.pdf")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = v
        .client
        .get(v.url(&format!("/me/documents/{id}/download")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap() == pdf);
    app.stop().await;
}

#[tokio::test]
async fn past_the_limit_the_form_says_the_size_and_the_limit_in_french_and_english() {
    let app = TestApp::spawn().await;
    let limit = app.state.config.wallet.document_max_bytes as usize;
    assert_eq!(limit, 25 * MIB, "the default the README promises");
    for (lang, one_more, bigger) in [
        (
            "fr",
            "Ce fichier fait plus de 25 Mio ; la limite est de 25 Mio.",
            "Ce fichier fait 31 Mio ; la limite est de 25 Mio.",
        ),
        (
            "en",
            "This file is over 25 MiB; the limit is 25 MiB.",
            "This file is 31 MiB; the limit is 25 MiB.",
        ),
    ] {
        let mut v = citizen(&app, &format!("{lang}@example.org"), lang).await;
        // The limit plus one byte.
        let res = v
            .upload(
                "/me/documents",
                &[],
                "file",
                "trop.pdf",
                "application/pdf",
                scanned_pdf(limit + 1, 3),
            )
            .await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
        // The same form, the message tied to the file field.
        res.expect(one_more)
            .expect("id=\"e-file\"")
            .expect("aria-invalid=\"true\"")
            .expect("enctype=\"multipart/form-data\"");
        assert!(
            !res.has("Détail technique") && !res.has("Technical detail"),
            "{}",
            res.body
        );
        let res = v
            .upload(
                "/me/documents",
                &[],
                "file",
                "photo.jpg",
                "image/jpeg",
                phone_photo(31 * MIB, 4),
            )
            .await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
        res.expect(bigger);
        // Exactly the limit is fine.
        let res = v
            .upload(
                "/me/documents",
                &[],
                "file",
                "juste.pdf",
                "application/pdf",
                scanned_pdf(limit, 5),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    // Only the two documents at the limit were stored.
    assert_eq!(count_rows(&app, "documents").await, 2);
    assert_eq!(files_under(&documents_dir(&app)).len(), 2);
    app.stop().await;
}

/// The account page's export, as the browser downloads it.
async fn export(v: &mut Visitor) -> Vec<u8> {
    let res = v
        .client
        .get(v.url("/me/account/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_30_mib_export_is_imported_again_through_the_account_page() {
    let app = TestApp::spawn().await;
    let mut v = citizen(&app, "camille@example.org", "fr").await;
    for (name, kind, bytes) in [
        ("scan.pdf", "application/pdf", scanned_pdf(18 * MIB, 6)),
        ("photo.jpg", "image/jpeg", phone_photo(7 * MIB, 7)),
        ("photo2.jpg", "image/jpeg", phone_photo(6 * MIB, 8)),
    ] {
        let res = v
            .upload("/me/documents", &[], "file", name, kind, bytes)
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let archive = export(&mut v).await;
    assert!(archive.len() > 30 * MIB, "{} bytes", archive.len());
    // Imported again into the same account, through the page.
    v.get("/me/account").await;
    let res = v
        .upload(
            "/me/account/import",
            &[],
            "archive",
            "atout-export.zip",
            "application/zip",
            archive,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.expect("Archive importée");
    assert!(!res.has("id=\"e-archive\""), "{}", res.body);
    assert_eq!(documents(&mut v).await.len(), 6);
    assert_eq!(files_under(&documents_dir(&app)).len(), 6);
    app.stop().await;
}

#[tokio::test]
async fn an_import_past_its_limit_states_it_and_writes_nothing() {
    // A small quota makes the archive limit (quota + 32 MiB margin) small.
    let app = TestApp::spawn_with(&[
        ("ATOUT_DOCUMENT_MAX_BYTES", "100000"),
        ("ATOUT_DOCUMENT_QUOTA_BYTES", "100000"),
    ])
    .await;
    let mut v = citizen(&app, "camille@example.org", "en").await;
    v.get("/me/account").await;
    let limit = 100_000 + 32 * MIB;
    let res = v
        .upload(
            "/me/account/import",
            &[],
            "archive",
            "big.zip",
            "application/zip",
            noise(limit + 3 * MIB, 9),
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    res.expect("This file is 35.1 MiB; the limit is 32.1 MiB.")
        .expect("id=\"e-archive\"");
    assert_eq!(count_rows(&app, "documents").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_console_batch_file_past_one_mib_reaches_the_api() {
    let s = crate::offers::Setup::new(&[]).await;
    let app = &s.app;
    let mut v = Visitor::new(app);
    v.get("/console/login").await;
    let res = v.post("/console/login", &[("token", &s.key)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let path = format!("/console/orgs/{}/batches/new", crate::offers::ORG);
    v.get(&format!("{path}?template={}", s.template)).await;
    // 30,000 rows (about 1.7 MiB), the last one wrong: the API read the
    // whole file and names that row by its line in a spreadsheet (the
    // header is line 1).
    let mut csv =
        "reference,givenName,familyName,degree.type,degree.name,degree.eqfLevel,degree.awardedOn\n"
            .to_owned();
    for i in 1..30_000 {
        csv.push_str(&format!(
            "E{i},Ana,Martin,Diploma,Master Informatique,7,2026-07-03\n"
        ));
    }
    csv.push_str("E30000,Ana,Martin,Diploma,Master Informatique,huit,2026-07-03\n");
    assert!(csv.len() > 3 * MIB / 2);
    let res = v
        .upload(
            &path,
            &[("template", &s.template)],
            "file",
            "promo.csv",
            "text/csv",
            csv.into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res.expect(
        "<li>Ligne 30001, colonne « degree.eqfLevel » : tapez un nombre entier comme 7.</li>",
    );
    assert_eq!(count_rows(app, "batches").await, 0);
    s.app.stop().await;
}

#[tokio::test]
async fn a_credential_file_past_its_limit_is_said_on_the_form() {
    let app = TestApp::spawn().await;
    let mut v = citizen(&app, "camille@example.org", "fr").await;
    v.get("/me/credentials/import").await;
    let res = v
        .upload(
            "/me/credentials/import",
            &[],
            "file",
            "vc.json",
            "application/json",
            vec![b' '; 2 * MIB],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res.expect("Ce fichier fait 2 Mio ; la limite est de 1 Mio.");
    app.stop().await;
}

/// A form body whose file part breaks off midway (the browser closed, the
/// network failed).
fn broken_body(csrf: &str) -> (String, reqwest::Body) {
    let boundary = "atout-broken-upload";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let pdf = scanned_pdf(8 * MIB, 10);
    let mut chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(head.into_bytes())];
    chunks.extend(pdf[..4 * MIB].chunks(64 * 1024).map(|c| Ok(c.to_vec())));
    chunks.push(Err(std::io::Error::other("the network failed")));
    (
        format!("multipart/form-data; boundary={boundary}"),
        reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)),
    )
}

#[tokio::test]
async fn broken_and_aborted_forms_store_nothing() {
    let app = TestApp::spawn().await;
    let mut v = citizen(&app, "camille@example.org", "fr").await;
    let csrf = v.csrf.clone().unwrap();
    // Aborted midway: the client gives up; the server stores nothing.
    let (ct, body) = broken_body(&csrf);
    let sent = v
        .client
        .post(v.url("/me/documents"))
        .header("origin", &v.base)
        .header("content-type", ct)
        .body(body)
        .send()
        .await;
    assert!(sent.is_err() || sent.unwrap().status() == StatusCode::BAD_REQUEST);
    // A malformed body (no closing boundary): a page saying what to do.
    let boundary = "xyz";
    let res = v
        .client
        .post(v.url("/me/documents"))
        .header("origin", &v.base)
        .header("accept-language", "fr")
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4 no end"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(page.contains("rien n’a été enregistré"), "{page}");
    // The file before the CSRF token: refused before any byte is read on.
    let boundary = "abc";
    let res = v
        .client
        .post(v.url("/me/documents"))
        .header("origin", &v.base)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4\n%%EOF\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}--\r\n"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A good upload afterwards: the only document, the only object. (The
    // aborted request's handler has finished: its connection is gone and
    // the vault's in-progress files are removed when an upload aborts.)
    let res = v
        .upload(
            "/me/documents",
            &[],
            "file",
            "ok.pdf",
            "application/pdf",
            scanned_pdf(MIB, 11),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count_rows(&app, "documents").await, 1);
    let mut files = files_under(&documents_dir(&app));
    for _ in 0..100 {
        if files.len() == 1 {
            break;
        }
        // An aborted upload's leftovers go when its task ends.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        files = files_under(&documents_dir(&app));
    }
    assert_eq!(files.len(), 1, "{files:?}");
    app.stop().await;
}
