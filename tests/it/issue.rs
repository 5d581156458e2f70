//! Issuance (VC-API `POST /credentials/issue`) in the three proof formats,
//! checked by independent verifiers (Digital Bazaar's libraries and jose,
//! in Node, offline).

use crate::common::*;
use atout_core::store::AuditFilter;
use serde_json::{json, Value};

/// The credential inside a response: itself, or the JWT payload of an
/// `EnvelopedVerifiableCredential`.
pub fn unwrap_credential(issued: &Value) -> Value {
    use base64::Engine as _;
    match issued["id"]
        .as_str()
        .and_then(|id| id.strip_prefix("data:application/vc+jwt,"))
    {
        Some(jwt) => {
            let payload = jwt.split('.').nth(1).unwrap();
            serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(payload)
                    .unwrap(),
            )
            .unwrap()
        }
        None => issued.clone(),
    }
}

/// The status list credentials a credential points to, fetched over HTTP.
/// Atout's own context as an independent verifier is given it
/// (`{url: document}`): nothing is fetched there either.
pub async fn own_context(app: &TestApp) -> Value {
    let own: Value = app
        .get("/contexts/atout/v1", None)
        .await
        .json()
        .await
        .unwrap();
    json!({ app.url("/contexts/atout/v1"): own })
}

/// The DID document of organisation `slug` (whose DID is `did`) and Atout's
/// context, as the independent verifier takes them.
pub async fn independent_inputs(app: &TestApp, slug: &str, did: &str) -> (Value, Value) {
    let doc: Value = app
        .get(&format!("/orgs/{slug}/did.json"), None)
        .await
        .json()
        .await
        .unwrap();
    (json!({ did: doc }), own_context(app).await)
}

pub async fn status_documents(app: &TestApp, issued: &Value) -> Value {
    let credential = unwrap_credential(issued);
    let mut documents = serde_json::Map::new();
    for entry in credential["credentialStatus"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let url = entry["statusListCredential"].as_str().unwrap();
        let res = app.client.get(url).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        documents.insert(url.to_owned(), res.json().await.unwrap());
    }
    Value::Object(documents)
}

/// Runs the independent verifier (tests/interop/verify.mjs) with status
/// list credentials.
pub fn independent_verify_with(
    credential: &Value,
    did_documents: &Value,
    contexts: &Value,
    documents: &Value,
) -> Value {
    independent_run(json!({
        "credential": credential, "didDocuments": did_documents,
        "contexts": contexts, "documents": documents
    }))
}

fn independent_run(input: Value) -> Value {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop");
    assert!(
        dir.join("node_modules").is_dir(),
        "the interoperability verifier is not installed: run `npm ci` in tests/interop \
         (./scripts/test does it)"
    );
    let mut child = std::process::Command::new("node")
        .arg("verify.mjs")
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "verify.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

pub fn diploma(app: &TestApp) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            app.url("/contexts/atout/v1"),
        ],
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "name": "Master Informatique",
        "credentialSubject": {
            "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "givenName": "Renée",
            "familyName": "Dupont-Lefèvre",
            "degree": {
                "type": "Diploma",
                "name": "Master Informatique, parcours Intelligence Artificielle",
                "eqfLevel": 7,
                "rncp": "RNCP39512",
                "grade": "Bien",
                "awardedOn": "2026-07-03"
            }
        }
    })
}

pub fn badge(app: &TestApp, did: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Premiers secours citoyens",
        "issuer": {"id": did, "type": ["Profile"], "name": "Organisme univ-a", "url": app.base},
        "credentialSubject": {
            "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:6a1e3a1c-3c2f-4d4e-9e2b-7b2f0c3b9a11",
                "type": ["Achievement"],
                "name": "Premiers secours citoyens (PSC1)",
                "description": "Prévention et secours civiques de niveau 1.",
                "criteria": {"narrative": "Formation de 7 heures et mise en situation réussie."}
            }
        }
    })
}

async fn issue(app: &TestApp, key: &str, credential: Value, options: Value) -> reqwest::Response {
    app.post_json(
        "/credentials/issue",
        Some(key),
        &json!({"credential": credential, "options": options}),
    )
    .await
}

#[tokio::test]
async fn a_diploma_and_a_badge_in_every_format_pass_independent_verifiers() {
    let app = TestApp::spawn().await;
    let res = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "univ-a", "p256": true}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let did = format!("did:web:127.0.0.1%3A{}:orgs:univ-a", app.addr.port());
    let (_, key) = app.create_api_key("univ-a").await;
    let doc: Value = app
        .get("/orgs/univ-a/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    let did_documents = json!({ did.clone(): doc });
    let context_res = app.get("/contexts/atout/v1", None).await;
    assert_eq!(context_res.headers()["content-type"], "application/ld+json");
    let own_context: Value = context_res.json().await.unwrap();
    let contexts = json!({ app.url("/contexts/atout/v1"): own_context });

    let formats = [
        json!({}),
        json!({"cryptosuite": "ecdsa-rdfc-2019"}),
        json!({"format": "vc+jwt"}),
        json!({"format": "vc+jwt", "alg": "ES256"}),
    ];
    for (kind, credential) in [("diploma", diploma(&app)), ("badge", badge(&app, &did))] {
        for options in &formats {
            let res = issue(&app, &key, credential.clone(), options.clone()).await;
            assert_eq!(res.status(), 201, "{kind} {options}");
            assert_eq!(res.headers()["content-type"], "application/json");
            let text = res.text().await.unwrap();
            let issued: Value = serde_json::from_str(&text).unwrap();
            let documents = status_documents(&app, &issued).await;
            let verdict = independent_verify_with(&issued, &did_documents, &contexts, &documents);
            assert_eq!(verdict["verified"], true, "{kind} {options}: {verdict}");
            assert_eq!(
                verdict["statuses"],
                json!({"revocation": false, "suspension": false}),
                "{verdict}"
            );

            // What is stored is exactly what was returned (or the JWT inside it).
            let stored = app
                .store()
                .list_audit(&AuditFilter {
                    limit: 1,
                    ..Default::default()
                })
                .await
                .unwrap();
            assert_eq!(stored[0].action, "credential.issued");
            let credential_id = stored[0].details.as_ref().unwrap()["credential_id"]
                .as_str()
                .unwrap()
                .to_owned();
            let record_id = stored[0].object.strip_prefix("credential:").unwrap();
            let record = app
                .store()
                .get_issued_credential(record_id)
                .await
                .unwrap()
                .unwrap();
            if options.get("format").is_some() {
                assert_eq!(issued["type"], "EnvelopedVerifiableCredential");
                let jwt = issued["id"]
                    .as_str()
                    .unwrap()
                    .strip_prefix("data:application/vc+jwt,")
                    .unwrap();
                assert_eq!(record.body, jwt);
                assert_eq!(record.format, "vc+jwt");
                // A tampered payload fails the independent check.
                let parts: Vec<&str> = jwt.split('.').collect();
                let forged = format!(
                    "{}.{}.{}",
                    parts[0],
                    &parts[2][..parts[2].len() - 2],
                    parts[2]
                );
                let verdict =
                    independent_verify_with(&json!(forged), &did_documents, &contexts, &documents);
                assert_eq!(verdict["verified"], false);
            } else {
                assert_eq!(record.body, text);
                assert_eq!(record.format, "ldp_vc");
                assert_eq!(
                    issued["issuer"]
                        .as_str()
                        .or(issued["issuer"]["id"].as_str()),
                    Some(did.as_str())
                );
                assert_eq!(issued["id"], credential_id.as_str());
                assert_eq!(issued["validFrom"], "2026-01-15T10:00:00Z");
                assert_eq!(issued["proof"]["proofPurpose"], "assertionMethod");
                // A changed claim fails the independent check.
                let mut forged = issued.clone();
                forged["credentialSubject"]["id"] = json!("did:example:mallory");
                let verdict =
                    independent_verify_with(&forged, &did_documents, &contexts, &documents);
                assert_eq!(verdict["verified"], false, "{verdict}");
            }
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn bad_credentials_get_precise_problems_and_nothing_is_half_issued() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    app.create_org("univ-b").await;
    let (key_id, key) = app.create_api_key("univ-a").await;
    let did = format!("did:web:127.0.0.1%3A{}:orgs:univ-a", app.addr.port());
    let base = diploma(&app);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = base.clone();
        f(&mut c);
        c
    };
    let cases: Vec<(Value, Value, u16, &str, &str)> = vec![
        (
            with(&|c| {
                c.as_object_mut().unwrap().remove("@context");
            }),
            json!({}),
            422,
            "invalid-credential",
            "@context",
        ),
        (
            with(&|c| c["@context"][1] = json!("https://evil.example/context.json")),
            json!({}),
            422,
            "invalid-credential",
            "@context[1]",
        ),
        (
            with(&|c| c["@context"][1] = json!({"@import": "https://evil.example/#"})),
            json!({}),
            422,
            "invalid-credential",
            "@context[1].@import",
        ),
        (
            with(&|c| c["issuer"] = json!("did:web:evil.example")),
            json!({}),
            422,
            "invalid-credential",
            "issuer",
        ),
        (
            with(&|c| c["issuer"] = json!(format!("did:web:127.0.0.1%3A{}:orgs:univ-b", 1))),
            json!({}),
            422,
            "invalid-credential",
            "issuer",
        ),
        (
            with(&|c| c["validFrom"] = json!("30/06/2026")),
            json!({}),
            422,
            "invalid-credential",
            "validFrom",
        ),
        (
            with(&|c| c["validUntil"] = json!("2020-01-01T00:00:00Z")),
            json!({}),
            422,
            "invalid-credential",
            "validUntil",
        ),
        (
            with(&|c| c["type"] = json!(["DiplomaCredential"])),
            json!({}),
            422,
            "invalid-credential",
            "type",
        ),
        (
            with(&|c| c["credentialSubject"]["nickname"] = json!("Nénette")),
            json!({}),
            422,
            "invalid-json-ld",
            "",
        ),
        (
            with(&|c| c["credentialSubject"]["nickname"] = json!("Nénette")),
            json!({"format": "vc+jwt"}),
            422,
            "invalid-json-ld",
            "",
        ),
        (
            with(&|c| c["credentialSubject"]["givenName"] = json!("Re\u{0}née")),
            json!({}),
            422,
            "invalid-credential",
            "credential",
        ),
        (
            base.clone(),
            json!({"cryptosuite": "bbs-2023"}),
            422,
            "invalid-credential",
            "options.cryptosuite",
        ),
        (
            base.clone(),
            json!({"format": "jwt_vc_json-ld"}),
            422,
            "invalid-credential",
            "options.format",
        ),
        (
            base.clone(),
            json!({"cryptosuite": "ecdsa-rdfc-2019"}),
            422,
            "invalid-input",
            "options",
        ),
        (
            base.clone(),
            json!({"format": "vc+jwt", "alg": "ES256"}),
            422,
            "invalid-input",
            "options",
        ),
        (
            base.clone(),
            json!({"mandatoryPointers": []}),
            422,
            "invalid-input",
            "",
        ),
    ];
    for (credential, options, status, kind, field) in cases {
        let res = issue(&app, &key, credential.clone(), options.clone()).await;
        let problem = assert_problem(res, status).await;
        assert_eq!(
            problem["type"],
            format!("urn:atout:problem:{kind}"),
            "{options} {problem}"
        );
        if !field.is_empty() {
            assert_eq!(problem["field"], field, "{problem}");
        }
    }
    // Malformed, oversized, unauthorised.
    let res = app
        .client
        .post(app.url("/credentials/issue"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{\"credential\":")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let mut big = base.clone();
    big["description"] = json!("x".repeat(2 * 1024 * 1024));
    assert_problem(issue(&app, &key, big, json!({})).await, 413).await;
    assert_problem(issue(&app, ADMIN_TOKEN, base.clone(), json!({})).await, 403).await;
    assert_problem(
        issue(&app, "atout_nope", base.clone(), json!({})).await,
        401,
    )
    .await;

    // Nothing was issued by any of it.
    let issued = app
        .store()
        .list_audit(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "credential.issued")
        .count();
    assert_eq!(issued, 0);

    // The same id twice: the second is refused, the first stays.
    let mut fixed = base.clone();
    fixed["id"] = json!("urn:uuid:0b5a2b6e-58a4-4e1c-8f27-2b8b8e0f7c11");
    assert_eq!(
        issue(&app, &key, fixed.clone(), json!({})).await.status(),
        201
    );
    assert_problem(issue(&app, &key, fixed.clone(), json!({})).await, 409).await;
    // Issued as univ-a, whatever the body says about the issuer's name.
    let res = issue(
        &app,
        &key,
        with(&|c| c["issuer"] = json!({"id": did, "name": "Univ A"})),
        json!({}),
    )
    .await;
    assert_eq!(res.status(), 201);
    // A revoked key issues nothing.
    app.delete(
        &format!("/orgs/univ-a/api-keys/{key_id}"),
        Some(ADMIN_TOKEN),
    )
    .await;
    assert_problem(issue(&app, &key, base.clone(), json!({})).await, 401).await;
    app.stop().await;
}
