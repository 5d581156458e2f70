//! Reference frameworks, skills with evidence, career plans and the
//! training catalogue (issue 18), over real HTTP on both databases.
//!
//! The shipped reference data (`ATOUT_REFERENCE_DATA`, set by `.ci/run`) is
//! imported through the admin API as a publisher's ZIP would be; its counts
//! are checked against the data's README; search is tried with accents,
//! typos and codes in French and English; a new version goes beside the
//! old one and reports the codes gone; bad files are refused whole with
//! their line. The plan scenario: a citizen with a certified diploma, an
//! endorsed experience and a declared skill aims at "web developer", sees
//! the gap, finds a training covering two missing skills, makes it a step,
//! and an invited counsellor comments.

use crate::archive::{accredit, entry, export, file, import_credential, unzip};
use crate::common::*;
use crate::invitations::{as_invited, confirm, invite, link_path as invitation_path};
use crate::issue::diploma;
use crate::verify::Issuer;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;

/// The shared reference data, or `None` (the test says it is skipped).
pub fn reference_data() -> Option<PathBuf> {
    match std::env::var("ATOUT_REFERENCE_DATA") {
        Ok(dir) if PathBuf::from(&dir).join("esco").is_dir() => Some(PathBuf::from(dir)),
        _ => {
            assert!(
                std::env::var("ATOUT_REQUIRE_REFERENCE_DATA").is_err(),
                "ATOUT_REFERENCE_DATA must name the reference-data folder (ATOUT_REQUIRE_REFERENCE_DATA is set)"
            );
            eprintln!(
                "skipped: set ATOUT_REFERENCE_DATA to the shared reference-data folder (ESCO, ROME) to run this test"
            );
            None
        }
    }
}

/// A ZIP of these files (name in the archive, bytes).
pub fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// Every file of a folder of the reference data, as a ZIP.
pub fn zip_dir(dir: &std::path::Path) -> Vec<u8> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, std::fs::read(&path).unwrap()));
        }
    }
    if dir.join("derived").is_dir() {
        for entry in std::fs::read_dir(dir.join("derived")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, std::fs::read(&path).unwrap()));
        }
    }
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    zip_of(&refs)
}

/// Imports a file through the admin API; returns the status and body.
pub async fn import_file(app: &TestApp, query: &str, body: Vec<u8>) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(&format!("/admin/frameworks/imports?{query}")))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Loads the shipped ESCO (English) and ROME files.
pub async fn load_reference(app: &TestApp, data: &std::path::Path) {
    let (status, body) = import_file(
        app,
        "format=esco&version=v1.2.0&lang=en&publishedOn=2024-05-15",
        zip_dir(&data.join("esco")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = import_file(
        app,
        "format=rome&version=4.0-2025-09&publishedOn=2025-09-01",
        zip_dir(&data.join("rome")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn search(app: &TestApp, query: &str) -> Vec<Value> {
    let res = app.get(&format!("/frameworks/search?{query}"), None).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["results"]
        .as_array()
        .unwrap()
        .clone()
}

fn codes(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

pub const WEB_DEVELOPER: &str =
    "http://data.europa.eu/esco/occupation/c40a2919-48a9-40ea-b506-1f34f693496d";
pub const WEB_PROGRAMMING: &str =
    "http://data.europa.eu/esco/skill/69bbd53f-fbb0-4476-b4b2-ef7844464e28";
pub const MARKUP: &str = "http://data.europa.eu/esco/skill/0af062de-eb43-41e9-9b96-249e2cd22d26";
pub const PROGRAMMING: &str =
    "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97";
pub const DEBUG: &str = "http://data.europa.eu/esco/skill/2522a6ce-3202-4ac8-9f5b-b9cb5a3a83a1";
pub const PATTERNS: &str = "http://data.europa.eu/esco/skill/2b7a79e5-84d8-4880-be66-3d9bb05bea17";
pub const PROTOTYPE: &str = "http://data.europa.eu/esco/skill/797a4416-0b8d-44f3-8fcd-eb10bd0be6b4";

#[tokio::test]
async fn the_shipped_files_import_with_their_counts_and_search_finds_with_accents_and_typos() {
    let Some(data) = reference_data() else { return };
    let app = TestApp::spawn().await;
    load_reference(&app, &data).await;

    let res = app.get("/frameworks", None).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let versions = body["versions"].as_array().unwrap();
    let esco = versions.iter().find(|v| v["family"] == "esco").unwrap();
    let rome = versions.iter().find(|v| v["family"] == "rome").unwrap();
    // The README's counts: 3,039 occupations, 13,939 skills (skill and
    // knowledge together), 619 ISCO groups, 1,584 ROME codes.
    let c = &esco["counts"]["concepts"];
    assert_eq!(c["ESCO"]["occupation"], 3039, "{c}");
    let skills =
        c["ESCO"]["skill"].as_u64().unwrap_or(0) + c["ESCO"]["knowledge"].as_u64().unwrap_or(0);
    assert_eq!(skills, 13939, "{c}");
    assert_eq!(c["ISCO"]["isco-group"], 619, "{c}");
    // Relations: 1,941 in the file; those whose skill is not in the v1.2
    // concept lists are skipped and reported, never half-imported.
    let relations = esco["counts"]["links"]["essential-skill"].as_u64().unwrap();
    let skipped = esco["report"]["skippedCount"].as_u64().unwrap();
    assert_eq!(relations + skipped, 1941, "{}", esco["report"]);
    assert!(relations > 1800, "{relations} relations");
    assert_eq!(rome["counts"]["concepts"]["ROME"]["occupation"], 1584);
    assert!(
        rome["counts"]["concepts"]["NAF"]["sector"]
            .as_u64()
            .unwrap()
            >= 80
    );
    assert_eq!(esco["status"], "active");
    assert_eq!(esco["languages"], json!(["en"]));
    // The licences' attributions, in both languages.
    assert!(esco["attribution"]["en"]
        .as_str()
        .unwrap()
        .contains("ESCO classification of the European Commission"));
    assert!(rome["attribution"]["fr"]
        .as_str()
        .unwrap()
        .contains("Licence Ouverte"));
    assert!(body["indexed"].as_u64().unwrap() > 19_000);

    // Importing the same files again changes nothing.
    let (status, again) = import_file(
        &app,
        "format=rome&version=4.0-2025-09&publishedOn=2025-09-01",
        zip_dir(&data.join("rome")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again["created"], false);
    assert_eq!(again["version"]["counts"], rome["counts"]);

    // A code, in any case, comes first.
    let hits = search(&app, "q=m1805&lang=fr").await;
    assert_eq!(hits[0]["code"], "M1805");
    assert_eq!(hits[0]["framework"], "ROME");
    // French, without accents and with a typo: the ROME label is accented.
    let hits = search(&app, "q=developpeur%20informatique&lang=fr&framework=ROME").await;
    assert_eq!(hits[0]["code"], "M1805", "{hits:?}");
    assert_eq!(hits[0]["label"], "Développeur / Développeuse informatique");
    let hits = search(&app, "q=devloppeuse%20informatique&lang=fr&framework=ROME").await;
    assert!(codes(&hits).contains(&"M1805".to_owned()), "{hits:?}");
    let hits = search(&app, "q=informatique%20dev&lang=fr&framework=ROME").await;
    assert!(
        codes(&hits).contains(&"M1805".to_owned()),
        "words in any order: {hits:?}"
    );
    let hits = search(&app, "q=BUCHERON&lang=fr").await;
    assert!(
        hits.iter()
            .any(|h| h["label"].as_str().unwrap().contains("Bûcheron")),
        "{hits:?}"
    );
    // English, prefix and typo.
    let hits = search(&app, "q=web%20develo&lang=en&kind=occupation").await;
    assert!(codes(&hits).contains(&WEB_DEVELOPER.to_owned()), "{hits:?}");
    let hits = search(&app, "q=web%20programing&lang=en&kind=skill").await;
    assert!(
        codes(&hits).contains(&WEB_PROGRAMMING.to_owned()),
        "{hits:?}"
    );
    // A French page asking for an English-only label gets it, marked.
    let hits = search(&app, "q=web%20developer&lang=fr&kind=occupation").await;
    let hit = hits.iter().find(|h| h["code"] == WEB_DEVELOPER).unwrap();
    assert_eq!(hit["fallback"], true);
    assert_eq!(hit["labelLang"], "en");
    // Hostile and empty queries answer, quickly and empty.
    let long = "é".repeat(1000);
    let res = app
        .get(&format!("/frameworks/search?q={long}&lang=fr"), None)
        .await;
    assert_eq!(res.status(), 200);
    assert!(search(&app, "q=%21%21%21&lang=fr").await.is_empty());
    assert_problem(
        app.get("/frameworks/search?q=x&kind=planet", None).await,
        400,
    )
    .await;

    // A concept: web developer's essential skills, with labels.
    let res = app
        .get(
            &format!("/frameworks/concept?framework=ESCO&code={WEB_DEVELOPER}&lang=en"),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let concept: Value = res.json().await.unwrap();
    let needed: Vec<&str> = concept["essentialSkills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert!(needed.contains(&WEB_PROGRAMMING), "{concept}");
    assert!(concept["essentialSkills"][0]["label"].as_str().unwrap() != WEB_PROGRAMMING);
    // The ESCO code by its last part resolves too.
    let uuid = WEB_DEVELOPER.rsplit('/').next().unwrap();
    let res = app
        .get(
            &format!("/frameworks/concept?framework=ESCO&code={uuid}"),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_new_version_goes_beside_the_old_one_and_reports_the_codes_gone() {
    let app = TestApp::spawn().await;
    let v1 = "code_rome,libelle_rome\nM1805,Études et développement informatique\nK2111,Formation professionnelle\nA1201,Bûcheronnage et élagage\n";
    let v2 = "code_rome,libelle_rome\nM1805,Études et développement informatique\nK2111,Formation professionnelle\nM1899,Nouveau métier\n";
    let (status, first) = import_file(
        &app,
        "format=rome&version=2025-09&publishedOn=2025-09-01&filename=referentiel_code_rome.csv",
        v1.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["created"], true);
    let (status, second) = import_file(
        &app,
        "format=rome&version=2026-03&publishedOn=2026-03-01&filename=referentiel_code_rome.csv",
        v2.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["replaced"], "2025-09");
    assert_eq!(second["goneCount"], 1);
    assert_eq!(second["gone"][0]["code"], "A1201");
    // The same files again: merged, still compared with the version before.
    let (status, again) = import_file(
        &app,
        "format=rome&version=2026-03&filename=referentiel_code_rome.csv",
        v2.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again["created"], false);
    assert_eq!(again["version"]["report"]["previousVersion"], "2025-09");
    assert_eq!(again["goneCount"], 1);
    // Both versions stay; the old one resolves the code it alone has.
    let body: Value = app.get("/frameworks", None).await.json().await.unwrap();
    let statuses: Vec<(String, String)> = body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap().into(),
                v["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&("2026-03".into(), "active".into())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("2025-09".into(), "retired".into())),
        "{statuses:?}"
    );
    let old: Value = app
        .get(
            "/frameworks/concept?framework=ROME&code=A1201&lang=fr",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(old["version"], "2025-09");
    assert_eq!(old["active"], false);
    // An entry written with the code keeps the version it was written in.
    let token = app.sign_up("versions@example.org").await;
    let res = app
        .post_json(
            "/wallet/entries",
            Some(&token),
            &json!({"kind": "experience", "title": "Développeuse", "details": {"frameworks": [{"framework": "ROME", "code": "m1805"}]}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let e: Value = res.json().await.unwrap();
    let code = &e["details"]["frameworks"][0];
    assert_eq!(code["code"], "M1805");
    assert_eq!(code["version"], "2026-03");
    assert_eq!(code["label"], "Études et développement informatique");
    // So does a template's code.
    app.create_org("cfa").await;
    let (_, key) = app.create_api_key("cfa").await;
    let res = app
        .post_json(
            "/orgs/cfa/templates",
            Some(&key),
            &json!({"name_fr": "Attestation", "name_en": "Certificate", "type": "CertificateCredential",
                    "framework_code": "m1805",
                    "fields": [{"labelFr": "Nom", "labelEn": "Name", "key": "name", "type": "text", "required": true}]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let template: Value = res.json().await.unwrap();
    assert_eq!(template["subject_schema"]["x-atout-framework"], "M1805");
    assert_eq!(
        template["subject_schema"]["x-atout-framework-version"],
        "2026-03"
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_framework_files_are_refused_whole_with_their_line() {
    let app = TestApp::spawn().await;
    let cases: [(&str, &[u8], &str); 4] = [
        // Wrong columns.
        (
            "filename=referentiel_code_rome.csv",
            b"code;libelle\nM1805;Dev\n",
            "code_rome",
        ),
        // A duplicate code.
        (
            "filename=referentiel_code_rome.csv",
            b"code_rome,libelle_rome\nM1805,A\nK2111,B\nM1805,C\n",
            "M1805",
        ),
        // A malformed code.
        (
            "filename=referentiel_code_rome.csv",
            b"code_rome,libelle_rome\nM1805,A\nZZZ,B\n",
            "ZZZ",
        ),
        // Broken encoding.
        (
            "filename=referentiel_code_rome.csv",
            b"code_rome,libelle_rome\nM1805,\xff\xfe\xfa\n",
            "UTF-8",
        ),
    ];
    for (query, body, says) in cases {
        let (status, problem) = import_file(
            &app,
            &format!("format=rome&version=x1&{query}"),
            body.to_vec(),
        )
        .await;
        assert_eq!(status, 422, "{problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{detail}");
        assert!(detail.starts_with("Nothing was imported"), "{detail}");
    }
    let (_, dup) = import_file(
        &app,
        "format=rome&version=x1&filename=referentiel_code_rome.csv",
        b"code_rome,libelle_rome\nM1805,A\nK2111,B\nM1805,C\n".to_vec(),
    )
    .await;
    assert!(dup["line"].as_u64().is_some(), "{dup}");
    // Nothing of them was written.
    let body: Value = app.get("/frameworks", None).await.json().await.unwrap();
    assert!(body["versions"].as_array().unwrap().is_empty(), "{body}");
    // A hostile label is kept as text and comes back verbatim as JSON.
    let (status, _) = import_file(
        &app,
        "format=rome&version=x2&filename=referentiel_code_rome.csv",
        "code_rome,libelle_rome\nM1805,\"<script>alert(1)</script> & co\"\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(status, 200);
    let hits = search(&app, "q=M1805&lang=fr").await;
    assert_eq!(hits[0]["label"], "<script>alert(1)</script> & co");
    // Missing parameters.
    let (status, p) = import_file(&app, "format=esco&version=v1", b"x".to_vec()).await;
    assert_eq!(status, 422);
    assert_eq!(p["field"], "lang");
    let (status, p) = import_file(&app, "format=onet&version=v1", b"x".to_vec()).await;
    assert_eq!(status, 422);
    assert_eq!(p["field"], "format");
    app.stop().await;
}

#[tokio::test]
async fn only_the_admin_imports_frameworks_and_one_import_runs_at_a_time() {
    let app = TestApp::spawn().await;
    app.create_org("org-a").await;
    let (_, key) = app.create_api_key("org-a").await;
    let citizen = app.sign_up("not-admin@example.org").await;
    let url = app.url("/admin/frameworks/imports?format=rome&version=v1");
    let res = app.client.post(&url).body("x").send().await.unwrap();
    assert_eq!(res.status(), 401);
    // An organisation's key is known but not allowed; a citizen's session
    // is not a credential of the admin API at all.
    let res = app
        .client
        .post(&url)
        .bearer_auth(&key)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(&url)
        .bearer_auth(&citizen)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // A hundred imports at once: each is done whole or refused with 409
    // while another runs; the data is one version with its three codes.
    let csv = "code_rome,libelle_rome\nM1805,A\nK2111,B\nA1201,C\n";
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let client = app.client.clone();
        let url = app.url(
            "/admin/frameworks/imports?format=rome&version=v1&filename=referentiel_code_rome.csv",
        );
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(ADMIN_TOKEN)
                .body(csv)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            200 => ok += 1,
            409 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(ok >= 1);
    let body: Value = app.get("/frameworks", None).await.json().await.unwrap();
    let versions = body["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["counts"]["concepts"]["ROME"]["occupation"], 3);
    app.stop().await;
}

#[tokio::test]
async fn a_plan_shows_the_gap_with_evidence_trainings_steps_and_a_counsellors_comment() {
    let Some(data) = reference_data() else { return };
    let issuer = Issuer::new(&[]).await;
    accredit(&issuer).await;
    let app = &issuer.app;
    load_reference(app, &data).await;
    let token = app.sign_up("plan@example.org").await;

    // Certified: an entry linked to a diploma that verifies, with two codes.
    let issued = issuer.issue(diploma(app), json!({})).await;
    let holding = import_credential(
        app,
        &token,
        "application/json",
        serde_json::to_string(&issued).unwrap(),
    )
    .await;
    entry(
        app,
        &token,
        json!({"kind": "education", "title": "Licence pro Développement web", "holdingId": holding,
               "details": {"frameworks": [{"framework": "ESCO", "code": WEB_PROGRAMMING},
                                          {"framework": "ESCO", "code": MARKUP.rsplit('/').next().unwrap()}]}}),
    )
    .await;
    // Endorsed: an experience with a skill code, endorsed by a manager.
    let experience = entry(
        app,
        &token,
        json!({"kind": "experience", "title": "Développeuse junior", "organisation": "Atelier Loire",
               "details": {"frameworks": [{"framework": "ESCO", "code": PROGRAMMING}]}}),
    )
    .await;
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
        Some(json!({"entryId": experience, "comment": "Solide."})),
    )
    .await;
    assert_eq!(res.status(), 201);
    // Declared: a skill the citizen adds.
    let res = app
        .post_json(
            "/wallet/skills",
            Some(&token),
            &json!({"framework": "ESCO", "code": DEBUG}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let res = app
        .post_json(
            "/wallet/skills",
            Some(&token),
            &json!({"framework": "ESCO", "code": DEBUG}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_json(
            "/wallet/skills",
            Some(&token),
            &json!({"framework": "ESCO", "code": "not-a-code"}),
        )
        .await;
    assert_eq!(assert_problem(res, 422).await["field"], "code");

    let skills: Value = app
        .get("/wallet/skills?lang=en", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let evidence = |code: &str| {
        skills["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code)
            .map(|s| s["evidence"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        evidence(WEB_PROGRAMMING).as_deref(),
        Some("certified"),
        "{skills}"
    );
    assert_eq!(evidence(MARKUP).as_deref(), Some("certified"));
    assert_eq!(evidence(PROGRAMMING).as_deref(), Some("endorsed"));
    assert_eq!(evidence(DEBUG).as_deref(), Some("declared"));

    // A training covering two missing skills, one covering one, one none.
    let org = |body: Value| {
        let key = issuer.key.clone();
        async move {
            let res = app
                .post_json("/orgs/univ-a/trainings", Some(&key), &body)
                .await;
            assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let best = org(
        json!({"title": "Concevoir des applications web", "department": "37", "commune": "Tours",
        "startsOn": "2026-09-14", "codes": [PATTERNS, PROTOTYPE], "cpf": true, "price": 1250.5}),
    )
    .await;
    org(json!({"title": "Prototypage", "distance": true, "codes": [PROTOTYPE]})).await;
    org(json!({"title": "Jardinage", "department": "45", "codes": ["A1201"]})).await;

    // The plan for web developer, in Indre-et-Loire.
    let res = app
        .post_json(
            "/wallet/plans?lang=en",
            Some(&token),
            &json!({"targets": [{"framework": "ESCO", "code": WEB_DEVELOPER}], "department": "37", "shared": true}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let plan: Value = res.json().await.unwrap();
    let id = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(plan["targets"][0]["hasRelations"], true);
    let needed = plan["needed"].as_array().unwrap();
    assert!(needed.len() >= 15, "{plan}");
    let held = |code: &str| {
        needed
            .iter()
            .find(|n| n["code"] == code)
            .unwrap_or_else(|| panic!("{code} not needed"))["held"]
            .clone()
    };
    assert_eq!(held(WEB_PROGRAMMING), "certified");
    assert_eq!(held(PROGRAMMING), "endorsed");
    assert_eq!(held(DEBUG), "declared");
    assert_eq!(held(PATTERNS), Value::Null);
    let cov = &plan["coverage"];
    assert_eq!(cov["certified"], 2);
    assert_eq!(cov["endorsed"], 1);
    assert_eq!(cov["declared"], 1);
    let n = needed.len() as f64;
    let expected = ((2.0 * 2.0 * 1.0 + 2.0 * 0.7 + 2.0 * 0.4) / (2.0 * n) * 100.0).round();
    assert_eq!(cov["percent"].as_f64().unwrap(), expected, "{cov}");
    assert!(cov["rule"].as_str().unwrap().contains("70 %"));
    let trainings = plan["trainings"].as_array().unwrap();
    assert_eq!(trainings[0]["id"], best, "{trainings:?}");
    assert_eq!(trainings[0]["covers"].as_array().unwrap().len(), 2);
    assert!(trainings[0]["reasons"]
        .as_array()
        .unwrap()
        .contains(&json!("same-department")));
    assert_eq!(
        trainings.len(),
        2,
        "the gardening course covers nothing needed"
    );

    // The training becomes a step; its status changes.
    let res = app
        .post_json(
            &format!("/wallet/plans/{id}/steps"),
            Some(&token),
            &json!({"kind": "training", "trainingId": best, "dueOn": "2026-12-18"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let step: Value = res.json().await.unwrap();
    assert_eq!(step["title"], "Concevoir des applications web");
    let res = app
        .client
        .patch(app.url(&format!(
            "/wallet/plans/{id}/steps/{}",
            step["id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .json(&json!({"status": "doing"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // A counsellor invited as a contributor reads the plan and comments.
    let counsellor = invite(
        app,
        &token,
        json!({"email": "conseil@example.org", "role": "contributor", "entries": [experience]}),
    )
    .await;
    let cpath = invitation_path(&counsellor);
    let csession = confirm(app, &cpath, "conseil@example.org", "Paul Martin").await;
    let res = as_invited(app, "GET", &format!("{cpath}/plans"), &csession, None).await;
    assert_eq!(res.status(), 200);
    let shared: Value = res.json().await.unwrap();
    assert_eq!(shared["items"][0]["id"], id.as_str());
    // Evidence levels, never the credentials behind them.
    assert!(
        shared["items"][0]["needed"][0].get("sources").is_none(),
        "{shared}"
    );
    let res = as_invited(
        app,
        "POST",
        &format!("{cpath}/plans/{id}/comments"),
        &csession,
        Some(json!({"body": "Pensez au stage de fin de formation."})),
    )
    .await;
    assert_eq!(res.status(), 201);
    // A certifier (not a contributor) may not comment.
    let res = as_invited(
        app,
        "POST",
        &format!("{path}/plans/{id}/comments"),
        &session,
        Some(json!({"body": "Moi aussi"})),
    )
    .await;
    assert_eq!(res.status(), 403);
    let plan: Value = app
        .get(&format!("/wallet/plans/{id}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan["comments"][0]["invited"], true);
    assert_eq!(plan["comments"][0]["author"], "conseil@example.org");
    assert_eq!(plan["steps"][0]["status"], "doing");

    // The CV target pre-selects the lines that show needed skills.
    let res = app
        .post_json(
            "/wallet/cvs/suggestions",
            Some(&token),
            &json!({"text": "web developer", "framework": "ESCO", "code": WEB_DEVELOPER}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let s: Value = res.json().await.unwrap();
    let first = &s["items"][0];
    assert!(
        first["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "skill"),
        "{s}"
    );

    // The account export carries the plan and the skills with evidence.
    let files = unzip(&export(app, &token).await);
    let plans: Value = serde_json::from_slice(file(&files, "careers/plans.json")).unwrap();
    assert_eq!(plans["plans"][0]["id"], id.as_str());
    let resume: Value = serde_json::from_slice(file(&files, "resume.json")).unwrap();
    let item = resume["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["x-atout"]["code"] == WEB_PROGRAMMING)
        .expect("the certified skill in JSON Resume");
    assert_eq!(item["x-atout"]["evidence"], "certified");
    issuer.app.stop().await;
}

#[tokio::test]
async fn a_target_without_relations_says_so_and_takes_skills_listed_by_the_citizen() {
    let app = TestApp::spawn().await;
    let (status, _) = import_file(
        &app,
        "format=rome&version=2025-09&filename=referentiel_code_rome.csv",
        "code_rome,libelle_rome\nJ1506,Soins infirmiers généralistes\nM1805,Études et développement informatique\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(status, 200);
    let token = app.sign_up("nurse@example.org").await;
    let res = app
        .post_json(
            "/wallet/plans",
            Some(&token),
            &json!({"targets": [{"framework": "ROME", "code": "j1506"}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let plan: Value = res.json().await.unwrap();
    assert_eq!(plan["title"], "Soins infirmiers généralistes");
    assert_eq!(plan["targets"][0]["hasRelations"], false);
    assert_eq!(plan["needsSkillsListed"], true);
    let id = plan["id"].as_str().unwrap();
    let res = app
        .client
        .put(app.url(&format!("/wallet/plans/{id}")))
        .bearer_auth(&token)
        .json(&json!({"title": "Infirmière", "status": "active", "targets": [{"framework": "ROME", "code": "J1506"}],
                      "skills": [{"framework": "ROME", "code": "M1805", "essential": false}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let plan: Value = res.json().await.unwrap();
    assert_eq!(plan["needsSkillsListed"], false);
    assert_eq!(plan["needed"][0]["neededBy"], json!(["listed"]));
    assert_eq!(plan["needed"][0]["essential"], false);
    // A skill is not a target; an unknown code neither.
    let res = app
        .post_json(
            "/wallet/plans",
            Some(&token),
            &json!({"targets": [{"framework": "ROME", "code": "Z9999"}]}),
        )
        .await;
    assert_eq!(assert_problem(res, 422).await["field"], "targets");
    let res = app
        .post_json("/wallet/plans", Some(&token), &json!({"targets": []}))
        .await;
    assert_eq!(assert_problem(res, 422).await["field"], "targets");
    app.stop().await;
}

#[tokio::test]
async fn the_plan_limit_holds_under_a_hundred_simultaneous_requests() {
    let app = TestApp::spawn().await;
    let (status, _) = import_file(
        &app,
        "format=rome&version=2025-09&filename=referentiel_code_rome.csv",
        b"code_rome,libelle_rome\nM1805,Dev\n".to_vec(),
    )
    .await;
    assert_eq!(status, 200);
    let token = app.sign_up("many@example.org").await;
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let client = app.client.clone();
        let url = app.url("/wallet/plans");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"targets": [{"framework": "ROME", "code": "M1805"}]}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let (mut created, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            201 => created += 1,
            409 => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 20);
    assert_eq!(refused, 80);
    app.stop().await;
}

#[tokio::test]
async fn a_french_office_csv_of_trainings_imports_and_the_catalogue_searches() {
    let app = TestApp::spawn().await;
    let (status, _) = import_file(
        &app,
        "format=rome&version=2025-09&filename=referentiel_code_rome.csv",
        "code_rome,libelle_rome\nM1805,Études et développement informatique\nJ1506,Soins infirmiers généralistes\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(status, 200);
    app.create_org("cfa-centre").await;
    let (_, key) = app.create_api_key("cfa-centre").await;
    let text = "Référence;Intitulé;Département;Commune;Début;Durée (h);Tarif (€);CPF;Métiers;À distance\r\n\
                F-01;Développeur web et web mobile;37;Tours;14/09/2026;800;4 500,00;oui;M1805;non\r\n\
                F-02;Aide-soignant;45;Orléans;05/10/2026;1 400;;non;J1506;non\r\n\
                F-03;Initiation au code;;;;35;0;oui;M1805;oui\r\n";
    let (body, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let res = app
        .client
        .post(app.url("/orgs/cfa-centre/trainings/import"))
        .bearer_auth(&key)
        .header("content-type", "text/csv")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["created"], 3);
    // Again: updates by reference, creates nothing.
    let res = app
        .client
        .post(app.url("/orgs/cfa-centre/trainings/import"))
        .bearer_auth(&key)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (report["created"].as_u64(), report["updated"].as_u64()),
        (Some(0), Some(3))
    );
    // A bad row refuses the file whole, naming its line.
    let bad = "Intitulé;Département;Début\nBon;37;01/09/2026\nMauvais;37;31/02/2026\n";
    let res = app
        .client
        .post(app.url("/orgs/cfa-centre/trainings/import"))
        .bearer_auth(&key)
        .body(bad)
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422).await;
    assert_eq!(p["line"], 3);
    assert_eq!(p["field"], "startsOn");
    let list: Value = app
        .get("/trainings?lang=fr", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 3);
    // Search: words without accents, the département (with distance ones),
    // the code.
    let found: Value = app
        .get("/trainings?q=developpeur", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1);
    let item = &found["items"][0];
    assert_eq!(item["price"], 4500.0);
    assert_eq!(item["startsOn"], "2026-09-14");
    assert_eq!(
        item["codes"][0]["label"],
        "Études et développement informatique"
    );
    let in45: Value = app
        .get("/trainings?department=45", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(in45["total"], 2, "Orléans and the distance course");
    let by_code: Value = app
        .get("/trainings?code=m1805", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_code["total"], 2);
    // Who may write: the organisation's key and the admin; others not.
    app.create_org("other").await;
    let (_, other) = app.create_api_key("other").await;
    let citizen = app.sign_up("c@example.org").await;
    let res = app.get("/orgs/cfa-centre/trainings", Some(&other)).await;
    assert_eq!(res.status(), 403);
    let res = app.get("/orgs/cfa-centre/trainings", Some(&citizen)).await;
    assert_eq!(res.status(), 401);
    let res = app.get("/orgs/cfa-centre/trainings", None).await;
    assert_eq!(res.status(), 401);
    let res = app
        .get("/orgs/cfa-centre/trainings", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(res.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_new_version_much_smaller_than_the_active_one_is_refused_unless_asked_for() {
    let app = TestApp::spawn().await;
    let mut full = String::from("code_rome,libelle_rome\n");
    for i in 0..150 {
        full.push_str(&format!("M{:04},Métier {i}\n", 1000 + i));
    }
    let (status, _) = import_file(
        &app,
        "format=rome&version=v1&filename=referentiel_code_rome.csv",
        full.into_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    // A file cut short (an unclosed quote swallows the rest, say).
    let cut = "code_rome,libelle_rome\nM1000,Métier 0\nM1001,\"Métier 1\n";
    let (status, problem) = import_file(
        &app,
        "format=rome&version=v2&filename=referentiel_code_rome.csv",
        cut.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("allowShrink"),
        "{problem}"
    );
    let body: Value = app.get("/frameworks", None).await.json().await.unwrap();
    assert_eq!(body["versions"].as_array().unwrap().len(), 1);
    let (status, done) = import_file(
        &app,
        "format=rome&version=v2&filename=referentiel_code_rome.csv&allowShrink=true",
        "code_rome,libelle_rome\nM1000,Métier 0\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["goneCount"], 149);
    app.stop().await;
}
