//! The trust registry of accredited issuers: storage (both backends), the
//! admin API, the signed registry document (export, import, tampering),
//! the command line, and verification links.
//!
//! The signed document is checked by verifiers written independently of
//! Atout's engine: an eddsa-rdfc-2022 check here (ssi's canonical N-Quads,
//! SHA-256, Ed25519 with ring) and Digital Bazaar's libraries in Node.

use crate::common::*;
use atout_core::{
    audit::Actor,
    registry::{LocalizedName, Registry, TrustedIssuer},
    store::{AuditEntry, AuditFilter, IssuedCredential, StoreError},
};
use atout_verifier::registry::{
    read_document, BoxFuture, DocumentVerifier, Expected, RegistryDocError,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::sync::Arc;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn platform_did(app: &TestApp) -> String {
    format!("did:web:127.0.0.1%3A{}", app.addr.port())
}

fn org_did(app: &TestApp, slug: &str) -> String {
    format!("{}:orgs:{slug}", platform_did(app))
}

/// The admin path of an entry: the DID percent-encoded (its `%` too).
fn issuer_path(did: &str) -> String {
    let encoded = did
        .replace('%', "%25")
        .replace('#', "%23")
        .replace('?', "%3F")
        .replace('/', "%2F");
    format!("/admin/registry/issuers/{encoded}")
}

fn body(name: &str) -> Value {
    json!({
        "name": {"fr": format!("Université {name}"), "en": format!("University {name}")},
        "accreditation": "Certificateur RNCP, France Compétences",
        "accreditationUrl": "https://www.francecompetences.fr/",
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2031-01-01",
    })
}

async fn put(app: &TestApp, did: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
    let mut req = app.client.put(app.url(&issuer_path(did))).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

async fn audit(app: &TestApp, action: &str) -> Vec<AuditEntry> {
    app.store()
        .list_audit(&AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

fn entry(did: &str, fr: &str) -> TrustedIssuer {
    TrustedIssuer {
        did: did.to_owned(),
        name: LocalizedName {
            fr: fr.to_owned(),
            en: format!("{fr} (en)"),
        },
        accreditation: "Certificateur RNCP".into(),
        accreditation_url: None,
        valid_from: at("2026-01-01T00:00:00Z"),
        valid_until: None,
    }
}

#[tokio::test]
async fn the_registry_service_keeps_entries_with_their_audit_lines() {
    let app = TestApp::spawn().await;
    let registry = Registry::new(app.store(), app.state.clock.clone());
    let actor = Actor::cli();
    let a = "did:web:univ-a.example";
    let b = "did:web:univ-b.example:orgs:b";
    let (saved, created) = registry
        .upsert(&actor, entry(a, " Université A "))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(saved.name.fr, "Université A", "trimmed");
    let first = app.store().get_trusted_issuer(a).await.unwrap().unwrap();
    app.clock.advance(chrono::Duration::minutes(5));
    let (_, created) = registry
        .upsert(&actor, entry(a, "Université A2"))
        .await
        .unwrap();
    assert!(!created);
    let second = app.store().get_trusted_issuer(a).await.unwrap().unwrap();
    assert_eq!(second.created_at, first.created_at, "created_at is kept");
    assert!(second.updated_at > first.updated_at);
    assert_eq!(registry.get(a).await.unwrap().name.fr, "Université A2");
    let upserts = audit(&app, "trusted_issuer.upserted").await;
    assert_eq!(upserts.len(), 2);
    assert_eq!(upserts[0].details.as_ref().unwrap()["created"], false);
    assert_eq!(upserts[1].details.as_ref().unwrap()["created"], true);
    assert_eq!(upserts[0].object, format!("trusted_issuer:{a}"));
    assert_eq!(upserts[0].org_id, None);

    // Invalid entries write nothing.
    let bad = TrustedIssuer {
        valid_until: Some(at("2025-01-01T00:00:00Z")),
        ..entry(b, "B")
    };
    assert!(registry.upsert(&actor, bad).await.is_err());
    assert_eq!(registry.list().await.unwrap().len(), 1);

    // Replacing: one transaction, one audit line with what changed.
    let diff = registry
        .replace_all(
            &actor,
            vec![entry(b, "B"), entry(a, "Université A2")],
            Some(json!({"test": true})),
        )
        .await
        .unwrap();
    assert_eq!(diff.added, vec![b.to_owned()]);
    assert!(diff.updated.is_empty(), "{diff:?}");
    let diff = registry
        .replace_all(&actor, vec![entry(b, "B bis")], None)
        .await
        .unwrap();
    assert_eq!(
        (diff.added.len(), diff.updated, diff.removed),
        (0, vec![b.to_owned()], vec![a.to_owned()])
    );
    let replaced = audit(&app, "trust_registry.replaced").await;
    assert_eq!(replaced.len(), 2);
    assert_eq!(replaced[0].details.as_ref().unwrap()["removed"], json!([a]));
    assert_eq!(
        replaced[1].details.as_ref().unwrap()["source"],
        json!({"test": true})
    );
    // Duplicates are refused whole.
    let err = registry
        .replace_all(&actor, vec![entry(a, "A"), entry(a, "A")], None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("trustedIssuers[1].did"), "{err}");
    assert_eq!(registry.list().await.unwrap(), vec![entry(b, "B bis")]);

    registry.remove(&actor, b).await.unwrap();
    assert!(registry.remove(&actor, b).await.is_err());
    assert_eq!(audit(&app, "trusted_issuer.removed").await.len(), 1);
    assert!(registry.list().await.unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn admin_api_crud() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    let did = org_did(&app, "univ-a");
    let res = app.get("/admin/registry", Some(ADMIN_TOKEN)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"items": []}));

    let res = put(&app, &did, &body("A"), Some(ADMIN_TOKEN)).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(
        created,
        json!({
            "did": did,
            "name": {"fr": "Université A", "en": "University A"},
            "accreditation": "Certificateur RNCP, France Compétences",
            "accreditationUrl": "https://www.francecompetences.fr/",
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2031-01-01T00:00:00Z",
        })
    );
    // Replacing; validFrom left out keeps the current value.
    let mut changed = body("A bis");
    changed.as_object_mut().unwrap().remove("validFrom");
    changed.as_object_mut().unwrap().remove("validUntil");
    changed["did"] = did.clone().into();
    let res = put(&app, &did, &changed, Some(ADMIN_TOKEN)).await;
    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["validFrom"], "2026-01-01T00:00:00Z");
    assert!(updated.get("validUntil").is_none());
    // A new entry without validFrom starts now.
    let key_did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    let mut no_dates = body("K");
    no_dates.as_object_mut().unwrap().remove("validFrom");
    no_dates.as_object_mut().unwrap().remove("validUntil");
    let res = put(&app, key_did, &no_dates, Some(ADMIN_TOKEN)).await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<Value>().await.unwrap()["validFrom"],
        "2026-01-15T10:00:00Z"
    );

    let list: Value = app
        .get("/admin/registry", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    let dids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["did"].as_str().unwrap())
        .collect();
    assert_eq!(dids, vec![key_did, did.as_str()]);
    let one = app.get(&issuer_path(&did), Some(ADMIN_TOKEN)).await;
    assert_eq!(one.status(), 200);
    assert_eq!(one.json::<Value>().await.unwrap(), updated);

    let res = app.delete(&issuer_path(&did), Some(ADMIN_TOKEN)).await;
    assert_eq!(res.status(), 204);
    assert_problem(app.get(&issuer_path(&did), Some(ADMIN_TOKEN)).await, 404).await;
    assert_problem(app.delete(&issuer_path(&did), Some(ADMIN_TOKEN)).await, 404).await;

    // Each change has its audit line, by the admin, in its request.
    let lines = audit(&app, "trusted_issuer.upserted").await;
    assert_eq!(lines.len(), 3);
    assert!(lines
        .iter()
        .all(|l| l.actor == "admin" && l.request_id.is_some()));
    assert_eq!(audit(&app, "trusted_issuer.removed").await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn admin_api_refuses_bad_input_and_names_the_field() {
    let app = TestApp::spawn().await;
    let did = "did:web:univ.example";
    let with = |key: &str, value: Value| {
        let mut b = body("A");
        b[key] = value;
        b
    };
    let cases: Vec<(String, Value, &str)> = vec![
        ("did:foo:bar".into(), body("A"), "did"),
        ("did:web:Univ.example".into(), body("A"), "did"),
        ("did:web:univ.example#key-1".into(), body("A"), "did"),
        ("did:key:z6Mkabc".into(), body("A"), "did"),
        (
            format!("did:web:{}.example", "a".repeat(600)),
            body("A"),
            "did",
        ),
        (
            did.into(),
            with("did", "did:web:other.example".into()),
            "did",
        ),
        (
            did.into(),
            with("name", json!({"fr": "", "en": "x"})),
            "name.fr",
        ),
        (
            did.into(),
            with("name", json!({"fr": "x", "en": "   "})),
            "name.en",
        ),
        (
            did.into(),
            with("name", json!({"fr": "a\u{1}b", "en": "x"})),
            "name.fr",
        ),
        (
            did.into(),
            with("name", json!({"fr": "x", "en": "a\nb"})),
            "name.en",
        ),
        (
            did.into(),
            with("name", json!({"fr": "n".repeat(201), "en": "x"})),
            "name.fr",
        ),
        (
            did.into(),
            with("accreditation", "".into()),
            "accreditation",
        ),
        (
            did.into(),
            with("accreditation", "a".repeat(501).into()),
            "accreditation",
        ),
        (
            did.into(),
            with("accreditationUrl", "http://example.org".into()),
            "accreditationUrl",
        ),
        (
            did.into(),
            with("accreditationUrl", "javascript:alert(1)".into()),
            "accreditationUrl",
        ),
        (
            did.into(),
            with("validUntil", "2025-12-31".into()),
            "validUntil",
        ),
        (
            did.into(),
            with("validUntil", "2026-01-01T00:00:00Z".into()),
            "validUntil",
        ),
        (
            did.into(),
            with("validFrom", "next monday".into()),
            "validFrom",
        ),
    ];
    for (did, body, field) in &cases {
        let res = put(&app, did, body, Some(ADMIN_TOKEN)).await;
        assert_eq!(res.status(), 422, "{did} {body}");
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["field"], *field, "{did} {body}: {problem}");
    }
    // Unknown or missing fields, wrong types: 422 naming the field.
    for (body, word) in [
        (with("trusted", true.into()), "unknown field `trusted`"),
        (
            with("name", json!({"fr": "x", "en": "y", "de": "z"})),
            "unknown field `de`",
        ),
        (
            json!({"name": {"fr": "x", "en": "y"}}),
            "missing field `accreditation`",
        ),
        (with("accreditation", 3.into()), "accreditation"),
    ] {
        let problem = assert_problem(put(&app, did, &body, Some(ADMIN_TOKEN)).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(word),
            "{problem}"
        );
    }
    // Malformed JSON: 400.
    let res = app
        .client
        .put(app.url(&issuer_path(did)))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    // Nothing was written.
    assert!(app.store().list_trusted_issuers().await.unwrap().is_empty());
    assert!(audit(&app, "trusted_issuer.upserted").await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn only_the_platform_admin_manages_the_registry() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    let (_, key) = app.create_api_key("univ-a").await;
    let did = org_did(&app, "univ-a");
    for token in [None, Some("wrong-token"), Some(key.as_str())] {
        let expected = if token == Some(key.as_str()) {
            403
        } else {
            401
        };
        assert_problem(put(&app, &did, &body("A"), token).await, expected).await;
        assert_problem(app.get("/admin/registry", token).await, expected).await;
        assert_problem(app.get(&issuer_path(&did), token).await, expected).await;
        assert_problem(app.delete(&issuer_path(&did), token).await, expected).await;
        assert_problem(app.get("/admin/registry/export", token).await, expected).await;
        assert_problem(
            app.post_json("/admin/registry/import", token, &json!({}))
                .await,
            expected,
        )
        .await;
    }
    assert!(app.store().list_trusted_issuers().await.unwrap().is_empty());
    app.stop().await;
}

/// An eddsa-rdfc-2022 check written for these tests, independent of the
/// verification engine: the proof configuration and the document are
/// canonicalised (ssi's RDFC-1.0), hashed (SHA-256), and the signature
/// checked with ring against the platform's published key.
struct RingVerifier {
    engine: atout_vc::data_integrity::LdEngine,
    /// Raw Ed25519 public key.
    public_key: Vec<u8>,
}

impl RingVerifier {
    async fn check(&self, document: &Value) -> Result<(), String> {
        let mut unsecured = document.as_object().cloned().ok_or("not an object")?;
        let mut proof = unsecured
            .remove("proof")
            .and_then(|p| p.as_object().cloned())
            .ok_or("no proof")?;
        if proof.get("cryptosuite") != Some(&json!("eddsa-rdfc-2022")) {
            return Err("not eddsa-rdfc-2022".into());
        }
        let proof_value = proof
            .remove("proofValue")
            .and_then(|v| v.as_str().map(str::to_owned))
            .ok_or("no proofValue")?;
        proof.insert("@context".into(), document["@context"].clone());
        let hash = |text: String| ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
        let canonical = |doc: Value| async move {
            atout_vc::data_integrity::canonical_nquads(&self.engine, &doc)
                .map_err(|e| e.to_string())
        };
        let mut data = hash(canonical(Value::Object(proof)).await?)
            .as_ref()
            .to_vec();
        data.extend_from_slice(hash(canonical(Value::Object(unsecured)).await?).as_ref());
        let signature = bs58::decode(proof_value.strip_prefix('z').ok_or("not base58btc")?)
            .into_vec()
            .map_err(|e| e.to_string())?;
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &self.public_key)
            .verify(&data, &signature)
            .map_err(|_| "the signature does not verify".to_owned())
    }
}

impl DocumentVerifier for RingVerifier {
    fn verify<'a>(&'a self, document: &'a Value) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(self.check(document))
    }
}

async fn platform_document(app: &TestApp) -> Value {
    app.get("/.well-known/did.json", None)
        .await
        .json()
        .await
        .unwrap()
}

async fn ring_verifier(app: &TestApp) -> RingVerifier {
    let doc = platform_document(app).await;
    let multikey = doc["verificationMethod"][0]["publicKeyMultibase"]
        .as_str()
        .unwrap();
    let bytes = bs58::decode(&multikey[1..]).into_vec().unwrap();
    assert_eq!(&bytes[..2], &[0xed, 0x01], "an Ed25519 multikey");
    RingVerifier {
        engine: atout_vc::Vc::new(&app.base).unwrap().engine,
        public_key: bytes[2..].to_vec(),
    }
}

/// Digital Bazaar's verifier (Node), given the platform's DID document and
/// Atout's context.
async fn node_verifies(app: &TestApp, document: &Value) -> Value {
    let contexts = json!({
        app.url("/contexts/atout/v1"): app.get("/contexts/atout/v1", None).await.json::<Value>().await.unwrap()
    });
    let did_documents = json!({ platform_did(app): platform_document(app).await });
    crate::issue::independent_verify_with(document, &did_documents, &contexts, &json!({}))
}

async fn export(app: &TestApp) -> Value {
    let res = app.get("/admin/registry/export", Some(ADMIN_TOKEN)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/vc+ld+json");
    res.json().await.unwrap()
}

async fn import(app: &TestApp, document: &Value) -> reqwest::Response {
    app.post_json("/admin/registry/import", Some(ADMIN_TOKEN), document)
        .await
}

#[tokio::test]
async fn export_is_signed_by_the_platform_and_imports_back() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    let a = org_did(&app, "univ-a");
    let k = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    assert_eq!(
        put(&app, &a, &body("A"), Some(ADMIN_TOKEN)).await.status(),
        201
    );
    assert_eq!(
        put(&app, k, &body("K"), Some(ADMIN_TOKEN)).await.status(),
        201
    );
    let document = export(&app).await;
    let platform = platform_did(&app);
    assert_eq!(
        document["@context"],
        json!([
            "https://www.w3.org/ns/credentials/v2",
            app.url("/contexts/atout/v1")
        ])
    );
    assert_eq!(
        document["type"],
        json!(["VerifiableCredential", "TrustRegistryCredential"])
    );
    assert_eq!(document["issuer"], platform.as_str());
    assert_eq!(document["validFrom"], "2026-01-15T10:00:00Z");
    assert_eq!(document["credentialSubject"]["id"], app.url("/registry"));
    assert_eq!(document["credentialSubject"]["type"], "TrustRegistry");
    let listed = document["credentialSubject"]["trustedIssuers"]
        .as_array()
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["did"], a.as_str());
    assert_eq!(listed[1]["name"]["fr"], "Université A");
    assert_eq!(document["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert!(document["proof"]["verificationMethod"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{platform}#")));

    // Two independent verifiers accept it.
    let ring = ring_verifier(&app).await;
    ring.check(&document).await.unwrap();
    let verdict = node_verifies(&app, &document).await;
    assert_eq!(verdict["verified"], true, "{verdict}");
    let expected = Expected {
        authority: platform.clone(),
        context: app.url("/contexts/atout/v1"),
    };
    let snapshot = read_document(&document, &expected, &ring).await.unwrap();
    assert_eq!(snapshot.len(), 2);
    assert_eq!(snapshot.authority, platform);
    assert_eq!(snapshot.issued_at, at("2026-01-15T10:00:00Z"));
    let (found, trust) = snapshot.lookup(&a, at("2026-06-01T00:00:00Z")).unwrap();
    assert_eq!(found.name.en, "University A");
    assert_eq!(trust, atout_core::registry::Trust::Accredited);

    // Import into a changed registry puts the exported list back.
    app.delete(&issuer_path(k), Some(ADMIN_TOKEN)).await;
    put(&app, &a, &body("A changed"), Some(ADMIN_TOKEN)).await;
    put(&app, "did:web:extra.example", &body("X"), Some(ADMIN_TOKEN)).await;
    let res = import(&app, &document).await;
    assert_eq!(res.status(), 200);
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(
        outcome,
        json!({
            "count": 2, "issuedAt": "2026-01-15T10:00:00Z",
            "added": [k], "updated": [a], "removed": ["did:web:extra.example"],
        })
    );
    let list: Value = app
        .get("/admin/registry", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"],
        document["credentialSubject"]["trustedIssuers"]
    );
    let lines = audit(&app, "trust_registry.replaced").await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].actor, "admin");
    let details = lines[0].details.as_ref().unwrap();
    assert_eq!(details["source"]["issuer"], platform.as_str());
    assert_eq!(details["count"], 2);
    // Importing the same document again changes nothing.
    let again: Value = import(&app, &document).await.json().await.unwrap();
    assert_eq!(again["added"], json!([]));
    assert_eq!(again["updated"], json!([]));
    assert_eq!(again["removed"], json!([]));

    // An empty registry exports and imports too.
    app.delete(&issuer_path(k), Some(ADMIN_TOKEN)).await;
    app.delete(&issuer_path(&a), Some(ADMIN_TOKEN)).await;
    let empty = export(&app).await;
    assert_eq!(empty["credentialSubject"]["trustedIssuers"], json!([]));
    ring.check(&empty).await.unwrap();
    assert_eq!(import(&app, &empty).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn tampered_or_foreign_documents_are_refused() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    let a = org_did(&app, "univ-a");
    put(&app, &a, &body("A"), Some(ADMIN_TOKEN)).await;
    let document = export(&app).await;
    let ring = ring_verifier(&app).await;
    let expected = Expected {
        authority: platform_did(&app),
        context: app.url("/contexts/atout/v1"),
    };
    let before = app.store().list_trusted_issuers().await.unwrap();

    let renamed = {
        let mut d = document.clone();
        d["credentialSubject"]["trustedIssuers"][0]["name"]["fr"] = "Université Pirate".into();
        d
    };
    let added = {
        let mut d = document.clone();
        let mut extra = d["credentialSubject"]["trustedIssuers"][0].clone();
        extra["did"] = "did:web:evil.example".into();
        d["credentialSubject"]["trustedIssuers"]
            .as_array_mut()
            .unwrap()
            .push(extra);
        d
    };
    let extended = {
        let mut d = document.clone();
        d["credentialSubject"]["trustedIssuers"][0]["validUntil"] = "2099-01-01T00:00:00Z".into();
        d
    };
    for (what, forged) in [
        ("renamed", &renamed),
        ("added", &added),
        ("extended", &extended),
    ] {
        // The independent verifiers refuse it...
        assert!(ring.check(forged).await.is_err(), "{what}");
        let verdict = node_verifies(&app, forged).await;
        assert_eq!(verdict["verified"], false, "{what}: {verdict}");
        assert!(matches!(
            read_document(forged, &expected, &ring).await,
            Err(RegistryDocError::Proof(_))
        ));
        // ... and so does the import.
        let problem = assert_problem(import(&app, forged).await, 422).await;
        assert_eq!(
            problem["type"], "urn:atout:problem:invalid-signature",
            "{what}"
        );
        assert_eq!(problem["field"], "proof");
    }

    // Shape, type and issuer are checked before the proof.
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut d = document.clone();
        f(&mut d);
        d
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            edit(&|d| d["type"] = json!(["VerifiableCredential"])),
            "type",
        ),
        (
            edit(&|d| d["type"] = json!(["VerifiableCredential", "TrustRegistryCredential", "X"])),
            "type",
        ),
        (
            edit(&|d| d["issuer"] = "did:web:evil.example".into()),
            "issuer",
        ),
        (
            edit(&|d| {
                d["issuer"] =
                    json!({"id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"})
            }),
            "issuer",
        ),
        (
            edit(&|d| d["@context"] = json!(["https://www.w3.org/ns/credentials/v2"])),
            "@context",
        ),
        (edit(&|d| d["extra"] = true.into()), "extra"),
        (
            edit(&|d| d["credentialSubject"]["type"] = "Other".into()),
            "credentialSubject.type",
        ),
        (
            edit(&|d| d["credentialSubject"]["more"] = json!([])),
            "credentialSubject.more",
        ),
        (
            edit(&|d| d["credentialSubject"]["trustedIssuers"] = json!({})),
            "credentialSubject.trustedIssuers",
        ),
        (
            edit(&|d| d["credentialSubject"]["trustedIssuers"][0]["name"]["fr"] = "".into()),
            "credentialSubject.trustedIssuers[0].name.fr",
        ),
        (edit(&|d| d["validFrom"] = "yesterday".into()), "validFrom"),
        (
            edit(&|d| {
                d.as_object_mut().unwrap().remove("proof");
            }),
            "proof",
        ),
        (edit(&|d| d["proof"] = json!([d["proof"].clone()])), "proof"),
        (
            edit(&|d| d["proof"]["proofPurpose"] = "authentication".into()),
            "proof.proofPurpose",
        ),
        (
            edit(&|d| d["proof"]["verificationMethod"] = format!("{a}#key-1").into()),
            "proof.verificationMethod",
        ),
        (json!([1, 2]), ""),
    ];
    for (forged, field) in &cases {
        let problem = assert_problem(import(&app, forged).await, 422).await;
        assert_eq!(problem["field"], *field, "{problem}");
    }
    // Not JSON at all.
    let res = app
        .client
        .post(app.url("/admin/registry/import"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/json")
        .body("{\"@context\":")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;

    // A document signed by another key than the authority's is refused,
    // even with the authority named as issuer: an organisation signs one.
    let org_key = app
        .state
        .orgs
        .org_signing_key("univ-a", atout_core::crypto::KeyAlgorithm::Ed25519)
        .await
        .unwrap();
    let mut unsigned = document.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let by_org = atout_vc::sign::secure(
        &app.state.vc.engine,
        unsigned.as_object().unwrap(),
        atout_vc::ProofFormat::DataIntegrity(atout_vc::data_integrity::Cryptosuite::EddsaRdfc2022),
        &org_key,
        &a,
        start_time(),
    )
    .await
    .unwrap();
    let by_org: Value = serde_json::from_str(&by_org.stored).unwrap();
    let problem = assert_problem(import(&app, &by_org).await, 422).await;
    assert_eq!(problem["field"], "proof.verificationMethod");
    // Even past the shape check, the authority's key is what counts.
    let mut relabelled = by_org.clone();
    relabelled["proof"]["verificationMethod"] = document["proof"]["verificationMethod"].clone();
    assert!(ring.check(&relabelled).await.is_err());
    let problem = assert_problem(import(&app, &relabelled).await, 422).await;
    assert_eq!(problem["field"], "proof");

    // Nothing was replaced.
    assert_eq!(app.store().list_trusted_issuers().await.unwrap(), before);
    assert!(audit(&app, "trust_registry.replaced").await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn command_line_add_list_export_import() {
    let app = TestApp::spawn().await;
    let run = |args: &[&str]| {
        let out = app.command().args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let ok = |(code, stdout, stderr): (i32, String, String)| {
        assert_eq!(code, 0, "{stdout}\n{stderr}");
        stdout
    };
    let a = "did:web:univ-a.example";
    let b = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    let out = ok(run(&[
        "registry",
        "add",
        "--did",
        a,
        "--name-fr",
        "Université A",
        "--name-en",
        "University A",
        "--accreditation",
        "Certificateur RNCP",
        "--accreditation-url",
        "https://example.org/rncp",
        "--valid-from",
        "2020-01-01",
        "--valid-until",
        "2090-01-01",
    ]));
    assert_eq!(out.trim(), format!("added {a}"));
    let out = ok(run(&[
        "registry",
        "add",
        "--did",
        b,
        "--name-fr",
        "Organisme B",
        "--name-en",
        "Body B",
        "--accreditation",
        "Qualiopi",
        "--json",
    ]));
    let added: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(added["did"], b);
    assert_eq!(added["name"]["en"], "Body B");
    let list = ok(run(&["registry", "list"]));
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(
        list.contains(&format!("{a}\taccredited\tUniversité A")),
        "{list}"
    );
    let shown: Value = serde_json::from_str(&ok(run(&["registry", "show", a, "--json"]))).unwrap();
    assert_eq!(shown["validUntil"], "2090-01-01T00:00:00Z");
    assert!(ok(run(&["registry", "show", a])).contains("accreditation: Certificateur RNCP"));

    // Bad input: exit 1 and the field named; nothing written.
    let (code, stdout, stderr) = run(&[
        "registry",
        "add",
        "--did",
        "did:web:x.example",
        "--name-fr",
        "",
        "--name-en",
        "X",
        "--accreditation",
        "Y",
    ]);
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    assert!(stderr.contains("name.fr"), "{stderr}");
    let (code, _, stderr) = run(&[
        "registry",
        "add",
        "--did",
        "did:web:x.example",
        "--name-fr",
        "X",
        "--name-en",
        "X",
        "--accreditation",
        "Y",
        "--valid-until",
        "someday",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("validUntil"), "{stderr}");
    let (code, _, stderr) = run(&["registry", "remove", a]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--yes"), "{stderr}");
    let (code, _, stderr) = run(&["registry", "show", "did:web:nobody.example"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("did:web:nobody.example"), "{stderr}");

    // Export to a file and to stdout: the same registry, signed.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("registry.json");
    ok(run(&[
        "registry",
        "export",
        "--out",
        file.to_str().unwrap(),
    ]));
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(exported["issuer"], platform_did(&app).as_str());
    ring_verifier(&app).await.check(&exported).await.unwrap();
    let stdout: Value = serde_json::from_str(&ok(run(&["registry", "export"]))).unwrap();
    assert_eq!(stdout["credentialSubject"], exported["credentialSubject"]);

    // Remove one, import the file: it is back.
    assert_eq!(
        ok(run(&["registry", "remove", a, "--yes"])).trim(),
        format!("removed {a}")
    );
    assert_eq!(ok(run(&["registry", "list"])).lines().count(), 1);
    let out = ok(run(&["registry", "import", file.to_str().unwrap()]));
    assert_eq!(
        out.trim(),
        "imported 2 trusted issuers (1 added, 0 updated, 0 removed)"
    );
    let list: Value = serde_json::from_str(&ok(run(&["registry", "list", "--json"]))).unwrap();
    assert_eq!(list, exported["credentialSubject"]["trustedIssuers"]);
    // A tampered file is refused.
    let mut forged = exported.clone();
    forged["credentialSubject"]["trustedIssuers"][0]["name"]["fr"] = "Pirate".into();
    std::fs::write(&file, forged.to_string()).unwrap();
    let (code, _, stderr) = run(&["registry", "import", file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("does not verify"), "{stderr}");
    let lines = audit(&app, "trust_registry.replaced").await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].actor, "cli");
    app.stop().await;
}

/// A credential record to link to (the body does not matter here).
async fn stored_credential(app: &TestApp, org_id: &str, n: usize) -> String {
    let id = format!("cred-{n}-{}", uuid::Uuid::new_v4().simple());
    let credential = IssuedCredential {
        id: id.clone(),
        org_id: org_id.to_owned(),
        credential_id: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
        format: "ldp_vc".into(),
        body: "{}".into(),
        issued_at: start_time(),
        template_id: None,
        reference: None,
        subject_name: None,
        subject_email: None,
    };
    let audit = Actor::system().entry(
        start_time(),
        Some(org_id),
        "credential.issued",
        format!("credential:{id}"),
        None,
    );
    app.store()
        .insert_issued_credential(&credential, &audit)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn verification_links_are_created_once_even_concurrently() {
    let app = TestApp::spawn().await;
    let org = app.create_org("univ-a").await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    let first = stored_credential(&app, &org_id, 1).await;
    let second = stored_credential(&app, &org_id, 2).await;
    let store = app.store();

    // Twenty callers at once: one token.
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            let id = first.clone();
            tokio::spawn(async move { store.verification_link_for(&id, start_time()).await })
        })
        .collect();
    let mut tokens = std::collections::HashSet::new();
    for t in tasks {
        tokens.insert(t.await.unwrap().unwrap());
    }
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let token = tokens.into_iter().next().unwrap();
    assert_eq!(token.len(), 22);
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(
        store
            .verification_link_for(&first, start_time())
            .await
            .unwrap(),
        token
    );
    let other = store
        .verification_link_for(&second, start_time())
        .await
        .unwrap();
    assert_ne!(other, token);

    let found = store
        .credential_by_verification_token(&token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, first);
    assert_eq!(found.org_id, org_id);
    assert!(store
        .credential_by_verification_token("AAAAAAAAAAAAAAAAAAAAAA")
        .await
        .unwrap()
        .is_none());
    for malformed in [
        "",
        "short",
        "AAAAAAAAAAAAAAAAAAAAA!",
        &"A".repeat(23),
        "' OR 1=1 --AAAAAAAAAAA",
    ] {
        assert!(
            store
                .credential_by_verification_token(malformed)
                .await
                .unwrap()
                .is_none(),
            "{malformed}"
        );
    }
    assert!(matches!(
        store
            .verification_link_for("no-such-credential", start_time())
            .await,
        Err(StoreError::NotFound)
    ));

    // The lookup works on a read-only connection (a replica).
    let mut options = atout_core::store::ConnectOptions::new(app.db.url.clone());
    options.read_only = true;
    options.max_connections = 2;
    let replica: Arc<dyn atout_core::store::Store> =
        atout_core::store::connect(&options).await.unwrap();
    let found = replica
        .credential_by_verification_token(&other)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, second);
    replica.close().await;
    app.stop().await;
}
