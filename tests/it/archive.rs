//! Export and import of a whole wallet (one ZIP archive), over real HTTP,
//! on both databases: a round trip into a fresh account, a merge into a
//! non-empty one, and every hostile archive refused with nothing written.

use crate::common::*;
use crate::documents::{documents_dir, files_under, pdf, png, stored, upload};
use crate::issue::diploma;
use crate::verify::Issuer;
use serde_json::{json, Value};
use std::io::{Cursor, Read, Write};

pub async fn accredit(issuer: &Issuer) {
    let path = format!(
        "/admin/registry/issuers/{}",
        issuer.did.replace('%', "%25").replace(':', "%3A")
    );
    let res = issuer
        .app
        .client
        .put(issuer.app.url(&path))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({
            "name": {"fr": "Université A", "en": "University A"},
            "accreditation": "Certificateur RNCP",
            "validFrom": "2025-01-01T00:00:00Z"
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
}

pub async fn import_credential(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: String,
) -> String {
    let res = app
        .client
        .post(app.url("/wallet/holdings/import"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

pub async fn entry(app: &TestApp, token: &str, body: Value) -> String {
    let res = app.post_json("/wallet/entries", Some(token), &body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn export(app: &TestApp, token: &str) -> Vec<u8> {
    let res = app.get("/wallet/export", Some(token)).await;
    assert_eq!(res.status(), 200);
    let length: usize = res.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"atout-export-")
            && disposition.ends_with(".zip\""),
        "{disposition}"
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    assert_eq!(bytes.len(), length);
    bytes
}

/// A document's content, downloaded by its owner.
pub async fn content(app: &TestApp, token: &str, id: &str) -> Vec<u8> {
    let res = app
        .get(&format!("/wallet/documents/{id}/content"), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    res.bytes().await.unwrap().to_vec()
}

async fn attach(app: &TestApp, token: &str, entry: &str, document: &str) {
    let res = app
        .client
        .put(app.url(&format!("/wallet/entries/{entry}/documents/{document}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
}

/// The big document of [`full_wallet`]: past the export's in-memory spool.
fn big_pdf() -> Vec<u8> {
    pdf(9 * 1024 * 1024)
}

pub async fn import(app: &TestApp, token: &str, archive: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url("/wallet/import"))
        .bearer_auth(token)
        .header("content-type", "application/zip")
        .body(archive)
        .send()
        .await
        .unwrap()
}

/// Every file of an archive, in order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().to_owned(), out)
        })
        .collect()
}

pub fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

/// An archive of these files, as given (names unchecked).
pub fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

pub fn sha256(bytes: &[u8]) -> String {
    atout_core::crypto::sha256_hex(bytes)
}

/// The archive with `name` replaced (or added) and the manifest's size and
/// hash of it made true again.
fn with_file(files: &[(String, Vec<u8>)], name: &str, bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = files.to_vec();
    match out.iter_mut().find(|(n, _)| n == name) {
        Some(f) => f.1 = bytes.clone(),
        None => out.push((name.to_owned(), bytes.clone())),
    }
    let manifest = out.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
    let mut m: Value = serde_json::from_slice(&manifest.1).unwrap();
    let listed = m["files"].as_array_mut().unwrap();
    match listed.iter_mut().find(|f| f["path"] == name) {
        Some(f) => {
            f["size"] = json!(bytes.len());
            f["sha256"] = json!(sha256(&bytes));
        }
        None => listed.push(json!({"path": name, "size": bytes.len(), "sha256": sha256(&bytes)})),
    }
    manifest.1 = serde_json::to_vec(&m).unwrap();
    out
}

pub fn with_manifest(
    files: &[(String, Vec<u8>)],
    change: impl FnOnce(&mut Value),
) -> Vec<(String, Vec<u8>)> {
    let mut out = files.to_vec();
    let manifest = out.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
    let mut m: Value = serde_json::from_slice(&manifest.1).unwrap();
    change(&mut m);
    manifest.1 = serde_json::to_vec(&m).unwrap();
    out
}

/// A list's items without ids, in a stable order (the test clock stands
/// still, so items written in one test share their dates and the server
/// orders them by id).
fn items_without_ids(list: &Value) -> Vec<String> {
    let mut items: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| without_ids(item).to_string())
        .collect();
    items.sort();
    items
}

/// Drops ids (and links by id) from a JSON value, recursively.
fn without_ids(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "id" | "holdingId" | "next"))
                .map(|(k, v)| (k.clone(), without_ids(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_ids).collect()),
        other => other.clone(),
    }
}

/// A wallet with two credentials (Data Integrity and vc+jwt, from an
/// accredited issuer), tags, entries of every kind (one certified), and
/// two documents attached to entries (a 9 MiB PDF and a PNG).
/// Returns the citizen's token and the Data Integrity holding's id.
async fn full_wallet(issuer: &Issuer) -> (String, String) {
    let app = &issuer.app;
    accredit(issuer).await;
    let token = app.sign_up("renee@example.org").await;
    let issued = issuer.issue(diploma(app), json!({})).await;
    // Unusual spacing: kept byte for byte.
    let text = format!("{}\n", serde_json::to_string_pretty(&issued).unwrap());
    let di = import_credential(app, &token, "application/json", text).await;
    let enveloped = issuer
        .issue(diploma(app), json!({"format": "vc+jwt"}))
        .await;
    let jwt = enveloped["id"]
        .as_str()
        .unwrap()
        .strip_prefix("data:application/vc+jwt,")
        .unwrap()
        .to_owned();
    import_credential(app, &token, "application/jwt", jwt).await;
    let res = app
        .client
        .put(app.url(&format!("/wallet/holdings/{di}/tags")))
        .bearer_auth(&token)
        .json(&json!({"tags": ["Diplômes", "master"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut ids = Vec::new();
    for body in [
        json!({"kind": "experience", "title": "Développeuse Rust", "organisation": "Coop A",
               "place": "Lyon", "startDate": "2021-09", "endDate": "2024-06",
               "description": "Des services web.\nEt des tests.",
               "details": {"frameworks": [{"framework": "ROME", "code": "M1805", "label": "Études et développement informatique"}],
                           "keywords": ["rust", "sql"], "url": "https://example.org/coop"}}),
        json!({"kind": "education", "title": "Master Informatique", "organisation": "Université A",
               "place": "Grenoble", "startDate": "2019", "endDate": "2021",
               "description": "Parcours IA", "holdingId": di,
               "details": {"frameworks": [{"framework": "RNCP", "code": "RNCP34126"}]}}),
        json!({"kind": "skill", "title": "Rust", "description": "Async, axum",
               "details": {"frameworks": [{"framework": "ESCO", "code": "http://data.europa.eu/esco/skill/abc-123"}],
                           "keywords": ["tokio"]}}),
        json!({"kind": "language", "title": "Anglais", "details": {"languageCode": "en",
               "cefr": {"listening": "C1", "reading": "C1", "spokenInteraction": "B2", "spokenProduction": "B2", "writing": "B1"}}}),
        json!({"kind": "language", "title": "Français", "details": {"languageCode": "fr", "motherTongue": true}}),
        json!({"kind": "project", "title": "Atout", "organisation": "Association B", "place": "En ligne",
               "startDate": "2025-01-15", "description": "Un portefeuille citoyen",
               "details": {"url": "https://example.org/atout", "keywords": ["vc"]}}),
        json!({"kind": "interest", "title": "Escalade", "details": {"keywords": ["bloc"]}}),
    ] {
        ids.push(entry(app, &token, body).await);
    }
    let transcript = stored(
        upload(
            app,
            &token,
            "Relevé de notes.pdf",
            Some("application/pdf"),
            &big_pdf(),
        )
        .await,
    )
    .await;
    let photo = stored(upload(app, &token, "photo.png", None, &png()).await).await;
    attach(app, &token, &ids[1], transcript["id"].as_str().unwrap()).await;
    attach(app, &token, &ids[0], photo["id"].as_str().unwrap()).await;
    attach(app, &token, &ids[1], photo["id"].as_str().unwrap()).await;
    (token, di)
}

#[tokio::test]
async fn an_export_restores_into_a_fresh_account_byte_for_byte() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let (token, di) = full_wallet(&issuer).await;
    let archive = export(app, &token).await;
    let files = unzip(&archive);

    // The manifest: format, account (no secrets), every file's size and hash.
    let manifest: Value = serde_json::from_slice(file(&files, "manifest.json")).unwrap();
    assert_eq!(manifest["format"], "atout-export/1");
    assert_eq!(manifest["account"]["email"], "renee@example.org");
    assert!(manifest["account"]["holderDid"]
        .as_str()
        .unwrap()
        .starts_with("did:key:"));
    let text = String::from_utf8_lossy(file(&files, "manifest.json")).to_lowercase();
    for secret in ["password", "sealed", "pkcs8", "argon2"] {
        assert!(!text.contains(secret), "{secret} in the manifest");
    }
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), files.len() - 1);
    for f in listed {
        let bytes = file(&files, f["path"].as_str().unwrap());
        assert_eq!(f["size"], bytes.len());
        assert_eq!(f["sha256"], sha256(bytes));
    }
    let credentials = manifest["credentials"].as_array().unwrap();
    assert_eq!(credentials.len(), 2);
    let di_entry = credentials.iter().find(|c| c["id"] == di.as_str()).unwrap();
    assert_eq!(di_entry["path"], format!("credentials/{di}.json"));
    assert_eq!(di_entry["tags"], json!(["diplômes", "master"]));
    assert_eq!(di_entry["source"], "import");
    assert!(di_entry["importReport"].is_object());
    assert!(credentials
        .iter()
        .any(|c| c["format"] == "vc+jwt" && c["path"].as_str().unwrap().ends_with(".jwt")));

    // The documents, decrypted, byte for byte, with their names.
    let documents = manifest["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 2);
    let transcript = documents
        .iter()
        .find(|d| d["contentType"] == "application/pdf")
        .unwrap();
    assert_eq!(transcript["name"], "Relevé de notes.pdf");
    assert_eq!(transcript["path"], "documents/Relevé de notes.pdf");
    assert_eq!(
        file(&files, transcript["path"].as_str().unwrap()),
        big_pdf()
    );
    let photo = documents
        .iter()
        .find(|d| d["contentType"] == "image/png")
        .unwrap();
    assert_eq!(file(&files, photo["path"].as_str().unwrap()), png());
    assert_eq!(photo["sha256"], sha256(&png()));

    // The credentials exactly as held.
    let owner_id = get_json(app, "/wallet/me", &token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let held = app.store().all_holdings(&owner_id).await.unwrap();
    for h in &held {
        let c = credentials
            .iter()
            .find(|c| c["id"] == h.id.as_str())
            .unwrap();
        assert_eq!(file(&files, c["path"].as_str().unwrap()), h.body.as_bytes());
    }

    // resume.json: valid against the official JSON Resume schema, with
    // the standard fields and what JSON Resume lacks under x-atout.
    let resume: Value = serde_json::from_slice(file(&files, "resume.json")).unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("fixtures/jsonresume-schema-1.3.1.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&resume)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{resume:#}");
    assert_eq!(resume["basics"]["name"], "renee");
    assert_eq!(resume["basics"]["email"], "renee@example.org");
    let work = &resume["work"][0];
    assert_eq!(work["position"], "Développeuse Rust");
    assert_eq!(work["name"], "Coop A");
    assert_eq!(work["location"], "Lyon");
    assert_eq!(work["startDate"], "2021-09");
    assert_eq!(work["x-atout"]["details"]["frameworks"][0]["code"], "M1805");
    let education = &resume["education"][0];
    assert_eq!(education["institution"], "Université A");
    assert_eq!(education["area"], "Master Informatique");
    assert_eq!(education["x-atout"]["trust"], "certified");
    assert_eq!(education["x-atout"]["credential"], di.as_str());
    let languages = resume["languages"].as_array().unwrap();
    assert_eq!(languages.len(), 2);
    assert!(languages.iter().any(|l| l["fluency"] == "Native speaker"));
    assert!(languages
        .iter()
        .any(|l| l["x-atout"]["details"]["cefr"]["writing"] == "B1"));
    assert_eq!(resume["skills"][0]["keywords"], json!(["tokio"]));
    assert_eq!(resume["projects"][0]["entity"], "Association B");
    assert_eq!(resume["interests"][0]["name"], "Escalade");
    assert_eq!(
        education["x-atout"]["documents"].as_array().unwrap().len(),
        2
    );
    assert_eq!(work["x-atout"]["documents"], json!([photo["id"]]));

    // A fresh account imports it.
    let fresh = app.sign_up("paul@example.org").await;
    let res = import(app, &fresh, archive.clone()).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["credentials"].as_array().unwrap().len(), 2);
    assert_eq!(report["entries"].as_array().unwrap().len(), 7);
    assert_eq!(report["documents"].as_array().unwrap().len(), 2);
    assert!(report["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["alreadyHeld"] == false && c["state"] == "verified"));

    // Credentials byte for byte, with their tags, source and dates.
    let fresh_id = get_json(app, "/wallet/me", &fresh).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let restored = app.store().all_holdings(&fresh_id).await.unwrap();
    assert_eq!(restored.len(), held.len());
    for h in &held {
        let r = restored
            .iter()
            .find(|r| r.body == h.body)
            .expect("the same bytes");
        assert_ne!(r.id, h.id);
        assert_eq!(
            (&r.format, &r.tags, &r.source, r.received_at),
            (&h.format, &h.tags, &h.source, h.received_at)
        );
        assert_eq!(
            (&r.credential_id, &r.issuer, &r.title),
            (&h.credential_id, &h.issuer, &h.title)
        );
    }

    // Entries field by field, trust levels and links preserved.
    let before = get_json(app, "/wallet/entries", &token).await;
    let after = get_json(app, "/wallet/entries", &fresh).await;
    assert_eq!(items_without_ids(&before), items_without_ids(&after));
    let linked = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "education")
        .unwrap();
    assert_eq!(linked["trust"], "certified");
    let di_fresh = &restored.iter().find(|r| r.format == "ldp_vc").unwrap().id;
    assert_eq!(linked["holdingId"], di_fresh.as_str());

    // Documents byte for byte, with their names and types, attached to
    // the same entries, and encrypted under the new owner's keys.
    let sorted = |list: Value| {
        let mut items = list["items"].as_array().unwrap().clone();
        items.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        items
    };
    let before = get_json(app, "/wallet/documents", &token).await;
    let after = get_json(app, "/wallet/documents", &fresh).await;
    assert_eq!(after["quota"]["usedBytes"], before["quota"]["usedBytes"]);
    let (before, after) = (sorted(before), sorted(after));
    assert_eq!(before.len(), 2);
    for (old, new) in before.iter().zip(&after) {
        for field in ["name", "contentType", "size", "sha256", "createdAt"] {
            assert_eq!(old[field], new[field], "{field}");
        }
        assert_ne!(old["id"], new["id"]);
        let original = content(app, &token, old["id"].as_str().unwrap()).await;
        let restored = content(app, &fresh, new["id"].as_str().unwrap()).await;
        assert_eq!(original, restored);
        assert_eq!(
            old["entries"].as_array().unwrap().len(),
            new["entries"].as_array().unwrap().len()
        );
    }
    let attached = get_json(
        app,
        &format!(
            "/wallet/entries/{}/documents",
            linked["id"].as_str().unwrap()
        ),
        &fresh,
    )
    .await;
    let names: Vec<&str> = attached["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Relevé de notes.pdf") && names.contains(&"photo.png"));

    // The timeline, modulo ids.
    let before = get_json(app, "/wallet/timeline?limit=100", &token).await;
    let after = get_json(app, "/wallet/timeline?limit=100", &fresh).await;
    assert_eq!(items_without_ids(&before), items_without_ids(&after));

    // Again into the same account: a merge. The credentials are held
    // already (skipped, linked); the entries are added.
    let res = import(app, &fresh, archive).await;
    assert_eq!(res.status(), 201);
    let report: Value = res.json().await.unwrap();
    assert!(report["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["alreadyHeld"] == true));
    assert_eq!(app.store().all_holdings(&fresh_id).await.unwrap().len(), 2);
    let entries = get_json(app, "/wallet/entries", &fresh).await;
    let items = entries["items"].as_array().unwrap();
    assert_eq!(items.len(), 14);
    assert_eq!(
        items
            .iter()
            .filter(|e| e["holdingId"] == di_fresh.as_str())
            .count(),
        2
    );
    let documents = get_json(app, "/wallet/documents", &fresh).await;
    assert_eq!(documents["items"].as_array().unwrap().len(), 4);
    issuer.app.stop().await;
}

#[tokio::test]
async fn an_empty_wallet_exports_and_imports() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("vide@example.org").await;
    let archive = export(&app, &token).await;
    let files = unzip(&archive);
    assert_eq!(
        files.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["manifest.json", "resume.json"]
    );
    let other = app.sign_up("autre@example.org").await;
    let res = import(&app, &other, archive).await;
    assert_eq!(res.status(), 201);
    app.stop().await;
}

#[tokio::test]
async fn hostile_archives_are_refused_and_write_nothing() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let (token, di) = full_wallet(&issuer).await;
    let files = unzip(&export(app, &token).await);
    let victim = app.sign_up("cible@example.org").await;
    let victim_id = get_json(app, "/wallet/me", &victim).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let di_path = format!("credentials/{di}.json");

    let resume: Value = serde_json::from_slice(file(&files, "resume.json")).unwrap();
    let mut unknown_member = resume.clone();
    unknown_member["work"][0]["x-atout"]["salary"] = json!(100);
    let mut bad_date = resume.clone();
    bad_date["work"][0]["startDate"] = json!("2021-13");
    let mut impossible_date = resume.clone();
    impossible_date["work"][0]["startDate"] = json!("2021-02-30");
    let mut dangling = resume.clone();
    dangling["education"][0]["x-atout"]["credential"] = json!("not-in-the-archive");
    let mut tampered: Value = serde_json::from_slice(file(&files, &di_path)).unwrap();
    tampered["credentialSubject"]["achievement"]["name"] = json!("Doctorat");

    let symlink = {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in &files {
            zip.start_file(name.as_str(), options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.add_symlink("credentials/link.json", "/etc/passwd", options)
            .unwrap();
        zip.finish().unwrap().into_inner()
    };
    // Two files of one name: written apart, then renamed in the bytes.
    let duplicate = {
        let mut twice = files.clone();
        twice.push(("credentials/zzzzz.json".into(), b"{}".to_vec()));
        twice.push(("credentials/yyyyy.json".into(), b"{}".to_vec()));
        let bytes = zip_of(&twice);
        let needle = b"credentials/yyyyy.json";
        let mut out = bytes.clone();
        let mut i = 0;
        while i + needle.len() <= out.len() {
            if &out[i..i + needle.len()] == needle {
                out[i..i + needle.len()].copy_from_slice(b"credentials/zzzzz.json");
            }
            i += 1;
        }
        out
    };
    let nested = zip_of(&files);
    let manifest: Value = serde_json::from_slice(file(&files, "manifest.json")).unwrap();
    let photo_path = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["contentType"] == "image/png")
        .unwrap()["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf_path = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["contentType"] == "application/pdf")
        .unwrap()["path"]
        .as_str()
        .unwrap()
        .to_owned();
    // The photo's bytes swapped for a PDF, sizes and hashes made true.
    let swapped_photo = with_manifest(&with_file(&files, &photo_path, pdf(100)), |m| {
        let d = m["documents"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|d| d["contentType"] == "image/png")
            .unwrap();
        d["size"] = json!(pdf(100).len());
        d["sha256"] = json!(sha256(&pdf(100)));
    });
    // One byte of the PDF changed, the manifest left as it was.
    let mut altered = files.clone();
    altered.iter_mut().find(|(n, _)| *n == pdf_path).unwrap().1[5000] ^= 1;
    let html_document = with_manifest(&files, |m| {
        let d = m["documents"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|d| d["contentType"] == "image/png")
            .unwrap();
        d["contentType"] = json!("text/html");
    });
    // A document that inflates a thousandfold.
    let mut bomb = b"%PDF-1.4\n".to_vec();
    bomb.resize(3 * 1024 * 1024, 0);
    let document_bomb = with_manifest(&with_file(&files, &pdf_path, bomb.clone()), |m| {
        let d = m["documents"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|d| d["contentType"] == "application/pdf")
            .unwrap();
        d["size"] = json!(bomb.len());
        d["sha256"] = json!(sha256(&bomb));
    });
    let mut dangling_document = resume.clone();
    dangling_document["work"][0]["x-atout"]["documents"] = json!(["not-in-the-archive"]);
    let objects_before = files_under(&documents_dir(app)).len();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "not a ZIP",
            b"hello, world".to_vec(),
            400,
            "invalid-archive",
        ),
        (
            "truncated",
            zip_of(&files)[..200].to_vec(),
            400,
            "invalid-archive",
        ),
        (
            "traversal",
            zip_of(&with_file(&files, "../evil.json", b"{}".to_vec())),
            422,
            "unsafe-archive",
        ),
        (
            "inner traversal",
            zip_of(&with_file(
                &files,
                "credentials/../../evil.json",
                b"{}".to_vec(),
            )),
            422,
            "unsafe-archive",
        ),
        (
            "absolute",
            zip_of(&with_file(&files, "/etc/cron.d/evil", b"x".to_vec())),
            422,
            "unsafe-archive",
        ),
        (
            "backslash",
            zip_of(&with_file(
                &files,
                "credentials\\..\\evil.json",
                b"{}".to_vec(),
            )),
            422,
            "unsafe-archive",
        ),
        (
            "NUL",
            zip_of(&with_file(&files, "credentials/a\0.json", b"{}".to_vec())),
            422,
            "unsafe-archive",
        ),
        ("symlink", symlink, 422, "unsafe-archive"),
        ("duplicate names", duplicate, 422, "unsafe-archive"),
        (
            "unexpected file",
            zip_of(&with_file(&files, "notes.txt", b"hi".to_vec())),
            422,
            "unsafe-archive",
        ),
        (
            "nested archive",
            zip_of(&with_file(&files, "credentials/inner.json", nested)),
            422,
            "unsafe-archive",
        ),
        (
            "zip bomb",
            zip_of(&with_file(
                &files,
                "resume.json",
                vec![b' '; 6 * 1024 * 1024],
            )),
            422,
            "unsafe-archive",
        ),
        (
            "too large a file",
            zip_of(&with_file(
                &files,
                "resume.json",
                vec![b' '; 9 * 1024 * 1024],
            )),
            422,
            "unsafe-archive",
        ),
        (
            "lying hash",
            zip_of(&with_manifest(&files, |m| {
                let f = m["files"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|f| f["path"] == "resume.json")
                    .unwrap();
                f["sha256"] = json!(sha256(b"something else"));
            })),
            422,
            "archive-manifest-mismatch",
        ),
        (
            "lying size",
            zip_of(&with_manifest(&files, |m| {
                let f = m["files"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|f| f["path"] == "resume.json")
                    .unwrap();
                f["size"] = json!(3);
            })),
            422,
            "archive-manifest-mismatch",
        ),
        (
            "unlisted file",
            zip_of(&with_manifest(&files, |m| {
                m["files"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|f| f["path"] != "resume.json");
            })),
            422,
            "archive-manifest-mismatch",
        ),
        (
            "missing file",
            zip_of(
                &files
                    .iter()
                    .filter(|(n, _)| n != "resume.json")
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            422,
            "archive-manifest-mismatch",
        ),
        (
            "unknown version",
            zip_of(&with_manifest(&files, |m| {
                m["format"] = json!("atout-export/9")
            })),
            422,
            "unsupported-archive-version",
        ),
        (
            "no manifest",
            zip_of(
                &files
                    .iter()
                    .filter(|(n, _)| n != "manifest.json")
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            422,
            "unsafe-archive",
        ),
        (
            "tampered credential",
            zip_of(&with_file(
                &files,
                &di_path,
                serde_json::to_vec(&tampered).unwrap(),
            )),
            422,
            "credential-not-verified",
        ),
        (
            "not a credential",
            zip_of(&with_file(&files, &di_path, b"{\"hello\": 1}".to_vec())),
            422,
            "invalid-credential",
        ),
        (
            "unknown x-atout member",
            zip_of(&with_file(
                &files,
                "resume.json",
                serde_json::to_vec(&unknown_member).unwrap(),
            )),
            422,
            "invalid-resume",
        ),
        (
            "bad date",
            zip_of(&with_file(
                &files,
                "resume.json",
                serde_json::to_vec(&bad_date).unwrap(),
            )),
            422,
            "invalid-resume",
        ),
        (
            "impossible date",
            zip_of(&with_file(
                &files,
                "resume.json",
                serde_json::to_vec(&impossible_date).unwrap(),
            )),
            422,
            "invalid-resume",
        ),
        (
            "dangling link",
            zip_of(&with_file(
                &files,
                "resume.json",
                serde_json::to_vec(&dangling).unwrap(),
            )),
            422,
            "invalid-resume",
        ),
        (
            "resume not JSON",
            zip_of(&with_file(&files, "resume.json", b"{not json".to_vec())),
            422,
            "invalid-resume",
        ),
        (
            "document of another type",
            zip_of(&swapped_photo),
            422,
            "document-type-mismatch",
        ),
        (
            "altered document",
            zip_of(&altered),
            422,
            "archive-manifest-mismatch",
        ),
        (
            "HTML document",
            zip_of(&html_document),
            422,
            "archive-manifest-mismatch",
        ),
        (
            "document bomb",
            zip_of(&document_bomb),
            422,
            "unsafe-archive",
        ),
        (
            "unlisted document",
            zip_of(&with_file(&files, "documents/zzzzz.pdf", pdf(100))),
            422,
            "archive-manifest-mismatch",
        ),
        (
            "dangling document link",
            zip_of(&with_file(
                &files,
                "resume.json",
                serde_json::to_vec(&dangling_document).unwrap(),
            )),
            422,
            "invalid-resume",
        ),
    ];
    for (name, archive, status, kind) in cases {
        let res = import(app, &victim, archive).await;
        let problem = assert_problem(res, status).await;
        assert!(
            problem["type"].as_str().unwrap().ends_with(kind),
            "{name}: {problem:#}"
        );
        assert!(problem["detail"].is_string(), "{name}");
        assert!(
            app.store()
                .all_holdings(&victim_id)
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        assert!(
            app.store()
                .list_entries(&victim_id, None)
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        assert!(
            app.store()
                .list_documents(&victim_id)
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        // No object left behind in the vault, and nothing outside it.
        assert_eq!(
            files_under(&documents_dir(app)).len(),
            objects_before,
            "{name}"
        );
    }

    // Not sent as a ZIP.
    let res = app
        .client
        .post(app.url("/wallet/import"))
        .bearer_auth(&victim)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 415).await;
    // An empty body.
    assert_problem(import(app, &victim, Vec::new()).await, 400).await;
    issuer.app.stop().await;
}

#[tokio::test]
async fn an_oversized_archive_is_refused_before_it_is_read() {
    let app = TestApp::spawn_with(&[
        ("ATOUT_DOCUMENT_MAX_BYTES", "1"),
        ("ATOUT_DOCUMENT_QUOTA_BYTES", "1"),
    ])
    .await;
    let token = app.sign_up("gros@example.org").await;
    let body = vec![0u8; 32 * 1024 * 1024 + 2];
    let problem = assert_problem(import(&app, &token, body).await, 413).await;
    assert!(problem["type"]
        .as_str()
        .unwrap()
        .ends_with("payload-too-large"));
    app.stop().await;
}

#[tokio::test]
async fn documents_over_the_quota_are_refused_and_leave_nothing() {
    let app = TestApp::spawn_with(&[
        ("ATOUT_DOCUMENT_MAX_BYTES", "20000"),
        ("ATOUT_DOCUMENT_QUOTA_BYTES", "20000"),
    ])
    .await;
    let alice = app.sign_up("alice@example.org").await;
    stored(upload(&app, &alice, "a.pdf", None, &pdf(15_000)).await).await;
    let archive = export(&app, &alice).await;

    // Bob has 10 kB already: the archive's 15 kB would pass the quota.
    let bob = app.sign_up("bob@example.org").await;
    stored(upload(&app, &bob, "b.pdf", None, &pdf(10_000)).await).await;
    let objects = files_under(&documents_dir(&app)).len();
    let problem = assert_problem(import(&app, &bob, archive.clone()).await, 422).await;
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("quota-exceeded"),
        "{problem:#}"
    );
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .starts_with("Nothing was imported"));
    let documents = get_json(&app, "/wallet/documents", &bob).await;
    assert_eq!(documents["items"].as_array().unwrap().len(), 1);
    assert_eq!(files_under(&documents_dir(&app)).len(), objects);

    // Carol has room.
    let carol = app.sign_up("carol@example.org").await;
    assert_eq!(import(&app, &carol, archive).await.status(), 201);
    let documents = get_json(&app, "/wallet/documents", &carol).await;
    assert_eq!(documents["items"][0]["name"], "a.pdf");
    assert_eq!(files_under(&documents_dir(&app)).len(), objects + 1);
    app.stop().await;
}
