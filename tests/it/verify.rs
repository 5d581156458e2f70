//! The verification API (`POST /credentials/verify`,
//! `POST /presentations/verify`): every format accepted, every tamper case
//! rejected with its reason, every unreachable dependency reported as
//! `could-not-check`, malformed and hostile input refused.

use crate::common::*;
use atout_core::crypto::{KeyAlgorithm, PrivateKey};
use base64::Engine as _;
use serde_json::{json, Value};
use std::{collections::HashMap, sync::Arc};

/// An organisation that issues through the API.
pub struct Issuer {
    pub app: TestApp,
    pub key: String,
    pub did: String,
}

impl Issuer {
    pub async fn new(extra: &[(&str, &str)]) -> Self {
        let app = TestApp::spawn_with(extra).await;
        let res = app
            .post_json(
                "/admin/orgs",
                Some(ADMIN_TOKEN),
                &json!({"slug": "univ-a", "p256": true, "name_fr": "Université A", "name_en": "University A"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let (_, key) = app.create_api_key("univ-a").await;
        let did = format!("did:web:127.0.0.1%3A{}:orgs:univ-a", app.addr.port());
        Self { app, key, did }
    }

    /// Issues and returns the credential as the API returned it.
    pub async fn issue(&self, credential: Value, options: Value) -> Value {
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

    pub async fn set_status(&self, credential: &Value, purpose: &str, on: bool) {
        let id = crate::issue::unwrap_credential(credential)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let res = self
            .app
            .post_json(
                "/credentials/status",
                Some(&self.key),
                &json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": on, "statusPurpose": purpose}]}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
}

/// Calls `POST /credentials/verify`.
pub async fn verify(app: &TestApp, credential: &Value, options: Value) -> (u16, Value) {
    let res = app
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": credential, "options": options}),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

pub async fn verify_vp(app: &TestApp, vp: &Value, options: Value) -> (u16, Value) {
    let res = app
        .post_json(
            "/presentations/verify",
            None,
            &json!({"verifiablePresentation": vp, "options": options}),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

/// The result of one check in a report.
pub fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {report}"))
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report:#}"))
}

/// Asserts a 422 whose `check` has `status` and `code`.
#[track_caller]
pub fn assert_rejected(result: &(u16, Value), name: &str, status: &str, code: &str) {
    let (http, report) = result;
    assert_eq!(*http, 422, "{report:#}");
    assert_eq!(report["verified"], false, "{report:#}");
    let c = check(report, name);
    assert_eq!(c["status"], status, "{name}: {report:#}");
    assert_eq!(c["code"], code, "{name}: {report:#}");
    assert!(!c["reason"].as_str().unwrap().is_empty());
    assert!(
        !report["errors"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
}

/// A server on localhost serving fixed documents (DID documents, status
/// lists) whose answers the test can change.
pub struct DocServer {
    pub port: u16,
    pub docs: Arc<std::sync::Mutex<HashMap<String, (u16, String)>>>,
    handle: tokio::task::JoinHandle<()>,
}

impl DocServer {
    pub async fn start() -> Self {
        let docs: Arc<std::sync::Mutex<HashMap<String, (u16, String)>>> = Default::default();
        let shared = docs.clone();
        let router = axum::Router::new().fallback(move |uri: axum::http::Uri| {
            let docs = shared.clone();
            async move {
                let found = docs.lock().unwrap().get(uri.path()).cloned();
                match found {
                    Some((status, body)) => (
                        axum::http::StatusCode::from_u16(status).unwrap(),
                        [("content-type", "application/json")],
                        body,
                    ),
                    None => (
                        axum::http::StatusCode::NOT_FOUND,
                        [("content-type", "text/plain")],
                        "not found".to_owned(),
                    ),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self { port, docs, handle }
    }

    pub fn did(&self) -> String {
        format!("did:web:127.0.0.1%3A{}", self.port)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn put(&self, path: &str, status: u16, body: String) {
        self.docs
            .lock()
            .unwrap()
            .insert(path.to_owned(), (status, body));
    }
}

impl Drop for DocServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

/// A DID document for `did` with one Multikey, listed under the given
/// relationships.
pub fn did_document(did: &str, key: &PrivateKey, relationships: &[&str]) -> Value {
    let vm = format!("{did}#key-1");
    let mut doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{
            "id": vm, "type": "Multikey", "controller": did,
            "publicKeyMultibase": key.public_key().to_multibase()
        }]
    });
    for r in relationships {
        doc[*r] = json!([vm]);
    }
    doc
}

pub fn did_key(key: &PrivateKey) -> (String, String) {
    let mb = key.public_key().to_multibase();
    (format!("did:key:{mb}"), format!("did:key:{mb}#{mb}"))
}

fn sha256(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

/// Signs `doc` with a Data Integrity proof (eddsa-rdfc-2022 for Ed25519,
/// ecdsa-rdfc-2019 for P-256): the test's own signer, for holders and for
/// issuers on other servers.
pub async fn sign_di(
    app: &TestApp,
    doc: &Value,
    key: &PrivateKey,
    vm: &str,
    purpose: &str,
    extra: Value,
) -> Value {
    let suite = match key.algorithm() {
        KeyAlgorithm::Ed25519 => "eddsa-rdfc-2022",
        KeyAlgorithm::P256 => "ecdsa-rdfc-2019",
    };
    let mut proof = json!({
        "type": "DataIntegrityProof", "cryptosuite": suite,
        "created": "2026-01-15T09:00:00Z",
        "verificationMethod": vm, "proofPurpose": purpose,
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        proof[k] = v.clone();
    }
    let mut config = proof.clone();
    config["@context"] = doc["@context"].clone();
    let engine = &app.state.vc.engine;
    let mut unsecured = doc.clone();
    unsecured.as_object_mut().unwrap().remove("proof");
    let mut data = sha256(
        atout_vc::data_integrity::canonical_nquads(engine, &config)
            .unwrap()
            .as_bytes(),
    );
    data.extend(sha256(
        atout_vc::data_integrity::canonical_nquads(engine, &unsecured)
            .unwrap()
            .as_bytes(),
    ));
    let signature = key.sign(&data).unwrap();
    proof["proofValue"] = json!(format!("z{}", bs58::encode(signature).into_string()));
    let mut signed = unsecured;
    signed["proof"] = proof;
    signed
}

/// A presentation of `credentials` by `holder`.
pub fn presentation(holder: &str, credentials: Vec<Value>) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
    })
}

/// A simple VC 2.0 credential (only terms of the v2 context) from `issuer`.
pub fn simple_credential(issuer: &str, status: Option<Value>) -> Value {
    let mut vc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b3c4a38-62a6-4d3d-9a6f-6a3d1d4cb9a1",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Attestation de formation",
        "credentialSubject": {"id": "did:example:holder", "name": "Renée Dupont"}
    });
    if let Some(s) = status {
        vc["credentialStatus"] = s;
    }
    vc
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

fn jwt_parts(jwt: &str) -> (Value, Value, String) {
    let mut parts = jwt.split('.');
    let dec = |s: &str| -> Value {
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(s)
                .unwrap(),
        )
        .unwrap()
    };
    let h = dec(parts.next().unwrap());
    let p = dec(parts.next().unwrap());
    (h, p, parts.next().unwrap().to_owned())
}

fn jwt_of(enveloped: &Value) -> String {
    enveloped["id"]
        .as_str()
        .unwrap()
        .strip_prefix("data:application/vc+jwt,")
        .unwrap()
        .to_owned()
}

// ----- valid cases -------------------------------------------------------

#[tokio::test]
async fn credentials_in_every_format_verify_and_report_every_check() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let formats = [
        (json!({}), "data-integrity/eddsa-rdfc-2022"),
        (
            json!({"cryptosuite": "ecdsa-rdfc-2019"}),
            "data-integrity/ecdsa-rdfc-2019",
        ),
        (json!({"format": "vc+jwt"}), "vc+jwt/EdDSA"),
        (json!({"format": "vc+jwt", "alg": "ES256"}), "vc+jwt/ES256"),
    ];
    for (kind, credential) in [
        ("diploma", crate::issue::diploma(app)),
        ("badge", crate::issue::badge(app, &issuer.did)),
    ] {
        for (options, format) in &formats {
            let issued = issuer.issue(credential.clone(), options.clone()).await;
            let (status, report) = verify(app, &issued, json!({})).await;
            assert_eq!(status, 200, "{kind} {format}: {report:#}");
            assert_eq!(report["verified"], true);
            assert_eq!(report["format"], *format);
            for (name, code) in [
                ("proof", "signature-valid"),
                ("issuer-key", "key-resolved"),
                ("validity-period", "no-expiry"),
                ("revocation", "status-clear"),
                ("suspension", "status-clear"),
            ] {
                let c = check(&report, name);
                assert_eq!(c["status"], "ok", "{kind} {format} {name}: {report:#}");
                assert_eq!(c["code"], code, "{kind} {format} {name}");
            }
            // Not in the registry: reported, shown as unknown, but the
            // VC-API verdict does not depend on it unless asked.
            let trust = check(&report, "issuer-trust");
            assert_eq!(trust["status"], "failed");
            assert_eq!(trust["code"], "unknown-issuer");
            assert_eq!(report["issuer"]["id"], issuer.did);
            assert_eq!(
                report["issuer"]["name"],
                Value::Null,
                "never the credential's own name"
            );
            assert_eq!(report["issuer"]["trusted"], false);
            assert!(report["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w.as_str().unwrap().starts_with("issuer-trust")));
            assert_eq!(
                report["checks"].as_array().unwrap().len(),
                report["results"].as_array().unwrap().len()
            );

            let (status, report) =
                verify(app, &issued, json!({"requireTrustedIssuer": true})).await;
            assert_eq!(status, 422, "{report:#}");
            assert_eq!(report["verified"], false);

            // A JWT may also be given as the bare compact string.
            if format.starts_with("vc+jwt") {
                let (status, report) = verify(app, &json!(jwt_of(&issued)), json!({})).await;
                assert_eq!(status, 200, "{report:#}");
                assert_eq!(
                    report["credential"]["subjectName"],
                    if kind == "diploma" {
                        json!("Renée Dupont-Lefèvre")
                    } else {
                        Value::Null
                    }
                );
            }
        }
    }
}

#[tokio::test]
async fn the_registry_names_the_issuer_and_can_be_required() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let issued = issuer.issue(crate::issue::diploma(app), json!({})).await;
    let path = format!(
        "/admin/registry/issuers/{}",
        issuer.did.replace('%', "%25").replace(':', "%3A")
    );
    let res = app
        .client
        .put(app.url(&path))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({
            "name": {"fr": "Université d'Orléans", "en": "University of Orléans"},
            "accreditation": "Certificateur RNCP",
            "validFrom": "2025-01-01T00:00:00Z",
            "validUntil": "2027-01-01T00:00:00Z"
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let (status, report) = verify(app, &issued, json!({"requireTrustedIssuer": true})).await;
    assert_eq!(status, 200, "{report:#}");
    let trust = check(&report, "issuer-trust");
    assert_eq!(trust["status"], "ok");
    assert_eq!(trust["code"], "accredited");
    assert_eq!(report["issuer"]["name"]["fr"], "Université d'Orléans");
    assert_eq!(report["issuer"]["trusted"], true);

    // The accreditation ends: the signature still verifies, trust fails.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2027-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let (status, report) = verify(app, &issued, json!({})).await;
    assert_eq!(status, 200, "{report:#}");
    let trust = check(&report, "issuer-trust");
    assert_eq!(trust["code"], "accreditation-expired");
    let result = verify(app, &issued, json!({"requireTrustedIssuer": true})).await;
    assert_rejected(&result, "issuer-trust", "failed", "accreditation-expired");
}

// ----- tampering: Data Integrity ------------------------------------------

#[tokio::test]
async fn tampered_data_integrity_credentials_are_rejected_with_their_reason() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    app.create_org("univ-b").await;
    let (_, key_b) = app.create_api_key("univ-b").await;
    let did_b = format!("did:web:127.0.0.1%3A{}:orgs:univ-b", app.addr.port());
    for options in [json!({}), json!({"cryptosuite": "ecdsa-rdfc-2019"})] {
        let issued = issuer
            .issue(crate::issue::diploma(app), options.clone())
            .await;
        let other = issuer
            .issue(crate::issue::diploma(app), options.clone())
            .await;
        let at = |f: &dyn Fn(&mut Value)| {
            let mut v = issued.clone();
            f(&mut v);
            v
        };
        let cases: Vec<(&str, Value, &str, &str, &str)> = vec![
            (
                "changed subject field",
                at(&|v| v["credentialSubject"]["degree"]["grade"] = json!("Très bien")),
                "proof",
                "failed",
                "signature-mismatch",
            ),
            (
                "changed name",
                at(&|v| v["credentialSubject"]["familyName"] = json!("Martin")),
                "proof",
                "failed",
                "signature-mismatch",
            ),
            (
                "changed dates",
                at(&|v| v["validFrom"] = json!("2020-01-01T00:00:00Z")),
                "proof",
                "failed",
                "signature-mismatch",
            ),
            (
                "added expiry",
                at(&|v| v["validUntil"] = json!("2099-01-01T00:00:00Z")),
                "proof",
                "failed",
                "signature-mismatch",
            ),
            (
                "swapped proof value",
                at(&|v| v["proof"]["proofValue"] = other["proof"]["proofValue"].clone()),
                "proof",
                "failed",
                "signature-mismatch",
            ),
            (
                "removed status",
                at(&|v| {
                    v.as_object_mut().unwrap().remove("credentialStatus");
                }),
                "proof",
                "failed",
                "signature-mismatch",
            ),
            (
                "changed proof date",
                at(&|v| v["proof"]["created"] = json!("2026-01-15T09:59:59Z")),
                "proof",
                "failed",
                "signature-mismatch",
            ),
            (
                "garbled proof value",
                at(&|v| v["proof"]["proofValue"] = json!("zzzz")),
                "proof",
                "failed",
                "malformed-proof-value",
            ),
            (
                "wrong verificationMethod",
                at(&|v| v["proof"]["verificationMethod"] = json!(format!("{}#nope", issuer.did))),
                "issuer-key",
                "failed",
                "key-not-found",
            ),
            (
                "key of another issuer",
                at(&|v| v["proof"]["verificationMethod"] = json!(format!("{did_b}#key-1"))),
                "issuer-key",
                "failed",
                "key-not-controlled-by-signer",
            ),
            (
                "issuer swapped",
                at(&|v| v["issuer"] = json!(did_b)),
                "issuer-key",
                "failed",
                "key-not-controlled-by-signer",
            ),
            (
                "wrong purpose",
                at(&|v| v["proof"]["proofPurpose"] = json!("authentication")),
                "proof",
                "failed",
                "wrong-proof-purpose",
            ),
            (
                "unknown context",
                at(&|v| {
                    v["@context"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!("https://evil.example/context.json"))
                }),
                "proof",
                "failed",
                "unknown-context",
            ),
            (
                "unsupported cryptosuite",
                at(&|v| v["proof"]["cryptosuite"] = json!("bbs-2023")),
                "proof",
                "could-not-check",
                "unsupported-cryptosuite",
            ),
            (
                "proof from the future",
                at(&|v| v["proof"]["created"] = json!("2030-01-01T00:00:00Z")),
                "proof",
                "failed",
                "proof-created-in-future",
            ),
        ];
        for (what, tampered, name, status, code) in cases {
            let result = verify(app, &tampered, json!({})).await;
            assert_rejected(&result, name, status, code);
            let _ = what;
        }
        // Algorithm confusion: an eddsa proof relabelled ecdsa (or the
        // reverse) needs a key of the other curve.
        let relabelled = at(&|v| {
            let suite = if v["proof"]["cryptosuite"] == "eddsa-rdfc-2022" {
                "ecdsa-rdfc-2019"
            } else {
                "eddsa-rdfc-2022"
            };
            v["proof"]["cryptosuite"] = json!(suite);
        });
        assert_rejected(
            &verify(app, &relabelled, json!({})).await,
            "issuer-key",
            "failed",
            "key-algorithm-mismatch",
        );
        // A genuine credential of another issuer, claimed as ours.
        let res = app
            .post_json(
                "/credentials/issue",
                Some(&key_b),
                &json!({"credential": crate::issue::diploma(app)}),
            )
            .await;
        let from_b: Value = res.json().await.unwrap();
        let mut claimed = from_b.clone();
        claimed["issuer"] = json!(issuer.did);
        assert_rejected(
            &verify(app, &claimed, json!({})).await,
            "issuer-key",
            "failed",
            "key-not-controlled-by-signer",
        );
        // The untouched credentials still verify.
        assert_eq!(verify(app, &issued, json!({})).await.0, 200);
        assert_eq!(verify(app, &from_b, json!({})).await.0, 200);
    }
}

#[tokio::test]
async fn dates_and_statuses_decide_the_verdict() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let mut expiring = crate::issue::diploma(app);
    expiring["validUntil"] = json!("2026-02-01T00:00:00Z");
    let mut later = crate::issue::diploma(app);
    later["validFrom"] = json!("2026-09-01T00:00:00Z");
    for options in [json!({}), json!({"format": "vc+jwt"})] {
        let not_yet = issuer.issue(later.clone(), options.clone()).await;
        assert_rejected(
            &verify(app, &not_yet, json!({})).await,
            "validity-period",
            "failed",
            "not-yet-valid",
        );

        let issued = issuer.issue(expiring.clone(), options.clone()).await;
        let (status, report) = verify(app, &issued, json!({})).await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(
            check(&report, "validity-period")["code"],
            "within-validity-period"
        );

        issuer.set_status(&issued, "suspension", true).await;
        assert_rejected(
            &verify(app, &issued, json!({})).await,
            "suspension",
            "failed",
            "suspended",
        );
        issuer.set_status(&issued, "suspension", false).await;
        assert_eq!(verify(app, &issued, json!({})).await.0, 200);
        issuer.set_status(&issued, "revocation", true).await;
        let result = verify(app, &issued, json!({}));
        let result = result.await;
        assert_rejected(&result, "revocation", "failed", "revoked");
        assert_eq!(check(&result.1, "suspension")["status"], "ok");
        assert_eq!(
            check(&result.1, "proof")["status"],
            "ok",
            "the signature itself is fine"
        );

        let fresh = issuer.issue(expiring.clone(), options.clone()).await;
        app.clock.advance(chrono::Duration::days(30));
        assert_rejected(
            &verify(app, &fresh, json!({})).await,
            "validity-period",
            "failed",
            "expired",
        );
        app.clock.set(start_time());
    }
}

// ----- tampering: vc+jwt --------------------------------------------------

#[tokio::test]
async fn tampered_jwts_are_rejected_with_their_reason() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    app.create_org("univ-b").await;
    let did_b = format!("did:web:127.0.0.1%3A{}:orgs:univ-b", app.addr.port());
    let issued = issuer
        .issue(crate::issue::diploma(app), json!({"format": "vc+jwt"}))
        .await;
    let jwt = jwt_of(&issued);
    let (header, payload, signature) = jwt_parts(&jwt);
    let make = |h: &Value, p: &Value, s: &str| {
        json!(format!(
            "{}.{}.{s}",
            b64(h.to_string().as_bytes()),
            b64(p.to_string().as_bytes())
        ))
    };

    let mut changed = payload.clone();
    changed["credentialSubject"]["degree"]["grade"] = json!("Très bien");
    assert_rejected(
        &verify(app, &make(&header, &changed, &signature), json!({})).await,
        "proof",
        "failed",
        "signature-mismatch",
    );

    // alg: none, with and without a signature.
    let mut none = header.clone();
    none["alg"] = json!("none");
    assert_rejected(
        &verify(app, &make(&none, &payload, ""), json!({})).await,
        "proof",
        "failed",
        "alg-not-allowed",
    );
    assert_rejected(
        &verify(app, &make(&none, &payload, &signature), json!({})).await,
        "proof",
        "failed",
        "alg-not-allowed",
    );

    // Algorithm confusion: HMAC keyed with the public key.
    let doc: Value = app
        .get("/orgs/univ-a/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    let public = doc["verificationMethod"][0]["publicKeyMultibase"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut hs = header.clone();
    hs["alg"] = json!("HS256");
    let input = format!(
        "{}.{}",
        b64(hs.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let mac = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, public.as_bytes()),
        input.as_bytes(),
    );
    assert_rejected(
        &verify(
            app,
            &json!(format!("{input}.{}", b64(mac.as_ref()))),
            json!({}),
        )
        .await,
        "proof",
        "failed",
        "alg-not-allowed",
    );

    // ES256 claimed for an Ed25519 signature.
    let mut es = header.clone();
    es["alg"] = json!("ES256");
    assert_rejected(
        &verify(app, &make(&es, &payload, &signature), json!({})).await,
        "issuer-key",
        "failed",
        "key-algorithm-mismatch",
    );

    // A kid of another issuer; a kid that does not exist.
    let mut other = header.clone();
    other["kid"] = json!(format!("{did_b}#key-1"));
    assert_rejected(
        &verify(app, &make(&other, &payload, &signature), json!({})).await,
        "issuer-key",
        "failed",
        "key-not-controlled-by-signer",
    );
    let mut missing = header.clone();
    missing["kid"] = json!(format!("{}#nope", issuer.did));
    assert_rejected(
        &verify(app, &make(&missing, &payload, &signature), json!({})).await,
        "issuer-key",
        "failed",
        "key-not-found",
    );

    // Issuer swapped in the payload.
    let mut swapped = payload.clone();
    swapped["issuer"] = json!(did_b);
    assert_rejected(
        &verify(app, &make(&header, &swapped, &signature), json!({})).await,
        "issuer-key",
        "failed",
        "key-not-controlled-by-signer",
    );

    // Unknown context.
    let mut ctx = payload.clone();
    ctx["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://evil.example/ctx"));
    assert_rejected(
        &verify(app, &make(&header, &ctx, &signature), json!({})).await,
        "proof",
        "failed",
        "unknown-context",
    );

    // Malformed: wrong typ, a VC 1.1 JWT, two parts: 400.
    for bad in [
        {
            let mut h = header.clone();
            h["typ"] = json!("JWT");
            make(&h, &payload, &signature)
        },
        make(
            &header,
            &json!({"vc": payload.clone(), "iss": issuer.did}),
            &signature,
        ),
        json!(jwt.rsplit_once('.').unwrap().0),
        json!("not a jwt"),
    ] {
        let res = app
            .post_json(
                "/credentials/verify",
                None,
                &json!({"verifiableCredential": bad}),
            )
            .await;
        assert_problem(res, 400).await;
    }
    assert_eq!(verify(app, &issued, json!({})).await.0, 200);
}

/// A vc+jwt over `payload`, signed by an Ed25519 key on did:key.
fn sign_jwt(key: &PrivateKey, vm: &str, payload: &Value) -> Value {
    let header = json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": vm});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let signature = key.sign(input.as_bytes()).unwrap();
    json!(format!("{input}.{}", b64(&signature)))
}

/// Whether panva's jose (`jwtVerify`, which checks `iat`, `nbf` and `exp`
/// as RFC 7519 NumericDates) accepts `jwt` at `now`: the reference for the
/// JWT date rule.
fn jose_accepts(jwt: &str, key: &PrivateKey, now: chrono::DateTime<chrono::Utc>) -> bool {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop");
    assert!(
        dir.join("node_modules/jose").is_dir(),
        "jose is not installed: run `npm ci` in tests/interop (./scripts/test does it)"
    );
    let script = r#"
        import * as jose from 'jose';
        import {readFileSync} from 'node:fs';
        const input = JSON.parse(readFileSync(0, 'utf8'));
        const key = await jose.importJWK(input.jwk, 'EdDSA');
        try {
          await jose.jwtVerify(input.jwt, key, {currentDate: new Date(input.now), typ: 'vc+jwt'});
          process.stdout.write('accepted');
        } catch (e) {
          process.stdout.write(`rejected ${e.code}`);
        }
    "#;
    let mut child = std::process::Command::new("node")
        .args(["--input-type=module", "-e", script])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node is installed");
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(key.public_key().as_bytes())});
    let input = json!({"jwt": jwt, "jwk": jwk, "now": now.to_rfc3339()});
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("accepted") || text.starts_with("rejected"),
        "{text}"
    );
    text == "accepted"
}

/// `iat`, `nbf` and `exp` of a vc+jwt are NumericDates (RFC 7519): a JSON
/// number of seconds, fractions allowed and compared as numbers; anything
/// else makes the credential invalid. jose's `jwtVerify` agrees on every
/// case (an expired credential with a fractional `exp`, or one written as
/// a float, used to be accepted: only integers were read).
#[tokio::test]
async fn jwt_dates_are_numbers_compared_as_numbers() {
    let app = TestApp::spawn().await;
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let (did, vm) = did_key(&key);
    let now = start_time();
    let t = now.timestamp() as f64;
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        // Expired, with a fraction or written as a float.
        ("exp", json!(1.5e9 + 0.5), Some("expired")),
        ("exp", json!(1.5e9), Some("expired")),
        ("exp", json!(t - 0.5), Some("expired")),
        ("exp", json!(-5), Some("expired")),
        ("exp", json!(now.timestamp() - 1), Some("expired")),
        // Still valid: the fraction counts.
        ("exp", json!(t + 0.5), None),
        ("exp", json!(t + 3600.25), None),
        ("exp", json!(1e300), None),
        ("exp", json!(now.timestamp() + 3600), None),
        ("nbf", json!(t + 3600.5), Some("not-yet-valid")),
        ("nbf", json!(t + 0.5), Some("not-yet-valid")),
        ("nbf", json!(t - 3600.5), None),
        ("nbf", json!(t), None),
        // iat is read but not compared (as jose, without maxTokenAge).
        ("iat", json!(t - 0.5), None),
        ("iat", json!(t + 86400.0), None),
        // Not numbers at all.
        ("exp", json!("1500000000"), Some("jwt-date-not-numeric")),
        (
            "exp",
            json!((now.timestamp() + 3600).to_string()),
            Some("jwt-date-not-numeric"),
        ),
        ("exp", json!(true), Some("jwt-date-not-numeric")),
        ("exp", json!(null), Some("jwt-date-not-numeric")),
        ("exp", json!([t + 3600.0]), Some("jwt-date-not-numeric")),
        (
            "nbf",
            json!("2026-01-01T00:00:00Z"),
            Some("jwt-date-not-numeric"),
        ),
        ("iat", json!("yesterday"), Some("jwt-date-not-numeric")),
        ("iat", json!(false), Some("jwt-date-not-numeric")),
    ];
    for (claim, value, refused) in cases {
        let mut payload = simple_credential(&did, None);
        payload[claim] = value.clone();
        let jwt = sign_jwt(&key, &vm, &payload);
        let case = format!("{claim}: {value}");
        let result = verify(&app, &jwt, json!({})).await;
        match refused {
            Some(code) => {
                assert_rejected(&result, "validity-period", "failed", code);
                assert_eq!(check(&result.1, "proof")["status"], "ok", "{case}");
            }
            None => {
                assert_eq!(result.0, 200, "{case}: {:#}", result.1);
                assert_eq!(check(&result.1, "validity-period")["status"], "ok");
            }
        }
        assert_eq!(
            jose_accepts(jwt.as_str().unwrap(), &key, now),
            refused.is_none(),
            "jose disagrees on {case}"
        );
    }
    // The reason names the claim.
    let mut payload = simple_credential(&did, None);
    payload["exp"] = json!("soon");
    let (_, report) = verify(&app, &sign_jwt(&key, &vm, &payload), json!({})).await;
    assert!(check(&report, "validity-period")["reason"]
        .as_str()
        .unwrap()
        .contains("exp claim"));
    // The same properties on a Data Integrity credential are not JWT
    // claims: unchanged (an integer binds, anything else is ignored).
    let mut vc = simple_credential(&did, None);
    vc["exp"] = json!("soon");
    let vc = sign_di(&app, &vc, &key, &vm, "assertionMethod", json!({})).await;
    let (status, report) = verify(&app, &vc, json!({})).await;
    assert_eq!(status, 200, "{report:#}");
}

// ----- presentations ------------------------------------------------------

#[tokio::test]
async fn presentations_check_the_holder_the_challenge_the_domain_and_every_credential() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let vc = issuer.issue(crate::issue::diploma(app), json!({})).await;
    let jwt_vc = issuer
        .issue(crate::issue::diploma(app), json!({"format": "vc+jwt"}))
        .await;
    let holder_key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let (holder, vm) = did_key(&holder_key);
    let vp = presentation(&holder, vec![vc.clone(), jwt_vc.clone()]);
    let proof = json!({"challenge": "c-123", "domain": "https://employer.example"});
    let signed = sign_di(app, &vp, &holder_key, &vm, "authentication", proof.clone()).await;

    let options = json!({"challenge": "c-123", "domain": "https://employer.example"});
    let (status, report) = verify_vp(app, &signed, options.clone()).await;
    assert_eq!(status, 200, "{report:#}");
    assert_eq!(report["verified"], true);
    assert_eq!(report["credentials"].as_array().unwrap().len(), 2);
    assert_eq!(
        report["credentials"][1]["format"], "vc+jwt/EdDSA",
        "the enveloped JWT is verified"
    );
    for name in ["holder-proof", "challenge", "domain", "credentials"] {
        assert_eq!(check(&report, name)["status"], "ok", "{name}: {report:#}");
    }

    assert_rejected(
        &verify_vp(
            app,
            &signed,
            json!({"challenge": "other", "domain": "https://employer.example"}),
        )
        .await,
        "challenge",
        "failed",
        "challenge-mismatch",
    );
    assert_rejected(
        &verify_vp(
            app,
            &signed,
            json!({"challenge": "c-123", "domain": "https://evil.example"}),
        )
        .await,
        "domain",
        "failed",
        "domain-mismatch",
    );
    let unchallenged = sign_di(app, &vp, &holder_key, &vm, "authentication", json!({})).await;
    assert_rejected(
        &verify_vp(app, &unchallenged, options.clone()).await,
        "challenge",
        "failed",
        "challenge-missing",
    );
    // The challenge is signed: changing it breaks the holder's proof.
    let mut replayed = signed.clone();
    replayed["proof"]["challenge"] = json!("c-456");
    assert_rejected(
        &verify_vp(
            app,
            &replayed,
            json!({"challenge": "c-456", "domain": "https://employer.example"}),
        )
        .await,
        "holder-proof",
        "failed",
        "signature-mismatch",
    );
    // A presentation signed for assertion, not authentication.
    let asserted = sign_di(app, &vp, &holder_key, &vm, "assertionMethod", proof.clone()).await;
    assert_rejected(
        &verify_vp(app, &asserted, options.clone()).await,
        "holder-proof",
        "failed",
        "wrong-proof-purpose",
    );
    // Someone else's presentation.
    let other_key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let (_, other_vm) = did_key(&other_key);
    let stolen = sign_di(
        app,
        &vp,
        &other_key,
        &other_vm,
        "authentication",
        proof.clone(),
    )
    .await;
    assert_rejected(
        &verify_vp(app, &stolen, options.clone()).await,
        "holder-proof",
        "failed",
        "key-not-controlled-by-signer",
    );
    // A tampered credential inside, signed over by the holder: the holder's
    // proof verifies, the credential does not.
    let mut bad_vc = vc.clone();
    bad_vc["credentialSubject"]["degree"]["grade"] = json!("Très bien");
    let wrapped = sign_di(
        app,
        &presentation(&holder, vec![bad_vc]),
        &holder_key,
        &vm,
        "authentication",
        proof.clone(),
    )
    .await;
    let result = verify_vp(app, &wrapped, options.clone()).await;
    assert_rejected(&result, "credentials", "failed", "credential-not-verified");
    assert_eq!(check(&result.1, "holder-proof")["status"], "ok");
    assert_eq!(
        check(&result.1["credentials"][0], "proof")["code"],
        "signature-mismatch"
    );
    // Unsigned presentation.
    assert_rejected(
        &verify_vp(app, &vp, json!({})).await,
        "holder-proof",
        "failed",
        "presentation-unsigned",
    );
}

#[tokio::test]
async fn a_key_listed_only_for_assertion_cannot_authenticate_a_presentation() {
    let issuer = Issuer::new(&[
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
    ])
    .await;
    let app = &issuer.app;
    let server = DocServer::start().await;
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let holder = server.did();
    server.put(
        "/.well-known/did.json",
        200,
        did_document(&holder, &key, &["assertionMethod"]).to_string(),
    );
    let vm = format!("{holder}#key-1");
    let vp = sign_di(
        app,
        &presentation(&holder, vec![]),
        &key,
        &vm,
        "authentication",
        json!({"challenge": "x"}),
    )
    .await;
    assert_rejected(
        &verify_vp(app, &vp, json!({"challenge": "x"})).await,
        "holder-proof",
        "failed",
        "key-not-authorized-for-purpose",
    );
    // Listed for authentication: accepted.
    server.put(
        "/.well-known/did.json",
        200,
        did_document(&holder, &key, &["authentication"]).to_string(),
    );
    let fresh_server = DocServer::start().await;
    let holder2 = fresh_server.did();
    fresh_server.put(
        "/.well-known/did.json",
        200,
        did_document(&holder2, &key, &["authentication"]).to_string(),
    );
    let vp2 = sign_di(
        app,
        &presentation(&holder2, vec![]),
        &key,
        &format!("{holder2}#key-1"),
        "authentication",
        json!({"challenge": "x"}),
    )
    .await;
    let (status, report) = verify_vp(app, &vp2, json!({"challenge": "x"})).await;
    assert_eq!(status, 200, "{report:#}");
}

// ----- could-not-check ----------------------------------------------------

#[tokio::test]
async fn unreachable_did_documents_and_status_lists_are_could_not_check() {
    let issuer = Issuer::new(&[
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
        ("ATOUT_DID_WEB_TIMEOUT_MS", "2000"),
    ])
    .await;
    let app = &issuer.app;
    let server = DocServer::start().await;
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let did = server.did();
    let vm = format!("{did}#key-1");
    server.put(
        "/.well-known/did.json",
        200,
        did_document(&did, &key, &["assertionMethod"]).to_string(),
    );

    // A status list that does not answer, then answers 500, then is fine.
    let entry = json!({
        "id": server.url("/status/1#7"), "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "7",
        "statusListCredential": server.url("/status/1")
    });
    let vc = sign_di(
        app,
        &simple_credential(&did, Some(entry)),
        &key,
        &vm,
        "assertionMethod",
        json!({}),
    )
    .await;
    let result = verify(app, &vc, json!({})).await;
    assert_rejected(
        &result,
        "revocation",
        "could-not-check",
        "status-unavailable",
    );
    assert_eq!(check(&result.1, "proof")["status"], "ok");
    server.put("/status/1", 500, "oops".into());
    assert_rejected(
        &verify(app, &vc, json!({})).await,
        "revocation",
        "could-not-check",
        "status-unavailable",
    );

    let encoded = atout_vc::status::encode(131_072, [7u64]).unwrap();
    let list = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": server.url("/status/1"),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": server.url("/status/1#list"), "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": encoded}
    });
    let signed_list = sign_di(app, &list, &key, &vm, "assertionMethod", json!({})).await;
    // A forged list (bit flipped, proof kept): never "not revoked", never "revoked".
    let mut forged = signed_list.clone();
    forged["credentialSubject"]["encodedList"] =
        json!(atout_vc::status::encode(131_072, []).unwrap());
    server.put("/status/1", 200, forged.to_string());
    assert_rejected(
        &verify(app, &vc, json!({})).await,
        "revocation",
        "could-not-check",
        "status-list-unverifiable",
    );
    // The genuine list: index 7 is set, revoked.
    server.put("/status/1", 200, signed_list.to_string());
    let later = start_time() + chrono::Duration::minutes(10);
    app.clock.set(later);
    assert_rejected(
        &verify(app, &vc, json!({})).await,
        "revocation",
        "failed",
        "revoked",
    );

    // The issuer's DID document cannot be fetched.
    let gone = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ghost = format!("did:web:127.0.0.1%3A{gone}");
    let vc = sign_di(
        app,
        &simple_credential(&ghost, None),
        &key,
        &format!("{ghost}#key-1"),
        "assertionMethod",
        json!({}),
    )
    .await;
    let result = verify(app, &vc, json!({})).await;
    assert_rejected(&result, "issuer-key", "could-not-check", "did-unreachable");
    assert_eq!(check(&result.1, "proof")["status"], "could-not-check");
    // The DID document is not there (404): the DID does not exist.
    let server2 = DocServer::start().await;
    let nobody = server2.did();
    let vc = sign_di(
        app,
        &simple_credential(&nobody, None),
        &key,
        &format!("{nobody}#key-1"),
        "assertionMethod",
        json!({}),
    )
    .await;
    assert_rejected(
        &verify(app, &vc, json!({})).await,
        "issuer-key",
        "failed",
        "did-not-found",
    );
}

#[tokio::test]
async fn private_addresses_are_refused_in_the_default_configuration() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let server = DocServer::start().await;
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let did = server.did();
    server.put(
        "/.well-known/did.json",
        200,
        did_document(&did, &key, &["assertionMethod"]).to_string(),
    );
    let vc = sign_di(
        app,
        &simple_credential(&did, None),
        &key,
        &format!("{did}#key-1"),
        "assertionMethod",
        json!({}),
    )
    .await;
    let result = verify(app, &vc, json!({})).await;
    assert_rejected(&result, "issuer-key", "could-not-check", "did-unreachable");
    assert!(
        check(&result.1, "issuer-key")["reason"]
            .as_str()
            .unwrap()
            .contains("loopback"),
        "{:#}",
        result.1
    );
}

/// A status list or a schema that cannot be fetched (the server answers
/// 500, or nothing listens) is reported as such, with its own code, never
/// as a DID document that could not be fetched.
#[tokio::test]
async fn status_list_and_schema_fetch_failures_say_so() {
    let issuer = Issuer::new(&[
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
        ("ATOUT_DID_WEB_TIMEOUT_MS", "2000"),
    ])
    .await;
    let app = &issuer.app;
    let server = DocServer::start().await;
    server.put("/status/500", 500, "oops".into());
    server.put("/schema/500", 500, "oops".into());
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let unreachable = |path: &str| format!("http://127.0.0.1:{closed}{path}");
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let (did, vm) = did_key(&key);
    let said = |report: &Value, name: &str, code: &str, what: &str, why: &str| {
        let c = check(report, name);
        assert_eq!(c["status"], "could-not-check", "{report:#}");
        assert_eq!(c["code"], code, "{report:#}");
        let reason = c["reason"].as_str().unwrap();
        assert!(reason.starts_with(what), "{reason}");
        assert!(reason.contains(why), "{reason}");
        assert!(!reason.contains("DID"), "{reason}");
    };

    for (url, why) in [
        (server.url("/status/500"), "HTTP 500"),
        (unreachable("/status/1"), "could not connect"),
    ] {
        let entry = json!({
            "id": format!("{url}#7"), "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": "7",
            "statusListCredential": url
        });
        let vc = simple_credential(&did, Some(entry));
        let vc = sign_di(app, &vc, &key, &vm, "assertionMethod", json!({})).await;
        let result = verify(app, &vc, json!({})).await;
        assert_rejected(
            &result,
            "revocation",
            "could-not-check",
            "status-unavailable",
        );
        said(
            &result.1,
            "revocation",
            "status-unavailable",
            "The status list",
            why,
        );
        assert_eq!(check(&result.1, "issuer-key")["status"], "ok");
    }

    for (url, why) in [
        (server.url("/schema/500"), "HTTP 500"),
        (unreachable("/schema.json"), "could not connect"),
    ] {
        let mut vc = simple_credential(&did, None);
        vc["credentialSchema"] = json!({"id": url, "type": "JsonSchema"});
        let vc = sign_di(app, &vc, &key, &vm, "assertionMethod", json!({})).await;
        let (status, report) = verify(app, &vc, json!({})).await;
        // A schema is not part of the VC-API verdict: reported, a warning.
        assert_eq!(status, 200, "{report:#}");
        said(&report, "schema", "schema-unavailable", "The schema", why);
    }

    // Each code has its own sentence, in French and in English.
    use atout_verifier::{
        i18n::{check_sentence, Lang},
        report::CheckKind,
    };
    for lang in [Lang::Fr, Lang::En] {
        let did = check_sentence(lang, CheckKind::IssuerKey, "did-unreachable").unwrap();
        let status = check_sentence(lang, CheckKind::Revocation, "status-unavailable").unwrap();
        let schema = check_sentence(lang, CheckKind::Schema, "schema-unavailable").unwrap();
        assert!(did != status && status != schema && did != schema);
    }
    assert!(
        check_sentence(Lang::En, CheckKind::Revocation, "status-unavailable")
            .unwrap()
            .contains("status list")
    );
    assert!(
        check_sentence(Lang::Fr, CheckKind::Schema, "schema-unavailable")
            .unwrap()
            .contains("schéma")
    );
}

// ----- malformed and hostile input ---------------------------------------

#[tokio::test]
async fn malformed_oversized_and_hostile_input_is_refused_clearly() {
    let issuer = Issuer::new(&[("ATOUT_BODY_LIMIT_BYTES", "65536")]).await;
    let app = &issuer.app;
    let issued = issuer.issue(crate::issue::diploma(app), json!({})).await;
    let post = |path: &'static str, body: String| {
        app.client
            .post(app.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for body in [
        "not json".to_owned(),
        "{}".to_owned(),
        "[]".to_owned(),
        json!({"verifiableCredential": 42}).to_string(),
        json!({"verifiableCredential": {}}).to_string(),
        json!({"verifiableCredential": issued, "options": {"unknown": true}}).to_string(),
        json!({"verifiableCredential": issued, "options": {"challenge": "x"}}).to_string(),
        json!({"verifiableCredential": issued, "extra": 1}).to_string(),
        json!({"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "did:key:z", "credentialSubject": {}}}).to_string(),
        { let mut v = issued.clone(); v.as_object_mut().unwrap().remove("proof"); json!({"verifiableCredential": v}).to_string() },
        { let mut v = issued.clone(); v["proof"].as_object_mut().unwrap().remove("verificationMethod"); json!({"verifiableCredential": v}).to_string() },
        { let mut v = issued.clone(); v["validFrom"] = json!("yesterday"); json!({"verifiableCredential": v}).to_string() },
        { let mut v = issued.clone(); v["@context"] = json!(["https://example.org/other"]); json!({"verifiableCredential": v}).to_string() },
        { let mut v = issued.clone(); v.as_object_mut().unwrap().remove("issuer"); json!({"verifiableCredential": v}).to_string() },
        { let mut v = issued.clone(); v["type"] = json!(["DiplomaCredential"]); json!({"verifiableCredential": v}).to_string() },
        // Nested 100 deep.
        format!("{{\"verifiableCredential\": {{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], \"type\": [\"VerifiableCredential\"], \"issuer\": \"did:key:z\", \"credentialSubject\": {}1{}}}}}", "{\"a\":".repeat(100), "}".repeat(100)),
    ] {
        let res = post("/credentials/verify", body.clone()).await.unwrap();
        assert_eq!(res.status(), 400, "{body}");
        let problem = assert_problem(res, 400).await;
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()), "{body}: {problem}");
    }
    // NUL bytes are refused before any parsing.
    let res = post(
        "/credentials/verify",
        json!({"verifiableCredential": "a\u{0}b"}).to_string(),
    )
    .await
    .unwrap();
    assert_problem(res, 400).await;
    // Oversized.
    let big = json!({"verifiableCredential": {"x": "a".repeat(100_000)}}).to_string();
    let res = post("/credentials/verify", big).await.unwrap();
    assert_problem(res, 413).await;
    // Presentations.
    for body in [
        json!({"verifiablePresentation": "x"}).to_string(),
        json!({"verifiablePresentation": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}}).to_string(),
        json!({"verifiablePresentation": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "verifiableCredential": [{"nope": 1}]}}).to_string(),
        json!({"verifiablePresentation": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "verifiableCredential": vec![issued.clone(); 40]}}).to_string(),
    ] {
        let res = post("/presentations/verify", body).await.unwrap();
        assert_problem(res, 400).await;
    }
    // A wrong method is a 405 problem; the service still verifies.
    let res = app.get("/credentials/verify", None).await;
    assert_problem(res, 405).await;
    assert_eq!(verify(app, &issued, json!({})).await.0, 200);
}

#[tokio::test]
async fn a_declared_json_schema_is_checked() {
    let issuer = Issuer::new(&[
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
    ])
    .await;
    let app = &issuer.app;
    let server = DocServer::start().await;
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let did = server.did();
    let vm = format!("{did}#key-1");
    server.put(
        "/.well-known/did.json",
        200,
        did_document(&did, &key, &["assertionMethod"]).to_string(),
    );
    let schema = |required: &str| {
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["credentialSubject"],
            "properties": {"credentialSubject": {"type": "object", "required": [required]}}
        })
        .to_string()
    };
    let mut vc = simple_credential(&did, None);
    vc["credentialSchema"] = json!({"id": server.url("/schema.json"), "type": "JsonSchema"});
    let vc = sign_di(app, &vc, &key, &vm, "assertionMethod", json!({})).await;

    server.put("/schema.json", 200, schema("name"));
    let (status, report) = verify(app, &vc, json!({})).await;
    assert_eq!(status, 200, "{report:#}");
    assert_eq!(check(&report, "schema")["code"], "matches-schema");

    // Another verifier (fresh cache) against a schema the credential breaks.
    let issuer2 = Issuer::new(&[
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
    ])
    .await;
    server.put("/schema.json", 200, schema("birthDate"));
    assert_rejected(
        &verify(&issuer2.app, &vc, json!({})).await,
        "schema",
        "failed",
        "schema-mismatch",
    );

    // Unreachable: reported, and a warning (the VC-API verdict is proof,
    // validity period and status).
    let issuer3 = Issuer::new(&[
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
    ])
    .await;
    server.put("/schema.json", 503, "down".into());
    let (status, report) = verify(&issuer3.app, &vc, json!({})).await;
    assert_eq!(check(&report, "schema")["status"], "could-not-check");
    assert_eq!(check(&report, "schema")["code"], "schema-unavailable");
    assert_eq!(status, 200, "{report:#}");
    assert!(report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().starts_with("schema")));
}

#[tokio::test]
async fn undefined_terms_verify_under_the_w3c_undefined_terms_context() {
    let issuer = Issuer::new(&[
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
    ])
    .await;
    let app = &issuer.app;
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let (did, vm) = did_key(&key);
    let mut vc = simple_credential(&did, None);
    vc["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/undefined-terms/v2"
    ]);
    vc["credentialSubject"]["favouriteCheese"] = json!("Crottin de Chavignol");
    let signed = sign_di(app, &vc, &key, &vm, "assertionMethod", json!({})).await;
    let (status, report) = verify(app, &signed, json!({})).await;
    assert_eq!(status, 200, "{report:#}");
    let mut changed = signed.clone();
    changed["credentialSubject"]["favouriteCheese"] = json!("Selles-sur-Cher");
    assert_rejected(
        &verify(app, &changed, json!({})).await,
        "proof",
        "failed",
        "signature-mismatch",
    );
}

/// `relatedResource` (VC 2.0 §5.3): a bundled context with its published
/// SHA-256 (and a SHA-384 SRI of the same bytes) matches; a wrong digest
/// makes the credential fail; a resource that cannot be obtained is
/// reported as not checked, without deciding the verdict.
#[tokio::test]
async fn related_resources_are_checked_against_their_digests() {
    use base64::Engine as _;
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let v2 = "https://www.w3.org/ns/credentials/v2";
    let published = "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734";
    let bytes = atout_vc::contexts::Contexts::new(&app.base)
        .documents()
        .into_iter()
        .find(|(u, _)| u == v2)
        .unwrap()
        .1;
    let mut multihash = vec![0x12, 32];
    multihash
        .extend((0..32).map(|i| u8::from_str_radix(&published[2 * i..2 * i + 2], 16).unwrap()));
    let sri = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(ring::digest::digest(
            &ring::digest::SHA384,
            bytes.as_bytes()
        ))
    );
    let issue = |related: Value| {
        let mut credential = crate::issue::diploma(app);
        credential["relatedResource"] = related;
        issuer.issue(credential, json!({}))
    };

    let good = issue(json!([{
        "id": v2,
        "digestMultibase": format!("z{}", bs58::encode(&multihash).into_string()),
        "digestSRI": sri,
    }]))
    .await;
    let (status, report) = verify(app, &good, json!({})).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        check(&report, "related-resource")["status"],
        "ok",
        "{report}"
    );
    assert_eq!(check(&report, "related-resource")["code"], "digest-matches");

    let mut wrong = multihash.clone();
    wrong[5] ^= 1;
    let altered = issue(json!([{
        "id": v2,
        "digestMultibase": format!("z{}", bs58::encode(&wrong).into_string()),
    }]))
    .await;
    let (status, report) = verify(app, &altered, json!({})).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["verified"], false);
    assert_eq!(check(&report, "related-resource")["status"], "failed");
    assert_eq!(
        check(&report, "related-resource")["code"],
        "digest-mismatch"
    );

    let unreachable = issue(json!([{
        "id": "http://127.0.0.1:9/missing.json",
        "digestSRI": format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode([0u8; 32])),
    }]))
    .await;
    let (status, report) = verify(app, &unreachable, json!({})).await;
    assert_eq!(status, 200, "not obtained is not a verdict: {report}");
    assert_eq!(
        check(&report, "related-resource")["status"],
        "could-not-check"
    );
    assert_eq!(
        check(&report, "related-resource")["code"],
        "related-resource-unavailable"
    );
}
