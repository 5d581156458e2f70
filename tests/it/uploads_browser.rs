//! Uploads in a real browser (issue 16): a 20 MiB scanned PDF into the
//! documents page, a file past the 25 MiB limit (the same form, the size
//! and the limit stated, axe clean), and a 30 MiB export imported again
//! through the account page, in French then in English.

use crate::browser::{assert_steps, run_steps};
use crate::common::*;
use crate::documents::upload;
use crate::page_uploads::{phone_photo, scanned_pdf};
use serde_json::{json, Value};

const MIB: usize = 1024 * 1024;

/// Upload, refuse, import: one language's steps.
fn steps(lang: &str, pdf: &str, over: &str, archive: &str) -> Vec<Value> {
    let (document, add, stored, too_large, import, import_button, imported) = if lang == "fr" {
        (
            "Document",
            "Ajouter au coffre",
            "Document enregistré et chiffré.",
            "Ce fichier fait 26 Mio ; la limite est de 25 Mio.",
            "Importer une archive Atout",
            "Importer",
            "Archive importée",
        )
    } else {
        (
            "Document",
            "Add to the vault",
            "Document stored and encrypted.",
            "This file is 26 MiB; the limit is 25 MiB.",
            "Import an Atout archive",
            "Import",
            "Archive imported",
        )
    };
    vec![
        json!({"goto": "/me/documents"}),
        json!({"upload": {"label": document}, "path": pdf}),
        json!({"click": {"role": "button", "name": add}}),
        json!({"expect": [stored, "scan-20.pdf"]}),
        json!({"upload": {"label": document}, "path": over}),
        json!({"click": {"role": "button", "name": add}}),
        json!({"expect": [too_large]}),
        json!({"url": "/me/documents"}),
        json!({"axe": format!("documents-too-large-{lang}")}),
        json!({"screenshot": format!("upload-too-large-{lang}.png")}),
        json!({"goto": "/me/account"}),
        json!({"upload": {"label": import}, "path": archive}),
        json!({"click": {"role": "button", "name": import_button, "exact": true}}),
        json!({"expect": [imported]}),
        json!({"axe": format!("account-imported-{lang}")}),
    ]
}

#[tokio::test]
async fn a_20_mib_pdf_and_a_30_mib_export_go_through_the_browser_in_french_and_english() {
    let app = TestApp::spawn().await;
    // A portfolio with 31 MiB of documents, exported (through the API).
    let token = app.sign_up("camille@example.org").await;
    for (name, kind, bytes) in [
        ("scan.pdf", "application/pdf", scanned_pdf(16 * MIB, 21)),
        ("photo.jpg", "image/jpeg", phone_photo(8 * MIB, 22)),
        ("photo2.jpg", "image/jpeg", phone_photo(7 * MIB, 23)),
    ] {
        let res = upload(&app, &token, name, Some(kind), &bytes).await;
        assert_eq!(res.status(), 201);
    }
    let res = app.get("/wallet/export", Some(&token)).await;
    assert_eq!(res.status(), 200);
    let archive = res.bytes().await.unwrap();
    assert!(archive.len() > 30 * MIB, "{}", archive.len());
    let files = app.data_dir.join("browser-files");
    std::fs::create_dir_all(&files).unwrap();
    let path = |name: &str, bytes: &[u8]| {
        let p = files.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let pdf = path("scan-20.pdf", &scanned_pdf(20 * MIB, 24));
    let over = path("photo-26.jpg", &phone_photo(26 * MIB, 25));
    let archive = path("atout-export.zip", &archive);

    let mut all = vec![
        json!({"goto": "/login"}),
        json!({"fill": {"label": "Adresse e-mail"}, "value": "camille@example.org"}),
        json!({"fill": {"label": "Mot de passe", "exact": true}, "value": CITIZEN_PASSWORD}),
        json!({"click": {"role": "button", "name": "Se connecter"}}),
        json!({"url": "/me"}),
    ];
    all.extend(steps("fr", &pdf, &over, &archive));
    all.push(json!({"click": {"role": "link", "name": "English"}}));
    all.extend(steps("en", &pdf, &over, &archive));
    let mut report = run_steps(
        &app.base,
        json!({"width": 1280, "height": 900}),
        Value::Array(all),
    )
    .await;
    // Chromium logs every page answered with an error status; the two
    // refusals (413, the form again) are the ones expected, nothing else.
    let errors = report["consoleErrors"].as_array().unwrap().clone();
    let (expected, other): (Vec<Value>, Vec<Value>) = errors
        .into_iter()
        .partition(|e| e.as_str().unwrap().contains("status of 413"));
    assert_eq!(expected.len(), 2, "{expected:?}");
    report["consoleErrors"] = Value::Array(other);
    assert_steps("uploads", &report);
    assert_eq!(report["axe"].as_object().unwrap().len(), 4);
    // Three sent by the API, two PDFs by the pages, twice three imported.
    let list: Value = app
        .get("/wallet/documents", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 11);
    app.stop().await;
}
