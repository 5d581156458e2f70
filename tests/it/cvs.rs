//! CVs (issue 17), over real HTTP on both databases: a contextual CV
//! started from an occupation, printed as a PDF that is read back with
//! poppler (its text, its tagged structure, its PDF/A and PDF/UA
//! identification) and whose QR codes are decoded with zbar and opened as
//! an employer would; the line's page follows the credential's revocation;
//! the CV's online version answers 410 once revoked. Hostile text in every
//! field comes out verbatim. The CV limit holds under a hundred
//! simultaneous requests. The account export carries the CVs.

use crate::archive::{accredit, entry, export, file, import, import_credential, unzip};
use crate::common::*;
use crate::invitations::{as_invited, confirm, invite, link_path as invitation_path};
use crate::issue::diploma;
use crate::verify::Issuer;
use serde_json::{json, Value};
use std::process::Command;

/// What the fixture's citizen has.
pub struct Portfolio {
    pub token: String,
    pub issued: Value,
    pub holding: String,
    pub education: String,
    pub experience: String,
    pub care: String,
    pub language: String,
    pub skill: String,
}

/// A citizen with a certified diploma, two experiences (one endorsed, with
/// a ROME code), a language and a skill.
pub async fn portfolio(issuer: &Issuer, email: &str) -> Portfolio {
    let app = &issuer.app;
    let token = app.sign_up(email).await;
    let res = app
        .client
        .patch(app.url("/wallet/me"))
        .bearer_auth(&token)
        .json(&json!({"displayName": "Camille Lefèvre", "headline": "Développeuse Rust"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let issued = issuer.issue(diploma(app), json!({})).await;
    let holding = import_credential(
        app,
        &token,
        "application/json",
        serde_json::to_string(&issued).unwrap(),
    )
    .await;
    let education = entry(
        app,
        &token,
        json!({"kind": "education", "title": "Master Informatique", "organisation": "Université A",
               "startDate": "2024-09", "endDate": "2026-06", "holdingId": holding}),
    )
    .await;
    let experience = entry(
        app,
        &token,
        json!({"kind": "experience", "title": "Développeuse logiciel", "organisation": "Atelier Loire",
               "place": "Orléans", "startDate": "2022-01", "endDate": "2024-08",
               "description": "Conception d’un service de paiement : Rust, PostgreSQL.",
               "details": {"frameworks": [{"framework": "ROME", "code": "M1805"}],
                           "keywords": ["Rust", "PostgreSQL"]}}),
    )
    .await;
    let care = entry(
        app,
        &token,
        json!({"kind": "experience", "title": "Aide-soignante", "organisation": "EHPAD Les Tilleuls",
               "startDate": "2019-06", "endDate": "2021-09",
               "details": {"frameworks": [{"framework": "ROME", "code": "J1501"}]}}),
    )
    .await;
    let language = entry(
        app,
        &token,
        json!({"kind": "language", "title": "Anglais",
               "details": {"languageCode": "en", "cefr": {"listening": "C1", "reading": "C2",
                   "spokenInteraction": "B2", "spokenProduction": "B1", "writing": "B2"}}}),
    )
    .await;
    let skill = entry(
        app,
        &token,
        json!({"kind": "skill", "title": "Soudure à l’arc"}),
    )
    .await;
    // A former manager endorses the experience.
    let invitation = invite(
        app,
        &token,
        json!({"email": "cadre@example.org", "role": "certifier", "entries": [experience]}),
    )
    .await;
    let path = invitation_path(&invitation);
    let session = confirm(app, &path, "cadre@example.org", "Nadia Benali").await;
    let res = as_invited(
        app,
        "POST",
        &format!("{path}/endorsements"),
        &session,
        Some(json!({"entryId": experience, "comment": "Rigoureuse et inventive."})),
    )
    .await;
    assert_eq!(res.status(), 201);
    Portfolio {
        token,
        issued,
        holding,
        education,
        experience,
        care,
        language,
        skill,
    }
}

/// Whether poppler's and zbar's tools are here; CI sets
/// `ATOUT_REQUIRE_PDF_TOOLS=1` and installs them.
pub fn pdf_tools() -> bool {
    let here = ["pdftotext", "pdfinfo", "pdftoppm", "zbarimg"]
        .iter()
        .all(|t| Command::new(t).arg("-v").output().is_ok());
    if !here {
        assert!(
            std::env::var("ATOUT_REQUIRE_PDF_TOOLS").is_err(),
            "poppler-utils and zbar-tools are required (ATOUT_REQUIRE_PDF_TOOLS is set)"
        );
        eprintln!("skipped: reading PDFs back needs poppler-utils and zbar-tools (apt-get install poppler-utils zbar-tools)");
    }
    here
}

/// `pdfinfo` says the document is tagged.
pub fn tagged(info: &str) -> bool {
    info.lines()
        .any(|l| l.starts_with("Tagged:") && l.trim_end().ends_with("yes"))
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PDF's text (poppler), its `pdfinfo` (with `-meta`), its structure
/// tree (`pdfinfo -struct`), and the QR codes of its pages (rendered at
/// 300 dpi: a 14 mm code needs it, decoded by zbar).
pub struct ReadBack {
    pub text: String,
    pub info: String,
    pub structure: String,
    pub codes: Vec<String>,
}

pub fn read_back(pdf: &[u8]) -> ReadBack {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cv.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = run(Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-"));
    let info = run(Command::new("pdfinfo").arg(&path))
        + &run(Command::new("pdfinfo").arg("-meta").arg(&path));
    let structure = run(Command::new("pdfinfo").arg("-struct").arg(&path));
    run(Command::new("pdftoppm")
        .args(["-r", "300", "-png"])
        .arg(&path)
        .arg(dir.path().join("page")));
    let mut codes = Vec::new();
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    for page in pages {
        let out = Command::new("zbarimg")
            .args(["--raw", "-q"])
            .arg(&page)
            .output()
            .unwrap();
        codes.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    ReadBack {
        text,
        info,
        structure,
        codes,
    }
}

async fn pdf(app: &TestApp, token: &str, cv: &str) -> (Vec<u8>, reqwest::header::HeaderMap) {
    let res = app
        .client
        .post(app.url(&format!("/wallet/cvs/{cv}/pdf")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let headers = res.headers().clone();
    (res.bytes().await.unwrap().to_vec(), headers)
}

fn path_of(app: &TestApp, url: &str) -> String {
    url.strip_prefix(&app.base)
        .unwrap_or_else(|| panic!("{url} is not under {}", app.base))
        .to_owned()
}

#[tokio::test]
async fn a_contextual_cv_prints_and_each_certified_line_proves_itself() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    accredit(&issuer).await;
    let p = portfolio(&issuer, "camille@example.org").await;

    // Suggestions for a developer's job: the experience with the same ROME
    // code first, the language always, never the welding skill.
    let res = app
        .post_json(
            "/wallet/cvs/suggestions",
            Some(&p.token),
            &json!({"text": "Développeur informatique", "framework": "ROME", "code": "m1805"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let suggestions: Value = res.json().await.unwrap();
    let items = suggestions["items"].as_array().unwrap();
    assert_eq!(items[0]["id"], p.experience.as_str(), "{suggestions:#}");
    assert_eq!(
        items[0]["reasons"][0],
        json!({"kind": "code", "value": "M1805"})
    );
    let find = |id: &str| items.iter().find(|i| i["id"] == id).unwrap().clone();
    assert_eq!(find(&p.skill)["selected"], false);
    assert_eq!(find(&p.language)["selected"], true);
    assert_eq!(find(&p.language)["reasons"][0]["kind"], "language");
    assert_eq!(find(&p.care)["selected"], false, "another ROME family");
    // "Informatique" is in the master's title.
    assert_eq!(find(&p.education)["selected"], true);
    assert_eq!(find(&p.education)["reasons"][0]["kind"], "words");

    // A CV started from that occupation takes the suggested lines.
    let res = app
        .post_json(
            "/wallet/cvs",
            Some(&p.token),
            &json!({"title": "Développeuse – Tours", "lang": "fr", "design": "classic",
                    "target": {"text": "Développeur informatique", "framework": "ROME", "code": "M1805"},
                    "contact": [{"kind": "email", "value": "camille@example.org"}]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let cv: Value = res.json().await.unwrap();
    let id = cv["id"].as_str().unwrap().to_owned();
    let lines: Vec<&str> = cv["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(lines.contains(&p.experience.as_str()) && lines.contains(&p.education.as_str()));
    assert!(!lines.contains(&p.skill.as_str()) && !lines.contains(&p.care.as_str()));
    assert_eq!(
        cv["headline"], "Développeuse Rust",
        "the account's headline by default"
    );
    assert!(
        cv["online"].is_null(),
        "no online version before the first PDF"
    );

    // As printed: French typography (a no-break space before the colon:
    // pdftotext shows it as a plain space, so it is checked here).
    let document: Value = app
        .get(&format!("/wallet/cvs/{id}/document"), Some(&p.token))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        document.to_string().contains("paiement\u{a0}:"),
        "{document:#}"
    );

    // The PDF.
    let (bytes, headers) = pdf(app, &p.token, &id).await;
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let cv: Value = app
        .get(&format!("/wallet/cvs/{id}"), Some(&p.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cv["online"]["state"], "active");
    assert_eq!(cv["online"]["current"], true);
    let online = cv["online"]["url"].as_str().unwrap().to_owned();
    // A second PDF reuses the same online version.
    let _ = pdf(app, &p.token, &id).await;
    let again: Value = app
        .get(&format!("/wallet/cvs/{id}"), Some(&p.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["online"]["url"], online.as_str());

    if pdf_tools() {
        let r = read_back(&bytes);
        for text in [
            "Camille Lefèvre",
            "Développeuse Rust",
            "Master Informatique",
            "Développeuse logiciel",
            "Atelier Loire",
            "Anglais",
            "Nadia Benali",
        ] {
            assert!(r.text.contains(text), "{text:?} not in:\n{}", r.text);
        }
        assert!(
            !r.text.contains("Soudure") && !r.text.contains("Aide-soignante"),
            "unselected lines stay out"
        );
        // Tagged, titled, PDF/A-2a and PDF/UA-1.
        assert!(tagged(&r.info), "{}", r.info);
        assert!(r.info.contains("CV – Camille Lefèvre"), "{}", r.info);
        assert!(
            r.info.contains("pdfaid:part") && r.info.contains("pdfuaid:part"),
            "{}",
            r.info
        );
        assert!(
            r.structure.contains("Figure") && r.structure.contains("H"),
            "{}",
            r.structure
        );
        // The codes: the whole CV, and the diploma's line.
        assert!(r.codes.contains(&online), "{:?} lacks {online}", r.codes);
        let line = r
            .codes
            .iter()
            .find(|c| c.starts_with(&format!("{online}/")))
            .unwrap_or_else(|| panic!("no line code in {:?}", r.codes))
            .clone();
        assert_eq!(r.codes.len(), 2, "{:?}", r.codes);
        let squeezed: String = r.text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            squeezed.contains(line.trim_start_matches("http://")),
            "the short link is printed too"
        );

        // The employer scans the line: the diploma's verdict.
        let path = path_of(app, &line);
        let res = app.get(&format!("{path}?lang=fr"), None).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("Master Informatique"), "{html}");
        assert!(
            !html.contains("Développeuse logiciel"),
            "one line's page shows that line"
        );
        assert!(html.contains("Voir tout ce qui a été partagé"));
        // The issuer revokes the diploma: the line's page says so.
        issuer.set_status(&p.issued, "revocation", true).await;
        let html = app
            .get(&format!("{path}?lang=en"), None)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("The issuer has revoked this credential."),
            "{html}"
        );
        // The citizen deletes the experience printed above the diploma:
        // the diploma's code still names the diploma (positions never move).
        let res = app
            .delete(&format!("/wallet/entries/{}", p.experience), Some(&p.token))
            .await;
        assert!(res.status().is_success());
        let html = app
            .get(&format!("{path}?lang=en"), None)
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("Master Informatique"), "{html}");
        // The whole CV.
        let res = app.get(&path_of(app, &online), None).await;
        assert_eq!(res.status(), 200);
        // A line number that the share does not have.
        let res = app
            .get(&format!("{}/99?lang=fr", path_of(app, &online)), None)
            .await;
        assert_eq!(res.status(), 404);
        assert!(res.text().await.unwrap().contains("Ligne inconnue"));
    }

    // The citizen revokes the online version: every code answers 410.
    let share = cv["online"]["shareId"].as_str().unwrap();
    let res = app
        .delete(&format!("/wallet/shares/{share}"), Some(&p.token))
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let res = app.get(&path_of(app, &online), None).await;
    assert_eq!(res.status(), 410);
    let res = app.get(&format!("{}/2", path_of(app, &online)), None).await;
    assert_eq!(res.status(), 410);
    // The CV says its online version is revoked; the next PDF makes a new one.
    let cv: Value = app
        .get(&format!("/wallet/cvs/{id}"), Some(&p.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cv["online"]["state"], "revoked");
    let _ = pdf(app, &p.token, &id).await;
    let cv: Value = app
        .get(&format!("/wallet/cvs/{id}"), Some(&p.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cv["online"]["state"], "active");
    assert_ne!(cv["online"]["url"], online.as_str());

    // JSON Resume of the CV: its lines only.
    let resume: Value = app
        .get(&format!("/wallet/cvs/{id}/resume.json"), Some(&p.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resume["basics"]["name"], "Camille Lefèvre");
    // (The experience was deleted above, when the PDF tools are here.)
    assert!(resume["work"].as_array().is_none_or(|w| w.len() <= 1));
    assert!(resume["education"].as_array().unwrap().len() == 1);
    assert!(resume
        .get("skills")
        .is_none_or(|s| s.as_array().unwrap().is_empty()));
    issuer.app.stop().await;
}

#[tokio::test]
async fn every_design_in_both_languages_and_the_text_as_written() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let token = app.sign_up("hostile@example.org").await;
    let hostile = "#eval(\"1+1\") *gras* $x^2$ <l> @ref = Titre \\ ] } </script><script>alert(1)</script> #import \"/etc/passwd\"";
    let e = entry(
        app,
        &token,
        json!({"kind": "experience", "title": hostile, "organisation": hostile, "place": hostile,
               "startDate": "2020-03", "description": hostile}),
    )
    .await;
    for (design, lang) in [
        ("classic", "fr"),
        ("modern", "en"),
        ("compact", "fr"),
        ("classic", "en"),
    ] {
        let res = app
            .post_json(
                "/wallet/cvs",
                Some(&token),
                &json!({"title": format!("{design} {lang}"), "lang": lang, "design": design,
                        "headline": hostile, "presentation": hostile,
                        "contact": [{"kind": "phone", "value": hostile}],
                        "items": [{"kind": "entry", "id": e}]}),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let cv: Value = res.json().await.unwrap();
        let id = cv["id"].as_str().unwrap();
        let document: Value = app
            .get(&format!("/wallet/cvs/{id}/document"), Some(&token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(document["lang"], lang);
        let (bytes, _) = pdf(app, &token, id).await;
        if pdf_tools() {
            let r = read_back(&bytes);
            // pdftotext breaks lines; compare without white space.
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let text = squeeze(&r.text);
            for part in [
                "#eval(\"1+1\")",
                "*gras*",
                "$x^2$",
                "</script><script>alert(1)</script>",
                "#import\"/etc/passwd\"",
            ] {
                assert!(
                    text.contains(&squeeze(part)),
                    "{design} {lang}: {part:?} not verbatim in {}",
                    r.text
                );
            }
            assert!(tagged(&r.info), "{}", r.info);
        }
    }
    issuer.app.stop().await;
}

#[tokio::test]
async fn bad_cvs_are_refused_in_words_and_the_limit_holds_under_a_hundred_requests() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("limits@example.org").await;
    let other = app.sign_up("other@example.org").await;
    let mine = entry(&app, &token, json!({"kind": "skill", "title": "Rust"})).await;
    for (body, field) in [
        (json!({"title": ""}), "title"),
        (json!({"title": "x", "lang": "de"}), "lang"),
        (json!({"title": "x", "design": "baroque"}), "design"),
        (json!({"title": "x", "sections": ["hobbies"]}), "sections"),
        (
            json!({"title": "x", "contact": [{"kind": "fax", "value": "1"}]}),
            "contact",
        ),
        (
            json!({"title": "x", "target": {"text": "x", "framework": "ROME", "code": "ZZ"}}),
            "target",
        ),
        (
            json!({"title": "x", "items": [{"kind": "document", "id": "x"}]}),
            "items",
        ),
    ] {
        let res = app.post_json("/wallet/cvs", Some(&token), &body).await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["field"], field, "{problem}");
    }
    // Another citizen's entry.
    let res = app
        .post_json(
            "/wallet/cvs",
            Some(&other),
            &json!({"title": "x", "items": [{"kind": "entry", "id": mine}]}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["item"], mine.as_str());
    // And their CV is 404 to the first citizen.
    let res = app
        .post_json("/wallet/cvs", Some(&other), &json!({"title": "theirs"}))
        .await;
    let theirs: Value = res.json().await.unwrap();
    let res = app
        .get(
            &format!("/wallet/cvs/{}", theirs["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_problem(res, 404).await;

    // A hundred CVs at once: exactly the most allowed are made.
    let mut tasks = Vec::new();
    for i in 0..100 {
        let client = app.client.clone();
        let url = app.url("/wallet/cvs");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"title": format!("CV {i}"), "items": []}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut created = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            201 => created += 1,
            409 => refused += 1,
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!(created, 30);
    assert_eq!(refused, 70);
    let list: Value = app
        .get("/wallet/cvs", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 30);
    app.stop().await;
}

#[tokio::test]
async fn the_public_page_speaks_schema_org_and_a_new_handle_retires_the_old() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    accredit(&issuer).await;
    let p = portfolio(&issuer, "public@example.org").await;
    // None by default.
    assert_problem(app.get("/wallet/profile", Some(&p.token)).await, 404).await;
    let res = app
        .client
        .put(app.url("/wallet/profile"))
        .bearer_auth(&p.token)
        .json(&json!({"handle": "camille-lefevre", "published": true, "lang": "fr",
                      "presentation": "Je cherche un poste à Tours.",
                      "items": [{"kind": "entry", "id": p.education}, {"kind": "credential", "id": p.holding},
                                {"kind": "entry", "id": p.experience}, {"kind": "entry", "id": p.language},
                                {"kind": "entry", "id": p.skill}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let public: Value = app
        .get("/profiles/camille-lefevre", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["indexable"], false);
    let ld = &public["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Person");
    assert_eq!(ld["name"], "Camille Lefèvre");
    assert_eq!(
        ld["hasCredential"][0]["@type"],
        "EducationalOccupationalCredential"
    );
    assert_eq!(
        ld["hasCredential"][0]["recognizedBy"]["name"],
        "Université A"
    );
    assert_eq!(ld["alumniOf"][0]["name"], "Université A");
    assert_eq!(ld["knowsLanguage"][0]["name"], "Anglais");
    assert_eq!(ld["hasOccupation"][0]["name"], "Développeuse logiciel");
    assert_eq!(ld["knowsAbout"][0], "Soudure à l’arc");
    // The page for people: not indexed, Open Graph, the same JSON-LD.
    let res = app.get("/p/camille-lefevre", None).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["x-robots-tag"]
        .to_str()
        .unwrap()
        .contains("noindex"));
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{html}"
    );
    assert!(
        html.contains("<meta property=\"og:title\" content=\"Camille Lefèvre\">"),
        "{html}"
    );
    assert!(html.contains("<html lang=\"fr\">"));
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let embedded: Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(&embedded, ld);
    // The credential's link verifies it.
    let verify = ld["hasCredential"][0]["url"].as_str().unwrap();
    let res = app.get(&path_of(app, verify), None).await;
    assert_eq!(res.status(), 200);
    // It is JSON-LD: Digital Bazaar's jsonld expands it in safe mode
    // (nothing dropped silently) and every property and type it uses is a
    // schema.org IRI.
    let expanded = crate::interop::node(&["schemaorg.mjs"], ld.clone()).await;
    let iris: Vec<&str> = expanded["properties"]
        .as_array()
        .unwrap()
        .iter()
        .chain(expanded["types"].as_array().unwrap())
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        iris.contains(&"https://schema.org/hasCredential"),
        "{expanded}"
    );
    assert!(iris.contains(&"https://schema.org/EducationalOccupationalCredential"));
    for iri in &iris {
        assert!(iri.starts_with("https://schema.org/"), "{iri}");
    }
    // Only schema.org terms: every key is one of the vocabulary's (or a
    // JSON-LD keyword).
    fn keys(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.push(k.clone());
                    keys(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    keys(ld, &mut all);
    for k in all {
        assert!(
            [
                "@context",
                "@type",
                "name",
                "url",
                "jobTitle",
                "description",
                "hasCredential",
                "credentialCategory",
                "recognizedBy",
                "dateCreated",
                "alumniOf",
                "knowsLanguage",
                "hasOccupation",
                "knowsAbout"
            ]
            .contains(&k.as_str()),
            "{k} is not a schema.org term we checked"
        );
    }
    // A new handle: the old one stops at once.
    let res = app
        .client
        .put(app.url("/wallet/profile"))
        .bearer_auth(&p.token)
        .json(&json!({"handle": "camille-l", "published": true, "indexable": true, "lang": "en",
                      "items": [{"kind": "entry", "id": p.education}, {"kind": "credential", "id": p.holding},
                                {"kind": "entry", "id": p.experience}, {"kind": "entry", "id": p.language},
                                {"kind": "entry", "id": p.skill}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_problem(app.get("/profiles/camille-lefevre", None).await, 404).await;
    let public: Value = app
        .get("/profiles/camille-l", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["indexable"], true);
    let res = app.get("/p/camille-l", None).await;
    assert!(!res.headers()["x-robots-tag"]
        .to_str()
        .unwrap()
        .contains("noindex"));
    let html = res.text().await.unwrap();
    assert!(!html.contains("noindex") && html.contains("<html lang=\"en\">"));
    assert_eq!(app.get("/p/camille-lefevre", None).await.status(), 404);
    assert_eq!(
        public["jsonLd"]["hasCredential"][0]["url"], verify,
        "same lines, same share"
    );
    // Another citizen cannot take it.
    let other = app.sign_up("rival@example.org").await;
    let res = app
        .client
        .put(app.url("/wallet/profile"))
        .bearer_auth(&other)
        .json(&json!({"handle": "camille-l", "published": true}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 409).await;
    assert_eq!(problem["field"], "handle");
    // Unpublished: 404 alike.
    let res = app
        .client
        .put(app.url("/wallet/profile"))
        .bearer_auth(&p.token)
        .json(&json!({"handle": "camille-l", "published": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_problem(app.get("/profiles/camille-l", None).await, 404).await;
    // The lines changed (none now): the old share is revoked.
    assert_eq!(app.get(&path_of(app, verify), None).await.status(), 410);

    // LinkedIn: the add-to-profile link, whose certification URL verifies.
    let res = app
        .post_json(
            &format!("/wallet/holdings/{}/linkedin", p.holding),
            Some(&p.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let url = url::Url::parse(body["addToProfile"].as_str().unwrap()).unwrap();
    assert_eq!(url.host_str(), Some("www.linkedin.com"));
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["startTask"], "CERTIFICATION_NAME");
    assert_eq!(q["organizationName"], "Université A");
    assert!(q["issueYear"].len() == 4);
    assert_eq!(q["certUrl"], body["verifyUrl"].as_str().unwrap());
    assert_eq!(
        app.get(&path_of(app, &q["certUrl"]), None).await.status(),
        200
    );
    // Asked again: the same link.
    let again: Value = app
        .post_json(
            &format!("/wallet/holdings/{}/linkedin", p.holding),
            Some(&p.token),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["verifyUrl"], body["verifyUrl"]);
    issuer.app.stop().await;
}

#[tokio::test]
async fn the_export_carries_every_cv_and_imports_again() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    accredit(&issuer).await;
    let p = portfolio(&issuer, "export@example.org").await;
    let res = app
        .post_json(
            "/wallet/cvs",
            Some(&p.token),
            &json!({"title": "Général", "design": "modern"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let zip = export(app, &p.token).await;
    let files = unzip(&zip);
    let json_cv: Value = serde_json::from_slice(file(&files, "cvs/Général.json")).unwrap();
    assert_eq!(json_cv["design"], "modern");
    assert!(json_cv["items"].as_array().unwrap().len() >= 5);
    assert_eq!(json_cv["resume"]["basics"]["name"], "Camille Lefèvre");
    assert!(file(&files, "cvs/Général.pdf").starts_with(b"%PDF-"));
    // The archive still imports (the CVs are read, not restored).
    let fresh = app.sign_up("fresh@example.org").await;
    let res = import(app, &fresh, zip).await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    issuer.app.stop().await;
}
