//! Uploads that are two things at once, over real HTTP on both databases:
//! real GIF, PNG, JPEG and PDF files are accepted and come back under a
//! name with their sniffed type's extension (`x.html` uploaded as a GIF
//! downloads as `x.gif`), from the vault, a share and for rows named before
//! the rule; the same files with web page or script markup far past the
//! first kilobyte are refused (RFC 9457 for the API, a translated message
//! on the page), whatever the chunking, and leave nothing stored.

use crate::archive::{entry, get_json};
use crate::common::*;
use crate::documents::{documents_dir, file_part, files_under, upload, upload_form};
use crate::pages::Visitor;
use serde_json::{json, Value};

/// The classic 1x1 GIF89a (global colour table, graphic control, LZW
/// image data, trailer), with an optional comment extension holding
/// `comment` (split into sub-blocks) before the trailer.
fn gif(comment: &[u8]) -> Vec<u8> {
    let mut out = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00".to_vec();
    out.extend_from_slice(b"\x21\xf9\x04\x01\x00\x00\x00\x00");
    out.extend_from_slice(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00");
    if !comment.is_empty() {
        out.extend_from_slice(b"\x21\xfe");
        for block in comment.chunks(255) {
            out.push(block.len() as u8);
            out.extend_from_slice(block);
        }
        out.push(0);
    }
    out.push(0x3b);
    out
}

/// A 2x2 RGB PNG written by the `png` crate, with a `tEXt` chunk.
fn png_with_text(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, 2, 2);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .add_text_chunk("Comment".into(), text.into())
            .unwrap();
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[200u8; 12]).unwrap();
    }
    out
}

/// A baseline JPEG, 8x8 grey, written by hand: JFIF, one quantisation
/// table, SOF0, one-code Huffman tables (DC category 0, AC end of block),
/// one block, and an optional COM segment before the scan.
fn jpeg(comment: &[u8]) -> Vec<u8> {
    let mut out = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
    out.extend_from_slice(b"\xff\xdb\x00\x43\x00");
    out.extend_from_slice(&[1u8; 64]);
    out.extend_from_slice(b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00");
    for class in [0x00u8, 0x10] {
        out.extend_from_slice(b"\xff\xc4\x00\x14");
        out.push(class);
        out.push(1);
        out.extend_from_slice(&[0u8; 15]);
        out.push(0);
    }
    for segment in comment.chunks(60_000) {
        out.extend_from_slice(b"\xff\xfe");
        out.extend_from_slice(&(segment.len() as u16 + 2).to_be_bytes());
        out.extend_from_slice(segment);
    }
    out.extend_from_slice(b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00");
    // DC: category 0 ("0"), AC: end of block ("0"), padded with ones.
    out.push(0x3f);
    out.extend_from_slice(b"\xff\xd9");
    out
}

/// A one-page PDF with a correct cross-reference table; `extra` goes into
/// an uncompressed stream of the page's content.
fn pdf_with(extra: &str) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 720 Td (Attestation) Tj ET\n% {extra}\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
    ];
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// `n` bytes of harmless filler text.
fn filler(n: usize) -> String {
    "lorem ipsum dolor sit amet ".repeat(n / 27 + 1)[..n].to_owned()
}

async fn download(app: &TestApp, token: &str, id: &str) -> (String, Vec<u8>) {
    let res = app
        .get(&format!("/wallet/documents/{id}/content"), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    (disposition, res.bytes().await.unwrap().to_vec())
}

/// The vault's state, to show that a refusal left nothing behind.
async fn vault_state(app: &TestApp, token: &str) -> (usize, Value, usize) {
    let list = get_json(app, "/wallet/documents", token).await;
    (
        list["items"].as_array().unwrap().len(),
        list["quota"]["usedBytes"].clone(),
        files_under(&documents_dir(app)).len(),
    )
}

#[tokio::test]
async fn real_images_and_pdfs_are_stored_under_their_sniffed_extension() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("renee@example.org").await;
    // (name given, declared type, bytes, stored name, sniffed type)
    type Case = (
        &'static str,
        Option<&'static str>,
        Vec<u8>,
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        ("x.html", None, gif(b""), "x.gif", "image/gif"),
        (
            "x.html",
            Some("image/gif"),
            gif(b"made with care"),
            "x.gif",
            "image/gif",
        ),
        (
            "photo",
            None,
            png_with_text("holiday"),
            "photo.png",
            "image/png",
        ),
        (
            "selfie.JPEG",
            Some("image/jpeg"),
            jpeg(b"camera"),
            "selfie.JPEG",
            "image/jpeg",
        ),
        ("scan.svg", None, jpeg(b""), "scan.jpg", "image/jpeg"),
        (
            "Diplôme.pdf",
            Some("application/pdf"),
            pdf_with("plain"),
            "Diplôme.pdf",
            "application/pdf",
        ),
        (
            "invoice.pdf.exe",
            None,
            pdf_with("plain"),
            "invoice.pdf.pdf",
            "application/pdf",
        ),
        // What PDFs legitimately carry (an XFA script, XHTML rich text)
        // does not make them refused: only web pages do.
        (
            "form.pdf",
            None,
            pdf_with(&format!(
                "{} <script contentType='application/x-javascript'>app.alert(1)</script> \
                 <body xmlns='http://www.w3.org/1999/xhtml'><p>x</p></body>",
                filler(3000)
            )),
            "form.pdf",
            "application/pdf",
        ),
    ];
    for (name, declared, bytes, expected_name, expected_type) in &cases {
        let res = upload(&app, &token, name, *declared, bytes).await;
        let status = res.status();
        let doc: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{name}: {doc}");
        assert_eq!(doc["name"], *expected_name, "{name}");
        assert_eq!(doc["contentType"], *expected_type, "{name}");
        let (disposition, back) = download(&app, &token, doc["id"].as_str().unwrap()).await;
        assert!(
            disposition.starts_with(&format!(
                "attachment; filename=\"{}\"",
                expected_name.replace('ô', "_")
            )),
            "{name}: {disposition}"
        );
        assert_eq!(&back, bytes, "{name}: byte for byte");
    }

    // Shared: the share's download carries the sniffed extension too.
    let skill = entry(&app, &token, json!({"kind": "skill", "title": "Dessin"})).await;
    let gif_doc: Value = upload(&app, &token, "drawing.html", None, &gif(b""))
        .await
        .json()
        .await
        .unwrap();
    let id = gif_doc["id"].as_str().unwrap();
    let share: Value = app
        .post_json(
            "/wallet/shares",
            Some(&token),
            &json!({"label": "Portfolio", "entries": [skill], "documents": [id]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let url = share["url"].as_str().unwrap();
    let link = &url[url.find("/s/").unwrap()..];
    let res = app.get(&format!("{link}/documents/{id}"), None).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"drawing.gif\""),
        "{:?}",
        res.headers()
    );

    // A row named before the rule (written as it was then): its downloads
    // are renamed all the same.
    let sql = "UPDATE documents SET name = 'legacy.html' WHERE id = $1";
    use sqlx::Connection;
    if app.db.is_postgres() {
        let mut c = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
        sqlx::query(sql).bind(id).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
        sqlx::query(sql).bind(id).execute(&mut c).await.unwrap();
    }
    let (disposition, _) = download(&app, &token, id).await;
    assert!(
        disposition.starts_with("attachment; filename=\"legacy.gif\"; filename*=UTF-8''legacy.gif"),
        "{disposition}"
    );
    let res = app.get(&format!("{link}/documents/{id}"), None).await;
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("legacy.gif"));
    app.stop().await;
}

#[tokio::test]
async fn polyglots_are_refused_wherever_the_markup_hides() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("renee@example.org").await;
    let kept = upload(&app, &token, "kept.png", None, &png_with_text("fine")).await;
    assert_eq!(kept.status(), 201);
    let before = vault_state(&app, &token).await;

    let html = "<html><body><script>alert(document.domain)</script></body></html>";
    // Markup past the 8 KiB the type is sniffed from, so only the scan of
    // the whole file finds it.
    let far = filler(20_000);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("x.html", gif(format!("{far}{html}").as_bytes()), "<html"),
        (
            "x.gif",
            gif(
                format!("{far}<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
                    .as_bytes(),
            ),
            "<svg",
        ),
        (
            "x.png",
            png_with_text(&format!("{far}<IFRAME src=//evil.example>")),
            "<iframe",
        ),
        (
            "x.jpg",
            jpeg(format!("{far}<a href=\"javascript:alert(1)\">x</a>").as_bytes()),
            "javascript:",
        ),
        (
            "x.jpg",
            jpeg(format!("{far}<!DOCTYPE html><p>hi").as_bytes()),
            "<!doctype",
        ),
        (
            "x.png",
            png_with_text(&format!("{far}<?xml-stylesheet type='text/xsl' href='#'?>")),
            "<?xml-stylesheet",
        ),
        ("x.pdf", pdf_with(&format!("{far}{html}")), "<html"),
        (
            "x.pdf",
            pdf_with(&format!("{far}/URI (javascript:alert(1))")),
            "javascript:",
        ),
    ];
    for (name, bytes, marker) in &cases {
        let res = upload(&app, &token, name, None, bytes).await;
        let problem = assert_problem(res, 415).await;
        assert_eq!(
            problem["type"], "urn:atout:problem:document-polyglot",
            "{name}: {problem}"
        );
        assert_eq!(problem["marker"], *marker, "{name}: {problem}");
        let offset = problem["offset"].as_u64().unwrap();
        assert!(
            offset > 8192,
            "{name}: found past the sniffed head: {problem}"
        );
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("markup"), "{detail}");
        assert!(problem["allowedTypes"].is_array());
        assert_eq!(
            vault_state(&app, &token).await,
            before,
            "{name}: nothing kept"
        );
    }

    // Raw body sent in pieces, the marker split between two of them.
    let whole = gif(format!("{far}<script>alert(1)</script>").as_bytes());
    let at = whole.windows(7).position(|w| w == b"<script").unwrap() + 4;
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(whole[..at].to_vec()), Ok(whole[at..].to_vec())];
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        for piece in pieces {
            let _ = tx.send(piece).await;
            tokio::task::yield_now().await;
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let res = app
        .client
        .post(app.url("/wallet/documents?name=split.gif"))
        .bearer_auth(&token)
        .header("content-type", "image/gif")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 415).await;
    assert_eq!(problem["marker"], "<script", "{problem}");
    assert_eq!(vault_state(&app, &token).await, before);

    // Within a multipart form too, and the markup near the start as
    // before (the sniffed head's stricter rule).
    let res = upload_form(
        &app,
        &token,
        &[file_part(
            "early.gif",
            Some("image/gif"),
            &gif(html.as_bytes()),
        )],
    )
    .await;
    let problem = assert_problem(res, 415).await;
    assert_eq!(problem["type"], "urn:atout:problem:document-polyglot");
    assert_eq!(vault_state(&app, &token).await, before);
    app.stop().await;
}

#[tokio::test]
async fn the_page_says_why_a_polyglot_is_refused_in_both_languages() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    v.sign_up("renee@example.org", "Renée").await;
    let polyglot = gif(format!("{}<script>alert(1)</script>", filler(10_000)).as_bytes());
    for (lang, expected) in [
        ("fr", "il porte du code de page web ou de script"),
        ("en", "it carries web page or script code"),
    ] {
        v.lang = lang;
        v.get(&format!("/me/documents?lang={lang}")).await;
        let shown = v
            .upload(
                "/me/documents",
                &[],
                "file",
                "x.html",
                "image/gif",
                polyglot.clone(),
            )
            .await;
        assert_eq!(shown.status, 422, "{}", shown.body);
        shown.expect(expected);
        assert!(shown.has("aria-invalid"), "the error is tied to the field");
    }
    // A real image named like a page is accepted, under its own extension.
    v.get("/me/documents").await;
    let shown = v
        .upload(
            "/me/documents",
            &[],
            "file",
            "x.html",
            "image/gif",
            gif(b""),
        )
        .await;
    assert_eq!(shown.status, 303, "{}", shown.body);
    v.follow("/me/documents").await.expect("x.gif");
    app.stop().await;
}
