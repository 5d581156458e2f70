//! The export names documents by their real names (made safe for a ZIP
//! path, unique without regard to case), the manifest maps each file to the
//! document's id, and import reads both these archives and those made
//! before (documents named by id). Real HTTP, both databases.

use crate::archive::{content, export, file, import, unzip, with_manifest, zip_of};
use crate::common::*;
use crate::documents::{pdf, png};
use serde_json::Value;
use std::collections::HashSet;

/// Uploads `data` under exactly this display name (`?name=`, raw body).
async fn upload_named(app: &TestApp, token: &str, name: &str, ct: &str, data: Vec<u8>) -> String {
    let res = app
        .client
        .post(app.url("/wallet/documents"))
        .query(&[("name", name)])
        .bearer_auth(token)
        .header("content-type", ct)
        .body(data)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{name:?}: {body}");
    body["id"].as_str().unwrap().to_owned()
}

/// Every document path of the archive is one safe file name under
/// `documents/`, unique without regard to case; returns the manifest's
/// documents.
fn checked_documents(files: &[(String, Vec<u8>)]) -> Vec<Value> {
    let manifest: Value = serde_json::from_slice(file(files, "manifest.json")).unwrap();
    let documents = manifest["documents"].as_array().unwrap().clone();
    let mut seen = HashSet::new();
    for d in &documents {
        let path = d["path"].as_str().unwrap();
        let name = path.strip_prefix("documents/").unwrap();
        assert!(!name.contains('/') && !name.contains('\\'), "{path:?}");
        assert!(!name.starts_with('.') && !name.starts_with(' '), "{path:?}");
        assert!(
            !name.chars().any(|c| c.is_control()
                || ":*?\"<>|".contains(c)
                || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{path:?}"
        );
        assert!(path.len() <= 300, "{} bytes: {path:?}", path.len());
        assert!(seen.insert(name.to_lowercase()), "{path:?} twice");
        // The file is in the archive, under that name.
        assert!(files.iter().any(|(n, _)| n == path), "{path:?} missing");
    }
    documents
}

fn path_of<'a>(documents: &'a [Value], id: &str) -> &'a str {
    documents
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no document {id}"))["path"]
        .as_str()
        .unwrap()
}

#[tokio::test]
async fn documents_are_named_by_their_names_deduplicated_and_made_safe() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("noms@example.org").await;
    let cv1 = upload_named(&app, &token, "CV.pdf", "application/pdf", pdf(10)).await;
    let cv2 = upload_named(&app, &token, "CV.pdf", "application/pdf", pdf(20)).await;
    let cv3 = upload_named(&app, &token, "cv.PDF", "application/pdf", pdf(30)).await;
    let photo = upload_named(&app, &token, "Photo d’identité", "image/png", png()).await;
    let long = "é".repeat(400);
    let long_id = upload_named(&app, &token, &long, "application/pdf", pdf(40)).await;
    let hostile = [
        "../x.pdf",
        "..\\..\\boot.ini",
        "a/b/c.pdf",
        "con.pdf",
        "  .caché. ",
        "facture\u{202e}fdp.exe",
        "deux:points*?<>|.pdf",
    ];
    let mut hostile_ids = Vec::new();
    for name in hostile {
        hostile_ids.push(upload_named(&app, &token, name, "application/pdf", pdf(50)).await);
    }

    let archive = export(&app, &token).await;
    let files = unzip(&archive);
    let documents = checked_documents(&files);
    assert_eq!(documents.len(), 5 + hostile.len());
    // Oldest first: the first keeps the name, the others are numbered.
    assert_eq!(path_of(&documents, &cv1), "documents/CV.pdf");
    assert_eq!(path_of(&documents, &cv2), "documents/CV (2).pdf");
    assert_eq!(path_of(&documents, &cv3), "documents/cv (3).pdf");
    assert_eq!(
        path_of(&documents, &photo),
        "documents/Photo d’identité.png"
    );
    let long_path = path_of(&documents, &long_id);
    assert!(long_path.starts_with("documents/ééé") && long_path.ends_with(".pdf"));
    assert!(long_path.chars().count() < 120, "{long_path}");
    for id in &hostile_ids {
        let path = path_of(&documents, id);
        assert!(path.ends_with(".pdf"), "{path}");
        assert!(!path.contains(".."), "{path}");
        assert!(!path.to_lowercase().starts_with("documents/con."), "{path}");
    }
    // The manifest maps every file back to its document and its name.
    let listed: Value = serde_json::from_slice(file(&files, "manifest.json")).unwrap();
    let cv = documents.iter().find(|d| d["id"] == cv2.as_str()).unwrap();
    assert_eq!(cv["name"], "CV.pdf");
    assert_eq!(file(&files, "documents/CV (2).pdf"), pdf(20));
    assert!(listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "documents/CV (2).pdf"));

    // Round trip: a fresh account gets every document back, names and bytes.
    let other = app.sign_up("noms-bis@example.org").await;
    let res = import(&app, &other, archive).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let report: Value = res.json().await.unwrap();
    let restored = report["documents"].as_array().unwrap();
    assert_eq!(restored.len(), documents.len());
    let list: Value = app
        .get("/wallet/documents", Some(&other))
        .await
        .json()
        .await
        .unwrap();
    for r in restored {
        let before = documents
            .iter()
            .find(|d| d["id"] == r["archiveId"])
            .unwrap();
        let now = r["documentId"].as_str().unwrap();
        let item = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == now)
            .unwrap();
        assert_eq!(item["name"], before["name"]);
        assert_eq!(
            content(&app, &other, now).await,
            file(&files, before["path"].as_str().unwrap())
        );
    }
    // And exported again, the same names.
    let again = unzip(&export(&app, &other).await);
    let mut names: Vec<String> = checked_documents(&again)
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    let mut first: Vec<String> = documents
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    first.sort();
    assert_eq!(names, first);
}

#[tokio::test]
async fn archives_naming_documents_by_id_still_import() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("ancien@example.org").await;
    let id = upload_named(&app, &token, "Attestation.pdf", "application/pdf", pdf(10)).await;
    let files = unzip(&export(&app, &token).await);
    assert!(files.iter().any(|(n, _)| n == "documents/Attestation.pdf"));
    // As archives were written before: documents/<id>.<ext>.
    let old_path = format!("documents/{id}.pdf");
    let renamed: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, b)| {
            if n == "documents/Attestation.pdf" {
                (old_path.clone(), b.clone())
            } else {
                (n.clone(), b.clone())
            }
        })
        .collect();
    let old = with_manifest(&renamed, |m| {
        m["documents"][0]["path"] = old_path.clone().into();
        for f in m["files"].as_array_mut().unwrap() {
            if f["path"] == "documents/Attestation.pdf" {
                f["path"] = old_path.clone().into();
            }
        }
    });
    let other = app.sign_up("ancien-bis@example.org").await;
    let res = import(&app, &other, zip_of(&old)).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let report: Value = res.json().await.unwrap();
    let now = report["documents"][0]["documentId"].as_str().unwrap();
    assert_eq!(content(&app, &other, now).await, pdf(10));

    // Two documents may not claim one file, nor a file outside documents/.
    let third = app.sign_up("ancien-ter@example.org").await;
    for (what, path) in [
        ("nested", "documents/a/Attestation.pdf"),
        ("wrong extension", "documents/Attestation.png"),
        ("no name", "documents/.pdf"),
    ] {
        let moved: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(n, b)| {
                if n == "documents/Attestation.pdf" {
                    (path.to_owned(), b.clone())
                } else {
                    (n.clone(), b.clone())
                }
            })
            .collect();
        let bad = with_manifest(&moved, |m| {
            m["documents"][0]["path"] = path.into();
            for f in m["files"].as_array_mut().unwrap() {
                if f["path"] == "documents/Attestation.pdf" {
                    f["path"] = path.into();
                }
            }
        });
        let res = import(&app, &third, zip_of(&bad)).await;
        assert!(res.status().is_client_error(), "{what}: {}", res.status());
    }
    let list: Value = app
        .get("/wallet/documents", Some(&third))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}
