//! The verification page for people (`/verify/{token}`, `/verify`) and the
//! QR codes of verification links, over real HTTP: verdicts in French and
//! English, the issuer named from the registry only, every check, the
//! paste form and its errors, readable error pages, QR codes read back.

use crate::common::*;
use crate::issue::{diploma, unwrap_credential};
use serde_json::{json, Value};

const UNKNOWN_TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAA";

struct Setup {
    app: TestApp,
    key: String,
    did: String,
}

impl Setup {
    async fn new(extra: &[(&str, &str)]) -> Self {
        let app = TestApp::spawn_with(extra).await;
        app.create_org("univ-a").await;
        let (_, key) = app.create_api_key("univ-a").await;
        let did = format!("did:web:127.0.0.1%3A{}:orgs:univ-a", app.addr.port());
        Self { app, key, did }
    }

    /// Issues; returns the credential as returned (a Data Integrity
    /// credential or an `EnvelopedVerifiableCredential`).
    async fn issue(&self, credential: Value, options: Value) -> Value {
        let res = self
            .app
            .post_json(
                "/credentials/issue",
                Some(&self.key),
                &json!({"credential": credential, "options": options}),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let body: Value = res.json().await.unwrap();
        body.get("verifiableCredential").cloned().unwrap_or(body)
    }

    /// The issuer's view of a credential: its `verification` object.
    async fn links(&self, issued: &Value) -> Value {
        let id = unwrap_credential(issued)["id"].as_str().unwrap().to_owned();
        let res = self
            .app
            .get(&format!("/orgs/univ-a/credentials/{id}"), Some(&self.key))
            .await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        body["verification"].clone()
    }

    async fn link(&self, issued: &Value) -> String {
        self.links(issued).await["url"].as_str().unwrap().to_owned()
    }

    async fn set_status(&self, issued: &Value, purpose: &str) {
        let id = unwrap_credential(issued)["id"].as_str().unwrap().to_owned();
        let res = self
            .app
            .post_json(
                "/credentials/status",
                Some(&self.key),
                &json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": true, "statusPurpose": purpose}]}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }

    /// Adds the organisation to the trust registry (admin API).
    async fn accredit(&self) {
        let path = format!(
            "/admin/registry/issuers/{}",
            self.did.replace('%', "%25").replace(':', "%3A")
        );
        let res = self
            .app
            .client
            .put(self.app.url(&path))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({
                "name": {"fr": "Université d'Orléans", "en": "University of Orléans"},
                "accreditation": "Certificateur RNCP",
                "validFrom": "2025-01-01T00:00:00Z"
            }))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    }
}

/// A page as a person reads it (entities decoded).
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

impl Page {
    async fn from(res: reqwest::Response) -> Self {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let html = res.text().await.unwrap();
        Self {
            status,
            headers,
            html,
        }
    }

    /// The text with HTML entities decoded.
    fn text(&self) -> String {
        let mut out = self.html.clone();
        for (entity, c) in [
            ("&#39;", "'"),
            ("&#x27;", "'"),
            ("&#34;", "\""),
            ("&quot;", "\""),
            ("&#60;", "<"),
            ("&lt;", "<"),
            ("&#62;", ">"),
            ("&gt;", ">"),
        ] {
            out = out.replace(entity, c);
        }
        out.replace("&#38;", "&").replace("&amp;", "&")
    }

    fn has(&self, text: &str) -> bool {
        self.text().contains(text)
    }

    #[track_caller]
    fn assert_has(&self, texts: &[&str]) {
        for t in texts {
            assert!(self.has(t), "{t:?} missing from:\n{}", self.html);
        }
    }

    #[track_caller]
    fn assert_html(&self, status: u16, lang: &str) {
        assert_eq!(self.status, status, "{}", self.html);
        assert_eq!(self.headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(self.headers["content-language"], lang);
        assert!(self.html.starts_with("<!DOCTYPE html>"));
        assert!(self.html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(self.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("style-src 'sha256-"));
        assert!(self.headers.contains_key("x-request-id"));
    }
}

async fn page(app: &TestApp, url: &str, accept_language: Option<&str>) -> Page {
    let mut req = app.client.get(url);
    if let Some(l) = accept_language {
        req = req.header("accept-language", l);
    }
    Page::from(req.send().await.unwrap()).await
}

/// A form field: name, file name (for a file), content.
pub type Field<'a> = (&'a str, Option<&'a str>, &'a [u8]);

/// A multipart/form-data body.
fn multipart(fields: &[Field<'_>]) -> (String, Vec<u8>) {
    let boundary = "----atout-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, filename, content) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn post_form(app: &TestApp, query: &str, fields: &[Field<'_>]) -> Page {
    let (content_type, body) = multipart(fields);
    let res = app
        .client
        .post(app.url(&format!("/verify{query}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    Page::from(res).await
}

fn jwt_of(enveloped: &Value) -> String {
    enveloped["id"]
        .as_str()
        .unwrap()
        .strip_prefix("data:application/vc+jwt,")
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_fresh_credential_shows_its_verdict_issuer_and_checks_in_french_and_english() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let issued = s.issue(diploma(app), json!({})).await;

    // The issuer's view carries the link and its QR codes; the token is
    // short, random, and the same on every call.
    let links = s.links(&issued).await;
    let url = links["url"].as_str().unwrap().to_owned();
    let token = url.strip_prefix(&app.url("/verify/")).unwrap().to_owned();
    assert_eq!(token.len(), 22, "{url}");
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(links["qrSvg"], format!("{url}/qr.svg"));
    assert_eq!(links["qrPng"], format!("{url}/qr.png"));
    assert_eq!(s.links(&issued).await, links);

    // Not in the registry: authentic, current, but "unknown issuer" with
    // the DID in small print; French by default.
    let p = page(app, &url, None).await;
    p.assert_html(200, "fr");
    p.assert_has(&[
        "Authentique et à jour, mais émetteur non reconnu",
        "Émetteur inconnu",
        &s.did,
        "Renée Dupont-Lefèvre",
        "Master Informatique, parcours Intelligence Artificielle",
        "15 janvier 2026 à 10:00 UTC",
        "Data Integrity (eddsa-rdfc-2022)",
        "Contrôles effectués",
        "Signature",
        "La signature correspond au contenu",
        "Clé de l’émetteur",
        "Période de validité",
        "Révocation",
        "Le justificatif n’a pas été révoqué.",
        "Suspension",
        "Le justificatif n’est pas suspendu.",
        "Émetteur accrédité",
        "L’émetteur ne figure pas au registre des organismes accrédités.",
        "Informations de révocation et de suspension obtenues le",
        &format!("href=\"/verify/{token}?lang=en\""),
        &url,
    ]);
    // Never the organisation's own name: only the registry names issuers.
    assert!(!p.has("Organisme univ-a"));
    assert!(p.html.contains("role=\"img\" aria-label=\"Réussi\">✓"));
    // An issuer outside the registry is a warning, never "Échec" beside a
    // valid signature (issue 16).
    assert!(p.html.contains("role=\"img\" aria-label=\"Attention\">!"));
    assert!(!p.has("Échec"));
    assert!(p
        .html
        .contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert_eq!(p.headers["cache-control"], "no-store");
    assert_eq!(p.headers["x-robots-tag"], "noindex, nofollow");
    assert_eq!(p.headers["referrer-policy"], "no-referrer");

    let p = page(app, &url, Some("de-DE,de;q=0.9,en;q=0.8,fr;q=0.5")).await;
    p.assert_html(200, "en");
    p.assert_has(&[
        "Authentic and current, but from an unrecognised issuer",
        "Unknown issuer",
        "15 January 2026 at 10:00 UTC",
        "Issuer’s key",
        "Validity period",
        "The credential has not been revoked.",
        "The issuer is not in the registry of accredited organisations.",
        &format!("href=\"/verify/{token}?lang=fr\""),
    ]);

    // In the registry: its official name, in the page's language.
    s.accredit().await;
    let p = page(app, &url, Some("en-US,en;q=0.9")).await;
    p.assert_html(200, "en");
    p.assert_has(&[
        "Authentic, valid and current",
        "University of Orléans",
        "Certificateur RNCP",
        "The issuer is in the registry of accredited organisations.",
    ]);
    assert!(!p.has("Unknown issuer"));
    assert!(!p.has("Université d'Orléans"));
    // ?lang= wins over Accept-Language.
    let p = page(app, &format!("{url}?lang=fr"), Some("en")).await;
    p.assert_html(200, "fr");
    p.assert_has(&[
        "Authentique, valide et à jour",
        "Université d'Orléans",
        "L’émetteur figure au registre des organismes accrédités.",
    ]);
    assert!(!p.has("Émetteur inconnu"));
    let p = page(app, &format!("{url}?lang=en"), Some("fr")).await;
    p.assert_html(200, "en");

    // A vc+jwt credential: same page, its format named.
    let enveloped = s
        .issue(diploma(app), json!({"format": "vc+jwt", "alg": "EdDSA"}))
        .await;
    let p = page(app, &s.link(&enveloped).await, Some("fr")).await;
    p.assert_html(200, "fr");
    p.assert_has(&[
        "Authentique, valide et à jour",
        "Université d'Orléans",
        "JWT (vc+jwt, EdDSA)",
    ]);
    s.app.stop().await;
}

#[tokio::test]
async fn revoked_and_suspended_credentials_say_so_in_both_languages() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    s.accredit().await;
    let revoked = s.issue(diploma(app), json!({})).await;
    let suspended = s
        .issue(diploma(app), json!({"format": "vc+jwt", "alg": "EdDSA"}))
        .await;
    let revoked_url = s.link(&revoked).await;
    let suspended_url = s.link(&suspended).await;
    s.set_status(&revoked, "revocation").await;
    s.set_status(&suspended, "suspension").await;

    let p = page(app, &revoked_url, Some("fr")).await;
    p.assert_html(200, "fr");
    p.assert_has(&[
        "Ce justificatif n’est pas valide",
        "L’émetteur a révoqué ce justificatif.",
        "aria-label=\"Échec\">✗",
        "Université d'Orléans",
    ]);
    assert!(p.has("révoqué"));
    // The reason is given with the verdict, and in the list of checks.
    assert_eq!(
        p.text()
            .matches("L’émetteur a révoqué ce justificatif.")
            .count(),
        2
    );
    let p = page(app, &revoked_url, Some("en")).await;
    p.assert_html(200, "en");
    p.assert_has(&[
        "This credential is not valid",
        "The issuer has revoked this credential.",
    ]);
    assert!(p.has("revoked"));

    let p = page(app, &suspended_url, Some("fr")).await;
    p.assert_has(&[
        "Ce justificatif n’est pas valide",
        "L’émetteur a suspendu ce justificatif.",
        "Le justificatif n’a pas été révoqué.",
    ]);
    let p = page(app, &suspended_url, Some("en")).await;
    p.assert_has(&["The issuer has suspended this credential."]);
    s.app.stop().await;
}

#[tokio::test]
async fn the_issuer_is_never_named_from_the_credential_and_content_is_escaped() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mut credential = diploma(app);
    credential["issuer"] = json!({"id": s.did, "name": "Université de Paris"});
    credential["credentialSubject"]["givenName"] = json!("<script>alert(\"x\")</script>");
    let issued = s.issue(credential, json!({})).await;
    assert_eq!(issued["issuer"]["name"], "Université de Paris");
    let url = s.link(&issued).await;
    for lang in ["fr", "en"] {
        let p = page(app, &url, Some(lang)).await;
        p.assert_html(200, lang);
        assert!(!p.html.contains("Université de Paris"), "{}", p.html);
        p.assert_has(&[if lang == "fr" {
            "Émetteur inconnu"
        } else {
            "Unknown issuer"
        }]);
        // The subject's name is shown, escaped.
        assert!(!p.html.contains("<script>"), "{}", p.html);
        assert!(p.has("<script>alert(\"x\")</script> Dupont-Lefèvre"));
    }
    // The same through the paste form.
    let text = serde_json::to_string_pretty(&issued).unwrap();
    let p = post_form(app, "?lang=en", &[("credential", None, text.as_bytes())]).await;
    p.assert_html(200, "en");
    assert!(!p.html.contains("Université de Paris"));
    assert!(!p.html.contains("<script>"));
    p.assert_has(&[
        "Unknown issuer",
        "Authentic and current, but from an unrecognised issuer",
    ]);
    s.app.stop().await;
}

#[tokio::test]
async fn the_paste_form_verifies_json_and_jwts_and_refuses_garbage_readably() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    s.accredit().await;

    // The form: labelled fields, works without JavaScript.
    let p = page(app, &app.url("/verify"), None).await;
    p.assert_html(200, "fr");
    p.assert_has(&[
        "<label for=\"credential\">",
        "<textarea id=\"credential\" name=\"credential\"",
        "<label for=\"file\">",
        "<input type=\"file\" id=\"file\" name=\"file\"",
        "enctype=\"multipart/form-data\"",
        "action=\"/verify?lang=fr\"",
        "<button type=\"submit\">Vérifier</button>",
        "href=\"/verify?lang=en\"",
    ]);
    // Works without JavaScript: the one script is the QR scanner, a file
    // of this site (progressive enhancement), never inline.
    assert_eq!(p.html.matches("<script").count(), 1);
    assert!(p.has("<script src=\"/assets/scan.js\" defer></script>"));
    let csp = p.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    let res = app.get("/assets/scan.js", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(res.text().await.unwrap().contains("BarcodeDetector"));
    assert!(p.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("form-action 'self'"));
    let p = page(app, &app.url("/verify"), Some("en")).await;
    p.assert_html(200, "en");
    p.assert_has(&["Verify a credential", "action=\"/verify?lang=en\""]);

    // A pasted Data Integrity credential.
    let issued = s.issue(diploma(app), json!({})).await;
    let text = serde_json::to_string_pretty(&issued).unwrap();
    let p = post_form(app, "?lang=fr", &[("credential", None, text.as_bytes())]).await;
    p.assert_html(200, "fr");
    p.assert_has(&[
        "Authentique, valide et à jour",
        "Université d'Orléans",
        "Renée Dupont-Lefèvre",
        "href=\"/verify?lang=en\"",
    ]);
    // The same, urlencoded, with an empty file field beside it.
    let res = app
        .client
        .post(app.url("/verify?lang=en"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("credential", &text)
                .finish(),
        )
        .send()
        .await
        .unwrap();
    let p = Page::from(res).await;
    p.assert_html(200, "en");
    p.assert_has(&["Authentic, valid and current"]);
    let p = post_form(
        app,
        "?lang=en",
        &[
            ("credential", None, text.as_bytes()),
            ("file", Some(""), b""),
        ],
    )
    .await;
    p.assert_has(&["Authentic, valid and current"]);

    // A JWT, as a file (an ES256 one from a P-256 key is not needed: EdDSA).
    let enveloped = s
        .issue(diploma(app), json!({"format": "vc+jwt", "alg": "EdDSA"}))
        .await;
    let jwt = jwt_of(&enveloped);
    let p = post_form(
        app,
        "?lang=en",
        &[
            ("credential", None, b""),
            ("file", Some("diploma.jwt"), format!("{jwt}\n").as_bytes()),
        ],
    )
    .await;
    p.assert_html(200, "en");
    p.assert_has(&["Authentic, valid and current", "JWT (vc+jwt, EdDSA)"]);
    // And pasted.
    let p = post_form(app, "", &[("credential", None, jwt.as_bytes())]).await;
    p.assert_html(200, "fr");
    p.assert_has(&["Authentique, valide et à jour"]);

    // Altered content: a result (200), not an error.
    let mut altered = issued.clone();
    altered["credentialSubject"]["familyName"] = json!("Martin");
    let text_altered = altered.to_string();
    let p = post_form(
        app,
        "?lang=fr",
        &[("credential", None, text_altered.as_bytes())],
    )
    .await;
    p.assert_html(200, "fr");
    p.assert_has(&[
        "Ce justificatif n’est pas valide",
        "La signature ne correspond pas au contenu",
        "La signature n’étant pas valide, rien ne garantit ce contenu.",
    ]);

    // Garbage: the form again, 400, the reason in words, what was pasted kept.
    let cases: [(&[Field], &str, &str); 7] = [
        (
            &[("credential", None, b"hello <b>world</b>")],
            "Ce texte n’est ni du JSON ni un JWT.",
            "This text is neither JSON nor a JWT.",
        ),
        (
            &[("credential", None, b"{\"a\": ")],
            "n’est pas du JSON valide",
            "is not valid JSON",
        ),
        (
            &[(
                "credential",
                None,
                b"{\"type\": [\"VerifiableCredential\"]}",
            )],
            "Ce n’est pas un justificatif vérifiable bien formé.",
            "This is not a well-formed verifiable credential.",
        ),
        (
            &[("credential", None, b"eyJhbGciOiJub25lIn0.e30.")],
            "Ce n’est pas un justificatif vérifiable bien formé.",
            "This is not a well-formed verifiable credential.",
        ),
        (
            &[("credential", None, b"  "), ("file", Some(""), b"")],
            "Collez un justificatif ou choisissez un fichier.",
            "Paste a credential or choose a file.",
        ),
        (
            &[("credential", None, b"{}"), ("file", Some("c.json"), b"{}")],
            "mais pas les deux",
            "not both",
        ),
        (
            &[("file", Some("c.json"), b"\xff\xfe{\x00}")],
            "Le fichier n’est pas un fichier texte",
            "The file is not a text file",
        ),
    ];
    for (fields, fr, en) in cases {
        for (lang, expected) in [("fr", fr), ("en", en)] {
            let p = post_form(app, &format!("?lang={lang}"), fields).await;
            p.assert_html(400, lang);
            p.assert_has(&[
                expected,
                "role=\"alert\"",
                "aria-invalid=\"true\"",
                "<label for=\"credential\">",
            ]);
        }
    }
    let p = post_form(
        app,
        "?lang=en",
        &[("credential", None, b"hello <b>world</b>")],
    )
    .await;
    assert!(
        p.html
            .contains(">hello &#60;b&#62;world&#60;/b&#62;</textarea>")
            || p.html
                .contains(">hello &lt;b&gt;world&lt;/b&gt;</textarea>"),
        "{}",
        p.html
    );
    assert!(!p.html.contains("<b>world"));
    // The engine's reason is given as a technical detail.
    let p = post_form(
        app,
        "?lang=fr",
        &[(
            "credential",
            None,
            b"{\"type\": [\"VerifiableCredential\"]}",
        )],
    )
    .await;
    p.assert_has(&["Détail technique", "lang=\"en\">"]);

    // Not a form at all.
    let res = app
        .client
        .post(app.url("/verify?lang=en"))
        .json(&issued)
        .send()
        .await
        .unwrap();
    let p = Page::from(res).await;
    p.assert_html(415, "en");
    p.assert_has(&["multipart/form-data"]);
    // A broken multipart body.
    let res = app
        .client
        .post(app.url("/verify?lang=en"))
        .header("content-type", "multipart/form-data; boundary=xyz")
        .body("--xyz\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\nunterminated")
        .send()
        .await
        .unwrap();
    let p = Page::from(res).await;
    p.assert_html(400, "en");
    p.assert_has(&["The form that was sent could not be read."]);
    s.app.stop().await;
}

#[tokio::test]
async fn oversized_submissions_get_a_readable_413_page() {
    let s = Setup::new(&[("ATOUT_BODY_LIMIT_BYTES", "2048")]).await;
    let app = &s.app;
    let big = "x".repeat(8192);
    let p = post_form(app, "?lang=fr", &[("credential", None, big.as_bytes())]).await;
    p.assert_html(413, "fr");
    p.assert_has(&["Envoi trop volumineux", "href=\"/verify?lang=fr\""]);
    let p = post_form(app, "", &[("file", Some("big.json"), big.as_bytes())]).await;
    p.assert_html(413, "fr");
    let res = app
        .client
        .post(app.url("/verify"))
        .header("accept-language", "en")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("credential={big}"))
        .send()
        .await
        .unwrap();
    let p = Page::from(res).await;
    p.assert_html(413, "en");
    p.assert_has(&["Too large"]);
    s.app.stop().await;
}

#[tokio::test]
async fn unknown_links_get_a_readable_404_page_in_the_visitors_language() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let p = page(app, &app.url(&format!("/verify/{UNKNOWN_TOKEN}")), None).await;
    p.assert_html(404, "fr");
    p.assert_has(&[
        "Lien de vérification inconnu",
        "href=\"/verify?lang=fr\"",
        &format!("href=\"/verify/{UNKNOWN_TOKEN}?lang=en\""),
    ]);
    let p = page(
        app,
        &app.url(&format!("/verify/{UNKNOWN_TOKEN}")),
        Some("en-GB"),
    )
    .await;
    p.assert_html(404, "en");
    p.assert_has(&["Unknown verification link"]);
    // Malformed tokens: the same page, and the path is not echoed.
    for bad in [
        "short",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        &"A".repeat(23),
    ] {
        let p = page(app, &app.url(&format!("/verify/{bad}?lang=en")), None).await;
        p.assert_html(404, "en");
        assert!(!p.html.contains("<script>alert"));
        assert!(p.html.contains("href=\"/verify?lang=fr\""));
    }
    // QR codes of an unknown token: problems.
    for path in ["qr.svg", "qr.png"] {
        assert_problem(
            app.get(&format!("/verify/{UNKNOWN_TOKEN}/{path}"), None)
                .await,
            404,
        )
        .await;
    }
    s.app.stop().await;
}

/// Reads a QR code from a greyscale image.
fn decode_qr(width: usize, height: usize, pixel: impl Fn(usize, usize) -> u8) -> String {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("a readable QR code").1
}

/// Rasterises the SVG drawn by the QR route (rectangles `M x y h w v 1 h -w z`
/// in a `viewBox` of one unit per module), `scale` pixels per module.
fn rasterise_svg(svg: &str, scale: usize) -> (usize, Vec<u8>) {
    let view_box = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
    let side: usize = view_box.split(' ').next().unwrap().parse().unwrap();
    let d = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let px = side * scale;
    let mut img = vec![255u8; px * px];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let (xy, rest) = rect.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let run: usize = rest.split_once('v').unwrap().0.parse().unwrap();
        assert_eq!(rest, format!("{run}v1h-{run}z"));
        for yy in y * scale..(y + 1) * scale {
            for xx in x * scale..(x + run) * scale {
                img[yy * px + xx] = 0;
            }
        }
    }
    (px, img)
}

fn read_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}

#[tokio::test]
async fn qr_codes_read_back_as_the_verification_link() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let issued = s.issue(diploma(app), json!({})).await;
    let links = s.links(&issued).await;
    let url = links["url"].as_str().unwrap();

    // SVG: vector, with a text alternative; it reads back as the link.
    let res = app
        .client
        .get(links["qrSvg"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert_eq!(res.headers()["cache-control"], "public, max-age=86400");
    let svg = res.text().await.unwrap();
    assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("shape-rendering=\"crispEdges\""));
    assert!(svg.contains(&format!("<title>QR code: {url}</title>")));
    assert!(!svg.contains("<image"), "vector only");
    let (px, img) = rasterise_svg(&svg, 4);
    assert_eq!(decode_qr(px, px, |x, y| img[y * px + x]), url);

    // PNG: 8 pixels per module by default, black and white only.
    let res = app
        .client
        .get(links["qrPng"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["cache-control"], "public, max-age=86400");
    let (w, h, img) = read_png(&res.bytes().await.unwrap());
    assert_eq!(w, h);
    assert_eq!(w % 8, 0);
    assert_eq!(w, px / 4 * 8, "the same modules as the SVG");
    assert!(img.iter().all(|&p| p == 0 || p == 255), "no smoothing");
    // Whole pixels per module: every 8x8 block is one colour.
    for by in (0..h).step_by(8) {
        for bx in (0..w).step_by(8) {
            let first = img[by * w + bx];
            for y in by..by + 8 {
                assert!(img[y * w + bx..y * w + bx + 8].iter().all(|&p| p == first));
            }
        }
    }
    assert_eq!(decode_qr(w, h, |x, y| img[y * w + x]), url);

    // ?size= scales it, modules staying whole pixels; it still reads back.
    for size in [128usize, 300, 1000, 2048] {
        let res = app
            .client
            .get(format!("{}?size={size}", links["qrPng"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let (w, h, img) = read_png(&res.bytes().await.unwrap());
        assert_eq!((w, h), (size, size));
        assert_eq!(decode_qr(w, h, |x, y| img[y * w + x]), url, "size {size}");
    }
    let png_path = format!("{}/qr.png", url.strip_prefix(&app.base).unwrap());
    for bad in [
        "?size=127",
        "?size=2049",
        "?size=0",
        "?size=big",
        "?size=-1",
        "?colour=red",
    ] {
        assert_problem(app.get(&format!("{png_path}{bad}"), None).await, 400).await;
    }
    s.app.stop().await;
}
